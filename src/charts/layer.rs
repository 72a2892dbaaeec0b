//! The fast layer: paths and point clouds drawn straight onto a 2-D context, batched by
//! colour (one path per colour per frame), since one path per point is too slow beyond
//! a few thousand points.

use web_sys::CanvasRenderingContext2d;

use super::frame::Frame;

pub use super::pixels::Marker;

/// Clears the whole canvas.
pub fn clear(ctx: &CanvasRenderingContext2d) {
    if let Some(c) = ctx.canvas() {
        ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
    }
}

/// Restricts drawing to the plot area.
pub fn clip_to(ctx: &CanvasRenderingContext2d, f: &Frame) {
    ctx.begin_path();
    ctx.rect(f.px.0, f.py.0, f.px.1 - f.px.0, f.py.1 - f.py.0);
    ctx.clip();
}

/// Strokes the polyline through `points` (data coordinates) in one path.
pub fn polyline(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    points: impl Iterator<Item = (f64, f64)>,
    color: &str,
    width: f64,
) {
    ctx.save();
    clip_to(ctx, f);
    ctx.begin_path();
    let mut first = true;
    for (x, y) in points {
        let (px, py) = f.map(x, y);
        if first {
            ctx.move_to(px, py);
            first = false;
        } else {
            ctx.line_to(px, py);
        }
    }
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(width * f.dpr);
    ctx.set_line_join("round");
    ctx.stroke();
    ctx.restore();
}

/// The polyline through `points` (data coordinates), `width` CSS pixels wide, over a
/// wider translucent halo of `halo` (usually the background), so that it reads on top of
/// a dense cloud of marks. Nothing is drawn if a point is not finite.
pub fn haloed_polyline(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    points: &[(f64, f64)],
    color: &str,
    halo: &str,
    width: f64,
) {
    if points.iter().any(|(x, y)| !(x.is_finite() && y.is_finite())) {
        return;
    }
    ctx.save();
    ctx.set_global_alpha(0.8);
    polyline(ctx, f, points.iter().copied(), halo, width + 2.5);
    ctx.set_global_alpha(1.0);
    polyline(ctx, f, points.iter().copied(), color, width);
    ctx.restore();
}

/// Draws markers at `points` (data coordinates): the filled shapes (squares, dots,
/// plus signs) one rectangle at a time, the outlined ones (×, open circle, open
/// triangle) in one stroke, filled with `inside` if given (the background, so that
/// lines under an open circle do not show through it).
#[allow(clippy::too_many_arguments)]
pub fn markers(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    points: impl Iterator<Item = (f64, f64)>,
    marker: Marker,
    color: &str,
    size: f64,
    inside: Option<&str>,
) {
    let s = size * f.dpr;
    let r = s / 2.0;
    ctx.set_fill_style_str(color);
    ctx.set_stroke_style_str(color);
    ctx.set_line_width((s / 5.0).max(1.5 * f.dpr));
    ctx.begin_path();
    let outlined = matches!(marker, Marker::Diagonal | Marker::Circle | Marker::Triangle);
    for (x, y) in points {
        if !f.contains(x, y) {
            continue;
        }
        let (px, py) = f.map(x, y);
        match marker {
            Marker::Square | Marker::Dot => ctx.fill_rect(px - r, py - r, s, s),
            Marker::Cross => {
                let t = (s / 3.0).max(1.0);
                ctx.fill_rect(px - r, py - t / 2.0, s, t);
                ctx.fill_rect(px - t / 2.0, py - r, t, s);
            }
            Marker::Diagonal => {
                let d = 0.8 * r;
                ctx.move_to(px - d, py - d);
                ctx.line_to(px + d, py + d);
                ctx.move_to(px - d, py + d);
                ctx.line_to(px + d, py - d);
            }
            Marker::Circle => {
                ctx.move_to(px + 0.8 * r, py);
                let _ = ctx.arc(px, py, 0.8 * r, 0.0, std::f64::consts::TAU);
            }
            Marker::Triangle => {
                ctx.move_to(px, py - r);
                ctx.line_to(px + 0.9 * r, py + 0.6 * r);
                ctx.line_to(px - 0.9 * r, py + 0.6 * r);
                ctx.close_path();
            }
        }
    }
    if outlined {
        if let (Some(bg), false) = (inside, marker == Marker::Diagonal) {
            ctx.set_fill_style_str(bg);
            ctx.fill();
        }
        ctx.stroke();
    }
}

/// A vertical error bar at x from `lo` to `hi` (data coordinates) with caps `cap` CSS
/// pixels wide. An end beyond the plot (or not on a log axis: ≤ 0) runs to its edge
/// without a cap.
pub fn error_bar(ctx: &CanvasRenderingContext2d, f: &Frame, x: f64, (lo, hi): (f64, f64), color: &str, cap: f64) {
    let px = f.map(x, f.y.0).0;
    if !(px.is_finite() && px >= f.px.0 && px <= f.px.1) {
        return;
    }
    let end = |v: f64, edge: f64| {
        let py = f.map(x, v).1;
        if py.is_finite() && py >= f.py.0 && py <= f.py.1 {
            (py, true)
        } else {
            (edge, false)
        }
    };
    let (top, top_cap) = end(hi, f.py.0);
    let (bottom, bottom_cap) = end(lo, f.py.1);
    if top >= bottom {
        return;
    }
    let c = 0.5 * cap * f.dpr;
    ctx.save();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(1.5 * f.dpr);
    ctx.begin_path();
    ctx.move_to(px, top);
    ctx.line_to(px, bottom);
    for (py, capped) in [(top, top_cap), (bottom, bottom_cap)] {
        if capped {
            ctx.move_to(px - c, py);
            ctx.line_to(px + c, py);
        }
    }
    ctx.stroke();
    ctx.restore();
}

