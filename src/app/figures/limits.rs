//! Figure `limits`: what the analogy gets right (§A.1.2, §D). (a) In the small-step limit
//! every rule's mean step is k_loop·∇f: R = η_eff/k_loop → 1 as a = βs|∇f| → 0. (b) A
//! KEEP chain run here settles into the Gibbs law ∝ e^{βf}, as Langevin dynamics does.

use leptos::html;
use leptos::prelude::*;

use crate::app::fields::{number_field, FieldSpec};
use wasm_bindgen::JsCast;

use super::eta::{in_viewport, rule_swatch};
use crate::app::browser::{device_pixel_ratio, document_hidden, now_ms, prefers_dark, prefers_reduced_motion};
use crate::app::plot::{Plot, PlotRefs};
use crate::app::readout::{fmt, Readout};
use crate::app::ticker::Ticker;
use crate::app::visibility::use_on_screen;
use crate::charts::limits::{draw_histogram, draw_histogram_base, draw_ratio, ratio_curves};
use crate::charts::plane::{fit_canvas, DrawError};
use crate::charts::{Frame, Palette};
use crate::sim::experiments::{
    small_step_ratio, toy_start_slope, KeepChain, KeepParams, Landscape, Rule, MAX_BETA, MAX_SIGMA, MIN_BETA,
    MIN_SIGMA, RULES,
};
use crate::sim::maths::Z_999;

/// Generations the chain runs before it pauses; "run longer" adds as many again.
pub const MILESTONE: u64 = 2_000_000;
/// Milliseconds of simulation per frame.
const FRAME_BUDGET_MS: f64 = 6.0;
/// Generations per call between clock checks.
const CHUNK: u64 = 1000;

fn report(r: Result<(), DrawError>) {
    if let Err(e) = r {
        web_sys::console::error_1(&format!("drawing failed: {}", e.0).into());
    }
}

/// What the readouts show, read off the chain once per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Snapshot {
    steps: u64,
    target: u64,
    accept: Option<f64>,
    ratio: Option<f64>,
    ratio_se: Option<f64>,
    z: Option<f64>,
    ks: Option<f64>,
    theory_var: f64,
    exact: bool,
}

impl Snapshot {
    fn of(c: &KeepChain, target: u64) -> Self {
        Self {
            steps: c.steps(),
            target,
            accept: c.acceptance_rate(),
            ratio: c.variance_ratio(),
            ratio_se: c.variance_ratio_se(),
            z: c.variance_z(),
            ks: c.ks(),
            theory_var: c.gibbs().variance(),
            exact: c.params().rule.has_exponential_odds(),
        }
    }
}

