//! The offline store's conformance suite, run in headless Chromium against both implementations:
//! the in-memory store and the real IndexedDB store (each test on a uniquely named database).

use wasm_bindgen_test::*;
use weft::features::approvals::form::{RawForm, RawValue};
use weft::store::{Cipher, IdbStore, MemoryStore, Store, StoreError, StoredApproval, Version};
use weft::sync::outbox::{OutboxAction, OutboxEntry};
use weft_protocol::approval::{
    ApprovalDetail, ApprovalMode, ApprovalRequest, ApproverChain, ApproverSource, ApproverState, AuditAction,
    AuditEntry, Control, ControlKind, FieldValue, RequestStatus, StepState, StepStatus, StepTemplate, Template,
    TemplateSpec,
};
use weft_protocol::auth::Role;
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message};
use weft_protocol::directory::{Department, DirectoryMember, MemberDepartment, MemberStatus};
use weft_protocol::{ApprovalId, ClientId, ConversationId, DepartmentId, MemberId, MessageId, TemplateId};

wasm_bindgen_test_configure!(run_in_browser);

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn conversation(n: u128, updated_at: i64) -> ConversationSummary {
    ConversationSummary {
        id: ConversationId(id(n)),
        kind: ConversationKind::Group,
        title: format!("群聊 {n}"),
        owner_id: MemberId(id(7)),
        member_count: 3,
        last_seq: 0,
        last_message: None,
        updated_at,
        read_seq: 0,
        unread: 0,
        muted: false,
        pinned: false,
        confidential: None,
    }
}

fn message(conversation: u128, seq: u64) -> Message {
    Message {
        id: MessageId(id(conversation * 1_000_000 + u128::from(seq))),
        conversation_id: ConversationId(id(conversation)),
        seq,
        sender_id: MemberId(id(7)),
        sender_name: "张三".into(),
        client_id: ClientId(id(conversation * 1_000_000 + u128::from(seq) + 500_000)),
        text: format!("消息 {seq} <b>not bold</b>"),
        sent_at: 1_700_000_000_000 + seq as i64,
        recalled: false,
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment: None,
        card: None,
        expires_at: None,
    }
}

fn directory_rows() -> (Vec<Department>, Vec<DirectoryMember>) {
    let department = |id: &str, name: &str, parent: Option<&str>| Department {
        id: DepartmentId(id.into()),
        name: name.into(),
        parent_id: parent.map(|p| DepartmentId(p.into())),
        order: 0,
        leaders: vec![],
    };
    let member = |n: u128, name: &str, keys: &[&str]| DirectoryMember {
        id: MemberId(id(n)),
        userid: format!("user{n}"),
        name: name.into(),
        alias: String::new(),
        position: "工程师".into(),
        mobile: "13800000000".into(),
        email: format!("user{n}@weft.example"),
        departments: vec![MemberDepartment { department_id: DepartmentId("a-root".into()), is_leader: n == 1 }],
        main_department_id: DepartmentId("a-root".into()),
        direct_leader_id: None,
        status: MemberStatus::Active,
        role: Role::Member,
        admin_scope: None,
        avatar: String::new(),
        search_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        version: 3,
        updated_at: 1_700_000_000_000,
    };
    (
        vec![department("a-root", "织锦科技", None), department("b-eng", "研发部", Some("a-root"))],
        vec![member(1, "张三", &["张三", "zhangsan", "zs"]), member(2, "李四", &["李四", "lisi", "ls"])],
    )
}

fn template(n: u128, name: &str) -> Template {
    let money = ControlKind::Money { currency: "CNY".into() };
    let control = |id: &str, kind: ControlKind| Control {
        id: id.into(),
        title: id.into(),
        placeholder: String::new(),
        required: true,
        kind,
    };
    Template {
        id: TemplateId(id(n)),
        version: 2,
        spec: TemplateSpec {
            name: name.into(),
            icon: "expense".into(),
            description: "报销 Expenses".into(),
            controls: vec![
                control("amount", money.clone()),
                control("reason", ControlKind::Textarea),
                control("items", ControlKind::Table { columns: vec![control("price", money)] }),
            ],
            chain: ApproverChain {
                steps: vec![StepTemplate {
                    name: "直属上级".into(),
                    approvers: ApproverSource::DirectLeader,
                    mode: ApprovalMode::AnyOne,
                    condition: None,
                }],
                cc_on_submit: vec![],
                cc_on_completion: vec![],
                fallback_approver: MemberId(id(1)),
            },
        },
        created_at: 1_700_000_000_000,
    }
}

