//! The approval template editor (`/admin/templates/new`, `/admin/templates/<id>`): name, icon and
//! description, the form's fields (`template_controls`), the approval chain (`template_chain`),
//! and saving — checked first with the protocol's `validate_template`, then sent as a new template
//! or a new version. Problems, the server's 422 included, are shown beside what they concern, the
//! rest listed at the top. The draft lives in the console's context, so leaving the page or
//! failing to save (offline) keeps it.

use super::chain::ChainSection;
use super::controls::ControlsSection;
use crate::api::ApiError;
use crate::features::admin::components::NoticeLine;
use crate::features::admin::model::Notice;
use crate::features::admin::state::use_admin;
use crate::features::admin::templates::draft::{Place, Problem, TemplateDraft};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use weft_protocol::{ErrorCode, TemplateId};

/// The template being edited, kept by the console across pages; `saved` is the confirmation the
/// templates list shows after a save.
#[derive(Clone, Copy)]
pub struct TemplateEditing {
    pub draft: RwSignal<TemplateDraft>,
    /// A draft is in progress (for `draft.editing`, or a new template).
    pub open: RwSignal<bool>,
    pub saved: RwSignal<Option<Notice>>,
}

impl TemplateEditing {
    pub fn new() -> Self {
        Self { draft: RwSignal::new(TemplateDraft::new(None)), open: RwSignal::new(false), saved: RwSignal::new(None) }
    }

    /// Whether the open draft is for `target` (`None`: a new template).
    fn holds(self, target: Option<TemplateId>) -> bool {
        self.open.get_untracked() && self.draft.with_untracked(|d| d.editing.map(|(id, _)| id)) == target
    }
}

impl Default for TemplateEditing {
    fn default() -> Self {
        Self::new()
    }
}

/// What the editor pieces share: the draft and the problems found when saving.
#[derive(Clone, Copy)]
pub struct Editor {
    pub draft: RwSignal<TemplateDraft>,
    pub problems: RwSignal<Vec<Problem>>,
}

impl Editor {
    /// The problems shown at `place`, joined; empty when there are none.
    pub fn problems_at(self, place: Place) -> impl Fn() -> String + Clone + Send + Sync + 'static {
        let i18n = use_i18n();
        move || {
            let lang = i18n.lang.get();
            self.problems.with(|all| {
                all.iter().filter(|p| p.place == place).map(|p| p.render(lang)).collect::<Vec<_>>().join(" ")
            })
        }
    }

    /// `aria-invalid` of the input whose problems show at `place`.
    pub fn invalid_at(self, place: Place) -> impl Fn() -> String + Clone + Send + Sync + 'static {
        move || self.problems.with(|all| all.iter().any(|p| p.place == place)).to_string()
    }

    pub fn edit(self, change: impl FnOnce(&mut TemplateDraft)) {
        self.draft.update(change);
    }
}

/// A problem line under a field or section: `id` is what `aria-describedby` names.
#[component]
pub fn ProblemLine(#[prop(into)] id: String, text: Signal<String>) -> impl IntoView {
    view! { <p class="field-error" id=id>{move || text.get()}</p> }
}

#[component]
pub fn TemplateEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let session = use_session();
    let params = use_params_map();
    let editing = admin.templates;
    // `None` for a new template, else the template to edit; an unreadable address is not found.
    let target = Memo::new(move |_| {
        params.with(|p| match p.get("id").as_deref() {
            Some("new") => Some(None),
            Some(id) => id.parse::<TemplateId>().ok().map(Some),
            None => None,
        })
    });
    let load_error = RwSignal::new(None::<Notice>);
    Effect::new(move |_| {
        let Some(target) = target.get() else {
            load_error.set(Some(Notice::Text(Text::TemplateNotFound)));
            return;
        };
        load_error.set(None);
        if editing.holds(target) {
            return;
        }
        editing.open.set(false);
        match target {
            None => {
                let me = session.0.with_untracked(|s| s.as_ref().map(|s| s.me.id));
                editing.draft.set(TemplateDraft::new(me));
                editing.open.set(true);
            }
            Some(id) => {
                let Some(api) = admin.api() else { return };
                spawn_local(async move {
                    let result = api.approval_template(id).await;
                    // The administrator may have left the page meanwhile.
                    if load_error.is_disposed() {
                        return;
                    }
                    match result {
                        Ok(template) => {
                            editing.draft.set(TemplateDraft::from_template(&template));
                            editing.open.set(true);
                        }
                        Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                            load_error.set(Some(Notice::Text(Text::TemplateNotFound)))
                        }
                        Err(ApiError::Network) => load_error.set(Some(Notice::Text(Text::TemplatesNeedServer))),
                        Err(error) => load_error.set(Some(Notice::of(&error))),
                    }
                });
            }
        }
    });
    let ready = move || {
        editing.open.get() && target.get().is_some_and(|t| editing.draft.with(|d| d.editing.map(|(id, _)| id)) == t)
    };
    let creating = move || target.get() == Some(None);

    view! {
        <section class="admin-section template-editor" aria-labelledby="template-editor-title">
            <h2 id="template-editor-title">
                {move || if creating() { Text::TemplateNew } else { Text::TemplateEdit }.in_lang(i18n.lang.get())}
            </h2>
            <p><a href="/admin/templates">{i18n.t(Text::TemplateBackToList)}</a></p>
            <NoticeLine notice=load_error/>
            <Show when=ready fallback=move || view! {
                <Show when=move || load_error.with(Option::is_none)>
                    <p class="hint">{i18n.t(Text::ApprovalLoading)}</p>
                </Show>
            }>
                <TemplateForm/>
            </Show>
        </section>
    }
}

