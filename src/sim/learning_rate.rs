//! The gradient-dependent learning rate (§A.1.3): η_eff(|∇f|) of matched acceptance
//! rules by theory, and a Monte Carlo that measures it.
//!
//! [`EtaExperiment`] runs selection ([`Selection::step`]) for each acceptance rule on a
//! grid of slopes |g| of a locally linear f and estimates η_eff = E[accepted step along
//! ĝ]/|g| with its standard error, to set against [`theory::eta_eff`] (LOOP per
//! accepted step, KEEP per generation).
//!
//! The four rules are *matched* ([`matched`]) so that all share the small-step LOOP rate
//! k_loop = s²β/2 (§A.1.2): logistic and Metropolis with β, probit Φ(β′Δ) with
//! β′ = β√(2π)/4, and Kimura with 4N − 2 = β.
//!
//! Everything is deterministic given the seed: each grid point draws from its own
//! stream, so how the work is split between calls (frames) never changes a result.

use super::error::{check_count, check_positive, ParamError};
use super::maths::{SQRT_2PI, Z_999};
use super::problem::{Objective, ToyParams, DEFAULT_START};
use super::selection::{Acceptance, Mutation, Selection, MAX_BETA, MAX_MUTATION};
use super::selection::{AcceptanceKind, RuleKind};
use super::stats::RunningMean;
use super::theory;
use super::{rng_for, SimRng};

/// The acceptance of rule `kind` with small-step LOOP rate P′(0)/P(0) = β/2, so
/// k_loop = s²β/2 for every rule (§A.1.2): logistic and Metropolis with β itself, probit
/// with β′ = β√(2π)/4, Kimura with population N = (β + 2)/4, i.e. 4N − 2 = β (which
/// needs β ≥ 2 for N ≥ 1).
pub fn matched(kind: AcceptanceKind, beta: f64) -> Acceptance {
    match kind {
        AcceptanceKind::Logistic => Acceptance::Logistic { beta },
        AcceptanceKind::Metropolis => Acceptance::Metropolis { beta },
        AcceptanceKind::Probit => Acceptance::Probit { beta: beta * SQRT_2PI / 4.0 },
        AcceptanceKind::Kimura => Acceptance::Kimura { population: (beta + 2.0) / 4.0 },
    }
}

/// The small-step rate of a matched rule (§A.1.2): k_loop = s²β/2 for LOOP, or
/// k_keep = s²·P′(0) per KEEP generation (which differs between rules).
pub fn small_step_rate(kind: AcceptanceKind, sigma: f64, beta: f64, rule: RuleKind) -> f64 {
    let acc = matched(kind, beta);
    match rule {
        RuleKind::Loop => theory::k_loop(sigma * sigma, &acc),
        RuleKind::Keep => theory::k_keep(sigma * sigma, &acc),
    }
}

/// η_eff(|g|) of a matched rule with Gaussian mutation of size `sigma` (§A.1.3).
pub fn eta_eff(kind: AcceptanceKind, sigma: f64, beta: f64, grad_norm: f64, rule: RuleKind) -> f64 {
    theory::eta_eff(&matched(kind, beta), sigma, grad_norm, rule)
}

/// R(a) = η_eff/k_loop of a matched LOOP rule at a = βs|∇f| (§A.1.3); R → 1 as a → 0.
/// For logistic, Metropolis and probit it depends on a alone; for Kimura on β too.
pub fn small_step_ratio(kind: AcceptanceKind, beta: f64, a: f64) -> f64 {
    if a <= 0.0 {
        return 1.0;
    }
    // With s = 1 the slope is |g| = a/β and k_loop = β/2.
    eta_eff(kind, 1.0, beta, a / beta, RuleKind::Loop) / (beta / 2.0)
}

/// The LOOP rate of a hard threshold (accept exactly the uphill candidates) with
/// Gaussian mutations of size `sigma`: the mean uphill step s√(2/π) over the slope.
/// Every matched rule's η_eff reaches it as |∇f| → ∞ (§A.1.3).
pub fn hard_threshold_rate(sigma: f64, grad_norm: f64) -> f64 {
    sigma * (2.0 / std::f64::consts::PI).sqrt() / grad_norm
}

/// `n + 1` points evenly spaced in log between `lo` and `hi` (both > 0).
fn log_grid(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
    let (a, b) = (libm::log(lo), libm::log(hi));
    (0..=n).map(move |i| libm::exp(a + (b - a) * i as f64 / n as f64))
}

