//! What integration apps and robots post, through the WeCom-compatible API: `message/send` into
//! each recipient's read-only conversation with the app (unknown recipients listed, WeCom's error
//! codes), app group chats (`appchat/*`), and group robots (added by a participant, posting
//! through `webhook/send?key=`, 20 a minute, removed by whoever may).

mod common;

use axum::http::{Method, StatusCode};
use common::wecom::{make_app, token, wecom, wecom_post};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

struct Messaging {
    app: TestApp,
    admin: String,
    access: String,
    agent_id: u64,
}

impl Messaging {
    async fn new() -> Self {
        let app = TestApp::new();
        let admin = app.login("admin").await;
        let integration = make_app(&app, &admin, json!(["messages", "directory_read"]), json!([])).await;
        let access = token(&app, &integration).await;
        Self { app, admin, access, agent_id: integration.agent_id }
    }

    async fn post(&self, call: &str, body: &Value) -> Value {
        wecom_post(&self.app, &format!("/cgi-bin/{call}?access_token={}", self.access), &body.to_string()).await
    }

    async fn send(&self, body: Value) -> Value {
        let mut body = body;
        if body.get("agentid").is_none() {
            body["agentid"] = json!(self.agent_id);
        }
        self.post("message/send", &body).await
    }

    /// The member's conversation with the app, as listed.
    async fn app_conversation(&self, token: &str) -> Option<Value> {
        let list = self.app.call(Method::GET, "/api/v1/conversations", Some(token), None).await;
        list.body.as_array().expect("list").iter().find(|c| c["kind"] == "app").cloned()
    }

    async fn messages(&self, token: &str, conversation: &str) -> Vec<Value> {
        let path = format!("/api/v1/conversations/{conversation}/messages");
        let reply = self.app.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["messages"].as_array().expect("messages").clone()
    }
}

/// A group `owner` makes with `members` (member ids); returns its id.
async fn new_group(app: &TestApp, owner: &str, name: &str, members: &[&str]) -> String {
    let body = json!({ "client_id": uuid::Uuid::new_v4(), "name": name, "members": members });
    let group = app.call(Method::POST, "/api/v1/conversations", Some(owner), Some(body)).await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.body);
    group.body["summary"]["id"].as_str().expect("group id").to_owned()
}

fn text(content: &str) -> Value {
    json!({ "msgtype": "text", "text": { "content": content } })
}

