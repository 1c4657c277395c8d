//! The result of a maximum-likelihood fit: estimates, convergence record, uncertainty.

use std::fmt;

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ModelFileRule, Result};

/// 97.5% quantile of the standard normal distribution, for 95% Wald intervals.
pub(crate) const Z_975: f64 = 1.959_963_984_540_054;

/// Which optimizer path produced the estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Method {
    /// L-BFGS with a More–Thuente line search on log-parameters (the normal path), possibly
    /// finished by safeguarded Newton steps.
    Lbfgs,
    /// L-BFGS failed or stalled; Nelder–Mead from its best point, then L-BFGS again.
    NelderMeadThenLbfgs,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Lbfgs => "L-BFGS",
            Method::NelderMeadThenLbfgs => "Nelder-Mead then L-BFGS",
        })
    }
}

/// How the optimizer ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Convergence {
    /// True when the gradient norm is below the tolerance. With the default
    /// [`FitOptions`](crate::fit::FitOptions) a fit that is not converged is an error, so
    /// this is false only when the caller asked to see failing fits.
    pub converged: bool,
    /// Iterations used, summed over all optimizer stages.
    pub iterations: u64,
    /// Euclidean norm of the gradient of the per-customer objective `-(LL - penalty)/W` with
    /// respect to the log-parameters, at the estimates.
    pub gradient_norm: f64,
    /// Termination reason reported by the last optimizer stage.
    pub termination: String,
    /// Optimizer path taken.
    pub method: Method,
}

/// One parameter's estimate with its standard error and 95% Wald interval **on the log
/// scale**: `value · exp(±1.96 · std_error / value)`.
///
/// Every parameter is positive and the fits run on log-parameters, so the interval is the
/// Wald interval of `ln θ` (standard error `std_error / value` by the delta method) mapped
/// back: it never leaves `(0, ∞)` and is asymmetric around the estimate. lifetimes prints the
/// natural-scale `value ± 1.96 · std_error` instead, which for a poorly determined parameter
/// reaches below zero (CDNOW Pareto/NBD β: `[−0.51, 23.84]` there; `[4.11, 33.12]` here). The
/// standard error itself is the natural-scale one, as lifetimes reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterEstimate {
    /// Parameter name (`"r"`, `"alpha"`, ...).
    pub name: String,
    /// Maximum-likelihood estimate.
    pub value: f64,
    /// Standard error: square root of the diagonal of the inverse observed information.
    pub std_error: f64,
    /// Lower end of the 95% interval (log scale, see the type's docs): always > 0.
    pub lower: f64,
    /// Upper end of the 95% interval (log scale).
    pub upper: f64,
}

/// A maximum-likelihood fit: estimates, log-likelihood, convergence and covariance.
///
/// All quantities refer to the time unit of the summary the model was fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "FitRecord", try_from = "FitRecord")]
pub struct Fit {
    pub(crate) model: String,
    pub(crate) names: Vec<String>,
    pub(crate) params: Vec<f64>,
    pub(crate) log_likelihood: f64,
    pub(crate) penalizer: f64,
    pub(crate) n_customers: f64,
    pub(crate) n_rows: usize,
    pub(crate) convergence: Convergence,
    /// Row-major `k × k` covariance; `None` when the information matrix was singular.
    pub(crate) covariance: Option<Vec<f64>>,
    /// Why the covariance is missing, when it is.
    pub(crate) covariance_note: Option<String>,
}

