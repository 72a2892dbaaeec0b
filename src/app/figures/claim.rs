//! Figure `claim` (section 1): mutants around one parent on a sloping landscape;
//! accepted ones lean uphill, and their mean approaches k∇f (spec §A.1.2–3).

use leptos::html;
use leptos::prelude::*;

use crate::app::anim::use_animation;
use crate::app::browser::{prefers_dark, prefers_reduced_motion};
use crate::app::plot::{context2d, paint_base, Plot, PlotRefs};
use crate::app::readout::Readout;
use crate::charts::layer::{self, Marker};
use crate::charts::plane::{Axes, Curve};
use crate::charts::{Frame, Palette};
use crate::sim::demos::CandidateCloud;
use crate::sim::maths::Z_999;
use crate::sim::selection::{Acceptance, Mutation, Selection, StepRule};
use crate::sim::{rng_for, theory};

const SEED: u64 = 1;
const DEFAULT_SLOPE: f64 = 0.25;
const DEFAULT_SIGMA: f64 = 0.05;
const DEFAULT_BETA: f64 = 80.0;
/// Candidates drawn per animation frame.
const PER_FRAME: usize = 40;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    slope: f64,
    sigma: f64,
    beta: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { slope: DEFAULT_SLOPE, sigma: DEFAULT_SIGMA, beta: DEFAULT_BETA }
    }
}

impl Settings {
    fn acceptance(&self) -> Acceptance {
        Acceptance::Logistic { beta: self.beta }
    }
    fn cloud(&self) -> Option<CandidateCloud> {
        let sel =
            Selection::new(Mutation::Gaussian { sigma: self.sigma }, self.acceptance(), StepRule::default()).ok()?;
        Some(CandidateCloud::new(sel, self.slope, rng_for(SEED, 0)))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Numbers {
    candidates: f64,
    accept: Option<f64>,
    mean: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    across: Option<f64>,
}

fn numbers(c: &CandidateCloud) -> Numbers {
    let interval = c.along.interval(Z_999);
    Numbers {
        candidates: c.candidates as f64,
        accept: c.acceptance_rate(),
        mean: c.along.mean(),
        lo: interval.map(|i| i.0),
        hi: interval.map(|i| i.1),
        across: c.across.mean(),
    }
}

/// Figure `claim`.
#[component]
pub fn ClaimFigure() -> impl IntoView {
    let initial = Settings {
        slope: crate::app::figure_state::number("claim", "slope", 0.01, 10.0).unwrap_or(DEFAULT_SLOPE),
        sigma: crate::app::figure_state::number("claim", "sigma", 0.01, 0.2).unwrap_or(DEFAULT_SIGMA),
        beta: crate::app::figure_state::number("claim", "beta", 1.0, 1000.0).unwrap_or(DEFAULT_BETA),
    };
    let settings = RwSignal::new(initial);
    let cloud = StoredValue::new_local(initial.cloud());
    let shown = RwSignal::new(Numbers::default());
    let frame = StoredValue::new_local(None::<Frame>);
    let refs = PlotRefs::new();
    let fig = NodeRef::<html::Figure>::new();
    let playing = RwSignal::new(!prefers_reduced_motion());

    let half = move || 4.0 * settings.get_untracked().sigma;
    let paint_all = move || {
        let h = half();
        let p = Palette::for_scheme(prefers_dark());
        // f = |g|·x: its contours are vertical lines.
        let curves: Vec<Curve> = (-4..=4)
            .map(|i| {
                let x = f64::from(i) * h / 4.0;
                Curve { points: vec![(x, -h), (x, h)], color: p.faint, dashed: false, width: 1.0 }
            })
            .collect();
        frame.set_value(paint_base(
            &refs,
            &Axes { x: (-h, h), y: (-h, h), x_label: "ε along ∇f", y_label: "ε across ∇f" },
            &curves,
        ));
    };
    let draw = move || {
        let (Some(f), Some(layers)) = (frame.get_value(), refs.layers()) else { return };
        let p = Palette::for_scheme(prefers_dark());
        let s = settings.get_untracked();
        if let Some(ctx) = context2d(&layers.trail) {
            layer::clear(&ctx);
            cloud.with_value(|c| {
                if let Some(c) = c {
                    ctx.set_global_alpha(0.7);
                    layer::markers(
                        &ctx,
                        &f,
                        c.recent.iter().filter(|x| !x.1).map(|x| (x.0[0], x.0[1])),
                        Marker::Dot,
                        p.ghost,
                        2.5,
                    );
                    layer::markers(
                        &ctx,
                        &f,
                        c.recent.iter().filter(|x| x.1).map(|x| (x.0[0], x.0[1])),
                        Marker::Cross,
                        p.selection,
                        5.0,
                    );
                    ctx.set_global_alpha(1.0);
                }
            });
        }
        if let Some(ctx) = context2d(&layers.overlay) {
            layer::clear(&ctx);
            let k = theory::k_loop(s.sigma * s.sigma, &s.acceptance()) * s.slope;
            let exact = theory::linear_response(&s.acceptance(), s.sigma, s.slope).mean_loop;
            layer::arrow(&ctx, &f, (0.0, 0.0), (k, 0.0), p.theory, true);
            layer::arrow(&ctx, &f, (0.0, -0.02 * half()), (exact, -0.02 * half()), p.ink, false);
            cloud.with_value(|c| {
                if let Some(c) = c {
                    if let (Some(a), Some(b)) = (c.along.mean(), c.across.mean()) {
                        layer::arrow(&ctx, &f, (0.0, 0.0), (a, b), p.selection, false);
                    }
                }
            });
            layer::ring(&ctx, &f, 0.0, 0.0, p.background, p.ink);
        }
    };
    let restart = move |s: Settings| {
        settings.set(s);
        crate::app::figure_state::write(
            "claim",
            &[("slope", s.slope.to_string()), ("sigma", s.sigma.to_string()), ("beta", s.beta.to_string())],
        );
        cloud.set_value(s.cloud());
        shown.set(Numbers::default());
        paint_all();
        draw();
    };
    use_animation(fig, playing, move || {
        cloud.update_value(|c| {
            if let Some(c) = c {
                c.draw(PER_FRAME);
            }
        });
        shown.set(cloud.with_value(|c| c.as_ref().map(numbers).unwrap_or_default()));
        draw();
        true
    });
    Effect::new(move |_| {
        request_animation_frame(move || {
            paint_all();
            draw();
        })
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        paint_all();
        draw();
    });
    on_cleanup(move || resize.remove());

    let theory_m = Signal::derive(move || {
        let s = settings.get();
        Some(theory::linear_response(&s.acceptance(), s.sigma, s.slope).mean_loop)
    });
    let theory_k = Signal::derive(move || {
        let s = settings.get();
        Some(theory::k_loop(s.sigma * s.sigma, &s.acceptance()) * s.slope)
    });
    let a = Signal::derive(move || {
        let s = settings.get();
        Some(s.beta * s.sigma * s.slope)
    });
    let slider = move |label: &'static str,
                       name: &'static str,
                       min: f64,
                       max: f64,
                       get: fn(&Settings) -> f64,
                       set: fn(&mut Settings, f64)| {
        view! {
            <label>{label} " "
                <input type="range" name=name min=min.log10() max=max.log10() step="0.01"
                    prop:value=move || get(&settings.get()).log10().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            let mut s = settings.get_untracked();
                            set(&mut s, 10f64.powf(v).clamp(min, max));
                            restart(s);
                        }
                    }/>
                <span class="value">{move || format!("{:.3}", get(&settings.get()))}</span>
            </label>
        }
    };