/// Writes `text` beside data point `at`, offset by `(dx, dy)` CSS pixels: to the right of
/// it for dx > 0, ending left of it for dx < 0, centred for 0; above it for dy < 0, below
/// for dy > 0, centred for 0. The text sits on a patch of `background` so that it reads
/// over the lines it crosses, and is kept inside the plot area.
#[allow(clippy::too_many_arguments)]
pub fn label(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    at: (f64, f64),
    (dx, dy): (f64, f64),
    text: &str,
    color: &str,
    background: &str,
) {
    let (px, py) = f.map(at.0, at.1);
    if !(px.is_finite() && py.is_finite()) {
        return;
    }
    let size = 12.0 * f.dpr;
    ctx.save();
    ctx.set_font(&format!("{}px sans-serif", size.round()));
    let w = ctx.measure_text(text).map(|m| m.width()).unwrap_or(0.55 * size * text.chars().count() as f64);
    let h = 1.25 * size;
    let pad = 2.0 * f.dpr;
    let (x, y) = (px + dx * f.dpr, py + dy * f.dpr);
    let left = if dx > 0.0 {
        x
    } else if dx < 0.0 {
        x - w
    } else {
        x - w / 2.0
    };
    let top = if dy > 0.0 {
        y
    } else if dy < 0.0 {
        y - h
    } else {
        y - h / 2.0
    };
    let left = left.clamp(f.px.0 + pad, (f.px.1 - w - pad).max(f.px.0 + pad));
    let top = top.clamp(f.py.0 + pad, (f.py.1 - h - pad).max(f.py.0 + pad));
    ctx.set_fill_style_str(background);
    ctx.set_global_alpha(0.85);
    ctx.fill_rect(left - pad, top, w + 2.0 * pad, h);
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(color);
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(text, left, top + h / 2.0);
    ctx.restore();
}

/// A ring marking the current position.
pub fn ring(ctx: &CanvasRenderingContext2d, f: &Frame, x: f64, y: f64, color: &str, ink: &str) {
    let (px, py) = f.map(x, y);
    let r = 5.0 * f.dpr;
    ctx.begin_path();
    let _ = ctx.arc(px, py, r, 0.0, std::f64::consts::TAU);
    ctx.set_fill_style_str(color);
    ctx.fill();
    ctx.set_stroke_style_str(ink);
    ctx.set_line_width(1.5 * f.dpr);
    ctx.stroke();
}

/// An ellipse (data coordinates) with semi-axes `a`, `b` at `angle`, stroked dashed.
#[allow(clippy::too_many_arguments)]
pub fn ellipse(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    center: (f64, f64),
    a: f64,
    b: f64,
    angle: f64,
    color: &str,
    dashed: bool,
) {
    let (c, s) = (angle.cos(), angle.sin());
    let pts = (0..=96).map(|i| {
        let t = i as f64 / 96.0 * std::f64::consts::TAU;
        let (x, y) = (a * t.cos(), b * t.sin());
        (center.0 + c * x - s * y, center.1 + s * x + c * y)
    });
    ctx.save();
    if dashed {
        let dash = js_sys::Array::of2(&(5.0 * f.dpr).into(), &(4.0 * f.dpr).into());
        let _ = ctx.set_line_dash(&dash);
    }
    polyline(ctx, f, pts, color, 1.25);
    ctx.restore();
}

/// An arrow from `from` to `to` (data coordinates), solid or dashed.
pub fn arrow(ctx: &CanvasRenderingContext2d, f: &Frame, from: (f64, f64), to: (f64, f64), color: &str, dashed: bool) {
    let (x0, y0) = f.map(from.0, from.1);
    let (x1, y1) = f.map(to.0, to.1);
    let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    if !(len.is_finite() && len > 0.5) {
        return;
    }
    let (ux, uy) = ((x1 - x0) / len, (y1 - y0) / len);
    let head = (9.0 * f.dpr).min(0.5 * len);
    ctx.save();
    ctx.set_stroke_style_str(color);
    ctx.set_fill_style_str(color);
    ctx.set_line_width(2.0 * f.dpr);
    if dashed {
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&(5.0 * f.dpr).into(), &(3.0 * f.dpr).into()));
    }
    ctx.begin_path();
    ctx.move_to(x0, y0);
    ctx.line_to(x1 - ux * head, y1 - uy * head);
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.begin_path();
    ctx.move_to(x1, y1);
    ctx.line_to(x1 - ux * head - uy * head * 0.5, y1 - uy * head + ux * head * 0.5);
    ctx.line_to(x1 - ux * head + uy * head * 0.5, y1 - uy * head - ux * head * 0.5);
    ctx.close_path();
    ctx.fill();
    ctx.restore();
}
