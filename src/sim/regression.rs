//! Linear regression with correlated features (spec §C): y = w*ᵀx + ε, x ~ N(0, Σ),
//! ε ~ N(0, σ_n²), per-example loss ½(wᵀx − y)².

use crate::sim::normal::StandardNormal;
use rand::distr::Distribution;
use rand::Rng;

use super::error::{check_range, ParamError};
use super::maths::Sym2;
use super::problem::{ExampleGradients, Objective};

/// The regression problem's constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegressionParams {
    /// Feature variances (Σ₁₁ = Σ₂₂ = `feature_var`).
    pub feature_var: f64,
    /// Feature correlation Σ₁₂/Σ₁₁.
    pub feature_corr: f64,
    /// Noise standard deviation σ_n.
    pub noise_sd: f64,
    /// True weights w*.
    pub w_star: [f64; 2],
}

impl Default for RegressionParams {
    fn default() -> Self {
        Self { feature_var: 1.0, feature_corr: 0.9, noise_sd: 1.0, w_star: [1.0, -0.5] }
    }
}

/// The validated regression problem, on θ = w ∈ ℝ².
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Regression {
    params: RegressionParams,
    sigma: Sym2,
    /// Cholesky factor of Σ: x = L·n, n ~ N(0, I).
    chol: [[f64; 2]; 2],
}

impl Regression {
    /// Validates the constants: variance in [1e-6, 100], |corr| ≤ 0.99, σ_n in [0, 100],
    /// each component of w* in [−100, 100].
    pub fn new(params: RegressionParams) -> Result<Self, ParamError> {
        let v = check_range("feature_var", params.feature_var, 1e-6, 100.0)?;
        let c = check_range("feature_corr", params.feature_corr, -0.99, 0.99)?;
        check_range("noise_sd", params.noise_sd, 0.0, 100.0)?;
        check_range("w_star", params.w_star[0], -100.0, 100.0)?;
        check_range("w_star", params.w_star[1], -100.0, 100.0)?;
        let sd = v.sqrt();
        let sigma = [[v, c * v], [c * v, v]];
        let chol = [[sd, 0.0], [c * sd, sd * (1.0 - c * c).sqrt()]];
        Ok(Self { params, sigma, chol })
    }

    /// The constants.
    pub fn params(&self) -> &RegressionParams {
        &self.params
    }

    /// Σ, which is also the Hessian H of the true loss.
    pub fn covariance(&self) -> Sym2 {
        self.sigma
    }

    /// The true loss L(w) = ½(δᵀΣδ + σ_n²), δ = w − w*.
    pub fn loss(&self, w: &[f64; 2]) -> f64 {
        let d = [w[0] - self.params.w_star[0], w[1] - self.params.w_star[1]];
        let s = &self.sigma;
        0.5 * (d[0] * (s[0][0] * d[0] + s[0][1] * d[1])
            + d[1] * (s[1][0] * d[0] + s[1][1] * d[1])
            + self.params.noise_sd * self.params.noise_sd)
    }

    /// Draws one example (x, y).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> ([f64; 2], f64) {
        let n1: f64 = StandardNormal.sample(rng);
        let n2: f64 = StandardNormal.sample(rng);
        let e: f64 = StandardNormal.sample(rng);
        let x = [self.chol[0][0] * n1, self.chol[1][0] * n1 + self.chol[1][1] * n2];
        let y = self.params.w_star[0] * x[0] + self.params.w_star[1] * x[1] + self.params.noise_sd * e;
        (x, y)
    }
}

impl Objective<2> for Regression {
    fn fitness(&self, w: &[f64; 2]) -> f64 {
        -self.loss(w)
    }

    fn fitness_gradient(&self, w: &[f64; 2]) -> [f64; 2] {
        let d = [w[0] - self.params.w_star[0], w[1] - self.params.w_star[1]];
        let s = &self.sigma;
        [-(s[0][0] * d[0] + s[0][1] * d[1]), -(s[1][0] * d[0] + s[1][1] * d[1])]
    }
}

impl ExampleGradients<2> for Regression {
    /// g = x(xᵀw − y).
    fn example_gradient<R: Rng + ?Sized>(&self, w: &[f64; 2], rng: &mut R) -> [f64; 2] {
        let (x, y) = self.sample(rng);
        let r = x[0] * w[0] + x[1] * w[1] - y;
        [x[0] * r, x[1] * r]
    }
}
