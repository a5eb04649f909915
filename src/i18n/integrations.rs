//! The wording of the integration apps page (`/admin/integrations`) in English and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;
use weft_protocol::integration::IntegrationScope;

/// Every text of the integration apps page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum It {
    Title,
    Intro,
    ApiReference,
    ApiReferenceHint,
    CorpId,
    NewApp,
    EditApp,
    Name,
    NameEmpty,
    Scopes,
    ScopesEmpty,
    AllowedAddresses,
    AllowedHint,
    Create,
    Save,
    CancelEdit,
    Edit,
    Disable,
    Enable,
    AgentId,
    LastUsed,
    Never,
    Status,
    Actions,
    Enabled,
    Disabled,
    AnyAddress,
    SecretOnce,
    SecretFor,
    Copy,
    Copied,
    Saved,
    NoApps,
    Webhooks,
    WebhooksIntro,
    WebhookUrl,
    WebhookUrlBad,
    Events,
    EventsEmpty,
    AddWebhook,
    NoWebhooks,
    WebhookSecretOnce,
    ShowDeliveries,
    HideDeliveries,
    NoDeliveries,
    Event,
    EventId,
    Attempts,
    Result,
    Time,
    Pending,
    Delivered,
    Failed,
    RemoveWebhook,
}

impl It {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use It::*;
        let (en, zh) = match self {
            Title => ("Integration apps", "集成应用"),
            Intro => (
                "Outside systems (ERP, CRM, scripts) call the WeCom-compatible API at /cgi-bin/ with an app's secret.",
                "外部系统（ERP、CRM、脚本）使用应用的 Secret 调用 /cgi-bin/ 下与企业微信兼容的接口。",
            ),
            ApiReference => ("Weft API reference", "Weft 接口文档"),
            ApiReferenceHint => (
                "Weft's own API (/api/v1), described in OpenAPI: generate a client from its document.",
                "Weft 自己的接口（/api/v1）以 OpenAPI 描述，可据此生成客户端。",
            ),
            CorpId => ("Corp ID", "企业 ID（corpid）"),
            NewApp => ("New integration app", "新建集成应用"),
            EditApp => ("Change integration app", "修改集成应用"),
            Name => ("App name", "应用名称"),
            NameEmpty => ("Give the app a name.", "请填写应用名称。"),
            Scopes => ("What it may use", "可使用的权限"),
            ScopesEmpty => ("Pick at least one permission.", "请至少选择一项权限。"),
            AllowedAddresses => ("Allowed addresses (one per line)", "允许的来源地址（每行一个）"),
            AllowedHint => {
                ("Empty: any address. Networks as 203.0.113.0/24.", "留空表示不限。网段写作 203.0.113.0/24。")
            }
            Create => ("Create app", "创建应用"),
            Save => ("Save changes", "保存修改"),
            CancelEdit => ("Cancel", "取消"),
            Edit => ("Edit", "修改"),
            Disable => ("Disable", "停用"),
            Enable => ("Enable", "启用"),
            AgentId => ("Agent ID", "AgentId"),
            LastUsed => ("Last used", "最近使用"),
            Never => ("never", "从未"),
            Status => ("Status", "状态"),
            Actions => ("Actions", "操作"),
            Enabled => ("Enabled", "已启用"),
            Disabled => ("Disabled", "已停用"),
            AnyAddress => ("any address", "不限"),
            SecretOnce => (
                "Copy the secret now: it is shown only this once. Store it where the outside system keeps its credentials.",
                "请现在复制 Secret：它只显示这一次。请保存在外部系统存放凭据的地方。",
            ),
            SecretFor => ("Secret of", "Secret："),
            Copy => ("Copy", "复制"),
            Copied => ("Copied", "已复制"),
            Saved => ("Saved.", "已保存。"),
            NoApps => ("No integration apps yet.", "还没有集成应用。"),
            Webhooks => ("Outgoing webhooks", "外发 Webhook"),
            WebhooksIntro => (
                "Weft posts events to these addresses, signed: X-Weft-Signature is sha256= and the HMAC-SHA256 of \"<X-Weft-Timestamp>.<body>\" under the webhook's secret. Failed deliveries are retried with growing waits.",
                "Weft 会把事件签名后发送到这些地址：X-Weft-Signature 为 sha256= 加上以 Webhook 的 Secret 对“<X-Weft-Timestamp>.<正文>”计算的 HMAC-SHA256。发送失败会间隔递增地重试。",
            ),
            WebhookUrl => ("Webhook address", "Webhook 地址"),
            WebhookUrlBad => (
                "An http:// or https:// address without spaces or credentials.",
                "请填写 http:// 或 https:// 开头、不含空格和账号密码的地址。",
            ),
            Events => ("Events", "事件"),
            EventsEmpty => ("Pick at least one event.", "请至少选择一个事件。"),
            AddWebhook => ("Add webhook", "添加 Webhook"),
            NoWebhooks => ("No webhooks yet.", "还没有 Webhook。"),
            WebhookSecretOnce => {
                ("Copy the signing secret now: it is shown only this once.", "请现在复制签名 Secret：它只显示这一次。")
            }
            ShowDeliveries => ("Deliveries", "发送记录"),
            HideDeliveries => ("Hide deliveries", "收起发送记录"),
            NoDeliveries => ("Nothing sent yet.", "还没有发送记录。"),
            Event => ("Event", "事件"),
            EventId => ("Event ID", "事件 ID"),
            Attempts => ("Attempts", "尝试次数"),
            Result => ("Result", "结果"),
            Time => ("Time", "时间"),
            Pending => ("Retrying", "重试中"),
            Delivered => ("Delivered", "已送达"),
            Failed => ("Failed", "失败"),
            RemoveWebhook => ("Remove", "删除"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// An event's name ("Approval submitted", "审批已提交").
pub fn event_text(event: weft_protocol::webhook::WebhookEvent, lang: Lang) -> &'static str {
    use weft_protocol::webhook::WebhookEvent::*;
    let (en, zh) = match event {
        ApprovalSubmitted => ("Approval submitted", "审批已提交"),
        ApprovalDecided => ("Approval decided", "审批已完成"),
        MemberCreated => ("Member created", "成员已创建"),
        MemberDisabled => ("Member disabled", "成员已停用"),
    };
    if lang == Lang::Zh { zh } else { en }
}

/// A scope's name ("Messages", "应用消息").
pub fn scope_text(scope: IntegrationScope, lang: Lang) -> &'static str {
    let (en, zh) = match scope {
        IntegrationScope::DirectoryRead => ("Read the directory", "读取通讯录"),
        IntegrationScope::DirectoryWrite => ("Change the directory", "编辑通讯录"),
        IntegrationScope::Messages => ("Send messages and app chats", "发送应用消息和群聊"),
        IntegrationScope::Approvals => ("Approvals", "审批"),
    };
    if lang == Lang::Zh { zh } else { en }
}

impl I18n {
    /// A reactive text of the integration apps page.
    pub fn integ(self, text: It) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
