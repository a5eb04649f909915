//! Approvals (issue #5): templates (typed form controls and an approver chain), form values, the
//! pure form validation both sides run, submitted requests with their resolved steps and audit
//! trail, and the request/response bodies of `/api/v1/approvals/...`.
//!
//! Wire decisions:
//! - **Money** is an integer number of cents (`i64`, always 2 decimals): `12345` is 123.45. No
//!   floats anywhere, so sums and comparisons are exact.
//! - **Number** values and bounds are [`Decimal`]s, written as JSON strings (`"3.25"`), parsed into
//!   an integer and a scale.
//! - **Dates** are strings: `YYYY-MM-DD` (day precision) or `YYYY-MM-DDTHH:00` (hour precision),
//!   in the organisation's local time. Both orders sort as text, so ranges compare as strings.
//! - **Request status** is a number, as in WeCom: 1 in review, 2 approved, 3 rejected,
//!   4 withdrawn. Drafts never reach the server (the app keeps them locally), so there is no
//!   draft status on the wire.

use crate::auth::Role;
use crate::chat::Attachment;
use crate::directory::DepartmentId;
use crate::refusal::{FieldProblem, FieldRule};
use crate::{ApprovalId, AttachmentId, ClientId, MemberId, Millis, TemplateId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Longest single-line text value, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Longest multi-line text value (and comment), in characters.
pub const MAX_TEXTAREA_CHARS: usize = 2000;
/// Most files one File control holds.
pub const MAX_FILES: usize = 9;
/// Most rows of one Table control.
pub const MAX_TABLE_ROWS: usize = 100;
/// Most decimals a Number control may declare.
pub const MAX_DECIMALS: u8 = 6;

// ---------------------------------------------------------------------------------------------
// Decimal numbers
// ---------------------------------------------------------------------------------------------

/// An exact decimal number: `units / 10^scale`. On the wire, a string such as `"-12.50"`.
/// Equality is by value: `1.5 == 1.50` (the scale only says how it was written).
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    pub units: i64,
    pub scale: u8,
}

impl Decimal {
    /// Parses `[-]digits[.digits]` (at most 18 decimals, within `i64`); `None` otherwise.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match rest.split_once('.') {
            Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
            Some(_) => return None,
            None => (rest, ""),
        };
        if whole.is_empty() || fraction.len() > 18 {
            return None;
        }
        if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = format!("{whole}{fraction}");
        let magnitude: i64 = digits.parse().ok()?;
        let scale = u8::try_from(fraction.len()).ok()?;
        Some(Self { units: if negative { -magnitude } else { magnitude }, scale })
    }

    /// A whole amount of cents as a decimal with two places.
    pub fn from_cents(cents: i64) -> Self {
        Self { units: cents, scale: 2 }
    }

    /// The value scaled to `scale` decimals (as `i128`, so it cannot overflow for scale ≤ 18).
    fn scaled(self, scale: u8) -> i128 {
        i128::from(self.units) * 10i128.pow(u32::from(scale.saturating_sub(self.scale)))
    }

    /// Decimals actually used (trailing zeros do not count: `"1.50"` uses 1).
    pub fn significant_decimals(self) -> u8 {
        let (mut units, mut scale) = (self.units, self.scale);
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        scale
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.scaled(scale).cmp(&other.scaled(scale))
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let magnitude = self.units.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{magnitude}");
        }
        let divisor = 10u64.pow(u32::from(self.scale));
        write!(f, "{sign}{}.{:0width$}", magnitude / divisor, magnitude % divisor, width = usize::from(self.scale))
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a decimal number: {text:?}")))
    }
}

// ---------------------------------------------------------------------------------------------
// Templates: controls
// ---------------------------------------------------------------------------------------------

/// How precise a date control is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM-DDTHH:00`.
    Hour,
}

/// What a contact control picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactTarget {
    Members,
    Departments,
}

/// One choice of a selector; values name the option by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectOption {
    pub id: String,
    pub label: String,
}

