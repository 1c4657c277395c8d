//! Per-customer CLV intervals from parameter uncertainty (delta method).
//!
//! # Method
//!
//! `CLV_i = m_i · D_i(θ)` with `θ` the transaction model's parameters (covariance `Σ_θ`, the
//! inverse observed information of its fit) and `m_i` the expected value per purchase with
//! variance `v_i` from the spend model's own uncertainty (the two models are fitted
//! separately, so their estimates are treated as independent):
//!
//! ```text
//! Var(CLV_i) ≈ m_i² ∇D_i' Σ_θ ∇D_i + D_i² v_i ,
//! ```
//!
//! where `∇D_i = ∂D_i/∂θ` is the CLV sum differentiated term by term,
//!
//! ```text
//! ∇D = Σ_{k=1}^{N} [∇E(k f) − ∇E((k−1) f)] / (1 + d)^k ,
//! ```
//!
//! from the analytic derivatives of the model's conditional expected purchases
//! ([`PurchasesGradient`], see [`crate::value::gradient`] for each model's formulas and how
//! they are checked against finite differences). The interval is a Wald interval on the log
//! scale, `CLV · exp(± z · se / CLV)`, which stays positive and is skewed like the sampling
//! distribution of a positive quantity.
//!
//! # Cost
//!
//! `D` and `∇D` are computed in one pass per distinct `(x, t_x, T)` history (a weekly summary
//! of a million customers has a few tens of thousands), in parallel with feature `parallel`;
//! the per-customer work is then a few multiplications. Earlier versions differentiated by
//! central differences, rebuilding the model at `1 + 2k` parameter vectors; that route is kept
//! only as the oracle of this module's tests.

use nalgebra::DMatrix;
use statrs::distribution::{ContinuousCDF, Normal};

use super::clv::{check_values, ClvSettings, DistinctHistories};
use super::gradient::PurchasesGradient;
use crate::error::{Error, Result};
use crate::models::{CustomerBatch, FittedPurchasesGradient};

/// CLV per customer with a confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ClvWithIntervals {
    /// Point estimate per customer.
    pub clv: Vec<f64>,
    /// Delta-method standard error per customer.
    pub std_error: Vec<f64>,
    /// Lower bound per customer.
    pub lower: Vec<f64>,
    /// Upper bound per customer.
    pub upper: Vec<f64>,
    /// Confidence level of the intervals (e.g. 0.95).
    pub level: f64,
}

/// Normal quantile `z` with `P(|Z| ≤ z) = level`, i.e. `Φ⁻¹((1 + level) / 2)`: the
/// half-width, in standard errors, of a two-sided normal interval at `level` (1.96 at 0.95).
/// The one quantile behind every interval in the crate (per customer here, per report cell
/// in [`crate::report`]).
pub(crate) fn two_sided_z(level: f64) -> f64 {
    Normal::standard().inverse_cdf(0.5 + level / 2.0)
}

