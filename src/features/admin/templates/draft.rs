//! An approval template as the administrator edits it: plain data (numbers kept as typed, picks as
//! ids) with stable generated ids, the edits the editor makes (add, move, remove), the conversion
//! into the protocol's [`TemplateSpec`] checked with `validate_template`, and every problem placed
//! next to the part of the editor it concerns. Pure, so it is tested without a server.

use crate::i18n::{Lang, Text};
use weft_protocol::approval::{
    ApprovalMode, ApproverChain, ApproverSource, CompareOp, Condition, ContactTarget, Control, ControlKind,
    DatePrecision, Decimal, SelectOption, StepTemplate, Template, TemplateSpec, validate_template,
};
use weft_protocol::auth::Role;
use weft_protocol::{DepartmentId, ErrorBody, FieldProblem, FieldRule, MemberId, TemplateId};

/// The kinds of control an administrator can add, in the order the editor offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindChoice {
    Text,
    Textarea,
    Number,
    Money,
    Date,
    DateRange,
    Selector,
    Contact,
    File,
    Table,
}

impl KindChoice {
    pub const ALL: [KindChoice; 10] = [
        KindChoice::Text,
        KindChoice::Textarea,
        KindChoice::Number,
        KindChoice::Money,
        KindChoice::Date,
        KindChoice::DateRange,
        KindChoice::Selector,
        KindChoice::Contact,
        KindChoice::File,
        KindChoice::Table,
    ];

    /// The kind's name on the wire, which also starts the ids of its controls (`money_3`).
    pub fn slug(self) -> &'static str {
        match self {
            KindChoice::Text => "text",
            KindChoice::Textarea => "textarea",
            KindChoice::Number => "number",
            KindChoice::Money => "money",
            KindChoice::Date => "date",
            KindChoice::DateRange => "date_range",
            KindChoice::Selector => "selector",
            KindChoice::Contact => "contact",
            KindChoice::File => "file",
            KindChoice::Table => "table",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.slug() == slug)
    }

    pub fn label(self) -> Text {
        match self {
            KindChoice::Text => Text::KindText,
            KindChoice::Textarea => Text::KindTextarea,
            KindChoice::Number => Text::KindNumber,
            KindChoice::Money => Text::KindMoney,
            KindChoice::Date => Text::KindDate,
            KindChoice::DateRange => Text::KindDateRange,
            KindChoice::Selector => Text::KindSelector,
            KindChoice::Contact => Text::KindContact,
            KindChoice::File => Text::KindFile,
            KindChoice::Table => Text::KindTable,
        }
    }
}

/// One choice of a selector: its id stays as created, the label is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDraft {
    pub id: String,
    pub label: String,
}

/// A control's kind-specific settings; numbers stay as typed until the template is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settings {
    Text,
    Textarea,
    Number { min: String, max: String, decimals: String },
    Money { currency: String },
    Date { precision: DatePrecision },
    DateRange { precision: DatePrecision },
    Selector { multi: bool, options: Vec<OptionDraft> },
    Contact { target: ContactTarget, multi: bool },
    File,
    Table { columns: Vec<ControlDraft> },
}

impl Settings {
    fn new(kind: KindChoice) -> Self {
        match kind {
            KindChoice::Text => Settings::Text,
            KindChoice::Textarea => Settings::Textarea,
            KindChoice::Number => Settings::Number { min: String::new(), max: String::new(), decimals: "0".into() },
            KindChoice::Money => Settings::Money { currency: "CNY".into() },
            KindChoice::Date => Settings::Date { precision: DatePrecision::Day },
            KindChoice::DateRange => Settings::DateRange { precision: DatePrecision::Day },
            KindChoice::Selector => Settings::Selector { multi: false, options: Vec::new() },
            KindChoice::Contact => Settings::Contact { target: ContactTarget::Members, multi: false },
            KindChoice::File => Settings::File,
            KindChoice::Table => Settings::Table { columns: Vec::new() },
        }
    }

