//! Request bodies as WeCom clients send them: JSON whether or not a Content-Type says so, and
//! numbers that may come as strings (or strings as numbers).

use super::{WecomError, errcode};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde_json::Value;

/// A JSON object body, read without looking at the Content-Type.
pub struct WecomBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for WecomBody {
    type Rejection = WecomError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| WecomError::new(errcode::DATA_FORMAT, "data format error: the body could not be read"))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(value @ Value::Object(_)) => Ok(Self(value)),
            _ => Err(WecomError::new(errcode::DATA_FORMAT, "data format error: the body is not a JSON object")),
        }
    }
}

impl WecomBody {
    /// An integer field, given as a number or a string of digits; absent or null is None.
    pub fn int(&self, key: &str) -> Result<Option<i64>, WecomError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number.as_i64().map(Some).ok_or_else(|| invalid(key)),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| invalid(key)),
            Some(_) => Err(invalid(key)),
        }
    }

    /// A text field; absent or null is None (numbers are taken as their digits).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }
}

fn invalid(key: &str) -> WecomError {
    WecomError::new(errcode::INVALID_PARAMETER, format!("invalid parameter: {key}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_may_come_as_strings_and_strings_as_numbers() {
        let body = WecomBody(json!({ "a": 5, "b": "7", "c": " ", "d": "x", "e": null, "f": 12 }));
        assert_eq!(body.int("a").ok(), Some(Some(5)));
        assert_eq!(body.int("b").ok(), Some(Some(7)));
        assert_eq!(body.int("c").ok(), Some(None));
        assert!(body.int("d").is_err());
        assert_eq!(body.int("e").ok(), Some(None));
        assert_eq!(body.int("missing").ok(), Some(None));
        assert_eq!(body.text("f").as_deref(), Some("12"));
    }
}
