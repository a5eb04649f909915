//! The OpenAPI description of `/api/v1`: the handlers' own annotations (collected as the router
//! is built, so a route cannot exist without its description), completed with what every
//! operation shares: the session token, the `{code, message}` error body, the server prefix.

use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder, ServerBuilder};
use weft_protocol::ErrorBody;

/// Where the JSON document is served, under `/api/v1`.
pub const DOCUMENT_PATH: &str = "/openapi.json";
/// Where the rendered reference page is served.
pub const REFERENCE_PATH: &str = "/api/reference";
/// The name of the security scheme every signed-in route requires.
const SESSION_SCHEME: &str = "session";
/// The shared response every operation may answer with when it refuses.
const REFUSED_RESPONSE: &str = "Refused";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Weft workspace API",
        description = "The API the Weft app itself uses: conversations and messages, the directory, \
approvals, files, sessions and the administrator's console. Every call but signing in needs \
`Authorization: Bearer <token>` from `POST /auth/login`. Failures answer with a JSON body \
`{code, message}` (plus `reason` when a rule refused, `problems` when fields were wrong). \
The WeCom-compatible API under `/cgi-bin/` is described separately (see the README).",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    // ApprovalBox is named only by a query parameter, which does not collect its schema.
    components(schemas(ErrorBody, weft_protocol::approval::ApprovalBox)),
    tags(
        (name = "session", description = "Signing in and out, this member's sessions and devices"),
        (name = "conversations", description = "Direct chats and groups"),
        (name = "messages", description = "Sending, history, recall, read state and search"),
        (name = "notifications", description = "Web Push: the VAPID key, this device's subscription, notification settings"),
        (name = "confidential", description = "Confidential conversations and their deterrents"),
        (name = "robots", description = "Group robots (their posts arrive through /cgi-bin/webhook/send)"),
        (name = "files", description = "Uploads, previews and signed download links"),
        (name = "directory", description = "The organisation as the caller may see it"),
        (name = "approvals", description = "Templates and requests"),
        (name = "sync", description = "The offline copy: bootstrap, the change feed, the live socket"),
        (name = "admin", description = "Members, departments and visibility (administrators)"),
        (name = "admin-sessions", description = "Sessions, session policies and kiosk codes (administrators)"),
        (name = "admin-policies", description = "The workspace's policies: recall window, group size, files (administrators)"),
        (name = "audit", description = "The audit log (administrators)"),
        (name = "integrations", description = "Integration apps and outgoing webhooks (administrators)"),
    )
)]
struct Base;

/// The base document the routers' paths are merged into.
pub fn base() -> Document {
    Base::openapi()
}

/// Completes the collected document: server prefix, session scheme, and the error response on
/// every operation.
pub fn complete(mut document: Document) -> Document {
    document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    document.servers = Some(vec![ServerBuilder::new().url(weft_protocol::API_PREFIX).build()]);
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SESSION_SCHEME,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The token `POST /auth/login` returns."))
                .build(),
        ),
    );
    components.responses.insert(
        REFUSED_RESPONSE.to_owned(),
        RefOr::T(
            ResponseBuilder::new()
                .description("Refused: a JSON error body saying why (`code`, `message`, and `reason` or `problems`).")
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build(),
        ),
    );
    document.security =
        Some(vec![utoipa::openapi::security::SecurityRequirement::new(SESSION_SCHEME, Vec::<String>::new())]);
    let mut names = std::collections::HashMap::<String, usize>::new();
    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            *names.entry(operation.operation_id.clone().unwrap_or_default()).or_default() += 1;
        }
    }
    for (path, item) in &mut document.paths.paths {
        for operation in operations_mut(item) {
            operation
                .responses
                .responses
                .entry("4XX".to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(REFUSED_RESPONSE)));
            let handler = operation.operation_id.clone().unwrap_or_default();
            if names.get(&handler).copied().unwrap_or(0) > 1 {
                operation.operation_id = Some(qualified_id(&handler, path));
            }
            split_summary(operation);
        }
    }
    document
}

/// A handler's name made unique by its path (`list` at `/admin/webhooks` → `list_admin_webhooks`).
fn qualified_id(handler: &str, path: &str) -> String {
    let words: Vec<String> = path
        .split('/')
        .filter(|part| !part.is_empty() && !part.starts_with('{'))
        .map(|part| part.replace(['-', '.'], "_"))
        .collect();
    format!("{handler}_{}", words.join("_"))
}

/// The handler's doc comment arrives as one summary paragraph: its first sentence stays the
/// summary, the rest becomes (the start of) the description.
fn split_summary(operation: &mut Operation) {
    let Some(summary) = operation.summary.take() else { return };
    let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = summary
        .match_indices(". ")
        .map(|(at, _)| at + 1)
        .find(|&at| !summary[..at].ends_with("e.g.") && !summary[..at].ends_with("i.e."));
    let (first, rest) = match cut {
        Some(at) => (summary[..at].to_owned(), summary[at..].trim().to_owned()),
        None => (summary, String::new()),
    };
    operation.summary = Some(first);
    let description = [rest, operation.description.take().unwrap_or_default()]
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    operation.description = (!description.is_empty()).then_some(description);
}

fn operations_mut(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch, &mut item.head]
        .into_iter()
        .filter_map(Option::as_mut)
}

/// The document as served: JSON and the rendered reference page, made once per process (the
/// description is fixed at build time, and tests build the router for every request).
pub struct Published {
    pub json: axum::body::Bytes,
    pub page: axum::body::Bytes,
}

/// The published forms of the document, made on first use.
pub fn published() -> &'static Published {
    static PUBLISHED: std::sync::OnceLock<Published> = std::sync::OnceLock::new();
    PUBLISHED.get_or_init(|| {
        let (_, document) = crate::routes::api();
        Published {
            json: serde_json::to_vec_pretty(&document).expect("an OpenAPI document always serialises").into(),
            page: crate::openapi_page::render(&document).into(),
        }
    })
}

/// The complete document as pretty JSON (what `weft-server openapi` prints).
pub fn document_json() -> String {
    let (_, document) = crate::routes::api();
    serde_json::to_string_pretty(&document).expect("an OpenAPI document always serialises")
}

/// A body of raw bytes (an uploaded file, a downloaded one, a picture), as the description names
/// it: a binary string rather than an array of numbers.
pub struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::Type(utoipa::openapi::schema::Type::String))
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Binary,
            )))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}