/// A form as typed: text, a half-typed amount, and table rows.
fn draft(reason: &str) -> RawForm {
    let row = |price: &str| RawForm::from([("price".to_owned(), RawValue::Text(price.into()))]);
    RawForm::from([
        ("amount".to_owned(), RawValue::Text("12000.".into())),
        ("reason".to_owned(), RawValue::Text(reason.into())),
        ("items".to_owned(), RawValue::Rows(vec![row("1.50"), row("")])),
        ("trip".to_owned(), RawValue::Range("2026-01-01".into(), String::new())),
        ("people".to_owned(), RawValue::List(vec![id(7).to_string()])),
    ])
}

fn approval(n: u128, updated_at: i64, reason: &str) -> ApprovalDetail {
    let template = template(1, "报销 Expense");
    let request = ApprovalRequest {
        id: ApprovalId(id(n)),
        template_id: template.id,
        template_version: template.version,
        applicant_id: MemberId(id(7)),
        applicant_name: "张三".into(),
        client_id: ClientId(id(n + 100)),
        status: RequestStatus::InReview,
        current_step: Some(0),
        form: [
            ("amount".to_owned(), FieldValue::Money(1_200_000)),
            ("reason".to_owned(), FieldValue::Text(reason.into())),
        ]
        .into(),
        steps: vec![StepState {
            name: "直属上级".into(),
            mode: ApprovalMode::AnyOne,
            status: StepStatus::Active,
            fallback: false,
            approvers: vec![ApproverState {
                member_id: MemberId(id(2)),
                name: String::new(),
                decision: None,
                decided_at: None,
                comment: None,
            }],
        }],
        cc: vec![],
        audit: vec![AuditEntry {
            actor_id: MemberId(id(7)),
            actor_name: "张三".into(),
            action: AuditAction::Submitted,
            step: None,
            comment: String::new(),
            at: 1_700_000_000_000,
        }],
        submitted_at: 1_700_000_000_000,
        updated_at,
    };
    ApprovalDetail { request, template, files: Vec::new() }
}

fn seqs(messages: &[Message]) -> Vec<u64> {
    messages.iter().map(|m| m.seq).collect()
}

fn unique_name() -> String {
    format!("weft-test-{}-{}", js_sys::Date::now(), js_sys::Math::random())
}

