//! A message an integration app or a group robot posted: its text, WeCom's markdown subset (read
//! into blocks by `weft_protocol::bot`, rendered as elements, never as HTML), a text card whose
//! button opens its web address in a new tab, or news (linked articles). A robot's picture is the
//! message's attachment, shown like any other.

use leptos::prelude::*;
use weft_protocol::bot::{Block, BlockKind, BotContent, BotMessage, Span, Tone, markdown_blocks, strip_tags};

fn span_view(span: Span) -> AnyView {
    let tone = match span.tone {
        Some(Tone::Info) => "bot-md__tone--info",
        Some(Tone::Comment) => "bot-md__tone--comment",
        Some(Tone::Warning) => "bot-md__tone--warning",
        None => "",
    };
    let inner = if span.code {
        view! { <code>{span.text}</code> }.into_any()
    } else if span.bold {
        view! { <strong>{span.text}</strong> }.into_any()
    } else {
        span.text.into_any()
    };
    match span.link {
        Some(href) => view! {
            <a class=tone href=href target="_blank" rel="noopener noreferrer">{inner}</a>
        }
        .into_any(),
        None if tone.is_empty() => inner,
        None => view! { <span class=tone>{inner}</span> }.into_any(),
    }
}

fn block_view(block: Block) -> AnyView {
    let spans = block.spans.into_iter().map(span_view).collect_view();
    match block.kind {
        BlockKind::Heading(level) => {
            let class = format!("bot-md__heading bot-md__heading--{}", level.min(3));
            view! { <p class=class>{spans}</p> }.into_any()
        }
        BlockKind::Quote => view! { <blockquote class="bot-md__quote">{spans}</blockquote> }.into_any(),
        BlockKind::Paragraph => view! { <p>{spans}</p> }.into_any(),
    }
}

#[component]
pub fn BotMessageView(bot: BotMessage) -> impl IntoView {
    match bot.content {
        BotContent::Text { content } => view! { <bdi class="message__text">{content}</bdi> }.into_any(),
        BotContent::Markdown { content } => view! {
            <div class="message__text bot-md">{markdown_blocks(&content).into_iter().map(block_view).collect_view()}</div>
        }
        .into_any(),
        BotContent::TextCard { title, description, url, button } => {
            let lines = strip_tags(&description);
            let link = weft_protocol::bot::is_web_url(&url).then(|| {
                view! {
                    <a class="bot-card__button" href=url target="_blank" rel="noopener noreferrer">{button}</a>
                }
            });
            view! {
                <div class="bot-card">
                    <p class="bot-card__title">{title}</p>
                    {lines.lines().map(|line| view! { <p class="bot-card__line">{line.to_owned()}</p> }).collect_view()}
                    {link}
                </div>
            }
            .into_any()
        }
        BotContent::News { articles } => view! {
            <ul class="bot-news">
                {articles.into_iter().map(|article| {
                    let title = if weft_protocol::bot::is_web_url(&article.url) {
                        view! { <a href=article.url target="_blank" rel="noopener noreferrer">{article.title}</a> }.into_any()
                    } else {
                        article.title.into_any()
                    };
                    view! {
                        <li class="bot-card">
                            <p class="bot-card__title">{title}</p>
                            <p class="bot-card__line">{article.description}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
        BotContent::Image => ().into_any(),
    }
}