/// The theory curve (|g|, η_eff(|g|)) of a matched rule at `n + 1` slopes spaced evenly
/// in log over `slopes`; points where η_eff is not positive are left out.
pub fn eta_curve(
    kind: AcceptanceKind,
    sigma: f64,
    beta: f64,
    rule: RuleKind,
    slopes: (f64, f64),
    n: usize,
) -> Vec<(f64, f64)> {
    log_grid(slopes.0, slopes.1, n).map(|g| (g, eta_eff(kind, sigma, beta, g, rule))).filter(|p| p.1 > 0.0).collect()
}

/// The curve (a, R(a)) of [`small_step_ratio`] at `n + 1` values of a spaced evenly in
/// log over `range`.
pub fn ratio_curve(kind: AcceptanceKind, beta: f64, range: (f64, f64), n: usize) -> Vec<(f64, f64)> {
    log_grid(range.0, range.1, n).map(|a| (a, small_step_ratio(kind, beta, a))).collect()
}

/// |∇f(θ₀)| of the toy problem at its defaults (§B): the slope selection starts on.
pub fn toy_start_slope() -> f64 {
    let p = ToyParams::default();
    let (ga, gb) = (p.h_a * DEFAULT_START[0], p.h_b * DEFAULT_START[1]);
    (ga * ga + gb * gb).sqrt()
}

/// f(x) = g·x in N dimensions: the locally linear f of §A.1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearObjective<const N: usize> {
    /// The gradient g.
    pub g: [f64; N],
}

impl<const N: usize> Objective<N> for LinearObjective<N> {
    fn fitness(&self, x: &[f64; N]) -> f64 {
        self.g.iter().zip(x).map(|(g, x)| g * x).sum()
    }

    fn fitness_gradient(&self, _: &[f64; N]) -> [f64; N] {
        self.g
    }
}

/// Slope grid: `GRID_POINTS` values of a = βs|g| per rule, a factor 2 apart from
/// `GRID_A0`; rule r's grid is shifted by 2^{r/4} so that the rules' points never overlap.
pub const GRID_POINTS: usize = 9;
/// The smallest a on the grid.
pub const GRID_A0: f64 = 0.25;
/// Monte Carlo samples per grid point before a LOOP experiment stops (KEEP: 4×, since
/// each KEEP sample is one candidate).
pub const DEFAULT_TARGET: u64 = 40_000;
/// A point needs this many samples before its standard error is trusted.
pub const MIN_SAMPLES: u64 = 200;
/// The LOOP cap on candidates per step in these experiments.
pub const LOOP_CAP: u64 = 100_000;

/// The a = βs|g| of grid point `i` of rule `kind`.
pub fn grid_a(kind: AcceptanceKind, i: usize) -> f64 {
    GRID_A0 * libm::exp2(i as f64 + kind.index() as f64 / 4.0)
}

/// The direction of the gradient in the 2-D linear objective (any direction would do:
/// acceptance depends only on the step's component along it).
const GRAD_ANGLE: f64 = 0.6;

/// Parameters of the η_eff experiment; the defaults are the toy problem's (§B).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EtaParams {
    /// Mutation size s (Gaussian, per component).
    pub sigma: f64,
    /// The matched inverse temperature β.
    pub beta: f64,
    /// LOOP (retry until accepted) or KEEP (one candidate per generation).
    pub rule: RuleKind,
    /// The seed of every point's generator.
    pub seed: u64,
    /// Samples per point (LOOP: accepted steps; KEEP: generations).
    pub target: u64,
}

impl Default for EtaParams {
    fn default() -> Self {
        Self { sigma: 0.05, beta: 80.0, rule: RuleKind::Loop, seed: 1, target: DEFAULT_TARGET }
    }
}

impl EtaParams {
    /// Checks every parameter; the error names the bad one. (Kimura's matched
    /// population N = (β + 2)/4 must be at least 1: [`EtaExperiment::new`] says so.)
    pub fn validated(self) -> Result<Self, ParamError> {
        check_positive("sigma", self.sigma, MAX_MUTATION)?;
        check_positive("beta", self.beta, MAX_BETA)?;
        check_count("target", self.target, 2, 1 << 40)?;
        Ok(self)
    }

    /// The samples each point collects: `target`, or 4× under KEEP.
    pub fn samples_per_point(&self) -> u64 {
        match self.rule {
            RuleKind::Loop => self.target,
            RuleKind::Keep => self.target.saturating_mul(4),
        }
    }
}

