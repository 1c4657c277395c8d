//! A model together with the maximum-likelihood fit that produced it.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ModelFileRule, Result};
use crate::fit::Fit;
use crate::models::TransactionModel;

/// A model defined by a fixed-length vector of positive parameters, which can be rebuilt
/// (with validation) from that vector. Every model in [`crate::models`] implements it; it is
/// what [`Fitted`] needs to save and load a model.
pub trait ModelParameters: Sized + Clone + Send + Sync + 'static {
    /// Model name in saved files (`"bgnbd"`, ...).
    const NAME: &'static str;
    /// Parameter names, in vector order.
    const PARAMETER_NAMES: &'static [&'static str];

    /// Builds the model from its parameter vector, checking every parameter.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for a wrong length, [`Error::InvalidParameter`] for a
    /// parameter out of its domain.
    fn from_parameters(parameters: &[f64]) -> Result<Self>;

    /// The parameter vector.
    fn to_parameters(&self) -> Vec<f64>;
}

/// Checks the length of a parameter vector and that every entry is finite and > 0.
pub(crate) fn check_positive_parameters(names: &[&str], parameters: &[f64]) -> Result<()> {
    if parameters.len() != names.len() {
        return Err(Error::LengthMismatch {
            left: "parameters".into(),
            left_len: parameters.len(),
            right: "parameter names".into(),
            right_len: names.len(),
        });
    }
    for (name, &v) in names.iter().zip(parameters) {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::invalid_parameter(*name, v, "must be finite and > 0"));
        }
    }
    Ok(())
}

/// A model fitted by maximum likelihood: the model (which predicts) and its [`Fit`]
/// (log-likelihood, convergence, covariance, standard errors).
///
/// Serialises to the JSON layout of [`Fit`]; the model tag and format version are added by
/// [`SavedModel`](crate::models::SavedModel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    into = "Fit",
    try_from = "Fit",
    bound = "M: ModelParameters + PartialEq + std::fmt::Debug"
)]
pub struct Fitted<M> {
    model: M,
    fit: Fit,
}

impl<M: ModelParameters> Fitted<M> {
    /// Pairs a fit with the model built from its parameters.
    pub(crate) fn from_fit(fit: Fit) -> Result<Self> {
        let model = M::from_parameters(fit.params())?;
        Ok(Self { model, fit })
    }

    /// The fitted model (predictions).
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The fit record (log-likelihood, convergence, covariance, standard errors).
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    /// Splits into model and fit.
    pub fn into_parts(self) -> (M, Fit) {
        (self.model, self.fit)
    }
}

impl<M: ModelParameters> From<Fitted<M>> for Fit {
    fn from(f: Fitted<M>) -> Fit {
        f.fit
    }
}

impl<M: ModelParameters> TryFrom<Fit> for Fitted<M> {
    type Error = Error;
    fn try_from(fit: Fit) -> Result<Self> {
        let fit = fit.checked_for(M::NAME, M::PARAMETER_NAMES)?;
        Self::from_fit(fit).map_err(|e| {
            Error::model_format(ModelFileRule::InvalidModel {
                model: M::NAME.to_string(),
                source: Box::new(e),
            })
        })
    }
}

impl<M: TransactionModel + ModelParameters> TransactionModel for Fitted<M> {
    fn name(&self) -> &'static str {
        self.model.name()
    }
    fn parameter_names(&self) -> &'static [&'static str] {
        self.model.parameter_names()
    }
    fn parameters(&self) -> Vec<f64> {
        self.model.parameters()
    }
    fn covariance(&self) -> Result<DMatrix<f64>> {
        self.fit.covariance()
    }
    fn with_parameters(&self, parameters: &[f64]) -> Result<Box<dyn TransactionModel>> {
        self.model.with_parameters(parameters)
    }
    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        self.model
            .conditional_expected_purchases_one(t, frequency, recency, t_age)
    }
    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        self.model.probability_alive_one(frequency, recency, t_age)
    }
    fn expected_purchases(&self, t: f64) -> Result<f64> {
        self.model.expected_purchases(t)
    }
    fn conditional_expected_purchases_path_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        self.model
            .conditional_expected_purchases_path_one(horizons, frequency, recency, t_age, out)
    }
    fn conditional_expected_purchases(
        &self,
        t: f64,
        customers: &crate::models::CustomerBatch<'_>,
    ) -> Result<Vec<f64>> {
        self.model.conditional_expected_purchases(t, customers)
    }
    fn probability_alive(&self, customers: &crate::models::CustomerBatch<'_>) -> Result<Vec<f64>> {
        self.model.probability_alive(customers)
    }
    fn expected_purchases_and_alive(
        &self,
        t: f64,
        customers: &crate::models::CustomerBatch<'_>,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        self.model.expected_purchases_and_alive(t, customers)
    }
}
