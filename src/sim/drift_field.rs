//! Is selection gradient ascent on *some* objective? (spec §D)
//!
//! On the bowl f(a, b) = −(a² + b²/4)/2 the mean LOOP step is m(|∇f|)·∇f/|∇f| (§A.1.3):
//! along the gradient, with a length that saturates as the slope grows. A field is a
//! gradient only if its circulation around every closed loop is zero. This module gives
//! the fields, their circulations around a circle, and a Monte Carlo estimate of the
//! circulation from simulated selection steps at points on the circle.
//!
//! Three versions of selection's mean step appear:
//! - the spec's formula m(|∇f|)ĝ, which treats f as linear over one mutation;
//! - the exact mean accepted step on this curved f ([`exact_drift`], by 2-D quadrature),
//!   which differs from the formula by a relative amount of order βs²·h;
//! - the Monte Carlo mean of simulated LOOP steps, whose expectation is the exact one.
//!
//! The circle's circulation uses the trapezoid rule on `points` equally spaced points
//! starting at angle 0, as [`theory::circulation`] does; the Monte Carlo estimator uses
//! the same points and weights, so the exact circulation is precisely its expectation.

use super::error::{check_count, check_positive, check_range, ParamError};
use super::maths::Sym2;
use super::problem::Objective;
use super::quadratic::accepted_moments;
use super::selection::{Acceptance, Selection};
use super::stats::RunningMean;
use super::{rng_for, theory, SimRng};

/// The bowl's curvatures (h_a, h_b): f = −(h_a·a² + h_b·b²)/2 (§D: h = (1, ¼)).
pub const BOWL: [f64; 2] = [1.0, 0.25];

/// The generator stream the Monte Carlo draws from.
pub const MC_STREAM: u64 = 11;

/// The objective f(a, b) = −(h_a·a² + h_b·b²)/2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bowl {
    h: [f64; 2],
}

impl Default for Bowl {
    fn default() -> Self {
        Self { h: BOWL }
    }
}

impl Bowl {
    /// A bowl with curvatures in [0, 100].
    pub fn new(h: [f64; 2]) -> Result<Self, ParamError> {
        check_range("h_a", h[0], 0.0, 100.0)?;
        check_range("h_b", h[1], 0.0, 100.0)?;
        Ok(Self { h })
    }

    /// The Hessian of −f.
    pub fn hessian(&self) -> Sym2 {
        [[self.h[0], 0.0], [0.0, self.h[1]]]
    }

    /// Points on the level set f = −level (an ellipse), for drawing contours.
    pub fn contour(&self, level: f64, points: usize) -> Vec<[f64; 2]> {
        let n = points.max(8);
        let (ra, rb) = ((2.0 * level / self.h[0]).sqrt(), (2.0 * level / self.h[1]).sqrt());
        (0..=n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                [ra * libm::cos(t), rb * libm::sin(t)]
            })
            .collect()
    }
}

impl Objective<2> for Bowl {
    fn fitness(&self, x: &[f64; 2]) -> f64 {
        -0.5 * (self.h[0] * x[0] * x[0] + self.h[1] * x[1] * x[1])
    }

    fn fitness_gradient(&self, x: &[f64; 2]) -> [f64; 2] {
        [-self.h[0] * x[0], -self.h[1] * x[1]]
    }
}

/// Selection's mean LOOP step by the spec's formula, m(|∇f|)·∇f/|∇f| (§A.1.3, §D).
pub fn formula_drift(bowl: &Bowl, acceptance: &Acceptance, s: f64, x: [f64; 2]) -> [f64; 2] {
    theory::selection_drift(acceptance, s, bowl.fitness_gradient(&x))
}

/// Gradient ascent with the matching small-step rate k_loop = s²·P_s′(0)/P_s(0) (§A.1.2).
pub fn gd_drift(bowl: &Bowl, acceptance: &Acceptance, s: f64, x: [f64; 2]) -> [f64; 2] {
    let k = theory::k_loop(s * s, acceptance);
    let g = bowl.fitness_gradient(&x);
    [k * g[0], k * g[1]]
}

