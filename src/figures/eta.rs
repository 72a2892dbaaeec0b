//! Figure `eta` (section 4): the gradient-dependent learning rate (§A.1.3). η_eff(|∇f|)
//! of four matched acceptance rules by theory and by a Monte Carlo of selection run in
//! the page, against SGD's constant η.

use super::{ChartDef, FigureDef, Numbers, Sim, STEP_RULE_MENU};
use crate::settings::{Choice, Setting};
use crate::sim::learning_rate::{
    eta_curve, eta_eff, small_step_rate, toy_start_slope, EtaExperiment, EtaParams, EtaSummary,
};
use crate::sim::selection::{AcceptanceKind, RuleKind};

const fn choice(key: &'static str, label: &'static str) -> Choice {
    Choice { key, label }
}

/// Whether a rule's curve and points are shown.
const SHOWN: [Choice; 2] = [choice("on", "shown"), choice("off", "hidden")];

/// The figure's settings. β starts at 2 because Kimura's matched population (β + 2)/4
/// must be at least 1.
pub const SETTINGS: [Setting; 9] = [
    Setting::log("sigma", "Mutation size s", (0.001, 2.0), 0.05, 3),
    Setting::log("beta", "Inverse temperature β", (2.0, 1000.0), 80.0, 0),
    Setting::log("lr", "SGD's learning rate η", (1e-4, 10.0), 0.1, 4),
    Setting::choice("rule", "Rule", &STEP_RULE_MENU, 0),
    Setting::choice("rule-logistic", "Logistic", &SHOWN, 0),
    Setting::choice("rule-metropolis", "Metropolis", &SHOWN, 0),
    Setting::choice("rule-probit", "Probit", &SHOWN, 0),
    Setting::choice("rule-kimura", "Kimura", &SHOWN, 0),
    Setting::log("samples", "Samples per point", (1000.0, 1_000_000.0), 40_000.0, 0),
];

/// Figure `eta`.
pub static FIGURE: FigureDef = FigureDef {
    id: "eta",
    title: "The gradient-dependent learning rate",
    settings: &SETTINGS,
    charts: &[ChartDef {
        name: "eta-curves",
        label: "Effective learning rate against slope, log–log: theory curves per acceptance rule, Monte Carlo points with 99.9 % error bars, SGD's constant η",
        aspect: 0.7, class: ""
    }],
    stats: "Monte Carlo {progress:0} % done: {samples:0} samples (accepted steps under LOOP, generations under KEEP) \
            from {candidates:0} candidates. Points whose 99.9 % error bar contains the theory: {agree:2} (fraction); \
            largest |z| = {worst_z:2}.\n\
            Within 99.9 % (largest |z|), rule by rule: logistic {logistic.agree:2} ({logistic.worst_z:2}); \
            Metropolis {metropolis.agree:2} ({metropolis.worst_z:2}); probit {probit.agree:2} ({probit.worst_z:2}); \
            Kimura {kimura.agree:2} ({kimura.worst_z:2}).\n\
            At the toy problem's start, |∇f(θ₀)| = {start_slope:2}, so a = βs|∇f| = {start_a:1} and logistic \
            selection's η_eff is {start_ratio:3} × k_loop (k_loop = s²β/2 = {k_loop:4}); SGD's η is \
            {start_slowdown:1} times that. At the steepest slope shown, η_eff is {saturation:3} × its small-step value.",
    takeaway: "SGD's learning rate is the same on every slope, but selection's falls roughly as 1/|∇f| once \
               a = βs|∇f| passes about 1, whatever the acceptance rule.",
    caption: "Selection's mean accepted step along the gradient, divided by the slope, for Gaussian mutations of size s. \
              Lines: theory (derived in the <a href=\"#appendix-eta\">appendix</a>), each labelled with its rule; \
              markers: selection run in this page on f(x) = g·x, with bars of ±3.29 standard errors (99.9 %) — \
              plus signs for logistic, diagonal crosses for Metropolis, open circles for probit, open triangles for Kimura. \
              The rules are matched so that all share the small-step rate k_loop = s²β/2 (probit uses Φ(β√(2π)Δ/4), \
              Kimura a population N = (β + 2)/4); at the defaults k_loop equals SGD's η (the thick horizontal line). \
              The faint dashed diagonal is s√(2/π)/|∇f|, the rate of a hard threshold (accept exactly the uphill \
              candidates): every rule reaches it as |∇f| → ∞, but Kimura rises above it first — while \
              1/(4N) ≪ s|∇f| ≪ 1 its fixation probability is about 2Δ for Δ > 0, so its LOOP rate nears s√(π/2)/|∇f|. \
              Under KEEP the rate is per generation, rejected candidates included, and its small-step value s²P′(0) \
              differs between rules (horizontal dashed lines). The vertical dashed line marks the toy problem's starting slope. \
              <strong>What to notice:</strong> SGD's line is flat, but every rule's η_eff falls once a = βs|∇f| passes \
              about 1, roughly as 1/|∇f| — selection behaves like normalised or clipped gradient descent, whatever the \
              acceptance rule.",
    build,
    ..FigureDef::PLAIN
};

