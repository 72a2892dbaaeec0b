//! Both models on the same problem, from the same seed, on the same clock: the
//! centrepiece's simulation. Pure Rust; the page only draws what this records.

use super::environment::{active_gradient_norm, EnvironmentTheory, Pooled};
use super::error::{check_count, ParamError};
use super::maths::Z_999;
use super::problem::{ToyParams, ToyProblem, ZDistribution, DEFAULT_START};
use super::run::{SelectionRun, SgdRun};
use super::selection::{Acceptance, AcceptanceKind, Mutation, RuleKind, Selection, StepRule};
use super::sgd::MiniBatchSgd;
use super::stats::RunningCorrelation;
use super::theory;
use super::Diverged;

/// The shape of the mutation distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MutationShape {
    /// N(0, s²I).
    #[default]
    Gaussian,
    /// Uniform in the ball of radius R = s·√(n + 2), which has per-component variance s².
    Ball,
}

/// What selection judges a candidate by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Judge {
    /// The true fitness f = −L, as in the post.
    #[default]
    TrueFitness,
    /// A fresh environment each generation: the loss of a mini-batch of B examples
    /// (Sourbut's answer to the reply; see [`super::environment`]).
    Environment,
}

/// The most candidates one LOOP generation of the centrepiece draws before it gives up
/// (and reports it). The spec's example is a million; a step is one unit of the page's
/// frame loop and cannot be split: in the page 100,000 candidates took 66–97 ms of CPU,
/// so 20,000 take about 15–20 ms, inside a frame (a million took 100–400 ms). At the page's defaults no generation comes near
/// either (the acceptance rate is about a half).
pub const LOOP_CAP: u64 = 20_000;

/// Every parameter of the centrepiece, with the spec's defaults (§B).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DuelParams {
    /// The seed both models' generators derive from.
    pub seed: u64,
    /// SGD's batch size B.
    pub batch: u64,
    /// SGD's learning rate η.
    pub lr: f64,
    /// Corr(z₁, z₂) of the hidden per-example gradient factors.
    pub rho: f64,
    /// The distribution of z.
    pub z: ZDistribution,
    /// Mutation size s: the per-component standard deviation.
    pub sigma: f64,
    /// Gaussian or uniform-ball mutation.
    pub mutation: MutationShape,
    /// The acceptance rule.
    pub acceptance: AcceptanceKind,
    /// β for logistic, Metropolis and probit.
    pub beta: f64,
    /// N for Kimura.
    pub population: f64,
    /// LOOP or KEEP.
    pub rule: RuleKind,
    /// The true f, or a sampled environment per generation.
    pub judge: Judge,
}

impl Default for DuelParams {
    fn default() -> Self {
        Self {
            seed: 42,
            batch: 4,
            lr: 0.1,
            rho: 1.0,
            z: ZDistribution::Rademacher,
            sigma: 0.05,
            mutation: MutationShape::Gaussian,
            acceptance: AcceptanceKind::Logistic,
            beta: 80.0,
            population: 20.0,
            rule: RuleKind::Loop,
            judge: Judge::TrueFitness,
        }
    }
}

impl DuelParams {
    /// The toy problem these parameters describe.
    pub fn problem(&self) -> Result<ToyProblem, ParamError> {
        ToyProblem::new(ToyParams { rho: self.rho, z: self.z, ..ToyParams::default() })
    }

    /// The mutation distribution in the 4-D toy problem.
    pub fn mutation_distribution(&self) -> Mutation {
        match self.mutation {
            MutationShape::Gaussian => Mutation::Gaussian { sigma: self.sigma },
            MutationShape::Ball => Mutation::Ball { radius: self.sigma * 6f64.sqrt() },
        }
    }

    /// The acceptance rule.
    pub fn acceptance_rule(&self) -> Acceptance {
        self.acceptance.with(self.beta, self.population)
    }

    /// The selection model.
    pub fn selection(&self) -> Result<Selection, ParamError> {
        let rule = self.rule.with_cap(LOOP_CAP);
        Selection::new(self.mutation_distribution(), self.acceptance_rule(), rule)
    }

    /// The optimiser.
    pub fn sgd(&self) -> Result<MiniBatchSgd, ParamError> {
        MiniBatchSgd::new(self.lr, self.batch)
    }

