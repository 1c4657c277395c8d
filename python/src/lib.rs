//! Python bindings of the `ltv` crate: the compiled module `ltv._ltv`.
//!
//! This layer is thin on purpose. It turns numpy arrays into slices, calls the crate, and turns
//! the crate's [`ltv::Error`] into a Python exception carrying the crate's message (and, for a
//! bad field, its row, column, value and rule). Everything pandas-shaped — indexes, column
//! names, lifetimes' argument names and defaults — lives in the Python package (`python/ltv`).
//! Heavy calls release the GIL.

use numpy::{PyArray1, PyArray2, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use ltv::data::{Period as DataPeriod, Timestamp, TransactionLog};
use ltv::fit::FitOptions;
use ltv::models::bgbb::BgBb;
use ltv::models::bgnbd::BgNbd;
use ltv::models::gamma_gamma::{GammaGamma, SpendData};
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::models::{
    CustomerBatch, Fitted, ModelFile, ModelParameters, SavedModel, TransactionModel,
};
use ltv::summary::{CompressedSummary, SummaryOptions};
use ltv::value::{ClvSettings, MonthlyDiscountRate, Months};
use ltv::Period as ClvPeriod;

mod errors;
use errors::to_py;

type Res<T> = PyResult<T>;
/// A 1-D float64 numpy array owned by Python.
type Arr<'py> = Bound<'py, PyArray1<f64>>;

/// A model's parameters, whichever model it is.
#[derive(Clone)]
enum Params {
    BgNbd(BgNbd),
    MbgNbd(MbgNbd),
    ParetoNbd(ParetoNbd),
    BgBb(BgBb),
    GammaGamma(GammaGamma),
}

impl Params {
    fn from_saved(saved: &SavedModel) -> Res<Self> {
        Ok(match saved {
            SavedModel::BgNbd(m) => Params::BgNbd(*m.model()),
            SavedModel::MbgNbd(m) => Params::MbgNbd(*m.model()),
            SavedModel::ParetoNbd(m) => Params::ParetoNbd(*m.model()),
            SavedModel::BgBb(m) => Params::BgBb(*m.model()),
            SavedModel::GammaGamma(m) => Params::GammaGamma(*m.model()),
            other => {
                return Err(PyValueError::new_err(format!(
                    "model `{}` is not supported by this version of the Python package",
                    other.name()
                )))
            }
        })
    }

    fn from_vector(kind: &str, p: &[f64]) -> Res<Self> {
        Ok(match kind {
            "bgnbd" => Params::BgNbd(BgNbd::from_parameters(p).map_err(to_py)?),
            "mbgnbd" => Params::MbgNbd(MbgNbd::from_parameters(p).map_err(to_py)?),
            "pareto-nbd" => Params::ParetoNbd(ParetoNbd::from_parameters(p).map_err(to_py)?),
            "bgbb" => Params::BgBb(BgBb::from_parameters(p).map_err(to_py)?),
            "gamma-gamma" => Params::GammaGamma(GammaGamma::from_parameters(p).map_err(to_py)?),
            other => return Err(unknown_kind(other)),
        })
    }

    fn kind(&self) -> &'static str {
        match self {
            Params::BgNbd(_) => BgNbd::NAME,
            Params::MbgNbd(_) => MbgNbd::NAME,
            Params::ParetoNbd(_) => ParetoNbd::NAME,
            Params::BgBb(_) => BgBb::NAME,
            Params::GammaGamma(_) => GammaGamma::NAME,
        }
    }

    fn names(&self) -> &'static [&'static str] {
        match self {
            Params::BgNbd(_) => BgNbd::PARAMETER_NAMES,
            Params::MbgNbd(_) => MbgNbd::PARAMETER_NAMES,
            Params::ParetoNbd(_) => ParetoNbd::PARAMETER_NAMES,
            Params::BgBb(_) => BgBb::PARAMETER_NAMES,
            Params::GammaGamma(_) => GammaGamma::PARAMETER_NAMES,
        }
    }

    fn vector(&self) -> Vec<f64> {
        match self {
            Params::BgNbd(m) => m.to_parameters(),
            Params::MbgNbd(m) => m.to_parameters(),
            Params::ParetoNbd(m) => m.to_parameters(),
            Params::BgBb(m) => m.to_parameters(),
            Params::GammaGamma(m) => m.to_parameters(),
        }
    }

    fn transaction(&self) -> Res<&dyn TransactionModel> {
        Ok(match self {
            Params::BgNbd(m) => m,
            Params::MbgNbd(m) => m,
            Params::ParetoNbd(m) => m,
            Params::BgBb(m) => m,
            Params::GammaGamma(_) => {
                return Err(PyValueError::new_err(
                    "gamma-gamma is a spend model, not a transaction model",
                ))
            }
        })
    }

    /// The model with analytic purchase derivatives (BG/NBD, MBG/NBD, Pareto/NBD), as the
    /// report's valuation needs it.
    fn purchases_gradient(&self) -> Res<&dyn ltv::models::PurchasesGradient> {
        Ok(match self {
            Params::BgNbd(m) => m,
            Params::MbgNbd(m) => m,
            Params::ParetoNbd(m) => m,
            Params::BgBb(_) | Params::GammaGamma(_) => {
                return Err(PyValueError::new_err(
                    "the report values users with bgnbd, mbgnbd or pareto-nbd",
                ))
            }
        })
    }

    fn spend(&self) -> Res<&GammaGamma> {
        match self {
            Params::GammaGamma(m) => Ok(m),
            other => Err(PyValueError::new_err(format!(
                "{} is a transaction model, not a spend model",
                other.kind()
            ))),
        }
    }
}

fn unknown_kind(kind: &str) -> PyErr {
    PyValueError::new_err(format!(
        "unknown model `{kind}` (expected bgnbd, mbgnbd, pareto-nbd, bgbb or gamma-gamma)"
    ))
}

/// A model of the crate with its parameters and, when it was fitted (or loaded from a fitted
/// model's JSON), the fit record: log-likelihood, convergence, covariance.
#[pyclass(frozen, module = "ltv._ltv", name = "Model")]
struct PyModel {
    params: Params,
    saved: Option<SavedModel>,
    period: Option<ClvPeriod>,
}

impl PyModel {
    fn from_saved(saved: SavedModel, period: Option<ClvPeriod>) -> Res<Self> {
        Ok(Self {
            params: Params::from_saved(&saved)?,
            saved: Some(saved),
            period,
        })
    }

    fn fit_record(&self) -> Option<&ltv::fit::Fit> {
        self.saved.as_ref().map(SavedModel::fit)
    }
}

fn slice<'a>(a: &'a PyReadonlyArray1<'_, f64>) -> Res<&'a [f64]> {
    a.as_slice()
        .map_err(|e| PyValueError::new_err(format!("array must be contiguous: {e}")))
}

/// The customers of three columns, checked once (the summary's row rules).
fn batch<'a>(f: &'a [f64], r: &'a [f64], a: &'a [f64]) -> Res<CustomerBatch<'a>> {
    CustomerBatch::new(f, r, a).map_err(to_py)
}

