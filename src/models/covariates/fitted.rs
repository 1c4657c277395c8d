//! A model fitted with covariates: per-customer parameters, predictions, save and load.

use std::marker::PhantomData;

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::design::CovariateEncoding;
use super::engine::CovariateModel;
use crate::error::{Error, ModelFileRule, Result};
use crate::fit::Convergence;
use crate::models::{CustomerBatch, TransactionModel};

/// What the fit hands over (internal).
pub(crate) struct Estimate {
    pub(crate) theta: Vec<f64>,
    pub(crate) linked: Vec<usize>,
    pub(crate) encoding: CovariateEncoding,
    pub(crate) penalties: Vec<f64>,
    pub(crate) log_likelihood: f64,
    pub(crate) n_customers: f64,
    pub(crate) n_patterns: usize,
    pub(crate) convergence: Convergence,
    pub(crate) covariance: Option<Vec<f64>>,
    pub(crate) covariance_note: Option<String>,
}

/// A model `M` fitted with covariates (see the [module docs](super)): the log-intercepts
/// `ln θ⁰`, the coefficients `γ` of every linked parameter, the unpenalised log-likelihood,
/// convergence and the covariance of `θ = (ln θ⁰, γ)`.
///
/// Saved and loaded as JSON ([`CovariateFit::to_json`], [`CovariateFit::from_json`]) with
/// the covariate encoding, so that prediction-time covariates are encoded the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct CovariateFit<M> {
    est: Estimate,
    model: PhantomData<M>,
}

impl PartialEq for Estimate {
    fn eq(&self, o: &Self) -> bool {
        self.theta == o.theta
            && self.linked == o.linked
            && self.encoding == o.encoding
            && self.penalties == o.penalties
            && self.log_likelihood == o.log_likelihood
            && self.covariance == o.covariance
    }
}

impl std::fmt::Debug for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Estimate")
            .field("theta", &self.theta)
            .field("log_likelihood", &self.log_likelihood)
            .finish_non_exhaustive()
    }
}

impl Clone for Estimate {
    fn clone(&self) -> Self {
        Estimate {
            theta: self.theta.clone(),
            linked: self.linked.clone(),
            encoding: self.encoding.clone(),
            penalties: self.penalties.clone(),
            log_likelihood: self.log_likelihood,
            n_customers: self.n_customers,
            n_patterns: self.n_patterns,
            convergence: self.convergence.clone(),
            covariance: self.covariance.clone(),
            covariance_note: self.covariance_note.clone(),
        }
    }
}

impl<M: CovariateModel> CovariateFit<M> {
    pub(crate) fn from_estimate(est: Estimate) -> Result<Self> {
        let fit = Self {
            est,
            model: PhantomData,
        };
        // the intercept model must be valid
        fit.model_for(&vec![0.0; fit.est.encoding.width()])?;
        Ok(fit)
    }

    fn n_base(&self) -> usize {
        M::PARAMETER_NAMES.len()
    }

    /// `θ = (ln θ⁰, γ)`: the log-intercepts of every base parameter, then the coefficients of
    /// each linked parameter (linked-parameter major), as named by
    /// [`CovariateFit::theta_names`].
    pub fn theta(&self) -> &[f64] {
        &self.est.theta
    }

    /// Names of `θ`: `ln_r`, `ln_alpha`, …, then `alpha:channel=web`, ….
    pub fn theta_names(&self) -> Vec<String> {
        let mut out: Vec<String> = M::PARAMETER_NAMES
            .iter()
            .map(|n| format!("ln_{n}"))
            .collect();
        let cols = self.est.encoding.design_names();
        for &j in &self.est.linked {
            for c in &cols {
                out.push(format!("{}:{c}", M::PARAMETER_NAMES[j]));
            }
        }
        out
    }

