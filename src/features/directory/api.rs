//! The directory's call: the snapshot of every department and member this member may see.

use crate::api::{Api, ApiError};
use weft_protocol::directory::DirectorySnapshot;

impl Api {
    /// Every department and member this member may see, and the feed position it is current at.
    pub async fn directory(&self) -> Result<DirectorySnapshot, ApiError> {
        self.get("/directory").await
    }
}
