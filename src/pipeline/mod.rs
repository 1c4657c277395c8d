//! From a transaction log to each customer's value in one call: RFM summary → transaction
//! model and Gamma-Gamma fits → P(alive), expected purchases, expected spend and CLV with
//! delta-method bounds.
//!
//! [`Pipeline`] is a thin layer over the core, each stage a public call of its own
//! ([`Pipeline::summarise`], [`Pipeline::fit`], [`Pipeline::value`]) so that a caller can time
//! or store them; [`Pipeline::run`] chains the three. Everything is in the summary's period,
//! which the pipeline sets: the months of the CLV horizon are converted with that period's
//! [`Period::periods_per_month`], so a weekly model can never be valued with daily months.
//!
//! ```
//! use ltv::{Period, Pipeline};
//! let log = ltv::datasets::cdnow_master()?; // read from its embedded text
//! let out = Pipeline::new(Period::Week)
//!     .months(12)
//!     .discount(0.01)?
//!     .intervals(0.95)
//!     .exclude_nonpositive_spend(true) // one CDNOW repeat customer bought only free items
//!     .run(&log)?;
//! let v = &out.values;
//! assert_eq!(v.clv.len(), out.summary.len());
//! assert!(v.p_alive.iter().all(|p| (0.0..=1.0).contains(p)));
//! assert!(v.clv_lower.is_some());
//! assert_eq!(out.models.spend.excluded, 1);
//! assert_eq!(out.summary.period(), Some(Period::Week));
//! # Ok::<(), ltv::Error>(())
//! ```

mod values;

pub use values::{ClvColumns, CustomerValues, SpendHistory};

use crate::data::TransactionLog;
use crate::error::{Error, Result};
use crate::fit::FitOptions;
use crate::models::gamma_gamma::{FittedGammaGamma, GammaGamma, SpendData};
use crate::models::{ModelKind, SavedModel};
use crate::summary::{RfmSummary, SummaryOptions, SummaryStats};
use crate::value::{ClvSettings, MonthlyDiscountRate, Months};
use crate::Period;

/// The one-call path from a transaction log to per-customer value (see the
/// [module docs](crate::pipeline)).
///
/// Defaults: BG/NBD, plain maximum likelihood for both models, a 12-month horizon,
/// undiscounted, no intervals; the summary as [`SummaryOptions::new`] makes it (observation end
/// = the last transaction).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Pipeline {
    summary: SummaryOptions,
    model: ModelKind,
    fit_options: FitOptions,
    spend_fit_options: FitOptions,
    months: Months,
    discount: MonthlyDiscountRate,
    level: Option<f64>,
    exclude_nonpositive_spend: bool,
}

/// The fitted models of a pipeline run, with their fit records
/// ([`SavedModel::fit`], [`FittedGammaGamma::fit`]: log-likelihood, convergence, covariance).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FittedModels {
    /// The transaction model, fitted on the compressed summary.
    pub transactions: SavedModel,
    /// The Gamma-Gamma spend model and what its fit left out.
    pub spend: SpendFit,
}

impl FittedModels {
    /// Models fitted elsewhere (e.g. stage by stage with [`Pipeline::fit_transactions`] and
    /// [`Pipeline::fit_spend`]).
    pub fn new(transactions: SavedModel, spend: SpendFit) -> Self {
        Self {
            transactions,
            spend,
        }
    }
}

/// The Gamma-Gamma fit of a pipeline.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SpendFit {
    /// The fitted spend model, with its fit record.
    pub model: FittedGammaGamma,
    /// Repeat customers whose mean spend was not > 0, left out of the fit and valued at the
    /// population mean (only with [`Pipeline::exclude_nonpositive_spend`]).
    pub excluded: usize,
    /// Gamma-Gamma's warning when frequency and mean spend are correlated
    /// ([`SpendData::independence_warning`]).
    pub warning: Option<String>,
    /// Pearson correlation of frequency and mean spend over the customers fitted
    /// ([`SpendData::frequency_spend_correlation`]; `None` when undefined).
    pub frequency_spend_correlation: Option<f64>,
}

/// Everything a [`Pipeline::run`] produced.
#[derive(Debug)]
#[non_exhaustive]
pub struct PipelineOutput {
    /// The RFM summary (its [`RfmSummary::period`] is the pipeline's period); row `i` of
    /// [`PipelineOutput::values`] is its customer `i`.
    pub summary: RfmSummary,
    /// What the summary counted and left out.
    pub stats: SummaryStats,
    /// The fitted models.
    pub models: FittedModels,
    /// Per-customer values.
    pub values: CustomerValues,
}

