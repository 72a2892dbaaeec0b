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
pub mod eta;
pub mod fitness;
pub mod ghosts;
pub mod glance;
pub mod limits;
pub mod minibatch;
pub mod regression;

use crate::settings::Setting;

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

/// One chart of a figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartDef {
    /// The canvas's `data-chart` name (unique on the page).
    pub name: &'static str,
    /// What it shows, for every reader (also the canvas's text alternative).
    pub label: &'static str,
    /// Height over width of its box (its axes keep equal units when they share them).
    pub aspect: f64,
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
}

/// Every figure made with the kit, in page order.
pub static ALL: [&FigureDef; 9] = [
    &glance::FIGURE,
    &claim::FIGURE,
    &minibatch::FIGURE,
    &eta::FIGURE,
    &ghosts::FIGURE,
    &regression::FIGURE,
    &drift::FIGURE,
    &fitness::FIGURE,
    &limits::FIGURE,
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

    fn placeholders(template: &str) -> Vec<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .map(|p| p.split(':').next().unwrap_or(p))
            .collect()
    }
}
