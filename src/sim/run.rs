//! Runs: a model, a problem, a position, a seeded generator and a step counter, with
//! divergence detection. The page and the tests drive the models through these.

use super::error::{Diverged, ParamError};
use super::problem::{ExampleGradients, Objective, ToyParams, ToyProblem, DEFAULT_START};
use super::selection::{Acceptance, Mutation, Selection, SelectionStep, StepRule};
use super::sgd::{MiniBatchSgd, SgdStep};
use super::{rng_for, SimRng};

/// A run stops when a coordinate's magnitude exceeds this, or becomes non-finite.
pub const DIVERGENCE_BOUND: f64 = 1e6;

/// The stream of the seed's generator that SGD draws from.
pub const SGD_STREAM: u64 = 0;
/// The stream of the seed's generator that selection draws from.
pub const SELECTION_STREAM: u64 = 1;

/// SGD's defaults on the toy problem (§B): η = 0.1, B = 4.
pub fn default_sgd() -> MiniBatchSgd {
    MiniBatchSgd::new(0.1, 4).expect("spec defaults are valid")
}

/// Selection's defaults on the toy problem (§B): LOOP, Gaussian σ = 0.05, logistic β = 80.
pub fn default_selection() -> Selection {
    Selection::new(Mutation::Gaussian { sigma: 0.05 }, Acceptance::Logistic { beta: 80.0 }, StepRule::default())
        .expect("spec defaults are valid")
}

/// The toy problem with the spec's defaults.
pub fn default_problem() -> ToyProblem {
    ToyProblem::new(ToyParams::default()).expect("spec defaults are valid")
}

fn advance<const N: usize>(theta: &mut [f64; N], step: &[f64; N], at: u64) -> Result<(), Diverged> {
    let mut next = *theta;
    for (i, (x, d)) in next.iter_mut().zip(step).enumerate() {
        *x += d;
        if !x.is_finite() || x.abs() > DIVERGENCE_BOUND {
            return Err(Diverged { step: at, coordinate: i });
        }
    }
    *theta = next;
    Ok(())
}

/// A mini-batch SGD run.
#[derive(Clone, Debug)]
pub struct SgdRun<P, const N: usize> {
    problem: P,
    sgd: MiniBatchSgd,
    theta: [f64; N],
    rng: SimRng,
    steps: u64,
    diverged: Option<Diverged>,
}

impl<P: ExampleGradients<N>, const N: usize> SgdRun<P, N> {
    /// A run from `start` with generator `(seed, SGD_STREAM)`.
    pub fn new(problem: P, sgd: MiniBatchSgd, start: [f64; N], seed: u64) -> Result<Self, ParamError> {
        check_start(&start)?;
        Ok(Self { problem, sgd, theta: start, rng: rng_for(seed, SGD_STREAM), steps: 0, diverged: None })
    }

    /// Takes one step; after divergence every call returns the same error and θ stays
    /// at its last finite value.
    pub fn step(&mut self) -> Result<SgdStep<N>, Diverged> {
        if let Some(d) = &self.diverged {
            return Err(d.clone());
        }
        let s = self.sgd.step(&self.problem, &self.theta, &mut self.rng);
        advance(&mut self.theta, &s.step, self.steps + 1).inspect_err(|d| self.diverged = Some(d.clone()))?;
        self.steps += 1;
        Ok(s)
    }

    /// The current parameters.
    pub fn theta(&self) -> &[f64; N] {
        &self.theta
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The problem.
    pub fn problem(&self) -> &P {
        &self.problem
    }

    /// The optimiser.
    pub fn sgd(&self) -> &MiniBatchSgd {
        &self.sgd
    }
}

/// A selection run.
#[derive(Clone, Debug)]
pub struct SelectionRun<F, const N: usize> {
    objective: F,
    selection: Selection,
    theta: [f64; N],
    rng: SimRng,
    steps: u64,
    diverged: Option<Diverged>,
}

impl<F: Objective<N>, const N: usize> SelectionRun<F, N> {
    /// A run from `start` with generator `(seed, SELECTION_STREAM)`.
    pub fn new(objective: F, selection: Selection, start: [f64; N], seed: u64) -> Result<Self, ParamError> {
        check_start(&start)?;
        Ok(Self { objective, selection, theta: start, rng: rng_for(seed, SELECTION_STREAM), steps: 0, diverged: None })
    }

