//! Drawing. plotters (through plotters-canvas) draws what changes rarely — axes,
//! contours, theory curves — once per resize or parameter change; [`layer`] draws
//! what changes every frame straight onto a 2-D context, incrementally.
//!
//! Depends on `sim` for data and on web-sys for canvases; never on `app`.

pub mod drift;
pub mod duel;
pub mod eta;
pub mod frame;
pub mod layer;
pub mod limits;
pub mod palette;
pub mod plane;
pub mod regression;

pub use frame::Frame;
pub use palette::Palette;