/// The kind of a control and its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ControlKind {
    Text,
    Textarea,
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Decimal>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Decimal>,
        /// Most decimals a value may use (0 for whole numbers).
        decimals: u8,
    },
    /// An amount in cents (2 decimals), never negative.
    Money {
        /// ISO 4217 code, e.g. `CNY`.
        currency: String,
    },
    Date {
        precision: DatePrecision,
    },
    DateRange {
        precision: DatePrecision,
    },
    Selector {
        multi: bool,
        options: Vec<SelectOption>,
    },
    Contact {
        target: ContactTarget,
        multi: bool,
    },
    File,
    /// Rows of the column controls (which may not be tables themselves).
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Table {
        columns: Vec<Control>,
    },
}

/// One field of a template's form. Ids are unique across the whole template, table columns
/// included, so an error names a field without ambiguity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Control {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub placeholder: String,
    pub required: bool,
    #[serde(flatten)]
    pub kind: ControlKind,
}

// ---------------------------------------------------------------------------------------------
// Templates: the approver chain
// ---------------------------------------------------------------------------------------------

/// Who approves a step (or is copied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ApproverSource {
    /// These members.
    Members { members: Vec<MemberId> },
    /// The applicant's direct leader.
    DirectLeader,
    /// The leaders of a department above the applicant: level 1 is the applicant's **main
    /// department**, level 2 its parent, and so on. When the applicant is that department's only
    /// leader, the walk goes one department further up (nobody approves their own request).
    DepartmentLeader { level: u8 },
    /// The leaders of one named department.
    LeaderOf { department_id: DepartmentId },
    /// Every active member with this role.
    Role { role: Role },
}

/// How many of a step's approvers must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// The first approval completes the step (或签).
    AnyOne,
    /// Every approver must approve (会签).
    All,
}

/// A comparison of a Number or Money field with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Gt,
    Ge,
    Lt,
    Le,
}

/// When a conditional step is included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "test", rename_all = "snake_case")]
pub enum Condition {
    /// A Number or Money field compared with `value` (money in its unit: `"10000.00"`). An empty
    /// field is false.
    Compare { control_id: String, op: CompareOp, value: Decimal },
    /// A Selector field has `option` among its choices.
    Selected { control_id: String, option: String },
}

/// One step of the chain as the template describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepTemplate {
    pub name: String,
    pub approvers: ApproverSource,
    pub mode: ApprovalMode,
    /// The step is part of a request only when this holds for the submitted form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// The approver chain: ordered steps, CC lists, and who approves when a step resolves to nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproverChain {
    pub steps: Vec<StepTemplate>,
    /// Copied when the request is submitted.
    #[serde(default)]
    pub cc_on_submit: Vec<ApproverSource>,
    /// Copied when the request is approved.
    #[serde(default)]
    pub cc_on_completion: Vec<ApproverSource>,
    /// Approves any step whose approvers resolve to nobody (no leader, nobody with the role).
    pub fallback_approver: MemberId,
}

/// What an administrator writes: the whole template (every edit stores a new version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateSpec {
    pub name: String,
    /// A short icon name the app maps to a picture (`expense`, `leave`, …).
    pub icon: String,
    #[serde(default)]
    pub description: String,
    pub controls: Vec<Control>,
    pub chain: ApproverChain,
}

/// A template version as stored: requests point at `(id, version)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Template {
    pub id: TemplateId,
    /// Starts at 1; each edit adds one.
    pub version: u32,
    #[serde(flatten)]
    pub spec: TemplateSpec,
    /// When this version was stored.
    pub created_at: Millis,
}

// ---------------------------------------------------------------------------------------------
// Form values and validation
// ---------------------------------------------------------------------------------------------

/// A field's value; the kind must fit the control's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    /// Text and Textarea.
    Text(String),
    Number(Decimal),
    /// Cents.
    Money(i64),
    Date(String),
    DateRange {
        start: String,
        end: String,
    },
    /// Selected option ids.
    Selected(Vec<String>),
    Members(Vec<MemberId>),
    Departments(Vec<DepartmentId>),
    Files(Vec<AttachmentId>),
    /// A table's rows, each a form of the column controls.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Rows(Vec<FormValues>),
}

/// A form: values by control id. A control without an entry is empty.
pub type FormValues = BTreeMap<String, FieldValue>;

