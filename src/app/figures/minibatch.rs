//! Figure `minibatch` (placeholder until written).

use leptos::prelude::*;

/// Figure `minibatch`.
#[component]
pub fn MinibatchFigure() -> impl IntoView {
    view! { <figure id="minibatch" class="figure"><p>"This figure is being written."</p></figure> }
}
