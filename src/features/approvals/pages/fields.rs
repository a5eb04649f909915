//! The editable fields of a request form, one per control kind, each labelled with its error
//! beside it (table cells: beside the cell, in its row). Values live in one [`RawForm`] signal;
//! File fields are in `file_field`.

use super::file_field::file_field;
use crate::features::approvals::form::{RawForm, RawValue};
use crate::features::directory::components::member_picker::MemberPicker;
use crate::features::directory::state::use_directory;
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::MemberId;
use weft_protocol::approval::{ContactTarget, Control, ControlKind, DatePrecision, FieldError};

/// The signals the fields of one form share: what is typed, the errors shown beside the fields,
/// and how many files are still uploading (the form is not sent while any are).
#[derive(Clone, Copy)]
pub struct FormSignals {
    pub raw: RwSignal<RawForm>,
    pub errors: RwSignal<Vec<FieldError>>,
    pub uploading: RwSignal<usize>,
}

impl FormSignals {
    pub fn new(raw: RawForm) -> Self {
        Self { raw: RwSignal::new(raw), errors: RwSignal::new(Vec::new()), uploading: RwSignal::new(0) }
    }
}

/// Where a value sits: a top-level field, or a cell of a table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Slot {
    table: Option<(String, usize)>,
    id: String,
}

impl Slot {
    pub(super) fn dom_id(&self) -> String {
        match &self.table {
            Some((table, row)) => format!("field-{table}-{row}-{}", self.id),
            None => format!("field-{}", self.id),
        }
    }

    fn row(&self) -> Option<usize> {
        self.table.as_ref().map(|(_, row)| *row)
    }

    pub(super) fn read(&self, raw: &RawForm) -> Option<RawValue> {
        match &self.table {
            None => raw.get(&self.id).cloned(),
            Some((table, row)) => match raw.get(table) {
                Some(RawValue::Rows(rows)) => rows.get(*row).and_then(|cells| cells.get(&self.id).cloned()),
                _ => None,
            },
        }
    }

    pub(super) fn write(&self, raw: &mut RawForm, value: RawValue) {
        match &self.table {
            None => {
                raw.insert(self.id.clone(), value);
            }
            Some((table, row)) => {
                if let Some(RawValue::Rows(rows)) = raw.get_mut(table)
                    && let Some(cells) = rows.get_mut(*row)
                {
                    cells.insert(self.id.clone(), value);
                }
            }
        }
    }
}

fn rows_of(raw: &RawForm, table: &str) -> usize {
    match raw.get(table) {
        Some(RawValue::Rows(rows)) => rows.len(),
        _ => 0,
    }
}

/// A `datetime-local` value with the minutes set to `00` (hour precision).
fn whole_hour(value: String) -> String {
    match value.get(..13) {
        Some(hour) if value.len() >= 16 => format!("{hour}:00"),
        _ => value,
    }
}

/// One field of the form, editable.
pub fn field_view(control: Control, form: FormSignals) -> AnyView {
    slot_view(control, None, form)
}

