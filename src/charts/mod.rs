//! Drawing. plotters (through plotters-canvas) draws what changes rarely — axes,
//! contours, theory curves — once per resize or parameter change; [`layer`] draws
//! what changes every frame straight onto a 2-D context, incrementally.
//!
//! Depends on `sim` for data and on web-sys for canvases; never on `app`.

pub mod frame;
pub mod layer;
pub mod palette;
pub mod pixels;
pub mod plane;

pub use frame::Frame;
pub use palette::Palette;

/// What a figure's `paint` draws with: the chart's coordinate map, the colours, the
/// data layer (a pixel buffer, kept between frames) and the overlay (a 2-D context
/// cleared before every paint, for the few marks that move every frame).
pub struct Paint<'a> {
    /// Data ↔ device pixels.
    pub frame: &'a Frame,
    /// The theme's colours.
    pub palette: &'a Palette,
    /// The data layer.
    pub pixels: &'a mut pixels::Pixels,
    /// The overlay.
    pub overlay: &'a web_sys::CanvasRenderingContext2d,
}
