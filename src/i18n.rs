//! The app's wording in English and Chinese. Every text a person reads comes from [`Text`];
//! the language follows the browser until the member picks one, and is remembered.

use leptos::prelude::*;

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

const LANG_KEY: &str = "weft.lang";

impl Lang {
    /// The remembered choice, else the browser's preferred language.
    pub fn detect() -> Self {
        let stored = crate::platform::local_get(LANG_KEY);
        let preferred = stored.or_else(|| web_sys::window().and_then(|w| w.navigator().language()));
        match preferred.as_deref() {
            Some(code) if code.starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    pub fn remember(self) {
        crate::platform::local_set(LANG_KEY, self.code());
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", self.code());
        }
    }
}

/// Every piece of UI text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    AppTagline,
    Username,
    Password,
    SignIn,
    SigningIn,
    SignOut,
    SwitchLanguage,
    Chats,
    NoChats,
    PickAChat,
    Back,
    MessageLabel,
    Send,
    Sending,
    NotSent,
    Retry,
    Online,
    Connecting,
    Offline,
    OfflineHint,
    EarlierMessages,
    LaterMessages,
    JumpToNewest,
    NoMessagesYet,
    Members,
    ErrorUsernameEmpty,
    ErrorPasswordEmpty,
    ErrorBadCredentials,
    ErrorRateLimited,
    ErrorDisabled,
    ErrorNetwork,
    ErrorServer,
    ErrorTooLong,
    ChatNotFound,
    UpdateReady,
    Reload,
    Reply,
    Recall,
    RecalledMessage,
    ReplyingTo,
    CancelReply,
    Delete,
    Read,
    ReadOf,
    Unread,
    ActionFailed,
    Dismiss,
    NewChat,
    GroupName,
    FilterMembers,
    StartChat,
    PickSomeone,
    NameNeeded,
    GroupSettings,
    Rename,
    AddPeople,
    Remove,
    MakeOwner,
    Owner,
    LeaveGroup,
    GroupMembers,
    NeedsNetwork,
    Selected,
    Search,
    SearchMessages,
    NoResults,
    SearchOffline,
    Attach,
    OpenFullImage,
    FileTooLarge,
    FileEmpty,
    Mute,
    Unmute,
    Pin,
    Unpin,
    Pinned,
    Muted,
    NewMessages,
    Directory,
    SearchPeople,
    People,
    DirectoryNotYet,
    Departments,
    Position,
    LeaderOf,
    DirectLeader,
    Account,
    Mobile,
    Email,
    SendMessage,
    PersonNotVisible,
    StatusDisabled,
    StatusInvited,
    NarrowSearch,
    NoPeopleFound,
    PeopleFound,
    MentionSomeone,
    Everyone,
}