/// Candidates drawn per unit of work, shared among the unfinished points.
const PER_UNIT: u64 = 2000;
/// Points per theory curve.
const CURVE_POINTS: usize = 120;

/// Readout names per rule, in the order of [`AcceptanceKind::ALL`].
const AGREE: [&str; 4] = ["logistic.agree", "metropolis.agree", "probit.agree", "kimura.agree"];
const WORST: [&str; 4] = ["logistic.worst_z", "metropolis.worst_z", "probit.worst_z", "kimura.worst_z"];

/// How each rule's Monte Carlo points are marked.
#[cfg(target_arch = "wasm32")]
const MARKERS: [crate::charts::pixels::Marker; 4] = {
    use crate::charts::pixels::Marker;
    [Marker::Cross, Marker::Diagonal, Marker::Circle, Marker::Triangle]
};

struct Eta {
    params: EtaParams,
    lr: f64,
    shown: [bool; 4],
    exp: Option<EtaExperiment>,
    /// The slopes the chart spans.
    slopes: (f64, f64),
    /// Per rule, the theory curve (|g|, η_eff).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    curves: [Vec<(f64, f64)>; 4],
    /// Per rule, the small-step rate (k_loop or k_keep).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    k: [f64; 4],
    summary: EtaSummary,
}

fn shown_of(v: &[f64]) -> [bool; 4] {
    [v[4] == 0.0, v[5] == 0.0, v[6] == 0.0, v[7] == 0.0]
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let params =
        EtaParams { sigma: v[0], beta: v[1], rule: RuleKind::at(v[3]), target: v[8] as u64, ..EtaParams::default() };
    let exp = EtaExperiment::new(params).ok();
    let (g0, g1) = exp.as_ref().map_or((0.01, 100.0), EtaExperiment::slope_range);
    // A little room either side of the grid.
    let slopes = (g0 / 10f64.powf(0.25), g1 * 10f64.powf(0.15));
    let (s, b, r) = (params.sigma, params.beta, params.rule);
    let curves = AcceptanceKind::ALL.map(|kind| eta_curve(kind, s, b, r, slopes, CURVE_POINTS));
    let k = AcceptanceKind::ALL.map(|kind| small_step_rate(kind, s, b, r));
    let mut eta = Eta { params, lr: v[2], shown: shown_of(v), exp, slopes, curves, k, summary: EtaSummary::default() };
    eta.refresh();
    Box::new(eta)
}

impl Eta {
    fn refresh(&mut self) {
        self.summary = self.exp.as_ref().map(|e| e.summary(self.shown)).unwrap_or_default();
    }

