//! Fitted models saved as JSON: `ltv fit --output` writes them, `ltv predict` / `ltv clv`
//! read them.
//!
//! A file is one JSON object: `"format_version"`, optionally `"period"` (the time unit of the
//! summary the model was fitted on: `"hour"`, `"day"`, `"week"` or `"month"`), `"model"` (the
//! tag: `"bgnbd"`, `"mbgnbd"`, ...) and the fields of [`Fit`](crate::fit::Fit): `"params"`
//! (name → value), `"log_likelihood"`, `"std_errors"`, `"converged"`, `"iterations"`,
//! `"n_customers"`, `"covariance"`, ...:
//!
//! ```json
//! {"format_version": 1, "period": "week", "model": "bgnbd",
//!  "params": {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258},
//!  "log_likelihood": -9582.4256, "std_errors": {"r": 0.0126, ...}, "converged": true, ...}
//! ```
//!
//! # The period and the format version
//!
//! `"period"` was added to layout version 1 as an **optional** key, so the version stays 1:
//! files written before it still load (their period is unknown, `None`), and a file with a
//! period is read by older builds of this crate as before (they ignore the key). A model's
//! parameters are in its period (`α`, `β` in periods; predictions per period), so CLV, which
//! counts months, needs it: [`ModelFile`] carries the model with its period, and `ltv clv`
//! refuses to guess when a file has none.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ModelFileRule, Result};
use crate::fit::Fit;
use crate::models::bgbb::FittedBgBb;
use crate::models::bgnbd::FittedBgNbd;
use crate::models::gamma_gamma::FittedGammaGamma;
use crate::models::mbgnbd::FittedMbgNbd;
use crate::models::pareto_nbd::FittedParetoNbd;
use crate::models::TransactionModel;
use crate::models::{FittedPurchasesGradient, PurchasesGradient};
use crate::Period;

/// Version of the saved-model layout written by this crate.
pub const FORMAT_VERSION: u32 = 1;

/// Any fitted model of the crate, as saved to and loaded from JSON (internally tagged by
/// `"model"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model")]
#[non_exhaustive]
pub enum SavedModel {
    /// BG/NBD ([`crate::models::bgnbd`]).
    #[serde(rename = "bgnbd")]
    BgNbd(FittedBgNbd),
    /// MBG/NBD ([`crate::models::mbgnbd`]).
    #[serde(rename = "mbgnbd")]
    MbgNbd(FittedMbgNbd),
    /// Pareto/NBD ([`crate::models::pareto_nbd`]).
    #[serde(rename = "pareto-nbd")]
    ParetoNbd(FittedParetoNbd),
    /// BG/BB ([`crate::models::bgbb`]).
    #[serde(rename = "bgbb")]
    BgBb(FittedBgBb),
    /// Gamma-Gamma spend model ([`crate::models::gamma_gamma`]); not a transaction model.
    #[serde(rename = "gamma-gamma")]
    GammaGamma(FittedGammaGamma),
}

impl From<FittedBgNbd> for SavedModel {
    fn from(m: FittedBgNbd) -> Self {
        SavedModel::BgNbd(m)
    }
}

impl From<FittedMbgNbd> for SavedModel {
    fn from(m: FittedMbgNbd) -> Self {
        SavedModel::MbgNbd(m)
    }
}

impl From<FittedParetoNbd> for SavedModel {
    fn from(m: FittedParetoNbd) -> Self {
        SavedModel::ParetoNbd(m)
    }
}

impl From<FittedBgBb> for SavedModel {
    fn from(m: FittedBgBb) -> Self {
        SavedModel::BgBb(m)
    }
}

impl From<FittedGammaGamma> for SavedModel {
    fn from(m: FittedGammaGamma) -> Self {
        SavedModel::GammaGamma(m)
    }
}

