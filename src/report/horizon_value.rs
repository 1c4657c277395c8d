//! Each user's expected revenue over the horizon from a fitted transaction model and
//! Gamma-Gamma spend, with the per-user gradients the report's delta-method intervals need.
//!
//! # Formula
//!
//! With `ppm` periods per month (lifetimes' constants: 4.345 weeks, 30 days), horizon `M`
//! months and monthly discount rate `d`, user i's value is (lifetimes'
//! `customer_lifetime_value`, months discounted at their end):
//!
//! ```text
//! S_i = Σ_{m=1}^{M} [E(X(m·ppm) | x_i, t_x,i, T_i) − E(X((m−1)·ppm) | …)] / (1 + d)^m
//! V_i = S_i · E(Z | x_i, z̄_i)        E(Z | x, z̄) = p(v + x z̄) / (p x + q − 1)
//! ```
//!
//! (E(X(t) | …) the transaction model's conditional expected purchases in (T, T + t],
//! E(Z | …) the Gamma-Gamma conditional expected average value.)
//!
//! # Intervals
//!
//! θ = (transaction-model parameters, p, q, v). ∂V_i/∂θ_tx = E(Z)·∂S_i/∂θ_tx with the core's
//! analytic purchase derivatives ([`crate::value::gradient`], the same the CLV intervals use),
//! ∂V_i/∂(p, q, v) = S_i·∂E(Z)/∂(p, q, v) with the core's Gamma-Gamma formula
//! ([`crate::models::gamma_gamma`]). The two fits are independent, so Cov θ is block
//! diagonal. Expected purchases depend on (x, t_x, T) only, so they are computed once per
//! distinct row.

use crate::error::{Error, ReportRule, Result};
use crate::models::gamma_gamma::FittedGammaGamma;
use crate::models::TransactionModel;
use crate::report::valuation::{Horizon, Uncertainty};
use crate::summary::RfmSummary;
use crate::value::clv::DistinctHistories;
use crate::value::discounted_expected_purchases;
use crate::value::gradient::PurchasesGradient;
use crate::value::interval::discounted_with_gradients;
use nalgebra::DMatrix;

/// Gamma-Gamma parameters (and their covariance, if estimated) as the report uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendParams {
    /// Shape p of the gamma distribution of a purchase's value.
    pub p: f64,
    /// Shape q of the gamma distribution of its scale.
    pub q: f64,
    /// Rate v of the gamma distribution of its scale.
    pub v: f64,
    /// Covariance of (p, q, v) from the fit (`None`: no interval bounds).
    pub covariance: Option<DMatrix<f64>>,
}

impl SpendParams {
    /// The parameters of a fitted Gamma-Gamma model, with the covariance of its fit when
    /// there is one.
    pub fn from_fitted(model: &FittedGammaGamma) -> Self {
        let fit = model.fit();
        let pqv = fit.params();
        Self {
            p: pqv[0],
            q: pqv[1],
            v: pqv[2],
            covariance: fit.covariance().ok(),
        }
    }

    /// E(Z | x, z̄) and its gradient in (p, q, v): the core's Gamma-Gamma formula.
    pub fn expected_spend(&self, x: f64, zbar: f64) -> (f64, [f64; 3]) {
        crate::models::gamma_gamma::expected_average_value_and_gradient(
            self.p, self.q, self.v, x, zbar,
        )
    }
}

/// Discounted expected purchases S over the horizon for each distinct row: the crate's
/// lifetimes-compatible CLV sum ([`crate::value::discounted_expected_purchases`]).
fn discounted_purchases<M: TransactionModel + ?Sized>(
    model: &M,
    rows: &DistinctHistories,
    horizon: &Horizon,
) -> Result<Vec<f64>> {
    let settings = horizon.clv_settings()?;
    let s = discounted_expected_purchases(model, &settings, &rows.batch())?;
    if let Some(i) = s.iter().position(|x| !(x.is_finite() && *x >= -1e-12)) {
        return Err(Error::numerical(
            "report horizon value",
            format!(
                "expected purchases {} for frequency {}, recency {}, T {}",
                s[i], rows.frequency[i], rows.recency[i], rows.t_age[i]
            ),
        ));
    }
    Ok(s.into_iter().map(|x| x.max(0.0)).collect())
}

