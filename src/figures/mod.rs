//! The article's figures. Each file is one figure and holds four things only: its
//! settings (one declaration each, see [`crate::settings`]), its simulation adapter (a
//! [`Sim`]), its charts (the wasm-only `axes` and `paint` of that adapter) and its words.
//! Everything else — the frame loop, visibility and reduced motion, resizing, themes,
//! URL state, reset, readouts, PNG and embed tools — is the kit's (`crate::kit`).
//!
//! The settings and the simulation are pure Rust, so the URL reader and the native
//! tests can drive every figure without a browser.

pub mod claim;
pub mod drift;
pub mod duel;
pub mod eta;
pub mod fitness;
pub mod ghosts;
pub mod glance;
pub mod limits;
pub mod minibatch;
pub mod regression;
pub mod spectrum;

use crate::settings::{Choice, Setting};
use crate::sim::selection::{AcceptanceKind, RuleKind};

/// The most units a link may ask a figure to replay at load (`t`).
pub const MAX_REPLAY_UNITS: u64 = crate::sim::duel::MAX_REPLAY_STEPS;

/// The first `n` acceptance rules of [`ACCEPTANCE_MENU`], for a figure that offers fewer.
pub const fn first_rules(n: usize) -> &'static [Choice] {
    ACCEPTANCE_MENU.split_at(n).0
}

/// The acceptance rules as a menu, in [`AcceptanceKind::ALL`]'s order (a menu's value
/// is the rule's index there; [`AcceptanceKind::at`] reads it back).
pub static ACCEPTANCE_MENU: [Choice; 4] = [
    rule_choice(AcceptanceKind::Logistic),
    rule_choice(AcceptanceKind::Metropolis),
    rule_choice(AcceptanceKind::Probit),
    rule_choice(AcceptanceKind::Kimura),
];

/// LOOP and KEEP as a menu, in [`RuleKind::ALL`]'s order ([`RuleKind::at`] reads it).
pub const STEP_RULE_MENU: [Choice; 2] = [
    Choice { key: RuleKind::Loop.key(), label: RuleKind::Loop.label() },
    Choice { key: RuleKind::Keep.key(), label: RuleKind::Keep.label() },
];

const fn rule_choice(kind: AcceptanceKind) -> Choice {
    Choice { key: kind.key(), label: kind.menu_label() }
}

