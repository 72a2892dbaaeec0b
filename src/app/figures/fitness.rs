//! Figure `fitness` (placeholder until written).

use leptos::prelude::*;

/// Figure `fitness`.
#[component]
pub fn FitnessFigure() -> impl IntoView {
    view! { <figure id="fitness" class="figure"><p>"This figure is being written."</p></figure> }
}
