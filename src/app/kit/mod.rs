//! The figure kit: one component that turns a [`FigureDef`] into a working figure.
//!
//! A figure declares its settings, its simulation and its charts (`crate::figures`);
//! the kit owns the rest: the controls and the URL keys made from the settings, reset,
//! the frame loop with its time budget, running only on screen and never behind a
//! hidden tab, a finished still for readers who ask for reduced motion, canvases sized
//! to the device pixel ratio and repainted on resize and theme changes, the readouts,
//! and the PNG and embed tools. `FigureView` is not generic: it is compiled once,
//! whatever the number of figures.

pub mod bind;
pub mod frame_loop;
pub mod mount;
pub mod url;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::browser::{device_pixel_ratio, document_hidden, now_ms, prefers_dark, prefers_reduced_motion};
use super::readout::{fmt, plain};
use super::ticker::Ticker;
use super::visibility::use_on_screen;
use crate::charts::pixels::Pixels;
use crate::charts::plane::{draw_axes, equalize, fit_canvas};
use crate::charts::{Frame, Paint, Palette};
use crate::figures::{FigureDef, Numbers};
use crate::settings::{Kind, Setting};
use frame_loop::Clock;

/// The three canvases of a chart, bottom to top.
#[derive(Clone, Copy)]
struct ChartRefs {
    /// Axes and static curves.
    base: NodeRef<html::Canvas>,
    /// The data (a pixel buffer).
    data: NodeRef<html::Canvas>,
    /// Marks redrawn every frame.
    overlay: NodeRef<html::Canvas>,
}

/// A chart's drawing state between frames.
#[derive(Default)]
struct ChartState {
    frame: Option<Frame>,
    pixels: Pixels,
}

fn context2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}

fn clear(ctx: &web_sys::CanvasRenderingContext2d) {
    if let Some(c) = ctx.canvas() {
        ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
    }
}

