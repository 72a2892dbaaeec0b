//! A figure's settings, declared once: the key it has in the URL, the label its control
//! shows, its range and default. The controls, the URL reader and writer, the notices
//! and "reset" all read the same declaration. Pure Rust, tested natively.

/// How a setting's slider moves between its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Evenly in the value.
    Linear,
    /// Evenly in the value's logarithm (for ranges over several decades).
    Log,
    /// In powers of two: each slider step doubles the value, and every value is a power
    /// of two (batch sizes).
    Doubling,
}

/// One option of a choice: its URL value and its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The value in the URL.
    pub key: &'static str,
    /// What the menu shows.
    pub label: &'static str,
}

/// What values a setting takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A number in `[min, max]`, snapped to multiples of `step` (0: not snapped) and shown
    /// with `digits` decimals.
    Number {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// The default.
        default: f64,
        /// Snapping step (0 for none).
        step: f64,
        /// How the slider moves.
        scale: Scale,
        /// Decimals shown.
        digits: usize,
    },
    /// A seed: a whole number in `[0, MAX_SEED]`, shown in a text field that commits on
    /// Enter or when it loses focus, beside a "New seed" button.
    Seed {
        /// The default.
        default: f64,
    },
    /// One of a few named options; the value is the option's index.
    Choice {
        /// The options.
        options: &'static [Choice],
        /// Index of the default option.
        default: usize,
    },
}

/// When a setting's control is shown: while setting `key` (a choice) has one of the
/// options `any_of` (by URL value). A hidden setting keeps its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    /// The choice setting it depends on.
    pub key: &'static str,
    /// The options of that choice for which this setting is shown.
    pub any_of: &'static [&'static str],
}

impl When {
    /// Whether the condition holds for `values` (one per setting of `settings`).
    pub fn holds(&self, settings: &[Setting], values: &[f64]) -> bool {
        let Some(i) = index_of(settings, self.key) else { return true };
        match settings[i].kind {
            Kind::Choice { options, .. } => {
                options.get(values[i] as usize).is_some_and(|o| self.any_of.contains(&o.key))
            }
            _ => true,
        }
    }
}

/// A setting of a figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setting {
    /// The key in the URL (written `<figure-id>.<key>`, or bare for a figure with bare
    /// keys) and the control's name.
    pub key: &'static str,
    /// The control's visible label.
    pub label: &'static str,
    /// Its values.
    pub kind: Kind,
    /// Whether links carry it (false for a pace or a view that is the reader's own).
    pub in_url: bool,
    /// When its control is shown (always if `None`).
    pub when: Option<When>,
}

/// Longest value read from a URL; anything longer is treated as malformed.
pub const MAX_VALUE_LEN: usize = 64;

/// The largest seed: 2⁵³, the largest whole number every JavaScript tool reads exactly.
pub const MAX_SEED: f64 = 9_007_199_254_740_992.0;

impl Setting {
    /// A number setting on a linear scale.
    pub const fn number(key: &'static str, label: &'static str, range: (f64, f64), default: f64, step: f64) -> Self {
        let digits = digits_for(step);
        Self {
            key,
            label,
            kind: Kind::Number { min: range.0, max: range.1, default, step, scale: Scale::Linear, digits },
            in_url: true,
            when: None,
        }
    }

    /// A number setting on a linear scale taken as it is (not snapped), shown with
    /// `digits` decimals; its slider moves in 200ths of the range.
    pub const fn linear(
        key: &'static str,
        label: &'static str,
        range: (f64, f64),
        default: f64,
        digits: usize,
    ) -> Self {
        Self {
            key,
            label,
            kind: Kind::Number { min: range.0, max: range.1, default, step: 0.0, scale: Scale::Linear, digits },
            in_url: true,
            when: None,
        }
    }

    /// A whole-number setting whose slider moves evenly in the logarithm (a count over
    /// several decades, such as a batch size).
    pub const fn log_count(key: &'static str, label: &'static str, range: (f64, f64), default: f64) -> Self {
        Self {
            key,
            label,
            kind: Kind::Number { min: range.0, max: range.1, default, step: 1.0, scale: Scale::Log, digits: 0 },
            in_url: true,
            when: None,
        }
    }

    /// A number setting on a log scale, shown with `digits` significant decimals.
    pub const fn log(key: &'static str, label: &'static str, range: (f64, f64), default: f64, digits: usize) -> Self {
        Self {
            key,
            label,
            kind: Kind::Number { min: range.0, max: range.1, default, step: 0.0, scale: Scale::Log, digits },
            in_url: true,
            when: None,
        }
    }

