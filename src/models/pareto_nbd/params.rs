//! The Pareto/NBD model at given parameters.

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::models::parameters::positive_parameters;
use crate::models::ModelParameters;

positive_parameters! {
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
    pub struct ParetoNbd(super::MODEL_NAME, "ParetoNbdRecord") {
        /// Shape of the purchase-rate distribution.
        pub(crate) r,
        /// Rate of the purchase-rate distribution (periods).
        pub(crate) alpha,
        /// Shape of the dropout-rate distribution.
        pub(crate) s,
        /// Rate of the dropout-rate distribution (periods).
        pub(crate) beta,
    }
}

/// Parameter names in vector order.
pub const PARAMETER_NAMES: &[&str] = <ParetoNbd as ModelParameters>::PARAMETER_NAMES;

impl ParetoNbd {
    /// A model with the given parameters: `r` and `α` (shape and rate, in periods, of the
    /// gamma distribution of purchase rates), `s` and `β` (shape and rate, in periods, of the
    /// gamma distribution of dropout rates).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first parameter that is not finite and > 0.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self> {
        Self::from_parameters(&[r, alpha, s, beta])
    }
}
