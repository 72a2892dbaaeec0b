//! The normal sampler (`sim::normal`) against the standard normal law Φ, with fixed seeds
//! and stated bounds: its first four moments, a χ² test on 100 equiprobable bins, a
//! Kolmogorov–Smirnov test, its tails (the ziggurat's tail branch and a conditional KS
//! test of what it returns), the rate of its rare branches, its cross-platform
//! fingerprint, and an audit of `src/sim` for platform maths.
//!
//! Bounds are 99.9 % ones, as in `science.rs`: |Z| < 3.29 for an estimate against its
//! standard error, the 0.999 quantiles of the χ² and Kolmogorov laws for the others. A
//! correct sampler passes each with probability 0.999 and, the seeds being fixed, always.

use selection_sgd::sim::maths::{normal_cdf, Z_999};
use selection_sgd::sim::normal::{standard_normal, StandardNormal, ZIGGURAT_R, ZIGGURAT_X};
use selection_sgd::sim::rng_for;

include!("common/normal_fingerprint.rs");
include!("common/fingerprint.rs");

/// Draws for the moment, χ² and tail tests.
const N: usize = 10_000_000;

/// The 0.999 quantile of the Kolmogorov distribution: P(√n·D > 1.9495) = 0.001 for large n.
const KOLMOGOROV_999: f64 = 1.9495;

/// The 0.999 quantile of χ² with 99 degrees of freedom.
const CHI2_99_999: f64 = 148.23;

/// P(Z > t) for a standard normal Z, accurately in the tail.
fn upper(t: f64) -> f64 {
    0.5 * libm::erfc(t / std::f64::consts::SQRT_2)
}

/// Asserts |estimate − expected| < 3.29·SE.
fn assert_within(name: &str, estimate: f64, se: f64, expected: f64) {
    let z = (estimate - expected) / se;
    assert!(z.abs() < Z_999, "{name}: {estimate} vs {expected} (SE {se}): Z = {z:.2}");
}

/// Asserts that a count of events of probability p in n trials is within 3.29 SE of n·p.
fn assert_count(name: &str, count: usize, n: usize, p: f64) {
    let (n, mean) = (n as f64, n as f64 * p);
    assert_within(name, count as f64, (n * p * (1.0 - p)).sqrt(), mean);
}

/// √n·D, the Kolmogorov–Smirnov statistic of `sample` against the distribution function `cdf`.
fn ks_statistic(mut sample: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    let d = sample.iter().enumerate().fold(0.0f64, |d, (i, &x)| {
        let f = cdf(x);
        d.max(f - i as f64 / n).max((i + 1) as f64 / n - f)
    });
    n.sqrt() * d
}

fn draws(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = rng_for(seed, 0);
    (0..n).map(|_| standard_normal(&mut rng)).collect()
}

#[test]
fn first_four_moments_are_the_normal_ones() {
    // E z^k = 0, 1, 0, 3 and Var z^k = E z^{2k} − (E z^k)² = 1, 2, 15, 96 for k = 1…4.
    let z = draws(1, N);
    let n = N as f64;
    let moment = |k: i32| z.iter().map(|&x| (0..k).fold(1.0, |p, _| p * x)).sum::<f64>() / n;
    for (k, want, var) in [(1, 0.0, 1.0), (2, 1.0, 2.0), (3, 0.0, 15.0), (4, 3.0, 96.0)] {
        assert_within(&format!("E z^{k}"), moment(k), (var / n).sqrt(), want);
    }
}

#[test]
fn chi_squared_on_100_equiprobable_bins() {
    // Bin by Φ(z): under Φ each of the 100 bins holds N/100 draws in expectation.
    let mut counts = [0usize; 100];
    for z in draws(2, N) {
        counts[((normal_cdf(z) * 100.0) as usize).min(99)] += 1;
    }
    let e = N as f64 / 100.0;
    let chi2: f64 = counts.iter().map(|&c| (c as f64 - e) * (c as f64 - e) / e).sum();
    assert!(chi2 < CHI2_99_999, "χ² = {chi2:.1} on 99 degrees of freedom (0.999 quantile {CHI2_99_999})");
}

#[test]
fn kolmogorov_smirnov_against_phi() {
    let ks = ks_statistic(draws(3, 1_000_000), normal_cdf);
    assert!(ks < KOLMOGOROV_999, "√n·D = {ks:.3} (0.999 quantile {KOLMOGOROV_999})");
}

