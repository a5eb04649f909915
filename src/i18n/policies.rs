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