    pub fn kind(&self) -> KindChoice {
        match self {
            Settings::Text => KindChoice::Text,
            Settings::Textarea => KindChoice::Textarea,
            Settings::Number { .. } => KindChoice::Number,
            Settings::Money { .. } => KindChoice::Money,
            Settings::Date { .. } => KindChoice::Date,
            Settings::DateRange { .. } => KindChoice::DateRange,
            Settings::Selector { .. } => KindChoice::Selector,
            Settings::Contact { .. } => KindChoice::Contact,
            Settings::File => KindChoice::File,
            Settings::Table { .. } => KindChoice::Table,
        }
    }
}

/// One field of the form being designed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlDraft {
    /// Generated once and never changed (requests and conditions refer to it).
    pub id: String,
    pub title: String,
    pub placeholder: String,
    pub required: bool,
    pub settings: Settings,
}

/// Where a step's approvers (or a CC entry's people) come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Members,
    DirectLeader,
    DepartmentLeader,
    LeaderOf,
    Role,
}

impl SourceKind {
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Members,
        SourceKind::DirectLeader,
        SourceKind::DepartmentLeader,
        SourceKind::LeaderOf,
        SourceKind::Role,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            SourceKind::Members => "members",
            SourceKind::DirectLeader => "direct_leader",
            SourceKind::DepartmentLeader => "department_leader",
            SourceKind::LeaderOf => "leader_of",
            SourceKind::Role => "role",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.slug() == slug)
    }

    pub fn label(self) -> Text {
        match self {
            SourceKind::Members => Text::SourceMembers,
            SourceKind::DirectLeader => Text::SourceDirectLeader,
            SourceKind::DepartmentLeader => Text::SourceDepartmentLeader,
            SourceKind::LeaderOf => Text::SourceLeaderOf,
            SourceKind::Role => Text::SourceRole,
        }
    }
}

/// Approvers as edited: the settings of every source are kept, so switching back and forth
/// loses nothing; only the chosen one is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDraft {
    pub kind: SourceKind,
    pub members: Vec<MemberId>,
    /// The department level, as typed.
    pub level: String,
    pub department: Option<DepartmentId>,
    pub role: Role,
}

impl SourceDraft {
    pub fn new(kind: SourceKind) -> Self {
        Self { kind, members: Vec::new(), level: "1".into(), department: None, role: Role::Admin }
    }

    fn from_source(source: &ApproverSource) -> Self {
        let mut draft = Self::new(SourceKind::Members);
        match source {
            ApproverSource::Members { members } => draft.members = members.clone(),
            ApproverSource::DirectLeader => draft.kind = SourceKind::DirectLeader,
            ApproverSource::DepartmentLeader { level } => {
                draft.kind = SourceKind::DepartmentLeader;
                draft.level = level.to_string();
            }
            ApproverSource::LeaderOf { department_id } => {
                draft.kind = SourceKind::LeaderOf;
                draft.department = Some(department_id.clone());
            }
            ApproverSource::Role { role } => {
                draft.kind = SourceKind::Role;
                draft.role = *role;
            }
        }
        draft
    }

    /// The source, or the problem that keeps it from being one.
    fn to_source(&self) -> Result<ApproverSource, Text> {
        Ok(match self.kind {
            SourceKind::Members => ApproverSource::Members { members: self.members.clone() },
            SourceKind::DirectLeader => ApproverSource::DirectLeader,
            SourceKind::DepartmentLeader => match self.level.trim().parse::<u8>() {
                Ok(level) => ApproverSource::DepartmentLeader { level },
                Err(_) => return Err(Text::TemplateLevelRule),
            },
            SourceKind::LeaderOf => match &self.department {
                Some(department_id) => ApproverSource::LeaderOf { department_id: department_id.clone() },
                None => return Err(Text::AdminPickADepartment),
            },
            SourceKind::Role => ApproverSource::Role { role: self.role },
        })
    }
}