    /// A number setting that takes powers of two only, between powers of two `range`.
    pub const fn doubling(key: &'static str, label: &'static str, range: (f64, f64), default: f64) -> Self {
        Self {
            key,
            label,
            kind: Kind::Number { min: range.0, max: range.1, default, step: 0.0, scale: Scale::Doubling, digits: 0 },
            in_url: true,
            when: None,
        }
    }

    /// A choice among `options`.
    pub const fn choice(key: &'static str, label: &'static str, options: &'static [Choice], default: usize) -> Self {
        Self { key, label, kind: Kind::Choice { options, default }, in_url: true, when: None }
    }

    /// A seed (see [`Kind::Seed`]).
    pub const fn seed(key: &'static str, label: &'static str, default: u64) -> Self {
        Self { key, label, kind: Kind::Seed { default: default as f64 }, in_url: true, when: None }
    }

    /// The same setting, left out of links (a pace, a view that is the reader's own).
    pub const fn not_in_url(mut self) -> Self {
        self.in_url = false;
        self
    }

    /// The same setting, shown only while choice `key` has one of the options `any_of`.
    pub const fn shown_when(mut self, key: &'static str, any_of: &'static [&'static str]) -> Self {
        self.when = Some(When { key, any_of });
        self
    }

    /// Whether its control is shown for `values` (one per setting of `settings`).
    pub fn shown(&self, settings: &[Setting], values: &[f64]) -> bool {
        self.when.is_none_or(|w| w.holds(settings, values))
    }

    /// The default value (a number, or an option's index).
    pub fn default_value(&self) -> f64 {
        match self.kind {
            Kind::Number { default, .. } | Kind::Seed { default } => default,
            Kind::Choice { default, .. } => default as f64,
        }
    }

    /// The nearest valid value to `v`: clamped, snapped to the step, an option's index.
    pub fn valid(&self, v: f64) -> f64 {
        if !v.is_finite() {
            return self.default_value();
        }
        match self.kind {
            Kind::Number { min, max, scale: Scale::Doubling, .. } => {
                if v <= 0.0 {
                    return min;
                }
                libm::exp2(libm::log2(v).round()).clamp(min, max)
            }
            Kind::Number { min, max, step, .. } => {
                let snapped = if step > 0.0 { min + ((v - min) / step).round() * step } else { v };
                // Snapping can leave 0.30000000000000004: keep the digits the step has.
                let snapped = if step > 0.0 { round_to(snapped, digits_for(step)) } else { snapped };
                snapped.clamp(min, max)
            }
            Kind::Seed { .. } => v.trunc().clamp(0.0, MAX_SEED),
            Kind::Choice { options, .. } => v.round().clamp(0.0, options.len().saturating_sub(1) as f64),
        }
    }

    /// The value as the URL writes it.
    pub fn write(&self, v: f64) -> String {
        match self.kind {
            Kind::Number { .. } => format_number(v),
            Kind::Seed { .. } => format!("{}", v as u64),
            Kind::Choice { options, .. } => options.get(v as usize).map_or("", |o| o.key).to_string(),
        }
    }

    /// The value as a reader sees it (beside a slider, in a screen reader's words).
    pub fn show(&self, v: f64) -> String {
        match self.kind {
            Kind::Number { digits, scale, .. } => {
                if scale == Scale::Log && v.abs() >= 10f64.powi(digits as i32 + 1) {
                    format!("{v:.0}")
                } else {
                    format!("{v:.digits$}")
                }
            }
            Kind::Seed { .. } => format!("{}", v as u64),
            Kind::Choice { options, .. } => options.get(v as usize).map_or("", |o| o.label).to_string(),
        }
        .replace('-', "−")
    }

    /// Reads a URL value: the value to use and, if it had to be changed, a notice saying
    /// so. `name` is the key as the link wrote it (`seed`, or `claim.slope`), for the notice.
    pub fn read(&self, name: &str, raw: &str) -> (f64, Option<String>) {
        let t = raw.trim();
        match self.kind {
            Kind::Number { min, max, default, .. } => match t.parse::<f64>() {
                Ok(v) if v.is_finite() && t.len() <= MAX_VALUE_LEN => {
                    let c = self.valid(v);
                    if v < min || v > max {
                        (c, Some(format!("{name} {} is out of range; using {}.", shown(raw), format_number(c))))
                    } else {
                        (c, None)
                    }
                }
                _ => (
                    default,
                    Some(format!(
                        "{name} {} is not a number; using the default {}.",
                        shown(raw),
                        format_number(default)
                    )),
                ),
            },
            Kind::Seed { default } => read_seed(name, raw, default),
            Kind::Choice { options, default } => {
                let lower = t.to_ascii_lowercase();
                match options.iter().position(|o| o.key == lower) {
                    Some(i) => (i as f64, None),
                    None => {
                        let names: Vec<&str> = options.iter().map(|o| o.key).collect();
                        (
                            default as f64,
                            Some(format!(
                                "{name} {} is not one of {}; using the default.",
                                shown(raw),
                                names.join(", ")
                            )),
                        )
                    }
                }
            }
        }
    }

    /// The slider's position for value `v` (the logarithm on a log scale).
    pub fn to_slider(&self, v: f64) -> f64 {
        match self.kind {
            Kind::Number { scale: Scale::Log, .. } => v.max(f64::MIN_POSITIVE).log10(),
            Kind::Number { scale: Scale::Doubling, .. } => libm::log2(v.max(f64::MIN_POSITIVE)),
            _ => v,
        }
    }

    /// The value at slider position `x`, made valid.
    pub fn from_slider(&self, x: f64) -> f64 {
        match self.kind {
            // Two significant digits: a log slider's positions read as 0.25, 320, 1,000.
            Kind::Number { scale: Scale::Log, .. } => self.valid(round_significant(10f64.powf(x), 2)),
            Kind::Number { scale: Scale::Doubling, .. } => self.valid(libm::exp2(x)),
            _ => self.valid(x),
        }
    }

    /// The slider's (min, max, step).
    pub fn slider_range(&self) -> (f64, f64, f64) {
        match self.kind {
            Kind::Number { min, max, scale: Scale::Log, .. } => (min.log10(), max.log10(), 0.01),
            Kind::Number { min, max, scale: Scale::Doubling, .. } => (libm::log2(min), libm::log2(max), 1.0),
            Kind::Number { min, max, step, .. } => (min, max, if step > 0.0 { step } else { (max - min) / 200.0 }),
            Kind::Seed { .. } => (0.0, MAX_SEED, 1.0),
            Kind::Choice { options, .. } => (0.0, options.len().saturating_sub(1) as f64, 1.0),
        }
    }
}

/// Reads a seed: a whole number in `[0, MAX_SEED]`; anything else is clamped, rounded
/// or defaulted, with a notice.
fn read_seed(name: &str, raw: &str, default: f64) -> (f64, Option<String>) {
    let t = raw.trim();
    if t.len() <= MAX_VALUE_LEN && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return match t.parse::<u64>() {
            Ok(v) if v as f64 <= MAX_SEED && v <= 1 << 53 => (v as f64, None),
            _ => (
                MAX_SEED,
                Some(format!(
                    "{name} {} is larger than 2^53, the largest seed this page takes; using {}.",
                    shown(raw),
                    MAX_SEED as u64
                )),
            ),
        };
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && t.len() <= MAX_VALUE_LEN => {
            let c = v.round().clamp(0.0, MAX_SEED);
            (c, Some(format!("{name} {} is not a whole number in range; using {}.", shown(raw), c as u64)))
        }
        _ => (
            default,
            Some(format!("{name} {} is not a whole number; using the default {}.", shown(raw), default as u64)),
        ),
    }
}

