//! The throughput workloads and their timing harness, shared by the native benchmark
//! (`bench/throughput.rs`, `cargo bench --bench throughput`) and the same code compiled to
//! wasm32 and run in Chromium (`tests/throughput_web.rs`), so that the two print the same
//! lines for the same work and `bench/browser.sh` can divide one by the other. Only the
//! clock differs: `Instant` and the thread's on-CPU time natively, `performance.now()` in
//! the browser.
//!
//! Each figure is measured by one untimed warm-up and `reps` timed repetitions, and
//! reported as the median with the fastest and slowest repetition, by the wall clock.

use std::hint::black_box;

use selection_sgd::sim::problem::DEFAULT_START;
use selection_sgd::sim::run::{default_problem, default_selection, SelectionRun, SgdRun};
use selection_sgd::sim::selection::{Acceptance, Mutation, Selection, StepRule};
use selection_sgd::sim::theory;
use selection_sgd::sim::{MiniBatchSgd, Objective};

/// Timed repetitions per figure, unless the caller asks for another number.
pub const REPS: usize = 9;
/// Steps per simulated run: the page's 200-step run (spec §B).
const RUN_STEPS: u64 = 200;

/// Where the harness reads the time.
pub trait Clock {
    /// Seconds on a monotonic wall clock.
    fn wall_secs(&self) -> f64;
    /// Seconds this thread has spent on a CPU, where the platform says.
    fn cpu_secs(&self) -> Option<f64>;
}

