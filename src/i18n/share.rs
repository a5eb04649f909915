//! The wording of sharing, in English and Chinese: the Share screen (things shared into Weft
//! from other apps) and "Share…" on a message (out of Weft to them).

use super::{I18n, Lang};
use leptos::prelude::*;

/// Every text of the Share screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum St {
    Title,
    Shared,
    Loading,
    Nothing,
    Unavailable,
    Note,
    SendTo,
    FindChat,
    NoMatch,
    PickChat,
    Send,
    Discard,
    Remove,
    OfflineHint,
    FileGone,
    TooManyFiles,
    StoreFailed,
    ShareOut,
    ShareOutOffline,
    ShareOutRefused,
    ShareOutFailed,
}

impl St {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use St::*;
        let (en, zh) = match self {
            Title => ("Share to a chat", "分享到聊天"),
            Shared => ("Shared with Weft", "分享的内容"),
            Loading => ("Opening what was shared…", "正在打开分享的内容…"),
            Nothing => (
                "Nothing is waiting to be shared. In another app, share a photo, file or link and choose Weft.",
                "没有待分享的内容。在其他应用中分享照片、文件或链接时选择 Weft 即可。",
            ),
            Unavailable => (
                "What was shared did not reach this device: Weft was not ready to keep it. Open Weft once, then share again.",
                "分享的内容未能保存到本设备（Weft 尚未准备好）。请先打开一次 Weft，再重新分享。",
            ),
            Note => ("Message with it", "附言"),
            SendTo => ("Send to", "发送给"),
            FindChat => ("Find a chat", "搜索会话"),
            NoMatch => ("No chat matches.", "没有匹配的会话。"),
            PickChat => ("Choose the chat to send to.", "请选择要发送到的会话。"),
            Send => ("Send", "发送"),
            Discard => ("Discard", "放弃分享"),
            Remove => ("Remove", "移除"),
            OfflineHint => {
                ("You are offline: it is sent as soon as the connection returns.", "当前离线：恢复联网后会自动发送。")
            }
            FileGone => ("This file is no longer on the device; share it again.", "该文件已不在本设备上，请重新分享。"),
            TooManyFiles => ("At most 10 files can be shared at once.", "一次最多分享 10 个文件。"),
            StoreFailed => (
                "This device could not keep the file for sending; try again.",
                "本设备无法保存该文件以待发送，请重试。",
            ),
            ShareOut => ("Share…", "分享…"),
            ShareOutOffline => (
                "Sharing to other apps needs a connection: every share is recorded.",
                "分享到其他应用需要联网：每次分享都会被记录。",
            ),
            ShareOutRefused => (
                "This message cannot be shared to other apps in this workspace.",
                "本企业不允许将此消息分享到其他应用。",
            ),
            ShareOutFailed => ("Could not share this message.", "未能分享此消息。"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive Share screen text.
    pub fn share(self, text: St) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
