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
use super::visibility::{intersects_viewport, use_on_screen};
use crate::charts::pixels::Pixels;
use crate::charts::plane::{draw_scaled_axes, equalize, fit_canvas};
use crate::charts::{Frame, Paint, Palette};
use crate::figures::{ActOutcome, FigureDef, Numbers, Redraw};
use crate::settings::{Kind, Setting};
use frame_loop::Clock;

/// How often the figure's numbers are read to a screen reader, at most.
const SPEAK_EVERY_MS: f64 = 5000.0;

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

use super::browser::context2d;

fn clear(ctx: &web_sys::CanvasRenderingContext2d) {
    if let Some(c) = ctx.canvas() {
        ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
    }
}

/// How a chart is drawn this frame.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Only what is new (the figure may still ask for more, see `Sim::refresh`).
    New,
    /// Everything, after a resize, a theme change or a restart.
    All,
}

/// One figure, made from its definition and its initial (valid) values.
#[component]
pub fn FigureView(
    /// What the figure is.
    def: &'static FigureDef,
    /// One valid value per setting (from the URL, or the defaults).
    initial: Vec<f64>,
    /// Units to replay at load (from a link's `t`), then stay paused.
    #[prop(default = None)]
    replay: Option<u64>,
) -> impl IntoView {
    let id = def.id;
    let values = RwSignal::new(initial.clone());
    let sim = StoredValue::new_local((def.build)(&initial));
    let numbers = RwSignal::new(Numbers::new());
    let status = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<String>);
    let reduced = prefers_reduced_motion();
    let replay = replay.filter(|_| def.replay);
    let playing = RwSignal::new(!reduced && replay.is_none());
    // Units owed to the reduced-motion still or to a link's replay, done as fast as the
    // frame budget allows while the figure is on screen.
    let owed = replay.unwrap_or(if reduced { sim.with_value(|s| s.still_units()) } else { 0 });
    let still_left = StoredValue::new_local(owed);
    // The replay's progress (done, of), shown while it runs.
    let replaying = RwSignal::new(replay.filter(|t| *t > 0).map(|t| (0u64, t)));
    // Units done in this run (for `t` in the URL).
    let done = StoredValue::new_local(0u64);
    let clock = StoredValue::new_local(Clock::default());
    // The run stopped because it had nothing more to do (not because the reader paused).
    let ended = StoredValue::new_local(false);
    let fig = NodeRef::<html::Figure>::new();
    let refs: Vec<ChartRefs> = def
        .charts
        .iter()
        .map(|_| ChartRefs { base: NodeRef::new(), data: NodeRef::new(), overlay: NodeRef::new() })
        .collect();
    let refs = StoredValue::new(refs);
    let charts = StoredValue::new_local(def.charts.iter().map(|_| ChartState::default()).collect::<Vec<_>>());

    // The address bar: the values and, paused, the units done (for a figure that replays).
    let write_url = move || {
        let t = (def.replay && !playing.get_untracked()).then(|| done.get_value());
        values.with_untracked(|v| url::write(def, v, t));
    };

    let bound = StoredValue::new_local(bind::Bound::new(id));
    // What a screen reader hears: the stats as one sentence, at most every few seconds
    // (the readouts themselves change every frame and are not live regions).
    let spoken = RwSignal::new(String::new());
    let last_spoken = StoredValue::new_local(f64::NEG_INFINITY);
    let stats_ref = NodeRef::<html::Div>::new();
    let publish = move || {
        let mut out = Numbers::new();
        sim.with_value(|s| s.numbers(&mut out));
        bound.update_value(|b| b.show(&out));
        numbers.set(out);
        status.set(sim.with_value(|s| s.status()));
        let now = now_ms();
        if now - last_spoken.get_value() > SPEAK_EVERY_MS {
            last_spoken.set_value(now);
            if let Some(el) = stats_ref.get_untracked() {
                spoken.set(el.text_content().unwrap_or_default());
            }
            refs.with_value(|refs| {
                for (i, (r, c)) in refs.iter().zip(def.charts).enumerate() {
                    if let (Some(canvas), Some(words)) = (r.data.get_untracked(), sim.with_value(|s| s.describe(i))) {
                        let _ = canvas.set_attribute("aria-label", &format!("{}: {words}", c.label));
                    }
                }
            });
        }
    };
    // Draws chart data; `Mode::All` redraws the bases first (after resize, theme or
    // restart); otherwise each chart is drawn as its figure asks (`Sim::refresh`).
    let paint = move |mode: Mode| {
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
                        let redraw = match mode {
                            Mode::All => Redraw::All,
                            Mode::New if st.frame.is_none() => Redraw::All,
                            Mode::New => s.refresh(i),
                        };
                        if redraw != Redraw::Nothing {
                            let Some((w, h)) = fit_canvas(&base, dpr) else { continue };
                            if redraw == Redraw::All {
                                fit_canvas(&data, dpr);
                                fit_canvas(&overlay, dpr);
                            }
                            let b = s.axes(i, &palette);
                            let log = s.log_scale(i);
                            let axes = if b.equal && log == (false, false) {
                                equalize(&b.axes, f64::from(w), f64::from(h), dpr)
                            } else {
                                b.axes
                            };
                            st.frame = match draw_scaled_axes(&base, &axes, log, &b.curves, &palette, dpr) {
                                Ok(f) => Some(f),
                                Err(e) => {
                                    web_sys::console::error_1(&format!("{id}: drawing failed: {}", e.0).into());
                                    None
                                }
                            };
                            if let Some(f) = st.frame {
                                expose_frame(&data, &f, b.equal);
                            }
                            if redraw == Redraw::All {
                                st.pixels.resize(w, h);
                            }
                        }
                        let (Some(frame), Some(octx), Some(dctx)) = (st.frame, context2d(&overlay), context2d(&data))
                        else {
                            continue;
                        };
                        clear(&octx);
                        let mut p = Paint { frame: &frame, palette: &palette, pixels: &mut st.pixels, overlay: &octx };
                        s.paint(i, &mut p, redraw == Redraw::All);
                        st.pixels.flush(&dctx);
                    }
                });
            });
        });
    };

    // Space plays or pauses while focus is inside the figure (not on a control that
    // Space already works).
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != " " || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let tag = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name().to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(tag.as_str(), "input" | "select" | "textarea" | "button" | "summary" | "a") {
            return;
        }
        ev.prevent_default();
        playing.update(|p| *p = !*p);
    };

    let on_screen = use_on_screen(fig);
    let ticker = Ticker::new(move |ts| {
        let still = still_left.get_value();
        let wanted = (playing.get_untracked() || still > 0) && on_screen.get_untracked() && !document_hidden();
        if !wanted {
            clock.update_value(Clock::pause);
            return false;
        }
        let (limit, fast) = if playing.get_untracked() { (u64::MAX, false) } else { (still, true) };
        let adv = sim
            .try_update_value(|s| {
                let mut c = clock.get_value();
                let a = c.advance(s.as_mut(), ts, limit, fast, &now_ms);
                clock.set_value(c);
                a
            })
            .unwrap_or(frame_loop::Advance { units: 0, finished: true });
        done.update_value(|d| *d += adv.units);
        if !playing.get_untracked() {
            still_left.set_value(still.saturating_sub(adv.units.max(1)));
            if let Some((_, of)) = replaying.get_untracked() {
                replaying.set(Some((done.get_value(), of)));
            }
        }
        publish();
        paint(Mode::New);
        let owed_done = !playing.get_untracked() && still_left.get_value() == 0;
        if adv.finished || owed_done {
            still_left.set_value(0);
            if replaying.get_untracked().is_some() {
                replaying.set(None);
                write_url();
            }
        }
        if adv.finished {
            ended.set_value(playing.get_untracked());
            playing.set(false);
            write_url();
            return false;
        }
        !owed_done
    });
    let ticker = StoredValue::new_local(ticker);
    let kick = move || ticker.with_value(Ticker::kick);
    Effect::new(move |_| {
        if (playing.get() || still_left.get_value() > 0) && on_screen.get() {
            kick();
        }
    });
    // Pausing writes the units done to the URL; playing removes them.
    Effect::new(move |first: Option<()>| {
        playing.track();
        if first.is_some() && def.replay {
            write_url();
        }
    });

    let restart = move |v: Vec<f64>| {
        sim.set_value((def.build)(&v));
        values.set(v);
        done.set_value(0);
        replaying.set(None);
        clock.update_value(Clock::pause);
        // A run that had finished by itself plays again once rebuilt.
        if ended.get_value() && !reduced {
            playing.set(true);
        }
        ended.set_value(false);
        still_left.set_value(if !playing.get_untracked() && reduced { sim.with_value(|s| s.still_units()) } else { 0 });
        message.set(None);
        write_url();
        publish();
        paint(Mode::All);
        kick();
    };
    // Sets settings `(index, value)`, as the controls or a picking click do.
    let set_all = move |changes: &[(usize, f64)]| {
        let mut v = values.get_untracked();
        let old = v.clone();
        for &(i, x) in changes {
            v[i] = def.settings[i].valid(x);
        }
        if v == old {
            return;
        }
        if sim.try_update_value(|s| s.retune(&v)).unwrap_or(false) {
            values.set(v);
            write_url();
            publish();
            paint(Mode::All);
            kick();
        } else {
            restart(v);
        }
    };
    let set = move |i: usize, x: f64| set_all(&[(i, x)]);
    let act = move |key: &'static str| {
        let mut v = values.get_untracked();
        let outcome = sim.try_update_value(|s| s.act(key, &mut v)).unwrap_or(ActOutcome::Nothing);
        match outcome {
            ActOutcome::Nothing => {}
            ActOutcome::Restart => {
                let v = def.settings.iter().zip(v).map(|(s, x)| s.valid(x)).collect();
                restart(v);
            }
            ActOutcome::Ran(n) => {
                playing.set(false);
                still_left.set_value(0);
                done.update_value(|d| *d += n);
                write_url();
                publish();
                paint(Mode::New);
            }
            ActOutcome::Repaint => {
                publish();
                paint(Mode::All);
                kick();
            }
            ActOutcome::Download { filename, mime, text } => super::share::download(&filename, mime, &text),
        }
    };
    let click = move |i: usize, ev: leptos::ev::MouseEvent| {
        let dpr = device_pixel_ratio();
        let (px, py) = (f64::from(ev.offset_x()) * dpr, f64::from(ev.offset_y()) * dpr);
        let Some(frame) = charts.with_value(|c| c.get(i).and_then(|c| c.frame)) else { return };
        if !(px >= frame.px.0 && px <= frame.px.1 && py >= frame.py.0 && py <= frame.py.1) {
            return;
        }
        let (x, y) = frame.unmap(px, py);
        let picked: Vec<(usize, f64)> = sim
            .with_value(|s| s.picks(i, x, y))
            .into_iter()
            .filter_map(|(key, v)| crate::settings::index_of(def.settings, key).map(|k| (k, v)))
            .collect();
        if !picked.is_empty() {
            set_all(&picked);
            return;
        }
        if sim.try_update_value(|s| s.click(i, x, y)).unwrap_or(false) {
            publish();
            paint(Mode::All);
            kick();
        }
    };

    // First paint once laid out; again on resize and on theme changes (which the page
    // turns into a resize event). A figure with bare keys owns the query: it writes
    // every key at once, so the address bar shows what the link was read as.
    Effect::new(move |_| {
        request_animation_frame(move || {
            if def.bare_keys && replaying.get_untracked().is_none() {
                write_url();
            }
            publish();
            paint(Mode::All);
            // On screen already (the first screen's figure, or one a link scrolled to):
            // its run starts in this frame, not after the observer's first report.
            if fig.get_untracked().is_some_and(|el| intersects_viewport(&el)) {
                on_screen.set(true);
                ticker.with_value(|t| t.run_now(now_ms()));
            }
        })
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| paint(Mode::All));
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if !document_hidden() {
            kick();
        }
    });
    on_cleanup(move || {
        resize.remove();
        visible.remove();
    });

    let value_of = move |i: usize| Signal::derive(move || values.with(|v| v[i]));
    let shown = move |i: usize| {
        let s = &def.settings[i];
        move || values.with(|v| s.shown(def.settings, v))
    };
    let grouped = |key: &str| def.groups.iter().any(|g| g.keys.contains(&key));
    let controls = def
        .settings
        .iter()
        .enumerate()
        .filter(|(_, s)| !grouped(s.key))
        .map(|(i, s)| {
            let c = control(s, value_of(i), move |x| set(i, x), message);
            view! { <span class="control" hidden=move || !shown(i)()>{c}</span> }
        })
        .collect_view();
    let buttons = move |group: Option<usize>| {
        def.actions
            .iter()
            .filter(move |a| a.group == group)
            .map(move |a| {
                let key = a.key;
                view! { <button type="button" data-action=key on:click=move |_| act(key)>{a.label}</button> }
            })
            .collect_view()
    };
    let scene_menu = (!def.scenes.is_empty()).then(|| {
        let current = move || values.with(|v| def.scene_of(v).map_or("", |s| s.key)).to_string();
        view! {
            <label class="choice">
                <span class="control-name">"Scene"</span>
                <select name="preset" prop:value=current on:change=move |ev| {
                    let key = event_target_value(&ev);
                    if let Some(v) = values.with_untracked(|cur| def.scene_values(&key, cur)) {
                        restart(v);
                    }
                }>
                    <option value="">"Custom"</option>
                    {def.scenes.iter().map(|s| view! { <option value=s.key>{s.label}</option> }).collect_view()}
                </select>
            </label>
        }
    });
    let scene_notice = move || values.with(|v| def.scene_of(v).map(|s| s.notice));
    let groups = (!def.groups.is_empty()).then(|| {
        let sets = def
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let fields = g
                    .keys
                    .iter()
                    .filter_map(|k| def.settings.iter().position(|s| s.key == *k))
                    .map(|i| {
                        let c = control(&def.settings[i], value_of(i), move |x| set(i, x), message);
                        view! { <div class="control" hidden=move || !shown(i)()>{c}</div> }
                    })
                    .collect_view();
                let key_class = format!("key {}", g.class);
                view! {
                    <fieldset>
                        <legend><span class=key_class aria-hidden="true"></span>{g.label}</legend>
                        {fields}
                        {buttons(Some(gi))}
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <details class="params">
                <summary>"Parameters — changing one restarts the run"</summary>
                <div class="param-groups">{sets}</div>
                <button type="button" data-action="defaults" on:click=move |_| {
                    let mut v = crate::settings::defaults(def.settings);
                    values.with_untracked(|cur| def.keep_own(&mut v, cur));
                    restart(v);
                }>"Reset to defaults"</button>
            </details>
        }
    });
    // Reset: a figure that replays starts its run again with the same values ("Reset to
    // defaults" restores those); the others go back to their defaults.
    let reset = move |_| {
        if def.replay {
            restart(values.get_untracked());
        } else {
            restart(crate::settings::defaults(def.settings));
        }
    };
    let chart_views = def
        .charts
        .iter()
        .zip(refs.get_value())
        .enumerate()
        .map(|(i, (c, r))| {
            let style = format!("aspect-ratio: {}", 1.0 / c.aspect);
            let class = if c.class.is_empty() { "chart".to_string() } else { format!("chart {}", c.class) };
            let key = (!c.class.is_empty())
                .then(|| view! { <span class=format!("key {}", c.class) aria-hidden="true"></span> });
            view! {
                <div class=class>
                    <div class="chart-label">{key}{c.label}</div>
                    <div class="chart-box" style=style on:click=move |ev| click(i, ev)>
                        <canvas node_ref=r.base data-layer="axes" aria-hidden="true"></canvas>
                        <canvas node_ref=r.data data-chart=c.name role="img" aria-label=c.label></canvas>
                        <canvas node_ref=r.overlay data-layer="overlay" aria-hidden="true"></canvas>
                    </div>
                </div>
            }
        })
        .collect_view();
    let exports = buttons(crate::figures::EXPORT_MENU);
    let embedded = super::browser::embedded_figure().as_deref() == Some(id);
    let back = embedded.then(|| {
        view! {
            <a class="back-link" data-link="article" href=format!("./#{id}") target="_blank" rel="noopener">
                "Read the full article ↗"
            </a>
        }
    });
    // In an embed the caption folds away, so the frame stays compact.
    let caption = if embedded {
        view! {
            <figcaption>
                <details class="caption-fold">
                    <summary>"How to read this figure"</summary>
                    <div inner_html=def.caption></div>
                </details>
            </figcaption>
        }
        .into_any()
    } else {
        view! { <figcaption inner_html=def.caption></figcaption> }.into_any()
    };
    let charts_class = if def.layout.is_empty() { "charts".to_string() } else { format!("charts {}", def.layout) };
    let link = move || {
        write_url();
        format!("{}{}", super::share::page_base(), super::browser::location_search())
    };
    let embed = move || {
        if def.bare_keys {
            let t = (def.replay && !playing.get_untracked()).then(|| done.get_value());
            let q = values.with_untracked(|v| crate::url_state::figure_link(def, v, t));
            format!("{q}&embed={id}")
        } else {
            url::embed_query(id)
        }
    };

    view! {
        <figure id=id class="figure" node_ref=fig aria-labelledby=format!("{id}-title") data-kit="" on:keydown=on_key>
            <h3 id=format!("{id}-title") class="figure-title">{def.title}</h3>
            {back}
            <p class="takeaway">{def.takeaway}</p>
            <div class="toolbar" role="group" aria-label="Controls">
                <button type="button" data-action="play" aria-pressed=move || playing.get().to_string()
                    on:click=move |_| { still_left.set_value(0); replaying.set(None); playing.update(|p| *p = !*p); }>
                    {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                {buttons(None)}
                <button type="button" data-action="reset" on:click=reset>"Reset"</button>
                {controls}
                {scene_menu}
            </div>
            <Show when=move || scene_notice().is_some()>
                <p class="scene-notice">{move || scene_notice().unwrap_or_default()}</p>
            </Show>
            <Show when=move || replaying.get().is_some()>
                <p class="status" role="status">{move || replaying.get().map(|(d, of)| format!("Replaying the link: step {d} of {of}…"))}</p>
            </Show>
            <Show when=move || message.get().is_some()>
                <p class="status" role="status">{move || message.get().unwrap_or_default()}</p>
            </Show>
            <div class=charts_class>{chart_views}</div>
            <Show when=move || status.get().is_some()>
                <p class="status warn" role="status">{move || status.get().unwrap_or_default()}</p>
            </Show>
            <div class="stats" node_ref=stats_ref>{stats(id, def.stats, numbers)}</div>
            <p class="sr-only" aria-live="polite" data-spoken="">{move || spoken.get()}</p>
            {groups}
            {caption}
            <Tools id=id link=link embed=embed exports=exports/>
        </figure>
    }
}

