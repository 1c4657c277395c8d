//! The report's default model step: one transaction model and one Gamma-Gamma spend model,
//! fitted jointly on every user, whose parameters depend on the user's place in the
//! campaign hierarchy (network → account → campaign → ad), each level shrunk towards its
//! parent.
//!
//! # Why
//!
//! One pooled fit judges every user by the average dropout, so it ranks "burst" campaigns
//! (many early purchases, fast dropout) above loyal ones; a separate fit per campaign cannot
//! tell dropout from a few weeks of data. Here a campaign's parameters are its network's,
//! moved by as much as its own users' data supports: a new or small campaign borrows
//! strength from its network's other campaigns, a large one speaks for itself.
//!
//! # Model
//!
//! With the crate's covariate models ([`crate::models::covariates`]): user i in network n,
//! campaign c follows BG/NBD (or MBG/NBD, Pareto/NBD) with
//!
//! ```text
//! ln α_i = ln α⁰ + γ^α_n + γ^α_c ,   ln a_i = ln a⁰ + γ^a_n + γ^a_c ,   ln b_i = ln b⁰ + γ^b_n + γ^b_c
//! ```
//!
//! (Pareto/NBD: `α` and `β`), `r` shared, and Gamma-Gamma with `ln v_i = ln v⁰ + γ^v_n + γ^v_c`.
//! Every level is a one-hot covariate without a reference level; the penalty
//! `Σ γ² / (2σ²)` is a normal prior `γ ~ N(0, σ²)`: the network effects get a weak prior
//! (σ = [`HierarchicalValue::top_level_sigma`]) and each deeper level's effects shrink their
//! level towards its parent, with one σ per parameter and level chosen from the data.
//!
//! # Choosing the shrinkage from the data
//!
//! σ is the empirical-Bayes (type-II maximum likelihood) estimate under the Laplace
//! approximation, found by the EM fixed point `σ² ← (Σ_c γ̂_c² + Var γ̂_c) / m` over the `m`
//! effects of the level, where `Var γ̂_c` is the diagonal of the penalised-information
//! covariance (MacKay 1992; the same update as for a normal random-effects variance). It
//! starts at [`HierarchicalValue::start_sigma`] and runs [`HierarchicalValue::em_iterations`]
//! times, each fit warm-started at the previous estimate.
//!
//! # Times
//!
//! By default the summary is in exact time ([`HierarchicalValue::exact_times`]): recency and
//! T in real periods from the install and payment instants, every payment after the install
//! a purchase. Weekly calendar periods throw away most of what a two-week-old campaign has to
//! say.
//!
//! # Value and intervals
//!
//! Each user's value is lifetimes' CLV sum at their own parameters (see
//! [`crate::value`]), with the analytic parameter derivatives of
//! [`PurchasesGradient`] and of the conditional expected spend chained onto `(ln θ⁰, γ)`; the
//! group intervals use the joint covariance of both fits (delta method).

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::models::bgnbd::BgNbd;
use crate::models::covariates::{
    fit_with_covariates, CovariateFit, CovariateModel, CovariateOptions, Covariates,
};
use crate::models::gamma_gamma::GammaGamma;
use crate::models::mbgnbd::MbgNbd;
use crate::models::pareto_nbd::ParetoNbd;
use crate::models::ModelKind;
use crate::report::hierarchy::Level;
use crate::report::horizon_value::SpendParams;
use crate::report::summary::{exact_report_summary, report_summary};
use crate::report::users::ReportUsers;
use crate::report::valuation::{FutureValues, Horizon, Uncertainty, UnconvergedFit, ValueModel};
use crate::summary::RfmSummary;
use crate::value::PurchasesGradient;

