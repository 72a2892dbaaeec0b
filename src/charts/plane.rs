//! Axes, labels and static curves (contours, theory) drawn with plotters.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use super::frame::Frame;
use super::palette::{rgb, Palette};

/// A static curve to draw under the simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Points in data coordinates.
    pub points: Vec<(f64, f64)>,
    /// CSS colour `#rrggbb`.
    pub color: &'static str,
    /// Dashed (theory) or solid (contours).
    pub dashed: bool,
    /// Width in CSS pixels.
    pub width: f64,
}

/// What an axes box shows. Ranges are in data units, on a log scale too.
#[derive(Clone, Debug, PartialEq)]
pub struct Axes {
    /// Data range along x.
    pub x: (f64, f64),
    /// Data range along y.
    pub y: (f64, f64),
    /// x-axis label.
    pub x_label: &'static str,
    /// y-axis label.
    pub y_label: &'static str,
}

/// The step between the labelled ticks of a linear axis over `range` with at most `n`
/// labels, chosen as plotters chooses it (a power of ten divided by 2, 5 or 10 while the
/// ticks inside the range still number at most `n`), so that a label can show exactly
/// the digits its step needs.
pub fn label_step(range: (f64, f64), n: usize) -> f64 {
    let (lo, hi) = (range.0.min(range.1), range.0.max(range.1));
    if !(hi - lo > 0.0 && (hi - lo).is_finite()) || n == 0 {
        return 1.0;
    }
    let ticks = |step: f64| {
        let first = (lo / step).ceil() * step;
        let last = (hi / step).floor() * step;
        (1.0 + (last - first) / step).round()
    };
    let mut scale = 10f64.powf((hi - lo).log10().floor());
    if 1.0 + ((hi - lo) / scale).floor() > n as f64 {
        scale *= 10.0;
    }
    // Each round divides by ten; a range of any finite width is done within a few.
    for _ in 0..64 {
        let old = scale;
        for d in [2.0, 5.0, 10.0] {
            if ticks(old / d) > n as f64 {
                return scale;
            }
            scale = old / d;
        }
    }
    scale
}

/// A linear axis's tick label: the digits its ticks' step needs, the same for every
/// tick (0.5, 1.0, 1.5), and never "−0".
pub fn linear_label(v: f64, step: f64) -> String {
    let digits = if step > 0.0 && step.is_finite() { (-(step.log10() + 1e-9).floor()).clamp(0.0, 8.0) } else { 2.0 };
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    format!("{v:.0$}", digits as usize)
}

/// A log axis's tick label at log₁₀ value `v`: the decades as plain numbers (or powers of
/// ten beyond 10⁻³…10⁴); between decades nothing, unless the axis spans less than two
/// of them (`sparse`), when two significant digits.
fn decade_label(v: f64, sparse: bool) -> String {
    let k = v.round();
    if (v - k).abs() > 1e-6 {
        if !sparse {
            return String::new();
        }
        let x = 10f64.powf(v);
        let digits = (1.0 - x.log10().floor()).max(0.0) as usize;
        return format!("{x:.digits$}");
    }
    if (-3.0..=4.0).contains(&k) {
        let digits = (-k).max(0.0) as usize;
        return format!("{:.digits$}", 10f64.powf(k));
    }
    let exponent: String = format!("{}", k as i64)
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d.to_digit(10).unwrap_or(0) as usize],
        })
        .collect();
    format!("10{exponent}")
}

/// What a chart's base layer shows: its axes and the static curves under the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Base {
    /// The axes.
    pub axes: Axes,
    /// Theory and contours, drawn under the data.
    pub curves: Vec<Curve>,
    /// Whether both axes share units, so the plot keeps a 1:1 aspect ratio (the
    /// shorter range is widened to fill the box).
    pub equal: bool,
}

/// Margins around the plot area in CSS pixels: outer margin, x-label band, y-label band;
/// wider on the right, where half of the last x label stands beyond the plot.
const MARGIN: f64 = 8.0;
const MARGIN_RIGHT: f64 = 18.0;
const X_LABEL_AREA: f64 = 38.0;
const Y_LABEL_AREA: f64 = 40.0;