/// One grid point: a rule at one slope, its theory and its Monte Carlo estimate.
#[derive(Clone, Debug)]
pub struct EtaPoint {
    /// The acceptance rule.
    pub kind: AcceptanceKind,
    /// a = βs|g|.
    pub a: f64,
    /// The slope |g|.
    pub grad_norm: f64,
    /// η_eff by theory.
    pub theory: f64,
    estimate: RunningMean,
    candidates: u64,
    capped: u64,
    selection: Selection,
    objective: LinearObjective<2>,
    rng: SimRng,
}

impl EtaPoint {
    /// Monte Carlo samples so far.
    pub fn samples(&self) -> u64 {
        self.estimate.count()
    }

    /// Candidates drawn so far.
    pub fn candidates(&self) -> u64 {
        self.candidates
    }

    /// LOOP steps that hit the cap (not counted as samples).
    pub fn capped(&self) -> u64 {
        self.capped
    }

    /// The estimate of η_eff.
    pub fn estimate(&self) -> Option<f64> {
        self.estimate.mean()
    }

    /// Its standard error.
    pub fn standard_error(&self) -> Option<f64> {
        self.estimate.standard_error()
    }

    /// (estimate − theory)/SE, once the point has [`MIN_SAMPLES`] samples.
    pub fn z(&self) -> Option<f64> {
        if self.samples() < MIN_SAMPLES {
            return None;
        }
        let (m, se) = (self.estimate()?, self.standard_error()?);
        if se > 0.0 {
            Some((m - self.theory) / se)
        } else if m == self.theory {
            Some(0.0)
        } else {
            None
        }
    }

    /// Steps until `target` samples or about `budget` candidates; returns candidates drawn.
    fn advance(&mut self, target: u64, budget: u64) -> u64 {
        let norm = self.grad_norm;
        let dir = [libm::cos(GRAD_ANGLE), libm::sin(GRAD_ANGLE)];
        let mut used = 0;
        while self.samples() < target && used < budget {
            let s = self.selection.step(&self.objective, &[0.0; 2], &mut self.rng);
            used += s.candidates;
            if s.capped {
                self.capped += 1;
                continue;
            }
            // The step along ĝ (0 for a rejected KEEP candidate), per unit slope.
            self.estimate.push((s.step[0] * dir[0] + s.step[1] * dir[1]) / norm);
        }
        self.candidates += used;
        used
    }
}

/// Agreement of a set of points with theory.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Agreement {
    /// Points with enough samples to judge.
    pub judged: usize,
    /// Of those, points whose 99.9 % interval (±3.29 SE) contains the theory.
    pub within: usize,
    /// The largest |z|.
    pub worst_z: Option<f64>,
}

impl Agreement {
    /// within/judged, `None` before any point can be judged.
    pub fn fraction(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.within as f64 / self.judged as f64)
    }

    fn add(&mut self, z: f64) {
        self.judged += 1;
        if z.abs() < Z_999 {
            self.within += 1;
        }
        self.worst_z = Some(self.worst_z.map_or(z.abs(), |w| w.max(z.abs())));
    }
}

/// What the η_eff experiment has found so far, over the rules shown.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EtaSummary {
    /// Samples over all shown points.
    pub samples: u64,
    /// Candidates over all shown points.
    pub candidates: u64,
    /// Fraction of the shown points' samples collected, 0..1.
    pub progress: f64,
    /// Every shown point has its samples.
    pub done: bool,
    /// Over all shown points.
    pub all: Agreement,
    /// Per rule (index as in [`AcceptanceKind::ALL`]).
    pub per_rule: [Agreement; 4],
}

/// The η_eff experiment (see the module docs).
#[derive(Clone, Debug)]
pub struct EtaExperiment {
    params: EtaParams,
    points: Vec<EtaPoint>,
}

impl EtaExperiment {
    /// Sets up every rule's grid, with theory; samples nothing yet.
    pub fn new(params: EtaParams) -> Result<Self, ParamError> {
        let params = params.validated()?;
        let mutation = Mutation::Gaussian { sigma: params.sigma };
        let step_rule = params.rule.with_cap(LOOP_CAP);
        let dir = [libm::cos(GRAD_ANGLE), libm::sin(GRAD_ANGLE)];
        let mut points = Vec::with_capacity(AcceptanceKind::ALL.len() * GRID_POINTS);
        for r in AcceptanceKind::ALL {
            let selection = Selection::new(mutation, matched(r, params.beta), step_rule)?;
            for i in 0..GRID_POINTS {
                let a = grid_a(r, i);
                let grad_norm = a / (params.beta * params.sigma);
                points.push(EtaPoint {
                    kind: r,
                    a,
                    grad_norm,
                    theory: eta_eff(r, params.sigma, params.beta, grad_norm, params.rule),
                    estimate: RunningMean::new(),
                    candidates: 0,
                    capped: 0,
                    selection,
                    objective: LinearObjective { g: [grad_norm * dir[0], grad_norm * dir[1]] },
                    rng: rng_for(params.seed, 100 + (r.index() * GRID_POINTS + i) as u64),
                });
            }
        }
        Ok(Self { params, points })
    }

