//! The 4-D toy problem both models run on (spec §B), and the traits any problem offers.
//!
//! θ = (a, b, u, v): two *active* coordinates with a real loss and two *hidden* ones
//! with zero true gradient but correlated per-example gradients.

use crate::sim::normal::StandardNormal;
use rand::distr::Distribution;
use rand::{Rng, RngExt};

use super::error::{check_positive, check_range, ParamError};

/// Something selection can climb: an objective f to be maximised (f = −L for a loss).
pub trait Objective<const N: usize> {
    /// f(x).
    fn fitness(&self, x: &[f64; N]) -> f64;
    /// ∇f(x), the true gradient.
    fn fitness_gradient(&self, x: &[f64; N]) -> [f64; N];
}

/// Something mini-batch SGD can descend: a loss that is an expectation over data, of
/// which one example's gradient can be drawn.
pub trait ExampleGradients<const N: usize> {
    /// ∇ℓ(x; d) for one freshly drawn example d.
    fn example_gradient<R: Rng + ?Sized>(&self, x: &[f64; N], rng: &mut R) -> [f64; N];
}

/// The distribution of the hidden factor z (spec §B).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ZDistribution {
    /// z = ±τ with equal probability.
    #[default]
    Rademacher,
    /// z ~ N(0, τ²).
    Gaussian,
}

/// The toy problem's constants, every one a parameter with the spec's default (§B).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ToyParams {
    /// Curvature of a.
    pub h_a: f64,
    /// Curvature of b.
    pub h_b: f64,
    /// How strongly the hidden factor moves u's per-example gradient.
    pub c_u: f64,
    /// How strongly the hidden factor moves v's per-example gradient.
    pub c_v: f64,
    /// Standard deviation of the active coordinates' per-example noise ξ.
    pub s_xi: f64,
    /// Scale of z: standard deviation τ.
    pub tau: f64,
    /// The distribution of z.
    pub z: ZDistribution,
    /// Corr(z₁, z₂) between the factors driving u and v; 1 is the reply's case.
    pub rho: f64,
}

impl Default for ToyParams {
    fn default() -> Self {
        Self { h_a: 1.0, h_b: 0.25, c_u: 1.0, c_v: 0.5, s_xi: 0.5, tau: 1.0, z: ZDistribution::Rademacher, rho: 1.0 }
    }
}

/// The starting point θ₀ = (2, −1.5, 0, 0) of spec §B.
pub const DEFAULT_START: [f64; 4] = [2.0, -1.5, 0.0, 0.0];

/// The validated toy problem of spec §B.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ToyProblem {
    params: ToyParams,
    /// P(z₂ = z₁) for Rademacher z, (1 + ρ)/2.
    same_sign: f64,
    /// √(1 − ρ²) for Gaussian z.
    orthogonal: f64,
}

impl ToyProblem {
    /// Validates every constant; the error names the first bad one.
    pub fn new(params: ToyParams) -> Result<Self, ParamError> {
        check_range("h_a", params.h_a, 0.0, 100.0)?;
        check_range("h_b", params.h_b, 0.0, 100.0)?;
        check_range("c_u", params.c_u, -100.0, 100.0)?;
        check_range("c_v", params.c_v, -100.0, 100.0)?;
        check_range("s_xi", params.s_xi, 0.0, 100.0)?;
        check_positive("tau", params.tau, 100.0)?;
        check_range("rho", params.rho, -1.0, 1.0)?;
        Ok(Self {
            params,
            same_sign: 0.5 * (1.0 + params.rho),
            orthogonal: (1.0 - params.rho * params.rho).max(0.0).sqrt(),
        })
    }

    /// The constants.
    pub fn params(&self) -> &ToyParams {
        &self.params
    }

    /// The true loss L(θ) = ½(h_a·a² + h_b·b²).
    pub fn loss(&self, x: &[f64; 4]) -> f64 {
        0.5 * (self.params.h_a * x[0] * x[0] + self.params.h_b * x[1] * x[1])
    }

