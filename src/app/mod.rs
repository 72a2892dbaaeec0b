//! The page: Leptos components, one per file. Depends on `charts`, `sim` and
//! `url_state`; nothing depends on it.

pub mod article;
pub mod browser;
pub mod kit;
pub mod panic;
pub mod readout;
pub mod share;
pub mod ticker;
pub mod visibility;

use leptos::prelude::*;

use crate::url_state::{parse, Parsed};
use article::{figure_by_id, FIGURE_IDS};

/// Installs the panic hook, then brings the static page to life: the link notice, and
/// each figure as it nears the viewport (or, in an embed, the one figure alone).
pub fn start() {
    panic::install();
    browser::register_service_worker();
    browser::repaint_on_theme_change();
    let Parsed { state, mut notices } = parse(&browser::location_search());
    if let Some(id) = state.embed.clone() {
        if FIGURE_IDS.contains(&id.as_str()) {
            let figure_id = id.clone();
            mount_to_body(move || {
                let figure = figure_by_id(&figure_id, &state);
                view! { <LinkNotice notices=notices/><main id="embed" class="embed">{figure}</main> }
            });
            // Alone in an embed, the figure's title is the page's main heading.
            if let Some(title) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("#embed .figure-title").ok().flatten())
            {
                let _ = title.set_attribute("aria-level", "1");
            }
            // A timeout, not an animation frame: frames do not run in an off-screen iframe.
            set_timeout(move || share::report_height_to_parent(id), std::time::Duration::from_millis(0));
            return;
        }
        notices.push(format!("There is no figure called “{id}”; showing the whole page."));
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.remove_attribute("data-embed");
        }
    }
    let slot = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("notices"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(slot) = slot {
        leptos::mount::mount_to(slot, move || view! { <LinkNotice notices=notices/> }).forget();
    }
    kit::mount::observe(&state);
}

/// A dismissible notice listing what was changed in the link.
#[component]
fn LinkNotice(
    /// One sentence per change.
    notices: Vec<String>,
) -> impl IntoView {
    let open = RwSignal::new(!notices.is_empty());
    // Escape dismisses it, wherever focus is.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || escape.remove());
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
