//! Figure `eta`: the gradient-dependent learning rate (§A.1.3). η_eff(|∇f|) for each
//! acceptance rule by theory and by a Monte Carlo of selection run here, in the page,
//! against SGD's constant η.

use leptos::html;
use leptos::prelude::*;

use crate::app::fields::{number_field, FieldSpec};
use wasm_bindgen::JsCast;

use crate::app::browser::{device_pixel_ratio, document_hidden, now_ms, prefers_dark, prefers_reduced_motion};
use crate::app::plot::{Plot, PlotRefs};
use crate::app::readout::{fmt, Readout};
use crate::app::ticker::Ticker;
use crate::app::visibility::use_on_screen;
use crate::charts::eta::{draw_eta_base, draw_eta_points, EtaCurves};
use crate::charts::plane::{fit_canvas, DrawError};
use crate::charts::{Frame, Palette};
use crate::sim::experiments::{
    eta_eff, small_step_rate, toy_start_slope, EtaExperiment, EtaParams, EtaSummary, Rule, MAX_BETA, MAX_SIGMA,
    MIN_BETA, MIN_SIGMA, RULES,
};

/// SGD's learning rate at the defaults (§B): η = 0.1, equal to k_loop = s²β/2.
pub const DEFAULT_LR: f64 = 0.1;
/// Milliseconds of Monte Carlo per frame, so the page stays responsive.
const FRAME_BUDGET_MS: f64 = 6.0;
/// Candidates per call between clock checks.
const CHUNK: u64 = 2000;

/// Whether the figure overlaps the viewport now. The on-screen signal is true until its
/// observer first reports, so the first frame asks the layout directly.
pub fn in_viewport(figure: NodeRef<html::Figure>) -> bool {
    let Some(el) = figure.get_untracked() else { return false };
    let height = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
    let r = el.get_bounding_client_rect();
    r.bottom() > 0.0 && r.top() < height
}

/// Fills the prose's `<output data-bind="eta.<name>">` placeholders with numbers from
/// theory at the toy problem's defaults (the prose describes those, whatever the figure's
/// controls are set to), so no number in the prose is typed in.
fn fill_prose_bindings() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let p = EtaParams::default();
    let max_slope = EtaExperiment::new(p).map_or(1.0, |e| e.slope_range().1);
    let t = Theory::of(&p, DEFAULT_LR, max_slope);
    for (name, value, digits) in [
        ("eta.start_a", t.start_a, 1),
        ("eta.start_ratio", t.start_ratio, 2),
        ("eta.start_slowdown", t.start_slowdown, 1),
        ("eta.start_slope", t.start_slope, 2),
    ] {
        // Each pass fills one placeholder and marks it with its value; at most a few.
        let selector = format!("[data-bind=\"{name}\"]:not([data-value])");
        for _ in 0..16 {
            let Ok(Some(el)) = doc.query_selector(&selector) else { break };
            el.set_text_content(Some(&fmt(Some(value), digits)));
            if el.set_attribute("data-value", &value.to_string()).is_err() {
                break;
            }
        }
    }
}

fn report(r: Result<(), DrawError>) {
    if let Err(e) = r {
        web_sys::console::error_1(&format!("drawing failed: {}", e.0).into());
    }
}

/// The little line-and-marker key of a rule, drawn as the chart draws it.
pub fn rule_swatch(rule: Rule) -> impl IntoView {
    let (dash, mark) = match rule {
        Rule::Logistic => ("none", view! { <path d="M13 7h10M18 2v10" stroke-width="2"/> }.into_any()),
        Rule::Metropolis => ("5 3", view! { <path d="M14 3l8 8M14 11l8-8" stroke-width="2"/> }.into_any()),
        Rule::Probit => {
            ("1.5 2.5", view! { <circle cx="18" cy="7" r="3.6" stroke-width="2" style="fill: var(--bg)"/> }.into_any())
        }
        Rule::Kimura => {
            ("7 2 1.5 2", view! { <path d="M18 2.5l4.5 7.5h-9z" stroke-width="2" style="fill: var(--bg)"/> }.into_any())
        }
    };
    view! {
        <svg class=format!("rule-swatch {}", rule.key()) viewBox="0 0 36 14" width="36" height="14" aria-hidden="true"
            fill="none" stroke="currentColor">
            <line x1="0" y1="7" x2="36" y2="7" stroke-width="2" stroke-dasharray=dash/>
            {mark}
        </svg>
    }
}

fn agree_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Logistic => "eta.logistic.agree",
        Rule::Metropolis => "eta.metropolis.agree",
        Rule::Probit => "eta.probit.agree",
        Rule::Kimura => "eta.kimura.agree",
    }
}