impl Pipeline {
    /// A pipeline summarising in `period` (see [`Period`]; the models and CLV are in it too).
    pub fn new(period: Period) -> Self {
        Self::with_summary(SummaryOptions::new(period))
    }

    /// A pipeline summarising with `options` (observation end, exact times, ...); the period is
    /// theirs.
    pub fn with_summary(options: SummaryOptions) -> Self {
        Self {
            summary: options,
            model: ModelKind::BgNbd,
            fit_options: FitOptions::default(),
            spend_fit_options: FitOptions::default(),
            months: Months::new(12),
            discount: MonthlyDiscountRate::new(0.0).expect("0 is a valid rate"),
            level: None,
            exclude_nonpositive_spend: false,
        }
    }

    /// The CLV horizon in whole months (default 12; at most [`Months::MAX`], checked by
    /// [`Pipeline::value`]).
    pub fn months(mut self, months: u32) -> Self {
        self.months = Months::new(months);
        self
    }

    /// The monthly discount rate, compounded monthly (default 0; 0.01 = 1% a month).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `0 ≤ rate < 1` ([`MonthlyDiscountRate::new`]).
    pub fn discount(mut self, rate: f64) -> Result<Self> {
        self.discount = MonthlyDiscountRate::new(rate)?;
        Ok(self)
    }

    /// Adds delta-method CLV bounds at `level` (0.95 = 95%) from both models' parameter
    /// covariances ([`crate::value::interval`]); checked to lie in (0, 1) when the values are
    /// computed.
    pub fn intervals(mut self, level: f64) -> Self {
        self.level = Some(level);
        self
    }

    /// The transaction model (default BG/NBD).
    pub fn model(mut self, kind: ModelKind) -> Self {
        self.model = kind;
        self
    }

    /// Options of the transaction model's fit (penalizer, tolerance, budgets).
    pub fn fit_options(mut self, options: FitOptions) -> Self {
        self.fit_options = options;
        self
    }

    /// Options of the Gamma-Gamma fit.
    pub fn spend_fit_options(mut self, options: FitOptions) -> Self {
        self.spend_fit_options = options;
        self
    }

    /// With `true`, repeat customers whose mean spend is not > 0 (refunds, free orders) are
    /// left out of the Gamma-Gamma fit and valued at the population mean spend, as customers
    /// without repeat purchases are; with `false` (the default) such a customer is an error
    /// naming it (the Gamma-Gamma model has no zero spends).
    pub fn exclude_nonpositive_spend(mut self, exclude: bool) -> Self {
        self.exclude_nonpositive_spend = exclude;
        self
    }

    /// The period of the summary, the models and CLV.
    pub fn period(&self) -> Period {
        self.summary.period()
    }

    /// The CLV settings: the summary's period, the horizon and the discount rate.
    pub fn clv_settings(&self) -> ClvSettings {
        ClvSettings {
            period: self.period(),
            horizon: self.months,
            discount: self.discount,
        }
    }

    /// Stage 1: the RFM summary of `log` ([`SummaryOptions::summarise`]); it needs amounts.
    ///
    /// # Errors
    /// As [`SummaryOptions::summarise`]; [`Error::MissingColumn`] when the log has no amounts.
    pub fn summarise(&self, log: &TransactionLog) -> Result<crate::summary::SummaryOutput> {
        if log.amounts().is_none() {
            return Err(Error::MissingColumn {
                column: "amount".into(),
                found: "(the log has no amounts; CLV needs them)".into(),
            });
        }
        self.summary.summarise(log)
    }

    /// Stage 2: the transaction model on the compressed summary and Gamma-Gamma on the repeat
    /// customers' mean spend ([`Pipeline::fit_transactions`], [`Pipeline::fit_spend`]).
    ///
    /// # Errors
    /// As those two.
    pub fn fit(&self, summary: &RfmSummary) -> Result<FittedModels> {
        Ok(FittedModels {
            transactions: self.fit_transactions(summary)?,
            spend: self.fit_spend(summary)?,
        })
    }