/// Per-user values and their uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonValues {
    /// V_i per user, in the order of the summary (report currency).
    pub expected: Vec<f64>,
    /// [`Uncertainty::Linearized`] with one block of k = (transaction parameters + 3) when
    /// both models carry a covariance, [`Uncertainty::None`] otherwise.
    pub uncertainty: Uncertainty,
    /// Why there are no bounds, when there are none.
    pub warnings: Vec<String>,
}

/// Values every user of `summary` (which must carry monetary values) over `horizon` (see the
/// module docs for the formula and the gradients). This is the report's default model step
/// after the fits; it is public so that a distributed engine (the Python package's
/// `ltv.spark.report`) can value users batch by batch with the same numbers.
///
/// # Errors
/// [`Error::Numerical`] when an expected purchase count is not finite; [`Error::Report`]
/// without monetary values.
pub fn horizon_values<M: PurchasesGradient + ?Sized>(
    model: &M,
    spend: &SpendParams,
    summary: &RfmSummary,
    horizon: &Horizon,
) -> Result<HorizonValues> {
    let rows = DistinctHistories::new(&crate::models::CustomerBatch::from(summary));
    let s = discounted_purchases(model, &rows, horizon)?;
    let zbar = summary.monetary_value().ok_or_else(|| Error::Report {
        rule: ReportRule::NoMonetaryValues,
    })?;
    let n = summary.len();
    let mut expected = Vec::with_capacity(n);
    let mut spend_grad = Vec::with_capacity(n);
    for u in 0..n {
        let (e, g) = spend.expected_spend(summary.frequency()[u], zbar[u]);
        let su = s[rows.index[u] as usize];
        expected.push(su * e);
        spend_grad.push((e, g));
    }
    let mut warnings = Vec::new();
    let tx_cov = model.covariance();
    let uncertainty = match (&tx_cov, &spend.covariance) {
        (Ok(tx_cov), Some(sp_cov)) => {
            let theta = model.parameters();
            let kt = theta.len();
            let k = kt + 3;
            // ∂S/∂θ per distinct row, analytic (row-major, kt per row)
            let (_, ds) = discounted_with_gradients(model, &horizon.clv_settings()?, &rows)?;
            let mut gradients = Vec::with_capacity(n * k);
            for (&r, &(e, g)) in rows.index.iter().zip(&spend_grad) {
                let r = r as usize;
                gradients.extend(ds[r * kt..(r + 1) * kt].iter().map(|d| e * d));
                gradients.extend(g.iter().map(|gi| s[r] * gi));
            }
            let mut covariance = vec![0.0; k * k];
            for i in 0..kt {
                for j in 0..kt {
                    covariance[i * k + j] = tx_cov[(i, j)];
                }
            }
            for i in 0..3 {
                for j in 0..3 {
                    covariance[(kt + i) * k + kt + j] = sp_cov[(i, j)];
                }
            }
            Uncertainty::Linearized {
                k,
                gradients,
                block_of_user: vec![0; n],
                covariances: vec![covariance],
            }
        }
        (Err(e), _) => {
            warnings.push(format!(
                "no interval bounds: transaction model covariance unavailable ({e})"
            ));
            Uncertainty::None
        }
        (_, None) => {
            warnings.push("no interval bounds: Gamma-Gamma covariance unavailable".into());
            Uncertainty::None
        }
    };
    Ok(HorizonValues {
        expected,
        uncertainty,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gradient rows of the delta method (analytic, the core's) against central
    /// differences of the values themselves, with BG/NBD fitted on CDNOW (weeks) and lifetimes' Gamma-Gamma estimates.
    #[test]
    fn value_gradients_match_finite_differences() {
        use crate::models::bgnbd::BgNbd;
        let cdnow = crate::datasets::cdnow_summary_with_transactions().unwrap();
        let model = BgNbd::fit(&cdnow.compress(), &crate::fit::FitOptions::default()).unwrap();
        let spend = SpendParams {
            p: 6.2488,
            q: 3.7446,
            v: 15.4477,
            covariance: Some(DMatrix::from_row_slice(
                3,
                3,
                &[1.0, 0.2, 0.1, 0.2, 0.8, 0.3, 0.1, 0.3, 4.0],
            )),
        };
        let rows: Vec<usize> = vec![0, 1, 2, 17, 1515, 2356];
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let sub = RfmSummary::new(
            rows.iter().map(|i| i.to_string()).collect(),
            pick(cdnow.frequency()),
            pick(cdnow.recency()),
            pick(cdnow.t()),
            Some(pick(cdnow.monetary_value().unwrap())),
            None,
        )
        .unwrap();
        let horizon = Horizon {
            months: 12,
            discount_rate: 0.01,
            period: crate::Period::Week,
            interval_level: 0.95,
        };
        let hv = horizon_values(&model, &spend, &sub, &horizon).unwrap();
        let Uncertainty::Linearized { k, gradients, .. } = &hv.uncertainty else {
            panic!("expected linearized uncertainty")
        };
        assert_eq!(*k, 7);
        let theta = model.parameters();
        for j in 0..7 {
            let h = 1e-5;
            let eval = |sign: f64| -> Vec<f64> {
                let mut t = theta.clone();
                let mut sp = spend.clone();
                if j < 4 {
                    t[j] *= 1.0 + sign * h;
                } else {
                    let p = match j {
                        4 => &mut sp.p,
                        5 => &mut sp.q,
                        _ => &mut sp.v,
                    };
                    *p *= 1.0 + sign * h;
                }
                let m = BgNbd::new(t[0], t[1], t[2], t[3]).unwrap();
                horizon_values(&m, &sp, &sub, &horizon).unwrap().expected
            };
            let (up, dn) = (eval(1.0), eval(-1.0));
            let step = h * if j < 4 {
                theta[j]
            } else {
                [spend.p, spend.q, spend.v][j - 4]
            };
            for u in 0..sub.len() {
                let fd = (up[u] - dn[u]) / (2.0 * step);
                let g = gradients[u * 7 + j];
                approx::assert_relative_eq!(g, fd, max_relative = 1e-5, epsilon = 1e-9);
            }
        }
        // lifetimes 0.11.3, GammaGammaFitter.customer_lifetime_value(bgf, ..., time=12,
        // discount_rate=0.01, freq="W") for customer 1 (shared/reference/cdnow_lifetimes.json):
        // 36.2785 at lifetimes' parameters; ours are our fits', so 1e-3 relative
        approx::assert_relative_eq!(hv.expected[0], 36.27849576362541, max_relative = 2e-3);
    }

    #[test]
    fn spend_gradient_matches_finite_differences() {
        let base = SpendParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
            covariance: None,
        };
        for (x, z) in [(0.0, 0.0), (1.0, 20.0), (7.0, 55.5)] {
            let (_, g) = base.expected_spend(x, z);
            for (j, &gj) in g.iter().enumerate() {
                let h = 1e-6;
                let mut up = base.clone();
                let mut dn = base.clone();
                let (u, d) = match j {
                    0 => (&mut up.p, &mut dn.p),
                    1 => (&mut up.q, &mut dn.q),
                    _ => (&mut up.v, &mut dn.v),
                };
                *u += h;
                *d -= h;
                let fd = (up.expected_spend(x, z).0 - dn.expected_spend(x, z).0) / (2.0 * h);
                approx::assert_relative_eq!(gj, fd, max_relative = 1e-7);
            }
        }
        // frequency 0: the population mean p v / (q - 1)
        approx::assert_relative_eq!(
            base.expected_spend(0.0, 0.0).0,
            6.25 * 15.44 / 2.74,
            max_relative = 1e-15
        );
    }
}
