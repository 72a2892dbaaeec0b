//! Form fields shared by the figures.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What a number field is called and accepts.
#[derive(Clone, Copy)]
pub struct FieldSpec {
    /// The visible label.
    pub label: &'static str,
    /// The form field's name.
    pub name: &'static str,
    /// The smallest value accepted.
    pub min: f64,
    /// The largest value accepted.
    pub max: f64,
    /// The input's step (`"any"` or a number).
    pub step: &'static str,
}

/// A labelled number field that commits on change; an unreadable entry is put back.
pub fn number_field(
    spec: FieldSpec,
    value: impl Fn() -> f64 + Send + Sync + Copy + 'static,
    on_commit: impl Fn(f64) + Send + Sync + Copy + 'static,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let FieldSpec { label, name, min, max, step } = spec;
    view! {
        <label>{label} " "
            <input type="number" name=name min=min max=max step=step inputmode="decimal"
                prop:value=move || value().to_string()
                on:change=move |ev| {
                    match input_value(&ev).trim().parse::<f64>() {
                        Ok(v) if v.is_finite() && v >= min && v <= max => {
                            message.set(None);
                            on_commit(v);
                        }
                        _ => {
                            message.set(Some(format!("Not changed: {label} must be a number from {min} to {max}.")));
                            reset_input(&ev, &value().to_string());
                        }
                    }
                }/>
        </label>
    }
}

/// The value of the input an event came from.
pub fn input_value(ev: &leptos::ev::Event) -> String {
    event_target_value(ev)
}

/// Puts `value` back into the input an event came from.
pub fn reset_input(ev: &leptos::ev::Event, value: &str) {
    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        el.set_value(value);
    }
}

/// A labelled range slider that commits on change, clamped to `[min, max]`, with its
/// value shown beside it (and read out as `aria-valuetext`) by `show`.
pub fn slider(
    label: &'static str,
    name: &'static str,
    (min, max, step): (f64, f64, f64),
    value: impl Fn() -> f64 + Send + Sync + Copy + 'static,
    on_commit: impl Fn(f64) + Send + Sync + Copy + 'static,
    show: fn(f64) -> String,
) -> impl IntoView {
    view! {
        <label class="slider">
            <span class="control-name">{label}</span>
            <input type="range" name=name min=min max=max step=step
                prop:value=move || value().to_string()
                aria-valuetext=move || show(value())
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        on_commit(v.clamp(min, max));
                    }
                }/>
            <span class="value">{move || show(value())}</span>
        </label>
    }
}
