//! The API reference page (`/api/reference`): the OpenAPI document rendered once, at start, as
//! one plain HTML page (no script, works offline and under a strict policy), grouped by tag with
//! every operation's parameters, body and answers, and every schema's fields.

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::fmt::Write as _;

/// Only the page's own inline style; nothing else may load or run.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; \
frame-ancestors 'none'";

const METHODS: [&str; 6] = ["get", "post", "put", "patch", "delete", "head"];

/// The JSON document, served as such.
pub fn json_response(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// The rendered page, with its own Content-Security-Policy.
pub fn html_response(body: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_POLICY)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// Renders the whole reference page.
pub fn render(document: &utoipa::openapi::OpenApi) -> String {
    let document = serde_json::to_value(document).expect("an OpenAPI document always serialises");
    let mut page = String::with_capacity(256 * 1024);
    let title = text(&document["info"]["title"]);
    let prefix = text(&document["servers"][0]["url"]);
    let _ = write!(
        page,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} reference · API 参考</title><style>{STYLE}</style></head><body>\
<header><h1>{title} reference <span lang=\"zh\">API 参考</span></h1>\
<p>Version {version} · OpenAPI {openapi}</p><p>{description}</p>\
<p><a href=\"{prefix}/openapi.json\" download=\"weft-openapi.json\">Download the OpenAPI document \
<span lang=\"zh\">下载 OpenAPI 文档</span></a> — generate a client from it with any OpenAPI tool.</p></header>",
        version = escape(&text(&document["info"]["version"])),
        openapi = escape(&text(&document["openapi"])),
        description = inline_code(&escape(&text(&document["info"]["description"]))),
        title = escape(&title),
        prefix = escape(&prefix),
    );
    let tags = tags_in_order(&document);
    page.push_str("<nav aria-label=\"Contents 目录\"><h2>Contents <span lang=\"zh\">目录</span></h2><ul>");
    for (name, description) in &tags {
        let _ = write!(
            page,
            "<li><a href=\"#tag-{anchor}\">{name}</a> — {description}</li>",
            anchor = anchor(name),
            name = escape(name),
            description = escape(description)
        );
    }
    page.push_str("<li><a href=\"#schemas\">Schemas <span lang=\"zh\">数据结构</span></a></li></ul></nav><main>");
    for (name, description) in &tags {
        let _ = write!(
            page,
            "<section id=\"tag-{anchor}\" aria-labelledby=\"tag-{anchor}-title\"><h2 id=\"tag-{anchor}-title\">{name}</h2><p>{description}</p>",
            anchor = anchor(name),
            name = escape(name),
            description = escape(description)
        );
        for (path, method, operation) in operations(&document) {
            if operation["tags"].as_array().is_some_and(|tags| tags.iter().any(|tag| tag == name.as_str())) {
                render_operation(&mut page, &document, &prefix, path, method, operation);
            }
        }
        page.push_str("</section>");
    }
    render_schemas(&mut page, &document);
    page.push_str("</main></body></html>");
    page
}

/// Tags as the document lists them, then any an operation names that the list lacks.
fn tags_in_order(document: &Value) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| (text(&tag["name"]), text(&tag["description"])))
        .collect();
    for (_, _, operation) in operations(document) {
        for tag in operation["tags"].as_array().into_iter().flatten() {
            let tag = text(tag);
            if !tags.iter().any(|(name, _)| *name == tag) {
                tags.push((tag, String::new()));
            }
        }
    }
    tags
}

fn operations(document: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    document["paths"].as_object().into_iter().flatten().flat_map(|(path, item)| {
        METHODS.iter().filter_map(move |method| item.get(*method).map(|operation| (path.as_str(), *method, operation)))
    })
}

fn render_operation(page: &mut String, document: &Value, prefix: &str, path: &str, method: &str, operation: &Value) {
    let id = text(&operation["operationId"]);
    let signed_in = !operation["security"]
        .as_array()
        .is_some_and(|list| list.iter().all(|entry| entry == &Value::Object(Default::default())));
    let _ = write!(
        page,
        "<article id=\"op-{anchor}\" aria-labelledby=\"op-{anchor}-title\"><h3 id=\"op-{anchor}-title\"><span class=\"method {method}\">{upper}</span> \
<code>{prefix}{path}</code></h3><p class=\"summary\">{summary}</p>",
        anchor = anchor(&format!("{method}-{path}")),
        upper = method.to_uppercase(),
        prefix = escape(prefix),
        path = escape(path),
        summary = inline_code(&escape(&text(&operation["summary"]))),
    );
    let description = text(&operation["description"]);
    if !description.is_empty() {
        let _ = write!(page, "<p>{}</p>", inline_code(&escape(&description)));
    }
    let _ = write!(
        page,
        "<p class=\"facts\">{} · operation <code>{}</code></p>",
        if signed_in { "Needs a session token 需要登录" } else { "Open to anyone 无需登录" },
        escape(&id)
    );
    if let Some(parameters) = operation["parameters"].as_array().filter(|list| !list.is_empty()) {
        page.push_str("<table><caption>Parameters 参数</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Required</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        for parameter in parameters {
            let _ = write!(
                page,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&text(&parameter["name"])),
                escape(&text(&parameter["in"])),
                type_of(&parameter["schema"]),
                if parameter["required"] == true { "yes" } else { "no" },
                inline_code(&escape(&text(&parameter["description"]))),
            );
        }
        page.push_str("</tbody></table>");
    }
    if let Some(content) = operation["requestBody"]["content"].as_object() {
        page.push_str("<h4>Request body 请求体</h4><ul>");
        for (media, body) in content {
            let _ = write!(page, "<li><code>{}</code>: {}</li>", escape(media), type_of(&body["schema"]));
        }
        page.push_str("</ul>");
    }
    page.push_str("<table><caption>Responses 响应</caption><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Meaning</th><th scope=\"col\">Body</th></tr></thead><tbody>");
    for (status, response) in operation["responses"].as_object().into_iter().flatten() {
        let response = resolve(document, response);
        let bodies: Vec<String> = response["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media, body)| format!("<code>{}</code> {}", escape(media), type_of(&body["schema"])))
            .collect();
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(status),
            inline_code(&escape(&text(&response["description"]))),
            if bodies.is_empty() { "—".to_owned() } else { bodies.join("<br>") },
        );
    }
    page.push_str("</tbody></table></article>");
}

