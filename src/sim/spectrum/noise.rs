//! The shape of each model's noise at one point θ: many steps taken from that same point
//! (not a trajectory), their empirical covariance, its eigenvalue spectrum, and the
//! theory beside it.
//!
//! Theory *(derived)*:
//! - **SGD**, B examples drawn uniformly with replacement: the step is −η times the mean
//!   of B independent per-example gradients, so Cov(step) = (η²/B)·C, C = (1/N)Σ(gᵢ −
//!   ḡ)(gᵢ − ḡ)ᵀ exactly. (Without replacement it would be (η²/B)·C·(N − B)/(N − 1): the
//!   variance of a mean of B draws from a finite population without replacement.) For
//!   softmax regression every gᵢ = (p − e_y) ⊗ x̃ + λθ has class blocks that sum to λθ's,
//!   so C has rank at most 2·14 = 28 of 42, and correlated features shrink it further.
//! - **Selection**, Gaussian mutation N(0, σ²I), logistic acceptance, f treated as linear
//!   over one mutation: acceptance depends on y = ε·ĝ alone, so the components
//!   perpendicular to the gradient are independent of acceptance. LOOP: they are exactly
//!   N(0, σ²) — 41 eigenvalues σ² — and along ĝ the variance is E[y²|acc] − m² (for
//!   logistic E[y²|acc] = σ², so σ² − m²). KEEP steps are ε·1[accepted]: perpendicular
//!   variance σ²·A (A the acceptance rate, ½ for logistic) and along ĝ
//!   A·E[y²|acc] − (A·m)². Curvature enters the acceptance: the term −½εᵀHε of Δ has
//!   mean −½σ²·tr H and variance σ⁴·tr(H²)/2, which the theory takes as Gaussian
//!   noise beside the gradient's term ([`curved_response`]) — it lowers KEEP's A below ½
//!   by about η·tr H/4 with the matched β = 2η/σ². Per direction it bends the spectrum at
//!   second order: near a stationary point LOOP's covariance is σ²(I − βσ²H/2) = σ²(I −
//!   ηH), a spread of η·λ_max(H) at most.

use super::dimension::curved_response;
use super::eigen::{rank_for_share, subspace_overlap, symmetric_eigen, CovarianceAccumulator, Eigen};
use super::softmax::{norm, Params, Softmax, DIM};
use crate::sim::learning_rate::matched;
use crate::sim::selection::AcceptanceKind;
use crate::sim::selection::{Mutation, Selection, StepRule};
use crate::sim::sgd::MiniBatchSgd;
use crate::sim::{rng_for, ParamError, SimRng};

/// Directions compared by the alignment numbers.
pub const ALIGN_K: usize = 5;

/// The theory spectra at a point.
#[derive(Clone, Debug, PartialEq)]
pub struct NoiseTheory {
    /// SGD's step covariance (η²/B)·C, row-major.
    pub sgd_covariance: Vec<f64>,
    /// Its eigen-decomposition.
    pub sgd: Eigen,
    /// Selection's eigenvalues (descending): the perpendicular value 41 times and the
    /// gradient direction's once.
    pub sel_values: Vec<f64>,
    /// Selection's perpendicular variance (σ² for LOOP, σ²·A for KEEP).
    pub sel_perpendicular: f64,
    /// Selection's variance along the gradient.
    pub sel_along: f64,
    /// The Hessian's eigen-decomposition at the point.
    pub hessian: Eigen,
    /// The unit gradient direction ĝ of f = −L (zero at a stationary point).
    pub direction: Params,
}

/// What the theory needs at a point that depends on the point alone (the costly part:
/// two 42 × 42 eigen-decompositions), so a figure can compute it once per point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointBasis {
    /// The point.
    pub point: Params,
    /// The per-example gradients' covariance C.
    pub gradient_covariance: Vec<f64>,
    /// Its eigen-decomposition.
    pub gradient_eigen: Eigen,
    /// The Hessian.
    pub hessian: Vec<f64>,
    /// Its eigen-decomposition.
    pub hessian_eigen: Eigen,
    /// ∇L at the point.
    pub gradient: Params,
}

impl PointBasis {
    /// Computes it for `model` at `point`.
    pub fn at(model: &Softmax, point: &Params) -> Self {
        let empty = || Eigen { values: vec![0.0; DIM], vectors: vec![vec![0.0; DIM]; DIM] };
        let gradient_covariance = model.gradient_covariance(point);
        let hessian = model.hessian(point);
        Self {
            point: *point,
            gradient_eigen: symmetric_eigen(&gradient_covariance, DIM).unwrap_or_else(empty),
            hessian_eigen: symmetric_eigen(&hessian, DIM).unwrap_or_else(empty),
            gradient_covariance,
            hessian,
            gradient: model.gradient(point),
        }
    }
}

