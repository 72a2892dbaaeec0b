//! The realistic case (spec §C): both models on linear regression with correlated
//! features, in the plane of the weights w = (w₁, w₂).
//!
//! - [`LabParams`]: everything the experiment can change, and [`LabTheory`], what theory
//!   says at those values (and where the clouds lie).
//! - [`one_step`]: many single steps from one fixed point. SGD's step −η·ĝ_B has
//!   covariance (η²/B)·Cov(g), shaped like H = Σ at the optimum; selection's mutation is
//!   round, s²I. Which mutations are accepted depends on f, and on this curved f the
//!   accepted ones are reshaped by the curvature (their exact moments come from
//!   [`super::quadratic`]).
//! - [`long_run`]: both models run on and on around the optimum. Constant-rate SGD
//!   settles into the nearly round (ησ_n²/B)(2I − ηH)⁻¹ (exactly:
//!   [`super::theory::sgd_stationary_covariance`]); KEEP selection with an e^{βΔ}-ratio
//!   acceptance samples ∝ e^{βf}, covariance H⁻¹/β.

pub mod long_run;
pub mod one_step;

pub use long_run::{LongRun, LongRunTheory};
pub use one_step::{Candidate, StepCloud, StepTheory, CLOUD_SEL_STREAM, CLOUD_SGD_STREAM};

use super::error::ParamError;
use super::maths::{eigen_sym2, inverse2, Sym2};
use super::regression::{Regression, RegressionParams};
use super::selection::{Acceptance, Mutation, Selection, StepRule};
use super::sgd::MiniBatchSgd;

/// Everything the experiment can change.
///
/// Defaults: η = 0.1, B = 1, σ_n = 1 (§C's example), s = 0.1 — the same per-coordinate
/// step variance as SGD's at the optimum, η²σ_n²Σ₁₁/B = 0.01, so the two one-step clouds
/// are directly comparable — and logistic acceptance with β = 100, for which KEEP's
/// long-run cloud H⁻¹/β has the same total variance as SGD's ((ησ_n²/B)·tr(2I − ηH)⁻¹ ≈
/// 0.105 against tr H⁻¹/β ≈ 0.105), so both long-run clouds fit one scale. At these
/// values a KEEP candidate near the optimum is accepted about a third of the time and the
/// slowest direction of H⁻¹/β relaxes in a few dozen generations, so KEEP mixes well
/// within the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabParams {
    /// SGD's learning rate η.
    pub lr: f64,
    /// SGD's batch size B.
    pub batch: u64,
    /// Mutation size s (Gaussian, per coordinate).
    pub s: f64,
    /// KEEP's acceptance rule. The long-run theory H⁻¹/β holds for the rules whose
    /// forward/reverse ratio is e^{βΔ} ([`Acceptance::ratio_beta`]): logistic, Metropolis.
    pub acceptance: Acceptance,
    /// Feature correlation Σ₁₂.
    pub feature_corr: f64,
    /// Where the one-step clouds are drawn from, as an offset δ = w − w*.
    pub offset: [f64; 2],
    /// The seed.
    pub seed: u64,
}

impl Default for LabParams {
    fn default() -> Self {
        Self {
            lr: 0.1,
            batch: 1,
            s: 0.1,
            acceptance: Acceptance::Logistic { beta: 100.0 },
            feature_corr: 0.9,
            offset: [0.0, 0.0],
            seed: 1,
        }
    }
}

impl LabParams {
    /// The regression problem (σ_n = 1, unit feature variances, w* = (1, −½)).
    pub fn problem(&self) -> Result<Regression, ParamError> {
        Regression::new(RegressionParams { feature_corr: self.feature_corr, ..RegressionParams::default() })
    }

    /// KEEP selection with Gaussian mutation.
    pub fn selection(&self) -> Result<Selection, ParamError> {
        Selection::new(Mutation::Gaussian { sigma: self.s }, self.acceptance, StepRule::Keep)
    }

    /// Mini-batch SGD.
    pub fn sgd(&self) -> Result<MiniBatchSgd, ParamError> {
        MiniBatchSgd::new(self.lr, self.batch)
    }

    /// The point of the one-step clouds, w* + δ.
    pub fn point(&self) -> [f64; 2] {
        let w = RegressionParams::default().w_star;
        [w[0] + self.offset[0], w[1] + self.offset[1]]
    }

    /// Checks every parameter; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ParamError> {
        self.problem()?;
        self.selection()?;
        self.sgd()?;
        super::error::check_range("offset", self.offset[0], -10.0, 10.0)?;
        super::error::check_range("offset", self.offset[1], -10.0, 10.0)?;
        Ok(())
    }
}

