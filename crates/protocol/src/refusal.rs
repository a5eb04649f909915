//! Typed refusals: why the server would not do something, as data the app translates instead of
//! parsing English sentences. An [`crate::ErrorBody`] carries at most one [`Refusal`] (`reason`)
//! and any number of [`FieldProblem`]s (`problems`), next to its unchanged `code` and an English
//! `message` for older clients (the `Display` texts below).
//!
//! Each area has its own enum, tagged by `kind` on the wire; [`Refusal`] wraps them, tagged by
//! `area`. Unknown areas, kinds and rules read as `Unknown`, so an older app still shows the
//! message when a newer server refuses for a new reason.

use crate::MemberId;
use crate::approval::{DatePrecision, Decimal, Decision, RequestStatus};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Why an action was refused, by area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "area", rename_all = "snake_case")]
pub enum Refusal {
    Approval(ApprovalRefusal),
    Conversation(ConversationRefusal),
    Directory(DirectoryRefusal),
    /// A reason from a newer server.
    #[serde(other)]
    Unknown,
}

/// Why an approval action (submit, decide, withdraw, comment, read) was refused. Steps are
/// numbered from 0, as everywhere on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApprovalRefusal {
    /// The request does not exist, or the member may not read it (its existence is not revealed).
    NotFound,
    /// The member approves no step of this request.
    NotAnApprover,
    /// Only the applicant withdraws a request.
    NotTheApplicant,
    /// The applicant withdrew it: nothing is left to decide.
    Withdrawn,
    /// The request is approved or rejected already: nothing is left to decide.
    RequestFinished { status: RequestStatus },
    /// Only a request in review can be withdrawn.
    NotInReview { status: RequestStatus },
    /// The member already decided `step` (an "all must approve" step waiting for the others, or
    /// an earlier step; `current_step` is where the request is now, if in review).
    AlreadyDecided { step: u32, step_name: String, decision: Decision, current_step: Option<u32> },
    /// Someone else's approval finished the member's "any one approves" step, and the request
    /// moved on.
    AlreadyDecidedByOther { step: u32, step_name: String, by: MemberId, by_name: String, current_step: u32 },
    /// The member's step finished without them (e.g. all its other approvers approved after they
    /// were removed from it) and the request moved on.
    StepFinished { step: u32, step_name: String, current_step: u32 },
    /// The member's step comes later: the request is still at `current_step`.
    StepNotStarted { step: u32, step_name: String, current_step: u32 },
    /// The form was filled in with an older version of the template.
    TemplateChanged { filled_in: u32, current: u32 },
    /// A step of the chain has nobody to approve it (the template needs fixing).
    NoApprover { step: String },
    /// The applicant is not an active member of the directory.
    UnknownApplicant,
    #[serde(other)]
    Unknown,
}

/// Why a conversation or message action was refused: group rules, the direct and approvals
/// kinds, mentions and recall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConversationRefusal {
    /// The conversation does not exist, or the member does not take part (not revealed).
    NotFound,
    /// Renaming, removing others and handing over are for the group's owner or an administrator.
    OwnerOnly,
    /// Mentioning everyone is for a group's owner or an administrator.
    MentionAllOwnerOnly,
    /// The group would have more than `max` members.
    GroupFull { max: u32 },
    /// A group needs the creator and at least one other member.
    TooFewMembers,
    /// The Approvals conversation and a conversation with an app only receive what the server
    /// posts.
    ReadOnlyConversation,
    /// The membership and name of the Approvals conversation and of a conversation with an app
    /// cannot be changed.
    ApprovalsConversationFixed,
    /// A direct chat always has exactly its two members.
    DirectChatFixed,
    /// A direct chat needs another member.
    DirectChatWithSelf,
    /// The owner must hand the group over before someone else removes them.
    RemoveOwnerFirst,
    /// The member named is not in the group.
    NotInGroup { member: MemberId },
    /// The member named is not active (disabled, invited, deleted) or does not exist.
    InactiveMember { member: MemberId },
    /// A mention names someone outside the conversation.
    MentionOutsider { member: MemberId },
    /// The message replied to is not in this conversation.
    NoSuchReply,
    /// Only the sender recalls a message.
    NotTheSender,
    /// The recall window (`minutes` after sending) has passed.
    RecallWindowPassed { minutes: u32 },
    /// Confidential content is never forwarded, shared or exported.
    Confidential,
    /// Turning confidentiality off is not possible: the workspace policy requires it here.
    ConfidentialByPolicy,
    /// Deterrent reports are for confidential conversations only.
    NotConfidential,
    #[serde(other)]
    Unknown,
}

