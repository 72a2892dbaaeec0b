//! Selection judged by a sampled environment: Sourbut's answer to the reply, modelled.
//!
//! The answer: the acceptance probability already plays the role of SGD's sampling noise,
//! and an explicit data distribution — environments — would collapse into it. To test
//! that, the selection model can judge each generation's candidates by a freshly drawn
//! environment instead of the true f: the negated loss of a mini-batch of B examples,
//! drawn once per generation, the same batch size as SGD's,
//!
//! f_e(θ) = −(L(θ) + ξ̄·(a, b) + c_u·ζ₁·u + c_v·ζ₂·v),
//!
//! with ζ and ξ̄ the batch means of z and ξ (§B). Its gradient
//! g_e = −(h_a·a + ξ̄_a, h_b·b + ξ̄_b, c_u·ζ₁, c_v·ζ₂) has a hidden part that points
//! along the data's direction, so the accepted steps do pick up the data's correlation —
//! but only through the one direction the acceptance sees.
//!
//! **Prediction** (locally linear f_e, Gaussian mutation N(0, s²I)). Given g = g_e, the
//! accepted step is s·z with z ~ N(0, I) tilted by P_s(|g|·s·z∥) along ĝ only: its
//! component along ĝ has second moment I₂(|g|)/I₀(|g|), with I₀ = E[P_s(|g|y)] and
//! I₂ = E[y²·P_s(|g|y)] for y ~ N(0, s²), and every perpendicular component keeps
//! variance s². The hidden block of the step's second moment is therefore
//!
//! M(e) = s²·I + (I₂/I₀ − s²)·g_h·g_hᵀ/|g|²,
//!
//! whose off-diagonal is non-zero exactly when the environment's hidden gradient is
//! correlated. Its mean over environments is zero (flipping the hidden data flips g_h
//! and keeps |g|), so the pooled correlation of the hidden steps is
//! E[M_uv]/√(E[M_uu]·E[M_vv]), the expectation taken over the environment and over the
//! states the run visits. KEEP counts only the generations that moved, each with weight
//! I₀(|g|): its pooled moments are E[I₀·M]. The states enter only through the length
//! G = |(h_a·a, h_b·b)| of the true active gradient, because ξ̄ is isotropic; so the
//! prediction is a table over G, filled as the run needs it, and accumulated over the
//! states the run actually visits.
//!
//! What it predicts depends on the rule, through the excess I₂/I₀ − s² alone:
//! - logistic and probit, whose P_s(Δ) + P_s(−Δ) = 1: I₀ = ½ and I₂ = s²/2 exactly (the
//!   tilt is odd), so the excess is 0 and the hidden steps stay uncorrelated. The
//!   environments shift each generation's mean step, and narrow its spread along ĝ_e by
//!   exactly as much: they collapse into the acceptance noise, as Sourbut said — and the
//!   data's correlation is lost with them.
//! - Metropolis accepts every uphill candidate and damps the downhill ones: the accepted
//!   steps are narrower than s along ĝ_e, and the hidden correlation has the opposite
//!   sign to the data's.
//! - Kimura's u(Δ) ≈ 2Δ⁺ favours the big uphill steps: wider than s along ĝ_e, a small
//!   correlation with the data's sign.
//!
//! In every case it stays far from SGD's ρ. With selection matched to SGD
//! (s = η·c_u·τ/√B, β = 2η/s²) the environment's hidden slope is as large as the
//! mutations (βs|g_h| ≈ 2√B·|ζ|/τ, of order 1 at every B), so no small-step limit applies.
//!
//! Neglected: the curvature of f_e over one mutation (its relative size is βs²h/2 = η·h
//! when matched), LOOP's cap, and — for ±1 data with B > 16 — the exact law of the batch
//! mean, replaced by the normal law with the same covariance (an error of order 1/B).

use rand::distr::Distribution;
use rand::Rng;

use super::maths::{exp, ln, Sym2};
use super::normal::StandardNormal;
use super::problem::{Objective, ToyParams, ToyProblem, ZDistribution};
use super::selection::{Acceptance, StepRule};
use super::theory::linear_response;

/// The loss of one mini-batch, as the fitness a generation is judged by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Environment {
    params: ToyParams,
    /// Batch mean of ξ.
    pub xi: [f64; 2],
    /// Batch mean of (z₁, z₂).
    pub zeta: [f64; 2],
}

impl Objective<4> for Environment {
    fn fitness(&self, x: &[f64; 4]) -> f64 {
        let p = &self.params;
        -(0.5 * (p.h_a * x[0] * x[0] + p.h_b * x[1] * x[1])
            + self.xi[0] * x[0]
            + self.xi[1] * x[1]
            + p.c_u * self.zeta[0] * x[2]
            + p.c_v * self.zeta[1] * x[3])
    }