/// A step's optional condition as edited: `control` empty means "always"; the comparison and
/// the option are both kept, and the control's kind decides which one is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionDraft {
    pub control: String,
    pub op: CompareOp,
    /// The value compared with, as typed (`5000`, `5,000.00`).
    pub value: String,
    pub option: String,
}

impl Default for ConditionDraft {
    fn default() -> Self {
        Self { control: String::new(), op: CompareOp::Gt, value: String::new(), option: String::new() }
    }
}

/// One step of the chain; `key` tells steps apart while they move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDraft {
    pub key: u32,
    pub name: String,
    pub approvers: SourceDraft,
    pub mode: ApprovalMode,
    pub condition: ConditionDraft,
}

/// One entry of a CC list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CcDraft {
    pub key: u32,
    pub source: SourceDraft,
}

/// Which CC list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CcList {
    OnSubmit,
    OnCompletion,
}

/// The whole template being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDraft {
    /// The template being edited and the version the editor started from; `None` for a new one.
    pub editing: Option<(TemplateId, u32)>,
    pub name: String,
    pub icon: String,
    pub description: String,
    pub controls: Vec<ControlDraft>,
    pub steps: Vec<StepDraft>,
    pub cc_on_submit: Vec<CcDraft>,
    pub cc_on_completion: Vec<CcDraft>,
    pub fallback: Option<MemberId>,
    /// The last number handed out for ids and keys.
    serial: u32,
}

/// Where a problem is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Name,
    /// The controls section as a whole.
    Controls,
    /// A control's (or table column's) title.
    ControlTitle(String),
    /// A control's (or column's) settings.
    Control(String),
    /// The steps section as a whole.
    Steps,
    StepName(u32),
    /// A step's approvers or condition.
    Step(u32),
    /// A CC entry.
    Cc(u32),
    Fallback,
    /// Nowhere in particular: listed at the top of the editor.
    Form,
}

/// A problem's words: the app's own in the member's language, else the protocol's or server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wording {
    Rule(Text),
    Server(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: Place,
    pub wording: Wording,
}

impl Problem {
    fn rule(place: Place, text: Text) -> Self {
        Self { place, wording: Wording::Rule(text) }
    }

    pub fn render(&self, lang: Lang) -> String {
        match &self.wording {
            Wording::Rule(text) => text.in_lang(lang).to_owned(),
            Wording::Server(message) => message.clone(),
        }
    }
}

fn find<'a>(controls: &'a [ControlDraft], id: &str) -> Option<&'a ControlDraft> {
    controls.iter().find_map(|control| {
        if control.id == id {
            return Some(control);
        }
        match &control.settings {
            Settings::Table { columns } => columns.iter().find(|column| column.id == id),
            _ => None,
        }
    })
}

fn find_mut<'a>(controls: &'a mut [ControlDraft], id: &str) -> Option<&'a mut ControlDraft> {
    for control in controls.iter_mut() {
        if control.id == id {
            return Some(control);
        }
        if let Settings::Table { columns } = &mut control.settings
            && let Some(column) = columns.iter_mut().find(|column| column.id == id)
        {
            return Some(column);
        }
    }
    None
}

/// The list holding `id` (the top level, or a table's columns).
fn list_holding<'a>(controls: &'a mut Vec<ControlDraft>, id: &str) -> Option<&'a mut Vec<ControlDraft>> {
    if controls.iter().any(|control| control.id == id) {
        return Some(controls);
    }
    controls.iter_mut().find_map(|control| match &mut control.settings {
        Settings::Table { columns } if columns.iter().any(|column| column.id == id) => Some(columns),
        _ => None,
    })
}

/// Moves the item at `at` by `delta` places; `false` when it would leave the list.
fn shift<T>(list: &mut [T], at: usize, delta: isize) -> bool {
    match at.checked_add_signed(delta) {
        Some(to) if to < list.len() => {
            list.swap(at, to);
            true
        }
        _ => false,
    }
}

