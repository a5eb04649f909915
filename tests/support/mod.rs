//! What several browser test files share: the signed-in session of the demo member 张三.

use weft::session::Session;
use weft_protocol::auth::{MemberProfile, Role, SessionTerms};
use weft_protocol::{MemberId, SessionId};

/// 张三's session (member id 3) with the given session id and terms.
pub fn zhangsan_session(session_id: u128, terms: Option<SessionTerms>) -> Session {
    Session {
        token: "secret-token".into(),
        session_id: SessionId(uuid::Uuid::from_u128(session_id)),
        me: MemberProfile {
            id: MemberId(uuid::Uuid::from_u128(3)),
            userid: "zhangsan".into(),
            name: "张三".into(),
            alias: "Zhang San".into(),
            position: String::new(),
            department: String::new(),
            role: Role::Member,
            admin_scope: None,
        },
        terms,
    }
}
