//! Figure `regression` (section 6, spec §C): linear regression with correlated features.
//! Two panels in the weight plane, SGD and selection. "One step": many single steps from
//! one point — SGD's shaped like H, selection's mutations round. "Long run": both run on
//! around the optimum — SGD's cloud nearly round, KEEP selection's stretched along the
//! flat valley like H⁻¹/β.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::anim::use_animation;
use crate::app::browser::{prefers_dark, prefers_reduced_motion};
use crate::app::plot::{context2d, paint_base, Plot, PlotRefs};
use crate::app::readout::{fmt, Readout};
use crate::charts::layer::{self, Marker};
use crate::charts::plane::Curve;
use crate::charts::regression as chart;
use crate::charts::{Frame, Palette};
use crate::sim::maths::{correlation_of, eigen_sym2, Sym2};
use crate::sim::regression_lab::{KeepRule, LabParams, LongRun, LongRunTheory, StepCloud, StepTheory};
use crate::sim::stats::RunningCorrelation;

/// Single steps drawn per model: enough for r's 99.9 % interval to be about ±0.01 at the
/// optimum (Fisher z: ±3.29/√(N − 3) in atanh r, times 1 − r² = 0.19).
const CLOUD_CAP: usize = 5000;
/// Single steps per frame: the cloud fills in about three seconds.
const CLOUD_PER_FRAME: usize = 30;
/// Long-run steps per model, about ten seconds at the rate below.
const LONG_CAP: u64 = 400_000;
/// Long-run steps per frame.
const LONG_PER_FRAME: u64 = 700;
/// Steps left out of the long-run statistics: both start at w*, and SGD's spread needs a
/// few hundred steps (1/(2ηλ_min) = 50 at the defaults) to reach its stationary size.
const BURN_IN: u64 = 2000;
/// One long-run position in this many is drawn.
const THIN: u64 = 40;
/// The range of the point's offset from w*, per coordinate.
const OFFSET_MAX: f64 = 1.0;
/// Offsets snap to this grid.
const OFFSET_STEP: f64 = 0.05;
/// Batch sizes offered.
const BATCHES: [u64; 7] = [1, 2, 4, 8, 16, 32, 64];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    OneStep,
    LongRun,
}

/// What theory says at the current parameters, and the view's scale.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Theory {
    step: StepTheory,
    long: LongRunTheory,
    w_star: [f64; 2],
    point: [f64; 2],
    sigma: Sym2,
    half: f64,
}

fn sd_max(cov: Sym2) -> f64 {
    eigen_sym2(cov).0.max(0.0).sqrt()
}

fn theory_of(p: &LabParams) -> Option<Theory> {
    let problem = p.problem().ok()?;
    let step = StepTheory::of(p, &problem);
    let long = LongRunTheory::of(p, &problem);
    let point = p.point();
    let off = p.offset[0].abs().max(p.offset[1].abs());
    let mean = step.sgd_mean[0].abs().max(step.sgd_mean[1].abs());
    let mut extent = (off + mean + 3.0 * sd_max(step.sgd_cov)).max(off + 3.0 * p.s);
    for cov in [long.sgd.or(long.sgd_small_lr), long.selection].into_iter().flatten() {
        extent = extent.max(3.0 * sd_max(cov));
    }
    Some(Theory {
        step,
        long,
        w_star: problem.params().w_star,
        point,
        sigma: problem.covariance(),
        half: chart::view_half(extent),
    })
}

/// Both simulations.
struct Sim {
    cloud: StepCloud,
    long: LongRun,
}

impl Sim {
    fn new(p: &LabParams) -> Option<Self> {
        Some(Self { cloud: StepCloud::new(p, CLOUD_CAP).ok()?, long: LongRun::new(p, LONG_CAP, BURN_IN, THIN).ok()? })
    }

    fn done(&self) -> bool {
        self.cloud.done() && self.long.done()
    }
}

/// r with its 99.9 % interval.
type Interval = Option<(f64, f64, f64)>;

/// Part `k` of an interval: 0 the estimate, 1 the lower end, 2 the upper end.
fn iv(x: &Interval, k: usize) -> Option<f64> {
    x.map(|v| [v.0, v.1, v.2][k])
}