/// One refusal of a form: the control (a table column's id for a cell, with its table and its
/// row from 0) and the rule its value breaks. On the wire it travels as a [`FieldProblem`] whose
/// path is `form.<control_id>` or `form.<table>[<row>].<column>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub control_id: String,
    /// The table holding the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    pub rule: FieldRule,
}

impl FieldError {
    /// A problem of a top-level field.
    pub fn field(control_id: impl Into<String>, rule: FieldRule) -> Self {
        Self { control_id: control_id.into(), table: None, row: None, rule }
    }

    /// A problem of a cell: `column` of `row` (from 0) of `table`.
    pub fn cell(table: impl Into<String>, row: usize, column: impl Into<String>, rule: FieldRule) -> Self {
        Self { control_id: column.into(), table: Some(table.into()), row: Some(row), rule }
    }

    /// Where it is, as a [`FieldProblem`] path.
    pub fn path(&self) -> String {
        match (&self.table, self.row) {
            (Some(table), Some(row)) => format!("form.{table}[{row}].{}", self.control_id),
            _ => format!("form.{}", self.control_id),
        }
    }

    /// The problem as it travels in an [`crate::ErrorBody`].
    pub fn problem(&self) -> FieldProblem {
        FieldProblem::new(self.path(), self.rule.clone())
    }

    /// Reads a problem a server sent back; `None` when its path is not in a form.
    pub fn from_problem(problem: &FieldProblem) -> Option<Self> {
        let place = problem.path.strip_prefix("form.")?;
        if place.is_empty() {
            return None;
        }
        let Some((table, rest)) = place.split_once('[') else {
            return Some(Self::field(place, problem.rule.clone()));
        };
        let (row, column) = rest.split_once("].")?;
        Some(Self::cell(table, row.parse().ok()?, column, problem.rule.clone()))
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "{} (row {}): {}", self.control_id, row + 1, self.rule),
            None => write!(f, "{}: {}", self.control_id, self.rule),
        }
    }
}

