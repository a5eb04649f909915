//! The live WebSocket: authenticate with the first frame (carrying the device's cursor), receive
//! the changes after that cursor, then every new change of the member's feed as it happens, until
//! the session ends or the socket closes. New messages arrive in the socket's inbox rendered once
//! for their audience (`hub::RenderedMessage`) and are sent as they are when the socket provably
//! missed nothing; otherwise, and for every other change, it pulls its member's feed from its cursor.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::authenticate;
use crate::hub::{Delivery, FeedTail, HubEvent};
use crate::store::TokenStatus;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::MemberId;
use weft_protocol::live::{ClientFrame, ServerFrame};
use weft_protocol::sync::MAX_PULL;

/// How long a new socket may take to send its auth frame.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 16 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upgrade))
}

const TAG: &str = "sync";

/// The live socket: a WebSocket (`GET` with `Upgrade: websocket`) delivering the caller's change
/// feed as it happens. It takes no `Authorization` header: the first frame, within 10 seconds,
/// must be the JSON text `{"type": "auth", "token": ..., "cursor": ...}` (`cursor` optional:
/// changes after it are sent first). The server answers `{"type": "ready", "member_id": ...}`,
/// then `{"type": "changes", "changes": [...], "cursor": ...}` frames; the client may send
/// `{"type": "ping"}` (answered `{"type": "pong"}`), and `{"type": "session_ended"}` comes before
/// the socket closes for good. Client frames are at most 16 KiB. Any other close: reconnect with
/// the last cursor. A request that is not a WebSocket upgrade answers 400.
#[utoipa::path(get, path = "/live", tag = TAG, security(()),
    responses((status = 101, description = "Switching to the WebSocket protocol (JSON text frames as described above)")))]
async fn upgrade(
    State(state): State<AppState>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let ws = ws.map_err(|rejection| {
        ApiError::bad_request(format!("this route takes a WebSocket upgrade: {}", rejection.body_text()))
    })?;
    Ok(ws.max_message_size(MAX_CLIENT_FRAME).on_upgrade(move |socket| serve(state, socket)))
}

fn encode(frame: &ServerFrame) -> WsMessage {
    WsMessage::Text(serde_json::to_string(frame).unwrap_or_default().into())
}

/// Sends the member's changes after the tail's cursor in pages; returns the new tail (its head is
/// the feed position the last page was read at), or `None` when the socket is gone or the store
/// failed (the socket then closes and the client reconnects).
async fn send_changes(state: &AppState, socket: &mut WebSocket, member: MemberId, tail: FeedTail) -> Option<FeedTail> {
    let mut cursor = tail.cursor;
    loop {
        let (page, head) = state.db(move |store| store.pull_with_head(member, cursor, MAX_PULL)).await.ok()?;
        let has_more = page.has_more;
        if page.cursor != cursor {
            cursor = page.cursor;
            if !page.changes.is_empty() {
                let frame = ServerFrame::Changes { changes: page.changes, cursor };
                socket.send(encode(&frame)).await.ok()?;
            }
        }
        if !has_more {
            // Everything of the member's feed up to the page's head (and its cursor) is sent.
            return Some(FeedTail { cursor, head: Some(head.max(cursor)) });
        }
    }
}

async fn serve(state: AppState, mut socket: WebSocket) {
    // Subscribe before authenticating so nothing published meanwhile is missed.
    let mut events = state.hub.subscribe();
    let first = tokio::time::timeout(AUTH_TIMEOUT, socket.recv()).await;
    let (token, cursor) = match first {
        Ok(Some(Ok(WsMessage::Text(text)))) => match serde_json::from_str::<ClientFrame>(&text) {
            Ok(ClientFrame::Auth { token, cursor }) => (token, cursor),
            _ => return,
        },
        _ => return,
    };
    let user = match authenticate(&state, &token).await {
        Ok(Some(user)) => user,
        // Only a token the server knows to be invalid ends the session (the app then wipes its
        // copy); a failure on our side just closes the socket and the app reconnects later.
        Ok(None) => {
            let _ = socket.send(encode(&ServerFrame::SessionEnded)).await;
            return;
        }
        Err(_) => return,
    };
    // Registered before the feed is read, so every message committed after that read arrives.
    let mut inbox = state.hub.register(user.member_id);
    if socket.send(encode(&ServerFrame::Ready { member_id: user.member_id })).await.is_err() {
        return;
    }
    // Catch up from the client's cursor; without one, start at the present.
    let mut tail = match cursor {
        Some(cursor) => {
            match send_changes(&state, &mut socket, user.member_id, FeedTail { cursor, head: None }).await {
                Some(tail) => tail,
                None => return,
            }
        }
        None => match state.db(|store| store.current_position()).await {
            Ok(position) => FeedTail { cursor: position, head: Some(position) },
            Err(_) => return,
        },
    };
    // An open socket does not keep its session alive: the session may end by its idle time or
    // lifetime (or a wipe request) with no other event; look again every so often.
    let every = state.session_recheck;
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            _ = recheck.tick() => {
                let (session, now) = (user.session_id, state.clock.now());
                match state.db(move |store| store.session_status(session, now)).await {
                    Ok(TokenStatus::Admitted(_)) | Err(_) => {}
                    Ok(TokenStatus::Ended(_) | TokenStatus::WipeRequired(_) | TokenStatus::Unknown) => {
                        let _ = socket.send(encode(&ServerFrame::SessionEnded)).await;
                        return;
                    }
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    if matches!(serde_json::from_str::<ClientFrame>(&text), Ok(ClientFrame::Ping))
                        && socket.send(encode(&ServerFrame::Pong)).await.is_err()
                    {
                        return;
                    }
                }
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            message = inbox.recv() => {
                let Some(message) = message else {
                    // Fell too far behind: close; the client reconnects with its cursor.
                    return;
                };
                let pull = match tail.on_message(user.member_id, &message) {
                    Delivery::Send => {
                        if socket.send(WsMessage::Text(message.frame.clone())).await.is_err() {
                            return;
                        }
                        false
                    }
                    Delivery::Skip => false,
                    Delivery::Pull => true,
                };
                if pull {
                    match send_changes(&state, &mut socket, user.member_id, tail).await {
                        Some(next) => tail = next,
                        None => return,
                    }
                }
            },
            event = events.recv() => {
                let pull = match event {
                    Ok(HubEvent::Changed { members }) => members.contains(&user.member_id),
                    Ok(HubEvent::ChangedForEveryone) => true,
                    Ok(HubEvent::TermsChanged) => {
                        if socket.send(encode(&ServerFrame::TermsChanged)).await.is_err() {
                            return;
                        }
                        false
                    }
                    Ok(HubEvent::SessionEnded { session }) => {
                        if session == user.session_id {
                            let _ = socket.send(encode(&ServerFrame::SessionEnded)).await;
                            return;
                        }
                        false
                    }
                    // Fell behind on wake-ups: close; the client reconnects with its cursor.
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return,
                };
                if pull {
                    match send_changes(&state, &mut socket, user.member_id, tail).await {
                        Some(next) => tail = next,
                        None => return,
                    }
                }
            },
        }
    }
}