fn worst_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Logistic => "eta.logistic.worst_z",
        Rule::Metropolis => "eta.metropolis.worst_z",
        Rule::Probit => "eta.probit.worst_z",
        Rule::Kimura => "eta.kimura.worst_z",
    }
}

/// Numbers from theory alone, for the readouts and the caption.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Theory {
    start_slope: f64,
    start_a: f64,
    start_ratio: f64,
    start_slowdown: f64,
    saturation: f64,
    k_loop: f64,
}

impl Theory {
    fn of(p: &EtaParams, lr: f64, max_slope: f64) -> Self {
        let g0 = toy_start_slope();
        let k_loop = small_step_rate(Rule::Logistic, p.sigma, p.beta, false);
        let start = eta_eff(Rule::Logistic, p.sigma, p.beta, g0, false);
        let k_mode = small_step_rate(Rule::Logistic, p.sigma, p.beta, p.keep);
        Self {
            start_slope: g0,
            start_a: p.beta * p.sigma * g0,
            start_ratio: start / k_loop,
            start_slowdown: lr / start,
            saturation: eta_eff(Rule::Logistic, p.sigma, p.beta, max_slope, p.keep) / k_mode,
            k_loop,
        }
    }
}

/// Figure `eta`.
#[component]
pub fn EtaFigure() -> impl IntoView {
    let initial = EtaParams {
        sigma: crate::app::figure_state::number("eta", "sigma", MIN_SIGMA, MAX_SIGMA)
            .unwrap_or(EtaParams::default().sigma),
        beta: crate::app::figure_state::number("eta", "beta", MIN_BETA, MAX_BETA).unwrap_or(EtaParams::default().beta),
        keep: crate::app::figure_state::choice("eta", "rule", &["keep"]).is_some(),
        ..EtaParams::default()
    };
    let params = RwSignal::new(initial);
    let lr = RwSignal::new(DEFAULT_LR);
    let shown = RwSignal::new([true; 4]);
    let running = RwSignal::new(!prefers_reduced_motion());
    let message = RwSignal::new(None::<String>);
    let summary = RwSignal::new(EtaSummary::default());
    let theory = RwSignal::new(Theory::default());

    let first = EtaExperiment::new(initial).or_else(|_| EtaExperiment::new(EtaParams::default())).ok();
    let max_slope = first.as_ref().map_or(1.0, |e| e.slope_range().1);
    theory.set(Theory::of(&EtaParams::default(), DEFAULT_LR, max_slope));
    let curves = StoredValue::new_local(first.as_ref().map(|e| EtaCurves::new(e, DEFAULT_LR)));
    let exp = StoredValue::new_local(first);
    let frame = StoredValue::new_local(None::<Frame>);
    let refs = PlotRefs::new();
    let figure = NodeRef::<html::Figure>::new();
    let on_screen = use_on_screen(figure);

    let palette = move || Palette::for_scheme(prefers_dark());
    let paint_points = move || {
        let (Some(layers), Some(f)) = (refs.layers(), frame.get_value()) else { return };
        let sh = shown.get_untracked();
        exp.with_value(|e| {
            if let Some(e) = e {
                report(draw_eta_points(&layers.trail, &f, e, sh, &palette()));
            }
        });
    };
    let repaint = move || {
        let Some(layers) = refs.layers() else { return };
        let dpr = device_pixel_ratio();
        if fit_canvas(&layers.base, dpr).is_none() {
            return;
        }
        fit_canvas(&layers.trail, dpr);
        fit_canvas(&layers.overlay, dpr);
        let sh = shown.get_untracked();
        let drawn = curves.with_value(|c| c.as_ref().map(|c| draw_eta_base(&layers.base, c, sh, &palette(), dpr)));
        match drawn {
            Some(Ok(f)) => frame.set_value(Some(f)),
            Some(Err(e)) => {
                frame.set_value(None);
                report(Err(e));
            }
            None => frame.set_value(None),
        }
        paint_points();
    };
    let refresh = move || {
        let sh = shown.get_untracked();
        summary.set(exp.with_value(|e| e.as_ref().map(|e| e.summary(sh)).unwrap_or_default()));
    };
    let restart = move |p: EtaParams, rate: f64| match EtaExperiment::new(p) {
        Ok(e) => {
            crate::app::figure_state::write(
                "eta",
                &[
                    ("sigma", p.sigma.to_string()),
                    ("beta", p.beta.to_string()),
                    ("rule", (if p.keep { "keep" } else { "loop" }).to_string()),
                ],
            );
            theory.set(Theory::of(&p, rate, e.slope_range().1));
            curves.set_value(Some(EtaCurves::new(&e, rate)));
            exp.set_value(Some(e));
            params.set(p);
            lr.set(rate);
            repaint();
            refresh();
            running.set(!prefers_reduced_motion());
        }
        Err(e) => message.set(Some(format!("Not changed: {e}."))),
    };

    // The Monte Carlo: as many candidates as fit in the frame budget, then a redraw.
    let ticker = Ticker::new(move |_| {
        if !running.get_untracked() || !on_screen.get_untracked() || document_hidden() || !in_viewport(figure) {
            return false;
        }
        let start = now_ms();
        let sh = shown.get_untracked();
        let done = exp
            .try_update_value(|e| {
                let Some(e) = e else { return true };
                loop {
                    e.advance(sh, CHUNK);
                    if e.done(sh) {
                        return true;
                    }
                    if now_ms() - start > FRAME_BUDGET_MS {
                        return false;
                    }
                }
            })
            .unwrap_or(true);
        paint_points();
        refresh();
        if done {
            running.set(false);
        }
        !done
    });
    let ticker = StoredValue::new_local(ticker);
    Effect::new(move |_| {
        if running.get() && on_screen.get() {
            ticker.with_value(Ticker::kick);
        }
    });
    Effect::new(move |_| request_animation_frame(repaint));
    Effect::new(move |_| fill_prose_bindings());
    let resize = window_event_listener(leptos::ev::resize, move |_| repaint());
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if !document_hidden() {
            ticker.with_value(Ticker::kick);
        }
    });
    on_cleanup(move || {
        resize.remove();
        visible.remove();
    });
    if let Some(mq) = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten()) {
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(repaint);
        let _ = mq.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
        cb.forget(); // lives as long as the page
    }

    let play = move |_| {
        if running.get_untracked() {
            running.set(false);
            return;
        }
        let sh = shown.get_untracked();
        exp.update_value(|e| {
            if let Some(e) = e {
                if e.done(sh) {
                    e.extend();
                }
            }
        });
        refresh();
        running.set(true);
    };
    let toggle = move |rule: Rule, on: bool| {
        shown.update(|s| s[rule.index()] = on);
        repaint();
        refresh();
        if on && !summary.get_untracked().done && !prefers_reduced_motion() {
            running.set(true);
        }
    };
    let commit = move |f: &dyn Fn(&mut EtaParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        p.target = EtaParams::default().target;
        restart(p, lr.get_untracked());
    };

    let num = |f: fn(&EtaSummary) -> Option<f64>| Signal::derive(move || f(&summary.get()));
    let samples = num(|s| Some(s.samples as f64));
    let candidates = num(|s| Some(s.candidates as f64));
    let progress = num(|s| Some(s.progress));
    let agree = num(|s| s.all.fraction());
    let worst = num(|s| s.all.worst_z);
    let th = |f: fn(&Theory) -> f64| Signal::derive(move || Some(f(&theory.get())).filter(|v| v.is_finite()));
    let start_slope = th(|t| t.start_slope);
    let start_a = th(|t| t.start_a);
    let start_ratio = th(|t| t.start_ratio);
    let start_slowdown = th(|t| t.start_slowdown);
    let saturation = th(|t| t.saturation);

    let rule_boxes = RULES
        .iter()
        .map(|&rule| {
            view! {
                <label class="rule-choice">
                    <input type="checkbox" name=format!("rule-{}", rule.key()) value=rule.key()
                        prop:checked=move || shown.get()[rule.index()]
                        on:change=move |ev| toggle(rule, event_target_checked(&ev))/>
                    {rule_swatch(rule)}
                    {rule.label()}
                </label>
            }
        })
        .collect_view();
    let rule_rows = RULES
        .iter()
        .map(|&rule| {
            let a = Signal::derive(move || summary.get().per_rule[rule.index()].fraction());
            let w = Signal::derive(move || summary.get().per_rule[rule.index()].worst_z);
            view! {
                <tr hidden=move || !shown.get()[rule.index()]>
                    <th scope="row">{rule_swatch(rule)} " " {rule.label()}</th>
                    <td><Readout name=agree_name(rule) value=a digits=2/></td>
                    <td><Readout name=worst_name(rule) value=w digits=2/></td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <figure id="eta" class="figure eta" aria-labelledby="eta-title" node_ref=figure>
            <h3 id="eta-title" class="figure-title">"The gradient-dependent learning rate"</h3>
            <div class="toolbar" role="group" aria-label="Monte Carlo controls">
                <button type="button" data-action="play" aria-pressed=move || running.get().to_string() on:click=play>
                    {move || if running.get() { "❚❚ Pause" } else if summary.get().done { "▶ Run longer" } else { "▶ Run" }}
                </button>
                <button type="button" data-action="reset" on:click=move |_| {
                    message.set(None);
                    shown.set([true; 4]);
                    restart(EtaParams::default(), DEFAULT_LR);
                }>"Reset to defaults"</button>
                <span class="clock">"Monte Carlo " <Readout name="eta.progress" value=Signal::derive(move || progress.get().map(|p| 100.0 * p)) digits=0/> " % done"</span>
            </div>
            <p class="status" role="status">{move || message.get()}</p>
            <Plot refs=refs name="eta-curves" class="wide"
                label="Effective learning rate against slope, log–log: theory curves per acceptance rule, Monte Carlo points with 99.9 % error bars, SGD's constant η".to_string()/>
            <div class="eta-controls">
                <fieldset class="eta-rules">
                    <legend>"Acceptance rules"</legend>
                    {rule_boxes}
                </fieldset>
                <fieldset>
                    <legend>"Parameters"</legend>
                    {number_field(FieldSpec { label: "Mutation size s", name: "sigma", min: MIN_SIGMA, max: MAX_SIGMA, step: "any" }, move || params.get().sigma, move |v| commit(&|p| p.sigma = v), message)}
                    {number_field(FieldSpec { label: "Inverse temperature β", name: "beta", min: MIN_BETA, max: MAX_BETA, step: "any" }, move || params.get().beta, move |v| commit(&|p| p.beta = v), message)}
                    {number_field(FieldSpec { label: "SGD's learning rate η", name: "lr", min: 1e-4, max: 10.0, step: "any" }, move || lr.get(), move |v| restart(params.get_untracked(), v), message)}
                    <label>"Rule "
                        <select name="rule" prop:value=move || (if params.get().keep { "keep" } else { "loop" }).to_string()
                            on:change=move |ev| { let k = event_target_value(&ev) == "keep"; commit(&|p| p.keep = k) }>
                            <option value="loop">"LOOP: retry until accepted"</option>
                            <option value="keep">"KEEP: one candidate per generation"</option>
                        </select>
                    </label>
                </fieldset>
            </div>
            <div class="stats eta-stats">
                <p>"Monte Carlo so far: " <Readout name="eta.samples" value=samples digits=0/>
                    {move || if params.get().keep { " generations" } else { " accepted steps" }}
                    " from " <Readout name="eta.candidates" value=candidates digits=0/> " candidates. "
                    "Points whose 99.9 % error bar contains the theory: " <Readout name="eta.agree" value=agree digits=2/>
                    " (fraction); largest |z| = " <Readout name="eta.worst_z" value=worst digits=2/> "."</p>
                <table class="eta-table">
                    <thead><tr><th scope="col">"Rule"</th><th scope="col">"Within 99.9 %"</th><th scope="col">"Largest |z|"</th></tr></thead>
                    <tbody>{rule_rows}</tbody>
                </table>
                <p>"At the toy problem's start, |∇f(θ₀)| = " <Readout name="eta.start_slope" value=start_slope digits=2/>
                    ", so a = βs|∇f| = " <Readout name="eta.start_a" value=start_a digits=1/>
                    " and logistic selection's η_eff is " <Readout name="eta.start_ratio" value=start_ratio digits=3/>
                    " × k_loop; SGD's η is " <Readout name="eta.start_slowdown" value=start_slowdown digits=1/>
                    " times that. At the steepest slope shown, η_eff is "
                    <Readout name="eta.saturation" value=saturation digits=3/> " × its small-step value."</p>
            </div>
            <figcaption>
                "Selection's mean accepted step along the gradient, divided by the slope, for Gaussian mutations of size s. "
                "Lines: theory (derived in the " <a href="#appendix-eta">"appendix"</a> "); markers: selection run in this page on f(x) = g·x, "
                "with bars of ±3.29 standard errors (99.9 %). The rules are matched so that all share the small-step rate "
                "k_loop = s²β/2, here "
                {move || fmt(Some(theory.get().k_loop), 3)}
                " (probit uses Φ(β√(2π)Δ/4), Kimura a population N = (β + 2)/4); at the defaults k_loop equals SGD's η. The faint dotted diagonal is s√(2/π)/|∇f|, the rate of a hard threshold (accept exactly the uphill candidates): every rule reaches it as |∇f| → ∞, but Kimura rises above it first — while 1/(4N) ≪ s|∇f| ≪ 1 its fixation probability is about 2Δ for Δ > 0, so its LOOP rate nears s√(π/2)/|∇f|. "
                "Under KEEP the rate is per generation, rejected candidates included, and its small-step value s²P′(0) differs between rules (dotted lines). "
                <strong>"What to notice: "</strong>
                "SGD's line is flat, but every rule's η_eff falls once a = βs|∇f| passes about 1, roughly as 1/|∇f| — "
                "selection behaves like normalised or clipped gradient descent, whatever the acceptance rule."
            </figcaption>
        </figure>
    }
}
