//! A figure's own settings in the URL, as `<figure-id>.<key>=<value>` beside the
//! centrepiece's keys, so a link reproduces what each figure showed. Reading clamps to
//! the figure's ranges and ignores anything unreadable; writing keeps every other key.

use web_sys::UrlSearchParams;

fn params() -> Option<UrlSearchParams> {
    UrlSearchParams::new_with_str(&super::browser::location_search()).ok()
}

/// The number under `<id>.<key>`, clamped to `[lo, hi]`; `None` if absent or unreadable.
pub fn number(id: &str, key: &str, lo: f64, hi: f64) -> Option<f64> {
    let raw = params()?.get(&format!("{id}.{key}"))?;
    let v = raw.trim().parse::<f64>().ok().filter(|v| v.is_finite() && raw.len() <= 64)?;
    Some(v.clamp(lo, hi))
}

/// The text under `<id>.<key>` if it is one of `options`.
pub fn choice(id: &str, key: &str, options: &[&'static str]) -> Option<&'static str> {
    let raw = params()?.get(&format!("{id}.{key}"))?;
    options.iter().copied().find(|o| *o == raw.trim())
}

/// Writes figure `id`'s settings into the address bar, keeping every other key.
pub fn write(id: &str, pairs: &[(&str, String)]) {
    let Some(p) = params() else { return };
    for (k, v) in pairs {
        p.set(&format!("{id}.{k}"), v);
    }
    super::browser::replace_query(&format!("?{}", String::from(p.to_string())));
}

/// Adds every figure key (`<id>.<key>`) of the current address to `query`, which the
/// centrepiece writes whole.
pub fn keep_figure_keys(query: &str) -> String {
    let (Some(current), Ok(next)) = (params(), UrlSearchParams::new_with_str(query)) else { return query.to_string() };
    let entries = js_sys::try_iter(&current).ok().flatten();
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) else { continue };
        if k.contains('.') && !k.starts_with('.') {
            next.set(&k, &v);
        }
    }
    format!("?{}", String::from(next.to_string()))
}

/// `?embed=<id>` followed by figure `id`'s own keys from the current address, for an
/// embed snippet that shows the figure as the reader has set it.
pub fn embed_query(id: &str) -> String {
    let Ok(next) = UrlSearchParams::new_with_str("") else { return format!("?embed={id}") };
    next.set("embed", id);
    if let Some(current) = params() {
        let prefix = format!("{id}.");
        for entry in js_sys::try_iter(&current).ok().flatten().into_iter().flatten().flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                if k.starts_with(&prefix) {
                    next.set(&k, &v);
                }
            }
        }
    }
    format!("?{}", String::from(next.to_string()))
}