    /// Checks every parameter; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ParamError> {
        self.problem()?;
        self.selection()?;
        self.sgd()?;
        Ok(())
    }

    /// The learning rate and inverse temperature that give selection the same Var(Δu)
    /// and the same small-step drift as SGD (§B): σ = η·c_u·τ/√B, β = 2η/σ².
    pub fn matched_to_sgd(&self) -> (f64, f64) {
        let sigma = self.lr / (self.batch as f64).sqrt();
        (sigma, 2.0 * self.lr / (sigma * sigma))
    }
}

/// Most points of a path or a scatter kept for drawing; statistics go on past it.
pub const MAX_RECORDED: usize = 200_000;

/// One model's record: its path through θ, its hidden steps and their statistics.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// θ after each step, starting with θ₀ (up to [`MAX_RECORDED`] points).
    pub path: Vec<[f64; 4]>,
    /// (Δu, Δv) of each step that moved (up to [`MAX_RECORDED`]).
    pub hidden_steps: Vec<[f64; 2]>,
    /// Running statistics of (Δu, Δv) over every step that moved.
    pub hidden: RunningCorrelation,
    /// Set when the run diverged.
    pub diverged: Option<Diverged>,
}

impl Record {
    fn start() -> Self {
        Self { path: vec![DEFAULT_START], ..Self::default() }
    }

    fn push(&mut self, theta: [f64; 4], step: Option<[f64; 4]>) {
        if self.path.len() < MAX_RECORDED {
            self.path.push(theta);
        }
        if let Some(s) = step {
            if self.hidden_steps.len() < MAX_RECORDED {
                self.hidden_steps.push([s[2], s[3]]);
            }
            self.hidden.push(s[2], s[3]);
        }
    }

    /// Pearson's r of (Δu, Δv) with its 99.9 % Fisher-z interval, once defined.
    pub fn correlation(&self) -> Option<(f64, f64, f64)> {
        let r = self.hidden.correlation()?;
        let (lo, hi) = self.hidden.correlation_interval(Z_999)?;
        Some((r, lo, hi))
    }
}

/// The centrepiece simulation.
#[derive(Clone, Debug)]
pub struct Duel {
    params: DuelParams,
    sgd: SgdRun<ToyProblem, 4>,
    selection: SelectionRun<ToyProblem, 4>,
    steps: u64,
    /// SGD's record.
    pub sgd_record: Record,
    /// Selection's record.
    pub sel_record: Record,
    /// Candidates selection has drawn.
    pub candidates: u64,
    /// Candidates selection has accepted.
    pub accepted: u64,
    /// Rejected candidates in the latest selection step.
    pub last_rejected: u64,
    /// Steps in which LOOP hit its cap.
    pub capped_steps: u64,
    /// Under [`Judge::Environment`] with Gaussian mutations: the prediction for the
    /// hidden correlation, accumulated over the states selection visits.
    env_theory: Option<Box<EnvironmentTheory>>,
    env_pooled: Pooled,
    /// Set once selection wanders past the prediction's table.
    env_lost: bool,
}