fn with_interval(rc: &RunningCorrelation) -> Interval {
    let r = rc.correlation()?;
    let (lo, hi) = rc.correlation_interval_999()?;
    Some((r, lo, hi))
}

/// The readouts, taken once per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Numbers {
    samples: usize,
    step: Interval,
    mutation: Interval,
    accepted: Interval,
    accept: Option<f64>,
    steps: u64,
    long_sgd: Option<f64>,
    long_sel: Option<f64>,
    long_accept: Option<f64>,
    sgd_diverged: Option<u64>,
}

fn numbers(s: &Sim) -> Numbers {
    Numbers {
        samples: s.cloud.len(),
        step: with_interval(&s.cloud.sgd_corr),
        mutation: with_interval(&s.cloud.mutation_corr),
        accepted: with_interval(&s.cloud.accepted_corr),
        accept: s.cloud.acceptance_rate(),
        steps: s.long.steps(),
        long_sgd: s.long.sgd_pos.correlation(),
        long_sel: s.long.sel_pos.correlation(),
        long_accept: s.long.acceptance_rate(),
        sgd_diverged: s.long.sgd_diverged,
    }
}

/// Per-panel drawing state: the frame of the last full paint and how much of the cloud
/// is already on the trail canvas.
#[derive(Clone, Copy, Debug, Default)]
struct Painted {
    frame: Option<Frame>,
    drawn: usize,
}

const PANELS: [&str; 2] = ["regression-sgd", "regression-sel"];

fn palette() -> Palette {
    Palette::for_scheme(prefers_dark())
}

/// The static curves: loss contours and the optimum.
fn curves(t: &Theory, p: &Palette) -> Vec<Curve> {
    let mut c = chart::loss_contours(t.sigma, t.w_star, t.half, p);
    c.extend(chart::optimum_mark(t.w_star, t.half, p));
    c
}

/// Theory ellipses of panel `i` (0 = SGD, 1 = selection) in `view`, as (centre,
/// covariance, colour); drawn on the overlay, above the clouds.
fn theory_ellipses(i: usize, view: View, t: &Theory, p: &Palette) -> Vec<([f64; 2], Sym2, &'static str)> {
    match (view, i) {
        (View::OneStep, 0) => {
            vec![([t.point[0] + t.step.sgd_mean[0], t.point[1] + t.step.sgd_mean[1]], t.step.sgd_cov, p.theory)]
        }
        (View::OneStep, _) => {
            let mut v = vec![(t.point, t.step.mutation_cov, p.theory)];
            if let Some(a) = t.step.accepted {
                v.push(([t.point[0] + a.mean[0], t.point[1] + a.mean[1]], a.cov, p.selection));
            }
            v
        }
        (View::LongRun, 0) => t.long.sgd.map(|c| (t.w_star, c, p.theory)).into_iter().collect(),
        (View::LongRun, _) => t.long.selection.map(|c| (t.w_star, c, p.theory)).into_iter().collect(),
    }
}

/// Draws what is new since the last call onto panel `i`'s trail canvas.
fn draw_new(i: usize, view: View, sim: &Sim, refs: &PlotRefs, st: &mut Painted, p: &Palette) {
    let (Some(f), Some(layers)) = (st.frame, refs.layers()) else { return };
    let Some(ctx) = context2d(&layers.trail) else { return };
    match (view, i) {
        (View::OneStep, 0) => {
            let c = &sim.cloud;
            chart::offsets(
                &ctx,
                &f,
                c.point(),
                c.sgd_steps[st.drawn.min(c.len())..].iter(),
                Marker::Square,
                p.sgd,
                3.0,
                0.45,
            );
            st.drawn = c.len();
        }
        (View::OneStep, _) => {
            let c = &sim.cloud;
            let new = &c.candidates[st.drawn.min(c.candidates.len())..];
            let o = c.point();
            ctx.set_global_alpha(0.55);
            layer::markers(
                &ctx,
                &f,
                new.iter().filter(|x| !x.accepted).map(|x| (o[0] + x.step[0], o[1] + x.step[1])),
                Marker::Dot,
                p.ghost,
                2.5,
            );
            ctx.set_global_alpha(0.7);
            layer::markers(
                &ctx,
                &f,
                new.iter().filter(|x| x.accepted).map(|x| (o[0] + x.step[0], o[1] + x.step[1])),
                Marker::Cross,
                p.selection,
                5.0,
            );
            ctx.set_global_alpha(1.0);
            st.drawn = c.candidates.len();
        }
        (View::LongRun, 0) => {
            let t = &sim.long.sgd_trail;
            chart::offsets(&ctx, &f, [0.0, 0.0], t[st.drawn.min(t.len())..].iter(), Marker::Square, p.sgd, 2.5, 0.35);
            st.drawn = t.len();
        }
        (View::LongRun, _) => {
            let t = &sim.long.sel_trail;
            chart::offsets(
                &ctx,
                &f,
                [0.0, 0.0],
                t[st.drawn.min(t.len())..].iter(),
                Marker::Cross,
                p.selection,
                4.0,
                0.4,
            );
            st.drawn = t.len();
        }
    }
}

