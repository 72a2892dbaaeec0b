//! The mapping between data coordinates and canvas pixels shared by the plotters
//! layer and the fast layer, so both draw in the same place.

use std::ops::Range;

/// A plot's data ranges and the pixel rectangle they map to (device pixels).
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
}

impl Frame {
    /// A frame from plotters' pixel ranges.
    pub fn new(x: (f64, f64), y: (f64, f64), pixels: (Range<i32>, Range<i32>), dpr: f64) -> Self {
        let (rx, ry) = pixels;
        Self { x, y, px: (f64::from(rx.start), f64::from(rx.end)), py: (f64::from(ry.start), f64::from(ry.end)), dpr }
    }

    /// Data → device pixels.
    #[inline]
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        (self.px.0 + fx * (self.px.1 - self.px.0), self.py.1 - fy * (self.py.1 - self.py.0))
    }

    /// Device pixels → data (the inverse of [`Frame::map`]).
    pub fn unmap(&self, px: f64, py: f64) -> (f64, f64) {
        let fx = (px - self.px.0) / (self.px.1 - self.px.0);
        let fy = (self.py.1 - py) / (self.py.1 - self.py.0);
        (self.x.0 + fx * (self.x.1 - self.x.0), self.y.0 + fy * (self.y.1 - self.y.0))
    }

    /// Device pixels per data unit along x.
    pub fn scale_x(&self) -> f64 {
        (self.px.1 - self.px.0) / (self.x.1 - self.x.0)
    }

    /// Device pixels per data unit along y.
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
