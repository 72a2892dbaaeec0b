//! Figure `drift` (section 7, spec §D): is selection gradient ascent on some objective?
//! Selection's mean LOOP step on the bowl f = −(a² + b²/4)/2 next to gradient ascent
//! k·∇f with the matching small-step rate, and the circulation of each around a circle
//! the reader places: zero for any gradient field, clearly not zero for selection. A
//! Monte Carlo of simulated selection steps at points on the circle checks the number.

use super::{first_rules, ChartDef, FigureDef, Numbers, Sim};
use crate::settings::Setting;
use crate::sim::drift_field::{exact_circulation, Bowl, Circle, CircleMonteCarlo, Circulations, MC_LOOP_CAP};
#[cfg(target_arch = "wasm32")]
use crate::sim::drift_field::{formula_drift, gd_drift};
use crate::sim::selection::{Acceptance, AcceptanceKind};

/// Points on the circle for the Monte Carlo, and for the exact circulation it estimates.
const MC_NODES: usize = 16;
/// Monte Carlo sweeps (one LOOP step at each point) in all, and per second.
const MC_SWEEPS: u64 = 40_000;
const SWEEPS_PER_SECOND: f64 = 12_000.0;
const SEED: u64 = 1;
/// Half-width of the square view, in a and b.
#[cfg(target_arch = "wasm32")]
const HALF: f64 = 3.0;
/// Arrows per side of the grid.
#[cfg(target_arch = "wasm32")]
const GRID: usize = 13;

/// The acceptance rule of the menu's value `index` at inverse temperature `beta`.
fn acceptance(index: f64, beta: f64) -> Acceptance {
    AcceptanceKind::at(index).with(beta, 1.0)
}

/// The figure's settings.
///
/// Defaults: s = 0.1 and β = 40 put a = βs|∇f| between about 1 and 8 across the view,
/// where the logistic η_eff(|∇f|) changes most (R(1) ≈ 0.83, R(8) ≈ 0.19, §A.1.3); the
/// circle sits where |∇f| changes fastest along the level sets (the field's curl is
/// proportional to a·b).
pub const SETTINGS: [Setting; 6] = [
    Setting::number("s", "Mutation size s", (0.02, 0.3), 0.1, 0.01),
    Setting::log("beta", "Inverse temperature β", (1.0, 1000.0), 40.0, 0),
    Setting::choice("rule", "Acceptance", first_rules(3), 0),
    Setting::number("a", "Circle centre a", (-2.5, 2.5), 1.0, 0.05),
    Setting::number("b", "Circle centre b", (-2.5, 2.5), 1.5, 0.05),
    Setting::number("radius", "Circle radius", (0.1, 1.5), 1.0, 0.05),
];

/// Figure `drift`.
pub static FIGURE: FigureDef = FigureDef {
    id: "drift",
    title: "Selection's mean step against gradient ascent: the circulation test",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "drift-sel",
            label: "Selection's mean step (LOOP): m(|∇f|)·∇f/|∇f|; thick arrows on the circle: Monte Carlo",
            aspect: 1.0,
            class: "",
        },
        ChartDef { name: "drift-gd", label: "Gradient ascent k·∇f, k = k_loop", aspect: 1.0, class: "" },
    ],
    stats: "Selection: ∮F·dl = {circulation.sel:5}, {ratio:3} of mean |F| × circumference. Exact mean step on \
            this curved f: ∮ = {circulation.exact:5}; Monte Carlo ∮ = {circulation.mc:5} ± {circulation.mc.se:5} \
            (z = {mc.z:2}).\n\
            Monte Carlo: {mc.steps:0} selection steps at {mc.points:0} points, {mc.candidates:0} candidates.\n\
            Gradient ascent: ∮F·dl = {circulation.gd:5}, {ratio.gd:3} of mean |F| × circumference; k = {k:4}.",
    takeaway: "Around the circle, gradient ascent's arrows add up to zero but selection's do not, so selection's \
               mean step is not the gradient of any function.",
    caption: "<p>On f = −(a² + b²/4)/2 (contours). The first chart shows the mean step of LOOP selection by the \
              formula derived in the <a href=\"#appendix-eta\">appendix</a>: along the gradient, with a length that \
              saturates as the slope grows. The second shows plain gradient ascent with the rate k that selection \
              has at small slopes. Each chart's arrows are scaled to its own longest. The dashed circle is where the \
              circulation ∮F·dl is taken, anticlockwise (the chevron at its top); click or tap a chart to move it \
              there. A gradient field has zero circulation around every loop; the thick arrows on the circle are \
              simulated mean steps at its dots, which also carry the curvature of f over one mutation (the \
              “exact” value).</p>\
              <p class=\"what-to-notice\"><strong>What to notice:</strong> gradient ascent's circulation is zero up \
              to rounding, while selection's is a clear fraction of what a field running round the circle would \
              give, and the simulation agrees with the exact value: selection's mean step is not the gradient of \
              any function.</p>",
    build,
    ..FigureDef::PLAIN
};

