//! Running statistics in one numerically stable pass (Welford), fed one sample at a
//! time: means, the 2×2 covariance, Pearson's r with a Fisher-z confidence interval,
//! and the covariance ellipse.

use super::maths::{eigen_sym2, Sym2, Z_999};

/// Running mean and variance of one quantity.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunningMean {
    n: u64,
    mean: f64,
    m2: f64,
}

impl RunningMean {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one sample; non-finite samples are ignored so no NaN can enter.
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Samples seen.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The mean, `None` before the first sample.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// The sample variance (n − 1), `None` before two samples.
    pub fn variance(&self) -> Option<f64> {
        (self.n > 1).then(|| self.m2 / (self.n - 1) as f64)
    }

    /// The standard error of the mean, `None` before two samples.
    pub fn standard_error(&self) -> Option<f64> {
        self.variance().map(|v| (v / self.n as f64).sqrt())
    }

    /// A normal-theory interval for the mean, mean ± z·SE.
    pub fn interval(&self, z: f64) -> Option<(f64, f64)> {
        let (m, se) = (self.mean()?, self.standard_error()?);
        Some((m - z * se, m + z * se))
    }
}

/// Running means, covariance and correlation of a pair (x, y).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunningCorrelation {
    n: u64,
    mean: [f64; 2],
    m2: [f64; 2],
    cross: f64,
}

/// A covariance ellipse: the set where the Mahalanobis distance equals `scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Centre (the means).
    pub center: [f64; 2],
    /// Semi-axis along `angle`.
    pub major: f64,
    /// Semi-axis across it.
    pub minor: f64,
    /// Direction of the major axis, radians from the x axis.
    pub angle: f64,
}

impl RunningCorrelation {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one pair; a pair with a non-finite member is ignored.
    pub fn push(&mut self, x: f64, y: f64) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        self.n += 1;
        let n = self.n as f64;
        let dx = x - self.mean[0];
        let dy = y - self.mean[1];
        self.mean[0] += dx / n;
        self.mean[1] += dy / n;
        self.m2[0] += dx * (x - self.mean[0]);
        self.m2[1] += dy * (y - self.mean[1]);
        self.cross += dx * (y - self.mean[1]);
    }

    /// Pairs seen.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The means, `None` before the first pair.
    pub fn mean(&self) -> Option<[f64; 2]> {
        (self.n > 0).then_some(self.mean)
    }

    /// The sample covariance matrix (n − 1), `None` before two pairs.
    pub fn covariance(&self) -> Option<Sym2> {
        if self.n < 2 {
            return None;
        }
        let d = (self.n - 1) as f64;
        let c = self.cross / d;
        Some([[self.m2[0] / d, c], [c, self.m2[1] / d]])
    }

    /// Pearson's r ∈ [−1, 1], `None` before two pairs or when either variance is 0.
    pub fn correlation(&self) -> Option<f64> {
        if self.n < 2 || self.m2[0] <= 0.0 || self.m2[1] <= 0.0 {
            return None;
        }
        let r = self.cross / (self.m2[0] * self.m2[1]).sqrt();
        Some(r.clamp(-1.0, 1.0))
    }

    /// The Fisher-z interval for ρ: tanh(atanh r ± z/√(n − 3)); `None` before four pairs.
    pub fn correlation_interval(&self, z: f64) -> Option<(f64, f64)> {
        let r = self.correlation()?;
        if self.n < 4 {
            return None;
        }
        let centre = libm::atanh(r);
        let half = z / ((self.n - 3) as f64).sqrt();
        Some((libm::tanh(centre - half), libm::tanh(centre + half)))
    }

    /// The 99.9 % interval of spec §E.
    pub fn correlation_interval_999(&self) -> Option<(f64, f64)> {
        self.correlation_interval(Z_999)
    }

    /// The ellipse at Mahalanobis distance `scale` (e.g. 2 for about 86 % of a 2-D Gaussian).
    pub fn ellipse(&self, scale: f64) -> Option<Ellipse> {
        let c = self.covariance()?;
        let (l1, l2, angle) = eigen_sym2(c);
        Some(Ellipse { center: self.mean, major: scale * l1.max(0.0).sqrt(), minor: scale * l2.max(0.0).sqrt(), angle })
    }
}

/// The Fisher z-score of a sample correlation `r` from `n` pairs against a true
/// correlation `rho`: (atanh r − atanh ρ)·√(n − 3), about N(0, 1) for Gaussian pairs.
pub fn fisher_z(r: f64, n: u64, rho: f64) -> f64 {
    (libm::atanh(r) - libm::atanh(rho)) * (n.saturating_sub(3) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_two_pass_on_offset_data() {
        // Large offset: the naive sum-of-squares formula would lose all precision.
        let xs: Vec<f64> = (0..1000).map(|i| 1e9 + libm::sin(i as f64 * 0.37)).collect();
        let ys: Vec<f64> =
            (0..1000).map(|i| -1e9 + libm::sin(i as f64 * 0.37) * 0.5 + libm::cos(i as f64 * 1.3)).collect();
        let mut rc = RunningCorrelation::new();
        for (x, y) in xs.iter().zip(&ys) {
            rc.push(*x, *y);
        }
        let n = xs.len() as f64;
        let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
        let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
        let syy: f64 = ys.iter().map(|y| (y - my) * (y - my)).sum();
        let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let r = sxy / (sxx * syy).sqrt();
        let got = rc.correlation().unwrap();
        assert!((got - r).abs() < 1e-7, "{got} vs {r}");
        let var = rc.covariance().unwrap()[0][0];
        assert!((var - sxx / (n - 1.0)).abs() < 1e-7 * var, "{var}");
    }

    #[test]
    fn perfect_correlation_interval_is_degenerate_not_nan() {
        let mut rc = RunningCorrelation::new();
        for i in 0..10 {
            rc.push(i as f64, 2.0 * i as f64);
        }
        let (lo, hi) = rc.correlation_interval_999().unwrap();
        assert!(lo.is_finite() && hi.is_finite() && lo <= 1.0 && hi >= lo);
        assert!((rc.correlation().unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_and_constant_give_none() {
        let mut rc = RunningCorrelation::new();
        assert!(rc.correlation().is_none());
        rc.push(1.0, 1.0);
        rc.push(1.0, 2.0);
        assert!(rc.correlation().is_none());
        rc.push(f64::NAN, 0.0);
        assert_eq!(rc.count(), 2);
    }
}