/// CLV with delta-method intervals (see the [module docs](self)).
///
/// * `model`: a **fitted** transaction model ([`FittedPurchasesGradient`]: a
///   [`Fitted`](crate::models::Fitted) BG/NBD, MBG/NBD or Pareto/NBD, or a saved one through
///   [`SavedModel::as_fitted_gradient`](crate::models::SavedModel::as_fitted_gradient)); a
///   model built from given parameters has no covariance and does not compile here;
/// * `customers`: the customers ([`CustomerBatch`], rows checked once);
/// * `expected_value`: expected value per purchase of each customer (≥ 0);
/// * `expected_value_variance`: its variance from the spend model's parameter uncertainty
///   (≥ 0), or `None` to treat the values as known;
/// * `level`: confidence level in (0, 1), e.g. 0.95.
///
/// # Errors
/// [`Error::SingularInformation`] when the fit's information matrix was singular (no
/// covariance); [`Error::InvalidParameter`] for a level outside (0, 1); otherwise as
/// [`crate::value::customer_lifetime_value`].
pub fn customer_lifetime_value_with_intervals<M: FittedPurchasesGradient + ?Sized>(
    model: &M,
    settings: &ClvSettings,
    customers: &CustomerBatch<'_>,
    expected_value: &[f64],
    expected_value_variance: Option<&[f64]>,
    level: f64,
) -> Result<ClvWithIntervals> {
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::invalid_parameter(
            "confidence level",
            level,
            "must be in (0, 1), e.g. 0.95",
        ));
    }
    settings.check_period(customers)?;
    let n = customers.len();
    check_values(n, expected_value, "expected_value")?;
    if let Some(v) = expected_value_variance {
        check_values(n, v, "expected_value_variance")?;
    }
    let cov = model.fit().covariance()?;
    let theta = model.parameters();
    let k = theta.len();
    if cov.nrows() != k || cov.ncols() != k {
        return Err(Error::SingularInformation {
            model: model.name().into(),
            reason: format!(
                "covariance is {}x{}, expected {k}x{k}",
                cov.nrows(),
                cov.ncols()
            ),
        });
    }

    let h = DistinctHistories::new(customers);
    let (d, var_d) = discounted_with_variance(model, settings, &h, &cov)?;

    let z = two_sided_z(level);
    let mut out = ClvWithIntervals {
        clv: Vec::with_capacity(n),
        std_error: Vec::with_capacity(n),
        lower: Vec::with_capacity(n),
        upper: Vec::with_capacity(n),
        level,
    };
    for i in 0..n {
        let g = h.index[i] as usize;
        let m = expected_value[i];
        let vm = expected_value_variance.map_or(0.0, |v| v[i]);
        let clv = m * d[g];
        let se = (m * m * var_d[g] + d[g] * d[g] * vm).sqrt();
        let (lo, hi) = if clv > 0.0 {
            let spread = z * se / clv;
            (clv * (-spread).exp(), clv * spread.exp())
        } else {
            (0.0, 0.0)
        };
        if !(se.is_finite() && lo.is_finite() && hi.is_finite()) {
            return Err(Error::numerical(
                "CLV interval",
                format!("non-finite standard error for customer row {}", i + 1),
            ));
        }
        out.clv.push(clv);
        out.std_error.push(se);
        out.lower.push(lo);
        out.upper.push(hi);
    }
    Ok(out)
}

/// Scratch space of one thread: the path of expectations and its gradient.
struct Scratch {
    values: Vec<f64>,
    gradient: Vec<f64>,
    d_gradient: Vec<f64>,
}

/// `D` and `∇D` of one history (see the [module docs](self)), `∇D` into `scratch.d_gradient`.
#[allow(clippy::too_many_arguments)]
fn discounted_gradient_one<M: PurchasesGradient + ?Sized>(
    model: &M,
    horizons: &[f64],
    discounts: &[f64],
    x: f64,
    tx: f64,
    t: f64,
    scratch: &mut Scratch,
) -> Result<f64> {
    let k = scratch.d_gradient.len();
    model.conditional_expected_purchases_path_gradient_one(
        horizons,
        x,
        tx,
        t,
        &mut scratch.values,
        &mut scratch.gradient,
    )?;
    let (values, gradient) = (&scratch.values, &scratch.gradient);
    let mut d = 0.0;
    scratch.d_gradient.iter_mut().for_each(|g| *g = 0.0);
    for step in 1..values.len() {
        let w = discounts[step - 1];
        d += (values[step] - values[step - 1]) * w;
        for j in 0..k {
            scratch.d_gradient[j] += (gradient[step * k + j] - gradient[(step - 1) * k + j]) * w;
        }
    }
    if !(d.is_finite() && scratch.d_gradient.iter().all(|g| g.is_finite())) {
        return Err(Error::numerical(
            "discounted expected purchases",
            format!("non-finite value or derivative for frequency {x}, recency {tx}, T {t}"),
        ));
    }
    Ok(d)
}