/// A [`PointBasis`] computed in three pieces (the matrices, then one eigen-decomposition
/// per call), so that no piece of work is long.
#[derive(Clone, Debug, PartialEq)]
pub struct PointBasisBuilder {
    point: Params,
    gradient_covariance: Vec<f64>,
    hessian: Vec<f64>,
    gradient: Params,
    gradient_eigen: Option<Eigen>,
}

impl PointBasisBuilder {
    /// The matrices at `point`.
    pub fn new(model: &Softmax, point: &Params) -> Self {
        Self {
            point: *point,
            gradient_covariance: model.gradient_covariance(point),
            hessian: model.hessian(point),
            gradient: model.gradient(point),
            gradient_eigen: None,
        }
    }

    /// One eigen-decomposition; the basis once both are done.
    pub fn advance(&mut self) -> Option<PointBasis> {
        let empty = || Eigen { values: vec![0.0; DIM], vectors: vec![vec![0.0; DIM]; DIM] };
        let Some(gradient_eigen) = self.gradient_eigen.clone() else {
            self.gradient_eigen = Some(symmetric_eigen(&self.gradient_covariance, DIM).unwrap_or_else(empty));
            return None;
        };
        Some(PointBasis {
            point: self.point,
            gradient_covariance: self.gradient_covariance.clone(),
            gradient_eigen,
            hessian_eigen: symmetric_eigen(&self.hessian, DIM).unwrap_or_else(empty),
            hessian: self.hessian.clone(),
            gradient: self.gradient,
        })
    }
}

/// Both models' measured step covariance at one point.
pub struct NoiseExperiment {
    model: Softmax,
    point: Params,
    sgd: MiniBatchSgd,
    selection: Selection,
    sgd_rng: SimRng,
    sel_rng: SimRng,
    sgd_steps: CovarianceAccumulator,
    sel_steps: CovarianceAccumulator,
    candidates: u64,
    target: u64,
    theory: NoiseTheory,
}

/// The spectra of the measured covariances.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// SGD's.
    pub sgd: Eigen,
    /// Selection's.
    pub sel: Eigen,
}

/// What the figure reports about a measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoiseSummary {
    /// Directions holding 90 % of SGD's measured step variance.
    pub sgd_rank90: usize,
    /// Directions holding 90 % of selection's.
    pub sel_rank90: usize,
    /// The same for the theory spectra.
    pub sgd_rank90_theory: usize,
    /// For selection's theory.
    pub sel_rank90_theory: usize,
    /// Subspace overlap of SGD's top directions with the Hessian's.
    pub sgd_alignment: f64,
    /// Of selection's top directions with the Hessian's.
    pub sel_alignment: f64,
    /// Measured / theory top eigenvalue, SGD.
    pub sgd_top_ratio: f64,
    /// Measured / theory trace, SGD.
    pub sgd_trace_ratio: f64,
    /// Measured / theory trace, selection.
    pub sel_trace_ratio: f64,
}

