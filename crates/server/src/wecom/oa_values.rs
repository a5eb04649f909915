//! A request's form in WeCom's `apply_data.contents` shape, both ways: what `oa/applyevent`
//! receives becomes Weft's form values (checked afterwards by the same rules as the app's
//! requests), and `oa/getapprovaldetail` shows Weft's values as WeCom would.
//!
//! Dates travel as Unix seconds in strings. Weft stores calendar dates (`YYYY-MM-DD`,
//! `YYYY-MM-DDTHH:00`), so a timestamp is read in China Standard Time (UTC+8, the zone WeCom
//! integrations are written for) and a date is shown as its start in that zone.

use serde_json::{Value, json};
use std::collections::HashMap;
use weft_protocol::approval::{
    ContactTarget, Control, ControlKind, DatePrecision, Decimal, FieldValue, FormValues, check_date,
};
use weft_protocol::{AttachmentId, DepartmentId, MemberId};

/// China Standard Time, in seconds east of UTC.
const UTC_PLUS_8: i64 = 8 * 3600;

/// Userids and department numbers for the members and departments a form names.
#[derive(Debug, Default)]
pub struct Names {
    /// Member → (userid, name).
    pub members: HashMap<MemberId, (String, String)>,
    /// Userid → member.
    pub userids: HashMap<String, MemberId>,
    /// Department → (WeCom number, name).
    pub departments: HashMap<DepartmentId, (i64, String)>,
}

impl Names {
    fn department_by_number(&self, number: i64) -> Option<&DepartmentId> {
        self.departments.iter().find(|(_, (n, _))| *n == number).map(|(id, _)| id)
    }
}

/// WeCom's name for a control kind.
pub fn control_name(kind: &ControlKind) -> &'static str {
    match kind {
        ControlKind::Text => "Text",
        ControlKind::Textarea => "Textarea",
        ControlKind::Number { .. } => "Number",
        ControlKind::Money { .. } => "Money",
        ControlKind::Date { .. } => "Date",
        ControlKind::DateRange { .. } => "DateRange",
        ControlKind::Selector { .. } => "Selector",
        ControlKind::Contact { .. } => "Contact",
        ControlKind::File => "File",
        ControlKind::Table { .. } => "Table",
    }
}

pub fn date_type(precision: DatePrecision) -> &'static str {
    match precision {
        DatePrecision::Day => "day",
        DatePrecision::Hour => "hour",
    }
}

