//! Selection's exact one-step response to a quadratic objective in two dimensions.
//!
//! §A.1.3 gives the response to a *locally linear* f. On a curved f the change in
//! fitness over one mutation is Δ(ε) = gᵀε − ½εᵀHε (g = ∇f, −H the Hessian of f), and
//! the curvature term changes which candidates are accepted: at a stationary point it
//! shrinks and tilts the accepted steps (§A.1.5), and away from one it changes the mean
//! LOOP step by a relative amount of order βs²·H. For f quadratic (the regression of §C,
//! the bowl of §D) this Δ is exact, so the moments below are exactly what a simulation
//! of one step must reproduce — the reference its Monte Carlo is checked against.
//!
//! With Gaussian mutation ε ~ N(0, s²I) the moments are 2-D Gaussian integrals, taken
//! here by nested adaptive Gauss–Kronrod quadrature in coordinates aligned with g (the
//! direction in which acceptance changes fastest), to an absolute error near 1e-8.

use super::maths::{normal_pdf, Sym2};
use super::selection::Acceptance;

/// The moments of one candidate and of the accepted ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AcceptedMoments {
    /// A = E[P_s(Δ(ε))]: the probability that one candidate is accepted.
    pub rate: f64,
    /// E[ε·P_s]: KEEP's mean step per generation.
    pub mean_keep: [f64; 2],
    /// E[ε | accepted]: the mean LOOP step.
    pub mean: [f64; 2],
    /// Cov(ε | accepted): the covariance of LOOP steps (of accepted candidates).
    pub cov: Sym2,
}

impl AcceptedMoments {
    /// The correlation of the two components of an accepted step.
    pub fn correlation(&self) -> f64 {
        self.cov[0][1] / (self.cov[0][0] * self.cov[1][1]).sqrt()
    }
}

use super::maths::{WG, WGK, XGK};

/// Standard normal mass beyond ±6 is 2e-9: below the precision the figures need.
const Z_RANGE: f64 = 6.0;
/// Panels on which GK15 integrates the Gaussian weight accurately without bisection.
const PANELS: [f64; 7] = [-6.0, -3.0, -1.5, 0.0, 1.5, 3.0, 6.0];
/// The deepest bisection allowed in the inner integral.
const MAX_DEPTH: u32 = 22;
/// The deepest bisection in the outer integral, whose integrand carries the inner one's
/// small error: without a limit, that noise alone would force endless bisection.
const OUTER_DEPTH: u32 = 10;
/// Absolute tolerances (the integrands are O(1) in z-units), split over the panels in
/// proportion to their widths. The inner one is below the outer one so that the outer
/// integrand is smooth at the outer tolerance. With QUADPACK's error estimate the results
/// are good to about 1e-8, far below any Monte Carlo standard error the figures reach.
const INNER_TOL: f64 = 1e-8;
const OUTER_TOL: f64 = 1e-7;

type Vec6 = [f64; 6];

fn axpy(acc: &mut Vec6, w: f64, v: &Vec6) {
    for (a, x) in acc.iter_mut().zip(v) {
        *a += w * x;
    }
}

/// GK15 on [a, b] of a vector-valued f: (Kronrod estimate, error estimate). The error is
/// QUADPACK's (qk15): the Kronrod–Gauss difference, tempered by the integrand's variation
/// over the interval as resasc·min(1, (200·|K − G|/resasc)^1.5), which is realistic for
/// smooth integrands where the raw difference overstates the error by orders of
/// magnitude; the largest over the components.
fn gk15(f: &mut impl FnMut(f64) -> Vec6, a: f64, b: f64) -> (Vec6, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut values = [[0.0; 6]; 15];
    values[7] = fc;
    let mut kronrod = [0.0; 6];
    let mut gauss = [0.0; 6];
    axpy(&mut kronrod, WGK[7], &fc);
    axpy(&mut gauss, WG[3], &fc);
    for j in 0..7 {
        let dx = h * XGK[j];
        let (lo, hi) = (f(c - dx), f(c + dx));
        values[j] = lo;
        values[14 - j] = hi;
        let mut pair = lo;
        axpy(&mut pair, 1.0, &hi);
        axpy(&mut kronrod, WGK[j], &pair);
        if j % 2 == 1 {
            axpy(&mut gauss, WG[j / 2], &pair);
        }
    }
    let mut err = 0.0f64;
    for k in 0..6 {
        let mean = 0.5 * kronrod[k];
        let mut resasc = WGK[7] * (values[7][k] - mean).abs();
        for j in 0..7 {
            resasc += WGK[j] * ((values[j][k] - mean).abs() + (values[14 - j][k] - mean).abs());
        }
        resasc *= h.abs();
        let mut e = ((kronrod[k] - gauss[k]) * h).abs();
        if resasc > 0.0 && e > 0.0 {
            e = resasc * libm::pow(200.0 * e / resasc, 1.5).min(1.0);
        }
        err = err.max(e);
    }
    (kronrod.map(|k| k * h), err)
}

