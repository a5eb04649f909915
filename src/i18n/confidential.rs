//! The wording of confidential chats (marking, the watermark, deterrents, expiry, their admin
//! pages) in English and Chinese, kept apart from `i18n.rs` which is long enough.

use super::{I18n, Lang};
use leptos::prelude::*;
use weft_protocol::confidential::{MessageLifetime, Notice};

/// Every text of confidential chats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ct {
    /// The visible label beside the lock.
    Label,
    /// What a screen reader hears for the lock and label.
    LabelLong,
    Switch,
    Lifetime,
    LifetimeOff,
    Honest,
    ByPolicy,
    HiddenTitle,
    Show,
    PrintNotice,
    FileRefused,
    ConfidentialPreview,
    DisappearsAfterReading,
    Forward,
    ForwardTitle,
    ForwardSend,
    ForwardCancel,
    ForwardTooMany,
    Forwarded,
    Saved,
    PolicyTitle,
    PolicyDepartments,
    PolicyOfflineCopy,
    PolicyDefaultLifetime,
    Save,
    TraceTitle,
    TraceUpload,
    TraceNoMark,
    TraceFound,
    TraceChecking,
    ViewerClose,
    PreviousPage,
    NextPage,
    ViewerLoading,
    ViewerFailed,
}

impl Ct {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Ct::*;
        let zh = lang == Lang::Zh;
        match self {
            Label => "保密 Confidential",
            LabelLong => {
                if zh {
                    "保密会话：有水印，不能复制、转发或下载"
                } else {
                    "Confidential chat: watermarked, no copying, forwarding or downloads"
                }
            }
            Switch => pick(zh, "Confidential", "保密会话"),
            Lifetime => pick(zh, "Messages disappear", "消息自动消失"),
            LifetimeOff => pick(zh, "Never", "不自动消失"),
            Honest => pick(
                zh,
                "These protections deter and trace; they cannot prevent a photo.",
                "这些保护用于威慑和追溯，无法阻止拍照。",
            ),
            ByPolicy => pick(
                zh,
                "Confidential by the workspace policy: it cannot be turned off here.",
                "根据企业策略设为保密，不能在此关闭。",
            ),
            HiddenTitle => pick(zh, "Hidden while the window was not in front.", "窗口不在前台时内容已隐藏。"),
            Show => pick(zh, "Show", "显示"),
            PrintNotice => pick(zh, "Confidential chats cannot be printed.", "保密会话不能打印。"),
            FileRefused => pick(zh, "This file cannot be opened in a confidential chat", "保密会话中不能打开此文件"),
            ConfidentialPreview => pick(zh, "[Confidential message]", "[保密消息]"),
            DisappearsAfterReading => pick(zh, "Disappears after reading", "阅读后消失"),
            Forward => pick(zh, "Forward", "转发"),
            ForwardTitle => pick(zh, "Forward to", "转发到"),
            ForwardSend => pick(zh, "Send", "发送"),
            ForwardCancel => pick(zh, "Cancel", "取消"),
            ForwardTooMany => pick(zh, "At most 20 conversations", "最多 20 个会话"),
            Forwarded => pick(zh, "Forwarded", "已转发"),
            Saved => pick(zh, "Saved", "已保存"),
            PolicyTitle => pick(zh, "Confidential chats", "保密会话"),
            PolicyDepartments => pick(
                zh,
                "Direct chats with members of these departments are confidential",
                "与这些部门成员的单聊为保密会话",
            ),
            PolicyOfflineCopy => pick(zh, "Devices may keep an offline copy", "允许设备保留离线副本"),
            PolicyDefaultLifetime => pick(zh, "Default message lifetime", "默认消息有效期"),
            Save => pick(zh, "Save", "保存"),
            TraceTitle => pick(zh, "Watermark trace", "水印溯源"),
            TraceUpload => pick(zh, "Leaked picture (PNG or JPEG)", "泄露的图片（PNG 或 JPEG）"),
            TraceNoMark => pick(zh, "No mark found", "未找到水印"),
            TraceFound => pick(zh, "Shown to", "显示给"),
            TraceChecking => pick(zh, "Checking…", "正在识别…"),
            ViewerClose => pick(zh, "Close", "关闭"),
            PreviousPage => pick(zh, "Previous page", "上一页"),
            NextPage => pick(zh, "Next page", "下一页"),
            ViewerLoading => pick(zh, "Loading…", "正在加载…"),
            ViewerFailed => pick(zh, "This file cannot be shown.", "无法显示此文件。"),
        }
    }
}

