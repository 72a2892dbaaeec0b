//! Closed forms and quadrature for what the simulations should show.
//!
//! - §A.1: the small-step rates k_loop and k_keep, and the finite-step response of
//!   selection to a locally linear f — acceptance rate, mean accepted step, and the
//!   gradient-dependent learning rate η_eff(|g|).
//! - §B: SGD's exact step covariance and the spread of its iterates.
//! - §C: the regression gradient covariance and the long-run covariances (SGD's small-η
//!   form and its exact stationary law, KEEP's H⁻¹/β).
//! - §D: the mean drift field of selection and its circulation.

use super::maths::{normal_cdf, normal_expectation, scaled_upper_tail, Sym2, SQRT_2PI};
use super::problem::ToyProblem;
use super::selection::{Acceptance, RuleKind};

/// Small-step LOOP rate (§A.1.2): k_loop = s²·P_s′(0)/P_s(0), mean step ≈ k_loop·∇f.
pub fn k_loop(component_variance: f64, acceptance: &Acceptance) -> f64 {
    component_variance * acceptance.slope_at_zero() / acceptance.at_zero()
}

/// Small-step KEEP rate per generation (§A.1.2): k_keep = s²·P_s′(0).
pub fn k_keep(component_variance: f64, acceptance: &Acceptance) -> f64 {
    component_variance * acceptance.slope_at_zero()
}

/// How selection with Gaussian mutation N(0, σ²I) responds to a linear f with
/// gradient norm |g| (§A.1.3). y = ε·ĝ is the step component along the gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearResponse {
    /// A = E[P_s(|g|y)], the acceptance rate of one candidate.
    pub acceptance_rate: f64,
    /// E[y·P_s(|g|y)], the mean step per KEEP generation.
    pub mean_keep: f64,
    /// m = E[y | accepted], the mean LOOP step along ĝ.
    pub mean_loop: f64,
    /// E[y² | accepted].
    pub second_moment_loop: f64,
}

impl LinearResponse {
    /// Var(y | accepted) = E[y²|acc] − m².
    pub fn variance_loop(&self) -> f64 {
        self.second_moment_loop - self.mean_loop * self.mean_loop
    }
}

/// The response by quadrature over y ~ N(0, σ²): adaptive Gauss–Kronrod, accurate to
/// about 1e-13 even where P_s is a near-step (large βσ|g|).
pub fn linear_response(acceptance: &Acceptance, sigma: f64, grad_norm: f64) -> LinearResponse {
    let p = |z: f64| acceptance.probability(grad_norm * sigma * z);
    let a = normal_expectation(p);
    let ey = sigma * normal_expectation(|z| z * p(z));
    let ey2 = sigma * sigma * normal_expectation(|z| z * z * p(z));
    LinearResponse { acceptance_rate: a, mean_keep: ey, mean_loop: ey / a, second_moment_loop: ey2 / a }
}

/// Closed forms where they exist (§A.1.3): Metropolis and probit. `None` for the others.
pub fn linear_response_closed(acceptance: &Acceptance, sigma: f64, grad_norm: f64) -> Option<(f64, f64, f64)> {
    match *acceptance {
        Acceptance::Metropolis { beta } => {
            let c = beta * sigma * grad_norm;
            let tail = scaled_upper_tail(c);
            let a = 0.5 + tail;
            let m_keep = sigma * c * tail;
            Some((a, m_keep, m_keep / a))
        }
        Acceptance::Probit { beta } => {
            let k = beta * sigma * grad_norm;
            let m_loop = 2.0 * sigma * k / (SQRT_2PI * (1.0 + k * k).sqrt());
            Some((0.5, 0.5 * m_loop, m_loop))
        }
        _ => None,
    }
}

/// The gradient-dependent learning rate η_eff(|g|) = m/|g| of LOOP selection (§A.1.3),
/// the number to set against SGD's constant η. At |g| = 0 it is the small-step k_loop.
///
/// A non-finite |g| or σ gives 0 (the limit of η_eff as |g| → ∞), never NaN.
pub fn eta_eff_loop(acceptance: &Acceptance, sigma: f64, grad_norm: f64) -> f64 {
    eta_eff(acceptance, sigma, grad_norm, RuleKind::Loop)
}

