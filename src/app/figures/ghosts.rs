//! Figure `ghosts` (placeholder until written).

use leptos::prelude::*;

/// Figure `ghosts`.
#[component]
pub fn GhostsFigure() -> impl IntoView {
    view! { <figure id="ghosts" class="figure"><p>"This figure is being written."</p></figure> }
}
