//! The live WebSocket: authenticate with the first frame, then receive every change that
//! concerns the member until the session ends or the socket closes.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::authenticate;
use crate::hub::HubEvent;
use axum::Router;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use weft_protocol::live::{ClientFrame, ServerFrame};

/// How long a new socket may take to send its auth frame.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/live", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let ws = ws.map_err(|rejection| {
        ApiError::bad_request(format!(
            "this route takes a WebSocket upgrade: {}",
            rejection.body_text()
        ))
    })?;
    Ok(ws
        .max_message_size(MAX_CLIENT_FRAME)
        .on_upgrade(move |socket| serve(state, socket)))
}

fn encode(frame: &ServerFrame) -> WsMessage {
    WsMessage::Text(serde_json::to_string(frame).unwrap_or_default().into())
}

async fn serve(state: AppState, mut socket: WebSocket) {
    // Subscribe before authenticating so nothing published meanwhile is missed.
    let mut events = state.hub.subscribe();
    let first = tokio::time::timeout(AUTH_TIMEOUT, socket.recv()).await;
    let token = match first {
        Ok(Some(Ok(WsMessage::Text(text)))) => match serde_json::from_str::<ClientFrame>(&text) {
            Ok(ClientFrame::Auth { token }) => token,
            _ => return,
        },
        _ => return,
    };
    let user = match authenticate(&state, &token).await {
        Ok(Some(user)) => user,
        _ => {
            let _ = socket.send(encode(&ServerFrame::SessionEnded)).await;
            return;
        }
    };
    if socket
        .send(encode(&ServerFrame::Ready {
            member_id: user.member_id,
        }))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
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
            event = events.recv() => match event {
                Ok(HubEvent::ToMembers { members, frame }) => {
                    if members.contains(&user.member_id) && socket.send(encode(&frame)).await.is_err() {
                        return;
                    }
                }
                Ok(HubEvent::SessionEnded { session }) => {
                    if session == user.session_id {
                        let _ = socket.send(encode(&ServerFrame::SessionEnded)).await;
                        return;
                    }
                }
                // Fell behind: close, and the client catches up by fetching after reconnecting.
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return,
            },
        }
    }
}