/// Redraws panel `i`'s overlay: the measured ellipse and the current position.
fn draw_overlay(i: usize, view: View, sim: &Sim, t: &Theory, refs: &PlotRefs, st: &Painted, p: &Palette) {
    let (Some(f), Some(layers)) = (st.frame, refs.layers()) else { return };
    let Some(ctx) = context2d(&layers.overlay) else { return };
    layer::clear(&ctx);
    let color = if i == 0 { p.sgd } else { p.selection };
    for (centre, cov, c) in theory_ellipses(i, view, t, p) {
        chart::ellipse(&ctx, &f, centre, cov, c, p.background, true);
    }
    let measured = |rc: &RunningCorrelation, origin: [f64; 2]| {
        if rc.count() >= 10 {
            if let (Some(m), Some(cov)) = (rc.mean(), rc.covariance()) {
                chart::ellipse(&ctx, &f, [origin[0] + m[0], origin[1] + m[1]], cov, color, p.background, false);
            }
        }
    };
    match view {
        View::OneStep => {
            let c = &sim.cloud;
            measured(if i == 0 { &c.sgd_corr } else { &c.accepted_corr }, c.point());
            let o = c.point();
            layer::ring(&ctx, &f, o[0], o[1], p.background, p.ink);
        }
        View::LongRun => {
            let l = &sim.long;
            measured(if i == 0 { &l.sgd_pos } else { &l.sel_pos }, [0.0, 0.0]);
            let w = if i == 0 { l.sgd_theta() } else { l.sel_theta() };
            layer::ring(&ctx, &f, w[0], w[1], color, p.ink);
        }
    }
}

fn snap_offset(x: f64) -> f64 {
    ((x / OFFSET_STEP).round() * OFFSET_STEP).clamp(-OFFSET_MAX, OFFSET_MAX)
}

/// β shown to two significant figures.
fn round_beta(b: f64) -> f64 {
    let p = 10f64.powf(b.log10().floor() - 1.0);
    (b / p).round() * p
}

/// Fills the prose's `<output data-bind="regression.<name>">` placeholders with theory at
/// the defaults (the prose describes those, whatever the controls say), so no number in
/// the prose is typed in.
fn fill_prose_bindings() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(t) = theory_of(&LabParams::default()) else { return };
    let values = [
        ("regression.keep_r", t.long.selection.map(correlation_of), 1),
        ("regression.sgd_r", t.long.sgd.map(correlation_of), 2),
        ("regression.feature_corr", Some(LabParams::default().feature_corr), 1),
    ];
    for (name, value, digits) in values {
        let Some(v) = value else { continue };
        // Each pass fills one placeholder and marks it as filled; there are only a few.
        let selector = format!("[data-bind=\"{name}\"]:not([data-value])");
        for _ in 0..16 {
            let Ok(Some(el)) = doc.query_selector(&selector) else { break };
            el.set_text_content(Some(&fmt(Some(v), digits)));
            if el.set_attribute("data-value", &v.to_string()).is_err() {
                break;
            }
        }
    }
}

