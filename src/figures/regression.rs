//! Figure `regression` (section 6, spec §C): linear regression with correlated features,
//! in the weight plane, one chart per model. "One step": many single steps from one
//! point — SGD's shaped like H, selection's mutations round. "Long run": both run on
//! around the optimum — SGD's cloud nearly round, KEEP selection's stretched along the
//! flat valley like H⁻¹/β.

use super::{first_rules, ChartDef, FigureDef, Numbers, Sim};
use crate::settings::{Choice, Setting};
use crate::sim::maths::correlation_of;
use crate::sim::regression_lab::{LabParams, LabTheory, LongRun, StepCloud};
use crate::sim::selection::{Acceptance, AcceptanceKind};
use crate::sim::stats::RunningCorrelation;

/// Single steps drawn per model: enough for r's 99.9 % interval to be about ±0.01 at the
/// optimum (Fisher z: ±3.29/√(N − 3) in atanh r, times 1 − r² = 0.19).
const CLOUD_CAP: usize = 5000;
/// Single steps per unit of work (one frame's worth at 60 frames a second): the cloud
/// fills in about three seconds.
const CLOUD_PER_UNIT: usize = 30;
/// Long-run steps per model, about ten seconds at the rate below.
const LONG_CAP: u64 = 400_000;
/// Long-run steps per unit of work.
const LONG_PER_UNIT: u64 = 700;
/// Units of work per second.
const RATE: f64 = 60.0;
/// Steps left out of the long-run statistics: both start at w*, and SGD's spread needs a
/// few hundred steps (1/(2ηλ_min) = 50 at the defaults) to reach its stationary size.
const BURN_IN: u64 = 2000;
/// One long-run position in this many is drawn.
const THIN: u64 = 40;
/// Theory and measured ellipses are drawn at two standard deviations (Mahalanobis 2),
/// which hold about 86 % of a 2-D Gaussian.
#[cfg(target_arch = "wasm32")]
const ELLIPSE_SD: f64 = 2.0;

/// What the charts show.
const VIEWS: [Choice; 2] =
    [Choice { key: "one-step", label: "One step" }, Choice { key: "long-run", label: "Long run" }];
/// The figure's settings. The URL keys are those links already carry (`corr` for the
/// feature correlation); the point and the view are new to the URL.
pub const SETTINGS: [Setting; 9] = [
    Setting::choice("view", "Show", &VIEWS, 0),
    Setting::log("lr", "Learning rate η", (0.001, 0.3), 0.1, 3),
    Setting::doubling("batch", "Batch size B", (1.0, 64.0), 1.0),
    Setting::log("s", "Mutation size s", (0.001, 1.0), 0.1, 3),
    Setting::log("beta", "Inverse temperature β", (1.0, 1000.0), 100.0, 0),
    Setting::choice("rule", "Acceptance", first_rules(2), 0),
    Setting::number("corr", "Feature correlation", (-0.95, 0.95), 0.9, 0.05),
    Setting::number("offset1", "Point: w₁ − w₁*", (-1.0, 1.0), 0.0, 0.05),
    Setting::number("offset2", "Point: w₂ − w₂*", (-1.0, 1.0), 0.0, 0.05),
];

/// Indices into [`SETTINGS`].
const VIEW: usize = 0;
const OFFSET1: usize = 7;
const OFFSET2: usize = 8;

