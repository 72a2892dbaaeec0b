//! Figure `minibatch` (section 2): one mini-batch of per-example gradients on the toy
//! problem and their average (spec §B). Active coordinates scatter around the true
//! gradient; hidden ones lie on a line through the origin when ρ = 1.

use super::{ChartDef, FigureDef, Numbers, Sim};
use crate::settings::{Choice, Setting};
use crate::sim::demos::{batch_theory, BatchStream, BatchTheory};
use crate::sim::problem::{ToyParams, ToyProblem, DEFAULT_START};
use crate::sim::{rng_for, ZDistribution};

const SEED: u64 = 2;

/// The distributions of the hidden factor z, in the order of the menu.
const Z: [ZDistribution; 2] = [ZDistribution::Rademacher, ZDistribution::Gaussian];

/// The figure's settings: batch size B, the hidden factors' correlation ρ, z's law.
pub const SETTINGS: [Setting; 3] = [
    Setting::doubling("batch", "Batch size B", (1.0, 256.0), 8.0),
    Setting::number("rho", "Correlation ρ", (-1.0, 1.0), 1.0, 0.05),
    Setting::choice(
        "z",
        "z",
        &[Choice { key: "rademacher", label: "Rademacher (±1)" }, Choice { key: "gaussian", label: "Gaussian" }],
        0,
    ),
];

/// Figure `minibatch`.
pub static FIGURE: FigureDef = FigureDef {
    id: "minibatch",
    title: "One mini-batch: per-example gradients and their average",
    settings: &SETTINGS,
    charts: &[
        ChartDef {
            name: "minibatch-active",
            label: "Active coordinates: per-example gradients (squares), their average (ring), earlier averages (dots), the true gradient (thin cross)",
            aspect: 1.0, class: ""
        },
        ChartDef {
            name: "minibatch-hidden",
            label: "Hidden coordinates: per-example gradients and their average; the true gradient is zero (thin cross)",
            aspect: 1.0, class: ""
        },
    ],
    stats: "Batches drawn {batches:0}; root-mean-square error of the average {rms:3} \
            (theory s_ξ·√(2/B) = {rms.theory:3}).\n\
            Correlation of per-example (∂ℓ/∂u, ∂ℓ/∂v): {hidden_r:3} (theory ρ = {rho:2}).",
    takeaway: "A bigger batch pulls the average closer to the true gradient, but in the hidden plane it only shrinks the noise: its shape stays the same.",
    caption: "The toy problem at θ₀ = (2, −1.5, 0, 0); a new batch of B examples about three times a second \
              (tap a chart for one more). Squares: the latest batch's per-example gradients; ring: their \
              average; dots: earlier averages; thin cross: the true gradient. Dashed ellipses: two standard \
              deviations of one example's gradient (the larger) and of the average of B (the smaller); when \
              |ρ| = 1 the hidden plane's ellipses flatten onto the line every example lies on. \
              <strong>What to notice:</strong> a bigger batch pulls the average towards the true gradient \
              (error ∝ 1/√B), but in the hidden plane every example, and so every average, lies on the same \
              line when ρ = 1: averaging shrinks the noise without changing its shape.",
    build,
    ..FigureDef::PLAIN
};

struct Minibatch {
    rho: f64,
    /// `None` if the problem's constants are invalid (they never are at these settings).
    stream: Option<BatchStream>,
    theory: BatchTheory,
    /// Batches drawn when each chart's data layer was last painted.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    painted: [Option<u64>; 2],
}

fn build(v: &[f64]) -> Box<dyn Sim> {
    let (batch, rho) = (v[0] as usize, v[1]);
    let z = Z[(v[2] as usize).min(Z.len() - 1)];
    let problem = ToyProblem::new(ToyParams { rho, z, ..ToyParams::default() }).ok();
    let theory = batch_theory(&problem.unwrap_or_else(crate::sim::run::default_problem), &DEFAULT_START, batch);
    let stream = problem.map(|p| {
        let mut s = BatchStream::new(p, DEFAULT_START, batch, rng_for(SEED, 0));
        // The first batch is there before the first frame.
        s.draw();
        s
    });
    Box::new(Minibatch { rho, stream, theory, painted: [None; 2] })
}

impl Sim for Minibatch {
    fn step(&mut self) -> bool {
        match &mut self.stream {
            Some(s) => {
                s.draw();
                true
            }
            None => false,
        }
    }

