//! The page: Leptos components, one per file. Depends on `charts`, `sim` and
//! `url_state`; nothing depends on it.

pub mod anim;
pub mod article;
pub mod browser;
pub mod duel_figure;
pub mod fields;
pub mod figure_state;
pub mod figures;
pub mod kit;
pub mod panic;
pub mod plot;
pub mod readout;
pub mod share;
pub mod ticker;
pub mod visibility;

use leptos::prelude::*;

use crate::url_state::{parse, Parsed};
use article::{figure_by_id, Article};

/// Installs the panic hook and mounts the page on `<body>`.
pub fn start() {
    panic::install();
    browser::register_service_worker();
    browser::repaint_on_theme_change();
    let parsed = parse(&browser::location_search());
    let state = parsed.state.clone();
    mount_to_body(move || view! { <App parsed=parsed/> });
    kit::mount::observe(&state);
}

/// A dismissible notice listing what was changed in the link.
#[component]
fn LinkNotice(
    /// One sentence per change.
    notices: Vec<String>,
) -> impl IntoView {
    let open = RwSignal::new(!notices.is_empty());
    view! {
        <Show when=move || open.get()>
            <div class="notice" role="status" data-notice="link">
                <p><strong>"This link had values the page could not use as they were:"</strong></p>
                <ul>{notices.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                <button type="button" data-action="dismiss" on:click=move |_| open.set(false)>"Dismiss"</button>
            </div>
        </Show>
    }
}

/// The whole page.
#[component]
pub fn App(
    /// The state read from the URL, with notices about anything changed.
    parsed: Parsed,
) -> impl IntoView {
    let Parsed { state, mut notices } = parsed;
    if let Some(id) = state.embed.clone() {
        if let Some(figure) = figure_by_id(&id, &state) {
            // A timeout, not an animation frame: frames do not run in an off-screen iframe.
            set_timeout(move || share::report_height_to_parent(id), std::time::Duration::from_millis(0));
            return view! { <LinkNotice notices=notices/><main class="embed">{figure}</main> }.into_any();
        }
        notices.push(format!("There is no figure called “{id}”; showing the whole page."));
    }
    view! {
        <a class="skip" href="#duel">"Skip to the figure"</a>
        <header class="masthead">
            <h1>"Is natural selection stochastic gradient descent?"</h1>
            <p class="dek">"Mutation and selection do climb the gradient on average. But the noise in "
                <em>"mini-batch"</em>" SGD comes from sampling data, and it has a shape that selection's noise does not. Watch both run."</p>
        </header>
        <LinkNotice notices=notices/>
        <main class="article">
            <Article state=state/>
        </main>
        <footer class="colophon">
            <p>"Runs entirely in your browser; nothing is sent anywhere. Every view is in the link. "
                <a href="./selection-sgd-offline.html" download="selection-sgd-offline.html" data-link="offline">"Download the whole page as one file"</a>
                " to use without a network, e.g. in a classroom."</p>
        </footer>
    }
    .into_any()
}
