//! The page's state in the URL's query string, both ways, with validation.
//!
//! Reading never fails: unknown keys are ignored, out-of-range numbers are clamped,
//! malformed values fall back to the default, and every change is described in a
//! notice the page shows. Pure Rust, tested natively.

use crate::figures::{self, FigureDef};
use crate::settings::{defaults, index_of};
use crate::sim::duel::{AcceptanceKind, DuelParams, MutationShape, RuleKind, MAX_REPLAY_STEPS};
use crate::sim::sgd::MAX_BATCH;
use crate::sim::ZDistribution;

/// The version of the link format written by this build.
pub const FORMAT_VERSION: u32 = 1;

/// Longest value read; anything longer is treated as malformed.
const MAX_VALUE_LEN: usize = 64;

/// What a query string asked for, made valid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageState {
    /// The centrepiece's parameters.
    pub params: DuelParams,
    /// Steps to replay at load; `Some` also means "start paused".
    pub t: Option<u64>,
    /// `?embed=<figure-id>`: show that figure alone.
    pub embed: Option<String>,
    /// The kit figures' values read from `<figure-id>.<key>` (one valid value per
    /// setting), for each figure that had any key in the link.
    pub figures: Vec<(&'static str, Vec<f64>)>,
}

impl PageState {
    /// Figure `def`'s values: from the link, or its defaults.
    pub fn values_for(&self, def: &FigureDef) -> Vec<f64> {
        self.figures.iter().find(|(id, _)| *id == def.id).map_or_else(|| defaults(def.settings), |(_, v)| v.clone())
    }
}

/// Reads `<figure-id>.<key>` into `state` if it names a kit figure's setting.
fn read_figure_key(state: &mut PageState, r: &mut Reader, key: &str, raw: &str) {
    let Some((id, k)) = key.split_once('.') else { return };
    let Some(def) = figures::by_id(id) else { return };
    let Some(i) = index_of(def.settings, k) else { return };
    let (v, notice) = def.settings[i].read(def.id, raw);
    r.notices.extend(notice);
    match state.figures.iter_mut().find(|(fid, _)| *fid == def.id) {
        Some((_, values)) => values[i] = v,
        None => {
            let mut values = defaults(def.settings);
            values[i] = v;
            state.figures.push((def.id, values));
        }
    }
}

/// The `<figure-id>.<key>=<value>` pairs of every kit figure whose values differ from
/// its defaults (only those keys), each starting with `&`.
pub fn figure_query(state: &PageState) -> String {
    let mut q = String::new();
    for (id, values) in &state.figures {
        let Some(def) = figures::by_id(id) else { continue };
        for (s, v) in def.settings.iter().zip(values) {
            if *v != s.default_value() {
                q.push_str(&format!("&{id}.{}={}", s.key, s.write(*v)));
            }
        }
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

/// Shows a value in a notice: short, and never markup.
fn shown(raw: &str) -> String {
    let clean: String = raw.chars().filter(|c| c.is_ascii_alphanumeric() || ".-+_".contains(*c)).take(24).collect();
    if clean.len() < raw.len() {
        format!("“{clean}…”")
    } else {
        format!("“{clean}”")
    }
}

struct Reader {
    notices: Vec<String>,
}

impl Reader {
    fn number(&mut self, key: &str, raw: &str, lo: f64, hi: f64, default: f64) -> f64 {
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && raw.len() <= MAX_VALUE_LEN => {
                if v < lo || v > hi {
                    let c = v.clamp(lo, hi);
                    self.notices.push(format!("{key} {} is out of range; using {c}.", shown(raw)));
                    c
                } else {
                    v
                }
            }
            _ => {
                self.notices.push(format!("{key} {} is not a number; using the default {default}.", shown(raw)));
                default
            }
        }
    }

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

    fn choice<T: Copy>(&mut self, key: &str, raw: &str, options: &[(&str, T)], default: T) -> T {
        let t = raw.trim().to_ascii_lowercase();
        match options.iter().find(|(name, _)| *name == t) {
            Some((_, v)) => *v,
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.notices.push(format!(
                    "{key} {} is not one of {}; using the default.",
                    shown(raw),
                    names.join(", ")
                ));
                default
            }
        }
    }
}

const Z_OPTIONS: [(&str, ZDistribution); 2] =
    [("rademacher", ZDistribution::Rademacher), ("gaussian", ZDistribution::Gaussian)];
const MUTATION_OPTIONS: [(&str, MutationShape); 2] =
    [("gaussian", MutationShape::Gaussian), ("ball", MutationShape::Ball)];
const ACCEPTANCE_OPTIONS: [(&str, AcceptanceKind); 4] = [
    ("logistic", AcceptanceKind::Logistic),
    ("metropolis", AcceptanceKind::Metropolis),
    ("probit", AcceptanceKind::Probit),
    ("kimura", AcceptanceKind::Kimura),
];
const RULE_OPTIONS: [(&str, RuleKind); 2] = [("loop", RuleKind::Loop), ("keep", RuleKind::Keep)];

