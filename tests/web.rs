//! The determinism fingerprint in a real browser: the same seed must give the same runs,
//! bit for bit, in wasm32 as natively (see `sim::run::fingerprint`).
//!
//! Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --target wasm32-unknown-unknown --test web`; `webdriver.json` holds the
//! browser's options. Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use selection_sgd::sim::run::fingerprint;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

include!("common/fingerprint.rs");

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn fingerprint_matches_native() {
    let got = fingerprint(42);
    assert_eq!(got, FINGERPRINT_SEED_42, "browser fingerprint(42) = {got:#018x}, native {FINGERPRINT_SEED_42:#018x}");
}
