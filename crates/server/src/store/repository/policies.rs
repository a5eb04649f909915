//! The workspace's policies in SQL: one JSON value in `workspace_settings`.

use super::{SqlStore, corrupt};
use crate::store::sql::{OptionalExtension, params};
use crate::store::{PolicyStore, StoreResult};
use weft_protocol::Millis;
use weft_protocol::policy::WorkspacePolicies;

const POLICIES_KEY: &str = "workspace_policies";

impl PolicyStore for SqlStore {
    fn workspace_policies(&self) -> StoreResult<Option<WorkspacePolicies>> {
        let stored: Option<String> = self
            .read()
            .query_row("SELECT value FROM workspace_settings WHERE key = ?1", [POLICIES_KEY], |row| row.get(0))
            .optional()?;
        stored.map(|json| serde_json::from_str(&json).map_err(|err| corrupt(&err.to_string()))).transpose()
    }

    fn set_workspace_policies(&self, policies: &WorkspacePolicies, now: Millis) -> StoreResult<()> {
        let json = serde_json::to_string(policies).map_err(|err| corrupt(&err.to_string()))?;
        self.conn().execute(
            "INSERT INTO workspace_settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![POLICIES_KEY, json, now],
        )?;
        Ok(())
    }
}
