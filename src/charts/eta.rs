//! The learning-rate figure's chart: η_eff(|∇f|) on log–log axes, one theory curve per
//! acceptance rule, SGD's constant η, the small-step rate k, and the Monte Carlo points
//! with 99.9 % error bars. Also the pieces the long-run figure shares: axes drawn
//! straight onto a 2-D context (log or linear), and each rule's colour, dash and marker.
//!
//! Log axes plot log₁₀ of the value on a linear axis and label ticks with the value.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::frame::Frame;
use super::palette::{Palette, DARK};
use super::plane::DrawError;
use crate::sim::experiments::{eta_eff, small_step_rate, toy_start_slope, EtaExperiment, Rule, RULES};
use crate::sim::maths::Z_999;

/// How a rule is drawn: colour, dash pattern (CSS pixels; empty = solid) and marker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleStyle {
    /// CSS colour.
    pub color: &'static str,
    /// Dash pattern of its theory curve.
    pub dash: &'static [f64],
    /// Its Monte Carlo marker.
    pub marker: RuleMarker,
}

/// Marker shapes, one per rule, so the rules differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleMarker {
    /// A plus sign (logistic, selection's usual marker).
    Plus,
    /// A diagonal cross (Metropolis).
    Times,
    /// An open circle (probit).
    Circle,
    /// An open triangle (Kimura).
    Triangle,
}

/// The rule's style in this palette. Logistic takes selection's colour; the others
/// come from the Okabe–Ito set (darkened where needed to read on white).
pub fn rule_style(rule: Rule, palette: &Palette) -> RuleStyle {
    let dark = palette.background == DARK.background;
    match rule {
        Rule::Logistic => RuleStyle { color: palette.selection, dash: &[], marker: RuleMarker::Plus },
        Rule::Metropolis => {
            RuleStyle { color: if dark { "#cc79a7" } else { "#a4487f" }, dash: &[7.0, 4.0], marker: RuleMarker::Times }
        }
        Rule::Probit => {
            RuleStyle { color: if dark { "#2bbf93" } else { "#007a5a" }, dash: &[2.0, 3.0], marker: RuleMarker::Circle }
        }
        Rule::Kimura => RuleStyle {
            color: if dark { "#f0e442" } else { "#7d6300" },
            dash: &[10.0, 3.0, 2.0, 3.0],
            marker: RuleMarker::Triangle,
        },
    }
}

/// The 2-D context of a canvas.
pub fn context(c: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, DrawError> {
    c.get_context("2d")
        .ok()
        .flatten()
        .and_then(|x| x.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| DrawError("no 2-D context".into()))
}

/// Clears a canvas.
pub fn clear(c: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, DrawError> {
    let ctx = context(c)?;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).map_err(|_| DrawError("transform".into()))?;
    ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
    Ok(ctx)
}

/// One axis: its data range (log₁₀ of the value for a log axis) and label.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Lower end (log₁₀ for a log axis).
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Logarithmic.
    pub log: bool,
    /// The label.
    pub label: &'static str,
}

/// Formats 10^v as a plain number where that is short, else as a power of ten.
pub fn format_pow10(v: f64) -> String {
    let k = v.floor();
    let value = libm::pow(10.0, v);
    if (-4.0..=5.0).contains(&k) {
        let decimals = if value >= 1.0 { 0 } else { (-(value.log10()) - 1e-9).ceil().max(0.0) as usize };
        return format!("{value:.decimals$}");
    }
    let mantissa = libm::pow(10.0, v - k);
    let exp: String = format!("{}", k as i64)
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    if (mantissa - 1.0).abs() < 1e-6 {
        format!("10{exp}")
    } else {
        format!("{}×10{exp}", mantissa.round())
    }
}

/// Ticks of a log axis over [lo, hi] (log₁₀ units): (labelled, unlabelled).
pub fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let (k0, k1) = (lo.floor() as i64 - 1, hi.ceil() as i64 + 1);
    let inside = |v: f64| v >= lo - 1e-9 && v <= hi + 1e-9;
    let mut major: Vec<f64> = (k0..=k1).map(|k| k as f64).filter(|v| inside(*v)).collect();
    let mut extra = Vec::new();
    if major.len() < 3 {
        for k in k0..=k1 {
            for d in [2.0f64, 5.0] {
                let v = k as f64 + d.log10();
                if inside(v) {
                    extra.push(v);
                }
            }
        }
        major.extend(extra);
        major.sort_by(f64::total_cmp);
    }
    let mut minor = Vec::new();
    for k in k0..=k1 {
        for d in 2..=9 {
            let v = k as f64 + (d as f64).log10();
            if inside(v) && !major.iter().any(|m| (m - v).abs() < 1e-9) {
                minor.push(v);
            }
        }
    }
    (major, minor)
}