impl NoiseExperiment {
    /// Sets up `target` steps of each model from the point of `basis`
    /// ([`PointBasis::at`]): SGD with rate `lr` and batch `batch`, selection with
    /// Gaussian mutation σ, logistic acceptance matched to SGD's small-step rate
    /// (β = 2η/σ²: k_loop = σ²β/2 = η) and step `rule`, both from `seed` (SGD stream 0,
    /// selection stream 1).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        model: Softmax,
        basis: &PointBasis,
        lr: f64,
        batch: u64,
        sigma: f64,
        rule: StepRule,
        seed: u64,
        target: u64,
    ) -> Result<Self, ParamError> {
        let point = basis.point;
        let sgd = MiniBatchSgd::new(lr, batch)?;
        let beta = 2.0 * lr / (sigma * sigma);
        let selection = Selection::new(Mutation::Gaussian { sigma }, matched(AcceptanceKind::Logistic, beta), rule)?;
        let theory = theory_at(basis, &sgd, &selection, sigma);
        Ok(Self {
            model,
            point,
            sgd,
            selection,
            sgd_rng: rng_for(seed, 0),
            sel_rng: rng_for(seed, 1),
            sgd_steps: CovarianceAccumulator::new(DIM),
            sel_steps: CovarianceAccumulator::new(DIM),
            candidates: 0,
            target,
            theory,
        })
    }

    /// Takes up to `steps` more steps of each model from the point; returns how many.
    pub fn advance(&mut self, steps: u64) -> u64 {
        let n = steps.min(self.target - self.done());
        for _ in 0..n {
            let s = self.sgd.step(&self.model, &self.point, &mut self.sgd_rng);
            self.sgd_steps.push(&s.step);
            let t = self.selection.step(&self.model, &self.point, &mut self.sel_rng);
            self.candidates += t.candidates;
            self.sel_steps.push(&t.step);
        }
        n
    }

    /// Steps taken (of each model).
    pub fn done(&self) -> u64 {
        self.sgd_steps.count()
    }

    /// Steps wanted.
    pub fn target(&self) -> u64 {
        self.target
    }

    /// Whether every step is taken.
    pub fn finished(&self) -> bool {
        self.done() >= self.target
    }

    /// Selection's candidates per step so far.
    pub fn candidates_per_step(&self) -> Option<f64> {
        (self.sel_steps.count() > 0).then(|| self.candidates as f64 / self.sel_steps.count() as f64)
    }

    /// The theory at the point.
    pub fn theory(&self) -> &NoiseTheory {
        &self.theory
    }

    /// The point.
    pub fn point(&self) -> &Params {
        &self.point
    }

    /// The measured covariances (SGD's, selection's), once two steps are taken.
    pub fn covariances(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        Some((self.sgd_steps.covariance()?, self.sel_steps.covariance()?))
    }

    /// SGD's and selection's measured steps' means.
    pub fn means(&self) -> (&[f64], &[f64]) {
        (self.sgd_steps.mean(), self.sel_steps.mean())
    }

    /// Eigen-decomposes the measured covariances (a few milliseconds: call it once the
    /// steps are taken, or now and then for a preview).
    pub fn measure(&self) -> Option<Measured> {
        let (a, b) = self.covariances()?;
        Some(Measured { sgd: symmetric_eigen(&a, DIM)?, sel: symmetric_eigen(&b, DIM)? })
    }

    /// rank90s, alignments and ratios of a measurement against the theory.
    pub fn summary(&self, m: &Measured) -> NoiseSummary {
        let t = &self.theory;
        let trace = |v: &[f64]| v.iter().sum::<f64>();
        NoiseSummary {
            sgd_rank90: rank_for_share(&m.sgd.values, 0.9),
            sel_rank90: rank_for_share(&m.sel.values, 0.9),
            sgd_rank90_theory: rank_for_share(&t.sgd.values, 0.9),
            sel_rank90_theory: rank_for_share(&t.sel_values, 0.9),
            sgd_alignment: subspace_overlap(&m.sgd.vectors, &t.hessian.vectors, ALIGN_K),
            sel_alignment: subspace_overlap(&m.sel.vectors, &t.hessian.vectors, ALIGN_K),
            sgd_top_ratio: m.sgd.values[0] / t.sgd.values[0],
            sgd_trace_ratio: trace(&m.sgd.values) / trace(&t.sgd.values),
            sel_trace_ratio: trace(&m.sel.values) / trace(&t.sel_values),
        }
    }
}

/// The theory spectra at `point` (see the module's derivation).
fn theory_at(basis: &PointBasis, sgd: &MiniBatchSgd, selection: &Selection, sigma: f64) -> NoiseTheory {
    let scale = sgd.lr() * sgd.lr() / sgd.batch() as f64;
    let sgd_covariance: Vec<f64> = basis.gradient_covariance.iter().map(|c| c * scale).collect();
    let sgd_eigen = Eigen {
        values: basis.gradient_eigen.values.iter().map(|v| v * scale).collect(),
        vectors: basis.gradient_eigen.vectors.clone(),
    };
    let g = basis.gradient;
    let gn = norm(&g);
    let direction = if gn > 0.0 { g.map(|x| -x / gn) } else { [0.0; DIM] };
    // The curvature term −½εᵀHε has mean −½σ²·tr H and variance σ⁴·tr(H²)/2.
    let h = &basis.hessian;
    let trace_h: f64 = (0..DIM).map(|i| h[i * DIM + i]).sum();
    let trace_h2: f64 = h.iter().map(|x| x * x).sum();
    let s2 = sigma * sigma;
    let r = curved_response(&selection.acceptance(), sigma, gn, 0.5 * s2 * trace_h, s2 * s2 * trace_h2 / 2.0);
    let a = r.acceptance.max(f64::MIN_POSITIVE);
    let (perp, along) = match selection.rule() {
        StepRule::Loop { .. } => (s2, r.mean_y2 / a - (r.mean_y / a) * (r.mean_y / a)),
        StepRule::Keep => (s2 * a, r.mean_y2 - r.mean_y * r.mean_y),
    };
    let mut sel_values = vec![perp; DIM - 1];
    sel_values.push(along);
    sel_values.sort_by(|a, b| b.total_cmp(a));
    let hessian = basis.hessian_eigen.clone();
    NoiseTheory {
        sgd_covariance,
        sgd: sgd_eigen,
        sel_values,
        sel_perpendicular: perp,
        sel_along: along,
        hessian,
        direction,
    }
}