    /// The per-example loss ℓ(θ; d) for data d = (z₁, z₂, ξ_a, ξ_b) (spec §B).
    pub fn example_loss(&self, x: &[f64; 4], z: [f64; 2], xi: [f64; 2]) -> f64 {
        self.loss(x) + xi[0] * x[0] + xi[1] * x[1] + self.params.c_u * z[0] * x[2] + self.params.c_v * z[1] * x[3]
    }

    /// Draws the hidden factors (z₁, z₂) with variance τ² each and correlation ρ.
    pub fn sample_z<R: Rng + ?Sized>(&self, rng: &mut R) -> [f64; 2] {
        let tau = self.params.tau;
        match self.params.z {
            ZDistribution::Rademacher => {
                let z1 = if rng.random::<bool>() { tau } else { -tau };
                // z₂ = z₁ with probability (1+ρ)/2, else −z₁: E[z₁z₂] = ρτ².
                let z2 = if rng.random::<f64>() < self.same_sign { z1 } else { -z1 };
                [z1, z2]
            }
            ZDistribution::Gaussian => {
                let n1: f64 = StandardNormal.sample(rng);
                let n2: f64 = StandardNormal.sample(rng);
                [tau * n1, tau * (self.params.rho * n1 + self.orthogonal * n2)]
            }
        }
    }
}

impl Objective<4> for ToyProblem {
    fn fitness(&self, x: &[f64; 4]) -> f64 {
        -self.loss(x)
    }

    fn fitness_gradient(&self, x: &[f64; 4]) -> [f64; 4] {
        [-self.params.h_a * x[0], -self.params.h_b * x[1], 0.0, 0.0]
    }
}

impl ExampleGradients<4> for ToyProblem {
    /// (h_a·a + ξ_a, h_b·b + ξ_b, c_u·z₁, c_v·z₂).
    fn example_gradient<R: Rng + ?Sized>(&self, x: &[f64; 4], rng: &mut R) -> [f64; 4] {
        let xi_a: f64 = StandardNormal.sample(rng);
        let xi_b: f64 = StandardNormal.sample(rng);
        let z = self.sample_z(rng);
        let p = &self.params;
        [p.h_a * x[0] + p.s_xi * xi_a, p.h_b * x[1] + p.s_xi * xi_b, p.c_u * z[0], p.c_v * z[1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_specs() {
        let p = ToyParams::default();
        assert_eq!((p.h_a, p.h_b, p.c_u, p.c_v, p.s_xi, p.rho), (1.0, 0.25, 1.0, 0.5, 0.5, 1.0));
        assert!(ToyProblem::new(p).is_ok());
    }

    #[test]
    fn rejects_bad_constants() {
        let bad = ToyParams { rho: 1.5, ..ToyParams::default() };
        assert_eq!(ToyProblem::new(bad).unwrap_err().param, "rho");
        let bad = ToyParams { s_xi: f64::NAN, ..ToyParams::default() };
        assert_eq!(ToyProblem::new(bad).unwrap_err().param, "s_xi");
        let bad = ToyParams { tau: 0.0, ..ToyParams::default() };
        assert_eq!(ToyProblem::new(bad).unwrap_err().param, "tau");
    }

    #[test]
    fn example_gradient_is_gradient_of_example_loss() {
        let p = ToyProblem::new(ToyParams::default()).unwrap();
        let x = [0.3, -0.7, 1.1, 2.0];
        let (z, xi) = ([1.0, -1.0], [0.2, -0.4]);
        let h = 1e-6;
        for i in 0..4 {
            let mut xp = x;
            let mut xm = x;
            xp[i] += h;
            xm[i] -= h;
            let numeric = (p.example_loss(&xp, z, xi) - p.example_loss(&xm, z, xi)) / (2.0 * h);
            let analytic = [x[0] + xi[0], 0.25 * x[1] + xi[1], z[0], 0.5 * z[1]][i];
            assert!((numeric - analytic).abs() < 1e-6, "coordinate {i}");
        }
    }
}
