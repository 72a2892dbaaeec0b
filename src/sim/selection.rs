//! The selection model (spec §A): mutate by a radially symmetric random step, accept
//! the mutant with a probability P_s(Δ) that grows with the fitness change Δ.

use crate::sim::normal::StandardNormal;
use rand::distr::Distribution;
use rand::{Rng, RngExt};

use super::error::{check_count, check_positive, check_range, ParamError};
use super::maths::{exp, expm1, normal_cdf, SQRT_2PI};
use super::problem::Objective;

/// Largest mutation scale (σ or R) accepted.
pub const MAX_MUTATION: f64 = 10.0;
/// Largest inverse temperature β accepted.
pub const MAX_BETA: f64 = 1e6;
/// Largest population size N accepted for Kimura acceptance.
pub const MAX_POPULATION: f64 = 1e6;
/// The default LOOP cap on candidates per step (spec §A).
pub const DEFAULT_LOOP_CAP: u64 = 1_000_000;
/// The largest LOOP cap accepted.
pub const MAX_LOOP_CAP: u64 = 10_000_000;

/// The mutation distribution: radially symmetric (spec §A).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mutation {
    /// ε ~ N(0, σ²Iₙ).
    Gaussian { sigma: f64 },
    /// ε uniform in the ball of radius R: ε = R·U^{1/n}·z/|z|.
    Ball { radius: f64 },
}

impl Mutation {
    /// Validates the scale: σ or R in (0, 10].
    pub fn validated(self) -> Result<Self, ParamError> {
        match self {
            Mutation::Gaussian { sigma } => check_positive("sigma", sigma, MAX_MUTATION).map(|_| self),
            Mutation::Ball { radius } => check_positive("radius", radius, MAX_MUTATION).map(|_| self),
        }
    }

    /// Per-component variance s² in n dimensions: σ², or R²/(n+2) for the ball.
    pub fn component_variance(&self, n: usize) -> f64 {
        match *self {
            Mutation::Gaussian { sigma } => sigma * sigma,
            Mutation::Ball { radius } => radius * radius / (n as f64 + 2.0),
        }
    }

    /// Draws one mutation ε.
    pub fn sample<const N: usize, R: Rng + ?Sized>(&self, rng: &mut R) -> [f64; N] {
        let mut z = [0.0; N];
        match *self {
            Mutation::Gaussian { sigma } => {
                for zi in z.iter_mut() {
                    let n: f64 = StandardNormal.sample(rng);
                    *zi = sigma * n;
                }
                z
            }
            Mutation::Ball { radius } => loop {
                let mut norm2 = 0.0;
                for zi in z.iter_mut() {
                    *zi = StandardNormal.sample(rng);
                    norm2 += *zi * *zi;
                }
                if norm2 > 0.0 {
                    let u: f64 = rng.random();
                    let scale = radius * libm::pow(u, 1.0 / N as f64) / norm2.sqrt();
                    for zi in z.iter_mut() {
                        *zi *= scale;
                    }
                    return z;
                }
            },
        }
    }
}

/// Which acceptance rule selection uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AcceptanceKind {
    /// 1/(1 + e^{−βΔ}).
    #[default]
    Logistic,
    /// min(1, e^{βΔ}).
    Metropolis,
    /// Φ(βΔ).
    Probit,
    /// Kimura's fixation probability with population N.
    Kimura,
}

impl AcceptanceKind {
    /// Every rule, in the order menus and figures list them.
    pub const ALL: [AcceptanceKind; 4] =
        [AcceptanceKind::Logistic, AcceptanceKind::Metropolis, AcceptanceKind::Probit, AcceptanceKind::Kimura];