/// Texts in WeCom's shape: one entry, in Chinese.
pub fn texts(text: &str) -> Value {
    json!([{ "text": text, "lang": "zh_CN" }])
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// Unix seconds of a stored date's start in UTC+8.
pub fn date_to_seconds(date: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| date.get(range)?.parse::<i64>().ok();
    let days = days_from_civil(number(0..4)?, number(5..7)?, number(8..10)?);
    let hour = if date.len() > 10 { number(11..13)? } else { 0 };
    Some(days * 86_400 + hour * 3600 - UTC_PLUS_8)
}

/// The stored date (at `precision`) of Unix seconds, read in UTC+8.
pub fn seconds_to_date(seconds: i64, precision: DatePrecision) -> String {
    let local = seconds + UTC_PLUS_8;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    match precision {
        DatePrecision::Day => format!("{year:04}-{month:02}-{day:02}"),
        DatePrecision::Hour => format!("{year:04}-{month:02}-{day:02}T{:02}:00", local.rem_euclid(86_400) / 3600),
    }
}

/// Cents as WeCom's money text (`"12.50"`).
fn money_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// WeCom's money text as cents (at most two decimals).
fn money_cents(text: &str) -> Option<i64> {
    let decimal = Decimal::parse(text.trim())?;
    if decimal.scale > 2 {
        return None;
    }
    decimal.units.checked_mul(10_i64.pow(u32::from(2 - decimal.scale)))
}

/// One field's value as WeCom shows it.
fn shown_value(control: &Control, value: Option<&FieldValue>, names: &Names) -> Value {
    let seconds = |date: &str| date_to_seconds(date).map_or_else(String::new, |s| s.to_string());
    match (&control.kind, value) {
        (ControlKind::Text | ControlKind::Textarea, value) => {
            json!({ "text": match value { Some(FieldValue::Text(text)) => text.as_str(), _ => "" } })
        }
        (ControlKind::Number { .. }, Some(FieldValue::Number(number))) => json!({ "new_number": number.to_string() }),
        (ControlKind::Number { .. }, _) => json!({ "new_number": "" }),
        (ControlKind::Money { .. }, Some(FieldValue::Money(cents))) => json!({ "new_money": money_text(*cents) }),
        (ControlKind::Money { .. }, _) => json!({ "new_money": "" }),
        (ControlKind::Date { precision }, value) => {
            let stamp = match value {
                Some(FieldValue::Date(date)) => seconds(date),
                _ => String::new(),
            };
            json!({ "date": { "type": date_type(*precision), "s_timestamp": stamp } })
        }
        (ControlKind::DateRange { precision }, value) => {
            let (begin, end) = match value {
                Some(FieldValue::DateRange { start, end }) => (seconds(start), seconds(end)),
                _ => (String::new(), String::new()),
            };
            json!({ "date_range": { "type": date_type(*precision), "new_begin": begin, "new_end": end } })
        }
        (ControlKind::Selector { multi, options }, value) => {
            let chosen: Vec<Value> = match value {
                Some(FieldValue::Selected(ids)) => options
                    .iter()
                    .filter(|option| ids.contains(&option.id))
                    .map(|option| json!({ "key": option.id, "value": texts(&option.label) }))
                    .collect(),
                _ => Vec::new(),
            };
            json!({ "selector": { "type": if *multi { "multi" } else { "single" }, "options": chosen } })
        }
        (ControlKind::Contact { target: ContactTarget::Members, .. }, value) => {
            let members: Vec<Value> = match value {
                Some(FieldValue::Members(ids)) => ids
                    .iter()
                    .filter_map(|id| names.members.get(id))
                    .map(|(userid, name)| json!({ "userid": userid, "name": name }))
                    .collect(),
                _ => Vec::new(),
            };
            json!({ "members": members })
        }
        (ControlKind::Contact { target: ContactTarget::Departments, .. }, value) => {
            let departments: Vec<Value> = match value {
                Some(FieldValue::Departments(ids)) => ids
                    .iter()
                    .filter_map(|id| names.departments.get(id))
                    .map(|(number, name)| json!({ "openapi_id": number.to_string(), "name": name }))
                    .collect(),
                _ => Vec::new(),
            };
            json!({ "departments": departments })
        }
        (ControlKind::File, value) => {
            let files: Vec<Value> = match value {
                Some(FieldValue::Files(ids)) => ids.iter().map(|id| json!({ "file_id": id.to_string() })).collect(),
                _ => Vec::new(),
            };
            json!({ "files": files })
        }
        (ControlKind::Table { columns }, value) => {
            let rows: Vec<Value> = match value {
                Some(FieldValue::Rows(rows)) => {
                    rows.iter().map(|cells| json!({ "list": shown_contents(columns, cells, names) })).collect()
                }
                _ => Vec::new(),
            };
            json!({ "children": rows })
        }
    }
}

/// A form as `apply_data.contents`: every control of the template, in order.
pub fn shown_contents(controls: &[Control], form: &FormValues, names: &Names) -> Vec<Value> {
    controls
        .iter()
        .map(|control| {
            json!({
                "control": control_name(&control.kind),
                "id": control.id,
                "title": texts(&control.title),
                "value": shown_value(control, form.get(&control.id), names),
            })
        })
        .collect()
}

/// Why `apply_data` could not be read: the control's id and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueProblem {
    pub id: String,
    pub problem: String,
}

impl ValueProblem {
    fn new(id: &str, problem: impl Into<String>) -> Self {
        Self { id: id.to_owned(), problem: problem.into() }
    }
}

/// A text that may come as a JSON string or number.
fn loose_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A timestamp field as a stored date.
fn read_date(id: &str, value: Option<&Value>, precision: DatePrecision) -> Result<Option<String>, ValueProblem> {
    match loose_text(value).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let seconds: i64 = text.parse().map_err(|_| ValueProblem::new(id, "a timestamp in seconds"))?;
            let date = seconds_to_date(seconds, precision);
            check_date(&date, precision).map_err(|_| ValueProblem::new(id, "a timestamp in seconds"))?;
            Ok(Some(date))
        }
    }
}

