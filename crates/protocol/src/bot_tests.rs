use super::*;

fn plain(text: &str) -> Span {
    Span { text: text.into(), ..Span::default() }
}

#[test]
fn headings_quotes_and_paragraphs_are_told_apart_and_blank_lines_dropped() {
    let blocks = markdown_blocks("# 周报 Weekly\n\n> 已完成 done\n普通一行\n####### seven is text\n#nospace");
    let kinds: Vec<BlockKind> = blocks.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        vec![BlockKind::Heading(1), BlockKind::Quote, BlockKind::Paragraph, BlockKind::Paragraph, BlockKind::Paragraph]
    );
    assert_eq!(blocks[0].spans, vec![plain("周报 Weekly")]);
    assert_eq!(blocks[1].spans, vec![plain("已完成 done")]);
    assert_eq!(blocks[3].spans, vec![plain("####### seven is text")]);
}

#[test]
fn bold_code_colour_and_mentions_become_runs() {
    let blocks = markdown_blocks(
        "订单 **#1024** 状态 <font color=\"warning\">逾期</font> `ERP-7` <@lisi> <font color=\"pink\">x",
    );
    let spans = &blocks[0].spans;
    assert_eq!(spans[0], plain("订单 "));
    assert_eq!(spans[1], Span { text: "#1024".into(), bold: true, ..Span::default() });
    assert_eq!(spans[2], plain(" 状态 "));
    assert_eq!(spans[3], Span { text: "逾期".into(), tone: Some(Tone::Warning), ..Span::default() });
    assert_eq!(spans[4], plain(" "));
    assert_eq!(spans[5], Span { text: "ERP-7".into(), code: true, ..Span::default() });
    // An unknown colour stays literal text, the mention reads as @userid.
    assert_eq!(spans[6], plain(" @lisi <font color=\"pink\">x"));
}

#[test]
fn only_web_addresses_become_links() {
    let blocks = markdown_blocks("[查看 View](https://erp.example.com/o/1) [bad](javascript:alert(1)) [x] y");
    let spans = &blocks[0].spans;
    assert_eq!(spans[0].link.as_deref(), Some("https://erp.example.com/o/1"));
    assert_eq!(spans[0].text, "查看 View");
    assert_eq!(spans[2].text, "bad");
    assert_eq!(spans[2].link, None, "a javascript: address is never a link");
    assert!(spans.iter().all(|s| !s.text.contains("javascript") || s.link.is_none()));
    assert_eq!(spans.last().map(|s| s.text.as_str()), Some(") [x] y"));
}

#[test]
fn script_in_markdown_stays_text() {
    let blocks = markdown_blocks("<script>alert(1)</script><img src=x onerror=alert(1)>");
    assert_eq!(blocks[0].spans, vec![plain("<script>alert(1)</script><img src=x onerror=alert(1)>")]);
}

#[test]
fn plain_text_stands_in_for_each_format() {
    let app = BotSender::App { agent_id: 1_000_002, name: "ERP".into() };
    let markdown = BotMessage {
        sender: app.clone(),
        content: BotContent::Markdown { content: "## 审批 **通过**\n> 金额 `300`".into() },
    };
    assert_eq!(markdown.plain_text(), "审批 通过\n金额 300");
    let card = BotMessage {
        sender: app,
        content: BotContent::TextCard {
            title: "领奖通知".into(),
            description: "<div class=\"gray\">2016年9月26日</div> <div class=\"normal\">恭喜你抽中iPhone 7</div>"
                .into(),
            url: "https://example.com".into(),
            button: "详情".into(),
        },
    };
    assert_eq!(card.plain_text(), "领奖通知\n2016年9月26日\n恭喜你抽中iPhone 7");
    assert_eq!(card.sender.name(), "ERP");
}

#[test]
fn web_urls_are_http_or_https_only() {
    assert!(is_web_url("https://a.example/x"));
    assert!(is_web_url("HTTP://a.example"));
    assert!(!is_web_url("javascript:alert(1)"));
    assert!(!is_web_url("data:text/html,hi"));
    assert!(!is_web_url("https://a.example/\nx"));
}

#[test]
fn robot_names_are_checked() {
    assert!(validate_robot_name("  ").is_err());
    assert!(validate_robot_name(&"名".repeat(MAX_ROBOT_NAME_CHARS + 1)).is_err());
    assert!(validate_robot_name("构建机器人 CI").is_ok());
}

#[test]
fn a_bot_message_is_nobodys_own() {
    use crate::chat::{Message, MessageCard};
    use crate::{ClientId, ConversationId, MemberId, MessageId};
    let me = MemberId(uuid::Uuid::from_u128(1));
    let mut message = Message {
        id: MessageId(uuid::Uuid::from_u128(2)),
        conversation_id: ConversationId(uuid::Uuid::from_u128(3)),
        seq: 1,
        sender_id: me,
        sender_name: "ERP".into(),
        client_id: ClientId(uuid::Uuid::from_u128(4)),
        text: "hi".into(),
        sent_at: 0,
        recalled: false,
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment: None,
        card: None,
        expires_at: None,
    };
    assert!(message.sent_by(me));
    message.card = Some(MessageCard::Bot(BotMessage {
        sender: BotSender::Robot { name: "CI".into() },
        content: BotContent::Text { content: "hi".into() },
    }));
    assert!(!message.sent_by(me));
}