/// Rates in units per second over the repetitions.
struct Rate {
    /// Wall clock: median, slowest and fastest repetition.
    median: f64,
    min: f64,
    max: f64,
    /// Median rate per second on the CPU, when known.
    cpu_median: Option<f64>,
    /// Median share of the wall time the thread was on a CPU, when known.
    on_cpu: Option<f64>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `f`, which does the work it returns (in units), once untimed and `reps` times.
fn measure(clock: &dyn Clock, reps: usize, mut f: impl FnMut(u64) -> u64) -> Rate {
    f(u64::MAX); // warm-up, untimed (caches, branch predictors, page faults, JIT tiers)
    let mut wall = Vec::with_capacity(reps);
    let mut cpu = Vec::with_capacity(reps);
    let mut share = Vec::with_capacity(reps);
    for rep in 0..reps as u64 {
        let c0 = clock.cpu_secs();
        let t = clock.wall_secs();
        let work = f(rep) as f64;
        let secs = clock.wall_secs() - t;
        wall.push(work / secs);
        if let (Some(c0), Some(c1)) = (c0, clock.cpu_secs()) {
            let cpu_secs = (c1 - c0).max(0.0);
            if cpu_secs > 0.0 {
                cpu.push(work / cpu_secs);
                share.push(cpu_secs / secs);
            }
        }
    }
    let (min, max) = wall.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    let complete = cpu.len() == reps;
    Rate {
        median: median(wall),
        min,
        max,
        cpu_median: complete.then(|| median(cpu)),
        on_cpu: complete.then(|| median(share)),
    }
}

fn on_cpu_note(r: &Rate, scale: f64, unit: &str) -> String {
    match (r.cpu_median, r.on_cpu) {
        (Some(c), Some(s)) => format!("; on-CPU {:.2} {unit}, {:.0} % of wall time on CPU", scale * c, 100.0 * s),
        _ => String::new(),
    }
}

fn report(what: &str, unit: &str, r: &Rate) -> String {
    let spread = 100.0 * (r.max - r.min) / r.median;
    format!(
        "{what:<58} {:>7.2} M {unit}/s (min {:.2}, max {:.2}, spread {spread:.0} %{})",
        r.median / 1e6,
        r.min / 1e6,
        r.max / 1e6,
        on_cpu_note(r, 1e-6, "M/s")
    )
}

/// Candidates drawn by `runs` selection runs of `RUN_STEPS` steps from the default start.
fn selection_candidates(selection: Selection, runs: u64, rep: u64) -> u64 {
    let mut candidates = 0;
    for i in 0..runs {
        let seed = rep.wrapping_mul(1_000_003).wrapping_add(i);
        let mut run = SelectionRun::new(default_problem(), selection, DEFAULT_START, seed).expect("valid start");
        for _ in 0..RUN_STEPS {
            match run.step() {
                Ok(s) => candidates += s.candidates,
                Err(_) => break,
            }
        }
        black_box(run.theta());
    }
    candidates
}

/// Per-example gradients drawn by SGD at batch `batch`, `steps` steps in all.
fn sgd_gradients(batch: u64, steps: u64, rep: u64) -> u64 {
    let sgd = MiniBatchSgd::new(0.1, batch).expect("valid");
    let mut done = 0;
    let mut run = SgdRun::new(default_problem(), sgd, DEFAULT_START, rep).expect("valid start");
    for i in 0..steps {
        if i % RUN_STEPS == 0 {
            run = SgdRun::new(default_problem(), sgd, DEFAULT_START, rep.wrapping_add(i)).expect("valid start");
        }
        if run.step().is_ok() {
            done += batch;
        }
    }
    black_box(run.theta());
    done
}

/// Runs every workload with `reps` timed repetitions each and hands each result line to
/// `print`, in a fixed order and format.
pub fn run_all(clock: &dyn Clock, reps: usize, print: &mut dyn FnMut(&str)) {
    let reps = reps.max(1);
    print(&format!("throughput of the science core: median of {reps} repetitions after a warm-up\n"));

    // Selection at the spec defaults (§B): LOOP, Gaussian σ = 0.05, logistic β = 80.
    let loop_default = default_selection();
    let keep = Selection::new(Mutation::Gaussian { sigma: 0.05 }, Acceptance::Logistic { beta: 80.0 }, StepRule::Keep)
        .expect("valid");
    // Ball with the same per-component variance: R²/(n + 2) = σ², R = σ√6.
    let ball = Selection::new(
        Mutation::Ball { radius: 0.05 * 6f64.sqrt() },
        Acceptance::Logistic { beta: 80.0 },
        StepRule::default(),
    )
    .expect("valid");
    for (name, sel, runs) in [
        ("selection LOOP, defaults (Gaussian σ 0.05, logistic β 80)", loop_default, 2000),
        ("selection KEEP, same mutation and acceptance", keep, 4000),
        ("selection LOOP, ball R = 0.05·√6, logistic β 80", ball, 1000),
    ] {
        let r = measure(clock, reps, |rep| selection_candidates(sel, runs, rep));
        print(&report(name, "candidates", &r));
    }

    for (batch, steps) in [(4u64, 1_000_000u64), (4096, 1000)] {
        let r = measure(clock, reps, |rep| sgd_gradients(batch, steps, rep));
        print(&report(&format!("SGD per-example gradients, batch {batch}, η 0.1"), "gradients", &r));
    }

    // One η_eff(|g|) evaluation per rule, over the |g| the page plots: 64 log-spaced
    // values from 0.01 to 100, at σ = 0.05 and β = 80 (Kimura N = 20.5: 4N − 2 = 80).
    print("");
    let grads: Vec<f64> = (0..64).map(|i| 10f64.powf(-2.0 + 4.0 * i as f64 / 63.0)).collect();
    let g0 = {
        let g = default_problem().fitness_gradient(&DEFAULT_START);
        (g[0] * g[0] + g[1] * g[1]).sqrt()
    };
    for acc in [
        Acceptance::Logistic { beta: 80.0 },
        Acceptance::Metropolis { beta: 80.0 },
        Acceptance::Probit { beta: 80.0 },
        Acceptance::Kimura { population: 20.5 },
    ] {
        let closed = theory::linear_response_closed(&acc, 0.05, 1.0).is_some();
        // Enough calls per repetition to take tens of milliseconds.
        let sweeps: u64 = if closed { 20_000 } else { 20 };
        let sweep = measure(clock, reps, |_| {
            for _ in 0..sweeps {
                for &g in &grads {
                    black_box(theory::eta_eff_loop(black_box(&acc), black_box(0.05), black_box(g)));
                }
            }
            sweeps * grads.len() as u64
        });
        let at_start = measure(clock, reps, |_| {
            for _ in 0..sweeps * 64 {
                black_box(theory::eta_eff_loop(black_box(&acc), black_box(0.05), black_box(g0)));
            }
            sweeps * 64
        });
        let kind = if closed { "closed form" } else { "quadrature" };
        let cpu_us = |r: &Rate| r.cpu_median.map_or(String::new(), |c| format!(", on-CPU {:.3}", 1e6 / c));
        print(&format!(
            "eta_eff_loop, {:<10} ({kind}): {:.3} µs/call over |g| in [0.01, 100] (fastest {:.3}, slowest {:.3}{}); \
             {:.3} µs at |g(θ₀)| = {g0:.3}{}",
            acc.name(),
            1e6 / sweep.median,
            1e6 / sweep.max,
            1e6 / sweep.min,
            cpu_us(&sweep),
            1e6 / at_start.median,
            cpu_us(&at_start)
        ));
    }
}
