//! Property tests: facts that must hold for every parameter, not just the defaults.
//!
//! - every acceptance rule gives a finite probability in [0, 1], monotone in Δ, for any
//!   finite Δ and any valid β or N (spec §A);
//! - with ρ = 1, SGD's hidden path stays on the line v − v₀ = (c_v/c_u)(u − u₀) at any
//!   batch size, learning rate, seed and z distribution (spec §B, §E.6);
//! - selection's step components orthogonal to the gradient are uncorrelated, for every
//!   mutation, acceptance and step rule (spec §A.1.1, §E.5, §E.9);
//! - every constructor accepts exactly the values inside its documented range and
//!   otherwise returns an error naming a bad parameter, never panicking.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use selection_sgd::sim::problem::{Objective, ToyParams, ToyProblem, ZDistribution, DEFAULT_START};
use selection_sgd::sim::regression::{Regression, RegressionParams};
use selection_sgd::sim::run::{default_problem, default_selection, default_sgd, SelectionRun, SgdRun};
use selection_sgd::sim::selection::{
    Acceptance, Mutation, Selection, StepRule, MAX_BETA, MAX_LOOP_CAP, MAX_MUTATION, MAX_POPULATION,
};
use selection_sgd::sim::sgd::{MiniBatchSgd, MAX_BATCH};
use selection_sgd::sim::stats::RunningCorrelation;
use selection_sgd::sim::{rng_for, ParamError};

// ---- floating-point helpers -----------------------------------------------------------

/// The next representable f64 above `x` (`f64::next_up`, which needs Rust 1.86).
fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

/// The next representable f64 below `x`.
fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

/// A few values every numeric parameter should be tried with.
const SPECIALS: [f64; 20] = [
    f64::NAN,
    -f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    -f64::MAX,
    1e300,
    -1e300,
    f64::MIN_POSITIVE,
    -f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    1e-300,
    -1e-300,
    0.0,
    -0.0,
    1.0,
    -1.0,
    1e6,
    -1e6,
];

/// Log-uniform magnitudes 10^e for e in [lo, hi].
fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo..=hi).prop_map(|e| 10f64.powf(e))
}

// ---- 1. acceptance probabilities -------------------------------------------------------

/// Any finite Δ: arbitrary finite bit patterns (normal, subnormal, zero, either sign),
/// log-uniform magnitudes from 1e-320 to 1e308, the region around 0 where the rules
/// change fastest, and the extremes.
fn finite_delta() -> impl Strategy<Value = f64> {
    use proptest::num::f64 as class;
    prop_oneof![
        3 => class::POSITIVE | class::NEGATIVE | class::NORMAL | class::SUBNORMAL | class::ZERO,
        3 => (log_uniform(-320.0, 308.0), any::<bool>()).prop_map(|(m, neg)| if neg { -m } else { m }),
        2 => -10.0..10.0f64,
        2 => -1e-4..1e-4f64,
        1 => select(vec![1e300, -1e300, f64::MAX, -f64::MAX, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 5e-324, -5e-324, 0.0, -0.0]),
    ]
}

/// β in (0, 1e6]: log-uniform down to subnormal, uniform, and the ends.
fn valid_beta() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => log_uniform(-320.0, 6.0).prop_map(|b| b.min(MAX_BETA)),
        1 => (0.0..=MAX_BETA).prop_filter("β > 0", |b| *b > 0.0),
        1 => select(vec![5e-324, f64::MIN_POSITIVE, 1.0, 80.0, next_down(MAX_BETA), MAX_BETA]),
    ]
}

/// N in [1, 1e6], not necessarily whole.
fn valid_population() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => log_uniform(0.0, 6.0).prop_map(|n| n.clamp(1.0, MAX_POPULATION)),
        1 => 1.0..=MAX_POPULATION,
        1 => select(vec![1.0, next_up(1.0), 1.3, 20.0, 20.5, next_down(MAX_POPULATION), MAX_POPULATION]),
    ]
}

/// The Δs of a case, each with its floating-point neighbours, sorted.
fn sorted_deltas() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(finite_delta(), 1..12).prop_map(|ds| {
        let mut all: Vec<f64> =
            ds.iter().flat_map(|&d| [next_down(d), d, next_up(d)]).filter(|d| d.is_finite()).collect();
        all.sort_by(f64::total_cmp);
        all
    })
}

