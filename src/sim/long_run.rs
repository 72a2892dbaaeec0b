//! The long run of selection (§D): one chain in one dimension.
//!
//! - KEEP's visited states follow the Gibbs law ∝ e^{βf} for every acceptance rule whose
//!   forward/reverse ratio P(Δ)/P(−Δ) is e^{βΔ}, as Langevin dynamics does (detailed
//!   balance, appendix A7).
//! - LOOP is KEEP with the rejections skipped: the chain of states KEEP moves through.
//!   A chain that stays put at x with probability 1 − A(x) has a jump chain whose
//!   stationary law is its own times A(x), so LOOP's law is ∝ A(x)·e^{βf(x)}, with
//!   A(x) = E_ε[P_s(f(x + ε) − f(x))] the acceptance rate from x. It is Gibbs only where
//!   A is flat. Logistic's A is ½ on any linear f, so with small mutations its LOOP law
//!   is nearly Gibbs; Metropolis's A falls with the slope (a narrower law) and Kimura's
//!   rises (a wider one). Large mutations widen every LOOP law: at a peak every
//!   candidate goes downhill, so A dips there.
//!
//! The rules are matched as in [`super::learning_rate::matched`]; the chain is seeded, so
//! a seed and parameters give the same histogram however the work is split.

use super::error::{check_positive, ParamError};
use super::learning_rate::matched;
use super::maths::{exp, integrate, normal_pdf};
use super::problem::Objective;
use super::selection::Acceptance;
use super::selection::AcceptanceKind;
use super::selection::RuleKind;
use super::selection::{Mutation, Selection, MAX_BETA, MAX_MUTATION};
use super::stats::RunningMean;
use super::{rng_for, SimRng};

/// Whether the matched rule's forward/reverse ratio is exactly P(Δ)/P(−Δ) = e^{βΔ}, so
/// that KEEP's long-run law is exactly ∝ e^{βf} (§D). Probit's is only to first order
/// in Δ.
pub fn has_exponential_odds(kind: AcceptanceKind) -> bool {
    !matches!(kind, AcceptanceKind::Probit)
}

/// A 1-D landscape for the KEEP chain. Both have maximum f = 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Landscape {
    /// f(x) = −x²/2: the Gibbs law is N(0, 1/β).
    #[default]
    Quadratic,
    /// f(x) = −(x² − 1)²/32: two peaks at ±1 and a valley of depth 1/32 between.
    DoubleWell,
}

impl Landscape {
    /// f(x).
    pub fn f(&self, x: f64) -> f64 {
        match self {
            Landscape::Quadratic => -0.5 * x * x,
            Landscape::DoubleWell => {
                let d = x * x - 1.0;
                -d * d / 32.0
            }
        }
    }

    /// Every y with f(y) = f(x): where a candidate's fitness crosses its parent's.
    pub fn level_set(&self, x: f64) -> Vec<f64> {
        match self {
            Landscape::Quadratic => vec![x, -x],
            // (y² − 1)² = (x² − 1)²: y² = x², or y² = 2 − x².
            Landscape::DoubleWell => {
                let mut ys = vec![x, -x];
                let other = 2.0 - x * x;
                if other >= 0.0 {
                    ys.extend([other.sqrt(), -other.sqrt()]);
                }
                ys
            }
        }
    }

    /// Both landscapes, the quadratic first.
    pub const ALL: [Landscape; 2] = [Landscape::Quadratic, Landscape::DoubleWell];

