//! The centrepiece's six charts: for each model, the active plane (a, b), the hidden
//! plane (u, v) and the scatter of hidden steps (Δu, Δv). Each chart has three stacked
//! canvases: `base` (plotters: axes, contours, theory), `trail` (what the run has done,
//! drawn incrementally) and `overlay` (cleared every frame: the current position).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::frame::{nice_ceiling, Frame};
use super::layer::{self, Marker};
use super::palette::Palette;
use super::plane::{contour, covariance_ellipse, draw_axes, fit_canvas, Axes, Curve, DrawError};
use crate::sim::duel::{Duel, MutationShape, Record, RuleKind};
use crate::sim::theory;

/// Which model a chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// Mini-batch SGD.
    Sgd,
    /// Selection.
    Selection,
}

/// Which view a chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The active plane (a, b) with loss contours.
    Active,
    /// The hidden plane (u, v).
    Hidden,
    /// The scatter of hidden steps (Δu, Δv).
    Steps,
}

/// The six charts in painting order.
pub const CHARTS: [(Model, View); 6] = [
    (Model::Sgd, View::Active),
    (Model::Sgd, View::Hidden),
    (Model::Sgd, View::Steps),
    (Model::Selection, View::Active),
    (Model::Selection, View::Hidden),
    (Model::Selection, View::Steps),
];

/// The `data-chart` name of a chart (`sgd-active`, `sel-steps`, …).
pub fn chart_name(model: Model, view: View) -> &'static str {
    match (model, view) {
        (Model::Sgd, View::Active) => "sgd-active",
        (Model::Sgd, View::Hidden) => "sgd-hidden",
        (Model::Sgd, View::Steps) => "sgd-steps",
        (Model::Selection, View::Active) => "sel-active",
        (Model::Selection, View::Hidden) => "sel-hidden",
        (Model::Selection, View::Steps) => "sel-steps",
    }
}

/// A chart's three canvases.
#[derive(Clone, Debug)]
pub struct Layers {
    /// Axes and static curves.
    pub base: HtmlCanvasElement,
    /// The run so far.
    pub trail: HtmlCanvasElement,
    /// The current position.
    pub overlay: HtmlCanvasElement,
}

fn context(c: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, DrawError> {
    c.get_context("2d")
        .ok()
        .flatten()
        .and_then(|x| x.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| DrawError("no 2-D context".into()))
}

#[derive(Clone, Copy, Debug, Default)]
struct ChartState {
    frame: Option<Frame>,
    drawn: usize,
}

/// Paints a [`Duel`] onto six charts, incrementally between full repaints.
#[derive(Clone, Debug, Default)]
pub struct DuelPainter {
    states: [ChartState; 6],
    hidden_half: f64,
}

const ACTIVE_HALF: f64 = 2.5;

fn record(duel: &Duel, model: Model) -> &Record {
    match model {
        Model::Sgd => &duel.sgd_record,
        Model::Selection => &duel.sel_record,
    }
}

fn model_color(p: &Palette, model: Model) -> &'static str {
    match model {
        Model::Sgd => p.sgd,
        Model::Selection => p.selection,
    }
}

fn marker(model: Model) -> Marker {
    match model {
        Model::Sgd => Marker::Square,
        Model::Selection => Marker::Cross,
    }
}

/// Half-width of the hidden plane that holds both paths with room to spare.
fn hidden_extent(duel: &Duel) -> f64 {
    let far = |r: &Record| r.path.iter().fold(0.0f64, |m, p| m.max(p[2].abs()).max(p[3].abs()));
    far(&duel.sgd_record).max(far(&duel.sel_record))
}

/// Half-width of the step scatter: four theoretical standard deviations.
fn steps_half(duel: &Duel) -> f64 {
    let ([su, sv], s) = duel.theory_step_sd();
    nice_ceiling(4.0 * su.max(sv).max(s))
}