#[tokio::test]
async fn an_apps_message_reaches_each_recipients_app_conversation_and_unknown_recipients_are_listed() {
    let m = Messaging::new().await;
    let zhangsan = m.app.login("zhangsan").await;
    let mut body = text("订单 #1024 已发货 · Order shipped");
    body["touser"] = json!("zhangsan|nobody|LISI");
    body["totag"] = json!("7");
    // An integer agent id may come as a string.
    body["agentid"] = json!(m.agent_id.to_string());
    let reply = m.send(body).await;
    assert_eq!(reply["errcode"], 0, "{reply}");
    assert_eq!(reply["invaliduser"], "nobody");
    assert_eq!(reply["invalidtag"], "7");
    assert!(reply["msgid"].as_str().is_some_and(|id| !id.is_empty()));

    let listed = m.app_conversation(&zhangsan).await.expect("zhangsan's conversation with the app");
    assert_eq!(listed["title"], "ERP 连接器");
    assert_eq!(listed["unread"], 1, "an app's message is unread although it is stored under the recipient");
    let conversation = listed["id"].as_str().expect("id").to_owned();
    let lisi = m.app.login("lisi").await;
    let theirs = m.app_conversation(&lisi).await.expect("lisi's own conversation with the app");
    assert_ne!(theirs["id"], listed["id"], "each recipient has their own conversation with the app");

    // Markdown and a text card land in the same conversation.
    let mut markdown = json!({ "msgtype": "markdown", "markdown": { "content": "## 周报\n> **已完成** 3 项" } });
    markdown["touser"] = json!("zhangsan");
    assert_eq!(m.send(markdown).await["errcode"], 0);
    let card = json!({ "touser": "zhangsan", "msgtype": "textcard", "textcard": {
        "title": "报销已到账", "description": "<div class=\"gray\">2026年12月1日</div>金额 300 元",
        "url": "https://erp.example.com/claims/7" } });
    assert_eq!(m.send(card).await["errcode"], 0);

    let messages = m.messages(&zhangsan, &conversation).await;
    assert_eq!(messages.len(), 3);
    assert!(messages.iter().all(|message| message["sender_name"] == "ERP 连接器"));
    assert_eq!(messages[0]["card"]["type"], "bot");
    assert_eq!(messages[0]["card"]["sender"]["kind"], "app");
    assert_eq!(messages[0]["card"]["content"]["format"], "text");
    assert_eq!(messages[1]["text"], "周报\n已完成 3 项", "markdown's plain text stands in for previews and search");
    assert_eq!(messages[2]["card"]["content"]["button"], "详情", "WeCom's default button");
    assert_eq!(messages[2]["text"], "报销已到账\n2026年12月1日\n金额 300 元");
    let listed = m.app_conversation(&zhangsan).await.expect("listed");
    assert_eq!(listed["unread"], 3);

    // Read-only: the member cannot type into it, nor take the app's message back.
    let send = m
        .app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{conversation}/messages"),
            Some(&zhangsan),
            Some(json!({ "client_id": uuid::Uuid::new_v4(), "text": "hi" })),
        )
        .await;
    assert!(send.status.is_client_error(), "{}", send.body);
    assert_eq!(send.body["reason"]["kind"], "read_only_conversation", "{}", send.body);
    let recall = m
        .app
        .call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages/1/recall"), Some(&zhangsan), None)
        .await;
    assert_eq!(recall.body["reason"]["kind"], "not_the_sender", "{}", recall.body);
    // Search finds it by its text.
    let found = m.app.call(Method::GET, "/api/v1/search/messages?q=已发货", Some(&zhangsan), None).await;
    assert_eq!(found.body.as_array().map(Vec::len), Some(1), "{}", found.body);
}

#[tokio::test]
async fn toparty_reaches_a_department_and_everything_under_it_and_all_reaches_everyone() {
    let m = Messaging::new().await;
    let departments = wecom(&m.app, &format!("/cgi-bin/department/list?access_token={}", m.access)).await;
    let engineering = departments["department"]
        .as_array()
        .expect("departments")
        .iter()
        .find(|d| d["name"] == "研发部 Engineering")
        .and_then(|d| d["id"].as_i64())
        .expect("engineering");
    let mut body = text("研发部全员会议 · All-hands");
    body["toparty"] = json!(format!("{engineering}|9999"));
    let reply = m.send(body).await;
    assert_eq!(reply["errcode"], 0, "{reply}");
    assert_eq!(reply["invalidparty"], "9999");
    // zhangsan is in Frontend, under Engineering; linfeng is in Sales.
    let zhangsan = m.app.login("zhangsan").await;
    assert!(m.app_conversation(&zhangsan).await.is_some());
    let linfeng = m.app.login("linfeng").await;
    assert!(m.app_conversation(&linfeng).await.is_none());

    let mut everyone = text("全员通知 · Notice to all");
    everyone["touser"] = json!("@all");
    assert_eq!(m.send(everyone).await["errcode"], 0);
    assert!(m.app_conversation(&linfeng).await.is_some());
}

