//! The realistic case (spec §C): both models on linear regression with correlated
//! features, in the plane of the weights w = (w₁, w₂).
//!
//! - [`StepCloud`]: many single steps from one fixed point. SGD's step −η·ĝ_B has
//!   covariance (η²/B)·Cov(g), shaped like H = Σ at the optimum; selection's mutation is
//!   round, s²I. Which mutations are accepted depends on f, and on this curved f the
//!   accepted ones are reshaped by the curvature (their exact moments come from
//!   [`super::quadratic`]).
//! - [`LongRun`]: both models run on and on around the optimum. Constant-rate SGD
//!   settles into the nearly round (ησ_n²/B)(2I − ηH)⁻¹; KEEP selection with an
//!   e^{βΔ}-ratio acceptance samples ∝ e^{βf}, covariance H⁻¹/β.

use super::error::{check_count, ParamError};
use super::maths::{correlation_of, Sym2};
use super::problem::Objective;
use super::quadratic::{accepted_moments, AcceptedMoments};
use super::regression::{Regression, RegressionParams};
use super::run::{SelectionRun, SgdRun};
use super::selection::{Acceptance, Mutation, Selection, StepRule};
use super::sgd::MiniBatchSgd;
use super::stats::RunningCorrelation;
use super::{rng_for, theory, SimRng};

/// The generator streams of the one-step clouds (the long runs use the runs' own).
pub const CLOUD_SGD_STREAM: u64 = 20;
/// See [`CLOUD_SGD_STREAM`].
pub const CLOUD_SEL_STREAM: u64 = 21;

/// The KEEP acceptance rules whose long-run law is ∝ e^{βf} (P(Δ)/P(−Δ) = e^{βΔ}).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeepRule {
    /// 1/(1 + e^{−βΔ}).
    #[default]
    Logistic,
    /// min(1, e^{βΔ}).
    Metropolis,
}

/// Everything the figure can change.
///
/// Defaults: η = 0.1, B = 1, σ_n = 1 (§C's example), s = 0.1 — the same per-coordinate
/// step variance as SGD's at the optimum, η²σ_n²Σ₁₁/B = 0.01, so the two one-step clouds
/// are directly comparable — and β = 100, for which KEEP's long-run cloud H⁻¹/β has the
/// same total variance as SGD's ((ησ_n²/B)·tr(2I − ηH)⁻¹ ≈ 0.105 against tr H⁻¹/β ≈
/// 0.105), so both long-run clouds fit one scale. At these values a KEEP candidate near
/// the optimum is accepted about a third of the time and the slowest direction of
/// H⁻¹/β relaxes in a few dozen generations, so KEEP mixes well within the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabParams {
    /// SGD's learning rate η.
    pub lr: f64,
    /// SGD's batch size B.
    pub batch: u64,
    /// Mutation size s (Gaussian, per coordinate).
    pub s: f64,
    /// Inverse temperature β.
    pub beta: f64,
    /// KEEP's acceptance rule.
    pub rule: KeepRule,
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
            beta: 100.0,
            rule: KeepRule::Logistic,
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

    /// The acceptance function.
    pub fn acceptance(&self) -> Acceptance {
        match self.rule {
            KeepRule::Logistic => Acceptance::Logistic { beta: self.beta },
            KeepRule::Metropolis => Acceptance::Metropolis { beta: self.beta },
        }
    }

    /// KEEP selection with Gaussian mutation.
    pub fn selection(&self) -> Result<Selection, ParamError> {
        Selection::new(Mutation::Gaussian { sigma: self.s }, self.acceptance(), StepRule::Keep)
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

/// What theory says about the one-step clouds at the chosen point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepTheory {
    /// SGD's mean step −η∇L(w).
    pub sgd_mean: [f64; 2],
    /// SGD's step covariance (η²/B)·Cov(g) (§C).
    pub sgd_cov: Sym2,
    /// The mutation covariance s²I.
    pub mutation_cov: Sym2,
    /// The accepted mutations' exact moments, if any candidate can be accepted.
    pub accepted: Option<AcceptedMoments>,
}