/// Figure `regression`.
pub static FIGURE: FigureDef = FigureDef {
    id: "regression",
    title: "Linear regression: the shape of each model's noise, one step and in the long run",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "regression-sgd",
            label: "Mini-batch SGD (squares) in the weight plane: single steps from the ringed point, or its long-run positions around the optimum; dashed ellipse theory, solid ellipse measured",
            aspect: 1.0, class: ""
        },
        ChartDef {
            name: "regression-sel",
            label: "Selection (crosses accepted, dots rejected) in the weight plane: candidate mutations from the ringed point, or KEEP's long-run positions; dashed ellipse theory, solid ellipse measured",
            aspect: 1.0, class: ""
        },
    ],
    stats: "One step from w = ({point.w1:2}, {point.w2:2}). SGD: r = {step_r:3} (99.9 % interval {step_r.lo:3} to \
            {step_r.hi:3}); theory {step_r.theory:3}. Selection, all mutations: r = {sel_step_r:3} (99.9 % interval \
            {sel_step_r.lo:3} to {sel_step_r.hi:3}); theory {sel_step_r.theory:3}. Accepted only: r = {sel_acc_r:3} \
            ({sel_acc_r.lo:3} to {sel_acc_r.hi:3}), exact {sel_acc_r.theory:3}; accepted {sel_accept:3} of candidates \
            (exact {sel_accept.theory:3}).\n\
            Long run. SGD: r = {long_r.sgd:3}; theory {long_r.sgd.theory:3} (small-η form (ησ²/B)(2I − ηH)⁻¹: \
            {long_r.sgd.small_lr:3}). KEEP selection: r = {long_r.sel:3}; theory H⁻¹/β: {long_r.sel.theory:3}; \
            acceptance {long_accept:3}.\n\
            Single steps {samples:0} of {samples.cap:0}; long run, step {steps:0} of {steps.cap:0} (statistics after \
            step {burn_in:0}).",
    takeaway: "One step, SGD's noise is stretched like the curvature H while mutations are round; in the long run the \
               shapes swap: SGD's cloud is nearly round and selection's lies along the flat valley.",
    caption: "<p>Linear regression with two correlated features: the faint ellipses are loss contours around the \
              optimum w* (small plus), shaped by the feature covariance Σ, which is also the Hessian H. Dashed \
              ellipses are theory (<a href=\"#appendix-regression\">appendix</a>) and solid ones the measurement, \
              both at two standard deviations. <em>One step</em>: SGD's steps from the ringed point (squares) and \
              selection's candidate mutations (crosses accepted, dots rejected); on the selection chart the dashed \
              circle is the mutation law s²I and the dashed ellipse the exact law of the accepted mutations. Click \
              or tap a chart in this view to move the point. <em>Long run</em>: both models start at w* and run on \
              (selection with KEEP); every 40th position is drawn, and the ring is the current one.</p>\
              <p class=\"what-to-notice\"><strong>What to notice:</strong> one step, SGD's squares spread along the \
              steep direction, like H, while the mutations are round and the accepted ones lean along the valley; \
              in the long run the shapes swap: SGD's cloud is nearly round and selection's lies along the flat \
              valley, like H⁻¹.</p>",
    build,
    ..FigureDef::PLAIN
};

/// What the charts show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    OneStep,
    LongRun,
}

/// The rule chosen in the menu, as the science's type. The menu offers the two rules
/// whose forward/reverse ratio is e^{βΔ} (logistic and Metropolis), so that KEEP's
/// long-run law is ∝ e^{βf}.
fn acceptance(rule: f64, beta: f64) -> Acceptance {
    AcceptanceKind::at(rule).with(beta, 1.0)
}

fn params_of(v: &[f64]) -> LabParams {
    LabParams {
        lr: v[1],
        batch: v[2] as u64,
        s: v[3],
        acceptance: acceptance(v[5], v[4]),
        feature_corr: v[6],
        offset: [v[OFFSET1], v[OFFSET2]],
        ..LabParams::default()
    }
}

fn view_of(v: &[f64]) -> View {
    if v[VIEW] as usize == 1 {
        View::LongRun
    } else {
        View::OneStep
    }
}

/// The half-width of the square view around w*: theory's extent, in steps of ¼.
#[cfg(target_arch = "wasm32")]
fn view_half(extent: f64) -> f64 {
    if !extent.is_finite() {
        return 1.0;
    }
    ((extent / 0.25).ceil() * 0.25).clamp(0.75, 10.0)
}

/// Both simulations and their theory.
struct Run {
    theory: LabTheory,
    cloud: StepCloud,
    long: LongRun,
}

impl Run {
    fn new(p: &LabParams) -> Option<Self> {
        Some(Self {
            theory: LabTheory::of(p).ok()?,
            cloud: StepCloud::new(p, CLOUD_CAP).ok()?,
            long: LongRun::new(p, LONG_CAP, BURN_IN, THIN).ok()?,
        })
    }
}

struct Regression {
    params: LabParams,
    view: View,
    run: Option<Run>,
    /// Marks of the current view already in each chart's data layer.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    drawn: [usize; 2],
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let params = params_of(v);
    Box::new(Regression { params, view: view_of(v), run: Run::new(&params), drawn: [0; 2] })
}

