//! Figure `duel` (the centrepiece, section 3): mini-batch SGD and selection side by side
//! on the same problem, from the same seed, on the same clock. For each model: the
//! active plane (a, b), the hidden plane (u, v) and the cloud of hidden steps (Δu, Δv).

use super::{
    ActOutcome, Action, ChartDef, FigureDef, Group, Numbers, Redraw, Scene, Sim, ACCEPTANCE_MENU, STEP_RULE_MENU,
};
use crate::settings::{Choice, Setting};
use crate::sim::duel::{Duel, DuelParams, Judge, Model, MutationShape};
use crate::sim::selection::{AcceptanceKind, RuleKind};
use crate::sim::sgd::MAX_BATCH;
use crate::sim::ZDistribution;

const Z: [Choice; 2] =
    [Choice { key: "rademacher", label: "Rademacher (±1)" }, Choice { key: "gaussian", label: "Gaussian" }];
const MUTATION: [Choice; 2] =
    [Choice { key: "gaussian", label: "Gaussian" }, Choice { key: "ball", label: "Uniform in a ball" }];
const JUDGE: [Choice; 2] = [
    Choice { key: "f", label: "the true fitness f" },
    Choice { key: "batch", label: "a fresh mini-batch each generation (environments)" },
];
/// Steps per second; the last is "as fast as the machine allows".
const SPEEDS: [f64; 11] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, f64::INFINITY];
const SPEED: [Choice; 11] = [
    Choice { key: "1", label: "1 step/s" },
    Choice { key: "2", label: "2 steps/s" },
    Choice { key: "5", label: "5 steps/s" },
    Choice { key: "10", label: "10 steps/s" },
    Choice { key: "20", label: "20 steps/s" },
    Choice { key: "50", label: "50 steps/s" },
    Choice { key: "100", label: "100 steps/s" },
    Choice { key: "200", label: "200 steps/s" },
    Choice { key: "500", label: "500 steps/s" },
    Choice { key: "1000", label: "1000 steps/s" },
    Choice { key: "max", label: "as fast as possible" },
];

// Indices into SETTINGS.
const SEED: usize = 0;
const BATCH: usize = 1;
const LR: usize = 2;
const RHO: usize = 3;
const ZDIST: usize = 4;
const SIGMA: usize = 5;
const MUT: usize = 6;
const ACC: usize = 7;
const BETA: usize = 8;
const POP: usize = 9;
const RULE_I: usize = 10;
const JUDGE_I: usize = 11;
const SPEED_I: usize = 12;

/// The figure's settings; the URL keys are the page's original, bare ones.
pub const SETTINGS: [Setting; 13] = [
    Setting::seed("seed", "Seed", 42),
    Setting::log_count("batch", "Batch size B", (1.0, MAX_BATCH as f64), 4.0),
    Setting::log("lr", "Learning rate η", (0.001, 10.0), 0.1, 3),
    Setting::linear("rho", "Correlation ρ of the hidden gradients", (-1.0, 1.0), 1.0, 2),
    Setting::choice("z", "Hidden factor z", &Z, 0),
    Setting::log("sigma", "Mutation size s (per coordinate)", (0.001, 5.0), 0.05, 3),
    Setting::choice("mutation", "Mutation", &MUTATION, 0),
    Setting::choice("acceptance", "Acceptance", &ACCEPTANCE_MENU, 0),
    Setting::log("beta", "Inverse temperature β", (0.01, 1e5), 80.0, 1)
        .shown_when("acceptance", &["logistic", "metropolis", "probit"]),
    Setting::log("N", "Population N", (1.0, 1e5), 20.0, 0).shown_when("acceptance", &["kimura"]),
    Setting::choice("rule", "Rule", &STEP_RULE_MENU, 0),
    Setting::choice("judge", "Candidates judged by", &JUDGE, 0),
    Setting::choice("speed", "Speed", &SPEED, 5).not_in_url(),
];

