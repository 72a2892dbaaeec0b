//! The page's state in the URL's query string, both ways, with validation.
//!
//! Reading never fails: unknown keys are ignored, out-of-range numbers are clamped,
//! malformed values fall back to the default, and every change is described in a
//! notice the page shows. Pure Rust, tested natively.

use crate::figures::{self, FigureDef, MAX_REPLAY_UNITS};
use crate::settings::{defaults, shown, Setting};

/// The version of the link format written by this build.
pub const FORMAT_VERSION: u32 = 1;

/// Longest value read; anything longer is treated as malformed.
const MAX_VALUE_LEN: usize = 64;

/// Older names of bare keys, still read: (old, current).
const ALIASES: [(&str, &str); 1] = [("population", "N")];

/// What a query string asked for, made valid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageState {
    /// `?embed=<figure-id>`: show that figure alone.
    pub embed: Option<String>,
    /// The figures' values read from their keys (one valid value per setting), for each
    /// figure that had any key (or a scene) in the link.
    pub figures: Vec<(&'static str, Vec<f64>)>,
    /// Units to replay at load (`t` or `<id>.t`), for figures that replay; a figure
    /// listed here also starts paused.
    pub replay: Vec<(&'static str, u64)>,
}

impl PageState {
    /// Figure `def`'s values: from the link, or its defaults.
    pub fn values_for(&self, def: &FigureDef) -> Vec<f64> {
        self.figures.iter().find(|(id, _)| *id == def.id).map_or_else(|| defaults(def.settings), |(_, v)| v.clone())
    }

    /// The units figure `def` replays at load, if the link asked for any.
    pub fn replay_for(&self, def: &FigureDef) -> Option<u64> {
        self.replay.iter().find(|(id, _)| *id == def.id).map(|(_, t)| *t)
    }

    fn values_mut(&mut self, def: &'static FigureDef) -> &mut Vec<f64> {
        let i = match self.figures.iter().position(|(id, _)| *id == def.id) {
            Some(i) => i,
            None => {
                self.figures.push((def.id, defaults(def.settings)));
                self.figures.len() - 1
            }
        };
        &mut self.figures[i].1
    }
}

/// What a key names: a setting of a figure, a figure's replay count or scene.
enum Target {
    Setting(&'static FigureDef, usize),
    Replay(&'static FigureDef),
    Scene(&'static FigureDef),
}

/// The figure key `key` names: bare keys belong to figures with bare keys, the rest are
/// `<figure-id>.<key>`.
fn target(key: &str) -> Option<Target> {
    let (fig, k): (&'static FigureDef, &str) = match key.split_once('.') {
        Some((id, k)) => (figures::by_id(id).filter(|f| !f.bare_keys)?, k),
        None => {
            let k = ALIASES.iter().find(|(old, _)| *old == key).map_or(key, |(_, new)| new);
            let f = figures::ALL.iter().copied().find(|f| f.bare_keys && named(f, k))?;
            (f, k)
        }
    };
    if k == "t" && fig.replay {
        return Some(Target::Replay(fig));
    }
    if k == "preset" && !fig.scenes.is_empty() {
        return Some(Target::Scene(fig));
    }
    let i = fig.settings.iter().position(|s: &Setting| s.key == k && s.in_url)?;
    Some(Target::Setting(fig, i))
}

/// Whether figure `f` has a key `k` (a setting in the URL, `t` or `preset`).
fn named(f: &FigureDef, k: &str) -> bool {
    (k == "t" && f.replay)
        || (k == "preset" && !f.scenes.is_empty())
        || f.settings.iter().any(|s| s.key == k && s.in_url)
}

/// The query keys and values that reproduce figure `def` at `values` (and, paused, at
/// `t` units): a figure with bare keys writes every key, the others only the values
/// that differ from the defaults.
pub fn figure_pairs(def: &FigureDef, values: &[f64], t: Option<u64>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (s, v) in def.settings.iter().zip(values) {
        if s.in_url && (def.bare_keys || *v != s.default_value()) {
            out.push((def.url_key(s.key), s.write(*v)));
        }
    }
    if let (Some(t), true) = (t, def.replay) {
        out.push((def.url_key("t"), t.to_string()));
    }
    out
}

/// The query string (with leading `?`) that reproduces figure `def` at `values` and
/// `t`, led by the format version.
pub fn figure_link(def: &FigureDef, values: &[f64], t: Option<u64>) -> String {
    let mut q = format!("?v={FORMAT_VERSION}");
    for (k, v) in figure_pairs(def, values, t) {
        q.push_str(&format!("&{k}={v}"));
    }
    q
}

/// The query string (with leading `?`) that reproduces `state`.
pub fn to_query(state: &PageState) -> String {
    let mut q = format!("?v={FORMAT_VERSION}");
    for (id, values) in &state.figures {
        let Some(def) = figures::by_id(id) else { continue };
        for (k, v) in figure_pairs(def, values, None) {
            q.push_str(&format!("&{k}={v}"));
        }
    }
    for (id, t) in &state.replay {
        let Some(def) = figures::by_id(id) else { continue };
        q.push_str(&format!("&{}={t}", def.url_key("t")));
    }
    if let Some(e) = &state.embed {
        q.push_str(&format!("&embed={e}"));
    }
    q
}

/// The result of reading a query string: a valid state and what had to be changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The state to use.
    pub state: PageState,
    /// One sentence per change made to what the link asked for.
    pub notices: Vec<String>,
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

struct Reader {
    notices: Vec<String>,
}

impl Reader {
    fn count(&mut self, key: &str, raw: &str, lo: u64, hi: u64, default: u64) -> u64 {
        let t = raw.trim();
        if t.len() <= MAX_VALUE_LEN && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            match t.parse::<u64>() {
                Ok(v) if (lo..=hi).contains(&v) => v,
                Ok(v) => {
                    let c = v.clamp(lo, hi);
                    self.notices.push(format!("{key} {} is out of range; using {c}.", shown(raw)));
                    c
                }
                Err(_) => {
                    self.notices.push(format!("{key} {} is too large; using {hi}.", shown(raw)));
                    hi
                }
            }
        } else {
            // A number with a fraction or exponent is rounded if it is in range.
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() && t.len() <= MAX_VALUE_LEN => {
                    let c = v.round().clamp(lo as f64, hi as f64) as u64;
                    self.notices.push(format!("{key} {} is not a whole number in range; using {c}.", shown(raw)));
                    c
                }
                _ => {
                    self.notices
                        .push(format!("{key} {} is not a whole number; using the default {default}.", shown(raw)));
                    default
                }
            }
        }
    }
}

/// Reads a query string (with or without the leading `?`). Never fails.
pub fn parse(query: &str) -> Parsed {
    let mut state = PageState::default();
    let mut r = Reader { notices: Vec::new() };
    let q = query.strip_prefix('?').unwrap_or(query);
    let mut pairs = Vec::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match (percent_decode(k), percent_decode(v)) {
            (Some(key), Some(raw)) => pairs.push((key, raw)),
            _ => r.notices.push("A part of the link could not be read and was ignored.".into()),
        }
    }
    // A scene sets a figure's values first; explicit keys after it still apply.
    for (key, raw) in &pairs {
        let Some(Target::Scene(def)) = target(key) else { continue };
        let current = state.values_for(def);
        match def.scene_values(raw.trim(), &current) {
            Some(v) => *state.values_mut(def) = v,
            None => r.notices.push(format!(
                "{} {} is not one of the scenes; using the defaults.",
                def.url_key("preset"),
                shown(raw)
            )),
        }
    }
    for (key, raw) in pairs {
        match key.as_str() {
            "v" => {
                let v = r.count("v", &raw, 1, u64::from(u32::MAX), u64::from(FORMAT_VERSION));
                if v > u64::from(FORMAT_VERSION) {
                    r.notices.push(format!(
                        "This link was made by a newer version of the page (format {v}); it was read as format {FORMAT_VERSION} and may not replay exactly."
                    ));
                }
            }
            "embed" => {
                let ok = !raw.is_empty()
                    && raw.len() <= MAX_VALUE_LEN
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if ok {
                    state.embed = Some(raw);
                } else {
                    r.notices.push(format!("embed {} is not a figure name; showing the whole page.", shown(&raw)));
                }
            }
            // A figure's key; unknown keys are ignored.
            _ => match target(&key) {
                Some(Target::Setting(def, i)) => {
                    let s = &def.settings[i];
                    // The notice names the key as the link wrote it.
                    let (v, notice) = s.read(&def.url_key(s.key), &raw);
                    r.notices.extend(notice);
                    state.values_mut(def)[i] = v;
                }
                Some(Target::Replay(def)) => {
                    let t = r.count(&def.url_key("t"), &raw, 0, MAX_REPLAY_UNITS, 0);
                    match state.replay.iter_mut().find(|(id, _)| *id == def.id) {
                        Some(x) => x.1 = t,
                        None => state.replay.push((def.id, t)),
                    }
                }
                Some(Target::Scene(_)) | None => {}
            },
        }
    }
    Parsed { state, notices: r.notices }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::duel::SETTINGS as DUEL;
    use crate::settings::{index_of, MAX_SEED};

    fn duel() -> &'static FigureDef {
        figures::by_id("duel").unwrap()
    }

    fn duel_value(state: &PageState, key: &str) -> f64 {
        state.values_for(duel())[index_of(&DUEL, key).unwrap()]
    }

    #[test]
    fn round_trip() {
        let q = "?v=1&seed=9007199254740991&batch=64&lr=0.03&rho=-0.25&z=gaussian&sigma=0.2&mutation=ball&acceptance=kimura&beta=3.5&N=12&rule=keep&judge=batch&t=300&embed=duel";
        let parsed = parse(q);
        assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
        assert_eq!(duel_value(&parsed.state, "seed"), 9_007_199_254_740_991.0);
        assert_eq!(duel_value(&parsed.state, "N"), 12.0);
        assert_eq!(duel_value(&parsed.state, "rho"), -0.25);
        assert_eq!(parsed.state.replay_for(duel()), Some(300));
        assert_eq!(parsed.state.embed.as_deref(), Some("duel"));
        assert_eq!(to_query(&parsed.state), q);
        assert_eq!(parse(&to_query(&parsed.state)), parsed);
    }

    #[test]
    fn empty_query_is_defaults() {
        assert_eq!(parse(""), Parsed { state: PageState::default(), notices: vec![] });
        assert_eq!(parse("?").state, PageState::default());
        assert_eq!(parse("").state.values_for(duel()), defaults(&DUEL));
    }

    #[test]
    fn population_is_read_as_n() {
        let p = parse("?population=12");
        assert!(p.notices.is_empty());
        assert_eq!(duel_value(&p.state, "N"), 12.0);
    }

    #[test]
    fn hostile_values_are_clamped_or_defaulted_with_notices() {
        let p = parse("?lr=1e308&rho=NaN&batch=0&seed=-3&beta=%3Cscript%3E&z=maybe&t=99999999999&unknown=1");
        let s = &p.state;
        assert_eq!(duel_value(s, "lr"), 10.0);
        assert_eq!(duel_value(s, "rho"), 1.0);
        assert_eq!(duel_value(s, "batch"), 1.0);
        assert_eq!(duel_value(s, "seed"), 0.0, "a negative seed is clamped to 0");
        assert_eq!(duel_value(s, "beta"), 80.0);
        assert_eq!(s.replay_for(duel()), Some(MAX_REPLAY_UNITS));
        assert_eq!(p.notices.len(), 7, "{:?}", p.notices);
        assert!(p.notices.iter().all(|n| !n.contains('<')));
        assert!(p.notices.iter().any(|n| n.starts_with("lr ")), "bare keys are named bare: {:?}", p.notices);
        let huge = format!("?sigma={}", "9".repeat(100_000));
        let p = parse(&huge);
        assert_eq!(duel_value(&p.state, "sigma"), 0.05);
        assert!(p.notices[0].len() < 200);
    }

    #[test]
    fn seeds_above_two_to_the_53_say_so() {
        let p = parse("?seed=18446744073709551615");
        assert_eq!(duel_value(&p.state, "seed"), MAX_SEED);
        assert!(p.notices[0].contains("2^53"), "{:?}", p.notices);
    }

    #[test]
    fn presets_apply_and_explicit_keys_override() {
        let p = parse("?preset=partly-correlated&seed=9");
        assert!(p.notices.is_empty());
        assert_eq!(duel_value(&p.state, "rho"), 0.5);
        assert_eq!(duel_value(&p.state, "seed"), 9.0);
        let p = parse("?seed=9&preset=partly-correlated");
        assert_eq!(duel_value(&p.state, "seed"), 9.0, "a scene keeps the seed wherever it stands");
        let p = parse("?preset=keep&rule=loop");
        assert_eq!(duel_value(&p.state, "rule"), 0.0);
        assert_eq!(parse("?preset=nope").notices.len(), 1);
        for sc in duel().scenes {
            let v = duel().scene_values(sc.key, &defaults(&DUEL)).unwrap();
            let state = PageState { figures: vec![("duel", v.clone())], ..PageState::default() };
            assert_eq!(parse(&to_query(&state)).state.values_for(duel()), v, "{} round-trips", sc.key);
            assert_eq!(parse(&format!("?preset={}", sc.key)).state.values_for(duel()), v);
        }
    }

    #[test]
    fn figure_keys_are_read_with_their_declarations_and_round_trip() {
        let p = parse("?claim.slope=2&claim.beta=1e9&claim.sigma=x&claim.nope=1&nofigure.k=2&duel.seed=3");
        let claim = figures::by_id("claim").unwrap();
        let v = p.state.values_for(claim);
        assert_eq!(v[0], 2.0);
        assert_eq!(v[2], 1000.0, "β is clamped to its range");
        assert_eq!(v[1], claim.settings[1].default_value());
        assert_eq!(p.notices.len(), 2, "{:?}", p.notices);
        assert!(p.notices.iter().any(|n| n.contains("claim.beta")));
        assert_eq!(duel_value(&p.state, "seed"), 42.0, "a bare-key figure has no prefixed keys");
        let again = parse(&to_query(&p.state));
        assert!(again.notices.is_empty(), "{:?}", again.notices);
        assert_eq!(again.state.values_for(claim), v);
        assert_eq!(parse("").state.values_for(claim), defaults(claim.settings));
        assert_eq!(parse("?speed=max").state, PageState::default(), "speed is not read from links");
    }

    #[test]
    fn newer_version_says_so() {
        let p = parse("?v=2&seed=5");
        assert_eq!(duel_value(&p.state, "seed"), 5.0);
        assert!(p.notices[0].contains("newer version"));
    }
}