/// η_eff of LOOP (per accepted step) or KEEP (per generation): the mean step along the
/// gradient over |g|, in closed form where the rule has one, else by quadrature.
pub fn eta_eff(acceptance: &Acceptance, sigma: f64, grad_norm: f64, rule: RuleKind) -> f64 {
    if !(grad_norm.is_finite() && sigma.is_finite()) {
        return 0.0;
    }
    let keep = rule == RuleKind::Keep;
    if grad_norm <= 0.0 {
        return if keep { k_keep(sigma * sigma, acceptance) } else { k_loop(sigma * sigma, acceptance) };
    }
    let mean = match linear_response_closed(acceptance, sigma, grad_norm) {
        Some((_, m_keep, m_loop)) => {
            if keep {
                m_keep
            } else {
                m_loop
            }
        }
        None => {
            let r = linear_response(acceptance, sigma, grad_norm);
            if keep {
                r.mean_keep
            } else {
                r.mean_loop
            }
        }
    };
    mean / grad_norm
}

/// Logistic R(a) = η_eff/(σ²β/2) as a function of a = βσ|g| alone (§A.1.3).
pub fn logistic_ratio(a: f64) -> f64 {
    if a <= 0.0 {
        return 1.0;
    }
    // With σ = 1, β = a, |g| = 1: η_eff = m, and σ²β/2 = a/2.
    let m = linear_response(&Acceptance::Logistic { beta: a }, 1.0, 1.0).mean_loop;
    m / (a / 2.0)
}

/// SGD's exact step covariance on the toy problem (§B), 4×4 in (a, b, u, v):
/// (η²/B)·s_ξ²·I₂ ⊕ (η²τ²/B)·[[c_u², ρc_uc_v], [ρc_uc_v, c_v²]].
pub fn sgd_step_covariance(problem: &ToyProblem, lr: f64, batch: u64) -> [[f64; 4]; 4] {
    let p = problem.params();
    let k = lr * lr / batch as f64;
    let hidden = k * p.tau * p.tau;
    let mut c = [[0.0; 4]; 4];
    c[0][0] = k * p.s_xi * p.s_xi;
    c[1][1] = c[0][0];
    c[2][2] = hidden * p.c_u * p.c_u;
    c[3][3] = hidden * p.c_v * p.c_v;
    c[2][3] = hidden * p.rho * p.c_u * p.c_v;
    c[3][2] = c[2][3];
    c
}

/// SGD's theoretical Corr(Δu, Δv) = ρ·sign(c_u·c_v) (§B), at every batch size.
pub fn sgd_hidden_correlation(problem: &ToyProblem) -> f64 {
    let p = problem.params();
    let s = p.c_u * p.c_v;
    if s == 0.0 {
        0.0
    } else {
        p.rho * s.signum()
    }
}

/// (Var(u_t), Var(v_t)) after t SGD steps (§B): t·η²c²τ²/B.
pub fn sgd_hidden_variance(problem: &ToyProblem, lr: f64, batch: u64, t: u64) -> (f64, f64) {
    let p = problem.params();
    let k = t as f64 * lr * lr * p.tau * p.tau / batch as f64;
    (k * p.c_u * p.c_u, k * p.c_v * p.c_v)
}

/// E[x_t] and Var(x_t) of an active coordinate with curvature h under SGD (§B):
/// E = x₀qᵗ, Var = (η²s_ξ²/B)(1 − q^{2t})/(1 − q²), q = 1 − ηh.
pub fn sgd_active_moments(x0: f64, h: f64, s_xi: f64, lr: f64, batch: u64, t: u64) -> (f64, f64) {
    let q = 1.0 - lr * h;
    let mean = x0 * libm::pow(q, t as f64);
    let per_step = lr * lr * s_xi * s_xi / batch as f64;
    let q2 = q * q;
    let var = if (1.0 - q2).abs() < 1e-15 {
        per_step * t as f64
    } else {
        per_step * (1.0 - libm::pow(q2, t as f64)) / (1.0 - q2)
    };
    (mean, var)
}

/// The mean LOOP drift m(|∇f|)·∇f/|∇f| at a point with fitness gradient `grad` (§D).
pub fn selection_drift(acceptance: &Acceptance, sigma: f64, grad: [f64; 2]) -> [f64; 2] {
    let norm = (grad[0] * grad[0] + grad[1] * grad[1]).sqrt();
    let eta = eta_eff_loop(acceptance, sigma, norm);
    [eta * grad[0], eta * grad[1]]
}