/// The exact mean LOOP step on the bowl, curvature included (2-D quadrature);
/// `None` if no candidate can be accepted there.
pub fn exact_drift(bowl: &Bowl, acceptance: &Acceptance, s: f64, x: [f64; 2]) -> Option<[f64; 2]> {
    accepted_moments(acceptance, s, bowl.fitness_gradient(&x), bowl.hessian()).map(|m| m.mean)
}

/// A circle in the plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Circle {
    /// Centre (a, b).
    pub center: [f64; 2],
    /// Radius, > 0.
    pub radius: f64,
}

impl Circle {
    /// Validates the centre (each coordinate in [−100, 100]) and the radius (0, 100].
    pub fn new(center: [f64; 2], radius: f64) -> Result<Self, ParamError> {
        check_range("center", center[0], -100.0, 100.0)?;
        check_range("center", center[1], -100.0, 100.0)?;
        check_positive("radius", radius, 100.0)?;
        Ok(Self { center, radius })
    }

    /// The circumference 2πr.
    pub fn length(&self) -> f64 {
        std::f64::consts::TAU * self.radius
    }

    /// The trapezoid rule's `n` points (angle 2πi/n from the a axis) with unit tangents
    /// (anticlockwise); each carries the weight length/n.
    pub fn nodes(&self, n: usize) -> Vec<([f64; 2], [f64; 2])> {
        let n = n.max(3);
        (0..n)
            .map(|i| {
                let t = i as f64 * std::f64::consts::TAU / n as f64;
                let (s, c) = (libm::sin(t), libm::cos(t));
                ([self.center[0] + self.radius * c, self.center[1] + self.radius * s], [-s, c])
            })
            .collect()
    }

    /// ∮ F·dl by the trapezoid rule on `n` points ([`theory::circulation`]).
    pub fn circulation(&self, field: impl Fn([f64; 2]) -> [f64; 2], n: usize) -> f64 {
        theory::circulation(field, self.center, self.radius, n.max(3))
    }

    /// The mean of |F| over the same `n` points.
    pub fn mean_magnitude(&self, field: impl Fn([f64; 2]) -> [f64; 2], n: usize) -> f64 {
        let nodes = self.nodes(n);
        nodes.iter().map(|(p, _)| field(*p)).map(|f| (f[0] * f[0] + f[1] * f[1]).sqrt()).sum::<f64>()
            / nodes.len() as f64
    }
}

/// ∮ of the exact mean step on `n` points; `None` if it is undefined at one of them.
pub fn exact_circulation(bowl: &Bowl, acceptance: &Acceptance, s: f64, circle: &Circle, n: usize) -> Option<f64> {
    let nodes = circle.nodes(n);
    let w = circle.length() / nodes.len() as f64;
    let mut total = 0.0;
    for (p, t) in nodes {
        let f = exact_drift(bowl, acceptance, s, p)?;
        total += w * (f[0] * t[0] + f[1] * t[1]);
    }
    Some(total)
}

/// Points on the circle for the formula's and gradient ascent's circulations (the
/// trapezoid rule: spectrally accurate for these smooth fields).
pub const THEORY_NODES: usize = 128;
/// Points on the circle for the mean |F| that scales a circulation.
pub const MAGNITUDE_NODES: usize = 64;

/// The circulation test's theory around one circle (§D, §A.1.3): the circulation of
/// selection's mean LOOP step by the formula m(|∇f|)ĝ and that of gradient ascent k·∇f
/// with the matching small-step rate, each also relative to mean |F| × circumference (the
/// circulation of a field of that size running round the circle), and that rate k_loop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Circulations {
    /// ∮ of the formula's mean step.
    pub sel: f64,
    /// ∮ of k·∇f: zero up to rounding, as for every gradient field.
    pub gd: f64,
    /// `sel` / (mean |F| × circumference); `None` where the field vanishes on the circle.
    pub ratio: Option<f64>,
    /// The same for gradient ascent.
    pub ratio_gd: Option<f64>,
    /// k_loop = s²·P_s′(0)/P_s(0).
    pub k: f64,
}

