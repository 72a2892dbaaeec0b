//! Thin wrappers over the browser APIs the page uses, each with a safe fallback.

use wasm_bindgen::JsValue;

/// The window; every page has one.
fn win() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Device pixels per CSS pixel (1 when unknown).
pub fn device_pixel_ratio() -> f64 {
    win().map(|w| w.device_pixel_ratio()).filter(|d| d.is_finite() && *d > 0.0).unwrap_or(1.0).min(3.0)
}

/// Whether a media query matches.
pub fn media_matches(query: &str) -> bool {
    win().and_then(|w| w.match_media(query).ok().flatten()).is_some_and(|m| m.matches())
}

/// The reader asked for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// The reader uses a dark colour scheme.
pub fn prefers_dark() -> bool {
    media_matches("(prefers-color-scheme: dark)")
}

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    win().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Whether the document is hidden (another tab in front).
pub fn document_hidden() -> bool {
    win().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// The figure the page embeds alone (`html[data-embed]`, set by `boot.js` and removed
/// for an unknown figure), if any.
pub fn embedded_figure() -> Option<String> {
    win()?.document()?.document_element()?.get_attribute("data-embed")
}

/// The query string, `?…` or empty.
pub fn location_search() -> String {
    win().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Replaces the query string without reloading or adding a history entry.
pub fn replace_query(query: &str) {
    if let Some(w) = win() {
        if let Ok(h) = w.history() {
            let path = w.location().pathname().unwrap_or_default();
            let hash = w.location().hash().unwrap_or_default();
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}{hash}")));
        }
    }
}

/// A fresh random seed from the browser's generator; the clock if that fails.
pub fn fresh_seed() -> u64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        // Keep seeds below 2^53 so they survive any tool that reads them as a JS number.
        Ok(()) => u64::from_le_bytes(bytes) >> 11,
        Err(_) => now_ms().to_bits() >> 11,
    }
}

/// Registers the service worker that keeps the site working offline after the first
/// visit; only over http(s) (not from a file, nor where the browser has none).
pub fn register_service_worker() {
    use wasm_bindgen::JsCast;
    let Some(w) = win() else { return };
    let protocol = w.location().protocol().unwrap_or_default();
    if protocol != "http:" && protocol != "https:" {
        return;
    }
    if !js_sys::Reflect::has(&w.navigator(), &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let promise = w.navigator().service_worker().register("./sw.js");
    // A refusal (private mode, an unusual host) only means no offline copy.
    let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|_| {});
    // Once registered, ask for the newest sw.js now: a new build's worker then installs on
    // this visit, takes over and deletes the old caches (public/sw.js). The page itself
    // was fetched from the network, so it is already the new build: nothing reloads.
    let update = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|registration: JsValue| {
        let f = js_sys::Reflect::get(&registration, &"update".into()).ok();
        if let Some(f) = f.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
            if let Ok(p) = f.call0(&registration).and_then(|p| p.dyn_into::<js_sys::Promise>()) {
                let quiet = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|_| {});
                let _ = p.catch(&quiet);
                quiet.forget();
            }
        }
    });
    let _ = promise.then(&update).catch(&ignore);
    update.forget();
    ignore.forget();
}

/// Repaints every figure when the reader's colour scheme changes, by sending the same
/// `resize` event that every figure already repaints on.
pub fn repaint_on_theme_change() {
    let Some(w) = win() else { return };
    let Some(mq) = w.match_media("(prefers-color-scheme: dark)").ok().flatten() else { return };
    let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
        if let (Some(w), Ok(e)) = (win(), web_sys::Event::new("resize")) {
            let _ = w.dispatch_event(&e);
        }
    });
    let _ = mq.add_event_listener_with_callback("change", wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()));
    cb.forget(); // for the page's lifetime
}

/// The 2-D context of a canvas.
pub fn context2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}