/// Why an administrator's change to the directory was refused: what nobody may do to their own
/// account, and what keeps the department tree whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DirectoryRefusal {
    /// Administrators do not change their own role (another administrator does).
    OwnRole,
    /// Administrators do not disable their own account.
    DisableSelf,
    /// Administrators do not delete their own account.
    DeleteSelf,
    /// An invited member without a password cannot be made active (setting one activates them).
    NoPasswordYet,
    /// The root department stays the root.
    RootCannotMove,
    /// The root department cannot be deleted.
    RootCannotBeDeleted,
    /// A department cannot move under itself or one of its sub-departments.
    MoveUnderItself,
    /// A department with sub-departments cannot be deleted.
    HasSubDepartments { count: u32 },
    /// A department with members cannot be deleted.
    HasMembers { count: u32 },
    /// Sibling departments have different names.
    DepartmentNameTaken,
    /// A department administrator acted on a member or department outside their subtree (or,
    /// for departments, on the top of their subtree itself, which only a workspace
    /// administrator moves, renames or deletes).
    OutsideScope,
    /// A department administrator gave or took a role: only the workspace administrator does.
    RoleNotTheirs,
    /// A department that department administrators manage cannot be deleted.
    AdministeredBy { count: u32 },
    #[serde(other)]
    Unknown,
}

/// One problem with a field the server checks: where (`path`, e.g. `controls.amount.decimals`
/// or `chain.steps[1].name`) and which rule it breaks. On the wire: `{"path": …, "rule": …,
/// …the rule's parameters}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    pub path: String,
    #[serde(flatten)]
    pub rule: FieldRule,
}

impl FieldProblem {
    pub fn new(path: impl Into<String>, rule: FieldRule) -> Self {
        Self { path: path.into(), rule }
    }
}

/// The rule a field breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum FieldRule {
    /// Empty, but required.
    Required,
    /// Text of `min` to `max` characters (`min` 0: at most `max`).
    Length { min: u32, max: u32 },
    /// A list needs at least one entry.
    AtLeastOne,
    /// A number of at most `max`.
    AtMost { max: u32 },
    /// A number of at least `min`.
    AtLeast { min: u32 },
    /// An id already used elsewhere in the same document.
    DuplicateId,
    /// A selector's options: at least one, with unique ids.
    UniqueOptions,
    /// A number field's lower bound is above its upper bound.
    MinAboveMax,
    /// A three-letter currency code such as CNY.
    CurrencyCode,
    /// A table column cannot be a table.
    NestedTable,
    /// A step's condition names a field that is not a top-level field of the right kind (or
    /// without the option it tests).
    ConditionField { control_id: String },
    /// A member named does not exist.
    UnknownMember { member: MemberId },
    /// A department named does not exist.
    UnknownDepartment { department: String },
    // Filling in an approval form (paths `form.<control_id>`, `form.<table>[<row>].<column>`).
    /// The form names a field its template does not have.
    UnknownField,
    /// Text on one line only.
    SingleLine,
    /// A value of another kind than the field holds (e.g. text in a date field).
    WrongKind,
    /// Not a number.
    NotANumber,
    /// Not an amount of money.
    NotAnAmount,
    /// A number with more than `max` decimals.
    Decimals { max: u8 },
    /// A number below the field's lower bound.
    NotBelow { min: Decimal },
    /// A number above the field's upper bound.
    NotAbove { max: Decimal },
    /// An amount below zero.
    Negative,
    /// Not a date written as the precision says (`YYYY-MM-DD` or `YYYY-MM-DDTHH:00`).
    DateFormat { precision: DatePrecision },
    /// No such month or day in the calendar.
    NoSuchDate,
    /// A date range whose end is before its start.
    EndBeforeStart,
    /// Several choices where one is allowed.
    OneChoice,
    /// The same choice twice.
    RepeatedChoice,
    /// A choice that is not one of the field's options.
    UnknownOption { option: String },
    /// More table rows than allowed.
    TooManyRows { max: u32 },
    /// More files than allowed.
    TooManyFiles { max: u32 },
    // A member's directory fields (paths are the API's field names: `mobile`, `leader_of`, …).
    /// Already used by another member.
    Taken,
    /// A userid of other characters than ASCII letters, digits, `.`, `_`, `-` and `@`, or not
    /// starting with a letter or digit.
    UseridChars,
    /// Not a phone number (digits, optionally starting with +).
    PhoneNumber,
    /// Not an email address.
    EmailAddress,
    /// Not an http(s) URL or a path on this server.
    AvatarUrl,
    /// Holds control characters.
    ControlCharacters,
    /// A department that is not one of the member's departments.
    NotAmongDepartments { department: String },
    /// A member cannot be their own direct leader.
    OwnLeader,
    /// The direct leader would close a circle of leaders.
    LeaderCycle,
    /// A rule from a newer server.
    #[serde(other)]
    Unknown,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.rule)
    }
}

