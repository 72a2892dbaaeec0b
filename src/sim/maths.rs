//! Portable numerics: the standard normal, Gaussian expectations by adaptive
//! Gauss–Kronrod quadrature, and small 2×2 linear algebra.
//!
//! All transcendental functions come from the `libm` crate so that results are
//! identical on every platform (the platform maths library may differ in the last bit).

/// √(2π).
pub const SQRT_2PI: f64 = 2.506_628_274_631_000_7;

/// The two-sided 99.9 % standard normal quantile (spec §E: |Z| < 3.29).
pub const Z_999: f64 = 3.290_526_731_491_926;

/// e^x, portably.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// e^x − 1, portably and accurately near 0.
#[inline]
pub fn expm1(x: f64) -> f64 {
    libm::expm1(x)
}

/// Natural logarithm, portably.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Standard normal density φ(x).
#[inline]
pub fn normal_pdf(x: f64) -> f64 {
    libm::exp(-0.5 * x * x) / SQRT_2PI
}

/// Standard normal distribution function Φ(x), accurate in both tails.
#[inline]
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// e^{c²/2}·Φ(−c) without overflow for large c (the Mills ratio over √(2π)).
pub fn scaled_upper_tail(c: f64) -> f64 {
    if c < 30.0 {
        libm::exp(0.5 * c * c) * normal_cdf(-c)
    } else {
        // Asymptotic series; the first omitted term is 105/c⁸ < 2e-10 relative at c = 30.
        let c2 = 1.0 / (c * c);
        (1.0 - c2 + 3.0 * c2 * c2 - 15.0 * c2 * c2 * c2) / (c * SQRT_2PI)
    }
}

// Gauss–Kronrod 15-point rule (the 7-point Gauss rule embedded), QUADPACK's qk15.
/// Kronrod nodes on [−1, 1] (the positive half; the last is the centre).
pub(crate) const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
/// Kronrod weights for [`XGK`].
pub(crate) const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
/// Gauss weights for the odd-indexed [`XGK`] nodes and the centre.
pub(crate) const WG: [f64; 4] =
    [0.129_484_966_168_869_7, 0.279_705_391_489_276_7, 0.381_830_050_505_118_9, 0.417_959_183_673_469_4];

fn gk15(f: &impl Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut kronrod = fc * WGK[7];
    let mut gauss = fc * WG[3];
    for j in 0..7 {
        let dx = h * XGK[j];
        let pair = f(c - dx) + f(c + dx);
        kronrod += WGK[j] * pair;
        if j % 2 == 1 {
            gauss += WG[j / 2] * pair;
        }
    }
    (kronrod * h, ((kronrod - gauss) * h).abs())
}

fn adaptive(f: &impl Fn(f64) -> f64, a: f64, b: f64, tol: f64, depth: u32) -> f64 {
    let (value, err) = gk15(f, a, b);
    if err <= tol || depth == 0 {
        return value;
    }
    let m = 0.5 * (a + b);
    adaptive(f, a, m, 0.5 * tol, depth - 1) + adaptive(f, m, b, 0.5 * tol, depth - 1)
}

/// ∫ₐᵇ f by adaptive Gauss–Kronrod (15 points) to absolute tolerance `tol`.
pub fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64, tol: f64) -> f64 {
    adaptive(&f, a, b, tol, 40)
}

/// E[h(Z)] for Z ~ N(0, 1), split at 0 where acceptance functions are sharpest.
///
/// The range ±12 leaves out a mass below 1e-32.
pub fn normal_expectation(h: impl Fn(f64) -> f64) -> f64 {
    let g = |z: f64| h(z) * normal_pdf(z);
    integrate(g, -12.0, 0.0, 1e-15) + integrate(g, 0.0, 12.0, 1e-15)
}

/// A symmetric 2×2 matrix `[[xx, xy], [xy, yy]]`.
pub type Sym2 = [[f64; 2]; 2];

/// Inverse of a 2×2 matrix, `None` when it is singular.
pub fn inverse2(m: Sym2) -> Option<Sym2> {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    if det == 0.0 || !det.is_finite() {
        return None;
    }
    Some([[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]])
}

/// Eigen-decomposition of a symmetric 2×2 matrix: (λ_max, λ_min, angle of the
/// λ_max eigenvector in radians).
pub fn eigen_sym2(m: Sym2) -> (f64, f64, f64) {
    let (a, b, d) = (m[0][0], 0.5 * (m[0][1] + m[1][0]), m[1][1]);
    let mean = 0.5 * (a + d);
    let radius = (0.25 * (a - d) * (a - d) + b * b).sqrt();
    let angle = 0.5 * libm::atan2(2.0 * b, a - d);
    (mean + radius, mean - radius, angle)
}

/// Correlation of a 2×2 covariance matrix.
pub fn correlation_of(m: Sym2) -> f64 {
    m[0][1] / (m[0][0] * m[1][1]).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrature_integrates_normal_moments() {
        assert!((normal_expectation(|_| 1.0) - 1.0).abs() < 1e-13);
        assert!((normal_expectation(|z| z * z) - 1.0).abs() < 1e-13);
        assert!((normal_expectation(|z| z * z * z * z) - 3.0).abs() < 1e-12);
        assert!(normal_expectation(|z| z).abs() < 1e-15);
    }

    #[test]
    fn normal_cdf_tails() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-16);
        assert!((normal_cdf(-5.0) - 2.866_515_718_791_939e-7).abs() < 1e-20);
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
    }

    #[test]
    fn scaled_tail_is_continuous_at_switch() {
        let below = scaled_upper_tail(29.999_999);
        let above = scaled_upper_tail(30.0);
        assert!((below - above).abs() / above < 1e-6);
    }

    #[test]
    fn eigen_of_correlated() {
        let (l1, l2, ang) = eigen_sym2([[1.0, 0.9], [0.9, 1.0]]);
        assert!((l1 - 1.9).abs() < 1e-12 && (l2 - 0.1).abs() < 1e-12);
        assert!((ang - std::f64::consts::FRAC_PI_4).abs() < 1e-12);
    }
}