    /// The learning-rate range that holds the shown curves, their small-step rates and η.
    #[cfg(target_arch = "wasm32")]
    fn rate_range(&self) -> (f64, f64) {
        let mut lo = self.lr;
        let mut hi = self.lr;
        for i in (0..4).filter(|&i| self.shown[i]) {
            hi = hi.max(self.k[i]);
            for &(_, y) in &self.curves[i] {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
        let lo = lo.min(hi / 10.0);
        (lo / 10f64.powf(0.3), hi * 10f64.powf(0.45))
    }
}

impl Sim for Eta {
    fn step(&mut self) -> bool {
        let Some(e) = &mut self.exp else { return false };
        if e.done(self.shown) {
            return false;
        }
        e.advance(self.shown, PER_UNIT);
        self.refresh();
        true
    }

    fn still_units(&self) -> u64 {
        // About 1,500 samples per point: every point is judged and its bar is short.
        25
    }

    fn retune(&mut self, v: &[f64]) -> bool {
        let same_run = v[0] == self.params.sigma && v[1] == self.params.beta && RuleKind::at(v[3]) == self.params.rule;
        let target = v[8] as u64;
        // More samples extend the run; fewer start again, so a link reproduces it.
        if !same_run || target < self.params.target {
            return false;
        }
        self.params.target = target;
        if let Some(e) = &mut self.exp {
            e.extend_to(target);
        }
        self.lr = v[2];
        self.shown = shown_of(v);
        self.refresh();
        true
    }

    fn numbers(&self, out: &mut Numbers) {
        let s = &self.summary;
        out.extend([
            ("progress", Some(100.0 * s.progress)),
            ("samples", Some(s.samples as f64)),
            ("candidates", Some(s.candidates as f64)),
            ("agree", s.all.fraction()),
            ("worst_z", s.all.worst_z),
        ]);
        for i in 0..4 {
            out.push((AGREE[i], s.per_rule[i].fraction()));
            out.push((WORST[i], s.per_rule[i].worst_z));
        }
        let p = &self.params;
        let logistic = AcceptanceKind::Logistic;
        let g0 = toy_start_slope();
        let k_loop = small_step_rate(logistic, p.sigma, p.beta, RuleKind::Loop);
        let start = eta_eff(logistic, p.sigma, p.beta, g0, RuleKind::Loop);
        let saturation = eta_eff(logistic, p.sigma, p.beta, self.slopes.1, p.rule)
            / small_step_rate(logistic, p.sigma, p.beta, p.rule);
        let finite = |v: f64| Some(v).filter(|v| v.is_finite());
        out.extend([
            ("start_slope", finite(g0)),
            ("start_a", finite(p.beta * p.sigma * g0)),
            ("start_ratio", finite(start / k_loop)),
            ("start_slowdown", finite(self.lr / start)),
            ("saturation", finite(saturation)),
            ("k_loop", finite(k_loop)),
        ]);
    }

    fn describe(&self, _chart: usize) -> Option<String> {
        Some(super::words(
            self,
            "Monte Carlo {progress:0} % done, {samples:0} samples; {agree:2} of the points agree with theory \
             within 99.9 %; at the toy problem's start logistic η_eff is {start_ratio:3} × k_loop, and at the \
             steepest slope {saturation:3} × its small-step value",
        ))
    }

    fn log_scale(&self, _chart: usize) -> (bool, bool) {
        (true, true)
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, _chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{Axes, Base, Curve};
        use crate::sim::learning_rate::hard_threshold_rate;
        let (x, y) = (self.slopes, self.rate_range());
        let line = |points: Vec<(f64, f64)>, color, dashed, width| Curve { points, color, dashed, width };
        let mut curves = Vec::new();
        let g0 = toy_start_slope();
        curves.push(line(vec![(g0, y.0), (g0, y.1)], palette.ghost, true, 1.25));
        if self.params.rule == RuleKind::Loop {
            let cap = |g: f64| (g, hard_threshold_rate(self.params.sigma, g));
            curves.push(line(vec![cap(x.0), cap(x.1)], palette.faint, true, 1.25));
        }
        let mut ks: Vec<f64> = Vec::new();
        for i in (0..4).filter(|&i| self.shown[i]) {
            if !ks.iter().any(|k| (k / self.k[i] - 1.0).abs() < 1e-9) {
                ks.push(self.k[i]);
                curves.push(line(vec![(x.0, self.k[i]), (x.1, self.k[i])], palette.ink, true, 1.0));
            }
        }
        curves.push(line(vec![(x.0, self.lr), (x.1, self.lr)], palette.sgd, false, 2.5));
        for kind in AcceptanceKind::ALL.into_iter().filter(|k| self.shown[k.index()]) {
            curves.push(line(self.curves[kind.index()].clone(), palette.rule(kind), false, 1.5));
        }
        Base {
            axes: Axes { x, y, x_label: "slope |∇f| (log scale)", y_label: "learning rate (log scale)" },
            curves,
            equal: false,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, _chart: usize, p: &mut crate::charts::Paint<'_>, _full: bool) {
        use crate::charts::layer;
        use crate::sim::maths::Z_999;
        let (f, o, pal) = (p.frame, p.overlay, p.palette);
        let Some(e) = &self.exp else { return };
        // Labels first, so that the points are drawn over them.
        let (x, y) = (f.x, f.y);
        let g0 = toy_start_slope();
        let right = g0 > 10f64.powf(x.0.log10() + 0.6 * (x.1.log10() - x.0.log10()));
        layer::label(
            o,
            f,
            (g0, y.1),
            (if right { -4.0 } else { 4.0 }, 4.0),
            "toy problem's start",
            pal.ink,
            pal.background,
        );
        let k_top = (0..4).filter(|&i| self.shown[i]).map(|i| self.k[i]).fold(f64::NEG_INFINITY, f64::max);
        let sgd_above = !k_top.is_finite() || self.lr >= k_top * (1.0 - 1e-9);
        layer::label(
            o,
            f,
            (x.1, self.lr),
            (-6.0, if sgd_above { -3.0 } else { 3.0 }),
            "SGD: η",
            pal.sgd,
            pal.background,
        );
        if k_top.is_finite() {
            let text = match self.params.rule {
                RuleKind::Loop => "small steps: k_loop = s²β/2",
                RuleKind::Keep => "small steps: k_keep = s²P′(0)",
            };
            layer::label(o, f, (x.1, k_top), (-6.0, if sgd_above { 3.0 } else { -3.0 }), text, pal.ink, pal.background);
        }
        // Each rule's name on its curve, at staggered slopes where the curves part.
        let shown: Vec<AcceptanceKind> = AcceptanceKind::ALL.into_iter().filter(|k| self.shown[k.index()]).collect();
        for (j, kind) in shown.iter().enumerate() {
            let c = &self.curves[kind.index()];
            if c.is_empty() {
                continue;
            }
            let at = c[(c.len() * (30 + 12 * j) / 100).min(c.len() - 1)];
            layer::label(o, f, at, (-4.0, -4.0), kind.label(), pal.rule(*kind), pal.background);
        }
        // The Monte Carlo: a bar of ±3.29 standard errors and a marker per point.
        for kind in shown {
            let color = pal.rule(kind);
            let points = e.points().iter().filter(|q| q.kind == kind);
            for q in points.clone() {
                if let (Some(m), Some(se)) = (q.estimate(), q.standard_error().filter(|_| q.samples() >= 2)) {
                    layer::error_bar(o, f, q.grad_norm, (m - Z_999 * se, m + Z_999 * se), color, 7.0);
                }
            }
            let marks = points.filter_map(|q| q.estimate().filter(|m| *m > 0.0).map(|m| (q.grad_norm, m)));
            layer::markers(o, f, marks, MARKERS[kind.index()], color, 9.0, Some(pal.background));
        }
    }
}