fn out<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, v)
}

fn clv_period(spec: &str) -> Res<ClvPeriod> {
    match spec {
        "H" | "h" | "hour" => Ok(ClvPeriod::Hour),
        "D" | "d" | "day" => Ok(ClvPeriod::Day),
        "W" | "w" | "week" => Ok(ClvPeriod::Week),
        "M" | "month" => Ok(ClvPeriod::Month),
        other => Err(PyValueError::new_err(format!(
            "freq `{other}`: must be one of \"H\", \"D\", \"W\", \"M\" (lifetimes' CLV units)"
        ))),
    }
}

fn clv_settings(freq: &str, months: u32, discount_rate: f64) -> Res<ClvSettings> {
    Ok(ClvSettings::new(
        clv_period(freq)?,
        Months::new(months),
        MonthlyDiscountRate::new(discount_rate).map_err(to_py)?,
    ))
}

#[pymethods]
impl PyModel {
    /// A model from its parameter vector (natural scale, in `parameter_names` order), without
    /// a fit record.
    #[staticmethod]
    fn from_params(kind: &str, params: Vec<f64>) -> Res<Self> {
        Ok(Self {
            params: Params::from_vector(kind, &params)?,
            saved: None,
            period: None,
        })
    }

    /// Reads the crate's saved-model JSON (as `ltv fit --output` writes it).
    #[staticmethod]
    fn from_json(text: &str) -> Res<Self> {
        let file = ModelFile::from_json(text).map_err(to_py)?;
        Self::from_saved(file.model, file.period)
    }

    /// The crate's saved-model JSON, with the period (`"H"`, `"D"`, `"W"`, `"M"`) when given.
    #[pyo3(signature = (period=None))]
    fn to_json(&self, period: Option<&str>) -> Res<String> {
        let saved = self.saved.clone().ok_or_else(|| {
            PyValueError::new_err(
                "only a fitted model can be saved (its JSON carries the fit record)",
            )
        })?;
        let period = match period {
            Some(p) => Some(clv_period(p)?),
            None => self.period,
        };
        ModelFile {
            model: saved,
            period,
        }
        .to_json()
        .map_err(to_py)
    }

