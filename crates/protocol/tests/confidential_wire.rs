//! The confidential-chat shapes on the wire, frozen: the setting, lifetimes, policy, deterrent
//! reports, notices, forwarding, watermark marks and traces, and the expired change.

use serde_json::json;
use uuid::Uuid;
use weft_protocol::chat::MessageCard;
use weft_protocol::confidential::{
    ConfidentialPolicy, ConfidentialSettings, Confidentiality, DeterrentKind, DeterrentReport, ForwardRequest,
    MessageLifetime, Notice, WatermarkDecode, WatermarkOwner,
};
use weft_protocol::sync::Change;
use weft_protocol::{ClientId, ConversationId, DepartmentId, MemberId, SessionId};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn round_trip<T>(value: &T, expected: serde_json::Value)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_value(value).expect("serialise"), expected);
    assert_eq!(&serde_json::from_value::<T>(expected).expect("deserialise"), value);
}

#[test]
fn the_setting_and_its_lifetimes() {
    round_trip(
        &Confidentiality {
            since: 5,
            by_policy: true,
            lifetime: Some(MessageLifetime::AfterRead { seconds: 30 }),
            offline_copy: false,
        },
        json!({ "since": 5, "by_policy": true, "lifetime": { "kind": "after_read", "seconds": 30 }, "offline_copy": false }),
    );
    round_trip(
        &ConfidentialSettings { enabled: true, lifetime: Some(MessageLifetime::AfterSend { seconds: 86_400 }) },
        json!({ "enabled": true, "lifetime": { "kind": "after_send", "seconds": 86_400 } }),
    );
    let minimal: ConfidentialSettings = serde_json::from_value(json!({ "enabled": false })).expect("lifetime optional");
    assert_eq!(minimal, ConfidentialSettings { enabled: false, lifetime: None });
    assert!(MessageLifetime::AfterRead { seconds: 4 }.validate().is_err());
    assert!(MessageLifetime::AfterSend { seconds: 30 * 24 * 3600 + 1 }.validate().is_err());
    assert!(MessageLifetime::AfterRead { seconds: 30 }.validate().is_ok());
}

#[test]
fn the_policy_defaults_to_keeping_offline_copies() {
    assert_eq!(
        ConfidentialPolicy::default(),
        ConfidentialPolicy { departments: vec![], offline_copy: true, default_lifetime: None, in_archives: false }
    );
    round_trip(
        &ConfidentialPolicy {
            departments: vec![DepartmentId("legal".into())],
            offline_copy: false,
            default_lifetime: None,
            in_archives: true,
        },
        json!({ "departments": ["legal"], "offline_copy": false, "default_lifetime": null, "in_archives": true }),
    );
    // A policy saved before archives existed keeps confidential chats out of them.
    let older: ConfidentialPolicy =
        serde_json::from_value(json!({ "departments": [], "offline_copy": true })).expect("older policy");
    assert!(!older.in_archives);
}

#[test]
fn reports_notices_and_forwarding() {
    round_trip(
        &DeterrentReport { kind: DeterrentKind::ScreenshotShortcut, detail: "PrintScreen".into() },
        json!({ "kind": "screenshot_shortcut", "detail": "PrintScreen" }),
    );
    for (kind, name) in [
        (DeterrentKind::PrintAttempt, "print_attempt"),
        (DeterrentKind::WatermarkTampered, "watermark_tampered"),
        (DeterrentKind::CopyAttempt, "copy_attempt"),
        (DeterrentKind::ViewHidden, "view_hidden"),
    ] {
        assert_eq!(serde_json::to_value(kind).expect("kind"), json!(name));
    }
    round_trip(
        &MessageCard::Notice(Notice::ScreenshotSuspected { member_id: MemberId(id(1)), name: "李四".into() }),
        json!({ "type": "notice", "kind": "screenshot_suspected", "member_id": id(1), "name": "李四" }),
    );
    round_trip(
        &MessageCard::Notice(Notice::ConfidentialChanged {
            member_id: MemberId(id(1)),
            name: "张三".into(),
            enabled: false,
        }),
        json!({ "type": "notice", "kind": "confidential_changed", "member_id": id(1), "name": "张三", "enabled": false }),
    );
    round_trip(
        &ForwardRequest { to: vec![ConversationId(id(2))], client_id: ClientId(id(3)) },
        json!({ "to": [id(2)], "client_id": id(3) }),
    );
    round_trip(
        &Change::Expired { conversation_id: ConversationId(id(2)), seq: 7 },
        json!({ "type": "expired", "conversation_id": id(2), "seq": 7 }),
    );
}

#[test]
fn a_traced_picture() {
    let owner = WatermarkOwner {
        mark: 42,
        member_id: MemberId(id(1)),
        name: "张三".into(),
        userid: "zhangsan".into(),
        session_id: SessionId(id(9)),
        issued_at: 1_700_000_000_000,
    };
    let decoded = WatermarkDecode { owner: Some(owner), score: 12.5 };
    assert_eq!(
        serde_json::to_value(&decoded).expect("json"),
        json!({ "owner": { "mark": 42, "member_id": id(1), "name": "张三", "userid": "zhangsan", "session_id": id(9), "issued_at": 1_700_000_000_000_i64 }, "score": 12.5 })
    );
}
