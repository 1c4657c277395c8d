//! The parameter derivatives a transaction model may offer (for delta-method CLV intervals).
//! The trait lives with the models so that `models` never imports `value`; the derivatives
//! themselves are written in [`crate::value::gradient`].

use crate::error::Result;
use crate::models::{Fitted, ModelParameters, TransactionModel};

/// A transaction model that also gives the derivatives of its conditional expected purchases
/// with respect to its parameters (in the order of [`TransactionModel::parameters`]).
///
/// Implemented by [`BgNbd`](crate::models::bgnbd::BgNbd),
/// [`MbgNbd`](crate::models::mbgnbd::MbgNbd), [`ParetoNbd`](crate::models::pareto_nbd::ParetoNbd)
/// and their [`Fitted`] forms; this is what
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
    /// [`Error::LengthMismatch`] for buffers of the wrong length; a model's numerical error.
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
