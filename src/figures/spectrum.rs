//! Figure `spectrum` (beyond the toy): softmax regression with 42 parameters on the
//! bundled wine data. (a) Both models train from the same start and seed: the loss
//! against steps or against per-example evaluations. (b) At a point the reader picks, the
//! eigenvalue spectrum of each model's step covariance, measured from thousands of steps
//! from that point, beside theory. (c, d) A quadratic of dimension n: selection's rate,
//! and the candidates it needs per unit of progress, against n.
//!
//! The heavy work is cut into units the kit's frame budget schedules: one unit is one
//! training step of each model, two covariance steps of each and a slice of the
//! dimension experiment; each Newton step towards the model's optimum, each of the
//! point's two eigen-decompositions, each preview of a measured spectrum and every few
//! points of the dimension theory curves are units of their own.

use std::sync::OnceLock;

use super::{ChartDef, FigureDef, Numbers, Redraw, Sim, STEP_RULE_MENU};
use crate::settings::{Choice, Setting};
use crate::sim::selection::{RuleKind, StepRule};
use crate::sim::spectrum::data;
use crate::sim::spectrum::dimension::{DimensionExperiment, DimensionParams, DimensionPoint, Sizing};
use crate::sim::spectrum::eigen::{symmetric_eigen, top_share, Eigen};
use crate::sim::spectrum::noise::{Measured, NoiseExperiment, NoiseSummary, PointBasisBuilder, ALIGN_K};
use crate::sim::spectrum::softmax::{Params, Softmax, DIM, PENALTY};
use crate::sim::spectrum::training::Training;

const POINTS: [Choice; 3] = [
    Choice { key: "start", label: "the start (θ = 0)" },
    Choice { key: "partway", label: "partway (θ*/2)" },
    Choice { key: "optimum", label: "the optimum θ*" },
];
const X_AXES: [Choice; 2] =
    [Choice { key: "steps", label: "steps" }, Choice { key: "evals", label: "per-example evaluations" }];

/// The figure's settings.
pub const SETTINGS: [Setting; 8] = [
    Setting::choice("point", "Covariance at", &POINTS, 2),
    Setting::doubling("batch", "SGD batch B", (1.0, 64.0), 8.0),
    Setting::log("sigma", "Mutation size σ", (0.003, 0.05), 0.015, 3),
    Setting::choice("rule", "Selection", &STEP_RULE_MENU, 0),
    Setting::choice("x", "Loss against", &X_AXES, 0).not_in_url(),
    Setting::log_count("n", "Dimension n", (1.0, 2000.0), 1000.0),
    Setting::number("curv", "Curvature h", (0.0, 0.05), 0.001, 0.001),
    Setting::seed("seed", "Seed", 42),
];

