//! The demo organisation seeded on first start: 织锦科技 (Weft Demo Co.), a department tree
//! (研发部 with 前端组 and 后端组, …) with leaders, twenty members with Chinese names and English
//! aliases, direct leaders up to the CEO, mobiles and emails, a few chats with history, three
//! approval templates (expense, leave, purchase: `approvals::templates`), an integration app and
//! a group robot. Besides the administrator, three members hold delegated roles
//! ([`DELEGATED_ROLES`]).

use crate::approvals::templates::{DemoPeople, demo_templates};
use crate::auth::hash_password;
use crate::store::{MemberInput, NewMember, NewMessage, Store, StoreError, StoreResult};
use uuid::Uuid;
use weft_protocol::DepartmentId;
use weft_protocol::auth::Role;
use weft_protocol::chat::ConversationKind;
use weft_protocol::directory::MemberStatus;
use weft_protocol::integration::{IntegrationAppSettings, IntegrationScope};
use weft_protocol::{ClientId, ConversationId, MemberId, Millis};

/// The demo integration app's name and secret, and the demo robot's name and webhook key: public,
/// like the demo password, so that the run command can print them (demo only).
pub const DEMO_APP_NAME: &str = "演示 ERP Demo ERP";
pub const DEMO_APP_SECRET: &str = "weft-demo-erp-secret";
pub const DEMO_ROBOT_NAME: &str = "发布机器人 Release bot";
pub const DEMO_ROBOT_KEY: &str = "weft-demo-robot-key";

/// Every demo account's password. Printed at start; change it before real use.
pub const DEMO_PASSWORD: &str = "weft-demo";
/// The two accounts the start-up banner offers.
pub const DEMO_USERS: [&str; 2] = ["zhangsan", "lisi"];
/// The demo administrator.
pub const DEMO_ADMIN: &str = "admin";

const DEPARTMENTS: &[(&str, &str, Option<&str>)] = &[
    ("root", "织锦科技 Weft Demo Co.", None),
    ("ceo", "总经办 CEO Office", Some("root")),
    ("eng", "研发部 Engineering", Some("root")),
    ("fe", "前端组 Frontend", Some("eng")),
    ("be", "后端组 Backend", Some("eng")),
    ("product", "产品部 Product", Some("root")),
    ("sales", "市场部 Sales & Marketing", Some("root")),
    ("hr", "人事部 HR", Some("root")),
    ("finance", "财务部 Finance", Some("root")),
];

/// A demo member: userid, name, alias, position, departments (the first is the main one),
/// departments they lead, direct leader (seeded before them).
type SeedMember = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Option<&'static str>,
);

const MEMBERS: &[SeedMember] = &[
    ("gaoyuan", "高远", "Gao Yuan", "首席执行官 CEO", &["ceo"], &["ceo", "root"], None),
    ("admin", "管理员", "Administrator", "系统管理员 IT Administrator", &["ceo"], &[], Some("gaoyuan")),
    ("wangwu", "王五", "Wang Wu", "研发总监 Head of Engineering", &["eng"], &["eng"], Some("gaoyuan")),
    ("guojun", "郭军", "Guo Jun", "架构师 Architect", &["be"], &["be"], Some("wangwu")),
    ("zhangsan", "张三", "Zhang San", "前端工程师 Frontend Engineer", &["fe"], &["fe"], Some("wangwu")),
    ("lisi", "李四", "Li Si", "产品经理 Product Manager", &["product", "fe"], &["product"], Some("gaoyuan")),
    ("linfeng", "林峰", "Lin Feng", "销售总监 Head of Sales", &["sales"], &["sales"], Some("gaoyuan")),
    ("liuyang", "刘洋", "Liu Yang", "销售经理 Sales Manager", &["sales"], &[], Some("linfeng")),
    ("chenjing", "陈静", "Chen Jing", "人事经理 HR Manager", &["hr"], &["hr"], Some("gaoyuan")),
    ("huangli", "黄丽", "Huang Li", "财务主管 Finance Lead", &["finance"], &["finance"], Some("gaoyuan")),
    ("zhaoliu", "赵六", "Zhao Liu", "后端工程师 Backend Engineer", &["be"], &[], Some("guojun")),
    ("yangfan", "杨帆", "Yang Fan", "测试工程师 QA Engineer", &["fe"], &[], Some("zhangsan")),
    ("maqiang", "马强", "Ma Qiang", "运维工程师 SRE", &["be"], &[], Some("guojun")),
    ("zhoujie", "周杰", "Zhou Jie", "客户经理 Account Manager", &["sales"], &[], Some("liuyang")),
    ("zhuhong", "朱红", "Zhu Hong", "销售代表 Sales Representative", &["sales"], &[], Some("liuyang")),
    ("wuxia", "吴霞", "Wu Xia", "会计 Accountant", &["finance"], &[], Some("huangli")),
    ("heyun", "何芸", "He Yun", "出纳 Cashier", &["finance"], &[], Some("huangli")),
    ("xuming", "徐明", "Xu Ming", "设计师 Designer", &["product"], &[], Some("lisi")),
    ("hulin", "胡琳", "Hu Lin", "产品运营 Product Operations", &["product"], &[], Some("lisi")),
    ("sunli", "孙丽", "Sun Li", "招聘专员 Recruiter", &["hr"], &[], Some("chenjing")),
];

