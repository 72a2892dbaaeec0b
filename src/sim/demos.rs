//! Small experiments behind the article's explanatory figures: candidates around one
//! parent (§A.1), one mini-batch of per-example gradients (§B), and descendants per
//! parent in the model against a Wright–Fisher population (§D, "Fitness").

use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::Rng;

use super::maths::Sym2;
use super::problem::{ExampleGradients, Objective, ToyProblem};
use super::selection::Selection;
use super::stats::{RunningCorrelation, RunningMean};
use super::SimRng;

/// f(x) = g·x on the plane: a locally linear landscape with slope |g| along x.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slope {
    /// The gradient ∇f.
    pub gradient: [f64; 2],
}

impl Objective<2> for Slope {
    fn fitness(&self, x: &[f64; 2]) -> f64 {
        self.gradient[0] * x[0] + self.gradient[1] * x[1]
    }
    fn fitness_gradient(&self, _: &[f64; 2]) -> [f64; 2] {
        self.gradient
    }
}

/// Candidates drawn from one parent at the origin on a [`Slope`], with running
/// statistics of the accepted ones (spec §A.1: E[ε | accepted] = m(|g|)·ĝ).
#[derive(Clone, Debug)]
pub struct CandidateCloud {
    selection: Selection,
    slope: Slope,
    rng: SimRng,
    /// The most recent candidates and whether each was accepted (for drawing).
    pub recent: Vec<([f64; 2], bool)>,
    next: usize,
    /// Accepted steps' component along ĝ.
    pub along: RunningMean,
    /// Accepted steps' component across ĝ.
    pub across: RunningMean,
    /// Candidates drawn.
    pub candidates: u64,
}

/// How many candidates a cloud keeps for drawing.
pub const RECENT: usize = 3000;

impl CandidateCloud {
    /// A cloud for `selection` on slope `gradient` along x, from `rng`.
    pub fn new(selection: Selection, slope: f64, rng: SimRng) -> Self {
        Self {
            selection,
            slope: Slope { gradient: [slope, 0.0] },
            rng,
            recent: Vec::with_capacity(RECENT),
            next: 0,
            along: RunningMean::new(),
            across: RunningMean::new(),
            candidates: 0,
        }
    }

    /// Draws `n` candidates.
    pub fn draw(&mut self, n: usize) {
        for _ in 0..n {
            let (eps, ok) = self.selection.candidate(&self.slope, &[0.0, 0.0], 0.0, &mut self.rng);
            self.candidates += 1;
            if ok {
                self.along.push(eps[0]);
                self.across.push(eps[1]);
            }
            if self.recent.len() < RECENT {
                self.recent.push((eps, ok));
            } else {
                self.recent[self.next] = (eps, ok);
            }
            self.next = (self.next + 1) % RECENT;
        }
    }

    /// The fraction accepted.
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.candidates > 0).then(|| self.along.count() as f64 / self.candidates as f64)
    }

    /// The slope |g|.
    pub fn slope(&self) -> f64 {
        self.slope.gradient[0]
    }
}

/// One mini-batch: the B per-example gradients at θ and their mean (spec §B).
pub fn draw_batch<R: Rng + ?Sized>(
    problem: &ToyProblem,
    theta: &[f64; 4],
    batch: usize,
    rng: &mut R,
) -> (Vec<[f64; 4]>, [f64; 4]) {
    let grads: Vec<[f64; 4]> = (0..batch).map(|_| problem.example_gradient(theta, rng)).collect();
    let mut mean = [0.0; 4];
    for g in &grads {
        for i in 0..4 {
            mean[i] += g[i] / batch as f64;
        }
    }
    (grads, mean)
}

/// Offspring counts in one Wright–Fisher generation: each of the N children picks its
/// parent with probability proportional to the parent's fitness w. `None` if no
/// weight is positive and finite.
pub fn wright_fisher_offspring<R: Rng + ?Sized>(weights: &[f64], rng: &mut R) -> Option<Vec<u32>> {
    let index = WeightedIndex::new(weights.iter().copied()).ok()?;
    let mut counts = vec![0u32; weights.len()];
    for _ in 0..weights.len() {
        counts[index.sample(rng)] += 1;
    }
    Some(counts)
}