    /// Names of the linked base parameters.
    pub fn linked(&self) -> Vec<&'static str> {
        self.est
            .linked
            .iter()
            .map(|&j| M::PARAMETER_NAMES[j])
            .collect()
    }

    /// The coefficient of design column `column` (e.g. `channel=web`) on parameter `param`.
    pub fn coefficient(&self, param: &str, column: &str) -> Option<f64> {
        let l = self.linked().iter().position(|p| *p == param)?;
        let c = self
            .est
            .encoding
            .design_names()
            .iter()
            .position(|n| n == column)?;
        Some(self.est.theta[self.n_base() + l * self.est.encoding.width() + c])
    }

    /// The covariate encoding the model was fitted with.
    pub fn encoding(&self) -> &CovariateEncoding {
        &self.est.encoding
    }

    /// Unpenalised log-likelihood at the estimates.
    pub fn log_likelihood(&self) -> f64 {
        self.est.log_likelihood
    }

    /// The L2 penalty of every coefficient (in the layout of `θ` after the intercepts).
    pub fn penalties(&self) -> &[f64] {
        &self.est.penalties
    }

    /// How the optimizer ended.
    pub fn convergence(&self) -> &Convergence {
        &self.est.convergence
    }

    /// Number of customers (total weight) the likelihood was evaluated on.
    pub fn n_customers(&self) -> f64 {
        self.est.n_customers
    }

    /// Covariance of `θ` (inverse penalised observed information).
    ///
    /// # Errors
    /// [`Error::SingularInformation`] when it was not computed or not positive definite.
    pub fn covariance(&self) -> Result<DMatrix<f64>> {
        let d = self.est.theta.len();
        match &self.est.covariance {
            Some(c) => Ok(DMatrix::from_row_slice(d, d, c)),
            None => Err(Error::SingularInformation {
                model: M::NAME.into(),
                reason: self
                    .est
                    .covariance_note
                    .clone()
                    .unwrap_or_else(|| "not available".into()),
            }),
        }
    }

    /// Standard errors of `θ`.
    ///
    /// # Errors
    /// As [`CovariateFit::covariance`].
    pub fn std_errors(&self) -> Result<Vec<f64>> {
        let c = self.covariance()?;
        Ok((0..c.nrows()).map(|i| c[(i, i)].max(0.0).sqrt()).collect())
    }

    /// `ln θ_i` of a customer with design row `z`.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `z` has the wrong width.
    pub fn log_parameters(&self, z: &[f64]) -> Result<Vec<f64>> {
        let k = self.est.encoding.width();
        if z.len() != k {
            return Err(Error::LengthMismatch {
                left: "covariates".into(),
                left_len: k,
                right: "design row".into(),
                right_len: z.len(),
            });
        }
        let nb = self.n_base();
        let mut logp = self.est.theta[..nb].to_vec();
        for (l, &j) in self.est.linked.iter().enumerate() {
            let g = &self.est.theta[nb + l * k..nb + (l + 1) * k];
            logp[j] += g.iter().zip(z).map(|(a, b)| a * b).sum::<f64>();
        }
        Ok(logp)
    }

    /// The base model of a customer with design row `z` (its own parameters).
    ///
    /// # Errors
    /// As [`CovariateFit::log_parameters`]; [`Error::InvalidParameter`] when a parameter
    /// over- or underflows.
    pub fn model_for(&self, z: &[f64]) -> Result<M> {
        let p: Vec<f64> = self.log_parameters(z)?.iter().map(|v| v.exp()).collect();
        M::from_parameters(&p)
    }

    /// `∂ ln θ_ij / ∂θ` of a customer with design row `z`, as `(index into θ, factor)`
    /// pairs for base parameter `j` (1 for its intercept, `z_k` for its coefficients).
    pub fn log_parameter_jacobian(&self, z: &[f64], j: usize) -> Vec<(usize, f64)> {
        let mut out = vec![(j, 1.0)];
        let k = self.est.encoding.width();
        if let Some(l) = self.est.linked.iter().position(|&x| x == j) {
            for (c, &zc) in z.iter().enumerate() {
                if zc != 0.0 {
                    out.push((self.n_base() + l * k + c, zc));
                }
            }
        }
        out
    }

    /// Saves the fit as JSON (model name, encoding, `θ` by name, covariance, convergence).
    ///
    /// # Errors
    /// Serialisation errors ([`Error::ModelFormat`]).
    pub fn to_json(&self) -> Result<String> {
        let rec = Record {
            model: M::NAME.to_string(),
            format: "ltv-covariates-1".into(),
            linked: self.linked().iter().map(|s| s.to_string()).collect(),
            encoding: self.est.encoding.clone(),
            theta: self
                .theta_names()
                .into_iter()
                .zip(self.est.theta.iter().copied())
                .collect(),
            penalties: self.est.penalties.clone(),
            log_likelihood: self.est.log_likelihood,
            n_customers: self.est.n_customers,
            n_patterns: self.est.n_patterns,
            convergence: self.est.convergence.clone(),
            covariance: self.est.covariance.as_ref().map(|c| {
                let d = self.est.theta.len();
                c.chunks(d).map(|r| r.to_vec()).collect()
            }),
            covariance_note: self.est.covariance_note.clone(),
        };
        serde_json::to_string_pretty(&rec).map_err(|e| Error::model_format(ModelFileRule::Json(e)))
    }

    /// Loads a fit saved by [`CovariateFit::to_json`], checking the model name, the names and
    /// number of parameters, finiteness, and that the covariance is symmetric with a
    /// non-negative diagonal.
    ///
    /// # Errors
    /// [`Error::ModelFormat`] naming what is wrong.
    pub fn from_json(text: &str) -> Result<Self> {
        let bad = Error::model_format;
        let rec: Record = serde_json::from_str(text).map_err(|e| bad(ModelFileRule::Json(e)))?;
        if rec.model != M::NAME {
            return Err(bad(ModelFileRule::WrongModel {
                found: rec.model,
                expected: M::NAME.to_string(),
            }));
        }
        let mut linked = Vec::new();
        for l in &rec.linked {
            match M::PARAMETER_NAMES.iter().position(|n| n == l) {
                Some(j) => linked.push(j),
                None => {
                    return Err(bad(ModelFileRule::UnknownLinkedParameter {
                        name: l.clone(),
                    }))
                }
            }
        }
        let (names, theta): (Vec<String>, Vec<f64>) = rec.theta.into_iter().unzip();
        let fit = Self {
            est: Estimate {
                theta,
                linked,
                encoding: rec.encoding,
                penalties: rec.penalties,
                log_likelihood: rec.log_likelihood,
                n_customers: rec.n_customers,
                n_patterns: rec.n_patterns,
                convergence: rec.convergence,
                covariance: None,
                covariance_note: rec.covariance_note,
            },
            model: PhantomData,
        };
        if names != fit.theta_names() {
            return Err(bad(ModelFileRule::CovariateParameterNames {
                found: names,
                expected: fit.theta_names(),
            }));
        }
        if let Some(v) = fit.est.theta.iter().find(|v| !v.is_finite()) {
            return Err(bad(ModelFileRule::NonFiniteParameter { value: *v }));
        }
        let d = fit.est.theta.len();
        let covariance = match rec.covariance {
            None => None,
            Some(rows) => {
                if rows.len() != d || rows.iter().any(|r| r.len() != d) {
                    return Err(bad(ModelFileRule::CovarianceShape { k: d }));
                }
                for (i, row) in rows.iter().enumerate() {
                    if !(row[i].is_finite() && row[i] >= 0.0) {
                        return Err(bad(ModelFileRule::CovarianceDiagonal {
                            index: i,
                            value: row[i],
                        }));
                    }
                    for (j, &a) in row.iter().enumerate() {
                        let b = rows[j][i];
                        if !a.is_finite() || (a - b).abs() > 1e-9 * (a.abs() + b.abs() + 1e-300) {
                            return Err(bad(ModelFileRule::CovarianceAsymmetric { i, j, a, b }));
                        }
                    }
                }
                Some(rows.into_iter().flatten().collect())
            }
        };
        let est = Estimate {
            covariance,
            ..fit.est
        };
        Self::from_estimate(est).map_err(|e| {
            bad(ModelFileRule::InvalidModel {
                model: M::NAME.to_string(),
                source: Box::new(e),
            })
        })
    }
}

