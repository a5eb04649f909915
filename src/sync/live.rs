//! The live connection: a WebSocket to `/api/v1/live` that authenticates with the session
//! token and the device's feed cursor, hands every server frame to the app's sync (`sync::engine`), and
//! reconnects with backoff (1 s doubling to 30 s; at once when the browser reports it is back
//! online).

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use weft_protocol::live::{ClientFrame, ServerFrame};

/// What the app's sync hears from the socket.
pub enum LiveEvent {
    Frame(ServerFrame),
    /// The socket closed; a reconnect is scheduled.
    Disconnected,
}

type Handler = Rc<dyn Fn(LiveEvent)>;
type CursorSource = Rc<dyn Fn() -> Option<u64>>;

struct Inner {
    token: String,
    /// Read at each (re)connect: the server replays the feed after it.
    cursor: CursorSource,
    handler: Handler,
    socket: Option<web_sys::WebSocket>,
    /// Keeps the current socket's callbacks alive for as long as the socket.
    callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    retry_delay_ms: u32,
    retry_timer: Option<gloo_timers::callback::Timeout>,
    stopped: bool,
}

/// A self-reconnecting live socket. Dropping it does not close it: call [`LiveSocket::stop`].
#[derive(Clone)]
pub struct LiveSocket(Rc<RefCell<Inner>>);

const FIRST_RETRY_MS: u32 = 1_000;
const MAX_RETRY_MS: u32 = 30_000;

fn live_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}{}/live", location.host().ok()?, weft_protocol::API_PREFIX))
}

impl LiveSocket {
    pub fn start(
        token: String,
        cursor: impl Fn() -> Option<u64> + 'static,
        handler: impl Fn(LiveEvent) + 'static,
    ) -> Self {
        let live = Self(Rc::new(RefCell::new(Inner {
            token,
            cursor: Rc::new(cursor),
            handler: Rc::new(handler),
            socket: None,
            callbacks: Vec::new(),
            retry_delay_ms: FIRST_RETRY_MS,
            retry_timer: None,
            stopped: false,
        })));
        live.connect();
        live
    }

    /// Closes the socket for good.
    pub fn stop(&self) {
        let mut inner = self.0.borrow_mut();
        inner.stopped = true;
        inner.retry_timer = None;
        if let Some(socket) = inner.socket.take() {
            socket.set_onclose(None);
            socket.set_onmessage(None);
            let _ = socket.close();
        }
        // `stop` may run inside one of these callbacks: drop them on a later tick, never while running.
        let callbacks = std::mem::take(&mut inner.callbacks);
        gloo_timers::callback::Timeout::new(0, move || drop(callbacks)).forget();
    }

    /// Reconnects now (used when the browser comes back online). A socket that stayed open
    /// through the outage is replaced as well: it may be dead without knowing it, and only a
    /// new one's `Ready` tells the app it is connected again. One still connecting is left be.
    pub fn reconnect_now(&self) {
        let connecting = {
            let inner = self.0.borrow();
            inner.socket.as_ref().is_some_and(|s| s.ready_state() == web_sys::WebSocket::CONNECTING)
        };
        if !connecting {
            let mut inner = self.0.borrow_mut();
            inner.retry_timer = None;
            inner.retry_delay_ms = FIRST_RETRY_MS;
            drop(inner);
            self.connect();
        }
    }

    fn connect(&self) {
        if self.0.borrow().stopped {
            return;
        }
        let Some(url) = live_url() else { return };
        let Ok(socket) = web_sys::WebSocket::new(&url) else {
            self.schedule_retry();
            return;
        };
        let on_open = {
            let live = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let inner = live.0.borrow();
                let auth = ClientFrame::Auth { token: inner.token.clone(), cursor: (inner.cursor)() };
                if let (Some(socket), Ok(text)) = (&inner.socket, serde_json::to_string(&auth)) {
                    let _ = socket.send_with_str(&text);
                }
            })
        };
        let on_message = {
            let live = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(text) = event.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string()) else {
                    return;
                };
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                    return;
                };
                if matches!(frame, ServerFrame::Ready { .. }) {
                    live.0.borrow_mut().retry_delay_ms = FIRST_RETRY_MS;
                }
                let ended = matches!(frame, ServerFrame::SessionEnded);
                let handler = Rc::clone(&live.0.borrow().handler);
                handler(LiveEvent::Frame(frame));
                if ended {
                    live.stop();
                }
            })
        };
        let on_close = {
            let live = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                if live.0.borrow().stopped {
                    return;
                }
                let handler = Rc::clone(&live.0.borrow().handler);
                handler(LiveEvent::Disconnected);
                live.schedule_retry();
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        if let Some(old) = inner.socket.replace(socket) {
            old.set_onopen(None);
            old.set_onmessage(None);
            old.set_onclose(None);
            let _ = old.close();
        }
        // The old socket's callbacks go on a later tick, never while one may be running.
        let old_callbacks = std::mem::replace(&mut inner.callbacks, vec![on_open, on_message, on_close]);
        gloo_timers::callback::Timeout::new(0, move || drop(old_callbacks)).forget();
    }

    fn schedule_retry(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.stopped {
            return;
        }
        let delay = inner.retry_delay_ms;
        inner.retry_delay_ms = (delay * 2).min(MAX_RETRY_MS);
        let live = self.clone();
        inner.retry_timer = Some(gloo_timers::callback::Timeout::new(delay, move || live.connect()));
    }
}