/// Entries of a list field (`options`, `members`, `files`…); absent is empty.
fn entries<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// One control's WeCom value as a Weft value; `None` for an empty field.
fn read_value(control: &Control, value: &Value, names: &Names) -> Result<Option<FieldValue>, ValueProblem> {
    let id = control.id.as_str();
    Ok(match &control.kind {
        ControlKind::Text | ControlKind::Textarea => {
            loose_text(value.get("text")).filter(|text| !text.is_empty()).map(FieldValue::Text)
        }
        ControlKind::Number { .. } => match loose_text(value.get("new_number")).filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => Some(FieldValue::Number(
                Decimal::parse(&text).ok_or_else(|| ValueProblem::new(id, "new_number: a decimal number"))?,
            )),
        },
        ControlKind::Money { .. } => match loose_text(value.get("new_money")).filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => Some(FieldValue::Money(
                money_cents(&text)
                    .ok_or_else(|| ValueProblem::new(id, "new_money: an amount with at most 2 decimals"))?,
            )),
        },
        ControlKind::Date { precision } => {
            read_date(id, value.get("date").and_then(|date| date.get("s_timestamp")), *precision)?.map(FieldValue::Date)
        }
        ControlKind::DateRange { precision } => {
            let range = value.get("date_range");
            let start = read_date(id, range.and_then(|r| r.get("new_begin")), *precision)?;
            let end = read_date(id, range.and_then(|r| r.get("new_end")), *precision)?;
            match (start, end) {
                (None, None) => None,
                (Some(start), Some(end)) => Some(FieldValue::DateRange { start, end }),
                _ => return Err(ValueProblem::new(id, "date_range: both new_begin and new_end")),
            }
        }
        ControlKind::Selector { .. } => {
            let keys: Vec<String> = value
                .get("selector")
                .map(|selector| entries(selector, "options").iter().filter_map(|o| loose_text(o.get("key"))).collect())
                .unwrap_or_default();
            (!keys.is_empty()).then_some(FieldValue::Selected(keys))
        }
        ControlKind::Contact { target: ContactTarget::Members, .. } => {
            let mut members = Vec::new();
            for entry in entries(value, "members") {
                let userid = loose_text(entry.get("userid")).unwrap_or_default();
                let member = names
                    .userids
                    .get(&userid)
                    .ok_or_else(|| ValueProblem::new(id, format!("members: no member {userid}")))?;
                members.push(*member);
            }
            (!members.is_empty()).then_some(FieldValue::Members(members))
        }
        ControlKind::Contact { target: ContactTarget::Departments, .. } => {
            let mut departments = Vec::new();
            for entry in entries(value, "departments") {
                let number = loose_text(entry.get("openapi_id")).unwrap_or_default();
                let department = number
                    .parse()
                    .ok()
                    .and_then(|number| names.department_by_number(number))
                    .ok_or_else(|| ValueProblem::new(id, format!("departments: no department {number}")))?;
                departments.push(department.clone());
            }
            (!departments.is_empty()).then_some(FieldValue::Departments(departments))
        }
        ControlKind::File => {
            let mut files = Vec::new();
            for entry in entries(value, "files") {
                let file = loose_text(entry.get("file_id")).unwrap_or_default();
                let parsed: AttachmentId =
                    file.parse().map_err(|_| ValueProblem::new(id, format!("files: no file {file}")))?;
                files.push(parsed);
            }
            (!files.is_empty()).then_some(FieldValue::Files(files))
        }
        ControlKind::Table { columns } => {
            let mut rows = Vec::new();
            for row in entries(value, "children") {
                rows.push(read_contents(columns, entries(row, "list"), names)?);
            }
            (!rows.is_empty()).then_some(FieldValue::Rows(rows))
        }
    })
}