/// `axes` with the shorter data range widened about its centre so that one data unit
/// spans as many pixels along x as along y in a canvas of `width` × `height` pixels.
pub fn equalize(axes: &Axes, width: f64, height: f64, dpr: f64) -> Axes {
    let pw = width - dpr * (MARGIN + MARGIN_RIGHT + Y_LABEL_AREA);
    let ph = height - dpr * (2.0 * MARGIN + X_LABEL_AREA);
    let (dx, dy) = (axes.x.1 - axes.x.0, axes.y.1 - axes.y.0);
    if !(pw > 0.0 && ph > 0.0 && dx > 0.0 && dy > 0.0) {
        return axes.clone();
    }
    let widen = |(lo, hi): (f64, f64), span: f64| {
        let c = 0.5 * (lo + hi);
        (c - span / 2.0, c + span / 2.0)
    };
    let mut out = axes.clone();
    if dx / pw > dy / ph {
        out.y = widen(axes.y, dx / pw * ph);
    } else {
        out.x = widen(axes.x, dy / ph * pw);
    }
    out
}

/// Why a chart could not be drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawError(pub String);

fn color(hex: &str) -> RGBColor {
    let (r, g, b) = rgb(hex);
    RGBColor(r, g, b)
}

/// Sizes the canvas's backing store to its CSS box times the device pixel ratio and
/// returns that ratio. Returns `None` while the canvas has no layout (hidden).
pub fn fit_canvas(canvas: &HtmlCanvasElement, dpr: f64) -> Option<(u32, u32)> {
    let (w, h) = (canvas.client_width(), canvas.client_height());
    if w <= 0 || h <= 0 {
        return None;
    }
    let (pw, ph) = ((f64::from(w) * dpr).round() as u32, (f64::from(h) * dpr).round() as u32);
    if canvas.width() != pw {
        canvas.set_width(pw);
    }
    if canvas.height() != ph {
        canvas.set_height(ph);
    }
    Some((pw, ph))
}

/// Draws axes, grid, labels and `curves`; returns the frame the fast layer draws in.
pub fn draw_axes(
    canvas: &HtmlCanvasElement,
    axes: &Axes,
    curves: &[Curve],
    palette: &Palette,
    dpr: f64,
) -> Result<Frame, DrawError> {
    draw_scaled_axes(canvas, axes, (false, false), curves, palette, dpr)
}

/// [`draw_axes`] with x and/or y on a log scale (`log`): decades labelled 0.1, 1, 10, …,
/// ranges and curves still in data units.
pub fn draw_scaled_axes(
    canvas: &HtmlCanvasElement,
    axes: &Axes,
    log: (bool, bool),
    curves: &[Curve],
    palette: &Palette,
    dpr: f64,
) -> Result<Frame, DrawError> {
    let backend =
        CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| DrawError("no 2-D context".into()))?;
    let root = backend.into_drawing_area();
    let err = |e: DrawingAreaErrorKind<_>| DrawError(format!("{e:?}"));
    root.fill(&color(palette.background)).map_err(err)?;
    let ink = color(palette.ink);
    let font = |size: f64| ("sans-serif", size * dpr).into_font().color(&ink);
    let px = |v: f64| (v * dpr).round() as u32;
    // A log axis is drawn as a linear one in log₁₀ of the value.
    let tx = |v: f64| if log.0 { v.log10() } else { v };
    let ty = |v: f64| if log.1 { v.log10() } else { v };
    let (x, y) = ((tx(axes.x.0), tx(axes.x.1)), (ty(axes.y.0), ty(axes.y.1)));
    if !(x.0.is_finite() && x.1.is_finite() && y.0.is_finite() && y.1.is_finite()) {
        return Err(DrawError(format!("axes out of range: {:?}, {:?}", axes.x, axes.y)));
    }
    let sparse = |r: (f64, f64)| r.1.floor() - r.0.ceil() < 1.0;
    let (sparse_x, sparse_y) = (sparse(x), sparse(y));
    let (x_labels, y_labels) = (
        if log.0 { 8 } else { 5 },
        if axes.y_label.is_empty() {
            0
        } else if log.1 {
            8
        } else {
            5
        },
    );
    let (x_step, y_step) = (label_step(x, x_labels), label_step(y, y_labels.max(1)));
    let x_fmt = |v: &f64| if log.0 { decade_label(*v, sparse_x) } else { linear_label(*v, x_step) };
    let y_fmt = |v: &f64| if log.1 { decade_label(*v, sparse_y) } else { linear_label(*v, y_step) };
    let mut chart = ChartBuilder::on(&root)
        .margin(px(MARGIN))
        .margin_right(px(MARGIN_RIGHT))
        .x_label_area_size(px(X_LABEL_AREA))
        .y_label_area_size(px(Y_LABEL_AREA))
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(err)?;
    let mut mesh = chart.configure_mesh();
    // An axis with no label is not a quantity (a strip's rows): no ticks, no grid lines.
    if axes.y_label.is_empty() {
        mesh.disable_y_mesh();
    }
    mesh.x_desc(axes.x_label)
        .y_desc(axes.y_label)
        .x_labels(x_labels)
        .y_labels(y_labels)
        .label_style(font(11.0))
        .axis_desc_style(font(13.0))
        .light_line_style(color(palette.faint).mix(0.35))
        .bold_line_style(color(palette.faint).mix(0.8))
        .axis_style(ink.mix(0.8));
    mesh.x_label_formatter(&x_fmt);
    mesh.y_label_formatter(&y_fmt);
    mesh.draw().map_err(err)?;
    for c in curves {
        let points: Vec<(f64, f64)> =
            c.points.iter().map(|&(a, b)| (tx(a), ty(b))).filter(|(a, b)| a.is_finite() && b.is_finite()).collect();
        for piece in clip_polyline(&points, x, y) {
            draw_curve(&mut chart, c, piece, px)?;
        }
    }
    root.present().map_err(err)?;
    Ok(Frame::new(axes.x, axes.y, chart.plotting_area().get_pixel_range(), dpr, log))
}