/// Checks a form against a template's controls: required fields, kinds, lengths, ranges and
/// decimals, option membership, date formats and order, and table rows (recursively). Pure:
/// whether picked members and departments exist and are visible is the server's check.
pub fn validate(template: &TemplateSpec, values: &FormValues) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    validate_controls(&template.controls, values, None, &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn validate_controls(
    controls: &[Control],
    values: &FormValues,
    cell: Option<(&str, usize)>,
    errors: &mut Vec<FieldError>,
) {
    let error = |control_id: &str, rule: FieldRule| match cell {
        Some((table, row)) => FieldError::cell(table, row, control_id, rule),
        None => FieldError::field(control_id, rule),
    };
    for id in values.keys() {
        if !controls.iter().any(|c| &c.id == id) {
            errors.push(error(id, FieldRule::UnknownField));
        }
    }
    for control in controls {
        let refused = match values.get(&control.id) {
            None => control.required.then_some(FieldRule::Required),
            Some(value) if is_empty(value) => control.required.then_some(FieldRule::Required),
            Some(value) => {
                if let ControlKind::Table { columns } = &control.kind {
                    match value {
                        FieldValue::Rows(rows) if rows.len() > MAX_TABLE_ROWS => {
                            Some(FieldRule::TooManyRows { max: MAX_TABLE_ROWS as u32 })
                        }
                        FieldValue::Rows(rows) => {
                            for (index, cells) in rows.iter().enumerate() {
                                validate_controls(columns, cells, Some((&control.id, index)), errors);
                            }
                            None
                        }
                        _ => Some(FieldRule::WrongKind),
                    }
                } else {
                    check_value(&control.kind, value).err()
                }
            }
        };
        if let Some(rule) = refused {
            errors.push(error(&control.id, rule));
        }
    }
}

fn is_empty(value: &FieldValue) -> bool {
    match value {
        FieldValue::Text(text) => text.trim().is_empty(),
        FieldValue::Selected(list) => list.is_empty(),
        FieldValue::Members(list) => list.is_empty(),
        FieldValue::Departments(list) => list.is_empty(),
        FieldValue::Files(list) => list.is_empty(),
        FieldValue::Rows(rows) => rows.is_empty(),
        FieldValue::Number(_) | FieldValue::Money(_) | FieldValue::Date(_) | FieldValue::DateRange { .. } => false,
    }
}

fn no_repeats<T: Ord>(items: &[T]) -> Result<(), FieldRule> {
    let unique: BTreeSet<&T> = items.iter().collect();
    if unique.len() == items.len() { Ok(()) } else { Err(FieldRule::RepeatedChoice) }
}

fn one_unless_multi(multi: bool, count: usize) -> Result<(), FieldRule> {
    if !multi && count > 1 { Err(FieldRule::OneChoice) } else { Ok(()) }
}

/// Checks a non-empty value of a non-table control.
fn check_value(kind: &ControlKind, value: &FieldValue) -> Result<(), FieldRule> {
    match (kind, value) {
        (ControlKind::Text, FieldValue::Text(text)) => check_length(text, MAX_TEXT_CHARS, false),
        (ControlKind::Textarea, FieldValue::Text(text)) => check_length(text, MAX_TEXTAREA_CHARS, true),
        (ControlKind::Number { min, max, decimals }, FieldValue::Number(number)) => {
            if number.significant_decimals() > *decimals {
                return Err(FieldRule::Decimals { max: *decimals });
            }
            if let Some(min) = min
                && number < min
            {
                return Err(FieldRule::NotBelow { min: *min });
            }
            if let Some(max) = max
                && number > max
            {
                return Err(FieldRule::NotAbove { max: *max });
            }
            Ok(())
        }
        (ControlKind::Money { .. }, FieldValue::Money(cents)) => {
            if *cents < 0 {
                Err(FieldRule::Negative)
            } else {
                Ok(())
            }
        }
        (ControlKind::Date { precision }, FieldValue::Date(date)) => check_date(date, *precision),
        (ControlKind::DateRange { precision }, FieldValue::DateRange { start, end }) => {
            check_date(start, *precision)?;
            check_date(end, *precision)?;
            if end < start { Err(FieldRule::EndBeforeStart) } else { Ok(()) }
        }
        (ControlKind::Selector { multi, options }, FieldValue::Selected(chosen)) => {
            one_unless_multi(*multi, chosen.len())?;
            no_repeats(chosen)?;
            match chosen.iter().find(|id| !options.iter().any(|o| &o.id == *id)) {
                Some(unknown) => Err(FieldRule::UnknownOption { option: unknown.clone() }),
                None => Ok(()),
            }
        }
        (ControlKind::Contact { target: ContactTarget::Members, multi }, FieldValue::Members(members)) => {
            one_unless_multi(*multi, members.len())?;
            no_repeats(members)
        }
        (ControlKind::Contact { target: ContactTarget::Departments, multi }, FieldValue::Departments(departments)) => {
            one_unless_multi(*multi, departments.len())?;
            no_repeats(departments)
        }
        (ControlKind::File, FieldValue::Files(files)) => {
            if files.len() > MAX_FILES {
                return Err(FieldRule::TooManyFiles { max: MAX_FILES as u32 });
            }
            no_repeats(files)
        }
        (ControlKind::Number { .. }, _) => Err(FieldRule::NotANumber),
        (ControlKind::Money { .. }, _) => Err(FieldRule::NotAnAmount),
        _ => Err(FieldRule::WrongKind),
    }
}

fn check_length(text: &str, max: usize, multiline: bool) -> Result<(), FieldRule> {
    if text.chars().count() > max {
        return Err(FieldRule::Length { min: 0, max: max as u32 });
    }
    if !multiline && text.contains(['\n', '\r']) {
        return Err(FieldRule::SingleLine);
    }
    Ok(())
}

/// `YYYY-MM-DD` (day) or `YYYY-MM-DDTHH:00` (hour), a real calendar date.
pub fn check_date(text: &str, precision: DatePrecision) -> Result<(), FieldRule> {
    let bad = || FieldRule::DateFormat { precision };
    let (date, hour) = match precision {
        DatePrecision::Day => (text, None),
        DatePrecision::Hour => {
            let (date, time) = text.split_once('T').ok_or_else(bad)?;
            let hour = time.strip_suffix(":00").ok_or_else(bad)?;
            (date, Some(hour))
        }
    };
    let number = |part: &str, len: usize| -> Option<u32> {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse().ok()).flatten()
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return Err(bad());
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(FieldRule::NoSuchDate),
    };
    if day == 0 || day > days {
        return Err(FieldRule::NoSuchDate);
    }
    if let Some(hour) = hour {
        match number(hour, 2) {
            Some(hour) if hour < 24 => {}
            _ => return Err(bad()),
        }
    }
    Ok(())
}

