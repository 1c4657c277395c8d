//! The one name for "which model": [`ModelKind`], parsed with [`FromStr`](std::str::FromStr)
//! in the library (and, with the `cli` feature, a clap `ValueEnum` for the binary's flags).

use crate::error::{Error, NameKind, Result};
use crate::fit::FitOptions;
use crate::models::bgnbd::BgNbd;
use crate::models::mbgnbd::MbgNbd;
use crate::models::pareto_nbd::ParetoNbd;
use crate::models::SavedModel;
use crate::summary::CompressedSummary;

/// The models `ltv` fits, by their names in model files and on the command line.
///
/// Not `#[non_exhaustive]` on purpose: adding a model should fail to compile every `match`
/// that dispatches on the kind (the binary's `fit_model`, the report's fit).
///
/// ```
/// use ltv::models::ModelKind;
/// let k: ModelKind = "pareto-nbd".parse()?;
/// assert_eq!(k, ModelKind::ParetoNbd);
/// assert_eq!(k.to_string(), "pareto-nbd");
/// assert!(k.is_continuous_transaction());
/// assert!("nope".parse::<ModelKind>().is_err());
/// assert!(ModelKind::parse_transaction("gamma-gamma").is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ModelKind {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    #[default]
    #[cfg_attr(feature = "cli", value(name = "bgnbd"))]
    BgNbd,
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007; lifetimes' ModifiedBetaGeoFitter).
    #[cfg_attr(feature = "cli", value(name = "mbgnbd"))]
    MbgNbd,
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987; lifetimes' ParetoNBDFitter).
    #[cfg_attr(feature = "cli", value(name = "pareto-nbd"))]
    ParetoNbd,
    /// BG/BB, discrete time (Fader, Hardie & Shang 2010): frequency, recency and the number
    /// of opportunities.
    #[cfg_attr(feature = "cli", value(name = "bgbb"))]
    BgBb,
    /// Gamma-Gamma spend model (Fader, Hardie & Lee 2005) on the repeat customers'
    /// frequency and mean spend.
    #[cfg_attr(feature = "cli", value(name = "gamma-gamma"))]
    GammaGamma,
}

impl ModelKind {
    /// Every kind, in the order above.
    pub const ALL: [ModelKind; 5] = [
        ModelKind::BgNbd,
        ModelKind::MbgNbd,
        ModelKind::ParetoNbd,
        ModelKind::BgBb,
        ModelKind::GammaGamma,
    ];

    /// The name in model files and flags: `bgnbd`, `mbgnbd`, `pareto-nbd`, `bgbb`,
    /// `gamma-gamma`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::BgNbd => "bgnbd",
            ModelKind::MbgNbd => "mbgnbd",
            ModelKind::ParetoNbd => "pareto-nbd",
            ModelKind::BgBb => "bgbb",
            ModelKind::GammaGamma => "gamma-gamma",
        }
    }

    /// True for the continuous-time purchase-count models CLV is defined for (BG/NBD,
    /// MBG/NBD, Pareto/NBD).
    pub fn is_continuous_transaction(self) -> bool {
        matches!(
            self,
            ModelKind::BgNbd | ModelKind::MbgNbd | ModelKind::ParetoNbd
        )
    }

    /// Parses a continuous-time transaction model (`bgnbd`, `mbgnbd`, `pareto-nbd`).
    ///
    /// # Errors
    /// [`Error::UnknownName`] (kind [`NameKind::TransactionModel`]) for any other name.
    pub fn parse_transaction(s: &str) -> Result<Self> {
        match s.parse::<ModelKind>() {
            Ok(k) if k.is_continuous_transaction() => Ok(k),
            _ => Err(Error::unknown_name(NameKind::TransactionModel, s.trim())),
        }
    }
}

impl ModelKind {
    /// Fits a continuous-time transaction model (BG/NBD, MBG/NBD, Pareto/NBD) by maximum
    /// likelihood on a compressed summary (times in its period): what
    /// [`Pipeline`](crate::Pipeline) and the campaign report fit.
    ///
    /// # Errors
    /// As the model's `fit` ([`BgNbd::fit`], [`MbgNbd::fit`], [`ParetoNbd::fit`]);
    /// [`Error::UnknownName`] (kind [`NameKind::TransactionModel`]) for BG/BB and Gamma-Gamma,
    /// which are not fitted on a compressed frequency/recency/T summary.
    pub fn fit(
        self,
        data: &(impl crate::summary::ToCompressed + ?Sized),
        options: &FitOptions,
    ) -> Result<SavedModel> {
        let data: &CompressedSummary = &data.to_compressed();
        Ok(match self {
            ModelKind::BgNbd => BgNbd::fit(data, options)?.into(),
            ModelKind::MbgNbd => MbgNbd::fit(data, options)?.into(),
            ModelKind::ParetoNbd => ParetoNbd::fit(data, options)?.into(),
            ModelKind::BgBb | ModelKind::GammaGamma => {
                return Err(Error::unknown_name(NameKind::TransactionModel, self.name()))
            }
        })
    }
}

impl std::str::FromStr for ModelKind {
    type Err = Error;

    /// Case-insensitive; `_` reads as `-`; also `bg-nbd`, `mbg-nbd`, `pareto`, `paretonbd`,
    /// `bg-bb`, `gammagamma`.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "bgnbd" | "bg-nbd" => Ok(ModelKind::BgNbd),
            "mbgnbd" | "mbg-nbd" => Ok(ModelKind::MbgNbd),
            "pareto-nbd" | "paretonbd" | "pareto" => Ok(ModelKind::ParetoNbd),
            "bgbb" | "bg-bb" => Ok(ModelKind::BgBb),
            "gamma-gamma" | "gammagamma" => Ok(ModelKind::GammaGamma),
            _ => Err(Error::unknown_name(NameKind::Model, s.trim())),
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in ModelKind::ALL {
            assert_eq!(k.name().parse::<ModelKind>().unwrap(), k);
            assert_eq!(k.name().to_uppercase().parse::<ModelKind>().unwrap(), k);
        }
        assert_eq!(
            "nope".parse::<ModelKind>().unwrap_err().to_string(),
            "unknown model `nope` (expected bgnbd, mbgnbd, pareto-nbd, bgbb or gamma-gamma)"
        );
        assert!(matches!(
            ModelKind::parse_transaction("bgbb"),
            Err(Error::UnknownName {
                kind: NameKind::TransactionModel,
                ..
            })
        ));
    }
}