macro_rules! store_suite {
    ($module:ident, $open:expr) => {
        mod $module {
            use super::*;

            #[wasm_bindgen_test]
            async fn a_new_store_is_empty() {
                let store = $open;
                assert!(store.conversations().await.expect("list").is_empty());
                assert!(store.messages(ConversationId(id(1)), None, 50).await.expect("messages").is_empty());
            }

            #[wasm_bindgen_test]
            async fn conversations_come_back_most_recent_first() {
                let store = $open;
                store
                    .replace_conversations(&[conversation(1, 10), conversation(2, 30), conversation(3, 20)])
                    .await
                    .expect("replace");
                let order: Vec<_> = store.conversations().await.expect("list").iter().map(|c| c.updated_at).collect();
                assert_eq!(order, vec![30, 20, 10]);
                let mut bumped = conversation(1, 40);
                bumped.title = "改名 Renamed".into();
                store.put_conversation(&bumped).await.expect("put");
                let list = store.conversations().await.expect("list");
                assert_eq!(list.len(), 3);
                assert_eq!(list[0].title, "改名 Renamed");
            }

            #[wasm_bindgen_test]
            async fn replacing_the_list_drops_left_conversations_and_their_messages() {
                let store = $open;
                store.replace_conversations(&[conversation(1, 1), conversation(2, 2)]).await.expect("replace");
                store.put_messages(&[message(1, 1), message(2, 1), message(2, 2)]).await.expect("put");
                store.replace_conversations(&[conversation(1, 3)]).await.expect("replace");
                let ids: Vec<_> = store.conversations().await.expect("list").iter().map(|c| c.id).collect();
                assert_eq!(ids, vec![ConversationId(id(1))]);
                assert!(store.messages(ConversationId(id(2)), None, 50).await.expect("messages").is_empty());
                assert_eq!(seqs(&store.messages(ConversationId(id(1)), None, 50).await.expect("messages")), vec![1]);
            }

            #[wasm_bindgen_test]
            async fn messages_page_backwards_in_sequence_order() {
                let store = $open;
                // Inserted out of order, across the 9 → 10 and 99 → 100 digit boundaries.
                let mut batch: Vec<Message> = (1..=120).rev().map(|seq| message(1, seq)).collect();
                batch.push(message(2, 5));
                store.put_messages(&batch).await.expect("put");
                let newest = store.messages(ConversationId(id(1)), None, 50).await.expect("newest");
                assert_eq!(seqs(&newest), (71..=120).collect::<Vec<_>>());
                let older = store.messages(ConversationId(id(1)), Some(71), 50).await.expect("older");
                assert_eq!(seqs(&older), (21..=70).collect::<Vec<_>>());
                let oldest = store.messages(ConversationId(id(1)), Some(21), 50).await.expect("oldest");
                assert_eq!(seqs(&oldest), (1..=20).collect::<Vec<_>>());
                let other = store.messages(ConversationId(id(2)), None, 50).await.expect("other");
                assert_eq!(seqs(&other), vec![5], "conversations never mix");
            }

            #[wasm_bindgen_test]
            async fn storing_a_message_twice_keeps_one_copy_with_the_newest_content() {
                let store = $open;
                store.put_messages(&[message(1, 1)]).await.expect("put");
                let mut edited = message(1, 1);
                edited.text = "已更新 updated".into();
                store.put_messages(&[edited.clone()]).await.expect("put again");
                let stored = store.messages(ConversationId(id(1)), None, 50).await.expect("messages");
                assert_eq!(stored, vec![edited]);
            }

            #[wasm_bindgen_test]
            async fn one_message_can_be_read_and_a_conversation_removed_with_its_messages() {
                let store = $open;
                store.replace_conversations(&[conversation(1, 1), conversation(2, 2)]).await.expect("replace");
                store.put_messages(&[message(1, 1), message(1, 2), message(2, 1)]).await.expect("put");
                assert_eq!(store.message(ConversationId(id(1)), 2).await.expect("get"), Some(message(1, 2)));
                assert_eq!(store.message(ConversationId(id(1)), 3).await.expect("get"), None);
                store.remove_conversation(ConversationId(id(1))).await.expect("remove");
                assert_eq!(store.conversations().await.expect("list").len(), 1);
                assert!(store.messages(ConversationId(id(1)), None, 50).await.expect("messages").is_empty());
                assert_eq!(seqs(&store.messages(ConversationId(id(2)), None, 50).await.expect("messages")), vec![1]);
            }

            #[wasm_bindgen_test]
            async fn the_cursor_is_kept() {
                let store = $open;
                assert_eq!(store.cursor().await.expect("cursor"), None);
                store.set_cursor(41).await.expect("set");
                store.set_cursor(42).await.expect("set");
                assert_eq!(store.cursor().await.expect("cursor"), Some(42));
            }

            #[wasm_bindgen_test]
            async fn the_outbox_keeps_entries_in_delivery_order_until_deleted() {
                let store = $open;
                let entry = |n: u128, order: f64| {
                    OutboxEntry::new(
                        Some(ConversationId(id(1))),
                        ClientId(id(n)),
                        OutboxAction::Send {
                            text: format!("待发送 {n}"),
                            reply_to: None,
                            mentions: vec![],
                            mention_all: false,
                            file: None,
                        },
                        order,
                    )
                };
                store.put_outbox(&entry(3, 3000.0)).await.expect("put");
                store.put_outbox(&entry(1, 1000.0)).await.expect("put");
                store.put_outbox(&entry(2, 2000.0)).await.expect("put");
                let mut refused = entry(2, 2000.0);
                refused.failed = Some("text: too long".into());
                store.put_outbox(&refused).await.expect("update");
                let stored = store.outbox().await.expect("outbox");
                let orders: Vec<f64> = stored.iter().map(|e| e.order).collect();
                assert_eq!(orders, vec![1000.0, 2000.0, 3000.0]);
                assert_eq!(stored[1].failed.as_deref(), Some("text: too long"));
                store.delete_outbox(&entry(1, 0.0).client_id).await.expect("delete");
                assert_eq!(store.outbox().await.expect("outbox").len(), 2);
            }

            #[wasm_bindgen_test]
            async fn queued_file_bytes_are_kept_until_deleted() {
                let store = $open;
                let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str("文件内容 file bytes"));
                let blob = web_sys::Blob::new_with_str_sequence(&parts).expect("blob");
                store.put_upload("entry-1", &blob).await.expect("put");
                let kept = store.upload("entry-1").await.expect("get").expect("kept");
                assert_eq!(kept.size(), blob.size());
                let text = wasm_bindgen_futures::JsFuture::from(kept.text()).await.expect("text");
                assert_eq!(text.as_string().as_deref(), Some("文件内容 file bytes"));
                assert!(store.upload("entry-2").await.expect("get").is_none());
                store.delete_upload("entry-1").await.expect("delete");
                assert!(store.upload("entry-1").await.expect("get").is_none());
            }

            #[wasm_bindgen_test]
            async fn the_directory_is_replaced_changed_and_read_back() {
                let store = $open;
                assert_eq!(store.directory().await.expect("empty"), (vec![], vec![]));
                let (departments, members) = directory_rows();
                store.replace_directory(&departments, &members).await.expect("replace");
                let (mut got_departments, mut got_members) = store.directory().await.expect("read");
                got_departments.sort_by(|a, b| a.id.cmp(&b.id));
                got_members.sort_by_key(|m| m.id);
                assert_eq!((got_departments, got_members), (departments.clone(), members.clone()));

                let mut renamed = members[0].clone();
                renamed.name = "张三丰".into();
                store.put_directory_member(&renamed).await.expect("put");
                store.delete_directory_member(members[1].id).await.expect("delete");
                store.delete_department(&departments[1].id).await.expect("delete department");
                let (got_departments, got_members) = store.directory().await.expect("read");
                assert_eq!(got_members, vec![renamed]);
                assert_eq!(got_departments, vec![departments[0].clone()]);

                // A reset replaces everything, including people no longer visible.
                store.replace_directory(&departments[1..], &members[1..]).await.expect("replace again");
                assert_eq!(store.directory().await.expect("read"), (departments[1..].to_vec(), members[1..].to_vec()));
            }

            #[wasm_bindgen_test]
            async fn templates_are_replaced_in_order_and_unlisted_ones_dropped() {
                let store = $open;
                assert!(store.templates().await.expect("empty").is_empty());
                let (expense, leave, purchase) =
                    (template(3, "报销 Expense"), template(1, "请假 Leave"), template(2, "采购 Purchase"));
                store.replace_templates(&[expense.clone(), leave.clone(), purchase.clone()]).await.expect("replace");
                assert_eq!(store.templates().await.expect("list"), vec![expense.clone(), leave.clone(), purchase]);
                let mut renamed = leave.clone();
                renamed.spec.name = "休假 Time off".into();
                renamed.version = 3;
                store.replace_templates(&[renamed.clone(), expense.clone()]).await.expect("replace again");
                assert_eq!(store.templates().await.expect("list"), vec![renamed, expense]);
                store.replace_templates(&[]).await.expect("none left");
                assert!(store.templates().await.expect("list").is_empty());
            }

            #[wasm_bindgen_test]
            async fn drafts_are_kept_per_template_overwritten_and_deleted() {
                let store = $open;
                let (expense, leave) = (TemplateId(id(1)), TemplateId(id(2)));
                assert_eq!(store.draft::<RawForm>(expense).await.expect("none"), None);
                store.put_draft(expense, &draft("出差 trip")).await.expect("put");
                store.put_draft(leave, &draft("病假 sick")).await.expect("put");
                assert_eq!(store.draft(expense).await.expect("get"), Some(draft("出差 trip")));
                store.put_draft(expense, &draft("出差 trip, then more")).await.expect("overwrite");
                assert_eq!(store.draft(expense).await.expect("get"), Some(draft("出差 trip, then more")));
                assert_eq!(store.draft(leave).await.expect("get"), Some(draft("病假 sick")));
                store.delete_draft(expense).await.expect("delete");
                assert_eq!(store.draft::<RawForm>(expense).await.expect("gone"), None);
                assert_eq!(store.draft(leave).await.expect("kept"), Some(draft("病假 sick")));
                // Drafts, templates and requests share a store without mixing.
                store.replace_templates(&[template(2, "请假 Leave")]).await.expect("templates");
                store.replace_templates(&[]).await.expect("templates dropped");
                assert_eq!(store.draft(leave).await.expect("kept"), Some(draft("病假 sick")));
                assert!(store.approvals().await.expect("requests").is_empty());
            }

            #[wasm_bindgen_test]
            async fn requests_are_kept_in_full_and_listed_newest_first() {
                let store = $open;
                assert_eq!(store.approval(ApprovalId(id(1))).await.expect("none"), None);
                let (first, second, third) = (approval(1, 30, "a"), approval(2, 10, "b"), approval(3, 20, "c"));
                for detail in [&first, &second, &third] {
                    store.put_approval(detail).await.expect("put");
                }
                assert_eq!(store.approval(ApprovalId(id(2))).await.expect("get"), Some(second.clone()));
                let listed = store.approvals().await.expect("list");
                let ids: Vec<ApprovalId> = listed.iter().map(|a| a.summary.id).collect();
                assert_eq!(ids, vec![first.request.id, third.request.id, second.request.id]);
                assert_eq!(listed[0], StoredApproval { summary: first.summary(), detail: Some(first) });
                assert_eq!(listed[0].summary.template_name, "报销 Expense");

                let mut decided = approval(2, 40, "b");
                decided.request.status = RequestStatus::Approved;
                decided.request.current_step = None;
                store.put_approval(&decided).await.expect("newer");
                store.put_approval(&second).await.expect("a late answer changes nothing");
                assert_eq!(store.approval(ApprovalId(id(2))).await.expect("get"), Some(decided.clone()));
                assert_eq!(store.approvals().await.expect("list")[0].summary.status, RequestStatus::Approved);
            }

            #[wasm_bindgen_test]
            async fn list_rows_are_kept_and_a_newer_row_drops_an_older_full_request() {
                let store = $open;
                let detail = approval(1, 20, "a");
                store.put_approval(&detail).await.expect("put");
                let mut older = detail.summary();
                older.updated_at = 10;
                older.status = RequestStatus::Withdrawn;
                store.put_approval_summary(&older).await.expect("older row");
                assert_eq!(store.approval(detail.request.id).await.expect("kept"), Some(detail.clone()));
                store.put_approval_summary(&detail.summary()).await.expect("same row");
                assert_eq!(store.approval(detail.request.id).await.expect("kept"), Some(detail.clone()));

                let mut newer = detail.summary();
                newer.updated_at = 30;
                newer.status = RequestStatus::Rejected;
                store.put_approval_summary(&newer).await.expect("newer row");
                assert_eq!(store.approval(detail.request.id).await.expect("dropped"), None);
                let only_row = approval(2, 5, "b").summary();
                store.put_approval_summary(&only_row).await.expect("a request known only by its row");
                assert_eq!(
                    store.approvals().await.expect("list"),
                    vec![
                        StoredApproval { summary: newer, detail: None },
                        StoredApproval { summary: only_row, detail: None }
                    ]
                );
            }

            #[wasm_bindgen_test]
            async fn text_round_trips_exactly() {
                let store = $open;
                let mut odd = message(1, 1);
                odd.text = "\u{202E}evil\u{202C} <script>alert(1)</script> 😀 \"quotes\" \\ \n second line".into();
                store.put_messages(&[odd.clone()]).await.expect("put");
                assert_eq!(store.messages(ConversationId(id(1)), None, 1).await.expect("messages"), vec![odd]);
            }
        }
    };
}