/// The path of E[θ] predicted by iterating the mean step per step (LOOP) or per
/// generation (KEEP), η_eff(|g|)·g, on the toy problem's active plane (§B: under LOOP
/// E[a₁₀] ≈ 1.62, E[a₅₀] ≈ 0.31 at the defaults).
pub fn selection_mean_path(
    problem: &ToyProblem,
    acceptance: &Acceptance,
    sigma: f64,
    rule: RuleKind,
    start: [f64; 2],
    steps: usize,
) -> Vec<[f64; 2]> {
    mean_path(problem, start, steps, |g| {
        let eta = eta_eff(acceptance, sigma, (g[0] * g[0] + g[1] * g[1]).sqrt(), rule);
        [eta * g[0], eta * g[1]]
    })
}

fn mean_path(
    problem: &ToyProblem,
    start: [f64; 2],
    steps: usize,
    drift: impl Fn([f64; 2]) -> [f64; 2],
) -> Vec<[f64; 2]> {
    let p = problem.params();
    let mut x = start;
    let mut path = Vec::with_capacity(steps + 1);
    path.push(x);
    for _ in 0..steps {
        let d = drift([-p.h_a * x[0], -p.h_b * x[1]]);
        x = [x[0] + d[0], x[1] + d[1]];
        path.push(x);
    }
    path
}

/// ∮ F·dl around the circle of `radius` about `center`, by the trapezoid rule on
/// `points` points (spectrally accurate for a smooth periodic integrand) (§D).
pub fn circulation(field: impl Fn([f64; 2]) -> [f64; 2], center: [f64; 2], radius: f64, points: usize) -> f64 {
    let n = points.max(3);
    let dt = std::f64::consts::TAU / n as f64;
    (0..n)
        .map(|i| {
            let t = i as f64 * dt;
            let (s, c) = (libm::sin(t), libm::cos(t));
            let f = field([center[0] + radius * c, center[1] + radius * s]);
            // dl = radius·(−sin t, cos t)·dt
            (f[0] * -s + f[1] * c) * radius * dt
        })
        .sum()
}

/// Per-example gradient covariance of linear regression at δ = w − w* (§C):
/// (Σδ)(Σδ)ᵀ + (δᵀΣδ + σ_n²)·Σ, for Gaussian features.
pub fn regression_gradient_covariance(sigma: Sym2, delta: [f64; 2], noise_sd: f64) -> Sym2 {
    let sd = [sigma[0][0] * delta[0] + sigma[0][1] * delta[1], sigma[1][0] * delta[0] + sigma[1][1] * delta[1]];
    let quad = delta[0] * sd[0] + delta[1] * sd[1] + noise_sd * noise_sd;
    let mut c = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            c[i][j] = sd[i] * sd[j] + quad * sigma[i][j];
        }
    }
    c
}

/// Constant-rate SGD's long-run covariance of w around the optimum (§C):
/// (ησ_n²/B)(2I − ηH)⁻¹ with H = Σ. `None` when ηH has an eigenvalue ≥ 2 (unstable).
pub fn sgd_long_run_covariance(sigma: Sym2, noise_sd: f64, lr: f64, batch: u64) -> Option<Sym2> {
    let m = [[2.0 - lr * sigma[0][0], -lr * sigma[0][1]], [-lr * sigma[1][0], 2.0 - lr * sigma[1][1]]];
    let (_, lmin, _) = super::maths::eigen_sym2(m);
    if lmin <= 0.0 {
        return None;
    }
    let inv = super::maths::inverse2(m)?;
    let k = lr * noise_sd * noise_sd / batch as f64;
    Some([[k * inv[0][0], k * inv[0][1]], [k * inv[1][0], k * inv[1][1]]])
}