/// A correlation with its 99.9 % interval, as three readouts.
fn push_interval(out: &mut Numbers, names: [&'static str; 3], rc: &RunningCorrelation) {
    let interval = rc.correlation_interval_999();
    out.extend([(names[0], rc.correlation()), (names[1], interval.map(|i| i.0)), (names[2], interval.map(|i| i.1))]);
}

impl Sim for Regression {
    fn step(&mut self) -> bool {
        let Some(r) = &mut self.run else { return false };
        r.cloud.draw(CLOUD_PER_UNIT);
        r.long.advance(LONG_PER_UNIT);
        !(r.cloud.done() && r.long.done())
    }

    fn rate(&self) -> f64 {
        RATE
    }

    /// The single-step clouds full, and the long run a quarter through (over a hundred
    /// thousand steps, far beyond its relaxation time): both views make their point.
    fn still_units(&self) -> u64 {
        CLOUD_CAP.div_ceil(CLOUD_PER_UNIT) as u64
    }

    fn numbers(&self, out: &mut Numbers) {
        let p = &self.params;
        out.extend([
            ("feature_corr", Some(p.feature_corr)),
            ("point.w1", Some(p.point()[0])),
            ("point.w2", Some(p.point()[1])),
            ("sel_step_r.theory", Some(0.0)),
            ("samples.cap", Some(CLOUD_CAP as f64)),
            ("steps.cap", Some(LONG_CAP as f64)),
            ("burn_in", Some(BURN_IN as f64)),
        ]);
        let Some(r) = &self.run else { return };
        let (t, c, l) = (&r.theory, &r.cloud, &r.long);
        let sgd_r = t.long.sgd.map(correlation_of);
        let keep_r = t.long.selection.map(correlation_of);
        out.extend([
            ("step_r.theory", Some(t.step.sgd_correlation())),
            ("sel_acc_r.theory", t.step.accepted.map(|a| a.correlation())),
            ("sel_accept.theory", t.step.accepted.map(|a| a.rate)),
            ("long_r.sgd.theory", sgd_r),
            ("long_r.sgd.small_lr", t.long.sgd_small_lr.map(correlation_of)),
            ("long_r.sel.theory", keep_r),
            // The prose's numbers: theory at the figure's settings.
            ("sgd_r", sgd_r),
            ("keep_r", keep_r),
            ("samples", Some(c.len() as f64)),
            ("sel_accept", c.acceptance_rate()),
            ("steps", Some(l.steps() as f64)),
            ("long_r.sgd", l.sgd_pos.correlation()),
            ("long_r.sel", l.sel_pos.correlation()),
            ("long_accept", l.acceptance_rate()),
        ]);
        push_interval(out, ["step_r", "step_r.lo", "step_r.hi"], &c.sgd_corr);
        push_interval(out, ["sel_step_r", "sel_step_r.lo", "sel_step_r.hi"], &c.mutation_corr);
        push_interval(out, ["sel_acc_r", "sel_acc_r.lo", "sel_acc_r.hi"], &c.accepted_corr);
    }

    fn status(&self) -> Option<String> {
        let Some(r) = &self.run else { return Some("These values do not make a valid run.".into()) };
        let mut w = Vec::new();
        if let Some(s) = r.long.sgd_diverged {
            w.push(format!("SGD diverged at step {s}: try a smaller η or a larger batch."));
        }
        if r.theory.long.sgd.is_none() {
            w.push("At this η and B, SGD's spread grows without bound: it has no long-run cloud.".to_string());
        }
        (!w.is_empty()).then(|| w.join(" "))
    }

    fn describe(&self, chart: usize) -> Option<String> {
        if self.run.is_none() {
            return Some("nothing: these values do not make a valid run".into());
        }
        Some(super::words(
            self,
            match (self.view, chart) {
                (View::OneStep, 0) => "{samples:0} single steps from the ringed point, r = {step_r:2} (theory {step_r.theory:2})",
                (View::OneStep, _) => {
                    "{samples:0} candidate mutations, {sel_accept:2} accepted; accepted steps r = {sel_acc_r:2} (exact {sel_acc_r.theory:2})"
                }
                (View::LongRun, 0) => "long run, step {steps:0}: positions r = {long_r.sgd:2} (theory {long_r.sgd.theory:2})",
                (View::LongRun, _) => "long run, step {steps:0}: positions r = {long_r.sel:2} (theory {long_r.sel.theory:2})",
            },
        ))
    }

    /// A new view is only drawn anew; a new point draws new single steps and keeps the
    /// long run, which does not depend on it; anything else is a new run.
    fn retune(&mut self, v: &[f64]) -> bool {
        let p = params_of(v);
        if p == self.params {
            self.view = view_of(v);
            return true;
        }
        let same_run = LabParams { offset: self.params.offset, ..p } == self.params;
        if !same_run {
            return false;
        }
        let (Some(r), Ok(theory), Ok(cloud)) = (&mut self.run, LabTheory::of(&p), StepCloud::new(&p, CLOUD_CAP)) else {
            return false;
        };
        r.theory = theory;
        r.cloud = cloud;
        self.params = p;
        self.view = view_of(v);
        true
    }

    /// In the one-step view, a click moves the point there.
    fn picks(&self, _chart: usize, x: f64, y: f64) -> Vec<(&'static str, f64)> {
        match (&self.run, self.view) {
            (Some(r), View::OneStep) => {
                let w = r.theory.w_star;
                vec![(SETTINGS[OFFSET1].key, x - w[0]), (SETTINGS[OFFSET2].key, y - w[1])]
            }
            _ => Vec::new(),
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{covariance_ellipse, Axes, Base, Curve};
        let Some(r) = &self.run else {
            return Base {
                axes: Axes { x: (0.0, 2.0), y: (-1.5, 0.5), x_label: "w₁", y_label: "w₂" },
                curves: Vec::new(),
                equal: true,
            };
        };
        let t = &r.theory;
        let (w, half) = (t.w_star, view_half(t.extent()));
        let ellipse = |centre: [f64; 2], cov, k, color, dashed, width| Curve {
            points: covariance_ellipse(cov, k).into_iter().map(|(x, y)| (x + centre[0], y + centre[1])).collect(),
            color,
            dashed,
            width,
        };
        // Loss contours, evenly spaced along the flat direction to fill the view.
        let mut curves: Vec<Curve> = (1..=6)
            .filter_map(|k| t.contour(f64::from(k) * half / 4.0))
            .map(|m| ellipse(w, m, 1.0, palette.faint, false, 1.0))
            .collect();
        // The optimum: a small plus.
        let d = 0.04 * half;
        for (a, b) in [((w[0] - d, w[1]), (w[0] + d, w[1])), ((w[0], w[1] - d), (w[0], w[1] + d))] {
            curves.push(Curve { points: vec![a, b], color: palette.ink, dashed: false, width: 1.5 });
        }
        // Theory, dashed, under the data.
        let shift = |a: [f64; 2], b: [f64; 2]| [a[0] + b[0], a[1] + b[1]];
        let theory = match (self.view, chart) {
            (View::OneStep, 0) => vec![(shift(t.point, t.step.sgd_mean), t.step.sgd_cov, palette.theory)],
            (View::OneStep, _) => {
                let mut v = vec![(t.point, t.step.mutation_cov, palette.ghost)];
                v.extend(t.step.accepted.map(|a| (shift(t.point, a.mean), a.cov, palette.theory)));
                v
            }
            (View::LongRun, 0) => t.long.sgd.map(|c| (w, c, palette.theory)).into_iter().collect(),
            (View::LongRun, _) => t.long.selection.map(|c| (w, c, palette.theory)).into_iter().collect(),
        };
        curves
            .extend(theory.into_iter().map(|(centre, cov, color)| ellipse(centre, cov, ELLIPSE_SD, color, true, 1.5)));
        Base {
            axes: Axes {
                x: (w[0] - half, w[0] + half), y: (w[1] - half, w[1] + half), x_label: "w₁", y_label: "w₂"
            },
            curves,
            equal: true,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, full: bool) {
        use crate::charts::layer;
        use crate::charts::pixels::{Marker, Rgba};
        use crate::charts::plane::covariance_ellipse;
        let Some(r) = &self.run else { return };
        let Some(drawn) = self.drawn.get_mut(chart) else { return };
        if full {
            *drawn = 0;
        }
        let pal = p.palette;
        let (color, marker) = if chart == 0 { (pal.sgd, Marker::Square) } else { (pal.selection, Marker::Cross) };
        let at = |o: [f64; 2], d: [f64; 2]| (o[0] + d[0], o[1] + d[1]);
        // New marks into the data layer.
        match (self.view, chart) {
            (View::OneStep, 0) => {
                let (c, o) = (&r.cloud, r.cloud.point());
                let ink = Rgba::hex(pal.sgd, 0.45);
                for d in &c.sgd_steps[(*drawn).min(c.len())..] {
                    p.pixels.marker(p.frame, at(o, *d), Marker::Square, 3.0, ink);
                }
                *drawn = c.len();
            }
            (View::OneStep, _) => {
                let (c, o) = (&r.cloud, r.cloud.point());
                let new = &c.candidates[(*drawn).min(c.candidates.len())..];
                let (ghost, accepted) = (Rgba::hex(pal.ghost, 0.55), Rgba::hex(pal.selection, 0.7));
                for x in new.iter().filter(|x| !x.accepted) {
                    p.pixels.marker(p.frame, at(o, x.step), Marker::Dot, 2.5, ghost);
                }
                for x in new.iter().filter(|x| x.accepted) {
                    p.pixels.marker(p.frame, at(o, x.step), Marker::Cross, 5.0, accepted);
                }
                *drawn = c.candidates.len();
            }
            (View::LongRun, _) => {
                let trail = if chart == 0 { &r.long.sgd_trail } else { &r.long.sel_trail };
                let (size, ink) = if chart == 0 { (2.5, Rgba::hex(color, 0.35)) } else { (4.0, Rgba::hex(color, 0.4)) };
                for w in &trail[(*drawn).min(trail.len())..] {
                    p.pixels.marker(p.frame, (w[0], w[1]), marker, size, ink);
                }
                *drawn = trail.len();
            }
        }
        // The overlay: the measured ellipse and the current point.
        let (rc, origin, ring) = match self.view {
            View::OneStep => {
                let c = &r.cloud;
                (if chart == 0 { &c.sgd_corr } else { &c.accepted_corr }, c.point(), (c.point(), pal.background))
            }
            View::LongRun => {
                let l = &r.long;
                let w = if chart == 0 { l.sgd_theta() } else { l.sel_theta() };
                (if chart == 0 { &l.sgd_pos } else { &l.sel_pos }, [0.0, 0.0], (w, color))
            }
        };
        if rc.count() >= 10 {
            if let (Some(m), Some(cov)) = (rc.mean(), rc.covariance()) {
                let pts: Vec<(f64, f64)> = covariance_ellipse(cov, ELLIPSE_SD)
                    .into_iter()
                    .map(|(x, y)| at(origin, [m[0] + x, m[1] + y]))
                    .collect();
                layer::haloed_polyline(p.overlay, p.frame, &pts, color, pal.background, 2.0);
            }
        }
        layer::ring(p.overlay, p.frame, ring.0[0], ring.0[1], ring.1, pal.ink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::defaults;

    #[test]
    fn defaults_are_the_labs_and_old_links_read_the_same() {
        let v = defaults(&SETTINGS);
        assert_eq!(params_of(&v), LabParams::default());
        assert_eq!(view_of(&v), View::OneStep);
        // Keys links carried before, with their values.
        for (key, raw, want) in
            [("lr", "0.005", 0.005), ("batch", "16", 16.0), ("s", "0.25", 0.25), ("corr", "-0.5", -0.5)]
        {
            let s = SETTINGS.iter().find(|s| s.key == key).expect("declared");
            assert_eq!(s.read(&FIGURE.url_key(s.key), raw), (want, None), "{key}={raw}");
        }
    }

    #[test]
    fn a_new_point_keeps_the_long_run_and_a_click_moves_it() {
        let mut v = defaults(&SETTINGS);
        let mut sim = build(&v);
        for _ in 0..10 {
            sim.step();
        }
        let moved = sim.picks(0, 1.5, -0.25);
        assert_eq!(moved.len(), 2);
        for (key, x) in moved {
            let i = crate::settings::index_of(&SETTINGS, key).unwrap();
            v[i] = SETTINGS[i].valid(x);
        }
        assert_eq!((v[OFFSET1], v[OFFSET2]), (0.5, 0.25));
        assert!(sim.retune(&v));
        let mut out = Numbers::new();
        sim.numbers(&mut out);
        let get = |n: &str| out.iter().find(|(k, _)| *k == n).and_then(|(_, v)| *v);
        assert_eq!(get("samples"), Some(0.0));
        assert_eq!(get("steps"), Some(7000.0));
        // In the long-run view a click is not a setting; a new η is a new run.
        v[VIEW] = 1.0;
        assert!(sim.retune(&v));
        assert!(sim.picks(0, 1.0, 0.0).is_empty());
        v[1] = 0.05;
        assert!(!sim.retune(&v));
    }
}
