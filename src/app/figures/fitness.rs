//! Figure `fitness` (section 8): descendants per parent. In the model every parent has
//! exactly one, whatever its f; in a Wright–Fisher population the expected number is
//! proportional to fitness (spec §D, "Fitness").

use leptos::html;
use leptos::prelude::*;

use crate::app::anim::use_animation;
use crate::app::browser::{prefers_dark, prefers_reduced_motion};
use crate::app::plot::{context2d, paint_base, Plot, PlotRefs};
use crate::app::readout::Readout;
use crate::charts::layer::{self, Marker};
use crate::charts::plane::{Axes, Curve};
use crate::charts::{Frame, Palette};
use crate::sim::demos::{slope_of, wright_fisher_offspring};
use crate::sim::stats::RunningMean;
use crate::sim::{rng_for, SimRng};

const SEED: u64 = 8;
/// Population size.
const N: usize = 200;
const Y_MAX: f64 = 3.0;

struct State {
    f: Vec<f64>,
    weights: Vec<f64>,
    wf: Vec<RunningMean>,
    model: Vec<RunningMean>,
    rng: SimRng,
    generations: u64,
}

impl State {
    fn new(strength: f64) -> Self {
        // f spread evenly over [−1, 1]; Wright–Fisher fitness w = e^{strength·f}.
        let f: Vec<f64> = (0..N).map(|i| -1.0 + 2.0 * (i as f64 + 0.5) / N as f64).collect();
        let weights = f.iter().map(|x| crate::sim::maths::exp(strength * x)).collect();
        Self {
            f,
            weights,
            wf: vec![RunningMean::new(); N],
            model: vec![RunningMean::new(); N],
            rng: rng_for(SEED, 0),
            generations: 0,
        }
    }

    fn generation(&mut self) {
        if let Some(counts) = wright_fisher_offspring(&self.weights, &mut self.rng) {
            for (m, c) in self.wf.iter_mut().zip(counts) {
                m.push(f64::from(c));
            }
        }
        // The model: each parent's one accepted mutant is its one descendant.
        for m in &mut self.model {
            m.push(1.0);
        }
        self.generations += 1;
    }

    fn expected_wf(&self) -> Vec<f64> {
        let mean = self.weights.iter().sum::<f64>() / N as f64;
        self.weights.iter().map(|w| w / mean).collect()
    }
}

/// Figure `fitness`.
#[component]
pub fn FitnessFigure() -> impl IntoView {
    let initial = crate::app::figure_state::number("fitness", "strength", 0.0, 2.0).unwrap_or(1.0);
    let strength = RwSignal::new(initial);
    let state = StoredValue::new_local(State::new(initial));
    let version = RwSignal::new(0u64);
    let refs = PlotRefs::new();
    let frame = StoredValue::new_local(None::<Frame>);
    let fig = NodeRef::<html::Figure>::new();
    let playing = RwSignal::new(!prefers_reduced_motion());

    let paint_all = move || {
        let p = Palette::for_scheme(prefers_dark());
        let curve = state.with_value(|s| s.f.iter().copied().zip(s.expected_wf()).collect::<Vec<_>>());
        let curves = [Curve { points: curve, color: p.theory, dashed: true, width: 1.5 }];
        frame.set_value(paint_base(
            &refs,
            &Axes { x: (-1.0, 1.0), y: (0.0, Y_MAX), x_label: "f of the parent", y_label: "descendants" },
            &curves,
        ));
    };
    let draw = move || {
        let (Some(f), Some(l)) = (frame.get_value(), refs.layers()) else { return };
        let p = Palette::for_scheme(prefers_dark());
        let Some(ctx) = context2d(&l.trail) else { return };
        layer::clear(&ctx);
        state.with_value(|s| {
            let wf = s.f.iter().zip(&s.wf).filter_map(|(x, m)| m.mean().map(|y| (*x, y)));
            layer::markers(&ctx, &f, wf, Marker::Square, p.ink, 4.0);
            let model = s.f.iter().zip(&s.model).filter_map(|(x, m)| m.mean().map(|y| (*x, y)));
            layer::markers(&ctx, &f, model, Marker::Cross, p.selection, 6.0);
        });
    };
    let restart = move |k: f64| {
        strength.set(k);
        crate::app::figure_state::write("fitness", &[("strength", k.to_string())]);
        state.set_value(State::new(k));
        version.update(|v| *v += 1);
        paint_all();
        draw();
    };
    use_animation(fig, playing, move || {
        state.update_value(|s| {
            for _ in 0..4 {
                s.generation();
            }
        });
        version.update(|v| *v += 1);
        draw();
        true
    });
    Effect::new(move |_| {
        request_animation_frame(move || {
            state.update_value(|s| {
                if s.generations == 0 {
                    s.generation();
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

    let read = move |g: fn(&State) -> Option<f64>| {
        Signal::derive(move || {
            version.get();
            state.with_value(g)
        })
    };
    let generations = read(|s| Some(s.generations as f64));
    let model_mean = read(|s| {
        let m: Vec<f64> = s.model.iter().filter_map(|x| x.mean()).collect();
        (!m.is_empty()).then(|| m.iter().sum::<f64>() / m.len() as f64)
    });
    let model_slope = read(|s| slope_of(&s.f, &s.model.iter().map(|x| x.mean().unwrap_or(0.0)).collect::<Vec<_>>()));
    let wf_slope = read(|s| slope_of(&s.f, &s.wf.iter().map(|x| x.mean().unwrap_or(0.0)).collect::<Vec<_>>()));
    let wf_theory = read(|s| slope_of(&s.f, &s.expected_wf()));

    view! {
        <figure id="fitness" class="figure" node_ref=fig aria-labelledby="fitness-title">
            <h3 id="fitness-title" class="figure-title">"Descendants per parent: the model against a Wright–Fisher population"</h3>
            <div class="toolbar" role="group" aria-label="Controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <label>"Selection strength (w = e^(strength·f)) "
                    <input type="range" name="strength" min="0" max="2" step="0.1" prop:value=move || strength.get().to_string()
                        on:input=move |ev| { if let Ok(k) = event_target_value(&ev).parse::<f64>() { restart(k.clamp(0.0, 2.0)) } }/>
                    <span class="value">{move || format!("{:.1}", strength.get())}</span>
                </label>
                <button type="button" data-action="reset" on:click=move |_| restart(1.0)>"Reset to defaults"</button>
            </div>
            <Plot refs=refs name="fitness-descendants" label="Mean descendants of each of 200 parents against the parent's f: the model (crosses) and Wright–Fisher (squares), with Wright–Fisher's expectation w/w̄ (dashed)".to_string()/>
            <div class="stats">
                <p>"Generations " <Readout name="fitness.generations" value=generations digits=0/>
                   ". The model: mean descendants " <Readout name="fitness.model.mean" value=model_mean/>
                   ", slope against f " <Readout name="fitness.model.slope" value=model_slope/>
                   ". Wright–Fisher: slope " <Readout name="fitness.wf.slope" value=wf_slope/>
                   " (expected " <Readout name="fitness.wf.slope.theory" value=wf_theory/> ")."</p>
            </div>
            <figcaption>
                "Each generation, Wright–Fisher children pick parents in proportion to fitness; in the model, read literally as a line of individuals, each parent's accepted mutant is its only descendant. "
                <strong>"What to notice: "</strong>
                "the model's crosses sit on 1 whatever f is — its “fitness” never changes how many descendants anyone has — while Wright–Fisher's squares climb with f."
            </figcaption>
        </figure>
    }
}