fn name_of<T: PartialEq + Copy>(options: &[(&'static str, T)], value: T) -> &'static str {
    options.iter().find(|(_, v)| *v == value).map_or("", |(n, _)| n)
}

/// Parameter ranges the page accepts (a subset of what the library validates).
pub mod range {
    /// Learning rate η.
    pub const LR: (f64, f64) = (0.001, 10.0);
    /// Mutation size s.
    pub const SIGMA: (f64, f64) = (0.001, 5.0);
    /// Inverse temperature β.
    pub const BETA: (f64, f64) = (0.01, 1e5);
    /// Kimura population N.
    pub const POPULATION: (f64, f64) = (1.0, 1e5);
    /// Correlation ρ.
    pub const RHO: (f64, f64) = (-1.0, 1.0);
}

/// Named scenes for the centrepiece, for a teacher's menu and for links (`?preset=id`).
pub const PRESETS: [(&str, &str); 7] = [
    ("perfectly-correlated", "Perfectly correlated (ρ = 1, the reply's case)"),
    ("partly-correlated", "Partly correlated (ρ = 0.5)"),
    ("anti-correlated", "Anti-correlated (ρ = −1)"),
    ("gaussian-data", "Gaussian data (z ~ N(0, 1))"),
    ("big-mutations", "Big mutations saturate (s = 0.3)"),
    ("keep", "KEEP instead of LOOP"),
    ("large-batch", "Large batch (B = 256)"),
];

/// The parameters of preset `id`, keeping `seed`; `None` for an unknown id.
pub fn preset(id: &str, seed: u64) -> Option<DuelParams> {
    let d = DuelParams { seed, ..DuelParams::default() };
    Some(match id {
        "perfectly-correlated" => d,
        "partly-correlated" => DuelParams { rho: 0.5, ..d },
        "anti-correlated" => DuelParams { rho: -1.0, ..d },
        "gaussian-data" => DuelParams { z: ZDistribution::Gaussian, ..d },
        "big-mutations" => DuelParams { sigma: 0.3, ..d },
        "keep" => DuelParams { rule: RuleKind::Keep, ..d },
        "large-batch" => DuelParams { batch: 256, ..d },
        _ => return None,
    })
}

/// Reads a query string (with or without the leading `?`). Never fails.
pub fn parse(query: &str) -> Parsed {
    let mut state = PageState::default();
    let d = DuelParams::default();
    let mut r = Reader { notices: Vec::new() };
    let q = query.strip_prefix('?').unwrap_or(query);
    // A preset sets the scene first; explicit keys after it still apply.
    if let Some(id) = q.split('&').find_map(|p| p.strip_prefix("preset=")) {
        let id = percent_decode(id).unwrap_or_default();
        match preset(&id, state.params.seed) {
            Some(p) => state.params = p,
            None => r.notices.push(format!("preset {} is not one of the scenes; using the defaults.", shown(&id))),
        }
    }
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(key), Some(raw)) = (percent_decode(k), percent_decode(v)) else {
            r.notices.push("A part of the link could not be read and was ignored.".into());
            continue;
        };
        let p = &mut state.params;
        match key.as_str() {
            "v" => {
                let v = r.count("v", &raw, 1, u64::from(u32::MAX), u64::from(FORMAT_VERSION));
                if v > u64::from(FORMAT_VERSION) {
                    r.notices.push(format!(
                        "This link was made by a newer version of the page (format {v}); it was read as format {FORMAT_VERSION} and may not replay exactly."
                    ));
                }
            }
            "seed" => p.seed = r.count("seed", &raw, 0, u64::MAX, d.seed),
            "t" => state.t = Some(r.count("t", &raw, 0, MAX_REPLAY_STEPS, 0)),
            "batch" => p.batch = r.count("batch", &raw, 1, MAX_BATCH, d.batch),
            "lr" => p.lr = r.number("lr", &raw, range::LR.0, range::LR.1, d.lr),
            "rho" => p.rho = r.number("rho", &raw, range::RHO.0, range::RHO.1, d.rho),
            "z" => p.z = r.choice("z", &raw, &Z_OPTIONS, d.z),
            "sigma" => p.sigma = r.number("sigma", &raw, range::SIGMA.0, range::SIGMA.1, d.sigma),
            "mutation" => p.mutation = r.choice("mutation", &raw, &MUTATION_OPTIONS, d.mutation),
            "acceptance" => p.acceptance = r.choice("acceptance", &raw, &ACCEPTANCE_OPTIONS, d.acceptance),
            "beta" => p.beta = r.number("beta", &raw, range::BETA.0, range::BETA.1, d.beta),
            "N" | "population" => {
                p.population = r.number("N", &raw, range::POPULATION.0, range::POPULATION.1, d.population)
            }
            "rule" => p.rule = r.choice("rule", &raw, &RULE_OPTIONS, d.rule),
            "preset" => {} // applied above
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
            // A kit figure's key; unknown keys are ignored.
            _ => read_figure_key(&mut state, &mut r, &key, &raw),
        }
    }
    if let Err(e) = state.params.validate() {
        // Unreachable with the ranges above; kept so a future range change cannot break the page.
        r.notices.push(format!("{e}; using the defaults."));
        state.params = DuelParams { seed: state.params.seed, ..DuelParams::default() };
    }
    Parsed { state, notices: r.notices }
}

/// Writes the query string (with leading `?`) that reproduces `params` at step `t`.
pub fn to_query(params: &DuelParams, t: Option<u64>, embed: Option<&str>) -> String {
    let mut q = format!(
        "?v={FORMAT_VERSION}&seed={}&batch={}&lr={}&rho={}&z={}&sigma={}&mutation={}&acceptance={}&beta={}&N={}&rule={}",
        params.seed,
        params.batch,
        params.lr,
        params.rho,
        name_of(&Z_OPTIONS, params.z),
        params.sigma,
        name_of(&MUTATION_OPTIONS, params.mutation),
        name_of(&ACCEPTANCE_OPTIONS, params.acceptance),
        params.beta,
        params.population,
        name_of(&RULE_OPTIONS, params.rule),
    );
    if let Some(t) = t {
        q.push_str(&format!("&t={t}"));
    }
    if let Some(e) = embed {
        q.push_str(&format!("&embed={e}"));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = DuelParams {
            seed: u64::MAX,
            batch: 64,
            lr: 0.03,
            rho: -0.25,
            z: ZDistribution::Gaussian,
            sigma: 0.2,
            mutation: MutationShape::Ball,
            acceptance: AcceptanceKind::Kimura,
            beta: 3.5,
            population: 12.0,
            rule: RuleKind::Keep,
        };
        let parsed = parse(&to_query(&p, Some(300), Some("duel")));
        assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
        assert_eq!(parsed.state, PageState { params: p, t: Some(300), embed: Some("duel".into()), figures: vec![] });
    }

    #[test]
    fn empty_query_is_defaults() {
        assert_eq!(parse(""), Parsed { state: PageState::default(), notices: vec![] });
        assert_eq!(parse("?").state, PageState::default());
    }

    #[test]
    fn hostile_values_are_clamped_or_defaulted_with_notices() {
        let p = parse("?lr=1e308&rho=NaN&batch=0&seed=-3&beta=%3Cscript%3E&z=maybe&t=99999999999&unknown=1");
        let s = p.state.params;
        assert_eq!(s.lr, range::LR.1);
        assert_eq!(s.rho, DuelParams::default().rho);
        assert_eq!(s.batch, 1);
        assert_eq!(s.seed, 0, "a negative seed is clamped to 0");
        assert_eq!(s.beta, 80.0);
        assert_eq!(p.state.t, Some(MAX_REPLAY_STEPS));
        assert_eq!(p.notices.len(), 7, "{:?}", p.notices);
        assert!(p.notices.iter().all(|n| !n.contains('<')));
        let huge = format!("?sigma={}", "9".repeat(100_000));
        let p = parse(&huge);
        assert_eq!(p.state.params.sigma, 0.05);
        assert!(p.notices[0].len() < 200);
    }

    #[test]
    fn presets_apply_and_explicit_keys_override() {
        let p = parse("?preset=partly-correlated&seed=9");
        assert!(p.notices.is_empty());
        assert_eq!(p.state.params, DuelParams { rho: 0.5, seed: 9, ..DuelParams::default() });
        let p = parse("?preset=keep&rule=loop");
        assert_eq!(p.state.params.rule, RuleKind::Loop);
        assert_eq!(parse("?preset=nope").notices.len(), 1);
        for (id, _) in PRESETS {
            let params = preset(id, 1).unwrap();
            assert!(params.validate().is_ok(), "{id}");
            assert_eq!(parse(&to_query(&params, None, None)).state.params, params, "{id} round-trips");
        }
    }

    #[test]
    fn figure_keys_are_read_with_their_declarations_and_round_trip() {
        let p = parse("?claim.slope=2&claim.beta=1e9&claim.sigma=x&claim.nope=1&nofigure.k=2");
        let claim = figures::by_id("claim").unwrap();
        let v = p.state.values_for(claim);
        assert_eq!(v[0], 2.0);
        assert_eq!(v[2], 1000.0, "β is clamped to its range");
        assert_eq!(v[1], claim.settings[1].default_value());
        assert_eq!(p.notices.len(), 2, "{:?}", p.notices);
        assert!(p.notices.iter().any(|n| n.contains("claim.beta")));
        let again = parse(&figure_query(&p.state));
        assert!(again.notices.is_empty(), "{:?}", again.notices);
        assert_eq!(again.state.values_for(claim), v);
        assert_eq!(parse("").state.values_for(claim), defaults(claim.settings));
    }

    #[test]
    fn newer_version_says_so() {
        let p = parse("?v=2&seed=5");
        assert_eq!(p.state.params.seed, 5);
        assert!(p.notices[0].contains("newer version"));
    }
}