    /// Takes one step (one generation under KEEP).
    pub fn step(&mut self) -> Result<SelectionStep<N>, Diverged> {
        self.check()?;
        let s = self.selection.step(&self.objective, &self.theta, &mut self.rng);
        self.apply(s)
    }

    /// One step judged by an objective drawn from this run's generator (an environment
    /// sampled for the generation) instead of the run's own.
    pub fn step_judged_by<G: Objective<N>>(
        &mut self,
        draw: impl FnOnce(&mut SimRng) -> G,
    ) -> Result<SelectionStep<N>, Diverged> {
        self.check()?;
        let judge = draw(&mut self.rng);
        let s = self.selection.step(&judge, &self.theta, &mut self.rng);
        self.apply(s)
    }

    /// The divergence that stopped the run, if one has.
    fn check(&self) -> Result<(), Diverged> {
        self.diverged.clone().map_or(Ok(()), Err)
    }

    /// Moves by a step taken, or records the divergence it causes.
    fn apply(&mut self, s: SelectionStep<N>) -> Result<SelectionStep<N>, Diverged> {
        advance(&mut self.theta, &s.step, self.steps + 1).inspect_err(|d| self.diverged = Some(d.clone()))?;
        self.steps += 1;
        Ok(s)
    }

    /// Draws one candidate from the current parent without moving — for showing ghosts.
    /// It uses the run's own generator, so interleaving it changes the run.
    pub fn peek_candidate(&mut self) -> ([f64; N], bool) {
        let fx = self.objective.fitness(&self.theta);
        self.selection.candidate(&self.objective, &self.theta, fx, &mut self.rng)
    }

    /// The current parameters.
    pub fn theta(&self) -> &[f64; N] {
        &self.theta
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The objective.
    pub fn objective(&self) -> &F {
        &self.objective
    }

    /// The model.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }
}

fn check_start<const N: usize>(start: &[f64; N]) -> Result<(), ParamError> {
    for x in start {
        super::error::check_range("start", *x, -1e3, 1e3)?;
    }
    Ok(())
}

/// FNV-1a over the bits of every coordinate of both models' default runs from `seed`
/// (200 steps each, spec §B defaults, plus a Gaussian-z SGD run and a ball-mutation
/// KEEP run). The same constant on x86_64 and wasm32 shows the runs are bit-identical.
pub fn fingerprint(seed: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: f64| {
        for byte in x.to_bits().to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let gaussian = ToyProblem::new(ToyParams { z: super::ZDistribution::Gaussian, rho: 0.5, ..ToyParams::default() })
        .expect("valid");
    let ball = Selection::new(Mutation::Ball { radius: 0.1 }, Acceptance::Kimura { population: 20.0 }, StepRule::Keep)
        .expect("valid");
    let mut runs_sgd = [
        SgdRun::new(default_problem(), default_sgd(), DEFAULT_START, seed).expect("valid"),
        SgdRun::new(gaussian, default_sgd(), DEFAULT_START, seed).expect("valid"),
    ];
    let mut runs_sel = [
        SelectionRun::new(default_problem(), default_selection(), DEFAULT_START, seed).expect("valid"),
        SelectionRun::new(default_problem(), ball, DEFAULT_START, seed).expect("valid"),
    ];
    for _ in 0..200 {
        for r in runs_sgd.iter_mut() {
            if let Ok(s) = r.step() {
                s.step.iter().for_each(|x| eat(*x));
            }
        }
        for r in runs_sel.iter_mut() {
            if let Ok(s) = r.step() {
                s.step.iter().for_each(|x| eat(*x));
                eat(s.candidates as f64);
            }
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_depends_on_the_seed() {
        assert_ne!(super::fingerprint(43), super::fingerprint(42));
    }
}
