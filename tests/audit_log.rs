//! Browser tests of the audit log page's logic: every action offered once with a label in both
//! languages, the filters as the API's query string, dates typed into a local time range, and
//! the readable summary of an entry's details.

use serde_json::json;
use std::collections::HashSet;
use wasm_bindgen_test::*;
use weft::features::admin::audit::model::{
    ALL_ACTIONS, AuditQuery, action_from_value, action_value, date_range, detail_summary, local_time, parse_date,
};
use weft::i18n::Lang;
use weft::i18n::audit::{At, action_label};
use weft_protocol::audit::AuditAction;

wasm_bindgen_test_configure!(run_in_browser);

/// A number per action: this match must name every variant, so a new action fails to compile
/// here until it is numbered, and the test below then fails until the filter lists it.
fn ordinal(action: AuditAction) -> usize {
    use AuditAction::*;
    match action {
        SignedIn => 0,
        SignInFailed => 1,
        SignInDelayed => 2,
        SignedOut => 3,
        SessionsSignedOutByMember => 4,
        PasswordChanged => 5,
        SessionsSignedOutByAdmin => 6,
        WipeRequested => 7,
        WipeReported => 8,
        MemberCreated => 9,
        MemberUpdated => 10,
        RoleChanged => 11,
        MemberDisabled => 12,
        MemberEnabled => 13,
        MemberDeleted => 14,
        PasswordSetByAdmin => 15,
        MembersImported => 16,
        MembersExported => 17,
        DepartmentCreated => 18,
        DepartmentUpdated => 19,
        DepartmentDeleted => 20,
        VisibilityChanged => 21,
        SessionPolicyChanged => 22,
        KioskCodeCreated => 23,
        KioskCodeRevoked => 24,
        AuditExported => 25,
        ConfidentialTurnedOn => 26,
        ConfidentialTurnedOff => 27,
        ConfidentialPolicyChanged => 28,
        ScreenshotSuspected => 29,
        PrintAttempted => 30,
        WatermarkTampered => 31,
        CopyAttempted => 32,
        ViewHidden => 33,
        ForwardRefused => 34,
        WatermarkDecoded => 35,
        IntegrationAppCreated => 36,
        IntegrationAppChanged => 37,
        IntegrationSecretRotated => 38,
        IntegrationTokenIssued => 39,
        IntegrationTokenRefused => 40,
        IntegrationApprovalSubmitted => 41,
        WebhookChanged => 42,
        WorkspacePoliciesChanged => 43,
        AccessRefused => 44,
        ArchiveExported => 45,
        AuditEntriesRemoved => 46,
        SharedToAnotherApp => 47,
    }
}

const NUMBERED: usize = 48;

#[wasm_bindgen_test]
fn the_filter_lists_every_action() {
    let mut seen: Vec<usize> = ALL_ACTIONS.iter().map(|a| ordinal(*a)).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..NUMBERED).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
fn every_action_is_offered_once_with_its_own_label_in_both_languages() {
    let values: HashSet<String> = ALL_ACTIONS.iter().map(|a| action_value(*a)).collect();
    assert_eq!(values.len(), ALL_ACTIONS.len());
    for lang in [Lang::En, Lang::Zh] {
        let labels: HashSet<&str> = ALL_ACTIONS.iter().map(|a| action_label(*a, lang)).collect();
        assert_eq!(labels.len(), ALL_ACTIONS.len(), "labels repeat in {lang:?}");
    }
    for action in ALL_ACTIONS {
        assert_eq!(action_from_value(&action_value(action)), Some(action));
    }
    // The confidential chats' actions are among them.
    for name in [
        "screenshot_suspected",
        "print_attempted",
        "watermark_tampered",
        "copy_attempted",
        "view_hidden",
        "forward_refused",
        "confidential_turned_on",
        "confidential_turned_off",
        "confidential_policy_changed",
        "watermark_decoded",
    ] {
        assert!(values.contains(name), "{name} is offered");
    }
    assert_eq!(action_label(AuditAction::SignInFailed, Lang::En), "Sign-in failed");
    assert_eq!(action_label(AuditAction::SignInFailed, Lang::Zh), "登录失败");
    assert_eq!(action_from_value(""), None);
    assert_eq!(At::Title.in_lang(Lang::Zh), "审计日志");
    assert_eq!(At::LoadMore.in_lang(Lang::En), "Load more");
}