    /// Position in [`AcceptanceKind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The machine name (`"logistic"`, …): URL values, readout names, form values.
    pub const fn key(self) -> &'static str {
        match self {
            AcceptanceKind::Logistic => "logistic",
            AcceptanceKind::Metropolis => "metropolis",
            AcceptanceKind::Probit => "probit",
            AcceptanceKind::Kimura => "kimura",
        }
    }

    /// A readable name.
    pub const fn label(self) -> &'static str {
        match self {
            AcceptanceKind::Logistic => "logistic",
            AcceptanceKind::Metropolis => "Metropolis",
            AcceptanceKind::Probit => "probit",
            AcceptanceKind::Kimura => "Kimura",
        }
    }

    /// Its name in a menu, where it stands alone.
    pub const fn menu_label(self) -> &'static str {
        match self {
            AcceptanceKind::Logistic => "Logistic (Fermi)",
            AcceptanceKind::Metropolis => "Metropolis",
            AcceptanceKind::Probit => "Probit",
            AcceptanceKind::Kimura => "Kimura fixation",
        }
    }

    /// This rule at inverse temperature `beta` (logistic, Metropolis, probit) or
    /// population `population` (Kimura), as written: no matching between rules (for
    /// that, see [`super::learning_rate::matched`]).
    pub const fn with(self, beta: f64, population: f64) -> Acceptance {
        match self {
            AcceptanceKind::Logistic => Acceptance::Logistic { beta },
            AcceptanceKind::Metropolis => Acceptance::Metropolis { beta },
            AcceptanceKind::Probit => Acceptance::Probit { beta },
            AcceptanceKind::Kimura => Acceptance::Kimura { population },
        }
    }

    /// The rule at `index` of [`AcceptanceKind::ALL`] (a menu's value), the first if
    /// out of range.
    pub fn at(index: f64) -> Self {
        Self::ALL.get(index as usize).copied().unwrap_or_default()
    }
}

/// LOOP or KEEP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RuleKind {
    /// Draw candidates until one is accepted.
    #[default]
    Loop,
    /// One candidate per generation.
    Keep,
}

impl RuleKind {
    /// Both rules, LOOP first.
    pub const ALL: [RuleKind; 2] = [RuleKind::Loop, RuleKind::Keep];

    /// The machine name (`"loop"`, `"keep"`).
    pub const fn key(self) -> &'static str {
        match self {
            RuleKind::Loop => "loop",
            RuleKind::Keep => "keep",
        }
    }

    /// A readable name that says what the rule does.
    pub const fn label(self) -> &'static str {
        match self {
            RuleKind::Loop => "LOOP: retry until accepted",
            RuleKind::Keep => "KEEP: one candidate per generation",
        }
    }

    /// The rule at `index` of [`RuleKind::ALL`] (a menu's value), LOOP if out of range.
    pub fn at(index: f64) -> Self {
        Self::ALL.get(index as usize).copied().unwrap_or_default()
    }

    /// This rule as a step rule, LOOP giving up after `cap` candidates.
    pub const fn with_cap(self, cap: u64) -> StepRule {
        match self {
            RuleKind::Loop => StepRule::Loop { cap },
            RuleKind::Keep => StepRule::Keep,
        }
    }
}

/// The acceptance probability P_s(Δ) (spec §A's table). Every rule gives a finite
/// probability in [0, 1] for every finite Δ, including |Δ| = 1e300.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Acceptance {
    /// Fermi / Barker: 1/(1 + e^{−βΔ}).
    Logistic { beta: f64 },
    /// min(1, e^{βΔ}).
    Metropolis { beta: f64 },
    /// Φ(βΔ).
    Probit { beta: f64 },
    /// Kimura's diploid fixation probability with s = Δ and population N:
    /// (1 − e^{−2s})/(1 − e^{−4Ns}).
    Kimura { population: f64 },
}

impl Acceptance {
    /// Validates β ∈ (0, 1e6] or N ∈ [1, 1e6].
    pub fn validated(self) -> Result<Self, ParamError> {
        match self {
            Acceptance::Logistic { beta } | Acceptance::Metropolis { beta } | Acceptance::Probit { beta } => {
                check_positive("beta", beta, MAX_BETA).map(|_| self)
            }
            Acceptance::Kimura { population } => {
                check_range("population", population, 1.0, MAX_POPULATION).map(|_| self)
            }
        }
    }