/// Checks a template as an administrator wrote it: names, unique control ids, options, bounds,
/// no table inside a table, and a chain whose conditions name fields that fit them. Returns every
/// problem with where it is (`name`, `controls[.<id>[.<field>]]`, `chain.steps[<n>][.<field>]`,
/// `chain.cc_on_submit[<n>]…`).
pub fn validate_template(spec: &TemplateSpec) -> Result<(), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if spec.name.trim().is_empty() || spec.name.chars().count() > 50 {
        problems.push(FieldProblem::new("name", FieldRule::Length { min: 1, max: 50 }));
    }
    if spec.controls.is_empty() {
        problems.push(FieldProblem::new("controls", FieldRule::AtLeastOne));
    }
    let mut ids = BTreeSet::new();
    check_controls(&spec.controls, false, &mut ids, &mut problems);
    if spec.chain.steps.is_empty() {
        problems.push(FieldProblem::new("chain.steps", FieldRule::AtLeastOne));
    }
    for (index, step) in spec.chain.steps.iter().enumerate() {
        let at = format!("chain.steps[{index}]");
        if step.name.trim().is_empty() {
            problems.push(FieldProblem::new(format!("{at}.name"), FieldRule::Required));
        }
        check_source(&step.approvers, &at, &mut problems);
        if let Some(condition) = &step.condition {
            check_condition(condition, &spec.controls, &at, &mut problems);
        }
    }
    for (list, name) in [(&spec.chain.cc_on_submit, "cc_on_submit"), (&spec.chain.cc_on_completion, "cc_on_completion")]
    {
        for (index, source) in list.iter().enumerate() {
            check_source(source, &format!("chain.{name}[{index}]"), &mut problems);
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// Longest control id, in bytes.
pub const MAX_CONTROL_ID_LEN: u32 = 64;

fn check_controls(controls: &[Control], in_table: bool, ids: &mut BTreeSet<String>, problems: &mut Vec<FieldProblem>) {
    for control in controls {
        let at = format!("controls.{}", control.id);
        if control.id.trim().is_empty() || control.id.len() > MAX_CONTROL_ID_LEN as usize {
            problems.push(FieldProblem::new("controls.id", FieldRule::Length { min: 1, max: MAX_CONTROL_ID_LEN }));
        } else if !ids.insert(control.id.clone()) {
            problems.push(FieldProblem::new(at.clone(), FieldRule::DuplicateId));
        }
        if control.title.trim().is_empty() {
            problems.push(FieldProblem::new(format!("{at}.title"), FieldRule::Required));
        }
        match &control.kind {
            ControlKind::Number { min, max, decimals } => {
                if *decimals > MAX_DECIMALS {
                    problems.push(FieldProblem::new(
                        format!("{at}.decimals"),
                        FieldRule::AtMost { max: u32::from(MAX_DECIMALS) },
                    ));
                }
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    problems.push(FieldProblem::new(at.clone(), FieldRule::MinAboveMax));
                }
            }
            ControlKind::Money { currency }
                if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) =>
            {
                problems.push(FieldProblem::new(format!("{at}.currency"), FieldRule::CurrencyCode));
            }
            ControlKind::Selector { options, .. } => {
                let unique: BTreeSet<&str> = options.iter().map(|o| o.id.as_str()).collect();
                if options.is_empty() || unique.len() != options.len() {
                    problems.push(FieldProblem::new(format!("{at}.options"), FieldRule::UniqueOptions));
                }
            }
            ControlKind::Table { columns } => {
                if in_table {
                    problems.push(FieldProblem::new(at.clone(), FieldRule::NestedTable));
                } else if columns.is_empty() {
                    problems.push(FieldProblem::new(format!("{at}.columns"), FieldRule::AtLeastOne));
                }
                check_controls(columns, true, ids, problems);
            }
            _ => {}
        }
    }
}

