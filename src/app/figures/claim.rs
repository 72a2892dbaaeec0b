//! Figure `claim` (placeholder until written).

use leptos::prelude::*;

/// Figure `claim`.
#[component]
pub fn ClaimFigure() -> impl IntoView {
    view! { <figure id="claim" class="figure"><p>"This figure is being written."</p></figure> }
}