/// The numbers a figure shows this frame: `(readout name, value)` pairs; the name
/// lacks the `<figure-id>.` prefix, and `None` means "not yet defined".
pub type Numbers = Vec<(&'static str, Option<f64>)>;

/// A figure's simulation, as the kit drives it.
pub trait Sim {
    /// Does one unit of work (a candidate, a step, a sample); false once there is
    /// nothing more to do, which stops the animation.
    fn step(&mut self) -> bool;

    /// Units of work per second while playing; infinite means "as many as each frame's
    /// time budget allows".
    fn rate(&self) -> f64 {
        f64::INFINITY
    }

    /// Units of work done at once for the still shown to readers who ask for reduced
    /// motion (and in an embed before it plays).
    fn still_units(&self) -> u64 {
        200
    }

    /// The numbers shown now.
    fn numbers(&self, out: &mut Numbers);

    /// Why the run stopped, if a reader must be told (it diverged, it hit a cap).
    fn status(&self) -> Option<String> {
        None
    }

    /// What chart `chart` shows now, in words, for its text alternative (read after the
    /// chart's label; refreshed every few seconds), e.g. "on a line, r = 1.00".
    fn describe(&self, _chart: usize) -> Option<String> {
        None
    }

    /// Takes new values without starting again, where a setting changes only how the
    /// run is shown or paced (a view, a speed); returns false to be rebuilt instead.
    fn retune(&mut self, _values: &[f64]) -> bool {
        false
    }

    /// Does action `key` (one of the figure's [`Action`]s); it may change `values` (one
    /// per setting), and says what the kit must do next.
    fn act(&mut self, _key: &str, _values: &mut [f64]) -> ActOutcome {
        ActOutcome::Nothing
    }

    /// Called after each frame's work: whether chart `chart`'s base (its axes or its
    /// theory curves) must be drawn again because the run outgrew it.
    fn refresh(&mut self, _chart: usize) -> Redraw {
        Redraw::Nothing
    }

    /// The reader clicked or tapped chart `chart` at data point (x, y); returns true if
    /// the figure changed (the kit then repaints it whole).
    fn click(&mut self, _chart: usize, _x: f64, _y: f64) -> bool {
        false
    }

    /// The settings a click or tap on chart `chart` at data point (x, y) sets, as
    /// `(setting key, value)` pairs — a point the reader picks, such as a centre or a
    /// start. The kit applies them as the controls would (made valid, written to the URL,
    /// retuned or rebuilt); a figure that picks nothing returns none and gets [`Sim::click`].
    fn picks(&self, _chart: usize, _x: f64, _y: f64) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Whether chart `chart`'s x and y axes are on log scales (its ranges, curves and
    /// marks stay in data units).
    fn log_scale(&self, _chart: usize) -> (bool, bool) {
        (false, false)
    }

    /// The axes and static curves (theory, contours) of chart `chart`, drawn under the data.
    #[cfg(target_arch = "wasm32")]
    fn axes(&self, chart: usize, palette: &crate::charts::Palette) -> crate::charts::plane::Base;

    /// Draws chart `chart`'s data; `full` after the base was redrawn (resize, theme,
    /// restart), so everything must be drawn again; otherwise only what changed.
    #[cfg(target_arch = "wasm32")]
    fn paint(&mut self, chart: usize, paint: &mut crate::charts::Paint<'_>, full: bool);
}

/// Readout `name` among `out`.
pub fn reading(out: &Numbers, name: &str) -> Option<f64> {
    out.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v)
}

/// A number in a chart's text alternative: `digits` decimals with a real minus sign, or
/// "not yet measured" when it is undefined (never "NaN" or "inf").
pub fn said(v: Option<f64>, digits: usize) -> String {
    match v.filter(|x| x.is_finite()) {
        Some(x) => {
            let t = format!("{x:.digits$}");
            // −0.00 reads as 0.00.
            if t.bytes().all(|b| matches!(b, b'-' | b'0' | b'.')) {
                t.replace('-', "")
            } else {
                t.replace('-', "−")
            }
        }
        None => "not yet measured".to_string(),
    }
}

/// How a cloud of points with correlation `r` looks.
pub fn shape_of(r: f64) -> &'static str {
    if r.abs() > 0.95 {
        "on a line"
    } else if r.abs() < 0.2 {
        "a round cloud"
    } else {
        "an elongated cloud"
    }
}

/// `template` with the figure's current numbers in place of `{name}` or `{name:digits}`
/// (as in [`FigureDef::stats`]), for [`Sim::describe`]; an unknown name is left as
/// `{name?}`, which the tests catch.
pub fn words(sim: &dyn Sim, template: &str) -> String {
    let mut out = Numbers::new();
    sim.numbers(&mut out);
    let mut text = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            text.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let field = &rest[open + 1..open + close];
        let (name, digits) = match field.split_once(':') {
            Some((n, d)) => (n, d.parse().unwrap_or(2)),
            None => (field, 2),
        };
        match out.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => text.push_str(&said(*v, digits)),
            None => {
                text.push('{');
                text.push_str(name);
                text.push_str("?}");
            }
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    text
}

/// What the kit does after an action.
#[derive(Clone, Debug, PartialEq)]
pub enum ActOutcome {
    /// Nothing changed.
    Nothing,
    /// The values changed: start a new run with them.
    Restart,
    /// The run moved on by this many units: pause, count them and repaint.
    Ran(u64),
    /// The run changed otherwise: repaint it whole.
    Repaint,
    /// A file for the reader to download.
    Download {
        /// Its name.
        filename: String,
        /// Its MIME type.
        mime: &'static str,
        /// Its contents.
        text: String,
    },
}