    fn fitness_gradient(&self, x: &[f64; 4]) -> [f64; 4] {
        let p = &self.params;
        [-(p.h_a * x[0] + self.xi[0]), -(p.h_b * x[1] + self.xi[1]), -p.c_u * self.zeta[0], -p.c_v * self.zeta[1]]
    }
}

impl ToyProblem {
    /// Draws an environment: the mean loss of `batch` fresh examples.
    pub fn sample_environment<R: Rng + ?Sized>(&self, batch: u64, rng: &mut R) -> Environment {
        let p = *self.params();
        let (mut xi, mut zeta) = ([0.0; 2], [0.0; 2]);
        for _ in 0..batch {
            let z = self.sample_z(rng);
            for k in 0..2 {
                let n: f64 = StandardNormal.sample(rng);
                xi[k] += p.s_xi * n;
                zeta[k] += z[k];
            }
        }
        let b = batch.max(1) as f64;
        Environment { params: p, xi: xi.map(|x| x / b), zeta: zeta.map(|x| x / b) }
    }
}

/// |(h_a·a, h_b·b)|, the length of the true active gradient at θ: the only way the state
/// enters the prediction.
pub fn active_gradient_norm(p: &ToyParams, theta: &[f64; 4]) -> f64 {
    let (x, y) = (p.h_a * theta[0], p.h_b * theta[1]);
    (x * x + y * y).sqrt()
}

/// Points per decade of |g| in the table of I₀ and I₂.
const PER_DECADE: f64 = 24.0;
/// Points of the state grid G ∈ [0, G_MAX_FACTOR·G₀].
const STATE_POINTS: usize = 128;
const G_MAX_FACTOR: f64 = 4.0;
/// Batches up to this size are enumerated exactly for ±1 data.
const EXACT_BATCH: u64 = 16;
/// Radial and angular nodes for the normal averages.
const RADIAL: usize = 32;
const ANGULAR: usize = 16;
/// The radial range in standard deviations.
const RADIAL_RANGE: f64 = 6.0;

/// The prediction for the hidden correlation of environment-judged selection.
#[derive(Clone, Debug)]
pub struct EnvironmentTheory {
    sigma: f64,
    keep: bool,
    /// ln|g| of the first table point and its spacing.
    ln_q0: f64,
    dln: f64,
    /// I₀(|g|) and I₂(|g|) at the table points.
    moments: Vec<[f64; 2]>,
    /// The law of the hidden batch mean (c_u·ζ₁, c_v·ζ₂)'s squares and product, with weights.
    hidden: Vec<([f64; 3], f64)>,
    /// The active noise ξ̄: its standard deviation per coordinate.
    xi_sd: f64,
    /// The state grid's spacing, and its cells filled so far.
    dg: f64,
    cells: Vec<Option<[f64; 4]>>,
}

/// The pooled prediction: numerators of the second moments (uu, uv, vv) of the hidden
/// steps that moved, the expected number of steps that moved (their denominator), and
/// the generations pooled.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pooled {
    pub uu: f64,
    pub uv: f64,
    pub vv: f64,
    pub moved: f64,
    pub generations: u64,
}

impl Pooled {
    /// The predicted correlation of the hidden steps, once there is anything to pool.
    pub fn correlation(&self) -> Option<f64> {
        let d = (self.uu * self.vv).sqrt();
        // Below 1e-12 a correlation is rounding (logistic and probit's exact 0).
        (d > 0.0 && d.is_finite()).then(|| {
            let r = (self.uv / d).clamp(-1.0, 1.0);
            if r.abs() < 1e-12 {
                0.0
            } else {
                r
            }
        })
    }

    /// Adds one generation's expected contribution ([`EnvironmentTheory::at_state`]).
    pub fn add(&mut self, c: [f64; 4]) {
        self.uu += c[0];
        self.uv += c[1];
        self.vv += c[2];
        self.moved += c[3];
        self.generations += 1;
    }

    /// The predicted covariance of one hidden step that moved.
    pub fn covariance(&self) -> Option<Sym2> {
        let w = self.moved;
        (w > 0.0).then(|| [[self.uu / w, self.uv / w], [self.uv / w, self.vv / w]])
    }
}

