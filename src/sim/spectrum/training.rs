//! Training side by side: mini-batch SGD and selection on the wine model, from the same
//! start and the same seed (SGD stream 0, selection stream 1), selection matched to
//! SGD's small-step rate (logistic acceptance, β = 2η/σ², so k_loop = σ²β/2 = η).
//!
//! Cost is counted in **per-example evaluations**: one example's loss or one example's
//! gradient. An SGD step costs B (its mini-batch's gradients); a selection candidate
//! costs N, the training set's size, because selection sees only the full loss of each
//! candidate (and it evaluates the parent's loss once per step too, which is not counted:
//! a population would remember it).

use super::softmax::{Params, Softmax, DIM};
use crate::sim::learning_rate::matched;
use crate::sim::selection::AcceptanceKind;
use crate::sim::selection::{Mutation, Selection, StepRule};
use crate::sim::sgd::MiniBatchSgd;
use crate::sim::{rng_for, ParamError, SimRng};

/// One recorded point of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainPoint {
    /// Steps taken.
    pub step: u64,
    /// Per-example evaluations spent.
    pub evaluations: f64,
    /// Training loss.
    pub loss: f64,
}

/// Both runs.
pub struct Training {
    model: Softmax,
    sgd: MiniBatchSgd,
    selection: Selection,
    sgd_rng: SimRng,
    sel_rng: SimRng,
    sgd_theta: Params,
    sel_theta: Params,
    steps: u64,
    sgd_evals: f64,
    sel_evals: f64,
    /// SGD's record.
    pub sgd_record: Vec<TrainPoint>,
    /// Selection's record.
    pub sel_record: Vec<TrainPoint>,
    capped: bool,
}

impl Training {
    /// Both models from `start` (see the module's doc for the matching).
    pub fn new(
        model: Softmax,
        start: Params,
        lr: f64,
        batch: u64,
        sigma: f64,
        rule: StepRule,
        seed: u64,
    ) -> Result<Self, ParamError> {
        let sgd = MiniBatchSgd::new(lr, batch)?;
        let beta = 2.0 * lr / (sigma * sigma);
        let selection = Selection::new(Mutation::Gaussian { sigma }, matched(AcceptanceKind::Logistic, beta), rule)?;
        let l0 = model.loss(&start);
        let first = TrainPoint { step: 0, evaluations: 0.0, loss: l0 };
        Ok(Self {
            model,
            sgd,
            selection,
            sgd_rng: rng_for(seed, 0),
            sel_rng: rng_for(seed, 1),
            sgd_theta: start,
            sel_theta: start,
            steps: 0,
            sgd_evals: 0.0,
            sel_evals: 0.0,
            sgd_record: vec![first],
            sel_record: vec![first],
            capped: false,
        })
    }

    /// One step of each model.
    pub fn step(&mut self) {
        let s = self.sgd.step(&self.model, &self.sgd_theta, &mut self.sgd_rng);
        for (t, d) in self.sgd_theta.iter_mut().zip(s.step) {
            *t += d;
        }
        let t = self.selection.step(&self.model, &self.sel_theta, &mut self.sel_rng);
        self.capped |= t.capped;
        for (x, d) in self.sel_theta.iter_mut().zip(t.step) {
            *x += d;
        }
        self.steps += 1;
        self.sgd_evals += self.sgd.batch() as f64;
        self.sel_evals += t.candidates as f64 * self.model.train_len() as f64;
        let n = self.steps;
        self.sgd_record.push(TrainPoint {
            step: n,
            evaluations: self.sgd_evals,
            loss: self.model.loss(&self.sgd_theta),
        });
        self.sel_record.push(TrainPoint {
            step: n,
            evaluations: self.sel_evals,
            loss: self.model.loss(&self.sel_theta),
        });
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// SGD's parameters now.
    pub fn sgd_theta(&self) -> &Params {
        &self.sgd_theta
    }

    /// Selection's parameters now.
    pub fn sel_theta(&self) -> &Params {
        &self.sel_theta
    }

    /// The model.
    pub fn model(&self) -> &Softmax {
        &self.model
    }

    /// Whether a LOOP step hit its cap (then it stayed put).
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Test accuracy of (SGD, selection) now.
    pub fn accuracy(&self) -> (f64, f64) {
        (self.model.test_accuracy(&self.sgd_theta), self.model.test_accuracy(&self.sel_theta))
    }
}

/// Dimension of the parameters, for readouts.
pub const PARAMETERS: usize = DIM;
