//! Members for the load benchmark (`weft-server --bench-members N`, used by `weft-loadgen`):
//! `bench0001…` in groups of ten, one department, one shared password hashed once.

use crate::auth::hash_password;
use crate::store::{MemberInput, NewMember, Store, StoreError, StoreResult};
use uuid::Uuid;
use weft_protocol::auth::Role;
use weft_protocol::chat::ConversationKind;
use weft_protocol::directory::MemberStatus;
use weft_protocol::{ConversationId, DepartmentId, MemberId, Millis};

/// Every bench member's password (the benchmark runs on a throw-away database).
pub const BENCH_PASSWORD: &str = "weft-bench";
/// Members per bench group.
pub const BENCH_GROUP_SIZE: usize = 10;
/// The department holding the bench members.
const BENCH_DEPARTMENT: &str = "bench";

/// The account name of bench member `n` (counting from 1).
pub fn bench_userid(n: usize) -> String {
    format!("bench{n:04}")
}

/// Adds `count` bench members in groups of [`BENCH_GROUP_SIZE`] (the last group may be smaller),
/// unless the database already has them. Returns how many it added.
pub fn seed_bench(store: &dyn Store, count: usize, now: Millis) -> StoreResult<usize> {
    if count == 0 || store.credentials(&bench_userid(1))?.is_some() {
        return Ok(0);
    }
    store.insert_department(BENCH_DEPARTMENT, "Load benchmark", None, 1_000)?;
    // Hashing is deliberately slow: one hash serves every bench account.
    let password_hash = hash_password(BENCH_PASSWORD).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let mut members = Vec::with_capacity(count);
    for n in 1..=count {
        let id = MemberId(Uuid::now_v7());
        let userid = bench_userid(n);
        store.insert_member(&NewMember {
            id,
            input: MemberInput {
                name: format!("Bench {n:04}"),
                alias: String::new(),
                position: String::new(),
                mobile: String::new(),
                email: format!("{userid}@bench.example"),
                departments: vec![DepartmentId::from(BENCH_DEPARTMENT)],
                main_department: DepartmentId::from(BENCH_DEPARTMENT),
                leader_of: Vec::new(),
                direct_leader: None,
                avatar: String::new(),
                role: Role::Member,
                admin_scope: None,
            },
            userid,
            password_hash: password_hash.clone(),
            status: MemberStatus::Active,
        })?;
        members.push(id);
    }
    for (index, group) in members.chunks(BENCH_GROUP_SIZE).enumerate() {
        let name = format!("Bench group {:03}", index + 1);
        store.seed_conversation(
            ConversationId(Uuid::now_v7()),
            ConversationKind::Group,
            &name,
            group[0],
            group,
            now,
        )?;
    }
    Ok(count)
}
