//! The drift figure's charts (spec §D): a vector field on the bowl f = −(a² + b²/4)/2
//! with its contours, a circle along which the circulation is taken, and the Monte Carlo
//! mean steps at the circle's points.
//!
//! Arrows are batched: all shafts of one colour in one stroked path, all heads in one
//! filled path, since a path per arrow is slow for a grid of a few hundred.

use web_sys::CanvasRenderingContext2d;

use super::frame::Frame;
use super::layer;
use super::palette::Palette;
use super::plane::{Axes, Curve};
use crate::sim::drift_field::{Bowl, Circle};

/// Half-width of the square view, in a and b.
pub const HALF: f64 = 3.0;
/// Arrows per side of the grid.
pub const GRID: usize = 13;

/// The axes of the view.
pub fn axes() -> Axes {
    Axes { x: (-HALF, HALF), y: (-HALF, HALF), x_label: "a", y_label: "b" }
}

/// Level sets of f, f = −level, as faint curves.
pub fn contours(bowl: &Bowl, p: &Palette) -> Vec<Curve> {
    [0.125, 0.5, 1.125, 2.0, 3.125, 4.5]
        .iter()
        .map(|l| Curve {
            points: bowl.contour(*l, 120).into_iter().map(|x| (x[0], x[1])).collect(),
            color: p.faint,
            dashed: false,
            width: 1.0,
        })
        .collect()
}

/// The grid points of the arrows, spaced [`spacing`] apart and centred in the view.
pub fn grid() -> Vec<[f64; 2]> {
    let d = spacing();
    let start = -HALF + 0.5 * d;
    (0..GRID).flat_map(|i| (0..GRID).map(move |j| [start + i as f64 * d, start + j as f64 * d])).collect()
}

/// The distance between neighbouring grid points.
pub fn spacing() -> f64 {
    2.0 * HALF / GRID as f64
}

/// Arrows from each `from` along `vector`·`scale` (data units), batched into one stroke
/// and one fill in `color`. Arrows shorter than a pixel are left out.
pub fn arrows(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    items: &[([f64; 2], [f64; 2])],
    scale: f64,
    color: &str,
    width: f64,
) {
    ctx.save();
    layer::clip_to(ctx, f);
    let mut heads: Vec<[(f64, f64); 3]> = Vec::with_capacity(items.len());
    ctx.begin_path();
    for (from, v) in items {
        let (x0, y0) = f.map(from[0], from[1]);
        let (x1, y1) = f.map(from[0] + scale * v[0], from[1] + scale * v[1]);
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        if !(len.is_finite() && len >= f.dpr) {
            continue;
        }
        let (ux, uy) = ((x1 - x0) / len, (y1 - y0) / len);
        let head = (6.0 * f.dpr).min(0.45 * len);
        ctx.move_to(x0, y0);
        ctx.line_to(x1 - ux * head * 0.8, y1 - uy * head * 0.8);
        heads.push([
            (x1, y1),
            (x1 - ux * head - uy * head * 0.55, y1 - uy * head + ux * head * 0.55),
            (x1 - ux * head + uy * head * 0.55, y1 - uy * head - ux * head * 0.55),
        ]);
    }
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(width * f.dpr);
    ctx.set_line_cap("round");
    ctx.stroke();
    ctx.begin_path();
    for h in &heads {
        ctx.move_to(h[0].0, h[0].1);
        ctx.line_to(h[1].0, h[1].1);
        ctx.line_to(h[2].0, h[2].1);
        ctx.close_path();
    }
    ctx.set_fill_style_str(color);
    ctx.fill();
    ctx.restore();
}

/// The circle, dashed over a halo, with an arrowhead at the top showing the direction
/// of integration (anticlockwise).
pub fn circle(ctx: &CanvasRenderingContext2d, f: &Frame, c: &Circle, color: &str, halo: &str) {
    let points: Vec<(f64, f64)> = (0..=120)
        .map(|i| {
            let t = i as f64 / 120.0 * std::f64::consts::TAU;
            (c.center[0] + c.radius * t.cos(), c.center[1] + c.radius * t.sin())
        })
        .collect();
    ctx.save();
    layer::polyline(ctx, f, points.iter().copied(), halo, 5.0);
    let _ = ctx.set_line_dash(&js_sys::Array::of2(&(7.0 * f.dpr).into(), &(4.0 * f.dpr).into()));
    layer::polyline(ctx, f, points.into_iter(), color, 2.0);
    ctx.restore();
    // Direction: at the top of the circle the tangent points to −a.
    let top = [c.center[0], c.center[1] + c.radius];
    let (x, y) = f.map(top[0], top[1]);
    let h = 7.0 * f.dpr;
    ctx.begin_path();
    ctx.move_to(x - h, y);
    ctx.line_to(x + 0.4 * h, y - 0.6 * h);
    ctx.line_to(x + 0.4 * h, y + 0.6 * h);
    ctx.close_path();
    ctx.set_fill_style_str(color);
    ctx.fill();
}

/// Small dots at `points`.
pub fn dots(ctx: &CanvasRenderingContext2d, f: &Frame, points: impl Iterator<Item = [f64; 2]>, color: &str) {
    layer::markers(ctx, f, points.map(|p| (p[0], p[1])), layer::Marker::Dot, color, 3.5);
}

/// Device pixels → data coordinates (the inverse of [`Frame::map`]).
pub fn unmap(f: &Frame, px: f64, py: f64) -> (f64, f64) {
    f.unmap(px, py)
}
