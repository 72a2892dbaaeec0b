//! Figure `ghosts` (section 5): the rejected candidates behind each step, LOOP against
//! KEEP on the same candidates (spec §A: LOOP is KEEP with the rejections skipped).

use super::{ChartDef, FigureDef, Numbers, Sim};
use crate::settings::Setting;
use crate::sim::demos::{Bowl, GhostWalk};
use crate::sim::rng_for;
use crate::sim::selection::{Acceptance, Mutation, Selection, StepRule};

const SEED: u64 = 5;
const BOWL: Bowl = Bowl { h: [1.0, 0.25] };
const START: [f64; 2] = [2.0, -1.5];
/// Half-width of the view in a and b.
#[cfg(target_arch = "wasm32")]
const HALF: f64 = 2.5;
/// Candidates a LOOP step may draw before it gives up and leaves the parent in place.
const LOOP_CAP: u64 = 100_000;

/// The figure's settings: mutation size s, inverse temperature β, and the pace.
/// Mutations large enough to see around the parent at this scale.
pub const SETTINGS: [Setting; 3] = [
    Setting::number("sigma", "Mutation size s", (0.01, 1.0), 0.3, 0.01),
    Setting::log("beta", "Inverse temperature β", (0.1, 1000.0), 10.0, 1),
    Setting::log("rate", "Steps per second", (0.5, 60.0), 4.0, 1),
];

/// Figure `ghosts`.
pub static FIGURE: FigureDef = FigureDef {
    id: "ghosts",
    title: "Ghost candidates: LOOP against KEEP",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "ghosts-loop",
            label: "LOOP: the path of parents, the latest step's rejected candidates (dots) and the accepted one (cross)",
            aspect: 1.0, class: ""
        },
        ChartDef {
            name: "ghosts-keep",
            label: "KEEP: one candidate per generation (dot if rejected, cross if accepted); a rejected one leaves the parent in place",
            aspect: 1.0, class: ""
        },
    ],
    stats: "Generations {steps:0}. LOOP: acceptance rate {loop.accept:3}, rejected candidates per step \
            {loop.rejected:2}, candidates in all {loop.candidates:0}, loss {loop.loss:3}.\n\
            KEEP: acceptance rate {keep.accept:3}, loss {keep.loss:3}.",
    takeaway: "LOOP and KEEP draw the very same candidates, but LOOP moves every generation while KEEP spends a \
               generation on each rejected one, so KEEP follows the same path more slowly.",
    caption: "Both rules draw the very same candidates, from the same seed, on f = −(a² + b²/4)/2 (contours) with \
              logistic acceptance and Gaussian mutations of size s. Line: the path of parents; small dots: the latest \
              step's rejected candidates, the “ghosts”; cross: the accepted one; ring: the current parent. \
              <strong>What to notice:</strong> LOOP takes an accepted step every generation by discarding the ghosts; \
              KEEP counts each ghost as a generation in which nothing happens, so it follows the same path more slowly.",
    build,
    ..FigureDef::PLAIN
};

struct Ghosts {
    /// LOOP and KEEP, on the same candidate stream.
    walks: Option<[GhostWalk; 2]>,
    /// The values the walks were built with.
    values: [f64; 3],
    /// LOOP steps that reached the cap without an acceptance.
    capped: u64,
    /// Points of each path already in the data layer.
    #[cfg(target_arch = "wasm32")]
    drawn: [usize; 2],
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let (sigma, beta) = (v[0], v[1]);
    let make = |rule| Selection::new(Mutation::Gaussian { sigma }, Acceptance::Logistic { beta }, rule).ok();
    // The same stream for both: KEEP sees exactly LOOP's candidates.
    let walks = make(StepRule::Loop { cap: LOOP_CAP }).zip(make(StepRule::Keep)).map(|(l, k)| {
        [GhostWalk::new(l, BOWL, START, rng_for(SEED, 0)), GhostWalk::new(k, BOWL, START, rng_for(SEED, 0))]
    });
    Box::new(Ghosts {
        walks,
        values: [v[0], v[1], v[2]],
        capped: 0,
        #[cfg(target_arch = "wasm32")]
        drawn: [0; 2],
    })
}