struct Drift {
    acceptance: Acceptance,
    s: f64,
    circle: Option<Circle>,
    /// The formula's and gradient ascent's circulations.
    theory: Option<Circulations>,
    /// The exact circulation on the Monte Carlo's points: the first unit of work (a 2-D
    /// quadrature at each point), `None` until then or where it is undefined.
    exact: Option<Option<f64>>,
    mc: Option<CircleMonteCarlo>,
    /// Each chart's field on the arrow grid, computed when first drawn.
    #[cfg(target_arch = "wasm32")]
    fields: [std::cell::OnceCell<Field>; 2],
}

/// A field on the arrow grid: (point, vector) pairs.
#[cfg(target_arch = "wasm32")]
type Field = Vec<([f64; 2], [f64; 2])>;

fn build(v: &[f64]) -> Box<dyn Sim> {
    let (s, acceptance) = (v[0], acceptance(v[2], v[1]));
    let bowl = Bowl::default();
    let circle = Circle::new([v[3], v[4]], v[5]).ok();
    let theory = circle.map(|c| Circulations::new(&bowl, &acceptance, s, &c));
    let mc = circle.and_then(|c| CircleMonteCarlo::new(bowl, acceptance, s, c, MC_NODES, SEED).ok());
    Box::new(Drift {
        acceptance,
        s,
        circle,
        theory,
        exact: None,
        mc,
        #[cfg(target_arch = "wasm32")]
        fields: Default::default(),
    })
}

impl Drift {
    fn exact(&self) -> Option<f64> {
        self.exact.flatten()
    }

    /// Chart `chart`'s field on the grid (0: selection's mean step, 1: gradient ascent)
    /// and the factor that makes its longest arrow 85 % of the grid spacing.
    #[cfg(target_arch = "wasm32")]
    fn field(&self, chart: usize) -> (&Field, f64) {
        let field = self.fields[chart.min(1)].get_or_init(|| {
            let bowl = Bowl::default();
            grid()
                .into_iter()
                .map(|p| {
                    let v = if chart == 0 {
                        formula_drift(&bowl, &self.acceptance, self.s, p)
                    } else {
                        gd_drift(&bowl, &self.acceptance, self.s, p)
                    };
                    (p, v)
                })
                .collect()
        });
        let longest = field.iter().map(|(_, v)| v[0].hypot(v[1])).fold(0.0f64, f64::max);
        let scale = if longest > 0.0 && longest.is_finite() { 0.85 * spacing() / longest } else { 0.0 };
        (field, scale)
    }
}

impl Sim for Drift {
    fn step(&mut self) -> bool {
        if self.exact.is_none() {
            let circle = self.circle;
            self.exact =
                Some(circle.and_then(|c| exact_circulation(&Bowl::default(), &self.acceptance, self.s, &c, MC_NODES)));
            return true;
        }
        match &mut self.mc {
            Some(m) if m.sweeps() < MC_SWEEPS => {
                m.sweep();
                true
            }
            _ => false,
        }
    }

    fn rate(&self) -> f64 {
        SWEEPS_PER_SECOND
    }

    fn still_units(&self) -> u64 {
        // The exact circulation and a tenth of the run, which already resolves it.
        1 + MC_SWEEPS / 10
    }

    fn numbers(&self, out: &mut Numbers) {
        if let Some(t) = &self.theory {
            out.extend([
                ("circulation.sel", Some(t.sel)),
                ("ratio", t.ratio),
                ("circulation.gd", Some(t.gd)),
                ("ratio.gd", t.ratio_gd),
                ("k", Some(t.k)),
            ]);
        }
        out.push(("circulation.exact", self.exact()));
        out.push(("mc.points", Some(MC_NODES as f64)));
        let Some(m) = &self.mc else { return };
        let estimate = m.estimate();
        let z = estimate.zip(self.exact()).and_then(|((est, se), exact)| (se > 0.0).then(|| (est - exact) / se));
        out.extend([
            ("circulation.mc", estimate.map(|e| e.0)),
            ("circulation.mc.se", estimate.map(|e| e.1)),
            ("mc.z", z),
            ("mc.steps", Some(m.steps() as f64)),
            ("mc.candidates", Some(m.candidates() as f64)),
        ]);
    }