/// P is finite, in [0, 1], and non-decreasing along the sorted Δs (up to a relative 1e-12).
fn check_acceptance(acc: Acceptance, deltas: &[f64]) -> Result<(), TestCaseError> {
    prop_assert!(acc.validated().is_ok(), "{acc:?} should be valid");
    let ps: Vec<f64> = deltas.iter().map(|&d| acc.probability(d)).collect();
    for (d, p) in deltas.iter().zip(&ps) {
        prop_assert!(p.is_finite() && (0.0..=1.0).contains(p), "{acc:?}: P({d:e}) = {p:e}");
    }
    for i in 1..deltas.len() {
        let (lo, hi) = (ps[i - 1], ps[i]);
        prop_assert!(
            lo - hi <= 1e-12 * hi,
            "{acc:?} not monotone: P({:e}) = {lo:e} > P({:e}) = {hi:e}",
            deltas[i - 1],
            deltas[i]
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 512, ..Config::default() })]

    #[test]
    fn acceptance_is_a_monotone_probability(beta in valid_beta(), population in valid_population(), deltas in sorted_deltas()) {
        check_acceptance(Acceptance::Logistic { beta }, &deltas)?;
        check_acceptance(Acceptance::Metropolis { beta }, &deltas)?;
        check_acceptance(Acceptance::Probit { beta }, &deltas)?;
        check_acceptance(Acceptance::Kimura { population }, &deltas)?;
    }
}

/// The Δs the spec singles out, for every rule at both ends of its parameter range.
#[test]
fn acceptance_at_extreme_deltas_and_parameters() {
    let deltas = [-f64::MAX, -1e300, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1.0, 1e300, f64::MAX];
    for beta in [5e-324, 1e-300, 1.0, MAX_BETA] {
        for acc in [Acceptance::Logistic { beta }, Acceptance::Metropolis { beta }, Acceptance::Probit { beta }] {
            if let Err(e) = check_acceptance(acc, &deltas) {
                panic!("{e}");
            }
        }
    }
    for population in [1.0, 1.3, 20.5, MAX_POPULATION] {
        if let Err(e) = check_acceptance(Acceptance::Kimura { population }, &deltas) {
            panic!("{e}");
        }
    }
}

// ---- 2. SGD's hidden path at ρ = 1 -------------------------------------------------------

/// A non-zero c in [−100, 100], from tiny to the largest.
fn nonzero_coefficient() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => (-100.0..=100.0f64).prop_filter("c ≠ 0", |c| *c != 0.0),
        1 => (log_uniform(-300.0, 2.0), any::<bool>()).prop_map(|(m, neg)| if neg { -m.min(100.0) } else { m.min(100.0) }),
        1 => select(vec![1.0, 0.5, -1.0, 100.0, -100.0, 5e-324]),
    ]
}

fn z_distribution() -> impl Strategy<Value = ZDistribution> {
    prop_oneof![Just(ZDistribution::Rademacher), Just(ZDistribution::Gaussian)]
}

fn valid_lr() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => (0.0..=10.0f64).prop_filter("η > 0", |x| *x > 0.0),
        1 => log_uniform(-300.0, 1.0).prop_map(|x| x.min(10.0)),
        1 => select(vec![0.1, 10.0, 5e-324]),
    ]
}

fn valid_batch() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 1..=MAX_BATCH, 1 => select(vec![1, 2, 3, 4, MAX_BATCH - 1, MAX_BATCH])]
}

