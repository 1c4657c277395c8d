//! The report's default model step: a "buy till you die" transaction model and Gamma-Gamma
//! spend, fitted on every user at the as-of date.
//!
//! 1. The users' RFM summary at the as-of date, each user born at install (see
//!    [`ReportUsers`]; users who have not paid have frequency 0 and their age as T).
//! 2. The transaction model ([`TransactionModelKind`], BG/NBD by default) fitted by maximum
//!    likelihood on the compressed summary.
//! 3. Gamma-Gamma fitted on the users with a purchase of positive value.
//! 4. Each user's value over the horizon: discounted expected purchases × conditional expected
//!    spend (lifetimes' CLV sum, months of 4.345 weeks or 30 days), with the gradients that
//!    give each group's interval by the delta method over both models' parameters.

use crate::error::{Error, Result};
use crate::fit::{Fit, FitOptions};
use crate::models::bgnbd::BgNbd;
use crate::models::gamma_gamma::{GammaGamma, SpendData};
use crate::models::mbgnbd::MbgNbd;
use crate::models::pareto_nbd::ParetoNbd;
use crate::models::TransactionModel;
use crate::report::horizon_value::{horizon_values, SpendParams};
use crate::report::summary::report_summary;
use crate::report::users::ReportUsers;
use crate::report::valuation::{FutureValues, Horizon, ValueModel};
use crate::summary::CompressedSummary;
use nalgebra::DMatrix;
use serde_json::json;

/// Which transaction model the report fits.
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

/// The default [`ValueModel`]: a transaction model plus Gamma-Gamma (see the module docs).
///
/// ```
/// use ltv::report::{BuyTillYouDieValue, TransactionModelKind};
/// let m = BuyTillYouDieValue::new(TransactionModelKind::ParetoNbd);
/// assert_eq!(m.kind, TransactionModelKind::ParetoNbd);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BuyTillYouDieValue {
    /// The transaction model.
    pub kind: TransactionModelKind,
    /// Options of the transaction model's fit (penalizer, tolerance, ...).
    pub fit_options: FitOptions,
}

impl BuyTillYouDieValue {
    /// The given transaction model with default fit options.
    pub fn new(kind: TransactionModelKind) -> Self {
        Self {
            kind,
            fit_options: FitOptions::default(),
        }
    }
}

/// A fit that stops with the per-customer gradient norm below this (but above the tolerance)
/// is accepted with a warning: the typical case is a parameter pair running along a ridge to
/// the boundary (BG/NBD's a, b → ∞ at a fixed ratio: every user drops out with the same
/// probability), where the likelihood still creeps up but the predictions have settled.
const LOOSE_TOLERANCE: f64 = 1e-4;

fn not_converged_note(fit: &Fit) -> String {
    let c = fit.convergence();
    let runaway: Vec<String> = fit
        .names()
        .iter()
        .zip(fit.params())
        .filter(|(_, &v)| !(1e-6..=1e5).contains(&v))
        .map(|(n, v)| format!("{n} = {v:.3e}"))
        .collect();
    format!(
        "{} fit stopped short of its tolerance (gradient norm {:.1e} after {} iterations){}; its predictions are used, with care",
        fit.model(),
        c.gradient_norm,
        c.iterations,
        if runaway.is_empty() {
            String::new()
        } else {
            format!(
                "; {} ran toward the boundary (the data cannot tell these apart from a limit of the model)",
                runaway.join(", ")
            )
        }
    )
}

impl BuyTillYouDieValue {
    fn fit_transaction_model(
        &self,
        data: &CompressedSummary,
        options: &FitOptions,
    ) -> Result<(Box<dyn TransactionModel>, Fit)> {
        Ok(match self.kind {
            TransactionModelKind::BgNbd => {
                let f = BgNbd::fit(data, options)?;
                let fit = f.fit().clone();
                (Box::new(f), fit)
            }
            TransactionModelKind::MbgNbd => {
                let f = MbgNbd::fit(data, options)?;
                let fit = f.fit().clone();
                (Box::new(f), fit)
            }
            TransactionModelKind::ParetoNbd => {
                let f = ParetoNbd::fit(data, options)?;
                let fit = f.fit().clone();
                (Box::new(f), fit)
            }
        })
    }
}