impl Fit {
    /// Model name (`"bgnbd"`, ...).
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Parameter names, in the order of [`Fit::params`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Estimated parameters (natural scale).
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Value of the parameter called `name`, if the model has one.
    pub fn param(&self, name: &str) -> Option<f64> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.params[i])
    }

    /// Log-likelihood at the estimates, summed over customers (weights), **unpenalised**, on
    /// the data's own time scale.
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Penalizer coefficient used (lifetimes' `penalizer_coef` meaning).
    pub fn penalizer(&self) -> f64 {
        self.penalizer
    }

    /// Number of customers (total weight) the model was fitted on.
    pub fn n_customers(&self) -> f64 {
        self.n_customers
    }

    /// Number of distinct (compressed) rows the likelihood was evaluated on.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Convergence record.
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Akaike information criterion `2k - 2 LL`.
    pub fn aic(&self) -> f64 {
        2.0 * self.params.len() as f64 - 2.0 * self.log_likelihood
    }

    /// Bayesian information criterion `k ln(W) - 2 LL` with `W` the number of customers.
    pub fn bic(&self) -> f64 {
        self.params.len() as f64 * self.n_customers.ln() - 2.0 * self.log_likelihood
    }

    /// Covariance matrix of the estimates (natural parameters): the inverse of the observed
    /// information, i.e. of minus the Hessian of the (penalised) log-likelihood at the
    /// optimum. Off-diagonal entries are the true cross terms (lifetimes' are not).
    ///
    /// # Errors
    /// [`Error::SingularInformation`] when the information matrix was not positive definite
    /// (for instance an estimate on the boundary of the parameter space).
    pub fn covariance(&self) -> Result<DMatrix<f64>> {
        let k = self.params.len();
        match &self.covariance {
            Some(c) => Ok(DMatrix::from_row_slice(k, k, c)),
            None => Err(Error::SingularInformation {
                model: self.model.clone(),
                reason: self
                    .covariance_note
                    .clone()
                    .unwrap_or_else(|| "information matrix not available".into()),
            }),
        }
    }

    /// Standard errors of the estimates (square roots of the covariance diagonal).
    ///
    /// # Errors
    /// As [`Fit::covariance`].
    pub fn std_errors(&self) -> Result<Vec<f64>> {
        let c = self.covariance()?;
        Ok((0..self.params.len()).map(|i| c[(i, i)].sqrt()).collect())
    }

    /// Estimates with standard errors and 95% Wald intervals on the log scale (see
    /// [`ParameterEstimate`]).
    ///
    /// # Errors
    /// As [`Fit::covariance`].
    pub fn estimates(&self) -> Result<Vec<ParameterEstimate>> {
        let se = self.std_errors()?;
        Ok(self
            .names
            .iter()
            .zip(&self.params)
            .zip(se)
            .map(|((name, &value), std_error)| ParameterEstimate {
                name: name.clone(),
                value,
                std_error,
                lower: value * (-Z_975 * std_error / value).exp(),
                upper: value * (Z_975 * std_error / value).exp(),
            })
            .collect())
    }

    /// Re-labels a deserialised fit with its model name and puts its parameters (and the
    /// covariance's rows and columns, which follow the file's parameter order) in the model's
    /// order, matching by name.
    pub(crate) fn checked_for(mut self, model: &str, names: &[&str]) -> Result<Self> {
        let found: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let mismatch = || {
            Error::model_format(ModelFileRule::ParameterNames {
                model: model.to_string(),
                expected: names.iter().map(|s| s.to_string()).collect(),
                found: found.iter().map(|s| s.to_string()).collect(),
            })
        };
        let mut order = Vec::with_capacity(names.len());
        for want in names {
            match found.iter().position(|f| f == want) {
                Some(i) => order.push(i),
                None => return Err(mismatch()),
            }
        }
        if found.len() != names.len() {
            return Err(mismatch());
        }
        let k = names.len();
        self.params = order.iter().map(|&i| self.params[i]).collect();
        self.names = names.iter().map(|s| s.to_string()).collect();
        if let Some(c) = &self.covariance {
            let mut out = Vec::with_capacity(k * k);
            for &i in &order {
                for &j in &order {
                    out.push(c[i * k + j]);
                }
            }
            self.covariance = Some(out);
        }
        self.model = model.to_string();
        Ok(self)
    }
}

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} fitted on {} customers ({} distinct rows)",
            self.model, self.n_customers, self.n_rows
        )?;
        writeln!(
            f,
            "log-likelihood {:.6}, {} after {} iterations ({}), gradient norm {:.2e}",
            self.log_likelihood,
            if self.convergence.converged {
                "converged"
            } else {
                "NOT CONVERGED"
            },
            self.convergence.iterations,
            self.convergence.method,
            self.convergence.gradient_norm
        )?;
        if self.penalizer > 0.0 {
            writeln!(f, "penalizer {}", self.penalizer)?;
        }
        writeln!(
            f,
            "{:>8} {:>12} {:>12} {:>12} {:>12}",
            "param", "estimate", "std.error", "lower 95%*", "upper 95%*"
        )?;
        match self.estimates() {
            Ok(est) => {
                for e in est {
                    writeln!(
                        f,
                        "{:>8} {:>12.6} {:>12.6} {:>12.6} {:>12.6}",
                        e.name, e.value, e.std_error, e.lower, e.upper
                    )?;
                }
                writeln!(
                    f,
                    "* interval on the log scale: estimate x exp(+-1.96 std.error/estimate)"
                )?;
            }
            Err(e) => {
                for (n, v) in self.names.iter().zip(&self.params) {
                    writeln!(f, "{n:>8} {v:>12.6}")?;
                }
                writeln!(f, "({e})")?;
            }
        }
        Ok(())
    }
}

