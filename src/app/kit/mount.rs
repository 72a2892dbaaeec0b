//! Figures come to life where the page reserved their place: every element
//! `[data-figure-slot="<id>"]` gets its figure when it comes within a screen of the
//! viewport, not before, so only the first screen's work runs before the first paint.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

use super::FigureView;
use crate::figures::{by_id, FigureDef};
use crate::url_state::PageState;

thread_local! {
    /// Each figure's values read from the URL, taken once when it mounts.
    static FROM_URL: RefCell<Vec<(&'static str, Vec<f64>)>> = const { RefCell::new(Vec::new()) };
}

/// Mounts figure `def` into `slot` (replacing its placeholder), with the values the
/// URL gave it or its defaults.
pub fn mount_into(slot: &web_sys::HtmlElement, def: &'static FigureDef) {
    let initial = FROM_URL
        .with_borrow(|v| v.iter().find(|(id, _)| *id == def.id).map(|(_, x)| x.clone()))
        .unwrap_or_else(|| crate::settings::defaults(def.settings));
    slot.set_inner_html("");
    let _ = slot.set_attribute("data-mounted", "");
    let handle = leptos::mount::mount_to(slot.clone(), move || view! { <FigureView def=def initial=initial/> });
    // The figure lives as long as the page.
    handle.forget();
}

/// Watches every figure slot on the page and mounts each as it nears the viewport.
pub fn observe(state: &PageState) {
    FROM_URL.with_borrow_mut(|v| v.clone_from(&state.figures));
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
                let id = slot.get_attribute("data-figure-slot").unwrap_or_default();
                if let Some(def) = by_id(&id) {
                    mount_into(&slot, def);
                }
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
                if let Some(def) = by_id(&slot.get_attribute("data-figure-slot").unwrap_or_default()) {
                    mount_into(&slot, def);
                }
            }
        }
        return;
    };
    for i in 0..slots.length() {
        if let Some(el) = slots.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
            observer.observe(&el);
        }
    }
    // One observer for the page's lifetime.
    cb.forget();
}
