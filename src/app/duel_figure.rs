//! The centrepiece: mini-batch SGD and selection side by side on the same problem,
//! from the same seed, on the same clock.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::browser::{
    device_pixel_ratio, document_hidden, fresh_seed, now_ms, prefers_dark, prefers_reduced_motion, replace_query,
};
use super::fields::{input_value, number_field, reset_input, FieldSpec};
use super::readout::{fmt, Readout};
use super::share;
use super::ticker::Ticker;
use crate::charts::duel::{chart_name, DuelPainter, Layers, Model, View, CHARTS};
use crate::charts::Palette;
use crate::sim::duel::{AcceptanceKind, Duel, DuelParams, MutationShape, RuleKind};
use crate::sim::ZDistribution;
use crate::url_state::{preset, range, to_query, PageState, FORMAT_VERSION, PRESETS};

/// Steps per second the speed slider offers; the last is "as fast as the machine allows".
pub const SPEEDS: [f64; 11] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, f64::INFINITY];
/// The slider's starting position (50 steps a second).
pub const DEFAULT_SPEED: usize = 5;
/// Milliseconds of simulation work allowed per frame, so the page stays responsive.
pub const FRAME_BUDGET_MS: f64 = 9.0;

/// What the readouts show, taken once per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Steps on the shared clock.
    pub step: u64,
    /// SGD's r of (Δu, Δv) and its 99.9 % interval.
    pub sgd: Option<(f64, f64, f64)>,
    /// Selection's r and interval.
    pub sel: Option<(f64, f64, f64)>,
    /// Fraction of candidates accepted.
    pub accept: Option<f64>,
    /// Mean rejected candidates per step.
    pub rejected_per_step: Option<f64>,
    /// Selection steps that moved.
    pub moved: u64,
    /// The step at which SGD diverged.
    pub sgd_diverged: Option<u64>,
    /// The step at which selection diverged.
    pub sel_diverged: Option<u64>,
    /// LOOP steps that hit the cap.
    pub capped: u64,
    /// SGD's theoretical correlation.
    pub sgd_theory: f64,
}

impl Snapshot {
    /// Reads the readouts off a duel.
    pub fn of(d: &Duel) -> Self {
        Self {
            step: d.steps(),
            sgd: d.sgd_record.correlation(),
            sel: d.sel_record.correlation(),
            accept: d.acceptance_rate(),
            rejected_per_step: d.rejected_per_step(),
            moved: d.sel_record.hidden.count(),
            sgd_diverged: d.sgd_record.diverged.as_ref().map(|x| x.step),
            sel_diverged: d.sel_record.diverged.as_ref().map(|x| x.step),
            capped: d.capped_steps,
            sgd_theory: d.theory_correlations().0,
        }
    }
}

#[derive(Clone, Copy)]
struct ChartRefs {
    base: NodeRef<html::Canvas>,
    trail: NodeRef<html::Canvas>,
    overlay: NodeRef<html::Canvas>,
}

fn collect_layers(refs: &[ChartRefs; 6]) -> Option<[Layers; 6]> {
    let mut out: Vec<Layers> = Vec::with_capacity(6);
    for r in refs {
        out.push(Layers {
            base: r.base.get_untracked()?,
            trail: r.trail.get_untracked()?,
            overlay: r.overlay.get_untracked()?,
        });
    }
    out.try_into().ok()
}

fn view_label(view: View) -> &'static str {
    match view {
        View::Active => "active plane (a, b): loss contours and path",
        View::Hidden => "hidden plane (u, v): path",
        View::Steps => "hidden steps (Δu, Δv)",
    }
}

fn model_label(model: Model) -> &'static str {
    match model {
        Model::Sgd => "Mini-batch SGD",
        Model::Selection => "Selection",
    }
}