/// The parameters `v` describe.
fn params(v: &[f64]) -> DuelParams {
    let pick = |i: usize| v[i] as usize;
    DuelParams {
        seed: v[SEED] as u64,
        batch: v[BATCH] as u64,
        lr: v[LR],
        rho: v[RHO],
        z: [ZDistribution::Rademacher, ZDistribution::Gaussian][pick(ZDIST).min(1)],
        sigma: v[SIGMA],
        mutation: [MutationShape::Gaussian, MutationShape::Ball][pick(MUT).min(1)],
        acceptance: AcceptanceKind::at(v[ACC]),
        beta: v[BETA],
        population: v[POP],
        rule: RuleKind::at(v[RULE_I]),
        judge: [Judge::TrueFitness, Judge::Environment][pick(JUDGE_I).min(1)],
    }
}

const SCENES: [Scene; 8] = [
    Scene {
        key: "perfectly-correlated",
        label: "Perfectly correlated (ρ = 1, the reply's case)",
        notice: "ρ = 1: every example moves u and v together, so SGD's hidden steps lie on one line (r = 1); selection's form a round cloud (r near 0).",
        apply: |_| {},
    },
    Scene {
        key: "partly-correlated",
        label: "Partly correlated (ρ = 0.5)",
        notice: "ρ = 0.5: SGD's hidden steps spread into a tilted ellipse and its r settles near 0.5; selection's r stays near 0.",
        apply: |v| v[RHO] = 0.5,
    },
    Scene {
        key: "anti-correlated",
        label: "Anti-correlated (ρ = −1)",
        notice: "ρ = −1: SGD's hidden steps lie on a line sloping down (r = −1); selection does not see the sign at all.",
        apply: |v| v[RHO] = -1.0,
    },
    Scene {
        key: "gaussian-data",
        label: "Gaussian data (z ~ N(0, 1))",
        notice: "Gaussian z: SGD's steps spread along their line instead of taking B + 1 values, but r is still 1; selection's is still near 0.",
        apply: |v| v[ZDIST] = 1.0,
    },
    Scene {
        key: "big-mutations",
        label: "Big mutations saturate (s = 0.3)",
        notice: "s = 0.3: most mutants are rejected and selection's path through (a, b) is ragged; its hidden steps are still uncorrelated, just larger.",
        apply: |v| v[SIGMA] = 0.3,
    },
    Scene {
        key: "keep",
        label: "KEEP instead of LOOP",
        notice: "KEEP: a rejected mutant leaves the parent where it is, so selection often stands still; the steps that do move are still uncorrelated.",
        apply: |v| v[RULE_I] = 1.0,
    },
    Scene {
        key: "environments",
        label: "Selection judged by sampled environments (Sourbut's answer)",
        notice: "Environments: each generation's candidates are judged by the loss of a fresh mini-batch of B examples. With the logistic rule the environments' imprint cancels exactly and selection's hidden steps stay round (predicted r = 0); choose Kimura or Metropolis acceptance to see a small lean with or against the data, at the predicted value.",
        apply: |v| v[JUDGE_I] = 1.0,
    },
    Scene {
        key: "large-batch",
        label: "Large batch (B = 256)",
        notice: "B = 256: SGD's steps shrink eightfold and its path hugs the mean, yet its hidden steps stay perfectly correlated.",
        apply: |v| v[BATCH] = 256.0,
    },
];

const fn chart(name: &'static str, label: &'static str, class: &'static str) -> ChartDef {
    ChartDef { name, label, aspect: 1.0, class }
}

