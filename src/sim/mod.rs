//! The science: both models, the problems they run on, the theory that predicts them
//! and the statistics that measure them.
//!
//! This module is pure Rust. It depends on `rand`, `rand_chacha` and `libm` only — never
//! on leptos, web-sys or wasm-bindgen — so `cargo test` checks it natively in seconds and
//! the very same code runs in the browser.
//!
//! Every formula cites the section of the models' specification it implements: §A
//! selection, §B the toy problem, §C regression, §D drift, §E checks. The page's appendix
//! derives the same results for readers (section 13 of the article).
//!
//! Portability: every transcendental function goes through the pure-Rust `libm` crate
//! (directly or via [`maths`]), including those inside random draws: normal draws come
//! from [`normal`], a ziggurat whose rare branches call `libm::exp` and `libm::log`, and
//! the other draws (uniform, Bernoulli, `WeightedIndex`) are integer and IEEE arithmetic
//! only. So a seed and parameters give the same runs bit for bit on x86_64 and in the
//! browser; [`run::fingerprint`] and the sampler's own fingerprint check it on both.

pub mod demos;
pub mod drift_field;
pub mod duel;
pub mod environment;
pub mod error;
pub mod learning_rate;
pub mod long_run;
pub mod maths;
pub mod normal;
pub mod problem;
pub mod quadratic;
pub mod regression;
pub mod regression_lab;
pub mod run;
pub mod selection;
pub mod sgd;
pub mod spectrum;
pub mod stats;
pub mod theory;

pub use error::{Diverged, ParamError};
pub use problem::{ExampleGradients, Objective, ToyParams, ToyProblem, ZDistribution};
pub use regression::{Regression, RegressionParams};
pub use run::{SelectionRun, SgdRun};
pub use selection::{Acceptance, Mutation, Selection, SelectionStep, StepRule};
pub use sgd::{MiniBatchSgd, SgdStep};
pub use stats::{Ellipse, RunningCorrelation, RunningMean};

/// The random number generator used everywhere: seeded, portable ChaCha.
pub type SimRng = rand_chacha::ChaCha8Rng;

/// A generator for `seed`, on its own `stream` so that models sharing a seed do not share draws.
pub fn rng_for(seed: u64, stream: u64) -> SimRng {
    use rand::SeedableRng;
    let mut rng = SimRng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