    /// About three batches a second: slow enough to watch each one.
    fn rate(&self) -> f64 {
        3.0
    }

    fn still_units(&self) -> u64 {
        200
    }

    fn numbers(&self, out: &mut Numbers) {
        out.push(("rms.theory", Some(self.theory.rms_error)));
        out.push(("rho", Some(self.rho)));
        let Some(s) = &self.stream else { return };
        out.extend([
            ("batches", Some(s.error2.count() as f64)),
            ("rms", s.error2.mean().map(f64::sqrt)),
            ("hidden_r", s.hidden.correlation()),
        ]);
    }

    fn status(&self) -> Option<String> {
        self.stream.is_none().then(|| "These settings do not make a valid problem.".to_string())
    }

    fn describe(&self, chart: usize) -> Option<String> {
        let Some(s) = &self.stream else {
            return Some("no batches: these settings do not make a valid problem".into());
        };
        Some(if chart == 0 {
            format!(
                "{} batches of {} examples; the average's root-mean-square error from the true gradient is {} (theory {})",
                s.error2.count(),
                s.batch,
                super::said(s.error2.mean().map(f64::sqrt), 3),
                super::said(Some(self.theory.rms_error), 3)
            )
        } else {
            let r = s.hidden.correlation();
            format!(
                "per-example hidden gradients {}, r = {} (theory ρ = {})",
                r.map_or("not yet drawn", super::shape_of),
                super::said(r, 2),
                super::said(Some(self.rho), 2)
            )
        })
    }

    fn click(&mut self, _chart: usize, _x: f64, _y: f64) -> bool {
        self.step()
    }

    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base {
        use crate::charts::plane::{covariance_ellipse, Axes, Base, Curve};
        /// Half-width of the active chart about the true gradient, and of the hidden chart.
        const ACTIVE_HALF: f64 = 1.6;
        const HIDDEN_HALF: f64 = 3.0;
        let t = &self.theory;
        let (center, half, covs, x_label, y_label) = if chart == 0 {
            (t.truth, ACTIVE_HALF, [t.example_active, t.mean_active], "∂ℓ/∂a", "∂ℓ/∂b")
        } else {
            ([0.0, 0.0], HIDDEN_HALF, [t.example_hidden, t.mean_hidden], "∂ℓ/∂u", "∂ℓ/∂v")
        };
        let mut curves: Vec<Curve> = covs
            .iter()
            .map(|c| Curve {
                points: covariance_ellipse(*c, 2.0).into_iter().map(|(x, y)| (center[0] + x, center[1] + y)).collect(),
                color: palette.theory,
                dashed: true,
                width: 1.0,
            })
            .collect();
        // The true gradient: a thin cross.
        let arm = 0.08 * half;
        for (dx, dy) in [(arm, 0.0), (0.0, arm)] {
            curves.push(Curve {
                points: vec![(center[0] - dx, center[1] - dy), (center[0] + dx, center[1] + dy)],
                color: palette.theory,
                dashed: false,
                width: 1.5,
            });
        }
        Base {
            axes: Axes {
                x: (center[0] - half, center[0] + half),
                y: (center[1] - half, center[1] + half),
                x_label,
                y_label,
            },
            curves,
            equal: true,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, p: &mut crate::charts::Paint<'_>, full: bool) {
        use crate::charts::layer;
        use crate::charts::pixels::{Marker, Rgba};
        let Some(s) = &self.stream else { return };
        let (ix, iy) = if chart == 0 { (0, 1) } else { (2, 3) };
        let drawn = Some(s.error2.count());
        if full || self.painted[chart] != drawn {
            self.painted[chart] = drawn;
            p.pixels.clear();
            let (dot, square) = (Rgba::hex(p.palette.sgd, 0.35), Rgba::hex(p.palette.sgd, 0.8));
            for m in &s.means {
                p.pixels.marker(p.frame, (m[ix], m[iy]), Marker::Dot, 3.0, dot);
            }
            for g in &s.latest {
                p.pixels.marker(p.frame, (g[ix], g[iy]), Marker::Square, 6.0, square);
            }
        }
        if let Some(m) = s.means.back() {
            layer::ring(p.overlay, p.frame, m[ix], m[iy], p.palette.sgd, p.palette.ink);
        }
    }
}
