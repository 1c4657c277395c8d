//! The report's default model step: a "buy till you die" transaction model and Gamma-Gamma
//! spend, fitted on every user at the as-of date, through the crate's summary, [`Pipeline`]
//! and value modules.
//!
//! 1. The users' RFM summary at the as-of date, each user born at install: the crate's
//!    summary on the users' local times ([`crate::report`]'s summary adapter; users who have
//!    not paid have frequency 0 and their age as T).
//! 2. The transaction model ([`ModelKind`], BG/NBD by default) fitted by maximum
//!    likelihood on the compressed summary ([`Pipeline::fit_transactions`]).
//! 3. Gamma-Gamma fitted on the users with a purchase of positive value
//!    ([`Pipeline::fit_spend`]).
//! 4. Each user's value over the horizon: discounted expected purchases × conditional expected
//!    spend (the crate's CLV sum, months of 4.345 weeks or 30 days), with the gradients that
//!    give each group's interval by the delta method over both models' parameters
//!    ([`horizon_values`]).
//!
//! What stays here is the report's own: fits per segment with the pooled fit as fallback,
//! stalled fits used and marked, and the block-diagonal parameter covariance that group
//! intervals need.

use crate::error::{Error, Result};
use crate::fit::{Fit, FitOptions};
use crate::models::{ModelKind, SavedModel};
use crate::pipeline::{Pipeline, SpendFit};
use crate::report::hierarchy::Level;
use crate::report::horizon_value::{horizon_values, HorizonValues, SpendParams};
use crate::report::summary::report_summary;
use crate::report::users::ReportUsers;
use crate::report::valuation::{FutureValues, Horizon, Uncertainty, UnconvergedFit, ValueModel};
use crate::summary::RfmSummary;
use serde_json::json;
use std::collections::BTreeMap;

/// The default [`ValueModel`]: a transaction model plus Gamma-Gamma (see the module docs).
///
/// With [`BuyTillYouDieValue::fit_by`] set (e.g. to [`Level::Campaign`]), each value of that
/// level with at least [`BuyTillYouDieValue::min_segment_users`] users gets its own pair of
/// fits, so that a campaign's users are judged against their own campaign's purchase and
/// dropout rates rather than the population's; smaller segments (and segments whose fit
/// fails) use the pooled fit on all users. The fits are independent, so the covariance of all
/// parameters is block diagonal.
///
/// ```
/// use ltv::models::ModelKind;
/// use ltv::report::BuyTillYouDieValue;
/// let m = BuyTillYouDieValue::new(ModelKind::ParetoNbd);
/// assert_eq!(m.kind, ModelKind::ParetoNbd);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BuyTillYouDieValue {
    /// The transaction model.
    pub kind: ModelKind,
    /// Options of the transaction model's fit (penalizer, tolerance, ...).
    pub fit_options: FitOptions,
    /// Fit separate models per value of this level (`None`: one pooled fit).
    pub fit_by: Option<Level>,
    /// Segments with fewer users take the pooled fit.
    pub min_segment_users: usize,
    /// Use fits that stall with a gradient norm below [`LOOSE_TOLERANCE`] (reported as not
    /// converged) instead of failing (default true; false makes them errors).
    pub accept_stalled_fits: bool,
}

impl Default for BuyTillYouDieValue {
    fn default() -> Self {
        Self::new(ModelKind::BgNbd)
    }
}

impl BuyTillYouDieValue {
    /// The given transaction model with default fit options.
    pub fn new(kind: ModelKind) -> Self {
        Self {
            kind,
            fit_options: FitOptions::default(),
            fit_by: None,
            min_segment_users: 1000,
            accept_stalled_fits: true,
        }
    }
}