    /// P_s(Δ) ∈ [0, 1]. A NaN Δ (which a valid problem never produces) is rejected: 0.
    pub fn probability(&self, delta: f64) -> f64 {
        let p = match *self {
            Acceptance::Logistic { beta } => 1.0 / (1.0 + exp(-beta * delta)),
            Acceptance::Metropolis { beta } => {
                if delta >= 0.0 {
                    1.0
                } else {
                    exp(beta * delta)
                }
            }
            Acceptance::Probit { beta } => normal_cdf(beta * delta),
            Acceptance::Kimura { population } => kimura(delta, population),
        };
        if p.is_nan() {
            0.0
        } else {
            p.clamp(0.0, 1.0)
        }
    }

    /// P_s(0).
    pub fn at_zero(&self) -> f64 {
        match *self {
            Acceptance::Logistic { .. } | Acceptance::Probit { .. } => 0.5,
            Acceptance::Metropolis { .. } => 1.0,
            Acceptance::Kimura { population } => 1.0 / (2.0 * population),
        }
    }

    /// P_s′(0); for Metropolis, whose slope has a kink at 0, the β/2 it acts like (§A).
    pub fn slope_at_zero(&self) -> f64 {
        match *self {
            Acceptance::Logistic { beta } => beta / 4.0,
            Acceptance::Metropolis { beta } => beta / 2.0,
            Acceptance::Probit { beta } => beta / SQRT_2PI,
            Acceptance::Kimura { population } => (2.0 * population - 1.0) / (2.0 * population),
        }
    }

    /// The β of the ratio P(Δ)/P(−Δ) = e^{βΔ} where the rule has one (Kimura: 4N − 2).
    pub fn ratio_beta(&self) -> Option<f64> {
        match *self {
            Acceptance::Logistic { beta } | Acceptance::Metropolis { beta } => Some(beta),
            Acceptance::Probit { .. } => None,
            Acceptance::Kimura { population } => Some(4.0 * population - 2.0),
        }
    }

    /// A readable name.
    pub fn name(&self) -> &'static str {
        match self {
            Acceptance::Logistic { .. } => "logistic",
            Acceptance::Metropolis { .. } => "Metropolis",
            Acceptance::Probit { .. } => "probit",
            Acceptance::Kimura { .. } => "Kimura",
        }
    }
}

/// Kimura's fixation probability u(s) = (1 − e^{−2s})/(1 − e^{−4Ns}), computed so that
/// nothing overflows (spec §A, "Numerics for Kimura").
fn kimura(s: f64, n: f64) -> f64 {
    // Near 0, u(s) = (1 + (2N − 1)s + O(s²))/(2N) rounds to 1/(2N); the ratio below would
    // instead divide subnormals (2s, 4Ns) and lose monotonicity in s.
    if s.abs() < 1e-100 {
        return 1.0 / (2.0 * n);
    }
    if s > 0.0 {
        expm1(-2.0 * s) / expm1(-4.0 * n * s)
    } else {
        let a = -s;
        exp(-(4.0 * n - 2.0) * a) * (expm1(-2.0 * a) / expm1(-4.0 * n * a))
    }
}

/// What to do with a rejected candidate (spec §A).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRule {
    /// Draw candidates until one is accepted (the post's "exactly one descendant"),
    /// giving up after `cap` candidates.
    Loop { cap: u64 },
    /// One candidate per generation; if it is rejected the parent stays.
    Keep,
}

impl Default for StepRule {
    fn default() -> Self {
        StepRule::Loop { cap: DEFAULT_LOOP_CAP }
    }
}

/// One step of the selection model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelectionStep<const N: usize> {
    /// The step taken: the accepted mutation, or zero if none was accepted.
    pub step: [f64; N],
    /// Candidates drawn (1 under KEEP).
    pub candidates: u64,
    /// Whether a candidate was accepted (under LOOP, false only when the cap was hit).
    pub accepted: bool,
    /// LOOP only: the cap was reached without an acceptance.
    pub capped: bool,
}

impl<const N: usize> SelectionStep<N> {
    /// Rejected ("ghost") candidates in this step.
    pub fn rejected(&self) -> u64 {
        self.candidates - u64::from(self.accepted)
    }
}

/// The selection model: a mutation, an acceptance rule and a step rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Selection {
    mutation: Mutation,
    acceptance: Acceptance,
    rule: StepRule,
}