#[tokio::test]
async fn message_send_answers_wecoms_error_codes() {
    let m = Messaging::new().await;
    let to = |mut body: Value| {
        body["touser"] = json!("zhangsan");
        body
    };
    let cases = [
        (json!({ "touser": "zhangsan", "agentid": 1, "msgtype": "text", "text": { "content": "x" } }), 40056),
        (to(json!({ "msgtype": "voice", "voice": {} })), 40008),
        (to(json!({ "msgtype": "text", "text": { "content": "   " } })), 44004),
        (to(json!({ "msgtype": "text", "text": { "content": "长".repeat(683) } })), 45002),
        (
            to(
                json!({ "msgtype": "textcard", "textcard": { "title": "t", "description": "d", "url": "javascript:alert(1)" } }),
            ),
            40058,
        ),
        (json!({ "touser": "", "toparty": "", "totag": "", "msgtype": "text", "text": { "content": "x" } }), 82001),
    ];
    for (body, errcode) in cases {
        let reply = m.send(body.clone()).await;
        assert_eq!(reply["errcode"], errcode, "{body} → {reply}");
    }
    let mut nobody = text("x");
    nobody["touser"] = json!("ghost|phantom");
    let reply = m.send(nobody).await;
    assert_eq!(reply["errcode"], 81013, "{reply}");
    assert_eq!(reply["invaliduser"], "ghost|phantom");

    // An app without the messages scope may not send.
    let reader = make_app(&m.app, &m.admin, json!(["directory_read"]), json!([])).await;
    let access = token(&m.app, &reader).await;
    let mut body = text("x");
    body["touser"] = json!("zhangsan");
    body["agentid"] = json!(reader.agent_id);
    let reply = wecom_post(&m.app, &format!("/cgi-bin/message/send?access_token={access}"), &body.to_string()).await;
    assert_eq!(reply["errcode"], 60011, "{reply}");
    // Script in the text is stored as text.
    let zhangsan = m.app.login("zhangsan").await;
    let mut hostile = text("<script>alert(1)</script>");
    hostile["touser"] = json!("zhangsan");
    assert_eq!(m.send(hostile).await["errcode"], 0);
    let conversation = m.app_conversation(&zhangsan).await.expect("conversation");
    assert_eq!(conversation["last_message"]["text"], "<script>alert(1)</script>");
}

