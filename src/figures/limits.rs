//! Figure `limits` (section 9): what the analogy gets right (§A.1.2, §D). (a) In the
//! small-step limit every rule's mean step is k_loop·∇f: R = η_eff/k_loop → 1 as
//! a = βs|∇f| → 0. (b) A KEEP chain run in the page settles into the Gibbs law ∝ e^{βf},
//! as Langevin dynamics does; a LOOP chain settles into its own law ∝ A(x)·e^{βf}.

use super::{ChartDef, FigureDef, Numbers, Sim, ACCEPTANCE_MENU, STEP_RULE_MENU};
use crate::settings::{Choice, Setting};
use crate::sim::learning_rate::{ratio_curve, small_step_ratio, toy_start_slope};
use crate::sim::long_run::{has_exponential_odds, ChainParams, Landscape, LongRunChain};
use crate::sim::maths::Z_999;
use crate::sim::selection::{AcceptanceKind, RuleKind};

const fn choice(key: &'static str, label: &'static str) -> Choice {
    Choice { key, label }
}

const LANDSCAPES: [Choice; 2] = [
    choice(Landscape::Quadratic.key(), Landscape::Quadratic.label()),
    choice(Landscape::DoubleWell.key(), Landscape::DoubleWell.label()),
];

/// The figure's settings: the chain in (b); β also sets Kimura's curve in (a). β starts
/// at 2 because Kimura's matched population (β + 2)/4 must be at least 1.
pub const SETTINGS: [Setting; 6] = [
    Setting::choice("rule", "Acceptance", &ACCEPTANCE_MENU, 0),
    Setting::choice("chain", "Chain", &STEP_RULE_MENU, 1),
    Setting::choice("landscape", "Landscape", &LANDSCAPES, 0),
    Setting::log("beta", "Inverse temperature β", (2.0, 1000.0), 80.0, 0),
    Setting::log("sigma", "Mutation size s", (0.001, 2.0), 0.05, 3),
    Setting::log("generations", "Generations", (100_000.0, 50_000_000.0), 2_000_000.0, 0),
];

/// Figure `limits`.
pub static FIGURE: FigureDef = FigureDef {
    id: "limits",
    title: "What the analogy gets right",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "limits-small-step",
            label: "(a) Small steps: η_eff / k_loop against a = βs|∇f|, per acceptance rule",
            aspect: 0.75, class: ""
        },
        ChartDef {
            name: "limits-histogram",
            label: "(b) Long run of the chain: histogram of visited x against its law and the Gibbs density",
            aspect: 0.75, class: ""
        },
    ],
    stats: "Generation {steps:0} ({progress:0} % of the run). (a) At a = 0.1 every rule has R ≥ {r_small:3}; \
            at the toy problem's start, a = {start_a:1} and logistic R = {r_start:2}.\n\
            (b) Var(x) measured / the chain's law: {var_ratio:3} ± {var_ratio_se:3} (z = {var_z:2}; the 99.9 % bound \
            is |z| < 3.29, standard error by batch means). Law's variance {theory_var:5}, Gibbs variance \
            {gibbs_var:5}; Kolmogorov–Smirnov distance {ks:4}; acceptance rate {accept:3}.",
    takeaway: "Where the analogy holds, it holds exactly: every rule's step tends to k_loop·∇f as steps get small, \
               and a KEEP chain settles into the Gibbs law ∝ exp(βf) when its forward/reverse ratio is exp(βΔ); \
               a LOOP chain settles into a different law, ∝ A(x)·exp(βf), weighted by its acceptance rate A.",
    caption: "(a) The gradient-dependent learning rate of the section on it, divided by its small-step value, for the \
              four matched rules, each curve labelled with its rule; the heavier curve is the rule chosen for (b), the \
              horizontal dashed line the limit R = 1 and the vertical dashed line the toy problem's start. (b) One KEEP \
              chain (a rejected mutant leaves the parent) or LOOP chain (retry until accepted) on a one-dimensional f, \
              run in this page: bars are the share of generations spent at each x, the dashed curve the Gibbs density \
              ∝ e<sup>βf</sup>, the solid curve the chain's own law (for KEEP the same curve; for LOOP \
              ∝ A(x)·e<sup>βf</sup>, with A(x) the acceptance rate of a candidate from x), the arrow the chain's \
              current state. LOOP is KEEP with the rejections skipped, so it spends less time where KEEP would \
              stand still: with small mutations and Metropolis acceptance, A falls with the slope and LOOP's law is \
              narrower; with Kimura's, A rises and it is wider; logistic's A is ½ on any straight slope, so its LOOP \
              law is nearly Gibbs. Large mutations widen every LOOP law, since at the peak every candidate goes \
              downhill. On the double peak the chain crosses the valley rarely, so for a long time one peak holds \
              more than its share (the variance, measured about the known mean 0, is not fooled by that; the \
              Kolmogorov–Smirnov distance is); a larger s crosses more often. \
              <strong>What to notice:</strong> every curve in (a) reaches 1 as a → 0, where selection's mean step is \
              exactly k_loop·∇f; and the histogram settles onto the Gibbs density for logistic, Metropolis and Kimura \
              acceptance, whose forward/reverse ratio P(Δ)/P(−Δ) is e<sup>βΔ</sup> — probit's is not, and its spread \
              settles too narrow (<a href=\"#appendix-stationary\">appendix</a>).",
    build,
    ..FigureDef::PLAIN
};

