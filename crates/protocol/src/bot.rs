//! Messages that integration apps and group robots post: who posted them, what they say (text,
//! WeCom's markdown subset, a text card), the limits WeCom sets on each, and the markdown subset
//! read into blocks the app renders without ever handing it HTML.

use serde::{Deserialize, Serialize};

/// Largest text or markdown content an app may send (WeCom's limit), in bytes of UTF-8.
pub const MAX_CONTENT_BYTES: usize = 2048;
/// Largest text card title, in bytes.
pub const MAX_CARD_TITLE_BYTES: usize = 128;
/// Largest text card description, in bytes.
pub const MAX_CARD_DESCRIPTION_BYTES: usize = 512;
/// Largest robot text (robots may say more than apps), in bytes.
pub const MAX_ROBOT_TEXT_BYTES: usize = 4096;
/// Messages one robot may post per minute.
pub const ROBOT_MESSAGES_PER_MINUTE: u32 = 20;
/// Longest robot name, in characters.
pub const MAX_ROBOT_NAME_CHARS: usize = 40;

/// Who posted a bot message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BotSender {
    /// An integration app (`message/send`, `appchat/send`).
    App { agent_id: u32, name: String },
    /// A group robot (`webhook/send`).
    Robot { name: String },
}

impl BotSender {
    pub fn name(&self) -> &str {
        match self {
            BotSender::App { name, .. } | BotSender::Robot { name } => name,
        }
    }
}

/// What a bot message says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum BotContent {
    Text {
        content: String,
    },
    /// WeCom's markdown subset (see [`markdown_blocks`]).
    Markdown {
        content: String,
    },
    /// A title, a description and a button that opens `url`.
    TextCard {
        title: String,
        description: String,
        url: String,
        button: String,
    },
    /// Up to [`MAX_NEWS_ARTICLES`] linked articles (WeCom's `news`; their pictures are not
    /// fetched from elsewhere).
    News {
        articles: Vec<NewsArticle>,
    },
    /// A picture a robot posted; the message's attachment holds it.
    Image,
}

/// One article of a news message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewsArticle {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub url: String,
}

/// Most articles one news message carries (WeCom's limit).
pub const MAX_NEWS_ARTICLES: usize = 8;
/// Largest picture a robot may post, in bytes (WeCom's limit).
pub const MAX_ROBOT_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// A message an integration app or a robot posted (the card of a [`crate::chat::Message`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BotMessage {
    pub sender: BotSender,
    pub content: BotContent,
}

impl BotMessage {
    /// The plain text that stands in for it in previews, notifications and search.
    pub fn plain_text(&self) -> String {
        match &self.content {
            BotContent::Text { content } => content.clone(),
            BotContent::Markdown { content } => markdown_blocks(content)
                .iter()
                .map(|block| block.spans.iter().map(|span| span.text.as_str()).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n"),
            BotContent::TextCard { title, description, .. } => {
                format!("{title}\n{}", strip_tags(description))
            }
            BotContent::News { articles } => {
                articles.iter().map(|article| article.title.as_str()).collect::<Vec<_>>().join("\n")
            }
            BotContent::Image => "[图片 Image]".to_owned(),
        }
    }
}

/// Only web addresses open from a card or a link; anything else (`javascript:`, `data:`) is text.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && !url.chars().any(char::is_control)
}

/// A text card description without WeCom's `<div class="gray">` lines' tags: one line per div.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let tag = &rest[open + 1..open + close];
        if tag.starts_with("/div") || tag.starts_with("br") {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n")
}

/// How a markdown line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `#` to `######`.
    Heading(u8),
    /// `> `.
    Quote,
    Paragraph,
}

/// WeCom's three font colours: green, grey, orange-red.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Comment,
    Warning,
}

/// A run of text with one look.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub code: bool,
    /// A web address this run links to.
    pub link: Option<String>,
    pub tone: Option<Tone>,
}

/// One line of markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub spans: Vec<Span>,
}

