//! Dimension: how selection's rate depends on the number of parameters n, on the
//! synthetic quadratic f(x) = g₀·x₁ − ½h|x|² measured at x = 0 (gradient g₀ along the
//! first axis, curvature h in every direction), with Gaussian mutation of per-coordinate
//! size s and logistic acceptance of fixed β, LOOP.
//!
//! Two ways to size the mutation as n grows:
//! - **per coordinate**: s = s₀ whatever n. The small-step rate k_loop = s²β/2 does not
//!   depend on n;
//! - **total**: E|ε|² = s₀² fixed, so s = s₀/√n and k_loop = s₀²β/(2n) falls as 1/n.
//!
//! Theory *(derived)*. With ε ~ N(0, s²Iₙ), Δ = g₀ε₁ − ½h|ε|². The curvature term has
//! mean c = ½hs²n and variance w² = h²s⁴n/2, and is uncorrelated with ε₁; taking it as
//! Gaussian (exact for h = 0, and accurate once n is more than a few), Δ ≈ rZ − c with
//! r² = g₀²s² + w², and ε₁ = (g₀s/r)·Z + (independent noise). So
//! A = E[P(β(rZ − c))], E[ε₁·P] = s·(g₀s/r)·E[Z·P(β(rZ − c))], and the mean accepted
//! step along the gradient is m = E[ε₁·P]/A; η_eff = m/g₀. At fixed per-coordinate size
//! the curvature penalty βc = βhs²n/2 grows with n: the small-step regime itself needs
//! βhs²n ≪ 1 — h·n is the trace of the Hessian.
//!
//! Measurement: candidates ε are drawn in all n dimensions. The acceptance rate is the
//! share of candidates accepted by their coin; the rate m uses the same candidates with
//! each one's acceptance probability P(βΔ) in place of its coin (the Rao–Blackwell
//! estimator, with E[ε₁] = 0 as a control variate: m̂ = mean(ε₁·(P − ½)) / mean(P)),
//! because the mean of a tiny drift under a large noise would otherwise need millions of
//! candidates at large n.

use crate::sim::maths::normal_expectation;
use crate::sim::normal::standard_normal;
use crate::sim::selection::Acceptance;
use crate::sim::{rng_for, SimRng};
use rand::RngExt;

/// The dimensions measured (the reader's n is added).
pub const GRID: [usize; 11] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];
/// The largest n.
pub const MAX_N: usize = 2000;

/// How the mutation is sized as n grows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sizing {
    /// s = s₀.
    PerCoordinate,
    /// s = s₀/√n.
    Total,
}

impl Sizing {
    /// Both, per coordinate first.
    pub const ALL: [Sizing; 2] = [Sizing::PerCoordinate, Sizing::Total];
}

/// The experiment's constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DimensionParams {
    /// The slope g₀.
    pub slope: f64,
    /// The curvature h.
    pub curvature: f64,
    /// s₀: the per-coordinate size, or the total size (at every n).
    pub size: f64,
    /// β of the logistic acceptance.
    pub beta: f64,
    /// Candidates per (sizing, n).
    pub candidates: u64,
}

impl Default for DimensionParams {
    fn default() -> Self {
        Self { slope: 1.0, curvature: 0.001, size: 0.1, beta: 10.0, candidates: 4000 }
    }
}

impl DimensionParams {
    /// The per-coordinate size s at dimension n.
    pub fn s(&self, sizing: Sizing, n: usize) -> f64 {
        match sizing {
            Sizing::PerCoordinate => self.size,
            Sizing::Total => self.size / (n.max(1) as f64).sqrt(),
        }
    }

    /// The small-step rate k_loop = s²β/2 at n.
    pub fn small_step_rate(&self, sizing: Sizing, n: usize) -> f64 {
        let s = self.s(sizing, n);
        s * s * self.beta / 2.0
    }

    /// Theory at n (see the module's doc).
    pub fn theory(&self, sizing: Sizing, n: usize) -> DimensionPoint {
        let s = self.s(sizing, n);
        let h = self.curvature;
        let c = 0.5 * h * s * s * n as f64;
        let w2 = h * h * s * s * s * s * n as f64 / 2.0;
        let r = curved_response(&Acceptance::Logistic { beta: self.beta }, s, self.slope, c, w2);
        point_of(n, r.acceptance, r.mean_y / r.acceptance.max(f64::MIN_POSITIVE), self.slope)
    }
}

/// Selection's response to a mutation ε ~ N(0, s²I) when Δ ≈ |g|·y − c + w·Z′: the
/// gradient's term plus a curvature term of mean −c and variance w², taken as Gaussian
/// and independent of y = ε·ĝ (see the module's doc).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvedResponse {
    /// A = E[P(Δ)].
    pub acceptance: f64,
    /// E[y·P(Δ)].
    pub mean_y: f64,
    /// E[y²·P(Δ)].
    pub mean_y2: f64,
}

/// The response by quadrature: with a = |g|s and r² = a² + w², Δ ≈ rZ − c and
/// y = s·((a/r)Z + (w/r)Z″), so E[yP] = s(a/r)E[Z·P] and E[y²P] = s²((a/r)²E[Z²P] + (w/r)²A).
pub fn curved_response(acceptance: &Acceptance, s: f64, slope: f64, c: f64, w2: f64) -> CurvedResponse {
    let a = slope * s;
    let r = (a * a + w2).sqrt();
    let p = |z: f64| acceptance.probability(r * z - c);
    let big_a = normal_expectation(p);
    if r <= 0.0 {
        return CurvedResponse { acceptance: big_a, mean_y: 0.0, mean_y2: s * s * big_a };
    }
    let (u, v) = (a / r, w2 / (r * r));
    CurvedResponse {
        acceptance: big_a,
        mean_y: s * u * normal_expectation(|z| z * p(z)),
        mean_y2: s * s * (u * u * normal_expectation(|z| z * z * p(z)) + v * big_a),
    }
}