fn check_source(source: &ApproverSource, at: &str, problems: &mut Vec<FieldProblem>) {
    match source {
        ApproverSource::Members { members } if members.is_empty() => {
            problems.push(FieldProblem::new(format!("{at}.members"), FieldRule::AtLeastOne));
        }
        ApproverSource::DepartmentLeader { level } if *level == 0 => {
            problems.push(FieldProblem::new(format!("{at}.level"), FieldRule::AtLeast { min: 1 }));
        }
        _ => {}
    }
}

fn check_condition(condition: &Condition, controls: &[Control], at: &str, problems: &mut Vec<FieldProblem>) {
    let (control_id, fits) = match condition {
        Condition::Compare { control_id, .. } => (
            control_id,
            controls.iter().any(|c| {
                &c.id == control_id && matches!(c.kind, ControlKind::Number { .. } | ControlKind::Money { .. })
            }),
        ),
        Condition::Selected { control_id, option } => (
            control_id,
            controls.iter().any(|c| {
                &c.id == control_id
                    && matches!(&c.kind, ControlKind::Selector { options, .. } if options.iter().any(|o| &o.id == option))
            }),
        ),
    };
    if !fits {
        problems.push(FieldProblem::new(
            format!("{at}.condition"),
            FieldRule::ConditionField { control_id: control_id.clone() },
        ));
    }
}

impl Condition {
    /// Whether the condition holds for a (validated) form.
    pub fn holds(&self, values: &FormValues) -> bool {
        match self {
            Condition::Compare { control_id, op, value } => {
                let actual = match values.get(control_id) {
                    Some(FieldValue::Money(cents)) => Decimal::from_cents(*cents),
                    Some(FieldValue::Number(number)) => *number,
                    _ => return false,
                };
                match op {
                    CompareOp::Gt => actual > *value,
                    CompareOp::Ge => actual >= *value,
                    CompareOp::Lt => actual < *value,
                    CompareOp::Le => actual <= *value,
                }
            }
            Condition::Selected { control_id, option } => {
                matches!(values.get(control_id), Some(FieldValue::Selected(chosen)) if chosen.contains(option))
            }
        }
    }
}

/// Every member and department id a form picks (table cells included), for the server's
/// existence and visibility check.
pub fn picked_contacts(values: &FormValues) -> (Vec<MemberId>, Vec<DepartmentId>) {
    let (mut members, mut departments) = (Vec::new(), Vec::new());
    fn walk(values: &FormValues, members: &mut Vec<MemberId>, departments: &mut Vec<DepartmentId>) {
        for value in values.values() {
            match value {
                FieldValue::Members(list) => members.extend(list.iter().copied()),
                FieldValue::Departments(list) => departments.extend(list.iter().cloned()),
                FieldValue::Rows(rows) => rows.iter().for_each(|row| walk(row, members, departments)),
                _ => {}
            }
        }
    }
    walk(values, &mut members, &mut departments);
    (members, departments)
}

/// Every file a form refers to (table cells included), for the server's ownership check.
pub fn picked_files(values: &FormValues) -> Vec<AttachmentId> {
    let mut files = Vec::new();
    for value in values.values() {
        match value {
            FieldValue::Files(list) => files.extend(list.iter().copied()),
            FieldValue::Rows(rows) => rows.iter().for_each(|row| files.extend(picked_files(row))),
            _ => {}
        }
    }
    files
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// A request's status, a number on the wire (WeCom's values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    InReview,
    Approved,
    Rejected,
    Withdrawn,
}

impl RequestStatus {
    pub fn number(self) -> u8 {
        match self {
            Self::InReview => 1,
            Self::Approved => 2,
            Self::Rejected => 3,
            Self::Withdrawn => 4,
        }
    }

    pub fn from_number(number: u8) -> Option<Self> {
        Some(match number {
            1 => Self::InReview,
            2 => Self::Approved,
            3 => Self::Rejected,
            4 => Self::Withdrawn,
            _ => return None,
        })
    }
}