/// Reads WeCom's markdown subset: headings, `> ` quotes, `**bold**`, `` `code` ``,
/// `[text](https://…)` links, `<font color="info|comment|warning">` and `<@userid>` mentions
/// (shown as `@userid`). Everything else stays literal text; blank lines are dropped.
pub fn markdown_blocks(source: &str) -> Vec<Block> {
    source
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let trimmed = line.trim_start();
            let hashes = trimmed.chars().take_while(|c| *c == '#').count();
            let (kind, rest) = if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
                (BlockKind::Heading(hashes as u8), trimmed[hashes..].trim_start())
            } else if let Some(quoted) = trimmed.strip_prefix('>') {
                (BlockKind::Quote, quoted.trim_start())
            } else {
                (BlockKind::Paragraph, line)
            };
            Block { kind, spans: inline_spans(rest) }
        })
        .collect()
}

/// The runs of one line.
fn inline_spans(line: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut look = Span::default();
    let mut text = String::new();
    let mut rest = line;
    let flush = |text: &mut String, look: &Span, spans: &mut Vec<Span>| {
        if !text.is_empty() {
            spans.push(Span { text: std::mem::take(text), ..look.clone() });
        }
    };
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**") {
            flush(&mut text, &look, &mut spans);
            look.bold = !look.bold;
            rest = after;
        } else if let Some((code, after)) = rest.strip_prefix('`').and_then(|r| r.split_once('`')) {
            flush(&mut text, &look, &mut spans);
            spans.push(Span { text: code.to_owned(), code: true, ..look.clone() });
            rest = after;
        } else if let Some((label, url, after)) = link_at(rest) {
            flush(&mut text, &look, &mut spans);
            let link = is_web_url(url).then(|| url.to_owned());
            spans.push(Span { text: label.to_owned(), link, ..look.clone() });
            rest = after;
        } else if let Some((tone, after)) = font_open_at(rest) {
            flush(&mut text, &look, &mut spans);
            look.tone = Some(tone);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</font>") {
            flush(&mut text, &look, &mut spans);
            look.tone = None;
            rest = after;
        } else if let Some((userid, after)) = rest.strip_prefix("<@").and_then(|r| r.split_once('>')) {
            text.push('@');
            text.push_str(userid);
            rest = after;
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    flush(&mut text, &look, &mut spans);
    spans
}

/// `[label](url)` at the start of `text`: the label, the address and what follows.
fn link_at(text: &str) -> Option<(&str, &str, &str)> {
    let inner = text.strip_prefix('[')?;
    let (label, after_label) = inner.split_once("](")?;
    if label.contains(']') {
        return None;
    }
    let (url, after) = after_label.split_once(')')?;
    Some((label, url.trim(), after))
}

/// `<font color="…">` at the start of `text`.
fn font_open_at(text: &str) -> Option<(Tone, &str)> {
    let inner = text.strip_prefix("<font color=")?;
    let (value, after) = inner.split_once('>')?;
    let tone = match value.trim_matches(|c| c == '"' || c == '\'') {
        "info" => Tone::Info,
        "comment" => Tone::Comment,
        "warning" => Tone::Warning,
        _ => return None,
    };
    Some((tone, after))
}

/// Adding a robot to a group (`POST /api/v1/conversations/{id}/robots`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRobot {
    pub name: String,
}

/// A group's robot as its members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Robot {
    pub id: crate::ids::RobotId,
    pub name: String,
    pub added_by: crate::MemberId,
    pub added_by_name: String,
    pub added_at: crate::Millis,
}

/// A robot just added: its webhook address (with its key), shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddedRobot {
    pub robot: Robot,
    /// `/cgi-bin/webhook/send?key=…`, relative to the server's address.
    pub webhook_path: String,
}

/// Checks a robot's name: not blank, at most [`MAX_ROBOT_NAME_CHARS`] characters.
pub fn validate_robot_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err("name: a robot needs a name".into());
    }
    if trimmed.chars().count() > MAX_ROBOT_NAME_CHARS {
        return Err(format!("name: at most {MAX_ROBOT_NAME_CHARS} characters"));
    }
    Ok(())
}

#[cfg(test)]
#[path = "bot_tests.rs"]
mod tests;