/// The exact stationary covariance of constant-rate mini-batch SGD on §C's linear
/// regression with feature covariance Σ = H and Gaussian features, `None` when SGD has no stationary law (η too large).
///
/// *(derived)* With δ' = δ − η·ĝ, E[ĝ | δ] = Σδ and, by §C's formula averaged over δ,
/// E[ĝĝᵀ] = (1 + 1/B)·ΣCΣ + (1/B)·(tr(ΣC) + σ_n²)·Σ, so the stationary C = E[δδᵀ] solves
///
///   ΣC + CΣ − η(1 + 1/B)·ΣCΣ − (η/B)·tr(ΣC)·Σ = (ησ_n²/B)·Σ,
///
/// three linear equations in (C₁₁, C₁₂, C₂₂). Dropping the two terms that come from the
/// gradient noise growing away from the optimum leaves §C's small-η form
/// (ησ_n²/B)(2I − ηH)⁻¹ ([`sgd_long_run_covariance`]); at η = 0.1, B = 1 the exact
/// variances are about a quarter larger. The map C ↦ E[(I − ηA)C(I − ηA)ᵀ] is positive,
/// so a positive definite solution exists exactly when the iteration is stable.
pub fn sgd_stationary_covariance(sigma: Sym2, noise_sd: f64, lr: f64, batch: u64) -> Option<Sym2> {
    let b = batch as f64;
    let apply = |c: Sym2| -> [f64; 3] {
        let mul = |a: Sym2, m: Sym2| -> Sym2 {
            [
                [a[0][0] * m[0][0] + a[0][1] * m[1][0], a[0][0] * m[0][1] + a[0][1] * m[1][1]],
                [a[1][0] * m[0][0] + a[1][1] * m[1][0], a[1][0] * m[0][1] + a[1][1] * m[1][1]],
            ]
        };
        let sc = mul(sigma, c);
        let cs = mul(c, sigma);
        let scs = mul(sc, sigma);
        let tr = sc[0][0] + sc[1][1];
        let l = |i: usize, j: usize| sc[i][j] + cs[i][j] - lr * (1.0 + 1.0 / b) * scs[i][j] - lr / b * tr * sigma[i][j];
        [l(0, 0), l(0, 1), l(1, 1)]
    };
    let cols = [apply([[1.0, 0.0], [0.0, 0.0]]), apply([[0.0, 1.0], [1.0, 0.0]]), apply([[0.0, 0.0], [0.0, 1.0]])];
    let m = [
        [cols[0][0], cols[1][0], cols[2][0]],
        [cols[0][1], cols[1][1], cols[2][1]],
        [cols[0][2], cols[1][2], cols[2][2]],
    ];
    let k = lr * noise_sd * noise_sd / b;
    let rhs = [k * sigma[0][0], k * sigma[0][1], k * sigma[1][1]];
    let c = solve3(m, rhs)?;
    let cov = [[c[0], c[1]], [c[1], c[2]]];
    let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[0][1];
    (cov[0][0] > 0.0 && det > 0.0 && det.is_finite()).then_some(cov)
}

/// Solves a 3×3 system by Cramer's rule; `None` when it is (numerically) singular.
fn solve3(m: [[f64; 3]; 3], r: [f64; 3]) -> Option<[f64; 3]> {
    let det3 = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det3(m);
    let scale = m.iter().flatten().fold(0.0f64, |s, x| s.max(x.abs()));
    if !(d.is_finite() && d.abs() > 1e-14 * scale * scale * scale) {
        return None;
    }
    let mut out = [0.0; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let mut a = m;
        for i in 0..3 {
            a[i][k] = r[i];
        }
        *o = det3(a) / d;
    }
    Some(out)
}

/// KEEP selection's long-run covariance with an e^{βΔ}-ratio acceptance (§C, §D):
/// the law ∝ e^{βf}, f = −½δᵀΣδ, has covariance Σ⁻¹/β.
pub fn keep_long_run_covariance(sigma: Sym2, ratio_beta: f64) -> Option<Sym2> {
    let inv = super::maths::inverse2(sigma)?;
    Some([[inv[0][0] / ratio_beta, inv[0][1] / ratio_beta], [inv[1][0] / ratio_beta, inv[1][1] / ratio_beta]])
}

/// P(|Z| ≤ z) for standard normal Z; used to state coverage of intervals.
pub fn two_sided_coverage(z: f64) -> f64 {
    2.0 * normal_cdf(z) - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stationary_covariance_tends_to_the_small_lr_form_and_detects_instability() {
        let sigma = [[1.0, 0.9], [0.9, 1.0]];
        for lr in [0.1, 0.01, 0.001] {
            let exact = sgd_stationary_covariance(sigma, 1.0, lr, 1).expect("stable");
            let approx = sgd_long_run_covariance(sigma, 1.0, lr, 1).expect("stable");
            let rel = (exact[0][0] / approx[0][0] - 1.0).abs();
            assert!(rel < 3.0 * lr, "η = {lr}: relative difference {rel}");
        }
        // Large batches remove the extra noise too.
        let exact = sgd_stationary_covariance(sigma, 1.0, 0.1, 4096).expect("stable");
        let approx = sgd_long_run_covariance(sigma, 1.0, 0.1, 4096).expect("stable");
        assert!((exact[0][0] / approx[0][0] - 1.0).abs() < 0.01);
        // At B = 1 the per-example step's fourth moment makes SGD unstable well before ηλ = 2.
        assert!(sgd_stationary_covariance(sigma, 1.0, 0.9, 1).is_none());
        assert!(sgd_stationary_covariance(sigma, 1.0, 0.3, 1).is_some());
        assert!(sgd_long_run_covariance(sigma, 1.0, 0.9, 1).is_some());
    }
}