impl Duel {
    /// Both models at θ₀, from `params.seed`.
    pub fn new(params: DuelParams) -> Result<Self, ParamError> {
        let problem = params.problem()?;
        let env_theory =
            (params.judge == Judge::Environment && params.mutation == MutationShape::Gaussian).then(|| {
                let pr = problem.params();
                let g0 = active_gradient_norm(pr, &DEFAULT_START);
                let rule = params.selection().map(|s| s.rule()).unwrap_or(StepRule::Keep);
                Box::new(EnvironmentTheory::new(pr, params.batch, params.sigma, params.acceptance_rule(), rule, g0))
            });
        Ok(Self {
            sgd: SgdRun::new(problem, params.sgd()?, DEFAULT_START, params.seed)?,
            selection: SelectionRun::new(problem, params.selection()?, DEFAULT_START, params.seed)?,
            params,
            steps: 0,
            sgd_record: Record::start(),
            sel_record: Record::start(),
            candidates: 0,
            accepted: 0,
            last_rejected: 0,
            capped_steps: 0,
            env_theory,
            env_pooled: Pooled::default(),
            env_lost: false,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &DuelParams {
        &self.params
    }

    /// Steps taken on the shared clock.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Both models have diverged: nothing more can happen.
    pub fn halted(&self) -> bool {
        self.sgd_record.diverged.is_some() && self.sel_record.diverged.is_some()
    }

    /// Advances both models one step; returns the work done (per-example gradients plus
    /// candidates), which the page uses to budget a frame. A diverged model stays put.
    pub fn step(&mut self) -> u64 {
        let mut work = 0;
        if self.sgd_record.diverged.is_none() {
            match self.sgd.step() {
                Ok(s) => self.sgd_record.push(*self.sgd.theta(), Some(s.step)),
                Err(d) => self.sgd_record.diverged = Some(d),
            }
            work += self.params.batch;
        }
        if self.sel_record.diverged.is_none() {
            self.predict_environment_step();
            let outcome = match self.params.judge {
                Judge::TrueFitness => self.selection.step(),
                Judge::Environment => {
                    let (problem, batch) = (*self.sgd.problem(), self.params.batch);
                    self.selection.step_judged_by(|rng| problem.sample_environment(batch, rng))
                }
            };
            match outcome {
                Ok(s) => {
                    self.candidates += s.candidates;
                    self.accepted += u64::from(s.accepted);
                    self.last_rejected = s.rejected();
                    self.capped_steps += u64::from(s.capped);
                    self.sel_record.push(*self.selection.theta(), s.accepted.then_some(s.step));
                    work += s.candidates;
                }
                Err(d) => self.sel_record.diverged = Some(d),
            }
            if self.params.judge == Judge::Environment {
                work += self.params.batch;
            }
        }
        self.steps += 1;
        work
    }

    /// Runs `n` steps (bounded by `check_count` to keep a URL from asking for years of work).
    pub fn advance(&mut self, n: u64) -> Result<(), ParamError> {
        check_count("t", n, 0, MAX_REPLAY_STEPS)?;
        for _ in 0..n {
            self.step();
        }
        Ok(())
    }

    /// The fraction of candidates accepted.
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.candidates > 0).then(|| self.accepted as f64 / self.candidates as f64)
    }

    /// Mean rejected candidates per step.
    pub fn rejected_per_step(&self) -> Option<f64> {
        (self.steps > 0).then(|| (self.candidates - self.accepted) as f64 / self.steps as f64)
    }

    /// SGD's current θ.
    pub fn sgd_theta(&self) -> &[f64; 4] {
        self.sgd.theta()
    }

    /// Selection's current θ.
    pub fn sel_theta(&self) -> &[f64; 4] {
        self.selection.theta()
    }

    /// The problem both models run on.
    pub fn problem(&self) -> &ToyProblem {
        self.sgd.problem()
    }

    /// The theoretical Corr(Δu, Δv): SGD's ρ·sign(c_u c_v) (§B); selection's 0 when it
    /// judges by the true f (§A.1.1), and the environment prediction accumulated over
    /// the states it has visited when it judges by sampled environments (`None` where
    /// there is no prediction: mutations in a ball, or a run that left the table).
    pub fn theory_correlations(&self) -> (f64, Option<f64>) {
        let sel = match self.params.judge {
            Judge::TrueFitness => Some(0.0),
            Judge::Environment => self.environment_prediction().and_then(|p| p.correlation()),
        };
        (theory::sgd_hidden_correlation(self.problem()), sel)
    }

    /// The pooled prediction so far, or the one-step prediction at the start before
    /// any step.
    fn environment_prediction(&self) -> Option<Pooled> {
        if self.env_lost {
            return None;
        }
        let theory = self.env_theory.as_ref()?;
        if self.env_pooled.generations > 0 {
            return Some(self.env_pooled);
        }
        let mut start = Pooled::default();
        start.add(theory.clone().at_state(self.active_gradient_norm())?);
        Some(start)
    }

    /// |(h_a·a, h_b·b)| at selection's current θ.
    fn active_gradient_norm(&self) -> f64 {
        active_gradient_norm(self.problem().params(), self.selection.theta())
    }

    /// Adds the prediction for the generation about to be taken from the current state.
    fn predict_environment_step(&mut self) {
        if self.env_lost {
            return;
        }
        let g = self.active_gradient_norm();
        let Some(theory) = self.env_theory.as_mut() else { return };
        match theory.at_state(g) {
            Some(c) => self.env_pooled.add(c),
            None => self.env_lost = true,
        }
    }

    /// The predicted covariance of one hidden step of environment-judged selection.
    fn environment_step_covariance(&self) -> Option<[[f64; 2]; 2]> {
        self.environment_prediction()?.covariance()
    }

    /// Theoretical per-coordinate standard deviations of (Δu, Δv) for SGD, and of a
    /// hidden step component for selection (s).
    pub fn theory_step_sd(&self) -> ([f64; 2], f64) {
        let c = theory::sgd_step_covariance(self.problem(), self.params.lr, self.params.batch);
        ([c[2][2].sqrt(), c[3][3].sqrt()], self.params.sigma)
    }
}

impl Duel {
    /// Both paths as CSV, one row per step: the shared clock, SGD's θ and step, and
    /// selection's θ and step (empty where a model stopped). `header` lines are written
    /// first as `# ` comments (parameters, seed, version).
    pub fn to_csv(&self, header: &[String]) -> String {
        let mut out = String::new();
        for h in header {
            out.push_str("# ");
            out.push_str(&h.replace(['\n', '\r'], " "));
            out.push('\n');
        }
        out.push_str("step,sgd_a,sgd_b,sgd_u,sgd_v,sel_a,sel_b,sel_u,sel_v\n");
        let rows = self.sgd_record.path.len().max(self.sel_record.path.len());
        for i in 0..rows {
            out.push_str(&i.to_string());
            for path in [&self.sgd_record.path, &self.sel_record.path] {
                match path.get(i) {
                    Some(t) => t.iter().for_each(|x| out.push_str(&format!(",{x}"))),
                    None => out.push_str(",,,,"),
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Which of the two models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// Mini-batch SGD.
    Sgd,
    /// Selection.
    Selection,
}

/// The theory the centrepiece draws under its runs (§B, §A.1.1).
impl Duel {
    /// One model's record.
    pub fn record(&self, model: Model) -> &Record {
        match model {
            Model::Sgd => &self.sgd_record,
            Model::Selection => &self.sel_record,
        }
    }

    /// The expected path of (a, b) over the first `steps` steps: SGD's exact mean
    /// (a_t = a₀(1 − ηh)^t), selection's mean path under LOOP or KEEP; `None` where no
    /// theory is drawn (mutations uniform in a ball).
    pub fn theory_mean_path(&self, model: Model, steps: usize) -> Option<Vec<[f64; 2]>> {
        let p = &self.params;
        let h = (self.problem().params().h_a, self.problem().params().h_b);
        let start = [DEFAULT_START[0], DEFAULT_START[1]];
        match model {
            Model::Sgd => Some(
                (0..=steps as u64)
                    .map(|t| {
                        let a = theory::sgd_active_moments(start[0], h.0, 0.0, p.lr, p.batch, t).0;
                        let b = theory::sgd_active_moments(start[1], h.1, 0.0, p.lr, p.batch, t).0;
                        [a, b]
                    })
                    .collect(),
            ),
            Model::Selection if p.mutation == MutationShape::Gaussian => {
                let acc = p.acceptance_rule();
                Some(theory::selection_mean_path(self.problem(), &acc, p.sigma, p.rule, start, steps))
            }
            Model::Selection => None,
        }
    }

    /// The slope of the line v = slope·u that SGD's hidden path never leaves when
    /// ρ = ±1 (every example's hidden gradient is then proportional to (c_u, ±c_v));
    /// `None` otherwise.
    pub fn theory_hidden_line(&self) -> Option<f64> {
        let pr = self.problem().params();
        (pr.rho.abs() == 1.0 && pr.c_u != 0.0).then(|| pr.rho * pr.c_v / pr.c_u)
    }

    /// Cov(Δu, Δv) of one step: SGD's from the per-example gradients, selection's s²I
    /// (of a step that moved).
    pub fn theory_step_covariance(&self, model: Model) -> [[f64; 2]; 2] {
        match model {
            Model::Sgd => {
                let c = theory::sgd_step_covariance(self.problem(), self.params.lr, self.params.batch);
                [[c[2][2], c[2][3]], [c[3][2], c[3][3]]]
            }
            Model::Selection => {
                let v = self.params.sigma * self.params.sigma;
                let round = [[v, 0.0], [0.0, v]];
                match self.params.judge {
                    Judge::TrueFitness => round,
                    Judge::Environment => self.environment_step_covariance().unwrap_or(round),
                }
            }
        }
    }

    /// Cov(u, v) of the hidden position now: the hidden gradient is zero, so the
    /// position is a sum of independent steps, and its covariance is the number of
    /// steps that moved times one step's.
    pub fn theory_hidden_covariance(&self, model: Model) -> [[f64; 2]; 2] {
        let n = match model {
            Model::Sgd => self.sgd_record.diverged.as_ref().map_or(self.steps, |d| d.step) as f64,
            Model::Selection => self.sel_record.hidden.count() as f64,
        };
        let c = self.theory_step_covariance(model);
        [[n * c[0][0], n * c[0][1]], [n * c[1][0], n * c[1][1]]]
    }
}

/// The most steps a link may ask to replay at load.
pub const MAX_REPLAY_STEPS: u64 = 100_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theory_paths_start_at_theta0_and_head_for_the_minimum() {
        let d = Duel::new(DuelParams::default()).unwrap();
        for model in [Model::Sgd, Model::Selection] {
            let path = d.theory_mean_path(model, 400).unwrap();
            assert_eq!(path[0], [DEFAULT_START[0], DEFAULT_START[1]]);
            let end = path.last().unwrap();
            assert!(end[0].abs() < 0.5 && end[1].abs() < 0.5, "{model:?} ends at {end:?}");
        }
        let ball = Duel::new(DuelParams { mutation: MutationShape::Ball, ..DuelParams::default() }).unwrap();
        assert!(ball.theory_mean_path(Model::Selection, 10).is_none());
        // ρ = 1: SGD's hidden steps are perfectly correlated, and lie on the line.
        let c = d.theory_step_covariance(Model::Sgd);
        assert!((c[0][1] * c[0][1] - c[0][0] * c[1][1]).abs() < 1e-12);
        assert!(d.theory_hidden_line().is_some());
        let half = Duel::new(DuelParams { rho: 0.5, ..DuelParams::default() }).unwrap();
        assert!(half.theory_hidden_line().is_none());
    }

    #[test]
    fn hidden_spread_grows_with_the_steps_taken() {
        let mut d = Duel::new(DuelParams::default()).unwrap();
        assert_eq!(d.theory_hidden_covariance(Model::Sgd)[0][0], 0.0);
        d.advance(100).unwrap();
        let one = d.theory_step_covariance(Model::Sgd)[0][0];
        assert!((d.theory_hidden_covariance(Model::Sgd)[0][0] - 100.0 * one).abs() < 1e-12);
        let moved = d.sel_record.hidden.count() as f64;
        let s2 = d.params().sigma * d.params().sigma;
        assert!((d.theory_hidden_covariance(Model::Selection)[1][1] - moved * s2).abs() < 1e-12);
    }

    #[test]
    fn same_seed_same_run_different_seed_different_run() {
        let mut a = Duel::new(DuelParams::default()).unwrap();
        let mut b = Duel::new(DuelParams::default()).unwrap();
        let mut c = Duel::new(DuelParams { seed: 43, ..DuelParams::default() }).unwrap();
        for _ in 0..100 {
            a.step();
            b.step();
            c.step();
        }
        assert_eq!(a.sel_theta(), b.sel_theta());
        assert_eq!(a.sgd_theta(), b.sgd_theta());
        assert_ne!(a.sel_theta(), c.sel_theta());
    }

    #[test]
    fn defaults_show_the_reply() {
        let mut d = Duel::new(DuelParams::default()).unwrap();
        d.advance(300).unwrap();
        let (r_sgd, _, _) = d.sgd_record.correlation().unwrap();
        let (_, lo, hi) = d.sel_record.correlation().unwrap();
        assert!((r_sgd - 1.0).abs() < 1e-9);
        assert!(lo < 0.0 && 0.0 < hi);
        assert_eq!(d.sgd_record.path.len(), 301);
        let rate = d.acceptance_rate().unwrap();
        assert!(rate > 0.2 && rate < 0.8, "{rate}");
    }

    #[test]
    fn csv_has_header_and_one_row_per_step() {
        let mut d = Duel::new(DuelParams::default()).unwrap();
        d.advance(10).unwrap();
        let csv = d.to_csv(&["seed=42".into(), "two\nlines".into()]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "# seed=42");
        assert_eq!(lines[1], "# two lines");
        assert!(lines[2].starts_with("step,sgd_a"));
        assert_eq!(lines.len(), 3 + 11);
        assert!(lines[3].starts_with("0,2,-1.5,0,0,2,-1.5,0,0"));
        assert_eq!(lines[13].split(',').count(), 9);
    }

    #[test]
    fn matched_parameters_are_the_specs() {
        let (sigma, beta) = DuelParams::default().matched_to_sgd();
        assert!((sigma - 0.05).abs() < 1e-15 && (beta - 80.0).abs() < 1e-9);
    }

    #[test]
    fn divergence_halts_without_nan() {
        let mut d = Duel::new(DuelParams { lr: 10.0, batch: 1, ..DuelParams::default() }).unwrap();
        d.advance(1000).unwrap();
        assert!(d.sgd_record.diverged.is_some());
        assert!(d.sgd_theta().iter().all(|x| x.is_finite()));
        assert!(d.advance(MAX_REPLAY_STEPS + 1).is_err());
    }
}