    /// Model tag: `bgnbd`, `mbgnbd`, `pareto-nbd`, `bgbb` or `gamma-gamma`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.params.kind()
    }

    /// Period recorded in the model's JSON (`"hour"`, `"day"`, `"week"`, `"month"`), if any.
    #[getter]
    fn period(&self) -> Option<String> {
        self.period.map(|p| match p {
            ClvPeriod::Hour => "H".to_string(),
            ClvPeriod::Day => "D".to_string(),
            ClvPeriod::Week => "W".to_string(),
            ClvPeriod::Month => "M".to_string(),
            // a custom length, as `3600s`
            custom => custom.to_string(),
        })
    }

    /// Parameter names in vector order.
    #[getter]
    fn parameter_names(&self) -> Vec<&'static str> {
        self.params.names().to_vec()
    }

    /// Parameter vector (natural scale).
    #[getter]
    fn params(&self) -> Vec<f64> {
        self.params.vector()
    }

    /// True when the model carries a fit record.
    #[getter]
    fn is_fitted(&self) -> bool {
        self.saved.is_some()
    }

    /// The fit record as a dict (log_likelihood, converged, iterations, gradient_norm,
    /// termination, method, penalizer, n_customers, n_rows, aic, bic, covariance_note), or
    /// None for a model built from parameters.
    fn fit_info<'py>(&self, py: Python<'py>) -> Res<Option<Bound<'py, PyDict>>> {
        let Some(fit) = self.fit_record() else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        let c = fit.convergence();
        d.set_item("log_likelihood", fit.log_likelihood())?;
        d.set_item("converged", c.converged)?;
        d.set_item("iterations", c.iterations)?;
        d.set_item("gradient_norm", c.gradient_norm)?;
        d.set_item("termination", c.termination.clone())?;
        d.set_item("method", c.method.to_string())?;
        d.set_item("penalizer", fit.penalizer())?;
        d.set_item("n_customers", fit.n_customers())?;
        d.set_item("n_rows", fit.n_rows())?;
        d.set_item("aic", fit.aic())?;
        d.set_item("bic", fit.bic())?;
        d.set_item(
            "covariance_note",
            fit.covariance().err().map(|e| e.to_string()),
        )?;
        Ok(Some(d))
    }

    /// Covariance of the estimates (inverse observed information, natural parameters), or
    /// None without a fit record or when the information was singular.
    fn covariance<'py>(&self, py: Python<'py>) -> Res<Option<Bound<'py, PyArray2<f64>>>> {
        let Some(fit) = self.fit_record() else {
            return Ok(None);
        };
        let Ok(cov) = fit.covariance() else {
            return Ok(None);
        };
        let rows: Vec<Vec<f64>> = (0..cov.nrows())
            .map(|i| (0..cov.ncols()).map(|j| cov[(i, j)]).collect())
            .collect();
        Ok(Some(
            PyArray2::from_vec2(py, &rows).map_err(|e| PyValueError::new_err(e.to_string()))?,
        ))
    }

    /// Conditional expected purchases in `(T, T + t]` per customer (periods).
    fn conditional_expected_purchases<'py>(
        &self,
        py: Python<'py>,
        t: f64,
        frequency: PyReadonlyArray1<'py, f64>,
        recency: PyReadonlyArray1<'py, f64>,
        t_age: PyReadonlyArray1<'py, f64>,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let m = self.params.transaction()?;
        let c = batch(slice(&frequency)?, slice(&recency)?, slice(&t_age)?)?;
        let v = py
            .detach(|| m.conditional_expected_purchases(t, &c))
            .map_err(to_py)?;
        Ok(out(py, v))
    }

    /// P(alive) at the end of observation per customer.
    fn probability_alive<'py>(
        &self,
        py: Python<'py>,
        frequency: PyReadonlyArray1<'py, f64>,
        recency: PyReadonlyArray1<'py, f64>,
        t_age: PyReadonlyArray1<'py, f64>,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let m = self.params.transaction()?;
        let c = batch(slice(&frequency)?, slice(&recency)?, slice(&t_age)?)?;
        let v = py.detach(|| m.probability_alive(&c)).map_err(to_py)?;
        Ok(out(py, v))
    }

    /// P(alive) `t` periods after the end of observation (Pareto/NBD) or in `t` more
    /// opportunities (BG/BB, lifetimes' `m_periods_in_future`).
    fn probability_alive_at<'py>(
        &self,
        py: Python<'py>,
        t: f64,
        frequency: PyReadonlyArray1<'py, f64>,
        recency: PyReadonlyArray1<'py, f64>,
        t_age: PyReadonlyArray1<'py, f64>,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let (f, r, a) = (slice(&frequency)?, slice(&recency)?, slice(&t_age)?);
        let v = match &self.params {
            Params::ParetoNbd(m) => {
                let c = batch(f, r, a)?;
                py.detach(|| m.probability_alive_at(t, &c))
            }
            Params::BgBb(m) => py.detach(|| m.probability_alive_many(t, f, r, a)),
            other => {
                return Err(PyValueError::new_err(format!(
                    "{}: P(alive) at a future time is defined for pareto-nbd and bgbb",
                    other.kind()
                )))
            }
        }
        .map_err(to_py)?;
        Ok(out(py, v))
    }

    /// Expected repeat purchases of a new customer in `(0, t]`, for each `t` (periods).
    fn expected_purchases<'py>(
        &self,
        py: Python<'py>,
        t: PyReadonlyArray1<'py, f64>,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let m = self.params.transaction()?;
        let v = slice(&t)?
            .iter()
            .map(|&t| m.expected_purchases(t))
            .collect::<ltv::Result<Vec<f64>>>()
            .map_err(to_py)?;
        Ok(out(py, v))
    }

    /// P(exactly `n` purchases in `(0, t]`) of a new customer (BG/NBD, MBG/NBD), or of `n`
    /// transactions in the first `t` opportunities (BG/BB).
    fn probability_of_purchases(&self, t: f64, n: f64) -> Res<f64> {
        match &self.params {
            Params::BgNbd(m) => m.probability_of_purchases(t, n),
            Params::MbgNbd(m) => m.probability_of_purchases(t, n),
            Params::BgBb(m) => m.probability_of_transactions(n, t),
            other => {
                return Err(PyValueError::new_err(format!(
                    "{}: use conditional_probability_of_n_purchases",
                    other.kind()
                )))
            }
        }
        .map_err(to_py)
    }

    /// P(exactly `n` purchases in `(T, T + t]`) per customer (Pareto/NBD).
    fn conditional_probability_of_n_purchases<'py>(
        &self,
        py: Python<'py>,
        n: u64,
        t: f64,
        frequency: PyReadonlyArray1<'py, f64>,
        recency: PyReadonlyArray1<'py, f64>,
        t_age: PyReadonlyArray1<'py, f64>,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let Params::ParetoNbd(m) = &self.params else {
            return Err(PyValueError::new_err(
                "conditional_probability_of_n_purchases is defined for pareto-nbd",
            ));
        };
        let c = batch(slice(&frequency)?, slice(&recency)?, slice(&t_age)?)?;
        let v = py
            .detach(|| m.conditional_probability_of_n_purchases(n, t, &c))
            .map_err(to_py)?;
        Ok(out(py, v))
    }

    /// Conditional expected purchases in `(T, T + t]` over the grid recency
    /// `0..=max_recency` × frequency `0..=max_frequency` at age `T = max_recency`, entry
    /// `[recency, frequency]` (lifetimes' `plot_frequency_recency_matrix`). Grid points with
    /// frequency 0 and recency > 0 are impossible histories; they are evaluated by the formula,
    /// unchecked, as lifetimes does.
    fn conditional_expected_purchases_matrix<'py>(
        &self,
        py: Python<'py>,
        t: f64,
        max_frequency: u32,
        max_recency: u32,
    ) -> Res<Bound<'py, PyArray2<f64>>> {
        let m = self.params.transaction()?;
        if !(t.is_finite() && t >= 0.0) {
            return Err(to_py(ltv::Error::invalid_parameter(
                "t",
                t,
                "must be finite and >= 0",
            )));
        }
        let cells = (u64::from(max_recency) + 1) * (u64::from(max_frequency) + 1);
        if cells > 100_000_000 {
            return Err(to_py(ltv::Error::invalid_parameter(
                "max_frequency",
                f64::from(max_frequency),
                "grid larger than 1e8 cells",
            )));
        }
        let age = f64::from(max_recency);
        let rows = py
            .detach(|| -> ltv::Result<Vec<Vec<f64>>> {
                (0..=max_recency)
                    .map(|i| {
                        (0..=max_frequency)
                            .map(|j| {
                                m.conditional_expected_purchases_one(
                                    t,
                                    f64::from(j),
                                    f64::from(i),
                                    age,
                                )
                            })
                            .collect()
                    })
                    .collect()
            })
            .map_err(to_py)?;
        PyArray2::from_vec2(py, &rows).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// P(alive) over the grid recency `0..=max_recency` × frequency `0..=max_frequency`, at
    /// age `max_recency` (lifetimes' `conditional_probability_alive_matrix`).
    fn probability_alive_matrix<'py>(
        &self,
        py: Python<'py>,
        max_frequency: u32,
        max_recency: u32,
    ) -> Res<Bound<'py, PyArray2<f64>>> {
        let m = self.params.transaction()?;
        let grid = py
            .detach(|| ltv::models::probability_alive_matrix(m, max_frequency, max_recency))
            .map_err(to_py)?;
        let rows: Vec<Vec<f64>> = grid.rows().into_iter().map(|r| r.to_vec()).collect();
        PyArray2::from_vec2(py, &rows).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Expected cumulative repeat transactions of the cohorts starting in the given periods,
    /// for `tau = 1..=horizon` (lifetimes' `expected_cumulative_transactions`, "predicted").
    fn expected_cumulative_transactions<'py>(
        &self,
        py: Python<'py>,
        first_purchase_periods: PyReadonlyArray1<'py, f64>,
        horizon: u32,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let m = self.params.transaction()?;
        let s = slice(&first_purchase_periods)?;
        let v = ltv::models::expected_cumulative_transactions(m, s, horizon).map_err(to_py)?;
        Ok(out(py, v))
    }

    /// Gamma-Gamma: the conditional expected average value per purchase of each customer.
    fn conditional_expected_average_values<'py>(
        &self,
        py: Python<'py>,
        frequency: PyReadonlyArray1<'py, f64>,
        monetary_value: PyReadonlyArray1<'py, f64>,
    ) -> Res<Bound<'py, PyArray1<f64>>> {
        let m = self.params.spend()?;
        let v = m
            .conditional_expected_average_values(slice(&frequency)?, slice(&monetary_value)?)
            .map_err(to_py)?;
        Ok(out(py, v))
    }

    /// Gamma-Gamma: the population mean spend per purchase.
    fn population_mean_spend(&self) -> Res<f64> {
        self.params.spend()?.population_mean_spend().map_err(to_py)
    }

    /// Log-likelihood of weighted summary rows at this model's parameters (transaction
    /// models: frequency, recency, T; Gamma-Gamma: frequency, monetary value in `recency`).
    #[pyo3(signature = (frequency, recency, t_age=None, weights=None))]
    fn log_likelihood<'py>(
        &self,
        frequency: PyReadonlyArray1<'py, f64>,
        recency: PyReadonlyArray1<'py, f64>,
        t_age: Option<PyReadonlyArray1<'py, f64>>,
        weights: Option<PyReadonlyArray1<'py, f64>>,
    ) -> Res<f64> {
        let f = slice(&frequency)?;
        let r = slice(&recency)?;
        let w: Vec<f64> = match &weights {
            Some(w) => slice(w)?.to_vec(),
            None => vec![1.0; f.len()],
        };
        if let Params::GammaGamma(m) = &self.params {
            let data = SpendData::new(f, r, Some(&w)).map_err(to_py)?;
            return m.log_likelihood(&data).map_err(to_py);
        }
        let t_age = t_age.ok_or_else(|| PyValueError::new_err("T is required"))?;
        let data =
            CompressedSummary::from_weighted_rows(f, r, slice(&t_age)?, &w).map_err(to_py)?;
        match &self.params {
            Params::BgNbd(m) => m.log_likelihood(&data),
            Params::MbgNbd(m) => m.log_likelihood(&data),
            Params::ParetoNbd(m) => m.log_likelihood(&data),
            Params::BgBb(m) => m.log_likelihood(&data),
            Params::GammaGamma(_) => unreachable!("handled above"),
        }
        .map_err(to_py)
    }

    /// Simulated summary rows `(frequency, recency, T)` of customers with the given ages
    /// (BG/NBD, MBG/NBD, Pareto/NBD; BG/BB: ages are numbers of opportunities), seeded.
    fn simulate<'py>(
        &self,
        py: Python<'py>,
        t_age: PyReadonlyArray1<'py, f64>,
        seed: u64,
    ) -> Res<(Arr<'py>, Arr<'py>, Arr<'py>)> {
        let ages = slice(&t_age)?;
        let (f, r, t) = match &self.params {
            Params::BgNbd(m) => {
                let s = m.simulate(ages, seed).map_err(to_py)?;
                (s.frequency(), s.recency(), s.t().to_vec())
            }
            Params::MbgNbd(m) => {
                let s = m.simulate(ages, seed).map_err(to_py)?;
                (s.frequency(), s.recency(), s.t().to_vec())
            }
            Params::ParetoNbd(m) => {
                let s = m.simulate_summary(ages, seed).map_err(to_py)?;
                (s.frequency().to_vec(), s.recency().to_vec(), s.t().to_vec())
            }
            Params::BgBb(m) => {
                let c = m.simulate(ages, seed).map_err(to_py)?;
                // expand the compressed rows back to one per simulated customer
                let (mut f, mut r, mut t) = (Vec::new(), Vec::new(), Vec::new());
                for i in 0..c.len() {
                    for _ in 0..(c.weight()[i].round() as usize) {
                        f.push(c.frequency()[i]);
                        r.push(c.recency()[i]);
                        t.push(c.t()[i]);
                    }
                }
                (f, r, t)
            }
            Params::GammaGamma(_) => {
                return Err(PyValueError::new_err(
                    "gamma-gamma is a spend model: nothing to simulate",
                ))
            }
        };
        Ok((out(py, f), out(py, r), out(py, t)))
    }
}

