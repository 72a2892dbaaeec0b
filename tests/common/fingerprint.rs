// The expected value of `selection_sgd::sim::run::fingerprint(42)`, the one place it is
// written down. The native test in `tests/sampler.rs` and the browser test in
// `tests/web.rs` both include this file, so a run that is not bit-identical on x86_64
// and wasm32 fails one of them.
//
// It changes whenever a default, a sampler or the order of random draws changes; update
// it then, deliberately, from the native run, and check that the browser agrees.

/// `fingerprint(42)`: both models' default runs from seed 42, hashed bit for bit.
pub const FINGERPRINT_SEED_42: u64 = 0x0844_ef9e_8501_6709;