proptest! {
    #![proptest_config(Config { cases: 128, ..Config::default() })]

    #[test]
    fn sgd_hidden_path_stays_on_its_line_when_rho_is_one(
        z in z_distribution(),
        c_u in nonzero_coefficient(),
        c_v in prop_oneof![nonzero_coefficient(), Just(0.0)],
        tau in prop_oneof![(0.0..=100.0f64).prop_filter("τ > 0", |t| *t > 0.0), Just(1.0), Just(100.0)],
        h in (0.0..=1.0f64, 0.0..=1.0f64),
        s_xi in 0.0..=1.0f64,
        lr in valid_lr(),
        batch in valid_batch(),
        seed in any::<u64>(),
        start in (-1e3..=1e3f64, -1e3..=1e3f64),
        steps in 1..=6u32,
    ) {
        let params = ToyParams { h_a: h.0, h_b: h.1, c_u, c_v, s_xi, tau, z, rho: 1.0 };
        let problem = ToyProblem::new(params).expect("valid by construction");
        let sgd = MiniBatchSgd::new(lr, batch).expect("valid by construction");
        let (u0, v0) = start;
        let mut run = SgdRun::new(problem, sgd, [DEFAULT_START[0], DEFAULT_START[1], u0, v0], seed)
            .expect("valid by construction");
        // Floating-point scale of the identity c_u(v − v₀) = c_v(u − u₀): the positions
        // themselves (rounding when a step is added) and, per step, one batch-of-one step
        // lr·|c_u c_v|·τ (rounding inside the batch mean). A v drawn independently of u
        // would miss by about lr·|c_u c_v|·τ·√(t/B) ≥ lr·|c_u c_v|·τ/64 per step.
        let per_step = lr * (c_u * c_v).abs() * tau;
        let mut taken = 0u32;
        for t in 1..=steps {
            if run.step().is_err() {
                break; // the active plane diverged; the hidden identity held up to here
            }
            taken = t;
            let th = run.theta();
            let miss = c_u * (th[3] - v0) - c_v * (th[2] - u0);
            let scale = c_u.abs() * (th[3].abs() + v0.abs()) + c_v.abs() * (th[2].abs() + u0.abs()) + 2.0 * f64::from(t) * per_step;
            prop_assert!(
                miss.abs() <= 1e-9 * scale,
                "step {t}: c_u(v − v₀) − c_v(u − u₀) = {miss:e}, scale {scale:e}, θ = {th:?}"
            );
        }
        prop_assert!(taken >= 1, "no step was taken");
    }
}

// ---- 3. selection: components orthogonal to the gradient are uncorrelated --------------

/// f(x) = g·x, the locally linear f of spec §A.1.
struct Linear {
    g: [f64; 4],
}

impl Objective<4> for Linear {
    fn fitness(&self, x: &[f64; 4]) -> f64 {
        self.g.iter().zip(x).map(|(g, x)| g * x).sum()
    }
    fn fitness_gradient(&self, _: &[f64; 4]) -> [f64; 4] {
        self.g
    }
}