/// Figure `limits`.
#[component]
pub fn LimitsFigure() -> impl IntoView {
    let initial = KeepParams {
        sigma: crate::app::figure_state::number("limits", "sigma", MIN_SIGMA, MAX_SIGMA)
            .unwrap_or(KeepParams::default().sigma),
        beta: crate::app::figure_state::number("limits", "beta", MIN_BETA, MAX_BETA)
            .unwrap_or(KeepParams::default().beta),
        ..KeepParams::default()
    };
    let params = RwSignal::new(initial);
    let playing = RwSignal::new(!prefers_reduced_motion());
    let message = RwSignal::new(None::<String>);
    let target = StoredValue::new_local(MILESTONE);
    let first = KeepChain::new(initial).or_else(|_| KeepChain::new(KeepParams::default())).ok();
    let snapshot = RwSignal::new(first.as_ref().map(|c| Snapshot::of(c, MILESTONE)).unwrap_or_default());
    let chain = StoredValue::new_local(first);
    let curves = StoredValue::new_local(ratio_curves(KeepParams::default().beta));
    let hist_frame = StoredValue::new_local(None::<Frame>);
    let ratio_refs = PlotRefs::new();
    let hist_refs = PlotRefs::new();
    let figure = NodeRef::<html::Figure>::new();
    let on_screen = use_on_screen(figure);

    let palette = move || Palette::for_scheme(prefers_dark());
    let start_a = move |p: &KeepParams| p.beta * p.sigma * toy_start_slope();
    let paint_histogram = move || {
        let (Some(layers), Some(f)) = (hist_refs.layers(), hist_frame.get_value()) else { return };
        chain.with_value(|c| {
            if let Some(c) = c {
                report(draw_histogram(&layers.trail, &f, c, &palette()));
            }
        });
    };
    let repaint = move || {
        let dpr = device_pixel_ratio();
        let p = params.get_untracked();
        if let Some(layers) = ratio_refs.layers() {
            if fit_canvas(&layers.base, dpr).is_some() {
                fit_canvas(&layers.trail, dpr);
                fit_canvas(&layers.overlay, dpr);
                let r = curves
                    .with_value(|c| draw_ratio(&layers.base, &layers.trail, c, p.rule, start_a(&p), &palette(), dpr));
                report(r.map(|_| ()));
            }
        }
        if let Some(layers) = hist_refs.layers() {
            if fit_canvas(&layers.base, dpr).is_some() {
                fit_canvas(&layers.trail, dpr);
                fit_canvas(&layers.overlay, dpr);
                let drawn =
                    chain.with_value(|c| c.as_ref().map(|c| draw_histogram_base(&layers.base, c, &palette(), dpr)));
                match drawn {
                    Some(Ok(f)) => hist_frame.set_value(Some(f)),
                    Some(Err(e)) => {
                        hist_frame.set_value(None);
                        report(Err(e));
                    }
                    None => hist_frame.set_value(None),
                }
            }
        }
        paint_histogram();
    };
    let refresh = move || {
        let t = target.get_value();
        if let Some(s) = chain.with_value(|c| c.as_ref().map(|c| Snapshot::of(c, t))) {
            snapshot.set(s);
        }
    };
    let restart = move |p: KeepParams| match KeepChain::new(p) {
        Ok(c) => {
            crate::app::figure_state::write("limits", &[("sigma", p.sigma.to_string()), ("beta", p.beta.to_string())]);
            if p.beta != params.get_untracked().beta {
                curves.set_value(ratio_curves(p.beta));
            }
            chain.set_value(Some(c));
            target.set_value(MILESTONE);
            params.set(p);
            repaint();
            refresh();
            playing.set(!prefers_reduced_motion());
        }
        Err(e) => message.set(Some(format!("Not changed: {e}."))),
    };

    // The chain: more generations per frame as it grows (so the histogram is seen to
    // fill), within the frame budget, stopping exactly at the milestone.
    let ticker = Ticker::new(move |_| {
        if !playing.get_untracked() || !on_screen.get_untracked() || document_hidden() || !in_viewport(figure) {
            return false;
        }
        let start = now_ms();
        let goal = target.get_value();
        let done = chain
            .try_update_value(|c| {
                let Some(c) = c else { return true };
                let wanted = (c.steps() / 30).max(2000);
                let mut ran = 0;
                while ran < wanted && c.steps() < goal && now_ms() - start < FRAME_BUDGET_MS {
                    let n = CHUNK.min(goal - c.steps());
                    c.advance(n);
                    ran += n;
                }
                c.steps() >= goal
            })
            .unwrap_or(true);
        paint_histogram();
        refresh();
        if done {
            playing.set(false);
        }
        !done
    });
    let ticker = StoredValue::new_local(ticker);
    Effect::new(move |_| {
        if playing.get() && on_screen.get() {
            ticker.with_value(Ticker::kick);
        }
    });
    Effect::new(move |_| request_animation_frame(repaint));
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
        if playing.get_untracked() {
            playing.set(false);
            return;
        }
        let steps = snapshot.get_untracked().steps;
        if steps >= target.get_value() {
            target.set_value(steps + MILESTONE);
            refresh();
        }
        playing.set(true);
    };
    let commit = move |f: &dyn Fn(&mut KeepParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        restart(p);
    };

    let s = |f: fn(&Snapshot) -> Option<f64>| Signal::derive(move || f(&snapshot.get()));
    let steps = s(|s| Some(s.steps as f64));
    let accept = s(|s| s.accept);
    let ratio = s(|s| s.ratio);
    let ratio_se = s(|s| s.ratio_se);
    let z = s(|s| s.z);
    let ks = s(|s| s.ks);
    let theory_var = s(|s| Some(s.theory_var));
    let progress = s(|s| Some(100.0 * s.steps as f64 / s.target.max(1) as f64));
    let r_small = Signal::derive(move || {
        let b = params.get().beta;
        Some(RULES.iter().map(|r| small_step_ratio(*r, b, 0.1)).fold(f64::INFINITY, f64::min))
    });
    let start = Signal::derive(move || Some(start_a(&params.get())));
    let r_start = Signal::derive(move || {
        let p = params.get();
        Some(small_step_ratio(Rule::Logistic, p.beta, start_a(&p)))
    });
    let verdict = move || {
        let s = snapshot.get();
        match (s.z, s.ratio_se) {
            (Some(z), Some(se)) if z.abs() < Z_999 => format!(
                "within its 99.9 % bound: |ratio − 1| < 3.29 × {} (standard error by batch means).",
                fmt(Some(se), 4)
            ),
            (Some(_), Some(se)) => format!(
                "outside its 99.9 % bound 1 ± 3.29 × {}{}",
                fmt(Some(se), 4),
                if s.exact {
                    ": run longer."
                } else {
                    ": probit's forward/reverse ratio P(Δ)/P(−Δ) is not exactly exp(βΔ), so its long-run law is not exactly Gibbs."
                }
            ),
            _ => "its bound appears after a few thousand generations.".to_string(),
        }
    };

    let rule_options = RULES.iter().map(|r| view! { <option value=r.key()>{r.label()}</option> }).collect_view();

    view! {
        <figure id="limits" class="figure limits" aria-labelledby="limits-title" node_ref=figure>
            <h3 id="limits-title" class="figure-title">"What the analogy gets right"</h3>
            <div class="toolbar" role="group" aria-label="Chain controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string() on:click=play>
                    {move || {
                        let s = snapshot.get();
                        if playing.get() { "❚❚ Pause" } else if s.steps >= s.target { "▶ Run longer" } else { "▶ Play" }
                    }}
                </button>
                <button type="button" data-action="reset" on:click=move |_| {
                    message.set(None);
                    restart(KeepParams::default());
                }>"Reset to defaults"</button>
                <span class="clock">"generation " <Readout name="limits.steps" value=steps digits=0/>
                    " (" <Readout name="limits.progress" value=progress digits=0/> " %)"</span>
            </div>
            <p class="status" role="status">{move || message.get()}</p>
            <div class="limits-grid">
                <div>
                    <Plot refs=ratio_refs name="limits-small-step"
                        label="(a) Small steps: η_eff / k_loop against a = βs|∇f|, per acceptance rule".to_string()/>
                    <ul class="limits-key" aria-label="Key">
                        {RULES.iter().map(|&r| view! { <li>{rule_swatch(r)} " " {r.label()}</li> }).collect_view()}
                    </ul>
                    <p class="stats">"At a = 0.1 every rule has R ≥ " <Readout name="limits.r_small" value=r_small digits=3/>
                        "; at the toy problem's start, a = " <Readout name="limits.start_a" value=start digits=1/>
                        " and logistic R = " <Readout name="limits.r_start" value=r_start digits=2/> "."</p>
                </div>
                <div>
                    <Plot refs=hist_refs name="limits-histogram"
                        label="(b) Long run of KEEP: histogram of visited x against the Gibbs density".to_string()/>
                    <div class="stats">
                        <p>"Var(x) measured / Gibbs: " <Readout name="limits.var_ratio" value=ratio digits=3/>
                            " ± " <Readout name="limits.var_ratio_se" value=ratio_se digits=3/>
                            " (z = " <Readout name="limits.var_z" value=z digits=2/> "), "
                            {verdict}</p>
                        <p>"Gibbs variance " <Readout name="limits.theory_var" value=theory_var digits=5/>
                            "; Kolmogorov–Smirnov distance " <Readout name="limits.ks" value=ks digits=4/>
                            "; acceptance rate " <Readout name="limits.accept" value=accept digits=3/> "."</p>
                        <p class="hint" hidden=move || params.get().landscape != Landscape::DoubleWell>
                            "Two peaks mix slowly: the chain crosses the valley between them rarely, so for a long time one peak "
                            "holds more than its share (the variance, measured about the known mean 0, is not fooled by that; "
                            "the Kolmogorov–Smirnov distance is). A larger s crosses more often."</p>
                    </div>
                </div>
            </div>
            <fieldset class="limits-controls">
                <legend>"The chain in (b); β also sets Kimura's curve in (a)"</legend>
                <label>"Acceptance "
                    <select name="rule" prop:value=move || params.get().rule.key().to_string()
                        on:change=move |ev| { let r = Rule::from_key(&event_target_value(&ev)).unwrap_or(Rule::Logistic); commit(&|p| p.rule = r) }>
                        {rule_options}
                    </select>
                </label>
                <label>"Landscape "
                    <select name="landscape" prop:value=move || params.get().landscape.key().to_string()
                        on:change=move |ev| { let l = Landscape::from_key(&event_target_value(&ev)).unwrap_or_default(); commit(&|p| p.landscape = l) }>
                        <option value="quadratic">"f = −x²/2"</option>
                        <option value="double-well">"double peak f = −(x² − 1)²/32"</option>
                    </select>
                </label>
                {number_field(FieldSpec { label: "Inverse temperature β", name: "beta", min: MIN_BETA, max: MAX_BETA, step: "any" }, move || params.get().beta, move |v| commit(&|p| p.beta = v), message)}
                {number_field(FieldSpec { label: "Mutation size s", name: "sigma", min: MIN_SIGMA, max: MAX_SIGMA, step: "any" }, move || params.get().sigma, move |v| commit(&|p| p.sigma = v), message)}
            </fieldset>
            <figcaption>
                "(a) The gradient-dependent learning rate of the section on it, divided by its small-step value, for the four matched rules; "
                "the heavier curve is the rule chosen for (b). (b) One KEEP chain (a rejected mutant leaves the parent) on a one-dimensional f, run in this page; "
                "bars are the share of generations spent at each x, the dashed curve the density ∝ e"<sup>"βf"</sup>". "
                <strong>"What to notice: "</strong>
                "every curve in (a) reaches 1 as a → 0, where selection's mean step is exactly k_loop·∇f; and the histogram settles onto "
                "the Gibbs density for logistic, Metropolis and Kimura acceptance, whose forward/reverse ratio P(Δ)/P(−Δ) is e"<sup>"βΔ"</sup>" — probit's is not, and its spread settles too narrow (" <a href="#appendix-stationary">"appendix"</a> ")."
            </figcaption>
        </figure>
    }
}