/// Figure `regression`.
#[component]
pub fn RegressionFigure() -> impl IntoView {
    let d = LabParams::default();
    let initial = Some(LabParams {
        lr: crate::app::figure_state::number("regression", "lr", 0.001, 0.3).unwrap_or(d.lr),
        batch: crate::app::figure_state::number("regression", "batch", 1.0, 64.0).map_or(d.batch, |b| b.round() as u64),
        s: crate::app::figure_state::number("regression", "s", 0.001, 1.0).unwrap_or(d.s),
        beta: crate::app::figure_state::number("regression", "beta", 1.0, 1000.0).unwrap_or(d.beta),
        feature_corr: crate::app::figure_state::number("regression", "corr", -0.95, 0.95).unwrap_or(d.feature_corr),
        ..d
    })
    .filter(|p| p.validate().is_ok() && Sim::new(p).is_some())
    .unwrap_or(d);
    let params = RwSignal::new(initial);
    let theory = RwSignal::new(theory_of(&initial));
    let view_kind = RwSignal::new(View::OneStep);
    let sim = StoredValue::new_local(Sim::new(&initial));
    let painted = StoredValue::new_local([Painted::default(); 2]);
    let shown = RwSignal::new(Numbers::default());
    let message = RwSignal::new(None::<String>);
    let refs = [PlotRefs::new(), PlotRefs::new()];
    let fig = NodeRef::<html::Figure>::new();
    let playing = RwSignal::new(!prefers_reduced_motion());

    let draw_frame = move || {
        let p = palette();
        let view = view_kind.get_untracked();
        let Some(t) = theory.get_untracked() else { return };
        sim.with_value(|s| {
            let Some(s) = s else { return };
            painted.update_value(|st| {
                for i in 0..2 {
                    draw_new(i, view, s, &refs[i], &mut st[i], &p);
                    draw_overlay(i, view, s, &t, &refs[i], &st[i], &p);
                }
            });
        });
    };
    let paint_all = move || {
        let p = palette();
        let Some(t) = theory.get_untracked() else { return };
        painted.update_value(|st| {
            for i in 0..2 {
                let frame = paint_base(&refs[i], &chart::axes(t.w_star, t.half), &curves(&t, &p));
                if let Some(ctx) = refs[i].layers().and_then(|l| context2d(&l.trail)) {
                    layer::clear(&ctx);
                }
                st[i] = Painted { frame, drawn: 0 };
            }
        });
        draw_frame();
    };
    // A new point only redraws the single steps (the long run does not depend on it),
    // unless `fresh` asks for everything anew.
    let restart = move |p: LabParams, fresh: bool| {
        let old = params.get_untracked();
        let same_run = !fresh && LabParams { offset: old.offset, ..p } == old;
        let next = if same_run {
            StepCloud::new(&p, CLOUD_CAP).ok().map(|cloud| (Some(cloud), None))
        } else {
            Sim::new(&p).map(|s| (Some(s.cloud), Some(s.long)))
        };
        match (p.validate(), next) {
            (Ok(()), Some((cloud, long))) => {
                crate::app::figure_state::write(
                    "regression",
                    &[
                        ("lr", p.lr.to_string()),
                        ("batch", p.batch.to_string()),
                        ("s", p.s.to_string()),
                        ("beta", p.beta.to_string()),
                        ("corr", p.feature_corr.to_string()),
                    ],
                );
                message.set(None);
                params.set(p);
                theory.set(theory_of(&p));
                sim.update_value(|s| match (s.as_mut(), cloud, long) {
                    (Some(s), Some(c), None) => s.cloud = c,
                    (_, Some(cloud), Some(long)) => *s = Some(Sim { cloud, long }),
                    _ => {}
                });
                shown.set(sim.with_value(|s| s.as_ref().map(numbers).unwrap_or_default()));
                paint_all();
                if !prefers_reduced_motion() {
                    playing.set(true);
                }
            }
            (Err(e), _) => message.set(Some(format!("Not changed: {e}."))),
            (_, None) => message.set(Some("Not changed: these values do not make a valid run.".into())),
        }
    };
    let commit = move |f: &dyn Fn(&mut LabParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        restart(p, false);
    };

    use_animation(fig, playing, move || {
        let done = sim
            .try_update_value(|s| match s {
                Some(s) => {
                    s.cloud.draw(CLOUD_PER_FRAME);
                    s.long.advance(LONG_PER_FRAME);
                    s.done()
                }
                None => true,
            })
            .unwrap_or(true);
        shown.set(sim.with_value(|s| s.as_ref().map(numbers).unwrap_or_default()));
        draw_frame();
        if done {
            playing.set(false);
        }
        !done
    });
    let finish = move |_| {
        sim.update_value(|s| {
            if let Some(s) = s {
                s.cloud.draw(CLOUD_CAP);
                s.long.advance(LONG_CAP);
            }
        });
        playing.set(false);
        shown.set(sim.with_value(|s| s.as_ref().map(numbers).unwrap_or_default()));
        draw_frame();
    };

    Effect::new(move |_| request_animation_frame(paint_all));
    Effect::new(move |_| fill_prose_bindings());
    let resize = window_event_listener(leptos::ev::resize, move |_| paint_all());
    on_cleanup(move || resize.remove());
    if let Some(mq) = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten()) {
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(paint_all);
        let _ = mq.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
        cb.forget(); // lives as long as the page
    }

    // Clicking or tapping a panel in the one-step view moves the point there.
    let pick = move |i: usize, ev: leptos::ev::MouseEvent| {
        if view_kind.get_untracked() != View::OneStep {
            return;
        }
        let Some(canvas) = refs[i].overlay.get_untracked() else { return };
        let Some(f) = painted.with_value(|st| st[i].frame) else { return };
        let rect = canvas.get_bounding_client_rect();
        let (px, py) =
            ((f64::from(ev.client_x()) - rect.left()) * f.dpr, (f64::from(ev.client_y()) - rect.top()) * f.dpr);
        let (x, y) = chart::unmap(&f, px, py);
        let Some(t) = theory.get_untracked() else { return };
        let offset = [snap_offset(x - t.w_star[0]), snap_offset(y - t.w_star[1])];
        commit(&|p| p.offset = offset);
    };

    let slider = move |label: &'static str,
                       name: &'static str,
                       bounds: (f64, f64, f64),
                       get: fn(&LabParams) -> f64,
                       set: fn(&mut LabParams, f64),
                       show: fn(f64) -> String| {
        crate::app::fields::slider(
            label,
            name,
            bounds,
            move || get(&params.get()),
            move |v| commit(&|p| set(p, v)),
            show,
        )
    };

    let num = move |f: fn(&Numbers) -> Option<f64>| Signal::derive(move || f(&shown.get()));
    let th = move |f: fn(&Theory) -> Option<f64>| Signal::derive(move || theory.get().as_ref().and_then(f));

    let panel = move |i: usize| {
        let label = if i == 0 { "Mini-batch SGD (squares)".to_string() } else { "Selection (crosses)".to_string() };
        let cls = if i == 0 { "sgd" } else { "sel" };
        view! {
            <div class=move || if view_kind.get() == View::OneStep { "regression-panel pickable" } else { "regression-panel" }
                on:click=move |ev| pick(i, ev)>
                <Plot refs=refs[i] name=PANELS[i] label=label class=cls/>
            </div>
        }
    };

    view! {
        <figure id="regression" class="figure regression" node_ref=fig aria-labelledby="regression-title">
            <h3 id="regression-title" class="figure-title">"Linear regression: the shape of each model's noise, one step and in the long run"</h3>
            <div class="toolbar" role="group" aria-label="Regression figure controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <button type="button" data-action="finish" on:click=finish>"Run to the end"</button>
                <button type="button" data-action="reset" on:click=move |_| { view_kind.set(View::OneStep); restart(LabParams::default(), true) }>"Reset to defaults"</button>
                <div class="segmented" role="radiogroup" aria-labelledby="regression-show">
                    <span id="regression-show">"Show:"</span>
                    <label><input type="radio" name="regression-view" value="one-step"
                        prop:checked=move || view_kind.get() == View::OneStep
                        on:change=move |_| { view_kind.set(View::OneStep); paint_all(); }/>"One step"</label>
                    <label><input type="radio" name="regression-view" value="long-run"
                        prop:checked=move || view_kind.get() == View::LongRun
                        on:change=move |_| { view_kind.set(View::LongRun); paint_all(); }/>"Long run"</label>
                </div>
            </div>
            <p class="status" role="status">{move || message.get()}</p>
            <p class="view-note">{move || match view_kind.get() {
                View::OneStep => "One step: many single steps from the ringed point (click a chart to move it); for selection, crosses are accepted mutations and grey dots rejected ones. Dashed: theory; solid: measured; both at two standard deviations.".to_string(),
                View::LongRun => format!("Long run: both models start at the optimum w* (small plus) and run on; every {THIN}th position is drawn. Dashed: theory; solid: measured; both at two standard deviations."),
            }}</p>
            <div class="pair">
                <div class="column">
                {panel(0)}
                <div class="stats sgd">
                    <p><strong>"One step"</strong>" from w = ("{move || fmt(theory.get().map(|t| t.point[0]), 2)}", "{move || fmt(theory.get().map(|t| t.point[1]), 2)}"): r = "
                        <Readout name="regression.step_r" value=num(|n| iv(&n.step, 0))/>
                        " (99.9 % interval " <Readout name="regression.step_r.lo" value=num(|n| iv(&n.step, 1))/>
                        " to " <Readout name="regression.step_r.hi" value=num(|n| iv(&n.step, 2))/>
                        "); theory (" <a href="#appendix-regression">"appendix"</a> ") " <Readout name="regression.step_r.theory" value=th(|t| Some(t.step.sgd_correlation()))/> "."</p>
                    <p><strong>"Long run"</strong>": r = " <Readout name="regression.long_r.sgd" value=num(|n| n.long_sgd)/>
                        "; theory " <Readout name="regression.long_r.sgd.theory" value=th(|t| t.long.sgd.map(correlation_of))/>
                        " (small-η form (ησ²/B)(2I − ηH)⁻¹: " <Readout name="regression.long_r.sgd.small_lr" value=th(|t| t.long.sgd_small_lr.map(correlation_of))/> ")."</p>
                    <p class="warn">{move || {
                        let mut w = Vec::new();
                        if let Some(s) = shown.get().sgd_diverged { w.push(format!("SGD diverged at step {s}: try a smaller η or a larger batch.")); }
                        if theory.get().is_some_and(|t| t.long.sgd.is_none()) { w.push("At this η and B, SGD's spread grows without bound: it has no long-run cloud.".to_string()); }
                        w.join(" ")
                    }}</p>
                </div>
                </div>
                <div class="column">
                {panel(1)}
                <div class="stats sel">
                    <p><strong>"One step"</strong>": all mutations r = "
                        <Readout name="regression.sel_step_r" value=num(|n| iv(&n.mutation, 0))/>
                        " (99.9 % interval " <Readout name="regression.sel_step_r.lo" value=num(|n| iv(&n.mutation, 1))/>
                        " to " <Readout name="regression.sel_step_r.hi" value=num(|n| iv(&n.mutation, 2))/>
                        "); theory " <Readout name="regression.sel_step_r.theory" value=Signal::derive(|| Some(0.0))/> ". "
                        "Accepted only: r = " <Readout name="regression.sel_acc_r" value=num(|n| iv(&n.accepted, 0))/>
                        " (" <Readout name="regression.sel_acc_r.lo" value=num(|n| iv(&n.accepted, 1))/>
                        " to " <Readout name="regression.sel_acc_r.hi" value=num(|n| iv(&n.accepted, 2))/>
                        "), exact " <Readout name="regression.sel_acc_r.theory" value=th(|t| t.step.accepted.map(|a| a.correlation()))/>
                        "; accepted " <Readout name="regression.sel_accept" value=num(|n| n.accept)/>
                        " of candidates (exact " <Readout name="regression.sel_accept.theory" value=th(|t| t.step.accepted.map(|a| a.rate))/> ")."</p>
                    <p><strong>"Long run"</strong>" (KEEP): r = " <Readout name="regression.long_r.sel" value=num(|n| n.long_sel)/>
                        "; theory H⁻¹/β: " <Readout name="regression.long_r.sel.theory" value=th(|t| t.long.selection.map(correlation_of))/>
                        "; acceptance " <Readout name="regression.long_accept" value=num(|n| n.long_accept)/> "."</p>
                </div>
                </div>
            </div>
            <p class="counts">"Single steps " <Readout name="regression.samples" value=num(|n| Some(n.samples as f64)) digits=0/>
                " of " {CLOUD_CAP} "; long run, step " <Readout name="regression.steps" value=num(|n| Some(n.steps as f64)) digits=0/>
                " of " {LONG_CAP} " (statistics after step " {BURN_IN} ")."</p>
            <div class="regression-controls">
                <fieldset>
                    <legend><span class="key sgd" aria-hidden="true"></span>"SGD"</legend>
                    {slider("Learning rate η", "lr", (0.01, 0.3, 0.01), |p| p.lr, |p, v| p.lr = v, |v| format!("{v:.2}"))}
                    <label><span class="control-name">"Batch size B"</span>
                        <select name="batch" prop:value=move || params.get().batch.to_string()
                            on:change=move |ev| { if let Ok(b) = event_target_value(&ev).parse::<u64>() { commit(&|p| p.batch = b) } }>
                            {BATCHES.iter().map(|b| view! { <option value=b.to_string()>{b.to_string()}</option> }).collect_view()}
                        </select>
                    </label>
                </fieldset>
                <fieldset>
                    <legend><span class="key sel" aria-hidden="true"></span>"Selection"</legend>
                    {slider("Mutation size s", "s", (0.02, 0.3, 0.01), |p| p.s, |p, v| p.s = v, |v| format!("{v:.2}"))}
                    {slider("Inverse temperature β", "beta", (1.0, 3.0, 0.05), |p| p.beta.log10(), |p, v| p.beta = round_beta(10f64.powf(v)), |v| format!("{}", round_beta(10f64.powf(v))))}
                    <label><span class="control-name">"Acceptance"</span>
                        <select name="rule" prop:value=move || (if params.get().rule == KeepRule::Logistic { "logistic" } else { "metropolis" }).to_string()
                            on:change=move |ev| { let m = event_target_value(&ev) == "metropolis"; commit(&|p| p.rule = if m { KeepRule::Metropolis } else { KeepRule::Logistic }) }>
                            <option value="logistic">"Logistic (Fermi)"</option>
                            <option value="metropolis">"Metropolis"</option>
                        </select>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Problem and point"</legend>
                    {slider("Feature correlation", "feature_corr", (-0.95, 0.95, 0.05), |p| p.feature_corr, |p, v| p.feature_corr = v, |v| format!("{v:.2}"))}
                    {slider("Point: w₁ − w₁*", "offset1", (-OFFSET_MAX, OFFSET_MAX, OFFSET_STEP), |p| p.offset[0], |p, v| p.offset[0] = snap_offset(v), |v| format!("{v:.2}"))}
                    {slider("Point: w₂ − w₂*", "offset2", (-OFFSET_MAX, OFFSET_MAX, OFFSET_STEP), |p| p.offset[1], |p, v| p.offset[1] = snap_offset(v), |v| format!("{v:.2}"))}
                    <p class="hint">"Or click a chart in the one-step view to move the point."</p>
                </fieldset>
            </div>
            <figcaption>
                <p>
                "Linear regression with two features of correlation " {move || fmt(Some(params.get().feature_corr), 2)}
                ": grey ellipses are loss contours around the optimum w* (small plus), shaped by Σ, which is also the Hessian H. "
                "Dashed ellipses are theory and solid ones the measurement, both at two standard deviations. "
                "One step: SGD's steps from the ringed point (squares) and selection's candidate mutations (crosses accepted, grey dots rejected; "
                "the dashed circle is the mutation, the dashed coloured ellipse the accepted ones). Long run: every " {THIN} "th position of each model, from w*. "
                </p>
                <p class="what-to-notice"><strong>"What to notice:"</strong> " "
                "one step, SGD's noise is stretched along the steep direction like H (r = " {move || fmt(iv(&shown.get().step, 0), 3)}
                ") while mutations are round (r = " {move || fmt(iv(&shown.get().mutation, 0), 3)}
                "); in the long run the shapes swap — SGD's cloud is nearly round (r = " {move || fmt(shown.get().long_sgd, 3)}
                ") and selection's lies along the flat valley (r = " {move || fmt(shown.get().long_sel, 3)} ")."</p>
            </figcaption>
        </figure>
    }
}
