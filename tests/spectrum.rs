//! Beyond the toy: the bundled data, the eigen-solver, and the shape of each model's
//! noise on softmax regression (42 parameters) against theory, with fixed seeds and
//! stated statistical bounds (99.9 %: |z| < 3.29).

use selection_sgd::sim::maths::Z_999;
use selection_sgd::sim::rng_for;
use selection_sgd::sim::selection::StepRule;
use selection_sgd::sim::sgd::MiniBatchSgd;
use selection_sgd::sim::spectrum::data::{self, fnv1a64, WINE_CSV};
use selection_sgd::sim::spectrum::dimension::{DimensionExperiment, DimensionParams, Sizing};
use selection_sgd::sim::spectrum::eigen::{rank_for_share, subspace_overlap, symmetric_eigen};
use selection_sgd::sim::spectrum::noise::{NoiseExperiment, PointBasis};
use selection_sgd::sim::spectrum::softmax::{Params, Softmax, DIM, PENALTY};
use selection_sgd::sim::spectrum::training::Training;

const LR: f64 = 0.1;
const BATCH: u64 = 8;
const SIGMA: f64 = 0.015;
const STEPS: u64 = 4000;
const LOOP: StepRule = StepRule::Loop { cap: 1_000_000 };

fn model() -> Softmax {
    Softmax::new(data::wine().expect("the bundled data parses"), PENALTY)
}

#[test]
fn bundled_data_has_its_rows_and_the_checksum_its_readme_records() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/wine");
    let bytes = std::fs::read(root.join("wine_data.csv")).expect("data/wine/wine_data.csv");
    assert_eq!(bytes, WINE_CSV.as_bytes(), "the compiled-in copy is the file");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert_eq!(text.lines().count(), 179, "a header and 178 rows");
    let rows = data::parse(&text).expect("parses");
    assert_eq!(rows.len(), data::ROWS);
    let per_class = (0..3).map(|c| rows.iter().filter(|r| r.1 == c).count()).collect::<Vec<_>>();
    assert_eq!(per_class, [59, 71, 48]);
    // The README is the record; this is the check.
    let readme = std::fs::read_to_string(root.join("README.md")).expect("data/wine/README.md");
    let line = readme.lines().find(|l| l.contains("FNV-1a 64")).expect("the README records an FNV-1a checksum");
    let recorded = line.split('`').nth(1).expect("the checksum in backticks");
    assert_eq!(format!("{:#018x}", fnv1a64(&bytes)), recorded);
    assert!(readme.contains("CC BY 4.0") && readme.contains("Aeberhard"), "licence and citation");
}

#[test]
fn split_is_fixed_and_standardised() {
    let d = data::wine().unwrap();
    assert_eq!((d.train_x.len(), d.test_x.len()), (119, 59));
    for j in 0..13 {
        let mean: f64 = d.train_x.iter().map(|x| x[j]).sum::<f64>() / 119.0;
        let var: f64 = d.train_x.iter().map(|x| (x[j] - mean) * (x[j] - mean)).sum::<f64>() / 119.0;
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12, "feature {j}: mean {mean}, var {var}");
    }
    assert_eq!(d, data::wine().unwrap());
    assert!(data::parse("h\n1,2\n").is_err() && data::parse("h\n1,2,3,4,5,6,7,8,9,10,11,12,x,0\n").is_err());
}

