//! Figure `drift` (section 7, spec §D): is selection gradient ascent on some objective?
//! Selection's mean LOOP step on the bowl f = −(a² + b²/4)/2 next to gradient ascent
//! k·∇f with the matching small-step rate, and the circulation of each around a circle
//! the reader places: zero for any gradient field, clearly not zero for selection. A
//! Monte Carlo of simulated selection steps at points on the circle checks the number.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::anim::use_animation;
use crate::app::browser::{prefers_dark, prefers_reduced_motion};
use crate::app::plot::{context2d, paint_base, Plot, PlotRefs};
use crate::app::readout::{fmt, Readout};
use crate::charts::drift as chart;
use crate::charts::layer;
use crate::charts::{Frame, Palette};
use crate::sim::drift_field::{exact_circulation, formula_drift, gd_drift, Bowl, Circle, CircleMonteCarlo};
use crate::sim::selection::Acceptance;
use crate::sim::theory;

/// Points on the circle for the formula's and gradient ascent's circulations
/// (`theory::circulation`, the trapezoid rule: spectrally accurate for these smooth fields).
const THEORY_NODES: usize = 128;
/// Points on the circle for the mean |F| that scales the circulation.
const MAGNITUDE_NODES: usize = 64;
/// Points on the circle for the Monte Carlo, and for the exact circulation it estimates.
const MC_NODES: usize = 16;
/// Monte Carlo sweeps (one LOOP step at each point) per frame, and in all.
const SWEEPS_PER_FRAME: u64 = 200;
const MC_SWEEPS: u64 = 40_000;
const SEED: u64 = 1;
/// The slider ranges of the circle.
const CENTER_MAX: f64 = 2.5;
const RADIUS_RANGE: (f64, f64) = (0.1, 1.5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Logistic,
    Metropolis,
    Probit,
}

/// What the reader can change.
///
/// Defaults: s = 0.1 and β = 40 put a = βs|∇f| between about 1 and 8 across the view,
/// where the logistic η_eff(|∇f|) changes most (R(1) ≈ 0.83, R(8) ≈ 0.19, §A.1.3); the
/// circle sits where |∇f| changes fastest along the level sets (the field's curl is
/// proportional to a·b).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    s: f64,
    beta: f64,
    rule: Rule,
    center: [f64; 2],
    radius: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { s: 0.1, beta: 40.0, rule: Rule::Logistic, center: [1.0, 1.5], radius: 1.0 }
    }
}

impl Settings {
    fn acceptance(&self) -> Acceptance {
        match self.rule {
            Rule::Logistic => Acceptance::Logistic { beta: self.beta },
            Rule::Metropolis => Acceptance::Metropolis { beta: self.beta },
            Rule::Probit => Acceptance::Probit { beta: self.beta },
        }
    }

    fn circle(&self) -> Option<Circle> {
        Circle::new(self.center, self.radius).ok()
    }

    fn mc(&self) -> Option<CircleMonteCarlo> {
        CircleMonteCarlo::new(Bowl::default(), self.acceptance(), self.s, self.circle()?, MC_NODES, SEED).ok()
    }
}

/// The circulations theory gives.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Theory {
    /// ∮ of the formula m(|∇f|)ĝ.
    sel: f64,
    /// ∮ of k·∇f.
    gd: f64,
    /// ∮ of the exact mean step, on the Monte Carlo's points.
    exact: Option<f64>,
    /// sel / (mean |F| × circumference).
    ratio: f64,
    /// The same for gradient ascent.
    ratio_gd: f64,
    /// k_loop.
    k: f64,
}