/// Demo members with a delegated role: 王五 administers 研发部 (and its groups), 黄丽 audits, 胡琳
/// looks after the approval templates.
const DELEGATED_ROLES: &[(&str, Role, Option<&str>)] = &[
    ("wangwu", Role::DepartmentAdmin, Some("eng")),
    ("huangli", Role::Auditor, None),
    ("hulin", Role::ApprovalsAdmin, None),
];

/// The demo role of a member, with a department administrator's scope.
fn demo_role(userid: &str) -> (Role, Option<DepartmentId>) {
    if userid == DEMO_ADMIN {
        return (Role::Admin, None);
    }
    DELEGATED_ROLES
        .iter()
        .find(|(delegate, _, _)| *delegate == userid)
        .map_or((Role::Member, None), |(_, role, scope)| (*role, scope.map(DepartmentId::from)))
}

/// A seeded message: (sender's userid, text).
type SeedMessage = (&'static str, &'static str);
/// A seeded group: (name, members by userid — empty means everyone, history).
type SeedChat = (&'static str, &'static [&'static str], &'static [SeedMessage]);
/// A seeded direct chat: (one userid, the other, history).
type SeedDirect = (&'static str, &'static str, &'static [SeedMessage]);

const GROUPS: &[SeedChat] = &[
    (
        "全员群 All hands",
        &[],
        &[
            ("gaoyuan", "欢迎大家使用 Weft！Welcome to Weft, our own workspace."),
            ("chenjing", "本周五下午三点全员会议，地点：大会议室。All-hands on Friday 3 pm, main room."),
            ("liuyang", "收到 👍"),
            ("huangli", "提醒：报销单请在月底前提交。Expense claims are due by month end."),
        ],
    ),
    (
        "研发部 Engineering",
        &["zhangsan", "lisi", "wangwu", "zhaoliu", "yangfan", "maqiang", "guojun"],
        &[
            ("wangwu", "今天下午发布 v2.3，请大家提前合并代码。Release v2.3 this afternoon — please merge early."),
            ("zhaoliu", "接口已经部署到预发环境。The API is on staging."),
            ("yangfan", "回归测试通过 ✅ Regression suite is green."),
            ("zhangsan", "前端也准备好了。Frontend is ready too."),
        ],
    ),
    (
        "午饭搭子 Lunch crew",
        &["zhangsan", "lisi", "chenjing", "xuming"],
        &[
            ("lisi", "中午吃什么？What's for lunch?"),
            ("xuming", "楼下新开了一家兰州拉面 🍜"),
            ("zhangsan", "好啊，12 点见。Noon it is."),
        ],
    ),
];

const DIRECTS: &[SeedDirect] = &[
    (
        "zhangsan",
        "lisi",
        &[
            ("lisi", "张三，需求文档更新了，有空看一下。The spec is updated, have a look when you can."),
            ("zhangsan", "好的，我下午看。Will do this afternoon."),
        ],
    ),
    ("zhangsan", "wangwu", &[("wangwu", "代码评审我已经留言了。I left comments on your review.")]),
];

/// Seeds the demo organisation if the store has no members yet. Returns whether it seeded.
pub fn seed_demo(store: &dyn Store, now: Millis) -> StoreResult<bool> {
    if !store.is_empty()? {
        return Ok(false);
    }
    for (order, (id, name, parent)) in DEPARTMENTS.iter().enumerate() {
        store.insert_department(id, name, *parent, order as i64)?;
    }
    // The demo password is public, so one hash serves every demo account.
    let password_hash = hash_password(DEMO_PASSWORD).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let mut ids = std::collections::HashMap::new();
    for (n, (userid, name, alias, position, departments, leads, leader)) in MEMBERS.iter().enumerate() {
        let id = MemberId(Uuid::now_v7());
        ids.insert(*userid, id);
        let department_ids: Vec<DepartmentId> = departments.iter().map(|d| DepartmentId::from(*d)).collect();
        let direct_leader = match leader {
            Some(leader) => Some(
                ids.get(leader)
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt(format!("seed leader {leader} comes later")))?,
            ),
            None => None,
        };
        store.insert_member(&NewMember {
            id,
            userid: (*userid).into(),
            input: MemberInput {
                name: (*name).into(),
                alias: (*alias).into(),
                position: (*position).into(),
                mobile: format!("1380000{:04}", n + 1),
                email: format!("{userid}@weft.example"),
                main_department: department_ids[0].clone(),
                departments: department_ids,
                leader_of: leads.iter().map(|d| DepartmentId::from(*d)).collect(),
                direct_leader,
                avatar: String::new(),
                role: demo_role(userid).0,
                admin_scope: demo_role(userid).1,
            },
            password_hash: password_hash.clone(),
            status: MemberStatus::Active,
        })?;
    }
    let id_of = |userid: &str| {
        ids.get(userid).copied().ok_or_else(|| StoreError::Corrupt(format!("unknown demo member {userid}")))
    };
    // The demo approval templates (the administrator is their fallback approver).
    let people = DemoPeople { admin: id_of(DEMO_ADMIN)?, finance: [id_of("wuxia")?, id_of("heyun")?] };
    for spec in demo_templates(&people) {
        store.create_template(people.admin, &spec, now)?;
    }
    // History starts two hours ago, one message a few minutes apart.
    let clock = std::cell::Cell::new(now - 2 * 60 * 60 * 1000);
    let post = |store: &dyn Store, conversation: ConversationId, messages: &[(&str, &str)]| -> StoreResult<()> {
        for (sender, text) in messages {
            clock.set(clock.get() + 3 * 60 * 1000);
            store.append_message(NewMessage {
                conversation,
                sender: id_of(sender)?,
                client_id: ClientId(Uuid::new_v4()),
                text,
                reply_to: None,
                mentions: &[],
                mention_all: false,
                attachment: None,
                now: clock.get(),
            })?;
        }
        Ok(())
    };
    for (name, userids, messages) in GROUPS {
        let members: Vec<MemberId> = if userids.is_empty() {
            ids.values().copied().collect()
        } else {
            userids.iter().map(|u| id_of(u)).collect::<StoreResult<_>>()?
        };
        let id = ConversationId(Uuid::now_v7());
        let owner = id_of(messages.first().map_or("admin", |(sender, _)| sender))?;
        store.seed_conversation(id, ConversationKind::Group, name, owner, &members, clock.get())?;
        post(store, id, messages)?;
    }
    for (a, b, messages) in DIRECTS {
        let id = ConversationId(Uuid::now_v7());
        store.seed_conversation(id, ConversationKind::Direct, "", id_of(a)?, &[id_of(a)?, id_of(b)?], clock.get())?;
        post(store, id, messages)?;
    }
    seed_integrations(store, &id_of, clock.get())?;
    Ok(true)
}

/// The demo integration app (every scope) and a robot in the engineering group (added by
/// wangwu). Neither has posted yet: the run command prints how to make them.
fn seed_integrations(store: &dyn Store, id_of: &dyn Fn(&str) -> StoreResult<MemberId>, now: Millis) -> StoreResult<()> {
    let settings = IntegrationAppSettings {
        name: DEMO_APP_NAME.into(),
        scopes: vec![
            IntegrationScope::DirectoryRead,
            IntegrationScope::DirectoryWrite,
            IntegrationScope::Messages,
            IntegrationScope::Approvals,
        ],
        allowed_ips: Vec::new(),
        enabled: true,
    };
    let admin = id_of(DEMO_ADMIN)?;
    store.create_integration_app(&settings, &crate::auth::hash_token(DEMO_APP_SECRET), admin, now)?;
    let engineering = store
        .conversations_of(id_of("wangwu")?)?
        .into_iter()
        .find(|c| c.title == "研发部 Engineering")
        .ok_or_else(|| StoreError::Corrupt("the demo engineering group is missing".into()))?;
    store.add_robot(
        engineering.id,
        id_of("wangwu")?,
        DEMO_ROBOT_NAME,
        &crate::auth::hash_token(DEMO_ROBOT_KEY),
        now,
    )?;
    Ok(())
}

/// The root department of an organisation set up without the demo.
pub const FIRST_DEPARTMENT: (&str, &str) = ("root", "本组织 Our organisation");

/// Creates an administrator for a server started without the demo (`weft-server admin create`):
/// in an empty store, with the root department [`FIRST_DEPARTMENT`] (renamed later in the admin
/// console); otherwise in the existing root department (`root` in both cases). Refuses a userid already taken.
pub fn create_administrator(
    store: &dyn Store,
    userid: &str,
    name: &str,
    password_hash: String,
) -> StoreResult<MemberId> {
    if store.is_empty()? {
        store.insert_department(FIRST_DEPARTMENT.0, FIRST_DEPARTMENT.1, None, 0)?;
    }
    if store.credentials(userid)?.is_some() {
        return Err(StoreError::Conflict(format!("the userid {userid} is taken")));
    }
    // Both the demo and a first administrator make the root department `root`.
    let root = DepartmentId::from(FIRST_DEPARTMENT.0);
    let id = MemberId(Uuid::now_v7());
    store.insert_member(&NewMember {
        id,
        userid: userid.into(),
        input: MemberInput {
            name: name.into(),
            alias: String::new(),
            position: String::new(),
            mobile: String::new(),
            email: String::new(),
            main_department: root.clone(),
            departments: vec![root],
            leader_of: Vec::new(),
            direct_leader: None,
            avatar: String::new(),
            role: Role::Admin,
            admin_scope: None,
        },
        password_hash,
        status: MemberStatus::Active,
    })?;
    Ok(id)
}