/// Figure `duel`.
pub static FIGURE: FigureDef = FigureDef {
    id: "duel",
    title: "Mini-batch SGD against selection, on the same problem",
    settings: &SETTINGS,
    charts: &[
        chart("sgd-active", "Mini-batch SGD: active plane (a, b): loss contours and path", "sgd"),
        chart("sgd-hidden", "Mini-batch SGD: hidden plane (u, v): path", "sgd"),
        chart("sgd-steps", "Mini-batch SGD: hidden steps (Δu, Δv), squares", "sgd"),
        chart("sel-active", "Selection: active plane (a, b): loss contours and path", "sel"),
        chart("sel-hidden", "Selection: hidden plane (u, v): path", "sel"),
        chart("sel-steps", "Selection: hidden steps (Δu, Δv), crosses", "sel"),
    ],
    stats: "Step {step:0}.\n\
            Mini-batch SGD: Corr(Δu, Δv) r = {sgd.r:3} (99.9 % interval {sgd.r.lo:3} to {sgd.r.hi:3}); theory {sgd.r.theory:3}.\n\
            Selection: Corr(Δu, Δv) r = {sel.r:3} (99.9 % interval {sel.r.lo:3} to {sel.r.hi:3}); theory {sel.r.theory:3}. \
            Acceptance rate {sel.accept:3}; rejected candidates per step {sel.rejected:2}.",
    takeaway: "SGD's hidden steps (Δu, Δv) fall on a line, correlated as the data are; selection's form a round cloud, uncorrelated whatever the data.",
    caption: "Both models start at θ₀ = (2, −1.5, 0, 0) and share a seed and a clock. The loss depends only on a and b; \
              u and v have zero true gradient, but every example's gradient moves them together. \
              Squares: SGD's steps; crosses: selection's; rings: where each model is now. \
              Dashed lines are theory, drawn under the runs: the mean paths through (a, b), the line SGD's hidden path keeps to when ρ = ±1, \
              and 2-standard-deviation ellipses of the hidden position and of one step. \
              <strong>What to notice:</strong> SGD's hidden path stays on one line and its steps (Δu, Δv) lie on a line; \
              selection's hidden path fills a disc and its steps form a round cloud. \
              With ±1 data SGD's step can take only B + 1 values, so at B = 4 its (Δu, Δv) cloud is five dots on the line.",
    build,
    bare_keys: true,
    replay: true,
    scenes: &SCENES,
    actions: &[
        Action { key: "step", label: "Step", group: None },
        Action { key: "csv", label: "Download the run as CSV", group: super::EXPORT_MENU },
        Action { key: "match", label: "Match to SGD (s = η/√B, β = 2η/s²)", group: Some(1) },
    ],
    groups: &[
        Group { label: "Mini-batch SGD", class: "sgd", keys: &["batch", "lr", "rho", "z"] },
        Group {
            label: "Selection",
            class: "sel",
            keys: &["mutation", "sigma", "acceptance", "beta", "N", "rule", "judge"],
        },
    ],
    layout: "duel-grid",
};

/// Points of the theoretical mean paths.
const PATH_STEPS: usize = 400;
/// Half-width of the active plane.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const ACTIVE_HALF: f64 = 2.5;
/// The charts, in order: (model, view) with views 0 active, 1 hidden, 2 steps.
const CHARTS: [(Model, usize); 6] = [
    (Model::Sgd, 0),
    (Model::Sgd, 1),
    (Model::Sgd, 2),
    (Model::Selection, 0),
    (Model::Selection, 1),
    (Model::Selection, 2),
];

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct DuelSim {
    duel: Duel,
    speed: f64,
    /// Theory that does not change during a run: mean paths (a, b) per model.
    mean_paths: [Option<Vec<[f64; 2]>>; 2],
    /// Half-width of both hidden planes, as last drawn.
    hidden_half: f64,
    /// The hidden axes each chart was drawn with.
    drawn_half: [f64; 6],
    /// Trace of the hidden covariance drawn in each model's base.
    drawn_spread: [f64; 2],
    /// Farthest |u|, |v| of either path, and how far into each path it was checked.
    far: f64,
    far_checked: [usize; 2],
    /// Points of each chart's data drawn so far.
    drawn: [usize; 6],
}

fn model_index(m: Model) -> usize {
    match m {
        Model::Sgd => 0,
        Model::Selection => 1,
    }
}