store_suite!(memory, MemoryStore::default());
store_suite!(indexed_db, IdbStore::open(&unique_name()).await.expect("open IndexedDB"));
store_suite!(indexed_db_encrypted, IdbStore::open_encrypted(&unique_name()).await.expect("open encrypted IndexedDB"));

/// Secrets written by [`fill_with_secrets`]; none may appear in an encrypted database's rows.
const SECRETS: [&str; 8] = [
    "机密项目",
    "secret-message",
    "pending-secret",
    "file-secret",
    "secret-mobile",
    "secret-template",
    "secret-draft",
    "secret-reason",
];

fn secret_entry() -> OutboxEntry {
    OutboxEntry::new(
        Some(ConversationId(id(1))),
        ClientId(id(42)),
        OutboxAction::Send {
            text: "pending-secret".into(),
            reply_to: None,
            mentions: vec![],
            mention_all: false,
            file: None,
        },
        1.0,
    )
}

fn secret_file() -> web_sys::Blob {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str("file-secret"));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).expect("blob")
}

async fn fill_with_secrets(store: &IdbStore) {
    let mut secret_conversation = conversation(1, 10);
    secret_conversation.title = "机密项目".into();
    store.replace_conversations(&[secret_conversation]).await.expect("replace");
    let mut secret = message(1, 1);
    secret.text = "secret-message".into();
    store.put_messages(&[secret, message(1, 2)]).await.expect("put");
    store.put_outbox(&secret_entry()).await.expect("queue");
    store.put_upload(&secret_entry().client_id, &secret_file()).await.expect("file");
    let (departments, mut members) = directory_rows();
    members[0].mobile = "secret-mobile".into();
    store.replace_directory(&departments, &members[..1]).await.expect("directory");
    store.replace_templates(&[template(1, "secret-template")]).await.expect("templates");
    store.put_draft(TemplateId(id(1)), &draft("secret-draft")).await.expect("draft");
    store.put_approval(&approval(1, 10, "secret-reason")).await.expect("request");
}

