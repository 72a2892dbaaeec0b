//! Typed errors: a bad parameter names itself and says why; a run that diverges says
//! where and when. Nothing in the library panics on bad input and no NaN leaves it.

use std::fmt;

/// A parameter outside its valid range, or not a finite number.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError {
    /// The parameter's name as the page and the URL spell it (`"sigma"`, `"batch"`, …).
    pub param: &'static str,
    /// Why it was rejected, in words a reader understands.
    pub reason: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.reason)
    }
}

impl std::error::Error for ParamError {}

/// Checks that `value` is finite and within `[lo, hi]`, naming `param` if not.
pub fn check_range(param: &'static str, value: f64, lo: f64, hi: f64) -> Result<f64, ParamError> {
    if !value.is_finite() {
        return Err(ParamError { param, reason: format!("must be a finite number, got {value}") });
    }
    if value < lo || value > hi {
        return Err(ParamError { param, reason: format!("must be between {lo} and {hi}, got {value}") });
    }
    Ok(value)
}

/// Checks that `value` is finite, greater than zero and at most `hi`.
pub fn check_positive(param: &'static str, value: f64, hi: f64) -> Result<f64, ParamError> {
    let v = check_range(param, value, 0.0, hi)?;
    if v == 0.0 {
        return Err(ParamError { param, reason: "must be greater than 0".into() });
    }
    Ok(v)
}

/// Checks that an integer lies within `[lo, hi]`.
pub fn check_count(param: &'static str, value: u64, lo: u64, hi: u64) -> Result<u64, ParamError> {
    if value < lo || value > hi {
        return Err(ParamError { param, reason: format!("must be a whole number from {lo} to {hi}, got {value}") });
    }
    Ok(value)
}

/// A run stopped because a coordinate became non-finite or left the bound
/// [`crate::sim::run::DIVERGENCE_BOUND`].
#[derive(Clone, Debug, PartialEq)]
pub struct Diverged {
    /// The step at which it happened (1 for the first step).
    pub step: u64,
    /// Which coordinate (0-based).
    pub coordinate: usize,
}

impl fmt::Display for Diverged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the run diverged at step {} (coordinate {} left the bounded region); try a smaller learning rate or mutation", self.step, self.coordinate)
    }
}

impl std::error::Error for Diverged {}