fn adaptive(f: &mut impl FnMut(f64) -> Vec6, a: f64, b: f64, tol: f64, depth: u32) -> Vec6 {
    let (value, err) = gk15(f, a, b);
    if err <= tol || depth == 0 || !err.is_finite() {
        return value;
    }
    let m = 0.5 * (a + b);
    let mut left = adaptive(f, a, m, 0.5 * tol, depth - 1);
    let right = adaptive(f, m, b, 0.5 * tol, depth - 1);
    axpy(&mut left, 1.0, &right);
    left
}

/// ∫ f over [−9, 9] split at the given interior points (sorted, deduplicated, clipped).
fn integrate(f: &mut impl FnMut(f64) -> Vec6, splits: &[f64], tol: f64, depth: u32) -> Vec6 {
    let mut cuts: Vec<f64> = PANELS.to_vec();
    cuts.extend(splits.iter().copied().filter(|x| x.is_finite() && x.abs() < Z_RANGE));
    cuts.sort_by(f64::total_cmp);
    cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let mut total = [0.0; 6];
    for w in cuts.windows(2) {
        let part = adaptive(f, w[0], w[1], tol * (w[1] - w[0]) / (2.0 * Z_RANGE), depth);
        axpy(&mut total, 1.0, &part);
    }
    total
}

/// The exact moments for Δ(ε) = gᵀε − ½εᵀHε, ε ~ N(0, s²I), accepted with `acceptance`.
/// `h` is the Hessian of −f (positive definite at a maximum of f). Returns `None` when
/// `s` is not positive and finite or no candidate can be accepted (A = 0 to machine precision).
pub fn accepted_moments(acceptance: &Acceptance, s: f64, g: [f64; 2], h: Sym2) -> Option<AcceptedMoments> {
    let finite = g.iter().chain(h.iter().flatten()).all(|x| x.is_finite());
    if !(s.is_finite() && s > 0.0 && finite) {
        return None;
    }
    // Coordinates: u along g (or along the first axis when g = 0), v across it.
    let norm = (g[0] * g[0] + g[1] * g[1]).sqrt();
    let e_u = if norm > 0.0 { [g[0] / norm, g[1] / norm] } else { [1.0, 0.0] };
    let e_v = [-e_u[1], e_u[0]];
    let quad =
        |a: [f64; 2], b: [f64; 2]| a[0] * (h[0][0] * b[0] + h[0][1] * b[1]) + a[1] * (h[1][0] * b[0] + h[1][1] * b[1]);
    let (huu, huv, hvv) = (quad(e_u, e_u), 0.5 * (quad(e_u, e_v) + quad(e_v, e_u)), quad(e_v, e_v));
    // In z-units (ε = s(z_u·e_u + z_v·e_v)): Δ = s|g|z_u − ½s²(huu z_u² + 2huv z_u z_v + hvv z_v²).
    let delta = |zu: f64, zv: f64| s * norm * zu - 0.5 * s * s * (huu * zu * zu + 2.0 * huv * zu * zv + hvv * zv * zv);
    let mut outer = |zv: f64| -> Vec6 {
        // Δ = 0 where acceptance changes fastest: split the inner integral there.
        let (qa, qb, qc) = (-0.5 * s * s * huu, s * norm - s * s * huv * zv, -0.5 * s * s * hvv * zv * zv);
        let roots = quadratic_roots(qa, qb, qc);
        let mut inner = |zu: f64| -> Vec6 {
            let w = normal_pdf(zu) * acceptance.probability(delta(zu, zv));
            [w, w * zu, w * zv, w * zu * zu, w * zu * zv, w * zv * zv]
        };
        let v = integrate(&mut inner, &roots, INNER_TOL, MAX_DEPTH);
        v.map(|x| x * normal_pdf(zv))
    };
    let m = integrate(&mut outer, &[], OUTER_TOL, OUTER_DEPTH);
    let rate = m[0];
    if !(rate.is_finite() && rate > 1e-300) {
        return None;
    }
    // Back to (ε₁, ε₂): ε = s(z_u e_u + z_v e_v).
    let to_eps = |zu: f64, zv: f64| [s * (zu * e_u[0] + zv * e_v[0]), s * (zu * e_u[1] + zv * e_v[1])];
    let mean_keep = to_eps(m[1], m[2]);
    let mean = [mean_keep[0] / rate, mean_keep[1] / rate];
    // Second moments in z: [[uu, uv], [uv, vv]] / rate, rotated by R = [e_u e_v], times s².
    let (uu, uv, vv) = (m[3] / rate, m[4] / rate, m[5] / rate);
    let mut second = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            second[i][j] =
                s * s * (e_u[i] * e_u[j] * uu + (e_u[i] * e_v[j] + e_v[i] * e_u[j]) * uv + e_v[i] * e_v[j] * vv);
        }
    }
    let mut cov = second;
    for i in 0..2 {
        for j in 0..2 {
            cov[i][j] -= mean[i] * mean[j];
        }
    }
    Some(AcceptedMoments { rate, mean_keep, mean, cov })
}

