//! Throughput of the science core: how fast each model runs and what one point of the
//! η_eff curve costs. A plain timing harness (no framework, `bench/workloads.rs`): each
//! figure is measured by one untimed warm-up and 9 timed repetitions, and reported as the
//! median with the fastest and slowest repetition, by the wall clock (`Instant`).
//!
//! On Linux it also reads the thread's time on the CPU (`/proc/thread-self/schedstat`),
//! so a figure taken while other processes share the cores can be told apart: the
//! on-CPU rate hardly changes under contention, the wall-clock rate does.
//!
//! Run with `cargo bench --bench throughput` (the release profile, as shipped);
//! `BENCH_REPS=1` makes a quick run. The same workloads run in Chromium as wasm32 in
//! `tests/throughput_web.rs` (see `bench/browser.sh`).

use std::time::Instant;

mod workloads;

struct NativeClock(Instant);

impl workloads::Clock for NativeClock {
    fn wall_secs(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }

    /// Nanoseconds this thread has spent on a CPU, where the kernel says (Linux).
    fn cpu_secs(&self) -> Option<f64> {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
        Some(ns as f64 * 1e-9)
    }
}

fn main() {
    let reps = std::env::var("BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(workloads::REPS);
    workloads::run_all(&NativeClock(Instant::now()), reps, &mut |line| println!("{line}"));
}