/// Least-squares slope of y on x, `None` when x does not vary.
pub fn slope_of(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len()) as f64;
    if n < 2.0 {
        return None;
    }
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// What theory says of one mini-batch of the toy problem at θ (spec §B), in the active
/// plane (a, b) and the hidden plane (u, v).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchTheory {
    /// The true gradient ∇L(θ) in the active plane (zero in the hidden plane).
    pub truth: [f64; 2],
    /// Covariance of one example's gradient, active plane: s_ξ²·I.
    pub example_active: Sym2,
    /// Covariance of one example's gradient, hidden plane: τ²·[[c_u², ρc_uc_v], [ρc_uc_v, c_v²]].
    pub example_hidden: Sym2,
    /// Covariance of the batch average, active plane: the example's over B.
    pub mean_active: Sym2,
    /// Covariance of the batch average, hidden plane: the example's over B, the same shape.
    pub mean_hidden: Sym2,
    /// Root-mean-square distance from the batch average to the true gradient in the
    /// active plane: √(2/B)·s_ξ.
    pub rms_error: f64,
}

/// The theory of one mini-batch of `batch` examples at `theta` (spec §B): the examples'
/// covariance is SGD's step covariance at η = 1 and B = 1, the average's is that over B.
pub fn batch_theory(problem: &ToyProblem, theta: &[f64; 4], batch: usize) -> BatchTheory {
    let g = problem.fitness_gradient(theta);
    let block = |c: [[f64; 4]; 4], i: usize| [[c[i][i], c[i][i + 1]], [c[i + 1][i], c[i + 1][i + 1]]];
    let one = super::theory::sgd_step_covariance(problem, 1.0, 1);
    let mean = super::theory::sgd_step_covariance(problem, 1.0, batch.max(1) as u64);
    BatchTheory {
        truth: [-g[0], -g[1]],
        example_active: block(one, 0),
        example_hidden: block(one, 2),
        mean_active: block(mean, 0),
        mean_hidden: block(mean, 2),
        rms_error: (mean[0][0] + mean[1][1]).sqrt(),
    }
}

/// A stream of mini-batches at one θ of the toy problem (spec §B): the latest batch,
/// the recent averages, the running squared error of the average against the true
/// gradient, and the running correlation of the examples' hidden coordinates.
#[derive(Clone, Debug)]
pub struct BatchStream {
    /// The problem.
    pub problem: ToyProblem,
    /// Where the gradients are taken.
    pub theta: [f64; 4],
    /// Examples per batch.
    pub batch: usize,
    /// The latest batch's per-example gradients.
    pub latest: Vec<[f64; 4]>,
    /// The most recent batch averages, oldest first (at most [`BatchStream::KEPT`]).
    pub means: std::collections::VecDeque<[f64; 4]>,
    /// Squared distance of each average from the true gradient (active plane).
    pub error2: RunningMean,
    /// The examples' (∂ℓ/∂u, ∂ℓ/∂v).
    pub hidden: RunningCorrelation,
    truth: [f64; 2],
    rng: SimRng,
}

impl BatchStream {
    /// How many batch averages are kept.
    pub const KEPT: usize = 400;

    /// A stream of batches of `batch` examples at `theta`, drawing from `rng`.
    pub fn new(problem: ToyProblem, theta: [f64; 4], batch: usize, rng: SimRng) -> Self {
        let truth = batch_theory(&problem, &theta, batch).truth;
        Self {
            problem,
            theta,
            batch: batch.max(1),
            latest: Vec::new(),
            means: std::collections::VecDeque::new(),
            error2: RunningMean::new(),
            hidden: RunningCorrelation::new(),
            truth,
            rng,
        }
    }

    /// Draws the next batch.
    pub fn draw(&mut self) {
        let (grads, mean) = draw_batch(&self.problem, &self.theta, self.batch, &mut self.rng);
        let (e0, e1) = (mean[0] - self.truth[0], mean[1] - self.truth[1]);
        self.error2.push(e0 * e0 + e1 * e1);
        for g in &grads {
            self.hidden.push(g[2], g[3]);
        }
        self.latest = grads;
        if self.means.len() >= Self::KEPT {
            self.means.pop_front();
        }
        self.means.push_back(mean);
    }
}