fn control_draft(control: &Control) -> ControlDraft {
    let settings = match &control.kind {
        ControlKind::Text => Settings::Text,
        ControlKind::Textarea => Settings::Textarea,
        ControlKind::Number { min, max, decimals } => Settings::Number {
            min: min.map(|d| d.to_string()).unwrap_or_default(),
            max: max.map(|d| d.to_string()).unwrap_or_default(),
            decimals: decimals.to_string(),
        },
        ControlKind::Money { currency } => Settings::Money { currency: currency.clone() },
        ControlKind::Date { precision } => Settings::Date { precision: *precision },
        ControlKind::DateRange { precision } => Settings::DateRange { precision: *precision },
        ControlKind::Selector { multi, options } => Settings::Selector {
            multi: *multi,
            options: options.iter().map(|o| OptionDraft { id: o.id.clone(), label: o.label.clone() }).collect(),
        },
        ControlKind::Contact { target, multi } => Settings::Contact { target: *target, multi: *multi },
        ControlKind::File => Settings::File,
        ControlKind::Table { columns } => Settings::Table { columns: columns.iter().map(control_draft).collect() },
    };
    ControlDraft {
        id: control.id.clone(),
        title: control.title.clone(),
        placeholder: control.placeholder.clone(),
        required: control.required,
        settings,
    }
}

/// A decimal as typed: surrounding spaces and thousands separators are ignored.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    Decimal::parse(&cleaned)
}

/// A control built from its draft; problems with typed numbers are pushed, not fatal.
fn build_control(draft: &ControlDraft, problems: &mut Vec<Problem>) -> Control {
    let at = || Place::Control(draft.id.clone());
    let mut bound = |text: &str| {
        if text.trim().is_empty() {
            return None;
        }
        let parsed = parse_decimal(text);
        if parsed.is_none() {
            problems.push(Problem::rule(at(), Text::TemplateNumberRule));
        }
        parsed
    };
    let kind = match &draft.settings {
        Settings::Text => ControlKind::Text,
        Settings::Textarea => ControlKind::Textarea,
        Settings::Number { min, max, decimals } => {
            let (min, max) = (bound(min), bound(max));
            let decimals = decimals.trim().parse::<u8>().unwrap_or_else(|_| {
                problems.push(Problem::rule(at(), Text::TemplateDecimalsRule));
                0
            });
            ControlKind::Number { min, max, decimals }
        }
        Settings::Money { currency } => ControlKind::Money { currency: currency.trim().to_uppercase() },
        Settings::Date { precision } => ControlKind::Date { precision: *precision },
        Settings::DateRange { precision } => ControlKind::DateRange { precision: *precision },
        Settings::Selector { multi, options } => {
            if options.iter().any(|o| o.label.trim().is_empty()) {
                problems.push(Problem::rule(at(), Text::TemplateOptionLabelRule));
            }
            ControlKind::Selector {
                multi: *multi,
                options: options
                    .iter()
                    .map(|o| SelectOption { id: o.id.clone(), label: o.label.trim().to_owned() })
                    .collect(),
            }
        }
        Settings::Contact { target, multi } => ControlKind::Contact { target: *target, multi: *multi },
        Settings::File => ControlKind::File,
        Settings::Table { columns } => {
            ControlKind::Table { columns: columns.iter().map(|column| build_control(column, problems)).collect() }
        }
    };
    Control {
        id: draft.id.clone(),
        title: draft.title.trim().to_owned(),
        placeholder: draft.placeholder.trim().to_owned(),
        required: draft.required,
        kind,
    }
}

impl TemplateDraft {
    /// An empty template: nothing but one step (the applicant's direct leader) and the fallback.
    pub fn new(fallback: Option<MemberId>) -> Self {
        let mut draft = Self {
            editing: None,
            name: String::new(),
            icon: "📋".into(),
            description: String::new(),
            controls: Vec::new(),
            steps: Vec::new(),
            cc_on_submit: Vec::new(),
            cc_on_completion: Vec::new(),
            fallback,
            serial: 0,
        };
        let key = draft.add_step();
        if let Some(step) = draft.steps.iter_mut().find(|s| s.key == key) {
            step.approvers.kind = SourceKind::DirectLeader;
        }
        draft
    }

