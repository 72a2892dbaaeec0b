//! A kit figure's settings in the address bar, as `<figure-id>.<key>=<value>`: only the
//! values that differ from the defaults are written, every other key is kept, and the
//! URL reader (`crate::url_state`) reads them back with the same declarations.

use web_sys::UrlSearchParams;

use crate::figures::FigureDef;

/// Writes figure `def`'s values into the address bar, keeping every other key.
pub fn write(def: &FigureDef, values: &[f64]) {
    let Ok(params) = UrlSearchParams::new_with_str(&super::super::browser::location_search()) else { return };
    for (s, v) in def.settings.iter().zip(values) {
        let key = format!("{}.{}", def.id, s.key);
        if *v == s.default_value() {
            params.delete(&key);
        } else {
            params.set(&key, &s.write(*v));
        }
    }
    let q = String::from(params.to_string());
    super::super::browser::replace_query(&if q.is_empty() { String::new() } else { format!("?{q}") });
}