/// Ordered `name -> value` map for the JSON form (keeps the model's parameter order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NamedValues(pub(crate) Vec<(String, f64)>);

impl Serialize for NamedValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for NamedValues {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = NamedValues;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from parameter name to number")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<NamedValues, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, f64>()? {
                    out.push((k, v));
                }
                Ok(NamedValues(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The JSON layout of a [`Fit`] (what `ltv fit --output` writes, next to the model tag).
#[derive(Serialize, Deserialize)]
struct FitRecord {
    params: NamedValues,
    log_likelihood: f64,
    std_errors: Option<NamedValues>,
    converged: bool,
    iterations: u64,
    n_customers: f64,
    n_rows: usize,
    penalizer: f64,
    gradient_norm: f64,
    termination: String,
    method: Method,
    covariance: Option<Vec<Vec<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    covariance_note: Option<String>,
}

impl From<Fit> for FitRecord {
    fn from(f: Fit) -> Self {
        let k = f.params.len();
        let std_errors = f
            .std_errors()
            .ok()
            .map(|se| NamedValues(f.names.iter().cloned().zip(se).collect()));
        FitRecord {
            params: NamedValues(
                f.names
                    .iter()
                    .cloned()
                    .zip(f.params.iter().copied())
                    .collect(),
            ),
            log_likelihood: f.log_likelihood,
            std_errors,
            converged: f.convergence.converged,
            iterations: f.convergence.iterations,
            n_customers: f.n_customers,
            n_rows: f.n_rows,
            penalizer: f.penalizer,
            gradient_norm: f.convergence.gradient_norm,
            termination: f.convergence.termination,
            method: f.convergence.method,
            covariance: f
                .covariance
                .map(|c| c.chunks(k.max(1)).map(<[f64]>::to_vec).collect()),
            covariance_note: f.covariance_note,
        }
    }
}

/// A covariance read from a file must be symmetric (to 1e-9 of its largest entry) and positive
/// semi-definite (no eigenvalue below -1e-9 of the largest): a diagonal of -1 would give
/// intervals of NaN or the wrong width, silently.
fn check_covariance_psd(k: usize, flat: &[f64]) -> std::result::Result<(), ModelFileRule> {
    let scale = flat.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let m = DMatrix::from_row_slice(k, k, flat);
    for i in 0..k {
        for j in 0..i {
            if (m[(i, j)] - m[(j, i)]).abs() > 1e-9 * scale {
                return Err(ModelFileRule::CovarianceAsymmetric {
                    i,
                    j,
                    a: m[(i, j)],
                    b: m[(j, i)],
                });
            }
        }
    }
    let eigen = m.symmetric_eigenvalues();
    let max = eigen.iter().fold(0.0_f64, |a, &v| a.max(v.abs()));
    if let Some(min) = eigen
        .iter()
        .copied()
        .find(|&v| v < -1e-9 * max.max(f64::MIN_POSITIVE))
    {
        return Err(ModelFileRule::CovarianceNotPsd { eigenvalue: min });
    }
    Ok(())
}

impl TryFrom<FitRecord> for Fit {
    type Error = Error;
    fn try_from(r: FitRecord) -> Result<Self> {
        let bad = Error::model_format;
        let (names, params): (Vec<String>, Vec<f64>) = r.params.0.into_iter().unzip();
        let k = params.len();
        if k == 0 {
            return Err(bad(ModelFileRule::NoParameters));
        }
        for (n, v) in names.iter().zip(&params) {
            if !(v.is_finite() && *v > 0.0) {
                return Err(bad(ModelFileRule::Parameter {
                    name: n.clone(),
                    value: *v,
                }));
            }
        }
        let covariance = match r.covariance {
            None => None,
            Some(rows) => {
                if rows.len() != k || rows.iter().any(|row| row.len() != k) {
                    return Err(bad(ModelFileRule::CovarianceShape { k }));
                }
                let flat: Vec<f64> = rows.into_iter().flatten().collect();
                if flat.iter().any(|v| !v.is_finite()) {
                    return Err(bad(ModelFileRule::CovarianceNonFinite));
                }
                check_covariance_psd(k, &flat).map_err(bad)?;
                Some(flat)
            }
        };
        Ok(Fit {
            model: String::new(),
            names,
            params,
            log_likelihood: r.log_likelihood,
            penalizer: r.penalizer,
            n_customers: r.n_customers,
            n_rows: r.n_rows,
            convergence: Convergence {
                converged: r.converged,
                iterations: r.iterations,
                gradient_norm: r.gradient_norm,
                termination: r.termination,
                method: r.method,
            },
            covariance,
            covariance_note: r.covariance_note,
        })
    }
}
