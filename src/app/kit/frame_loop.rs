//! Advancing a figure's simulation by one animation frame: a fixed rate decoupled from
//! the frame rate (an accumulator, never a backlog) and a time budget per frame, so
//! the page stays responsive at any speed.

use crate::figures::Sim;

/// Milliseconds of simulation work allowed per frame (the rest is the browser's and
/// the drawing's).
pub const BUDGET_MS: f64 = 5.0;

/// The loop's state between frames.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    /// Timestamp of the last frame (ms), `None` after a pause.
    last: Option<f64>,
    /// The fraction of a unit owed from the last frame.
    carry: f64,
    /// Units done between clock reads (grows while units are cheap).
    batch: u32,
}

/// What a frame did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// Units of work done.
    pub units: u64,
    /// The simulation said it has nothing more to do.
    pub finished: bool,
}

impl Clock {
    /// Forget the last frame's time (after a pause, so the pause is not made up).
    pub fn pause(&mut self) {
        self.last = None;
        self.carry = 0.0;
    }

    /// Advances `sim` for a frame at `now` (ms): as many units as its rate asks for
    /// since the last frame (as many as the budget allows if `fast`: a still or a
    /// replay), at most `limit`, and never past the time budget.
    pub fn advance(&mut self, sim: &mut dyn Sim, now: f64, limit: u64, fast: bool, clock: &dyn Fn() -> f64) -> Advance {
        let rate = if fast { f64::INFINITY } else { sim.rate() };
        let dt = self.last.map_or(1000.0 / 60.0, |l| (now - l).clamp(0.0, 100.0));
        self.last = Some(now);
        let wanted = if rate.is_finite() { self.carry + rate * dt / 1000.0 } else { f64::INFINITY };
        let wanted = wanted.min(limit as f64);
        let start = clock();
        let mut units = 0u64;
        let mut finished = false;
        let mut batch = self.batch.max(1);
        'frame: while (units as f64) + 1.0 <= wanted {
            let t0 = clock();
            for _ in 0..batch {
                if (units as f64) + 1.0 > wanted {
                    break 'frame;
                }
                if !sim.step() {
                    finished = true;
                    break 'frame;
                }
                units += 1;
            }
            let t1 = clock();
            if t1 - start > BUDGET_MS {
                break;
            }
            // Read the clock about every half millisecond, whatever a unit costs.
            if t1 - t0 < 0.5 {
                batch = (batch * 2).min(4096);
            } else if t1 - t0 > 1.0 {
                batch = (batch / 2).max(1);
            }
        }
        self.batch = batch;
        // Carry a fraction to the next frame, never a backlog.
        self.carry = if rate.is_finite() { (wanted - units as f64).clamp(0.0, 1.0) } else { 0.0 };
        Advance { units, finished }
    }
}