/// What a chart needs drawn again after a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redraw {
    /// Only what is new.
    Nothing,
    /// The base (axes, theory curves) on the same axes; the data stays.
    Base,
    /// Everything: the axes changed.
    All,
}

/// A button of a figure (`data-action="<key>"`), done by [`Sim::act`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// Its `data-action` name.
    pub key: &'static str,
    /// Its label.
    pub label: &'static str,
    /// The group it is shown in (a [`Group`]'s index), the toolbar if `None`, or the
    /// export menu ([`EXPORT_MENU`]).
    pub group: Option<usize>,
}

/// The [`Action::group`] of an action offered in the figure's export menu (beside copy
/// link, embed code and PNG) rather than in its toolbar, e.g. a data download.
pub const EXPORT_MENU: Option<usize> = Some(usize::MAX);

/// A named set of values (`?preset=<key>` for a figure with bare keys, otherwise
/// `<id>.preset=<key>`), offered in a menu.
#[derive(Clone, Copy, Debug)]
pub struct Scene {
    /// Its URL value.
    pub key: &'static str,
    /// Its name in the menu.
    pub label: &'static str,
    /// One line shown in the figure while it is active: what to notice.
    pub notice: &'static str,
    /// Sets the scene's values, starting from the defaults.
    pub apply: fn(&mut [f64]),
}

/// A group of settings, shown as a fieldset inside the figure's "Parameters" details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    /// Its legend.
    pub label: &'static str,
    /// A class for its colour key (e.g. a model's), or "".
    pub class: &'static str,
    /// The keys of its settings, in order.
    pub keys: &'static [&'static str],
}

/// One chart of a figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartDef {
    /// The canvas's `data-chart` name (unique on the page).
    pub name: &'static str,
    /// What it shows, for every reader (also the canvas's text alternative).
    pub label: &'static str,
    /// Height over width of its box (its axes keep equal units when they share them).
    pub aspect: f64,
    /// A class for its box and its label's colour key (e.g. a model's), or "".
    pub class: &'static str,
}

/// A figure: everything the kit needs to build it.
pub struct FigureDef {
    /// Its id: the `<figure>`'s id, the URL prefix of its keys, the embed name.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its settings, in the order the controls show them.
    pub settings: &'static [Setting],
    /// Its charts.
    pub charts: &'static [ChartDef],
    /// The numbers it shows, as text with `{name}` or `{name:digits}` where readout
    /// `<id>.<name>` goes; a blank line starts a new paragraph.
    pub stats: &'static str,
    /// One sentence in body text beside the figure: what to see in it.
    pub takeaway: &'static str,
    /// The caption (static HTML): how to read the marks, and the detail.
    pub caption: &'static str,
    /// Builds the simulation for a set of valid values (one per setting).
    pub build: fn(&[f64]) -> Box<dyn Sim>,
    /// Its keys are written without the `<id>.` prefix (the page's own, older keys), and
    /// it writes every key and the format version `v` whenever it writes the URL.
    pub bare_keys: bool,
    /// Its run is deterministic: when paused, the units done are written to the URL
    /// (`t`, or `<id>.t`), and a link with them replays that many and starts paused.
    pub replay: bool,
    /// Named scenes, offered in a menu (none: no menu).
    pub scenes: &'static [Scene],
    /// Buttons beside play and reset, done by [`Sim::act`].
    pub actions: &'static [Action],
    /// Settings grouped in fieldsets under "Parameters" (the rest are in the toolbar).
    pub groups: &'static [Group],
    /// A class for the box of its charts (a grid layout), or "" for the default.
    pub layout: &'static str,
}

