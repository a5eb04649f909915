//! The wording around what integration apps and group robots post, and of a group's robots
//! section, in English and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;

/// Every text about apps' and robots' messages and a group's robots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bt {
    AppTag,
    RobotTag,
    AppConversationReadOnly,
    Robots,
    RobotsHint,
    NoRobots,
    RobotName,
    AddRobot,
    Adding,
    RemoveRobot,
    AddedBy,
    WebhookOnce,
    WebhookAddress,
    CopyWebhook,
    Copied,
    Done,
}

impl Bt {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Bt::*;
        let (en, zh) = match self {
            AppTag => ("App", "应用"),
            RobotTag => ("Robot", "机器人"),
            AppConversationReadOnly => {
                ("Messages from this app arrive here; it cannot be answered.", "此应用的消息会发送到这里，无法回复。")
            }
            Robots => ("Group robots", "群机器人"),
            RobotsHint => (
                "Other systems post into this group through a robot's webhook address.",
                "其他系统可以通过机器人的 Webhook 地址向本群发消息。",
            ),
            NoRobots => ("This group has no robots.", "本群还没有机器人。"),
            RobotName => ("Robot name", "机器人名称"),
            AddRobot => ("Add robot", "添加机器人"),
            Adding => ("Adding…", "正在添加…"),
            RemoveRobot => ("Remove robot", "移除机器人"),
            AddedBy => ("added by", "添加人"),
            WebhookOnce => (
                "Copy the webhook address now: it is shown only this once. Anyone holding it can post here.",
                "请现在复制 Webhook 地址：它只显示这一次。持有该地址的人都可以在本群发消息。",
            ),
            WebhookAddress => ("Webhook address", "Webhook 地址"),
            CopyWebhook => ("Copy address", "复制地址"),
            Copied => ("Copied", "已复制"),
            Done => ("Done", "完成"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive text about apps, robots and their messages.
    pub fn bot(self, text: Bt) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