#[component]
fn TemplateForm() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let navigate = use_navigate();
    let editing = admin.templates;
    let editor = Editor { draft: editing.draft, problems: RwSignal::new(Vec::new()) };
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    let version = move || editor.draft.with(|d| d.editing.map(|(_, version)| version));

    let save = {
        let navigate = navigate.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            if busy.get_untracked() {
                return;
            }
            notice.set(None);
            let spec = match editor.draft.with_untracked(TemplateDraft::to_spec) {
                Ok(spec) => spec,
                Err(found) => {
                    editor.problems.set(found);
                    return;
                }
            };
            editor.problems.set(Vec::new());
            let Some(api) = admin.api() else { return };
            let target = editor.draft.with_untracked(|d| d.editing.map(|(id, _)| id));
            busy.set(true);
            let navigate = navigate.clone();
            spawn_local(async move {
                let result = match target {
                    Some(id) => api.update_template(id, &spec).await,
                    None => api.create_template(&spec).await,
                };
                // `Some` when the page is gone: the server has the answer, nothing is left to show.
                if busy.try_set(false).is_some() {
                    return;
                }
                match result {
                    Ok(_) => {
                        editing.open.set(false);
                        editing.saved.set(Some(Notice::Text(Text::TemplateSaved)));
                        navigate("/admin/templates", Default::default());
                    }
                    Err(ApiError::Server { body, .. }) if body.code == ErrorCode::InvalidField => {
                        editor.problems.set(editor.draft.with_untracked(|d| d.server_problems(&body)));
                    }
                    Err(error) => notice.set(Some(Notice::of(&error))),
                }
            });
        }
    };
    let cancel = move |_| {
        editing.open.set(false);
        navigate("/admin/templates", Default::default());
    };
    let unplaced = move || {
        let lang = i18n.lang.get();
        editor
            .problems
            .with(|all| all.iter().filter(|p| p.place == Place::Form).map(|p| p.render(lang)).collect::<Vec<_>>())
    };
    let name_problem = Signal::derive(editor.problems_at(Place::Name));

    view! {
        <form class="template-form" on:submit=save novalidate=true aria-labelledby="template-editor-title">
            <Show when=move || version().is_some()>
                <p class="hint">
                    {move || {
                        let lang = i18n.lang.get();
                        format!(
                            "{} {}. {}",
                            Text::TemplateEditingVersion.in_lang(lang),
                            version().unwrap_or_default(),
                            Text::TemplateNewVersionHint.in_lang(lang)
                        )
                    }}
                </p>
            </Show>
            <div class="form-error" role="alert">
                <Show when=move || editor.problems.with(|p| !p.is_empty())>
                    <p>{i18n.t(Text::TemplateFixProblems)}</p>
                    <ul>{move || unplaced().into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}</ul>
                </Show>
            </div>
            <fieldset class="template-section">
                <legend>{i18n.t(Text::TemplateBasics)}</legend>
                <label for="template-name">{i18n.t(Text::TemplateNameLabel)}</label>
                <input
                    id="template-name"
                    type="text"
                    maxlength="50"
                    autocomplete="off"
                    prop:value=move || editor.draft.with(|d| d.name.clone())
                    on:input=move |ev| editor.edit(|d| d.name = event_target_value(&ev))
                    aria-invalid=editor.invalid_at(Place::Name)
                    aria-describedby="template-name-error"
                />
                <ProblemLine id="template-name-error" text=name_problem/>
                <label for="template-icon">{i18n.t(Text::TemplateIconLabel)}</label>
                <input
                    id="template-icon"
                    type="text"
                    maxlength="16"
                    autocomplete="off"
                    class="template-form__icon"
                    prop:value=move || editor.draft.with(|d| d.icon.clone())
                    on:input=move |ev| editor.edit(|d| d.icon = event_target_value(&ev))
                />
                <label for="template-description">{i18n.t(Text::TemplateDescription)}</label>
                <textarea
                    id="template-description"
                    rows="2"
                    maxlength="500"
                    prop:value=move || editor.draft.with(|d| d.description.clone())
                    on:input=move |ev| editor.edit(|d| d.description = event_target_value(&ev))
                ></textarea>
            </fieldset>
            <ControlsSection editor=editor/>
            <ChainSection editor=editor/>
            <NoticeLine notice=notice/>
            <div class="admin-form__actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::TemplateSave)}</button>
                <button type="button" on:click=cancel>{i18n.t(Text::TemplateDiscard)}</button>
            </div>
        </form>
    }
}