impl fmt::Display for FieldRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("required"),
            Self::Length { min: 0, max } => write!(f, "at most {max} characters"),
            Self::Length { min, max } => write!(f, "{min} to {max} characters"),
            Self::AtLeastOne => f.write_str("at least one"),
            Self::AtMost { max } => write!(f, "at most {max}"),
            Self::AtLeast { min } => write!(f, "{min} or more"),
            Self::DuplicateId => f.write_str("the id is used twice"),
            Self::UniqueOptions => f.write_str("at least one, with unique ids"),
            Self::MinAboveMax => f.write_str("min is above max"),
            Self::CurrencyCode => f.write_str("a three-letter code such as CNY"),
            Self::NestedTable => f.write_str("a table cannot hold a table"),
            Self::ConditionField { control_id } => {
                write!(f, "{control_id:?} is not a top-level field of a kind (and with the option) the condition tests")
            }
            Self::UnknownMember { member } => write!(f, "member {member} does not exist"),
            Self::UnknownDepartment { department } => write!(f, "department {department} does not exist"),
            Self::UnknownField => f.write_str("no such field in this template"),
            Self::SingleLine => f.write_str("a single line only"),
            Self::WrongKind => f.write_str("a value of another kind than this field holds"),
            Self::NotANumber => f.write_str("expected a number"),
            Self::NotAnAmount => f.write_str("expected an amount in cents"),
            Self::Decimals { max } => write!(f, "at most {max} decimals"),
            Self::NotBelow { min } => write!(f, "at least {min}"),
            Self::NotAbove { max } => write!(f, "at most {max}"),
            Self::Negative => f.write_str("an amount cannot be negative"),
            Self::DateFormat { precision: DatePrecision::Day } => f.write_str("expected a date as YYYY-MM-DD"),
            Self::DateFormat { precision: DatePrecision::Hour } => f.write_str("expected a date as YYYY-MM-DDTHH:00"),
            Self::NoSuchDate => f.write_str("no such date in the calendar"),
            Self::EndBeforeStart => f.write_str("the end is before the start"),
            Self::OneChoice => f.write_str("only one choice allowed"),
            Self::RepeatedChoice => f.write_str("the same choice appears twice"),
            Self::UnknownOption { option } => write!(f, "{option:?} is not one of the options"),
            Self::TooManyRows { max } => write!(f, "at most {max} rows"),
            Self::TooManyFiles { max } => write!(f, "at most {max} files"),
            Self::Taken => f.write_str("already used by another member"),
            Self::UseridChars => {
                f.write_str("use letters, digits, '.', '_', '-' or '@', starting with a letter or digit")
            }
            Self::PhoneNumber => f.write_str("not a phone number (digits, optionally starting with +)"),
            Self::EmailAddress => f.write_str("not an email address"),
            Self::AvatarUrl => f.write_str("an http(s) URL or a path on this server"),
            Self::ControlCharacters => f.write_str("no control characters"),
            Self::NotAmongDepartments { department } => {
                write!(f, "{department} is not one of the member's departments")
            }
            Self::OwnLeader => f.write_str("a member cannot be their own leader"),
            Self::LeaderCycle => f.write_str("this would make a circle of leaders"),
            Self::Unknown => f.write_str("not accepted"),
        }
    }
}