async fn assert_reads_back_secrets(store: &IdbStore) {
    let list = store.conversations().await.expect("list");
    assert_eq!(list.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), vec!["机密项目"]);
    let page = store.messages(ConversationId(id(1)), None, 50).await.expect("messages");
    assert_eq!(page[0].text, "secret-message");
    assert_eq!(store.message(ConversationId(id(1)), 2).await.expect("one"), Some(message(1, 2)));
    assert_eq!(store.outbox().await.expect("outbox"), vec![secret_entry()]);
    let file = store.upload(&secret_entry().client_id).await.expect("get").expect("file kept");
    assert_eq!(file.type_(), "text/plain");
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.expect("text");
    assert_eq!(text.as_string().as_deref(), Some("file-secret"));
    assert_eq!(store.search_messages("SECRET-mess", 10).await.expect("search").len(), 1);
    assert_eq!(store.directory().await.expect("directory").1[0].mobile, "secret-mobile");
    assert_eq!(store.templates().await.expect("templates"), vec![template(1, "secret-template")]);
    assert_eq!(store.draft(TemplateId(id(1))).await.expect("draft"), Some(draft("secret-draft")));
    assert_eq!(store.approval(ApprovalId(id(1))).await.expect("request"), Some(approval(1, 10, "secret-reason")));
}