/// A fit that stops with the per-customer gradient norm below this (but above the tolerance)
/// is used, and reported as not converged; a larger gradient norm is an error.
///
/// The typical case is a parameter pair running along a ridge to the boundary (BG/NBD's
/// a, b → ∞ at a fixed ratio: every user drops out with the same probability), where the
/// likelihood still creeps up but the predictions have settled. Failing the nightly job on it
/// would leave a team without a report for a fit whose predictions are fine; using it quietly
/// would break the rule that numerical trouble is reported. So the fit is used and said to be
/// unconverged in three places: an [`UnconvergedFit`] in
/// [`FutureValues::unconverged_fits`] (the report's JSON `meta.unconverged_fits`, with
/// `fit_status: "not_converged"` next to the fit in `meta.model`), the `fit_status` column of
/// every row with users resting on it, and a warning. A caller who prefers a failure calls
/// [`CampaignReport::ensure_converged`](crate::report::CampaignReport::ensure_converged) (the
/// CLI's `--strict`), or sets [`BuyTillYouDieValue::accept_stalled_fits`] to false.
pub const LOOSE_TOLERANCE: f64 = 1e-4;

fn unconverged(fit: &Fit) -> UnconvergedFit {
    let c = fit.convergence();
    UnconvergedFit {
        fit: String::new(),
        model: fit.model().to_string(),
        iterations: c.iterations,
        gradient_norm: c.gradient_norm,
        note: not_converged_note(fit),
    }
}

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
        "{} fit did NOT converge: stopped short of its tolerance (gradient norm {:.1e} after {} iterations){}; its predictions are used, and the rows resting on it say fit_status not_converged",
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
    /// The crate's [`Pipeline`] with this model step's choices: the transaction model and its
    /// fit options; Gamma-Gamma by plain maximum likelihood (penalizer 0) on the users with a
    /// purchase of positive value (a user whose payments were all 0 is left out of the fit).
    pub fn pipeline(&self, period: crate::Period) -> Pipeline {
        Pipeline::new(period)
            .model(self.kind)
            .fit_options(self.fit_options.clone())
            .spend_fit_options(FitOptions {
                penalizer: 0.0,
                ..self.fit_options.clone()
            })
            .exclude_nonpositive_spend(true)
    }
}

/// `options` without the demand to converge (a stalled fit is then returned).
fn loose(options: &FitOptions) -> FitOptions {
    FitOptions {
        require_convergence: false,
        ..options.clone()
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
        "fit_status": if fit.convergence().converged { "converged" } else { "not_converged" },
        "iterations": fit.convergence().iterations,
        "n_customers": fit.n_customers(),
    })
}

/// One fitted block: the values of its users and what to record about it.
struct Block {
    values: HorizonValues,
    description: serde_json::Value,
    warnings: Vec<String>,
    /// Its fits that did not converge (their `fit` label is filled in by the caller).
    unconverged: Vec<UnconvergedFit>,
}