/// The problems as one sentence (the `message` of a 422 for older clients).
pub fn problems_message(problems: &[FieldProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

fn status_word(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::InReview => "in review",
        RequestStatus::Approved => "approved",
        RequestStatus::Rejected => "rejected",
        RequestStatus::Withdrawn => "withdrawn",
    }
}

impl fmt::Display for ApprovalRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("approval request not found"),
            Self::NotAnApprover => f.write_str("only the approvers of the request's current step can decide"),
            Self::NotTheApplicant => f.write_str("only the applicant can withdraw a request"),
            Self::Withdrawn => f.write_str("the applicant withdrew the request: there is nothing left to decide"),
            Self::RequestFinished { status } => {
                write!(f, "the request is already {}: there is nothing left to decide", status_word(*status))
            }
            Self::NotInReview { status } => {
                write!(f, "the request is already {}: only a request in review can be withdrawn", status_word(*status))
            }
            Self::AlreadyDecided { step, step_name, decision, current_step } => {
                let word = if *decision == Decision::Reject { "rejected" } else { "approved" };
                match current_step {
                    Some(current) if current == step => {
                        write!(
                            f,
                            "you already {word} step {} ({step_name}); it waits for the other approvers",
                            step + 1
                        )
                    }
                    Some(current) => write!(
                        f,
                        "step {} ({step_name}) is finished — you already decided it; the request has moved on to step {}",
                        step + 1,
                        current + 1
                    ),
                    None => write!(f, "you already {word} step {} ({step_name})", step + 1),
                }
            }
            Self::AlreadyDecidedByOther { step, step_name, by_name, current_step, .. } => write!(
                f,
                "step {} ({step_name}) is finished — {by_name} already approved it (one approval decides this step); \
                 the request has moved on to step {}",
                step + 1,
                current_step + 1
            ),
            Self::StepFinished { step, step_name, current_step } => write!(
                f,
                "step {} ({step_name}) is finished — it is already decided; the request has moved on to step {}",
                step + 1,
                current_step + 1
            ),
            Self::StepNotStarted { step, step_name, current_step } => write!(
                f,
                "your step {} ({step_name}) has not started: the request is still at step {}",
                step + 1,
                current_step + 1
            ),
            Self::TemplateChanged { filled_in, current } => write!(
                f,
                "the template changed: the form was filled in with version {filled_in}, version {current} is current; \
                 reload the form"
            ),
            Self::NoApprover { step } => write!(
                f,
                "step {step:?} has no approver and the template's fallback approver is not an active member; ask an \
                 administrator to fix the template"
            ),
            Self::UnknownApplicant => f.write_str("the applicant is not an active member"),
            Self::Unknown => f.write_str("the request was refused"),
        }
    }
}