/// Figure `spectrum`.
pub static FIGURE: FigureDef = FigureDef {
    id: "spectrum",
    title: "Beyond the toy: 42 parameters, real data, n dimensions",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "spectrum-loss",
            label: "(a) Training loss of softmax regression on the wine data: SGD and selection from the same start",
            aspect: 0.62,
            class: "",
        },
        ChartDef {
            name: "spectrum-eigen",
            label: "(b) Eigenvalues of each model's step covariance at the chosen point, largest first (log scale), \
                    measured against theory",
            aspect: 0.62,
            class: "",
        },
        ChartDef {
            name: "spectrum-dim",
            label: "(c) Selection's rate η_eff against the dimension n, mutation size fixed per coordinate or in total",
            aspect: 0.62,
            class: "",
        },
        ChartDef {
            name: "spectrum-cost",
            label: "(d) Candidates selection needs per unit of progress against the dimension n",
            aspect: 0.62,
            class: "",
        },
    ],
    stats: "A softmax regression with {dim:0} parameters. After {steps:0} steps: training loss SGD {sgd.loss:4}, \
            selection {sel.loss:4} (optimum {opt.loss:4}); test accuracy SGD {sgd.acc:3}, selection {sel.acc:3}; \
            per-example evaluations SGD {sgd.evals:0}, selection {sel.evals:0}.\n\
            Covariance: {cov.done:0} / {cov.target:0} steps from the point. 90 % of the step variance lies in \
            {sgd.rank90:0} directions for SGD (theory {sgd.rank90_theory:0}) and {sel.rank90:0} for selection \
            (theory {sel.rank90_theory:0}); the top 5 hold {sgd.top5:3} and {sel.top5:3} of it. Overlap of the \
            top 5 directions with the Hessian's: SGD {sgd.align:2}, selection {sel.align:2} (chance {chance:2}). \
            Measured / theory trace: SGD {sgd.trace_ratio:3}, selection {sel.trace_ratio:3}.\n\
            At n = {n:0}: rate η_eff per coordinate {dim.rate_pc:5} (theory {dim.rate_pc_theory:5}), total \
            {dim.rate_total:6} (theory {dim.rate_total_theory:6}); acceptance {dim.accept_pc:3} and \
            {dim.accept_total:3}; candidates per unit of progress {dim.cpp_pc:0} and {dim.cpp_total:0} \
            ({dim.progress:0} % measured).",
    takeaway: "With 42 parameters and real data, SGD's noise is still shaped by the data: a few directions — the \
               Hessian's — hold almost all of it, while selection's spreads evenly over all 42.",
    caption: "(a) Training loss (log scale) of mini-batch SGD and selection, each curve named where it ends, against steps or \
              against per-example evaluations: an SGD step costs B, each selection candidate a full pass over the \
              119 training wines. The dashed line is the optimum's loss. (b) Eigenvalues of each model's step \
              covariance at the chosen point, largest first: squares SGD, crosses selection, measured from \
              thousands of steps taken from that one point; the lines are theory, (η²/B)·Cov(per-example \
              gradients) for SGD and σ² in every direction but the gradient's for selection. SGD's eigenvalues that \
              are exactly zero sit on the bottom edge. (c) Selection's mean step along the gradient per unit slope, \
              on a quadratic of dimension n, with the mutation's size fixed per coordinate (circles) or in total \
              (triangles); lines are theory, the dashed vertical line the chosen n. (d) The LOOP candidates needed \
              per unit of progress along the gradient, same marks. <strong>What to notice:</strong> SGD's spectrum \
              falls steeply and has 14 zeros — softmax's per-example gradients cannot move all three classes' \
              weights together — while selection's is flat; and in (c) the rate does not depend on n when each \
              coordinate mutates by the same amount, but falls as 1/n when the total size is fixed.",
    build,
    layout: "spectrum-grid",
    ..FigureDef::PLAIN
};

/// SGD's learning rate (selection's β = 2η/σ² matches its small-step rate).
pub const LR: f64 = 0.1;
/// Training steps shown.
const TRAIN_STEPS: u64 = 2000;
/// Steps from the point for the covariance.
pub const COV_STEPS: u64 = 4000;
/// Covariance steps per unit.
const COV_PER_UNIT: u64 = 2;
/// Coordinates drawn by the dimension experiment per unit.
const DIM_PER_UNIT: u64 = 3000;
/// Preview the measured spectra every this many covariance steps.
const PREVIEW_EVERY: u64 = 1000;
/// Most points drawn per loss curve.
#[cfg(target_arch = "wasm32")]
const CURVE_POINTS: usize = 500;

/// The model and its optimum, computed once.
struct Shared {
    model: Softmax,
    optimum: Params,
    optimum_loss: f64,
}

/// The model and its optimum, once computed (by [`Spectrum::prepare`], a Newton step per
/// unit of work, by whichever figure instance gets there first).
static SHARED: OnceLock<Shared> = OnceLock::new();

fn shared() -> Option<&'static Shared> {
    SHARED.get()
}

/// Newton steps allowed before the optimum is taken as found.
const NEWTON_STEPS: u32 = 100;