impl EnvironmentTheory {
    /// The theory for Gaussian mutations of size `sigma` under `acceptance` and `rule`,
    /// with environments of `batch` examples of `problem`, for a run that starts where
    /// the true active gradient has length `g0`.
    pub fn new(problem: &ToyParams, batch: u64, sigma: f64, acceptance: Acceptance, rule: StepRule, g0: f64) -> Self {
        let scale = acceptance_scale(&acceptance);
        let q_lo = 1e-4 / (scale * sigma);
        let q_hi = 1e3 * (1.0 / (scale * sigma)).max(1.0 / sigma);
        let dln = core::f64::consts::LN_10 / PER_DECADE;
        let n = (ln(q_hi / q_lo) / dln).ceil() as usize + 1;
        let ln_q0 = ln(q_lo);
        let moments = (0..n)
            .map(|i| {
                let r = linear_response(&acceptance, sigma, exp(ln_q0 + i as f64 * dln));
                [r.acceptance_rate, r.second_moment_loop * r.acceptance_rate]
            })
            .collect();
        let b = batch.max(1);
        let g0 = if g0.is_finite() && g0 > 0.0 { g0 } else { 1.0 };
        Self {
            sigma,
            keep: matches!(rule, StepRule::Keep),
            ln_q0,
            dln,
            moments,
            hidden: hidden_law(problem, b),
            xi_sd: problem.s_xi / (b as f64).sqrt(),
            dg: G_MAX_FACTOR * g0 / (STATE_POINTS - 1) as f64,
            cells: vec![None; STATE_POINTS],
        }
    }

    /// (I₀, I₂) at |g| = q, by cubic interpolation in ln q; constant beyond the table.
    fn moments_at(&self, q: f64) -> [f64; 2] {
        let n = self.moments.len();
        if q.is_nan() || q <= 0.0 {
            return self.moments[0];
        }
        let x = ((ln(q) - self.ln_q0) / self.dln).clamp(0.0, (n - 1) as f64);
        let i = (x.floor() as usize).min(n - 2);
        let t = x - i as f64;
        let at = |k: isize| self.moments[(i as isize + k).clamp(0, n as isize - 1) as usize];
        let (p0, p1, p2, p3) = (at(-1), at(0), at(1), at(2));
        let mut out = [0.0; 2];
        for k in 0..2 {
            // Catmull–Rom.
            out[k] = p1[k]
                + 0.5
                    * t
                    * (p2[k] - p0[k]
                        + t * (2.0 * p0[k] - 5.0 * p1[k] + 4.0 * p2[k] - p3[k]
                            + t * (3.0 * (p1[k] - p2[k]) + p3[k] - p0[k])));
        }
        out
    }

    /// The expected contribution of one generation at a state whose true active gradient
    /// has length `g`: the numerators (uu, uv, vv) of the pooled second moments and the
    /// probability that the generation moves.
    fn contribution(&self, g: f64) -> [f64; 4] {
        let s2 = self.sigma * self.sigma;
        let mut out = [0.0; 4];
        let dr = RADIAL_RANGE / RADIAL as f64;
        for i in 0..RADIAL {
            // Rayleigh radius of ξ̄/sd, midpoint rule; the angle is uniform.
            let r = (i as f64 + 0.5) * dr;
            let w_r = r * exp(-0.5 * r * r) * dr;
            for j in 0..ANGULAR {
                let phi = core::f64::consts::PI * (j as f64 + 0.5) / ANGULAR as f64;
                let x = g + self.xi_sd * r * libm::cos(phi);
                let y = self.xi_sd * r * libm::sin(phi);
                let active = x * x + y * y;
                let w = w_r / ANGULAR as f64;
                for (sq, p) in &self.hidden {
                    let q2 = active + sq[0] + sq[2];
                    let [i0, i2] = self.moments_at(q2.sqrt());
                    if i0.is_nan() || i0 <= 0.0 {
                        continue;
                    }
                    // LOOP: one step per generation; KEEP: a step with probability I₀.
                    let (weight, along) = if self.keep { (i0, i2) } else { (1.0, i2 / i0) };
                    let excess = (along - weight * s2) / q2.max(f64::MIN_POSITIVE);
                    let wp = w * p;
                    out[0] += wp * (weight * s2 + excess * sq[0]);
                    out[1] += wp * excess * sq[1];
                    out[2] += wp * (weight * s2 + excess * sq[2]);
                    out[3] += wp * weight;
                }
            }
        }
        // The midpoint rule's Rayleigh mass falls short of 1 by e^{-18}: normalise.
        let mass: f64 = (0..RADIAL)
            .map(|i| {
                let r = (i as f64 + 0.5) * dr;
                r * exp(-0.5 * r * r) * dr
            })
            .sum();
        out.map(|x| x / mass)
    }