    /// The current version of a template, to edit.
    pub fn from_template(template: &Template) -> Self {
        let spec = &template.spec;
        let mut draft = Self {
            editing: Some((template.id, template.version)),
            name: spec.name.clone(),
            icon: spec.icon.clone(),
            description: spec.description.clone(),
            controls: spec.controls.iter().map(control_draft).collect(),
            steps: Vec::new(),
            cc_on_submit: Vec::new(),
            cc_on_completion: Vec::new(),
            fallback: Some(spec.chain.fallback_approver),
            serial: 0,
        };
        for step in &spec.chain.steps {
            let key = draft.next_key();
            let condition = match &step.condition {
                None => ConditionDraft::default(),
                Some(Condition::Compare { control_id, op, value }) => ConditionDraft {
                    control: control_id.clone(),
                    op: *op,
                    value: value.to_string(),
                    option: String::new(),
                },
                Some(Condition::Selected { control_id, option }) => {
                    ConditionDraft { control: control_id.clone(), option: option.clone(), ..ConditionDraft::default() }
                }
            };
            draft.steps.push(StepDraft {
                key,
                name: step.name.clone(),
                approvers: SourceDraft::from_source(&step.approvers),
                mode: step.mode,
                condition,
            });
        }
        for (list, sources) in
            [(CcList::OnSubmit, &spec.chain.cc_on_submit), (CcList::OnCompletion, &spec.chain.cc_on_completion)]
        {
            for source in sources {
                let key = draft.next_key();
                draft.cc_mut(list).push(CcDraft { key, source: SourceDraft::from_source(source) });
            }
        }
        draft
    }

    fn next_key(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }

    /// Every control id in use, table columns included.
    fn ids(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        for control in &self.controls {
            ids.push(control.id.as_str());
            if let Settings::Table { columns } = &control.settings {
                ids.extend(columns.iter().map(|c| c.id.as_str()));
            }
        }
        ids
    }

    /// A new control id: the kind's name and the next free number (`money_2`), unique across the
    /// template. Ids only ever come from here, so they never depend on titles.
    fn next_id(&mut self, kind: KindChoice) -> String {
        loop {
            let candidate = format!("{}_{}", kind.slug(), self.next_key());
            if !self.ids().contains(&candidate.as_str()) {
                return candidate;
            }
        }
    }

    /// Where a control (or column) sits in its list, from 0, and how long that list is.
    pub fn position(&self, id: &str) -> Option<(usize, usize)> {
        let at = |list: &[ControlDraft]| list.iter().position(|c| c.id == id).map(|at| (at, list.len()));
        at(&self.controls).or_else(|| {
            self.controls.iter().find_map(|control| match &control.settings {
                Settings::Table { columns } => at(columns),
                _ => None,
            })
        })
    }

    pub fn control(&self, id: &str) -> Option<&ControlDraft> {
        find(&self.controls, id)
    }

    pub fn control_mut(&mut self, id: &str) -> Option<&mut ControlDraft> {
        find_mut(&mut self.controls, id)
    }

    /// Adds a control at the end of the form; returns its id.
    pub fn add_control(&mut self, kind: KindChoice) -> String {
        let id = self.next_id(kind);
        let control = ControlDraft {
            id: id.clone(),
            title: String::new(),
            placeholder: String::new(),
            required: false,
            settings: Settings::new(kind),
        };
        self.controls.push(control);
        id
    }

    /// Adds a column to a table; `None` when `table` is not a table or `kind` is a table.
    pub fn add_column(&mut self, table: &str, kind: KindChoice) -> Option<String> {
        let is_table = self.controls.iter().any(|c| c.id == table && matches!(c.settings, Settings::Table { .. }));
        if kind == KindChoice::Table || !is_table {
            return None;
        }
        let id = self.next_id(kind);
        let Some(ControlDraft { settings: Settings::Table { columns }, .. }) = self.control_mut(table) else {
            return None;
        };
        columns.push(ControlDraft {
            id: id.clone(),
            title: String::new(),
            placeholder: String::new(),
            required: false,
            settings: Settings::new(kind),
        });
        Some(id)
    }