impl StepTheory {
    /// Theory at `params`' point.
    pub fn of(params: &LabParams, problem: &Regression) -> Self {
        let w = params.point();
        let sigma = problem.covariance();
        let cov_g = theory::regression_gradient_covariance(sigma, params.offset, problem.params().noise_sd);
        let k = params.lr * params.lr / params.batch as f64;
        let grad_f = problem.fitness_gradient(&w);
        let s2 = params.s * params.s;
        Self {
            sgd_mean: [params.lr * grad_f[0], params.lr * grad_f[1]],
            sgd_cov: [[k * cov_g[0][0], k * cov_g[0][1]], [k * cov_g[1][0], k * cov_g[1][1]]],
            mutation_cov: [[s2, 0.0], [0.0, s2]],
            accepted: accepted_moments(&params.acceptance(), params.s, grad_f, sigma),
        }
    }

    /// SGD's per-step correlation from §C's formula.
    pub fn sgd_correlation(&self) -> f64 {
        correlation_of(self.sgd_cov)
    }
}

/// One candidate mutation in the selection cloud.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The mutation ε.
    pub step: [f64; 2],
    /// Whether it was accepted.
    pub accepted: bool,
}

/// Many single steps from one fixed point, for both models, up to a cap.
#[derive(Clone, Debug)]
pub struct StepCloud {
    problem: Regression,
    sgd: MiniBatchSgd,
    selection: Selection,
    point: [f64; 2],
    cap: usize,
    rng_sgd: SimRng,
    rng_sel: SimRng,
    /// SGD's steps Δw, in order.
    pub sgd_steps: Vec<[f64; 2]>,
    /// Selection's candidate mutations, in order.
    pub candidates: Vec<Candidate>,
    /// r of SGD's steps.
    pub sgd_corr: RunningCorrelation,
    /// r of all mutations.
    pub mutation_corr: RunningCorrelation,
    /// r of the accepted mutations.
    pub accepted_corr: RunningCorrelation,
}

impl StepCloud {
    /// A cloud of up to `cap` (1..=10⁶) steps per model at `params`' point.
    pub fn new(params: &LabParams, cap: usize) -> Result<Self, ParamError> {
        params.validate()?;
        let cap = check_count("cap", cap as u64, 1, 1_000_000)? as usize;
        Ok(Self {
            problem: params.problem()?,
            sgd: params.sgd()?,
            selection: params.selection()?,
            point: params.point(),
            cap,
            rng_sgd: rng_for(params.seed, CLOUD_SGD_STREAM),
            rng_sel: rng_for(params.seed, CLOUD_SEL_STREAM),
            sgd_steps: Vec::with_capacity(cap),
            candidates: Vec::with_capacity(cap),
            sgd_corr: RunningCorrelation::new(),
            mutation_corr: RunningCorrelation::new(),
            accepted_corr: RunningCorrelation::new(),
        })
    }

    /// Draws up to `n` more steps per model (fewer at the cap); returns how many.
    pub fn draw(&mut self, n: usize) -> usize {
        let n = n.min(self.cap - self.sgd_steps.len());
        let fx = self.problem.fitness(&self.point);
        for _ in 0..n {
            let step = self.sgd.step(&self.problem, &self.point, &mut self.rng_sgd).step;
            self.sgd_corr.push(step[0], step[1]);
            self.sgd_steps.push(step);
            let (eps, accepted) = self.selection.candidate(&self.problem, &self.point, fx, &mut self.rng_sel);
            self.mutation_corr.push(eps[0], eps[1]);
            if accepted {
                self.accepted_corr.push(eps[0], eps[1]);
            }
            self.candidates.push(Candidate { step: eps, accepted });
        }
        n
    }

    /// Steps drawn per model.
    pub fn len(&self) -> usize {
        self.sgd_steps.len()
    }

    /// Whether nothing has been drawn yet.
    pub fn is_empty(&self) -> bool {
        self.sgd_steps.is_empty()
    }

    /// Whether the cap is reached.
    pub fn done(&self) -> bool {
        self.sgd_steps.len() >= self.cap
    }

