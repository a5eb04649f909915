//! Group robots' webhook, `POST /cgi-bin/webhook/send?key=KEY`: the key is the only credential.
//! Text (with `mentioned_list` userids or `@all`, and `mentioned_mobile_list`), markdown
//! (`<@userid>` mentions), news (linked articles) and images (base64 with their MD5, JPEG or PNG,
//! at most 2 MiB; kept as an attachment of the group) appear in the robot's group, at most 20 a
//! minute per robot.

use super::body::WecomBody;
use super::{WecomError, errcode, ok, query_param};
use crate::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::routing::post;
use serde_json::{Value, json};
use weft_protocol::MemberId;
use weft_protocol::bot::{BotContent, MAX_CONTENT_BYTES, MAX_ROBOT_IMAGE_BYTES, MAX_ROBOT_TEXT_BYTES};

/// Bodies may carry a 2 MiB picture in base64.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/webhook/send", post(send)).layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A picture's bytes from `base64`, checked against its `md5`, its size and its kind.
fn picture(encoded: &str, md5_hex: &str) -> Result<Vec<u8>, WecomError> {
    use base64::Engine as _;
    use md5::Digest as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| WecomError::new(errcode::INVALID_PARAMETER, "invalid parameter: image.base64"))?;
    if bytes.is_empty() || bytes.len() > MAX_ROBOT_IMAGE_BYTES {
        return Err(WecomError::new(errcode::INVALID_IMAGE_SIZE, "invalid image size: 1 byte to 2 MiB"));
    }
    let digest = md5::Md5::digest(&bytes);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    if !hex.eq_ignore_ascii_case(md5_hex.trim()) {
        return Err(WecomError::new(errcode::INVALID_PARAMETER, "invalid parameter: image.md5 does not match"));
    }
    if !matches!(crate::blobs::sniff_content_type(&bytes), "image/png" | "image/jpeg") {
        return Err(WecomError::new(errcode::INVALID_FILE_TYPE, "invalid file type: a JPEG or PNG picture"));
    }
    Ok(bytes)
}

/// The strings of a list inside the message object.
fn strings(object: Option<&Value>, key: &str) -> Vec<String> {
    let Some(Value::Array(items)) = object.and_then(|o| o.get(key)) else { return Vec::new() };
    items.iter().filter_map(Value::as_str).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

/// The `<@userid>` mentions inside markdown.
fn markdown_mentions(content: &str) -> Vec<String> {
    content
        .split("<@")
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(userid, _)| userid.trim().to_owned()))
        .filter(|userid| !userid.is_empty())
        .collect()
}

fn checked(text: &str, limit: usize) -> Result<String, WecomError> {
    if text.trim().is_empty() {
        return Err(WecomError::new(errcode::EMPTY_CONTENT, "empty content"));
    }
    if text.len() > limit {
        return Err(WecomError::new(
            errcode::CONTENT_TOO_LONG,
            format!("content size out of limit: at most {limit} bytes"),
        ));
    }
    Ok(text.to_owned())
}

async fn send(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    body: WecomBody,
) -> Result<Json<Value>, WecomError> {
    let key = query_param(query.as_deref(), "key").unwrap_or_default();
    let invalid_key = || WecomError::new(errcode::INVALID_ROBOT_KEY, "invalid webhook url: the key names no robot");
    if key.trim().is_empty() {
        return Err(invalid_key());
    }
    let hash = crate::auth::hash_token(key.trim());
    let robot = state.db(move |store| store.robot_by_key(&hash)).await?.ok_or_else(invalid_key)?;
    let kind = body.text("msgtype").unwrap_or_default();
    let object = body.0.get(&kind);
    let text_of = |key: &str| object.and_then(|o| o.get(key)).and_then(Value::as_str).unwrap_or("");
    let mut image = None;
    let (content, userids, mobiles) = match kind.as_str() {
        "text" => (
            BotContent::Text { content: checked(text_of("content"), MAX_CONTENT_BYTES)? },
            strings(object, "mentioned_list"),
            strings(object, "mentioned_mobile_list"),
        ),
        "markdown" => {
            let content = checked(text_of("content"), MAX_ROBOT_TEXT_BYTES)?;
            let mentions = markdown_mentions(&content);
            (BotContent::Markdown { content }, mentions, Vec::new())
        }
        "news" => (super::messages::news_of(object)?, Vec::new(), Vec::new()),
        "image" => {
            image = Some(picture(text_of("base64"), text_of("md5"))?);
            (BotContent::Image, Vec::new(), Vec::new())
        }
        _ => {
            return Err(WecomError::new(
                errcode::INVALID_MESSAGE_TYPE,
                format!("invalid message type: {kind} (robots here post text, markdown, news and image)"),
            ));
        }
    };
    let now = state.clock.now();
    if let Err(wait_ms) = state.robots.take(robot.id, now) {
        return Err(WecomError::new(
            errcode::FREQUENCY_LIMIT,
            format!("api freq out of limit: 20 messages a minute per robot, next in {} s", (wait_ms + 999) / 1000),
        ));
    }
    let mention_all = userids.iter().chain(&mobiles).any(|entry| entry == "@all");
    let attachment = match image {
        Some(bytes) => {
            let file_name = format!("robot-{}.{}", now, if bytes.starts_with(b"\x89PNG") { "png" } else { "jpg" });
            let client = weft_protocol::ClientId(uuid::Uuid::now_v7());
            let kept = crate::routes::attachments::keep_file(&state, robot.added_by, client, file_name, bytes.into())
                .await
                .map_err(WecomError::from)?;
            Some(kept.id)
        }
        None => None,
    };
    let woken = state
        .db(move |store| {
            let everyone = store.wecom_members(None)?;
            let mut mentioned: Vec<MemberId> = Vec::new();
            for member in &everyone {
                let named = userids.iter().any(|u| u.eq_ignore_ascii_case(&member.userid))
                    || (!member.mobile.is_empty() && mobiles.contains(&member.mobile));
                if named && let Some(id) = store.member_id_by_userid(&member.userid)? {
                    mentioned.push(id);
                }
            }
            store.post_robot_message(&robot, &content, &mentioned, mention_all, attachment, now)
        })
        .await?;
    state.hub.changed(woken);
    Ok(ok(json!({})))
}
