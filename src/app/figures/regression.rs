//! Figure `regression` (placeholder until written).

use leptos::prelude::*;

/// Figure `regression`.
#[component]
pub fn RegressionFigure() -> impl IntoView {
    view! { <figure id="regression" class="figure"><p>"This figure is being written."</p></figure> }
}
