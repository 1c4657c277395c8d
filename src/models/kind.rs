//! The continuous-time transaction models by name, and fitting one on a summary.

use crate::error::{Error, Result};
use crate::fit::FitOptions;
use crate::models::bgnbd::BgNbd;
use crate::models::mbgnbd::MbgNbd;
use crate::models::pareto_nbd::ParetoNbd;
use crate::models::SavedModel;
use crate::summary::CompressedSummary;

/// A continuous-time transaction model the crate can fit and value: what
/// [`Pipeline`](crate::Pipeline) and the campaign report fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionModelKind {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    #[default]
    BgNbd,
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
    MbgNbd,
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd,
}

impl TransactionModelKind {
    /// Parses `bgnbd`, `mbgnbd` or `pareto-nbd`.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "bgnbd" | "bg-nbd" => Ok(Self::BgNbd),
            "mbgnbd" | "mbg-nbd" => Ok(Self::MbgNbd),
            "pareto-nbd" | "paretonbd" | "pareto" => Ok(Self::ParetoNbd),
            other => Err(Error::Report {
                message: format!(
                    "unknown transaction model `{other}` (expected bgnbd, mbgnbd or pareto-nbd)"
                ),
            }),
        }
    }

    /// `bgnbd`, `mbgnbd` or `pareto-nbd`.
    pub fn name(self) -> &'static str {
        match self {
            Self::BgNbd => "bgnbd",
            Self::MbgNbd => "mbgnbd",
            Self::ParetoNbd => "pareto-nbd",
        }
    }
}

impl TransactionModelKind {
    /// Fits the model by maximum likelihood on a compressed summary (times in its period).
    ///
    /// # Errors
    /// As the model's `fit` ([`BgNbd::fit`], [`MbgNbd::fit`], [`ParetoNbd::fit`]).
    pub fn fit(self, data: &CompressedSummary, options: &FitOptions) -> Result<SavedModel> {
        Ok(match self {
            Self::BgNbd => BgNbd::fit(data, options)?.into(),
            Self::MbgNbd => MbgNbd::fit(data, options)?.into(),
            Self::ParetoNbd => ParetoNbd::fit(data, options)?.into(),
        })
    }
}
