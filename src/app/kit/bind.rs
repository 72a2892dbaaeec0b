//! Numbers in the prose: `<output data-bind="<figure-id>.<name>">` elements anywhere on
//! the page show a figure's readout `<name>`, so a sentence that describes a run is bound
//! to it. Each element is found once; its text is written only when it changes.

use wasm_bindgen::JsCast;

use super::super::readout::{fmt, plain};
use crate::figures::Numbers;

/// Decimals shown in prose unless the element says otherwise (`data-digits`).
const DIGITS: usize = 3;

/// The prose elements bound to one figure.
pub struct Bound {
    elements: Vec<(String, usize, web_sys::HtmlElement, String)>,
}

impl Bound {
    /// Finds the elements bound to figure `id`.
    pub fn new(id: &str) -> Self {
        let prefix = format!("{id}.");
        let mut elements = Vec::new();
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(list) = doc.and_then(|d| d.query_selector_all(&format!("[data-bind^=\"{prefix}\"]")).ok()) {
            for i in 0..list.length() {
                let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else { continue };
                let name = el.get_attribute("data-bind").unwrap_or_default();
                let digits = el.get_attribute("data-digits").and_then(|d| d.parse().ok()).unwrap_or(DIGITS);
                elements.push((name[prefix.len()..].to_string(), digits, el, String::new()));
            }
        }
        Self { elements }
    }

    /// Shows `numbers` in the bound elements.
    pub fn show(&mut self, numbers: &Numbers) {
        for (name, digits, el, last) in &mut self.elements {
            let Some((_, v)) = numbers.iter().find(|(n, _)| n == name) else { continue };
            let text = fmt(*v, *digits);
            if *last != text {
                el.set_text_content(Some(&text));
                let _ = el.set_attribute("data-value", &plain(*v));
                *last = text;
            }
        }
    }
}