/// Generations per unit of work.
const PER_UNIT: u64 = 1000;
/// Candidates per unit of work, at most (a LOOP generation may draw many; KEEP draws one).
const CANDIDATES_PER_UNIT: u64 = 20_000;
/// The range of a in chart (a).
const A_RANGE: (f64, f64) = (0.01, 100.0);
/// Points per curve of chart (a).
const CURVE_POINTS: usize = 120;
/// Bars of the histogram.
#[cfg(target_arch = "wasm32")]
const BARS: usize = 60;

struct Limits {
    params: ChainParams,
    target: u64,
    chain: Option<LongRunChain>,
    /// Per rule, (a, R(a)) at this β.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    curves: [Vec<(f64, f64)>; 4],
}

fn params_of(v: &[f64]) -> ChainParams {
    ChainParams {
        rule: AcceptanceKind::at(v[RULE]),
        steps: RuleKind::at(v[CHAIN]),
        landscape: Landscape::ALL[v[LANDSCAPE] as usize],
        beta: v[BETA],
        sigma: v[SIGMA],
        ..ChainParams::default()
    }
}

// Indices into SETTINGS.
const RULE: usize = 0;
const CHAIN: usize = 1;
const LANDSCAPE: usize = 2;
const BETA: usize = 3;
const SIGMA: usize = 4;
const GENERATIONS: usize = 5;

fn build(v: &[f64]) -> Box<dyn Sim> {
    let params = params_of(v);
    let curves = AcceptanceKind::ALL.map(|kind| ratio_curve(kind, params.beta, A_RANGE, CURVE_POINTS));
    Box::new(Limits { params, target: v[GENERATIONS] as u64, chain: LongRunChain::new(params).ok(), curves })
}

impl Limits {
    fn steps(&self) -> u64 {
        self.chain.as_ref().map_or(0, LongRunChain::steps)
    }

    fn start_a(&self) -> f64 {
        self.params.beta * self.params.sigma * toy_start_slope()
    }
}

impl Sim for Limits {
    fn step(&mut self) -> bool {
        let target = self.target;
        let Some(c) = &mut self.chain else { return false };
        if c.steps() >= target {
            return false;
        }
        c.advance_within(PER_UNIT.min(target - c.steps()), CANDIDATES_PER_UNIT);
        true
    }

    /// Faster as the chain grows (a thirtieth of the run so far per frame, at least two
    /// units), so the histogram is seen to fill and then to settle.
    fn rate(&self) -> f64 {
        60.0 * (self.steps() as f64 / 30.0).max(2.0 * PER_UNIT as f64) / PER_UNIT as f64
    }

    fn still_units(&self) -> u64 {
        // 200,000 generations: the histogram already lies on its law (the still is paced
        // by `rate` too, so a larger one would take seconds to appear).
        200
    }

    fn retune(&mut self, v: &[f64]) -> bool {
        let target = v[GENERATIONS] as u64;
        // More generations extend the run; anything else starts again.
        if params_of(v) != self.params || target < self.target {
            return false;
        }
        self.target = target;
        true
    }

    fn numbers(&self, out: &mut Numbers) {
        let beta = self.params.beta;
        let r_small = AcceptanceKind::ALL.iter().map(|k| small_step_ratio(*k, beta, 0.1)).fold(f64::INFINITY, f64::min);
        let a0 = self.start_a();
        out.extend([
            ("steps", Some(self.steps() as f64)),
            ("progress", Some(100.0 * self.steps() as f64 / self.target.max(1) as f64)),
            ("r_small", Some(r_small)),
            ("start_a", Some(a0)),
            ("r_start", Some(small_step_ratio(AcceptanceKind::Logistic, beta, a0))),
        ]);
        let Some(c) = &self.chain else { return };
        out.extend([
            ("accept", c.acceptance_rate()),
            ("var_ratio", c.variance_ratio()),
            ("var_ratio_se", c.variance_ratio_se()),
            ("var_z", c.variance_z()),
            ("ks", c.ks()),
            ("theory_var", Some(c.law().variance())),
            ("gibbs_var", Some(c.gibbs().variance())),
        ]);
    }

    fn status(&self) -> Option<String> {
        let c = self.chain.as_ref()?;
        if c.capped() > 0 {
            return Some(format!(
                "{} LOOP generations hit the cap of {} candidates without an acceptance: mutations this large are \
                 almost never accepted, and the histogram is not the chain's law.",
                c.capped(),
                crate::sim::long_run::CHAIN_LOOP_CAP
            ));
        }
        let z = c.variance_z()?;
        if c.steps() < self.target || z.abs() < Z_999 {
            return None;
        }
        Some(if has_exponential_odds(self.params.rule) {
            "The measured variance is outside its 99.9 % bound: run longer (more generations).".to_string()
        } else {
            "The measured variance is outside its 99.9 % bound: probit's forward/reverse ratio P(Δ)/P(−Δ) is not \
             exactly e^(βΔ), so its long-run law is not exactly Gibbs."
                .to_string()
        })
    }