fn dot(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Gram–Schmidt on (g, r₁, r₂, r₃): the last three are an orthonormal basis of g⊥.
/// `None` when the vectors are too close to dependent.
fn orthonormal_complement(g: [f64; 4], r: [[f64; 4]; 3]) -> Option<[[f64; 4]; 3]> {
    let mut basis: Vec<[f64; 4]> = Vec::with_capacity(4);
    for v in std::iter::once(g).chain(r) {
        let mut w = v;
        for b in &basis {
            let c = dot(&w, b);
            for (wi, bi) in w.iter_mut().zip(b) {
                *wi -= c * bi;
            }
        }
        let norm = dot(&w, &w).sqrt();
        if norm < 1e-3 * dot(&v, &v).sqrt() || norm == 0.0 {
            return None;
        }
        basis.push(w.map(|x| x / norm));
    }
    Some([basis[1], basis[2], basis[3]])
}

/// One case: a mutation, an acceptance rule, a step rule, a gradient and a basis of g⊥.
#[derive(Clone, Debug)]
struct OrthogonalCase {
    selection: Selection,
    gradient: [f64; 4],
    perpendicular: [[f64; 4]; 3],
    seed: u64,
}

fn unit4() -> impl Strategy<Value = [f64; 4]> {
    prop::array::uniform4(-1.0..1.0f64)
}

/// Parameters are chosen so that a = (βσ or 4Nσ)·|g| spans 0.01 to 20 — from nearly
/// flat to a near-step acceptance — while the acceptance rate stays high enough for a
/// quick test (Kimura N ≤ 30).
fn orthogonal_case() -> impl Strategy<Value = OrthogonalCase> {
    let mutation = (any::<bool>(), log_uniform(-3.0, 1.0));
    let acceptance = (0..4u8, log_uniform(-2.0, 6.0), 1.0..=30.0f64);
    let rule = prop_oneof![Just(StepRule::default()), Just(StepRule::Keep)];
    (mutation, acceptance, rule, log_uniform(-2.0, 1.3), unit4(), [unit4(), unit4(), unit4()], any::<u64>())
        .prop_filter_map("degenerate basis", |((ball, scale), (kind, beta, population), rule, a, g_dir, r, seed)| {
            let mutation = if ball {
                Mutation::Ball { radius: scale.min(MAX_MUTATION) }
            } else {
                Mutation::Gaussian { sigma: scale }
            };
            let s = mutation.component_variance(4).sqrt();
            let (acceptance, sharpness) = match kind {
                0 => (Acceptance::Logistic { beta }, beta),
                1 => (Acceptance::Metropolis { beta }, beta),
                2 => (Acceptance::Probit { beta }, beta),
                _ => (Acceptance::Kimura { population }, 4.0 * population),
            };
            let selection = Selection::new(mutation, acceptance, rule).ok()?;
            let perpendicular = orthonormal_complement(g_dir, r)?;
            let norm = dot(&g_dir, &g_dir).sqrt();
            let g_len = a / (sharpness * s);
            let gradient = g_dir.map(|x| x / norm * g_len);
            Some(OrthogonalCase { selection, gradient, perpendicular, seed })
        })
}

/// Accepted steps per case.
const ACCEPTED_PER_CASE: u64 = 20_000;
/// Cases: each is one seeded simulation, so the test is reproducible with a fixed runner RNG.
const ORTHOGONAL_CASES: u32 = 16;
/// Bonferroni: 16 cases × 3 pairs of orthogonal directions = 48 Fisher-z tests at a
/// family-wise 99.9 % level, so each uses α = 0.001/48 two-sided:
/// Φ⁻¹(1 − 0.001/96) = 4.2558 (against 3.29 for one test).
const Z_BONFERRONI_48: f64 = 4.2558;

fn run_orthogonal_case(case: &OrthogonalCase) -> Result<(), TestCaseError> {
    let f = Linear { g: case.gradient };
    let x = [0.0; 4];
    let mut rng = rng_for(case.seed, 11);
    let mut pairs = [RunningCorrelation::new(); 3];
    let mut accepted = 0u64;
    let mut generations = 0u64;
    while accepted < ACCEPTED_PER_CASE {
        generations += 1;
        prop_assert!(generations <= 50 * ACCEPTED_PER_CASE, "acceptance too rare in {case:?}");
        let st = case.selection.step(&f, &x, &mut rng);
        prop_assert!(!st.capped, "LOOP hit its cap in {case:?}");
        if !st.accepted {
            continue; // KEEP: a rejected generation moves nowhere, so carries no direction
        }
        accepted += 1;
        let p = case.perpendicular.map(|e| dot(&st.step, &e));
        pairs[0].push(p[0], p[1]);
        pairs[1].push(p[0], p[2]);
        pairs[2].push(p[1], p[2]);
    }
    for (k, rc) in pairs.iter().enumerate() {
        let r = rc.correlation().ok_or_else(|| TestCaseError::fail("no correlation"))?;
        let z = libm::atanh(r) * ((rc.count() - 3) as f64).sqrt();
        prop_assert!(
            z.abs() < Z_BONFERRONI_48,
            "pair {k}: r = {r:.5}, |atanh r|·√(n−3) = {:.2} over {} accepted steps, {case:?}",
            z.abs(),
            rc.count()
        );
    }
    Ok(())
}

#[test]
fn selection_steps_orthogonal_to_the_gradient_are_uncorrelated() {
    let config = Config { cases: ORTHOGONAL_CASES, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    if let Err(e) = runner.run(&orthogonal_case(), |case| run_orthogonal_case(&case)) {
        panic!("{e}");
    }
}

/// The bound is strict enough to matter: a correlation of 0.05 between two directions
/// gives |atanh r|·√(n − 3) ≈ 7 at n = 20 000, far past it.
#[test]
fn orthogonal_test_would_catch_a_small_correlation() {
    let n = ACCEPTED_PER_CASE as f64;
    assert!(libm::atanh(0.05) * (n - 3.0).sqrt() > Z_BONFERRONI_48);
    // Φ(−4.2558)·2·48 ≤ 0.001: the family-wise level is 99.9 %.
    let tail = libm::erfc(Z_BONFERRONI_48 / std::f64::consts::SQRT_2);
    assert!(tail * 48.0 <= 0.001 && tail * 48.0 > 0.000_99, "{}", tail * 48.0);
}

// ---- 4. constructors: Ok exactly inside the documented ranges --------------------------

/// A documented range for a real parameter: `[lo, hi]`, or `(lo, hi]` when `open_lo`.
#[derive(Clone, Copy, Debug)]
struct Range {
    name: &'static str,
    lo: f64,
    hi: f64,
    open_lo: bool,
}

impl Range {
    const fn closed(name: &'static str, lo: f64, hi: f64) -> Self {
        Self { name, lo, hi, open_lo: false }
    }
    const fn positive(name: &'static str, hi: f64) -> Self {
        Self { name, lo: 0.0, hi, open_lo: true }
    }
    fn contains(&self, x: f64) -> bool {
        x.is_finite() && (if self.open_lo { x > self.lo } else { x >= self.lo }) && x <= self.hi
    }
}

// The ranges as documented on the constructors and the parameter constants.
const H_A: Range = Range::closed("h_a", 0.0, 100.0);
const H_B: Range = Range::closed("h_b", 0.0, 100.0);
const C_U: Range = Range::closed("c_u", -100.0, 100.0);
const C_V: Range = Range::closed("c_v", -100.0, 100.0);
const S_XI: Range = Range::closed("s_xi", 0.0, 100.0);
const TAU: Range = Range::positive("tau", 100.0);
const RHO: Range = Range::closed("rho", -1.0, 1.0);
const LR: Range = Range::positive("lr", 10.0);
const SIGMA: Range = Range::positive("sigma", MAX_MUTATION);
const RADIUS: Range = Range::positive("radius", MAX_MUTATION);
const BETA: Range = Range::positive("beta", MAX_BETA);
const POPULATION: Range = Range::closed("population", 1.0, MAX_POPULATION);
const FEATURE_VAR: Range = Range::closed("feature_var", 1e-6, 100.0);
const FEATURE_CORR: Range = Range::closed("feature_corr", -0.99, 0.99);
const NOISE_SD: Range = Range::closed("noise_sd", 0.0, 100.0);
const W_STAR: Range = Range::closed("w_star", -100.0, 100.0);
const START: Range = Range::closed("start", -1e3, 1e3);

/// Mostly values inside the range (so that all-valid combinations are common), then its
/// ends and their neighbours, special values, arbitrary bit patterns and arbitrary floats.
fn any_value(r: Range) -> BoxedStrategy<f64> {
    let edges = vec![r.lo, r.hi, next_down(r.lo), next_up(r.lo), next_down(r.hi), next_up(r.hi), 0.0, -0.0];
    prop_oneof![
        14 => r.lo..=r.hi,
        2 => select(edges),
        1 => select(SPECIALS.to_vec()),
        1 => any::<u64>().prop_map(f64::from_bits),
        1 => proptest::num::f64::ANY,
    ]
    .boxed()
}

/// Whole numbers: mostly inside `[lo, hi]`, then its ends, their neighbours and anything.
fn any_count(lo: u64, hi: u64) -> BoxedStrategy<u64> {
    prop_oneof![
        8 => lo..=hi,
        2 => select(vec![0, lo, hi, lo.saturating_sub(1), hi.saturating_add(1), u64::MAX]),
        1 => any::<u64>(),
    ]
    .boxed()
}

/// The names of the parameters outside their ranges.
fn invalid(values: &[(Range, f64)]) -> Vec<&'static str> {
    values.iter().filter(|(r, x)| !r.contains(*x)).map(|(r, _)| r.name).collect()
}

/// Ok exactly when nothing is invalid; otherwise an error naming one of the invalid
/// parameters, with a reason, whose message starts with that name.
fn check_verdict<T: std::fmt::Debug>(
    result: &Result<T, ParamError>,
    bad: &[&'static str],
    what: &str,
) -> Result<(), TestCaseError> {
    match result {
        Ok(v) => prop_assert!(bad.is_empty(), "{what}: accepted although {bad:?} invalid: {v:?}"),
        Err(e) => {
            prop_assert!(!bad.is_empty(), "{what}: rejected valid values: {e}");
            prop_assert!(bad.contains(&e.param), "{what}: error names {:?}, but the invalid ones are {bad:?}", e.param);
            prop_assert!(!e.reason.is_empty(), "{what}: error without a reason");
            prop_assert!(e.to_string().starts_with(e.param), "{what}: message {e}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 1024, ..Config::default() })]

    #[test]
    fn toy_problem_validates_every_constant(
        h_a in any_value(H_A), h_b in any_value(H_B), c_u in any_value(C_U), c_v in any_value(C_V),
        s_xi in any_value(S_XI), tau in any_value(TAU), rho in any_value(RHO), z in z_distribution(),
    ) {
        let params = ToyParams { h_a, h_b, c_u, c_v, s_xi, tau, z, rho };
        let bad = invalid(&[(H_A, h_a), (H_B, h_b), (C_U, c_u), (C_V, c_v), (S_XI, s_xi), (TAU, tau), (RHO, rho)]);
        let result = ToyProblem::new(params);
        check_verdict(&result, &bad, "ToyProblem::new")?;
        if let Ok(p) = result {
            prop_assert_eq!(p.params(), &params);
        }
    }

    #[test]
    fn sgd_validates_rate_and_batch(lr in any_value(LR), batch in any_count(1, MAX_BATCH)) {
        let mut bad = invalid(&[(LR, lr)]);
        if !(1..=MAX_BATCH).contains(&batch) {
            bad.push("batch");
        }
        let result = MiniBatchSgd::new(lr, batch);
        check_verdict(&result, &bad, "MiniBatchSgd::new")?;
        if let Ok(s) = result {
            prop_assert_eq!((s.lr(), s.batch()), (lr, batch));
        }
    }

    #[test]
    fn selection_validates_mutation_acceptance_and_rule(
        mutation_kind in 0..2u8, scale in any_value(SIGMA),
        acceptance_kind in 0..4u8, beta in any_value(BETA), population in any_value(POPULATION),
        keep in any::<bool>(), cap in any_count(1, MAX_LOOP_CAP),
    ) {
        let (mutation, mutation_range) = if mutation_kind == 0 {
            (Mutation::Gaussian { sigma: scale }, SIGMA)
        } else {
            (Mutation::Ball { radius: scale }, RADIUS)
        };
        let (acceptance, acceptance_check) = match acceptance_kind {
            0 => (Acceptance::Logistic { beta }, (BETA, beta)),
            1 => (Acceptance::Metropolis { beta }, (BETA, beta)),
            2 => (Acceptance::Probit { beta }, (BETA, beta)),
            _ => (Acceptance::Kimura { population }, (POPULATION, population)),
        };
        let rule = if keep { StepRule::Keep } else { StepRule::Loop { cap } };
        let mut bad = invalid(&[(mutation_range, scale), acceptance_check]);
        if !keep && !(1..=MAX_LOOP_CAP).contains(&cap) {
            bad.push("loop_cap");
        }
        let result = Selection::new(mutation, acceptance, rule);
        check_verdict(&result, &bad, "Selection::new")?;
        if let Ok(s) = result {
            prop_assert_eq!((s.mutation(), s.acceptance(), s.rule()), (mutation, acceptance, rule));
        }
        // Each part validates on its own too, naming the same parameter.
        prop_assert_eq!(mutation.validated().err().map(|e| e.param), (!mutation_range.contains(scale)).then_some(mutation_range.name));
        prop_assert_eq!(acceptance.validated().err().map(|e| e.param), (!acceptance_check.0.contains(acceptance_check.1)).then_some(acceptance_check.0.name));
    }

    #[test]
    fn regression_validates_every_constant(
        feature_var in any_value(FEATURE_VAR), feature_corr in any_value(FEATURE_CORR),
        noise_sd in any_value(NOISE_SD), w0 in any_value(W_STAR), w1 in any_value(W_STAR),
    ) {
        let params = RegressionParams { feature_var, feature_corr, noise_sd, w_star: [w0, w1] };
        let bad = invalid(&[(FEATURE_VAR, feature_var), (FEATURE_CORR, feature_corr), (NOISE_SD, noise_sd), (W_STAR, w0), (W_STAR, w1)]);
        let result = Regression::new(params);
        check_verdict(&result, &bad, "Regression::new")?;
        if let Ok(r) = result {
            prop_assert_eq!(r.params(), &params);
            let c = r.covariance();
            prop_assert!(c.iter().flatten().all(|x| x.is_finite()), "Σ = {c:?}");
        }
    }

    #[test]
    fn runs_validate_their_start(
        start in prop::array::uniform4(any_value(START)),
        start2 in prop::array::uniform2(any_value(START)),
        seed in any::<u64>(),
    ) {
        let bad4 = invalid(&start.map(|x| (START, x)));
        let sgd = SgdRun::new(default_problem(), default_sgd(), start, seed);
        check_verdict(&sgd, &bad4, "SgdRun::new")?;
        let sel = SelectionRun::new(default_problem(), default_selection(), start, seed);
        check_verdict(&sel, &bad4, "SelectionRun::new")?;
        if let (Ok(a), Ok(b)) = (&sgd, &sel) {
            prop_assert_eq!((a.theta(), b.theta(), a.steps(), b.steps()), (&start, &start, 0, 0));
        }

        let bad2 = invalid(&start2.map(|x| (START, x)));
        let reg = Regression::new(RegressionParams::default()).expect("defaults are valid");
        check_verdict(&SgdRun::new(reg, default_sgd(), start2, seed), &bad2, "SgdRun::new (regression)")?;
        check_verdict(&SelectionRun::new(reg, default_selection(), start2, seed), &bad2, "SelectionRun::new (regression)")?;
    }
}

// ---- The URL reader: any query string gives a valid state, never a panic ----------

mod url_reader {
    use proptest::prelude::*;
    use selection_sgd::figures::duel::SETTINGS;
    use selection_sgd::url_state::{parse, to_query};

    /// Keys the page knows, so that random strings hit the real parsing paths.
    const KEYS: [&str; 16] = [
        "v",
        "seed",
        "t",
        "batch",
        "lr",
        "rho",
        "z",
        "sigma",
        "mutation",
        "acceptance",
        "beta",
        "N",
        "rule",
        "embed",
        "preset",
        "unknown",
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<f64>().prop_map(|x| x.to_string()),
            any::<i64>().prop_map(|x| x.to_string()),
            any::<u64>().prop_map(|x| x.to_string()),
            "[a-zA-Z0-9%+&=<>\"'./-]{0,40}",
            Just("NaN".to_string()),
            Just("-inf".to_string()),
            Just("1e999".to_string()),
            Just("%E0%A4%A".to_string()),
            Just("<script>alert(1)</script>".to_string()),
            "\\PC{0,20}",
        ]
    }

    fn query() -> impl Strategy<Value = String> {
        let pair = (prop::sample::select(KEYS.to_vec()), value()).prop_map(|(k, v)| format!("{k}={v}"));
        prop_oneof![
            prop::collection::vec(pair, 0..12).prop_map(|p| format!("?{}", p.join("&"))),
            "\\PC{0,200}",
            any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

        /// 10,000 random and malformed query strings: no panic, and every result is a
        /// valid state that survives a round trip through the writer.
        #[test]
        fn any_query_gives_a_valid_state(q in query()) {
            let parsed = parse(&q);
            for (id, values) in &parsed.state.figures {
                let def = selection_sgd::figures::by_id(id).expect("a known figure");
                for (s, v) in def.settings.iter().zip(values) {
                    prop_assert_eq!(s.valid(*v), *v, "{}.{} = {}", id, s.key, v);
                }
            }
            let duel = parsed.state.values_for(selection_sgd::figures::by_id("duel").expect("duel"));
            prop_assert_eq!(duel.len(), SETTINGS.len());
            for (_, t) in &parsed.state.replay {
                prop_assert!(*t <= selection_sgd::sim::duel::MAX_REPLAY_STEPS);
            }
            for n in &parsed.notices {
                prop_assert!(!n.contains('<') && n.len() < 400, "notice {n:?}");
            }
            let again = parse(&to_query(&parsed.state));
            prop_assert!(again.notices.is_empty(), "{:?}", again.notices);
            prop_assert_eq!(again.state, parsed.state);
        }
    }
}
