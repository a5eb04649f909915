//! App group chats: `appchat/create` makes an ordinary Weft group (owner, members, the rules of
//! any new group) remembered under the chat id the app chose; `appchat/get` shows it,
//! `appchat/update` renames it, hands it over, adds and removes members (each through the same
//! store call as the app's own group settings, in the owner's name); `appchat/send` posts the
//! app's message into it. An app sees only the chats it made. Needs the messages scope.

use super::body::WecomBody;
use super::messages::{MESSAGES, content_of};
use super::{CallingApp, WecomError, errcode, ok, query_param};
use crate::AppState;
use crate::store::{AppChat, NewAppChat, StoreError};
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;
use weft_protocol::MemberId;
use weft_protocol::chat::MAX_GROUP_NAME_CHARS;

/// WeCom's bounds on an app chat's members.
const MIN_MEMBERS: usize = 2;
const MAX_MEMBERS: usize = 2000;
const MAX_CHAT_ID_CHARS: usize = 32;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/appchat/create", post(create))
        .route("/appchat/get", get(show))
        .route("/appchat/update", post(update))
        .route("/appchat/send", post(send))
}

fn valid_chat_id(chat_id: &str) -> bool {
    !chat_id.is_empty() && chat_id.len() <= MAX_CHAT_ID_CHARS && chat_id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The userids of a list field (strings, or numbers taken as their digits).
fn userids(body: &WecomBody, key: &str) -> Vec<String> {
    let Some(Value::Array(items)) = body.0.get(key) else { return Vec::new() };
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(text) => Some(text.trim().to_owned()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        })
        .filter(|userid| !userid.is_empty())
        .collect()
}

/// The active members these userids name, or the first that names nobody active.
async fn members_named(state: &AppState, userids: Vec<String>) -> Result<Result<Vec<MemberId>, String>, WecomError> {
    Ok(state
        .db(move |store| {
            let everyone = store.wecom_members(None)?;
            let mut found = Vec::with_capacity(userids.len());
            for userid in userids {
                let active = everyone.iter().any(|m| m.status == 1 && m.userid.eq_ignore_ascii_case(&userid));
                match store.member_id_by_userid(&userid)? {
                    Some(id) if active => found.push(id),
                    _ => return Ok(Err(userid)),
                }
            }
            Ok(Ok(found))
        })
        .await?)
}

fn illegal(userid: &str) -> WecomError {
    WecomError::new(errcode::ILLEGAL_CHAT_MEMBER, format!("illegal member: {userid}"))
}

/// A refusal from the group rules in WeCom's words.
fn refused(err: StoreError) -> WecomError {
    use weft_protocol::ConversationRefusal as Refusal;
    match err {
        StoreError::Duplicate(_) => WecomError::new(errcode::CHAT_ID_EXISTS, "chatid exists"),
        StoreError::Invalid(message) => WecomError::new(errcode::INVALID_CHAT_NAME, message),
        StoreError::Refused(weft_protocol::Refusal::Conversation(refusal)) => match refusal {
            Refusal::GroupFull { .. } | Refusal::TooFewMembers => {
                WecomError::new(errcode::CHAT_MEMBER_COUNT, refusal.to_string())
            }
            Refusal::NotFound => WecomError::new(errcode::CHAT_NOT_FOUND, "chat not found"),
            other => WecomError::new(errcode::ILLEGAL_CHAT_MEMBER, other.to_string()),
        },
        other => other.into(),
    }
}

async fn chat_named(state: &AppState, app: &CallingApp, chat_id: String) -> Result<AppChat, WecomError> {
    if !valid_chat_id(&chat_id) {
        return Err(WecomError::new(errcode::INVALID_CHAT_ID, "invalid chatid"));
    }
    let agent = app.0.agent_id;
    state
        .db(move |store| store.app_chat(agent, &chat_id))
        .await?
        .ok_or_else(|| WecomError::new(errcode::CHAT_NOT_FOUND, "chat not found"))
}