type Chart<'a> = ChartContext<
    'a,
    CanvasBackend,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn draw_curve(
    chart: &mut Chart<'_>,
    c: &Curve,
    points: Vec<(f64, f64)>,
    px: impl Fn(f64) -> u32,
) -> Result<(), DrawError> {
    let err = |e: DrawingAreaErrorKind<_>| DrawError(format!("{e:?}"));
    {
        let style = ShapeStyle { color: color(c.color).to_rgba(), filled: false, stroke_width: px(c.width).max(1) };
        if c.dashed {
            chart.draw_series(DashedLineSeries::new(points, px(5.0), px(4.0), style)).map_err(err)?;
        } else {
            chart.draw_series(LineSeries::new(points, style)).map_err(err)?;
        }
    }
    Ok(())
}

/// The parts of a polyline inside the box `x` × `y` (plotters would squash points
/// outside its ranges onto the edge, bending the line).
pub fn clip_polyline(points: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for w in points.windows(2) {
        match clip_segment(w[0], w[1], x, y) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    if current.len() > 1 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
            }
            None => {
                if current.len() > 1 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() > 1 {
        pieces.push(current);
    }
    pieces
}

/// Liang–Barsky: the part of segment a–b inside the box, if any.
fn clip_segment(a: (f64, f64), b: (f64, f64), x: (f64, f64), y: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
        return None;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - x.0), (dx, x.1 - a.0), (-dy, a.1 - y.0), (dy, y.1 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some(((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy)))
}

/// An arrow from `from` to `to` (data coordinates) as one curve — the shaft, then an
/// open head whose arms are `head` data units long (at most 45 % of the arrow) — for
/// vector fields drawn in a chart's base. `None` for an arrow of no length.
pub fn arrow_curve(from: (f64, f64), to: (f64, f64), head: f64, color: &'static str, width: f64) -> Option<Curve> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = dx.hypot(dy);
    if !(len.is_finite() && len > 0.0) {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let h = head.min(0.45 * len);
    // The arms sweep back 30° either side of the shaft.
    let (c, s) = (0.866 * h, 0.5 * h);
    let left = (to.0 - c * ux - s * uy, to.1 - c * uy + s * ux);
    let right = (to.0 - c * ux + s * uy, to.1 - c * uy - s * ux);
    Some(Curve { points: vec![from, to, left, to, right], color, dashed: false, width })
}

/// Points on the ellipse {x : ½xᵀHx = level} for diagonal H = diag(h₀, h₁).
pub fn contour(h: (f64, f64), level: f64) -> Vec<(f64, f64)> {
    let (ra, rb) = ((2.0 * level / h.0).sqrt(), (2.0 * level / h.1).sqrt());
    (0..=120)
        .map(|i| {
            let t = i as f64 / 120.0 * std::f64::consts::TAU;
            (ra * t.cos(), rb * t.sin())
        })
        .collect()
}

/// Points on the ellipse k·√(covariance) (data coordinates), degenerate ones included.
pub fn covariance_ellipse(cov: [[f64; 2]; 2], k: f64) -> Vec<(f64, f64)> {
    let (l1, l2, angle) = crate::sim::maths::eigen_sym2(cov);
    let (a, b) = (k * l1.max(0.0).sqrt(), k * l2.max(0.0).sqrt());
    let (c, s) = (angle.cos(), angle.sin());
    (0..=96)
        .map(|i| {
            let t = i as f64 / 96.0 * std::f64::consts::TAU;
            let (x, y) = (a * t.cos(), b * t.sin());
            (c * x - s * y, s * x + c * y)
        })
        .collect()
}