/// Descendants per parent, generation after generation (spec §D, "Fitness"): N parents
/// with f spread evenly over [−1, 1], in a Wright–Fisher population where fitness is
/// w = e^{strength·f}, and in the model read literally as a line of individuals, where
/// each parent's one accepted mutant is its only descendant.
#[derive(Clone, Debug)]
pub struct Descendants {
    /// Each parent's f.
    pub f: Vec<f64>,
    /// Each parent's Wright–Fisher fitness w.
    pub weights: Vec<f64>,
    /// Each parent's mean number of Wright–Fisher children per generation.
    pub wright_fisher: Vec<RunningMean>,
    /// Each parent's mean number of descendants in the model.
    pub model: Vec<RunningMean>,
    /// Generations so far.
    pub generations: u64,
    rng: SimRng,
}

impl Descendants {
    /// `n` parents under selection `strength`, drawing from `rng`.
    pub fn new(n: usize, strength: f64, rng: SimRng) -> Self {
        let f: Vec<f64> = (0..n).map(|i| -1.0 + 2.0 * (i as f64 + 0.5) / n as f64).collect();
        let weights = f.iter().map(|x| super::maths::exp(strength * x)).collect();
        Self {
            f,
            weights,
            wright_fisher: vec![RunningMean::new(); n],
            model: vec![RunningMean::new(); n],
            generations: 0,
            rng,
        }
    }

    /// One generation of both.
    pub fn generation(&mut self) {
        if let Some(counts) = wright_fisher_offspring(&self.weights, &mut self.rng) {
            for (m, c) in self.wright_fisher.iter_mut().zip(counts) {
                m.push(f64::from(c));
            }
        }
        for m in &mut self.model {
            m.push(1.0);
        }
        self.generations += 1;
    }

    /// Each parent's expected number of Wright–Fisher children, w/w̄.
    pub fn expected_wright_fisher(&self) -> Vec<f64> {
        let mean = self.weights.iter().sum::<f64>() / self.weights.len().max(1) as f64;
        self.weights.iter().map(|w| w / mean).collect()
    }

    /// The model's mean descendants over the parents that have any record.
    pub fn model_mean(&self) -> Option<f64> {
        let m: Vec<f64> = self.model.iter().filter_map(RunningMean::mean).collect();
        (!m.is_empty()).then(|| m.iter().sum::<f64>() / m.len() as f64)
    }

    /// Least-squares slope against f of the model's mean descendants.
    pub fn model_slope(&self) -> Option<f64> {
        slope_of(&self.f, &means_or_zero(&self.model))
    }

    /// Least-squares slope against f of the Wright–Fisher mean children.
    pub fn wright_fisher_slope(&self) -> Option<f64> {
        slope_of(&self.f, &means_or_zero(&self.wright_fisher))
    }

    /// Least-squares slope against f of the expected Wright–Fisher children, w/w̄.
    pub fn wright_fisher_slope_theory(&self) -> Option<f64> {
        slope_of(&self.f, &self.expected_wright_fisher())
    }
}