/// Theory at `s`; the exact circulation (2-D quadrature at each Monte Carlo point, the
/// slow part) only if `exact`.
fn theory_of(s: &Settings, exact: bool) -> Option<Theory> {
    let circle = s.circle()?;
    let bowl = Bowl::default();
    let acc = s.acceptance();
    let sel = circle.circulation(|x| formula_drift(&bowl, &acc, s.s, x), THEORY_NODES);
    let gd = circle.circulation(|x| gd_drift(&bowl, &acc, s.s, x), THEORY_NODES);
    let mag_sel = circle.mean_magnitude(|x| formula_drift(&bowl, &acc, s.s, x), MAGNITUDE_NODES);
    let mag_gd = circle.mean_magnitude(|x| gd_drift(&bowl, &acc, s.s, x), MAGNITUDE_NODES);
    let scale = |m: f64| if m > 0.0 { m * circle.length() } else { f64::NAN };
    Some(Theory {
        sel,
        gd,
        exact: if exact { exact_circulation(&bowl, &acc, s.s, &circle, MC_NODES) } else { None },
        ratio: sel / scale(mag_sel),
        ratio_gd: gd / scale(mag_gd),
        k: theory::k_loop(s.s * s.s, &acc),
    })
}

/// The Monte Carlo's readouts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Numbers {
    estimate: Option<(f64, f64)>,
    steps: u64,
    sweeps: u64,
    candidates: u64,
    capped: u64,
}

fn numbers(mc: &Option<CircleMonteCarlo>) -> Numbers {
    mc.as_ref()
        .map(|m| Numbers {
            estimate: m.estimate(),
            steps: m.steps(),
            sweeps: m.sweeps(),
            candidates: m.candidates(),
            capped: m.capped(),
        })
        .unwrap_or_default()
}

/// The two fields on the arrow grid: (point, selection's mean step, gradient ascent's).
type Field = Vec<([f64; 2], [f64; 2], [f64; 2])>;

fn field_of(s: &Settings) -> Field {
    let bowl = Bowl::default();
    let acc = s.acceptance();
    chart::grid().into_iter().map(|p| (p, formula_drift(&bowl, &acc, s.s, p), gd_drift(&bowl, &acc, s.s, p))).collect()
}

/// The factor that makes the longest arrow of a field 85 % of the grid spacing.
fn arrow_scale(longest: f64) -> f64 {
    if longest > 0.0 && longest.is_finite() {
        0.85 * chart::spacing() / longest
    } else {
        0.0
    }
}

fn palette() -> Palette {
    Palette::for_scheme(prefers_dark())
}

const PANELS: [&str; 2] = ["drift-sel", "drift-gd"];

/// β shown to two significant figures.
fn round_beta(b: f64) -> f64 {
    let p = 10f64.powf(b.log10().floor() - 1.0);
    (b / p).round() * p
}

/// A number in scientific notation, e.g. "−1.0 × 10⁻¹⁶", for values at rounding level.
fn sci(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return fmt(Some(x), 1);
    }
    let e = x.abs().log10().floor() as i32;
    let m = x / 10f64.powi(e);
    let sup: String = e
        .to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d.to_digit(10).unwrap_or(0) as usize],
        })
        .collect();
    format!("{} × 10{sup}", fmt(Some(m), 1))
}

fn snap(x: f64, step: f64, lo: f64, hi: f64) -> f64 {
    ((x / step).round() * step).clamp(lo, hi)
}