impl BuyTillYouDieValue {
    /// Fits both models on `summary` (one segment's users, or all) and values its users.
    fn fit_block(&self, summary: &RfmSummary, horizon: &Horizon) -> Result<Block> {
        let pipeline = self.pipeline(horizon.period);
        let mut warnings = Vec::new();
        let mut unconverged_fits = Vec::new();
        let stalled = |gradient_norm: f64, options: &FitOptions| {
            self.accept_stalled_fits
                && gradient_norm < LOOSE_TOLERANCE
                && options.require_convergence
        };
        let transactions: SavedModel = match pipeline.fit_transactions(summary) {
            Err(Error::NotConverged { gradient_norm, .. })
                if stalled(gradient_norm, &self.fit_options) =>
            {
                let saved = pipeline
                    .clone()
                    .fit_options(loose(&self.fit_options))
                    .fit_transactions(summary)?;
                warnings.push(not_converged_note(saved.fit()));
                unconverged_fits.push(unconverged(saved.fit()));
                saved
            }
            other => other?,
        };
        let model = transactions.as_purchases_gradient()?;
        let tx_fit = transactions.fit();
        let money = summary.monetary_value().unwrap_or(&[]);
        if !summary
            .frequency()
            .iter()
            .zip(money)
            .any(|(f, z)| *f > 0.0 && *z > 0.0)
        {
            return Err(Error::Unidentifiable {
                model: "gamma-gamma".into(),
                reason: "no user has a purchase with a positive amount up to the as-of date".into(),
            });
        }
        let spend_options = FitOptions {
            penalizer: 0.0,
            ..self.fit_options.clone()
        };
        let spend: SpendFit = match pipeline.fit_spend(summary) {
            Err(Error::NotConverged { gradient_norm, .. })
                if stalled(gradient_norm, &spend_options) =>
            {
                let fitted = pipeline
                    .clone()
                    .spend_fit_options(loose(&spend_options))
                    .fit_spend(summary)?;
                warnings.push(not_converged_note(fitted.model.fit()));
                unconverged_fits.push(unconverged(fitted.model.fit()));
                fitted
            }
            other => other?,
        };
        let gg = spend.model.fit();
        let q = gg.params()[1];
        if !(q.is_finite() && q > 1.0) {
            return Err(Error::Unidentifiable {
                model: "gamma-gamma".into(),
                reason: format!("q = {q} <= 1: the mean spend p·v/(q−1) does not exist"),
            });
        }
        let spend_params = SpendParams::from_fitted(&spend.model);
        let values = horizon_values(model, &spend_params, summary, horizon)?;
        warnings.extend(spend.warning.clone());
        let payers = summary.frequency().iter().filter(|f| **f > 0.0).count();
        Ok(Block {
            description: json!({
                "fit_status": if unconverged_fits.is_empty() { "converged" } else { "not_converged" },
                "transaction_model": describe(tx_fit),
                "spend_model": describe(gg),
                "users": summary.len(),
                "users_with_purchases": payers,
                "distinct_histories": summary.compress().len(),
                "frequency_spend_correlation": spend.frequency_spend_correlation,
            }),
            values,
            warnings,
            unconverged: unconverged_fits,
        })
    }
}

/// The rows `rows` of `s` as a summary of their own.
fn subset(s: &RfmSummary, rows: &[usize]) -> Result<RfmSummary> {
    let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    RfmSummary::new(
        rows.iter().map(|&i| s.customer_ids()[i].clone()).collect(),
        pick(s.frequency()),
        pick(s.recency()),
        pick(s.t()),
        s.monetary_value().map(pick),
        None,
    )
}