/// Every row of the sensitive object stores, as IndexedDB holds them on disk, in JSON (a Blob
/// shows as `"[Blob]"`, so a file kept in clear can be told from a sealed one).
async fn raw_rows_as_text(name: &str) -> Vec<String> {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use wasm_bindgen::JsCast;
    let db = Database::open(name).await.expect("open raw");
    let mut texts = Vec::new();
    for store_name in
        ["conversations", "messages", "outbox", "uploads", "departments", "directory_members", "approvals"]
    {
        let tx = db.transaction(store_name).build().expect("tx");
        let rows: Vec<wasm_bindgen::JsValue> = tx
            .object_store(store_name)
            .expect("store")
            .get_all::<wasm_bindgen::JsValue>()
            .primitive()
            .expect("get all")
            .await
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        for row in rows {
            if let Some(blob) = row.dyn_ref::<web_sys::Blob>() {
                let text = wasm_bindgen_futures::JsFuture::from(blob.text()).await.expect("text");
                texts.push(format!("[Blob] {}", text.as_string().unwrap_or_default()));
            } else {
                texts.push(js_sys::JSON::stringify(&row).expect("json").as_string().unwrap_or_default());
            }
        }
    }
    db.close();
    texts
}

fn leaked_secrets(rows: &[String]) -> Vec<&'static str> {
    SECRETS.iter().copied().filter(|secret| rows.iter().any(|row| row.contains(secret))).collect()
}

#[wasm_bindgen_test]
async fn an_encrypted_store_writes_no_plaintext_to_disk() {
    let name = unique_name();
    let store = IdbStore::open_encrypted(&name).await.expect("open");
    assert!(store.is_encrypted());
    fill_with_secrets(&store).await;
    assert_reads_back_secrets(&store).await;
    store.close();
    let rows = raw_rows_as_text(&name).await;
    assert_eq!(
        rows.len(),
        11,
        "a conversation, two messages, an outbox entry, a file, two departments, a member, a template, a draft, a request"
    );
    assert_eq!(leaked_secrets(&rows), Vec::<&str>::new());
    assert!(rows.iter().all(|row| row.contains("\"sealed\"")), "{rows:?}");

    // The same check sees every secret in a plain store, so it would catch a leak.
    let plain_name = unique_name();
    let plain = IdbStore::open(&plain_name).await.expect("open plain");
    fill_with_secrets(&plain).await;
    plain.close();
    assert_eq!(leaked_secrets(&raw_rows_as_text(&plain_name).await), SECRETS.to_vec());
}

#[wasm_bindgen_test]
async fn a_plain_database_is_sealed_when_opened_encrypted_and_nothing_is_lost() {
    let name = unique_name();
    let plain = IdbStore::open(&name).await.expect("open plain");
    fill_with_secrets(&plain).await;
    plain.close();

    let encrypted = IdbStore::open_encrypted(&name).await.expect("open encrypted");
    assert_reads_back_secrets(&encrypted).await;
    encrypted.close();
    assert_eq!(leaked_secrets(&raw_rows_as_text(&name).await), Vec::<&str>::new());

    // The key stays with the database: reopening reads everything again.
    let reopened = IdbStore::open_encrypted(&name).await.expect("reopen");
    assert_reads_back_secrets(&reopened).await;
    assert_eq!(reopened.cursor().await.expect("cursor"), None);
}

