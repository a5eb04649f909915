//! `StoreError`: the one error type of the offline store. IndexedDB failures keep the
//! `DomException` name (`QuotaExceededError`, `VersionError`, …) so callers can tell them apart.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// IndexedDB refused: the DOMException name (or "Error") and its message.
    Database { name: String, message: String },
    /// A stored value could not be (de)serialised.
    Serialization(String),
    /// WebCrypto refused: no secure context, a wrong key, or altered bytes.
    Cipher(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Database { name, message } => write!(f, "IndexedDB {name}: {message}"),
            StoreError::Serialization(message) => write!(f, "stored value unreadable: {message}"),
            StoreError::Cipher(message) => write!(f, "encryption: {message}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(err: indexed_db_futures::error::Error) -> Self {
        use indexed_db_futures::error::Error;
        match err {
            Error::DomException(exception) => {
                let exception = web_sys::DomException::from(exception);
                StoreError::Database { name: exception.name(), message: exception.message() }
            }
            Error::Serialisation(inner) => StoreError::Serialization(inner.to_string()),
            other => StoreError::Database { name: "Error".into(), message: other.to_string() },
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(err: indexed_db_futures::error::OpenDbError) -> Self {
        use indexed_db_futures::error::OpenDbError;
        match err {
            OpenDbError::Base(inner) => inner.into(),
            other => StoreError::Database { name: "OpenError".into(), message: other.to_string() },
        }
    }
}
