//! A kit figure's settings in the address bar, as `<figure-id>.<key>=<value>` (or bare
//! `<key>=<value>` for a figure with bare keys, which also writes the format version `v`
//! and every key): every other key is kept, and the URL reader (`crate::url_state`)
//! reads them back with the same declarations. A figure that replays adds the units
//! done (`t`) while paused.

use web_sys::UrlSearchParams;

use crate::figures::FigureDef;
use crate::url_state::{figure_pairs, FORMAT_VERSION};

/// Writes figure `def`'s values (and, paused, `t`) into the address bar, keeping every
/// other key.
pub fn write(def: &FigureDef, values: &[f64], t: Option<u64>) {
    let Ok(params) = UrlSearchParams::new_with_str(&super::super::browser::location_search()) else { return };
    for s in def.settings {
        params.delete(&def.url_key(s.key));
    }
    params.delete(&def.url_key("t"));
    params.delete(&def.url_key("preset"));
    if def.bare_keys {
        params.set("v", &FORMAT_VERSION.to_string());
    }
    for (k, v) in figure_pairs(def, values, t) {
        params.set(&k, &v);
    }
    let q = String::from(params.to_string());
    super::super::browser::replace_query(&if q.is_empty() { String::new() } else { format!("?{q}") });
}

/// `?embed=<id>` followed by figure `id`'s own keys from the current address, for an
/// embed snippet that shows the figure as the reader has set it.
pub fn embed_query(id: &str) -> String {
    let Ok(next) = UrlSearchParams::new_with_str("") else { return format!("?embed={id}") };
    next.set("embed", id);
    if let Ok(current) = UrlSearchParams::new_with_str(&super::super::browser::location_search()) {
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