    /// The parameters.
    pub fn params(&self) -> &EtaParams {
        &self.params
    }

    /// Every point, rule by rule.
    pub fn points(&self) -> &[EtaPoint] {
        &self.points
    }

    /// The slope range the grid spans, (smallest, largest) |g|.
    pub fn slope_range(&self) -> (f64, f64) {
        let k = self.params.beta * self.params.sigma;
        (GRID_A0 / k, grid_a(AcceptanceKind::Kimura, GRID_POINTS - 1) / k)
    }

    /// Whether every shown point has its samples.
    pub fn done(&self, shown: [bool; 4]) -> bool {
        let target = self.params.samples_per_point();
        self.points.iter().filter(|p| shown[p.kind.index()]).all(|p| p.samples() >= target)
    }

    /// Collects more samples for the shown rules, sharing about `budget` candidates
    /// among the unfinished points; returns the candidates drawn (0 when done).
    pub fn advance(&mut self, shown: [bool; 4], budget: u64) -> u64 {
        let target = self.params.samples_per_point();
        let open = self.points.iter().filter(|p| shown[p.kind.index()] && p.samples() < target).count();
        if open == 0 {
            return 0;
        }
        let slice = (budget / open as u64).max(16);
        self.points
            .iter_mut()
            .filter(|p| shown[p.kind.index()] && p.samples() < target)
            .map(|p| p.advance(target, slice))
            .sum()
    }

    /// Collects `target` samples per point from now on (4× under KEEP), keeping those
    /// already drawn: a run extended to a target gives the same points as a run started
    /// with it.
    pub fn extend_to(&mut self, target: u64) {
        self.params.target = target.clamp(2, 1 << 40);
    }

