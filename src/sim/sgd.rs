//! Mini-batch stochastic gradient descent (spec §B): θ ← θ − η·(1/B)·Σᵢ ∇ℓ(θ; dᵢ).

use rand::Rng;

use super::error::{check_count, check_positive, ParamError};
use super::problem::ExampleGradients;

/// Largest batch the site offers.
pub const MAX_BATCH: u64 = 4096;

/// Mini-batch SGD with a constant learning rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MiniBatchSgd {
    lr: f64,
    batch: u64,
}

/// One SGD step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdStep<const N: usize> {
    /// The step taken, −η·ĝ_B.
    pub step: [f64; N],
    /// The mini-batch gradient ĝ_B, the mean of B per-example gradients.
    pub gradient: [f64; N],
}

impl MiniBatchSgd {
    /// Learning rate η ∈ (0, 10], batch size B ∈ 1..=4096.
    pub fn new(lr: f64, batch: u64) -> Result<Self, ParamError> {
        Ok(Self { lr: check_positive("lr", lr, 10.0)?, batch: check_count("batch", batch, 1, MAX_BATCH)? })
    }

    /// η.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// B.
    pub fn batch(&self) -> u64 {
        self.batch
    }

    /// Draws a mini-batch and returns the step (without applying it).
    pub fn step<const N: usize, P, R>(&self, problem: &P, x: &[f64; N], rng: &mut R) -> SgdStep<N>
    where
        P: ExampleGradients<N>,
        R: Rng + ?Sized,
    {
        let mut gradient = [0.0; N];
        for _ in 0..self.batch {
            let g = problem.example_gradient(x, rng);
            for (acc, gi) in gradient.iter_mut().zip(g) {
                *acc += gi;
            }
        }
        let inv = 1.0 / self.batch as f64;
        let mut step = [0.0; N];
        for i in 0..N {
            gradient[i] *= inv;
            step[i] = -self.lr * gradient[i];
        }
        SgdStep { step, gradient }
    }
}