/// The defaults of every setting, in order.
pub fn defaults(settings: &[Setting]) -> Vec<f64> {
    settings.iter().map(Setting::default_value).collect()
}

/// The index of setting `key` in `settings`.
pub fn index_of(settings: &[Setting], key: &str) -> Option<usize> {
    settings.iter().position(|s| s.key == key)
}

/// The decimals a step needs (0.05 → 2, 1 → 0).
const fn digits_for(step: f64) -> usize {
    let mut d = 0;
    let mut s = step;
    while d < 6 && s > 0.0 && s < 0.999_999 {
        s *= 10.0;
        d += 1;
    }
    d
}

fn round_to(v: f64, digits: usize) -> f64 {
    let p = 10f64.powi(digits as i32);
    (v * p).round() / p
}

/// `v` rounded to `n` significant digits.
fn round_significant(v: f64, n: usize) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let magnitude = v.abs().log10().floor() as i32;
    let p = 10f64.powi(n as i32 - 1 - magnitude);
    (v * p).round() / p
}

/// The shortest text that reads back as `v`.
pub fn format_number(v: f64) -> String {
    let s = format!("{v}");
    if s.len() > 12 {
        format!("{v:e}")
    } else {
        s
    }
}

/// Shows a value in a notice: short, and never markup.
pub fn shown(raw: &str) -> String {
    let clean: String = raw.chars().filter(|c| c.is_ascii_alphanumeric() || ".-+_".contains(*c)).take(24).collect();
    if clean.len() < raw.len() {
        format!("“{clean}…”")
    } else {
        format!("“{clean}”")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: [Choice; 2] = [Choice { key: "loop", label: "LOOP" }, Choice { key: "keep", label: "KEEP" }];

    #[test]
    fn numbers_snap_clamp_and_read_back() {
        let s = Setting::number("lr", "η", (0.01, 0.3), 0.05, 0.01);
        assert_eq!(s.valid(0.123), 0.12);
        assert_eq!(s.valid(5.0), 0.3);
        assert_eq!(s.valid(f64::NAN), 0.05);
        assert_eq!(s.read("r.lr", "0.3"), (0.3, None));
        let (v, n) = s.read("r.lr", "7");
        assert_eq!(v, 0.3);
        assert!(n.unwrap().contains("r.lr"));
        let (v, n) = s.read("r.lr", "<b>");
        assert_eq!(v, 0.05);
        assert!(!n.unwrap().contains('<'));
        assert_eq!(s.show(0.1), "0.10");
    }

    #[test]
    fn log_sliders_round_to_readable_values() {
        let s = Setting::log("beta", "β", (1.0, 1000.0), 80.0, 0);
        let (lo, hi, _) = s.slider_range();
        assert_eq!((lo, hi), (0.0, 3.0));
        assert_eq!(s.from_slider(s.to_slider(80.0)), 80.0);
        assert_eq!(s.from_slider(2.5), 320.0);
        assert_eq!(s.show(320.0), "320");
    }

    #[test]
    fn doubling_sliders_step_through_powers_of_two() {
        let s = Setting::doubling("batch", "B", (1.0, 256.0), 8.0);
        assert_eq!(s.slider_range(), (0.0, 8.0, 1.0));
        assert_eq!(s.to_slider(32.0), 5.0);
        assert_eq!(s.from_slider(5.0), 32.0);
        assert_eq!(s.valid(10.0), 8.0);
        assert_eq!(s.valid(0.0), 1.0);
        assert_eq!(s.read("m.batch", "10"), (8.0, None));
        let (v, n) = s.read("m.batch", "1000");
        assert_eq!(v, 256.0);
        assert!(n.is_some());
        assert_eq!(s.show(64.0), "64");
    }

    #[test]
    fn seeds_are_whole_numbers_up_to_two_to_the_53() {
        let s = Setting::seed("seed", "Seed", 42);
        assert_eq!(s.read("f.seed", "7"), (7.0, None));
        assert_eq!(s.read("f.seed", "9007199254740992"), (MAX_SEED, None));
        let (v, n) = s.read("f.seed", "18446744073709551615");
        assert_eq!(v, MAX_SEED);
        assert!(n.unwrap().contains("2^53"));
        assert_eq!(s.read("f.seed", "-3").0, 0.0);
        assert_eq!(s.read("f.seed", "NaN").0, 42.0);
        assert_eq!(s.write(9_007_199_254_740_991.0), "9007199254740991");
        assert_eq!(s.valid(3.7), 3.0);
    }

    #[test]
    fn conditions_follow_a_choice() {
        const A: [Choice; 2] = [Choice { key: "x", label: "X" }, Choice { key: "y", label: "Y" }];
        let settings =
            [Setting::choice("a", "A", &A, 0), Setting::number("b", "B", (0.0, 1.0), 0.5, 0.1).shown_when("a", &["y"])];
        assert!(!settings[1].shown(&settings, &[0.0, 0.5]));
        assert!(settings[1].shown(&settings, &[1.0, 0.5]));
        assert!(settings[0].shown(&settings, &[0.0, 0.5]));
    }

    #[test]
    fn choices_read_by_key() {
        let s = Setting::choice("rule", "Rule", &RULES, 0);
        assert_eq!(s.read("f.seed", "KEEP"), (1.0, None));
        assert_eq!(s.write(1.0), "keep");
        assert_eq!(s.show(0.0), "LOOP");
        let (v, n) = s.read("f.seed", "maybe");
        assert_eq!(v, 0.0);
        assert!(n.unwrap().contains("loop, keep"));
    }
}