async fn create(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&MESSAGES)?;
    let chat_id = body.text("chatid").map(|id| id.trim().to_owned()).filter(|id| !id.is_empty());
    let chat_id = match chat_id {
        Some(id) if valid_chat_id(&id) => id,
        Some(_) => return Err(WecomError::new(errcode::INVALID_CHAT_ID, "invalid chatid")),
        None => Uuid::new_v4().simple().to_string(),
    };
    let listed = userids(&body, "userlist");
    let mut unique = listed.clone();
    unique.sort_by_key(|userid| userid.to_lowercase());
    unique.dedup_by_key(|userid| userid.to_lowercase());
    if !(MIN_MEMBERS..=MAX_MEMBERS).contains(&unique.len()) {
        return Err(WecomError::new(errcode::CHAT_MEMBER_COUNT, "member count out of range: 2 to 2000"));
    }
    let owner_userid = body.text("owner").map(|o| o.trim().to_owned()).filter(|o| !o.is_empty());
    if let Some(owner) = &owner_userid
        && !listed.iter().any(|userid| userid.eq_ignore_ascii_case(owner))
    {
        return Err(WecomError::new(errcode::OWNER_NOT_IN_LIST, "owner not in userlist"));
    }
    let members = members_named(&state, listed.clone()).await?.map_err(|userid| illegal(&userid))?;
    let owner_index = owner_userid
        .as_ref()
        .and_then(|owner| listed.iter().position(|userid| userid.eq_ignore_ascii_case(owner)))
        .unwrap_or(0);
    let owner = members[owner_index];
    let name = match body.text("name").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
        Some(name) if name.chars().count() > MAX_GROUP_NAME_CHARS => {
            return Err(WecomError::new(errcode::INVALID_CHAT_NAME, "invalid chat name: too long"));
        }
        Some(name) => name,
        None => {
            let first = members.iter().take(3).copied().collect::<Vec<_>>();
            let names = state.db(move |store| store.wecom_names(&first)).await?;
            names.into_iter().map(|(_, _, name)| name).collect::<Vec<_>>().join("、")
        }
    };
    let (agent_id, limits, now) = (app.0.agent_id, state.limits(), state.clock.now());
    let stored_id = chat_id.clone();
    let outcome = state
        .db(move |store| {
            let chat = NewAppChat { agent_id, chat_id: &stored_id, name: &name, owner, members: &members };
            Ok(store.create_app_chat(&chat, limits, now))
        })
        .await?;
    state.hub.changed(outcome.map_err(refused)?);
    Ok(ok(json!({ "chatid": chat_id })))
}

async fn show(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&MESSAGES)?;
    let chat = chat_named(&state, &app, query_param(query.as_deref(), "chatid").unwrap_or_default()).await?;
    let mut everyone = chat.members.clone();
    everyone.push(chat.owner);
    let names = state.db(move |store| store.wecom_names(&everyone)).await?;
    let userid_of =
        |member: MemberId| names.iter().find(|(id, _, _)| *id == member).map(|(_, userid, _)| userid.clone());
    let userlist: Vec<String> = chat.members.iter().filter_map(|m| userid_of(*m)).collect();
    Ok(ok(json!({ "chat_info": {
        "chatid": chat.chat_id,
        "name": chat.name,
        "owner": userid_of(chat.owner).unwrap_or_default(),
        "userlist": userlist,
        "chat_type": 0,
    }})))
}

async fn update(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&MESSAGES)?;
    let chat = chat_named(&state, &app, body.text("chatid").unwrap_or_default()).await?;
    let adding = members_named(&state, userids(&body, "add_user_list")).await?.map_err(|userid| illegal(&userid))?;
    let removing = members_named(&state, userids(&body, "del_user_list")).await?.map_err(|userid| illegal(&userid))?;
    let new_owner = match body.text("owner").map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()) {
        Some(owner) => Some(
            members_named(&state, vec![owner])
                .await?
                .map_err(|_| WecomError::new(errcode::INVALID_CHAT_OWNER, "invalid owner"))?[0],
        ),
        None => None,
    };
    let name = body.text("name").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let (conversation, limits, now) = (chat.conversation, state.limits(), state.clock.now());
    let owner = chat.owner;
    let outcome = state
        .db(move |store| {
            let steps = || -> crate::store::StoreResult<Vec<MemberId>> {
                let mut woken = Vec::new();
                let mut acting = owner;
                if !adding.is_empty() {
                    woken.extend(store.add_members(conversation, acting, &adding, limits, now)?);
                }
                if let Some(new_owner) = new_owner.filter(|new_owner| *new_owner != owner) {
                    woken.extend(store.transfer_owner(conversation, acting, new_owner, now)?);
                    acting = new_owner;
                }
                for member in &removing {
                    woken.extend(store.remove_member(conversation, acting, *member, now)?);
                }
                if let Some(name) = &name {
                    woken.extend(store.rename_group(conversation, acting, name, now)?);
                }
                Ok(woken)
            };
            Ok(steps())
        })
        .await?;
    let mut woken = outcome.map_err(refused)?;
    woken.sort();
    woken.dedup();
    state.hub.changed(woken);
    Ok(ok(json!({})))
}

async fn send(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&MESSAGES)?;
    let content = content_of(&body)?;
    let chat = chat_named(&state, &app, body.text("chatid").unwrap_or_default()).await?;
    let (calling, now) = (app.0.clone(), state.clock.now());
    let woken = state.db(move |store| store.post_to_app_chat(&calling, &chat, &content, now)).await?;
    state.hub.changed(woken);
    Ok(ok(json!({})))
}
