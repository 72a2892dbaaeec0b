//! Entry point: install the panic hook and mount the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    selection_sgd::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is a web page: build it with `scripts/serve.sh` (Trunk, wasm32).");
}