impl FigureDef {
    /// The URL key of setting or state `key`: bare, or `<id>.<key>`.
    pub fn url_key(&self, key: &str) -> String {
        if self.bare_keys {
            key.to_string()
        } else {
            format!("{}.{key}", self.id)
        }
    }

    /// The values of scene `key` (from the defaults, keeping `seeds`' seed settings);
    /// `None` for an unknown scene.
    pub fn scene_values(&self, key: &str, current: &[f64]) -> Option<Vec<f64>> {
        let scene = self.scenes.iter().find(|s| s.key == key)?;
        let mut v = crate::settings::defaults(self.settings);
        (scene.apply)(&mut v);
        self.keep_own(&mut v, current);
        Some(v)
    }

    /// Copies the settings a scene or "defaults" leaves alone (seeds, and settings not
    /// in the URL) from `current` into `v`.
    pub fn keep_own(&self, v: &mut [f64], current: &[f64]) {
        for (i, s) in self.settings.iter().enumerate() {
            if matches!(s.kind, crate::settings::Kind::Seed { .. }) || !s.in_url {
                v[i] = current[i];
            }
        }
    }

    /// The scene `values` are in, if any (seeds and settings not in the URL aside).
    pub fn scene_of(&self, values: &[f64]) -> Option<&'static Scene> {
        self.scenes.iter().find(|s| self.scene_values(s.key, values).is_some_and(|v| v == values))
    }
}

impl FigureDef {
    /// What most figures leave as it is: prefixed URL keys, no replay, scenes, actions,
    /// groups or layout. A figure starts from it with `..FigureDef::PLAIN`.
    pub const PLAIN: FigureDef = FigureDef {
        id: "",
        title: "",
        settings: &[],
        charts: &[],
        stats: "",
        takeaway: "",
        caption: "",
        build: |_| unreachable_sim(),
        bare_keys: false,
        replay: false,
        scenes: &[],
        actions: &[],
        groups: &[],
        layout: "",
    };
}

