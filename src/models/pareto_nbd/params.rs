//! The Pareto/NBD model at given parameters.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::models::fitted::{check_positive_parameters, ModelParameters};

/// A Pareto/NBD model with known parameters `(r, α, s, β)`, which predicts.
///
/// * purchase rate while alive `λ ~ Gamma(shape r, rate α)`, so `E[λ] = r/α` purchases per
///   period;
/// * dropout rate `μ ~ Gamma(shape s, rate β)`, so `E[μ] = s/β` per period.
///
/// `α` and `β` are in **periods** of the summary (they scale with the time unit: a weekly
/// `α` is 1/7 of the daily one), `r` and `s` are unitless. Build it from parameters with
/// [`ParetoNbd::new`] or estimate it with [`ParetoNbd::fit`].
///
/// ```
/// use ltv::models::pareto_nbd::ParetoNbd;
/// let m = ParetoNbd::new(0.5533, 10.578, 0.6062, 11.667)?; // CDNOW, weeks
/// assert_eq!((m.r(), m.alpha(), m.s(), m.beta()), (0.5533, 10.578, 0.6062, 11.667));
/// assert!(ParetoNbd::new(0.5, f64::NAN, 0.6, 11.0).is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ParetoNbdRecord", into = "ParetoNbdRecord")]
pub struct ParetoNbd {
    pub(crate) r: f64,
    pub(crate) alpha: f64,
    pub(crate) s: f64,
    pub(crate) beta: f64,
}

#[derive(Serialize, Deserialize)]
struct ParetoNbdRecord {
    r: f64,
    alpha: f64,
    s: f64,
    beta: f64,
}

impl TryFrom<ParetoNbdRecord> for ParetoNbd {
    type Error = Error;
    fn try_from(v: ParetoNbdRecord) -> Result<Self> {
        ParetoNbd::new(v.r, v.alpha, v.s, v.beta)
    }
}

impl From<ParetoNbd> for ParetoNbdRecord {
    fn from(m: ParetoNbd) -> Self {
        ParetoNbdRecord {
            r: m.r,
            alpha: m.alpha,
            s: m.s,
            beta: m.beta,
        }
    }
}

/// Parameter names in vector order.
pub const PARAMETER_NAMES: &[&str] = &["r", "alpha", "s", "beta"];

impl ParetoNbd {
    /// A model with the given parameters: `r` and `α` (shape and rate, in periods, of the
    /// gamma distribution of purchase rates), `s` and `β` (shape and rate, in periods, of the
    /// gamma distribution of dropout rates).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first parameter that is not finite and > 0.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self> {
        check_positive_parameters(PARAMETER_NAMES, &[r, alpha, s, beta])?;
        Ok(Self { r, alpha, s, beta })
    }

    /// Shape of the purchase-rate distribution.
    pub fn r(&self) -> f64 {
        self.r
    }

    /// Rate of the purchase-rate distribution (periods).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Shape of the dropout-rate distribution.
    pub fn s(&self) -> f64 {
        self.s
    }

    /// Rate of the dropout-rate distribution (periods).
    pub fn beta(&self) -> f64 {
        self.beta
    }
}

impl ModelParameters for ParetoNbd {
    const NAME: &'static str = super::MODEL_NAME;
    const PARAMETER_NAMES: &'static [&'static str] = PARAMETER_NAMES;

    fn from_parameters(p: &[f64]) -> Result<Self> {
        check_positive_parameters(PARAMETER_NAMES, p)?;
        Self::new(p[0], p[1], p[2], p[3])
    }

    fn to_parameters(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.s, self.beta]
    }
}