impl SavedModel {
    /// The model tag (`"bgnbd"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            SavedModel::BgNbd(_) => "bgnbd",
            SavedModel::MbgNbd(_) => "mbgnbd",
            SavedModel::ParetoNbd(_) => "pareto-nbd",
            SavedModel::BgBb(_) => "bgbb",
            SavedModel::GammaGamma(_) => "gamma-gamma",
        }
    }

    /// The fit record.
    pub fn fit(&self) -> &Fit {
        match self {
            SavedModel::BgNbd(m) => m.fit(),
            SavedModel::MbgNbd(m) => m.fit(),
            SavedModel::ParetoNbd(m) => m.fit(),
            SavedModel::BgBb(m) => m.fit(),
            SavedModel::GammaGamma(m) => m.fit(),
        }
    }

    /// The model as a spend model (for CLV).
    ///
    /// # Errors
    /// [`Error::ModelFormat`] when the saved model is not a spend model.
    pub fn as_spend_model(&self) -> Result<&FittedGammaGamma> {
        match self {
            SavedModel::GammaGamma(m) => Ok(m),
            other => Err(Error::model_format(ModelFileRule::NotSpendModel {
                model: other.name().to_string(),
            })),
        }
    }

    /// The model as a transaction model (for predictions and CLV).
    ///
    /// # Errors
    /// [`Error::ModelFormat`] when the saved model is not a transaction model (e.g. a spend
    /// model).
    pub fn as_transaction_model(&self) -> Result<&dyn TransactionModel> {
        match self {
            SavedModel::BgNbd(m) => Ok(m),
            SavedModel::MbgNbd(m) => Ok(m),
            SavedModel::ParetoNbd(m) => Ok(m),
            SavedModel::BgBb(m) => Ok(m),
            SavedModel::GammaGamma(_) => {
                Err(Error::model_format(ModelFileRule::NotTransactionModel {
                    model: "gamma-gamma".into(),
                }))
            }
        }
    }

    /// The model as a transaction model with analytic parameter derivatives (for CLV
    /// intervals): BG/NBD, MBG/NBD and Pareto/NBD.
    ///
    /// # Errors
    /// [`Error::ModelFormat`] for BG/BB (discrete time: no derivatives for CLV intervals) and
    /// for a spend model.
    pub fn as_purchases_gradient(&self) -> Result<&dyn PurchasesGradient> {
        match self {
            SavedModel::BgNbd(m) => Ok(m),
            SavedModel::MbgNbd(m) => Ok(m),
            SavedModel::ParetoNbd(m) => Ok(m),
            SavedModel::BgBb(_) => Err(Error::model_format(ModelFileRule::NoDerivatives {
                model: "bgbb".into(),
            })),
            SavedModel::GammaGamma(_) => {
                Err(Error::model_format(ModelFileRule::NotTransactionModel {
                    model: "gamma-gamma".into(),
                }))
            }
        }
    }

    /// The model as an estimated transaction model with analytic parameter derivatives: what
    /// CLV intervals take
    /// ([`customer_lifetime_value_with_intervals`](crate::value::customer_lifetime_value_with_intervals)).
    ///
    /// # Errors
    /// As [`SavedModel::as_purchases_gradient`].
    pub fn as_fitted_gradient(&self) -> Result<&dyn FittedPurchasesGradient> {
        match self {
            SavedModel::BgNbd(m) => Ok(m),
            SavedModel::MbgNbd(m) => Ok(m),
            SavedModel::ParetoNbd(m) => Ok(m),
            SavedModel::BgBb(_) => Err(Error::model_format(ModelFileRule::NoDerivatives {
                model: "bgbb".into(),
            })),
            SavedModel::GammaGamma(_) => {
                Err(Error::model_format(ModelFileRule::NotTransactionModel {
                    model: "gamma-gamma".into(),
                }))
            }
        }
    }

    /// Serialises to pretty JSON with `"format_version"` first, then `"model"` (no period;
    /// see [`ModelFile::to_json`] to record one).
    ///
    /// # Errors
    /// [`Error::ModelFormat`] if serialisation fails (it does not for finite values).
    pub fn to_json(&self) -> Result<String> {
        to_json(self, None)
    }

    /// Parses a saved model, checking the format version, the model tag, the parameter names
    /// and domains, and the covariance's shape; a recorded period is checked and dropped
    /// ([`ModelFile::from_json`] keeps it).
    ///
    /// # Errors
    /// [`Error::ModelFormat`] naming what is wrong.
    pub fn from_json(text: &str) -> Result<Self> {
        Ok(ModelFile::from_json(text)?.model)
    }

    /// Writes [`SavedModel::to_json`] to `path`.
    ///
    /// # Errors
    /// [`Error::Io`] on write failure.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_text(path.as_ref(), &self.to_json()?)
    }

    /// Reads a model written by [`SavedModel::save`] or [`ModelFile::save`] (dropping the
    /// period).
    ///
    /// # Errors
    /// [`Error::Io`] on read failure, [`Error::ModelFormat`] for invalid content.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        Ok(ModelFile::load(path)?.model)
    }
}