impl fmt::Display for ConversationRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("conversation not found"),
            Self::OwnerOnly => f.write_str("only the group's owner or an administrator can do this"),
            Self::MentionAllOwnerOnly => f.write_str("only the group's owner or an administrator can mention everyone"),
            Self::GroupFull { max } => write!(f, "members: a group has at most {max} members"),
            Self::TooFewMembers => f.write_str("members: pick at least one other member"),
            Self::ReadOnlyConversation => f.write_str("this conversation is read-only: act on its cards"),
            Self::ApprovalsConversationFixed => f.write_str("this conversation cannot be changed"),
            Self::DirectChatFixed => f.write_str("a direct chat always has exactly its two members"),
            Self::DirectChatWithSelf => f.write_str("member: a direct chat needs another member"),
            Self::RemoveOwnerFirst => f.write_str("hand the group to someone else before removing its owner"),
            Self::NotInGroup { member } => write!(f, "member: {member} is not in this group"),
            Self::InactiveMember { member } => write!(f, "members: {member} is not an active member"),
            Self::MentionOutsider { member } => write!(f, "mentions: {member} is not in this conversation"),
            Self::NoSuchReply => f.write_str("reply_to: no such message in this conversation"),
            Self::NotTheSender => f.write_str("only the sender can recall a message"),
            Self::RecallWindowPassed { minutes } if minutes % 60 == 0 => {
                write!(f, "a message can be recalled only within {} h of sending", minutes / 60)
            }
            Self::RecallWindowPassed { minutes } => {
                write!(f, "a message can be recalled only within {minutes} min of sending")
            }
            Self::Confidential => {
                f.write_str("this conversation is confidential: its content is never forwarded, shared or exported")
            }
            Self::ConfidentialByPolicy => f.write_str("the workspace policy keeps this conversation confidential"),
            Self::NotConfidential => f.write_str("this conversation is not confidential"),
            Self::Unknown => f.write_str("the request was refused"),
        }
    }
}

impl fmt::Display for DirectoryRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OwnRole => f.write_str("role: you cannot change your own role"),
            Self::DisableSelf => f.write_str("you cannot disable your own account"),
            Self::DeleteSelf => f.write_str("you cannot delete your own account"),
            Self::NoPasswordYet => {
                f.write_str("status: this member has no password yet; set one (which also activates them)")
            }
            Self::RootCannotMove => f.write_str("parent_id: the root department cannot be moved"),
            Self::RootCannotBeDeleted => f.write_str("the root department cannot be deleted"),
            Self::MoveUnderItself => {
                f.write_str("parent_id: a department cannot move under itself or one of its sub-departments")
            }
            Self::HasSubDepartments { count } => {
                write!(f, "this department still has {count} sub-department(s); move or delete them first")
            }
            Self::HasMembers { count } => write!(f, "this department still has {count} member(s); move them first"),
            Self::DepartmentNameTaken => f.write_str("name: a department with this name already exists there"),
            Self::OutsideScope => f.write_str("this is outside the departments you administer"),
            Self::RoleNotTheirs => f.write_str("role: only the workspace administrator gives or takes roles"),
            Self::AdministeredBy { count } => {
                write!(f, "{count} department administrator(s) manage this department; give them another scope first")
            }
            Self::Unknown => f.write_str("the request was refused"),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Approval(refusal) => refusal.fmt(f),
            Self::Conversation(refusal) => refusal.fmt(f),
            Self::Directory(refusal) => refusal.fmt(f),
            Self::Unknown => f.write_str("the request was refused"),
        }
    }
}

impl From<ApprovalRefusal> for Refusal {
    fn from(refusal: ApprovalRefusal) -> Self {
        Self::Approval(refusal)
    }
}

impl From<DirectoryRefusal> for Refusal {
    fn from(refusal: DirectoryRefusal) -> Self {
        Self::Directory(refusal)
    }
}

impl From<ConversationRefusal> for Refusal {
    fn from(refusal: ConversationRefusal) -> Self {
        Self::Conversation(refusal)
    }
}

/// Reads an optional reason, leniently: a reason of a shape this build does not know (a newer
/// server's field it cannot read) becomes `Unknown` instead of failing the whole error body.
pub(crate) fn lenient_reason<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Refusal>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value.map(|value| serde_json::from_value(value).unwrap_or(Refusal::Unknown)))
}

/// Reads field problems leniently: one this build cannot read keeps its path with rule `Unknown`.
pub(crate) fn lenient_problems<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<FieldProblem>, D::Error> {
    let values = Option::<Vec<serde_json::Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(values
        .into_iter()
        .map(|value| {
            serde_json::from_value(value.clone()).unwrap_or_else(|_| FieldProblem {
                path: value.get("path").and_then(|p| p.as_str()).unwrap_or_default().to_owned(),
                rule: FieldRule::Unknown,
            })
        })
        .collect())
}
