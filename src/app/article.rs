//! The article's figures by id. The words are static HTML in `index.html` (the files in
//! `prose/`, inlined at build time), so they show before the WebAssembly runs; each
//! figure mounts into its `data-figure-slot` as it nears the viewport (`kit::mount`).

use leptos::prelude::*;

use crate::url_state::PageState;

/// The ids of every figure, in page order.
pub const FIGURE_IDS: [&str; 11] =
    ["glance", "claim", "minibatch", "duel", "eta", "ghosts", "regression", "drift", "fitness", "limits", "spectrum"];

/// Figure `id`, for its slot in the article or alone in an embed (the kit adds its
/// tools); `None` for an unknown id.
pub fn figure_by_id(id: &str, state: &PageState) -> Option<AnyView> {
    if let Some(def) = crate::figures::by_id(id) {
        return Some(
            view! { <super::kit::FigureView def=def initial=state.values_for(def) replay=state.replay_for(def)/> }
                .into_any(),
        );
    }
    None
}
