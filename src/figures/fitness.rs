//! Figure `fitness` (section 8): descendants per parent. In the model every parent has
//! exactly one, whatever its f; in a Wright–Fisher population the expected number is
//! proportional to fitness (spec §D, "Fitness").

use super::{ChartDef, FigureDef, Numbers, Sim};
use crate::settings::Setting;
use crate::sim::demos::Descendants;
use crate::sim::rng_for;

const SEED: u64 = 8;
/// Population size.
const N: usize = 200;

/// The figure's setting: selection strength, with Wright–Fisher fitness w = e^{strength·f}.
pub const SETTINGS: [Setting; 1] =
    [Setting::number("strength", "Selection strength (w = e^(strength·f))", (0.0, 2.0), 1.0, 0.1)];

/// Figure `fitness`.
pub static FIGURE: FigureDef = FigureDef {
    id: "fitness",
    title: "Descendants per parent: the model against a Wright–Fisher population",
    settings: &SETTINGS,
    charts: &[ChartDef {
        name: "fitness-descendants",
        label: "Mean descendants of each of 200 parents against the parent's f: the model (crosses) and Wright–Fisher (squares), with Wright–Fisher's expectation w/w̄ (dashed)",
        aspect: 0.62, class: ""
    }],
    stats: "Generations {generations:0}. The model: mean descendants {model.mean:3}, slope against f {model.slope:3}. \
            Wright–Fisher: slope {wf.slope:3} (expected {wf.slope.theory:3}).",
    takeaway: "In the model every parent has exactly one descendant whatever its f, while in a Wright–Fisher population fitter parents have more.",
    caption: "Each generation, Wright–Fisher children pick parents in proportion to fitness; in the model, read \
              literally as a line of individuals, each parent's accepted mutant is its only descendant. \
              Crosses: the model's mean descendants per parent; squares: Wright–Fisher's mean children per \
              parent; dashed curve: Wright–Fisher's expectation w/w̄. \
              <strong>What to notice:</strong> the model's crosses sit on 1 whatever f is — its “fitness” never \
              changes how many descendants anyone has — while Wright–Fisher's squares climb with f.",
    build,
    ..FigureDef::PLAIN
};

/// Generations per second while playing (four per frame at 60 frames a second).
const RATE: f64 = 240.0;

struct Fitness {
    run: Descendants,
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let mut run = Descendants::new(N, v[0], rng_for(SEED, 0));
    // The first generation is there before the first frame.
    run.generation();
    Box::new(Fitness { run })
}

impl Sim for Fitness {
    fn step(&mut self) -> bool {
        self.run.generation();
        true
    }

    fn rate(&self) -> f64 {
        RATE
    }

    /// Enough generations for each parent's mean to settle to within about 0.05.
    fn still_units(&self) -> u64 {
        400
    }

    fn numbers(&self, out: &mut Numbers) {
        let r = &self.run;
        out.extend([
            ("generations", Some(r.generations as f64)),
            ("model.mean", r.model_mean()),
            ("model.slope", r.model_slope()),
            ("wf.slope", r.wright_fisher_slope()),
            ("wf.slope.theory", r.wright_fisher_slope_theory()),
        ]);
    }

    fn describe(&self, _chart: usize) -> Option<String> {
        Some(super::words(
            self,
            "after {generations:0} generations, the model's mean descendants {model.mean:2} with slope {model.slope:2} \
             against f; Wright–Fisher's slope {wf.slope:2} (expected {wf.slope.theory:2})",
        ))
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, _chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{Axes, Base, Curve};
        // Wright–Fisher's expected children per parent, w/w̄, and room above its highest
        // point (at f = 1, growing with the strength).
        let expected = self.run.expected_wright_fisher();
        let top = expected.iter().copied().fold(1.0, f64::max);
        let y_max = (1.25 * top).max(2.0).ceil();
        Base {
            axes: Axes { x: (-1.0, 1.0), y: (0.0, y_max), x_label: "f of the parent", y_label: "descendants" },
            curves: vec![Curve {
                points: self.run.f.iter().copied().zip(expected).collect(),
                color: palette.theory,
                dashed: true,
                width: 1.5,
            }],
            equal: false,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, _chart: usize, p: &mut crate::charts::Paint<'_>, _full: bool) {
        use crate::charts::pixels::{Marker, Rgba};
        // Every parent's mean moves each generation: redraw them all.
        p.pixels.clear();
        let r = &self.run;
        let (square, cross) = (Rgba::hex(p.palette.ink, 1.0), Rgba::hex(p.palette.selection, 1.0));
        for (x, m) in r.f.iter().zip(&r.wright_fisher) {
            if let Some(y) = m.mean() {
                p.pixels.marker(p.frame, (*x, y), Marker::Square, 4.0, square);
            }
        }
        for (x, m) in r.f.iter().zip(&r.model) {
            if let Some(y) = m.mean() {
                p.pixels.marker(p.frame, (*x, y), Marker::Cross, 6.0, cross);
            }
        }
    }
}