    /// The cap.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// The point the steps start from.
    pub fn point(&self) -> [f64; 2] {
        self.point
    }

    /// The fraction of candidates accepted.
    pub fn acceptance_rate(&self) -> Option<f64> {
        (!self.candidates.is_empty()).then(|| self.accepted_corr.count() as f64 / self.candidates.len() as f64)
    }
}

/// The exact stationary covariance of constant-rate mini-batch SGD on this regression
/// (Gaussian features), `None` when SGD has no stationary law (η too large).
///
/// *(derived)* With δ' = δ − η·ĝ, E[ĝ | δ] = Σδ and, by §C's formula averaged over δ,
/// E[ĝĝᵀ] = (1 + 1/B)·ΣCΣ + (1/B)·(tr(ΣC) + σ_n²)·Σ, so the stationary C = E[δδᵀ] solves
///
///   ΣC + CΣ − η(1 + 1/B)·ΣCΣ − (η/B)·tr(ΣC)·Σ = (ησ_n²/B)·Σ,
///
/// three linear equations in (C₁₁, C₁₂, C₂₂). Dropping the two terms that come from the
/// gradient noise growing away from the optimum leaves §C's small-η form
/// (ησ_n²/B)(2I − ηH)⁻¹ ([`theory::sgd_long_run_covariance`]); at η = 0.1, B = 1 the exact
/// variances are about a quarter larger. The map C ↦ E[(I − ηA)C(I − ηA)ᵀ] is positive,
/// so a positive definite solution exists exactly when the iteration is stable.
pub fn sgd_stationary_covariance(sigma: Sym2, noise_sd: f64, lr: f64, batch: u64) -> Option<Sym2> {
    let b = batch as f64;
    let apply = |c: Sym2| -> [f64; 3] {
        let mul = |a: Sym2, m: Sym2| -> Sym2 {
            [
                [a[0][0] * m[0][0] + a[0][1] * m[1][0], a[0][0] * m[0][1] + a[0][1] * m[1][1]],
                [a[1][0] * m[0][0] + a[1][1] * m[1][0], a[1][0] * m[0][1] + a[1][1] * m[1][1]],
            ]
        };
        let sc = mul(sigma, c);
        let cs = mul(c, sigma);
        let scs = mul(sc, sigma);
        let tr = sc[0][0] + sc[1][1];
        let l = |i: usize, j: usize| sc[i][j] + cs[i][j] - lr * (1.0 + 1.0 / b) * scs[i][j] - lr / b * tr * sigma[i][j];
        [l(0, 0), l(0, 1), l(1, 1)]
    };
    let cols = [apply([[1.0, 0.0], [0.0, 0.0]]), apply([[0.0, 1.0], [1.0, 0.0]]), apply([[0.0, 0.0], [0.0, 1.0]])];
    let m = [
        [cols[0][0], cols[1][0], cols[2][0]],
        [cols[0][1], cols[1][1], cols[2][1]],
        [cols[0][2], cols[1][2], cols[2][2]],
    ];
    let k = lr * noise_sd * noise_sd / b;
    let rhs = [k * sigma[0][0], k * sigma[0][1], k * sigma[1][1]];
    let c = solve3(m, rhs)?;
    let cov = [[c[0], c[1]], [c[1], c[2]]];
    let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[0][1];
    (cov[0][0] > 0.0 && det > 0.0 && det.is_finite()).then_some(cov)
}

/// Solves a 3×3 system by Cramer's rule; `None` when it is (numerically) singular.
fn solve3(m: [[f64; 3]; 3], r: [f64; 3]) -> Option<[f64; 3]> {
    let det3 = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det3(m);
    let scale = m.iter().flatten().fold(0.0f64, |s, x| s.max(x.abs()));
    if !(d.is_finite() && d.abs() > 1e-14 * scale * scale * scale) {
        return None;
    }
    let mut out = [0.0; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let mut a = m;
        for i in 0..3 {
            a[i][k] = r[i];
        }
        *o = det3(a) / d;
    }
    Some(out)
}