/// The hierarchical model step, the report's default (the hierarchy and its priors are
/// described at the top of `src/report/hierarchical.rs`).
///
/// ```
/// use ltv::report::HierarchicalValue;
/// let m = HierarchicalValue::default();
/// assert!(m.exact_times);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HierarchicalValue {
    /// The transaction model (BG/NBD by default).
    pub kind: ModelKind,
    /// The hierarchy levels used as covariates, top first (default network, campaign).
    pub levels: Vec<Level>,
    /// Exact-time summary (default) instead of calendar periods.
    pub exact_times: bool,
    /// Prior standard deviation of the top level's effects (default 1: weak).
    pub top_level_sigma: f64,
    /// Starting σ of the deeper levels' effects (default 0.3).
    pub start_sigma: f64,
    /// Fixed σ for the deeper levels instead of the empirical-Bayes choice (`None`: chosen
    /// from the data).
    pub fixed_sigma: Option<f64>,
    /// EM updates of σ (default 2).
    pub em_iterations: usize,
    /// Convergence tolerance of each fit (gradient norm per user; default 1e-8). A fit that
    /// stalls above it but below [`LOOSE_TOLERANCE`](crate::report::LOOSE_TOLERANCE) is used
    /// and reported as not converged; beyond, it is an error.
    pub tolerance: f64,
}

impl Default for HierarchicalValue {
    fn default() -> Self {
        Self {
            kind: ModelKind::BgNbd,
            levels: vec![Level::Network, Level::Campaign],
            exact_times: true,
            top_level_sigma: 1.0,
            start_sigma: 0.3,
            fixed_sigma: None,
            em_iterations: 2,
            tolerance: 1e-8,
        }
    }
}

/// One user's value: (user, value, gradient in θ).
type UserValue = (usize, f64, Vec<f64>);

/// Smallest and largest σ the EM may choose.
const SIGMA_RANGE: (f64, f64) = (0.02, 3.0);

