//! A chart's data layer as a pixel buffer: markers and lines are written straight into
//! RGBA bytes in wasm memory and handed to the canvas once per frame (`putImageData`,
//! only the rectangle that changed). Tens of thousands of points cost about as much as
//! a bare pixel-buffer page: no path, no fill style, no call into the browser per point.

use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, ImageData};

use super::frame::Frame;
use super::palette::rgb;

/// Marker shapes, so the models differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A filled square (SGD).
    Square,
    /// A plus sign (selection).
    Cross,
    /// A small dot (rejected candidates).
    Dot,
    /// A diagonal cross, ×.
    Diagonal,
    /// An open circle.
    Circle,
    /// An open triangle, apex up.
    Triangle,
}

/// An opaque colour, parsed once from `#rrggbb`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// The colour `hex` (`#rrggbb`) with opacity `alpha` in [0, 1].
    pub fn hex(hex: &str, alpha: f64) -> Self {
        let (r, g, b) = rgb(hex);
        Self([r, g, b, (alpha.clamp(0.0, 1.0) * 255.0).round() as u8])
    }
}

/// The pixel buffer of one canvas (device pixels).
#[derive(Default)]
pub struct Pixels {
    width: usize,
    height: usize,
    data: Vec<u8>,
    /// The changed rectangle since the last flush: x0, y0, x1, y1 (exclusive).
    dirty: Option<(usize, usize, usize, usize)>,
    /// Whether the whole buffer must be sent (after a resize or clear).
    all: bool,
    /// The changed rectangle's rows, packed, for sending.
    scratch: Vec<u8>,
}

impl Pixels {
    /// Sizes the buffer to `width` × `height` and clears it.
    pub fn resize(&mut self, width: u32, height: u32) {
        self.width = width as usize;
        self.height = height as usize;
        self.data.clear();
        self.data.resize(self.width * self.height * 4, 0);
        self.dirty = None;
        self.all = true;
    }

    /// Makes every pixel transparent.
    pub fn clear(&mut self) {
        self.data.fill(0);
        self.dirty = None;
        self.all = true;
    }

