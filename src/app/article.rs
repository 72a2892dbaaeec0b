//! The article's figures by id. The words are static HTML in `index.html` (the files in
//! `prose/`, inlined at build time), so they show before the WebAssembly runs; each
//! figure mounts into its `data-figure-slot` as it nears the viewport (`kit::mount`).

use leptos::prelude::*;

use super::duel_figure::{DuelFigure, Snapshot};
use super::readout::fmt;
use crate::url_state::PageState;

/// The ids of every figure, in page order.
pub const FIGURE_IDS: [&str; 10] =
    ["glance", "claim", "minibatch", "duel", "eta", "ghosts", "regression", "drift", "fitness", "limits"];

/// One figure alone (for `?embed=<id>`); `None` for an unknown id.
pub fn figure_by_id(id: &str, state: &PageState) -> Option<AnyView> {
    if let Some(def) = crate::figures::by_id(id) {
        return Some(view! { <super::kit::FigureView def=def initial=state.values_for(def)/> }.into_any());
    }
    (id == "duel").then(|| view! { <DuelFigure state=state.clone()/> }.into_any())
}

/// Writes a sentence about the centrepiece's current run into the prose's
/// `<p data-live="duel">`, whenever the run changes.
fn bind_duel_sentence(live: RwSignal<Snapshot>) {
    Effect::new(move |_| {
        let s = live.get();
        let text = match (s.sgd, s.sel) {
            (Some((rs, _, _)), Some((rr, lo, hi))) => format!(
                "In the run above, after {} steps, SGD's steps have r = {} and selection's have r = {} (99.9 % interval {} to {}). Change ρ or the batch size: SGD's r follows ρ, selection's stays near 0.",
                s.step,
                fmt(Some(rs), 3),
                fmt(Some(rr), 3),
                fmt(Some(lo), 3),
                fmt(Some(hi), 3)
            ),
            _ => "Press play or step: the correlations appear after a few steps.".to_string(),
        };
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-live=duel]").ok().flatten());
        if let Some(el) = el {
            el.set_text_content(Some(&text));
        }
    });
}

/// Figure `id` as it stands in the article, with its tools under it; `None` for an
/// unknown id.
pub fn figure_in_article(id: &str, state: &PageState) -> Option<AnyView> {
    if let Some(def) = crate::figures::by_id(id) {
        return Some(view! { <super::kit::FigureView def=def initial=state.values_for(def)/> }.into_any());
    }
    if id == "duel" {
        let live = RwSignal::new(Snapshot::default());
        bind_duel_sentence(live);
        return Some(view! { <DuelFigure state=state.clone() live=live/> }.into_any());
    }
    None
}
