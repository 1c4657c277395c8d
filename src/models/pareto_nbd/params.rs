//! The four Pareto/NBD parameters.

use crate::error::{Error, Result};

/// Pareto/NBD parameters `(r, α, s, β)`.
///
/// * purchase rate while alive `λ ~ Gamma(shape r, rate α)`, so `E[λ] = r/α` purchases per
///   period;
/// * dropout rate `μ ~ Gamma(shape s, rate β)`, so `E[μ] = s/β` per period.
///
/// `α` and `β` are in **periods** of the summary (they scale with the time unit: a weekly
/// `α` is 1/7 of the daily one), `r` and `s` are unitless.
///
/// ```
/// use ltv::models::pareto_nbd::ParetoNbdParams;
/// let p = ParetoNbdParams::new(0.5533, 10.578, 0.6062, 11.667)?;
/// assert_eq!(p.to_vec(), vec![0.5533, 10.578, 0.6062, 11.667]);
/// assert!(ParetoNbdParams::new(0.5, f64::NAN, 0.6, 11.0).is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParetoNbdParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate of the purchase-rate distribution (periods).
    pub alpha: f64,
    /// Shape of the dropout-rate distribution.
    pub s: f64,
    /// Rate of the dropout-rate distribution (periods).
    pub beta: f64,
}

/// Parameter names in the order of [`ParetoNbdParams::to_vec`].
pub const PARAMETER_NAMES: &[&str] = &["r", "alpha", "s", "beta"];

impl ParetoNbdParams {
    /// Checked constructor: every parameter finite and > 0.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad parameter.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self> {
        for (name, v) in PARAMETER_NAMES.iter().zip([r, alpha, s, beta]) {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid_parameter(*name, v, "must be finite and > 0"));
            }
        }
        Ok(Self { r, alpha, s, beta })
    }

    /// From a slice `[r, alpha, s, beta]` (checked as in [`ParetoNbdParams::new`]).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] unless there are four values, else as
    /// [`ParetoNbdParams::new`].
    pub fn from_slice(p: &[f64]) -> Result<Self> {
        if p.len() != 4 {
            return Err(Error::LengthMismatch {
                left: "parameters".into(),
                left_len: p.len(),
                right: "Pareto/NBD parameters (r, alpha, s, beta)".into(),
                right_len: 4,
            });
        }
        Self::new(p[0], p[1], p[2], p[3])
    }

    /// `[r, alpha, s, beta]`.
    pub fn to_vec(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.s, self.beta]
    }
}