impl Selection {
    /// Validates all three; the error names the bad parameter.
    pub fn new(mutation: Mutation, acceptance: Acceptance, rule: StepRule) -> Result<Self, ParamError> {
        if let StepRule::Loop { cap } = rule {
            check_count("loop_cap", cap, 1, MAX_LOOP_CAP)?;
        }
        Ok(Self { mutation: mutation.validated()?, acceptance: acceptance.validated()?, rule })
    }

    /// The mutation distribution.
    pub fn mutation(&self) -> Mutation {
        self.mutation
    }

    /// The acceptance rule.
    pub fn acceptance(&self) -> Acceptance {
        self.acceptance
    }

    /// LOOP or KEEP.
    pub fn rule(&self) -> StepRule {
        self.rule
    }

    /// Draws one candidate from `x` and decides whether it is accepted; returns (ε, accepted).
    pub fn candidate<const N: usize, F, R>(&self, f: &F, x: &[f64; N], fx: f64, rng: &mut R) -> ([f64; N], bool)
    where
        F: Objective<N>,
        R: Rng + ?Sized,
    {
        let eps: [f64; N] = self.mutation.sample(rng);
        let mut y = *x;
        for (yi, e) in y.iter_mut().zip(eps) {
            *yi += e;
        }
        let p = self.acceptance.probability(f.fitness(&y) - fx);
        let u: f64 = rng.random();
        (eps, u < p)
    }

    /// One step from `x` (not applied).
    pub fn step<const N: usize, F, R>(&self, f: &F, x: &[f64; N], rng: &mut R) -> SelectionStep<N>
    where
        F: Objective<N>,
        R: Rng + ?Sized,
    {
        let fx = f.fitness(x);
        let cap = match self.rule {
            StepRule::Loop { cap } => cap,
            StepRule::Keep => 1,
        };
        for candidates in 1..=cap {
            let (eps, accepted) = self.candidate(f, x, fx, rng);
            if accepted {
                return SelectionStep { step: eps, candidates, accepted: true, capped: false };
            }
        }
        SelectionStep {
            step: [0.0; N],
            candidates: cap,
            accepted: false,
            capped: matches!(self.rule, StepRule::Loop { .. }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kimura_limits() {
        let a = Acceptance::Kimura { population: 10.0 };
        assert!((a.probability(0.0) - 0.05).abs() < 1e-15);
        assert!((a.probability(1e-12) - 0.05).abs() < 1e-10);
        assert!((a.probability(-1e-12) - 0.05).abs() < 1e-10);
        assert!(a.probability(1e300) == 1.0);
        assert!(a.probability(-1e300) == 0.0);
    }

    #[test]
    fn extreme_deltas_stay_in_unit_interval() {
        for acc in [
            Acceptance::Logistic { beta: 1e6 },
            Acceptance::Metropolis { beta: 1e6 },
            Acceptance::Probit { beta: 1e6 },
            Acceptance::Kimura { population: 1e6 },
        ] {
            for d in [-1e300, -1.0, -1e-300, 0.0, 1e-300, 1.0, 1e300] {
                let p = acc.probability(d);
                assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{acc:?} at {d}: {p}");
            }
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        let g = Mutation::Gaussian { sigma: 0.05 };
        let l = Acceptance::Logistic { beta: 80.0 };
        assert_eq!(Selection::new(Mutation::Gaussian { sigma: -1.0 }, l, StepRule::Keep).unwrap_err().param, "sigma");
        assert_eq!(Selection::new(g, Acceptance::Logistic { beta: 1e300 }, StepRule::Keep).unwrap_err().param, "beta");
        assert_eq!(
            Selection::new(g, Acceptance::Kimura { population: 0.0 }, StepRule::Keep).unwrap_err().param,
            "population"
        );
        assert_eq!(Selection::new(g, l, StepRule::Loop { cap: 0 }).unwrap_err().param, "loop_cap");
        assert_eq!(
            Selection::new(Mutation::Ball { radius: f64::INFINITY }, l, StepRule::Keep).unwrap_err().param,
            "radius"
        );
    }
}
