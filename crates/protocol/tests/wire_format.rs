//! Snapshot tests: the JSON shape of every wire type is frozen once shipped.

use uuid::Uuid;
use weft_protocol::approval::{DatePrecision, Decimal};
use weft_protocol::auth::{
    AdminSessionInfo, DeviceMode, Lifetimes, LoginRequest, LoginResponse, MemberProfile, Role, SessionEnd, SessionInfo,
    SessionTerms,
};
use weft_protocol::chat::{
    Attachment, ConversationKind, ConversationSummary, Message, ReplyPreview, SendMessageRequest, Thumbnail,
};
use weft_protocol::live::{ClientFrame, ServerFrame};
use weft_protocol::sync::{Change, ChangeEnvelope, PullResponse};
use weft_protocol::{
    ApprovalRefusal, AttachmentId, ClientId, ConversationId, ConversationRefusal, DirectoryRefusal, ErrorBody,
    ErrorCode, FieldProblem, FieldRule, MemberId, MessageId, Refusal, SessionId,
};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn message() -> Message {
    Message {
        id: MessageId(id(3)),
        conversation_id: ConversationId(id(2)),
        seq: 7,
        sender_id: MemberId(id(1)),
        sender_name: "张三".into(),
        client_id: ClientId(id(4)),
        text: "你好 <b>world</b>".into(),
        sent_at: 1_764_000_000_000,
        recalled: false,
        reply_to: Some(ReplyPreview {
            seq: 6,
            sender_name: "李四".into(),
            excerpt: "需求文档".into(),
            recalled: false,
        }),
        mentions: vec![MemberId(id(5))],
        mention_all: false,
        attachment: Some(Attachment {
            id: AttachmentId(id(8)),
            file_name: "报告.pdf".into(),
            content_type: "application/pdf".into(),
            size: 1024,
            width: None,
            height: None,
            thumbnail: None,
        }),
        card: None,
        expires_at: None,
    }
}