fn point_of(s: &Shared, point: usize) -> Params {
    match point {
        0 => [0.0; DIM],
        1 => s.optimum.map(|t| t / 2.0),
        _ => s.optimum,
    }
}

/// Grid points of a dimension chart's theory curve.
const CURVE_N: usize = 61;
/// Theory points computed per unit (each is a few quadratures).
const CURVE_PER_UNIT: usize = 8;

struct Spectrum {
    values: Vec<f64>,
    training: Option<Training>,
    noise: Option<NoiseExperiment>,
    measured: Option<(Measured, NoiseSummary)>,
    dims: DimensionExperiment,
    dims_done: bool,
    error: Option<String>,
    /// The model and the Newton iterate, while the optimum is being found.
    fitting: Option<(Softmax, Params, u32)>,
    /// Charts whose axes were drawn before what they show was known.
    stale: [bool; 4],
    /// The point's theory, while it is being computed.
    basis: Option<PointBasisBuilder>,
    /// SGD's measured spectrum, waiting for selection's (one decomposition per unit).
    half_measured: Option<Eigen>,
    /// Theory curves of charts (c, d), per sizing, filled a few points per unit.
    curves: [Vec<DimensionPoint>; 2],
    /// Theory at the reader's n, per sizing.
    at_n: [DimensionPoint; 2],
}

fn rule_of(v: &[f64]) -> StepRule {
    RuleKind::at(v[3]).with_cap(1_000_000)
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let params = DimensionParams { curvature: v[6], ..DimensionParams::default() };
    let n = v[5] as usize;
    Box::new(Spectrum {
        values: v.to_vec(),
        training: None,
        noise: None,
        measured: None,
        dims: DimensionExperiment::new(params, v[5] as usize, v[7] as u64),
        dims_done: false,
        error: None,
        basis: None,
        fitting: None,
        stale: [false; 4],
        half_measured: None,
        curves: [Vec::new(), Vec::new()],
        at_n: Sizing::ALL.map(|s| params.theory(s, n)),
    })
}

impl Spectrum {
    fn seed(&self) -> u64 {
        self.values[7] as u64
    }

    /// Sets up the runs, one costly piece per call; false if nothing was left to set up.
    fn prepare(&mut self) -> bool {
        if self.error.is_some() {
            return false;
        }
        let Some(s) = shared() else {
            match self.fitting.take() {
                None => match data::wine() {
                    Ok(d) => self.fitting = Some((Softmax::new(d, PENALTY), [0.0; DIM], 0)),
                    Err(e) => self.error = Some(format!("The bundled data could not be read: {e}.")),
                },
                Some((model, mut theta, k)) => {
                    if k < NEWTON_STEPS && model.newton_step(&mut theta) {
                        self.fitting = Some((model, theta, k + 1));
                    } else {
                        let optimum_loss = model.loss(&theta);
                        let _ = SHARED.set(Shared { model, optimum: theta, optimum_loss });
                        self.stale[0] = true;
                    }
                }
            }
            return true;
        };
        let (batch, sigma, rule) = (self.values[1] as u64, self.values[2], rule_of(&self.values));
        if self.training.is_none() {
            match Training::new(s.model.clone(), [0.0; DIM], LR, batch, sigma, rule, self.seed()) {
                Ok(t) => self.training = Some(t),
                Err(e) => self.error = Some(format!("Cannot train: {e}.")),
            }
            return true;
        }
        if self.noise.is_none() {
            let Some(builder) = &mut self.basis else {
                self.basis = Some(PointBasisBuilder::new(&s.model, &point_of(s, self.values[0] as usize)));
                return true;
            };
            let Some(b) = builder.advance() else { return true };
            self.basis = None;
            match NoiseExperiment::new(s.model.clone(), &b, LR, batch, sigma, rule, self.seed(), COV_STEPS) {
                Ok(n) => {
                    self.noise = Some(n);
                    self.stale[1] = true;
                }
                Err(e) => self.error = Some(format!("Cannot measure: {e}.")),
            }
            return true;
        }
        for (k, sizing) in Sizing::ALL.into_iter().enumerate() {
            if self.curves[k].len() < CURVE_N {
                let p = *self.dims.params();
                let from = self.curves[k].len();
                let to = (from + CURVE_PER_UNIT).min(CURVE_N);
                self.curves[k].extend((from..to).map(|i| p.theory(sizing, curve_n(i))));
                if self.curves[k].len() == CURVE_N {
                    self.stale[2] = true;
                    self.stale[3] = true;
                }
                return true;
            }
        }
        false
    }