/// A saved model together with the time unit of the summary it was fitted on.
///
/// The file is a [`SavedModel`]'s JSON with an optional `"period"` key (`"hour"`, `"day"`,
/// `"week"`, `"month"`) after `"format_version"`. The key is optional and the format version
/// stays 1: files written before it (or by [`SavedModel::save`]) load with `period: None`, and
/// older builds read files that have it (ignoring it). A transaction model's parameters and
/// predictions are per period, so CLV, which counts months, needs the period: `ltv clv` uses
/// the recorded one and refuses to guess when there is none.
///
/// ```
/// use ltv::models::{bgnbd::BgNbd, ModelFile};
/// use ltv::Period;
/// let s = ltv::datasets::cdnow_summary()?;
/// let fitted = BgNbd::fit(&s.compress(), &ltv::fit::FitOptions::default())?;
/// let file = ModelFile { model: fitted.into(), period: Some(Period::Week) };
/// let text = file.to_json()?;
/// assert!(text.contains("\"period\": \"week\""));
/// let back = ModelFile::from_json(&text)?;
/// assert_eq!((back.model.name(), back.period), ("bgnbd", Some(Period::Week)));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// The fitted model.
    pub model: SavedModel,
    /// Time unit of the summary the model was fitted on; `None` when not recorded (files
    /// written before the key existed, or by [`SavedModel::save`]).
    pub period: Option<Period>,
}

impl ModelFile {
    /// Serialises to pretty JSON: `"format_version"`, `"period"` (when known), `"model"`, then
    /// the fit's fields.
    ///
    /// # Errors
    /// [`Error::ModelFormat`] if serialisation fails (it does not for finite values).
    pub fn to_json(&self) -> Result<String> {
        to_json(&self.model, self.period)
    }

    /// Parses a saved model file (as [`SavedModel::from_json`]) with its period, if recorded.
    ///
    /// # Errors
    /// [`Error::ModelFormat`] naming what is wrong, including an unknown period.
    pub fn from_json(text: &str) -> Result<Self> {
        let version: VersionOnly = serde_json::from_str(text).map_err(format_error)?;
        match version.format_version {
            Some(v) if v == u64::from(FORMAT_VERSION) => {}
            Some(v) => {
                return Err(Error::model_format(ModelFileRule::UnsupportedVersion {
                    found: v,
                    supported: FORMAT_VERSION,
                }))
            }
            None => return Err(Error::model_format(ModelFileRule::MissingVersion)),
        }
        let envelope: EnvelopeOwned = serde_json::from_str(text).map_err(format_error)?;
        Ok(ModelFile {
            model: envelope.model,
            period: envelope.period,
        })
    }

    /// Writes [`ModelFile::to_json`] to `path`.
    ///
    /// # Errors
    /// [`Error::Io`] on write failure.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_text(path.as_ref(), &self.to_json()?)
    }

    /// Reads a model file written by [`ModelFile::save`] or [`SavedModel::save`].
    ///
    /// # Errors
    /// [`Error::Io`] on read failure, [`Error::ModelFormat`] for invalid content.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text)
    }
}

fn to_json(model: &SavedModel, period: Option<Period>) -> Result<String> {
    serde_json::to_string_pretty(&Envelope {
        format_version: FORMAT_VERSION,
        period,
        model,
    })
    .map_err(format_error)
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The file layout: the version, the period when known, then the tagged model's fields.
#[derive(Serialize)]
struct Envelope<'a> {
    format_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<Period>,
    #[serde(flatten)]
    model: &'a SavedModel,
}

#[derive(Deserialize)]
struct EnvelopeOwned {
    #[allow(dead_code)]
    format_version: u64,
    #[serde(default)]
    period: Option<Period>,
    #[serde(flatten)]
    model: SavedModel,
}

#[derive(Deserialize)]
struct VersionOnly {
    format_version: Option<u64>,
}

fn format_error(e: serde_json::Error) -> Error {
    Error::model_format(ModelFileRule::Json(e))
}