    /// The machine name.
    pub const fn key(self) -> &'static str {
        match self {
            Landscape::Quadratic => "quadratic",
            Landscape::DoubleWell => "double-well",
        }
    }

    /// A readable name.
    pub const fn label(self) -> &'static str {
        match self {
            Landscape::Quadratic => "f = −x²/2",
            Landscape::DoubleWell => "double peak f = −(x² − 1)²/32",
        }
    }

    /// The landscape for a machine name.
    pub fn from_key(key: &str) -> Option<Landscape> {
        Landscape::ALL.into_iter().find(|l| l.key() == key)
    }

    /// Where the chain starts: a peak.
    pub fn start(&self) -> f64 {
        match self {
            Landscape::Quadratic => 0.0,
            Landscape::DoubleWell => 1.0,
        }
    }

    /// The x > 0 where β·f(x) = −`depth` (f is even, decreasing in |x| beyond its peaks).
    pub fn reach(&self, beta: f64, depth: f64) -> f64 {
        let (mut lo, mut hi) = (self.start(), self.start() + 1.0);
        while beta * self.f(hi) > -depth && hi < 1e6 {
            hi *= 2.0;
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if beta * self.f(mid) > -depth {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

impl Objective<1> for Landscape {
    fn fitness(&self, x: &[f64; 1]) -> f64 {
        self.f(x[0])
    }

    fn fitness_gradient(&self, x: &[f64; 1]) -> [f64; 1] {
        let x = x[0];
        match self {
            Landscape::Quadratic => [-x],
            Landscape::DoubleWell => [-(x * x - 1.0) * x / 8.0],
        }
    }
}

/// A(x): the chance that a Gaussian candidate from `x` is accepted, by quadrature split
/// where the candidate's fitness crosses the parent's (the acceptance rule's kinks), so
/// each piece is smooth and converges fast.
pub fn acceptance_rate_from(f: Landscape, acceptance: &Acceptance, sigma: f64, x: f64) -> f64 {
    const RANGE: f64 = 12.0;
    let fx = f.f(x);
    let mut cuts: Vec<f64> = f.level_set(x).into_iter().map(|y| (y - x) / sigma).filter(|z| z.abs() < RANGE).collect();
    cuts.extend([-RANGE, 0.0, RANGE]);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let g = |z: f64| acceptance.probability(f.f(x + sigma * z) - fx) * normal_pdf(z);
    cuts.windows(2).map(|w| integrate(g, w[0], w[1], 1e-12)).sum()
}

/// The Gibbs law ∝ e^{βf} on a grid, normalised numerically (trapezoid rule, which is
/// spectrally accurate for these smooth, rapidly decaying densities).
#[derive(Clone, Debug, PartialEq)]
pub struct Gibbs {
    lo: f64,
    hi: f64,
    pdf: Vec<f64>,
    cdf: Vec<f64>,
    mean: f64,
    variance: f64,
}

/// Grid intervals of [`Gibbs`].
const GIBBS_INTERVALS: usize = 4000;
/// Intervals of the grid a [`Gibbs::weighted`] weight is evaluated on.
pub const WEIGHT_POINTS: usize = 200;

impl Gibbs {
    /// The law ∝ e^{β f} of `landscape` over the range where βf > −40 (the mass left out
    /// is below e^{−40} relative to the peak).
    pub fn new(landscape: Landscape, beta: f64) -> Self {
        Self::weighted(landscape, beta, |_| 1.0)
    }

    /// The law ∝ weight(x)·e^{βf(x)} (LOOP's, with the acceptance rate as the weight),
    /// over the Gibbs law's range; `weight` is evaluated at [`WEIGHT_POINTS`] points and
    /// interpolated linearly between them (it is smooth, and costly).
    pub fn weighted(landscape: Landscape, beta: f64, weight: impl Fn(f64) -> f64) -> Self {
        let hi = landscape.reach(beta, 40.0);
        let lo = -hi;
        let h = (hi - lo) / GIBBS_INTERVALS as f64;
        let xs: Vec<f64> = (0..=GIBBS_INTERVALS).map(|i| lo + i as f64 * h).collect();
        let coarse: Vec<f64> =
            (0..=WEIGHT_POINTS).map(|j| weight(lo + (hi - lo) * j as f64 / WEIGHT_POINTS as f64)).collect();
        let weight_at = |i: usize| {
            let t = i as f64 * WEIGHT_POINTS as f64 / GIBBS_INTERVALS as f64;
            let j = (t.floor() as usize).min(WEIGHT_POINTS - 1);
            let f = t - j as f64;
            coarse[j] * (1.0 - f) + coarse[j + 1] * f
        };
        let w: Vec<f64> = xs.iter().enumerate().map(|(i, &x)| weight_at(i) * exp(beta * landscape.f(x))).collect();
        let trap = |v: &dyn Fn(usize) -> f64| -> f64 {
            let n = GIBBS_INTERVALS;
            h * ((1..n).map(v).sum::<f64>() + 0.5 * (v(0) + v(n)))
        };
        let z = trap(&|i| w[i]);
        let pdf: Vec<f64> = w.iter().map(|w| w / z).collect();
        let mean = trap(&|i| xs[i] * pdf[i]);
        let variance = trap(&|i| (xs[i] - mean) * (xs[i] - mean) * pdf[i]);
        let mut cdf = Vec::with_capacity(pdf.len());
        let mut acc = 0.0;
        cdf.push(0.0);
        for i in 1..pdf.len() {
            acc += 0.5 * h * (pdf[i - 1] + pdf[i]);
            cdf.push(acc);
        }
        let total = acc;
        if total > 0.0 {
            for c in cdf.iter_mut() {
                *c /= total;
            }
        }
        Self { lo, hi, pdf, cdf, mean, variance }
    }

    fn interp(&self, v: &[f64], x: f64, below: f64, above: f64) -> f64 {
        if x <= self.lo {
            return below;
        }
        if x >= self.hi {
            return above;
        }
        let t = (x - self.lo) / (self.hi - self.lo) * GIBBS_INTERVALS as f64;
        let i = (t.floor() as usize).min(GIBBS_INTERVALS - 1);
        let f = t - i as f64;
        v[i] * (1.0 - f) + v[i + 1] * f
    }

    /// The density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        self.interp(&self.pdf, x, 0.0, 0.0)
    }

    /// The density at `n + 1` evenly spaced points of [lo, hi], as (x, density).
    pub fn curve(&self, (lo, hi): (f64, f64), n: usize) -> Vec<(f64, f64)> {
        (0..=n).map(|i| lo + (hi - lo) * i as f64 / n as f64).map(|x| (x, self.pdf(x))).collect()
    }

    /// The distribution function at x.
    pub fn cdf(&self, x: f64) -> f64 {
        self.interp(&self.cdf, x, 0.0, 1.0)
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The variance.
    pub fn variance(&self) -> f64 {
        self.variance
    }
}

/// Batch means for the standard error of a time average of a correlated series: keeps
/// between `MAX_BATCHES/2` and `MAX_BATCHES` complete batches, doubling the batch length
/// (by merging neighbours) whenever they fill, so batches outgrow any correlation time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchMeans {
    size: u64,
    batches: Vec<f64>,
    sum: f64,
    count: u64,
}

const MAX_BATCHES: usize = 64;

impl BatchMeans {
    /// Empty, with batches of one sample to begin with.
    pub fn new() -> Self {
        Self { size: 1, batches: Vec::with_capacity(MAX_BATCHES), sum: 0.0, count: 0 }
    }

    /// Adds one value of the series.
    pub fn push(&mut self, v: f64) {
        self.sum += v;
        self.count += 1;
        if self.count == self.size {
            self.batches.push(self.sum / self.size as f64);
            self.sum = 0.0;
            self.count = 0;
            if self.batches.len() == MAX_BATCHES {
                self.batches = self.batches.chunks(2).map(|p| 0.5 * (p[0] + p[1])).collect();
                self.size *= 2;
            }
        }
    }

    /// Complete batches.
    pub fn batches(&self) -> usize {
        self.batches.len()
    }

    /// The standard error of the mean from the spread of the batch means; `None` before
    /// 16 batches.
    pub fn standard_error(&self) -> Option<f64> {
        let k = self.batches.len();
        if k < 16 {
            return None;
        }
        let m = self.batches.iter().sum::<f64>() / k as f64;
        let var = self.batches.iter().map(|b| (b - m) * (b - m)).sum::<f64>() / (k - 1) as f64;
        Some((var / k as f64).sqrt())
    }
}

/// Parameters of the long-run chain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChainParams {
    /// The landscape f.
    pub landscape: Landscape,
    /// The acceptance rule (matched, §A.1.2).
    pub rule: AcceptanceKind,
    /// β.
    pub beta: f64,
    /// Mutation size s.
    pub sigma: f64,
    /// The seed.
    pub seed: u64,
    /// KEEP (a generation may stay put) or LOOP (every generation moves).
    pub steps: RuleKind,
}

impl Default for ChainParams {
    fn default() -> Self {
        Self {
            landscape: Landscape::Quadratic,
            rule: AcceptanceKind::Logistic,
            beta: 80.0,
            sigma: 0.05,
            seed: 1,
            steps: RuleKind::Keep,
        }
    }
}

/// The most candidates a LOOP generation of the chain draws before it gives up (counted
/// in [`LongRunChain::capped`]): a bound on the work of one generation.
pub const CHAIN_LOOP_CAP: u64 = 20_000;

/// Bins of the chain's fine histogram (the figure draws coarser bars from it).
pub const FINE_BINS: usize = 600;

/// One selection chain in one dimension, KEEP or LOOP, with its histogram and moments
/// (§D), measured against its own long-run law.
#[derive(Clone, Debug)]
pub struct LongRunChain {
    params: ChainParams,
    selection: Selection,
    x: f64,
    rng: SimRng,
    steps: u64,
    accepted: u64,
    candidates: u64,
    capped: u64,
    moments: RunningMean,
    deviations: RunningMean,
    squares: BatchMeans,
    range: (f64, f64),
    counts: Vec<u64>,
    below: u64,
    above: u64,
    gibbs: Gibbs,
    /// The law it should reach: the Gibbs law for KEEP, A(x)·e^{βf} for LOOP.
    law: Gibbs,
}

impl LongRunChain {
    /// A chain at the landscape's peak, and the law it should reach.
    pub fn new(params: ChainParams) -> Result<Self, ParamError> {
        check_positive("beta", params.beta, MAX_BETA)?;
        check_positive("sigma", params.sigma, MAX_MUTATION)?;
        let acceptance = matched(params.rule, params.beta);
        let steps = params.steps.with_cap(CHAIN_LOOP_CAP);
        let selection = Selection::new(Mutation::Gaussian { sigma: params.sigma }, acceptance, steps)?;
        let gibbs = Gibbs::new(params.landscape, params.beta);
        let law = match params.steps {
            RuleKind::Keep => gibbs.clone(),
            RuleKind::Loop => {
                let (f, sigma) = (params.landscape, params.sigma);
                Gibbs::weighted(f, params.beta, |x| acceptance_rate_from(f, &acceptance, sigma, x))
            }
        };
        let reach = params.landscape.reach(params.beta, 12.0);
        Ok(Self {
            params,
            selection,
            x: params.landscape.start(),
            rng: rng_for(params.seed, 7),
            steps: 0,
            accepted: 0,
            candidates: 0,
            capped: 0,
            moments: RunningMean::new(),
            deviations: RunningMean::new(),
            squares: BatchMeans::new(),
            range: (-reach, reach),
            counts: vec![0; FINE_BINS],
            below: 0,
            above: 0,
            gibbs,
            law,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    /// Runs `n` generations.
    pub fn advance(&mut self, n: u64) {
        self.advance_within(n, u64::MAX);
    }

    /// Runs up to `n` generations, stopping early once `candidates` have been drawn (a
    /// LOOP generation may draw many); returns the generations run.
    pub fn advance_within(&mut self, n: u64, candidates: u64) -> u64 {
        let (lo, hi) = self.range;
        let width = (hi - lo) / FINE_BINS as f64;
        let mean = self.law.mean();
        let mut drawn = 0;
        for done in 0..n {
            if drawn >= candidates {
                return done;
            }
            let s = self.selection.step(&self.params.landscape, &[self.x], &mut self.rng);
            drawn += s.candidates;
            self.candidates += s.candidates;
            self.capped += u64::from(s.capped);
            if s.accepted {
                self.x += s.step[0];
                self.accepted += 1;
            }
            self.steps += 1;
            let x = self.x;
            self.moments.push(x);
            self.deviations.push((x - mean) * (x - mean));
            self.squares.push((x - mean) * (x - mean));
            if x < lo {
                self.below += 1;
            } else if x >= hi {
                self.above += 1;
            } else {
                let i = ((x - lo) / width) as usize;
                self.counts[i.min(FINE_BINS - 1)] += 1;
            }
        }
        n
    }

    /// LOOP generations that hit [`CHAIN_LOOP_CAP`] without an acceptance.
    pub fn capped(&self) -> u64 {
        self.capped
    }

    /// Generations so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The current state.
    pub fn x(&self) -> f64 {
        self.x
    }

    /// Fraction of candidates accepted.
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.candidates > 0).then(|| self.accepted as f64 / self.candidates as f64)
    }

    /// The Gibbs law ∝ e^{βf}.
    pub fn gibbs(&self) -> &Gibbs {
        &self.gibbs
    }

    /// The law the chain should reach: [`Self::gibbs`] for KEEP, ∝ A(x)·e^{βf} for LOOP.
    pub fn law(&self) -> &Gibbs {
        &self.law
    }

    /// The histogram's range.
    pub fn range(&self) -> (f64, f64) {
        self.range
    }

    /// Visits per fine bin over [`LongRunChain::range`].
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The histogram of visited states in `bars` equal bars over [`LongRunChain::range`], as
    /// (left edge, right edge, density): the share of generations in the bar over its
    /// width, to set against the Gibbs density. Empty bars are left out; `bars` should
    /// divide [`FINE_BINS`].
    pub fn histogram(&self, bars: usize) -> Vec<(f64, f64, f64)> {
        let per = (FINE_BINS / bars.clamp(1, FINE_BINS)).max(1);
        let (lo, hi) = self.range;
        let width = (hi - lo) * per as f64 / FINE_BINS as f64;
        let n = self.steps.max(1) as f64;
        self.counts
            .chunks(per)
            .enumerate()
            .filter_map(|(i, c)| {
                let count: u64 = c.iter().sum();
                let x0 = lo + i as f64 * width;
                (count > 0).then(|| (x0, x0 + width, count as f64 / (n * width)))
            })
            .collect()
    }

    /// The mean of the visited states.
    pub fn mean(&self) -> Option<f64> {
        self.moments.mean()
    }

    /// The variance of the visited states, as their mean squared deviation from the
    /// law's mean μ (known: 0 for both landscapes). Measuring about μ rather than the
    /// sample mean keeps the slow hopping between a double well's peaks, which moves
    /// the sample mean, from biasing the variance beyond its standard error.
    pub fn variance(&self) -> Option<f64> {
        (self.deviations.count() > 1).then(|| self.deviations.mean()).flatten()
    }

    /// The sample variance over its law's.
    pub fn variance_ratio(&self) -> Option<f64> {
        Some(self.variance()? / self.law.variance())
    }

    /// The standard error of [`LongRunChain::variance_ratio`], by batch means of (x − μ)².
    pub fn variance_ratio_se(&self) -> Option<f64> {
        Some(self.squares.standard_error()? / self.law.variance())
    }

    /// (ratio − 1)/SE.
    pub fn variance_z(&self) -> Option<f64> {
        let (ratio, se) = (self.variance_ratio()?, self.variance_ratio_se()?);
        (se > 0.0).then(|| (ratio - 1.0) / se)
    }

    /// The Kolmogorov–Smirnov distance between the visited states and the chain's law,
    /// at the fine bins' edges.
    pub fn ks(&self) -> Option<f64> {
        if self.steps == 0 {
            return None;
        }
        let n = self.steps as f64;
        let (lo, hi) = self.range;
        let width = (hi - lo) / FINE_BINS as f64;
        let mut seen = self.below;
        let mut d = (seen as f64 / n - self.law.cdf(lo)).abs();
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            let edge = lo + (i + 1) as f64 * width;
            d = d.max((seen as f64 / n - self.law.cdf(edge)).abs());
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::super::maths::{normal_cdf, SQRT_2PI, Z_999};
    use super::*;

    #[test]
    fn rejects_bad_parameters() {
        let k = LongRunChain::new(ChainParams { sigma: 100.0, ..ChainParams::default() });
        assert_eq!(k.unwrap_err().param, "sigma");
        let k = LongRunChain::new(ChainParams { beta: f64::NAN, ..ChainParams::default() });
        assert_eq!(k.unwrap_err().param, "beta");
    }

    #[test]
    fn gibbs_is_normalised_and_has_the_quadratic_variance() {
        for beta in [2.0, 80.0, 1000.0] {
            let g = Gibbs::new(Landscape::Quadratic, beta);
            assert!((g.variance() * beta - 1.0).abs() < 1e-9, "β = {beta}: var {}", g.variance());
            assert!(g.mean().abs() < 1e-12);
            assert!((g.cdf(0.0) - 0.5).abs() < 1e-9);
            let sd = 1.0 / beta.sqrt();
            assert!((g.cdf(sd) - normal_cdf(1.0)).abs() < 1e-6);
            assert!((g.pdf(0.0) - beta.sqrt() / SQRT_2PI).abs() < 1e-6 * beta.sqrt());
        }
        let w = Gibbs::new(Landscape::DoubleWell, 80.0);
        assert!(w.mean().abs() < 1e-9);
        assert!((w.cdf(0.0) - 0.5).abs() < 1e-9);
        assert!(w.pdf(1.0) > w.pdf(0.0) * 10.0, "two peaks at ±1");
    }

    #[test]
    fn the_histogram_is_a_density() {
        let mut c = LongRunChain::new(ChainParams::default()).unwrap();
        c.advance(100_000);
        let h = c.histogram(60);
        let mass: f64 = h.iter().map(|(a, b, d)| (b - a) * d).sum();
        assert!((mass - 1.0).abs() < 1e-3, "mass {mass}");
        let g = c.gibbs().curve(c.range(), 10);
        assert_eq!(g.len(), 11);
        assert!(g[5].1 > g[0].1 && (g[5].0).abs() < 1e-12);
    }

    #[test]
    fn batch_means_matches_iid_standard_error() {
        use crate::sim::normal::standard_normal;
        let mut rng = rng_for(3, 0);
        let mut b = BatchMeans::new();
        let n = 200_000;
        for _ in 0..n {
            let z = standard_normal(&mut rng);
            b.push(z);
        }
        let se = b.standard_error().unwrap();
        let want = 1.0 / (n as f64).sqrt();
        // 32..64 batches: the SE estimate itself is good to about ±40 % at 99.9 %.
        assert!(b.batches() >= 32 && (se / want - 1.0).abs() < 0.45, "se {se} vs {want}, {} batches", b.batches());
    }

    #[test]
    fn keep_chains_with_exponential_odds_reach_the_gibbs_law() {
        for (rule, landscape, sigma) in [
            (AcceptanceKind::Logistic, Landscape::Quadratic, 0.05),
            (AcceptanceKind::Metropolis, Landscape::Quadratic, 0.05),
            (AcceptanceKind::Kimura, Landscape::Quadratic, 0.1),
            (AcceptanceKind::Logistic, Landscape::DoubleWell, 0.2),
        ] {
            let mut c = LongRunChain::new(ChainParams { rule, landscape, sigma, ..ChainParams::default() }).unwrap();
            c.advance(1_000_000);
            let (ratio, se) = (c.variance_ratio().unwrap(), c.variance_ratio_se().unwrap());
            let z = (ratio - 1.0) / se;
            assert!(z.abs() < Z_999, "{rule:?} {landscape:?}: Var ratio {ratio:.4} ± {se:.4}, z = {z:.2}");
            assert!(se < 0.05, "{rule:?} {landscape:?}: SE {se} too large to mean anything");
            assert!(c.ks().unwrap() < 0.01, "{rule:?} {landscape:?}: KS {}", c.ks().unwrap());
            let total: u64 = c.counts().iter().sum::<u64>();
            assert!(total as f64 > 0.999 * c.steps() as f64);
        }
    }

    #[test]
    fn probit_odds_are_not_exponential_so_its_keep_law_is_not_gibbs() {
        // Φ(β′Δ)/Φ(−β′Δ) = e^{βΔ + O(Δ³)}: the chain settles narrower than e^{βf}.
        let mut c =
            LongRunChain::new(ChainParams { rule: AcceptanceKind::Probit, sigma: 0.2, ..ChainParams::default() })
                .unwrap();
        c.advance(1_000_000);
        let z = c.variance_z().unwrap();
        assert!(
            z < -Z_999,
            "probit's variance ratio {} should be clearly below 1 (z = {z:.1})",
            c.variance_ratio().unwrap()
        );
        assert!(!has_exponential_odds(AcceptanceKind::Probit) && has_exponential_odds(AcceptanceKind::Kimura));
    }

    #[test]
    fn loop_chains_reach_their_own_law_not_gibbs() {
        // LOOP's law ∝ A(x)·e^{βf}. With small mutations Metropolis's acceptance rate
        // falls with the slope (a narrower law than Gibbs: −7 % in variance at s = 0.05),
        // Kimura's rises (wider: +11 % at s = 0.1), logistic's stays near ½ (within 0.1 %
        // at s = 0.02). The chain must land on its own law (|z| < 3.29, KS < 0.01) and, for
        // Metropolis and Kimura, measurably off Gibbs.
        for (rule, sigma, side) in [
            (AcceptanceKind::Metropolis, 0.05, -1.0),
            (AcceptanceKind::Kimura, 0.1, 1.0),
            (AcceptanceKind::Logistic, 0.02, 0.0),
        ] {
            let params = ChainParams { rule, sigma, steps: RuleKind::Loop, ..ChainParams::default() };
            let mut c = LongRunChain::new(params).unwrap();
            c.advance(1_000_000);
            let (ratio, se) = (c.variance_ratio().unwrap(), c.variance_ratio_se().unwrap());
            let z = (ratio - 1.0) / se;
            assert!(z.abs() < Z_999, "{rule:?}: Var / LOOP law {ratio:.4} ± {se:.4}, z = {z:.2}");
            assert!(c.ks().unwrap() < 0.01, "{rule:?}: KS {}", c.ks().unwrap());
            let off_gibbs = c.law().variance() / c.gibbs().variance() - 1.0;
            if side == 0.0 {
                assert!(off_gibbs.abs() < 0.002, "{rule:?}: LOOP law / Gibbs variance − 1 = {off_gibbs}");
            } else {
                assert!(off_gibbs * side > 0.03, "{rule:?}: LOOP law / Gibbs variance − 1 = {off_gibbs}");
                // And the measurement tells them apart: Gibbs is outside the 99.9 % bound.
                let z_gibbs = (c.variance().unwrap() / c.gibbs().variance() - 1.0)
                    / (se * c.law().variance() / c.gibbs().variance());
                assert!(z_gibbs.abs() > Z_999, "{rule:?}: Gibbs not rejected, z = {z_gibbs:.2}");
            }
        }
    }
}

#[cfg(test)]
mod acceptance_rate_tests {
    use super::*;

    /// The trapezoid rule on 240,000 intervals of [−12, 12]: slow and plain, accurate to
    /// about 1e-9 even across the kinks.
    fn trapezoid(g: impl Fn(f64) -> f64) -> f64 {
        let n = 240_000;
        let h = 24.0 / n as f64;
        (0..=n).map(|i| g(-12.0 + i as f64 * h) * if i == 0 || i == n { 0.5 } else { 1.0 }).sum::<f64>() * h
    }

    #[test]
    fn split_quadrature_agrees_with_the_plain_one_and_is_exact_where_known() {
        // Metropolis at the quadratic's peak: every candidate goes down by ε²/2, so
        // A(0) = E[exp(−βs²z²/2)] = 1/√(1 + βs²).
        let (beta, sigma) = (80.0, 0.05);
        let acc = Acceptance::Metropolis { beta };
        let a0 = acceptance_rate_from(Landscape::Quadratic, &acc, sigma, 0.0);
        assert!((a0 - 1.0 / (1.0 + beta * sigma * sigma).sqrt()).abs() < 1e-10, "{a0}");
        for landscape in Landscape::ALL {
            for x in [-1.3, -0.2, 0.05, 0.7, 1.0, 1.5] {
                let f = landscape;
                let plain = trapezoid(|z| acc.probability(f.f(x + sigma * z) - f.f(x)) * normal_pdf(z));
                let split = acceptance_rate_from(f, &acc, sigma, x);
                assert!((plain - split).abs() < 1e-7, "{f:?} at {x}: {plain} vs {split}");
            }
        }
    }
}