fn fit_options(
    penalizer: f64,
    tolerance: f64,
    max_iterations: u64,
    start: Option<Vec<f64>>,
    require_convergence: bool,
) -> FitOptions {
    {
        let mut o = FitOptions::default();
        o.penalizer = penalizer;
        o.tolerance = tolerance;
        o.max_iterations = max_iterations;
        o.start = start;
        o.require_convergence = require_convergence;
        o
    }
}

/// Fits a transaction model (`bgnbd`, `mbgnbd`, `pareto-nbd`, `bgbb`) by maximum likelihood
/// on weighted summary rows (BG/BB: `t_age` is the number of opportunities).
#[pyfunction]
#[pyo3(signature = (kind, frequency, recency, t_age, weights=None, penalizer=0.0,
                    tolerance=1e-8, max_iterations=1000, start=None, require_convergence=true))]
#[allow(clippy::too_many_arguments)]
fn fit_transaction_model<'py>(
    py: Python<'py>,
    kind: &str,
    frequency: PyReadonlyArray1<'py, f64>,
    recency: PyReadonlyArray1<'py, f64>,
    t_age: PyReadonlyArray1<'py, f64>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    penalizer: f64,
    tolerance: f64,
    max_iterations: u64,
    start: Option<Vec<f64>>,
    require_convergence: bool,
) -> Res<PyModel> {
    let (f, r, a) = (slice(&frequency)?, slice(&recency)?, slice(&t_age)?);
    let w: Vec<f64> = match &weights {
        Some(w) => slice(w)?.to_vec(),
        None => vec![1.0; f.len()],
    };
    let opts = fit_options(
        penalizer,
        tolerance,
        max_iterations,
        start,
        require_convergence,
    );
    let saved: SavedModel = py
        .detach(|| -> ltv::Result<SavedModel> {
            let data = CompressedSummary::from_weighted_rows(f, r, a, &w)?;
            Ok(match kind {
                "bgnbd" => BgNbd::fit(&data, &opts)?.into(),
                "mbgnbd" => MbgNbd::fit(&data, &opts)?.into(),
                "pareto-nbd" => ParetoNbd::fit(&data, &opts)?.into(),
                "bgbb" => BgBb::fit(&data, &opts)?.into(),
                other => {
                    return Err(ltv::Error::invalid_parameter(
                        "model",
                        other,
                        "must be bgnbd, mbgnbd, pareto-nbd or bgbb",
                    ))
                }
            })
        })
        .map_err(to_py)?;
    PyModel::from_saved(saved, None)
}

/// Fits the Gamma-Gamma spend model on repeat customers (frequency > 0, mean repeat spend
/// > 0), optionally weighted.
#[pyfunction]
#[pyo3(signature = (frequency, monetary_value, weights=None, penalizer=0.0, tolerance=1e-8,
                    max_iterations=1000, start=None, require_convergence=true))]
#[allow(clippy::too_many_arguments)]
fn fit_gamma_gamma<'py>(
    py: Python<'py>,
    frequency: PyReadonlyArray1<'py, f64>,
    monetary_value: PyReadonlyArray1<'py, f64>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    penalizer: f64,
    tolerance: f64,
    max_iterations: u64,
    start: Option<Vec<f64>>,
    require_convergence: bool,
) -> Res<PyModel> {
    let (f, m) = (slice(&frequency)?, slice(&monetary_value)?);
    let w = match &weights {
        Some(w) => Some(slice(w)?),
        None => None,
    };
    let opts = fit_options(
        penalizer,
        tolerance,
        max_iterations,
        start,
        require_convergence,
    );
    let fitted = py
        .detach(|| -> ltv::Result<Fitted<GammaGamma>> {
            let data = SpendData::new(f, m, w)?;
            GammaGamma::fit(&data, &opts)
        })
        .map_err(to_py)?;
    PyModel::from_saved(fitted.into(), None)
}