impl Circulations {
    /// The theory for LOOP selection with `acceptance` and Gaussian mutations of size `s`
    /// on `bowl`, around `circle` ([`THEORY_NODES`] and [`MAGNITUDE_NODES`] points).
    pub fn new(bowl: &Bowl, acceptance: &Acceptance, s: f64, circle: &Circle) -> Self {
        let sel_field = |x| formula_drift(bowl, acceptance, s, x);
        let gd_field = |x| gd_drift(bowl, acceptance, s, x);
        let sel = circle.circulation(sel_field, THEORY_NODES);
        let gd = circle.circulation(gd_field, THEORY_NODES);
        let relative = |c: f64, field: &dyn Fn([f64; 2]) -> [f64; 2]| {
            let scale = circle.mean_magnitude(field, MAGNITUDE_NODES) * circle.length();
            (scale > 0.0 && scale.is_finite()).then(|| c / scale)
        };
        Self {
            sel,
            gd,
            ratio: relative(sel, &sel_field),
            ratio_gd: relative(gd, &gd_field),
            k: theory::k_loop(s * s, acceptance),
        }
    }
}

/// The largest number of candidates a Monte Carlo LOOP step may draw; beyond it the
/// step is counted as capped and left out (it never happens at the figure's settings).
pub const MC_LOOP_CAP: u64 = 100_000;

/// A Monte Carlo estimate of the circulation of selection's mean LOOP step: at each of
/// `n` points on the circle, the mean tangential component of simulated steps, summed
/// with the trapezoid weights. Its expectation is [`exact_circulation`] on the same points.
#[derive(Clone, Debug)]
pub struct CircleMonteCarlo {
    bowl: Bowl,
    selection: Selection,
    nodes: Vec<([f64; 2], [f64; 2])>,
    weight: f64,
    tangential: Vec<RunningMean>,
    steps: Vec<[RunningMean; 2]>,
    rng: SimRng,
    sweeps: u64,
    candidates: u64,
    capped: u64,
}

impl CircleMonteCarlo {
    /// A Monte Carlo of LOOP selection with `acceptance` and Gaussian mutation of size `s`
    /// at `points` (3..=4096) points of `circle`, drawing from `(seed, MC_STREAM)`.
    pub fn new(
        bowl: Bowl,
        acceptance: Acceptance,
        s: f64,
        circle: Circle,
        points: usize,
        seed: u64,
    ) -> Result<Self, ParamError> {
        let n = check_count("points", points as u64, 3, 4096)? as usize;
        let selection = Selection::new(
            super::selection::Mutation::Gaussian { sigma: s },
            acceptance,
            super::selection::StepRule::Loop { cap: MC_LOOP_CAP },
        )?;
        Ok(Self {
            bowl,
            selection,
            nodes: circle.nodes(n),
            weight: circle.length() / n as f64,
            tangential: vec![RunningMean::new(); n],
            steps: vec![[RunningMean::new(); 2]; n],
            rng: rng_for(seed, MC_STREAM),
            sweeps: 0,
            candidates: 0,
            capped: 0,
        })
    }

    /// One LOOP step from every point (not applied: each point stays where it is).
    pub fn sweep(&mut self) {
        for (((p, t), acc), mean) in self.nodes.iter().zip(self.tangential.iter_mut()).zip(self.steps.iter_mut()) {
            let s = self.selection.step(&self.bowl, p, &mut self.rng);
            self.candidates += s.candidates;
            if s.accepted {
                acc.push(s.step[0] * t[0] + s.step[1] * t[1]);
                mean[0].push(s.step[0]);
                mean[1].push(s.step[1]);
            } else {
                self.capped += 1;
            }
        }
        self.sweeps += 1;
    }