    /// The findings so far over the shown rules.
    pub fn summary(&self, shown: [bool; 4]) -> EtaSummary {
        let target = self.params.samples_per_point();
        let mut s = EtaSummary::default();
        let (mut have, mut want) = (0u64, 0u64);
        for p in self.points.iter().filter(|p| shown[p.kind.index()]) {
            s.samples += p.samples();
            s.candidates += p.candidates();
            have += p.samples().min(target);
            want += target;
            if let Some(z) = p.z() {
                s.all.add(z);
                s.per_rule[p.kind.index()].add(z);
            }
        }
        s.progress = if want > 0 { have as f64 / want as f64 } else { 1.0 };
        s.done = have == want;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: [AcceptanceKind; 4] = AcceptanceKind::ALL;

    #[test]
    fn matched_rules_share_k_loop() {
        for beta in [2.0, 20.0, 80.0, 1000.0] {
            for r in RULES {
                let k = small_step_rate(r, 0.05, beta, RuleKind::Loop);
                let want = 0.05 * 0.05 * beta / 2.0;
                assert!((k - want).abs() < 1e-12 * want, "{r:?} β = {beta}: {k} vs {want}");
            }
        }
        // KEEP's rate per generation is s²P′(0): β/4 for logistic and probit, β/2 for
        // Metropolis, (2N − 1)/(2N) = β/(β + 2) for Kimura.
        let s2 = 0.05 * 0.05;
        assert!((small_step_rate(AcceptanceKind::Probit, 0.05, 80.0, RuleKind::Keep) - s2 * 20.0).abs() < 1e-12);
        assert!((small_step_rate(AcceptanceKind::Kimura, 0.05, 80.0, RuleKind::Keep) - s2 * 80.0 / 82.0).abs() < 1e-12);
    }

    #[test]
    fn small_step_ratio_tends_to_one_and_matches_the_spec_row() {
        for r in RULES {
            let near = small_step_ratio(r, 80.0, 0.01);
            assert!((near - 1.0).abs() < 0.01, "{r:?}: R(0.01) = {near}");
        }
        // The spec's table rounds R(16) to 0.09916; the quadrature gives 0.0991032 (as does
        // an independent 30-digit integration), which tests/science.rs also records.
        for (a, want) in [(0.1, 0.99751), (1.0, 0.82648), (8.0, 0.19460), (16.0, 0.09910)] {
            let got = small_step_ratio(AcceptanceKind::Logistic, 80.0, a);
            assert!((got - want).abs() < 1e-5, "R({a}) = {got}, spec {want}");
        }
    }

    #[test]
    fn the_toy_problem_starts_at_a_about_8() {
        let g = toy_start_slope();
        let a = 80.0 * 0.05 * g;
        assert!((a - 8.1).abs() < 0.1, "a = {a}");
        let r = small_step_ratio(AcceptanceKind::Logistic, 80.0, a);
        assert!((r - 0.19).abs() < 0.01, "R = {r}");
    }

    fn run_to_end(params: EtaParams, shown: [bool; 4], budget: u64) -> EtaExperiment {
        let mut e = EtaExperiment::new(params).unwrap();
        while !e.done(shown) {
            e.advance(shown, budget);
        }
        e
    }

    #[test]
    fn monte_carlo_agrees_with_theory_for_every_rule_loop_and_keep() {
        for rule in [RuleKind::Loop, RuleKind::Keep] {
            let params = EtaParams { target: 10_000, rule, ..EtaParams::default() };
            let e = run_to_end(params, [true; 4], 50_000);
            let s = e.summary([true; 4]);
            assert!(s.done && (s.progress - 1.0).abs() < 1e-12);
            assert_eq!(s.all.judged, RULES.len() * GRID_POINTS);
            for p in e.points() {
                let z = p.z().unwrap();
                assert!(z.abs() < Z_999, "{:?} {rule:?} a={}: z = {z:.2}", p.kind, p.a);
                assert_eq!(p.capped(), 0);
            }
            assert_eq!(s.all.fraction(), Some(1.0));
        }
    }

    #[test]
    fn results_do_not_depend_on_how_the_work_is_split() {
        let params = EtaParams { target: 500, ..EtaParams::default() };
        let a = run_to_end(params, [true; 4], 100);
        let b = run_to_end(params, [true; 4], 1_000_000);
        for (p, q) in a.points().iter().zip(b.points()) {
            assert_eq!(p.estimate(), q.estimate());
            assert_eq!(p.candidates(), q.candidates());
        }
        // Hiding a rule neither runs nor counts it.
        let mut c = EtaExperiment::new(params).unwrap();
        c.advance([true, false, false, false], 10_000);
        assert!(c.points().iter().filter(|p| p.kind != AcceptanceKind::Logistic).all(|p| p.samples() == 0));
        assert_eq!(c.summary([false, true, true, true]).samples, 0);
    }

    #[test]
    fn extending_a_run_matches_starting_with_the_larger_target() {
        let one = [true, false, false, false];
        let params = EtaParams { target: 100, ..EtaParams::default() };
        let mut e = run_to_end(params, one, 10_000);
        assert!(e.done(one));
        e.extend_to(200);
        assert!(!e.done(one));
        assert!(e.summary(one).progress < 0.51);
        while !e.done(one) {
            e.advance(one, 10_000);
        }
        let f = run_to_end(EtaParams { target: 200, ..params }, one, 10_000);
        for (p, q) in e.points().iter().zip(f.points()) {
            assert_eq!(p.estimate(), q.estimate());
        }
    }

    #[test]
    fn theory_curves_sample_eta_eff_and_r() {
        let c = eta_curve(AcceptanceKind::Logistic, 0.05, 80.0, RuleKind::Loop, (0.01, 100.0), 40);
        assert_eq!(c.len(), 41);
        assert!((c[0].0 - 0.01).abs() < 1e-12 && (c[40].0 - 100.0).abs() < 1e-9);
        // Gentle slopes give k_loop; steep ones approach the hard threshold from below.
        let k = small_step_rate(AcceptanceKind::Logistic, 0.05, 80.0, RuleKind::Loop);
        assert!((c[0].1 / k - 1.0).abs() < 1e-3);
        assert!(c[40].1 < hard_threshold_rate(0.05, 100.0) && c[40].1 > 0.9 * hard_threshold_rate(0.05, 100.0));
        let r = ratio_curve(AcceptanceKind::Metropolis, 80.0, (0.01, 100.0), 20);
        assert!(r.windows(2).all(|w| w[1].1 < w[0].1), "R(a) falls with a");
        assert!((r[0].1 - 1.0).abs() < 0.01);
    }

    #[test]
    fn rejects_bad_parameters() {
        let bad = |p: EtaParams| EtaExperiment::new(p).unwrap_err().param;
        assert_eq!(bad(EtaParams { sigma: 0.0, ..EtaParams::default() }), "sigma");
        assert_eq!(bad(EtaParams { beta: f64::NAN, ..EtaParams::default() }), "beta");
        // Kimura's matched population (β + 2)/4 is below 1.
        assert_eq!(bad(EtaParams { beta: 1.0, ..EtaParams::default() }), "population");
    }
}
