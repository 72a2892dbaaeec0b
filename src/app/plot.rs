//! A chart's markup: a labelled box with three stacked canvases.

use leptos::html;
use leptos::prelude::*;

use web_sys::HtmlCanvasElement;

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

/// Handles to a chart's three canvases.
#[derive(Clone, Copy)]
pub struct PlotRefs {
    /// Axes and static curves (plotters).
    pub base: NodeRef<html::Canvas>,
    /// The run so far (fast layer).
    pub trail: NodeRef<html::Canvas>,
    /// Cleared every frame.
    pub overlay: NodeRef<html::Canvas>,
}

impl PlotRefs {
    /// Fresh handles.
    pub fn new() -> Self {
        Self { base: NodeRef::new(), trail: NodeRef::new(), overlay: NodeRef::new() }
    }

    /// The canvases, once mounted.
    pub fn layers(&self) -> Option<Layers> {
        Some(Layers {
            base: self.base.get_untracked()?,
            trail: self.trail.get_untracked()?,
            overlay: self.overlay.get_untracked()?,
        })
    }
}

impl Default for PlotRefs {
    fn default() -> Self {
        Self::new()
    }
}

/// A chart: label, then the canvases. `name` becomes the trail canvas's `data-chart`.
#[component]
pub fn Plot(
    /// Handles filled in when mounted.
    refs: PlotRefs,
    /// The `data-chart` name.
    name: &'static str,
    /// What the chart shows, for sighted readers and screen readers alike.
    label: String,
    /// Extra class on the wrapper (`sgd`, `sel`, `wide`).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <div class=format!("chart {class}")>
            <div class="chart-label">{label.clone()}</div>
            <div class="chart-box">
                <canvas node_ref=refs.base data-layer="axes" aria-hidden="true"></canvas>
                <canvas node_ref=refs.trail data-chart=name role="img" aria-label=label></canvas>
                <canvas node_ref=refs.overlay data-layer="overlay" aria-hidden="true"></canvas>
            </div>
        </div>
    }
}

/// Sizes a chart's canvases and draws its axes and static curves; returns the frame
/// for the fast layer, or `None` while the chart is not laid out or cannot draw
/// (a drawing failure is logged once to the console, never panics).
pub fn paint_base(
    refs: &PlotRefs,
    axes: &crate::charts::plane::Axes,
    curves: &[crate::charts::plane::Curve],
) -> Option<crate::charts::Frame> {
    use crate::charts::plane::{draw_axes, fit_canvas};
    let layers = refs.layers()?;
    let dpr = super::browser::device_pixel_ratio();
    fit_canvas(&layers.base, dpr)?;
    fit_canvas(&layers.trail, dpr);
    fit_canvas(&layers.overlay, dpr);
    let palette = crate::charts::Palette::for_scheme(super::browser::prefers_dark());
    match draw_axes(&layers.base, axes, curves, &palette, dpr) {
        Ok(f) => Some(f),
        Err(e) => {
            web_sys::console::error_1(&format!("drawing failed: {}", e.0).into());
            None
        }
    }
}

/// The 2-D context of a canvas.
pub fn context2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}