/// The smallest "nice" half-width (1, 2 or 5 × 10ᵏ) at least `x`.
fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|v| *v >= x).unwrap_or(10.0 * p)
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let duel = Duel::new(params(v)).unwrap_or_else(|_| Duel::new(DuelParams::default()).expect("defaults are valid"));
    let mean_paths =
        [duel.theory_mean_path(Model::Sgd, PATH_STEPS), duel.theory_mean_path(Model::Selection, PATH_STEPS)];
    Box::new(DuelSim {
        duel,
        speed: SPEEDS[(v[SPEED_I] as usize).min(SPEEDS.len() - 1)],
        mean_paths,
        hidden_half: 1.0,
        drawn_half: [1.0; 6],
        drawn_spread: [0.0; 2],
        far: 0.0,
        far_checked: [0; 2],
        drawn: [0; 6],
    })
}

impl DuelSim {
    fn spread(&self, m: Model) -> f64 {
        let c = self.duel.theory_hidden_covariance(m);
        c[0][0] + c[1][1]
    }

    /// Updates the farthest hidden coordinate from the points recorded since last time.
    fn update_far(&mut self) {
        for m in [Model::Sgd, Model::Selection] {
            let path = &self.duel.record(m).path;
            let from = self.far_checked[model_index(m)];
            self.far = path[from.min(path.len())..].iter().fold(self.far, |f, p| f.max(p[2].abs()).max(p[3].abs()));
            self.far_checked[model_index(m)] = path.len();
        }
        if self.far > 0.95 * self.hidden_half {
            self.hidden_half = nice_ceiling(1.3 * self.far);
        }
    }

    /// Half-width of the step clouds: four theoretical standard deviations.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    fn steps_half(&self) -> f64 {
        let s = self.duel.theory_step_covariance(Model::Sgd);
        let sel = self.duel.theory_step_covariance(Model::Selection);
        nice_ceiling(4.0 * s[0][0].max(s[1][1]).max(sel[0][0]).sqrt())
    }
}

impl Sim for DuelSim {
    fn step(&mut self) -> bool {
        self.duel.step();
        !self.duel.halted()
    }

    fn rate(&self) -> f64 {
        self.speed
    }

    fn still_units(&self) -> u64 {
        300
    }

    fn numbers(&self, out: &mut Numbers) {
        let d = &self.duel;
        let (sgd, sel) = (d.sgd_record.correlation(), d.sel_record.correlation());
        let (sgd_theory, sel_theory) = d.theory_correlations();
        out.extend([
            ("step", Some(d.steps() as f64)),
            ("sgd.r", sgd.map(|x| x.0)),
            ("sgd.r.lo", sgd.map(|x| x.1)),
            ("sgd.r.hi", sgd.map(|x| x.2)),
            ("sgd.r.theory", Some(sgd_theory)),
            ("sel.r", sel.map(|x| x.0)),
            ("sel.r.lo", sel.map(|x| x.1)),
            ("sel.r.hi", sel.map(|x| x.2)),
            ("sel.r.theory", sel_theory),
            ("sel.accept", d.acceptance_rate()),
            ("sel.rejected", d.rejected_per_step()),
        ]);
    }

    fn status(&self) -> Option<String> {
        let d = &self.duel;
        let mut w = Vec::new();
        if let Some(x) = &d.sgd_record.diverged {
            w.push(format!("SGD diverged at step {}: try a smaller learning rate.", x.step));
        }
        if let Some(x) = &d.sel_record.diverged {
            w.push(format!("Selection diverged at step {}.", x.step));
        }
        if d.capped_steps > 0 {
            w.push(format!(
                "{} steps hit LOOP's cap of {} candidates without an acceptance.",
                d.capped_steps,
                crate::sim::duel::LOOP_CAP
            ));
        }
        (!w.is_empty()).then(|| w.join(" "))
    }

    fn describe(&self, chart: usize) -> Option<String> {
        let (model, view) = CHARTS[chart.min(CHARTS.len() - 1)];
        let record = self.duel.record(model);
        let at = record.path.last().copied().unwrap_or([0.0; 4]);
        let xy = |x: f64, y: f64| format!("({}, {})", super::said(Some(x), 2), super::said(Some(y), 2));
        Some(match view {
            0 => format!("step {}, now at (a, b) = {}", self.duel.steps(), xy(at[0], at[1])),
            1 => format!("step {}, now at (u, v) = {}", self.duel.steps(), xy(at[2], at[3])),
            _ => {
                let r = record.correlation().map(|c| c.0);
                format!(
                    "{} steps, {}, r = {}",
                    record.hidden.count(),
                    r.map_or("too few to judge", super::shape_of),
                    super::said(r, 2)
                )
            }
        })
    }

