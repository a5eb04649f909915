//! The audit log page's plain logic (browser-tested): every action in the order the filter offers
//! them, the filters as the API's query string, dates typed into a time range, and a readable
//! line for an entry's `detail`.

use crate::i18n::Lang;
use crate::i18n::audit::{At, detail_key};
use serde_json::Value;
use weft_protocol::Millis;
use weft_protocol::audit::AuditAction;

/// Entries asked for per page.
pub const PAGE_SIZE: usize = 50;

/// Every action, in the order the filter lists them (the protocol's list).
pub const ALL_ACTIONS: [AuditAction; AuditAction::ALL.len()] = AuditAction::ALL;

/// The action's name on the wire (`sign_in_failed`), as the API's filter takes it.
pub fn action_value(action: AuditAction) -> String {
    serde_json::to_value(action).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The action a filter value names (`None` for "all" or a name this build does not know).
pub fn action_from_value(value: &str) -> Option<AuditAction> {
    serde_json::from_value(Value::String(value.to_owned())).ok()
}

/// The filters as applied: what the list and the CSV are narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    pub actor: String,
    pub target: String,
    /// From this time on.
    pub since: Option<Millis>,
    /// Before this time.
    pub until: Option<Millis>,
}

impl AuditQuery {
    /// `action=…&actor=…` (empty filters left out, text escaped), then `before` and `limit` when
    /// given; empty when nothing narrows the list.
    pub fn to_query(&self, before: Option<u64>, limit: Option<usize>) -> String {
        let escape = |text: &str| String::from(js_sys::encode_uri_component(text));
        let mut parts = Vec::new();
        if let Some(action) = self.action {
            parts.push(format!("action={}", action_value(action)));
        }
        for (key, value) in [("actor", self.actor.trim()), ("target", self.target.trim())] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", escape(value)));
            }
        }
        if let Some(since) = self.since {
            parts.push(format!("since={since}"));
        }
        if let Some(until) = self.until {
            parts.push(format!("until={until}"));
        }
        if let Some(before) = before {
            parts.push(format!("before={before}"));
        }
        if let Some(limit) = limit {
            parts.push(format!("limit={limit}"));
        }
        parts.join("&")
    }
}

/// A date input's value (`2026-11-30`) as year, month and day; `None` when empty or not a date.
pub fn parse_date(value: &str) -> Option<(u32, u32, u32)> {
    let mut parts = value.trim().splitn(3, '-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// Local midnight at the start of a date, `days_after` days later (1 gives the end of the day).
pub fn local_midnight(value: &str, days_after: u32) -> Option<Millis> {
    let (year, month, day) = parse_date(value)?;
    let date = js_sys::Date::new_with_year_month_day(year, month as i32 - 1, (day + days_after) as i32);
    let millis = date.get_time();
    millis.is_finite().then_some(millis as Millis)
}

/// The time range two date inputs give: from the start of the first day to the end of the
/// second (both in the device's time zone); either may be empty.
pub fn date_range(from: &str, to: &str) -> (Option<Millis>, Option<Millis>) {
    (local_midnight(from, 0), local_midnight(to, 1))
}

/// `2026-11-30 09:05:07` in the device's time zone.
pub fn local_time(at: Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

/// Longest summary shown in the table (the CSV has the whole detail).
const MAX_SUMMARY: usize = 240;

/// A readable line for an entry's details: `role: member → admin`, `sessions ended: 2`,
/// `policy.shared.idle minutes: 10`… (known keys in the member's language); empty for none.
pub fn detail_summary(detail: &Value, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let (Some(from), Some(to)) = (detail.get("from"), detail.get("to")) {
        // A change from one value to another reads as one.
        parts.push(format!("{} → {}", scalar(from, lang), scalar(to, lang)));
        if let Value::Object(rest) = detail {
            for (key, value) in rest.iter().filter(|(k, _)| *k != "from" && *k != "to") {
                flatten(&label(key, lang), value, lang, &mut parts);
            }
        }
    } else if let (Some(Value::Object(before)), Some(Value::Object(after))) =
        (detail.get("before"), detail.get("after"))
    {
        // What a write changed reads field by field, old → new.
        for key in before.keys().chain(after.keys().filter(|key| !before.contains_key(*key))) {
            let (old, new) = (before.get(key).unwrap_or(&Value::Null), after.get(key).unwrap_or(&Value::Null));
            parts.push(format!("{}: {} → {}", label(key, lang), scalar(old, lang), scalar(new, lang)));
        }
    } else {
        match detail {
            Value::Object(map) => {
                for (key, value) in map {
                    flatten(&label(key, lang), value, lang, &mut parts);
                }
            }
            Value::Null => {}
            other => parts.push(scalar(other, lang)),
        }
    }
    let line = parts.join(" · ");
    if line.chars().count() > MAX_SUMMARY {
        let cut: String = line.chars().take(MAX_SUMMARY - 1).collect();
        format!("{cut}…")
    } else {
        line
    }
}

fn label(key: &str, lang: Lang) -> String {
    detail_key(key, lang).map_or_else(|| key.replace('_', " "), str::to_owned)
}

fn flatten(prefix: &str, value: &Value, lang: Lang, parts: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                flatten(&format!("{prefix}.{}", label(key, lang)), inner, lang, parts);
            }
        }
        other => parts.push(format!("{prefix}: {}", scalar(other, lang))),
    }
}

fn scalar(value: &Value, lang: Lang) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => At::Yes.in_lang(lang).to_owned(),
        Value::Bool(false) => At::No.in_lang(lang).to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => items.iter().map(|item| scalar(item, lang)).collect::<Vec<_>>().join(", "),
        Value::Object(map) if map.is_empty() => "—".to_owned(),
        Value::Object(_) => value.to_string(),
    }
}
