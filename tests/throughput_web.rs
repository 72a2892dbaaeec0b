//! The throughput benchmark's workloads (`bench/workloads.rs`, natively
//! `cargo bench --bench throughput`) compiled to wasm32 and run in headless Chromium, to
//! compare the science's speed in the browser with its native speed. A benchmark, not a
//! check: it prints its figures and always passes. It runs in a dedicated worker, so the
//! page stays responsive to the test runner however long the workloads take. `bench/browser.sh` runs it as
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --release --target wasm32-unknown-unknown --test throughput_web -- --nocapture`
//!
//! (the release profile, as the site ships, but without wasm-opt). `BENCH_REPS=1` at
//! compile time makes a quick run. Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

#[path = "../bench/workloads.rs"]
mod workloads;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// `performance.now()` of the worker; the browser does not tell a page its CPU time.
struct BrowserClock(web_sys::Performance);

impl workloads::Clock for BrowserClock {
    fn wall_secs(&self) -> f64 {
        self.0.now() * 1e-3
    }

    fn cpu_secs(&self) -> Option<f64> {
        None
    }
}

#[wasm_bindgen_test]
fn throughput_in_the_browser() {
    let performance: web_sys::Performance =
        js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance").unchecked_into();
    let reps = option_env!("BENCH_REPS").and_then(|s| s.parse().ok()).unwrap_or(workloads::REPS);
    workloads::run_all(&BrowserClock(performance), reps, &mut |line| console_log!("wasm32: {line}"));
}
