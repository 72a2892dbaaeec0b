//! Small dense symmetric linear algebra: the cyclic Jacobi eigen-solver, a Cholesky
//! solve, and what the figure measures with them (the share of variance the top
//! directions hold, how two sets of directions line up).
//!
//! Hand-written rather than a crate: the matrices are at most 42 × 42, Jacobi needs only
//! `+ − × ÷ √` (so it gives the same bits on every platform, like the rest of `sim`), and
//! it is accurate to working precision for every eigenvalue of a symmetric matrix.

/// A symmetric matrix's eigen-decomposition, largest eigenvalue first.
#[derive(Clone, Debug, PartialEq)]
pub struct Eigen {
    /// Eigenvalues, descending.
    pub values: Vec<f64>,
    /// Unit eigenvectors: `vectors[k]` belongs to `values[k]`.
    pub vectors: Vec<Vec<f64>>,
}

/// Eigenvalues and eigenvectors of the symmetric `n × n` matrix `a` (row-major; only
/// its symmetric part is used) by cyclic Jacobi rotations, until the off-diagonal mass
/// is below 1e-15 of the whole or after 60 sweeps. Non-finite entries give `None`.
pub fn symmetric_eigen(a: &[f64], n: usize) -> Option<Eigen> {
    if a.len() != n * n || a.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut m: Vec<f64> = (0..n * n).map(|k| 0.5 * (a[k] + a[(k % n) * n + k / n])).collect();
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let total: f64 = m.iter().map(|x| x * x).sum();
    for _ in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * n + j] * m[i * n + j])
            .sum();
        if off <= 1e-30 * total || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = m[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (m[q * n + q] - m[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (m[k * n + p], m[k * n + q]);
                    m[k * n + p] = c * akp - s * akq;
                    m[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (m[p * n + k], m[q * n + k]);
                    m[p * n + k] = c * apk - s * aqk;
                    m[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| m[b * n + b].total_cmp(&m[a * n + a]));
    Some(Eigen {
        values: order.iter().map(|&k| m[k * n + k]).collect(),
        vectors: order.iter().map(|&k| (0..n).map(|i| v[i * n + k]).collect()).collect(),
    })
}

/// Solves A x = b for a symmetric positive definite `n × n` matrix by Cholesky; `None`
/// if A is not positive definite.
pub fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                // Not positive (or NaN): not positive definite.
                if s.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i * n + i];
    }
    Some(x)
}

/// How many of the largest eigenvalues hold `share` (e.g. 0.9) of their total
/// (negative ones, from rounding, count as 0). 0 for an empty or zero spectrum.
pub fn rank_for_share(values: &[f64], share: f64) -> usize {
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    if total <= 0.0 {
        return 0;
    }
    let mut sum = 0.0;
    for (k, v) in values.iter().enumerate() {
        sum += v.max(0.0);
        if sum >= share * total * (1.0 - 1e-12) {
            return k + 1;
        }
    }
    values.len()
}

/// Share of the total the top `k` eigenvalues hold.
pub fn top_share(values: &[f64], k: usize) -> f64 {
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    values.iter().take(k).map(|v| v.max(0.0)).sum::<f64>() / total
}

/// Subspace overlap of the spans of the first `k` vectors of `a` and of `b`:
/// (1/k)·Σᵢⱼ (aᵢ·bⱼ)², 1 when the spans are equal, 0 when orthogonal, k/n on average
/// for a random k-dimensional span in n dimensions.
pub fn subspace_overlap(a: &[Vec<f64>], b: &[Vec<f64>], k: usize) -> f64 {
    let k = k.min(a.len()).min(b.len());
    if k == 0 {
        return 0.0;
    }
    let mut s = 0.0;
    for u in &a[..k] {
        for v in &b[..k] {
            let d: f64 = u.iter().zip(v).map(|(x, y)| x * y).sum();
            s += d * d;
        }
    }
    s / k as f64
}

/// A running mean and covariance of vectors (Welford), for step covariances.
#[derive(Clone, Debug, PartialEq)]
pub struct CovarianceAccumulator {
    n: usize,
    count: u64,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

impl CovarianceAccumulator {
    /// An empty accumulator for vectors of length `n`.
    pub fn new(n: usize) -> Self {
        Self { n, count: 0, mean: vec![0.0; n], m2: vec![0.0; n * n] }
    }

    /// Adds one vector (ignored if any entry is not finite).
    pub fn push(&mut self, x: &[f64]) {
        if x.len() != self.n || x.iter().any(|v| !v.is_finite()) {
            return;
        }
        self.count += 1;
        let inv = 1.0 / self.count as f64;
        let before: Vec<f64> = x.iter().zip(&self.mean).map(|(a, m)| a - m).collect();
        for (m, d) in self.mean.iter_mut().zip(&before) {
            *m += d * inv;
        }
        let after: Vec<f64> = x.iter().zip(&self.mean).map(|(a, m)| a - m).collect();
        for (row, b) in self.m2.chunks_exact_mut(self.n).zip(&before) {
            if *b == 0.0 {
                continue;
            }
            for (cell, a) in row.iter_mut().zip(&after) {
                *cell += b * a;
            }
        }
    }

    /// Vectors added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The sample covariance (divided by count − 1), `None` below two vectors.
    pub fn covariance(&self) -> Option<Vec<f64>> {
        (self.count >= 2).then(|| self.m2.iter().map(|v| v / (self.count - 1) as f64).collect())
    }
}
