//! Figure `minibatch` (section 2): one mini-batch of per-example gradients on the toy
//! problem and their average (spec §B). Active coordinates scatter around the true
//! gradient; hidden ones lie on a line through the origin.

use leptos::html;
use leptos::prelude::*;

use crate::app::anim::use_animation;
use crate::app::browser::{prefers_dark, prefers_reduced_motion};
use crate::app::plot::{context2d, paint_base, Plot, PlotRefs};
use crate::app::readout::Readout;
use crate::charts::layer::{self, Marker};
use crate::charts::plane::{Axes, Curve};
use crate::charts::{Frame, Palette};
use crate::sim::demos::draw_batch;
use crate::sim::problem::{ToyParams, ToyProblem, DEFAULT_START};
use crate::sim::stats::{RunningCorrelation, RunningMean};
use crate::sim::{rng_for, SimRng, ZDistribution};

const SEED: u64 = 2;
/// Animation frames between batches while playing (about three a second).
const FRAMES_PER_BATCH: u32 = 20;
/// Batch means kept for drawing.
const MEANS_KEPT: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    batch: usize,
    rho: f64,
    z: ZDistribution,
}

impl Default for Settings {
    fn default() -> Self {
        Self { batch: 8, rho: 1.0, z: ZDistribution::Rademacher }
    }
}

struct State {
    problem: Option<ToyProblem>,
    rng: SimRng,
    batch: Vec<[f64; 4]>,
    means: Vec<[f64; 4]>,
    error2: RunningMean,
    hidden: RunningCorrelation,
    frames: u32,
}

impl State {
    fn new(s: Settings) -> Self {
        Self {
            problem: ToyProblem::new(ToyParams { rho: s.rho, z: s.z, ..ToyParams::default() }).ok(),
            rng: rng_for(SEED, 0),
            batch: Vec::new(),
            means: Vec::new(),
            error2: RunningMean::new(),
            hidden: RunningCorrelation::new(),
            frames: 0,
        }
    }

    fn draw(&mut self, batch: usize) {
        let Some(p) = self.problem else { return };
        let (grads, mean) = draw_batch(&p, &DEFAULT_START, batch, &mut self.rng);
        let truth = true_gradient(&p);
        self.error2.push((mean[0] - truth[0]).powi(2) + (mean[1] - truth[1]).powi(2));
        for g in &grads {
            self.hidden.push(g[2], g[3]);
        }
        self.batch = grads;
        if self.means.len() >= MEANS_KEPT {
            self.means.remove(0);
        }
        self.means.push(mean);
    }
}

fn true_gradient(p: &ToyProblem) -> [f64; 2] {
    let q = p.params();
    [q.h_a * DEFAULT_START[0], q.h_b * DEFAULT_START[1]]
}

