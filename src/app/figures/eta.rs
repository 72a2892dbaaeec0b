//! Figure `eta` (placeholder until written).

use leptos::prelude::*;

/// Figure `eta`.
#[component]
pub fn EtaFigure() -> impl IntoView {
    view! { <figure id="eta" class="figure"><p>"This figure is being written."</p></figure> }
}
