//! Figure `ghosts` (section 5): the rejected candidates behind each step, LOOP against
//! KEEP on the same candidates (spec §A: LOOP is KEEP with the rejections skipped).

use leptos::html;
use leptos::prelude::*;

use crate::app::anim::use_animation;
use crate::app::browser::{now_ms, prefers_dark, prefers_reduced_motion};
use crate::app::plot::{context2d, paint_base, Plot, PlotRefs};
use crate::app::readout::Readout;
use crate::charts::layer::{self, Marker};
use crate::charts::plane::{contour, Axes, Curve};
use crate::charts::{Frame, Palette};
use crate::sim::demos::{Bowl, GhostWalk};
use crate::sim::rng_for;
use crate::sim::selection::{Acceptance, Mutation, Selection, StepRule};

const SEED: u64 = 5;
const BOWL: Bowl = Bowl { h: [1.0, 0.25] };
const START: [f64; 2] = [2.0, -1.5];
const HALF: f64 = 2.5;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    sigma: f64,
    beta: f64,
    rate: f64,
}

impl Default for Settings {
    fn default() -> Self {
        // Mutations large enough to see around the parent at this scale.
        Self { sigma: 0.3, beta: 10.0, rate: 4.0 }
    }
}

fn walks(s: Settings) -> Option<(GhostWalk, GhostWalk)> {
    let make =
        |rule| Selection::new(Mutation::Gaussian { sigma: s.sigma }, Acceptance::Logistic { beta: s.beta }, rule).ok();
    // The same stream for both: KEEP sees exactly LOOP's candidates.
    Some((
        GhostWalk::new(make(StepRule::Loop { cap: 100_000 })?, BOWL, START, rng_for(SEED, 0)),
        GhostWalk::new(make(StepRule::Keep)?, BOWL, START, rng_for(SEED, 0)),
    ))
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Numbers {
    steps: u64,
    loop_accept: Option<f64>,
    loop_rejected: Option<f64>,
    keep_accept: Option<f64>,
    loop_loss: f64,
    keep_loss: f64,
    loop_candidates: u64,
}

fn numbers(w: &(GhostWalk, GhostWalk)) -> Numbers {
    let (l, k) = w;
    Numbers {
        steps: l.steps,
        loop_accept: (l.candidates > 0).then(|| l.accepted as f64 / l.candidates as f64),
        loop_rejected: (l.steps > 0).then(|| (l.candidates - l.accepted) as f64 / l.steps as f64),
        keep_accept: (k.candidates > 0).then(|| k.accepted as f64 / k.candidates as f64),
        loop_loss: l.loss(),
        keep_loss: k.loss(),
        loop_candidates: l.candidates,
    }
}

/// Figure `ghosts`.
#[component]
pub fn GhostsFigure() -> impl IntoView {
    let initial = Settings {
        sigma: crate::app::figure_state::number("ghosts", "sigma", 0.01, 1.0).unwrap_or(Settings::default().sigma),
        beta: crate::app::figure_state::number("ghosts", "beta", 0.1, 1000.0).unwrap_or(Settings::default().beta),
        rate: crate::app::figure_state::number("ghosts", "rate", 0.5, 60.0).unwrap_or(Settings::default().rate),
    };
    let settings = RwSignal::new(initial);
    let state = StoredValue::new_local(walks(initial));
    let shown = RwSignal::new(Numbers::default());
    let refs = [PlotRefs::new(), PlotRefs::new()];
    let frames = StoredValue::new_local([None::<Frame>; 2]);
    let fig = NodeRef::<html::Figure>::new();
    let playing = RwSignal::new(!prefers_reduced_motion());
    let last = StoredValue::new_local(0.0f64);
    let carry = StoredValue::new_local(0.0f64);

    let paint_all = move || {
        let p = Palette::for_scheme(prefers_dark());
        let curves: Vec<Curve> = [0.05, 0.25, 0.6, 1.1, 1.8, 2.7]
            .iter()
            .map(|l| Curve { points: contour((BOWL.h[0], BOWL.h[1]), *l), color: p.faint, dashed: false, width: 1.0 })
            .collect();
        let axes = Axes { x: (-HALF, HALF), y: (-HALF, HALF), x_label: "a", y_label: "b" };
        frames.set_value([paint_base(&refs[0], &axes, &curves), paint_base(&refs[1], &axes, &curves)]);
    };
    let draw = move || {
        let p = Palette::for_scheme(prefers_dark());
        let fr = frames.get_value();
        state.with_value(|w| {
            let Some((l, k)) = w else { return };
            for (i, walk) in [l, k].into_iter().enumerate() {
                let (Some(f), Some(layers)) = (fr[i], refs[i].layers()) else { continue };
                if let Some(ctx) = context2d(&layers.trail) {
                    layer::clear(&ctx);
                    layer::polyline(&ctx, &f, walk.path.iter().map(|x| (x[0], x[1])), p.selection, 1.25);
                }
                if let Some(ctx) = context2d(&layers.overlay) {
                    layer::clear(&ctx);
                    let o = walk.parent;
                    let ghosts = walk.latest.iter().filter(|c| !c.1).map(|c| (o[0] + c.0[0], o[1] + c.0[1]));
                    layer::markers(&ctx, &f, ghosts, Marker::Dot, p.ghost, 5.0);
                    let kept = walk.latest.iter().filter(|c| c.1).map(|c| (o[0] + c.0[0], o[1] + c.0[1]));
                    layer::markers(&ctx, &f, kept, Marker::Cross, p.selection, 9.0);
                    layer::ring(&ctx, &f, walk.theta[0], walk.theta[1], p.selection, p.ink);
                }
            }
        });
    };
    let restart = move |s: Settings| {
        settings.set(s);
        crate::app::figure_state::write(
            "ghosts",
            &[("sigma", s.sigma.to_string()), ("beta", s.beta.to_string()), ("rate", s.rate.to_string())],
        );
        state.set_value(walks(s));
        shown.set(state.with_value(|w| w.as_ref().map(numbers).unwrap_or_default()));
        draw();
    };
    let step = move || {
        state.update_value(|w| {
            if let Some((l, k)) = w {
                l.step();
                k.step();
            }
        });
        shown.set(state.with_value(|w| w.as_ref().map(numbers).unwrap_or_default()));
    };
    use_animation(fig, playing, move || {
        let now = now_ms();
        let dt = (now - last.get_value()).clamp(0.0, 100.0);
        last.set_value(now);
        let want = carry.get_value() + settings.get_untracked().rate * dt / 1000.0;
        let n = want.floor();
        carry.set_value((want - n).min(1.0));
        for _ in 0..(n as u32).min(50) {
            step();
        }
        if n >= 1.0 {
            draw();
        }
        true
    });
    Effect::new(move |_| {
        if playing.get() {
            last.set_value(now_ms());
        }
    });
    Effect::new(move |_| {
        request_animation_frame(move || {
            shown.set(state.with_value(|w| w.as_ref().map(numbers).unwrap_or_default()));
            paint_all();
            draw();
        })
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        paint_all();
        draw();
    });
    on_cleanup(move || resize.remove());

    let num = move |f: fn(&Numbers) -> Option<f64>| Signal::derive(move || f(&shown.get()));
    let field = move |label: &'static str,
                      name: &'static str,
                      min: f64,
                      max: f64,
                      get: fn(&Settings) -> f64,
                      set: fn(&mut Settings, f64)| {
        view! {
            <label>{label} " "
                <input type="number" name=name min=min max=max step="any" prop:value=move || get(&settings.get()).to_string()
                    on:change=move |ev| {
                        match event_target_value(&ev).parse::<f64>() {
                            Ok(v) if v.is_finite() => {
                                let mut s = settings.get_untracked();
                                set(&mut s, v.clamp(min, max));
                                restart(s);
                            }
                            _ => restart(settings.get_untracked()),
                        }
                    }/>
            </label>
        }
    };

    view! {
        <figure id="ghosts" class="figure" node_ref=fig aria-labelledby="ghosts-title">
            <h3 id="ghosts-title" class="figure-title">"Ghost candidates: LOOP against KEEP"</h3>
            <div class="toolbar" role="group" aria-label="Controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <button type="button" data-action="step" on:click=move |_| { playing.set(false); step(); draw(); }>"Step"</button>
                {field("Mutation size s", "sigma", 0.01, 1.0, |s| s.sigma, |s, v| s.sigma = v)}
                {field("β", "beta", 0.1, 1000.0, |s| s.beta, |s, v| s.beta = v)}
                {field("Steps per second", "rate", 0.5, 60.0, |s| s.rate, |s, v| s.rate = v)}
                <button type="button" data-action="reset" on:click=move |_| restart(Settings::default())>"Reset to defaults"</button>
            </div>
            <div class="pair">
                <Plot refs=refs[0] name="ghosts-loop" class="sel" label="LOOP: the latest step's rejected candidates (grey dots) and the accepted one (cross)".to_string()/>
                <Plot refs=refs[1] name="ghosts-keep" class="sel" label="KEEP: one candidate per generation; a rejected one leaves the parent in place".to_string()/>
            </div>
            <div class="stats">
                <p>"Generations " <Readout name="ghosts.steps" value=num(|n| Some(n.steps as f64)) digits=0/>
                   ". LOOP: acceptance rate " <Readout name="ghosts.loop.accept" value=num(|n| n.loop_accept)/>
                   ", rejected candidates per step " <Readout name="ghosts.loop.rejected" value=num(|n| n.loop_rejected) digits=2/>
                   ", candidates in all " <Readout name="ghosts.loop.candidates" value=num(|n| Some(n.loop_candidates as f64)) digits=0/>
                   ", loss " <Readout name="ghosts.loop.loss" value=num(|n| Some(n.loop_loss))/> "."</p>
                <p>"KEEP: acceptance rate " <Readout name="ghosts.keep.accept" value=num(|n| n.keep_accept)/>
                   ", loss " <Readout name="ghosts.keep.loss" value=num(|n| Some(n.keep_loss))/> "."</p>
            </div>
            <figcaption>
                "Both rules draw the very same candidates, from the same seed, on f = −(a² + b²/4)/2 with logistic acceptance. "
                <strong>"What to notice: "</strong>
                "LOOP takes an accepted step every generation by discarding the grey ghosts; KEEP counts each ghost as a generation in which nothing happens, so it follows the same path more slowly."
            </figcaption>
        </figure>
    }
}