/// The simulation of [`FigureDef::PLAIN`], which every figure replaces with its own.
fn unreachable_sim() -> Box<dyn Sim> {
    struct Nothing;
    impl Sim for Nothing {
        fn step(&mut self) -> bool {
            false
        }
        fn numbers(&self, _: &mut Numbers) {}
        #[cfg(target_arch = "wasm32")]
        fn axes(&self, _: usize, _: &crate::charts::Palette) -> crate::charts::plane::Base {
            use crate::charts::plane::{Axes, Base};
            Base {
                axes: Axes { x: (0.0, 1.0), y: (0.0, 1.0), x_label: "", y_label: "" },
                curves: Vec::new(),
                equal: false,
            }
        }
        #[cfg(target_arch = "wasm32")]
        fn paint(&mut self, _: usize, _: &mut crate::charts::Paint<'_>, _: bool) {}
    }
    Box::new(Nothing)
}

/// Every figure made with the kit, in page order.
pub static ALL: [&FigureDef; 11] = [
    &glance::FIGURE,
    &claim::FIGURE,
    &minibatch::FIGURE,
    &duel::FIGURE,
    &eta::FIGURE,
    &ghosts::FIGURE,
    &regression::FIGURE,
    &drift::FIGURE,
    &fitness::FIGURE,
    &limits::FIGURE,
    &spectrum::FIGURE,
];

/// The figure with id `id`.
pub fn by_id(id: &str) -> Option<&'static FigureDef> {
    ALL.iter().copied().find(|f| f.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::defaults;

    /// Every figure builds at its defaults and at both ends of every setting, steps, and
    /// shows only finite numbers.
    #[test]
    fn every_figure_runs_at_its_extremes() {
        for fig in ALL {
            let base = defaults(fig.settings);
            let mut cases = vec![base.clone()];
            for (i, s) in fig.settings.iter().enumerate() {
                let (lo, hi, _) = s.slider_range();
                for x in [lo, hi] {
                    let mut v = base.clone();
                    v[i] = s.from_slider(x);
                    cases.push(v);
                }
            }
            for values in cases {
                let mut sim = (fig.build)(&values);
                for _ in 0..500 {
                    if !sim.step() {
                        break;
                    }
                }
                let mut out = Numbers::new();
                sim.numbers(&mut out);
                for (name, v) in out {
                    assert!(v.is_none_or(f64::is_finite), "{}.{name} = {v:?} at {values:?}", fig.id);
                }
            }
        }
    }

    /// A chart's text alternative: present, with a number, and no NaN, infinity or
    /// unknown readout.
    fn check_words(fig: &FigureDef, chart: usize, words: Option<String>, values: &[f64]) -> String {
        let w = words.unwrap_or_else(|| panic!("{} chart {chart} has no description at {values:?}", fig.id));
        assert!(!w.trim().is_empty(), "{} chart {chart}: empty description", fig.id);
        assert!(w.chars().any(|c| c.is_ascii_digit()), "{} chart {chart}: no number in {w:?}", fig.id);
        let lower = w.to_lowercase();
        for bad in ["nan", "inf", "{", "}"] {
            assert!(!lower.contains(bad), "{} chart {chart}: {bad:?} in {w:?} at {values:?}", fig.id);
        }
        w
    }

    /// Every chart of every figure says what it shows in words with live numbers (its
    /// text alternative), at its defaults and at the ends of every setting, and the words
    /// follow the run: some chart of each figure reads differently after it has run.
    #[test]
    fn every_chart_describes_itself_with_finite_numbers() {
        for fig in ALL {
            let base = defaults(fig.settings);
            let mut sim = (fig.build)(&base);
            sim.step();
            // Before there is anything to measure a chart may keep its plain label.
            let early: Vec<Option<String>> = (0..fig.charts.len()).map(|c| sim.describe(c)).collect();
            for (c, w) in early.iter().enumerate() {
                if w.is_some() {
                    check_words(fig, c, w.clone(), &base);
                }
            }
            for _ in 0..300 {
                if !sim.step() {
                    break;
                }
            }
            let late: Vec<Option<String>> =
                (0..fig.charts.len()).map(|c| Some(check_words(fig, c, sim.describe(c), &base))).collect();
            assert_ne!(early, late, "{}: no chart's description changed as the run went on", fig.id);
            for (i, s) in fig.settings.iter().enumerate() {
                let (lo, hi, _) = s.slider_range();
                for x in [lo, hi] {
                    let mut v = base.clone();
                    v[i] = s.from_slider(x);
                    let mut sim = (fig.build)(&v);
                    for _ in 0..50 {
                        if !sim.step() {
                            break;
                        }
                    }
                    for c in 0..fig.charts.len() {
                        check_words(fig, c, sim.describe(c), &v);
                    }
                }
            }
        }
    }

    /// Seeded random combinations of every figure's settings — anywhere on each slider,
    /// at its ends, or a wild value made valid as a link's would be (±1e300, 0, 4096, NaN)
    /// — build, run, and show only finite numbers, statuses and descriptions, with no panic.
    /// The slowest single unit of work is printed (run with `--nocapture`): the frame loop
    /// cannot split one.
    #[test]
    fn random_settings_give_finite_runs() {
        use rand::{RngExt, SeedableRng};
        const CASES: usize = 24;
        const WILD: [f64; 9] = [1e300, -1e300, 0.0, -0.0, 4096.0, -1.0, 1e-300, f64::NAN, f64::INFINITY];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for fig in ALL {
            let mut slowest = (std::time::Duration::ZERO, Vec::new());
            for _ in 0..CASES {
                let values: Vec<f64> = fig
                    .settings
                    .iter()
                    .map(|s| {
                        let (lo, hi, _) = s.slider_range();
                        match rng.random_range(0..10) {
                            0..6 => s.from_slider(lo + (hi - lo) * rng.random::<f64>()),
                            6 | 7 => s.from_slider(if rng.random() { lo } else { hi }),
                            _ => s.valid(WILD[rng.random_range(0..WILD.len())]),
                        }
                    })
                    .collect();
                for (s, x) in fig.settings.iter().zip(&values) {
                    assert_eq!(s.valid(*x), *x, "{}.{} = {x} is not valid", fig.id, s.key);
                }
                let mut sim = (fig.build)(&values);
                for _ in 0..120 {
                    let t = std::time::Instant::now();
                    let more = sim.step();
                    if t.elapsed() > slowest.0 {
                        slowest = (t.elapsed(), values.clone());
                    }
                    if !more {
                        break;
                    }
                }
                let mut out = Numbers::new();
                sim.numbers(&mut out);
                for (name, v) in out {
                    assert!(v.is_none_or(f64::is_finite), "{}.{name} = {v:?} at {values:?}", fig.id);
                }
                if let Some(st) = sim.status() {
                    let lower = st.to_lowercase();
                    assert!(!lower.contains("nan") && !lower.contains("inf"), "{}: status {st:?}", fig.id);
                }
                for c in 0..fig.charts.len() {
                    if let Some(w) = sim.describe(c) {
                        check_words(fig, c, Some(w), &values);
                    }
                }
            }
            println!("{}: slowest unit of work {:?} at {:?}", fig.id, slowest.0, slowest.1);
        }
    }

    #[test]
    fn words_fill_a_template_and_mark_unknown_names() {
        struct Two;
        impl Sim for Two {
            fn step(&mut self) -> bool {
                false
            }
            fn numbers(&self, out: &mut Numbers) {
                out.extend([("a", Some(-1.2345)), ("b", None), ("c", Some(f64::NAN)), ("z", Some(-0.0001))]);
            }
            #[cfg(target_arch = "wasm32")]
            fn axes(&self, _: usize, _: &crate::charts::Palette) -> crate::charts::plane::Base {
                unreachable!()
            }
            #[cfg(target_arch = "wasm32")]
            fn paint(&mut self, _: usize, _: &mut crate::charts::Paint<'_>, _: bool) {}
        }
        assert_eq!(
            words(&Two, "a {a:1}, b {b}, c {c:3}, z {z:2}"),
            "a −1.2, b not yet measured, c not yet measured, z 0.00"
        );
        assert_eq!(words(&Two, "{d:2} and {a"), "{d?} and {a");
    }

    #[test]
    fn ids_and_keys_are_unique_and_stats_name_real_readouts() {
        for (i, f) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|g| g.id != f.id), "{}", f.id);
            for (j, s) in f.settings.iter().enumerate() {
                assert!(f.settings[..j].iter().all(|t| t.key != s.key), "{}.{}", f.id, s.key);
            }
            let mut out = Numbers::new();
            (f.build)(&defaults(f.settings)).numbers(&mut out);
            for name in placeholders(f.stats) {
                assert!(out.iter().any(|(n, _)| *n == name), "{} stats name {name}, which it never reports", f.id);
            }
        }
    }

    /// Every scene gives valid values, and scenes differ from each other.
    #[test]
    fn scenes_are_valid_and_recognised() {
        for f in ALL {
            let d = defaults(f.settings);
            for sc in f.scenes {
                let v = f.scene_values(sc.key, &d).unwrap();
                for (s, x) in f.settings.iter().zip(&v) {
                    assert_eq!(s.valid(*x), *x, "{}.{} in scene {}", f.id, s.key, sc.key);
                }
                assert_eq!(f.scene_of(&v).map(|s| s.key), Some(sc.key), "{} scene {}", f.id, sc.key);
            }
        }
    }

    fn placeholders(template: &str) -> Vec<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .map(|p| p.split(':').next().unwrap_or(p))
            .collect()
    }
}