#[test]
fn tails_match_theory_and_the_tail_branch_is_exact() {
    // Beyond R every draw comes from the tail branch (layer edges xᵢ ≤ R for i ≥ 1, and
    // layer 0 returns u·x₀ only when it is below R): N·2·P(Z > R) ≈ 2,580 of them.
    let z = draws(4, N);
    let count = |f: &dyn Fn(f64) -> bool| z.iter().filter(|&&x| f(x)).count();
    assert_count("|z| > 3.5", count(&|x| x.abs() > 3.5), N, 2.0 * upper(3.5));
    assert_count("z > 3.5", count(&|x| x > 3.5), N, upper(3.5));
    assert_count("z < −3.5", count(&|x| x < -3.5), N, upper(3.5));
    assert_count("|z| > R (tail branch)", count(&|x| x.abs() > ZIGGURAT_R), N, 2.0 * upper(ZIGGURAT_R));
    assert_count("|z| > 4.5", count(&|x| x.abs() > 4.5), N, 2.0 * upper(4.5));
    // What the tail branch returns: |z| given |z| > R has distribution function
    // 1 − P(Z > t)/P(Z > R).
    let tail: Vec<f64> = z.iter().map(|x| x.abs()).filter(|&x| x > ZIGGURAT_R).collect();
    assert!(tail.len() > 2_000, "{} tail draws", tail.len());
    let ks = ks_statistic(tail, |t| 1.0 - upper(t) / upper(ZIGGURAT_R));
    assert!(ks < KOLMOGOROV_999, "tail beyond R: √n·D = {ks:.3} (0.999 quantile {KOLMOGOROV_999})");
}

/// A generator that counts the 64-bit words drawn from it.
struct Counting<'a> {
    inner: &'a mut selection_sgd::sim::SimRng,
    words: u64,
}

impl rand::TryRng for Counting<'_> {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.words += 1;
        Ok(rand::Rng::next_u32(self.inner))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.words += 1;
        Ok(rand::Rng::next_u64(self.inner))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.words += dst.len().div_ceil(8) as u64;
        rand::Rng::fill_bytes(self.inner, dst);
        Ok(())
    }
}

#[test]
fn rare_branches_are_taken_at_the_ziggurat_rate() {
    // A draw uses one 64-bit word when its first attempt is accepted at once, which
    // happens with probability (1/256)·Σᵢ xᵢ₊₁/xᵢ (u is uniform on [−1, 1)); otherwise it
    // goes to the wedge test or the tail, and draws more words.
    let fast = (0..256).map(|i| ZIGGURAT_X[i + 1] / ZIGGURAT_X[i]).sum::<f64>() / 256.0;
    let base = (1.0 - ZIGGURAT_X[1] / ZIGGURAT_X[0]) / 256.0; // first attempt in layer 0, beyond R
    let mut inner = rng_for(5, 0);
    let mut rng = Counting { inner: &mut inner, words: 0 };
    let n = 2_000_000;
    let mut slow = 0;
    for _ in 0..n {
        let before = rng.words;
        let _: f64 = rand::distr::Distribution::sample(&StandardNormal, &mut rng);
        slow += usize::from(rng.words - before > 1);
    }
    assert!((0.014..0.016).contains(&(1.0 - fast)) && base > 2e-4, "rates {} and {base}", 1.0 - fast);
    assert_count("draws past the fast path", slow, n, 1.0 - fast);
}

#[test]
fn fingerprint_matches_the_recorded_constant() {
    // The same constant is asserted in Chromium by `tests/web.rs`.
    let got = normal_fingerprint(42);
    assert_eq!(got, NORMAL_FINGERPRINT_SEED_42, "normal_fingerprint(42) = ({:#018x}, {})", got.0, got.1);
    let draws = f64::from(NORMAL_FINGERPRINT_DRAWS);
    assert_within(
        "tail draws in the fingerprint",
        f64::from(got.1),
        (draws * 2.0 * upper(ZIGGURAT_R)).sqrt(),
        draws * 2.0 * upper(ZIGGURAT_R),
    );
}

#[test]
fn sim_calls_no_platform_maths() {
    // Transcendental functions as f64 methods are the platform's (glibc natively, another
    // implementation in wasm32); `src/sim` must call `libm` instead. `sqrt` and `abs` are
    // exact in IEEE arithmetic and allowed. `powi` has no specified implementation either.
    const METHODS: [&str; 27] = [
        "exp", "exp2", "exp_m1", "ln", "log", "log2", "log10", "ln_1p", "powf", "powi", "sin", "cos", "tan", "sin_cos",
        "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "cbrt", "hypot", "mul_add",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/sim") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        for (line_no, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for m in METHODS {
                if code.contains(&format!(".{m}(")) || code.contains(&format!("f64::{m}(")) {
                    found.push(format!("{}:{}: .{m}(", path.display(), line_no + 1));
                }
            }
            if code.contains("rand_distr") {
                found.push(format!("{}:{}: rand_distr", path.display(), line_no + 1));
            }
        }
    }
    assert!(found.is_empty(), "platform maths in src/sim (use libm):\n{}", found.join("\n"));
}

/// Both models' default runs from seed 42 hash to the recorded constant, which the
/// browser test (`tests/web.rs`) checks too.
#[test]
fn run_fingerprint_matches_the_recorded_constant() {
    let got = selection_sgd::sim::run::fingerprint(42);
    assert_eq!(got, FINGERPRINT_SEED_42, "fingerprint(42) = {got:#018x}, recorded {FINGERPRINT_SEED_42:#018x}");
}