/// Figure `minibatch`.
#[component]
pub fn MinibatchFigure() -> impl IntoView {
    let initial = Settings {
        batch: crate::app::figure_state::number("minibatch", "batch", 1.0, 256.0)
            .map_or(8, |b| 1usize << (b.log2().round() as u32).min(8)),
        rho: crate::app::figure_state::number("minibatch", "rho", -1.0, 1.0).unwrap_or(1.0),
        z: if crate::app::figure_state::choice("minibatch", "z", &["gaussian"]).is_some() {
            ZDistribution::Gaussian
        } else {
            ZDistribution::Rademacher
        },
    };
    let settings = RwSignal::new(initial);
    let state = StoredValue::new_local(State::new(initial));
    let version = RwSignal::new(0u64);
    let active = PlotRefs::new();
    let hidden = PlotRefs::new();
    let frames = StoredValue::new_local((None::<Frame>, None::<Frame>));
    let fig = NodeRef::<html::Figure>::new();
    let playing = RwSignal::new(!prefers_reduced_motion());

    let paint_all = move || {
        let p = Palette::for_scheme(prefers_dark());
        let truth = true_gradient(&crate::sim::run::default_problem());
        let r = 1.6;
        let a = paint_base(
            &active,
            &Axes {
                x: (truth[0] - r, truth[0] + r),
                y: (truth[1] - r, truth[1] + r),
                x_label: "∂ℓ/∂a",
                y_label: "∂ℓ/∂b",
            },
            &[],
        );
        let line = Curve { points: vec![(-3.0, -1.5), (3.0, 1.5)], color: p.faint, dashed: true, width: 1.0 };
        let h =
            paint_base(&hidden, &Axes { x: (-3.0, 3.0), y: (-3.0, 3.0), x_label: "∂ℓ/∂u", y_label: "∂ℓ/∂v" }, &[line]);
        frames.set_value((a, h));
    };
    let draw = move || {
        let p = Palette::for_scheme(prefers_dark());
        let (fa, fh) = frames.get_value();
        state.with_value(|st| {
            let Some(problem) = st.problem else { return };
            let truth = true_gradient(&problem);
            for (refs, frame, ix, iy) in [(active, fa, 0, 1), (hidden, fh, 2, 3)] {
                let (Some(f), Some(l)) = (frame, refs.layers()) else { continue };
                if let Some(ctx) = context2d(&l.trail) {
                    layer::clear(&ctx);
                    ctx.set_global_alpha(0.35);
                    layer::markers(&ctx, &f, st.means.iter().map(|m| (m[ix], m[iy])), Marker::Dot, p.sgd, 3.0);
                    ctx.set_global_alpha(0.8);
                    layer::markers(&ctx, &f, st.batch.iter().map(|g| (g[ix], g[iy])), Marker::Square, p.sgd, 6.0);
                    ctx.set_global_alpha(1.0);
                }
                if let Some(ctx) = context2d(&l.overlay) {
                    layer::clear(&ctx);
                    let (tx, ty) = if ix == 0 { (truth[0], truth[1]) } else { (0.0, 0.0) };
                    layer::markers(&ctx, &f, std::iter::once((tx, ty)), Marker::Cross, p.theory, 14.0);
                    if let Some(m) = st.means.last() {
                        layer::ring(&ctx, &f, m[ix], m[iy], p.sgd, p.ink);
                    }
                }
            }
        });
    };
    let restart = move |s: Settings| {
        settings.set(s);
        crate::app::figure_state::write(
            "minibatch",
            &[
                ("batch", s.batch.to_string()),
                ("rho", s.rho.to_string()),
                ("z", (if s.z == ZDistribution::Gaussian { "gaussian" } else { "rademacher" }).to_string()),
            ],
        );
        state.set_value(State::new(s));
        state.update_value(|st| st.draw(s.batch));
        version.update(|v| *v += 1);
        draw();
    };
    let new_batch = move || {
        let b = settings.get_untracked().batch;
        state.update_value(|st| st.draw(b));
        version.update(|v| *v += 1);
        draw();
    };
    use_animation(fig, playing, move || {
        let due = state.try_update_value(|st| {
            st.frames += 1;
            st.frames % FRAMES_PER_BATCH == 0
        });
        if due == Some(true) {
            new_batch();
        }
        true
    });
    Effect::new(move |_| {
        request_animation_frame(move || {
            state.update_value(|st| {
                if st.means.is_empty() {
                    st.draw(settings.get_untracked().batch);
                }
            });
            version.update(|v| *v += 1);
            paint_all();
            draw();
        })
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        paint_all();
        draw();
    });
    on_cleanup(move || resize.remove());

    let read = move |f: fn(&State, &Settings) -> Option<f64>| {
        Signal::derive(move || {
            version.get();
            let s = settings.get();
            state.with_value(|st| f(st, &s))
        })
    };
    let batches = read(|st, _| Some(st.error2.count() as f64));
    let rms = read(|st, _| st.error2.mean().map(f64::sqrt));
    let rms_theory = read(|st, s| st.problem.map(|p| p.params().s_xi * (2.0 / s.batch as f64).sqrt()));
    let hidden_r = read(|st, _| st.hidden.correlation());
    let rho = Signal::derive(move || Some(settings.get().rho));
    let batch_exp = move || (settings.get().batch as f64).log2().round().to_string();

    view! {
        <figure id="minibatch" class="figure" node_ref=fig aria-labelledby="minibatch-title">
            <h3 id="minibatch-title" class="figure-title">"One mini-batch: per-example gradients and their average"</h3>
            <div class="toolbar" role="group" aria-label="Controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <button type="button" data-action="step" on:click=move |_| { playing.set(false); new_batch(); }>"New batch"</button>
                <label>"Batch size B "
                    <input type="range" name="batch" min="0" max="8" step="1" prop:value=batch_exp
                        on:input=move |ev| {
                            if let Ok(e) = event_target_value(&ev).parse::<u32>() {
                                restart(Settings { batch: 1usize << e.min(8), ..settings.get_untracked() });
                            }
                        }/>
                    <span class="value">{move || settings.get().batch}</span>
                </label>
                <label>"ρ "
                    <input type="range" name="rho" min="-1" max="1" step="0.05" prop:value=move || settings.get().rho.to_string()
                        on:input=move |ev| {
                            if let Ok(r) = event_target_value(&ev).parse::<f64>() {
                                restart(Settings { rho: r.clamp(-1.0, 1.0), ..settings.get_untracked() });
                            }
                        }/>
                    <span class="value">{move || format!("{:.2}", settings.get().rho)}</span>
                </label>
                <label>"z "
                    <select name="z" on:change=move |ev| {
                        let z = if event_target_value(&ev) == "gaussian" { ZDistribution::Gaussian } else { ZDistribution::Rademacher };
                        restart(Settings { z, ..settings.get_untracked() });
                    } prop:value=move || (if settings.get().z == ZDistribution::Gaussian { "gaussian" } else { "rademacher" }).to_string()>
                        <option value="rademacher">"Rademacher (±1)"</option>
                        <option value="gaussian">"Gaussian"</option>
                    </select>
                </label>
                <button type="button" data-action="reset" on:click=move |_| restart(Settings::default())>"Reset to defaults"</button>
            </div>
            <div class="pair">
                <Plot refs=active name="minibatch-active" class="sgd" label="Active coordinates: per-example gradients (squares), their average (ring), the true gradient (black cross), earlier averages (dots)".to_string()/>
                <Plot refs=hidden name="minibatch-hidden" class="sgd" label="Hidden coordinates: per-example gradients and their average; the true gradient is zero".to_string()/>
            </div>
            <div class="stats">
                <p>"Batches drawn " <Readout name="minibatch.batches" value=batches digits=0/>
                   "; root-mean-square error of the average " <Readout name="minibatch.rms" value=rms/>
                   " (theory s_ξ·√(2/B) = " <Readout name="minibatch.rms.theory" value=rms_theory/> ")."</p>
                <p>"Correlation of per-example (∂ℓ/∂u, ∂ℓ/∂v): " <Readout name="minibatch.hidden_r" value=hidden_r/>
                   " (theory ρ = " <Readout name="minibatch.rho" value=rho digits=2/> ")."</p>
            </div>
            <figcaption>
                "The toy problem at θ₀ = (2, −1.5, 0, 0). "
                <strong>"What to notice: "</strong>
                "a bigger batch pulls the average towards the true gradient (error ∝ 1/√B), but in the hidden plane every example, and so every average, lies on the same line when ρ = 1: averaging shrinks the noise without changing its shape."
            </figcaption>
        </figure>
    }
}
