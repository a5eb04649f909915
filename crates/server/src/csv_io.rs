//! The member CSV: reading an import (UTF-8, an optional byte-order mark, a header row naming
//! columns from [`CSV_HEADERS`] in any order — `userid`, `name` and `departments` are required)
//! into checked rows, hashing initial passwords (each distinct password once), and writing the
//! export with the same columns, so importing an export changes nothing.
//!
//! Every problem of every row is collected; the store then adds those only the directory can
//! find (unknown departments, duplicates, leaders), and nothing is imported unless there are none.

use crate::directory::text_fields;
use crate::store::{ExportRow, ImportRow};
use std::collections::HashMap;
use weft_protocol::auth::Role;
use weft_protocol::directory::{
    CSV_HEADERS, CsvRowError, MAX_IMPORT_ROWS, MemberStatus, validate_new_password, validate_userid,
};

/// Most distinct initial passwords one import may carry (each costs an argon2 hash).
pub const MAX_DISTINCT_PASSWORDS: usize = 20;

/// Rows read from a file, with the initial password of each row (not yet hashed).
#[derive(Debug, Default)]
pub struct ParsedImport {
    pub rows: Vec<ImportRow>,
    pub passwords: Vec<Option<String>>,
}

fn file_error(message: impl Into<String>) -> Vec<CsvRowError> {
    vec![CsvRowError { row: 1, field: "file".into(), message: message.into() }]
}

