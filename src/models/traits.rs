//! The interface every fitted "buy till you die" transaction model offers.

use nalgebra::DMatrix;

use crate::error::Result;
pub(crate) use crate::models::checks::check_horizon;
use crate::models::CustomerBatch;

/// A transaction model with known parameters (fitted, or given) that predicts purchases.
///
/// Customer lifetime value ([`crate::value`]) and the campaign report are generic over this
/// trait. Everything is in the **periods of the summary the model was fitted on** (weeks for a
/// weekly summary): `t`, `recency` and `T` in periods, purchases per customer.
///
/// Implementors write the per-customer methods (`*_one`); the vectorised methods take a
/// [`CustomerBatch`] (rows checked once, where it was built) and run in parallel (feature
/// `parallel`); models may override them with faster versions. The trait is object safe: `&dyn TransactionModel` works.
pub trait TransactionModel: Send + Sync {
    /// Model name (`"bgnbd"`, `"mbgnbd"`, ...), as in saved files.
    fn name(&self) -> &'static str;

    /// Parameter names, in the order of [`TransactionModel::parameters`].
    fn parameter_names(&self) -> &'static [&'static str];

    /// Parameter vector (natural scale).
    fn parameters(&self) -> Vec<f64>;

    /// Covariance of the parameter estimates (inverse observed information), in the order of
    /// [`TransactionModel::parameters`].
    ///
    /// # Errors
    /// [`Error::SingularInformation`](crate::Error::SingularInformation) when the parameters were given rather than estimated,
    /// or when the information matrix was singular.
    fn covariance(&self) -> Result<DMatrix<f64>>;

    /// The same model at other parameters (same order as [`TransactionModel::parameters`]),
    /// without covariance; for delta-method and bootstrap intervals.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when a parameter is out of its domain,
    /// [`Error::LengthMismatch`](crate::Error::LengthMismatch) for a wrong number of parameters.
    fn with_parameters(&self, parameters: &[f64]) -> Result<Box<dyn TransactionModel>>;

    /// Expected number of purchases in `(T, T + t]` of one customer with `frequency` repeat
    /// purchases, last purchase at age `recency` and age `t_age` (= `T`), all in periods.
    ///
    /// Inputs are not re-checked here; build a [`CustomerBatch`] and use the vectorised
    /// method for untrusted data.
    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64>;

    /// Probability that one customer (frequency, recency, `T` in periods) is still alive at
    /// the end of observation `T`.
    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64>;

    /// Expected number of repeat purchases in `(0, t]` of a new customer (`t` in periods).
    fn expected_purchases(&self, t: f64) -> Result<f64>;

    /// Vectorised [`TransactionModel::conditional_expected_purchases_one`] over the customers
    /// of a batch (rows already checked), in order.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a negative or
    /// non-finite `t`, and any numerical error of a customer.
    fn conditional_expected_purchases(
        &self,
        t: f64,
        customers: &CustomerBatch<'_>,
    ) -> Result<Vec<f64>> {
        check_horizon("t", t)?;
        map_rows(customers, |x, tx, tt| {
            self.conditional_expected_purchases_one(t, x, tx, tt)
        })
    }

    /// Both per-customer predictions of `ltv predict` at once: conditional expected purchases
    /// in `(T, T + t]` and P(alive), each as its vectorised method (models may override this
    /// with a single pass over the data).
    ///
    /// # Errors
    /// As [`TransactionModel::conditional_expected_purchases`].
    fn expected_purchases_and_alive(
        &self,
        t: f64,
        customers: &CustomerBatch<'_>,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        Ok((
            self.conditional_expected_purchases(t, customers)?,
            self.probability_alive(customers)?,
        ))
    }

    /// Vectorised [`TransactionModel::probability_alive_one`] over the customers of a batch.
    ///
    /// # Errors
    /// A numerical error of a customer.
    fn probability_alive(&self, customers: &CustomerBatch<'_>) -> Result<Vec<f64>> {
        map_rows(customers, |x, tx, tt| self.probability_alive_one(x, tx, tt))
    }

    /// [`TransactionModel::conditional_expected_purchases_one`] of one customer at several
    /// horizons `t` (periods), written into `out` (same length as `horizons`).
    ///
    /// Customer lifetime value asks for a whole path of horizons per customer; a model whose
    /// expectation factors as (customer term) × (horizon term) overrides this to compute the
    /// customer term once. The default calls the one-horizon method for each horizon.
    fn conditional_expected_purchases_path_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        for (o, &t) in out.iter_mut().zip(horizons) {
            *o = self.conditional_expected_purchases_one(t, frequency, recency, t_age)?;
        }
        Ok(())
    }
}

/// Applies `f` to every (frequency, recency, T) row of a batch, in parallel chunks with
/// feature `parallel`.
pub(crate) fn map_rows<F>(customers: &CustomerBatch<'_>, f: F) -> Result<Vec<f64>>
where
    F: Fn(f64, f64, f64) -> Result<f64> + Sync,
{
    let (frequency, recency, t_age) = (customers.frequency(), customers.recency(), customers.t());
    crate::models::vectorised::fill_rows(frequency.len(), |start, out, _| {
        for (k, v) in out.iter_mut().enumerate() {
            let i = start + k;
            *v = f(frequency[i], recency[i], t_age[i])?;
        }
        Ok(())
    })
}