fn rate_of(accepted: u64, candidates: u64) -> Option<f64> {
    (candidates > 0).then(|| accepted as f64 / candidates as f64)
}

impl Sim for Ghosts {
    fn step(&mut self) -> bool {
        let Some([l, k]) = &mut self.walks else { return false };
        l.step();
        k.step();
        // A capped LOOP step ends on a rejected candidate.
        if l.latest.last().is_some_and(|c| !c.1) {
            self.capped += 1;
        }
        true
    }

    fn rate(&self) -> f64 {
        self.values[2]
    }

    fn still_units(&self) -> u64 {
        60
    }

    fn retune(&mut self, values: &[f64]) -> bool {
        // Only the pace changed: keep the walks.
        if values[..2] != self.values[..2] {
            return false;
        }
        self.values[2] = values[2];
        true
    }

    fn numbers(&self, out: &mut Numbers) {
        let Some([l, k]) = &self.walks else { return };
        out.extend([
            ("steps", Some(l.steps as f64)),
            ("loop.accept", rate_of(l.accepted, l.candidates)),
            ("loop.rejected", (l.steps > 0).then(|| (l.candidates - l.accepted) as f64 / l.steps as f64)),
            ("loop.candidates", Some(l.candidates as f64)),
            ("loop.loss", Some(l.loss())),
            ("keep.accept", rate_of(k.accepted, k.candidates)),
            ("keep.loss", Some(k.loss())),
        ]);
    }

    fn describe(&self, chart: usize) -> Option<String> {
        Some(super::words(
            self,
            if chart == 0 {
                "{steps:0} generations, {loop.candidates:0} candidates, acceptance rate {loop.accept:2}, loss {loop.loss:3}"
            } else {
                "{steps:0} generations, acceptance rate {keep.accept:2}, loss {keep.loss:3}"
            },
        ))
    }

    fn status(&self) -> Option<String> {
        (self.capped > 0).then(|| {
            format!(
                "{} LOOP steps drew {LOOP_CAP} candidates without an acceptance and left the parent in place; \
                 try a smaller β or s.",
                self.capped
            )
        })
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, _chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{contour, Axes, Base, Curve};
        let curves = [0.05, 0.25, 0.6, 1.1, 1.8, 2.7]
            .iter()
            .map(|l| Curve {
                points: contour((BOWL.h[0], BOWL.h[1]), *l),
                color: palette.faint,
                dashed: false,
                width: 1.0,
            })
            .collect();
        Base { axes: Axes { x: (-HALF, HALF), y: (-HALF, HALF), x_label: "a", y_label: "b" }, curves, equal: true }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, full: bool) {
        use crate::charts::layer::{self, Marker};
        use crate::charts::pixels::Rgba;
        let Some(walk) = self.walks.as_ref().and_then(|w| w.get(chart)) else { return };
        // The path grows: only its new segments go into the data layer.
        let drawn = &mut self.drawn[chart];
        if full || *drawn > walk.path.len() {
            *drawn = 0;
        }
        let color = Rgba::hex(p.palette.selection, 0.85);
        for seg in walk.path[drawn.saturating_sub(1)..].windows(2) {
            p.pixels.line(p.frame, (seg[0][0], seg[0][1]), (seg[1][0], seg[1][1]), 1.25, color);
        }
        *drawn = walk.path.len();
        // The latest step's candidates move every step: the overlay.
        let o = walk.parent;
        let at = |c: &([f64; 2], bool)| (o[0] + c.0[0], o[1] + c.0[1]);
        let ghosts = walk.latest.iter().filter(|c| !c.1).map(at);
        layer::markers(p.overlay, p.frame, ghosts, Marker::Dot, p.palette.ghost, 5.0, None);
        let kept = walk.latest.iter().filter(|c| c.1).map(at);
        layer::markers(p.overlay, p.frame, kept, Marker::Cross, p.palette.selection, 9.0, None);
        layer::ring(p.overlay, p.frame, walk.theta[0], walk.theta[1], p.palette.selection, p.palette.ink);
    }
}
