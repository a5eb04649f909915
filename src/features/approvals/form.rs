//! A form being filled in, as typed: raw text per field (so "12000." can sit in a money box while
//! the member types) and the files uploaded so far, turned into the protocol's [`FormValues`]
//! when sent. Also the money helpers the approval pages share, and the placing of the server's
//! typed form problems beside their fields. Pure, so it is tested without a server.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use weft_protocol::approval::{
    ContactTarget, Control, ControlKind, Decimal, FieldError, FieldValue, FormValues, MAX_FILES,
};
use weft_protocol::chat::{Attachment, MAX_ATTACHMENT_BYTES};
use weft_protocol::{AttachmentId, DepartmentId, MemberId};
use weft_protocol::{FieldProblem, FieldRule};

/// What a field holds while the form is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RawValue {
    /// Text, textarea, number, money, date, and a single choice.
    Text(String),
    /// A date range: start and end.
    Range(String, String),
    /// Several choices: option ids, member ids or department ids.
    List(Vec<String>),
    /// Table rows.
    Rows(Vec<RawForm>),
    /// Files already uploaded, in the order chosen.
    Files(Vec<RawFile>),
}

/// A file of a File field, uploaded as soon as it was chosen: the form keeps its id (what is
/// sent) with its name and size (what the chip shows, also from a draft).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawFile {
    pub id: AttachmentId,
    pub name: String,
    pub size: u64,
}

impl From<&Attachment> for RawFile {
    fn from(file: &Attachment) -> Self {
        Self { id: file.id, name: file.file_name.clone(), size: file.size }
    }
}

/// A form as typed, by control id.
pub type RawForm = BTreeMap<String, RawValue>;

/// `"12000.00"`, `"12,000.5"` or `"12000"` as cents; `None` for anything else (negative, more
/// than two decimals, not a number).
pub fn parse_money(text: &str) -> Option<i64> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    if cleaned.starts_with('-') {
        return None;
    }
    let decimal = Decimal::parse(&cleaned)?;
    if decimal.scale > 2 {
        return None;
    }
    decimal.units.checked_mul(10i64.pow(u32::from(2 - decimal.scale)))
}

/// Cents as `12,000.00` (the protocol's formatting, shared with approval cards).
pub use weft_protocol::approval::money_text as format_money;

/// Why a chosen file is not uploaded into a File field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    /// Over the server's limit for one file.
    TooLarge,
    /// The field already holds (or is uploading) as many files as a File control may hold.
    TooMany,
}

/// Checks a chosen file of `size` bytes for a field already holding `held` files (uploaded or on
/// their way).
pub fn check_file(size: u64, held: usize) -> Result<(), FileProblem> {
    if held >= MAX_FILES {
        Err(FileProblem::TooMany)
    } else if size == 0 {
        Err(FileProblem::Empty)
    } else if size > MAX_ATTACHMENT_BYTES as u64 {
        Err(FileProblem::TooLarge)
    } else {
        Ok(())
    }
}

fn error(control: &Control, cell: Option<(&str, usize)>, rule: FieldRule) -> FieldError {
    match cell {
        Some((table, row)) => FieldError::cell(table, row, &control.id, rule),
        None => FieldError::field(&control.id, rule),
    }
}

/// Turns a typed form into values: empty fields are left out (so `validate` reports required
/// ones), and text that does not read as the control's kind is an error of that field. `cell` is
/// the table and row the controls are columns of (`None` for the form itself).
pub fn to_values(controls: &[Control], raw: &RawForm, cell: Option<(&str, usize)>) -> (FormValues, Vec<FieldError>) {
    let mut values = FormValues::new();
    let mut errors = Vec::new();
    for control in controls {
        let Some(value) = raw.get(&control.id) else { continue };
        let converted = match (&control.kind, value) {
            (ControlKind::Text | ControlKind::Textarea, RawValue::Text(text)) if !text.trim().is_empty() => {
                Some(FieldValue::Text(text.clone()))
            }
            (ControlKind::Number { .. }, RawValue::Text(text)) if !text.trim().is_empty() => {
                match Decimal::parse(text.trim()) {
                    Some(number) => Some(FieldValue::Number(number)),
                    None => {
                        errors.push(error(control, cell, FieldRule::NotANumber));
                        None
                    }
                }
            }
            (ControlKind::Money { .. }, RawValue::Text(text)) if !text.trim().is_empty() => match parse_money(text) {
                Some(cents) => Some(FieldValue::Money(cents)),
                None => {
                    errors.push(error(control, cell, FieldRule::NotAnAmount));
                    None
                }
            },
            (ControlKind::Date { .. }, RawValue::Text(text)) if !text.is_empty() => {
                Some(FieldValue::Date(text.clone()))
            }
            (ControlKind::DateRange { .. }, RawValue::Range(start, end)) if !start.is_empty() || !end.is_empty() => {
                Some(FieldValue::DateRange { start: start.clone(), end: end.clone() })
            }
            (ControlKind::Selector { .. }, RawValue::Text(choice)) if !choice.is_empty() => {
                Some(FieldValue::Selected(vec![choice.clone()]))
            }
            (ControlKind::Selector { .. }, RawValue::List(choices)) if !choices.is_empty() => {
                Some(FieldValue::Selected(choices.clone()))
            }
            (ControlKind::Contact { target: ContactTarget::Members, .. }, RawValue::List(ids)) if !ids.is_empty() => {
                Some(FieldValue::Members(ids.iter().filter_map(|id| id.parse::<MemberId>().ok()).collect()))
            }
            (ControlKind::Contact { target: ContactTarget::Departments, .. }, RawValue::List(ids))
                if !ids.is_empty() =>
            {
                Some(FieldValue::Departments(ids.iter().map(|id| DepartmentId::from(id.as_str())).collect()))
            }
            (ControlKind::File, RawValue::Files(files)) if !files.is_empty() => {
                Some(FieldValue::Files(files.iter().map(|file| file.id).collect()))
            }
            (ControlKind::Table { columns }, RawValue::Rows(rows)) if !rows.is_empty() => {
                let mut converted = Vec::new();
                for (index, cells) in rows.iter().enumerate() {
                    let (cell_values, cell_errors) = to_values(columns, cells, Some((&control.id, index)));
                    converted.push(cell_values);
                    errors.extend(cell_errors);
                }
                Some(FieldValue::Rows(converted))
            }
            _ => None,
        };
        if let Some(converted) = converted {
            values.insert(control.id.clone(), converted);
        }
    }
    (values, errors)
}

/// The server's typed problems with a form, placed: those naming a field (or a table cell) of
/// `controls` go beside it; the others (a picked member that does not exist, a field this
/// version of the form does not have) are shown above the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerProblems {
    pub placed: Vec<FieldError>,
    pub elsewhere: Vec<FieldProblem>,
}

pub fn place_server_problems(controls: &[Control], problems: &[FieldProblem]) -> ServerProblems {
    let mut found = ServerProblems::default();
    for problem in problems {
        let placed = FieldError::from_problem(problem).filter(|error| match &error.table {
            None => controls.iter().any(|c| c.id == error.control_id),
            Some(table) => controls.iter().any(|c| {
                &c.id == table
                    && matches!(&c.kind, ControlKind::Table { columns } if columns.iter().any(|col| col.id == error.control_id))
            }),
        });
        match placed {
            Some(error) => found.placed.push(error),
            None => found.elsewhere.push(problem.clone()),
        }
    }
    found
}