/// lifetimes' CLV: `Σ_k value · [E(k f) − E((k−1) f)] / (1 + d)^k` over `months` monthly steps
/// of `f` periods (`freq`), with `value` the expected value per purchase of each customer.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn customer_lifetime_value<'py>(
    py: Python<'py>,
    model: &PyModel,
    frequency: PyReadonlyArray1<'py, f64>,
    recency: PyReadonlyArray1<'py, f64>,
    t_age: PyReadonlyArray1<'py, f64>,
    value: PyReadonlyArray1<'py, f64>,
    months: u32,
    discount_rate: f64,
    freq: &str,
) -> Res<Bound<'py, PyArray1<f64>>> {
    let m = model.params.transaction()?;
    let settings = clv_settings(freq, months, discount_rate)?;
    let c = batch(slice(&frequency)?, slice(&recency)?, slice(&t_age)?)?;
    let v = slice(&value)?;
    let clv = py
        .detach(|| ltv::value::customer_lifetime_value(m, &settings, &c, v))
        .map_err(to_py)?;
    Ok(out(py, clv))
}

/// CLV with Gamma-Gamma values and delta-method intervals from both fits' covariances:
/// returns a dict of `clv`, `std_error`, `lower`, `upper`. Needs fitted BG/NBD, MBG/NBD or
/// Pareto/NBD and a fitted Gamma-Gamma. `spend_frequency` (default `frequency`) is the
/// frequency the spend model sees (0 for customers valued at the population mean spend).
#[pyfunction]
#[pyo3(signature = (model, spend, frequency, recency, t_age, monetary_value, months,
                    discount_rate, freq, level, spend_frequency=None))]
#[allow(clippy::too_many_arguments)]
fn customer_lifetime_value_with_intervals<'py>(
    py: Python<'py>,
    model: &PyModel,
    spend: &PyModel,
    frequency: PyReadonlyArray1<'py, f64>,
    recency: PyReadonlyArray1<'py, f64>,
    t_age: PyReadonlyArray1<'py, f64>,
    monetary_value: PyReadonlyArray1<'py, f64>,
    months: u32,
    discount_rate: f64,
    freq: &str,
    level: f64,
    spend_frequency: Option<PyReadonlyArray1<'py, f64>>,
) -> Res<Bound<'py, PyDict>> {
    let not_fitted = || PyValueError::new_err("CLV intervals need fitted models (a covariance)");
    let tm = model.saved.as_ref().ok_or_else(not_fitted)?;
    let grad = tm.as_fitted_gradient().map_err(to_py)?;
    let gg = spend
        .saved
        .as_ref()
        .ok_or_else(not_fitted)?
        .as_spend_model()
        .map_err(to_py)?;
    let settings = clv_settings(freq, months, discount_rate)?;
    let (f, mv) = (slice(&frequency)?, slice(&monetary_value)?);
    let c = batch(f, slice(&recency)?, slice(&t_age)?)?;
    let sf = match &spend_frequency {
        Some(a) => slice(a)?,
        None => f,
    };
    let res = py
        .detach(|| -> ltv::Result<_> {
            let (values, var) = gg.conditional_expected_average_values_with_variance(sf, mv)?;
            ltv::value::customer_lifetime_value_with_intervals(
                grad,
                &settings,
                &c,
                &values,
                Some(&var),
                level,
            )
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("clv", out(py, res.clv))?;
    d.set_item("std_error", out(py, res.std_error))?;
    d.set_item("lower", out(py, res.lower))?;
    d.set_item("upper", out(py, res.upper))?;
    Ok(d)
}

fn data_period(spec: &str) -> Res<DataPeriod> {
    DataPeriod::from_spec(spec).map_err(to_py)
}

/// A transaction log from customer codes (`0..n_customers`, e.g. `pandas.factorize`), times in
/// seconds since 1970 (naive wall clock) and optional amounts. Ids in the log are the codes
/// written in decimal.
fn log_from_codes(
    codes: &[i64],
    n_customers: usize,
    seconds: &[i64],
    amounts: Option<&[f64]>,
) -> ltv::Result<TransactionLog> {
    let names: Vec<String> = (0..n_customers).map(|i| i.to_string()).collect();
    let mut customer = Vec::with_capacity(codes.len());
    for (i, &c) in codes.iter().enumerate() {
        match u32::try_from(c) {
            Ok(c) => customer.push(c),
            Err(_) => {
                return Err(ltv::Error::invalid_field(
                    i as u64 + 1,
                    "customer_id",
                    "",
                    "customer id must not be missing",
                ))
            }
        }
    }
    let mut times = Vec::with_capacity(seconds.len());
    for (i, &s) in seconds.iter().enumerate() {
        times.push(Timestamp::from_seconds(s).ok_or_else(|| {
            ltv::Error::invalid_field(
                i as u64 + 1,
                "datetime",
                if s == i64::MIN {
                    "NaT".to_string()
                } else {
                    s.to_string()
                },
                "must be a date in years 1..=9999 (missing dates are not allowed)",
            )
        })?);
    }
    TransactionLog::from_indexed_columns(names, customer, times, amounts.map(<[f64]>::to_vec))
}

fn codes_of(log: &TransactionLog) -> Vec<i64> {
    log.customer_ids()
        .iter()
        .map(|s| s.parse::<i64>().unwrap_or(-1))
        .collect()
}

fn end_timestamp(seconds: Option<i64>) -> ltv::Result<Option<Timestamp>> {
    seconds
        .map(|s| {
            Timestamp::from_seconds(s).ok_or_else(|| ltv::Error::InvalidDate {
                value: s.to_string(),
                rule: "observation end outside years 1..=9999".into(),
            })
        })
        .transpose()
}

/// RFM summary of a transaction log with lifetimes' `summary_data_from_transaction_data`
/// semantics. Returns a dict of arrays: `code` (customer code of each row), `frequency`,
/// `recency`, `T`, `monetary_value` (None without amounts) and counts. With
/// `observation_end_exclusive`, `observation_end` is a cut (`SummaryOptions::observation_end_exclusive`).
#[pyfunction]
#[pyo3(signature = (codes, n_customers, seconds, amounts, period, observation_end=None,
                    include_first_transaction=false, exact_times=false, birth_codes=None,
                    birth_seconds=None, observation_end_exclusive=false))]
