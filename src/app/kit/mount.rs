//! Figures come to life where the page reserved their place: every element
//! `[data-figure-slot="<id>"]` gets its figure when it comes within a screen of the
//! viewport, not before, so only the first screen's work runs before the first paint.
//! (`mount_to` builds the figure with its own reactive owner, which lives as long as
//! the page.)

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

use crate::app::article::figure_by_id;
use crate::url_state::PageState;

thread_local! {
    /// The page's state read from the URL, for figures as they mount.
    static FROM_URL: RefCell<PageState> = RefCell::new(PageState::default());
}

/// Mounts figure `id` into `slot` (replacing its placeholder) as the URL set it.
pub fn mount_into(slot: &web_sys::HtmlElement, id: &str) {
    if !FROM_URL
        .with_borrow(|state| crate::app::article::FIGURE_IDS.contains(&id) || state.embed.as_deref() == Some(id))
    {
        return;
    }
    slot.set_inner_html("");
    let _ = slot.set_attribute("data-mounted", "");
    let id = id.to_string();
    // The view is built inside `mount_to`, under the owner it creates.
    let handle = leptos::mount::mount_to(slot.clone(), move || FROM_URL.with_borrow(|state| figure_by_id(&id, state)));
    // The figure lives as long as the page.
    handle.forget();
}

/// Watches every figure slot on the page and mounts each as it nears the viewport.
pub fn observe(state: &PageState) {
    FROM_URL.with_borrow_mut(|v| v.clone_from(state));
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(slots) = doc.query_selector_all("[data-figure-slot]:not([data-mounted])") else { return };
    let cb = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
        move |entries: js_sys::Array, observer: IntersectionObserver| {
            for entry in entries.iter().filter_map(|e| e.dyn_into::<IntersectionObserverEntry>().ok()) {
                if !entry.is_intersecting() {
                    continue;
                }
                let target = entry.target();
                observer.unobserve(&target);
                let Ok(slot) = target.dyn_into::<web_sys::HtmlElement>() else { continue };
                mount_into(&slot, &slot.get_attribute("data-figure-slot").unwrap_or_default());
            }
        },
    );
    let init = IntersectionObserverInit::new();
    // A screen ahead, so a figure is ready by the time the reader scrolls to it.
    init.set_root_margin("100% 0px 100% 0px");
    let Ok(observer) = IntersectionObserver::new_with_options(cb.as_ref().unchecked_ref(), &init) else {
        // No observer: mount everything now.
        for i in 0..slots.length() {
            if let Some(slot) = slots.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                mount_into(&slot, &slot.get_attribute("data-figure-slot").unwrap_or_default());
            }
        }
        return;
    };
    mount_linked(&doc);
    // And a link followed later (the skip link, the contents).
    let on_hash = Closure::<dyn FnMut()>::new(|| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            mount_linked(&doc);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
    }
    on_hash.forget(); // for the page's lifetime
    for i in 0..slots.length() {
        if let Some(el) = slots.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
            observer.observe(&el);
        }
    }
    // One observer for the page's lifetime.
    cb.forget();
}

/// A link to a figure (`#<id>`: an embed's link back, or a "try this" link) finds it: the figure is
/// mounted at once and scrolled to, since the browser looked for the fragment before the
/// figure was there. A figure already mounted is left to the browser.
fn mount_linked(doc: &web_sys::Document) {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let id = hash.trim_start_matches('#');
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return;
    }
    let Ok(Some(slot)) = doc.query_selector(&format!("[data-figure-slot=\"{id}\"]:not([data-mounted])")) else {
        return;
    };
    let Ok(slot) = slot.dyn_into::<web_sys::HtmlElement>() else { return };
    mount_into(&slot, id);
    slot.scroll_into_view();
}
