//! Figure `limits` (placeholder until written).

use leptos::prelude::*;

/// Figure `limits`.
#[component]
pub fn LimitsFigure() -> impl IntoView {
    view! { <figure id="limits" class="figure"><p>"This figure is being written."</p></figure> }
}