#[wasm_bindgen_test]
async fn sealed_rows_are_unreadable_without_the_key() {
    let name = unique_name();
    let encrypted = IdbStore::open_encrypted(&name).await.expect("open");
    fill_with_secrets(&encrypted).await;
    encrypted.close();
    let without_key = IdbStore::open(&name).await.expect("open plain");
    assert!(matches!(without_key.messages(ConversationId(id(1)), None, 50).await, Err(StoreError::Cipher(_))));
    assert!(matches!(without_key.outbox().await, Err(StoreError::Cipher(_))));
    assert!(matches!(without_key.upload(&secret_entry().client_id).await, Err(StoreError::Cipher(_))));
    assert!(matches!(without_key.draft::<RawForm>(TemplateId(id(1))).await, Err(StoreError::Cipher(_))));
    assert!(matches!(without_key.templates().await, Err(StoreError::Cipher(_))));
}

#[wasm_bindgen_test]
async fn the_cipher_refuses_altered_bytes_and_other_keys() {
    let cipher = Cipher::generate().await.expect("key");
    let first = cipher.seal("消息 text".as_bytes()).await.expect("seal");
    let second = cipher.seal("消息 text".as_bytes()).await.expect("seal");
    assert_ne!(first, second, "every value gets a fresh nonce");
    assert_eq!(cipher.open(&first).await.expect("open"), "消息 text".as_bytes());

    let mut altered = first.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert!(matches!(cipher.open(&altered).await, Err(StoreError::Cipher(_))));
    assert!(matches!(cipher.open(&first[..5]).await, Err(StoreError::Cipher(_))));
    let other = Cipher::generate().await.expect("other key");
    assert!(matches!(other.open(&first).await, Err(StoreError::Cipher(_))));
}

#[wasm_bindgen_test]
async fn indexed_db_keeps_data_across_reopening_and_delete_wipes_it() {
    let name = unique_name();
    let store = IdbStore::open(&name).await.expect("open");
    store.replace_conversations(&[conversation(1, 1)]).await.expect("replace");
    store.put_messages(&[message(1, 1), message(1, 2)]).await.expect("put");
    store.close();

    let reopened = IdbStore::open(&name).await.expect("reopen");
    assert_eq!(reopened.conversations().await.expect("list").len(), 1);
    assert_eq!(seqs(&reopened.messages(ConversationId(id(1)), None, 50).await.expect("messages")), vec![1, 2]);
    reopened.close();

    IdbStore::delete(&name).await.expect("delete");
    let fresh = IdbStore::open(&name).await.expect("open after delete");
    assert!(fresh.conversations().await.expect("list").is_empty());
}

#[wasm_bindgen_test]
async fn opening_a_newer_database_keeps_the_dom_exception_name() {
    use indexed_db_futures::database::Database;
    let name = unique_name();
    let newer = Database::open(name.as_str()).with_version(99u32).await.expect("open at version 99");
    newer.close();
    match IdbStore::open(&name).await {
        Err(StoreError::Database { name, .. }) => assert_eq!(name, "VersionError"),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("opening an older schema over a newer database must fail"),
    }
}