    /// Decomposes the measured covariances, one per call; true once both are done.
    fn remeasure(&mut self) -> bool {
        let Some(n) = &self.noise else { return true };
        let Some((sgd_cov, sel_cov)) = n.covariances() else { return true };
        match self.half_measured.take() {
            None => {
                self.half_measured = symmetric_eigen(&sgd_cov, DIM);
                self.half_measured.is_none()
            }
            Some(sgd) => {
                if let Some(sel) = symmetric_eigen(&sel_cov, DIM) {
                    let m = Measured { sgd, sel };
                    let summary = n.summary(&m);
                    self.measured = Some((m, summary));
                }
                true
            }
        }
    }

    fn dim_index(&self) -> Option<usize> {
        let n = (self.values[5] as usize).clamp(1, crate::sim::spectrum::dimension::MAX_N);
        self.dims.dims().iter().position(|&d| d == n)
    }

    fn describe_measured(&self, chart: usize) -> Option<String> {
        match chart {
            0 => {
                let t = self.training.as_ref()?;
                let (a, b) = (t.sgd_record.last()?, t.sel_record.last()?);
                Some(format!(
                    "after {} steps the loss is {:.3} for SGD ({:.0} evaluations) and {:.3} for selection ({:.0} \
                     evaluations)",
                    t.steps(),
                    a.loss,
                    a.evaluations,
                    b.loss,
                    b.evaluations
                ))
            }
            1 => {
                let (_, s) = self.measured.as_ref()?;
                Some(format!(
                    "SGD's spectrum falls steeply: 90 % of its step variance in {} of 42 directions; selection's is \
                     flat: {} directions",
                    s.sgd_rank90, s.sel_rank90
                ))
            }
            _ => {
                let at = |s| self.dim_index().and_then(|i| self.dims.measured(i, s));
                let (pc, tot) = (at(Sizing::PerCoordinate)?, at(Sizing::Total)?);
                Some(if chart == 2 {
                    format!(
                        "at n = {}, rate {:.4} with the size fixed per coordinate and {:.2e} with the total size fixed",
                        pc.point.n, pc.point.rate, tot.point.rate
                    )
                } else {
                    format!(
                        "at n = {}, {:.0} candidates per unit of progress per coordinate, {:.0} in total",
                        pc.point.n, pc.point.candidates_per_progress, tot.point.candidates_per_progress
                    )
                })
            }
        }
    }

    /// The largest dimension of the dimension experiment.
    fn dims_max(&self) -> usize {
        self.dims.dims().iter().copied().max().unwrap_or(1)
    }
}

impl Sim for Spectrum {
    fn step(&mut self) -> bool {
        if self.prepare() {
            return true;
        }
        let mut more = false;
        if let Some(t) = &mut self.training {
            if t.steps() < TRAIN_STEPS {
                t.step();
                more = true;
            }
        }
        if self.half_measured.is_some() {
            // The second half of a preview of the measured spectra.
            self.remeasure();
            return true;
        }
        if let Some(n) = &mut self.noise {
            if !n.finished() {
                n.advance(COV_PER_UNIT);
                let done = n.done();
                if done % PREVIEW_EVERY == 0 || n.finished() {
                    self.remeasure();
                }
                more = true;
            }
        }
        if !self.dims_done {
            self.dims_done = !self.dims.advance(DIM_PER_UNIT);
            more = true;
        }
        more
    }

    fn still_units(&self) -> u64 {
        1_000_000
    }