    fn retune(&mut self, values: &[f64]) -> bool {
        if params(values) != *self.duel.params() {
            return false;
        }
        self.speed = SPEEDS[(values[SPEED_I] as usize).min(SPEEDS.len() - 1)];
        true
    }

    fn act(&mut self, key: &str, values: &mut [f64]) -> ActOutcome {
        match key {
            "step" => {
                self.duel.step();
                ActOutcome::Ran(1)
            }
            "match" => {
                let (s, b) = self.duel.params().matched_to_sgd();
                values[SIGMA] = s;
                values[BETA] = b;
                values[MUT] = 0.0;
                values[ACC] = 0.0;
                ActOutcome::Restart
            }
            "csv" => {
                let steps = self.duel.steps();
                let header = vec![
                    format!(
                        "selection-sgd {} (link format {})",
                        env!("CARGO_PKG_VERSION"),
                        crate::url_state::FORMAT_VERSION
                    ),
                    format!("seed {}", self.duel.params().seed),
                    format!("parameters {}", crate::url_state::figure_link(&FIGURE, values, Some(steps))),
                    "the toy problem defined in the page's appendix (#appendix-toy); theta0 = (2, -1.5, 0, 0)"
                        .to_string(),
                ];
                ActOutcome::Download { filename: "duel.csv".into(), mime: "text/csv", text: self.duel.to_csv(&header) }
            }
            _ => ActOutcome::Nothing,
        }
    }