/// Writes a chart's coordinate map on its data canvas, for tests and tools that need it:
/// `data-frame="x0 x1 y0 y1 left right top bottom"` (the data ranges, then the plot area
/// in CSS pixels from the canvas's corner), and `data-equal` when its axes share units.
fn expose_frame(canvas: &web_sys::HtmlCanvasElement, f: &Frame, equal: bool) {
    let d = f.dpr;
    let text =
        format!("{} {} {} {} {} {} {} {}", f.x.0, f.x.1, f.y.0, f.y.1, f.px.0 / d, f.px.1 / d, f.py.0 / d, f.py.1 / d);
    let _ = canvas.set_attribute("data-frame", &text);
    let _ = if equal { canvas.set_attribute("data-equal", "") } else { canvas.remove_attribute("data-equal") };
}

/// The control for one setting: a slider with its value beside it, a menu, or a seed's
/// text field with "New seed".
fn control(
    s: &'static Setting,
    value: Signal<f64>,
    commit: impl Fn(f64) + Copy + 'static,
    message: RwSignal<Option<String>>,
) -> AnyView {
    let name = s.key;
    match s.kind {
        Kind::Seed { .. } => view! {
            <label class="seed">
                <span class="control-name">{s.label}</span>
                <input type="text" name=name inputmode="numeric" size="12" autocomplete="off"
                    prop:value=move || s.show(value.get())
                    on:change=move |ev| {
                        let raw = event_target_value(&ev);
                        match raw.trim().parse::<u64>() {
                            Ok(x) if x as f64 <= crate::settings::MAX_SEED => commit(x as f64),
                            _ => {
                                message.set(Some(format!(
                                    "Not changed: the seed must be a whole number from 0 to {}.",
                                    crate::settings::MAX_SEED as u64
                                )));
                                if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                    el.set_value(&s.show(value.get_untracked()));
                                }
                            }
                        }
                    }/>
            </label>
            <button type="button" data-action="new-seed"
                on:click=move |_| commit(super::browser::fresh_seed() as f64)>"New seed"</button>
        }
        .into_any(),
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
                            <output class="readout" aria-live="off" data-readout=format!("{id}.{name}") data-value=move || plain(value())>
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

/// Tools under a figure, in one menu: copy a link to it, copy the code to embed it
/// alone, download it as a PNG, and the figure's own exports (e.g. its data). What was
/// copied is also shown, for browsers that refuse to copy.
#[component]
pub fn Tools(
    /// The figure's id.
    id: &'static str,
    /// The link to the page as the figure stands.
    link: impl Fn() -> String + 'static,
    /// The query of an embed of the figure as it stands.
    embed: impl Fn() -> String + 'static,
    /// The figure's own export buttons, added to the menu.
    exports: impl IntoView + 'static,
) -> impl IntoView {
    let shared = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<bool>);
    let offer = move |text: String| {
        super::share::copy_text(&text, move |ok| copied.set(Some(ok)));
        copied.set(None);
        shared.set(Some(text));
    };
    view! {
        <details class="figure-tools" data-menu="export">
            <summary>"Share and export"</summary>
            <div class="menu" role="group" aria-label="Share and export">
                <button type="button" data-action="copy-link" data-figure=id on:click=move |_| offer(link())>"Copy link"</button>
                <button type="button" data-action="copy-embed" data-figure=id on:click=move |_| {
                    offer(super::share::embed_snippet(&embed(), &format!("Interactive figure: {id}")));
                }>"Copy embed code"</button>
                <button type="button" data-action="png" data-figure=id
                    on:click=move |_| super::share::download_png(id, Palette::for_scheme(prefers_dark()).background)>
                    "Download as PNG"
                </button>
                {exports}
            </div>
        </details>
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
    }
}