fn pick(zh: bool, en: &'static str, cn: &'static str) -> &'static str {
    if zh { cn } else { en }
}

impl I18n {
    /// A reactive confidential-chat text.
    pub fn c(self, text: Ct) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}

/// The lifetimes a conversation may pick, in the order offered (`None`: messages stay).
pub const LIFETIME_CHOICES: [Option<MessageLifetime>; 5] = [
    None,
    Some(MessageLifetime::AfterRead { seconds: 30 }),
    Some(MessageLifetime::AfterRead { seconds: 300 }),
    Some(MessageLifetime::AfterSend { seconds: 3600 }),
    Some(MessageLifetime::AfterSend { seconds: 86_400 }),
];

/// "30 s after reading", "1 h after sending", "Never".
pub fn lifetime_text(lifetime: Option<MessageLifetime>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let Some(lifetime) = lifetime else { return Ct::LifetimeOff.in_lang(lang).to_owned() };
    let span = duration_text(u64::from(lifetime.seconds()), zh);
    match (lifetime, zh) {
        (MessageLifetime::AfterRead { .. }, false) => format!("{span} after reading"),
        (MessageLifetime::AfterRead { .. }, true) => format!("阅读后 {span}"),
        (MessageLifetime::AfterSend { .. }, false) => format!("{span} after sending"),
        (MessageLifetime::AfterSend { .. }, true) => format!("发送后 {span}"),
    }
}

fn duration_text(seconds: u64, zh: bool) -> String {
    match (seconds, zh) {
        (s, false) if s % 3600 == 0 => format!("{} h", s / 3600),
        (s, true) if s % 3600 == 0 => format!("{} 小时", s / 3600),
        (s, false) if s % 60 == 0 => format!("{} min", s / 60),
        (s, true) if s % 60 == 0 => format!("{} 分钟", s / 60),
        (s, false) => format!("{s} s"),
        (s, true) => format!("{s} 秒"),
    }
}

/// "Disappears in 0:25" for a message whose clock runs.
pub fn countdown_text(remaining_ms: i64, lang: Lang) -> String {
    let total = (remaining_ms.max(0) + 999) / 1000;
    let clock = if total >= 3600 {
        format!("{}:{:02}:{:02}", total / 3600, (total % 3600) / 60, total % 60)
    } else {
        format!("{}:{:02}", total / 60, total % 60)
    };
    match lang {
        Lang::En => format!("Disappears in {clock}"),
        Lang::Zh => format!("{clock} 后消失"),
    }
}

/// A notice the server posted, from its typed data.
pub fn notice_text(notice: &Notice, lang: Lang) -> String {
    match (notice, lang) {
        (Notice::ScreenshotSuspected { name, .. }, Lang::En) => format!("{name} may have taken a screenshot"),
        (Notice::ScreenshotSuspected { name, .. }, Lang::Zh) => format!("{name} 可能进行了截屏"),
        (Notice::ConfidentialChanged { name, enabled: true, .. }, Lang::En) => {
            format!("{name} made this chat confidential")
        }
        (Notice::ConfidentialChanged { name, enabled: true, .. }, Lang::Zh) => format!("{name} 将此会话设为保密会话"),
        (Notice::ConfidentialChanged { name, enabled: false, .. }, Lang::En) => {
            format!("{name} turned confidentiality off")
        }
        (Notice::ConfidentialChanged { name, enabled: false, .. }, Lang::Zh) => format!("{name} 关闭了保密会话"),
    }
}

/// "Shown to 张三 (zhangsan), session 1a2b3c4d, 2026-11-30 20:00".
pub fn trace_owner_text(name: &str, userid: &str, session: &str, at: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{name} ({userid}), session {session}, mark issued {at}"),
        Lang::Zh => format!("{name}（{userid}），会话 {session}，水印签发于 {at}"),
    }
}

/// The accessible name of a file's opener in a confidential chat: "Open image: plan.png",
/// "打开 PDF：report.pdf".
pub fn open_file_label(pdf: bool, name: &str, lang: Lang) -> String {
    match (pdf, lang) {
        (false, Lang::En) => format!("Open image: {name}"),
        (false, Lang::Zh) => format!("打开图片：{name}"),
        (true, Lang::En) => format!("Open PDF: {name}"),
        (true, Lang::Zh) => format!("打开 PDF：{name}"),
    }
}

/// "Page 2 of 5" / "第 2 页，共 5 页".
pub fn page_of(page: u32, pages: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Page {page} of {pages}"),
        Lang::Zh => format!("第 {page} 页，共 {pages} 页"),
    }
}