fn slot_view(control: Control, table: Option<(String, usize)>, form: FormSignals) -> AnyView {
    let FormSignals { raw, errors, .. } = form;
    let i18n = use_i18n();
    let slot = Slot { table, id: control.id.clone() };
    let dom_id = slot.dom_id();
    let error_id = format!("{dom_id}-error");
    let (error_slot, error_row) = (control.id.clone(), slot.row());
    let error_text = move || {
        let lang = i18n.lang.get();
        errors.with(|all| {
            all.iter()
                .filter(|e| e.control_id == error_slot && e.row == error_row)
                .map(|e| crate::features::approvals::words::field_error_text(e, lang))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let invalid = {
        let error_text = error_text.clone();
        move || (!error_text().is_empty()).to_string()
    };
    let title = format!("{}{}", control.title, if control.required { " *" } else { "" });
    let text = {
        let slot = slot.clone();
        move || match raw.with(|r| slot.read(r)) {
            Some(RawValue::Text(text)) => text,
            _ => String::new(),
        }
    };
    let set_text = {
        let slot = slot.clone();
        move |value: String| raw.update(|r| slot.write(r, RawValue::Text(value)))
    };
    let input = |input_type: &'static str, inputmode: Option<&'static str>| {
        let set_text = set_text.clone();
        view! {
            <label for=dom_id.clone()>{title.clone()}</label>
            <input
                id=dom_id.clone()
                type=input_type
                inputmode=inputmode
                placeholder=control.placeholder.clone()
                prop:value=text.clone()
                on:input=move |ev| set_text(event_target_value(&ev))
                aria-invalid=invalid.clone()
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    };
    let body = match control.kind.clone() {
        ControlKind::Text => input("text", None),
        ControlKind::Number { .. } => input("text", Some("decimal")),
        ControlKind::Money { currency } => {
            let set_text = set_text.clone();
            view! {
                <label for=dom_id.clone()>{format!("{title} ({currency})")}</label>
                <input
                    id=dom_id.clone()
                    type="text"
                    inputmode="decimal"
                    placeholder="0.00"
                    prop:value=text.clone()
                    on:input=move |ev| set_text(event_target_value(&ev))
                    aria-invalid=invalid.clone()
                    aria-describedby=error_id.clone()
                />
            }
            .into_any()
        }
        ControlKind::Date { precision: DatePrecision::Day } => input("date", None),
        ControlKind::Date { precision: DatePrecision::Hour } => {
            let set_text = set_text.clone();
            view! {
                <label for=dom_id.clone()>{title.clone()}</label>
                <input
                    id=dom_id.clone()
                    type="datetime-local"
                    step="3600"
                    prop:value=text.clone()
                    on:input=move |ev| set_text(whole_hour(event_target_value(&ev)))
                    aria-invalid=invalid.clone()
                    aria-describedby=error_id.clone()
                />
            }
            .into_any()
        }
        ControlKind::Textarea => {
            let set_text = set_text.clone();
            view! {
                <label for=dom_id.clone()>{title.clone()}</label>
                <textarea
                    id=dom_id.clone()
                    rows="3"
                    placeholder=control.placeholder.clone()
                    prop:value=text.clone()
                    on:input=move |ev| set_text(event_target_value(&ev))
                    aria-invalid=invalid.clone()
                    aria-describedby=error_id.clone()
                ></textarea>
            }
            .into_any()
        }
        ControlKind::DateRange { precision } => {
            let input_type = if precision == DatePrecision::Day { "date" } else { "datetime-local" };
            let read_slot = slot.clone();
            let part = move |end: bool| {
                let slot = read_slot.clone();
                move || match raw.with(|r| slot.read(r)) {
                    Some(RawValue::Range(start, stop)) => {
                        if end {
                            stop
                        } else {
                            start
                        }
                    }
                    _ => String::new(),
                }
            };
            let write_slot = slot.clone();
            let set_part = move |end: bool| {
                let slot = write_slot.clone();
                move |value: String| {
                    let value = if precision == DatePrecision::Hour { whole_hour(value) } else { value };
                    raw.update(|r| {
                        let (mut start, mut stop) = match slot.read(r) {
                            Some(RawValue::Range(start, stop)) => (start, stop),
                            _ => (String::new(), String::new()),
                        };
                        if end {
                            stop = value
                        } else {
                            start = value
                        }
                        slot.write(r, RawValue::Range(start, stop));
                    })
                }
            };
            let (set_start, set_end) = (set_part(false), set_part(true));
            view! {
                <fieldset class="approval-field__group" aria-describedby=error_id.clone()>
                    <legend>{title.clone()}</legend>
                    <label for=format!("{dom_id}-start")>{i18n.t(Text::ApprovalStart)}</label>
                    <input id=format!("{dom_id}-start") type=input_type prop:value=part(false)
                        on:input=move |ev| set_start(event_target_value(&ev)) aria-invalid=invalid.clone()/>
                    <label for=format!("{dom_id}-end")>{i18n.t(Text::ApprovalEnd)}</label>
                    <input id=format!("{dom_id}-end") type=input_type prop:value=part(true)
                        on:input=move |ev| set_end(event_target_value(&ev)) aria-invalid=invalid.clone()/>
                </fieldset>
            }
            .into_any()
        }
        ControlKind::Selector { multi: false, options } => {
            let set_text = set_text.clone();
            view! {
                <label for=dom_id.clone()>{title.clone()}</label>
                <select
                    id=dom_id.clone()
                    prop:value=text.clone()
                    on:change=move |ev| set_text(event_target_value(&ev))
                    aria-invalid=invalid.clone()
                    aria-describedby=error_id.clone()
                >
                    <option value="">{i18n.t(Text::ApprovalNoneChosen)}</option>
                    {options.into_iter().map(|o| view! { <option value=o.id>{o.label}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        ControlKind::Selector { multi: true, options } => {
            let chosen = {
                let slot = slot.clone();
                move |option: &str| matches!(raw.with(|r| slot.read(r)), Some(RawValue::List(list)) if list.iter().any(|x| x == option))
            };
            let toggle = {
                let slot = slot.clone();
                move |option: String| {
                    raw.update(|r| {
                        let mut list = match slot.read(r) {
                            Some(RawValue::List(list)) => list,
                            _ => Vec::new(),
                        };
                        match list.iter().position(|x| *x == option) {
                            Some(at) => {
                                list.remove(at);
                            }
                            None => list.push(option),
                        }
                        slot.write(r, RawValue::List(list));
                    })
                }
            };
            view! {
                <fieldset class="approval-field__group" aria-describedby=error_id.clone()>
                    <legend>{title.clone()}</legend>
                    {options
                        .into_iter()
                        .map(|o| {
                            let (chosen, toggle) = (chosen.clone(), toggle.clone());
                            let id = o.id.clone();
                            let checked = move || chosen(&id);
                            let id = o.id.clone();
                            view! {
                                <label class="approval-field__choice">
                                    <input type="checkbox" prop:checked=checked on:change=move |_| toggle(id.clone())/>
                                    {o.label}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
            }
            .into_any()
        }
        ControlKind::Contact { target: ContactTarget::Members, .. } => {
            let nobody = Signal::derive(Vec::<MemberId>::new);
            let initial = match raw.with_untracked(|r| slot.read(r)) {
                Some(RawValue::List(ids)) => ids.iter().filter_map(|id| id.parse::<MemberId>().ok()).collect(),
                _ => Vec::new(),
            };
            let selected = RwSignal::new(initial);
            let write_slot = slot.clone();
            Effect::new(move |_| {
                let ids = selected.get().iter().map(ToString::to_string).collect();
                raw.update(|r| write_slot.write(r, RawValue::List(ids)));
            });
            view! {
                <fieldset class="approval-field__group" aria-describedby=error_id.clone()>
                    <legend>{title.clone()}</legend>
                    <MemberPicker exclude=nobody selected=selected/>
                </fieldset>
            }
            .into_any()
        }
        ControlKind::Contact { target: ContactTarget::Departments, multi } => {
            let directory = use_directory();
            let departments = directory.copy.with_untracked(|d| {
                d.roots()
                    .iter()
                    .flat_map(|root| d.subtree(&root.id))
                    .filter_map(|id| d.department(&id).map(|dep| (dep.id.0.clone(), d.path(&id).join(" / "))))
                    .collect::<Vec<_>>()
            });
            let chosen = {
                let slot = slot.clone();
                move || match raw.with(|r| slot.read(r)) {
                    Some(RawValue::List(list)) => list,
                    _ => Vec::new(),
                }
            };
            let write_slot = slot.clone();
            view! {
                <label for=dom_id.clone()>{title.clone()}</label>
                <select
                    id=dom_id.clone()
                    multiple=multi
                    on:change=move |ev| {
                        let select = event_target::<web_sys::HtmlSelectElement>(&ev);
                        let options = select.selected_options();
                        let ids = (0..options.length())
                            .filter_map(|n| options.item(n))
                            .filter_map(|o| o.get_attribute("value"))
                            .filter(|v| !v.is_empty())
                            .collect();
                        raw.update(|r| write_slot.write(r, RawValue::List(ids)));
                    }
                    aria-invalid=invalid.clone()
                    aria-describedby=error_id.clone()
                >
                    <Show when=move || !multi>
                        <option value="">{i18n.t(Text::ApprovalNoneChosen)}</option>
                    </Show>
                    {departments
                        .into_iter()
                        .map(|(id, name)| {
                            let chosen = chosen.clone();
                            let selected_id = id.clone();
                            view! {
                                <option value=id prop:selected=move || chosen().contains(&selected_id)>{name}</option>
                            }
                        })
                        .collect_view()}
                </select>
                <Show when=move || multi>
                    <p class="hint">{i18n.t(Text::ApprovalDepartmentsHint)}</p>
                </Show>
            }
            .into_any()
        }
        ControlKind::File => file_field(slot.clone(), title.clone(), error_id.clone(), form),
        ControlKind::Table { columns } => table_view(control.id.clone(), title.clone(), columns, form),
    };
    view! {
        <div class="approval-field">
            {body}
            <p class="field-error" id=error_id.clone()>{error_text}</p>
        </div>
    }
    .into_any()
}

fn table_view(table: String, title: String, columns: Vec<Control>, form: FormSignals) -> AnyView {
    let FormSignals { raw, errors, .. } = form;
    let i18n = use_i18n();
    let count = {
        let table = table.clone();
        Memo::new(move |_| raw.with(|r| rows_of(r, &table)))
    };
    let add = {
        let table = table.clone();
        move |_| {
            raw.update(|r| match r.get_mut(&table) {
                Some(RawValue::Rows(rows)) => rows.push(RawForm::new()),
                _ => {
                    r.insert(table.clone(), RawValue::Rows(vec![RawForm::new()]));
                }
            })
        }
    };
    let rows = move || {
        (0..count.get())
            .map(|row| {
                let remove_table = table.clone();
                let remove = move |_| {
                    raw.update(|r| {
                        if let Some(RawValue::Rows(rows)) = r.get_mut(&remove_table)
                            && row < rows.len()
                        {
                            rows.remove(row);
                        }
                    });
                    errors.update(|all| all.retain(|e| e.row.is_none()));
                };
                let label = move || format!("{} {}", Text::ApprovalRow.in_lang(i18n.lang.get()), row + 1);
                let cells = columns
                    .iter()
                    .cloned()
                    .map(|column| slot_view(column, Some((table.clone(), row)), form))
                    .collect_view();
                view! {
                    <div class="approval-table__row" role="group" aria-label=label>
                        <p class="approval-table__label">{label}</p>
                        {cells}
                        <button type="button" class="link" on:click=remove
                            aria-label=move || format!("{} {}", Text::ApprovalRemoveRow.in_lang(i18n.lang.get()), row + 1)>
                            {i18n.t(Text::ApprovalRemoveRow)}
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="approval-table">
            <legend>{title}</legend>
            {rows}
            <button type="button" on:click=add>{i18n.t(Text::ApprovalAddRow)}</button>
        </fieldset>
    }
    .into_any()
}
