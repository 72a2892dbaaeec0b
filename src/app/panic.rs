//! A panic shows a message on the page, with the link that reproduces it, instead of a
//! blank page.

use std::panic;

/// Installs the hook: console message first, then a visible alert.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("panic").is_some() {
        return;
    }
    let Ok(div) = doc.create_element("div") else { return };
    div.set_id("panic");
    let _ = div.set_attribute("role", "alert");
    let search = super::browser::location_search();
    // text_content, never inner HTML: the message and the link are not markup.
    div.set_text_content(Some(&format!(
        "Something went wrong and the simulation stopped. Reload to start again. \
         If it happens again, this link reproduces it: {search}  — details: {message}"
    )));
    let _ = body.prepend_with_node_1(&div);
}