    /// Moves a control (or a column within its table) up (`-1`) or down (`1`).
    pub fn move_control(&mut self, id: &str, delta: isize) -> bool {
        let Some(list) = list_holding(&mut self.controls, id) else { return false };
        let Some(at) = list.iter().position(|c| c.id == id) else { return false };
        shift(list, at, delta)
    }

    /// Removes a control (or column); conditions that tested it are cleared.
    pub fn remove_control(&mut self, id: &str) {
        if let Some(list) = list_holding(&mut self.controls, id) {
            list.retain(|c| c.id != id);
        }
        for step in &mut self.steps {
            if step.condition.control == id {
                step.condition = ConditionDraft::default();
            }
        }
    }

    /// Adds an option to a selector; returns its id.
    pub fn add_option(&mut self, control: &str) -> Option<String> {
        let key = self.next_key();
        let Some(ControlDraft { settings: Settings::Selector { options, .. }, .. }) = self.control_mut(control) else {
            return None;
        };
        let mut number = key;
        let id = loop {
            let candidate = format!("option_{number}");
            if !options.iter().any(|o| o.id == candidate) {
                break candidate;
            }
            number += 1;
        };
        options.push(OptionDraft { id: id.clone(), label: String::new() });
        Some(id)
    }

    pub fn remove_option(&mut self, control: &str, option: &str) {
        if let Some(ControlDraft { settings: Settings::Selector { options, .. }, .. }) = self.control_mut(control) {
            options.retain(|o| o.id != option);
        }
        for step in &mut self.steps {
            if step.condition.control == control && step.condition.option == option {
                step.condition.option.clear();
            }
        }
    }

    /// The top-level controls a condition can test: numbers, amounts and selectors.
    pub fn condition_controls(&self) -> Vec<&ControlDraft> {
        self.controls
            .iter()
            .filter(|c| {
                matches!(c.settings, Settings::Number { .. } | Settings::Money { .. } | Settings::Selector { .. })
            })
            .collect()
    }

    /// Adds a step at the end of the chain (fixed members, any one approves); returns its key.
    pub fn add_step(&mut self) -> u32 {
        let key = self.next_key();
        self.steps.push(StepDraft {
            key,
            name: String::new(),
            approvers: SourceDraft::new(SourceKind::Members),
            mode: ApprovalMode::AnyOne,
            condition: ConditionDraft::default(),
        });
        key
    }

    pub fn step_mut(&mut self, key: u32) -> Option<&mut StepDraft> {
        self.steps.iter_mut().find(|s| s.key == key)
    }

    pub fn move_step(&mut self, key: u32, delta: isize) -> bool {
        match self.steps.iter().position(|s| s.key == key) {
            Some(at) => shift(&mut self.steps, at, delta),
            None => false,
        }
    }

    pub fn remove_step(&mut self, key: u32) {
        self.steps.retain(|s| s.key != key);
    }

    pub fn cc(&self, list: CcList) -> &Vec<CcDraft> {
        match list {
            CcList::OnSubmit => &self.cc_on_submit,
            CcList::OnCompletion => &self.cc_on_completion,
        }
    }

    fn cc_mut(&mut self, list: CcList) -> &mut Vec<CcDraft> {
        match list {
            CcList::OnSubmit => &mut self.cc_on_submit,
            CcList::OnCompletion => &mut self.cc_on_completion,
        }
    }

    /// Adds people to copy (fixed members to start with); returns the entry's key.
    pub fn add_cc(&mut self, list: CcList) -> u32 {
        let key = self.next_key();
        self.cc_mut(list).push(CcDraft { key, source: SourceDraft::new(SourceKind::Members) });
        key
    }

    pub fn remove_cc(&mut self, key: u32) {
        self.cc_on_submit.retain(|c| c.key != key);
        self.cc_on_completion.retain(|c| c.key != key);
    }

