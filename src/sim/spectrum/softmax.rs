//! Softmax regression on the wine data: 3 classes × (13 weights + 1 bias) = 42
//! parameters, cross-entropy loss with a small L2 penalty (so the optimum is finite:
//! the training set is linearly separable). Loss, per-example gradients, the full
//! gradient, the Hessian (which for softmax cross-entropy is the Fisher information of
//! the model's own predictions, plus the penalty's λI), and test accuracy.
//!
//! Parameter layout: θ[c·14 + j] is class c's weight on feature j (j < 13), θ[c·14 + 13]
//! its bias.

use rand::{Rng, RngExt};

use super::data::{Dataset, Features, CLASSES, FEATURES};
use crate::sim::problem::{ExampleGradients, Objective};

/// Parameters of the model.
pub const DIM: usize = CLASSES * (FEATURES + 1);
/// The L2 penalty λ: loss = mean cross-entropy + λ/2·|θ|².
pub const PENALTY: f64 = 0.01;

/// A point in parameter space.
pub type Params = [f64; DIM];

/// The model on the wine data.
#[derive(Clone, Debug, PartialEq)]
pub struct Softmax {
    data: Dataset,
    penalty: f64,
}

/// A symmetric DIM × DIM matrix, row-major.
pub type Matrix = Vec<f64>;

impl Softmax {
    /// The model on `data` with penalty λ.
    pub fn new(data: Dataset, penalty: f64) -> Self {
        Self { data, penalty }
    }

    /// The data.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// Training examples.
    pub fn train_len(&self) -> usize {
        self.data.train_x.len()
    }

    /// Class probabilities for example x̃ (max-shifted, so nothing overflows).
    pub fn probabilities(theta: &Params, x: &Features) -> [f64; CLASSES] {
        let mut z = [0.0; CLASSES];
        for (c, zc) in z.iter_mut().enumerate() {
            let w = &theta[c * (FEATURES + 1)..(c + 1) * (FEATURES + 1)];
            *zc = w.iter().zip(x).map(|(a, b)| a * b).sum();
        }
        let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for zc in z.iter_mut() {
            *zc = libm::exp(*zc - top);
            total += *zc;
        }
        z.map(|e| e / total)
    }

    fn penalty_term(&self, theta: &Params) -> f64 {
        0.5 * self.penalty * theta.iter().map(|t| t * t).sum::<f64>()
    }

    /// Cross-entropy of one example (without the penalty).
    fn example_cross_entropy(theta: &Params, x: &Features, y: usize) -> f64 {
        let p = Self::probabilities(theta, x)[y];
        -libm::log(p.max(1e-300))
    }

    /// The training loss L(θ) = mean cross-entropy + λ/2·|θ|².
    pub fn loss(&self, theta: &Params) -> f64 {
        let n = self.train_len() as f64;
        let ce: f64 = self
            .data
            .train_x
            .iter()
            .zip(&self.data.train_y)
            .map(|(x, &y)| Self::example_cross_entropy(theta, x, y))
            .sum();
        ce / n + self.penalty_term(theta)
    }

    /// Example `i`'s gradient ∇ℓᵢ(θ) = (p − e_y) ⊗ x̃ + λθ.
    pub fn example_gradient_at(&self, theta: &Params, i: usize) -> Params {
        let x = &self.data.train_x[i];
        let p = Self::probabilities(theta, x);
        let mut g = [0.0; DIM];
        for c in 0..CLASSES {
            let r = p[c] - if c == self.data.train_y[i] { 1.0 } else { 0.0 };
            for j in 0..=FEATURES {
                g[c * (FEATURES + 1) + j] = r * x[j] + self.penalty * theta[c * (FEATURES + 1) + j];
            }
        }
        g
    }

    /// The full gradient ∇L(θ), the mean of the per-example gradients.
    pub fn gradient(&self, theta: &Params) -> Params {
        let n = self.train_len();
        let mut g = [0.0; DIM];
        for i in 0..n {
            for (a, b) in g.iter_mut().zip(self.example_gradient_at(theta, i)) {
                *a += b / n as f64;
            }
        }
        g
    }

