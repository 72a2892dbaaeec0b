//! The table of every figure's settings the end-to-end tests read (`e2e/lib/settings.json`):
//! URL key, kind and range, straight from the Rust declarations. This test fails if the
//! file is not what the declarations give; `UPDATE_SETTINGS_TABLE=1 cargo test --test
//! settings_table` writes it anew.

use selection_sgd::figures::ALL;
use selection_sgd::settings::{format_number, Kind, Scale, MAX_SEED};

fn number(v: f64) -> String {
    // JSON has no infinity or NaN; every declared bound is finite.
    assert!(v.is_finite());
    format_number(v)
}

fn table() -> String {
    let mut out = String::from("{\n  \"figures\": [\n");
    for (i, f) in ALL.iter().enumerate() {
        out.push_str(&format!("    {{ \"id\": \"{}\", \"bareKeys\": {}, \"settings\": [\n", f.id, f.bare_keys));
        for (j, s) in f.settings.iter().enumerate() {
            let kind = match s.kind {
                Kind::Number { min, max, default, scale, .. } => {
                    let scale = match scale {
                        Scale::Linear => "linear",
                        Scale::Log => "log",
                        Scale::Doubling => "doubling",
                    };
                    format!(
                        "\"kind\": \"number\", \"scale\": \"{scale}\", \"min\": {}, \"max\": {}, \"default\": {}",
                        number(min),
                        number(max),
                        number(default)
                    )
                }
                Kind::Seed { default } => {
                    format!(
                        "\"kind\": \"seed\", \"min\": 0, \"max\": {}, \"default\": {}",
                        number(MAX_SEED),
                        number(default)
                    )
                }
                Kind::Choice { options, default } => {
                    let keys: Vec<String> = options.iter().map(|o| format!("\"{}\"", o.key)).collect();
                    format!(
                        "\"kind\": \"choice\", \"options\": [{}], \"default\": \"{}\"",
                        keys.join(", "),
                        options[default].key
                    )
                }
            };
            let comma = if j + 1 < f.settings.len() { "," } else { "" };
            out.push_str(&format!(
                "      {{ \"key\": \"{}\", \"urlKey\": \"{}\", \"inUrl\": {}, {kind} }}{comma}\n",
                s.key,
                f.url_key(s.key),
                s.in_url
            ));
        }
        let comma = if i + 1 < ALL.len() { "," } else { "" };
        out.push_str(&format!("    ] }}{comma}\n"));
    }
    out.push_str("  ]\n}\n");
    out
}

#[test]
fn the_end_to_end_settings_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/lib/settings.json");
    let want = table();
    if std::env::var_os("UPDATE_SETTINGS_TABLE").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "e2e/lib/settings.json is not what the settings declare: run \
         UPDATE_SETTINGS_TABLE=1 cargo test --test settings_table"
    );
}