#[tokio::test]
async fn an_app_makes_changes_and_posts_into_its_group_chats() {
    let m = Messaging::new().await;
    let create = json!({ "name": "项目群 Project", "owner": "lisi", "userlist": ["zhangsan", "lisi", "wangwu"], "chatid": "erp2026" });
    let reply = m.post("appchat/create", &create).await;
    assert_eq!(reply["errcode"], 0, "{reply}");
    assert_eq!(reply["chatid"], "erp2026");
    assert_eq!(m.post("appchat/create", &create).await["errcode"], 86215, "the chat id is taken");
    for (body, errcode) in [
        (json!({ "userlist": ["zhangsan", "lisi"], "chatid": "bad-id!" }), 86001),
        (json!({ "userlist": ["zhangsan"] }), 86006),
        (json!({ "userlist": ["zhangsan", "ghost"] }), 86007),
        (json!({ "userlist": ["zhangsan", "lisi"], "owner": "wangwu" }), 86207),
    ] {
        let reply = m.post("appchat/create", &body).await;
        assert_eq!(reply["errcode"], errcode, "{body} → {reply}");
    }
    // Without a chat id one is made; without a name the first members' names make one.
    let unnamed = m.post("appchat/create", &json!({ "userlist": ["zhangsan", "lisi"] })).await;
    let made = unnamed["chatid"].as_str().expect("chatid");
    assert!(made.len() <= 32 && made.chars().all(|c| c.is_ascii_alphanumeric()), "{made}");

    let get = |chat: &str| format!("/cgi-bin/appchat/get?chatid={chat}&access_token={}", m.access);
    let shown = wecom(&m.app, &get("erp2026")).await;
    assert_eq!(shown["errcode"], 0, "{shown}");
    assert_eq!(shown["chat_info"]["owner"], "lisi");
    assert_eq!(shown["chat_info"]["name"], "项目群 Project");
    assert_eq!(shown["chat_info"]["userlist"].as_array().map(Vec::len), Some(3));
    assert_eq!(wecom(&m.app, &get("nosuchchat")).await["errcode"], 86003);

    let update = json!({ "chatid": "erp2026", "name": "项目群 二期", "owner": "zhangsan",
        "add_user_list": ["zhaoliu"], "del_user_list": ["wangwu"] });
    let reply = m.post("appchat/update", &update).await;
    assert_eq!(reply["errcode"], 0, "{reply}");
    let shown = wecom(&m.app, &get("erp2026")).await;
    assert_eq!(shown["chat_info"]["owner"], "zhangsan");
    assert_eq!(shown["chat_info"]["name"], "项目群 二期");
    let mut members: Vec<&str> =
        shown["chat_info"]["userlist"].as_array().expect("list").iter().filter_map(Value::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, vec!["lisi", "zhangsan", "zhaoliu"]);

    let mut post = text("构建通过 · Build passed");
    post["chatid"] = json!("erp2026");
    assert_eq!(m.post("appchat/send", &post).await["errcode"], 0);
    let zhaoliu = m.app.login("zhaoliu").await;
    let group = m.app.conversation_id(&zhaoliu, "项目群 二期").await;
    let messages = m.messages(&zhaoliu, &group).await;
    let last = messages.last().expect("the app's message");
    assert_eq!(last["sender_name"], "ERP 连接器");
    assert_eq!(last["text"], "构建通过 · Build passed");
    // The members chat in it as in any group.
    let reply = m
        .app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{group}/messages"),
            Some(&zhaoliu),
            Some(json!({ "client_id": uuid::Uuid::new_v4(), "text": "收到" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    // Another app does not see this app's chats.
    let other = make_app(&m.app, &m.admin, json!(["messages"]), json!([])).await;
    let access = token(&m.app, &other).await;
    let foreign = wecom(&m.app, &format!("/cgi-bin/appchat/get?chatid=erp2026&access_token={access}")).await;
    assert_eq!(foreign["errcode"], 86003);
}

#[tokio::test]
async fn a_group_member_adds_a_robot_that_posts_twenty_messages_a_minute_until_removed() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let (zhangsan, lisi, wangwu) = (app.login("zhangsan").await, app.login("lisi").await, app.login("wangwu").await);
    let group = new_group(&app, &zhangsan, "发布群 Releases", &[&ids["lisi"]]).await;
    let robots = format!("/api/v1/conversations/{group}/robots");

    // Names are checked; outsiders do not learn the group exists.
    let blank = app.call(Method::POST, &robots, Some(&lisi), Some(json!({ "name": " " }))).await;
    assert_error(&blank, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let outsider = app.call(Method::POST, &robots, Some(&wangwu), Some(json!({ "name": "x" }))).await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND, "{}", outsider.body);
    assert_eq!(app.call(Method::GET, &robots, Some(&wangwu), None).await.status, StatusCode::NOT_FOUND);

    let added = app.call(Method::POST, &robots, Some(&lisi), Some(json!({ "name": "构建机器人 CI" }))).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let webhook = added.body["webhook_path"].as_str().expect("webhook").to_owned();
    assert!(webhook.starts_with("/cgi-bin/webhook/send?key="));
    let listed = app.call(Method::GET, &robots, Some(&zhangsan), None).await;
    assert_eq!(listed.body[0]["name"], "构建机器人 CI");
    assert_eq!(listed.body[0]["added_by_name"], "李四");
    assert!(listed.body[0].get("key").is_none(), "the key is shown once, when added");

    let mention = json!({ "msgtype": "text", "text": { "content": "v1.2 已发布", "mentioned_list": ["zhangsan"] } });
    assert_eq!(wecom_post(&app, &webhook, &mention.to_string()).await["errcode"], 0);
    let markdown = json!({ "msgtype": "markdown", "markdown": { "content": "**v1.2** <@lisi> 请验收" } });
    assert_eq!(wecom_post(&app, &webhook, &markdown.to_string()).await["errcode"], 0);
    let history =
        app.call(Method::GET, &format!("/api/v1/conversations/{group}/messages"), Some(&zhangsan), None).await;
    let messages = history.body["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["sender_name"], "构建机器人 CI");
    assert_eq!(messages[0]["card"]["sender"]["kind"], "robot");
    assert_eq!(messages[0]["mentions"], json!([ids["zhangsan"]]));
    assert_eq!(messages[1]["mentions"], json!([ids["lisi"]]));
    // Stored under lisi, who added it, yet unread for lisi too.
    let list = app.call(Method::GET, "/api/v1/conversations", Some(&lisi), None).await;
    let summary = list.body.as_array().expect("list").iter().find(|c| c["id"] == group.as_str()).expect("group");
    assert_eq!(summary["unread"], 2);

    let empty = json!({ "msgtype": "image", "image": { "base64": "", "md5": "" } });
    assert_eq!(wecom_post(&app, &webhook, &empty.to_string()).await["errcode"], 40009);
    let voice = json!({ "msgtype": "voice", "voice": { "media_id": "x" } });
    assert_eq!(wecom_post(&app, &webhook, &voice.to_string()).await["errcode"], 40008);
    let wrong =
        wecom_post(&app, "/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000", &mention.to_string()).await;
    assert_eq!(wrong["errcode"], 93000);

    // 20 a minute: two were posted, 18 more are taken, the next is refused.
    for n in 0..18 {
        let body = json!({ "msgtype": "text", "text": { "content": format!("第 {n} 条") } });
        assert_eq!(wecom_post(&app, &webhook, &body.to_string()).await["errcode"], 0, "message {n}");
    }
    let over = wecom_post(&app, &webhook, &mention.to_string()).await;
    assert_eq!(over["errcode"], 45009, "{over}");

    // zhangsan owns the group, so may remove it; wangwu is not in it.
    let robot = listed.body[0]["id"].as_str().expect("robot id");
    let one = format!("{robots}/{robot}");
    assert_eq!(app.call(Method::DELETE, &one, Some(&wangwu), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call(Method::DELETE, &one, Some(&zhangsan), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(wecom_post(&app, &webhook, &mention.to_string()).await["errcode"], 93000, "a removed robot's key");
    assert_eq!(app.call(Method::GET, &robots, Some(&lisi), None).await.body, json!([]));
}

#[tokio::test]
async fn only_the_adder_the_owner_or_an_administrator_removes_a_robot_and_direct_chats_have_none() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let (zhangsan, lisi, wangwu) = (app.login("zhangsan").await, app.login("lisi").await, app.login("wangwu").await);
    let group = new_group(&app, &zhangsan, "三人群", &[&ids["lisi"], &ids["wangwu"]]).await;
    let robots = format!("/api/v1/conversations/{group}/robots");
    let added = app.call(Method::POST, &robots, Some(&lisi), Some(json!({ "name": "日报 Daily" }))).await;
    let one = format!("{robots}/{}", added.body["robot"]["id"].as_str().expect("id"));
    let refused = app.call(Method::DELETE, &one, Some(&wangwu), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.body["reason"]["kind"], "owner_only", "{}", refused.body);
    assert_eq!(app.call(Method::DELETE, &one, Some(&lisi), None).await.status, StatusCode::NO_CONTENT);

    let direct = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(&zhangsan), Some(json!({ "member": ids["lisi"] })))
        .await;
    let direct = direct.body["summary"]["id"].as_str().expect("direct id").to_owned();
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{direct}/robots"),
            Some(&zhangsan),
            Some(json!({ "name": "x" })),
        )
        .await;
    assert_eq!(reply.body["reason"]["kind"], "direct_chat_fixed", "{}", reply.body);
}

/// A small PNG, base64-encoded, with its MD5 as WeCom's robots send it.
fn png_for_webhook() -> (String, String) {
    use base64::Engine as _;
    use md5::Digest as _;
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(4, 3, image::Rgb([30, 95, 191]))
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("png");
    let md5: String = md5::Md5::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    (base64::engine::general_purpose::STANDARD.encode(&bytes), md5)
}

#[tokio::test]
async fn robots_post_news_and_pictures_that_only_the_groups_members_may_fetch() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let (zhangsan, wangwu) = (app.login("zhangsan").await, app.login("wangwu").await);
    let group = new_group(&app, &zhangsan, "图片群 Pictures", &[&ids["lisi"]]).await;
    let added = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{group}/robots"),
            Some(&zhangsan),
            Some(json!({ "name": "图表机器人" })),
        )
        .await;
    let webhook = added.body["webhook_path"].as_str().expect("webhook").to_owned();

    let news = json!({ "msgtype": "news", "news": { "articles": [
        { "title": "季度报告 Q4", "description": "营收增长 12%", "url": "https://bi.example.com/q4", "picurl": "https://bi.example.com/q4.png" },
        { "title": "Roadmap", "url": "https://wiki.example.com/roadmap" },
    ] } });
    assert_eq!(wecom_post(&app, &webhook, &news.to_string()).await["errcode"], 0);
    let (png, md5) = png_for_webhook();
    let picture = json!({ "msgtype": "image", "image": { "base64": png, "md5": md5 } });
    assert_eq!(wecom_post(&app, &webhook, &picture.to_string()).await["errcode"], 0);
    for (body, errcode) in [
        (json!({ "msgtype": "image", "image": { "base64": png, "md5": "0".repeat(32) } }), 40058),
        (json!({ "msgtype": "image", "image": { "base64": "not base64!", "md5": md5 } }), 40058),
        (json!({ "msgtype": "image", "image": { "base64": "R0lGODlhAQABAAAAACw=", "md5": "x" } }), 40058),
        (json!({ "msgtype": "news", "news": { "articles": [] } }), 44004),
        (json!({ "msgtype": "news", "news": { "articles": [{ "title": "x", "url": "javascript:alert(1)" }] } }), 40058),
    ] {
        assert_eq!(wecom_post(&app, &webhook, &body.to_string()).await["errcode"], errcode, "{body}");
    }

    let history =
        app.call(Method::GET, &format!("/api/v1/conversations/{group}/messages"), Some(&zhangsan), None).await;
    let messages = history.body["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["card"]["content"]["format"], "news");
    assert_eq!(messages[0]["card"]["content"]["articles"][1]["url"], "https://wiki.example.com/roadmap");
    assert_eq!(messages[0]["text"], "季度报告 Q4\nRoadmap");
    assert_eq!(messages[1]["card"]["content"]["format"], "image");
    let attachment = &messages[1]["attachment"];
    assert_eq!(attachment["content_type"], "image/png");
    assert_eq!(attachment["width"], 4);
    let url = format!("/api/v1/attachments/{}/url", attachment["id"].as_str().expect("id"));
    assert_eq!(app.call(Method::GET, &url, Some(&zhangsan), None).await.status, StatusCode::OK);
    let outsider = app.call(Method::GET, &url, Some(&wangwu), None).await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND, "{}", outsider.body);

    // An app's message may be news too.
    let m = Messaging { app, admin, access: String::new(), agent_id: 0 };
    let integration = make_app(&m.app, &m.admin, json!(["messages"]), json!([])).await;
    let access = token(&m.app, &integration).await;
    let body = json!({ "touser": "zhangsan", "agentid": integration.agent_id, "msgtype": "news",
        "news": { "articles": [{ "title": "新版本 v2.4", "url": "https://erp.example.com/v24" }] } });
    let reply = wecom_post(&m.app, &format!("/cgi-bin/message/send?access_token={access}"), &body.to_string()).await;
    assert_eq!(reply["errcode"], 0, "{reply}");
}
