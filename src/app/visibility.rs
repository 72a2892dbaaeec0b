//! Whether an element is on screen, so figures off-screen do not animate.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry};

/// A signal that is true while `target` intersects the viewport (false until the
/// observer first reports, which it does as soon as it observes; always true where
/// IntersectionObserver is missing). The owner may set it sooner from the element's
/// geometry ([`intersects_viewport`]), as the first paint does.
pub fn use_on_screen<E>(target: NodeRef<E>) -> RwSignal<bool>
where
    E: leptos::html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    let visible = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(el) = target.get() else { return };
        let Ok(el) = el.dyn_into::<web_sys::Element>() else { return };
        let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(e) = entries.iter().last().and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok()) {
                visible.set(e.is_intersecting());
            }
        });
        match IntersectionObserver::new(cb.as_ref().unchecked_ref()) {
            Ok(obs) => obs.observe(&el),
            Err(_) => visible.set(true),
        }
        // One observer per figure, kept for the page's lifetime.
        cb.forget();
    });
    visible
}

/// Whether `el` is (partly) inside the viewport now, from its laid-out box.
pub fn intersects_viewport(el: &web_sys::Element) -> bool {
    let r = el.get_bounding_client_rect();
    let h = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
    r.bottom() > 0.0 && r.top() < h && r.width() > 0.0
}