fn describe(fit: &Fit) -> serde_json::Value {
    let named = |values: &[f64]| -> serde_json::Map<String, serde_json::Value> {
        fit.names()
            .iter()
            .cloned()
            .zip(values.iter().map(|&v| json!(v)))
            .collect()
    };
    json!({
        "model": fit.model(),
        "params": named(fit.params()),
        "std_errors": fit.std_errors().ok().map(|se| named(&se)),
        "log_likelihood": fit.log_likelihood(),
        "converged": fit.convergence().converged,
        "iterations": fit.convergence().iterations,
        "n_customers": fit.n_customers(),
    })
}

impl ValueModel for BuyTillYouDieValue {
    fn estimate(&self, users: &ReportUsers, horizon: &Horizon) -> Result<FutureValues> {
        horizon.validate()?;
        let summary = report_summary(users, horizon.period)?;
        let compressed = summary.compress();
        let mut warnings = Vec::new();
        let (model, tx_fit) = match self.fit_transaction_model(&compressed, &self.fit_options) {
            Err(Error::NotConverged { gradient_norm, .. })
                if gradient_norm < LOOSE_TOLERANCE && self.fit_options.require_convergence =>
            {
                let loose = FitOptions {
                    require_convergence: false,
                    ..self.fit_options.clone()
                };
                let (model, fit) = self.fit_transaction_model(&compressed, &loose)?;
                warnings.push(not_converged_note(&fit));
                (model, fit)
            }
            other => other?,
        };
        let money = summary.monetary_value().unwrap_or(&[]);
        let (mut x, mut m) = (Vec::new(), Vec::new());
        for (f, z) in summary.frequency().iter().zip(money) {
            if *f > 0.0 && *z > 0.0 {
                x.push(*f);
                m.push(*z);
            }
        }
        if x.is_empty() {
            return Err(Error::Unidentifiable {
                model: "gamma-gamma".into(),
                reason: "no user has a purchase with a positive amount up to the as-of date".into(),
            });
        }
        let spend_data = SpendData::new(&x, &m, None)?;
        let spend_options = FitOptions {
            penalizer: 0.0,
            ..self.fit_options.clone()
        };
        let gg = match GammaGamma::fit(&spend_data, &spend_options) {
            Err(Error::NotConverged { gradient_norm, .. })
                if gradient_norm < LOOSE_TOLERANCE && spend_options.require_convergence =>
            {
                let loose = FitOptions {
                    require_convergence: false,
                    ..spend_options
                };
                let fitted = GammaGamma::fit(&spend_data, &loose)?;
                warnings.push(not_converged_note(fitted.fit()));
                fitted
            }
            other => other?,
        };
        let gg = gg.fit().clone();
        let (p, q, v) = (gg.params()[0], gg.params()[1], gg.params()[2]);
        if q.is_nan() || q <= 1.0 {
            return Err(Error::Unidentifiable {
                model: "gamma-gamma".into(),
                reason: format!("q = {q} <= 1: the mean spend p·v/(q−1) does not exist"),
            });
        }
        let spend = SpendParams {
            p,
            q,
            v,
            covariance: gg.covariance().ok().map(|c: DMatrix<f64>| c),
        };
        let values = horizon_values(&*model, &spend, &summary, horizon)?;
        warnings.extend(values.warnings);
        let corr = spend_data.frequency_spend_correlation();
        warnings.extend(spend_data.independence_warning());
        let n = summary.len();
        let payers = summary.frequency().iter().filter(|f| **f > 0.0).count();
        Ok(FutureValues {
            expected: values.expected,
            uncertainty: values.uncertainty,
            description: json!({
                "transaction_model": describe(&tx_fit),
                "spend_model": describe(&gg),
                "period": horizon.period.name(),
                "users": n,
                "users_with_purchases": payers,
                "distinct_histories": compressed.len(),
                "frequency_spend_correlation": corr,
            }),
            warnings,
        })
    }
}
