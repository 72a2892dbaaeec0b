//! The bundled data set: the UCI Wine data (178 wines, 13 chemical measurements, 3
//! cultivars; CC BY 4.0, see `data/wine/README.md`), compiled into the program so nothing
//! is downloaded at run time. Parsed, split into training and test sets with a fixed
//! seed, and standardised with the training set's means and standard deviations.

use crate::sim::rng_for;
use rand::RngExt;

/// The file, byte for byte.
pub const WINE_CSV: &str = include_str!("../../../data/wine/wine_data.csv");
/// Features per wine.
pub const FEATURES: usize = 13;
/// Classes (cultivars).
pub const CLASSES: usize = 3;
/// Rows the file holds.
pub const ROWS: usize = 178;
/// The seed of the train/test shuffle (fixed: the split is part of the data, not of a run).
pub const SPLIT_SEED: u64 = 20_240_601;
/// Wines in the training set (two thirds); the rest are the test set.
pub const TRAIN_ROWS: usize = 119;

/// One standardised example: features, then a constant 1 for the bias.
pub type Features = [f64; FEATURES + 1];

/// The data, split and standardised.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Training examples.
    pub train_x: Vec<Features>,
    /// Their classes.
    pub train_y: Vec<usize>,
    /// Test examples (standardised with the training set's statistics).
    pub test_x: Vec<Features>,
    /// Their classes.
    pub test_y: Vec<usize>,
}

/// Parses a CSV in the file's layout: a header line, then rows of 13 numbers and a class
/// 0–2. The error says which line is wrong and why.
pub fn parse(text: &str) -> Result<Vec<([f64; FEATURES], usize)>, String> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != FEATURES + 1 {
            return Err(format!("line {}: {} columns, expected {}", i + 1, cells.len(), FEATURES + 1));
        }
        let mut x = [0.0; FEATURES];
        for (xj, c) in x.iter_mut().zip(&cells) {
            *xj = c
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or(format!("line {}: {c:?} is not a number", i + 1))?;
        }
        let y = match cells[FEATURES] {
            "0" => 0,
            "1" => 1,
            "2" => 2,
            c => return Err(format!("line {}: class {c:?} is not 0, 1 or 2", i + 1)),
        };
        rows.push((x, y));
    }
    Ok(rows)
}

/// The bundled data, split and standardised.
pub fn wine() -> Result<Dataset, String> {
    split(&parse(WINE_CSV)?, TRAIN_ROWS, SPLIT_SEED)
}

/// Shuffles `rows` with `seed`, keeps the first `train` for training, and standardises
/// every feature with the training rows' mean and (population) standard deviation.
pub fn split(rows: &[([f64; FEATURES], usize)], train: usize, seed: u64) -> Result<Dataset, String> {
    if train < 2 || train >= rows.len() {
        return Err(format!("cannot keep {train} of {} rows for training", rows.len()));
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = rng_for(seed, 0);
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let (tr, te) = order.split_at(train);
    let mut mean = [0.0; FEATURES];
    let mut sd = [0.0; FEATURES];
    for &i in tr {
        for (m, x) in mean.iter_mut().zip(&rows[i].0) {
            *m += x / train as f64;
        }
    }
    for &i in tr {
        for j in 0..FEATURES {
            let d = rows[i].0[j] - mean[j];
            sd[j] += d * d / train as f64;
        }
    }
    for s in sd.iter_mut() {
        *s = if *s > 0.0 { s.sqrt() } else { 1.0 };
    }
    let standard = |x: &[f64; FEATURES]| {
        let mut z = [1.0; FEATURES + 1];
        for j in 0..FEATURES {
            z[j] = (x[j] - mean[j]) / sd[j];
        }
        z
    };
    Ok(Dataset {
        train_x: tr.iter().map(|&i| standard(&rows[i].0)).collect(),
        train_y: tr.iter().map(|&i| rows[i].1).collect(),
        test_x: te.iter().map(|&i| standard(&rows[i].0)).collect(),
        test_y: te.iter().map(|&i| rows[i].1).collect(),
    })
}

/// FNV-1a (64 bit) of `bytes`: the checksum the data's README records.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
