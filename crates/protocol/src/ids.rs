//! Typed identifiers: UUIDs wrapped so a member id can never be passed as a message id.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// A member (person) of the organisation.
    MemberId
);
typed_id!(
    /// A direct or group conversation.
    ConversationId
);
typed_id!(
    /// A message, assigned by the server.
    MessageId
);
typed_id!(
    /// A signed-in session (one device, one browser profile).
    SessionId
);
typed_id!(
    /// A client-generated id carried by every mutation, so retries are de-duplicated.
    ClientId
);
typed_id!(
    /// An uploaded file.
    AttachmentId
);
typed_id!(
    /// An approval template (its versions share the id).
    TemplateId
);
typed_id!(
    /// An outgoing webhook an administrator registered.
    WebhookId
);
typed_id!(
    /// A group robot (its webhook key is a separate secret).
    RobotId
);
typed_id!(
    /// A kiosk enrolment code (the id, not the secret code itself).
    KioskCodeId
);
typed_id!(
    /// A submitted approval request.
    ApprovalId
);
