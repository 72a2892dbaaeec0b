//! Many single steps from one fixed point, for both models (spec §C): SGD's step
//! −η·ĝ_B, whose covariance (η²/B)·Cov(g) is shaped like H at the optimum, and
//! selection's candidate mutations, round, of which the accepted ones are reshaped by the
//! curvature of f.

use super::LabParams;
use crate::sim::error::{check_count, ParamError};
use crate::sim::maths::{correlation_of, Sym2};
use crate::sim::problem::Objective;
use crate::sim::quadratic::{accepted_moments, AcceptedMoments};
use crate::sim::regression::Regression;
use crate::sim::selection::Selection;
use crate::sim::sgd::MiniBatchSgd;
use crate::sim::stats::RunningCorrelation;
use crate::sim::{rng_for, theory, SimRng};

/// The generator streams of the one-step clouds (the long runs use the runs' own).
pub const CLOUD_SGD_STREAM: u64 = 20;
/// See [`CLOUD_SGD_STREAM`].
pub const CLOUD_SEL_STREAM: u64 = 21;

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
            accepted: accepted_moments(&params.acceptance, params.s, grad_f, sigma),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::maths::Z_999;
    use crate::sim::stats::fisher_z;

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
}
