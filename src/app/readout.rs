//! Readouts: numbers the page shows, also machine-readable for tests and embedders.

use leptos::prelude::*;

/// Formats an optional number with `digits` decimals; "–" while undefined.
pub fn fmt(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let s = format!("{v:.digits$}");
            // −0.000 reads as a sign the number does not have.
            if s.bytes().all(|b| matches!(b, b'-' | b'0' | b'.')) {
                s.trim_start_matches('-').to_string()
            } else {
                s.replace('-', "−")
            }
        }
        _ => "–".into(),
    }
}

/// The plain number for `data-value`: empty while undefined.
pub fn plain(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite()).map(|v| v.to_string()).unwrap_or_default()
}

/// An `<output data-readout=name data-value=…>` showing `value` with `digits` decimals.
#[component]
pub fn Readout(
    /// The readout's name, `<figure-id>.<name>`.
    name: &'static str,
    /// The value, re-read whenever its signals change.
    value: Signal<Option<f64>>,
    /// Decimals shown.
    #[prop(default = 3)]
    digits: usize,
) -> impl IntoView {
    view! {
        <output class="readout" data-readout=name data-value=move || plain(value.get())>
            {move || fmt(value.get(), digits)}
        </output>
    }
}
