//! Colours, the same for each model in every figure. From the Okabe–Ito palette, which
//! readers with the common colour-vision deficiencies can tell apart; the models also
//! differ in marker shape (SGD squares, selection crosses) and are always labelled.

use crate::sim::selection::AcceptanceKind;

/// A theme's colours as CSS colour strings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    /// Page background behind the charts.
    pub background: &'static str,
    /// Axes and labels.
    pub ink: &'static str,
    /// Grid and contour lines.
    pub faint: &'static str,
    /// Mini-batch SGD.
    pub sgd: &'static str,
    /// Selection.
    pub selection: &'static str,
    /// Rejected candidates ("ghosts").
    pub ghost: &'static str,
    /// Theory curves.
    pub theory: &'static str,
    /// The acceptance rules when figures compare them, in the order of
    /// [`AcceptanceKind::ALL`]: logistic takes selection's colour, the others come from
    /// the Okabe–Ito set (darkened where needed to read on white).
    pub rules: [&'static str; 4],
}

/// Light theme.
pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    ink: "#222222",
    faint: "#d5d5d5",
    sgd: "#0072b2",
    selection: "#d55e00",
    ghost: "#9a9a9a",
    theory: "#111111",
    rules: ["#d55e00", "#a4487f", "#007a5a", "#7d6300"],
};

/// Dark theme.
pub const DARK: Palette = Palette {
    background: "#16181d",
    ink: "#e6e6e6",
    faint: "#3a3e47",
    sgd: "#56b4e9",
    selection: "#e69f00",
    ghost: "#80848c",
    theory: "#f0f0f0",
    rules: ["#e69f00", "#cc79a7", "#2bbf93", "#f0e442"],
};

impl Palette {
    /// The colour of acceptance rule `kind`.
    pub fn rule(&self, kind: AcceptanceKind) -> &'static str {
        self.rules[kind.index()]
    }

    /// The palette for the reader's colour scheme.
    pub fn for_scheme(dark: bool) -> Palette {
        if dark {
            DARK
        } else {
            LIGHT
        }
    }
}

/// Parses `#rrggbb` into RGB.
pub fn rgb(hex: &str) -> (u8, u8, u8) {
    let h = hex.trim_start_matches('#');
    let p = |i: usize| h.get(i..i + 2).and_then(|s| u8::from_str_radix(s, 16).ok()).unwrap_or(0);
    (p(0), p(2), p(4))
}