    /// The per-example gradients' population covariance (1/N)Σ(gᵢ − ḡ)(gᵢ − ḡ)ᵀ.
    pub fn gradient_covariance(&self, theta: &Params) -> Matrix {
        let n = self.train_len();
        let mean = self.gradient(theta);
        let mut c = vec![0.0; DIM * DIM];
        for i in 0..n {
            let mut d = self.example_gradient_at(theta, i);
            for (a, m) in d.iter_mut().zip(&mean) {
                *a -= m;
            }
            for r in 0..DIM {
                if d[r] == 0.0 {
                    continue;
                }
                for s in 0..DIM {
                    c[r * DIM + s] += d[r] * d[s] / n as f64;
                }
            }
        }
        c
    }

    /// The Hessian ∇²L(θ) = (1/N)Σ (diag p − ppᵀ) ⊗ x̃x̃ᵀ + λI — for softmax
    /// cross-entropy also the Fisher information of the model's predictions, plus λI.
    pub fn hessian(&self, theta: &Params) -> Matrix {
        let n = self.train_len() as f64;
        let k = FEATURES + 1;
        let mut h = vec![0.0; DIM * DIM];
        for x in &self.data.train_x {
            let p = Self::probabilities(theta, x);
            for c in 0..CLASSES {
                for d in 0..CLASSES {
                    let a = if c == d { p[c] - p[c] * p[d] } else { -p[c] * p[d] } / n;
                    for i in 0..k {
                        for j in 0..k {
                            h[(c * k + i) * DIM + d * k + j] += a * x[i] * x[j];
                        }
                    }
                }
            }
        }
        for i in 0..DIM {
            h[i * DIM + i] += self.penalty;
        }
        h
    }

    /// Share of the test set classified correctly (the most probable class).
    pub fn test_accuracy(&self, theta: &Params) -> f64 {
        let right = self
            .data
            .test_x
            .iter()
            .zip(&self.data.test_y)
            .filter(|(x, &y)| {
                let p = Self::probabilities(theta, x);
                (0..CLASSES).max_by(|&a, &b| p[a].total_cmp(&p[b])) == Some(y)
            })
            .count();
        right as f64 / self.data.test_x.len().max(1) as f64
    }

    /// The minimiser θ*, by Newton's method with backtracking from 0 (the loss is
    /// strictly convex: λ > 0). Stops when |∇L| < 1e-10 or after 100 iterations.
    pub fn optimum(&self) -> Params {
        let mut theta = [0.0; DIM];
        for _ in 0..100 {
            if !self.newton_step(&mut theta) {
                break;
            }
        }
        theta
    }

    /// One damped Newton step of [`Softmax::optimum`] from `theta`; false (and no step)
    /// once |∇L| < 1e-10 or the Hessian cannot be factored.
    pub fn newton_step(&self, theta: &mut Params) -> bool {
        let g = self.gradient(theta);
        if norm(&g) < 1e-10 {
            return false;
        }
        let Some(step) = super::eigen::solve_spd(&self.hessian(theta), &g, DIM) else { return false };
        let l0 = self.loss(theta);
        let mut t = 1.0;
        loop {
            let mut next = *theta;
            for i in 0..DIM {
                next[i] -= t * step[i];
            }
            if self.loss(&next) <= l0 || t < 1e-8 {
                *theta = next;
                return true;
            }
            t *= 0.5;
        }
    }
}

/// Euclidean norm.
pub fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Selection climbs f = −L.
impl Objective<DIM> for Softmax {
    fn fitness(&self, x: &Params) -> f64 {
        -self.loss(x)
    }
    fn fitness_gradient(&self, x: &Params) -> Params {
        self.gradient(x).map(|g| -g)
    }
}

/// SGD draws examples uniformly, with replacement.
impl ExampleGradients<DIM> for Softmax {
    fn example_gradient<R: Rng + ?Sized>(&self, x: &Params, rng: &mut R) -> Params {
        let i = rng.random_range(0..self.train_len());
        self.example_gradient_at(x, i)
    }
}
