//! The article's figures by id. The words are static HTML in `index.html` (the files in
//! `prose/`, inlined at build time), so they show before the WebAssembly runs; each
//! figure mounts into its `data-figure-slot` as it nears the viewport (`kit::mount`).

use leptos::prelude::*;

use super::figures::{
    drift::DriftFigure, eta::EtaFigure, fitness::FitnessFigure, ghosts::GhostsFigure, limits::LimitsFigure,
    minibatch::MinibatchFigure, regression::RegressionFigure,
};
use crate::url_state::PageState;

/// The ids of every figure, in page order.
pub const FIGURE_IDS: [&str; 9] =
    ["claim", "minibatch", "duel", "eta", "ghosts", "regression", "drift", "fitness", "limits"];

/// One figure alone (for `?embed=<id>`); `None` for an unknown id.
pub fn figure_by_id(id: &str, state: &PageState) -> Option<AnyView> {
    if let Some(def) = crate::figures::by_id(id) {
        return Some(
            view! { <super::kit::FigureView def=def initial=state.values_for(def) replay=state.replay_for(def)/> }
                .into_any(),
        );
    }
    Some(match id {
        "minibatch" => view! { <MinibatchFigure/> }.into_any(),
        "eta" => view! { <EtaFigure/> }.into_any(),
        "ghosts" => view! { <GhostsFigure/> }.into_any(),
        "regression" => view! { <RegressionFigure/> }.into_any(),
        "drift" => view! { <DriftFigure/> }.into_any(),
        "fitness" => view! { <FitnessFigure/> }.into_any(),
        "limits" => view! { <LimitsFigure/> }.into_any(),
        _ => return None,
    })
}

/// Tools under a figure: download it as a PNG, or copy the code to embed it alone.
#[component]
fn FigureTools(
    /// The figure's id.
    id: &'static str,
) -> impl IntoView {
    let snippet = RwSignal::new(None::<String>);
    view! {
        <div class="figure-tools" role="group" aria-label="Figure tools">
            <button type="button" data-action="png" data-figure=id
                on:click=move |_| super::share::download_png(id, crate::charts::Palette::for_scheme(super::browser::prefers_dark()).background)>
                "Download as PNG"
            </button>
            <button type="button" data-action="copy-embed" data-figure=id on:click=move |_| {
                let code = super::share::embed_snippet(&super::figure_state::embed_query(id), &format!("Interactive figure: {id}"));
                super::share::copy_text(&code, |_| {});
                snippet.set(Some(code));
            }>"Copy embed code"</button>
            <Show when=move || snippet.get().is_some()>
                <input type="text" readonly name="shared" aria-label="Embed code" prop:value=move || snippet.get().unwrap_or_default()/>
            </Show>
        </div>
    }
}

/// Figure `id` as it stands in the article, with its tools under it; `None` for an
/// unknown id.
pub fn figure_in_article(id: &str, state: &PageState) -> Option<AnyView> {
    if let Some(def) = crate::figures::by_id(id) {
        return Some(
            view! { <super::kit::FigureView def=def initial=state.values_for(def) replay=state.replay_for(def)/> }
                .into_any(),
        );
    }
    let id: &'static str = FIGURE_IDS.iter().copied().find(|f| *f == id)?;
    let figure = figure_by_id(id, state)?;
    Some(view! { {figure}<FigureTools id=id/> }.into_any())
}
