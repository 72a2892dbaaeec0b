//! Figure `drift` (placeholder until written).

use leptos::prelude::*;

/// Figure `drift`.
#[component]
pub fn DriftFigure() -> impl IntoView {
    view! { <figure id="drift" class="figure"><p>"This figure is being written."</p></figure> }
}
