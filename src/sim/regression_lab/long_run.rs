//! Both models running on and on around the optimum (spec §C): constant-rate SGD
//! settles into a nearly round cloud, KEEP selection with an e^{βΔ}-ratio acceptance into
//! one stretched along the flat valley like H⁻¹/β.

use super::LabParams;
use crate::sim::error::{check_count, ParamError};
use crate::sim::maths::Sym2;
use crate::sim::regression::Regression;
use crate::sim::run::{SelectionRun, SgdRun};
use crate::sim::stats::RunningCorrelation;
use crate::sim::theory;

/// The long-run covariances theory predicts (§C).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LongRunTheory {
    /// SGD's exact stationary covariance ([`theory::sgd_stationary_covariance`]), `None` if
    /// unstable.
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
            sgd: theory::sgd_stationary_covariance(sigma, noise, params.lr, params.batch),
            sgd_small_lr: theory::sgd_long_run_covariance(sigma, noise, params.lr, params.batch),
            selection: params.acceptance.ratio_beta().and_then(|b| theory::keep_long_run_covariance(sigma, b)),
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
    use crate::sim::maths::{correlation_of, Z_999};
    use crate::sim::stats::fisher_z;

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
}