    view! {
        <figure id="claim" class="figure" node_ref=fig aria-labelledby="claim-title">
            <h3 id="claim-title" class="figure-title">"Mutants around one parent on a slope"</h3>
            <div class="toolbar" role="group" aria-label="Controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)>{move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                {slider("Slope |∇f|", "slope", 0.01, 10.0, |s| s.slope, |s, v| s.slope = v)}
                {slider("Mutation size s", "sigma", 0.01, 0.2, |s| s.sigma, |s, v| s.sigma = v)}
                {slider("β", "beta", 1.0, 1000.0, |s| s.beta, |s, v| s.beta = v)}
                <button type="button" data-action="reset" on:click=move |_| restart(Settings::default())>"Reset to defaults"</button>
            </div>
            <Plot refs=refs name="claim-candidates" label="Candidates from a parent at the centre: accepted (crosses) and rejected (grey dots); arrows: mean accepted step (solid, colour), exact theory (solid, dark), small-step k∇f (dashed)".to_string()/>
            <div class="stats">
                <p>"Candidates " <Readout name="claim.candidates" value=Signal::derive(move || Some(shown.get().candidates)) digits=0/>
                   "; accepted " <Readout name="claim.accept" value=Signal::derive(move || shown.get().accept)/>
                   " (theory 0.500 for logistic acceptance on a linear slope)."</p>
                <p>"Mean accepted step along ∇f: " <Readout name="claim.mean" value=Signal::derive(move || shown.get().mean) digits=4/>
                   " (99.9 % interval " <Readout name="claim.mean.lo" value=Signal::derive(move || shown.get().lo) digits=4/> " to "
                   <Readout name="claim.mean.hi" value=Signal::derive(move || shown.get().hi) digits=4/> "); theory "
                   <Readout name="claim.theory" value=theory_m digits=4/> "; small-step k|∇f| = " <Readout name="claim.k" value=theory_k digits=4/>
                   "; across ∇f: " <Readout name="claim.across" value=Signal::derive(move || shown.get().across) digits=4/> "."</p>
                <p>"βs|∇f| = " <Readout name="claim.a" value=a digits=2/> ": the small-step rule holds while this is well below 1."</p>
            </div>
            <figcaption>
                "Logistic acceptance, P(Δ) = 1/(1 + e^(−βΔ)), where Δ is the candidate's change in f and β sets how sharply acceptance rises with it; Gaussian mutations. "
                <strong>"What to notice: "</strong>
                "the accepted crosses lean to the right, uphill, and their mean (solid arrow) settles on the theory; at gentle slopes it matches k∇f, at steep ones it falls short of it."
            </figcaption>
        </figure>
    }
}