/// `D` and `∇D` for each distinct history (the gradient row-major, `k` = the model's number of
/// parameters per history), in parallel: the analytic derivatives the campaign report chains
/// into its group intervals.
pub(crate) fn discounted_with_gradients<M: PurchasesGradient + ?Sized>(
    model: &M,
    settings: &ClvSettings,
    h: &DistinctHistories,
) -> Result<(Vec<f64>, Vec<f64>)> {
    settings.validate()?;
    let horizons = settings.horizons();
    let discounts = settings.discount_factors();
    let k = model.parameters().len();
    let n_steps = horizons.len();
    let new_scratch = || Scratch {
        values: vec![0.0; n_steps],
        gradient: vec![0.0; n_steps * k],
        d_gradient: vec![0.0; k],
    };
    let one = |i: usize, scratch: &mut Scratch| -> Result<(f64, Vec<f64>)> {
        let d = discounted_gradient_one(
            model,
            &horizons,
            &discounts,
            h.frequency[i],
            h.recency[i],
            h.t_age[i],
            scratch,
        )?;
        Ok((d, scratch.d_gradient.clone()))
    };
    #[cfg(feature = "parallel")]
    let rows: Result<Vec<(f64, Vec<f64>)>> = {
        use rayon::prelude::*;
        (0..h.len())
            .into_par_iter()
            .with_min_len(256)
            .map_init(new_scratch, |scratch, i| one(i, scratch))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let rows: Result<Vec<(f64, Vec<f64>)>> = {
        let mut scratch = new_scratch();
        (0..h.len()).map(|i| one(i, &mut scratch)).collect()
    };
    let rows = rows?;
    let mut d = Vec::with_capacity(rows.len());
    let mut gradients = Vec::with_capacity(rows.len() * k);
    for (di, gi) in rows {
        d.push(di);
        gradients.extend(gi);
    }
    Ok((d, gradients))
}

/// `D` and `Var(D) = ∇D' Σ ∇D` for each distinct history, in parallel.
fn discounted_with_variance<M: PurchasesGradient + ?Sized>(
    model: &M,
    settings: &ClvSettings,
    h: &DistinctHistories,
    cov: &DMatrix<f64>,
) -> Result<(Vec<f64>, Vec<f64>)> {
    settings.validate()?;
    let horizons = settings.horizons();
    let discounts = settings.discount_factors();
    let k = cov.nrows();
    let n_steps = horizons.len();
    let new_scratch = || Scratch {
        values: vec![0.0; n_steps],
        gradient: vec![0.0; n_steps * k],
        d_gradient: vec![0.0; k],
    };
    let one = |i: usize, scratch: &mut Scratch| -> Result<(f64, f64)> {
        let d = discounted_gradient_one(
            model,
            &horizons,
            &discounts,
            h.frequency[i],
            h.recency[i],
            h.t_age[i],
            scratch,
        )?;
        let g = &scratch.d_gradient;
        let mut v = 0.0;
        for a in 0..k {
            for b in 0..k {
                v += g[a] * cov[(a, b)] * g[b];
            }
        }
        Ok((d, v.max(0.0)))
    };
    #[cfg(feature = "parallel")]
    let pairs: Result<Vec<(f64, f64)>> = {
        use rayon::prelude::*;
        (0..h.len())
            .into_par_iter()
            .with_min_len(256)
            .map_init(new_scratch, |scratch, i| one(i, scratch))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let pairs: Result<Vec<(f64, f64)>> = {
        let mut scratch = new_scratch();
        (0..h.len()).map(|i| one(i, &mut scratch)).collect()
    };
    Ok(pairs?.into_iter().unzip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::pareto_nbd::ParetoNbd;
    use crate::models::{CustomerBatch, TransactionModel};
    use crate::value::{MonthlyDiscountRate, Months};
    use crate::Period;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};

    fn settings() -> ClvSettings {
        ClvSettings {
            period: Period::Week,
            horizon: Months::new(12),
            discount: MonthlyDiscountRate::new(0.01).unwrap(),
        }
    }

    /// The former route, kept as the oracle: `Var(D)` per customer with `∇D` from central
    /// differences of `D` at `θ_j (1 ± 10⁻⁵)` (model rebuilt through `with_parameters`).
    fn finite_difference_variance<M: TransactionModel + ?Sized>(
        model: &M,
        x: &[f64],
        tx: &[f64],
        t: &[f64],
    ) -> Vec<f64> {
        const STEP: f64 = 1e-5;
        let cov = model.covariance().unwrap();
        let theta = model.parameters();
        let k = theta.len();
        let jac: Vec<Vec<f64>> = (0..k)
            .map(|j| {
                let at = |sign: f64| {
                    let mut p = theta.clone();
                    p[j] *= 1.0 + sign * STEP;
                    let m = model.with_parameters(&p).unwrap();
                    let batch = CustomerBatch::new(x, tx, t).unwrap();
                    crate::value::discounted_expected_purchases(m.as_ref(), &settings(), &batch)
                        .unwrap()
                };
                let (up, down) = (at(1.0), at(-1.0));
                up.iter()
                    .zip(&down)
                    .map(|(u, d)| (u - d) / (2.0 * STEP * theta[j]))
                    .collect()
            })
            .collect();
        (0..x.len())
            .map(|i| {
                let mut v = 0.0;
                for a in 0..k {
                    for b in 0..k {
                        v += jac[a][i] * cov[(a, b)] * jac[b][i];
                    }
                }
                v
            })
            .collect()
    }

    /// Analytic delta method against the finite-difference oracle on every CDNOW customer,
    /// for the three models `ltv clv` takes; the point CLV is exactly the CLV without
    /// intervals.
    #[test]
    fn analytic_intervals_equal_the_finite_difference_route() {
        let s = crate::datasets::cdnow_summary().unwrap();
        let data = s.compress();
        let opts = crate::fit::FitOptions::default();
        let (x, tx, t) = (s.frequency(), s.recency(), s.t());
        let ones = vec![1.0; x.len()];
        let batch = CustomerBatch::from(&s);
        let models: Vec<Box<dyn FittedPurchasesGradient>> = vec![
            Box::new(ParetoNbd::fit(&data, &opts).unwrap()),
            Box::new(crate::models::bgnbd::BgNbd::fit(&data, &opts).unwrap()),
            Box::new(crate::models::mbgnbd::MbgNbd::fit(&data, &opts).unwrap()),
        ];
        for model in &models {
            let est = customer_lifetime_value_with_intervals(
                model.as_ref(),
                &settings(),
                &batch,
                &ones,
                None,
                0.95,
            )
            .unwrap();
            let plain =
                crate::value::customer_lifetime_value(model.as_ref(), &settings(), &batch, &ones)
                    .unwrap();
            assert_eq!(est.clv, plain);
            let oracle = finite_difference_variance(model.as_ref(), x, tx, t);
            let mut worst: f64 = 0.0;
            for (i, (&ours, var)) in est.std_error.iter().zip(&oracle).enumerate() {
                let se = var.sqrt();
                // the oracle's own error is ~1e-8 relative (truncation 1e-10, rounding
                // 1e-16 / 1e-5 amplified by the covariance); 1e-6 leaves room
                let err = (ours - se).abs() / se;
                assert!(err < 1e-6, "{} row {i}: {ours} vs {se}", model.name());
                worst = worst.max(err);
            }
            println!(
                "{}: worst relative difference of se {worst:e}",
                model.name()
            );
        }
    }

    #[test]
    fn delta_method_agrees_with_a_parametric_bootstrap() {
        // Fit on CDNOW; draw θ ~ N(θ̂, Σ/100) (shrunk so the linearisation is exact to within
        // sampling error), recompute D for a few customers, compare the standard deviation of
        // the draws with the delta-method standard error at Σ/100 (= se / 10).
        let s = crate::datasets::cdnow_summary().unwrap();
        let fitted = ParetoNbd::fit(&s.compress(), &crate::fit::FitOptions::default()).unwrap();
        let rows: [(f64, f64, f64); 4] = [
            (2.0, 30.43, 38.86),
            (0.0, 0.0, 38.86),
            (26.0, 30.86, 31.0),
            (1.0, 1.71, 38.86),
        ];
        let x: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let tx: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let t: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let ones = vec![1.0; 4];
        let batch = CustomerBatch::new(&x, &tx, &t).unwrap();
        let est =
            customer_lifetime_value_with_intervals(&fitted, &settings(), &batch, &ones, None, 0.95)
                .unwrap();
        let cov = fitted.covariance().unwrap() / 100.0;
        let chol = cov.clone().cholesky().unwrap().l();
        let theta = fitted.parameters();
        let mut rng = rand::rngs::StdRng::seed_from_u64(20240521);
        let draws = 4000;
        let mut sum = [0.0; 4];
        let mut sum2 = [0.0; 4];
        for _ in 0..draws {
            let e: Vec<f64> = (0..4).map(|_| StandardNormal.sample(&mut rng)).collect();
            let e = nalgebra::DVector::from_vec(e);
            let shift = &chol * e;
            let p: Vec<f64> = (0..4).map(|j| theta[j] + shift[j]).collect();
            let m = fitted.with_parameters(&p).unwrap();
            let d = crate::value::discounted_expected_purchases(m.as_ref(), &settings(), &batch)
                .unwrap();
            for i in 0..4 {
                sum[i] += d[i];
                sum2[i] += d[i] * d[i];
            }
        }
        for i in 0..4 {
            let mean = sum[i] / draws as f64;
            let sd = (sum2[i] / draws as f64 - mean * mean).sqrt();
            let delta = est.std_error[i] / 10.0;
            // sampling error of an SD from 4000 draws is about 1.1%: allow 5%
            assert!(
                (sd - delta).abs() <= 0.05 * delta,
                "row {i}: bootstrap {sd} vs delta {delta}"
            );
            assert!(est.lower[i] < est.clv[i] && est.clv[i] < est.upper[i]);
        }
    }

    #[test]
    fn spend_variance_widens_and_known_parameters_are_an_error() {
        let s = crate::datasets::cdnow_summary().unwrap();
        let fitted = ParetoNbd::fit(&s.compress(), &crate::fit::FitOptions::default()).unwrap();
        let batch = CustomerBatch::new(&[2.0], &[30.43], &[38.86]).unwrap();
        let a = customer_lifetime_value_with_intervals(
            &fitted,
            &settings(),
            &batch,
            &[25.0],
            None,
            0.95,
        )
        .unwrap();
        let b = customer_lifetime_value_with_intervals(
            &fitted,
            &settings(),
            &batch,
            &[25.0],
            Some(&[4.0]),
            0.95,
        )
        .unwrap();
        assert!(b.std_error[0] > a.std_error[0] && b.upper[0] > a.upper[0]);
        assert!((a.clv[0] - b.clv[0]).abs() == 0.0);
        // Parameters typed in have no covariance: that no longer compiles (the compile_fail
        // example of `FittedPurchasesGradient`). A fitted model whose information matrix was
        // singular (saved without a covariance) is the run-time case left.
        let mut record = serde_json::to_value(&fitted).unwrap();
        record["covariance"] = serde_json::Value::Null;
        record["covariance_note"] = "information matrix singular".into();
        let singular: crate::models::pareto_nbd::FittedParetoNbd =
            serde_json::from_value(record).unwrap();
        assert!(matches!(
            customer_lifetime_value_with_intervals(
                &singular,
                &settings(),
                &batch,
                &[25.0],
                None,
                0.95
            ),
            Err(Error::SingularInformation { .. })
        ));
        let weekly = ClvSettings {
            period: Period::Day,
            ..settings()
        };
        assert!(matches!(
            customer_lifetime_value_with_intervals(
                &fitted,
                &weekly,
                &batch.with_period(Period::Week),
                &[25.0],
                None,
                0.95
            ),
            Err(Error::PeriodMismatch {
                settings: Period::Day,
                data: Period::Week
            })
        ));
        assert!(customer_lifetime_value_with_intervals(
            &fitted,
            &settings(),
            &batch,
            &[25.0],
            None,
            1.0
        )
        .is_err());
    }
}
