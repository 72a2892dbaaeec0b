//! Figure `claim` (section 1): mutants around one parent on a sloping landscape;
//! accepted ones lean uphill, and their mean approaches k∇f.

use super::{ChartDef, FigureDef, Numbers, Sim};
use crate::settings::Setting;
use crate::sim::demos::CandidateCloud;
use crate::sim::maths::Z_999;
use crate::sim::selection::{Acceptance, Mutation, Selection, StepRule};
use crate::sim::{rng_for, theory};

const SEED: u64 = 1;

/// The figure's settings: slope |∇f|, mutation size s, inverse temperature β.
pub const SETTINGS: [Setting; 3] = [
    Setting::log("slope", "Slope |∇f|", (0.01, 10.0), 0.25, 3),
    Setting::log("sigma", "Mutation size s", (0.01, 0.2), 0.05, 3),
    Setting::log("beta", "Inverse temperature β", (1.0, 1000.0), 80.0, 0),
];

/// Figure `claim`.
pub static FIGURE: FigureDef = FigureDef {
    id: "claim",
    title: "Mutants around one parent on a slope",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "claim-candidates",
            label: "Candidates around the parent (ring): accepted (crosses), rejected (dots); arrows: mean accepted step (solid), exact theory (solid, below it), k∇f (dashed)",
            aspect: 0.62,
            class: "",
        },
        ChartDef {
            name: "claim-strip",
            label: "Zoom on the mean step along ∇f: measured (cross, 99.9 % interval), exact theory (circle, solid line), small-step k|∇f| (triangle, dashed line)",
            aspect: 0.16,
            class: "",
        },
    ],
    stats: "Candidates {candidates:0}; accepted {accept:3} (theory 0.500 for logistic acceptance on a linear slope).\n\
            Mean accepted step along ∇f: {mean:4} (99.9 % interval {mean.lo:4} to {mean.hi:4}); theory {theory:4}; \
            small-step k|∇f| = {k:4}; across ∇f: {across:4}.\n\
            βs|∇f| = {a:2}: the small-step rule holds while this is well below 1.",
    takeaway: "Accepted mutants lean uphill: their mean step points along the gradient, and for gentle slopes its length is k|∇f|.",
    caption: "Logistic acceptance, P(Δ) = 1/(1 + e<sup>−βΔ</sup>), where Δ is the candidate's change in f and β sets \
              how sharply acceptance rises with it; Gaussian mutations of size s. \
              Crosses: accepted candidates; small dots: rejected ones; the ring is the parent. \
              The strip under the cloud zooms in on the three means along ∇f, one row each: \
              the measured mean (cross) with its 99.9 % interval, the exact theory (open circle) and the small-step prediction k|∇f| (open triangle). \
              <strong>What to notice:</strong> the accepted crosses lean to the right, uphill, and their mean \
              settles on the exact theory; at gentle slopes it matches k∇f, at steep ones it falls short of it.",
    build,
    layout: "stack",
    ..FigureDef::PLAIN
};

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
/// The strip's rows (its y coordinates), top to bottom: measured, exact theory, small-step.
const ROWS: [f64; 3] = [2.5, 1.5, 0.5];

/// Candidates drawn per unit of work: one frame's worth at 60 frames a second.
const PER_UNIT: usize = 40;

struct Claim {
    slope: f64,
    sigma: f64,
    acceptance: Acceptance,
    cloud: Option<CandidateCloud>,
    /// Exact mean accepted step and the small-step prediction k|∇f|.
    theory: (f64, f64),
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let (slope, sigma, beta) = (v[0], v[1], v[2]);
    let acceptance = Acceptance::Logistic { beta };
    let cloud = Selection::new(Mutation::Gaussian { sigma }, acceptance, StepRule::default())
        .ok()
        .map(|sel| CandidateCloud::new(sel, slope, rng_for(SEED, 0)));
    let theory = (
        theory::linear_response(&acceptance, sigma, slope).mean_loop,
        theory::k_loop(sigma * sigma, &acceptance) * slope,
    );
    Box::new(Claim { slope, sigma, acceptance, cloud, theory })
}

impl Sim for Claim {
    fn step(&mut self) -> bool {
        match &mut self.cloud {
            Some(c) => {
                c.draw(PER_UNIT);
                true
            }
            None => false,
        }
    }

    fn rate(&self) -> f64 {
        60.0
    }

    fn still_units(&self) -> u64 {
        75
    }

    fn numbers(&self, out: &mut Numbers) {
        let beta = match self.acceptance {
            Acceptance::Logistic { beta } => beta,
            _ => f64::NAN,
        };
        out.push(("theory", Some(self.theory.0)));
        out.push(("k", Some(self.theory.1)));
        out.push(("a", Some(beta * self.sigma * self.slope)));
        let Some(c) = &self.cloud else { return };
        let interval = c.along.interval(Z_999);
        out.extend([
            ("candidates", Some(c.candidates as f64)),
            ("accept", c.acceptance_rate()),
            ("mean", c.along.mean()),
            ("mean.lo", interval.map(|i| i.0)),
            ("mean.hi", interval.map(|i| i.1)),
            ("across", c.across.mean()),
        ]);
    }