/// One figure, made from its definition and its initial (valid) values.
#[component]
pub fn FigureView(
    /// What the figure is.
    def: &'static FigureDef,
    /// One valid value per setting (from the URL, or the defaults).
    initial: Vec<f64>,
) -> impl IntoView {
    let id = def.id;
    let values = RwSignal::new(initial.clone());
    let sim = StoredValue::new_local((def.build)(&initial));
    let numbers = RwSignal::new(Numbers::new());
    let status = RwSignal::new(None::<String>);
    let reduced = prefers_reduced_motion();
    let playing = RwSignal::new(!reduced);
    // Units still owed to the reduced-motion still.
    let still_left = StoredValue::new_local(if reduced { sim.with_value(|s| s.still_units()) } else { 0 });
    let clock = StoredValue::new_local(Clock::default());
    // Whether the run said it had nothing more to do (rather than the reader pausing it).
    let ended = StoredValue::new_local(false);
    let fig = NodeRef::<html::Figure>::new();
    let refs: Vec<ChartRefs> = def
        .charts
        .iter()
        .map(|_| ChartRefs { base: NodeRef::new(), data: NodeRef::new(), overlay: NodeRef::new() })
        .collect();
    let refs = StoredValue::new(refs);
    let charts = StoredValue::new_local(def.charts.iter().map(|_| ChartState::default()).collect::<Vec<_>>());

    let bound = StoredValue::new_local(bind::Bound::new(id));
    let publish = move || {
        let mut out = Numbers::new();
        sim.with_value(|s| s.numbers(&mut out));
        bound.update_value(|b| b.show(&out));
        numbers.set(out);
        status.set(sim.with_value(|s| s.status()));
    };
    // Draws chart data; `full` redraws the bases first (after resize, theme or restart).
    let paint = move |full: bool| {
        let palette = Palette::for_scheme(prefers_dark());
        let dpr = device_pixel_ratio();
        refs.with_value(|refs| {
            charts.update_value(|states| {
                sim.update_value(|s| {
                    for (i, (r, st)) in refs.iter().zip(states.iter_mut()).enumerate() {
                        let (Some(base), Some(data), Some(overlay)) =
                            (r.base.get_untracked(), r.data.get_untracked(), r.overlay.get_untracked())
                        else {
                            continue;
                        };
                        // The base is redrawn (and the data layer cleared) after a resize,
                        // a theme change or a restart, or when a chart first has a layout:
                        // the figure must then draw all its data again.
                        let full = full || st.frame.is_none();
                        if full {
                            let Some((w, h)) = fit_canvas(&base, dpr) else { continue };
                            fit_canvas(&data, dpr);
                            fit_canvas(&overlay, dpr);
                            let b = s.axes(i, &palette);
                            let axes =
                                if b.equal { equalize(&b.axes, f64::from(w), f64::from(h), dpr) } else { b.axes };
                            st.frame = match draw_axes(&base, &axes, &b.curves, &palette, dpr) {
                                Ok(f) => Some(f),
                                Err(e) => {
                                    web_sys::console::error_1(&format!("{id}: drawing failed: {}", e.0).into());
                                    None
                                }
                            };
                            st.pixels.resize(w, h);
                        }
                        let (Some(frame), Some(octx), Some(dctx)) = (st.frame, context2d(&overlay), context2d(&data))
                        else {
                            continue;
                        };
                        clear(&octx);
                        let mut p = Paint { frame: &frame, palette: &palette, pixels: &mut st.pixels, overlay: &octx };
                        s.paint(i, &mut p, full);
                        st.pixels.flush(&dctx);
                    }
                });
            });
        });
    };

    let on_screen = use_on_screen(fig);
    let ticker = Ticker::new(move |ts| {
        let still = still_left.get_value();
        let wanted = (playing.get_untracked() || still > 0) && on_screen.get_untracked() && !document_hidden();
        if !wanted {
            clock.update_value(Clock::pause);
            return false;
        }
        let limit = if playing.get_untracked() { u64::MAX } else { still };
        let adv = sim
            .try_update_value(|s| {
                let mut c = clock.get_value();
                let a = c.advance(s.as_mut(), ts, limit, playing.get_untracked(), &now_ms);
                clock.set_value(c);
                a
            })
            .unwrap_or(frame_loop::Advance { units: 0, finished: true });
        if !playing.get_untracked() {
            still_left.set_value(still.saturating_sub(adv.units.max(1)));
        }
        publish();
        paint(false);
        if adv.finished {
            still_left.set_value(0);
            ended.set_value(true);
            playing.set(false);
            return false;
        }
        true
    });
    let ticker = StoredValue::new_local(ticker);
    let kick = move || ticker.with_value(Ticker::kick);
    Effect::new(move |_| {
        if (playing.get() || still_left.get_value() > 0) && on_screen.get() {
            kick();
        }
    });

    // After a change, a run that had ended goes on (it may have more to do now): it plays
    // again, or for readers who ask for reduced motion its still is made again, as it is
    // for every rebuilt run. A run the reader paused stays paused.
    let resume = move |rebuilt: bool| {
        let was_ended = ended.get_value();
        ended.set_value(false);
        if reduced && !playing.get_untracked() {
            if rebuilt || was_ended {
                still_left.set_value(sim.with_value(|s| s.still_units()));
            }
        } else if was_ended {
            playing.set(true);
        }
    };
    let restart = move |v: Vec<f64>| {
        sim.set_value((def.build)(&v));
        url::write(def, &v);
        values.set(v);
        clock.update_value(Clock::pause);
        resume(true);
        publish();
        paint(true);
        kick();
    };
    // New values for some settings: retune the run if it can take them, else rebuild it.
    let apply = move |changes: &[(usize, f64)]| {
        let mut v = values.get_untracked();
        let mut changed = false;
        for &(i, x) in changes {
            let Some(s) = def.settings.get(i) else { continue };
            let new = s.valid(x);
            changed |= v[i] != new;
            v[i] = new;
        }
        if !changed {
            return;
        }
        if sim.try_update_value(|s| s.retune(&v)).unwrap_or(false) {
            url::write(def, &v);
            values.set(v);
            resume(false);
            publish();
            paint(true);
            kick();
        } else {
            restart(v);
        }
    };
    let set = move |i: usize, x: f64| apply(&[(i, x)]);
    let click = move |i: usize, ev: leptos::ev::MouseEvent| {
        let dpr = device_pixel_ratio();
        let (px, py) = (f64::from(ev.offset_x()) * dpr, f64::from(ev.offset_y()) * dpr);
        let Some(frame) = charts.with_value(|c| c.get(i).and_then(|c| c.frame)) else { return };
        if !(px >= frame.px.0 && px <= frame.px.1 && py >= frame.py.0 && py <= frame.py.1) {
            return;
        }
        let (x, y) = frame.unmap(px, py);
        let changes = sim.with_value(|s| s.click_settings(i, x, y));
        if !changes.is_empty() {
            apply(&changes);
        } else if sim.try_update_value(|s| s.click(i, x, y)).unwrap_or(false) {
            publish();
            paint(true);
            kick();
        }
    };

    // First paint once laid out; again on resize and on theme changes (which the page
    // turns into a resize event).
    Effect::new(move |_| {
        request_animation_frame(move || {
            publish();
            paint(true);
        })
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| paint(true));
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if !document_hidden() {
            kick();
        }
    });
    on_cleanup(move || {
        resize.remove();
        visible.remove();
    });

    let controls = def
        .settings
        .iter()
        .enumerate()
        .map(|(i, s)| control(s, Signal::derive(move || values.get()[i]), move |x| set(i, x)))
        .collect_view();
    let chart_views = def
        .charts
        .iter()
        .zip(refs.get_value())
        .enumerate()
        .map(|(i, (c, r))| {
            let style = format!("aspect-ratio: {}", 1.0 / c.aspect);
            view! {
                <div class="chart">
                    <div class="chart-label">{c.label}</div>
                    <div class="chart-box" style=style on:click=move |ev| click(i, ev)>
                        <canvas node_ref=r.base data-layer="axes" aria-hidden="true"></canvas>
                        <canvas node_ref=r.data data-chart=c.name role="img" aria-label=c.label></canvas>
                        <canvas node_ref=r.overlay data-layer="overlay" aria-hidden="true"></canvas>
                    </div>
                </div>
            }
        })
        .collect_view();

    view! {
        <figure id=id class="figure" node_ref=fig aria-labelledby=format!("{id}-title") data-kit="">
            <h3 id=format!("{id}-title") class="figure-title">{def.title}</h3>
            <p class="takeaway">{def.takeaway}</p>
            <div class="toolbar" role="group" aria-label="Controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| { playing.update(|p| *p = !*p); }>
                    {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                {controls}
                <button type="button" data-action="reset" on:click=move |_| restart(crate::settings::defaults(def.settings))>
                    "Reset"
                </button>
            </div>
            <div class="charts">{chart_views}</div>
            <Show when=move || status.get().is_some()>
                <p class="status" role="status">{move || status.get().unwrap_or_default()}</p>
            </Show>
            <div class="stats">{stats(id, def.stats, numbers)}</div>
            <figcaption inner_html=def.caption></figcaption>
            <Tools id=id/>
        </figure>
    }
}

