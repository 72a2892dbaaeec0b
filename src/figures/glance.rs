//! Figure `glance` (the first screen): the whole argument in two small charts. Both
//! models run the centrepiece's problem from one seed; in the two "hidden" coordinates
//! the loss is flat, yet every example's gradient moves them together. SGD's steps
//! there fall on a line; selection's form a round cloud.

use super::{ChartDef, FigureDef, Numbers, Sim};
use crate::settings::Setting;
use crate::sim::duel::{Duel, DuelParams};
use crate::sim::ZDistribution;

/// The figure's one setting: how correlated the two hidden gradients are.
pub const SETTINGS: [Setting; 1] = [Setting::number("rho", "Data correlation ρ", (-1.0, 1.0), 1.0, 0.05)];

/// Figure `glance`.
pub static FIGURE: FigureDef = FigureDef {
    id: "glance",
    title: "The difference at a glance",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "glance-sgd",
            label: "Mini-batch SGD: its steps (Δu, Δv) in the two flat, hidden coordinates (squares)",
            aspect: 1.0,
            class: "",
        },
        ChartDef {
            name: "glance-sel",
            label: "Selection: its steps (Δu, Δv) in the same coordinates (crosses)",
            aspect: 1.0,
            class: "",
        },
    ],
    stats: "After {step:0} steps: SGD's steps have r = {sgd.r:2}, selection's r = {sel.r:2}.",
    takeaway: "Where the loss is flat but the data's gradients move together, SGD's steps fall on a line; \
               selection's form a round cloud.",
    caption: "Each mark is one step's move in the two coordinates the loss does not depend on. The dashed line is \
              the direction every example's gradient points in there. Change ρ to make the data's two hidden \
              gradients less correlated: SGD's line widens into an ellipse; selection's cloud does not change.",
    build,
    ..FigureDef::PLAIN
};

struct Glance {
    duel: Option<Duel>,
    /// Steps of each model already drawn into the pixel buffers (read by the drawing).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    drawn: [usize; 2],
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    // Gaussian data, so SGD's steps spread along the line instead of sitting on a few dots.
    let params = DuelParams { rho: v[0], z: ZDistribution::Gaussian, ..DuelParams::default() };
    Box::new(Glance { duel: Duel::new(params).ok(), drawn: [0, 0] })
}

impl Sim for Glance {
    fn step(&mut self) -> bool {
        match &mut self.duel {
            Some(d) if !d.halted() && d.steps() < 20_000 => {
                d.step();
                true
            }
            _ => false,
        }
    }

    fn rate(&self) -> f64 {
        120.0
    }

    fn still_units(&self) -> u64 {
        600
    }

    fn numbers(&self, out: &mut Numbers) {
        let Some(d) = &self.duel else { return };
        out.extend([
            ("step", Some(d.steps() as f64)),
            ("sgd.r", d.sgd_record.correlation().map(|c| c.0)),
            ("sel.r", d.sel_record.correlation().map(|c| c.0)),
        ]);
    }

    fn describe(&self, chart: usize) -> Option<String> {
        let d = self.duel.as_ref()?;
        let record = if chart == 0 { &d.sgd_record } else { &d.sel_record };
        let r = record.correlation()?.0;
        let shape = if r.abs() > 0.95 {
            "on a line"
        } else if r.abs() < 0.2 {
            "a round cloud"
        } else {
            "an elongated cloud"
        };
        Some(format!("{} steps, {shape}, r = {r:.2}", record.hidden.count()))
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{Axes, Base, Curve};
        let half = self.duel.as_ref().map_or(0.2, |d| {
            let (sgd_sd, sel_sd) = d.theory_step_sd();
            3.0 * sgd_sd[0].max(sgd_sd[1]).max(sel_sd)
        });
        // The direction of the per-example hidden gradients, (c₁, c₂) z: the line SGD's
        // steps lie on when ρ = 1.
        let curves = match (chart, &self.duel) {
            (0, Some(d)) => {
                let p = d.problem().params();
                let c = [p.c_u, p.c_v];
                let n = (c[0] * c[0] + c[1] * c[1]).sqrt().max(f64::MIN_POSITIVE);
                let (x, y) = (2.0 * half * c[0] / n, 2.0 * half * c[1] / n);
                vec![Curve { points: vec![(-x, -y), (x, y)], color: palette.theory, dashed: true, width: 1.0 }]
            }
            _ => Vec::new(),
        };
        Base { axes: Axes { x: (-half, half), y: (-half, half), x_label: "Δu", y_label: "Δv" }, curves, equal: true }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, full: bool) {
        use crate::charts::pixels::{Marker, Rgba};
        let Some(d) = &self.duel else { return };
        let (record, marker, color) = if chart == 0 {
            (&d.sgd_record, Marker::Square, p.palette.sgd)
        } else {
            (&d.sel_record, Marker::Cross, p.palette.selection)
        };
        if full {
            p.pixels.clear();
            self.drawn[chart] = 0;
        }
        let c = Rgba::hex(color, 0.55);
        for s in &record.hidden_steps[self.drawn[chart]..] {
            p.pixels.marker(p.frame, (s[0], s[1]), marker, 4.0, c);
        }
        self.drawn[chart] = record.hidden_steps.len();
    }
}