impl Text {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Text::*;
        match (lang, self) {
            (Lang::En, AppTagline) => "Your organisation's workspace",
            (Lang::Zh, AppTagline) => "组织专属工作台",
            (Lang::En, Username) => "Username",
            (Lang::Zh, Username) => "用户名",
            (Lang::En, Password) => "Password",
            (Lang::Zh, Password) => "密码",
            (Lang::En, SignIn) => "Sign in",
            (Lang::Zh, SignIn) => "登录",
            (Lang::En, SigningIn) => "Signing in…",
            (Lang::Zh, SigningIn) => "正在登录…",
            (Lang::En, SignOut) => "Sign out",
            (Lang::Zh, SignOut) => "退出登录",
            (Lang::En, SwitchLanguage) => "中文",
            (Lang::Zh, SwitchLanguage) => "English",
            (Lang::En, Chats) => "Chats",
            (Lang::Zh, Chats) => "消息",
            (Lang::En, NoChats) => "No chats yet.",
            (Lang::Zh, NoChats) => "暂无会话。",
            (Lang::En, PickAChat) => "Pick a chat to start.",
            (Lang::Zh, PickAChat) => "选择一个会话开始聊天。",
            (Lang::En, Back) => "Back to chats",
            (Lang::Zh, Back) => "返回会话列表",
            (Lang::En, MessageLabel) => "Message",
            (Lang::Zh, MessageLabel) => "消息内容",
            (Lang::En, Send) => "Send",
            (Lang::Zh, Send) => "发送",
            (Lang::En, Sending) => "Sending…",
            (Lang::Zh, Sending) => "发送中…",
            (Lang::En, NotSent) => "Not sent",
            (Lang::Zh, NotSent) => "未发送",
            (Lang::En, Retry) => "Retry",
            (Lang::Zh, Retry) => "重试",
            (Lang::En, Online) => "Online",
            (Lang::Zh, Online) => "在线",
            (Lang::En, Connecting) => "Connecting…",
            (Lang::Zh, Connecting) => "连接中…",
            (Lang::En, Offline) => "Offline",
            (Lang::Zh, Offline) => "离线",
            (Lang::En, OfflineHint) => "You are offline: showing what this device has saved.",
            (Lang::Zh, OfflineHint) => "当前离线：显示本设备已保存的内容。",
            (Lang::En, EarlierMessages) => "Load earlier messages",
            (Lang::Zh, EarlierMessages) => "加载更早的消息",
            (Lang::En, LaterMessages) => "Show later messages",
            (Lang::Zh, LaterMessages) => "显示更新的消息",
            (Lang::En, JumpToNewest) => "Jump to newest ↓",
            (Lang::Zh, JumpToNewest) => "回到最新消息 ↓",
            (Lang::En, NoMessagesYet) => "No messages yet. Say hello!",
            (Lang::Zh, NoMessagesYet) => "还没有消息，打个招呼吧！",
            (Lang::En, Members) => "members",
            (Lang::Zh, Members) => "位成员",
            (Lang::En, ErrorUsernameEmpty) => "Enter your username.",
            (Lang::Zh, ErrorUsernameEmpty) => "请输入用户名。",
            (Lang::En, ErrorPasswordEmpty) => "Enter your password.",
            (Lang::Zh, ErrorPasswordEmpty) => "请输入密码。",
            (Lang::En, ErrorBadCredentials) => "Username or password is wrong.",
            (Lang::Zh, ErrorBadCredentials) => "用户名或密码错误。",
            (Lang::En, ErrorRateLimited) => "Too many attempts. Wait a few minutes and try again.",
            (Lang::Zh, ErrorRateLimited) => "尝试次数过多，请几分钟后再试。",
            (Lang::En, ErrorDisabled) => "This account is disabled. Ask your administrator.",
            (Lang::Zh, ErrorDisabled) => "该账号已停用，请联系管理员。",
            (Lang::En, ErrorNetwork) => "Cannot reach the server. Check your connection.",
            (Lang::Zh, ErrorNetwork) => "无法连接服务器，请检查网络。",
            (Lang::En, ErrorServer) => "The server could not do that. Try again.",
            (Lang::Zh, ErrorServer) => "服务器暂时无法完成操作，请重试。",
            (Lang::En, ErrorTooLong) => "The message is too long (at most 8 KB).",
            (Lang::Zh, ErrorTooLong) => "消息过长（最多 8 KB）。",
            (Lang::En, ChatNotFound) => "This chat is not available.",
            (Lang::Zh, ChatNotFound) => "该会话不可用。",
            (Lang::En, UpdateReady) => "A new version of Weft is ready.",
            (Lang::Zh, UpdateReady) => "Weft 有新版本。",
            (Lang::En, Reload) => "Reload",
            (Lang::Zh, Reload) => "刷新",
            (Lang::En, Reply) => "Reply",
            (Lang::Zh, Reply) => "回复",
            (Lang::En, Recall) => "Recall",
            (Lang::Zh, Recall) => "撤回",
            (Lang::En, RecalledMessage) => "recalled a message",
            (Lang::Zh, RecalledMessage) => "撤回了一条消息",
            (Lang::En, ReplyingTo) => "Replying to",
            (Lang::Zh, ReplyingTo) => "回复",
            (Lang::En, CancelReply) => "Cancel reply",
            (Lang::Zh, CancelReply) => "取消回复",
            (Lang::En, Delete) => "Delete",
            (Lang::Zh, Delete) => "删除",
            (Lang::En, Read) => "Read",
            (Lang::Zh, Read) => "已读",
            (Lang::En, ReadOf) => "read",
            (Lang::Zh, ReadOf) => "人已读",
            (Lang::En, Unread) => "unread",
            (Lang::Zh, Unread) => "条未读",
            (Lang::En, ActionFailed) => "Could not be done:",
            (Lang::Zh, ActionFailed) => "操作未完成：",
            (Lang::En, Dismiss) => "Dismiss",
            (Lang::Zh, Dismiss) => "关闭",
            (Lang::En, NewChat) => "New chat",
            (Lang::Zh, NewChat) => "发起聊天",
            (Lang::En, GroupName) => "Group name",
            (Lang::Zh, GroupName) => "群名称",
            (Lang::En, FilterMembers) => "Find people",
            (Lang::Zh, FilterMembers) => "搜索成员",
            (Lang::En, StartChat) => "Start chat",
            (Lang::Zh, StartChat) => "开始聊天",
            (Lang::En, PickSomeone) => "Pick at least one person.",
            (Lang::Zh, PickSomeone) => "请至少选择一位成员。",
            (Lang::En, NameNeeded) => "A group needs a name.",
            (Lang::Zh, NameNeeded) => "请输入群名称。",
            (Lang::En, GroupSettings) => "Group settings",
            (Lang::Zh, GroupSettings) => "群设置",
            (Lang::En, Rename) => "Rename",
            (Lang::Zh, Rename) => "修改群名",
            (Lang::En, AddPeople) => "Add people",
            (Lang::Zh, AddPeople) => "添加成员",
            (Lang::En, Remove) => "Remove",
            (Lang::Zh, Remove) => "移出",
            (Lang::En, MakeOwner) => "Make owner",
            (Lang::Zh, MakeOwner) => "设为群主",
            (Lang::En, Owner) => "Owner",
            (Lang::Zh, Owner) => "群主",
            (Lang::En, LeaveGroup) => "Leave group",
            (Lang::Zh, LeaveGroup) => "退出群聊",
            (Lang::En, GroupMembers) => "Members",
            (Lang::Zh, GroupMembers) => "群成员",
            (Lang::En, NeedsNetwork) => "This needs a connection to the server.",
            (Lang::Zh, NeedsNetwork) => "该操作需要联网。",
            (Lang::En, Selected) => "selected",
            (Lang::Zh, Selected) => "已选",
            (Lang::En, Search) => "Search",
            (Lang::Zh, Search) => "搜索",
            (Lang::En, SearchMessages) => "Search messages",
            (Lang::Zh, SearchMessages) => "搜索聊天记录",
            (Lang::En, NoResults) => "No messages found.",
            (Lang::Zh, NoResults) => "没有找到消息。",
            (Lang::En, SearchOffline) => "Offline: showing matches saved on this device.",
            (Lang::Zh, SearchOffline) => "离线：仅显示本设备保存的结果。",
            (Lang::En, Attach) => "Attach a file",
            (Lang::Zh, Attach) => "添加附件",
            (Lang::En, OpenFullImage) => "Open the full image",
            (Lang::Zh, OpenFullImage) => "查看原图",
            (Lang::En, FileTooLarge) => "The file is too large (at most 10 MB).",
            (Lang::Zh, FileTooLarge) => "文件过大（最多 10 MB）。",
            (Lang::En, FileEmpty) => "The file is empty.",
            (Lang::Zh, FileEmpty) => "文件为空。",
            (Lang::En, Mute) => "Mute",
            (Lang::Zh, Mute) => "消息免打扰",
            (Lang::En, Unmute) => "Unmute",
            (Lang::Zh, Unmute) => "取消免打扰",
            (Lang::En, Pin) => "Pin",
            (Lang::Zh, Pin) => "置顶",
            (Lang::En, Unpin) => "Unpin",
            (Lang::Zh, Unpin) => "取消置顶",
            (Lang::En, Pinned) => "Pinned",
            (Lang::Zh, Pinned) => "已置顶",
            (Lang::En, Muted) => "Muted",
            (Lang::Zh, Muted) => "免打扰",
            (Lang::En, NewMessages) => "New messages",
            (Lang::Zh, NewMessages) => "以下为新消息",
            (Lang::En, Directory) => "Directory",
            (Lang::Zh, Directory) => "通讯录",
            (Lang::En, SearchPeople) => "Search people (name, pinyin, initials, account…)",
            (Lang::Zh, SearchPeople) => "搜索同事（姓名、拼音、首字母、账号……）",
            (Lang::En, People) => "people",
            (Lang::Zh, People) => "人",
            (Lang::En, DirectoryNotYet) => "The directory downloads the first time you are online.",
            (Lang::Zh, DirectoryNotYet) => "通讯录将在首次联网时下载。",
            (Lang::En, Departments) => "Departments",
            (Lang::Zh, Departments) => "部门",
            (Lang::En, Position) => "Position",
            (Lang::Zh, Position) => "职务",
            (Lang::En, LeaderOf) => "Leads",
            (Lang::Zh, LeaderOf) => "负责部门",
            (Lang::En, DirectLeader) => "Direct leader",
            (Lang::Zh, DirectLeader) => "直属上级",
            (Lang::En, Account) => "Account",
            (Lang::Zh, Account) => "账号",
            (Lang::En, Mobile) => "Mobile",
            (Lang::Zh, Mobile) => "手机",
            (Lang::En, Email) => "Email",
            (Lang::Zh, Email) => "邮箱",
            (Lang::En, SendMessage) => "Message",
            (Lang::Zh, SendMessage) => "发消息",
            (Lang::En, PersonNotVisible) => "This person is not in your directory.",
            (Lang::Zh, PersonNotVisible) => "通讯录中没有此人。",
            (Lang::En, StatusDisabled) => "Account disabled",
            (Lang::Zh, StatusDisabled) => "账号已停用",
            (Lang::En, StatusInvited) => "Invited, not signed in yet",
            (Lang::Zh, StatusInvited) => "已邀请，尚未登录",
            (Lang::En, NarrowSearch) => "Showing the first 100 — type to narrow the list.",
            (Lang::Zh, NarrowSearch) => "仅显示前 100 人，请输入关键字缩小范围。",
            (Lang::En, NoPeopleFound) => "No one found.",
            (Lang::Zh, NoPeopleFound) => "没有找到此人。",
            (Lang::En, PeopleFound) => "People found",
            (Lang::Zh, PeopleFound) => "搜索结果",
            (Lang::En, MentionSomeone) => "Mention someone",
            (Lang::Zh, MentionSomeone) => "提及成员",
            (Lang::En, Everyone) => "everyone",
            (Lang::Zh, Everyone) => "所有人",
        }
    }
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn provide() -> Self {
        let i18n = Self { lang: RwSignal::new(Lang::detect()) };
        i18n.lang.get_untracked().remember();
        provide_context(i18n);
        i18n
    }

    /// A reactive text: re-renders when the language changes.
    pub fn t(self, text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }

    pub fn toggle(self) {
        self.lang.update(|lang| *lang = lang.other());
        self.lang.get_untracked().remember();
    }
}

/// The language context; provided by the app root.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().expect("I18n context is provided by App; a component was mounted outside it")
}