    /// The approvers of a step or the people of a CC entry, by key.
    pub fn source_mut(&mut self, key: u32) -> Option<&mut SourceDraft> {
        if self.steps.iter().any(|s| s.key == key) {
            return self.step_mut(key).map(|step| &mut step.approvers);
        }
        self.cc_on_submit
            .iter_mut()
            .chain(self.cc_on_completion.iter_mut())
            .find(|c| c.key == key)
            .map(|c| &mut c.source)
    }

    pub fn source(&self, key: u32) -> Option<&SourceDraft> {
        self.steps.iter().find(|s| s.key == key).map(|s| &s.approvers).or_else(|| {
            self.cc_on_submit.iter().chain(&self.cc_on_completion).find(|c| c.key == key).map(|c| &c.source)
        })
    }

    fn condition(&self, step: &StepDraft, problems: &mut Vec<Problem>) -> Option<Condition> {
        let wanted = &step.condition;
        if wanted.control.is_empty() {
            return None;
        }
        let place = Place::Step(step.key);
        let Some(control) = self.controls.iter().find(|c| c.id == wanted.control) else {
            problems.push(Problem::rule(place, Text::TemplateConditionRule));
            return None;
        };
        match control.settings {
            Settings::Number { .. } | Settings::Money { .. } => match parse_decimal(&wanted.value) {
                Some(value) => Some(Condition::Compare { control_id: control.id.clone(), op: wanted.op, value }),
                None => {
                    problems.push(Problem::rule(place, Text::TemplateConditionValueRule));
                    None
                }
            },
            Settings::Selector { .. } if !wanted.option.is_empty() => {
                Some(Condition::Selected { control_id: control.id.clone(), option: wanted.option.clone() })
            }
            _ => {
                problems.push(Problem::rule(place, Text::TemplateConditionRule));
                None
            }
        }
    }

    /// The template to send, checked here with the protocol's `validate_template`; otherwise every
    /// problem, each placed where the editor shows it.
    pub fn to_spec(&self) -> Result<TemplateSpec, Vec<Problem>> {
        let mut problems = Vec::new();
        let controls = self.controls.iter().map(|c| build_control(c, &mut problems)).collect();
        let mut steps = Vec::new();
        for step in &self.steps {
            let approvers = step.approvers.to_source().unwrap_or_else(|text| {
                problems.push(Problem::rule(Place::Step(step.key), text));
                ApproverSource::DirectLeader
            });
            let condition = self.condition(step, &mut problems);
            steps.push(StepTemplate { name: step.name.trim().to_owned(), approvers, mode: step.mode, condition });
        }
        let mut cc = |list: &[CcDraft]| -> Vec<ApproverSource> {
            list.iter()
                .filter_map(|entry| match entry.source.to_source() {
                    Ok(source) => Some(source),
                    Err(text) => {
                        problems.push(Problem::rule(Place::Cc(entry.key), text));
                        None
                    }
                })
                .collect()
        };
        let (cc_on_submit, cc_on_completion) = (cc(&self.cc_on_submit), cc(&self.cc_on_completion));
        let fallback_approver = self.fallback.unwrap_or_else(|| {
            problems.push(Problem::rule(Place::Fallback, Text::TemplateFallbackRule));
            MemberId(uuid::Uuid::nil())
        });
        let spec = TemplateSpec {
            name: self.name.trim().to_owned(),
            icon: self.icon.trim().to_owned(),
            description: self.description.trim().to_owned(),
            controls,
            chain: ApproverChain { steps, cc_on_submit, cc_on_completion, fallback_approver },
        };
        if let Err(found) = validate_template(&spec) {
            problems.extend(found.iter().map(|problem| self.place_problem(problem)));
        }
        if problems.is_empty() { Ok(spec) } else { Err(problems) }
    }

