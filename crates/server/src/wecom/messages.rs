//! Application messages: `message/send` delivers an app's text, markdown or text card to members
//! (`touser` userids joined by `|`, or `@all`; `toparty` departments with everything under them;
//! `totag`, which Weft has no tags for). Each recipient finds it in their read-only conversation
//! with the app, live and offline-synced like any message. Unknown or disabled recipients are
//! answered in `invaliduser` / `invalidparty` / `invalidtag` while the rest still receive it.
//! Reading a message's content is shared with `appchat/send`.

use super::body::WecomBody;
use super::directory::subtree;
use super::{CallingApp, WecomError, errcode, ok};
use crate::AppState;
use crate::store::Store;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use weft_protocol::MemberId;
use weft_protocol::bot::{
    BotContent, MAX_CARD_DESCRIPTION_BYTES, MAX_CARD_TITLE_BYTES, MAX_CONTENT_BYTES, MAX_NEWS_ARTICLES, NewsArticle,
    is_web_url,
};
use weft_protocol::integration::IntegrationScope;

/// The scope sending needs.
pub const MESSAGES: [IntegrationScope; 1] = [IntegrationScope::Messages];

/// WeCom's text card button when none is named.
const DEFAULT_BUTTON: &str = "详情";

pub fn router() -> Router<AppState> {
    Router::new().route("/message/send", post(send))
}

/// The content of a message body (`msgtype` and the object named by it), checked against
/// WeCom's limits.
pub fn content_of(body: &WecomBody) -> Result<BotContent, WecomError> {
    let kind = body.text("msgtype").unwrap_or_default();
    let part = |key: &str| body.0.get(&kind).and_then(|object| object.get(key)).and_then(Value::as_str).unwrap_or("");
    let checked = |text: &str, limit: usize, what: &str| -> Result<String, WecomError> {
        if text.trim().is_empty() {
            return Err(WecomError::new(errcode::EMPTY_CONTENT, format!("empty content: {what}")));
        }
        if text.len() > limit {
            return Err(WecomError::new(
                errcode::CONTENT_TOO_LONG,
                format!("content size out of limit: {what} is at most {limit} bytes"),
            ));
        }
        Ok(text.to_owned())
    };
    match kind.as_str() {
        "text" => Ok(BotContent::Text { content: checked(part("content"), MAX_CONTENT_BYTES, "text.content")? }),
        "markdown" => {
            Ok(BotContent::Markdown { content: checked(part("content"), MAX_CONTENT_BYTES, "markdown.content")? })
        }
        "textcard" => {
            let url = part("url").trim().to_owned();
            if !is_web_url(&url) {
                return Err(WecomError::new(errcode::INVALID_PARAMETER, "invalid parameter: textcard.url"));
            }
            let button = part("btntxt").trim();
            Ok(BotContent::TextCard {
                title: checked(part("title"), MAX_CARD_TITLE_BYTES, "textcard.title")?,
                description: checked(part("description"), MAX_CARD_DESCRIPTION_BYTES, "textcard.description")?,
                url,
                button: if button.is_empty() { DEFAULT_BUTTON.to_owned() } else { button.chars().take(8).collect() },
            })
        }
        "news" => news_of(body.0.get("news")),
        _ => Err(WecomError::new(errcode::INVALID_MESSAGE_TYPE, format!("invalid message type: {kind}"))),
    }
}

/// A news message's articles (`{"articles": [{title, description, url, picurl}]}`): one to
/// eight, each with a title and a web address; pictures are not fetched from elsewhere.
pub fn news_of(object: Option<&Value>) -> Result<BotContent, WecomError> {
    let items = object.and_then(|o| o.get("articles")).and_then(Value::as_array).cloned().unwrap_or_default();
    if items.is_empty() {
        return Err(WecomError::new(errcode::EMPTY_CONTENT, "empty content: news.articles"));
    }
    if items.len() > MAX_NEWS_ARTICLES {
        return Err(WecomError::new(errcode::INVALID_PARAMETER, "invalid parameter: at most 8 news.articles"));
    }
    let text = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).unwrap_or("").trim().to_owned();
    let mut articles = Vec::with_capacity(items.len());
    for item in &items {
        let (title, description, url) = (text(item, "title"), text(item, "description"), text(item, "url"));
        if title.is_empty() || title.len() > MAX_CARD_TITLE_BYTES {
            return Err(WecomError::new(errcode::INVALID_PARAMETER, "invalid parameter: news.articles.title"));
        }
        if description.len() > MAX_CARD_DESCRIPTION_BYTES {
            return Err(WecomError::new(
                errcode::CONTENT_TOO_LONG,
                "content size out of limit: news.articles.description",
            ));
        }
        if !is_web_url(&url) {
            return Err(WecomError::new(errcode::INVALID_PARAMETER, "invalid parameter: news.articles.url"));
        }
        articles.push(NewsArticle { title, description, url });
    }
    Ok(BotContent::News { articles })
}