impl Serialize for RequestStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for RequestStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = u8::deserialize(deserializer)?;
        Self::from_number(number).ok_or_else(|| serde::de::Error::custom(format!("unknown request status {number}")))
    }
}

/// An approver's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Not reached yet.
    Waiting,
    /// The current step.
    Active,
    Approved,
    Rejected,
    /// The request ended (rejected earlier or withdrawn) before this step decided.
    Cancelled,
}

/// One approver of a step and what they decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproverState {
    pub member_id: MemberId,
    /// The approver's name as the server has it: shown even to a viewer the visibility rules keep
    /// from the approver's card (shared work names the people in it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A resolved step of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepState {
    pub name: String,
    pub mode: ApprovalMode,
    pub status: StepStatus,
    /// True when the template's approvers resolved to nobody and the fallback approver stands in.
    pub fallback: bool,
    pub approvers: Vec<ApproverState>,
}

/// When a CC'd member is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CcWhen {
    Submit,
    Completion,
}

/// A member copied on a request; `notified` once the moment came (completion CCs only learn of
/// an approved request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CcEntry {
    pub member_id: MemberId,
    pub when: CcWhen,
    pub notified: bool,
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Submitted,
    Approved,
    Rejected,
    Withdrawn,
    Commented,
    /// An approver was disabled or deleted while their step waited on them; the comment says
    /// what happened to the step (it went to the fallback approver, or on without them).
    Reassigned,
}

/// One line of a request's append-only audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub actor_id: MemberId,
    pub actor_name: String,
    pub action: AuditAction,
    /// The step (from 0) a decision was made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    pub at: Millis,
}

/// A submitted request with everything a participant may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRequest {
    pub id: ApprovalId,
    pub template_id: TemplateId,
    /// The template version the form was filled in with.
    pub template_version: u32,
    pub applicant_id: MemberId,
    pub applicant_name: String,
    pub client_id: ClientId,
    pub status: RequestStatus,
    /// The active step (from 0) while in review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_step: Option<u32>,
    pub form: FormValues,
    pub steps: Vec<StepState>,
    pub cc: Vec<CcEntry>,
    pub audit: Vec<AuditEntry>,
    pub submitted_at: Millis,
    pub updated_at: Millis,
}

/// `GET /approvals/requests/{id}`, and the reply to every request action: the request, the
/// template version it was submitted with (to render the form), and the files its form carries
/// (names, sizes, types: the form holds only their ids; any reader of the request may fetch a
/// signed link to each through `GET /attachments/{id}/url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalDetail {
    pub request: ApprovalRequest,
    pub template: Template,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Attachment>,
}

impl ApprovalDetail {
    /// The request as a list row (and as the change feed describes it).
    pub fn summary(&self) -> ApprovalSummary {
        let request = &self.request;
        let waiting_on = match (request.status, request.current_step.and_then(|n| request.steps.get(n as usize))) {
            (RequestStatus::InReview, Some(step)) => {
                step.approvers.iter().filter(|a| a.decision.is_none()).map(|a| a.member_id).collect()
            }
            _ => Vec::new(),
        };
        ApprovalSummary {
            id: request.id,
            template_id: self.template.id,
            template_name: self.template.spec.name.clone(),
            applicant_id: request.applicant_id,
            applicant_name: request.applicant_name.clone(),
            status: request.status,
            current_step: request.current_step,
            waiting_on,
            submitted_at: request.submitted_at,
            updated_at: request.updated_at,
        }
    }
}

/// One row of a request list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalSummary {
    pub id: ApprovalId,
    pub template_id: TemplateId,
    pub template_name: String,
    pub applicant_id: MemberId,
    pub applicant_name: String,
    pub status: RequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_step: Option<u32>,
    /// The approvers of the current step who have not decided yet (empty once finished).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting_on: Vec<MemberId>,
    pub submitted_at: Millis,
    pub updated_at: Millis,
}

/// Why a card was posted into a member's Approvals conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CardEvent {
    /// The request reached a step the member approves (`step` from 0).
    AwaitingYou { step: u32 },
    /// The member's own request finished with this status.
    Finished { status: RequestStatus },
    /// The member is copied on the request (on submission or on completion).
    Copied,
}