#[test]
fn jacobi_recovers_known_spectra() {
    // Q·diag(λ)·Qᵀ with Q a product of Householder reflections: known eigenvalues.
    for n in [1, 2, 7, 42] {
        let lambda: Vec<f64> = (0..n).map(|i| if i % 5 == 4 { 0.0 } else { 10.0 / (1.0 + i as f64) }).collect();
        let mut q: Vec<f64> = (0..n * n).map(|k| if k / n == k % n { 1.0 } else { 0.0 }).collect();
        for r in 0..3 {
            let v: Vec<f64> = (0..n).map(|i| ((i * 7 + r * 3) % 11) as f64 - 5.0 + 0.5).collect();
            let vv: f64 = v.iter().map(|x| x * x).sum();
            let mut h = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] = f64::from(u8::from(i == j)) - 2.0 * v[i] * v[j] / vv;
                }
            }
            q = (0..n * n).map(|k| (0..n).map(|m| q[(k / n) * n + m] * h[m * n + k % n]).sum()).collect();
        }
        let a: Vec<f64> =
            (0..n * n).map(|k| (0..n).map(|m| q[(k / n) * n + m] * lambda[m] * q[(k % n) * n + m]).sum()).collect();
        let e = symmetric_eigen(&a, n).unwrap();
        let mut want = lambda.clone();
        want.sort_by(|a, b| b.total_cmp(a));
        for (got, want) in e.values.iter().zip(&want) {
            assert!((got - want).abs() < 1e-10, "n = {n}: {got} vs {want}");
        }
        for (val, vec) in e.values.iter().zip(&e.vectors) {
            let residual: f64 = (0..n)
                .map(|i| (0..n).map(|j| a[i * n + j] * vec[j]).sum::<f64>() - val * vec[i])
                .map(|r| r * r)
                .sum::<f64>()
                .sqrt();
            assert!(residual < 1e-10, "n = {n}: |Av − λv| = {residual}");
        }
    }
    assert_eq!(rank_for_share(&[1.0, 1.0, 1.0, 1.0], 0.9), 4);
    assert_eq!(rank_for_share(&[9.0, 0.5, 0.5], 0.9), 1);
    assert!(symmetric_eigen(&[f64::NAN], 1).is_none());
}

/// Measured SGD steps from `point` (the same draws as the figure's: stream 0 of `seed`).
fn sgd_steps(model: &Softmax, point: &Params, seed: u64) -> Vec<Params> {
    let sgd = MiniBatchSgd::new(LR, BATCH).unwrap();
    let mut rng = rng_for(seed, 0);
    (0..STEPS).map(|_| sgd.step(model, point, &mut rng).step).collect()
}

/// z of the mean of `q` against `want`, with the sample standard error.
fn z_of(q: &[f64], want: f64) -> f64 {
    let n = q.len() as f64;
    let mean = q.iter().sum::<f64>() / n;
    let var = q.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (mean - want) / (var / n).sqrt()
}

/// Squared components of the centred steps along `v` (their mean estimates vᵀ·Cov·v).
fn along(steps: &[Params], v: &[f64]) -> Vec<f64> {
    let n = steps.len() as f64;
    let mean: Vec<f64> = (0..DIM).map(|i| steps.iter().map(|s| s[i]).sum::<f64>() / n).collect();
    let c = n / (n - 1.0);
    steps.iter().map(|s| (0..DIM).map(|i| (s[i] - mean[i]) * v[i]).sum::<f64>()).map(|p| c * p * p).collect()
}