/// The `|`-joined entries of a recipient field (blank ones dropped).
fn entries(body: &WecomBody, key: &str) -> Vec<String> {
    body.text(key)
        .unwrap_or_default()
        .split('|')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Who a message reaches, and the entries that named nobody.
#[derive(Debug, Default)]
struct Resolved {
    members: BTreeSet<MemberId>,
    invalid_users: Vec<String>,
    invalid_parties: Vec<String>,
}

/// Active members named by userid, by `@all`, or by department (with the departments under it).
fn resolve(store: &dyn Store, users: &[String], parties: &[String]) -> StoreResult<Resolved> {
    let mut resolved = Resolved::default();
    let everyone = store.wecom_members(None)?;
    let active = |userid: &str| everyone.iter().any(|m| m.status == 1 && m.userid.eq_ignore_ascii_case(userid));
    let mut named: Vec<String> = Vec::new();
    if users.iter().any(|user| user == "@all") {
        named.extend(everyone.iter().filter(|m| m.status == 1).map(|m| m.userid.clone()));
    } else {
        for user in users {
            if active(user) {
                named.push(user.clone());
            } else {
                resolved.invalid_users.push(user.clone());
            }
        }
        let departments = store.wecom_departments()?;
        for party in parties {
            let found = party.parse::<i64>().ok().and_then(|id| subtree(departments.clone(), Some(id)).ok());
            let Some(found) = found else {
                resolved.invalid_parties.push(party.clone());
                continue;
            };
            let ids: Vec<i64> = found.iter().map(|d| d.id).collect();
            named.extend(
                everyone
                    .iter()
                    .filter(|m| m.status == 1 && m.departments.iter().any(|d| ids.contains(d)))
                    .map(|m| m.userid.clone()),
            );
        }
    }
    for userid in named {
        if let Some(id) = store.member_id_by_userid(&userid)? {
            resolved.members.insert(id);
        }
    }
    Ok(resolved)
}

type StoreResult<T> = crate::store::StoreResult<T>;

async fn send(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&MESSAGES)?;
    match body.int("agentid")? {
        Some(agent) if agent == i64::from(app.0.agent_id) => {}
        _ => return Err(WecomError::new(errcode::INVALID_AGENT_ID, "invalid agentid")),
    }
    let content = content_of(&body)?;
    let (users, parties, tags) = (entries(&body, "touser"), entries(&body, "toparty"), entries(&body, "totag"));
    if users.is_empty() && parties.is_empty() && tags.is_empty() {
        return Err(WecomError::new(errcode::NO_RECIPIENTS, "touser, toparty and totag are all empty"));
    }
    let resolved = state.db(move |store| resolve(store, &users, &parties)).await?;
    let answer = json!({
        "invaliduser": resolved.invalid_users.join("|"),
        "invalidparty": resolved.invalid_parties.join("|"),
        // Weft has no tags: every tag named is unknown.
        "invalidtag": tags.join("|"),
    });
    if resolved.members.is_empty() {
        let Json(mut refused) = ok(answer);
        refused["errcode"] = json!(errcode::ALL_RECIPIENTS_INVALID);
        refused["errmsg"] = json!("all touser & toparty & totag invalid");
        return Ok(Json(refused));
    }
    let recipients: Vec<MemberId> = resolved.members.into_iter().collect();
    let now = state.clock.now();
    let calling = app.0.clone();
    let woken = state.db(move |store| store.post_app_message(&calling, &recipients, &content, now)).await?;
    state.hub.changed(woken);
    let mut answer = answer;
    answer["msgid"] = json!(format!("{}-{now}", app.0.agent_id));
    Ok(ok(answer))
}