/// The control for one setting: a slider with its value beside it, or a menu.
fn control(s: &'static Setting, value: Signal<f64>, commit: impl Fn(f64) + Copy + 'static) -> AnyView {
    let name = s.key;
    match s.kind {
        Kind::Number { .. } => {
            let (min, max, step) = s.slider_range();
            view! {
                <label class="slider">
                    <span class="control-name">{s.label}</span>
                    <input type="range" name=name min=min max=max step=step
                        prop:value=move || s.to_slider(value.get()).to_string()
                        aria-valuetext=move || s.show(value.get())
                        on:change=move |ev| {
                            if let Ok(x) = event_target_value(&ev).parse::<f64>() {
                                commit(s.from_slider(x));
                            }
                        }/>
                    <span class="value">{move || s.show(value.get())}</span>
                </label>
            }
            .into_any()
        }
        Kind::Choice { options, .. } => view! {
            <label class="choice">
                <span class="control-name">{s.label}</span>
                <select name=name
                    prop:value=move || options.get(value.get() as usize).map_or("", |o| o.key).to_string()
                    on:change=move |ev| {
                        let key = event_target_value(&ev);
                        if let Some(i) = options.iter().position(|o| o.key == key) {
                            commit(i as f64);
                        }
                    }>
                    {options.iter().map(|o| view! { <option value=o.key>{o.label}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
    }
}

/// A part of a stats template.
enum Part {
    Text(&'static str),
    Number { name: &'static str, digits: usize },
}

/// Splits a stats template into text and `{name}` / `{name:digits}` readouts.
fn parse_template(t: &'static str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            out.push(Part::Text(&rest[..open]));
        }
        let inner = &rest[open + 1..close];
        let (name, digits) = match inner.split_once(':') {
            Some((n, d)) => (n, d.parse().unwrap_or(3)),
            None => (inner, 3),
        };
        out.push(Part::Number { name, digits });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    out
}

/// The figure's numbers: paragraphs of text with live readouts
/// (`<output data-readout="<id>.<name>" data-value>`).
fn stats(id: &'static str, template: &'static str, numbers: RwSignal<Numbers>) -> impl IntoView {
    template
        .split('\n')
        .map(|para| {
            let parts = parse_template(para)
                .into_iter()
                .map(|p| match p {
                    Part::Text(t) => t.into_any(),
                    Part::Number { name, digits } => {
                        let value = move || numbers.with(|n| n.iter().find(|(k, _)| *k == name).and_then(|(_, v)| *v));
                        view! {
                            <output class="readout" data-readout=format!("{id}.{name}") data-value=move || plain(value())>
                                {move || fmt(value(), digits)}
                            </output>
                        }
                        .into_any()
                    }
                })
                .collect_view();
            view! { <p>{parts}</p> }
        })
        .collect_view()
}

/// Tools under a figure: download it as a PNG, or copy the code to embed it alone.
#[component]
fn Tools(
    /// The figure's id.
    id: &'static str,
) -> impl IntoView {
    let snippet = RwSignal::new(None::<String>);
    view! {
        <div class="figure-tools" role="group" aria-label="Figure tools">
            <button type="button" data-action="png" data-figure=id
                on:click=move |_| super::share::download_png(id, Palette::for_scheme(prefers_dark()).background)>
                "Download as PNG"
            </button>
            <button type="button" data-action="copy-embed" data-figure=id on:click=move |_| {
                let code = super::share::embed_snippet(&super::figure_state::embed_query(id), &format!("Interactive figure: {id}"));
                super::share::copy_text(&code, |_| {});
                snippet.set(Some(code));
            }>"Copy embed code"</button>
            <Show when=move || snippet.get().is_some()>
                <input type="text" readonly name="shared" aria-label="Embed code" prop:value=move || snippet.get().unwrap_or_default()/>
            </Show>
        </div>
    }
}