#[allow(clippy::too_many_arguments)]
fn summarise<'py>(
    py: Python<'py>,
    codes: PyReadonlyArray1<'py, i64>,
    n_customers: usize,
    seconds: PyReadonlyArray1<'py, i64>,
    amounts: Option<PyReadonlyArray1<'py, f64>>,
    period: &str,
    observation_end: Option<i64>,
    include_first_transaction: bool,
    exact_times: bool,
    birth_codes: Option<PyReadonlyArray1<'py, i64>>,
    birth_seconds: Option<PyReadonlyArray1<'py, i64>>,
    observation_end_exclusive: bool,
) -> Res<Bound<'py, PyDict>> {
    // births: customer codes (in the log's code space, or codes >= n_customers for customers
    // without a transaction) and birth times in seconds, both or neither
    let births_in: Option<(Vec<i64>, Vec<i64>)> = match (&birth_codes, &birth_seconds) {
        (None, None) => None,
        (Some(c), Some(s)) => Some((c.as_array().to_vec(), s.as_array().to_vec())),
        _ => {
            return Err(PyValueError::new_err(
                "birth_codes and birth_seconds go together",
            ))
        }
    };
    let period = data_period(period)?;
    let codes = codes
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let seconds = seconds
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let amounts = match &amounts {
        Some(a) => Some(slice(a)?),
        None => None,
    };
    let res = py
        .detach(|| -> ltv::Result<_> {
            let log = log_from_codes(codes, n_customers, seconds, amounts)?;
            let mut opts = SummaryOptions::new(period)
                .include_first_transaction(include_first_transaction)
                .exact_times(exact_times);
            if let Some(end) = end_timestamp(observation_end)? {
                opts = if observation_end_exclusive {
                    opts.observation_end_exclusive(end)
                } else {
                    opts.observation_end(end)
                };
            }
            let out = match &births_in {
                None => opts.summarise(&log)?,
                Some((bc, bs)) => {
                    let ids: Vec<String> = bc.iter().map(i64::to_string).collect();
                    let mut times = Vec::with_capacity(bs.len());
                    for (i, &s) in bs.iter().enumerate() {
                        times.push(Timestamp::from_seconds(s).ok_or_else(|| {
                            ltv::Error::invalid_field(
                                i as u64 + 1,
                                "birth",
                                s.to_string(),
                                "must be a date in years 1..=9999",
                            )
                        })?);
                    }
                    let births = ltv::summary::Births::from_columns(&ids, &times)?;
                    opts.summarise_with_births(&log, &births)?
                }
            };
            let s = out.summary;
            Ok((
                s.customer_ids()
                    .iter()
                    .map(|id| id.parse::<i64>().unwrap_or(-1))
                    .collect::<Vec<i64>>(),
                s.frequency().to_vec(),
                s.recency().to_vec(),
                s.t().to_vec(),
                s.monetary_value().map(<[f64]>::to_vec),
                out.stats.excluded_after_end,
            ))
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("code", PyArray1::from_vec(py, res.0))?;
    d.set_item("frequency", out(py, res.1))?;
    d.set_item("recency", out(py, res.2))?;
    d.set_item("T", out(py, res.3))?;
    d.set_item("monetary_value", res.4.map(|v| out(py, v)))?;
    d.set_item("excluded_after_end", res.5)?;
    Ok(d)
}

/// Calibration summary and holdout counts (lifetimes' `calibration_and_holdout_data`): dict
/// of arrays `code`, `frequency_cal`, `recency_cal`, `T_cal`, `monetary_value_cal`,
/// `frequency_holdout`, `monetary_value_holdout`, `duration_holdout`.
#[pyfunction]
#[pyo3(signature = (codes, n_customers, seconds, amounts, period, calibration_end,
                    observation_end=None, include_first_transaction=false))]
#[allow(clippy::too_many_arguments)]
fn calibration_holdout<'py>(
    py: Python<'py>,
    codes: PyReadonlyArray1<'py, i64>,
    n_customers: usize,
    seconds: PyReadonlyArray1<'py, i64>,
    amounts: Option<PyReadonlyArray1<'py, f64>>,
    period: &str,
    calibration_end: i64,
    observation_end: Option<i64>,
    include_first_transaction: bool,
) -> Res<Bound<'py, PyDict>> {
    let period = data_period(period)?;
    let codes = codes
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let seconds = seconds
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let amounts = match &amounts {
        Some(a) => Some(slice(a)?),
        None => None,
    };
    let split = py
        .detach(|| -> ltv::Result<_> {
            let log = log_from_codes(codes, n_customers, seconds, amounts)?;
            let mut opts =
                SummaryOptions::new(period).include_first_transaction(include_first_transaction);
            if let Some(end) = end_timestamp(observation_end)? {
                opts = opts.observation_end(end);
            }
            let cal_end = end_timestamp(Some(calibration_end))?.expect("given");
            opts.calibration_holdout(&log, cal_end)
        })
        .map_err(to_py)?;
    let c = split.calibration();
    let d = PyDict::new(py);
    let code: Vec<i64> = c
        .customer_ids()
        .iter()
        .map(|id| id.parse::<i64>().unwrap_or(-1))
        .collect();
    d.set_item("code", PyArray1::from_vec(py, code))?;
    d.set_item("frequency_cal", out(py, c.frequency().to_vec()))?;
    d.set_item("recency_cal", out(py, c.recency().to_vec()))?;
    d.set_item("T_cal", out(py, c.t().to_vec()))?;
    d.set_item(
        "monetary_value_cal",
        c.monetary_value().map(|v| out(py, v.to_vec())),
    )?;
    d.set_item(
        "frequency_holdout",
        out(py, split.frequency_holdout().to_vec()),
    )?;
    d.set_item(
        "monetary_value_holdout",
        split.monetary_value_holdout().map(|v| out(py, v.to_vec())),
    )?;
    d.set_item(
        "duration_holdout",
        out(py, split.duration_holdout().to_vec()),
    )?;
    Ok(d)
}

/// Tracking inputs of a log: each customer's first-purchase period (from the period of the
/// log's first transaction) and the actual cumulative repeat transactions for
/// `tau = 1..=horizon`. Returns `(first_purchase_periods, actual)`.
#[pyfunction]
fn tracking<'py>(
    py: Python<'py>,
    codes: PyReadonlyArray1<'py, i64>,
    n_customers: usize,
    seconds: PyReadonlyArray1<'py, i64>,
    period: &str,
    horizon: u32,
) -> Res<(Arr<'py>, Arr<'py>)> {
    let period = data_period(period)?;
    let codes = codes
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let seconds = seconds
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let (first, actual) = py
        .detach(|| -> ltv::Result<_> {
            let log = log_from_codes(codes, n_customers, seconds, None)?;
            let first = ltv::models::first_purchase_periods(&log, period);
            let actual = ltv::models::actual_cumulative_transactions(&log, period, horizon)?;
            Ok((first, actual))
        })
        .map_err(to_py)?;
    Ok((
        out(py, first),
        out(py, actual.into_iter().map(|v| v as f64).collect()),
    ))
}

/// The customers' codes in the order the crate lists them (order of first appearance).
#[pyfunction]
fn log_customer_codes<'py>(
    py: Python<'py>,
    codes: PyReadonlyArray1<'py, i64>,
    n_customers: usize,
    seconds: PyReadonlyArray1<'py, i64>,
) -> Res<Bound<'py, PyArray1<i64>>> {
    let codes = codes
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let seconds = seconds
        .as_slice()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let log = log_from_codes(codes, n_customers, seconds, None).map_err(to_py)?;
    Ok(PyArray1::from_vec(py, codes_of(&log)))
}