    /// (circulation, standard error); `None` before two sweeps.
    pub fn estimate(&self) -> Option<(f64, f64)> {
        let mut c = 0.0;
        let mut var = 0.0;
        for acc in &self.tangential {
            c += self.weight * acc.mean()?;
            let se = acc.standard_error()?;
            var += self.weight * self.weight * se * se;
        }
        Some((c, var.sqrt()))
    }

    /// Sweeps done.
    pub fn sweeps(&self) -> u64 {
        self.sweeps
    }

    /// Selection steps simulated (sweeps × points).
    pub fn steps(&self) -> u64 {
        self.sweeps * self.nodes.len() as u64
    }

    /// Candidates drawn in all.
    pub fn candidates(&self) -> u64 {
        self.candidates
    }

    /// Steps that hit [`MC_LOOP_CAP`].
    pub fn capped(&self) -> u64 {
        self.capped
    }

    /// The points and tangents.
    pub fn nodes(&self) -> &[([f64; 2], [f64; 2])] {
        &self.nodes
    }

    /// The mean tangential step at each point so far (`None` where undefined).
    pub fn tangential_means(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        self.tangential.iter().map(RunningMean::mean)
    }

    /// The mean step at each point so far, with the standard errors of its components.
    pub fn mean_steps(&self) -> impl Iterator<Item = Option<([f64; 2], [f64; 2])>> + '_ {
        self.steps
            .iter()
            .map(|m| Some(([m[0].mean()?, m[1].mean()?], [m[0].standard_error()?, m[1].standard_error()?])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::maths::Z_999;

    #[test]
    fn gradient_descent_has_no_circulation() {
        let bowl = Bowl::default();
        let acc = Acceptance::Logistic { beta: 40.0 };
        let c = Circle::new([1.0, 2.0], 0.75).expect("valid");
        let gd = c.circulation(|x| gd_drift(&bowl, &acc, 0.1, x), 64);
        assert!(gd.abs() < 1e-12, "GD circulation {gd}");
    }

    #[test]
    fn selection_circulates_on_the_bowl_but_not_on_a_round_one() {
        let acc = Acceptance::Logistic { beta: 40.0 };
        let c = Circle::new([1.0, 2.0], 0.75).expect("valid");
        let bowl = Bowl::default();
        let sel = c.circulation(|x| formula_drift(&bowl, &acc, 0.1, x), 256);
        let scale = c.mean_magnitude(|x| formula_drift(&bowl, &acc, 0.1, x), 256) * c.length();
        assert!(sel / scale > 0.05, "ratio {}", sel / scale);
        // A round bowl: |∇f| is constant on level sets, so φ(|∇f|)∇f is a gradient (§D).
        let round = Bowl::new([1.0, 1.0]).expect("valid");
        let r = c.circulation(|x| formula_drift(&round, &acc, 0.1, x), 256);
        assert!(r.abs() < 1e-10, "round bowl circulation {r}");
        let ex = exact_circulation(&round, &acc, 0.1, &c, 32).expect("defined");
        assert!(ex.abs() < 1e-9, "round bowl exact circulation {ex}");
    }

    #[test]
    fn circulations_separate_selection_from_gradient_ascent() {
        // The figure's defaults: s = 0.1, β = 40, the unit circle about (1, 1.5).
        let bowl = Bowl::default();
        let c = Circle::new([1.0, 1.5], 1.0).expect("valid");
        for acc in [
            Acceptance::Logistic { beta: 40.0 },
            Acceptance::Metropolis { beta: 40.0 },
            Acceptance::Probit { beta: 40.0 },
        ] {
            let t = Circulations::new(&bowl, &acc, 0.1, &c);
            assert!(t.gd.abs() < 1e-12 && t.ratio_gd.expect("defined").abs() < 1e-12, "{acc:?}: {t:?}");
            let ratio = t.ratio.expect("defined");
            assert!(ratio > 0.02 && ratio < 1.0, "{acc:?}: relative circulation {ratio}");
            let direct = c.circulation(|x| formula_drift(&bowl, &acc, 0.1, x), 1024);
            assert!((t.sel - direct).abs() < 1e-9 * direct.abs(), "{acc:?}: {} vs {direct}", t.sel);
            assert_eq!(t.k, theory::k_loop(0.1 * 0.1, &acc));
        }
    }

    #[test]
    fn exact_drift_tends_to_the_formula_for_small_mutations() {
        // The curvature correction is of relative order βs²·h: shrink s at fixed βs.
        let bowl = Bowl::default();
        let x = [1.0, 2.0];
        let mut last = f64::INFINITY;
        for s in [0.1, 0.03, 0.01] {
            let acc = Acceptance::Logistic { beta: 4.0 / s };
            let f = formula_drift(&bowl, &acc, s, x);
            let e = exact_drift(&bowl, &acc, s, x).expect("defined");
            let rel = ((e[0] - f[0]) * (e[0] - f[0]) + (e[1] - f[1]) * (e[1] - f[1])).sqrt()
                / (f[0] * f[0] + f[1] * f[1]).sqrt();
            assert!(rel < 0.7 * last, "s = {s}: relative difference {rel}, previous {last}");
            last = rel;
        }
        assert!(last < 0.01, "{last}");
    }

    #[test]
    fn monte_carlo_circulation_matches_the_exact_one() {
        let bowl = Bowl::default();
        let circle = Circle::new([1.0, 2.0], 0.75).expect("valid");
        for (acc, s, seed) in [
            (Acceptance::Logistic { beta: 40.0 }, 0.1, 1),
            (Acceptance::Metropolis { beta: 20.0 }, 0.15, 2),
            (Acceptance::Probit { beta: 30.0 }, 0.1, 3),
        ] {
            let mut mc = CircleMonteCarlo::new(bowl, acc, s, circle, 32, seed).expect("valid");
            for _ in 0..20_000 {
                mc.sweep();
            }
            let (est, se) = mc.estimate().expect("enough sweeps");
            let exact = exact_circulation(&bowl, &acc, s, &circle, 32).expect("defined");
            // The mean step at each point against the exact mean step there: the 99.9 %
            // bound over all 64 components together (Bonferroni: two-sided 0.001/64 → 4.32).
            for ((p, _), m) in mc.nodes().iter().zip(mc.mean_steps()) {
                let (mean, se) = m.expect("enough steps");
                let want = exact_drift(&bowl, &acc, s, *p).expect("defined");
                for i in 0..2 {
                    let z = (mean[i] - want[i]) / se[i];
                    assert!(z.abs() < 4.32, "{acc:?} at {p:?}: mean step {mean:?} vs exact {want:?}, z = {z:.2}");
                }
            }
            let z = (est - exact) / se;
            assert!(z.abs() < Z_999, "{acc:?}: MC {est} ± {se} vs exact {exact}: z = {z:.2}");
            assert!(exact.abs() > 10.0 * se, "{acc:?}: circulation {exact} not resolved (SE {se})");
            assert_eq!(mc.capped(), 0);
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(Circle::new([0.0, 0.0], 0.0).unwrap_err().param, "radius");
        assert_eq!(Circle::new([f64::NAN, 0.0], 1.0).unwrap_err().param, "center");
        let c = Circle::new([0.0, 0.0], 1.0).expect("valid");
        let acc = Acceptance::Logistic { beta: 1.0 };
        assert_eq!(CircleMonteCarlo::new(Bowl::default(), acc, -1.0, c, 8, 0).unwrap_err().param, "sigma");
        assert_eq!(CircleMonteCarlo::new(Bowl::default(), acc, 0.1, c, 2, 0).unwrap_err().param, "points");
    }
}