    fn describe(&self, _chart: usize) -> Option<String> {
        let c = self.cloud.as_ref()?;
        Some(format!(
            "{} candidates, {:.0} % accepted; the accepted ones lean uphill, mean step {:.4} along the gradient (theory {:.4})",
            c.candidates,
            100.0 * c.acceptance_rate()?,
            c.along.mean()?,
            self.theory.0
        ))
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{Axes, Base, Curve};
        if chart == 1 {
            // From 0 to a little past the larger of the two theories, so that the means are
            // told apart; an interval wider than that runs off the strip's edge.
            let hi = 1.15 * self.theory.0.max(self.theory.1);
            let hi = if hi.is_finite() && hi > 0.0 { hi } else { 1.0 };
            let line = |x: f64, dashed: bool| Curve {
                points: vec![(x, 0.0), (x, 3.0)],
                color: palette.ghost,
                dashed,
                width: 1.0,
            };
            return Base {
                axes: Axes { x: (0.0, hi), y: (0.0, 3.0), x_label: "mean accepted step along ∇f", y_label: "" },
                curves: vec![line(self.theory.0, false), line(self.theory.1, true)],
                equal: false,
            };
        }
        let h = 4.0 * self.sigma;
        // f = |g|·x: its contours are vertical lines.
        let curves = (-4..=4)
            .map(|i| {
                let x = f64::from(i) * h / 4.0;
                Curve { points: vec![(x, -2.0 * h), (x, 2.0 * h)], color: palette.faint, dashed: false, width: 1.0 }
            })
            .collect();
        Base {
            axes: Axes { x: (-h, h), y: (-h, h), x_label: "ε along ∇f", y_label: "ε across ∇f" },
            curves,
            equal: true,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, _full: bool) {
        use crate::charts::layer;
        use crate::charts::pixels::{Marker, Rgba};
        if chart == 1 {
            self.paint_strip(p);
            return;
        }
        // The cloud is a window of recent candidates: redraw it whole each frame.
        p.pixels.clear();
        let Some(c) = &self.cloud else { return };
        let (ghost, accepted) = (Rgba::hex(p.palette.ghost, 0.7), Rgba::hex(p.palette.selection, 0.8));
        for &(eps, ok) in c.recent.iter().filter(|x| !x.1) {
            debug_assert!(!ok);
            p.pixels.marker(p.frame, (eps[0], eps[1]), Marker::Dot, 2.5, ghost);
        }
        for (eps, _) in c.recent.iter().filter(|x| x.1) {
            p.pixels.marker(p.frame, (eps[0], eps[1]), Marker::Cross, 5.0, accepted);
        }
        let o = p.overlay;
        let y = -0.04 * 4.0 * self.sigma;
        layer::arrow(o, p.frame, (0.0, 0.0), (self.theory.1, 0.0), p.palette.theory, true);
        layer::arrow(o, p.frame, (0.0, y), (self.theory.0, y), p.palette.ink, false);
        if let (Some(a), Some(b)) = (c.along.mean(), c.across.mean()) {
            layer::arrow(o, p.frame, (0.0, 0.0), (a, b), p.palette.selection, false);
        }
        layer::ring(o, p.frame, 0.0, 0.0, p.palette.background, p.palette.ink);
    }
}

impl Claim {
    /// The strip: one row per mean along ∇f — measured (a cross and its 99.9 % interval),
    /// exact theory (an open circle), small-step k|∇f| (an open triangle) — over thin
    /// lines at the two theories.
    #[cfg(target_arch = "wasm32")]
    fn paint_strip(&self, p: &mut crate::charts::Paint<'_>) {
        use crate::charts::layer::{self, Marker};
        p.pixels.clear();
        let (o, f, pal) = (p.overlay, p.frame, p.palette);
        // A row's name beside its mark, on whichever side has more room.
        let name = |at: (f64, f64), right: f64, text: &str| {
            let fraction = (at.0 - f.x.0) / (f.x.1 - f.x.0);
            if fraction > 0.5 {
                layer::label(o, f, at, (-10.0, 0.0), text, pal.ink, pal.background);
            } else {
                layer::label(o, f, (right, at.1), (10.0, 0.0), text, pal.ink, pal.background);
            }
        };
        if let Some(c) = &self.cloud {
            if let (Some(mean), Some((lo, hi))) = (c.along.mean(), c.along.interval(Z_999)) {
                let y = ROWS[0];
                // An end beyond the strip runs to its edge without a cap.
                let ends = [(lo.max(f.x.0), lo >= f.x.0), (hi.min(f.x.1), hi <= f.x.1)];
                let (lo, hi) = (ends[0].0, ends[1].0);
                if lo < hi {
                    layer::polyline(o, f, [(lo, y), (hi, y)].into_iter(), pal.selection, 2.0);
                    for (x, _) in ends.iter().filter(|e| e.1) {
                        layer::polyline(o, f, [(*x, y - 0.15), (*x, y + 0.15)].into_iter(), pal.selection, 2.0);
                    }
                }
                name((lo.min(mean), y), hi.max(mean), "measured");
                layer::markers(o, f, std::iter::once((mean, y)), Marker::Cross, pal.selection, 11.0, None);
            }
        }
        let (exact, small) = ((self.theory.0, ROWS[1]), (self.theory.1, ROWS[2]));
        name(exact, exact.0, "exact theory");
        name(small, small.0, "k|∇f|");
        layer::markers(o, f, std::iter::once(exact), Marker::Circle, pal.ink, 12.0, Some(pal.background));
        layer::markers(o, f, std::iter::once(small), Marker::Triangle, pal.ink, 12.0, Some(pal.background));
    }
}