/// One "label: value" line a card shows from the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardLine {
    pub label: String,
    pub value: String,
}

/// What an approval card shows; its live state (status, who still decides) comes from the
/// request's summary in the change feed, so an old card never offers a decision that is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalCard {
    pub request_id: ApprovalId,
    pub template_name: String,
    #[serde(default)]
    pub icon: String,
    pub applicant_id: MemberId,
    pub applicant_name: String,
    pub event: CardEvent,
    /// The first few simple fields of the form, as text.
    #[serde(default)]
    pub lines: Vec<CardLine>,
}

/// Most form lines a card carries.
pub const CARD_LINES: usize = 3;

/// The first [`CARD_LINES`] filled simple fields (text, numbers, money, dates, choices) as
/// "title: value" lines, in form order. Contacts, files and tables are left to the detail page.
pub fn card_lines(spec: &TemplateSpec, form: &FormValues) -> Vec<CardLine> {
    spec.controls
        .iter()
        .filter_map(|control| {
            let value = form.get(&control.id)?;
            let text = match (&control.kind, value) {
                (_, FieldValue::Text(text)) => text.chars().take(60).collect(),
                (_, FieldValue::Number(number)) => number.to_string(),
                (ControlKind::Money { currency }, FieldValue::Money(cents)) => {
                    format!("{currency} {}", money_text(*cents))
                }
                (_, FieldValue::Date(date)) => date.clone(),
                (_, FieldValue::DateRange { start, end }) => format!("{start} ~ {end}"),
                (ControlKind::Selector { options, .. }, FieldValue::Selected(ids)) => ids
                    .iter()
                    .filter_map(|id| options.iter().find(|o| &o.id == id).map(|o| o.label.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => return None,
            };
            (!text.trim().is_empty()).then(|| CardLine { label: control.title.clone(), value: text })
        })
        .take(CARD_LINES)
        .collect()
}

/// Cents as "12,000.00" (a minus sign first when negative).
pub fn money_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// Which list `GET /approvals/requests?box=` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalBox {
    /// In review, and the viewer is an approver of the current step who has not decided.
    Waiting,
    /// Submitted by the viewer.
    Submitted,
    /// The viewer is copied (and notified).
    Cc,
    /// The viewer decided in some step.
    Done,
}

/// Where a page of a request list ended, for `GET /approvals/requests?before=<cursor>`: written
/// `<updated_at>:<id>` (e.g. `1764000000000:0193…`), it names the last row of the previous page.
/// Lists are ordered newest change first, ties by id descending, so the next page is every row
/// strictly after this one in that order: no row is repeated or skipped while the list does not
/// change (a request acted on meanwhile moves to the top, where the feed reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub updated_at: Millis,
    pub id: ApprovalId,
}

impl ListCursor {
    /// The cursor after this row.
    pub fn after(row: &ApprovalSummary) -> Self {
        Self { updated_at: row.updated_at, id: row.id }
    }
}

impl fmt::Display for ListCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.updated_at, self.id)
    }
}

impl std::str::FromStr for ListCursor {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let malformed = || format!("before: expected <updated_at>:<request id> from the previous page, got {text:?}");
        let (at, id) = text.split_once(':').ok_or_else(malformed)?;
        let updated_at = at.parse::<Millis>().ok().filter(|at| *at >= 0).ok_or_else(malformed)?;
        let id = id.parse::<ApprovalId>().map_err(|_| malformed())?;
        Ok(Self { updated_at, id })
    }
}

/// `POST /approvals/requests`. `template_version` is the version the form was filled in with:
/// when the template changed since, the server answers 409 so the app reloads the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitApprovalRequest {
    pub client_id: ClientId,
    pub template_id: TemplateId,
    pub template_version: u32,
    pub form: FormValues,
}

/// `POST /approvals/requests/{id}/decision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRequest {
    pub client_id: ClientId,
    pub decision: Decision,
    #[serde(default)]
    pub comment: String,
}

/// `POST /approvals/requests/{id}/withdraw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawRequest {
    pub client_id: ClientId,
}

/// `POST /approvals/requests/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentRequest {
    pub client_id: ClientId,
    pub text: String,
}