    /// Width and height in device pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    fn touch(&mut self, x0: usize, y0: usize, x1: usize, y1: usize) {
        self.dirty = Some(match self.dirty {
            None => (x0, y0, x1, y1),
            Some((a, b, c, d)) => (a.min(x0), b.min(y0), c.max(x1), d.max(y1)),
        });
    }

    /// Blends `c` over the pixel rectangle [x0, x1) × [y0, y1), clipped to the buffer.
    fn fill(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, c: Rgba) {
        let clip = |v: f64, hi: usize| v.round().clamp(0.0, hi as f64) as usize;
        let (x0, x1) = (clip(x0, self.width), clip(x1, self.width));
        let (y0, y1) = (clip(y0, self.height), clip(y1, self.height));
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let [r, g, b, a] = c.0;
        let a = u32::from(a);
        for y in y0..y1 {
            let row = &mut self.data[(y * self.width + x0) * 4..(y * self.width + x1) * 4];
            for px in row.chunks_exact_mut(4) {
                if a == 255 {
                    px.copy_from_slice(&c.0);
                } else {
                    // Source-over on premultiplied-free RGBA.
                    let da = u32::from(px[3]);
                    let out_a = a + da * (255 - a) / 255;
                    if out_a == 0 {
                        continue;
                    }
                    let mix = |s: u8, d: u8| ((u32::from(s) * a + u32::from(d) * da * (255 - a) / 255) / out_a) as u8;
                    px[0] = mix(r, px[0]);
                    px[1] = mix(g, px[1]);
                    px[2] = mix(b, px[2]);
                    px[3] = out_a as u8;
                }
            }
        }
        self.touch(x0, y0, x1, y1);
    }

    /// A marker of `size` CSS pixels at data point (x, y); nothing if outside the plot.
    pub fn marker(&mut self, f: &Frame, (x, y): (f64, f64), marker: Marker, size: f64, c: Rgba) {
        if !f.contains(x, y) {
            return;
        }
        let (px, py) = f.map(x, y);
        let s = (size * f.dpr).max(1.0);
        let r = s / 2.0;
        let t = (s / 5.0).max(f.dpr).max(1.0);
        match marker {
            Marker::Square | Marker::Dot => self.fill(px - r, py - r, px + r, py + r, c),
            Marker::Cross => {
                let t = (s / 3.0).max(1.0);
                self.fill(px - r, py - t / 2.0, px + r, py + t / 2.0, c);
                self.fill(px - t / 2.0, py - r, px - t / 2.0 + t, py - t / 2.0, c);
                self.fill(px - t / 2.0, py + t / 2.0, px - t / 2.0 + t, py + r, c);
            }
            Marker::Diagonal => {
                let d = 0.8 * r;
                self.segment((px - d, py - d), (px + d, py + d), t, c);
                self.segment((px - d, py + d), (px + d, py - d), t, c);
            }
            Marker::Circle => {
                let n = (s * 2.0).ceil().max(8.0) as usize;
                let ring = 0.8 * r;
                for i in 0..n {
                    let a = i as f64 / n as f64 * std::f64::consts::TAU;
                    let (x, y) = (px + ring * a.cos(), py + ring * a.sin());
                    self.fill(x - t / 2.0, y - t / 2.0, x + t / 2.0, y + t / 2.0, c);
                }
            }
            Marker::Triangle => {
                let (top, left, right) = ((px, py - r), (px - 0.9 * r, py + 0.6 * r), (px + 0.9 * r, py + 0.6 * r));
                self.segment(top, left, t, c);
                self.segment(left, right, t, c);
                self.segment(right, top, t, c);
            }
        }
    }

    /// A filled rectangle between data corners `a` and `b` (a histogram's bar), clipped
    /// to the plot area.
    pub fn rect(&mut self, f: &Frame, a: (f64, f64), b: (f64, f64), c: Rgba) {
        let (x0, y0) = f.map(a.0, a.1);
        let (x1, y1) = f.map(b.0, b.1);
        let clamp = |v: f64, lo: f64, hi: f64| if v.is_nan() { lo } else { v.clamp(lo, hi) };
        let (l, r) = (clamp(x0.min(x1), f.px.0, f.px.1), clamp(x0.max(x1), f.px.0, f.px.1));
        let (t, b) = (clamp(y0.min(y1), f.py.0, f.py.1), clamp(y0.max(y1), f.py.0, f.py.1));
        self.fill(l, t, r, b, c);
    }

    /// A line `w` device pixels wide between two device-pixel points, unclipped.
    fn segment(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), w: f64, c: Rgba) {
        let n = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).clamp(1, 20_000);
        for i in 0..=n {
            let t = i as f64 / n as f64;
            let (x, y) = (x0 + t * (x1 - x0), y0 + t * (y1 - y0));
            self.fill(x - w / 2.0, y - w / 2.0, x + w / 2.0, y + w / 2.0, c);
        }
    }

    /// A line of `width` CSS pixels between two data points, clipped to the plot area.
    pub fn line(&mut self, f: &Frame, from: (f64, f64), to: (f64, f64), width: f64, c: Rgba) {
        let (x0, y0) = f.map(from.0, from.1);
        let (x1, y1) = f.map(to.0, to.1);
        if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
            return;
        }
        let w = (width * f.dpr).max(1.0);
        let (lx, rx) = (f.px.0, f.px.1);
        let (ty, by) = (f.py.0, f.py.1);
        let n = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).clamp(1, 20_000);
        for i in 0..=n {
            let t = i as f64 / n as f64;
            let (x, y) = (x0 + t * (x1 - x0), y0 + t * (y1 - y0));
            if x < lx || x > rx || y < ty || y > by {
                continue;
            }
            self.fill(x - w / 2.0, y - w / 2.0, x + w / 2.0, y + w / 2.0, c);
        }
    }

    /// Sends what changed since the last flush to the canvas behind `ctx`.
    pub fn flush(&mut self, ctx: &CanvasRenderingContext2d) {
        if self.width == 0 || self.height == 0 {
            return;
        }
        let (x0, y0, x1, y1) = if std::mem::take(&mut self.all) {
            (0, 0, self.width, self.height)
        } else {
            match self.dirty {
                Some(r) => r,
                None => return,
            }
        };
        self.dirty = None;
        let (w, h) = (x1 - x0, y1 - y0);
        // Only the changed rectangle crosses into JavaScript: a frame that adds a few
        // points copies a few rows, not the whole canvas.
        let image = if w == self.width && h == self.height {
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.data[..]), w as u32, h as u32)
        } else {
            self.scratch.clear();
            for y in y0..y1 {
                let row = (y * self.width + x0) * 4;
                self.scratch.extend_from_slice(&self.data[row..row + w * 4]);
            }
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.scratch[..]), w as u32, h as u32)
        };
        if let Ok(image) = image {
            let _ = ctx.put_image_data(&image, x0 as f64, y0 as f64);
        }
    }
}