#[test]
fn sgd_step_covariance_spectrum_matches_its_theory() {
    let m = model();
    let opt = m.optimum();
    for (name, point) in [("start", [0.0; DIM]), ("optimum", opt)] {
        let e = NoiseExperiment::new(m.clone(), &PointBasis::at(&m, &point), LR, BATCH, SIGMA, LOOP, 7, STEPS).unwrap();
        let t = e.theory().clone();
        let steps = sgd_steps(&m, &point, 7);
        // The top three theory eigenvalues and the trace, each measured along its own
        // direction(s): unbiased, with a standard error from the same 4,000 steps.
        for k in 0..3 {
            let z = z_of(&along(&steps, &t.sgd.vectors[k]), t.sgd.values[k]);
            assert!(z.abs() < Z_999, "{name}: eigenvalue {k}: z = {z:.2}");
        }
        let n = steps.len() as f64;
        let mean: Vec<f64> = (0..DIM).map(|i| steps.iter().map(|s| s[i]).sum::<f64>() / n).collect();
        let sq: Vec<f64> =
            steps.iter().map(|s| n / (n - 1.0) * (0..DIM).map(|i| (s[i] - mean[i]).powi(2)).sum::<f64>()).collect();
        let trace: f64 = t.sgd.values.iter().sum();
        let z = z_of(&sq, trace);
        assert!(z.abs() < Z_999, "{name}: trace z = {z:.2}");

        // The figure's own measurement: the same steps, decomposed.
        let mut e = e;
        e.advance(STEPS);
        let measured = e.measure().unwrap();
        let s = e.summary(&measured);
        // Top eigenvalue of a sample covariance: relative standard error about
        // √(Var(q)/M)/λ from the projections above; allow 3.29 of them.
        let q = along(&steps, &t.sgd.vectors[0]);
        let qm = q.iter().sum::<f64>() / n;
        let rel_se = (q.iter().map(|x| (x - qm).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt() / t.sgd.values[0];
        assert!((s.sgd_top_ratio - 1.0).abs() < Z_999 * rel_se, "{name}: top ratio {}", s.sgd_top_ratio);
        assert!(s.sgd_rank90.abs_diff(s.sgd_rank90_theory) <= 1, "{name}: rank90 {s:?}");
        assert!(subspace_overlap(&measured.sgd.vectors, &t.sgd.vectors, 5) > 0.9, "{name}: top directions");
        // Softmax: the class blocks of every example's gradient sum to λθ's, so 14 of
        // the 42 directions carry no SGD noise at all — measured and in theory.
        let top = measured.sgd.values[0];
        assert_eq!(measured.sgd.values.iter().filter(|v| v.abs() < 1e-12 * top).count(), 14, "{name}");
        assert_eq!(t.sgd.values.iter().filter(|v| v.abs() < 1e-12 * t.sgd.values[0]).count(), 14, "{name}");
        // Low rank against flat: SGD's 90 % needs far fewer directions than selection's.
        assert!(s.sgd_rank90 * 2 < s.sel_rank90, "{name}: {s:?}");
        // SGD's top directions lie along the Hessian's near the optimum, selection's do not.
        if name == "optimum" {
            assert!(s.sgd_alignment > 0.8 && s.sel_alignment < 0.3, "{s:?}");
        }
    }
}

#[test]
fn selection_perpendicular_spectrum_is_flat() {
    let m = model();
    let start = [0.0; DIM];
    for rule in [LOOP, StepRule::Keep] {
        let mut e =
            NoiseExperiment::new(m.clone(), &PointBasis::at(&m, &start), LR, BATCH, SIGMA, rule, 11, STEPS).unwrap();
        e.advance(STEPS);
        let t = e.theory().clone();
        let (_, cov) = e.covariances().unwrap();
        // The covariance restricted to the directions perpendicular to the gradient:
        // (I − ĝĝᵀ) C (I − ĝĝᵀ), whose 41 non-zero eigenvalues theory puts all at the
        // perpendicular variance.
        let g = t.direction;
        let mut proj = vec![0.0; DIM * DIM];
        for i in 0..DIM {
            for j in 0..DIM {
                proj[i * DIM + j] = f64::from(u8::from(i == j)) - g[i] * g[j];
            }
        }
        let mul = |a: &[f64], b: &[f64]| -> Vec<f64> {
            (0..DIM * DIM).map(|k| (0..DIM).map(|l| a[(k / DIM) * DIM + l] * b[l * DIM + k % DIM]).sum()).collect()
        };
        let perp = mul(&mul(&proj, &cov), &proj);
        let values = symmetric_eigen(&perp, DIM).unwrap().values;
        // Sample eigenvalues of a flat p-dimensional covariance from M steps spread to the
        // Marchenko–Pastur edges (1 ± √(p/M))²; curvature tilts each direction by at most
        // η·λ_max(H) (the module's derivation); and 3 % for the edges' finite-size wobble.
        let edge = (41.0 / STEPS as f64).sqrt();
        let tilt = LR * t.hessian.values[0];
        let (lo, hi) = ((1.0 - edge).powi(2) - tilt - 0.03, (1.0 + edge).powi(2) + tilt + 0.03);
        for v in &values[..41] {
            let r = v / t.sel_perpendicular;
            assert!(
                r > lo && r < hi,
                "{rule:?}: perpendicular eigenvalue / theory = {r:.3}, bounds ({lo:.3}, {hi:.3})"
            );
        }
        // Its mean (the trace / 41) against theory: relative standard error √(2/(41·M)),
        // plus the curvature's average tilt η·tr H/42.
        let mean = values[..41].iter().sum::<f64>() / 41.0 / t.sel_perpendicular;
        let trace_h: f64 = t.hessian.values.iter().sum();
        let bound = Z_999 * (2.0 / (41.0 * STEPS as f64)).sqrt() * 1.5 + LR * trace_h / 42.0;
        assert!((mean - 1.0).abs() < bound, "{rule:?}: mean perpendicular ratio {mean:.4}, bound {bound:.4}");
        assert!(values[41].abs() < 1e-12 * values[0], "ĝ is projected out");
        // Flat: 90 % of the variance needs at least 90 % of the directions, minus one.
        let s = e.summary(&e.measure().unwrap());
        assert!(s.sel_rank90 >= 36, "{rule:?}: {s:?}");
        assert!(s.sel_alignment < 0.3, "{rule:?}: selection's top directions are not the Hessian's: {s:?}");
    }
}

#[test]
fn dimension_rates_agree_with_theory() {
    let p = DimensionParams::default();
    let mut d = DimensionExperiment::new(p, 1000, 3);
    while d.advance(1_000_000) {}
    for (i, &n) in d.dims().iter().enumerate() {
        for sizing in Sizing::ALL {
            let m = d.measured(i, sizing).unwrap();
            let t = p.theory(sizing, n);
            let z_rate = (m.point.rate - t.rate) / m.rate_se;
            let z_acc = (m.point.acceptance - t.acceptance) / m.acceptance_se;
            assert!(z_rate.abs() < Z_999, "n = {n}, {sizing:?}: rate {} vs {}, z = {z_rate:.2}", m.point.rate, t.rate);
            assert!(z_acc.abs() < Z_999, "n = {n}, {sizing:?}: acceptance z = {z_acc:.2}");
        }
    }
    let rate = |n: usize, s| {
        let i = d.dims().iter().position(|&m| m == n).unwrap();
        d.measured(i, s).unwrap().point.rate
    };
    // Per-coordinate size: the rate at n = 1000 is the rate at n = 1 (within 10 %).
    let flat = rate(1000, Sizing::PerCoordinate) / rate(1, Sizing::PerCoordinate);
    assert!((flat - 1.0).abs() < 0.1, "per-coordinate rate ratio 1000 : 1 = {flat:.3}");
    // Total size: the rate falls as 1/n (log-log slope −1 within 0.05 between 10 and 1000).
    let slope = (rate(1000, Sizing::Total) / rate(10, Sizing::Total)).ln() / 100f64.ln();
    assert!((slope + 1.0).abs() < 0.05, "total-size slope {slope:.3}");
    // And theory's small-step rates say the same exactly.
    assert_eq!(p.small_step_rate(Sizing::PerCoordinate, 1000), p.small_step_rate(Sizing::PerCoordinate, 1));
    assert!(
        (p.small_step_rate(Sizing::Total, 1000) * 1000.0 / p.small_step_rate(Sizing::Total, 1) - 1.0).abs() < 1e-12
    );
}

#[test]
fn runs_are_deterministic_for_a_seed() {
    let m = model();
    let run = |seed| {
        let mut t = Training::new(m.clone(), [0.0; DIM], LR, BATCH, SIGMA, LOOP, seed).unwrap();
        for _ in 0..300 {
            t.step();
        }
        (t.sgd_record.clone(), t.sel_record.clone())
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    let noise = |seed| {
        let mut e =
            NoiseExperiment::new(m.clone(), &PointBasis::at(&m, &[0.0; DIM]), LR, BATCH, SIGMA, LOOP, seed, 500)
                .unwrap();
        e.advance(500);
        e.covariances().unwrap()
    };
    assert_eq!(noise(5), noise(5));
}

#[test]
fn both_models_train_and_selection_costs_more_evaluations() {
    let m = model();
    let mut t = Training::new(m.clone(), [0.0; DIM], LR, BATCH, SIGMA, LOOP, 42).unwrap();
    for _ in 0..1500 {
        t.step();
    }
    let (sgd, sel) = (t.sgd_record.last().unwrap(), t.sel_record.last().unwrap());
    let l0 = t.sgd_record[0].loss;
    assert!(sgd.loss < 0.2 * l0 && sel.loss < 0.2 * l0, "{sgd:?} {sel:?}");
    let (a, b) = t.accuracy();
    assert!(a > 0.9 && b > 0.9, "test accuracy {a} {b}");
    // Every candidate costs a full pass over the 119 training wines; an SGD step costs 8.
    assert!(sel.evaluations > 10.0 * sgd.evaluations);
    // Bad input gives an error that names it, not a panic.
    assert_eq!(Training::new(m.clone(), [0.0; DIM], LR, 0, SIGMA, LOOP, 1).err().unwrap().param, "batch");
    assert_eq!(Training::new(m, [0.0; DIM], LR, BATCH, -1.0, LOOP, 1).err().unwrap().param, "sigma");
}

#[test]
fn the_basis_in_pieces_is_the_basis_at_once() {
    use selection_sgd::sim::spectrum::noise::{PointBasis, PointBasisBuilder};
    let m = model();
    let point = m.optimum().map(|t| t / 2.0);
    let mut b = PointBasisBuilder::new(&m, &point);
    assert!(b.advance().is_none(), "two pieces of work after the matrices");
    assert_eq!(b.advance(), Some(PointBasis::at(&m, &point)));
}