#[test]
fn error_body() {
    insta::assert_json_snapshot!(ErrorBody::new(ErrorCode::InvalidField, "text: a message cannot be empty"), @r#"
    {
      "code": "invalid_field",
      "message": "text: a message cannot be empty"
    }
    "#);
}

#[test]
fn error_body_with_an_approval_refusal() {
    let reason = ApprovalRefusal::AlreadyDecidedByOther {
        step: 0,
        step_name: "财务 Finance".into(),
        by: MemberId(Uuid::from_u128(7)),
        by_name: "吴霞".into(),
        current_step: 1,
    };
    let body =
        ErrorBody { reason: Some(reason.clone().into()), ..ErrorBody::new(ErrorCode::Conflict, reason.to_string()) };
    insta::assert_json_snapshot!(body, @r#"
    {
      "code": "conflict",
      "message": "step 1 (财务 Finance) is finished — 吴霞 already approved it (one approval decides this step); the request has moved on to step 2",
      "reason": {
        "area": "approval",
        "kind": "already_decided_by_other",
        "step": 0,
        "step_name": "财务 Finance",
        "by": "00000000-0000-0000-0000-000000000007",
        "by_name": "吴霞",
        "current_step": 1
      }
    }
    "#);
    let back: ErrorBody = serde_json::from_value(serde_json::to_value(&body).expect("json")).expect("reads back");
    assert_eq!(back, body);
}

#[test]
fn error_body_with_a_conversation_refusal_and_a_unit_kind() {
    let window = ErrorBody {
        reason: Some(Refusal::Conversation(ConversationRefusal::RecallWindowPassed { minutes: 1440 })),
        ..ErrorBody::new(ErrorCode::Conflict, "a message can be recalled only within 24 h of sending")
    };
    insta::assert_json_snapshot!(window, @r#"
    {
      "code": "conflict",
      "message": "a message can be recalled only within 24 h of sending",
      "reason": {
        "area": "conversation",
        "kind": "recall_window_passed",
        "minutes": 1440
      }
    }
    "#);
    let owner = ErrorBody {
        reason: Some(Refusal::Conversation(ConversationRefusal::OwnerOnly)),
        ..ErrorBody::new(ErrorCode::Forbidden, "only the group's owner or an administrator can do this")
    };
    insta::assert_json_snapshot!(owner, @r#"
    {
      "code": "forbidden",
      "message": "only the group's owner or an administrator can do this",
      "reason": {
        "area": "conversation",
        "kind": "owner_only"
      }
    }
    "#);
    let back: ErrorBody = serde_json::from_value(serde_json::to_value(&owner).expect("json")).expect("reads back");
    assert_eq!(back, owner);
}

#[test]
fn error_body_with_a_directory_refusal() {
    let refusal = DirectoryRefusal::HasMembers { count: 2 };
    let body = ErrorBody {
        reason: Some(Refusal::Directory(refusal.clone())),
        ..ErrorBody::new(ErrorCode::Conflict, refusal.to_string())
    };
    insta::assert_json_snapshot!(body, @r#"
    {
      "code": "conflict",
      "message": "this department still has 2 member(s); move them first",
      "reason": {
        "area": "directory",
        "kind": "has_members",
        "count": 2
      }
    }
    "#);
    let back: ErrorBody = serde_json::from_value(serde_json::to_value(&body).expect("json")).expect("reads back");
    assert_eq!(back, body);
}

#[test]
fn error_body_with_field_problems() {
    let body = ErrorBody {
        problems: vec![
            FieldProblem::new("controls.n", FieldRule::MinAboveMax),
            FieldProblem::new("controls.n.decimals", FieldRule::AtMost { max: 6 }),
        ],
        ..ErrorBody::new(ErrorCode::InvalidField, "controls.n: min is above max; controls.n.decimals: at most 6")
    };
    insta::assert_json_snapshot!(body, @r#"
    {
      "code": "invalid_field",
      "message": "controls.n: min is above max; controls.n.decimals: at most 6",
      "problems": [
        {
          "path": "controls.n",
          "rule": "min_above_max"
        },
        {
          "path": "controls.n.decimals",
          "rule": "at_most",
          "max": 6
        }
      ]
    }
    "#);
    let back: ErrorBody = serde_json::from_value(serde_json::to_value(&body).expect("json")).expect("reads back");
    assert_eq!(back, body);
}

#[test]
fn error_body_with_form_and_member_field_problems() {
    let body = ErrorBody {
        problems: vec![
            FieldProblem::new("form.amount", FieldRule::Required),
            FieldProblem::new("form.items[1].qty", FieldRule::NotBelow { min: Decimal::parse("1").expect("decimal") }),
            FieldProblem::new("form.day", FieldRule::DateFormat { precision: DatePrecision::Hour }),
            FieldProblem::new("form.kind", FieldRule::UnknownOption { option: "party".into() }),
            FieldProblem::new("mobile", FieldRule::Taken),
            FieldProblem::new("leader_of", FieldRule::NotAmongDepartments { department: "eng".into() }),
        ],
        ..ErrorBody::new(ErrorCode::InvalidField, "amount: required; qty (row 2): at least 1")
    };
    insta::assert_json_snapshot!(body, @r#"
    {
      "code": "invalid_field",
      "message": "amount: required; qty (row 2): at least 1",
      "problems": [
        {
          "path": "form.amount",
          "rule": "required"
        },
        {
          "path": "form.items[1].qty",
          "rule": "not_below",
          "min": "1"
        },
        {
          "path": "form.day",
          "rule": "date_format",
          "precision": "hour"
        },
        {
          "path": "form.kind",
          "rule": "unknown_option",
          "option": "party"
        },
        {
          "path": "mobile",
          "rule": "taken"
        },
        {
          "path": "leader_of",
          "rule": "not_among_departments",
          "department": "eng"
        }
      ]
    }
    "#);
    let back: ErrorBody = serde_json::from_value(serde_json::to_value(&body).expect("json")).expect("reads back");
    assert_eq!(back, body);
}

#[test]
fn reasons_and_rules_from_a_newer_server_read_as_unknown_without_losing_the_body() {
    let newer = serde_json::json!({
        "code": "conflict",
        "message": "something new",
        "reason": { "area": "approval", "kind": "urged_too_often", "wait": 3 },
        "problems": [{ "path": "x", "rule": "palindrome" }, { "path": "y", "rule": "at_most", "max": "many" }]
    });
    let body: ErrorBody = serde_json::from_value(newer).expect("still an error body");
    assert_eq!(body.reason, Some(Refusal::Approval(ApprovalRefusal::Unknown)));
    assert_eq!(
        body.problems,
        vec![FieldProblem::new("x", FieldRule::Unknown), FieldProblem::new("y", FieldRule::Unknown)]
    );
    let area: ErrorBody = serde_json::from_value(
        serde_json::json!({"code": "forbidden", "message": "m", "reason": {"area": "calendar"}}),
    )
    .expect("unknown area");
    assert_eq!(area.reason, Some(Refusal::Unknown));
    let old: ErrorBody = serde_json::from_value(serde_json::json!({"code": "not_found", "message": "m"})).expect("old");
    assert_eq!(old, ErrorBody::new(ErrorCode::NotFound, "m"));
}

#[test]
fn login() {
    insta::assert_json_snapshot!(LoginRequest {
        username: "zhangsan".into(),
        password: "secret".into(),
        device: Some("Chromium on Linux".into()),
        mode: DeviceMode::Shared,
        kiosk_code: Some("k-1".into()),
    }, @r#"
    {
      "username": "zhangsan",
      "password": "secret",
      "device": "Chromium on Linux",
      "mode": "shared",
      "kiosk_code": "k-1"
    }
    "#);
    // Older apps send neither: a personal device without a kiosk code.
    let older: LoginRequest =
        serde_json::from_value(serde_json::json!({"username": "u", "password": "p"})).expect("older request");
    assert_eq!((older.mode, older.kiosk_code), (DeviceMode::Personal, None));
    insta::assert_json_snapshot!(LoginResponse {
        token: "tok".into(),
        session_id: SessionId(id(9)),
        me: MemberProfile {
            id: MemberId(id(1)),
            userid: "zhangsan".into(),
            name: "张三".into(),
            alias: "Zhang San".into(),
            position: "工程师 Engineer".into(),
            department: "研发部".into(),
            role: Role::Member,
            admin_scope: None,
        },
        terms: SessionTerms {
            mode: DeviceMode::Shared,
            lifetimes: Lifetimes::SHARED_DEFAULT,
            ends_at: 43_200_001,
            offline_copy: false,
            external_sharing: true,
        },
    }, @r#"
    {
      "token": "tok",
      "session_id": "00000000-0000-0000-0000-000000000009",
      "me": {
        "id": "00000000-0000-0000-0000-000000000001",
        "userid": "zhangsan",
        "name": "张三",
        "alias": "Zhang San",
        "position": "工程师 Engineer",
        "department": "研发部",
        "role": "member"
      },
      "terms": {
        "mode": "shared",
        "lifetimes": {
          "lock_after_minutes": 5,
          "idle_minutes": 30,
          "lifetime_hours": 12
        },
        "ends_at": 43200001,
        "offline_copy": false,
        "external_sharing": true
      }
    }
    "#);
}

#[test]
fn session_info() {
    insta::assert_json_snapshot!(SessionInfo {
        id: SessionId(id(9)),
        device: "Chromium on Linux".into(),
        created_at: 1,
        last_seen_at: 2,
        current: true,
        mode: DeviceMode::Personal,
        address: Some("192.0.2.7".into()),
        push: true,
    }, @r#"
    {
      "id": "00000000-0000-0000-0000-000000000009",
      "device": "Chromium on Linux",
      "created_at": 1,
      "last_seen_at": 2,
      "current": true,
      "mode": "personal",
      "address": "192.0.2.7",
      "push": true
    }
    "#);
}

#[test]
fn conversation_and_message() {
    insta::assert_json_snapshot!(ConversationSummary {
        id: ConversationId(id(2)),
        kind: ConversationKind::Group,
        title: "研发部 Engineering".into(),
        owner_id: MemberId(id(1)),
        member_count: 5,
        last_seq: 7,
        last_message: Some(message()),
        updated_at: 1_764_000_000_000,
        read_seq: 6,
        unread: 1,
        muted: false,
        pinned: true,
        confidential: None,
    }, @r#"
    {
      "id": "00000000-0000-0000-0000-000000000002",
      "kind": "group",
      "title": "研发部 Engineering",
      "owner_id": "00000000-0000-0000-0000-000000000001",
      "member_count": 5,
      "last_seq": 7,
      "last_message": {
        "id": "00000000-0000-0000-0000-000000000003",
        "conversation_id": "00000000-0000-0000-0000-000000000002",
        "seq": 7,
        "sender_id": "00000000-0000-0000-0000-000000000001",
        "sender_name": "张三",
        "client_id": "00000000-0000-0000-0000-000000000004",
        "text": "你好 <b>world</b>",
        "sent_at": 1764000000000,
        "recalled": false,
        "reply_to": {
          "seq": 6,
          "sender_name": "李四",
          "excerpt": "需求文档",
          "recalled": false
        },
        "mentions": [
          "00000000-0000-0000-0000-000000000005"
        ],
        "mention_all": false,
        "attachment": {
          "id": "00000000-0000-0000-0000-000000000008",
          "file_name": "报告.pdf",
          "content_type": "application/pdf",
          "size": 1024
        }
      },
      "updated_at": 1764000000000,
      "read_seq": 6,
      "unread": 1,
      "muted": false,
      "pinned": true
    }
    "#);
    insta::assert_json_snapshot!(SendMessageRequest {
        client_id: ClientId(id(4)),
        text: "hi".into(),
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment_id: None,
    }, @r#"
    {
      "client_id": "00000000-0000-0000-0000-000000000004",
      "text": "hi",
      "reply_to": null,
      "mentions": [],
      "mention_all": false,
      "attachment_id": null
    }
    "#);
}

#[test]
fn image_attachment() {
    insta::assert_json_snapshot!(Attachment {
        id: AttachmentId(id(8)),
        file_name: "photo.jpg".into(),
        content_type: "image/jpeg".into(),
        size: 2_400_000,
        width: Some(4000),
        height: Some(3000),
        thumbnail: Some(Thumbnail { width: 320, height: 240 }),
    }, @r#"
    {
      "id": "00000000-0000-0000-0000-000000000008",
      "file_name": "photo.jpg",
      "content_type": "image/jpeg",
      "size": 2400000,
      "width": 4000,
      "height": 3000,
      "thumbnail": {
        "width": 320,
        "height": 240
      }
    }
    "#);
}

#[test]
fn attachments_stored_before_thumbnails_still_read() -> serde_json::Result<()> {
    let old =
        r#"{"id":"00000000-0000-0000-0000-000000000008","file_name":"a.png","content_type":"image/png","size":9}"#;
    let file: Attachment = serde_json::from_str(old)?;
    assert_eq!((file.width, file.height, file.thumbnail), (None, None, None));
    assert_eq!(serde_json::to_string(&file)?, old, "absent fields stay absent");
    Ok(())
}

#[test]
fn live_frames() {
    insta::assert_json_snapshot!(ClientFrame::Auth { token: "tok".into(), cursor: Some(42) }, @r#"
    {
      "type": "auth",
      "token": "tok",
      "cursor": 42
    }
    "#);
    insta::assert_json_snapshot!(ServerFrame::Ready { member_id: MemberId(id(1)) }, @r#"
    {
      "type": "ready",
      "member_id": "00000000-0000-0000-0000-000000000001"
    }
    "#);
    insta::assert_json_snapshot!(ServerFrame::SessionEnded, @r#"
    {
      "type": "session_ended"
    }
    "#);
}

#[test]
fn change_feed() {
    insta::assert_json_snapshot!(PullResponse {
        changes: vec![
            ChangeEnvelope {
                position: 41,
                change: Change::Recalled { conversation_id: ConversationId(id(2)), seq: 7 },
            },
            ChangeEnvelope {
                position: 42,
                change: Change::Read { conversation_id: ConversationId(id(2)), member_id: MemberId(id(5)), seq: 7 },
            },
            ChangeEnvelope {
                position: 43,
                change: Change::Removed { conversation_id: ConversationId(id(2)) },
            },
        ],
        cursor: 43,
        has_more: false,
    }, @r#"
    {
      "changes": [
        {
          "position": 41,
          "change": {
            "type": "recalled",
            "conversation_id": "00000000-0000-0000-0000-000000000002",
            "seq": 7
          }
        },
        {
          "position": 42,
          "change": {
            "type": "read",
            "conversation_id": "00000000-0000-0000-0000-000000000002",
            "member_id": "00000000-0000-0000-0000-000000000005",
            "seq": 7
          }
        },
        {
          "position": 43,
          "change": {
            "type": "removed",
            "conversation_id": "00000000-0000-0000-0000-000000000002"
          }
        }
      ],
      "cursor": 43,
      "has_more": false
    }
    "#);
}

mod directory {
    use super::id;
    use weft_protocol::auth::Role;
    use weft_protocol::directory::{
        CreateDepartmentRequest, CreateMemberRequest, CsvImportError, CsvRowError, Department, DepartmentScope,
        DirectoryMember, DirectorySnapshot, HiddenMember, HideMemberRequest, ImportSummary, MemberDepartment,
        MemberFields, MemberStatus, SetDepartmentScopeRequest, SetPasswordRequest, UpdateDepartmentRequest,
        VisibilityRules,
    };
    use weft_protocol::sync::{Change, ChangeEnvelope, PullResponse};
    use weft_protocol::{DepartmentId, ErrorCode, MemberId};

    fn department() -> Department {
        Department {
            id: DepartmentId("fe".into()),
            name: "前端组 Frontend".into(),
            parent_id: Some(DepartmentId("eng".into())),
            order: 1,
            leaders: vec![MemberId(id(1))],
        }
    }

    fn card() -> DirectoryMember {
        DirectoryMember {
            id: MemberId(id(1)),
            userid: "zhangsan".into(),
            name: "张三".into(),
            alias: "Zhang San".into(),
            position: "前端工程师".into(),
            mobile: "13800000005".into(),
            email: "zhangsan@weft.example".into(),
            departments: vec![MemberDepartment { department_id: DepartmentId("fe".into()), is_leader: true }],
            main_department_id: DepartmentId("fe".into()),
            direct_leader_id: Some(MemberId(id(2))),
            status: MemberStatus::Active,
            role: Role::Member,
            admin_scope: None,
            avatar: String::new(),
            search_keys: vec!["张三".into(), "zhangsan".into(), "zs".into()],
            version: 3,
            updated_at: 1_764_000_000_000,
        }
    }

    #[test]
    fn snapshot_and_cards() {
        insta::assert_json_snapshot!(DirectorySnapshot { departments: vec![department()], members: vec![card()], cursor: 42 }, @r#"
        {
          "departments": [
            {
              "id": "fe",
              "name": "前端组 Frontend",
              "parent_id": "eng",
              "order": 1,
              "leaders": [
                "00000000-0000-0000-0000-000000000001"
              ]
            }
          ],
          "members": [
            {
              "id": "00000000-0000-0000-0000-000000000001",
              "userid": "zhangsan",
              "name": "张三",
              "alias": "Zhang San",
              "position": "前端工程师",
              "mobile": "13800000005",
              "email": "zhangsan@weft.example",
              "departments": [
                {
                  "department_id": "fe",
                  "is_leader": true
                }
              ],
              "main_department_id": "fe",
              "direct_leader_id": "00000000-0000-0000-0000-000000000002",
              "status": "active",
              "role": "member",
              "avatar": "",
              "search_keys": [
                "张三",
                "zhangsan",
                "zs"
              ],
              "version": 3,
              "updated_at": 1764000000000
            }
          ],
          "cursor": 42
        }
        "#);
    }

    #[test]
    fn directory_changes() {
        let changes = vec![
            ChangeEnvelope { position: 1, change: Change::Member { member: card() } },
            ChangeEnvelope { position: 2, change: Change::MemberRemoved { member_id: MemberId(id(1)) } },
            ChangeEnvelope { position: 3, change: Change::Department { department: department() } },
            ChangeEnvelope {
                position: 4,
                change: Change::DepartmentRemoved { department_id: DepartmentId("fe".into()) },
            },
            ChangeEnvelope { position: 5, change: Change::DirectoryReset },
        ];
        insta::assert_json_snapshot!(PullResponse { changes, cursor: 5, has_more: false }, @r#"
        {
          "changes": [
            {
              "position": 1,
              "change": {
                "type": "member",
                "member": {
                  "id": "00000000-0000-0000-0000-000000000001",
                  "userid": "zhangsan",
                  "name": "张三",
                  "alias": "Zhang San",
                  "position": "前端工程师",
                  "mobile": "13800000005",
                  "email": "zhangsan@weft.example",
                  "departments": [
                    {
                      "department_id": "fe",
                      "is_leader": true
                    }
                  ],
                  "main_department_id": "fe",
                  "direct_leader_id": "00000000-0000-0000-0000-000000000002",
                  "status": "active",
                  "role": "member",
                  "avatar": "",
                  "search_keys": [
                    "张三",
                    "zhangsan",
                    "zs"
                  ],
                  "version": 3,
                  "updated_at": 1764000000000
                }
              }
            },
            {
              "position": 2,
              "change": {
                "type": "member_removed",
                "member_id": "00000000-0000-0000-0000-000000000001"
              }
            },
            {
              "position": 3,
              "change": {
                "type": "department",
                "department": {
                  "id": "fe",
                  "name": "前端组 Frontend",
                  "parent_id": "eng",
                  "order": 1,
                  "leaders": [
                    "00000000-0000-0000-0000-000000000001"
                  ]
                }
              }
            },
            {
              "position": 4,
              "change": {
                "type": "department_removed",
                "department_id": "fe"
              }
            },
            {
              "position": 5,
              "change": {
                "type": "directory_reset"
              }
            }
          ],
          "cursor": 5,
          "has_more": false
        }
        "#);
    }

    #[test]
    fn an_unknown_change_is_skipped_not_refused() {
        let change: Change = serde_json::from_str(r#"{"type":"from_the_future","x":1}"#).expect("tolerated");
        assert_eq!(change, Change::Unknown);
    }

    #[test]
    fn admin_requests() {
        insta::assert_json_snapshot!(CreateMemberRequest {
            userid: "xintong".into(),
            fields: MemberFields {
                name: "新同".into(),
                alias: "Xin Tong".into(),
                position: "工程师".into(),
                mobile: "13900000001".into(),
                email: "xt@weft.example".into(),
                departments: vec![DepartmentId("be".into()), DepartmentId("fe".into())],
                main_department_id: Some(DepartmentId("be".into())),
                leader_of: vec![DepartmentId("be".into())],
                direct_leader_id: Some(MemberId(id(2))),
                avatar: "https://cdn.example/a.png".into(),
                role: Some(Role::Member),
                admin_scope: None,
            },
            password: Some("initial-pass".into()),
        }, @r#"
        {
          "userid": "xintong",
          "name": "新同",
          "alias": "Xin Tong",
          "position": "工程师",
          "mobile": "13900000001",
          "email": "xt@weft.example",
          "departments": [
            "be",
            "fe"
          ],
          "main_department_id": "be",
          "leader_of": [
            "be"
          ],
          "direct_leader_id": "00000000-0000-0000-0000-000000000002",
          "avatar": "https://cdn.example/a.png",
          "role": "member",
          "password": "initial-pass"
        }
        "#);
        insta::assert_json_snapshot!(SetPasswordRequest { password: "welcome-2026".into() }, @r#"
        {
          "password": "welcome-2026"
        }
        "#);
        insta::assert_json_snapshot!(CreateDepartmentRequest { name: "测试组".into(), parent_id: DepartmentId("eng".into()), order: None }, @r#"
        {
          "name": "测试组",
          "parent_id": "eng",
          "order": null
        }
        "#);
        insta::assert_json_snapshot!(UpdateDepartmentRequest { name: None, parent_id: Some(DepartmentId("root".into())), order: Some(2) }, @r#"
        {
          "name": null,
          "parent_id": "root",
          "order": 2
        }
        "#);
        insta::assert_json_snapshot!(SetDepartmentScopeRequest { visible_department_ids: vec![DepartmentId("finance".into())] }, @r#"
        {
          "visible_department_ids": [
            "finance"
          ]
        }
        "#);
        insta::assert_json_snapshot!(HideMemberRequest { allowed_department_ids: vec![DepartmentId("ceo".into())], allowed_member_ids: vec![MemberId(id(3))] }, @r#"
        {
          "allowed_department_ids": [
            "ceo"
          ],
          "allowed_member_ids": [
            "00000000-0000-0000-0000-000000000003"
          ]
        }
        "#);
    }

    #[test]
    fn rules_and_import_results() {
        insta::assert_json_snapshot!(VisibilityRules {
            department_scopes: vec![DepartmentScope { department_id: DepartmentId("finance".into()), visible_department_ids: vec![DepartmentId("finance".into())] }],
            hidden_members: vec![HiddenMember { member_id: MemberId(id(1)), allowed_department_ids: vec![DepartmentId("ceo".into())], allowed_member_ids: vec![MemberId(id(2))] }],
        }, @r#"
        {
          "department_scopes": [
            {
              "department_id": "finance",
              "visible_department_ids": [
                "finance"
              ]
            }
          ],
          "hidden_members": [
            {
              "member_id": "00000000-0000-0000-0000-000000000001",
              "allowed_department_ids": [
                "ceo"
              ],
              "allowed_member_ids": [
                "00000000-0000-0000-0000-000000000002"
              ]
            }
          ]
        }
        "#);
        insta::assert_json_snapshot!(CsvImportError {
            code: ErrorCode::InvalidField,
            message: "2 row(s) have problems; nothing was imported. Fix them and import the file again.".into(),
            errors: vec![
                CsvRowError { row: 3, field: "userid".into(), message: "userid: zhangsan is already in row 2".into() },
                CsvRowError { row: 5, field: "departments".into(), message: "departments: there is no department \"织锦科技/不存在\"".into() },
            ],
        }, @r#"
        {
          "code": "invalid_field",
          "message": "2 row(s) have problems; nothing was imported. Fix them and import the file again.",
          "errors": [
            {
              "row": 3,
              "field": "userid",
              "message": "userid: zhangsan is already in row 2"
            },
            {
              "row": 5,
              "field": "departments",
              "message": "departments: there is no department \"织锦科技/不存在\""
            }
          ]
        }
        "#);
        insta::assert_json_snapshot!(ImportSummary { created: 10, updated: 2, unchanged: 8 }, @r#"
        {
          "created": 10,
          "updated": 2,
          "unchanged": 8
        }
        "#);
    }
}

#[test]
fn admin_session_info() {
    insta::assert_json_snapshot!(AdminSessionInfo {
        id: SessionId(id(9)),
        member_id: MemberId(id(1)),
        userid: "zhangsan".into(),
        name: "张三".into(),
        device: "Chromium on Linux".into(),
        mode: DeviceMode::Shared,
        address: None,
        kiosk: Some("前台 Front desk".into()),
        created_at: 1,
        last_seen_at: 2,
        ended: Some(SessionEnd::Wiped),
        ended_at: Some(4),
        wipe_requested_at: Some(3),
        wiped_at: Some(4),
    }, @r#"
    {
      "id": "00000000-0000-0000-0000-000000000009",
      "member_id": "00000000-0000-0000-0000-000000000001",
      "userid": "zhangsan",
      "name": "张三",
      "device": "Chromium on Linux",
      "mode": "shared",
      "address": null,
      "kiosk": "前台 Front desk",
      "created_at": 1,
      "last_seen_at": 2,
      "ended": "wiped",
      "ended_at": 4,
      "wipe_requested_at": 3,
      "wiped_at": 4
    }
    "#);
}

#[test]
fn audit_entry() {
    insta::assert_json_snapshot!(weft_protocol::audit::AuditEntry {
        id: 7,
        at: 1,
        actor_id: None,
        actor: "lisi".into(),
        action: weft_protocol::audit::AuditAction::SignInDelayed,
        target: String::new(),
        detail: serde_json::json!({}),
        address: Some("203.0.113.7".into()),
    }, @r#"
    {
      "id": 7,
      "at": 1,
      "actor_id": null,
      "actor": "lisi",
      "action": "sign_in_delayed",
      "target": "",
      "detail": {},
      "address": "203.0.113.7"
    }
    "#);
}

#[test]
fn workspace_policies() {
    let policies = weft_protocol::policy::WorkspacePolicies {
        recall_window_minutes: 120,
        max_group_size: 200,
        max_file_bytes: 4096,
        upload_quota_mib: 1024,
        allowed_file_types: vec!["pdf".into(), "png".into()],
        offline_copies: weft_protocol::policy::OfflineCopies::PersonalDevices,
        external_sharing: false,
        audit_retention_days: 365,
    };
    insta::assert_json_snapshot!(policies, @r#"
    {
      "recall_window_minutes": 120,
      "max_group_size": 200,
      "max_file_bytes": 4096,
      "upload_quota_mib": 1024,
      "allowed_file_types": [
        "pdf",
        "png"
      ],
      "offline_copies": "personal_devices",
      "external_sharing": false,
      "audit_retention_days": 365
    }
    "#);
}

/// Delegated roles travel by name, and a department administrator's scope beside the role; the
/// scope is left out for everyone else (older clients never see an unknown field).
#[test]
fn delegated_roles_and_a_department_administrators_scope() {
    use weft_protocol::DepartmentId;
    use weft_protocol::directory::MemberFields;
    let names: Vec<serde_json::Value> =
        Role::ALL.iter().map(|role| serde_json::to_value(role).expect("serialisable")).collect();
    assert_eq!(
        names,
        ["member", "admin", "department_admin", "auditor", "approvals_admin"].map(serde_json::Value::from)
    );
    for role in Role::ALL {
        assert_eq!(Role::parse(role.name()), Some(role));
        assert_eq!(serde_json::to_value(role).expect("serialisable"), role.name());
    }
    assert_eq!(Role::parse("owner"), None);
    let fields: MemberFields = serde_json::from_value(serde_json::json!({
        "name": "王五", "departments": ["eng"], "role": "department_admin", "admin_scope": "eng"
    }))
    .expect("serialisable");
    assert_eq!((fields.role, fields.admin_scope), (Some(Role::DepartmentAdmin), Some(DepartmentId("eng".into()))));
    let profile = MemberProfile {
        id: MemberId(Uuid::nil()),
        userid: "wangwu".into(),
        name: "王五".into(),
        alias: String::new(),
        position: String::new(),
        department: "研发部".into(),
        role: Role::DepartmentAdmin,
        admin_scope: Some(DepartmentId("eng".into())),
    };
    let json = serde_json::to_value(&profile).expect("serialisable");
    assert_eq!((json["role"].as_str(), json["admin_scope"].as_str()), (Some("department_admin"), Some("eng")));
    let member = MemberProfile { role: Role::Member, admin_scope: None, ..profile };
    assert!(serde_json::to_value(&member).expect("serialisable").get("admin_scope").is_none());
}