impl ValueModel for BuyTillYouDieValue {
    fn estimate(&self, users: &ReportUsers, horizon: &Horizon) -> Result<FutureValues> {
        horizon.validate()?;
        let summary = report_summary(users, horizon.period)?;
        let n = summary.len();
        // one pooled fit on every user; with `fit_by`, one fit per segment large enough
        let pooled = self.fit_block(&summary, horizon)?;
        let mut segments: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        if let Some(level) = self.fit_by {
            for u in 0..n {
                segments
                    .entry(users.placement(u).get(level).to_string())
                    .or_default()
                    .push(u);
            }
        }
        let mut blocks: Vec<(Option<String>, Vec<usize>, Block)> = Vec::new();
        let mut pooled_users: Vec<usize> = Vec::new();
        let mut warnings = Vec::new();
        for (segment, rows) in segments {
            if rows.len() < self.min_segment_users {
                pooled_users.extend(rows);
                continue;
            }
            match subset(&summary, &rows).and_then(|s| self.fit_block(&s, horizon)) {
                Ok(block) => blocks.push((Some(segment), rows, block)),
                Err(e) => {
                    warnings.push(format!(
                        "segment `{segment}` ({} users): own fit failed ({e}); its users take the pooled fit",
                        rows.len()
                    ));
                    pooled_users.extend(rows);
                }
            }
        }
        if self.fit_by.is_none() {
            pooled_users = (0..n).collect();
        }
        pooled_users.sort_unstable();
        // assemble per-user values; each block's parameters are a block of the covariance
        let k = blocks
            .iter()
            .map(|b| &b.2)
            .chain(std::iter::once(&pooled))
            .map(|b| match &b.values.uncertainty {
                Uncertainty::Linearized { k, .. } => *k,
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        // blocks without a covariance (a fit at the boundary) still take part: their
        // covariance is left empty and groups holding their users get no bounds
        let any_linear = blocks
            .iter()
            .map(|b| &b.2)
            .chain(std::iter::once(&pooled))
            .any(|b| matches!(b.values.uncertainty, Uncertainty::Linearized { .. }));
        let mut expected = vec![0.0; n];
        let mut gradients = vec![0.0; if any_linear { n * k } else { 0 }];
        let mut block_of_user = vec![0u32; n];
        let mut unconverged_users = vec![false; n];
        let mut unconverged_fits: Vec<UnconvergedFit> = Vec::new();
        let mut covariances: Vec<Vec<f64>> = Vec::new();
        let mut description = serde_json::Map::new();
        let mut place = |id: u32, rows: &[usize], local: &[usize], block: &Block| {
            let hv = &block.values;
            let stalled = !block.unconverged.is_empty();
            for (&u, &i) in rows.iter().zip(local) {
                expected[u] = hv.expected[i];
                block_of_user[u] = id;
                unconverged_users[u] = stalled;
                if let (
                    true,
                    Uncertainty::Linearized {
                        k: kb,
                        gradients: g,
                        ..
                    },
                ) = (any_linear, &hv.uncertainty)
                {
                    gradients[u * k..u * k + kb].copy_from_slice(&g[i * kb..(i + 1) * kb]);
                }
            }
        };
        // pooled block first (id 0): its values were computed for all users in order
        place(0, &pooled_users, &pooled_users, &pooled);
        let pad = |c: &Uncertainty| -> Vec<f64> {
            match c {
                Uncertainty::Linearized {
                    k: kb, covariances, ..
                } => {
                    let mut out = vec![0.0; k * k];
                    for i in 0..*kb {
                        out[i * k..i * k + kb]
                            .copy_from_slice(&covariances[0][i * kb..(i + 1) * kb]);
                    }
                    out
                }
                _ => Vec::new(),
            }
        };
        covariances.push(pad(&pooled.values.uncertainty));
        description.insert("pooled".into(), pooled.description.clone());
        // with per-segment fits, say which fit a warning is about (the pooled fit may be used
        // by no user at all)
        let pooled_label = match (self.fit_by.is_some(), pooled_users.is_empty()) {
            (false, _) => String::new(),
            (true, false) => "pooled fit: ".to_string(),
            (true, true) => "pooled fit (used by no user): ".to_string(),
        };
        warnings.extend(
            pooled
                .warnings
                .iter()
                .chain(&pooled.values.warnings)
                .map(|w| format!("{pooled_label}{w}")),
        );
        if !pooled_users.is_empty() {
            unconverged_fits.extend(pooled.unconverged.iter().map(|f| UnconvergedFit {
                fit: "pooled".into(),
                ..f.clone()
            }));
        }
        for (id, (segment, rows, block)) in blocks.iter().enumerate() {
            let local: Vec<usize> = (0..rows.len()).collect();
            place(id as u32 + 1, rows, &local, block);
            covariances.push(pad(&block.values.uncertainty));
            if let Some(name) = segment {
                description.insert(format!("segment:{name}"), block.description.clone());
                warnings.extend(
                    block
                        .warnings
                        .iter()
                        .chain(&block.values.warnings)
                        .map(|w| format!("segment `{name}`: {w}")),
                );
                unconverged_fits.extend(block.unconverged.iter().map(|f| UnconvergedFit {
                    fit: format!("segment:{name}"),
                    ..f.clone()
                }));
            }
        }
        let uncertainty = if any_linear {
            Uncertainty::Linearized {
                k,
                gradients,
                block_of_user,
                covariances,
            }
        } else {
            Uncertainty::None
        };
        let mut desc = serde_json::Value::Object(description);
        desc["period"] = json!(horizon.period.to_string());
        desc["fit_by"] = json!(self.fit_by.map(|l| l.name()));
        // with one pooled fit, keep the flat layout (transaction_model, spend_model, ...)
        if self.fit_by.is_none() {
            let mut flat = pooled.description;
            flat["period"] = json!(horizon.period.to_string());
            desc = flat;
        }
        if !unconverged_users.contains(&true) {
            unconverged_users.clear();
        }
        Ok(FutureValues {
            expected,
            uncertainty,
            description: desc,
            warnings,
            unconverged_fits,
            unconverged_users,
        })
    }
}