/// Writes a database as version 5 of the app left it: the schema of versions 1 to 5 (frozen here,
/// as shipped), a conversation, a directory member and the cursor; with `sealed`, the device key
/// and sealed rows, as an encrypted store wrote them.
async fn create_version_5_database(name: &str, sealed: bool) {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;

    let db = Database::open(name)
        .with_version(5u32)
        .with_on_upgrade_needed(|_, db| {
            for (store, key_path) in [
                ("conversations", Some("id")),
                ("messages", Some("key")),
                ("outbox", Some("client_id")),
                ("meta", Some("name")),
                ("uploads", None),
                ("keys", None),
                ("departments", Some("id")),
                ("directory_members", Some("id")),
            ] {
                match key_path {
                    Some(path) => db.create_object_store(store).with_key_path(path.into()).build()?,
                    None => db.create_object_store(store).build()?,
                };
            }
            Ok(())
        })
        .await
        .expect("open at version 5");
    let cipher = Cipher::generate().await.expect("key");
    let sealing = sealed.then_some(&cipher);
    let conversation_json = serde_json::to_string(&conversation(1, 10)).expect("json");
    let conversation_row = version_5_row(sealing, id(1).to_string(), &conversation_json).await;
    let member_json = serde_json::to_string(&directory_rows().1[0]).expect("json");
    let member_row = version_5_row(sealing, id(1).to_string(), &member_json).await;
    let stores = ["conversations", "directory_members", "meta", "keys"];
    let tx = db.transaction(stores).with_mode(TransactionMode::Readwrite).build().expect("tx");
    tx.object_store("conversations")
        .expect("store")
        .put(conversation_row)
        .primitive()
        .expect("put")
        .await
        .expect("put");
    tx.object_store("directory_members").expect("store").put(member_row).primitive().expect("put").await.expect("put");
    let meta = tx.object_store("meta").expect("meta");
    meta.put(js_sys::JSON::parse(r#"{"name":"cursor","value":7}"#).expect("json"))
        .primitive()
        .expect("put")
        .await
        .expect("put");
    if sealed {
        meta.put(js_sys::JSON::parse(r#"{"name":"sealed_all","value":1}"#).expect("json"))
            .primitive()
            .expect("put")
            .await
            .expect("put");
        let key: wasm_bindgen::JsValue = cipher.key().clone().into();
        tx.object_store("keys")
            .expect("keys")
            .put(key)
            .with_key("device")
            .primitive()
            .expect("put")
            .await
            .expect("put");
    }
    tx.commit().await.expect("commit");
    db.close();
}

/// A row keyed by `id` as version 5 wrote it: the value's JSON as an object, or beside its key
/// sealed.
async fn version_5_row(cipher: Option<&Cipher>, key: String, json: &str) -> wasm_bindgen::JsValue {
    use js_sys::{Object, Reflect, Uint8Array};
    let Some(cipher) = cipher else { return js_sys::JSON::parse(json).expect("plain row") };
    let sealed = cipher.seal(json.as_bytes()).await.expect("seal");
    let row = Object::new();
    Reflect::set(&row, &"id".into(), &key.into()).expect("key");
    Reflect::set(&row, &"sealed".into(), &Uint8Array::from(sealed.as_slice())).expect("sealed");
    row.into()
}

async fn assert_upgraded_from_version_5(name: &str, store: &IdbStore) {
    assert_eq!(store.conversations().await.expect("conversations"), vec![conversation(1, 10)]);
    assert_eq!(store.directory().await.expect("directory").1, vec![directory_rows().1[0].clone()]);
    assert_eq!(store.cursor().await.expect("cursor"), Some(7));
    store.replace_templates(&[template(1, "secret-template")]).await.expect("templates");
    store.put_draft(TemplateId(id(1)), &draft("secret-draft")).await.expect("draft");
    store.put_approval(&approval(1, 10, "secret-reason")).await.expect("request");
    assert_eq!(store.templates().await.expect("templates"), vec![template(1, "secret-template")]);
    assert_eq!(store.draft(TemplateId(id(1))).await.expect("draft"), Some(draft("secret-draft")));
    assert_eq!(store.approval(ApprovalId(id(1))).await.expect("request"), Some(approval(1, 10, "secret-reason")));

    let raw = indexed_db_futures::database::Database::open(name).await.expect("open raw");
    assert_eq!(raw.version() as u32, Version::CURRENT as u32);
    assert_eq!(Version::CURRENT as u32, 6);
    raw.close();
}

#[wasm_bindgen_test]
async fn a_version_5_database_upgrades_keeping_its_rows() {
    let name = unique_name();
    create_version_5_database(&name, false).await;
    let store = IdbStore::open(&name).await.expect("open plain");
    assert_upgraded_from_version_5(&name, &store).await;
    store.close();
}

#[wasm_bindgen_test]
async fn an_encrypted_version_5_database_upgrades_and_seals_approvals() {
    let name = unique_name();
    create_version_5_database(&name, true).await;
    let store = IdbStore::open_encrypted(&name).await.expect("open encrypted");
    assert_upgraded_from_version_5(&name, &store).await;
    store.close();
    let rows = raw_rows_as_text(&name).await;
    assert_eq!(rows.len(), 5, "a conversation, a member, a template, a draft, a request: {rows:?}");
    assert!(rows.iter().all(|row| row.contains("\"sealed\"")), "{rows:?}");
    assert_eq!(leaked_secrets(&rows), Vec::<&str>::new());
}