/// `apply_data.contents` as a form of the template's `controls`: entries are matched by id; an
/// id the template does not have is a problem, a control without an entry stays empty.
pub fn read_contents(controls: &[Control], contents: &[Value], names: &Names) -> Result<FormValues, ValueProblem> {
    let mut form = FormValues::new();
    for entry in contents {
        let id = loose_text(entry.get("id")).unwrap_or_default();
        let control = controls
            .iter()
            .find(|control| control.id == id)
            .ok_or_else(|| ValueProblem::new(&id, "no control with this id in the template"))?;
        let empty = Value::Null;
        if let Some(value) = read_value(control, entry.get("value").unwrap_or(&empty), names)? {
            form.insert(id, value);
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_protocol::approval::SelectOption;

    fn control(id: &str, kind: ControlKind) -> Control {
        Control { id: id.into(), title: format!("标题 {id}"), placeholder: String::new(), required: false, kind }
    }

    #[test]
    fn dates_are_read_and_shown_in_china_standard_time() {
        // 2026-12-01 00:00 in UTC+8 is 2026-11-30 16:00 UTC.
        assert_eq!(date_to_seconds("2026-12-01"), Some(1_796_054_400));
        assert_eq!(seconds_to_date(1_796_054_400, DatePrecision::Day), "2026-12-01");
        assert_eq!(date_to_seconds("2026-12-01T09:00"), Some(1_796_054_400 + 9 * 3600));
        assert_eq!(seconds_to_date(1_796_054_400 + 9 * 3600 + 59, DatePrecision::Hour), "2026-12-01T09:00");
        assert_eq!(seconds_to_date(0, DatePrecision::Day), "1970-01-01");
        for date in ["2024-02-29", "2000-03-01", "1999-12-31", "2100-02-28"] {
            let seconds = date_to_seconds(date).expect("a date");
            assert_eq!(seconds_to_date(seconds, DatePrecision::Day), date);
        }
    }

    #[test]
    fn money_keeps_its_cents() {
        assert_eq!(money_text(123_456), "1234.56");
        assert_eq!(money_text(-5), "-0.05");
        assert_eq!(money_cents("1234.5"), Some(123_450));
        assert_eq!(money_cents("7"), Some(700));
        assert_eq!(money_cents("0.001"), None);
        assert_eq!(money_cents("abc"), None);
    }

    #[test]
    fn a_form_travels_to_wecom_and_back_unchanged() {
        let lisi = MemberId(uuid::Uuid::new_v4());
        let sales = DepartmentId("sales".into());
        let mut names = Names::default();
        names.members.insert(lisi, ("lisi".into(), "李四".into()));
        names.userids.insert("lisi".into(), lisi);
        names.departments.insert(sales.clone(), (7, "销售部".into()));
        let controls = vec![
            control("reason", ControlKind::Textarea),
            control("days", ControlKind::Number { decimals: 1, min: None, max: None }),
            control("amount", ControlKind::Money { currency: "CNY".into() }),
            control("day", ControlKind::Date { precision: DatePrecision::Day }),
            control("span", ControlKind::DateRange { precision: DatePrecision::Hour }),
            control(
                "kind",
                ControlKind::Selector {
                    multi: false,
                    options: vec![
                        SelectOption { id: "annual".into(), label: "年假".into() },
                        SelectOption { id: "sick".into(), label: "病假".into() },
                    ],
                },
            ),
            control("who", ControlKind::Contact { target: ContactTarget::Members, multi: true }),
            control("where", ControlKind::Contact { target: ContactTarget::Departments, multi: false }),
            control("proof", ControlKind::File),
            control(
                "items",
                ControlKind::Table {
                    columns: vec![
                        control("item", ControlKind::Text),
                        control("cost", ControlKind::Money { currency: "CNY".into() }),
                    ],
                },
            ),
        ];
        let file = AttachmentId(uuid::Uuid::new_v4());
        let mut row = FormValues::new();
        row.insert("item".into(), FieldValue::Text("打车 <b>".into()));
        row.insert("cost".into(), FieldValue::Money(4_250));
        let form: FormValues = [
            ("reason", FieldValue::Text("家中有事".into())),
            ("days", FieldValue::Number(Decimal::parse("1.5").expect("decimal"))),
            ("amount", FieldValue::Money(100_000)),
            ("day", FieldValue::Date("2026-12-24".into())),
            ("span", FieldValue::DateRange { start: "2026-12-24T09:00".into(), end: "2026-12-25T18:00".into() }),
            ("kind", FieldValue::Selected(vec!["sick".into()])),
            ("who", FieldValue::Members(vec![lisi])),
            ("where", FieldValue::Departments(vec![sales])),
            ("proof", FieldValue::Files(vec![file])),
            ("items", FieldValue::Rows(vec![row])),
        ]
        .into_iter()
        .map(|(id, value)| (id.to_owned(), value))
        .collect();
        let shown = shown_contents(&controls, &form, &names);
        assert_eq!(shown[2]["value"], json!({ "new_money": "1000.00" }));
        assert_eq!(shown[6]["value"], json!({ "members": [{ "userid": "lisi", "name": "李四" }] }));
        assert_eq!(shown[7]["value"]["departments"][0]["openapi_id"], "7");
        assert_eq!(read_contents(&controls, &shown, &names), Ok(form));
    }

    #[test]
    fn unknown_ids_members_and_bad_numbers_are_named() {
        let names = Names::default();
        let controls = vec![
            control("days", ControlKind::Number { decimals: 1, min: None, max: None }),
            control("who", ControlKind::Contact { target: ContactTarget::Members, multi: true }),
        ];
        let read = |contents: Value| read_contents(&controls, contents.as_array().expect("list"), &names);
        let problem = read(json!([{ "control": "Text", "id": "nope", "value": { "text": "x" } }])).expect_err("id");
        assert_eq!(problem.id, "nope");
        let problem = read(json!([{ "id": "days", "value": { "new_number": "1,5" } }])).expect_err("number");
        assert_eq!(problem, ValueProblem::new("days", "new_number: a decimal number"));
        let problem = read(json!([{ "id": "who", "value": { "members": [{ "userid": "ghost" }] } }])).expect_err("who");
        assert_eq!(problem.problem, "members: no member ghost");
        assert_eq!(read(json!([{ "id": "days", "value": { "new_number": 2 } }])).map(|form| form.len()), Ok(1));
        assert_eq!(read(json!([{ "id": "days", "value": {} }])), Ok(FormValues::new()));
    }
}
