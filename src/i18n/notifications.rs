//! The wording of notification settings and in-app notifications, in English and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;

/// Every text about notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nt {
    Notifications,
    NotificationsHint,
    PushOnThisDevice,
    PushOn,
    PushOff,
    SessionPushOn,
    SessionPushOff,
    Enabling,
    PushUnavailable,
    PushUnsupported,
    PushDenied,
    MentionsBreakMute,
    QuietHours,
    QuietFrom,
    QuietUntil,
    SaveQuietHours,
    Saved,
    NeedNetwork,
    Dismiss,
    Open,
    InAppRegion,
}

impl Nt {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Nt::*;
        let (en, zh) = match self {
            Notifications => ("Notifications", "通知"),
            NotificationsHint => (
                "New messages, @mentions and approvals waiting for you, even when Weft is closed.",
                "即使 Weft 已关闭，也能收到新消息、@提及和待你审批的通知。",
            ),
            PushOnThisDevice => ("Push notifications on this device", "在此设备上接收推送通知"),
            PushOn => ("Push is on for this device.", "此设备已开启推送。"),
            PushOff => ("Push is off for this device.", "此设备未开启推送。"),
            SessionPushOn => ("Push on", "已开启推送"),
            SessionPushOff => ("Off", "未开启"),
            Enabling => ("Turning push on…", "正在开启推送…"),
            PushUnavailable => (
                "Push unavailable: this browser's push service did not answer.",
                "推送不可用：浏览器的推送服务没有响应。",
            ),
            PushUnsupported => ("Push unavailable: this browser does not support it.", "推送不可用：此浏览器不支持。"),
            PushDenied => (
                "Push unavailable: notifications are blocked for Weft in this browser.",
                "推送不可用：此浏览器已禁止 Weft 的通知。",
            ),
            MentionsBreakMute => ("@mentions notify me in muted chats", "免打扰的会话中被 @ 时仍通知我"),
            QuietHours => ("Quiet hours (no pushes)", "勿扰时段（不推送）"),
            QuietFrom => ("From", "开始"),
            QuietUntil => ("Until", "结束"),
            SaveQuietHours => ("Save quiet hours", "保存勿扰时段"),
            Saved => ("Saved.", "已保存。"),
            NeedNetwork => ("Notification settings need the network.", "通知设置需要联网。"),
            Dismiss => ("Dismiss", "关闭"),
            Open => ("Open", "打开"),
            InAppRegion => ("New notifications", "新通知"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive text about notifications.
    pub fn nt(self, text: Nt) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
