//! The parameter derivatives a transaction model may offer (for delta-method CLV intervals).
//! The trait lives with the models so that `models` never imports `value`; the derivatives
//! themselves are written in [`crate::value::gradient`].

use crate::error::Result;
use crate::fit::Fit;
use crate::models::{Fitted, ModelParameters, TransactionModel};

/// A transaction model that also gives the derivatives of its conditional expected purchases
/// with respect to its parameters (in the order of [`TransactionModel::parameters`]).
///
/// Implemented by [`BgNbd`](crate::models::bgnbd::BgNbd),
/// [`MbgNbd`](crate::models::mbgnbd::MbgNbd), [`ParetoNbd`](crate::models::pareto_nbd::ParetoNbd)
/// and their [`Fitted`] forms; with a fit record ([`FittedPurchasesGradient`]) it is what
/// [`customer_lifetime_value_with_intervals`](crate::value::customer_lifetime_value_with_intervals)
/// needs. The trait is object safe.
pub trait PurchasesGradient: TransactionModel {
    /// Conditional expected purchases in `(T, T + t]` at each horizon `t` of `horizons`
    /// (periods) into `values` (as
    /// [`TransactionModel::conditional_expected_purchases_path_one`]), and their parameter
    /// derivatives into `gradient`, row-major: `gradient[h * k + j] = ∂E(horizons[h]) / ∂θ_j`
    /// with `k` the number of parameters.
    ///
    /// Inputs are not re-checked here (as the other `*_one` methods).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`](crate::Error::LengthMismatch) for buffers of the wrong length; a model's numerical error.
    fn conditional_expected_purchases_path_gradient_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        values: &mut [f64],
        gradient: &mut [f64],
    ) -> Result<()>;
}

impl<M: PurchasesGradient + ModelParameters> PurchasesGradient for Fitted<M> {
    fn conditional_expected_purchases_path_gradient_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        values: &mut [f64],
        gradient: &mut [f64],
    ) -> Result<()> {
        self.model()
            .conditional_expected_purchases_path_gradient_one(
                horizons, frequency, recency, t_age, values, gradient,
            )
    }
}

mod sealed {
    /// Only [`Fitted`](crate::models::Fitted) models are estimated.
    pub trait Sealed {}
    impl<M> Sealed for crate::models::Fitted<M> {}
}

/// A transaction model with parameter derivatives whose parameters were **estimated**: it
/// carries its [`Fit`] record (log-likelihood, convergence and the covariance that
/// delta-method intervals need). Implemented only by [`Fitted`] models — obtained from a fit
/// (`BgNbd::fit`, ...) or a saved model ([`SavedModel::as_fitted_gradient`]) — and sealed, so
/// that a model built from given parameters cannot be passed where intervals are computed:
/// the compiler refuses it.
///
/// [`SavedModel::as_fitted_gradient`]: crate::models::SavedModel::as_fitted_gradient
///
/// ```compile_fail,E0277
/// use ltv::models::{bgnbd::BgNbd, CustomerBatch};
/// use ltv::value::{customer_lifetime_value_with_intervals, ClvSettings, Months, MonthlyDiscountRate};
/// use ltv::Period;
/// // parameters typed in, not estimated: no covariance, so no intervals
/// let given = BgNbd::new(0.2426, 4.4135, 0.7929, 2.4258)?;
/// let settings = ClvSettings::new(Period::Week, Months::new(12), MonthlyDiscountRate::new(0.01)?);
/// let customers = CustomerBatch::new(&[2.0], &[30.43], &[38.86])?;
/// // error[E0277]: the trait bound `BgNbd: FittedPurchasesGradient` is not satisfied
/// let _ = customer_lifetime_value_with_intervals(&given, &settings, &customers, &[22.35], None, 0.95);
/// # Ok::<(), ltv::Error>(())
/// ```
///
/// The same call with the fitted model compiles:
///
/// ```
/// use ltv::models::{bgnbd::BgNbd, CustomerBatch};
/// use ltv::value::{customer_lifetime_value_with_intervals, ClvSettings, Months, MonthlyDiscountRate};
/// use ltv::Period;
/// let summary = ltv::datasets::cdnow_summary()?;
/// let fitted = BgNbd::fit(&summary.compress(), &ltv::fit::FitOptions::default())?;
/// let settings = ClvSettings::new(Period::Week, Months::new(12), MonthlyDiscountRate::new(0.01)?);
/// let customers = CustomerBatch::new(&[2.0], &[30.43], &[38.86])?;
/// let clv = customer_lifetime_value_with_intervals(&fitted, &settings, &customers, &[22.35], None, 0.95)?;
/// assert!(clv.lower[0] < clv.clv[0] && clv.clv[0] < clv.upper[0]);
/// # Ok::<(), ltv::Error>(())
/// ```
pub trait FittedPurchasesGradient: PurchasesGradient + sealed::Sealed {
    /// The fit record of the estimated parameters.
    fn fit(&self) -> &Fit;
}

impl<M: PurchasesGradient + ModelParameters> FittedPurchasesGradient for Fitted<M> {
    fn fit(&self) -> &Fit {
        Fitted::fit(self)
    }
}