/// Figure `drift`.
#[component]
pub fn DriftFigure() -> impl IntoView {
    let d = Settings::default();
    let initial = Settings {
        s: crate::app::figure_state::number("drift", "s", 0.01, 1.0).unwrap_or(d.s),
        beta: crate::app::figure_state::number("drift", "beta", 1.0, 400.0).unwrap_or(d.beta),
        center: [
            crate::app::figure_state::number("drift", "a", -2.5, 2.5).unwrap_or(d.center[0]),
            crate::app::figure_state::number("drift", "b", -2.5, 2.5).unwrap_or(d.center[1]),
        ],
        radius: crate::app::figure_state::number("drift", "radius", 0.1, 2.0).unwrap_or(d.radius),
        ..d
    };
    let settings = RwSignal::new(initial);
    let theory = RwSignal::new(theory_of(&initial, true));
    let exact_pending = StoredValue::new_local(false);
    let field = StoredValue::new_local(field_of(&initial));
    let mc = StoredValue::new_local(initial.mc());
    let shown = RwSignal::new(Numbers::default());
    let frames = StoredValue::new_local([None::<Frame>; 2]);
    // While the mouse drags the circle: where its centre would go.
    let preview = StoredValue::new_local(None::<[f64; 2]>);
    let dragged = StoredValue::new_local(false);
    let refs = [PlotRefs::new(), PlotRefs::new()];
    let fig = NodeRef::<html::Figure>::new();
    let playing = RwSignal::new(!prefers_reduced_motion());

    // The arrows (trail layer): redrawn only when the field or the size changes.
    let draw_field = move || {
        let p = palette();
        let fr = frames.get_value();
        field.with_value(|fld| {
            let longest = |k: usize| {
                fld.iter().map(|x| if k == 0 { x.1 } else { x.2 }).map(|v| v[0].hypot(v[1])).fold(0.0f64, f64::max)
            };
            for i in 0..2 {
                let (Some(f), Some(ctx)) = (fr[i], refs[i].layers().and_then(|l| context2d(&l.trail))) else {
                    continue;
                };
                layer::clear(&ctx);
                let items: Vec<([f64; 2], [f64; 2])> =
                    fld.iter().map(|x| (x.0, if i == 0 { x.1 } else { x.2 })).collect();
                chart::arrows(&ctx, &f, &items, arrow_scale(longest(i)), if i == 0 { p.selection } else { p.sgd }, 1.5);
            }
        });
    };
    // The circle and the Monte Carlo's mean steps (overlay): redrawn every frame.
    let draw_overlay = move || {
        let p = palette();
        let fr = frames.get_value();
        let s = settings.get_untracked();
        let centre = preview.get_value().unwrap_or(s.center);
        let Ok(circle) = Circle::new(centre, s.radius) else { return };
        let scale =
            field.with_value(|fld| arrow_scale(fld.iter().map(|x| x.1[0].hypot(x.1[1])).fold(0.0f64, f64::max)));
        for i in 0..2 {
            let (Some(f), Some(ctx)) = (fr[i], refs[i].layers().and_then(|l| context2d(&l.overlay))) else { continue };
            layer::clear(&ctx);
            chart::circle(&ctx, &f, &circle, p.ink, p.background);
            if i == 0 && preview.get_value().is_none() {
                mc.with_value(|m| {
                    let Some(m) = m else { return };
                    chart::dots(&ctx, &f, m.nodes().iter().map(|n| n.0), p.ink);
                    // The simulated mean step at each point, at the field's arrow scale.
                    let items: Vec<([f64; 2], [f64; 2])> = m
                        .nodes()
                        .iter()
                        .zip(m.mean_steps())
                        .filter_map(|((pt, _), mean)| mean.map(|v| (*pt, v.0)))
                        .collect();
                    chart::arrows(&ctx, &f, &items, scale, p.ink, 2.0);
                });
            }
        }
    };
    let paint_all = move || {
        let p = palette();
        let curves = chart::contours(&Bowl::default(), &p);
        let fr = [paint_base(&refs[0], &chart::axes(), &curves), paint_base(&refs[1], &chart::axes(), &curves)];
        frames.set_value(fr);
        draw_field();
        draw_overlay();
    };
    // The exact circulation takes a few tens of milliseconds: it is computed in the next
    // frame, so the controls answer at once, and only for the latest settings.
    let schedule_exact = move || {
        if exact_pending.get_value() {
            return;
        }
        exact_pending.set_value(true);
        request_animation_frame(move || {
            exact_pending.set_value(false);
            let s = settings.get_untracked();
            let e = s.circle().and_then(|c| exact_circulation(&Bowl::default(), &s.acceptance(), s.s, &c, MC_NODES));
            theory.update(|t| {
                if let Some(t) = t {
                    t.exact = e;
                }
            });
        });
    };
    let restart = move |s: Settings| {
        let old = settings.get_untracked();
        settings.set(s);
        crate::app::figure_state::write(
            "drift",
            &[
                ("s", s.s.to_string()),
                ("beta", s.beta.to_string()),
                ("a", s.center[0].to_string()),
                ("b", s.center[1].to_string()),
                ("radius", s.radius.to_string()),
            ],
        );
        theory.set(theory_of(&s, false));
        schedule_exact();
        if (old.s, old.beta, old.rule) != (s.s, s.beta, s.rule) {
            field.set_value(field_of(&s));
            draw_field();
        }
        mc.set_value(s.mc());
        shown.set(mc.with_value(numbers));
        draw_overlay();
        if !prefers_reduced_motion() {
            playing.set(true);
        }
    };
    let commit = move |f: &dyn Fn(&mut Settings)| {
        let mut s = settings.get_untracked();
        f(&mut s);
        restart(s);
    };

    use_animation(fig, playing, move || {
        let done = mc
            .try_update_value(|m| match m {
                Some(m) => {
                    for _ in 0..SWEEPS_PER_FRAME.min(MC_SWEEPS - m.sweeps().min(MC_SWEEPS)) {
                        m.sweep();
                    }
                    m.sweeps() >= MC_SWEEPS
                }
                None => true,
            })
            .unwrap_or(true);
        shown.set(mc.with_value(numbers));
        draw_overlay();
        if done {
            playing.set(false);
        }
        !done
    });
    let finish = move |_| {
        mc.update_value(|m| {
            if let Some(m) = m {
                while m.sweeps() < MC_SWEEPS {
                    m.sweep();
                }
            }
        });
        playing.set(false);
        shown.set(mc.with_value(numbers));
        draw_overlay();
    };

    Effect::new(move |_| request_animation_frame(paint_all));
    let resize = window_event_listener(leptos::ev::resize, move |_| paint_all());
    on_cleanup(move || resize.remove());
    if let Some(mq) = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten()) {
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(paint_all);
        let _ = mq.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
        cb.forget(); // lives as long as the page
    }

    // Pointer: a click or tap centres the circle there; a mouse drag moves it, and the
    // circulations are recomputed when the button is released.
    let at = move |i: usize, x: i32, y: i32| -> Option<[f64; 2]> {
        let canvas = refs[i].overlay.get_untracked()?;
        let f = frames.get_value()[i]?;
        let rect = canvas.get_bounding_client_rect();
        let (a, b) = chart::unmap(&f, (f64::from(x) - rect.left()) * f.dpr, (f64::from(y) - rect.top()) * f.dpr);
        Some([snap(a, 0.05, -CENTER_MAX, CENTER_MAX), snap(b, 0.05, -CENTER_MAX, CENTER_MAX)])
    };
    let on_down = move |i: usize, ev: leptos::ev::PointerEvent| {
        if ev.pointer_type() == "mouse" && ev.button() == 0 {
            preview.set_value(at(i, ev.client_x(), ev.client_y()));
            dragged.set_value(false);
            draw_overlay();
        }
    };
    let on_move = move |i: usize, ev: leptos::ev::PointerEvent| {
        if preview.get_value().is_some() {
            if let Some(c) = at(i, ev.client_x(), ev.client_y()) {
                preview.set_value(Some(c));
                dragged.set_value(true);
                draw_overlay();
            }
        }
    };
    let on_up = move |_: usize, _: leptos::ev::PointerEvent| {
        if let Some(c) = preview.get_value() {
            preview.set_value(None);
            commit(&|s| s.center = c);
            dragged.set_value(true);
        }
    };
    let on_click = move |i: usize, ev: leptos::ev::MouseEvent| {
        // After a mouse press the release has already moved the circle.
        if dragged.get_value() {
            dragged.set_value(false);
            return;
        }
        if let Some(c) = at(i, ev.client_x(), ev.client_y()) {
            commit(&|s| s.center = c);
        }
    };
    let on_leave = move |_: usize, _: leptos::ev::PointerEvent| {
        if preview.get_value().is_some() {
            preview.set_value(None);
            draw_overlay();
        }
    };

    let slider = move |label: &'static str,
                       name: &'static str,
                       bounds: (f64, f64, f64),
                       get: fn(&Settings) -> f64,
                       set: fn(&mut Settings, f64),
                       show: fn(f64) -> String| {
        crate::app::fields::slider(
            label,
            name,
            bounds,
            move || get(&settings.get()),
            move |v| commit(&|p| set(p, v)),
            show,
        )
    };

    let th = move |f: fn(&Theory) -> Option<f64>| Signal::derive(move || theory.get().as_ref().and_then(f));
    let num = move |f: fn(&Numbers) -> Option<f64>| Signal::derive(move || f(&shown.get()));
    let z = Signal::derive(move || {
        let (est, se) = shown.get().estimate?;
        let exact = theory.get()?.exact?;
        (se > 0.0).then(|| (est - exact) / se)
    });

    let panel = move |i: usize| {
        let label = if i == 0 {
            "Selection's mean step (LOOP): m(|∇f|)·∇f/|∇f|; black: Monte Carlo".to_string()
        } else {
            "Gradient ascent k·∇f, k = k_loop".to_string()
        };
        view! {
            <div class="drift-panel draggable"
                on:pointerdown=move |ev| on_down(i, ev)
                on:pointermove=move |ev| on_move(i, ev)
                on:pointerup=move |ev| on_up(i, ev)
                on:pointerleave=move |ev| on_leave(i, ev)
                on:click=move |ev| on_click(i, ev)>
                <Plot refs=refs[i] name=PANELS[i] label=label class=if i == 0 { "sel" } else { "sgd" }/>
            </div>
        }
    };

    view! {
        <figure id="drift" class="figure drift" node_ref=fig aria-labelledby="drift-title">
            <h3 id="drift-title" class="figure-title">"Selection's mean step against gradient ascent: the circulation test"</h3>
            <div class="toolbar" role="group" aria-label="Drift figure controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <button type="button" data-action="finish" on:click=finish>"Run to the end"</button>
                <button type="button" data-action="reset" on:click=move |_| restart(Settings::default())>"Reset to defaults"</button>
            </div>
            <p class="view-note">"On f = −(a² + b²/4)/2 (grey contours). Each panel's arrows are scaled to its own longest; the circle is where the circulation ∮F·dl is taken, anticlockwise. Click or drag on a chart to move it."</p>
            <div class="pair">
                <div class="column">
                {panel(0)}
                <div class="stats sel">
                    <p>"∮F·dl = " <Readout name="drift.circulation.sel" value=th(|t| Some(t.sel)) digits=5/>
                        " — " <Readout name="drift.ratio" value=th(|t| Some(t.ratio)) digits=3/>
                        " of mean |F| × circumference."</p>
                    <p>"Exact mean step on this curved f: ∮ = " <Readout name="drift.circulation.exact" value=th(|t| t.exact) digits=5/>
                        "; Monte Carlo ∮ = " <Readout name="drift.circulation.mc" value=num(|n| n.estimate.map(|e| e.0)) digits=5/>
                        " ± " <Readout name="drift.circulation.mc.se" value=num(|n| n.estimate.map(|e| e.1)) digits=5/>
                        " (z = " <Readout name="drift.mc.z" value=z digits=2/> ")."</p>
                    <p class="counts">"Monte Carlo: " <Readout name="drift.mc.steps" value=num(|n| Some(n.steps as f64)) digits=0/>
                        " selection steps at " {MC_NODES} " points, " <Readout name="drift.mc.candidates" value=num(|n| Some(n.candidates as f64)) digits=0/> " candidates."</p>
                    <p class="warn">{move || {
                        let c = shown.get().capped;
                        (c > 0).then(|| format!("{c} steps drew {} candidates without an acceptance and were left out.", crate::sim::drift_field::MC_LOOP_CAP))
                    }}</p>
                </div>
                </div>
                <div class="column">
                {panel(1)}
                <div class="stats sgd">
                    <p>"∮F·dl = " <Readout name="drift.circulation.gd" value=th(|t| Some(t.gd)) digits=5/>
                        " — " <Readout name="drift.ratio.gd" value=th(|t| Some(t.ratio_gd)) digits=3/>
                        " of mean |F| × circumference; k = " <Readout name="drift.k" value=th(|t| Some(t.k)) digits=4/> "."</p>
                </div>
                </div>
            </div>
            <div class="drift-controls">
                <fieldset>
                    <legend><span class="key sel" aria-hidden="true"></span>"Selection"</legend>
                    {slider("Mutation size s", "s", (0.02, 0.3, 0.01), |s| s.s, |s, v| s.s = v, |v| format!("{v:.2}"))}
                    {slider("Inverse temperature β", "beta", (0.0, 3.0, 0.05), |s| s.beta.log10(), |s, v| s.beta = round_beta(10f64.powf(v)), |v| format!("{}", round_beta(10f64.powf(v))))}
                    <label><span class="control-name">"Acceptance"</span>
                        <select name="rule" prop:value=move || (match settings.get().rule { Rule::Logistic => "logistic", Rule::Metropolis => "metropolis", Rule::Probit => "probit" }).to_string()
                            on:change=move |ev| {
                                let r = match event_target_value(&ev).as_str() { "metropolis" => Rule::Metropolis, "probit" => Rule::Probit, _ => Rule::Logistic };
                                commit(&|s| s.rule = r)
                            }>
                            <option value="logistic">"Logistic (Fermi)"</option>
                            <option value="metropolis">"Metropolis"</option>
                            <option value="probit">"Probit"</option>
                        </select>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Circle"</legend>
                    {slider("Centre a", "center_a", (-CENTER_MAX, CENTER_MAX, 0.05), |s| s.center[0], |s, v| s.center[0] = snap(v, 0.05, -CENTER_MAX, CENTER_MAX), |v| format!("{v:.2}"))}
                    {slider("Centre b", "center_b", (-CENTER_MAX, CENTER_MAX, 0.05), |s| s.center[1], |s, v| s.center[1] = snap(v, 0.05, -CENTER_MAX, CENTER_MAX), |v| format!("{v:.2}"))}
                    {slider("Radius", "radius", (RADIUS_RANGE.0, RADIUS_RANGE.1, 0.05), |s| s.radius, |s, v| s.radius = snap(v, 0.05, RADIUS_RANGE.0, RADIUS_RANGE.1), |v| format!("{v:.2}"))}
                </fieldset>
            </div>
            <figcaption>
                <p>
                "Selection's panel shows the mean step of LOOP selection by the formula derived in the " <a href="#appendix-eta">"appendix"</a> ": along the gradient, with a length that saturates as the slope grows. "
                "The gradient-ascent panel shows plain gradient ascent with the rate k that selection has at small slopes. "
                "A gradient field has zero circulation around every loop; the black arrows on the circle are simulated mean steps, which also carry the curvature of f over one mutation (the “exact” value). "
                </p>
                <p class="what-to-notice"><strong>"What to notice:"</strong> " "
                "gradient ascent's circulation is " {move || theory.get().map(|t| sci(t.gd)).unwrap_or_default()}
                ", zero up to rounding, while selection's is " {move || fmt(theory.get().map(|t| t.sel), 4)}
                " — " {move || fmt(theory.get().map(|t| 100.0 * t.ratio), 1)} " % of what a field running round the circle would give — "
                "and the simulation agrees with the exact value (z = " {move || fmt(z.get(), 2)} "): selection's mean step is not the gradient of any function."</p>
            </figcaption>
        </figure>
    }
}
