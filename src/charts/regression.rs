//! The regression figure's charts (spec §C): the weight plane (w₁, w₂) with the loss
//! contours — ellipses of Σ around w* — and, per model, either a cloud of single steps
//! from one point or the long-run cloud of positions, each against its theory ellipse.
//!
//! The static parts (axes, contours, theory ellipses) are plotters curves on the base
//! canvas; the clouds are drawn incrementally on the trail canvas; the empirical
//! ellipse and the current position go on the overlay, redrawn every frame.

use web_sys::CanvasRenderingContext2d;

use super::frame::Frame;
use super::layer::{self, Marker};
use super::palette::Palette;
use super::plane::{covariance_ellipse, Axes, Curve};
use crate::sim::maths::{eigen_sym2, Sym2};

/// Theory and empirical ellipses are drawn at two standard deviations (Mahalanobis 2),
/// which hold about 86 % of a 2-D Gaussian.
pub const ELLIPSE_SD: f64 = 2.0;

/// The axes of a square view of half-width `half` around `center`.
pub fn axes(center: [f64; 2], half: f64) -> Axes {
    Axes {
        x: (center[0] - half, center[0] + half),
        y: (center[1] - half, center[1] + half),
        x_label: "w₁",
        y_label: "w₂",
    }
}

/// A half-width, in steps of ¼, that holds `extent` (at least ¾).
pub fn view_half(extent: f64) -> f64 {
    if !extent.is_finite() {
        return 1.0;
    }
    ((extent / 0.25).ceil() * 0.25).clamp(0.75, 10.0)
}

/// Loss contours: the ellipses {w : (w − w*)ᵀΣ(w − w*) = c} at evenly spaced semi-axes
/// along the flat direction, so that they fill a view of half-width `half`.
pub fn loss_contours(sigma: Sym2, w_star: [f64; 2], half: f64, p: &Palette) -> Vec<Curve> {
    let (_, lmin, _) = eigen_sym2(sigma);
    let Some(inv) = crate::sim::maths::inverse2(sigma) else { return Vec::new() };
    (1..=6)
        .map(|k| {
            // Semi-axis along the flat direction k·half/4: c = (k·half/4)²·λ_min.
            let c = (f64::from(k) * half / 4.0).powi(2) * lmin.max(1e-12);
            let cov = [[inv[0][0] * c, inv[0][1] * c], [inv[1][0] * c, inv[1][1] * c]];
            ellipse_curve(w_star, cov, 1.0, p.faint, false, 1.0)
        })
        .collect()
}

/// The ellipse at `k` standard deviations of `cov` around `center`, as a curve.
pub fn ellipse_curve(center: [f64; 2], cov: Sym2, k: f64, color: &'static str, dashed: bool, width: f64) -> Curve {
    let points = covariance_ellipse(cov, k).into_iter().map(|(x, y)| (x + center[0], y + center[1])).collect();
    Curve { points, color, dashed, width }
}

/// A small plus marking w*, the optimum.
pub fn optimum_mark(w_star: [f64; 2], half: f64, p: &Palette) -> Vec<Curve> {
    let d = 0.04 * half;
    vec![
        Curve {
            points: vec![(w_star[0] - d, w_star[1]), (w_star[0] + d, w_star[1])],
            color: p.ink,
            dashed: false,
            width: 1.5,
        },
        Curve {
            points: vec![(w_star[0], w_star[1] - d), (w_star[0], w_star[1] + d)],
            color: p.ink,
            dashed: false,
            width: 1.5,
        },
    ]
}

/// Device pixels → data coordinates (the inverse of [`Frame::map`]).
pub fn unmap(f: &Frame, px: f64, py: f64) -> (f64, f64) {
    let fx = (px - f.px.0) / (f.px.1 - f.px.0);
    let fy = (f.py.1 - py) / (f.py.1 - f.py.0);
    (f.x.0 + fx * (f.x.1 - f.x.0), f.y.0 + fy * (f.y.1 - f.y.0))
}

/// Markers at `origin + d` for each offset `d`, with a global alpha.
#[allow(clippy::too_many_arguments)]
pub fn offsets<'a>(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    origin: [f64; 2],
    points: impl Iterator<Item = &'a [f64; 2]>,
    marker: Marker,
    color: &str,
    size: f64,
    alpha: f64,
) {
    ctx.set_global_alpha(alpha);
    layer::markers(ctx, f, points.map(|d| (origin[0] + d[0], origin[1] + d[1])), marker, color, size);
    ctx.set_global_alpha(1.0);
}

/// The ellipse at [`ELLIPSE_SD`] standard deviations of `cov` around `center` on the fast
/// layer: 2 CSS pixels wide over a halo of the background colour, so that it reads on top
/// of a dense cloud; solid (measured) or dashed (theory).
#[allow(clippy::too_many_arguments)]
pub fn ellipse(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    center: [f64; 2],
    cov: Sym2,
    color: &str,
    halo: &str,
    dashed: bool,
) {
    let points: Vec<(f64, f64)> =
        covariance_ellipse(cov, ELLIPSE_SD).into_iter().map(|(x, y)| (x + center[0], y + center[1])).collect();
    if points.iter().any(|(x, y)| !(x.is_finite() && y.is_finite())) {
        return;
    }
    ctx.save();
    ctx.set_global_alpha(0.8);
    layer::polyline(ctx, f, points.iter().copied(), halo, 4.5);
    ctx.set_global_alpha(1.0);
    if dashed {
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&(6.0 * f.dpr).into(), &(4.0 * f.dpr).into()));
    }
    layer::polyline(ctx, f, points.into_iter(), color, 2.0);
    ctx.restore();
}