/// The long-run covariances theory predicts (§C).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LongRunTheory {
    /// SGD's exact stationary covariance ([`sgd_stationary_covariance`]), `None` if unstable.
    pub sgd: Option<Sym2>,
    /// §C's small-η form (ησ_n²/B)(2I − ηH)⁻¹, `None` if unstable.
    pub sgd_small_lr: Option<Sym2>,
    /// KEEP selection: H⁻¹/β, exact for e^{βΔ}-ratio rules.
    pub selection: Option<Sym2>,
}

impl LongRunTheory {
    /// Theory at `params`.
    pub fn of(params: &LabParams, problem: &Regression) -> Self {
        let sigma = problem.covariance();
        let noise = problem.params().noise_sd;
        Self {
            sgd: sgd_stationary_covariance(sigma, noise, params.lr, params.batch),
            sgd_small_lr: theory::sgd_long_run_covariance(sigma, noise, params.lr, params.batch),
            selection: params.acceptance().ratio_beta().and_then(|b| theory::keep_long_run_covariance(sigma, b)),
        }
    }
}

/// Both models running around the optimum, from the optimum, with statistics of their
/// positions after a burn-in and a thinned record of positions for drawing.
#[derive(Clone, Debug)]
pub struct LongRun {
    sgd: SgdRun<Regression, 2>,
    sel: SelectionRun<Regression, 2>,
    steps: u64,
    cap: u64,
    burn_in: u64,
    thin: u64,
    accepted: u64,
    /// Positions of SGD after the burn-in.
    pub sgd_pos: RunningCorrelation,
    /// Positions of selection after the burn-in.
    pub sel_pos: RunningCorrelation,
    /// Every `thin`-th position of SGD.
    pub sgd_trail: Vec<[f64; 2]>,
    /// Every `thin`-th position of selection.
    pub sel_trail: Vec<[f64; 2]>,
    /// The step at which SGD diverged.
    pub sgd_diverged: Option<u64>,
}

impl LongRun {
    /// Runs of up to `cap` steps, statistics from step `burn_in` on, a position kept every
    /// `thin` steps.
    pub fn new(params: &LabParams, cap: u64, burn_in: u64, thin: u64) -> Result<Self, ParamError> {
        params.validate()?;
        let cap = check_count("cap", cap, 1, 100_000_000)?;
        let thin = check_count("thin", thin, 1, 1_000_000)?;
        let problem = params.problem()?;
        let start = problem.params().w_star;
        Ok(Self {
            sgd: SgdRun::new(problem, params.sgd()?, start, params.seed)?,
            sel: SelectionRun::new(problem, params.selection()?, start, params.seed)?,
            steps: 0,
            cap,
            burn_in,
            thin,
            accepted: 0,
            sgd_pos: RunningCorrelation::new(),
            sel_pos: RunningCorrelation::new(),
            sgd_trail: Vec::new(),
            sel_trail: Vec::new(),
            sgd_diverged: None,
        })
    }

    /// Takes up to `n` more steps of each model (fewer at the cap); returns how many.
    pub fn advance(&mut self, n: u64) -> u64 {
        let n = n.min(self.cap - self.steps);
        for _ in 0..n {
            self.steps += 1;
            if self.sgd_diverged.is_none() {
                match self.sgd.step() {
                    Ok(_) => {
                        let w = self.sgd.theta();
                        if self.steps > self.burn_in {
                            self.sgd_pos.push(w[0], w[1]);
                        }
                        if self.steps % self.thin == 0 {
                            self.sgd_trail.push(*w);
                        }
                    }
                    Err(d) => self.sgd_diverged = Some(d.step),
                }
            }
            if let Ok(s) = self.sel.step() {
                self.accepted += u64::from(s.accepted);
                let w = self.sel.theta();
                if self.steps > self.burn_in {
                    self.sel_pos.push(w[0], w[1]);
                }
                if self.steps % self.thin == 0 {
                    self.sel_trail.push(*w);
                }
            }
        }
        n
    }

    /// Steps taken by each model.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Whether the cap is reached.
    pub fn done(&self) -> bool {
        self.steps >= self.cap
    }

    /// The cap.
    pub fn cap(&self) -> u64 {
        self.cap
    }

