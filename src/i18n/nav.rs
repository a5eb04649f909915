//! The wording of the app's main navigation (the desk rail and the phone tab bar), the
//! Workbench and the Me page, in English and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;

/// Every text of the navigation, the Workbench and the Me page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nt {
    MainNavigation,
    Messages,
    Directory,
    Workbench,
    Me,
    Unread,
    Pending,
    ChatActions,
    WorkbenchApps,
    ApprovalsTile,
    AdminTile,
    Profile,
    Userid,
    Department,
    Position,
    Language,
    Theme,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
    Devices,
    DevicesLink,
    About,
    Version,
    AboutText,
}

impl Nt {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Nt::*;
        let (en, zh) = match self {
            MainNavigation => ("Main", "主导航"),
            Messages => ("Messages", "消息"),
            Directory => ("Directory", "通讯录"),
            Workbench => ("Workbench", "工作台"),
            Me => ("Me", "我"),
            Unread => ("unread", "条未读"),
            Pending => ("waiting for you", "项待处理"),
            ChatActions => ("Chat actions", "会话操作"),
            WorkbenchApps => ("Apps", "应用"),
            ApprovalsTile => ("Requests to approve, and your own", "待我审批与我发起的申请"),
            AdminTile => ("Members, departments, policies and the audit log", "成员、部门、策略与审计日志"),
            Profile => ("Profile", "个人信息"),
            Userid => ("Account", "账号"),
            Department => ("Department", "部门"),
            Position => ("Position", "职务"),
            Language => ("Language", "语言"),
            Theme => ("Theme", "主题"),
            ThemeSystem => ("Same as the device", "跟随系统"),
            ThemeLight => ("Light", "浅色"),
            ThemeDark => ("Dark", "深色"),
            Devices => ("Devices", "登录设备"),
            DevicesLink => ("Devices and password", "登录设备与密码"),
            About => ("About", "关于"),
            Version => ("Version", "版本"),
            AboutText => {
                ("Weft, your organisation's own open, self-hosted workspace.", "Weft：你所在组织自己部署的开源工作台。")
            }
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive navigation text.
    pub fn nav(self, text: Nt) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