fn render_schemas(page: &mut String, document: &Value) {
    page.push_str("<section id=\"schemas\" aria-labelledby=\"schemas-title\"><h2 id=\"schemas-title\">Schemas <span lang=\"zh\">数据结构</span></h2>");
    for (name, schema) in document["components"]["schemas"].as_object().into_iter().flatten() {
        let _ = write!(
            page,
            "<article id=\"schema-{anchor}\" aria-labelledby=\"schema-{anchor}-title\"><h3 id=\"schema-{anchor}-title\">{name}</h3>",
            anchor = anchor(name),
            name = escape(name)
        );
        let description = text(&schema["description"]);
        if !description.is_empty() {
            let _ = write!(page, "<p>{}</p>", inline_code(&escape(&description)));
        }
        render_schema_body(page, schema);
        page.push_str("</article>");
    }
    page.push_str("</section>");
}

fn render_schema_body(page: &mut String, schema: &Value) {
    if let Some(properties) = schema["properties"].as_object() {
        let required: Vec<&str> =
            schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        page.push_str("<table><caption>Fields 字段</caption><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Required</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        for (field, property) in properties {
            let _ = write!(
                page,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(field),
                type_of(property),
                if required.contains(&field.as_str()) { "yes" } else { "no" },
                inline_code(&escape(&text(&property["description"]))),
            );
        }
        page.push_str("</tbody></table>");
    } else if let Some(variants) = schema["oneOf"].as_array().or_else(|| schema["anyOf"].as_array()) {
        page.push_str("<p>One of:</p><ul>");
        for variant in variants {
            let _ = write!(page, "<li>{}", type_of(variant));
            let description = text(&variant["description"]);
            if !description.is_empty() {
                let _ = write!(page, " — {}", inline_code(&escape(&description)));
            }
            if variant["properties"].is_object() {
                render_schema_body(page, variant);
            }
            page.push_str("</li>");
        }
        page.push_str("</ul>");
    } else {
        let _ = write!(page, "<p>{}</p>", type_of(schema));
    }
}

/// A short type expression for a schema, with links to named schemas.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{}\">{}</a>", anchor(name), escape(name));
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> =
            values.iter().map(|value| format!("<code>{}</code>", escape(&value.to_string()))).collect();
        return format!("one of {}", values.join(", "));
    }
    if let Some(variants) = schema["oneOf"].as_array().or_else(|| schema["anyOf"].as_array()) {
        let variants: Vec<String> = variants.iter().map(type_of).collect();
        return variants.join(" | ");
    }
    if let Some(parts) = schema["allOf"].as_array() {
        return parts.iter().map(type_of).collect::<Vec<_>>().join(" & ");
    }
    let kinds: Vec<String> = match &schema["type"] {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds.iter().map(text).collect(),
        _ => Vec::new(),
    };
    let named: Vec<String> = kinds
        .iter()
        .map(|kind| match kind.as_str() {
            "array" => format!("array of {}", type_of(&schema["items"])),
            "object" if schema["additionalProperties"].is_object() => {
                format!("map of {}", type_of(&schema["additionalProperties"]))
            }
            "string" | "integer" | "number" => match schema["format"].as_str() {
                Some(format) => format!("{kind} ({})", escape(format)),
                None => kind.clone(),
            },
            _ => escape(kind),
        })
        .collect();
    if named.is_empty() { "any JSON value".to_owned() } else { named.join(" or ") }
}

/// Follows a `$ref` to a shared response.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str().and_then(|reference| reference.strip_prefix("#/components/responses/")) {
        Some(name) => &document["components"]["responses"][name],
        None => value,
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An id-safe form of a name.
fn anchor(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

fn escape(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Turns `backtick` spans of already escaped text into `<code>`.
fn inline_code(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    for (index, part) in escaped.split('`').enumerate() {
        if index % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#57606a;--line:#d0d7de;--accent:#0a5bd3;--code:#f3f4f6}\
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9ea7b3;--line:#30363d;--accent:#6cb6ff;--code:#161b22}}\
body{margin:0 auto;max-width:70rem;padding:1rem;font:16px/1.5 system-ui,'PingFang SC','Microsoft YaHei',sans-serif;color:var(--fg);background:var(--bg)}\
a{color:var(--accent)}a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}\
code{font-family:ui-monospace,monospace;background:var(--code);padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}\
h3{font-size:1.05rem;overflow-wrap:anywhere}article{border-top:1px solid var(--line);padding:.5rem 0}\
.method{display:inline-block;min-width:4.5em;font-family:ui-monospace,monospace;font-weight:700}\
.summary{font-weight:600}.facts{color:var(--muted);font-size:.9rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem;display:block;overflow-x:auto}\
caption{text-align:left;font-weight:600}th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}";