/// Ticks of a linear axis: about five at 1, 2 or 5 × 10ᵏ, and the decimals they need.
pub fn linear_ticks(lo: f64, hi: f64) -> (Vec<f64>, usize) {
    let span = (hi - lo).abs().max(1e-300);
    let raw = span / 5.0;
    let p = libm::pow(10.0, raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= raw).unwrap_or(10.0 * p);
    let decimals = (-(step.log10()).floor()).max(0.0) as usize;
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    ((first..=last).map(|i| i as f64 * step).collect(), decimals)
}

/// The width of `text` in the context's current font (`measureText`, reached through
/// JavaScript reflection); an estimate from `size` if that fails.
pub fn text_width(ctx: &CanvasRenderingContext2d, text: &str, size: f64) -> f64 {
    let target: &wasm_bindgen::JsValue = ctx.as_ref();
    js_sys::Reflect::get(target, &"measureText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(target, &text.into()).ok())
        .and_then(|m| js_sys::Reflect::get(&m, &"width".into()).ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(0.55 * size * text.chars().count() as f64)
}

fn font(px: f64, dpr: f64) -> String {
    format!("{}px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", (px * dpr).round())
}

/// Fills the background, draws grid, ticks, tick labels and axis labels, and returns
/// the frame mapping data to device pixels. Works on the canvas's current size.
pub fn draw_frame(
    canvas: &HtmlCanvasElement,
    x: &Axis,
    y: &Axis,
    palette: &Palette,
    dpr: f64,
) -> Result<Frame, DrawError> {
    let ctx = context(canvas)?;
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.set_fill_style_str(palette.background);
    ctx.fill_rect(0.0, 0.0, w, h);
    let (left, right, top, bottom) = (54.0 * dpr, w - 12.0 * dpr, 10.0 * dpr, h - 42.0 * dpr);
    if right - left < 20.0 || bottom - top < 20.0 {
        return Err(DrawError("canvas too small".into()));
    }
    let frame = Frame { x: (x.lo, x.hi), y: (y.lo, y.hi), px: (left, right), py: (top, bottom), dpr };

    let ticks = |a: &Axis| -> (Vec<(f64, String)>, Vec<f64>) {
        if a.log {
            let (major, minor) = log_ticks(a.lo, a.hi);
            (major.into_iter().map(|v| (v, format_pow10(v))).collect(), minor)
        } else {
            let (t, d) = linear_ticks(a.lo, a.hi);
            (t.into_iter().map(|v| (v, format!("{v:.d$}").replace('-', "−"))).collect(), Vec::new())
        }
    };
    let (xt, xm) = ticks(x);
    let (yt, ym) = ticks(y);

    // Grid.
    ctx.set_line_width(dpr);
    ctx.set_stroke_style_str(palette.faint);
    ctx.set_global_alpha(0.45);
    ctx.begin_path();
    for v in &xm {
        let (px, _) = frame.map(*v, y.lo);
        ctx.move_to(px.round() + 0.5, top);
        ctx.line_to(px.round() + 0.5, bottom);
    }
    for v in &ym {
        let (_, py) = frame.map(x.lo, *v);
        ctx.move_to(left, py.round() + 0.5);
        ctx.line_to(right, py.round() + 0.5);
    }
    ctx.stroke();
    ctx.set_global_alpha(1.0);
    ctx.begin_path();
    for (v, _) in &xt {
        let (px, _) = frame.map(*v, y.lo);
        ctx.move_to(px.round() + 0.5, top);
        ctx.line_to(px.round() + 0.5, bottom);
    }
    for (v, _) in &yt {
        let (_, py) = frame.map(x.lo, *v);
        ctx.move_to(left, py.round() + 0.5);
        ctx.line_to(right, py.round() + 0.5);
    }
    ctx.stroke();

    // Box and ticks.
    ctx.set_stroke_style_str(palette.ink);
    ctx.stroke_rect(left, top, right - left, bottom - top);
    ctx.begin_path();
    for (v, _) in &xt {
        let (px, _) = frame.map(*v, y.lo);
        ctx.move_to(px, bottom);
        ctx.line_to(px, bottom + 4.0 * dpr);
    }
    for (v, _) in &yt {
        let (_, py) = frame.map(x.lo, *v);
        ctx.move_to(left, py);
        ctx.line_to(left - 4.0 * dpr, py);
    }
    ctx.stroke();

    // Tick labels, skipping any that would overlap the one before.
    ctx.set_fill_style_str(palette.ink);
    ctx.set_font(&font(11.0, dpr));
    ctx.set_text_baseline("top");
    ctx.set_text_align("center");
    let mut last_right = f64::NEG_INFINITY;
    for (v, text) in &xt {
        let (px, _) = frame.map(*v, y.lo);
        let half = text_width(&ctx, text, 11.0 * dpr) / 2.0;
        if px - half < last_right + 4.0 * dpr {
            continue;
        }
        let _ = ctx.fill_text(text, px, bottom + 6.0 * dpr);
        last_right = px + half;
    }
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    let mut last_top = f64::INFINITY;
    for (v, text) in &yt {
        let (_, py) = frame.map(x.lo, *v);
        if py + 6.0 * dpr > last_top {
            continue;
        }
        let _ = ctx.fill_text(text, left - 6.0 * dpr, py);
        last_top = py - 6.0 * dpr;
    }

    // Axis labels.
    ctx.set_font(&font(13.0, dpr));
    ctx.set_text_align("center");
    ctx.set_text_baseline("bottom");
    let _ = ctx.fill_text(x.label, 0.5 * (left + right), h - 3.0 * dpr);
    ctx.save();
    let _ = ctx.translate(13.0 * dpr, 0.5 * (top + bottom));
    let _ = ctx.rotate(-std::f64::consts::FRAC_PI_2);
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(y.label, 0.0, 0.0);
    ctx.restore();
    Ok(frame)
}

/// Restricts drawing to the plot area (call between save and restore).
pub fn clip(ctx: &CanvasRenderingContext2d, f: &Frame) {
    ctx.begin_path();
    ctx.rect(f.px.0, f.py.0, f.px.1 - f.px.0, f.py.1 - f.py.0);
    ctx.clip();
}

/// Strokes a polyline (data coordinates) with a dash pattern in CSS pixels.
pub fn stroke_path(
    ctx: &CanvasRenderingContext2d,
    f: &Frame,
    pts: &[(f64, f64)],
    color: &str,
    width: f64,
    dash: &[f64],
) {
    ctx.save();
    clip(ctx, f);
    let pattern = js_sys::Array::new();
    for d in dash {
        pattern.push(&(d * f.dpr).into());
    }
    let _ = ctx.set_line_dash(&pattern);
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(width * f.dpr);
    ctx.set_line_join("round");
    ctx.begin_path();
    let mut first = true;
    for &(x, y) in pts {
        if !(x.is_finite() && y.is_finite()) {
            first = true;
            continue;
        }
        let (px, py) = f.map(x, y);
        if first {
            ctx.move_to(px, py);
            first = false;
        } else {
            ctx.line_to(px, py);
        }
    }
    ctx.stroke();
    ctx.restore();
}

/// Draws one marker centred at device pixel (px, py), `size` CSS pixels across.
#[allow(clippy::too_many_arguments)]
pub fn marker(
    ctx: &CanvasRenderingContext2d,
    m: RuleMarker,
    px: f64,
    py: f64,
    size: f64,
    color: &str,
    background: &str,
    dpr: f64,
) {
    let r = 0.5 * size * dpr;
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(2.0 * dpr);
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.begin_path();
    match m {
        RuleMarker::Plus => {
            ctx.move_to(px - r, py);
            ctx.line_to(px + r, py);
            ctx.move_to(px, py - r);
            ctx.line_to(px, py + r);
            ctx.stroke();
        }
        RuleMarker::Times => {
            let d = r * 0.8;
            ctx.move_to(px - d, py - d);
            ctx.line_to(px + d, py + d);
            ctx.move_to(px - d, py + d);
            ctx.line_to(px + d, py - d);
            ctx.stroke();
        }
        RuleMarker::Circle => {
            let _ = ctx.arc(px, py, r * 0.8, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(background);
            ctx.fill();
            ctx.stroke();
        }
        RuleMarker::Triangle => {
            ctx.move_to(px, py - r);
            ctx.line_to(px + r * 0.9, py + r * 0.6);
            ctx.line_to(px - r * 0.9, py + r * 0.6);
            ctx.close_path();
            ctx.set_fill_style_str(background);
            ctx.fill();
            ctx.stroke();
        }
    }
}

/// Writes `text` at device pixel (px, py) over a patch of background, so it stays
/// legible wherever it lands.
#[allow(clippy::too_many_arguments)]
pub fn label(
    ctx: &CanvasRenderingContext2d,
    text: &str,
    px: f64,
    py: f64,
    align: &str,
    baseline: &str,
    color: &str,
    palette: &Palette,
    dpr: f64,
) {
    ctx.set_font(&font(12.0, dpr));
    ctx.set_text_align(align);
    ctx.set_text_baseline(baseline);
    let w = text_width(ctx, text, 12.0 * dpr);
    let h = 14.0 * dpr;
    let x0 = match align {
        "right" => px - w,
        "center" => px - w / 2.0,
        _ => px,
    };
    let y0 = match baseline {
        "bottom" => py - h,
        "middle" => py - h / 2.0,
        _ => py,
    };
    ctx.set_fill_style_str(palette.background);
    ctx.set_global_alpha(0.85);
    ctx.fill_rect(x0 - 2.0 * dpr, y0, w + 4.0 * dpr, h);
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(color);
    let _ = ctx.fill_text(text, px, py);
}

/// Everything static the η_eff chart shows for one set of parameters: the theory curves
/// of all four rules (computed once per parameter change, not per redraw).
#[derive(Clone, Debug, PartialEq)]
pub struct EtaCurves {
    /// log₁₀ |∇f| range.
    pub x: (f64, f64),
    /// Per rule, (log₁₀ |∇f|, log₁₀ η_eff).
    pub rules: [Vec<(f64, f64)>; 4],
    /// Per rule, the small-step rate (k_loop or k_keep).
    pub k: [f64; 4],
    /// SGD's η.
    pub lr: f64,
    /// KEEP instead of LOOP.
    pub keep: bool,
    /// Mutation size s.
    pub sigma: f64,
    /// |∇f(θ₀)| of the toy problem.
    pub start: f64,
}

/// Points per theory curve.
const CURVE_POINTS: usize = 120;

impl EtaCurves {
    /// The curves for `exp`'s parameters and SGD's rate `lr`.
    pub fn new(exp: &EtaExperiment, lr: f64) -> Self {
        let p = exp.params();
        let (g0, g1) = exp.slope_range();
        let x = (g0.log10() - 0.25, g1.log10() + 0.15);
        let rules = RULES.map(|r| {
            (0..=CURVE_POINTS)
                .map(|i| {
                    let lx = x.0 + (x.1 - x.0) * i as f64 / CURVE_POINTS as f64;
                    let eta = eta_eff(r, p.sigma, p.beta, libm::pow(10.0, lx), p.keep);
                    (lx, if eta > 0.0 { eta.log10() } else { f64::NAN })
                })
                .collect()
        });
        let k = RULES.map(|r| small_step_rate(r, p.sigma, p.beta, p.keep));
        Self { x, rules, k, lr, keep: p.keep, sigma: p.sigma, start: toy_start_slope() }
    }

    /// The y range (log₁₀) that holds the shown rules' curves, k and η.
    pub fn y_range(&self, shown: [bool; 4]) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi = self.lr.log10();
        for r in RULES.iter().filter(|r| shown[r.index()]) {
            hi = hi.max(self.k[r.index()].log10());
            for &(_, y) in &self.rules[r.index()] {
                if y.is_finite() {
                    lo = lo.min(y);
                    hi = hi.max(y);
                }
            }
        }
        if !lo.is_finite() {
            lo = hi - 2.0;
        }
        // SGD's line stays in view however far the parameters move selection's curves.
        lo = lo.min(self.lr.log10());
        (lo.min(hi - 1.0) - 0.3, hi + 0.45)
    }
}

/// Draws axes, reference lines and the shown theory curves on the base canvas.
pub fn draw_eta_base(
    canvas: &HtmlCanvasElement,
    c: &EtaCurves,
    shown: [bool; 4],
    palette: &Palette,
    dpr: f64,
) -> Result<Frame, DrawError> {
    let y = c.y_range(shown);
    let f = draw_frame(
        canvas,
        &Axis { lo: c.x.0, hi: c.x.1, log: true, label: "slope |∇f| (log scale)" },
        &Axis { lo: y.0, hi: y.1, log: true, label: "learning rate (log scale)" },
        palette,
        dpr,
    )?;
    let ctx = context(canvas)?;

    // The toy problem's starting slope.
    let sx = c.start.log10();
    if sx > f.x.0 && sx < f.x.1 {
        stroke_path(&ctx, &f, &[(sx, f.y.0), (sx, f.y.1)], palette.ghost, 1.25, &[2.0, 4.0]);
        let (px, py) = f.map(sx, f.y.1);
        let right = px > f.px.0 + 0.6 * (f.px.1 - f.px.0);
        label(
            &ctx,
            "toy problem's start",
            px + if right { -4.0 } else { 4.0 } * dpr,
            py + 4.0 * dpr,
            if right { "right" } else { "left" },
            "top",
            palette.ink,
            palette,
            dpr,
        );
    }

    // The saturation line s√(2/π)/|∇f| that LOOP's η_eff approaches at steep slopes.
    if !c.keep {
        let cap = |lx: f64| (c.sigma * (2.0 / std::f64::consts::PI).sqrt()).log10() - lx;
        stroke_path(&ctx, &f, &[(f.x.0, cap(f.x.0)), (f.x.1, cap(f.x.1))], palette.ghost, 1.0, &[1.0, 3.0]);
    }

    // Theory curves, thin enough to see the points on them.
    for r in RULES.iter().filter(|r| shown[r.index()]) {
        let s = rule_style(*r, palette);
        stroke_path(&ctx, &f, &c.rules[r.index()], s.color, 2.0, s.dash);
    }

    // SGD's η and the small-step rate(s).
    let ly = c.lr.log10();
    stroke_path(&ctx, &f, &[(f.x.0, ly), (f.x.1, ly)], palette.sgd, 2.5, &[]);
    let mut ks: Vec<f64> = Vec::new();
    for r in RULES.iter().filter(|r| shown[r.index()]) {
        let k = c.k[r.index()].log10();
        if !ks.iter().any(|q| (q - k).abs() < 1e-9) {
            ks.push(k);
            stroke_path(&ctx, &f, &[(f.x.0, k), (f.x.1, k)], palette.ink, 1.0, &[1.5, 3.5]);
        }
    }
    let gap = 3.0 * dpr;
    let (rx, py_lr) = f.map(f.x.1, ly);
    let rx = rx - 6.0 * dpr;
    let k_top = ks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sgd_above = !k_top.is_finite() || ly >= k_top - 1e-9;
    label(
        &ctx,
        "SGD: η",
        rx,
        if sgd_above { py_lr - gap } else { py_lr + gap },
        "right",
        if sgd_above { "bottom" } else { "top" },
        palette.sgd,
        palette,
        dpr,
    );
    if k_top.is_finite() {
        let (_, pk) = f.map(f.x.1, k_top);
        let text = if c.keep { "small steps: k_keep = s²P′(0)" } else { "small steps: k_loop = s²β/2" };
        label(
            &ctx,
            text,
            rx,
            if sgd_above { pk + gap } else { pk - gap },
            "right",
            if sgd_above { "top" } else { "bottom" },
            palette.ink,
            palette,
            dpr,
        );
    }
    Ok(f)
}

/// Draws the Monte Carlo points of the shown rules with ±3.29 SE bars (99.9 %).
pub fn draw_eta_points(
    canvas: &HtmlCanvasElement,
    f: &Frame,
    exp: &EtaExperiment,
    shown: [bool; 4],
    palette: &Palette,
) -> Result<(), DrawError> {
    let ctx = clear(canvas)?;
    ctx.save();
    clip(&ctx, f);
    let dpr = f.dpr;
    for p in exp.points().iter().filter(|p| shown[p.rule.index()]) {
        let Some(m) = p.estimate() else { continue };
        let s = rule_style(p.rule, palette);
        let lx = p.grad_norm.log10();
        let px = f.map(lx, 0.0).0;
        // The bar, where it is defined and positive (a log axis has no room for ≤ 0).
        if let Some(se) = p.standard_error().filter(|_| p.samples() >= 2) {
            let (lo, hi) = (m - Z_999 * se, m + Z_999 * se);
            let top = if hi > 0.0 { f.map(lx, hi.log10()).1 } else { f.py.1 };
            let bottom = if lo > 0.0 { f.map(lx, lo.log10()).1 } else { f.py.1 + 10.0 };
            ctx.set_stroke_style_str(s.color);
            ctx.set_line_width(1.5 * dpr);
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            ctx.begin_path();
            ctx.move_to(px, top);
            ctx.line_to(px, bottom);
            let cap = 3.5 * dpr;
            ctx.move_to(px - cap, top);
            ctx.line_to(px + cap, top);
            if lo > 0.0 {
                ctx.move_to(px - cap, bottom);
                ctx.line_to(px + cap, bottom);
            }
            ctx.stroke();
        }
        if m > 0.0 {
            let (_, py) = f.map(lx, m.log10());
            marker(&ctx, s.marker, px, py, 9.0, s.color, palette.background, dpr);
        }
    }
    ctx.restore();
    Ok(())
}
