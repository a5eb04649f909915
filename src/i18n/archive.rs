//! The wording of compliance archives — the auditor's page and the members' notice — in English
//! and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;

/// Every text about compliance archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ar {
    Title,
    Intro,
    FindConversations,
    Search,
    Conversations,
    NoConversations,
    Confidential,
    From,
    To,
    Export,
    Exporting,
    Exported,
    ChooseSomething,
    ChooseDates,
    NeedsConnection,
    /// The members' notice (Me page).
    NoticeTitle,
    Notice,
    /// The confidential policy's switch.
    InArchives,
    InArchivesHint,
}

impl Ar {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Ar::*;
        let (en, zh) = match self {
            Title => ("Compliance archive", "合规存档"),
            Intro => (
                "Export the communications of the members and conversations you choose, with their files, as a signed archive. Every export is recorded in the audit log.",
                "导出所选成员和会话的通讯记录及文件，生成带签名的存档。每次导出都记入审计日志。",
            ),
            FindConversations => ("Find conversations (name or member)", "查找会话（名称或成员）"),
            Search => ("Search", "搜索"),
            Conversations => ("Conversations", "会话"),
            NoConversations => ("No conversation matches.", "没有匹配的会话。"),
            Confidential => ("confidential", "保密"),
            From => ("From", "开始日期"),
            To => ("To", "结束日期"),
            Export => ("Export archive", "导出存档"),
            Exporting => ("Exporting…", "正在导出…"),
            Exported => (
                "The archive was downloaded; its manifest lists every file with its SHA-256.",
                "存档已下载；清单列出了每个文件及其 SHA-256。",
            ),
            ChooseSomething => ("Choose at least one member or conversation.", "请至少选择一名成员或一个会话。"),
            ChooseDates => {
                ("Give both dates, the first not after the second.", "请填写两个日期，开始日期不能晚于结束日期。")
            }
            NeedsConnection => ("Exporting an archive needs a connection.", "导出存档需要联网。"),
            NoticeTitle => ("Work communications", "工作通讯"),
            Notice => (
                "Under your organisation's policy, work communications may be archived for compliance and investigations. Every such export is recorded.",
                "根据组织的政策，工作通讯可能会被存档，用于合规审查和调查。每次导出都有记录。",
            ),
            InArchives => ("Include confidential chats in compliance archives", "合规存档包含保密会话"),
            InArchivesHint => (
                "Off: archives leave confidential chats out and list which. On: they are included and marked.",
                "关闭：存档不含保密会话，并列出被排除的会话。开启：包含并标注为保密。",
            ),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive compliance-archive text.
    pub fn archive(self, text: Ar) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