    fn refresh(&mut self, chart: usize) -> Redraw {
        let (model, view) = CHARTS[chart];
        if view != 1 {
            return Redraw::Nothing;
        }
        self.update_far();
        let (now, drawn) = (self.spread(model), self.drawn_spread[model_index(model)]);
        if self.drawn_half[chart] != self.hidden_half {
            self.drawn_half[chart] = self.hidden_half;
            self.drawn_spread[model_index(model)] = now;
            return Redraw::All;
        }
        // Redraw the spread ellipse whenever it has grown by a tenth in width.
        if now > 1.21 * drawn || (drawn == 0.0 && now > 0.0) {
            self.drawn_spread[model_index(model)] = now;
            Redraw::Base
        } else {
            Redraw::Nothing
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{contour, covariance_ellipse, Axes, Base, Curve};
        let (model, view) = CHARTS[chart];
        let theory = |points: Vec<(f64, f64)>| Curve { points, color: palette.theory, dashed: true, width: 1.0 };
        match view {
            0 => {
                let pr = self.duel.problem().params();
                let mut curves: Vec<Curve> = [0.05, 0.25, 0.6, 1.1, 1.8, 2.7]
                    .iter()
                    .map(|l| Curve {
                        points: contour((pr.h_a, pr.h_b), *l),
                        color: palette.faint,
                        dashed: false,
                        width: 1.0,
                    })
                    .collect();
                if let Some(path) = &self.mean_paths[model_index(model)] {
                    curves.push(theory(path.iter().map(|p| (p[0], p[1])).collect()));
                }
                let h = ACTIVE_HALF;
                Base { axes: Axes { x: (-h, h), y: (-h, h), x_label: "a", y_label: "b" }, curves, equal: true }
            }
            1 => {
                let h = self.hidden_half;
                let mut curves = Vec::new();
                match (model, self.duel.theory_hidden_line()) {
                    (Model::Sgd, Some(slope)) => curves.push(theory(vec![(-h, -h * slope), (h, h * slope)])),
                    _ => {
                        if self.spread(model) > 0.0 {
                            curves.push(theory(covariance_ellipse(self.duel.theory_hidden_covariance(model), 2.0)));
                        }
                    }
                }
                Base { axes: Axes { x: (-h, h), y: (-h, h), x_label: "u", y_label: "v" }, curves, equal: true }
            }
            _ => {
                let h = self.steps_half();
                let curves = vec![theory(covariance_ellipse(self.duel.theory_step_covariance(model), 2.0))];
                Base { axes: Axes { x: (-h, h), y: (-h, h), x_label: "Δu", y_label: "Δv" }, curves, equal: true }
            }
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, full: bool) {
        use crate::charts::layer;
        use crate::charts::pixels::{Marker, Rgba};
        let (model, view) = CHARTS[chart];
        let color = match model {
            Model::Sgd => p.palette.sgd,
            Model::Selection => p.palette.selection,
        };
        if full {
            p.pixels.clear();
            self.drawn[chart] = 0;
            if view == 1 {
                self.drawn_half[chart] = self.hidden_half;
                self.drawn_spread[model_index(model)] = self.spread(model);
            }
        }
        let rec = self.duel.record(model);
        let from = self.drawn[chart];
        match view {
            0 | 1 => {
                let (ix, iy) = if view == 0 { (0, 1) } else { (2, 3) };
                let c = Rgba::hex(color, 0.85);
                for w in rec.path[from.saturating_sub(1).min(rec.path.len())..].windows(2) {
                    p.pixels.line(p.frame, (w[0][ix], w[0][iy]), (w[1][ix], w[1][iy]), 1.25, c);
                }
                self.drawn[chart] = rec.path.len();
                if let Some(x) = rec.path.last() {
                    if p.frame.contains(x[ix], x[iy]) {
                        layer::ring(p.overlay, p.frame, x[ix], x[iy], color, p.palette.ink);
                    }
                }
            }
            _ => {
                let (marker, c) = match model {
                    Model::Sgd => (Marker::Square, Rgba::hex(color, 0.55)),
                    Model::Selection => (Marker::Cross, Rgba::hex(color, 0.55)),
                };
                for s in &rec.hidden_steps[from.min(rec.hidden_steps.len())..] {
                    p.pixels.marker(p.frame, (s[0], s[1]), marker, 4.0, c);
                }
                self.drawn[chart] = rec.hidden_steps.len();
                if let Some(s) = rec.hidden_steps.last() {
                    if p.frame.contains(s[0], s[1]) {
                        layer::ring(p.overlay, p.frame, s[0], s[1], color, p.palette.ink);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::defaults;

    #[test]
    fn defaults_are_the_spec_defaults_and_speed_only_retunes() {
        let v = defaults(&SETTINGS);
        assert_eq!(params(&v), DuelParams::default());
        let mut sim = build(&v);
        let mut faster = v.clone();
        faster[SPEED_I] = 10.0;
        assert!(sim.retune(&faster));
        assert!(sim.rate().is_infinite());
        let mut other = v.clone();
        other[RHO] = 0.5;
        assert!(!sim.retune(&other));
    }

    #[test]
    fn step_and_match_and_csv() {
        let mut v = defaults(&SETTINGS);
        let mut sim = build(&v);
        assert_eq!(sim.act("step", &mut v), ActOutcome::Ran(1));
        assert_eq!(sim.act("match", &mut v), ActOutcome::Restart);
        let (s, b) = DuelParams::default().matched_to_sgd();
        assert_eq!((v[SIGMA], v[BETA]), (s, b));
        match sim.act("csv", &mut v) {
            ActOutcome::Download { text, .. } => {
                assert!(text.starts_with("# selection-sgd"));
                assert!(text.contains("# parameters ?v=1&seed=42&batch=4&lr=0.1&rho=1"));
                assert!(text.contains("&t=1"));
                assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 3, "header row and two steps");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_hidden_axes_grow_with_the_run() {
        let v = defaults(&SETTINGS);
        let mut sim = build(&v);
        assert_eq!(sim.refresh(1), Redraw::Nothing);
        for _ in 0..2000 {
            sim.step();
        }
        assert_ne!(sim.refresh(1), Redraw::Nothing);
    }
}