/// The users' covariates: one categorical column per level, labelled by the path from the
/// top (`meta/spring-sale`), every level with an indicator.
fn hierarchy_covariates(users: &ReportUsers, levels: &[Level]) -> Result<(Covariates, Vec<usize>)> {
    let n = users.len();
    let mut b = Covariates::builder(users.ids());
    let mut used_levels = Vec::new();
    for (li, level) in levels.iter().enumerate() {
        let labels: Vec<String> = (0..n)
            .map(|u| {
                let p = users.placement(u);
                levels[..=li]
                    .iter()
                    .map(|l| {
                        let v = p.get(*l);
                        if v.is_empty() {
                            "(none)".to_string()
                        } else {
                            v.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        let mut distinct: Vec<&String> = labels.iter().collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            // a constant level (one network only): nothing to estimate there
            continue;
        }
        b = b.categorical(level.name(), &labels, None);
        used_levels.push(li);
    }
    Ok((b.build()?, used_levels))
}

/// Design-column ranges of each used level.
fn level_ranges(cov: &Covariates) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for c in &cov.encoding().columns {
        let w = match c {
            crate::models::covariates::CovariateColumn::Categorical { levels, .. } => levels.len(),
            crate::models::covariates::CovariateColumn::Numeric { .. } => 1,
        };
        out.push(start..start + w);
        start += w;
    }
    out
}

/// Gradient norm (per user) below which the fits hand over from L-BFGS to Newton steps:
/// from a cold start (the pooled fit, coefficients 0) at 1e-3, where L-BFGS has done the
/// coarse work; from a warm start (the previous empirical-Bayes round, σ moved) at once. The
/// problem is badly scaled (Pareto/NBD's `s` and `β` lie along a ridge): on the ROAS
/// benchmark, seed 1, L-BFGS took 158 iterations from 1e-4 to 1e-5 where two Newton steps
/// reach 1e-9 (`examples/roas_benchmark.rs`).
fn newton_handover(warm: bool) -> f64 {
    if warm {
        1.0
    } else {
        1e-3
    }
}

/// A fit with σ chosen by EM (or fixed).
fn fit_hierarchy<M: CovariateModel>(
    cfg: &HierarchicalValue,
    summary: &RfmSummary,
    cov: &Covariates,
    linked: usize,
) -> Result<(CovariateFit<M>, Vec<Vec<f64>>)> {
    let ranges = level_ranges(cov);
    let k = cov.width();
    let n_base = M::PARAMETER_NAMES.len();
    // sigma[l][level]
    let mut sigma: Vec<Vec<f64>> = (0..linked)
        .map(|_| {
            (0..ranges.len())
                .map(|lv| {
                    if lv == 0 && ranges.len() > 1 {
                        cfg.top_level_sigma
                    } else {
                        cfg.fixed_sigma.unwrap_or(cfg.start_sigma)
                    }
                })
                .collect()
        })
        .collect();
    let penalties = |sigma: &Vec<Vec<f64>>| -> Vec<f64> {
        let mut p = vec![0.0; linked * k];
        for l in 0..linked {
            for (lv, r) in ranges.iter().enumerate() {
                for c in r.clone() {
                    p[l * k + c] = 1.0 / (2.0 * sigma[l][lv] * sigma[l][lv]);
                }
            }
        }
        p
    };
    let rounds = if cfg.fixed_sigma.is_some() {
        0
    } else {
        cfg.em_iterations
    };
    let mut start: Option<Vec<f64>> = None;
    for _ in 0..rounds {
        // σ's update does not need the last digits of θ
        let o = CovariateOptions {
            penalties: Some(penalties(&sigma)),
            start: start.clone(),
            tolerance: cfg.tolerance.max(1e-4),
            require_convergence: false,
            newton_handover: newton_handover(start.is_some()),
            // σ's update needs the variances only roughly
            covariance_from_newton: true,
            ..CovariateOptions::default()
        };
        let fit = fit_with_covariates::<M>(summary, cov, &o)?;
        let Ok(c) = fit.covariance() else {
            start = Some(fit.theta().to_vec());
            break;
        };
        let theta = fit.theta();
        for (l, sigma_l) in sigma.iter_mut().enumerate() {
            for (lv, r) in ranges.iter().enumerate() {
                if lv == 0 && ranges.len() > 1 {
                    continue;
                }
                let m = r.len() as f64;
                let s2: f64 = r
                    .clone()
                    .map(|cc| {
                        let i = n_base + l * k + cc;
                        theta[i] * theta[i] + c[(i, i)].max(0.0)
                    })
                    .sum::<f64>()
                    / m;
                sigma_l[lv] = s2.sqrt().clamp(SIGMA_RANGE.0, SIGMA_RANGE.1);
            }
        }
        start = Some(theta.to_vec());
    }
    let o = CovariateOptions {
        penalties: Some(penalties(&sigma)),
        newton_handover: newton_handover(start.is_some()),
        start,
        tolerance: cfg.tolerance,
        require_convergence: false,
        ..CovariateOptions::default()
    };
    Ok((fit_with_covariates::<M>(summary, cov, &o)?, sigma))
}

/// `None` for a converged fit; an [`UnconvergedFit`] for one that stalled below
/// [`LOOSE_TOLERANCE`](crate::report::LOOSE_TOLERANCE); an error beyond.
fn unconverged<M: CovariateModel>(
    fit: &CovariateFit<M>,
    which: &str,
) -> Result<Option<UnconvergedFit>> {
    let c = fit.convergence();
    if c.converged {
        return Ok(None);
    }
    if c.gradient_norm.is_nan() || c.gradient_norm > crate::report::LOOSE_TOLERANCE {
        return Err(Error::NotConverged {
            model: M::NAME.into(),
            iterations: c.iterations,
            gradient_norm: c.gradient_norm,
            reason: format!("hierarchical fit: {}", c.termination),
        });
    }
    Ok(Some(UnconvergedFit {
        fit: which.into(),
        model: M::NAME.into(),
        iterations: c.iterations,
        gradient_norm: c.gradient_norm,
        note: format!(
            "stopped with gradient norm {:.2e} above the tolerance ({})",
            c.gradient_norm, c.termination
        ),
    }))
}

impl HierarchicalValue {
    fn run<M>(&self, users: &ReportUsers, horizon: &Horizon) -> Result<FutureValues>
    where
        M: CovariateModel + PurchasesGradient,
    {
        let summary = if self.exact_times {
            exact_report_summary(users, horizon.period)?
        } else {
            report_summary(users, horizon.period)?
        };
        let n = summary.len();
        let (cov, used) = hierarchy_covariates(users, &self.levels)?;
        let used_names: Vec<&str> = used.iter().map(|&l| self.levels[l].name()).collect();
        let linked_tx = M::DEFAULT_LINKED.len();
        let (tx, tx_sigma) = fit_hierarchy::<M>(self, &summary, &cov, linked_tx)?;
        let (gg, gg_sigma) = fit_hierarchy::<GammaGamma>(self, &summary, &cov, 1)?;
        let d_tx = tx.theta().len();
        let d_gg = gg.theta().len();
        let k = d_tx + d_gg;
        // per-pattern models
        let patterns = crate::models::covariates::engine_patterns(&cov);
        let ppm = horizon.period.periods_per_month();
        // lifetimes' sum Σ_m [E(m) − E(m−1)] / (1+d)^m; undiscounted (the report's default) it
        // telescopes to E(M months) − E(0): one horizon instead of M
        let undiscounted = horizon.discount_rate == 0.0;
        let (months, step) = if undiscounted {
            (1, f64::from(horizon.months) * ppm)
        } else {
            (horizon.months as usize, ppm)
        };
        // E(0) = 0: the path starts at the first month's end
        let horizons: Vec<f64> = (1..=months).map(|m| m as f64 * step).collect();
        let disc: Vec<f64> = (1..=months)
            .map(|m| (-(m as f64) * horizon.discount_rate.ln_1p()).exp())
            .collect();
        let money = summary.monetary_value().ok_or_else(|| Error::EmptyInput {
            what: "monetary values of the report summary".into(),
        })?;
        let mut expected = vec![0.0; n];
        let mut gradients = vec![0.0; n * k];
        let n_tx = M::PARAMETER_NAMES.len();
        let pattern_results: Vec<Result<Vec<UserValue>>> = {
            let work = |g: usize| -> Result<Vec<UserValue>> {
                let z = &patterns.z[g * cov.width()..(g + 1) * cov.width()];
                let m = tx.model_for(z)?;
                let logp = tx.log_parameters(z)?;
                let spend_model = gg.model_for(z)?;
                let sp = SpendParams {
                    p: spend_model.p(),
                    q: spend_model.q(),
                    v: spend_model.v(),
                    covariance: None,
                };
                let gglog = gg.log_parameters(z)?;
                let jac_tx: Vec<Vec<(usize, f64)>> =
                    (0..n_tx).map(|j| tx.log_parameter_jacobian(z, j)).collect();
                let jac_gg: Vec<Vec<(usize, f64)>> =
                    (0..3).map(|j| gg.log_parameter_jacobian(z, j)).collect();
                let natural: Vec<f64> = logp.iter().map(|v| v.exp()).collect();
                let gg_natural: Vec<f64> = gglog.iter().map(|v| v.exp()).collect();
                let mut values = vec![0.0; horizons.len()];
                let mut grad = vec![0.0; horizons.len() * n_tx];
                let mut out = Vec::with_capacity(patterns.rows[g].len());
                for &u in &patterns.rows[g] {
                    let (x, tx_, t) =
                        (summary.frequency()[u], summary.recency()[u], summary.t()[u]);
                    m.conditional_expected_purchases_path_gradient_one(
                        &horizons,
                        x,
                        tx_,
                        t,
                        &mut values,
                        &mut grad,
                    )?;
                    let mut s = 0.0;
                    let mut ds = vec![0.0; n_tx];
                    for h in 0..months {
                        let (prev, prev_g) = if h == 0 {
                            (0.0, None)
                        } else {
                            (values[h - 1], Some(&grad[(h - 1) * n_tx..h * n_tx]))
                        };
                        s += (values[h] - prev) * disc[h];
                        for j in 0..n_tx {
                            let before = prev_g.map_or(0.0, |g| g[j]);
                            ds[j] += (grad[h * n_tx + j] - before) * disc[h];
                        }
                    }
                    let s = s.max(0.0);
                    let (e, de) = sp.expected_spend(x, if x > 0.0 { money[u] } else { 0.0 });
                    let mut row = vec![0.0; k];
                    for j in 0..n_tx {
                        let dlog = ds[j] * natural[j] * e;
                        for &(idx, f) in &jac_tx[j] {
                            row[idx] += dlog * f;
                        }
                    }
                    for j in 0..3 {
                        let dlog = de[j] * gg_natural[j] * s;
                        for &(idx, f) in &jac_gg[j] {
                            row[d_tx + idx] += dlog * f;
                        }
                    }
                    out.push((u, s * e, row));
                }
                Ok(out)
            };
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                (0..patterns.len()).into_par_iter().map(work).collect()
            }
            #[cfg(not(feature = "parallel"))]
            {
                (0..patterns.len()).map(work).collect()
            }
        };
        for r in pattern_results {
            for (u, v, row) in r? {
                expected[u] = v;
                gradients[u * k..(u + 1) * k].copy_from_slice(&row);
            }
        }
        let mut warnings = Vec::new();
        let uncertainty = match (tx.covariance(), gg.covariance()) {
            (Ok(ct), Ok(cg)) => {
                let mut c = vec![0.0; k * k];
                for i in 0..d_tx {
                    for j in 0..d_tx {
                        c[i * k + j] = ct[(i, j)];
                    }
                }
                for i in 0..d_gg {
                    for j in 0..d_gg {
                        c[(d_tx + i) * k + d_tx + j] = cg[(i, j)];
                    }
                }
                Uncertainty::Linearized {
                    k,
                    gradients,
                    block_of_user: vec![0; n],
                    covariances: vec![c],
                }
            }
            (a, b) => {
                for e in [a.err(), b.err()].into_iter().flatten() {
                    warnings.push(format!("no interval bounds: {e}"));
                }
                Uncertainty::None
            }
        };
        let unconverged_fits: Vec<UnconvergedFit> = [
            unconverged(&tx, "hierarchical")?,
            unconverged(&gg, "hierarchical")?,
        ]
        .into_iter()
        .flatten()
        .collect();
        let any_unconverged = !unconverged_fits.is_empty();
        let sigma_json = |s: &Vec<Vec<f64>>, params: &[&str]| {
            let mut m = BTreeMap::new();
            for (l, p) in params.iter().enumerate() {
                let per: BTreeMap<&str, f64> = used_names
                    .iter()
                    .enumerate()
                    .map(|(lv, name)| (*name, s[l][lv]))
                    .collect();
                m.insert(p.to_string(), per);
            }
            serde_json::to_value(m).unwrap_or_default()
        };
        let gg_names = ["p", "q", "v"];
        let description = serde_json::json!({
            "model_step": "hierarchical",
            "levels": used_names,
            "exact_times": self.exact_times,
            "period": horizon.period.to_string(),
            "transaction_model": {
                "model": M::NAME,
                "params": M::PARAMETER_NAMES.iter().zip(tx.theta()).map(|(n, v)| (n.to_string(), v.exp())).collect::<BTreeMap<_, _>>(),
                "log_likelihood": tx.log_likelihood(),
                "converged": tx.convergence().converged,
                "iterations": tx.convergence().iterations,
                "gradient_norm": tx.convergence().gradient_norm,
                "coefficients": tx.theta_names().into_iter().zip(tx.theta().iter().copied()).skip(M::PARAMETER_NAMES.len()).collect::<BTreeMap<_, _>>(),
                "sigma": sigma_json(&tx_sigma, M::DEFAULT_LINKED),
            },
            "spend_model": {
                "model": "gamma-gamma",
                "params": gg_names.iter().zip(gg.theta()).map(|(n, v)| (n.to_string(), v.exp())).collect::<BTreeMap<_, _>>(),
                "log_likelihood": gg.log_likelihood(),
                "converged": gg.convergence().converged,
                "iterations": gg.convergence().iterations,
                "coefficients": gg.theta_names().into_iter().zip(gg.theta().iter().copied()).skip(3).collect::<BTreeMap<_, _>>(),
                "sigma": sigma_json(&gg_sigma, &["v"]),
            },
        });
        let values = FutureValues {
            expected,
            uncertainty,
            description,
            warnings,
            unconverged_users: if any_unconverged {
                vec![true; n]
            } else {
                Vec::new()
            },
            unconverged_fits,
        };
        values.validate(n)?;
        Ok(values)
    }
}

impl ValueModel for HierarchicalValue {
    fn estimate(&self, users: &ReportUsers, horizon: &Horizon) -> Result<FutureValues> {
        horizon.validate()?;
        match self.kind {
            ModelKind::BgNbd => self.run::<BgNbd>(users, horizon),
            ModelKind::MbgNbd => self.run::<MbgNbd>(users, horizon),
            ModelKind::ParetoNbd => self.run::<ParetoNbd>(users, horizon),
            other => Err(Error::unknown_name(
                crate::error::NameKind::TransactionModel,
                other.name(),
            )),
        }
    }
}
