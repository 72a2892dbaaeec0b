//! Beyond the toy: many dimensions and a real data set. Softmax regression (42
//! parameters) on the bundled wine data, trained by mini-batch SGD and by selection from
//! the same start and seed; the spectrum of each model's step covariance at a chosen
//! point against its theory; and a synthetic quadratic whose dimension is set, for how
//! selection's rate depends on n.

pub mod data;
pub mod dimension;
pub mod eigen;
pub mod noise;
pub mod softmax;
pub mod training;
