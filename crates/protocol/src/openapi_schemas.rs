//! OpenAPI schemas of the wire types whose JSON form is written by hand rather than derived
//! (the `openapi` feature only: the server describes its API, the app never needs this).

use crate::approval::{Decimal, RequestStatus};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

impl utoipa::PartialSchema for Decimal {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$"))
            .description(Some("An exact decimal number written as a string, such as \"-12.50\"."))
            .examples(["1280.50"])
            .into()
    }
}

impl utoipa::ToSchema for Decimal {}

impl utoipa::PartialSchema for RequestStatus {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Integer))
            .enum_values(Some([1, 2, 3, 4]))
            .description(Some("1 in review, 2 approved, 3 rejected, 4 withdrawn (WeCom's numbers)."))
            .into()
    }
}

impl utoipa::ToSchema for RequestStatus {}