/// The centrepiece figure (`<figure id="duel">`).
#[component]
pub fn DuelFigure(
    /// Where to start: parameters, seed, and steps to replay.
    state: PageState,
    /// A signal to publish the readouts on, for live numbers elsewhere on the page.
    #[prop(optional)]
    live: Option<RwSignal<Snapshot>>,
) -> impl IntoView {
    let mut first =
        Duel::new(state.params).unwrap_or_else(|_| Duel::new(DuelParams::default()).expect("defaults are valid"));
    if let Some(t) = state.t {
        let _ = first.advance(t);
    }
    let params = RwSignal::new(*first.params());
    let snapshot = live.unwrap_or_else(|| RwSignal::new(Snapshot::default()));
    snapshot.set(Snapshot::of(&first));
    let sim = StoredValue::new_local(first);
    let painter = StoredValue::new_local(DuelPainter::default());
    let playing = RwSignal::new(state.t.is_none() && !prefers_reduced_motion());
    let speed = RwSignal::new(DEFAULT_SPEED);
    let message = RwSignal::new(None::<String>);
    let shared = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<bool>);
    let embed = StoredValue::new(state.embed.clone());
    let refs: [ChartRefs; 6] =
        std::array::from_fn(|_| ChartRefs { base: NodeRef::new(), trail: NodeRef::new(), overlay: NodeRef::new() });

    let palette = move || Palette::for_scheme(prefers_dark());
    let report = move |r: Result<(), crate::charts::plane::DrawError>| {
        if let Err(e) = r {
            web_sys::console::error_1(&format!("drawing failed: {}", e.0).into());
        }
    };
    let repaint = move || {
        let Some(layers) = collect_layers(&refs) else { return };
        sim.with_value(|d| painter.update_value(|p| report(p.repaint(d, &layers, &palette(), device_pixel_ratio()))));
    };
    let refresh = move || {
        if let Some(layers) = collect_layers(&refs) {
            sim.with_value(|d| {
                painter.update_value(|p| report(p.update(d, &layers, &palette(), device_pixel_ratio())))
            });
        }
        snapshot.set(sim.with_value(Snapshot::of));
    };
    let write_url = move || {
        let t = (!playing.get_untracked()).then(|| sim.with_value(|d| d.steps()));
        replace_query(&super::figure_state::keep_figure_keys(&to_query(
            &params.get_untracked(),
            t,
            embed.get_value().as_deref(),
        )));
    };
    let restart = move |p: DuelParams| match Duel::new(p) {
        Ok(d) => {
            message.set(None);
            params.set(p);
            sim.set_value(d);
            repaint();
            snapshot.set(sim.with_value(Snapshot::of));
            write_url();
        }
        Err(e) => message.set(Some(format!("Not changed: {e}."))),
    };

    // The animation: a fixed simulation rate decoupled from frames, with a cap on the
    // work per frame; it stops while paused or hidden.
    let last = StoredValue::new_local(0.0f64);
    let carry = StoredValue::new_local(0.0f64);
    let ticker = {
        Ticker::new(move |_| {
            if !playing.get_untracked() || document_hidden() {
                return false;
            }
            let start = now_ms();
            let dt = (start - last.get_value()).clamp(0.0, 100.0);
            last.set_value(start);
            let rate = SPEEDS[speed.get_untracked().min(SPEEDS.len() - 1)];
            let wanted = carry.get_value() + rate * dt / 1000.0;
            let mut done = 0.0;
            let halted = sim.try_update_value(|d| {
                while done + 1.0 <= wanted {
                    d.step();
                    done += 1.0;
                    if (done as u64) % 8 == 0 && now_ms() - start > FRAME_BUDGET_MS {
                        break;
                    }
                }
                d.halted()
            });
            // Carry a fraction to the next frame, never a backlog.
            carry.set_value(if rate.is_finite() { (wanted - done).min(1.0) } else { 0.0 });
            refresh();
            if halted.unwrap_or(true) {
                playing.set(false);
                return false;
            }
            true
        })
    };
    let ticker = StoredValue::new_local(ticker);

    Effect::new(move |_| {
        if playing.get() {
            last.set_value(now_ms());
            carry.set_value(0.0);
            ticker.with_value(Ticker::kick);
        }
        write_url();
    });
    // First paint once the canvases are laid out; then on resize and theme changes.
    Effect::new(move |_| request_animation_frame(repaint));
    let resize = window_event_listener(leptos::ev::resize, move |_| repaint());
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if !document_hidden() && playing.get_untracked() {
            last.set_value(now_ms());
            ticker.with_value(Ticker::kick);
        }
    });
    on_cleanup(move || {
        resize.remove();
        visible.remove();
    });

    let step_once = move |_| {
        playing.set(false);
        sim.update_value(|d| {
            d.step();
        });
        refresh();
        write_url();
    };

    let charts = CHARTS
        .iter()
        .enumerate()
        .map(|(i, (model, view))| {
            let r = refs[i];
            let name = chart_name(*model, *view);
            let cls = if *model == Model::Sgd { "chart sgd" } else { "chart sel" };
            let label = format!("{}: {}", model_label(*model), view_label(*view));
            let row = match view {
                View::Active => 0,
                View::Hidden => 2,
                View::Steps => 4,
            };
            let order = format!("order: {}", row + usize::from(*model == Model::Selection));
            view! {
                <div class=cls style=order>
                    <div class="chart-label">
                        <span class=if *model == Model::Sgd { "key sgd" } else { "key sel" } aria-hidden="true"></span>
                        {label.clone()}
                    </div>
                    <div class="chart-box">
                        <canvas node_ref=r.base data-layer="axes" aria-hidden="true"></canvas>
                        <canvas node_ref=r.trail data-chart=name role="img" aria-label=label></canvas>
                        <canvas node_ref=r.overlay data-layer="overlay" aria-hidden="true"></canvas>
                    </div>
                </div>
            }
        })
        .collect_view();

    let sgd_r = Signal::derive(move || snapshot.get().sgd.map(|x| x.0));
    let sgd_lo = Signal::derive(move || snapshot.get().sgd.map(|x| x.1));
    let sgd_hi = Signal::derive(move || snapshot.get().sgd.map(|x| x.2));
    let sel_r = Signal::derive(move || snapshot.get().sel.map(|x| x.0));
    let sel_lo = Signal::derive(move || snapshot.get().sel.map(|x| x.1));
    let sel_hi = Signal::derive(move || snapshot.get().sel.map(|x| x.2));
    let accept = Signal::derive(move || snapshot.get().accept);
    let rejected = Signal::derive(move || snapshot.get().rejected_per_step);
    let step = Signal::derive(move || Some(snapshot.get().step as f64));
    let sgd_theory = Signal::derive(move || Some(snapshot.get().sgd_theory));

    let commit = move |f: &dyn Fn(&mut DuelParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        restart(p);
    };

    view! {
        <figure id="duel" class="figure duel" aria-labelledby="duel-title">
            <h3 id="duel-title" class="figure-title">"Mini-batch SGD against selection, on the same problem"</h3>
            <div class="toolbar" role="group" aria-label="Run controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>
                    {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                <button type="button" data-action="step" on:click=step_once>"Step"</button>
                <button type="button" data-action="reset" on:click=move |_| restart(params.get_untracked())>"Reset"</button>
                <label class="speed">"Speed "
                    <input type="range" name="speed" min="0" max=SPEEDS.len() - 1 step="1"
                        prop:value=move || speed.get().to_string()
                        aria-valuetext=move || speed_text(speed.get())
                        on:input=move |ev| speed.set(input_value(&ev).parse().unwrap_or(DEFAULT_SPEED))/>
                    <span class="speed-text">{move || speed_text(speed.get())}</span>
                </label>
                <label>"Seed "
                    <input type="text" name="seed" inputmode="numeric" size="12" autocomplete="off"
                        prop:value=move || params.get().seed.to_string()
                        on:change=move |ev| {
                            let raw = input_value(&ev);
                            match raw.trim().parse::<u64>() {
                                Ok(seed) => commit(&|p| p.seed = seed),
                                Err(_) => {
                                    message.set(Some(format!("Not changed: the seed must be a whole number from 0 to {}.", u64::MAX)));
                                    reset_input(&ev, &params.get_untracked().seed.to_string());
                                }
                            }
                        }/>
                </label>
                <button type="button" data-action="new-seed" on:click=move |_| commit(&|p| p.seed = fresh_seed())>"New seed"</button>
                <span class="clock">"step " <Readout name="duel.step" value=step digits=0/></span>
            </div>
            <div class="toolbar share" role="group" aria-label="Scenes, sharing and export">
                <label>"Scene "
                    <select name="preset" on:change=move |ev| {
                        if let Some(p) = preset(&input_value(&ev), params.get_untracked().seed) { restart(p) }
                    }>
                        <option value="">"Choose a scene…"</option>
                        {PRESETS.iter().map(|(id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" data-action="copy-link" on:click=move |_| {
                    write_url();
                    let link = format!("{}{}", share::page_base(), super::browser::location_search());
                    share::copy_text(&link, move |ok| copied.set(Some(ok)));
                    shared.set(Some(link));
                }>"Copy link"</button>
                <button type="button" data-action="copy-embed" on:click=move |_| {
                    let t = (!playing.get_untracked()).then(|| sim.with_value(|d| d.steps()));
                    let q = to_query(&params.get_untracked(), t, Some("duel"));
                    let code = share::embed_snippet(&q, "Mini-batch SGD against selection (interactive figure)");
                    share::copy_text(&code, move |ok| copied.set(Some(ok)));
                    shared.set(Some(code));
                }>"Copy embed code"</button>
                <button type="button" data-action="png" on:click=move |_| share::download_png("duel", palette().background)>"PNG"</button>
                <button type="button" data-action="csv" on:click=move |_| {
                    let p = params.get_untracked();
                    let header = vec![
                        format!("selection-sgd {} (link format {FORMAT_VERSION})", env!("CARGO_PKG_VERSION")),
                        format!("seed {}", p.seed),
                        format!("parameters {}", to_query(&p, Some(sim.with_value(|d| d.steps())), None)),
                        "the toy problem defined in the page's appendix (#appendix-toy); theta0 = (2, -1.5, 0, 0)".to_string(),
                    ];
                    share::download("duel.csv", "text/csv", &sim.with_value(|d| d.to_csv(&header)));
                }>"CSV"</button>
            </div>
            <Show when=move || shared.get().is_some()>
                <p class="shared">
                    <label>{move || match copied.get() {
                            Some(true) => "Copied to the clipboard; it is also here: ",
                            Some(false) => "Your browser did not let the page copy it; select and copy it here: ",
                            None => "Copying… It is also here: ",
                        }}
                        <input type="text" readonly name="shared" prop:value=move || shared.get().unwrap_or_default()
                            on:focus=move |ev| { if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { el.select(); } }/>
                    </label>
                    <button type="button" data-action="close-shared" on:click=move |_| shared.set(None)>"Close"</button>
                </p>
            </Show>
            <p class="status" role="status">{move || message.get()}</p>
            <div class="duel-grid">
                {charts}
                <div class="stats sgd" style="order: 6">
                    <p>"Corr(Δu, Δv): r = " <Readout name="duel.sgd.r" value=sgd_r/>
                        " (99.9 % interval " <Readout name="duel.sgd.r.lo" value=sgd_lo/> " to " <Readout name="duel.sgd.r.hi" value=sgd_hi/> ")"
                        "; theory: " <Readout name="duel.sgd.r.theory" value=sgd_theory digits=0/></p>
                    <p class="warn">{move || snapshot.get().sgd_diverged.map(|s| format!("SGD diverged at step {s}: try a smaller learning rate."))}</p>
                </div>
                <div class="stats sel" style="order: 7">
                    <p>"Corr(Δu, Δv): r = " <Readout name="duel.sel.r" value=sel_r/>
                        " (99.9 % interval " <Readout name="duel.sel.r.lo" value=sel_lo/> " to " <Readout name="duel.sel.r.hi" value=sel_hi/> ")"
                        "; theory: 0"</p>
                    <p>"Acceptance rate " <Readout name="duel.sel.accept" value=accept/>
                        "; rejected candidates per step " <Readout name="duel.sel.rejected" value=rejected digits=2/></p>
                    <p class="warn">{move || {
                        let s = snapshot.get();
                        let mut w = Vec::new();
                        if let Some(t) = s.sel_diverged { w.push(format!("Selection diverged at step {t}.")); }
                        if s.capped > 0 { w.push(format!("{} steps hit the cap of a million candidates without an acceptance.", s.capped)); }
                        w.join(" ")
                    }}</p>
                </div>
            </div>
            <details class="params">
                <summary>"Parameters — changing one restarts both runs"</summary>
                <div class="param-groups">
                    <fieldset>
                        <legend><span class="key sgd" aria-hidden="true"></span>"Mini-batch SGD"</legend>
                        {number_field(FieldSpec { label: "Batch size B", name: "batch", min: 1.0, max: 4096.0, step: "1" }, move || params.get().batch as f64, move |v| commit(&|p| p.batch = v.round().clamp(1.0, 4096.0) as u64), message)}
                        {number_field(FieldSpec { label: "Learning rate η", name: "lr", min: range::LR.0, max: range::LR.1, step: "any" }, move || params.get().lr, move |v| commit(&|p| p.lr = v), message)}
                        {number_field(FieldSpec { label: "Correlation ρ of the hidden gradients", name: "rho", min: range::RHO.0, max: range::RHO.1, step: "any" }, move || params.get().rho, move |v| commit(&|p| p.rho = v), message)}
                        <label>"Hidden factor z "
                            <select name="z" prop:value=move || (if params.get().z == ZDistribution::Rademacher { "rademacher" } else { "gaussian" }).to_string()
                                on:change=move |ev| { let g = input_value(&ev) == "gaussian"; commit(&|p| p.z = if g { ZDistribution::Gaussian } else { ZDistribution::Rademacher }) }>
                                <option value="rademacher">"Rademacher (±1)"</option>
                                <option value="gaussian">"Gaussian"</option>
                            </select>
                        </label>
                    </fieldset>
                    <fieldset>
                        <legend><span class="key sel" aria-hidden="true"></span>"Selection"</legend>
                        <label>"Mutation "
                            <select name="mutation" prop:value=move || (if params.get().mutation == MutationShape::Gaussian { "gaussian" } else { "ball" }).to_string()
                                on:change=move |ev| { let b = input_value(&ev) == "ball"; commit(&|p| p.mutation = if b { MutationShape::Ball } else { MutationShape::Gaussian }) }>
                                <option value="gaussian">"Gaussian"</option>
                                <option value="ball">"Uniform in a ball"</option>
                            </select>
                        </label>
                        {number_field(FieldSpec { label: "Mutation size s (per coordinate)", name: "sigma", min: range::SIGMA.0, max: range::SIGMA.1, step: "any" }, move || params.get().sigma, move |v| commit(&|p| p.sigma = v), message)}
                        <label>"Acceptance "
                            <select name="acceptance" prop:value=move || acceptance_name(params.get().acceptance).to_string()
                                on:change=move |ev| { let a = parse_acceptance(&input_value(&ev)); commit(&|p| p.acceptance = a) }>
                                <option value="logistic">"Logistic (Fermi)"</option>
                                <option value="metropolis">"Metropolis"</option>
                                <option value="probit">"Probit"</option>
                                <option value="kimura">"Kimura fixation"</option>
                            </select>
                        </label>
                        <div hidden=move || params.get().acceptance == AcceptanceKind::Kimura>
                            {number_field(FieldSpec { label: "Inverse temperature β", name: "beta", min: range::BETA.0, max: range::BETA.1, step: "any" }, move || params.get().beta, move |v| commit(&|p| p.beta = v), message)}
                        </div>
                        <div hidden=move || params.get().acceptance != AcceptanceKind::Kimura>
                            {number_field(FieldSpec { label: "Population N", name: "population", min: range::POPULATION.0, max: range::POPULATION.1, step: "any" }, move || params.get().population, move |v| commit(&|p| p.population = v), message)}
                        </div>
                        <label>"Rule "
                            <select name="rule" prop:value=move || (if params.get().rule == RuleKind::Loop { "loop" } else { "keep" }).to_string()
                                on:change=move |ev| { let k = input_value(&ev) == "keep"; commit(&|p| p.rule = if k { RuleKind::Keep } else { RuleKind::Loop }) }>
                                <option value="loop">"LOOP: retry until accepted"</option>
                                <option value="keep">"KEEP: a rejected mutant leaves the parent"</option>
                            </select>
                        </label>
                        <button type="button" data-action="match" on:click=move |_| {
                            let (s, b) = params.get_untracked().matched_to_sgd();
                            commit(&|p| { p.sigma = s; p.beta = b; p.mutation = MutationShape::Gaussian; p.acceptance = AcceptanceKind::Logistic; })
                        }>"Match to SGD (s = η/√B, β = 2η/s²)"</button>
                    </fieldset>
                </div>
                <button type="button" data-action="defaults" on:click=move |_| restart(DuelParams { seed: params.get_untracked().seed, ..DuelParams::default() })>"Reset to defaults"</button>
            </details>
            <figcaption>
                "Both models start at θ₀ = (2, −1.5, 0, 0) and share a seed and a clock. The loss depends only on a and b; "
                "u and v have zero true gradient, but every example's gradient moves them together. "
                <strong>"What to notice: "</strong>
                "SGD's hidden path stays on the dashed line and its steps (Δu, Δv) lie on a line, r = "
                {move || fmt(snapshot.get().sgd.map(|x| x.0), 3)}
                "; selection's hidden path fills a disc and its steps form a round cloud, r = "
                {move || fmt(snapshot.get().sel.map(|x| x.0), 3)}
                ". Dashed curves are theory: mean paths, and 2-standard-deviation ellipses. With ±1 data SGD's step can take only B + 1 values, so at B = 4 its (Δu, Δv) cloud is five dots on the line."
            </figcaption>
        </figure>
    }
}

fn speed_text(i: usize) -> String {
    match SPEEDS.get(i) {
        Some(s) if s.is_finite() => format!("{s} steps/s"),
        _ => "as fast as possible".into(),
    }
}

fn acceptance_name(a: AcceptanceKind) -> &'static str {
    match a {
        AcceptanceKind::Logistic => "logistic",
        AcceptanceKind::Metropolis => "metropolis",
        AcceptanceKind::Probit => "probit",
        AcceptanceKind::Kimura => "kimura",
    }
}

fn parse_acceptance(s: &str) -> AcceptanceKind {
    match s {
        "metropolis" => AcceptanceKind::Metropolis,
        "probit" => AcceptanceKind::Probit,
        "kimura" => AcceptanceKind::Kimura,
        _ => AcceptanceKind::Logistic,
    }
}