/// The data sets compiled into the crate, as their original text: `cdnow_master`
/// (whitespace-separated), `cdnow_summary`, `cdnow_summary_with_transactions`, `donations`
/// (CSV).
#[pyfunction]
fn dataset_text(name: &str) -> Res<&'static str> {
    match name {
        "cdnow_master" => Ok(ltv::datasets::cdnow_master_text()),
        "cdnow_summary" => Ok(include_str!("../../datasets/cdnow_customers_summary.csv")),
        "cdnow_summary_with_transactions" => Ok(include_str!(
            "../../datasets/cdnow_customers_summary_with_transactions.csv"
        )),
        "donations" => Ok(include_str!("../../datasets/donations.csv")),
        other => Err(PyValueError::new_err(format!(
            "unknown data set `{other}` (cdnow_master, cdnow_summary, \
             cdnow_summary_with_transactions, donations)"
        ))),
    }
}

/// Density on `x` and the `q` quantile of the mixing distribution of a heterogeneity plot:
/// `gamma` (shape `a`, rate `b`) or `beta` (`a`, `b`). Returns `(pdf, quantile)`.
#[pyfunction]
fn mixing_distribution<'py>(
    py: Python<'py>,
    kind: &str,
    a: f64,
    b: f64,
    x: PyReadonlyArray1<'py, f64>,
    q: f64,
) -> Res<(Arr<'py>, f64)> {
    use statrs::distribution::{Beta, Continuous, ContinuousCDF, Gamma};
    let x = slice(&x)?;
    let bad = |e: &dyn std::fmt::Display| PyValueError::new_err(format!("{kind}({a}, {b}): {e}"));
    let (pdf, quantile) = match kind {
        "gamma" => {
            let d = Gamma::new(a, b).map_err(|e| bad(&e))?;
            (x.iter().map(|&v| d.pdf(v)).collect(), d.inverse_cdf(q))
        }
        "beta" => {
            let d = Beta::new(a, b).map_err(|e| bad(&e))?;
            (x.iter().map(|&v| d.pdf(v)).collect(), d.inverse_cdf(q))
        }
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown distribution `{other}` (gamma or beta)"
            )))
        }
    };
    Ok((out(py, pdf), quantile))
}

/// Revenue credit per user over a match graph (the `ltv attribute` command): matches and
/// payments as CSV text (`user_a,user_b,time[,weight]` and `user_id,time,amount`, times as
/// `YYYY-MM-DD[ HH:MM:SS]` or RFC 3339, amounts in currency units). Returns
/// `(user_ids, paid, credit)` with money in minor units (`minor_digits` decimals).
#[pyfunction]
#[pyo3(signature = (matches_csv, payments_csv, method="pagerank", lookback_days=None,
                    half_life_days=None, damping=0.85, tolerance=1e-10, minor_digits=2))]
#[allow(clippy::too_many_arguments)]
fn attribute<'py>(
    py: Python<'py>,
    matches_csv: &str,
    payments_csv: &str,
    method: &str,
    lookback_days: Option<f64>,
    half_life_days: Option<f64>,
    damping: f64,
    tolerance: f64,
    minor_digits: u32,
) -> Res<(Vec<String>, Vec<i64>, Vec<i64>)> {
    use ltv::attribution::{Crediting, Logs, Method, RevenueLedger};
    let method = match method {
        "pagerank" => Method::PageRank(RevenueLedger::new().damping(damping).tolerance(tolerance)),
        "shapley-shared" => Method::ShapleyShared,
        "shapley-availability" => Method::ShapleyAvailability,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown method `{other}` (pagerank, shapley-shared, shapley-availability)"
            )))
        }
    };
    py.detach(|| -> ltv::Result<_> {
        let mut logs = Logs::new(minor_digits);
        logs.read_matches_csv(matches_csv.as_bytes())?;
        logs.read_payments_csv(payments_csv.as_bytes())?;
        let mut crediting = Crediting::new();
        if let Some(d) = lookback_days {
            crediting = crediting.lookback_days(d)?;
        }
        if let Some(d) = half_life_days {
            crediting = crediting.half_life_days(d)?;
        }
        let credit = ltv::attribution::attribute(&logs, &crediting, &method)?;
        let names = logs.users().names().map(str::to_owned).collect();
        Ok((names, logs.paid_by_user(), credit))
    })
    .map_err(to_py)
}

/// Report inputs and settings from CSV text with the `ltv report` command's default column
/// names (costs: `date,network,campaign,cost[,...]`; installs:
/// `user_id,install_time,network,campaign`; transactions: `user_id,time,amount`).
#[allow(clippy::too_many_arguments)]
fn report_setup(
    costs_csv: &str,
    installs_csv: &str,
    transactions_csv: &str,
    as_of: &str,
    timezone: &str,
    currency: &str,
    horizon_months: u32,
    discount_rate: f64,
    period: &str,
    group_by: &str,
    model: &str,
) -> ltv::Result<(
    ltv::report::ReportInputs,
    ltv::report::ReportConfig,
    ltv::report::BuyTillYouDieValue,
)> {
    use ltv::report::{
        parse_date_arg, parse_time_zone, read_costs, read_installs, read_transactions,
        BuyTillYouDieValue, CostColumns, InstallColumns, ReportConfig, ReportInputs,
        TransactionColumns,
    };
    let mut config = ReportConfig::new(parse_date_arg(as_of)?);
    config.time_zone = parse_time_zone(timezone)?;
    config.currency = currency.to_string();
    config.horizon.months = horizon_months;
    config.horizon.discount_rate = discount_rate;
    config.horizon.period = period.parse::<ltv::Period>()?;
    config.group_by = group_by.parse()?;
    config.horizon.validate()?;
    let value = BuyTillYouDieValue::new(ltv::models::ModelKind::parse_transaction(model)?);
    let inputs = ReportInputs {
        costs: read_costs(costs_csv.as_bytes(), &CostColumns::default())?,
        installs: read_installs(installs_csv.as_bytes(), &InstallColumns::default())?,
        transactions: read_transactions(
            transactions_csv.as_bytes(),
            &TransactionColumns::default(),
        )?,
        fx: None,
        credit: None,
    };
    Ok((inputs, config, value))
}

/// The daily campaign report (the `ltv report` command), thinly: the three inputs as CSV text
/// (see `report_setup` for the columns). Returns `(rows_csv, report_json)` as
/// `ltv report --format csv` / `--format json` write them.
#[pyfunction]
#[pyo3(signature = (costs_csv, installs_csv, transactions_csv, as_of, timezone="UTC",
                    currency="USD", horizon_months=12, discount_rate=0.01, period="day",
                    group_by="network,campaign", model="bgnbd"))]
#[allow(clippy::too_many_arguments)]
fn campaign_report(
    py: Python<'_>,
    costs_csv: &str,
    installs_csv: &str,
    transactions_csv: &str,
    as_of: &str,
    timezone: &str,
    currency: &str,
    horizon_months: u32,
    discount_rate: f64,
    period: &str,
    group_by: &str,
    model: &str,
) -> Res<(String, String)> {
    py.detach(|| -> ltv::Result<(String, String)> {
        let (inputs, config, value) = report_setup(
            costs_csv,
            installs_csv,
            transactions_csv,
            as_of,
            timezone,
            currency,
            horizon_months,
            discount_rate,
            period,
            group_by,
            model,
        )?;
        let report = ltv::report::CampaignReport::build(&inputs, &config, &value)?;
        let (mut rows, mut json) = (Vec::new(), Vec::new());
        ltv::report::output::write_csv(&report, &mut rows)?;
        ltv::report::output::write_json(&report, &mut json)?;
        Ok((
            String::from_utf8_lossy(&rows).into_owned(),
            String::from_utf8_lossy(&json).into_owned(),
        ))
    })
    .map_err(to_py)
}