    /// [`Self::contribution`] from the state grid, filling cells as needed; `None` past the
    /// grid (a run that has wandered far from where it started).
    pub fn at_state(&mut self, g: f64) -> Option<[f64; 4]> {
        let x = g / self.dg;
        if !(0.0..=(STATE_POINTS - 1) as f64).contains(&x) {
            return None;
        }
        let i = (x.floor() as usize).min(STATE_POINTS - 2);
        let t = x - i as f64;
        let mut cell = |k: usize| {
            if self.cells[k].is_none() {
                self.cells[k] = Some(self.contribution(k as f64 * self.dg));
            }
            self.cells[k].expect("just filled")
        };
        let (a, b) = (cell(i), cell(i + 1));
        Some([0, 1, 2, 3].map(|k| a[k] + t * (b[k] - a[k])))
    }
}

/// The scale 1/Δ at which the rule turns from accepting to rejecting.
fn acceptance_scale(acceptance: &Acceptance) -> f64 {
    match *acceptance {
        Acceptance::Logistic { beta } | Acceptance::Metropolis { beta } | Acceptance::Probit { beta } => beta,
        Acceptance::Kimura { population } => 4.0 * population,
    }
    .max(1e-9)
}

/// The law of the hidden gradient's squares and product ((c_u·ζ₁)², c_u c_v·ζ₁ζ₂,
/// (c_v·ζ₂)²) for a batch of `b` examples: exact for ±1 data up to [`EXACT_BATCH`],
/// normal (same covariance) otherwise.
fn hidden_law(p: &ToyParams, b: u64) -> Vec<([f64; 3], f64)> {
    let (cu, cv, tau, rho) = (p.c_u, p.c_v, p.tau, p.rho);
    let point = |z1: f64, z2: f64| [cu * cu * z1 * z1, cu * cv * z1 * z2, cv * cv * z2 * z2];
    if p.z == ZDistribution::Rademacher && b <= EXACT_BATCH {
        // Each example is one of (+,+), (+,−), (−,−), (−,+) with probabilities
        // (1+ρ)/4, (1−ρ)/4, (1+ρ)/4, (1−ρ)/4: enumerate the multinomial counts.
        let pr = [(1.0 + rho) / 4.0, (1.0 - rho) / 4.0, (1.0 + rho) / 4.0, (1.0 - rho) / 4.0];
        let bf = b as f64;
        let mut out = Vec::new();
        for n0 in 0..=b {
            for n1 in 0..=b - n0 {
                for n2 in 0..=b - n0 - n1 {
                    let n3 = b - n0 - n1 - n2;
                    let n = [n0, n1, n2, n3];
                    let mut ln_w = ln_factorial(b);
                    let mut zero = false;
                    for k in 0..4 {
                        ln_w -= ln_factorial(n[k]);
                        if n[k] > 0 {
                            if pr[k] <= 0.0 {
                                zero = true;
                            } else {
                                ln_w += n[k] as f64 * ln(pr[k]);
                            }
                        }
                    }
                    if zero {
                        continue;
                    }
                    let z1 = tau * (n0 as f64 + n1 as f64 - n2 as f64 - n3 as f64) / bf;
                    let z2 = tau * (n0 as f64 - n1 as f64 - n2 as f64 + n3 as f64) / bf;
                    out.push((point(z1, z2), exp(ln_w)));
                }
            }
        }
        out
    } else {
        // (ζ₁, ζ₂) = (τ/√B)·(n₁, ρn₁ + √(1−ρ²)n₂): polar midpoint rule over (n₁, n₂).
        let sd = tau / (b as f64).sqrt();
        let orth = (1.0 - rho * rho).max(0.0).sqrt();
        let dr = RADIAL_RANGE / RADIAL as f64;
        let mut out = Vec::with_capacity(RADIAL * ANGULAR);
        let mut mass = 0.0;
        for i in 0..RADIAL {
            let r = (i as f64 + 0.5) * dr;
            let w_r = r * exp(-0.5 * r * r) * dr;
            for j in 0..ANGULAR {
                // Half the circle: the law is symmetric under (n₁, n₂) → −(n₁, n₂).
                let phi = core::f64::consts::PI * (j as f64 + 0.5) / ANGULAR as f64;
                let (n1, n2) = (r * libm::cos(phi), r * libm::sin(phi));
                let w = w_r / ANGULAR as f64;
                mass += w;
                out.push((point(sd * n1, sd * (rho * n1 + orth * n2)), w));
            }
        }
        out.iter_mut().for_each(|(_, w)| *w /= mass);
        out
    }
}

fn ln_factorial(n: u64) -> f64 {
    (2..=n).map(|k| ln(k as f64)).sum()
}
