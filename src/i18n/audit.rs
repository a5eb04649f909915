//! The wording of the audit log console page (`/admin/audit`) in English and Chinese: its
//! controls, each [`AuditAction`]'s label, and the names of the details entries carry.

use super::{I18n, Lang};
use leptos::prelude::*;
use weft_protocol::audit::AuditAction;

/// Every text of the audit log page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Title,
    Filters,
    Action,
    AnyAction,
    Actor,
    Target,
    From,
    To,
    Apply,
    Clear,
    Time,
    Details,
    Address,
    LoadMore,
    Export,
    Exported,
    Empty,
    Offline,
    Loading,
    Yes,
    No,
    Entries,
}

impl At {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use At::*;
        let (en, zh) = match self {
            Title => ("Audit log", "审计日志"),
            Filters => ("Filter the audit log", "筛选审计日志"),
            Action => ("Action", "操作"),
            AnyAction => ("All actions", "全部操作"),
            Actor => ("Actor (userid)", "操作人（账号）"),
            Target => ("Target", "对象"),
            From => ("From", "开始日期"),
            To => ("To", "结束日期"),
            Apply => ("Apply filters", "筛选"),
            Clear => ("Clear filters", "清除筛选"),
            Time => ("Time", "时间"),
            Details => ("Details", "详情"),
            Address => ("Address", "地址"),
            LoadMore => ("Load more", "加载更多"),
            Export => ("Export CSV", "导出 CSV"),
            Exported => ("The CSV was downloaded.", "CSV 已下载。"),
            Empty => ("No entries match these filters.", "没有符合条件的记录。"),
            Offline => (
                "The audit log needs a connection: it is not stored on this device.",
                "查看审计日志需要联网：它不保存在本设备上。",
            ),
            Loading => ("Loading the audit log…", "正在加载审计日志…"),
            Yes => ("yes", "是"),
            No => ("no", "否"),
            Entries => ("Entries shown", "已显示记录"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive audit-log text.
    pub fn audit(self, text: At) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}

/// An action's label ("Sign-in failed", "登录失败").
pub fn action_label(action: AuditAction, lang: Lang) -> &'static str {
    use AuditAction::*;
    let (en, zh) = match action {
        SignedIn => ("Signed in", "登录成功"),
        SignInFailed => ("Sign-in failed", "登录失败"),
        SignInDelayed => ("Sign-in delayed (too many attempts)", "登录受限（尝试过多）"),
        SignedOut => ("Signed out", "退出登录"),
        SessionsSignedOutByMember => ("Sessions signed out by the member", "成员退出其他会话"),
        PasswordChanged => ("Password changed", "修改密码"),
        SessionsSignedOutByAdmin => ("Sessions signed out by an administrator", "管理员强制下线"),
        WipeRequested => ("Remote wipe requested", "请求远程擦除"),
        WipeReported => ("Remote wipe carried out", "远程擦除完成"),
        MemberCreated => ("Member created", "创建成员"),
        MemberUpdated => ("Member updated", "修改成员"),
        RoleChanged => ("Role changed", "修改角色"),
        MemberDisabled => ("Member disabled", "停用成员"),
        MemberEnabled => ("Member enabled", "启用成员"),
        MemberDeleted => ("Member deleted", "删除成员"),
        PasswordSetByAdmin => ("Password set by an administrator", "管理员重置密码"),
        MembersImported => ("Members imported (CSV)", "导入成员（CSV）"),
        MembersExported => ("Members exported (CSV)", "导出成员（CSV）"),
        DepartmentCreated => ("Department created", "创建部门"),
        DepartmentUpdated => ("Department updated", "修改部门"),
        DepartmentDeleted => ("Department deleted", "删除部门"),
        VisibilityChanged => ("Visibility changed", "修改可见范围"),
        SessionPolicyChanged => ("Session policy changed", "修改会话策略"),
        KioskCodeCreated => ("Kiosk code created", "创建共享终端注册码"),
        KioskCodeRevoked => ("Kiosk code revoked", "撤销共享终端注册码"),
        AuditExported => ("Audit log exported", "导出审计日志"),
        SharedToAnotherApp => ("Shared to another app", "分享到其他应用"),
        AuditEntriesRemoved => ("Audit entries past retention removed", "删除超过保留期的审计记录"),
        ConfidentialTurnedOn => ("Confidential chat turned on", "开启保密会话"),
        ConfidentialTurnedOff => ("Confidential chat turned off", "关闭保密会话"),
        ConfidentialPolicyChanged => ("Confidential policy changed", "修改保密策略"),
        WorkspacePoliciesChanged => ("Workspace policies changed", "修改工作区策略"),
        AccessRefused => ("Administration refused", "管理操作被拒绝"),
        ArchiveExported => ("Compliance archive exported", "导出合规存档"),
        ScreenshotSuspected => ("Screenshot suspected", "疑似截屏"),
        PrintAttempted => ("Print attempted", "尝试打印"),
        WatermarkTampered => ("Watermark tampered with", "水印被篡改"),
        CopyAttempted => ("Copy attempted", "尝试复制"),
        ViewHidden => ("Confidential view hidden", "保密内容被隐藏"),
        ForwardRefused => ("Forwarding refused", "拒绝转发"),
        WatermarkDecoded => ("Watermark traced", "水印溯源"),
        IntegrationAppCreated => ("Integration app created", "创建集成应用"),
        IntegrationAppChanged => ("Integration app changed", "修改集成应用"),
        IntegrationSecretRotated => ("Integration secret rotated", "重置集成应用密钥"),
        IntegrationTokenIssued => ("Integration app signed in", "集成应用获取令牌"),
        IntegrationTokenRefused => ("Integration app refused", "集成应用获取令牌被拒绝"),
        IntegrationApprovalSubmitted => ("Approval submitted by integration app", "集成应用代为发起审批"),
        WebhookChanged => ("Outgoing webhook changed", "修改外发 Webhook"),
    };
    if lang == Lang::Zh { zh } else { en }
}

/// The name of a detail's key as shown; keys this build does not know are shown as they are.
pub fn detail_key(key: &str, lang: Lang) -> Option<&'static str> {
    let (en, zh) = match key {
        "from" => ("from", "原"),
        "to" => ("to", "新"),
        "mode" => ("mode", "设备模式"),
        "kiosk" => ("kiosk", "共享终端"),
        "name" => ("name", "名称"),
        "role" => ("role", "角色"),
        "status" => ("status", "状态"),
        "rows" => ("rows", "行数"),
        "sessions" => ("sessions", "会话数"),
        "sessions_ended" => ("sessions ended", "结束的会话"),
        "other_sessions_ended" => ("other sessions ended", "结束的其他会话"),
        "fields" => ("fields", "字段"),
        "policy" => ("policy", "策略"),
        "parent_id" => ("parent", "上级部门"),
        "scope" => ("scope", "范围"),
        "hidden" => ("hidden", "隐藏"),
        "session" => ("session", "会话"),
        "seq" => ("message", "消息"),
        "summary" => ("summary", "摘要"),
        "label" => ("label", "标签"),
        "removed" => ("removed", "删除条数"),
        "before" => ("before", "修改前"),
        "after" => ("after", "修改后"),
        "file" => ("file", "文件"),
        "retention_days" => ("retention (days)", "保留天数"),
        _ => return None,
    };
    Some(if lang == Lang::Zh { zh } else { en })
}