    fn status(&self) -> Option<String> {
        let c = self.mc.as_ref()?.capped();
        (c > 0).then(|| format!("{c} steps drew {MC_LOOP_CAP} candidates without an acceptance and were left out."))
    }

    fn describe(&self, chart: usize) -> Option<String> {
        Some(super::words(
            self,
            if chart == 0 {
                "circulation around the circle {circulation.sel:4}, {ratio:2} of mean |F| × circumference; \
                 Monte Carlo {circulation.mc:4} ± {circulation.mc.se:4} after {mc.steps:0} steps"
            } else {
                "circulation around the circle {circulation.gd:4}, {ratio.gd:2} of mean |F| × circumference"
            },
        ))
    }

    fn picks(&self, _chart: usize, x: f64, y: f64) -> Vec<(&'static str, f64)> {
        // A click or tap centres the circle there.
        vec![("a", x), ("b", y)]
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{arrow_curve, Axes, Base, Curve};
        let bowl = Bowl::default();
        let mut curves: Vec<Curve> = [0.125, 0.5, 1.125, 2.0, 3.125, 4.5]
            .iter()
            .map(|l| Curve {
                points: bowl.contour(*l, 120).into_iter().map(|x| (x[0], x[1])).collect(),
                color: palette.faint,
                dashed: false,
                width: 1.0,
            })
            .collect();
        // The field on a grid, each chart's arrows scaled to its own longest.
        let (field, scale) = self.field(chart);
        let color = if chart == 0 { palette.selection } else { palette.sgd };
        curves.extend(field.iter().filter_map(|(p, v)| {
            let to = (p[0] + scale * v[0], p[1] + scale * v[1]);
            arrow_curve((p[0], p[1]), to, 0.3 * spacing(), color, 1.25)
        }));
        if let Some(c) = &self.circle {
            // The circle, dashed over a halo, and a chevron at its top pointing the way
            // of integration (anticlockwise: towards −a there).
            let mut points: Vec<(f64, f64)> = c.nodes(120).into_iter().map(|(p, _)| (p[0], p[1])).collect();
            points.push(points[0]);
            curves.push(Curve { points: points.clone(), color: palette.background, dashed: false, width: 5.0 });
            curves.push(Curve { points, color: palette.ink, dashed: true, width: 2.0 });
            let (x, y, h) = (c.center[0], c.center[1] + c.radius, 0.12);
            curves.push(Curve {
                points: vec![(x + 0.5 * h, y + 0.6 * h), (x - 0.5 * h, y), (x + 0.5 * h, y - 0.6 * h)],
                color: palette.ink,
                dashed: false,
                width: 2.0,
            });
        }
        Base { axes: Axes { x: (-HALF, HALF), y: (-HALF, HALF), x_label: "a", y_label: "b" }, curves, equal: true }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, _full: bool) {
        use crate::charts::layer::{self, Marker};
        // The Monte Carlo's mean steps, on selection's chart at its field's arrow scale.
        let Some(m) = self.mc.as_ref().filter(|_| chart == 0) else { return };
        let (_, scale) = self.field(0);
        let points = m.nodes().iter().map(|(x, _)| (x[0], x[1]));
        layer::markers(p.overlay, p.frame, points, Marker::Dot, p.palette.ink, 4.0, None);
        for ((x, _), mean) in m.nodes().iter().zip(m.mean_steps()) {
            if let Some((v, _)) = mean {
                let to = (x[0] + scale * v[0], x[1] + scale * v[1]);
                layer::arrow(p.overlay, p.frame, (x[0], x[1]), to, p.palette.ink, false);
            }
        }
    }
}

/// The distance between neighbouring grid points.
#[cfg(target_arch = "wasm32")]
fn spacing() -> f64 {
    2.0 * HALF / GRID as f64
}

/// The grid points of the arrows, [`spacing`] apart and centred in the view.
#[cfg(target_arch = "wasm32")]
fn grid() -> Vec<[f64; 2]> {
    let d = spacing();
    let start = -HALF + 0.5 * d;
    (0..GRID).flat_map(|i| (0..GRID).map(move |j| [start + i as f64 * d, start + j as f64 * d])).collect()
}