    /// The transaction model, fitted on the compressed summary.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the summary records another period than the
    /// pipeline's; the fit's errors (non-convergence included).
    pub fn fit_transactions(&self, summary: &RfmSummary) -> Result<SavedModel> {
        self.check_period(summary)?;
        self.model.fit(&summary.compress(), &self.fit_options)
    }

    /// Gamma-Gamma, fitted on the repeat customers' mean spend.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] without monetary values; [`Error::InvalidField`] (the
    /// summary's line, the value and the customer) for a repeat customer whose mean spend is
    /// not > 0, unless [`Pipeline::exclude_nonpositive_spend`]; the fit's errors.
    pub fn fit_spend(&self, summary: &RfmSummary) -> Result<SpendFit> {
        self.check_period(summary)?;
        let history = SpendHistory::new(summary, self.exclude_nonpositive_spend)?;
        // the repeat customers (weighted when the summary is)
        let (mut xs, mut ms, mut ws) = (vec![], vec![], vec![]);
        for (i, (&x, &m)) in history
            .frequency
            .iter()
            .zip(&history.monetary_value)
            .enumerate()
        {
            if x > 0.0 {
                if !(m > 0.0 && m.is_finite()) {
                    const RULE: &str = "the mean spend of a repeat customer must be finite and \
                         > 0 (the Gamma-Gamma model has no zero or negative spends; see \
                         Pipeline::exclude_nonpositive_spend, --exclude-nonpositive-spend)";
                    let customer = summary.customer_ids()[i].clone();
                    if !summary.has_file_lines() {
                        // made from a log: a summary "line" would point nowhere
                        return Err(Error::InvalidCustomerValue {
                            customer,
                            column: "monetary_value".into(),
                            value: m.to_string(),
                            rule: RULE.into(),
                        });
                    }
                    return Err(Error::invalid_field(
                        summary.line_of(i),
                        "monetary_value",
                        format!("{m} (customer {customer})"),
                        RULE,
                    ));
                }
                xs.push(x);
                ms.push(m);
                ws.push(summary.weight(i));
            }
        }
        let weights = summary.weights().map(|_| ws.as_slice());
        let data = SpendData::new(&xs, &ms, weights)?;
        Ok(SpendFit {
            model: GammaGamma::fit(&data, &self.spend_fit_options)?,
            excluded: history.excluded,
            warning: data.independence_warning(),
            frequency_spend_correlation: data.frequency_spend_correlation(),
        })
    }

    /// Stage 3: each customer's P(alive), expected purchases over the horizon, expected spend
    /// per purchase, CLV, and bounds when asked for ([`CustomerValues::compute`]).
    ///
    /// # Errors
    /// As [`Pipeline::fit`] for the period and spends; [`Error::InvalidParameter`] for a
    /// horizon over [`Months::MAX`] or an interval level outside (0, 1); prediction errors.
    pub fn value(&self, summary: &RfmSummary, models: &FittedModels) -> Result<CustomerValues> {
        self.check_period(summary)?;
        let history = SpendHistory::new(summary, self.exclude_nonpositive_spend)?;
        CustomerValues::compute(
            &models.transactions,
            &models.spend.model,
            &self.clv_settings(),
            summary,
            &history,
            self.level,
        )
    }

    /// Summary, fits and values of `log` in one call.
    ///
    /// # Errors
    /// As [`Pipeline::summarise`], [`Pipeline::fit`] and [`Pipeline::value`].
    pub fn run(&self, log: &TransactionLog) -> Result<PipelineOutput> {
        let out = self.summarise(log)?;
        self.run_summary(out.summary, out.stats)
    }

    /// Fits and values of a summary already made (its period, when it records one, must be
    /// the pipeline's).
    ///
    /// # Errors
    /// As [`Pipeline::fit`] and [`Pipeline::value`].
    pub fn run_summary(&self, summary: RfmSummary, stats: SummaryStats) -> Result<PipelineOutput> {
        let models = self.fit(&summary)?;
        let values = self.value(&summary, &models)?;
        Ok(PipelineOutput {
            summary,
            stats,
            models,
            values,
        })
    }

    fn check_period(&self, summary: &RfmSummary) -> Result<()> {
        match summary.period() {
            Some(p) if p != self.period() => Err(Error::invalid_parameter(
                format!("period {p} of the summary"),
                f64::NAN,
                format!("the pipeline's period is {}", self.period()),
            )),
            _ => Ok(()),
        }
    }
}
