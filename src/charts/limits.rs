//! The long-run figure's two charts: (a) R = η_eff/k_loop against a = βs|∇f| on a log
//! axis, one theory curve per rule, tending to 1 as a → 0; (b) the histogram of a KEEP
//! chain's visited states against the Gibbs density ∝ e^{βf}.

use web_sys::HtmlCanvasElement;

use super::eta::{clear, clip, context, draw_frame, label, rule_style, stroke_path, Axis};
use super::frame::Frame;
use super::palette::Palette;
use super::plane::DrawError;
use crate::sim::experiments::{small_step_ratio, KeepChain, Rule, FINE_BINS, RULES};

/// log₁₀ a range of the small-step chart.
pub const A_RANGE: (f64, f64) = (-2.0, 2.0);
/// Points per curve.
const CURVE_POINTS: usize = 120;
/// Fine bins per drawn bar.
pub const FINE_PER_BAR: usize = 10;

/// The small-step chart's curves for one β: per rule, (log₁₀ a, R(a)).
pub fn ratio_curves(beta: f64) -> [Vec<(f64, f64)>; 4] {
    RULES.map(|r| {
        (0..=CURVE_POINTS)
            .map(|i| {
                let la = A_RANGE.0 + (A_RANGE.1 - A_RANGE.0) * i as f64 / CURVE_POINTS as f64;
                (la, small_step_ratio(r, beta, libm::pow(10.0, la)))
            })
            .collect()
    })
}

/// Draws the small-step chart: the limit R = 1 and the toy problem's starting a on the
/// base canvas, R(a) for every rule (the chain's rule drawn heavier) on `curves_canvas`.
pub fn draw_ratio(
    canvas: &HtmlCanvasElement,
    curves_canvas: &HtmlCanvasElement,
    curves: &[Vec<(f64, f64)>; 4],
    selected: Rule,
    start_a: f64,
    palette: &Palette,
    dpr: f64,
) -> Result<Frame, DrawError> {
    let f = draw_frame(
        canvas,
        &Axis { lo: A_RANGE.0, hi: A_RANGE.1, log: true, label: "a = βs|∇f| (log scale)" },
        &Axis { lo: 0.0, hi: 1.15, log: false, label: "R = η_eff / k_loop" },
        palette,
        dpr,
    )?;
    let ctx = context(canvas)?;
    // The limit, labelled under its line at the right where the curves have long fallen;
    // the toy problem's start, labelled above the limit.
    stroke_path(&ctx, &f, &[(f.x.0, 1.0), (f.x.1, 1.0)], palette.ink, 1.0, &[1.5, 3.5]);
    let (rx, ly) = f.map(f.x.1, 1.0);
    label(&ctx, "small-step limit R = 1", rx - 6.0 * dpr, ly + 4.0 * dpr, "right", "top", palette.ink, palette, dpr);
    let sa = start_a.log10();
    if sa > f.x.0 && sa < f.x.1 {
        let (px, _) = f.map(sa, 0.0);
        stroke_path(&ctx, &f, &[(sa, f.y.0), (sa, f.y.1)], palette.ghost, 1.25, &[2.0, 4.0]);
        let right = px > f.px.0 + 0.5 * (f.px.1 - f.px.0);
        let (x, align) = if right { (px - 4.0 * dpr, "right") } else { (px + 4.0 * dpr, "left") };
        label(&ctx, "toy problem's start", x, ly - 4.0 * dpr, align, "bottom", palette.ink, palette, dpr);
    }
    let ctx = clear(curves_canvas)?;
    for r in RULES.iter().filter(|r| **r != selected).chain(std::iter::once(&selected)) {
        let s = rule_style(*r, palette);
        let width = if *r == selected { 3.0 } else { 1.5 };
        stroke_path(&ctx, &f, &curves[r.index()], s.color, width, s.dash);
    }
    Ok(f)
}

/// The histogram chart's fixed frame: the chain's range and a height that holds the
/// Gibbs density with room to spare.
pub fn draw_histogram_base(
    canvas: &HtmlCanvasElement,
    chain: &KeepChain,
    palette: &Palette,
    dpr: f64,
) -> Result<Frame, DrawError> {
    let (lo, hi) = chain.range();
    let g = chain.gibbs();
    let peak = (0..=200).map(|i| g.pdf(lo + (hi - lo) * i as f64 / 200.0)).fold(0.0, f64::max);
    draw_frame(
        canvas,
        &Axis { lo, hi, log: false, label: "x" },
        &Axis { lo: 0.0, hi: (peak * 1.3).max(1e-12), log: false, label: "density" },
        palette,
        dpr,
    )
}

/// Draws the histogram of visited states (as a density), the Gibbs density over it,
/// and the chain's current state.
pub fn draw_histogram(
    canvas: &HtmlCanvasElement,
    f: &Frame,
    chain: &KeepChain,
    palette: &Palette,
) -> Result<(), DrawError> {
    let ctx = clear(canvas)?;
    ctx.save();
    clip(&ctx, f);
    let dpr = f.dpr;
    let style = rule_style(chain.params().rule, palette);
    let (lo, hi) = chain.range();
    let n = chain.steps().max(1) as f64;
    let bars = FINE_BINS / FINE_PER_BAR;
    let width = (hi - lo) / bars as f64;
    ctx.begin_path();
    for (i, c) in chain.counts().chunks(FINE_PER_BAR).enumerate() {
        let count: u64 = c.iter().sum();
        if count == 0 {
            continue;
        }
        let density = count as f64 / (n * width);
        let (x0, y0) = f.map(lo + i as f64 * width, density);
        let (x1, y1) = f.map(lo + (i + 1) as f64 * width, 0.0);
        ctx.rect(x0, y0, x1 - x0, y1 - y0);
    }
    ctx.set_fill_style_str(style.color);
    ctx.set_global_alpha(0.35);
    ctx.fill();
    ctx.set_global_alpha(1.0);
    ctx.set_stroke_style_str(style.color);
    ctx.set_line_width(dpr);
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.stroke();
    ctx.restore();

    // The Gibbs density on top.
    let g = chain.gibbs();
    let pts: Vec<(f64, f64)> = (0..=240).map(|i| lo + (hi - lo) * i as f64 / 240.0).map(|x| (x, g.pdf(x))).collect();
    stroke_path(&ctx, f, &pts, palette.theory, 2.0, &[6.0, 4.0]);
    let (px, py) = f.map(hi, f.y.1);
    label(
        &ctx,
        "dashed: Gibbs law ∝ exp(βf)",
        px - 6.0 * dpr,
        py + 4.0 * dpr,
        "right",
        "top",
        palette.ink,
        palette,
        dpr,
    );

    // The chain's current state: a tick under the bars.
    let (cx, base) = f.map(chain.x(), 0.0);
    if cx >= f.px.0 && cx <= f.px.1 {
        ctx.set_fill_style_str(palette.ink);
        ctx.begin_path();
        ctx.move_to(cx, base - 9.0 * dpr);
        ctx.line_to(cx + 5.0 * dpr, base);
        ctx.line_to(cx - 5.0 * dpr, base);
        ctx.close_path();
        ctx.fill();
    }
    Ok(())
}