fn means_or_zero(m: &[RunningMean]) -> Vec<f64> {
    m.iter().map(|x| x.mean().unwrap_or(0.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::maths::Z_999;
    use crate::sim::rng_for;
    use crate::sim::run::{default_problem, default_selection};
    use crate::sim::theory;

    #[test]
    fn cloud_mean_matches_theory() {
        let sel = default_selection();
        let mut c = CandidateCloud::new(sel, 1.0, rng_for(3, 4));
        c.draw(200_000);
        let m = theory::linear_response(&sel.acceptance(), 0.05, 1.0).mean_loop;
        let z = (c.along.mean().unwrap() - m) / c.along.standard_error().unwrap();
        assert!(z.abs() < Z_999, "z = {z}");
        let z_perp = c.across.mean().unwrap() / c.across.standard_error().unwrap();
        assert!(z_perp.abs() < Z_999, "z⊥ = {z_perp}");
        assert!(c.recent.len() == RECENT);
    }

    #[test]
    fn batch_mean_is_mean_and_hidden_on_line() {
        let mut rng = rng_for(1, 0);
        let (g, m) = draw_batch(&default_problem(), &[2.0, -1.5, 0.0, 0.0], 16, &mut rng);
        assert_eq!(g.len(), 16);
        for x in &g {
            assert!((x[3] - 0.5 * x[2]).abs() < 1e-12, "ρ = 1: (g_u, g_v) on the line");
        }
        let s: f64 = g.iter().map(|x| x[0]).sum::<f64>() / 16.0;
        assert!((s - m[0]).abs() < 1e-12);
    }

    #[test]
    fn loop_is_keep_with_rejections_skipped() {
        use crate::sim::selection::{Acceptance, Mutation, StepRule};
        let make = |rule| {
            Selection::new(Mutation::Gaussian { sigma: 0.3 }, Acceptance::Logistic { beta: 10.0 }, rule).unwrap()
        };
        let bowl = Bowl { h: [1.0, 0.25] };
        let mut lp = GhostWalk::new(make(StepRule::Loop { cap: 1000 }), bowl, [2.0, -1.5], rng_for(5, 0));
        let mut kp = GhostWalk::new(make(StepRule::Keep), bowl, [2.0, -1.5], rng_for(5, 0));
        for _ in 0..50 {
            lp.step();
        }
        while kp.candidates < lp.candidates {
            kp.step();
        }
        let mut keep_moves = kp.path.clone();
        keep_moves.dedup();
        assert_eq!(keep_moves, lp.path, "same candidates, same accepted path");
        assert_eq!(kp.accepted, lp.accepted);
    }

    #[test]
    fn wright_fisher_conserves_population_and_favours_fitness() {
        let mut rng = rng_for(2, 0);
        let w: Vec<f64> = (0..200).map(|i| if i < 100 { 1.0 } else { 2.0 }).collect();
        let mut low = RunningMean::new();
        let mut high = RunningMean::new();
        for _ in 0..200 {
            let c = wright_fisher_offspring(&w, &mut rng).unwrap();
            assert_eq!(c.iter().sum::<u32>(), 200);
            c[..100].iter().for_each(|x| low.push(f64::from(*x)));
            c[100..].iter().for_each(|x| high.push(f64::from(*x)));
        }
        // Expected offspring: w / w̄ = 2/3 and 4/3. Counts within a generation are
        // negatively correlated (they sum to N), so the i.i.d. standard error is conservative.
        for (m, expected) in [(&low, 2.0 / 3.0), (&high, 4.0 / 3.0)] {
            let z = (m.mean().unwrap() - expected) / m.standard_error().unwrap();
            assert!(z.abs() < Z_999, "z = {z}");
        }
        assert!(wright_fisher_offspring(&[0.0, 0.0], &mut rng).is_none());
        assert!(wright_fisher_offspring(&[f64::NAN], &mut rng).is_none());
        assert!((slope_of(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]).unwrap() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn batch_theory_matches_the_stream() {
        let p = default_problem();
        let theta = [2.0, -1.5, 0.0, 0.0];
        let t = batch_theory(&p, &theta, 8);
        assert_eq!(t.truth, [2.0, -0.375]);
        assert!((t.rms_error - 0.5 * (2.0f64 / 8.0).sqrt()).abs() < 1e-15);
        // ρ = 1: the hidden covariance is singular, the examples lie on a line.
        let h = t.example_hidden;
        assert!((h[0][0] * h[1][1] - h[0][1] * h[1][0]).abs() < 1e-12);
        assert!((t.mean_hidden[0][1] * 8.0 - h[0][1]).abs() < 1e-12);
        let mut s = BatchStream::new(p, theta, 8, rng_for(2, 0));
        for _ in 0..20_000 {
            s.draw();
        }
        assert_eq!(s.means.len(), BatchStream::KEPT);
        assert_eq!(s.latest.len(), 8);
        // E|mean − truth|² = rms²; the squared error of a 2-D Gaussian has sd = its mean.
        let z = (s.error2.mean().unwrap() - t.rms_error * t.rms_error) / s.error2.standard_error().unwrap();
        assert!(z.abs() < Z_999, "z = {z}");
        assert!((s.hidden.correlation().unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn descendants_model_flat_wright_fisher_climbs() {
        let mut d = Descendants::new(200, 1.0, rng_for(8, 0));
        let expected = d.expected_wright_fisher();
        assert!((expected.iter().sum::<f64>() - 200.0).abs() < 1e-9, "w/w̄ averages 1");
        for _ in 0..400 {
            d.generation();
        }
        assert_eq!(d.generations, 400);
        assert_eq!(d.model_mean(), Some(1.0));
        assert_eq!(d.model_slope(), Some(0.0));
        let (wf, theory) = (d.wright_fisher_slope().unwrap(), d.wright_fisher_slope_theory().unwrap());
        assert!(theory > 0.9 && theory < 1.0, "slope of e^f/mean over [−1, 1]: {theory}");
        assert!((wf - theory).abs() < 0.1, "{wf} against {theory}");
        let flat = Descendants::new(200, 0.0, rng_for(8, 0));
        assert!(flat.wright_fisher_slope_theory().unwrap().abs() < 1e-12);
    }
}

/// f = −(h₀x₀² + h₁x₁²)/2: the toy problem's active plane on its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bowl {
    /// The curvatures.
    pub h: [f64; 2],
}

impl Objective<2> for Bowl {
    fn fitness(&self, x: &[f64; 2]) -> f64 {
        -0.5 * (self.h[0] * x[0] * x[0] + self.h[1] * x[1] * x[1])
    }
    fn fitness_gradient(&self, x: &[f64; 2]) -> [f64; 2] {
        [-self.h[0] * x[0], -self.h[1] * x[1]]
    }
}

/// A selection walk on a [`Bowl`] that remembers every candidate of its latest step,
/// for showing the rejected ("ghost") candidates (spec §A, LOOP and KEEP).
#[derive(Clone, Debug)]
pub struct GhostWalk {
    selection: Selection,
    bowl: Bowl,
    rng: SimRng,
    /// The current parent.
    pub theta: [f64; 2],
    /// The path of parents.
    pub path: Vec<[f64; 2]>,
    /// The latest step's candidates, from the parent it started at, and whether accepted.
    pub latest: Vec<([f64; 2], bool)>,
    /// The parent the latest step started from.
    pub parent: [f64; 2],
    /// Steps (generations) taken.
    pub steps: u64,
    /// Candidates drawn in all.
    pub candidates: u64,
    /// Candidates accepted in all.
    pub accepted: u64,
}

impl GhostWalk {
    /// A walk from `start`.
    pub fn new(selection: Selection, bowl: Bowl, start: [f64; 2], rng: SimRng) -> Self {
        Self {
            selection,
            bowl,
            rng,
            theta: start,
            path: vec![start],
            latest: Vec::new(),
            parent: start,
            steps: 0,
            candidates: 0,
            accepted: 0,
        }
    }

    /// One step (LOOP: until accepted or the cap; KEEP: one candidate).
    pub fn step(&mut self) {
        let fx = self.bowl.fitness(&self.theta);
        let cap = match self.selection.rule() {
            super::selection::StepRule::Loop { cap } => cap,
            super::selection::StepRule::Keep => 1,
        };
        self.latest.clear();
        self.parent = self.theta;
        for _ in 0..cap {
            let (eps, ok) = self.selection.candidate(&self.bowl, &self.theta, fx, &mut self.rng);
            self.candidates += 1;
            if self.latest.len() < 10_000 {
                self.latest.push((eps, ok));
            }
            if ok {
                self.accepted += 1;
                self.theta = [self.theta[0] + eps[0], self.theta[1] + eps[1]];
                break;
            }
        }
        self.steps += 1;
        if self.path.len() < 100_000 {
            self.path.push(self.theta);
        }
    }

    /// The current loss −f.
    pub fn loss(&self) -> f64 {
        -self.bowl.fitness(&self.theta)
    }
}
