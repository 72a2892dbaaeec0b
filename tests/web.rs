//! The determinism fingerprints in a real browser: the same seed must give the same runs
//! and the same normal draws, bit for bit, in wasm32 as natively (see
//! `sim::run::fingerprint` and `tests/common/normal_fingerprint.rs`).
//!
//! Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --target wasm32-unknown-unknown --test web`; `webdriver.json` holds the
//! browser's options. Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use selection_sgd::sim::run::fingerprint;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

include!("common/fingerprint.rs");
include!("common/normal_fingerprint.rs");

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn fingerprint_matches_native() {
    let got = fingerprint(42);
    assert_eq!(got, FINGERPRINT_SEED_42, "browser fingerprint(42) = {got:#018x}, native {FINGERPRINT_SEED_42:#018x}");
}

/// The normal sampler alone, 2²² draws including about a thousand from its tail branch
/// (`libm::log`) and some sixty thousand wedge tests (`libm::exp`): the same bits as natively.
#[wasm_bindgen_test]
fn normal_sampler_matches_native() {
    let got = normal_fingerprint(42);
    assert_eq!(
        got, NORMAL_FINGERPRINT_SEED_42,
        "browser normal_fingerprint(42) = ({:#018x}, {}), native ({:#018x}, {})",
        got.0, got.1, NORMAL_FINGERPRINT_SEED_42.0, NORMAL_FINGERPRINT_SEED_42.1
    );
}

/// Waits `ms` milliseconds, letting effects and animation frames run.
async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A fresh `<div>` in the document to mount a component into.
fn host() -> web_sys::HtmlElement {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
    let div = doc.create_element("div").expect("div").dyn_into::<web_sys::HtmlElement>().expect("html element");
    div.style().set_property("width", "800px").expect("style");
    doc.body().expect("body").append_child(&div).expect("append");
    div
}

fn readout(root: &web_sys::HtmlElement, name: &str) -> Option<String> {
    root.query_selector(&format!("[data-readout=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-value"))
}

#[wasm_bindgen_test]
async fn readout_shows_number_and_plain_value() {
    use leptos::prelude::*;
    use selection_sgd::app::readout::Readout;
    let root = host();
    let value = RwSignal::new(None::<f64>);
    let handle =
        leptos::mount::mount_to(root.clone(), move || view! { <Readout name="t.x" value=value.into() digits=2/> });
    tick(10).await;
    assert_eq!(readout(&root, "t.x").as_deref(), Some(""), "undefined shows an empty data-value");
    assert_eq!(root.text_content().as_deref(), Some("–"));
    value.set(Some(-0.25));
    tick(10).await;
    assert_eq!(readout(&root, "t.x").as_deref(), Some("-0.25"));
    assert_eq!(root.text_content().as_deref(), Some("−0.25"), "a typographic minus in the text");
    drop(handle);
}

#[wasm_bindgen_test]
async fn duel_figure_replays_a_link_exactly() {
    use leptos::prelude::*;
    use selection_sgd::app::kit::FigureView;
    use selection_sgd::url_state::parse;
    let root = host();
    let state = parse("?seed=42&t=300").state;
    let def = selection_sgd::figures::by_id("duel").expect("duel");
    let (initial, replay) = (state.values_for(def), state.replay_for(def));
    let handle =
        leptos::mount::mount_to(root.clone(), move || view! { <FigureView def=def initial=initial replay=replay/> });
    tick(300).await;
    assert_eq!(readout(&root, "duel.step").as_deref(), Some("300"));
    let r: f64 = readout(&root, "duel.sgd.r").and_then(|v| v.parse().ok()).expect("SGD's r");
    assert!((r - 1.0).abs() < 1e-9, "SGD's r = {r}");
    let lo: f64 = readout(&root, "duel.sel.r.lo").and_then(|v| v.parse().ok()).expect("interval");
    let hi: f64 = readout(&root, "duel.sel.r.hi").and_then(|v| v.parse().ok()).expect("interval");
    assert!(lo < 0.0 && 0.0 < hi, "selection's interval [{lo}, {hi}] contains 0");
    // The trail canvases were painted: some pixel is not transparent.
    let canvas = root.query_selector("canvas[data-chart=\"sgd-hidden\"]").ok().flatten().expect("canvas");
    use wasm_bindgen::JsCast;
    let canvas = canvas.dyn_into::<web_sys::HtmlCanvasElement>().expect("canvas");
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .expect("ctx")
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .expect("2d");
    let data =
        ctx.get_image_data(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height())).expect("pixels").data();
    assert!(data.iter().skip(3).step_by(4).any(|a| *a > 0), "the hidden-plane trail is drawn");
    drop(handle);
}

/// A linear axis's tick labels show the digits their step needs, the same for every
/// tick, and never "-0"; the step is the one plotters labels.
#[wasm_bindgen_test]
fn linear_tick_labels() {
    use selection_sgd::charts::plane::{label_step, linear_label};
    assert_eq!(label_step((0.0, 2000.0), 5), 500.0);
    assert_eq!(label_step((-1.0, 1.0), 5), 0.5);
    assert_eq!(label_step((0.0, 42.0), 5), 10.0);
    assert_eq!(label_step((-0.2, 0.2), 5), 0.1);
    assert_eq!(label_step((3.0, 3.0), 5), 1.0, "an empty range does not loop");
    let labels = |range: (f64, f64)| {
        let step = label_step(range, 5);
        let first = (range.0 / step).ceil() as i64;
        let last = (range.1 / step).floor() as i64;
        (first..=last).map(|k| linear_label(k as f64 * step, step)).collect::<Vec<_>>()
    };
    assert_eq!(labels((0.0, 2000.0)), ["0", "500", "1000", "1500", "2000"]);
    assert_eq!(labels((-1.0, 1.0)), ["-1.0", "-0.5", "0.0", "0.5", "1.0"]);
    assert_eq!(labels((-0.2, 0.2)), ["-0.2", "-0.1", "0.0", "0.1", "0.2"]);
    assert_eq!(linear_label(-1e-17, 0.1), "0.0", "a rounding error below zero is not -0.0");
}