    fn refresh(&mut self, chart: usize) -> Redraw {
        match self.stale.get_mut(chart) {
            Some(stale) if *stale => {
                *stale = false;
                Redraw::All
            }
            _ => Redraw::Nothing,
        }
    }

    fn retune(&mut self, v: &[f64]) -> bool {
        // The loss chart's x axis is a view; everything else starts again.
        let same = v.iter().zip(&self.values).enumerate().all(|(i, (a, b))| i == 4 || a == b);
        if same {
            self.stale[0] |= v[4] != self.values[4];
            self.values = v.to_vec();
        }
        same
    }

    fn numbers(&self, out: &mut Numbers) {
        out.push(("dim", Some(DIM as f64)));
        out.push(("chance", Some(ALIGN_K as f64 / DIM as f64)));
        out.push(("n", Some(self.values[5])));
        out.push(("opt.loss", shared().map(|s| s.optimum_loss)));
        if let Some(t) = &self.training {
            let (a, b) = t.accuracy();
            let (sgd, sel) = (t.sgd_record.last(), t.sel_record.last());
            out.extend([
                ("steps", Some(t.steps() as f64)),
                ("sgd.loss", sgd.map(|p| p.loss)),
                ("sel.loss", sel.map(|p| p.loss)),
                ("sgd.evals", sgd.map(|p| p.evaluations)),
                ("sel.evals", sel.map(|p| p.evaluations)),
                ("sgd.acc", Some(a)),
                ("sel.acc", Some(b)),
            ]);
        } else {
            out.extend([
                ("steps", None),
                ("sgd.loss", None),
                ("sel.loss", None),
                ("sgd.evals", None),
                ("sel.evals", None),
                ("sgd.acc", None),
                ("sel.acc", None),
            ]);
        }
        out.push(("cov.done", self.noise.as_ref().map(|n| n.done() as f64)));
        out.push(("cov.target", Some(COV_STEPS as f64)));
        let m = self.measured.as_ref();
        let th = self.noise.as_ref().map(|n| n.theory());
        out.extend([
            ("sgd.rank90", m.map(|(_, s)| s.sgd_rank90 as f64)),
            ("sel.rank90", m.map(|(_, s)| s.sel_rank90 as f64)),
            ("sgd.rank90_theory", m.map(|(_, s)| s.sgd_rank90_theory as f64)),
            ("sel.rank90_theory", m.map(|(_, s)| s.sel_rank90_theory as f64)),
            ("sgd.top5", m.map(|(e, _)| top_share(&e.sgd.values, 5))),
            ("sel.top5", m.map(|(e, _)| top_share(&e.sel.values, 5))),
            ("sgd.align", m.map(|(_, s)| s.sgd_alignment)),
            ("sel.align", m.map(|(_, s)| s.sel_alignment)),
            ("sgd.trace_ratio", m.map(|(_, s)| s.sgd_trace_ratio)),
            ("sel.trace_ratio", m.map(|(_, s)| s.sel_trace_ratio)),
            ("sgd.top_theory", th.map(|t| t.sgd.values[0])),
            ("sel.perp_theory", th.map(|t| t.sel_perpendicular)),
        ]);
        let at = |s| self.dim_index().and_then(|i| self.dims.measured(i, s));
        let (pc, tot) = (at(Sizing::PerCoordinate), at(Sizing::Total));
        out.extend([
            ("dim.rate_pc", pc.map(|m| m.point.rate)),
            ("dim.rate_total", tot.map(|m| m.point.rate)),
            ("dim.rate_pc_theory", Some(self.at_n[0].rate)),
            ("dim.rate_total_theory", Some(self.at_n[1].rate)),
            ("dim.accept_pc", pc.map(|m| m.point.acceptance)),
            ("dim.accept_total", tot.map(|m| m.point.acceptance)),
            ("dim.cpp_pc", pc.map(|m| m.point.candidates_per_progress).filter(|v| v.is_finite())),
            ("dim.cpp_total", tot.map(|m| m.point.candidates_per_progress).filter(|v| v.is_finite())),
            ("dim.progress", Some(100.0 * self.dims.progress())),
        ]);
    }