/// What theory says at one set of parameters: the one-step and long-run laws, and the
/// problem's geometry (the optimum, the Hessian H = Σ).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabTheory {
    /// The one-step clouds at the point.
    pub step: StepTheory,
    /// The long-run clouds around the optimum.
    pub long: LongRunTheory,
    /// The optimum w*.
    pub w_star: [f64; 2],
    /// The point of the one-step clouds, w* + δ.
    pub point: [f64; 2],
    /// The feature covariance Σ, which is also the Hessian H of the loss.
    pub sigma: Sym2,
}

/// Standard deviations from its centre within which a cloud counts as "in view" (a 2-D
/// Gaussian puts all but 1 % of its mass within 3).
pub const VIEW_SD: f64 = 3.0;

impl LabTheory {
    /// Theory at `params`.
    pub fn of(params: &LabParams) -> Result<Self, ParamError> {
        params.validate()?;
        let problem = params.problem()?;
        Ok(Self {
            step: StepTheory::of(params, &problem),
            long: LongRunTheory::of(params, &problem),
            w_star: problem.params().w_star,
            point: params.point(),
            sigma: problem.covariance(),
        })
    }

    /// The largest distance from w*, along either axis, at which theory puts a visible
    /// part of a cloud: the point plus SGD's mean step and [`VIEW_SD`] standard
    /// deviations of its step, the point plus [`VIEW_SD`] mutation sizes, and
    /// [`VIEW_SD`] standard deviations of each long-run cloud (SGD's exact law, or its
    /// small-η form where the exact one does not exist).
    pub fn extent(&self) -> f64 {
        let sd_max = |cov: Sym2| eigen_sym2(cov).0.max(0.0).sqrt();
        let off = (self.point[0] - self.w_star[0]).abs().max((self.point[1] - self.w_star[1]).abs());
        let mean = self.step.sgd_mean[0].abs().max(self.step.sgd_mean[1].abs());
        let s = self.step.mutation_cov[0][0].max(0.0).sqrt();
        let mut extent = (off + mean + VIEW_SD * sd_max(self.step.sgd_cov)).max(off + VIEW_SD * s);
        for cov in [self.long.sgd.or(self.long.sgd_small_lr), self.long.selection].into_iter().flatten() {
            extent = extent.max(VIEW_SD * sd_max(cov));
        }
        extent
    }

    /// The loss contour {w : (w − w*)ᵀH(w − w*) = c} whose semi-axis along the flat
    /// direction (H's smallest eigenvalue λ_min) is `r`, written as the matrix M =
    /// r²λ_min·H⁻¹ whose one-standard-deviation ellipse it is. `None` if H is singular.
    pub fn contour(&self, r: f64) -> Option<Sym2> {
        let (_, lmin, _) = eigen_sym2(self.sigma);
        let inv = inverse2(self.sigma)?;
        let c = r * r * lmin.max(1e-12);
        Some([[inv[0][0] * c, inv[0][1] * c], [inv[1][0] * c, inv[1][1] * c]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theory_holds_both_clouds_and_contours_are_level_sets() {
        let p = LabParams::default();
        let t = LabTheory::of(&p).expect("valid");
        // The long-run clouds have total variance about 0.105: 3 sd of the widest
        // direction (H⁻¹/β's, 1/(100·0.1)) is about 0.95.
        let e = t.extent();
        assert!(e > 0.9 && e < 1.1, "extent {e}");
        // Moving the point moves the extent with it.
        let far = LabTheory::of(&LabParams { offset: [0.8, -0.3], ..p }).expect("valid");
        assert!(far.extent() > 0.8 + 3.0 * 0.1);
        // A contour's flat semi-axis is r, and its steep one r·√(λ_min/λ_max).
        let m = t.contour(0.5).expect("regular");
        let (l1, l2, _) = eigen_sym2(m);
        assert!((l1.sqrt() - 0.5).abs() < 1e-12, "flat semi-axis {}", l1.sqrt());
        assert!((l2 / l1 - 0.1 / 1.9).abs() < 1e-12, "aspect {}", l2 / l1);
        assert!(LabTheory::of(&LabParams { lr: -1.0, ..p }).is_err());
    }

    #[test]
    fn bad_parameters_are_named() {
        let bad = LabParams { lr: 0.0, ..LabParams::default() };
        assert_eq!(StepCloud::new(&bad, 10).unwrap_err().param, "lr");
        let bad = LabParams { feature_corr: 1.0, ..LabParams::default() };
        assert_eq!(LongRun::new(&bad, 10, 0, 1).unwrap_err().param, "feature_corr");
        let bad = LabParams { offset: [f64::NAN, 0.0], ..LabParams::default() };
        assert_eq!(bad.validate().unwrap_err().param, "offset");
    }
}
