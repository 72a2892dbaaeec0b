//! The article: the argument in ten sections, each with its figure. Prose is static
//! HTML with MathML (authored here, in `prose/`); numbers that describe a run are live
//! components bound to the simulations.

use leptos::prelude::*;

use super::duel_figure::{DuelFigure, Snapshot};
use super::figures::{
    drift::DriftFigure, eta::EtaFigure, fitness::FitnessFigure, ghosts::GhostsFigure, limits::LimitsFigure,
    minibatch::MinibatchFigure,
};
use super::readout::fmt;
use crate::url_state::PageState;

/// Static prose: authored in this repository, so it is safe to insert as HTML.
fn prose(html: &'static str) -> impl IntoView {
    view! { <div class="prose" inner_html=html></div> }
}

/// The ids of every figure, in page order.
pub const FIGURE_IDS: [&str; 9] =
    ["claim", "minibatch", "duel", "eta", "ghosts", "regression", "drift", "fitness", "limits"];

/// One figure alone (for `?embed=<id>`); `None` for an unknown id.
pub fn figure_by_id(id: &str, state: &PageState) -> Option<AnyView> {
    Some(match id {
        "claim" | "regression" => {
            let def = crate::figures::by_id(id)?;
            view! { <super::kit::FigureView def=def initial=state.values_for(def)/> }.into_any()
        }
        "minibatch" => view! { <MinibatchFigure/> }.into_any(),
        "duel" => view! { <DuelFigure state=state.clone()/> }.into_any(),
        "eta" => view! { <EtaFigure/> }.into_any(),
        "ghosts" => view! { <GhostsFigure/> }.into_any(),
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

/// A sentence about the centrepiece's current run, in the prose.
#[component]
fn DuelSentence(
    /// The centrepiece's readouts.
    live: RwSignal<Snapshot>,
) -> impl IntoView {
    let text = move || {
        let s = live.get();
        match (s.sgd, s.sel) {
            (Some((rs, _, _)), Some((rr, lo, hi))) => format!(
                "In the run above, after {} steps, SGD's steps have r = {} and selection's have r = {} (99.9 % interval {} to {}). Change ρ or the batch size: SGD's r follows ρ, selection's stays near 0.",
                s.step,
                fmt(Some(rs), 3),
                fmt(Some(rr), 3),
                fmt(Some(lo), 3),
                fmt(Some(hi), 3)
            ),
            _ => "Press play or step: the correlations appear after a few steps.".to_string(),
        }
    };
    view! { <p class="live" data-live="duel">{text}</p> }
}

/// The whole article.
#[component]
pub fn Article(
    /// The page's state from the URL.
    state: PageState,
) -> impl IntoView {
    let live = RwSignal::new(Snapshot::default());
    view! {
        <nav class="toc" aria-label="Contents">
            <ol>
                <li><a href="#the-claim">"The claim"</a></li>
                <li><a href="#stochastic">"What “stochastic” means"</a></li>
                <li><a href="#counterexample">"The counterexample"</a></li>
                <li><a href="#learning-rate">"A gradient-dependent learning rate"</a></li>
                <li><a href="#one-descendant">"Exactly one descendant"</a></li>
                <li><a href="#a-realistic-case">"A realistic case"</a></li>
                <li><a href="#gradient-descent-on-anything">"Gradient descent on anything?"</a></li>
                <li><a href="#what-fitness-means">"What “fitness” means"</a></li>
                <li><a href="#what-it-gets-right">"What the analogy gets right"</a></li>
                <li><a href="#sources">"Sources"</a></li>
                <li><a href="#appendix">"Appendix: derivations, glossary, references"</a></li>
            </ol>
        </nav>
        <section aria-labelledby="the-claim">{prose(include_str!("prose/claim.html"))}<div class="figure-slot" data-figure-slot="claim"></div></section>
        <section aria-labelledby="stochastic">{prose(include_str!("prose/stochastic.html"))}<MinibatchFigure/><FigureTools id="minibatch"/></section>
        <section aria-labelledby="counterexample">
            {prose(include_str!("prose/counterexample.html"))}
            <DuelFigure state=state live=live/>
            <DuelSentence live=live/>
        </section>
        <section aria-labelledby="learning-rate">{prose(include_str!("prose/learning_rate.html"))}<EtaFigure/><FigureTools id="eta"/></section>
        <section aria-labelledby="one-descendant">{prose(include_str!("prose/one_descendant.html"))}<GhostsFigure/><FigureTools id="ghosts"/></section>
        <section aria-labelledby="a-realistic-case">{prose(include_str!("prose/regression.html"))}<div class="figure-slot" data-figure-slot="regression"></div></section>
        <section aria-labelledby="gradient-descent-on-anything">{prose(include_str!("prose/drift.html"))}<DriftFigure/><FigureTools id="drift"/></section>
        <section aria-labelledby="what-fitness-means">{prose(include_str!("prose/fitness.html"))}<FitnessFigure/><FigureTools id="fitness"/></section>
        <section aria-labelledby="what-it-gets-right">{prose(include_str!("prose/right.html"))}<LimitsFigure/><FigureTools id="limits"/></section>
        <section aria-labelledby="sources">{prose(include_str!("prose/sources.html"))}</section>
        <section aria-labelledby="appendix">{prose(include_str!("prose/appendix.html"))}</section>
    }
}