impl<M: CovariateModel + TransactionModel> CovariateFit<M> {
    /// `f` on each customer of `customers` with the model at their own parameters; the batch
    /// must carry covariates encoded as the model's.
    fn per_customer(
        &self,
        customers: &CustomerBatch<'_>,
        f: impl Fn(&M, f64, f64, f64) -> Result<f64> + Sync,
    ) -> Result<Vec<f64>> {
        let covariates = customers.covariates().ok_or_else(|| Error::Covariate {
            column: "*".into(),
            customer: None,
            rule:
                "a covariate model needs the customers' covariates (CustomerBatch::with_covariates)"
                    .into(),
        })?;
        if covariates.encoding() != &self.est.encoding {
            return Err(Error::Covariate {
                column: "*".into(),
                customer: None,
                rule: "the covariates were encoded differently from the model's (encode them with the model's encoding)".into(),
            });
        }
        let (x, tx, t) = (customers.frequency(), customers.recency(), customers.t());
        (0..customers.len())
            .map(|i| {
                let m = self.model_for(covariates.row(i))?;
                f(&m, x[i], tx[i], t[i])
            })
            .collect()
    }

    /// Each customer's expected purchases in `(T, T + t]` (periods) with their own
    /// parameters; `customers` carries the covariates
    /// ([`CustomerBatch::with_covariates`]).
    ///
    /// # Errors
    /// [`Error::Covariate`] when the batch has no covariates or they are encoded differently
    /// from the model's; an invalid horizon; a numerical error of a customer.
    pub fn conditional_expected_purchases(
        &self,
        t: f64,
        customers: &CustomerBatch<'_>,
    ) -> Result<Vec<f64>> {
        crate::models::check_horizon("t", t)?;
        self.per_customer(customers, |m, x, tx, tt| {
            m.conditional_expected_purchases_one(t, x, tx, tt)
        })
    }

    /// Each customer's probability of being alive at `T`, with their own parameters.
    ///
    /// # Errors
    /// As [`CovariateFit::conditional_expected_purchases`].
    pub fn probability_alive(&self, customers: &CustomerBatch<'_>) -> Result<Vec<f64>> {
        self.per_customer(customers, |m, x, tx, tt| m.probability_alive_one(x, tx, tt))
    }
}

/// The JSON layout of a saved fit.
#[derive(Serialize, Deserialize)]
struct Record {
    model: String,
    format: String,
    linked: Vec<String>,
    encoding: CovariateEncoding,
    theta: Vec<(String, f64)>,
    penalties: Vec<f64>,
    log_likelihood: f64,
    n_customers: f64,
    n_patterns: usize,
    convergence: Convergence,
    covariance: Option<Vec<Vec<f64>>>,
    covariance_note: Option<String>,
}
