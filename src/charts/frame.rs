//! The mapping between data coordinates and canvas pixels shared by the plotters
//! layer and the fast layer, so both draw in the same place.

use std::ops::Range;

/// A plot's data ranges and the pixel rectangle they map to (device pixels). An axis
/// on a log scale maps log₁₀ of the value evenly; its range and every point given to
/// [`Frame::map`] stay in data units (values ≤ 0 map to no finite pixel).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Data range along x.
    pub x: (f64, f64),
    /// Data range along y.
    pub y: (f64, f64),
    /// Plot area, device pixels: left, right.
    pub px: (f64, f64),
    /// Plot area, device pixels: top, bottom.
    pub py: (f64, f64),
    /// Device pixels per CSS pixel.
    pub dpr: f64,
    /// Whether x and y are on log scales.
    pub log: (bool, bool),
}

impl Frame {
    /// A frame from plotters' pixel ranges; `log` puts x and/or y on a log scale.
    pub fn new(x: (f64, f64), y: (f64, f64), pixels: (Range<i32>, Range<i32>), dpr: f64, log: (bool, bool)) -> Self {
        let (rx, ry) = pixels;
        Self {
            x,
            y,
            px: (f64::from(rx.start), f64::from(rx.end)),
            py: (f64::from(ry.start), f64::from(ry.end)),
            dpr,
            log,
        }
    }

    /// The fraction of the way from `range.0` to `range.1` at which `v` lies.
    #[inline]
    fn fraction(v: f64, range: (f64, f64), log: bool) -> f64 {
        if log {
            (v.log10() - range.0.log10()) / (range.1.log10() - range.0.log10())
        } else {
            (v - range.0) / (range.1 - range.0)
        }
    }

    /// The value a fraction `t` of the way from `range.0` to `range.1`.
    fn at(t: f64, range: (f64, f64), log: bool) -> f64 {
        if log {
            10f64.powf(range.0.log10() + t * (range.1.log10() - range.0.log10()))
        } else {
            range.0 + t * (range.1 - range.0)
        }
    }

    /// Data → device pixels.
    #[inline]
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = Self::fraction(x, self.x, self.log.0);
        let fy = Self::fraction(y, self.y, self.log.1);
        (self.px.0 + fx * (self.px.1 - self.px.0), self.py.1 - fy * (self.py.1 - self.py.0))
    }

    /// Device pixels → data (the inverse of [`Frame::map`]).
    pub fn unmap(&self, px: f64, py: f64) -> (f64, f64) {
        let fx = (px - self.px.0) / (self.px.1 - self.px.0);
        let fy = (self.py.1 - py) / (self.py.1 - self.py.0);
        (Self::at(fx, self.x, self.log.0), Self::at(fy, self.y, self.log.1))
    }

    /// Device pixels per data unit along x (for a linear axis).
    pub fn scale_x(&self) -> f64 {
        (self.px.1 - self.px.0) / (self.x.1 - self.x.0)
    }

    /// Device pixels per data unit along y (for a linear axis).
    pub fn scale_y(&self) -> f64 {
        (self.py.1 - self.py.0) / (self.y.1 - self.y.0)
    }

    /// Whether (x, y) lies inside the data ranges.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x.0 && x <= self.x.1 && y >= self.y.0 && y <= self.y.1
    }
}

/// The smallest "nice" half-width (1, 2 or 5 × 10ᵏ) at least `x`.
pub fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}