impl DuelPainter {
    /// Redraws everything (after a restart, a resize or a theme change).
    pub fn repaint(&mut self, duel: &Duel, layers: &[Layers; 6], palette: &Palette, dpr: f64) -> Result<(), DrawError> {
        self.hidden_half = nice_ceiling((1.3 * hidden_extent(duel)).max(1.0));
        for (i, (model, view)) in CHARTS.iter().enumerate() {
            self.repaint_one(i, *model, *view, duel, &layers[i], palette, dpr)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn repaint_one(
        &mut self,
        i: usize,
        model: Model,
        view: View,
        duel: &Duel,
        l: &Layers,
        p: &Palette,
        dpr: f64,
    ) -> Result<(), DrawError> {
        let Some(_) = fit_canvas(&l.base, dpr) else {
            self.states[i] = ChartState::default();
            return Ok(());
        };
        fit_canvas(&l.trail, dpr);
        fit_canvas(&l.overlay, dpr);
        let (axes, curves) = self.background(model, view, duel, p);
        let frame = draw_axes(&l.base, &axes, &curves, p, dpr)?;
        layer::clear(&context(&l.trail)?);
        self.states[i] = ChartState { frame: Some(frame), drawn: 0 };
        self.draw_new(i, model, view, duel, l, p)?;
        self.draw_overlay(i, model, view, duel, l, p)
    }

    /// Draws what happened since the last call.
    pub fn update(&mut self, duel: &Duel, layers: &[Layers; 6], palette: &Palette, dpr: f64) -> Result<(), DrawError> {
        if hidden_extent(duel) > 0.95 * self.hidden_half {
            return self.repaint(duel, layers, palette, dpr);
        }
        for (i, (model, view)) in CHARTS.iter().enumerate() {
            if self.states[i].frame.is_none() {
                // Not laid out at the last repaint (e.g. hidden); try now.
                self.repaint_one(i, *model, *view, duel, &layers[i], palette, dpr)?;
                continue;
            }
            self.draw_new(i, *model, *view, duel, &layers[i], palette)?;
            self.draw_overlay(i, *model, *view, duel, &layers[i], palette)?;
        }
        Ok(())
    }

    fn background(&self, model: Model, view: View, duel: &Duel, p: &Palette) -> (Axes, Vec<Curve>) {
        let color = model_color(p, model);
        let params = duel.params();
        match view {
            View::Active => {
                let h = (duel.problem().params().h_a, duel.problem().params().h_b);
                let mut curves: Vec<Curve> = [0.05, 0.25, 0.6, 1.1, 1.8, 2.7]
                    .iter()
                    .map(|l| Curve { points: contour(h, *l), color: p.faint, dashed: false, width: 1.0 })
                    .collect();
                let start = [crate::sim::problem::DEFAULT_START[0], crate::sim::problem::DEFAULT_START[1]];
                let theory_path: Option<Vec<(f64, f64)>> = match model {
                    Model::Sgd => Some(
                        (0..=400u64)
                            .map(|t| {
                                let a = theory::sgd_active_moments(start[0], h.0, 0.0, params.lr, params.batch, t).0;
                                let b = theory::sgd_active_moments(start[1], h.1, 0.0, params.lr, params.batch, t).0;
                                (a, b)
                            })
                            .collect(),
                    ),
                    Model::Selection if params.mutation == MutationShape::Gaussian => {
                        let acc = params.acceptance_rule();
                        let path = match params.rule {
                            RuleKind::Loop => {
                                theory::selection_mean_path(duel.problem(), &acc, params.sigma, start, 400)
                            }
                            RuleKind::Keep => theory::keep_mean_path(duel.problem(), &acc, params.sigma, start, 400),
                        };
                        Some(path.into_iter().map(|x| (x[0], x[1])).collect())
                    }
                    Model::Selection => None,
                };
                if let Some(points) = theory_path {
                    curves.push(Curve { points, color, dashed: true, width: 1.5 });
                }
                (
                    Axes { x: (-ACTIVE_HALF, ACTIVE_HALF), y: (-ACTIVE_HALF, ACTIVE_HALF), x_label: "a", y_label: "b" },
                    curves,
                )
            }
            View::Hidden => {
                let h = self.hidden_half;
                let mut curves = Vec::new();
                let pr = duel.problem().params();
                if model == Model::Sgd && pr.rho.abs() == 1.0 && pr.c_u != 0.0 {
                    // ρ = ±1: the path stays on v = ±(c_v/c_u)·u exactly (§B).
                    let slope = pr.rho * pr.c_v / pr.c_u;
                    curves.push(Curve {
                        points: vec![(-h, -h * slope), (h, h * slope)],
                        color: p.theory,
                        dashed: true,
                        width: 1.0,
                    });
                }
                (Axes { x: (-h, h), y: (-h, h), x_label: "u", y_label: "v" }, curves)
            }
            View::Steps => {
                let h = steps_half(duel);
                let cov = match model {
                    Model::Sgd => {
                        let c = theory::sgd_step_covariance(duel.problem(), params.lr, params.batch);
                        [[c[2][2], c[2][3]], [c[3][2], c[3][3]]]
                    }
                    Model::Selection => [[params.sigma * params.sigma, 0.0], [0.0, params.sigma * params.sigma]],
                };
                let curves =
                    vec![Curve { points: covariance_ellipse(cov, 2.0), color: p.theory, dashed: true, width: 1.0 }];
                (Axes { x: (-h, h), y: (-h, h), x_label: "Δu", y_label: "Δv" }, curves)
            }
        }
    }

    fn draw_new(
        &mut self,
        i: usize,
        model: Model,
        view: View,
        duel: &Duel,
        l: &Layers,
        p: &Palette,
    ) -> Result<(), DrawError> {
        let st = &mut self.states[i];
        let Some(frame) = st.frame else { return Ok(()) };
        let rec = record(duel, model);
        let ctx = context(&l.trail)?;
        let color = model_color(p, model);
        match view {
            View::Active | View::Hidden => {
                let (ix, iy) = if view == View::Active { (0, 1) } else { (2, 3) };
                let from = st.drawn.saturating_sub(1);
                if rec.path.len() > from + 1 {
                    ctx.set_global_alpha(0.85);
                    layer::polyline(&ctx, &frame, rec.path[from..].iter().map(|x| (x[ix], x[iy])), color, 1.25);
                    ctx.set_global_alpha(1.0);
                }
                st.drawn = rec.path.len();
            }
            View::Steps => {
                if rec.hidden_steps.len() > st.drawn {
                    ctx.set_global_alpha(0.55);
                    layer::markers(
                        &ctx,
                        &frame,
                        rec.hidden_steps[st.drawn..].iter().map(|s| (s[0], s[1])),
                        marker(model),
                        color,
                        4.0,
                    );
                    ctx.set_global_alpha(1.0);
                }
                st.drawn = rec.hidden_steps.len();
            }
        }
        Ok(())
    }

    fn draw_overlay(
        &self,
        i: usize,
        model: Model,
        view: View,
        duel: &Duel,
        l: &Layers,
        p: &Palette,
    ) -> Result<(), DrawError> {
        let Some(frame) = self.states[i].frame else { return Ok(()) };
        let ctx = context(&l.overlay)?;
        layer::clear(&ctx);
        let rec = record(duel, model);
        let color = model_color(p, model);
        match view {
            View::Active | View::Hidden => {
                let (ix, iy) = if view == View::Active { (0, 1) } else { (2, 3) };
                if view == View::Hidden {
                    // Where theory says the run should be by now: the 2-sd ellipse of θ_t's spread.
                    let t = duel.steps() as f64;
                    let params = duel.params();
                    let cov = match model {
                        Model::Sgd => {
                            let c = theory::sgd_step_covariance(duel.problem(), params.lr, params.batch);
                            [[t * c[2][2], t * c[2][3]], [t * c[3][2], t * c[3][3]]]
                        }
                        Model::Selection => {
                            let moved = rec.hidden.count() as f64;
                            let v = moved * params.sigma * params.sigma;
                            [[v, 0.0], [0.0, v]]
                        }
                    };
                    let (l1, l2, angle) = crate::sim::maths::eigen_sym2(cov);
                    layer::ellipse(
                        &ctx,
                        &frame,
                        (0.0, 0.0),
                        2.0 * l1.max(0.0).sqrt(),
                        2.0 * l2.max(0.0).sqrt(),
                        angle,
                        p.theory,
                        true,
                    );
                }
                if let Some(x) = rec.path.last() {
                    layer::ring(&ctx, &frame, x[ix], x[iy], color, p.ink);
                }
            }
            View::Steps => {
                if let Some(s) = rec.hidden_steps.last() {
                    if frame.contains(s[0], s[1]) {
                        layer::ring(&ctx, &frame, s[0], s[1], color, p.ink);
                    }
                }
            }
        }
        Ok(())
    }
}