/// The report's backtest (`ltv::report::backtest`): the report replayed at each of
/// `as_of_dates` and scored against the revenue that arrived over the horizon, up to
/// `data_end` (YYYY-MM-DD). Returns the backtest as JSON (rows, scores by date, overall).
#[pyfunction]
#[pyo3(signature = (costs_csv, installs_csv, transactions_csv, as_of_dates, data_end,
                    timezone="UTC", currency="USD", horizon_months=12, discount_rate=0.01,
                    period="day", group_by="network,campaign", model="bgnbd"))]
#[allow(clippy::too_many_arguments)]
fn report_backtest(
    py: Python<'_>,
    costs_csv: &str,
    installs_csv: &str,
    transactions_csv: &str,
    as_of_dates: Vec<String>,
    data_end: &str,
    timezone: &str,
    currency: &str,
    horizon_months: u32,
    discount_rate: f64,
    period: &str,
    group_by: &str,
    model: &str,
) -> Res<String> {
    use ltv::report::parse_date_arg;
    py.detach(|| -> ltv::Result<String> {
        let first = as_of_dates.first().map_or(data_end, String::as_str);
        let (inputs, config, value) = report_setup(
            costs_csv,
            installs_csv,
            transactions_csv,
            first,
            timezone,
            currency,
            horizon_months,
            discount_rate,
            period,
            group_by,
            model,
        )?;
        let dates = as_of_dates
            .iter()
            .map(|d| parse_date_arg(d))
            .collect::<ltv::Result<Vec<_>>>()?;
        let bt = ltv::report::backtest::backtest(
            &inputs,
            &config,
            &value,
            &dates,
            parse_date_arg(data_end)?,
        )?;
        serde_json::to_string(&bt).map_err(|source| ltv::Error::Json {
            what: "writing the backtest as JSON".into(),
            source,
        })
    })
    .map_err(to_py)
}

/// The campaign report's per-user value over its horizon (`ltv::report::horizon_value`), for
/// one batch of users: `transaction` and `spend` are fitted models (with covariances),
/// `frequency`/`recency`/`t_age`/`monetary_value` the users' report summary (`period` `day` or
/// `week`). Returns `(expected, gradients, covariance)`: V_i per user, the n × k gradients
/// ∂V_i/∂θ (empty, k = 0, when a model has no covariance) and the k × k block-diagonal
/// covariance of θ = (transaction parameters, p, q, v). Rows are independent, so any batching
/// gives the same numbers as the report's single pass.
#[pyfunction]
#[pyo3(signature = (transaction, spend, frequency, recency, t_age, monetary_value, months,
                    discount_rate, period))]
#[allow(clippy::too_many_arguments)]
fn report_user_values<'py>(
    py: Python<'py>,
    transaction: &PyModel,
    spend: &PyModel,
    frequency: PyReadonlyArray1<'py, f64>,
    recency: PyReadonlyArray1<'py, f64>,
    t_age: PyReadonlyArray1<'py, f64>,
    monetary_value: PyReadonlyArray1<'py, f64>,
    months: u32,
    discount_rate: f64,
    period: &str,
) -> Res<(Arr<'py>, Arr<'py>, Arr<'py>, usize)> {
    use ltv::report::horizon_value::{horizon_values, SpendParams};
    use ltv::report::{Horizon, Uncertainty};
    let (f, r, a, m) = (
        slice(&frequency)?,
        slice(&recency)?,
        slice(&t_age)?,
        slice(&monetary_value)?,
    );
    let tm: &dyn ltv::models::PurchasesGradient = match &transaction.saved {
        Some(saved) => saved.as_purchases_gradient().map_err(to_py)?,
        None => transaction.params.purchases_gradient()?,
    };
    let pqv = spend.params.spend()?.to_parameters();
    let spend_params = SpendParams {
        p: pqv[0],
        q: pqv[1],
        v: pqv[2],
        covariance: spend.fit_record().and_then(|fit| fit.covariance().ok()),
    };
    /// Values, gradients (n × k), covariance (k × k) and k.
    type UserValues = (Vec<f64>, Vec<f64>, Vec<f64>, usize);
    let result = py.detach(|| -> ltv::Result<UserValues> {
        let horizon = Horizon {
            months,
            discount_rate,
            period: period.parse::<ltv::Period>()?,
            interval_level: 0.95,
        };
        horizon.validate()?;
        let n = f.len();
        let summary = ltv::summary::RfmSummary::new(
            (0..n).map(|i| i.to_string()).collect(),
            f.to_vec(),
            r.to_vec(),
            a.to_vec(),
            Some(m.to_vec()),
            None,
        )?;
        let hv = horizon_values(tm, &spend_params, &summary, &horizon)?;
        Ok(match hv.uncertainty {
            Uncertainty::Linearized {
                k,
                gradients,
                covariances,
                ..
            } => (
                hv.expected,
                gradients,
                covariances.into_iter().next().unwrap_or_default(),
                k,
            ),
            _ => (hv.expected, Vec::new(), Vec::new(), 0),
        })
    });
    let (expected, gradients, covariance, k) = result.map_err(to_py)?;
    Ok((
        out(py, expected),
        out(py, gradients),
        out(py, covariance),
        k,
    ))
}

/// The compiled core of the `ltv` Python package.
#[pymodule]
fn _ltv(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyModel>()?;
    m.add_function(wrap_pyfunction!(fit_transaction_model, m)?)?;
    m.add_function(wrap_pyfunction!(fit_gamma_gamma, m)?)?;
    m.add_function(wrap_pyfunction!(customer_lifetime_value, m)?)?;
    m.add_function(wrap_pyfunction!(customer_lifetime_value_with_intervals, m)?)?;
    m.add_function(wrap_pyfunction!(summarise, m)?)?;
    m.add_function(wrap_pyfunction!(calibration_holdout, m)?)?;
    m.add_function(wrap_pyfunction!(tracking, m)?)?;
    m.add_function(wrap_pyfunction!(log_customer_codes, m)?)?;
    m.add_function(wrap_pyfunction!(dataset_text, m)?)?;
    m.add_function(wrap_pyfunction!(mixing_distribution, m)?)?;
    m.add_function(wrap_pyfunction!(attribute, m)?)?;
    m.add_function(wrap_pyfunction!(campaign_report, m)?)?;
    m.add_function(wrap_pyfunction!(report_backtest, m)?)?;
    m.add_function(wrap_pyfunction!(report_user_values, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    Ok(())
}