/// Acceptance and rate at one n.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DimensionPoint {
    /// The dimension.
    pub n: usize,
    /// Acceptance rate A of one candidate.
    pub acceptance: f64,
    /// Mean accepted step along the gradient, m.
    pub mean_step: f64,
    /// η_eff = m/g₀.
    pub rate: f64,
    /// LOOP candidates per unit of progress along the gradient, 1/(A·m).
    pub candidates_per_progress: f64,
}

fn point_of(n: usize, acceptance: f64, mean_step: f64, slope: f64) -> DimensionPoint {
    let cpp = if acceptance > 0.0 && mean_step > 0.0 { 1.0 / (acceptance * mean_step) } else { f64::INFINITY };
    DimensionPoint { n, acceptance, mean_step, rate: mean_step / slope, candidates_per_progress: cpp }
}

/// One measured point: sums over candidates.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
struct Sums {
    candidates: u64,
    accepted: u64,
    p: f64,
    yq: f64,
    yq2: f64,
}

/// A measured point with its standard errors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// The point.
    pub point: DimensionPoint,
    /// Standard error of the acceptance rate.
    pub acceptance_se: f64,
    /// Standard error of the rate η_eff.
    pub rate_se: f64,
    /// Candidates drawn.
    pub candidates: u64,
}

/// The experiment: every (sizing, n) of the grid, measured in turn.
pub struct DimensionExperiment {
    params: DimensionParams,
    dims: Vec<usize>,
    sums: Vec<[Sums; 2]>,
    rng: SimRng,
    cursor: usize,
    eps: Vec<f64>,
}

impl DimensionExperiment {
    /// The grid and `extra` (the reader's n, clamped to 1..=MAX_N), from `seed` (stream 2).
    pub fn new(params: DimensionParams, extra: usize, seed: u64) -> Self {
        let mut dims: Vec<usize> = GRID.to_vec();
        dims.push(extra.clamp(1, MAX_N));
        dims.sort_unstable();
        dims.dedup();
        let sums = vec![[Sums::default(); 2]; dims.len()];
        Self { params, dims, sums, rng: rng_for(seed, 2), cursor: 0, eps: Vec::new() }
    }

    /// The constants.
    pub fn params(&self) -> &DimensionParams {
        &self.params
    }

    /// The dimensions.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Draws candidates until about `work` coordinates are drawn (at least one
    /// candidate), moving through the grid; false once everything is measured.
    pub fn advance(&mut self, work: u64) -> bool {
        let mut spent = 0;
        while spent < work.max(1) {
            let slots = self.dims.len() * 2;
            if self.cursor >= slots {
                return false;
            }
            let (i, k) = (self.cursor / 2, self.cursor % 2);
            if self.sums[i][k].candidates >= self.params.candidates {
                self.cursor += 1;
                continue;
            }
            let n = self.dims[i];
            self.candidate(i, k);
            spent += n as u64;
        }
        self.cursor < self.dims.len() * 2
    }

    fn candidate(&mut self, i: usize, k: usize) {
        let n = self.dims[i];
        let p = &self.params;
        let s = p.s(Sizing::ALL[k], n);
        self.eps.clear();
        let mut norm2 = 0.0;
        for _ in 0..n {
            let e = s * standard_normal(&mut self.rng);
            norm2 += e * e;
            self.eps.push(e);
        }
        let y = self.eps[0];
        let delta = p.slope * y - 0.5 * p.curvature * norm2;
        let prob = Acceptance::Logistic { beta: p.beta }.probability(delta);
        let u: f64 = self.rng.random();
        let q = y * (prob - 0.5);
        let t = &mut self.sums[i][k];
        t.candidates += 1;
        t.accepted += u64::from(u < prob);
        t.p += prob;
        t.yq += q;
        t.yq2 += q * q;
    }

    /// Share of the work done, in [0, 1].
    pub fn progress(&self) -> f64 {
        let total: f64 = self.dims.iter().map(|&n| 2.0 * n as f64 * self.params.candidates as f64).sum();
        let done: f64 =
            self.dims.iter().zip(&self.sums).map(|(&n, s)| n as f64 * (s[0].candidates + s[1].candidates) as f64).sum();
        done / total
    }

    /// The measurement at grid index `i` for `sizing`, once it has 100 candidates.
    pub fn measured(&self, i: usize, sizing: Sizing) -> Option<Measured> {
        let t = self.sums.get(i)?[sizing as usize];
        if t.candidates < 100 {
            return None;
        }
        let k = t.candidates as f64;
        let a_coin = t.accepted as f64 / k;
        let a_rb = t.p / k;
        let m = (t.yq / k) / a_rb;
        let var_q = (t.yq2 / k - (t.yq / k) * (t.yq / k)).max(0.0);
        let m_se = (var_q / k).sqrt() / a_rb;
        let slope = self.params.slope;
        Some(Measured {
            point: point_of(self.dims[i], a_coin, m, slope),
            acceptance_se: (a_coin * (1.0 - a_coin) / k).sqrt().max(0.5 / k),
            rate_se: m_se / slope,
            candidates: t.candidates,
        })
    }
}