    /// Places the server's 422: its typed `problems`, or (when it sent none) its message at the
    /// top of the form.
    pub fn server_problems(&self, body: &ErrorBody) -> Vec<Problem> {
        if body.problems.is_empty() {
            return vec![Problem { place: Place::Form, wording: Wording::Server(body.message.clone()) }];
        }
        body.problems.iter().map(|problem| self.place_problem(problem)).collect()
    }

    /// Places one problem as `validate_template` reports them (`path` is `name`,
    /// `controls[.<id>[.<field>]]`, `chain.steps[<n>][.<field>]`, `chain.cc_on_…[<n>]`, or
    /// `chain` for members and departments the server does not know). Known rules get the app's
    /// wording; anything else keeps the protocol's English.
    pub fn place_problem(&self, problem: &FieldProblem) -> Problem {
        let path = problem.path.as_str();
        let rule = &problem.rule;
        let server = |place: Place| Problem { place, wording: Wording::Server(rule.to_string()) };
        let at_top = || Problem { place: Place::Form, wording: Wording::Server(problem.to_string()) };
        match path {
            "name" => return Problem::rule(Place::Name, Text::TemplateNameRule),
            "controls" if *rule == FieldRule::AtLeastOne => {
                return Problem::rule(Place::Controls, Text::TemplateNeedsControl);
            }
            "controls" | "controls.id" => return server(Place::Controls),
            "chain.steps" => return Problem::rule(Place::Steps, Text::TemplateNeedsStep),
            _ => {}
        }
        if let Some(rest) = path.strip_prefix("controls.") {
            let (id, field) = ["title", "options", "columns", "currency", "decimals"]
                .into_iter()
                .find_map(|field| rest.strip_suffix(field)?.strip_suffix('.').map(|id| (id, field)))
                .unwrap_or((rest, ""));
            if self.control(id).is_none() {
                return at_top();
            }
            let place = Place::Control(id.to_owned());
            return match (field, rule) {
                ("title", _) => Problem::rule(Place::ControlTitle(id.to_owned()), Text::TemplateTitleRule),
                (_, FieldRule::UniqueOptions) => Problem::rule(place, Text::TemplateOptionsRule),
                ("columns", _) => Problem::rule(place, Text::TemplateColumnsRule),
                (_, FieldRule::CurrencyCode) => Problem::rule(place, Text::TemplateCurrencyRule),
                ("decimals", _) => Problem::rule(place, Text::TemplateDecimalsRule),
                (_, FieldRule::MinAboveMax) => Problem::rule(place, Text::TemplateMinAboveMax),
                _ => server(place),
            };
        }
        let indexed = |prefix: &str| -> Option<(usize, &str)> {
            let rest = path.strip_prefix(prefix)?.strip_prefix('[')?;
            let (index, field) = rest.split_once(']')?;
            Some((index.parse().ok()?, field.strip_prefix('.').unwrap_or(field)))
        };
        let source_rule = |field: &str| match field {
            "members" => Some(Text::TemplatePickMembers),
            "level" => Some(Text::TemplateLevelRule),
            _ => None,
        };
        if let Some((index, field)) = indexed("chain.steps")
            && let Some(step) = self.steps.get(index)
        {
            if field == "name" {
                return Problem::rule(Place::StepName(step.key), Text::TemplateStepNameRule);
            }
            let place = Place::Step(step.key);
            return match (field, source_rule(field)) {
                (_, Some(text)) => Problem::rule(place, text),
                (_, None) if matches!(rule, FieldRule::ConditionField { .. }) => {
                    Problem::rule(place, Text::TemplateConditionRule)
                }
                _ => server(place),
            };
        }
        for (prefix, list) in
            [("chain.cc_on_submit", &self.cc_on_submit), ("chain.cc_on_completion", &self.cc_on_completion)]
        {
            if let Some((index, field)) = indexed(prefix)
                && let Some(entry) = list.get(index)
            {
                let place = Place::Cc(entry.key);
                return match source_rule(field) {
                    Some(text) => Problem::rule(place, text),
                    None => server(place),
                };
            }
        }
        at_top()
    }
}