    fn status(&self) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(e.clone());
        }
        if self.training.as_ref().is_some_and(Training::capped) {
            return Some("A selection step hit its cap of 1,000,000 candidates and stayed put.".into());
        }
        None
    }

    fn describe(&self, chart: usize) -> Option<String> {
        self.describe_measured(chart).or_else(|| {
            let done = self.noise.as_ref().map_or(0, |n| n.done());
            Some(match chart {
                0 => "training not started yet: 0 steps".to_string(),
                1 => format!("measuring the step covariance: {done} of {COV_STEPS} steps"),
                _ => format!("measuring the dimension experiment, up to n = {}", self.dims_max()),
            })
        })
    }

    fn log_scale(&self, chart: usize) -> (bool, bool) {
        match chart {
            0 => (self.values[4] as usize == 1, true),
            1 => (false, true),
            _ => (true, true),
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{Axes, Base, Curve};
        let line = |points: Vec<(f64, f64)>, color, dashed, width| Curve { points, color, dashed, width };
        match chart {
            0 => {
                let evals = self.values[4] as usize == 1;
                let n = shared().map_or(119.0, |s| s.model.train_len() as f64);
                let x = if evals { (1.0, TRAIN_STEPS as f64 * n * 4.0) } else { (0.0, TRAIN_STEPS as f64) };
                let opt = shared().map_or(0.1, |s| s.optimum_loss);
                let y = (opt * 0.8, 1.5);
                Base {
                    axes: Axes {
                        x,
                        y,
                        x_label: if evals { "per-example evaluations (log scale)" } else { "steps" },
                        y_label: "training loss (log scale)",
                    },
                    curves: vec![line(vec![(x.0, opt), (x.1, opt)], palette.theory, true, 1.0)],
                    equal: false,
                }
            }
            1 => {
                let (lo, hi) = self.spectrum_range();
                let mut curves = Vec::new();
                if let Some(t) = self.noise.as_ref().map(|n| n.theory()) {
                    let pts = |vals: &[f64]| {
                        vals.iter().enumerate().map(|(k, v)| ((k + 1) as f64, v.max(lo))).collect::<Vec<_>>()
                    };
                    curves.push(line(pts(&t.sgd.values), palette.sgd, true, 1.5));
                    curves.push(line(pts(&t.sel_values), palette.selection, true, 1.5));
                }
                Base {
                    axes: Axes {
                        x: (0.0, DIM as f64 + 1.0),
                        y: (lo, hi),
                        x_label: "eigen-direction (largest first)",
                        y_label: "step variance (log scale)",
                    },
                    curves,
                    equal: false,
                }
            }
            _ => {
                let curve = |s: Sizing| -> Vec<(f64, f64)> {
                    self.curves[s as usize]
                        .iter()
                        .map(|t| (t.n as f64, if chart == 2 { t.rate } else { t.candidates_per_progress }))
                        .collect()
                };
                let (a, b) = (curve(Sizing::PerCoordinate), curve(Sizing::Total));
                let ys = a.iter().chain(&b).map(|q| q.1).filter(|v| v.is_finite() && *v > 0.0);
                let (lo, hi) = ys.fold((f64::INFINITY, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
                let (lo, hi) = if lo < hi { (lo, hi) } else { (1e-6, 1e6) };
                let n = self.values[5];
                let (lo, hi) = (lo / 3.0, hi * 20.0);
                Base {
                    axes: Axes {
                        x: (0.8, 2500.0),
                        y: (lo, hi),
                        x_label: "dimension n (log scale)",
                        y_label: if chart == 2 { "η_eff" } else { "candidates" },
                    },
                    curves: vec![
                        line(a, palette.selection, false, 1.5),
                        line(b, palette.ink, false, 1.5),
                        line(vec![(n, lo), (n, hi)], palette.ghost, true, 1.0),
                    ],
                    equal: false,
                }
            }
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, _full: bool) {
        use crate::charts::layer;
        use crate::charts::pixels::Marker;
        let (f, o, pal) = (p.frame, p.overlay, p.palette);
        match chart {
            0 => {
                let Some(t) = &self.training else { return };
                let evals = self.values[4] as usize == 1;
                for (rec, color, name) in [(&t.sgd_record, pal.sgd, "SGD"), (&t.sel_record, pal.selection, "selection")]
                {
                    let every = (rec.len() / CURVE_POINTS).max(1);
                    let at = |q: &crate::sim::spectrum::training::TrainPoint| {
                        (if evals { q.evaluations.max(1.0) } else { q.step as f64 }, q.loss)
                    };
                    let pts = rec
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % every == 0 || *i + 1 == rec.len())
                        .map(|(_, q)| at(q));
                    layer::polyline(o, f, pts, color, 2.0);
                    // Each curve named where it ends, in its own colour.
                    if let Some(last) = rec.last() {
                        layer::label(o, f, at(last), (-4.0, -4.0), name, color, pal.background);
                    }
                }
            }
            1 => {
                let Some((m, _)) = &self.measured else {
                    layer::label(o, f, (f.x.1, f.y.1), (-6.0, 4.0), "measuring…", pal.ink, pal.background);
                    return;
                };
                let lo = f.y.0;
                let pts = |vals: &[f64]| {
                    vals.iter().enumerate().map(|(k, v)| ((k + 1) as f64, v.max(lo * 1.05))).collect::<Vec<_>>()
                };
                layer::markers(o, f, pts(&m.sgd.values).into_iter(), Marker::Square, pal.sgd, 6.0, None);
                layer::markers(o, f, pts(&m.sel.values).into_iter(), Marker::Cross, pal.selection, 7.0, None);
                layer::label(
                    o,
                    f,
                    (f.x.1, f.y.1),
                    (-6.0, 4.0),
                    "squares SGD · crosses selection · dashed theory",
                    pal.ink,
                    pal.background,
                );
            }
            _ => {
                for (sizing, marker, color) in
                    [(Sizing::PerCoordinate, Marker::Circle, pal.selection), (Sizing::Total, Marker::Triangle, pal.ink)]
                {
                    let pts: Vec<(f64, f64)> = (0..self.dims.dims().len())
                        .filter_map(|i| self.dims.measured(i, sizing))
                        .map(|m| {
                            let y = if chart == 2 { m.point.rate } else { m.point.candidates_per_progress };
                            (m.point.n as f64, y)
                        })
                        .filter(|q| q.1.is_finite() && q.1 > 0.0)
                        .collect();
                    layer::markers(o, f, pts.into_iter(), marker, color, 8.0, Some(pal.background));
                }
                let text = if chart == 2 { "circles: size per coordinate · triangles: total size" } else { "" };
                if !text.is_empty() {
                    layer::label(o, f, (f.x.1, f.y.1), (-6.0, 4.0), text, pal.ink, pal.background);
                }
            }
        }
    }
}

/// The dimension of theory point `i` of a curve: 1 to 2,000, evenly in log.
fn curve_n(i: usize) -> usize {
    libm::round(libm::pow(10.0, 3.302 * i as f64 / (CURVE_N - 1) as f64)) as usize
}

impl Spectrum {
    /// The spectrum chart's y range: both theories' positive eigenvalues, with room.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    fn spectrum_range(&self) -> (f64, f64) {
        let Some(t) = self.noise.as_ref().map(|n| n.theory()) else { return (1e-9, 1e-3) };
        let top = t.sgd.values[0].max(t.sel_values[0]);
        let smallest = t.sgd.values.iter().copied().filter(|v| *v > top * 1e-9).fold(top, f64::min);
        // Room above the flat line for the key, and below the smallest for the zeros.
        (smallest / 3.0, top * 20.0)
    }
}