fn split_list(value: &str) -> Vec<String> {
    value.split(';').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

/// Reads and checks an import file.
pub fn parse(bytes: &[u8]) -> Result<ParsedImport, Vec<CsvRowError>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(file_error("file: save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)"));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers =
        reader.headers().map_err(|err| file_error(format!("file: cannot read the header row: {err}")))?.clone();
    let mut columns: HashMap<&str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim();
        match CSV_HEADERS.iter().find(|known| **known == header) {
            Some(known) if columns.insert(known, index).is_some() => {
                errors.push(CsvRowError {
                    row: 1,
                    field: header.into(),
                    message: format!("{header}: this column appears twice"),
                });
            }
            Some(_) => {}
            None => errors.push(CsvRowError {
                row: 1,
                field: header.into(),
                message: format!("{header}: unknown column; the columns are {}", CSV_HEADERS.join(",")),
            }),
        }
    }
    for required in ["userid", "name", "departments"] {
        if !columns.contains_key(required) {
            errors.push(CsvRowError {
                row: 1,
                field: required.into(),
                message: format!("{required}: this column is required"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut parsed = ParsedImport::default();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let row = err.position().map_or(0, |p| p.line() as usize);
                errors.push(CsvRowError { row, field: "file".into(), message: format!("file: {err}") });
                continue;
            }
        };
        let row = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if parsed.rows.len() >= MAX_IMPORT_ROWS {
            return Err(file_error(format!("file: at most {MAX_IMPORT_ROWS} members per import")));
        }
        if record.len() > headers.len() {
            errors.push(CsvRowError {
                row,
                field: "file".into(),
                message: format!("file: this row has {} fields but the header has {}", record.len(), headers.len()),
            });
            continue;
        }
        let get =
            |column: &str| restored(columns.get(column).and_then(|i| record.get(*i)).unwrap_or("").trim()).to_owned();
        let mut error = |field: &str, message: String| errors.push(CsvRowError { row, field: field.into(), message });
        let userid = get("userid");
        if let Err(message) = validate_userid(&userid) {
            error("userid", message);
        }
        let text = match text_fields(&get("name"), &get("alias"), &get("position"), &get("mobile"), &get("email"), "") {
            Ok(text) => Some(text),
            Err(problems) => {
                for problem in problems {
                    error(problem.field, problem.message);
                }
                None
            }
        };
        let direct_leader = get("direct_leader");
        if !direct_leader.is_empty() && validate_userid(&direct_leader).is_err() {
            error("direct_leader", format!("direct_leader: {direct_leader:?} is not a userid"));
        }
        let status_text = get("status").to_lowercase();
        let status = if status_text.is_empty() {
            None
        } else {
            let status = MemberStatus::parse(&status_text);
            if status.is_none() {
                error("status", format!("status: {status_text:?} is not active, disabled or invited (or empty)"));
            }
            status
        };
        let role_text = get("role").to_lowercase();
        let role = if role_text.is_empty() {
            None
        } else {
            let role = Role::parse(&role_text);
            if role.is_none() {
                let names: Vec<&str> = Role::ALL.iter().map(|role| role.name()).collect();
                error("role", format!("role: {role_text:?} is not one of {} (or empty)", names.join(", ")));
            }
            role
        };
        let admin_scope = get("admin_scope");
        match role {
            Some(Role::DepartmentAdmin) if admin_scope.is_empty() => {
                error("admin_scope", "admin_scope: a department administrator needs the department they manage".into());
            }
            Some(role) if role != Role::DepartmentAdmin && !admin_scope.is_empty() => {
                error("admin_scope", "admin_scope: only a department administrator has one".into());
            }
            None if !admin_scope.is_empty() => {
                error("admin_scope", "admin_scope: give the role department_admin with it".into());
            }
            _ => {}
        }
        // Passwords are not trimmed: spaces may be part of one.
        let password =
            columns.get("password").and_then(|i| record.get(*i)).filter(|p| !p.is_empty()).map(str::to_owned);
        if let Some(password) = &password
            && let Err(message) = validate_new_password(password)
        {
            error("password", message);
        }
        let Some(text) = text else { continue };
        parsed.rows.push(ImportRow {
            row,
            userid,
            name: text.name,
            alias: text.alias,
            position: text.position,
            mobile: text.mobile,
            email: text.email,
            departments: split_list(&get("departments")),
            main_department: get("main_department"),
            leader_of: split_list(&get("leader_of")),
            direct_leader,
            status,
            role,
            admin_scope,
            password_hash: None,
        });
        parsed.passwords.push(password);
    }
    if parsed.rows.is_empty() && errors.is_empty() {
        return Err(file_error("file: there are no members in the file"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(parsed)
}

/// Hashes each distinct password once and fills in the rows' hashes.
pub fn hash_passwords(parsed: &mut ParsedImport) -> Result<(), Vec<CsvRowError>> {
    fill_password_hashes(parsed, crate::auth::hash_password)
}

/// For a dry run: the same checks as [`hash_passwords`] (the limit on distinct passwords), with a
/// placeholder instead of the costly hash. The rows must never be committed.
pub fn mark_passwords(parsed: &mut ParsedImport) -> Result<(), Vec<CsvRowError>> {
    fill_password_hashes(parsed, |_| Ok::<_, std::convert::Infallible>(String::from("dry-run")))
}

fn fill_password_hashes<E: std::fmt::Display>(
    parsed: &mut ParsedImport,
    hash_password: impl Fn(&str) -> Result<String, E>,
) -> Result<(), Vec<CsvRowError>> {
    let mut hashes: HashMap<String, String> = HashMap::new();
    for (row, password) in parsed.rows.iter_mut().zip(&parsed.passwords) {
        let Some(password) = password else { continue };
        if !hashes.contains_key(password) {
            if hashes.len() >= MAX_DISTINCT_PASSWORDS {
                return Err(vec![CsvRowError {
                    row: row.row,
                    field: "password".into(),
                    message: format!(
                        "password: at most {MAX_DISTINCT_PASSWORDS} different initial passwords per import; leave it empty to invite the member and set a password later"
                    ),
                }]);
            }
            let hash = hash_password(password).map_err(|err| {
                vec![CsvRowError { row: row.row, field: "password".into(), message: format!("password: {err}") }]
            })?;
            hashes.insert(password.clone(), hash);
        }
        row.password_hash = hashes.get(password).cloned();
    }
    Ok(())
}

/// Characters that make a spreadsheet program read a cell as a formula (or split it).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as exported: one that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+86…`,
/// `@SUM(…)`) gets a leading apostrophe, which spreadsheets show as text and hide.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) { format!("'{cell}").into() } else { cell.into() }
}

/// A cell as imported: the apostrophe [`neutralised`] added is taken off again, so an export reads
/// back unchanged.
fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// The export (and, without rows, the import template), with a byte-order mark so spreadsheet
/// programs read it as UTF-8. Cells that would run as formulas are neutralised.
pub fn write(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(CSV_HEADERS)?;
    for row in rows {
        let (departments, leader_of) = (row.departments.join(";"), row.leader_of.join(";"));
        let cells = [
            row.userid.as_str(),
            &row.name,
            &row.alias,
            &row.position,
            &row.mobile,
            &row.email,
            &departments,
            &row.main_department,
            &leader_of,
            &row.direct_leader,
            row.status.as_str(),
            row.role.name(),
            &row.admin_scope,
            "",
        ];
        writer.write_record(cells.iter().map(|cell| neutralised(cell).into_owned()))?;
    }
    writer.into_inner().map_err(|err| csv::Error::from(err.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_header_name_with_every_problem_reported() {
        let file = "\u{feff}name,userid,departments,email,status\n\
                    张三,zhangsan,Co/研发部; Co/财务部 ,ZS@X.CN,\n\
                    ,bad id,Co,not-mail,boss\n";
        let errors = parse(file.as_bytes()).err().unwrap_or_default();
        let fields: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(fields, vec![(3, "userid"), (3, "name"), (3, "email"), (3, "status")]);
        let good = parse("name,userid,departments,email\n张三,zhangsan,Co/研发部; Co/财务部 ,ZS@X.CN\n".as_bytes());
        let parsed = good.expect("valid");
        assert_eq!(parsed.rows[0].row, 2);
        assert_eq!(parsed.rows[0].departments, vec!["Co/研发部", "Co/财务部"]);
        assert_eq!(parsed.rows[0].email, "zs@x.cn");
    }

    #[test]
    fn unknown_and_missing_columns_are_refused() {
        let errors = parse(b"userid,nickname\nx,y\n").err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["nickname", "name", "departments"]);
        assert!(parse(b"\xff\xfeu").is_err());
        assert!(parse(b"userid,name,departments\n").is_err(), "no rows");
    }

    #[test]
    fn the_export_reads_back() {
        let row = ExportRow {
            userid: "zhangsan".into(),
            name: "张三, \"三\"".into(),
            alias: "Zhang San".into(),
            position: "工程师".into(),
            mobile: "13800138000".into(),
            email: "zs@x.cn".into(),
            departments: vec!["Co/研发部".into(), "Co/财务部".into()],
            main_department: "Co/研发部".into(),
            leader_of: vec!["Co/财务部".into()],
            direct_leader: "lisi".into(),
            status: MemberStatus::Disabled,
            role: Role::DepartmentAdmin,
            admin_scope: "Co/财务部".into(),
        };
        let bytes = write(std::slice::from_ref(&row)).expect("csv");
        let parsed = parse(&bytes).expect("reads back");
        let back = &parsed.rows[0];
        assert_eq!(
            (back.name.as_str(), back.departments.clone(), back.leader_of.clone()),
            (row.name.as_str(), row.departments, row.leader_of)
        );
        assert_eq!(back.status, Some(MemberStatus::Disabled));
        assert_eq!((back.role, back.admin_scope.as_str()), (Some(Role::DepartmentAdmin), "Co/财务部"));
        assert_eq!(parsed.passwords, vec![None]);
    }

    #[test]
    fn roles_are_read_by_name_and_a_scope_goes_with_department_administrators_only() {
        let file = "userid,name,departments,role,admin_scope\n\
                    a,甲,Co,auditor,\n\
                    b,乙,Co,department_admin,Co/研发部\n\
                    c,丙,Co,owner,\n\
                    d,丁,Co,department_admin,\n\
                    e,戊,Co,member,Co/研发部\n\
                    f,己,Co,,Co/研发部\n";
        let errors = parse(file.as_bytes()).err().unwrap_or_default();
        let fields: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(fields, vec![(4, "role"), (5, "admin_scope"), (6, "admin_scope"), (7, "admin_scope")]);
        let good = parse(file.lines().take(3).collect::<Vec<_>>().join("\n").as_bytes()).expect("valid");
        let roles: Vec<(Option<Role>, &str)> = good.rows.iter().map(|r| (r.role, r.admin_scope.as_str())).collect();
        assert_eq!(roles, vec![(Some(Role::Auditor), ""), (Some(Role::DepartmentAdmin), "Co/研发部")]);
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_neutralised_and_read_back_unchanged() {
        let row = ExportRow {
            userid: "eve".into(),
            name: "=HYPERLINK(\"http://evil.example\",\"click\")".into(),
            alias: "@SUM(A1)".into(),
            position: "-2+3".into(),
            mobile: "+8613800000000".into(),
            email: "eve@weft.example".into(),
            departments: vec!["研发部".into()],
            main_department: "研发部".into(),
            leader_of: Vec::new(),
            direct_leader: String::new(),
            status: MemberStatus::Active,
            role: Role::Member,
            admin_scope: String::new(),
        };
        let bytes = write(std::slice::from_ref(&row)).expect("export");
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        for cell in ["'=HYPERLINK", "'@SUM(A1)", "'-2+3", "'+8613800000000"] {
            assert!(text.contains(cell), "{cell} neutralised in {text}");
        }
        assert!(!text.contains(",=") && !text.contains(",@") && !text.contains(",+"), "{text}");
        let parsed = parse(&bytes).expect("reads back");
        assert_eq!(parsed.rows[0].name, row.name);
        assert_eq!(parsed.rows[0].alias, "@SUM(A1)");
        assert_eq!(parsed.rows[0].position, "-2+3");
        assert_eq!(parsed.rows[0].mobile, "+8613800000000");
        // An apostrophe before anything else is the member's own.
        assert_eq!(restored("'Connor"), "'Connor");
    }
}
