//! Sharing and exporting: copy a link or an embed snippet, download a figure as PNG or
//! data as CSV, and, when embedded, tell the parent page our height.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement};

/// The message type an embedded figure posts to its parent with its height.
pub const HEIGHT_MESSAGE: &str = "selection-sgd-height";

/// Copies `text` to the clipboard where the page is allowed to, then calls `done` with
/// whether it worked; the page shows the text either way, for the reader to copy.
pub fn copy_text(text: &str, done: impl Fn(bool) + 'static) {
    let Some(w) = web_sys::window() else { return done(false) };
    if !clipboard_allowed(&w) {
        // Asking anyway would log a permissions-policy violation in an embedding frame.
        return done(false);
    }
    let done = std::rc::Rc::new(done);
    let (ok, fail) = (done.clone(), done);
    let on_ok = wasm_bindgen::closure::Closure::once(move |_: JsValue| ok(true));
    let on_fail = wasm_bindgen::closure::Closure::once(move |_: JsValue| fail(false));
    let _ = w.navigator().clipboard().write_text(text).then2(&on_ok, &on_fail);
    on_ok.forget();
    on_fail.forget();
}

/// Whether the document's permissions policy allows writing to the clipboard (true
/// where the browser has no way to say).
fn clipboard_allowed(w: &web_sys::Window) -> bool {
    let Some(doc) = w.document() else { return false };
    let policy = js_sys::Reflect::get(&doc, &"permissionsPolicy".into())
        .or_else(|_| js_sys::Reflect::get(&doc, &"featurePolicy".into()))
        .unwrap_or(JsValue::UNDEFINED);
    let Ok(allows) = js_sys::Reflect::get(&policy, &"allowsFeature".into()) else { return true };
    let Some(allows) = allows.dyn_ref::<js_sys::Function>() else { return true };
    allows.call1(&policy, &"clipboard-write".into()).map(|v| v.is_truthy()).unwrap_or(true)
}

/// The page's address without its query, for building links.
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// An `<iframe>` snippet embedding figure `id` with `query` (which must include `embed=`).
pub fn embed_snippet(query: &str, title: &str) -> String {
    let src = format!("{}{}", page_base(), query).replace('&', "&amp;").replace('"', "&quot;");
    let title = title.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" title=\"{title}\" style=\"width:100%;border:0\" height=\"900\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>\n\
         <script>addEventListener(\"message\",e=>{{const d=e.data;if(d&&d.type===\"{HEIGHT_MESSAGE}\")for(const f of document.getElementsByTagName(\"iframe\"))if(f.contentWindow===e.source)f.style.height=d.height+\"px\"}})</script>"
    )
}

/// Offers `content` as a file download.
pub fn download(filename: &str, mime: &str, content: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    click_link(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn click_link(filename: &str, href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok()) else { return };
    a.set_href(href);
    a.set_download(filename);
    a.click();
}

/// Composites every canvas inside the element with id `figure_id` onto one canvas, at
/// their on-screen positions, on the page's background colour; returns a PNG data URL.
pub fn figure_png(figure_id: &str, background: &str) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let fig = doc.get_element_by_id(figure_id)?;
    let canvases = fig.get_elements_by_tag_name("canvas");
    let fr = fig.get_bounding_client_rect();
    let dpr = super::browser::device_pixel_ratio();
    let out = doc.create_element("canvas").ok()?.dyn_into::<HtmlCanvasElement>().ok()?;
    out.set_width((fr.width() * dpr).round() as u32);
    out.set_height((fr.height() * dpr).round() as u32);
    let ctx = super::browser::context2d(&out)?;
    ctx.set_fill_style_str(background);
    ctx.fill_rect(0.0, 0.0, f64::from(out.width()), f64::from(out.height()));
    for i in 0..canvases.length() {
        let Some(c) = canvases.item(i).and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok()) else { continue };
        if c.width() == 0 || c.height() == 0 {
            continue;
        }
        let r = c.get_bounding_client_rect();
        let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &c,
            (r.left() - fr.left()) * dpr,
            (r.top() - fr.top()) * dpr,
            r.width() * dpr,
            r.height() * dpr,
        );
    }
    out.to_data_url().ok()
}

/// Downloads figure `figure_id` as `<figure_id>.png`.
pub fn download_png(figure_id: &str, background: &str) {
    if let Some(url) = figure_png(figure_id, background) {
        click_link(&format!("{figure_id}.png"), &url);
    }
}

/// When the page is embedded, posts its height to the parent now and whenever it changes.
pub fn report_height_to_parent(figure_id: String) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if parent == w {
        return;
    }
    let post = move || {
        let Some(w) = web_sys::window() else { return };
        let Some(body) = w.document().and_then(|d| d.body()) else { return };
        // The content's height: the body's box plus its margins (the document's own
        // scroll height is never less than the frame, so it could never shrink).
        let style = w.get_computed_style(&body).ok().flatten();
        let margin = |side: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(side).ok())
                .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let height = (body.get_bounding_client_rect().height() + margin("margin-top") + margin("margin-bottom")).ceil();
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &HEIGHT_MESSAGE.into());
        let _ = js_sys::Reflect::set(&msg, &"figure".into(), &figure_id.as_str().into());
        let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
        if let Ok(Some(p)) = w.parent() {
            let _ = p.post_message(&msg, "*");
        }
    };
    post();
    let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(post);
    if let Ok(obs) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
        if let Some(body) = w.document().and_then(|d| d.body()) {
            obs.observe(&body);
        }
    }
    cb.forget(); // for the page's lifetime
}
