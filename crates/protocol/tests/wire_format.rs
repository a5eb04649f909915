//! Snapshot tests: the JSON shape of every wire type is frozen once shipped.

use uuid::Uuid;
use weft_protocol::auth::{LoginRequest, LoginResponse, MemberProfile, Role, SessionInfo};
use weft_protocol::chat::{
    Attachment, ConversationKind, ConversationSummary, Message, ReplyPreview, SendMessageRequest, Thumbnail,
};
use weft_protocol::live::{ClientFrame, ServerFrame};
use weft_protocol::sync::{Change, ChangeEnvelope, PullResponse};
use weft_protocol::{AttachmentId, ClientId, ConversationId, ErrorBody, ErrorCode, MemberId, MessageId, SessionId};

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
    }
}

#[test]
fn error_body() {
    insta::assert_json_snapshot!(ErrorBody {
        code: ErrorCode::InvalidField,
        message: "text: a message cannot be empty".into()
    }, @r#"
    {
      "code": "invalid_field",
      "message": "text: a message cannot be empty"
    }
    "#);
}

#[test]
fn login() {
    insta::assert_json_snapshot!(LoginRequest {
        username: "zhangsan".into(),
        password: "secret".into(),
        device: Some("Chromium on Linux".into()),
    }, @r#"
    {
      "username": "zhangsan",
      "password": "secret",
      "device": "Chromium on Linux"
    }
    "#);
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
    }, @r#"
    {
      "id": "00000000-0000-0000-0000-000000000009",
      "device": "Chromium on Linux",
      "created_at": 1,
      "last_seen_at": 2,
      "current": true
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