#[wasm_bindgen_test]
fn filters_become_the_query_string_with_empty_ones_left_out() {
    assert_eq!(AuditQuery::default().to_query(None, None), "");
    let query = AuditQuery {
        action: Some(AuditAction::SignInFailed),
        actor: " lisi ".into(),
        target: "研发 & co".into(),
        since: Some(1_000),
        until: Some(2_000),
    };
    assert_eq!(
        query.to_query(Some(42), Some(50)),
        "action=sign_in_failed&actor=lisi&target=%E7%A0%94%E5%8F%91%20%26%20co&since=1000&until=2000&before=42&limit=50"
    );
    let only_actor = AuditQuery { actor: "a=b".into(), ..AuditQuery::default() };
    assert_eq!(only_actor.to_query(None, Some(50)), "actor=a%3Db&limit=50");
}

#[wasm_bindgen_test]
fn dates_become_a_range_from_the_first_day_to_the_end_of_the_last_in_local_time() {
    assert_eq!(parse_date("2026-11-30"), Some((2026, 11, 30)));
    assert_eq!(parse_date(""), None);
    assert_eq!(parse_date("2026-13-01"), None);
    assert_eq!(parse_date("yesterday"), None);
    let (since, until) = date_range("2026-11-30", "2026-11-30");
    let (since, until) = (since.expect("since"), until.expect("until"));
    assert_eq!(until - since, 86_400_000, "one whole day (no clock change on this date)");
    assert_eq!(local_time(since), "2026-11-30 00:00:00");
    assert_eq!(local_time(until), "2026-12-01 00:00:00");
    // The end of a month rolls over; either side may be left empty.
    let (_, end) = date_range("", "2026-12-31");
    assert_eq!(local_time(end.expect("until")), "2027-01-01 00:00:00");
    assert_eq!(date_range("", ""), (None, None));
}

#[wasm_bindgen_test]
fn details_read_as_one_line_in_the_members_language() {
    let role = json!({"from": "member", "to": "admin", "sessions_ended": 2});
    assert_eq!(detail_summary(&role, Lang::En), "member → admin · sessions ended: 2");
    assert_eq!(detail_summary(&role, Lang::Zh), "member → admin · 结束的会话: 2");
    let sign_in = json!({"kiosk": true, "mode": "shared"});
    assert_eq!(detail_summary(&sign_in, Lang::En), "kiosk: yes · mode: shared");
    assert_eq!(detail_summary(&sign_in, Lang::Zh), "共享终端: 是 · 设备模式: shared");
    let policy = json!({"policy": {"shared": {"idle_minutes": 10}}});
    assert_eq!(detail_summary(&policy, Lang::En), "policy.shared.idle minutes: 10");
    assert_eq!(detail_summary(&json!({"policy": null}), Lang::En), "policy: —");
    assert_eq!(detail_summary(&json!({"fields": ["name", "email"]}), Lang::En), "fields: name, email");
    let changed = json!({"before": {"name": "陈静", "email": null}, "after": {"name": "陈静 Chen Jing", "email": "cj@example.com"}});
    assert_eq!(detail_summary(&changed, Lang::Zh), "email: — → cj@example.com · 名称: 陈静 → 陈静 Chen Jing");
    assert_eq!(detail_summary(&json!({}), Lang::En), "");
    assert_eq!(detail_summary(&serde_json::Value::Null, Lang::En), "");
    let long = json!({"note": "字".repeat(400)});
    let summary = detail_summary(&long, Lang::En);
    assert_eq!(summary.chars().count(), 240);
    assert!(summary.ends_with('…'));
}