/// Real roots of a·x² + b·x + c (a may be 0), computed stably.
fn quadratic_roots(a: f64, b: f64, c: f64) -> Vec<f64> {
    if a.abs() < 1e-300 {
        return if b != 0.0 { vec![-c / b] } else { Vec::new() };
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 || !disc.is_finite() {
        return Vec::new();
    }
    let q = -0.5 * (b + b.signum() * disc.sqrt());
    let mut r = Vec::with_capacity(2);
    if q != 0.0 {
        r.push(c / q);
        r.push(q / a);
    } else {
        r.push(0.0);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::theory;

    #[test]
    fn flat_curvature_reduces_to_the_linear_response() {
        // H = 0: the §A.1.3 linear case, against the 1-D quadrature of `theory`.
        for acc in [
            Acceptance::Logistic { beta: 20.0 },
            Acceptance::Metropolis { beta: 5.0 },
            Acceptance::Probit { beta: 40.0 },
        ] {
            let (s, g) = (0.1, [0.6, -0.8]);
            let m = accepted_moments(&acc, s, g, [[0.0; 2]; 2]).expect("valid");
            let lin = theory::linear_response(&acc, s, 1.0);
            assert!((m.rate - lin.acceptance_rate).abs() < 1e-8, "{acc:?}: rate {} vs {}", m.rate, lin.acceptance_rate);
            for (mi, gi) in m.mean.iter().zip(g) {
                assert!((mi - lin.mean_loop * gi).abs() < 1e-8, "{acc:?}: mean {:?}", m.mean);
            }
            // Along g: Var(y | acc); across: s², uncorrelated with y (§A.1.1).
            let var_along = m.cov[0][0] * g[0] * g[0] + 2.0 * m.cov[0][1] * g[0] * g[1] + m.cov[1][1] * g[1] * g[1];
            let var_across = m.cov[0][0] * g[1] * g[1] - 2.0 * m.cov[0][1] * g[0] * g[1] + m.cov[1][1] * g[0] * g[0];
            assert!(
                (var_along - lin.variance_loop()).abs() < 1e-8,
                "{acc:?}: along {var_along} vs {}",
                lin.variance_loop()
            );
            assert!((var_across - s * s).abs() < 1e-8, "{acc:?}: across {var_across}");
        }
    }

    #[test]
    fn spec_e1_values_through_the_two_dimensional_rule() {
        // §E.1: logistic, β = 20, σ = 0.1, |g| = 1: A = 0.5, m = 0.0605705510, Var(y|acc) = 0.0063312084
        // (to the spec's quadrature tolerance, 1e-8).
        let m = accepted_moments(&Acceptance::Logistic { beta: 20.0 }, 0.1, [1.0, 0.0], [[0.0; 2]; 2]).expect("valid");
        assert!((m.rate - 0.5).abs() < 1e-8);
        assert!((m.mean[0] - 0.060_570_551_0).abs() < 1e-8);
        assert!((m.cov[0][0] - 0.006_331_208_4).abs() < 1e-8);
        assert!((m.cov[1][1] - 0.01).abs() < 1e-8);
    }

    #[test]
    fn metropolis_at_a_maximum_is_a_gaussian_tilt() {
        // At g = 0, Δ ≤ 0 and P = e^{βΔ} = e^{−βεᵀHε/2}: accepted ε ~ N(0, (I/s² + βH)⁻¹),
        // rate = det(I + βs²H)^{−1/2}, all in closed form.
        let (s, beta) = (0.1, 100.0);
        let h = [[1.0, 0.9], [0.9, 1.0]];
        let m = accepted_moments(&Acceptance::Metropolis { beta }, s, [0.0, 0.0], h).expect("valid");
        let p = [[1.0 / (s * s) + beta * h[0][0], beta * h[0][1]], [beta * h[1][0], 1.0 / (s * s) + beta * h[1][1]]];
        let cov = crate::sim::maths::inverse2(p).expect("invertible");
        let k = beta * s * s;
        let det = (1.0 + k * h[0][0]) * (1.0 + k * h[1][1]) - k * k * h[0][1] * h[1][0];
        assert!((m.rate - 1.0 / det.sqrt()).abs() < 1e-8, "rate {} vs {}", m.rate, 1.0 / det.sqrt());
        for i in 0..2 {
            assert!(m.mean[i].abs() < 1e-8);
            for j in 0..2 {
                assert!((m.cov[i][j] - cov[i][j]).abs() < 1e-8, "cov {:?} vs {:?}", m.cov, cov);
            }
        }
    }

    #[test]
    fn monte_carlo_agrees_on_a_curved_objective() {
        use crate::sim::maths::Z_999;
        use crate::sim::normal::StandardNormal;
        use crate::sim::stats::{RunningCorrelation, RunningMean};
        use rand::distr::Distribution;
        use rand::RngExt;
        let (s, beta, g, h) = (0.2, 10.0, [0.5, 0.7], [[1.0, 0.3], [0.3, 0.25]]);
        let acc = Acceptance::Logistic { beta };
        let m = accepted_moments(&acc, s, g, h).expect("valid");
        let mut rng = crate::sim::rng_for(11, 3);
        let (mut rate, mut xy) = (RunningMean::new(), RunningCorrelation::new());
        for _ in 0..400_000 {
            let (n1, n2): (f64, f64) = (StandardNormal.sample(&mut rng), StandardNormal.sample(&mut rng));
            let e = [s * n1, s * n2];
            let d = g[0] * e[0] + g[1] * e[1]
                - 0.5 * (e[0] * (h[0][0] * e[0] + h[0][1] * e[1]) + e[1] * (h[1][0] * e[0] + h[1][1] * e[1]));
            let ok = rng.random::<f64>() < acc.probability(d);
            rate.push(f64::from(u8::from(ok)));
            if ok {
                xy.push(e[0], e[1]);
            }
        }
        let z = |est: f64, se: f64, want: f64| (est - want) / se;
        let zr = z(rate.mean().unwrap_or(0.0), rate.standard_error().unwrap_or(1.0), m.rate);
        assert!(zr.abs() < Z_999, "rate: z = {zr}");
        let n = xy.count() as f64;
        let c = xy.covariance().unwrap_or([[0.0; 2]; 2]);
        let mean = xy.mean().unwrap_or([0.0; 2]);
        for i in 0..2 {
            let zm = z(mean[i], (c[i][i] / n).sqrt(), m.mean[i]);
            assert!(zm.abs() < Z_999, "mean[{i}]: z = {zm}");
        }
        // Correlation by Fisher z.
        let r = xy.correlation().unwrap_or(0.0);
        let zc = (libm::atanh(r) - libm::atanh(m.correlation())) * (n - 3.0).sqrt();
        assert!(zc.abs() < Z_999, "corr {r} vs {}: z = {zc}", m.correlation());
    }

    #[test]
    fn degenerate_inputs_give_none() {
        let acc = Acceptance::Logistic { beta: 1.0 };
        assert!(accepted_moments(&acc, 0.0, [1.0, 0.0], [[0.0; 2]; 2]).is_none());
        assert!(accepted_moments(&acc, f64::NAN, [1.0, 0.0], [[0.0; 2]; 2]).is_none());
        assert!(accepted_moments(&acc, 0.1, [f64::INFINITY, 0.0], [[0.0; 2]; 2]).is_none());
    }
}