    /// The burn-in.
    pub fn burn_in(&self) -> u64 {
        self.burn_in
    }

    /// SGD's current position.
    pub fn sgd_theta(&self) -> [f64; 2] {
        *self.sgd.theta()
    }

    /// Selection's current position.
    pub fn sel_theta(&self) -> [f64; 2] {
        *self.sel.theta()
    }

    /// KEEP's acceptance rate so far.
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.steps > 0).then(|| self.accepted as f64 / self.steps as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::maths::Z_999;

    fn fisher_z(r: f64, n: u64, rho: f64) -> f64 {
        (libm::atanh(r) - libm::atanh(rho)) * ((n - 3) as f64).sqrt()
    }

    #[test]
    fn step_cloud_correlations_match_theory_at_the_optimum_and_elsewhere() {
        for (offset, seed) in [([0.0, 0.0], 1), ([0.6, -0.4], 2), ([-0.5, -0.5], 3)] {
            let p = LabParams { offset, seed, ..LabParams::default() };
            let problem = p.problem().expect("valid");
            let th = StepTheory::of(&p, &problem);
            let mut cloud = StepCloud::new(&p, 20_000).expect("valid");
            while !cloud.done() {
                cloud.draw(1000);
            }
            let z = fisher_z(cloud.sgd_corr.correlation().unwrap_or(0.0), cloud.sgd_corr.count(), th.sgd_correlation());
            assert!(z.abs() < Z_999, "{offset:?}: SGD r vs {}: z = {z}", th.sgd_correlation());
            let z = fisher_z(cloud.mutation_corr.correlation().unwrap_or(1.0), cloud.mutation_corr.count(), 0.0);
            assert!(z.abs() < Z_999, "{offset:?}: mutations: z = {z}");
            let acc = th.accepted.expect("defined");
            let z = fisher_z(
                cloud.accepted_corr.correlation().unwrap_or(1.0),
                cloud.accepted_corr.count(),
                acc.correlation(),
            );
            assert!(z.abs() < Z_999, "{offset:?}: accepted r vs {}: z = {z}", acc.correlation());
            // Acceptance rate: binomial.
            let n = cloud.len() as f64;
            let rate = cloud.acceptance_rate().unwrap_or(0.0);
            let z = (rate - acc.rate) / (acc.rate * (1.0 - acc.rate) / n).sqrt();
            assert!(z.abs() < Z_999, "{offset:?}: acceptance {rate} vs {}: z = {z}", acc.rate);
            // SGD's mean step, component by component.
            let cov = cloud.sgd_corr.covariance().expect("enough");
            let mean = cloud.sgd_corr.mean().expect("enough");
            for i in 0..2 {
                let z = (mean[i] - th.sgd_mean[i]) / (cov[i][i] / n).sqrt();
                assert!(z.abs() < Z_999, "{offset:?}: SGD mean step {i}: z = {z}");
            }
        }
    }

    #[test]
    fn at_the_optimum_sgd_noise_is_shaped_like_h() {
        let p = LabParams::default();
        let th = StepTheory::of(&p, &p.problem().expect("valid"));
        // (η²σ_n²/B)·Σ = 0.01·[[1, .9], [.9, 1]].
        assert!((th.sgd_cov[0][0] - 0.01).abs() < 1e-15 && (th.sgd_cov[0][1] - 0.009).abs() < 1e-15);
        assert!((th.sgd_correlation() - 0.9).abs() < 1e-12);
        // Accepted mutations at the optimum lean the other way (towards H⁻¹).
        assert!(th.accepted.expect("defined").correlation() < -0.1);
    }

    #[test]
    fn same_seed_same_cloud() {
        let p = LabParams::default();
        let mut a = StepCloud::new(&p, 500).expect("valid");
        let mut b = StepCloud::new(&p, 500).expect("valid");
        a.draw(200);
        a.draw(1000);
        b.draw(500);
        assert_eq!(a.sgd_steps, b.sgd_steps);
        assert_eq!(a.candidates, b.candidates);
        assert_eq!(a.len(), 500);
    }

    #[test]
    fn long_run_covariances_match_theory() {
        // Independent chains, each sampled once at the end, give iid draws of the
        // stationary law (after 3000 steps, far beyond the slowest relaxation time).
        let p = LabParams::default();
        let problem = p.problem().expect("valid");
        let th = LongRunTheory::of(&p, &problem);
        let (mut sgd, mut sel) = (RunningCorrelation::new(), RunningCorrelation::new());
        let w = problem.params().w_star;
        for seed in 0..1500 {
            let mut run = LongRun::new(&LabParams { seed, ..p }, 3000, 0, 1000).expect("valid");
            run.advance(3000);
            let (a, b) = (run.sgd_theta(), run.sel_theta());
            sgd.push(a[0] - w[0], a[1] - w[1]);
            sel.push(b[0] - w[0], b[1] - w[1]);
        }
        for (name, rc, cov) in [("SGD", &sgd, th.sgd.expect("stable")), ("KEEP", &sel, th.selection.expect("defined"))]
        {
            let n = rc.count();
            let z = fisher_z(rc.correlation().unwrap_or(0.0), n, correlation_of(cov));
            assert!(z.abs() < Z_999, "{name}: r = {:?} vs {}: z = {z}", rc.correlation(), correlation_of(cov));
            // Variances: (n−1)S²/σ² ~ χ²_{n−1}; normal approximation, SE √(2/(n−1)).
            let c = rc.covariance().expect("enough");
            for i in 0..2 {
                let z = (c[i][i] / cov[i][i] - 1.0) / (2.0 / (n - 1) as f64).sqrt();
                assert!(z.abs() < Z_999, "{name}: Var[{i}] {} vs {}: z = {z}", c[i][i], cov[i][i]);
            }
        }
        // The twist: SGD nearly round, KEEP strongly anticorrelated.
        assert!(correlation_of(th.sgd.expect("stable")).abs() < 0.2);
        assert!(correlation_of(th.sgd_small_lr.expect("stable")).abs() < 0.2);
        assert!((correlation_of(th.selection.expect("defined")) + 0.9).abs() < 1e-12);
    }

    #[test]
    fn stationary_covariance_tends_to_the_small_lr_form_and_detects_instability() {
        let sigma = [[1.0, 0.9], [0.9, 1.0]];
        for lr in [0.1, 0.01, 0.001] {
            let exact = sgd_stationary_covariance(sigma, 1.0, lr, 1).expect("stable");
            let approx = theory::sgd_long_run_covariance(sigma, 1.0, lr, 1).expect("stable");
            let rel = (exact[0][0] / approx[0][0] - 1.0).abs();
            assert!(rel < 3.0 * lr, "η = {lr}: relative difference {rel}");
        }
        // Large batches remove the extra noise too.
        let exact = sgd_stationary_covariance(sigma, 1.0, 0.1, 4096).expect("stable");
        let approx = theory::sgd_long_run_covariance(sigma, 1.0, 0.1, 4096).expect("stable");
        assert!((exact[0][0] / approx[0][0] - 1.0).abs() < 0.01);
        // At B = 1 the per-example step's fourth moment makes SGD unstable well before ηλ = 2.
        assert!(sgd_stationary_covariance(sigma, 1.0, 0.9, 1).is_none());
        assert!(sgd_stationary_covariance(sigma, 1.0, 0.3, 1).is_some());
        assert!(theory::sgd_long_run_covariance(sigma, 1.0, 0.9, 1).is_some());
    }

    #[test]
    fn long_run_records_and_caps() {
        let p = LabParams::default();
        let mut run = LongRun::new(&p, 1000, 100, 10).expect("valid");
        assert_eq!(run.advance(600), 600);
        assert_eq!(run.advance(600), 400);
        assert!(run.done());
        assert_eq!(run.sgd_pos.count(), 900);
        assert_eq!(run.sgd_trail.len(), 100);
        assert_eq!(run.sel_trail.len(), 100);
        let rate = run.acceptance_rate().expect("steps taken");
        assert!(rate > 0.1 && rate < 0.9, "acceptance {rate}");
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
