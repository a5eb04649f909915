//! The wording of the console's Policies page, in English and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;

/// Every text of the Policies page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pt {
    Title,
    Intro,
    Messages,
    RecallWindow,
    RecallHint,
    GroupSize,
    Files,
    MaxFile,
    Quota,
    FileTypes,
    FileTypesHint,
    Elsewhere,
    SessionPolicies,
    ConfidentialPolicy,
    Save,
    Saved,
    WholeNumber,
    OfflineCopies,
    OfflineCopiesHint,
    OfflineAllDevices,
    OfflinePersonalDevices,
    OfflineNoDevices,
    Sharing,
    ExternalSharing,
    ExternalSharingHint,
    AuditLog,
    AuditRetention,
    AuditRetentionHint,
}

impl Pt {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Pt::*;
        let (en, zh) = match self {
            Title => ("Policies", "策略"),
            Intro => (
                "These apply to everyone at once, with no restart; every change is in the audit log.",
                "修改立即对所有人生效，无需重启；每次修改都记入审计日志。",
            ),
            Messages => ("Messages and groups", "消息与群聊"),
            RecallWindow => ("Recall window (minutes)", "撤回时限（分钟）"),
            RecallHint => (
                "0: sent messages cannot be recalled. At most 10080 (7 days).",
                "0 表示不允许撤回。最多 10080（7 天）。",
            ),
            GroupSize => ("Largest group (people, 2–2000)", "群人数上限（2–2000 人）"),
            Files => ("Files", "文件"),
            MaxFile => ("Largest file (KB, 1–10240)", "单个文件上限（KB，1–10240）"),
            Quota => ("Upload quota per member (MB)", "每人上传总量上限（MB）"),
            FileTypes => ("Allowed file types", "允许的文件类型"),
            FileTypesHint => (
                "File name extensions separated by commas, such as pdf, docx, png. Empty: any type.",
                "以逗号分隔的文件扩展名，例如 pdf, docx, png。留空表示不限类型。",
            ),
            Elsewhere => ("More policies", "其他策略"),
            SessionPolicies => ("Session lifetimes per department", "各部门的会话时长"),
            ConfidentialPolicy => ("Confidential chats and offline copies", "保密会话与离线副本"),
            Save => ("Save policies", "保存策略"),
            Saved => ("Saved. The policies apply now.", "已保存，策略已生效。"),
            WholeNumber => ("Enter a whole number.", "请输入整数。"),
            OfflineCopies => ("Offline copies of chats", "聊天的离线副本"),
            OfflineCopiesHint => (
                "Where a device may not keep chats, messages, files and unsent messages stay in memory and what it kept is deleted; the directory and approvals are kept. Devices follow a change when they next open Weft.",
                "不允许保存的设备上，消息、文件和待发送消息只保留在内存中，已保存的内容会被删除；通讯录和审批仍会保存。设备在下次打开 Weft 时按新策略执行。",
            ),
            OfflineAllDevices => ("Every device", "所有设备"),
            OfflinePersonalDevices => ("Personal devices only (not shared devices)", "仅个人设备（共享设备不保存）"),
            OfflineNoDevices => ("No device (chats load from the server)", "任何设备都不保存（聊天从服务器加载）"),
            Sharing => ("Sharing outside Weft", "分享到 Weft 之外"),
            ExternalSharing => ("Members may share messages to other apps", "允许成员将消息分享到其他应用"),
            ExternalSharingHint => (
                "Phones and installed apps offer Share… on messages and files; each share is asked of the server and recorded in the audit log. Never from confidential chats.",
                "手机和已安装的应用会在消息和文件上提供“分享…”；每次分享都须经服务器允许并记入审计日志。保密会话中不可分享。",
            ),
            AuditLog => ("Audit log", "审计日志"),
            AuditRetention => ("Keep audit entries for (days)", "审计记录保留天数"),
            AuditRetentionHint => (
                "0: keep every entry. Otherwise 180–3650; older entries are removed every hour, and each removal is itself recorded.",
                "0 表示永久保留。否则为 180–3650 天；更早的记录每小时删除一次，每次删除本身也记入审计日志。",
            ),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive Policies page text.
    pub fn policy(self, text: Pt) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