    fn describe(&self, chart: usize) -> Option<String> {
        Some(super::words(
            self,
            if chart == 0 {
                "at a = 0.1 every rule has R ≥ {r_small:3}; at the toy problem's start a = {start_a:1} and logistic R = {r_start:2}"
            } else {
                "generation {steps:0} ({progress:0} % of the run): variance measured over Gibbs {var_ratio:3} \
                 ± {var_ratio_se:3}, Kolmogorov–Smirnov distance {ks:3}"
            },
        ))
    }

    fn log_scale(&self, chart: usize) -> (bool, bool) {
        (chart == 0, false)
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{Axes, Base, Curve};
        let line = |points: Vec<(f64, f64)>, color, dashed, width| Curve { points, color, dashed, width };
        if chart == 0 {
            let y = (0.0, 1.15);
            let a0 = self.start_a();
            let mut curves = vec![
                line(vec![(A_RANGE.0, 1.0), (A_RANGE.1, 1.0)], palette.ink, true, 1.0),
                line(vec![(a0, y.0), (a0, y.1)], palette.ghost, true, 1.25),
            ];
            // The chain's rule last and heavier.
            let order = AcceptanceKind::ALL.into_iter().filter(|k| *k != self.params.rule).chain([self.params.rule]);
            for kind in order {
                let width = if kind == self.params.rule { 3.0 } else { 1.5 };
                curves.push(line(self.curves[kind.index()].clone(), palette.rule(kind), false, width));
            }
            return Base {
                axes: Axes { x: A_RANGE, y, x_label: "a = βs|∇f| (log scale)", y_label: "R = η_eff / k_loop" },
                curves,
                equal: false,
            };
        }
        let (lo, hi) = self.chain.as_ref().map_or((-1.0, 1.0), LongRunChain::range);
        let gibbs = self.chain.as_ref().map(|c| c.gibbs().curve((lo, hi), 240)).unwrap_or_default();
        let law = self.chain.as_ref().map(|c| c.law().curve((lo, hi), 240)).unwrap_or_default();
        let peak = gibbs.iter().chain(&law).map(|p| p.1).fold(0.0, f64::max);
        Base {
            axes: Axes { x: (lo, hi), y: (0.0, (peak * 1.3).max(1e-12)), x_label: "x", y_label: "density" },
            curves: vec![line(gibbs, palette.theory, true, 2.0), line(law, palette.ink, false, 1.0)],
            equal: false,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, _full: bool) {
        use crate::charts::layer;
        use crate::charts::pixels::Rgba;
        let (f, o, pal) = (p.frame, p.overlay, p.palette);
        if chart == 0 {
            layer::label(o, f, (f.x.1, 1.0), (-6.0, 4.0), "small-step limit R = 1", pal.ink, pal.background);
            let a0 = self.start_a();
            if f.contains(a0, 1.0) {
                let right = a0.log10() > 0.0;
                layer::label(
                    o,
                    f,
                    (a0, 1.0),
                    (if right { -4.0 } else { 4.0 }, -4.0),
                    "toy problem's start",
                    pal.ink,
                    pal.background,
                );
            }
            // Each rule's name where its curve crosses a height of its own.
            for (j, kind) in AcceptanceKind::ALL.into_iter().enumerate() {
                let level = 0.8 - 0.2 * j as f64;
                if let Some(&at) = self.curves[kind.index()].iter().find(|q| q.1 <= level) {
                    layer::label(o, f, at, (4.0, -2.0), kind.label(), pal.rule(kind), pal.background);
                }
            }
            return;
        }
        let Some(c) = &self.chain else { return };
        let color = pal.rule(self.params.rule);
        let (fill, edge) = (Rgba::hex(color, 0.35), Rgba::hex(color, 1.0));
        p.pixels.clear();
        for (x0, x1, d) in c.histogram(BARS) {
            p.pixels.rect(f, (x0, 0.0), (x1, d), fill);
            p.pixels.line(f, (x0, d), (x1, d), 1.0, edge);
        }
        layer::label(o, f, (f.x.1, f.y.1), (-6.0, 4.0), "dashed: Gibbs law ∝ exp(βf)", pal.ink, pal.background);
        if self.params.steps == RuleKind::Loop {
            layer::label(
                o,
                f,
                (f.x.1, 0.9 * f.y.1),
                (-6.0, 4.0),
                "solid: LOOP's law ∝ A(x)·exp(βf)",
                pal.ink,
                pal.background,
            );
        }
        let top = 0.12 * f.y.1;
        layer::arrow(o, f, (c.x(), top), (c.x(), 0.0), pal.ink, false);
    }
}
