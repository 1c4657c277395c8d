//! Customer lifetime value, lifetimes-compatible: monthly steps, discounted at each month's
//! end.
//!
//! # Formula
//!
//! With `f` model periods per month ([`Period::periods_per_month`]), horizon `N` months,
//! monthly discount rate `d`, the model's conditional expected purchases `E(t)` in
//! `(T, T+t]` and the customer's expected value per purchase `m`:
//!
//! ```text
//! CLV = m · D,    D = Σ_{k=1}^{N} [E(k f) - E((k-1) f)] / (1 + d)^k .
//! ```
//!
//! `D` (the *discounted expected purchases*) depends on the customer's `(x, t_x, T)` only, so
//! it is computed once per distinct history: a weekly summary of a million customers has a
//! few tens of thousands. This is exactly lifetimes 0.11.3's `_customer_lifetime_value`
//! (used by `GammaGammaFitter.customer_lifetime_value`), which the tests reproduce to 1e-9.
//!
//! # Worked example: units
//!
//! A BG/NBD or Pareto/NBD model fitted on a **weekly** summary predicts per week. For a
//! 12-month CLV at 1% a month, lifetimes is called with `time=12, discount_rate=0.01,
//! freq="W"`; getting any of the three wrong (a yearly rate, a horizon in weeks, `freq="D"`)
//! silently gives a different number. Here each has its own type:
//!
//! ```
//! use ltv::models::{pareto_nbd::ParetoNbd, CustomerBatch};
//! use ltv::Period;
//! use ltv::value::{ClvSettings, Months, MonthlyDiscountRate};
//!
//! // Pareto/NBD estimates on the CDNOW sample (weeks)
//! let model = ParetoNbd::new(0.5533, 10.578, 0.6062, 11.667)?;
//! let settings = ClvSettings::new(
//!     Period::Week,                             // the model's time unit
//!     Months::new(12),                          // months, not weeks
//!     MonthlyDiscountRate::from_annual(0.1268)?, // ≈ 1% a month
//! );
//! // one customer: 2 repeat purchases, last at week 30.43, observed for 38.86 weeks
//! let customers = CustomerBatch::new(&[2.0], &[30.43], &[38.86])?.with_period(Period::Week);
//! // expected spend per purchase $24.66 (from a Gamma-Gamma model)
//! let clv = ltv::value::customer_lifetime_value(&model, &settings, &customers, &[24.66])?;
//! // daily settings for weekly customers are refused, not silently valued
//! let daily = ClvSettings::new(Period::Day, Months::new(12), MonthlyDiscountRate::new(0.01)?);
//! assert!(matches!(
//!     ltv::value::customer_lifetime_value(&model, &daily, &customers, &[24.66]),
//!     Err(ltv::Error::PeriodMismatch { .. })
//! ));
//! // months are steps of 4.345 weeks: month k's purchases are E(4.345 k) - E(4.345 (k-1)),
//! // discounted by 1.01^k
//! assert!(clv[0] > 40.0 && clv[0] < 45.0);
//! # Ok::<(), ltv::Error>(())
//! ```

use crate::hashing::{key_bits, BitsMap};

use super::units::{MonthlyDiscountRate, Months};
use crate::error::{Error, Result};
use crate::models::gamma_gamma::GammaGamma;
use crate::models::{CustomerBatch, TransactionModel};
use crate::Period;

/// How to turn a transaction model's predictions into CLV: the model's time unit, the horizon
/// and the discount rate.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ClvSettings {
    /// The time unit of the summary the transaction model was fitted on.
    pub period: Period,
    /// The horizon, in months.
    pub horizon: Months,
    /// The monthly discount rate.
    pub discount: MonthlyDiscountRate,
}

impl ClvSettings {
    /// Settings for a model fitted in `period`s, a horizon of `horizon` months and a monthly
    /// discount rate `discount`.
    pub fn new(period: Period, horizon: Months, discount: MonthlyDiscountRate) -> Self {
        ClvSettings {
            period,
            horizon,
            discount,
        }
    }

    /// Checks the horizon: at most [`Months::MAX`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a longer horizon.
    pub fn validate(&self) -> Result<()> {
        if self.horizon > Months::MAX {
            return Err(Error::invalid_parameter(
                "months",
                f64::from(self.horizon.get()),
                format!(
                    "the horizon must be at most {} months (100 years)",
                    Months::MAX.get()
                ),
            ));
        }
        Ok(())
    }

    /// Checks that `customers` are in the settings' period when their period is known (a
    /// batch built from a summary that knows its period).
    ///
    /// # Errors
    /// [`Error::PeriodMismatch`] when the two differ.
    pub fn check_period(&self, customers: &CustomerBatch<'_>) -> Result<()> {
        match customers.period() {
            Some(data) if data != self.period => Err(Error::PeriodMismatch {
                settings: self.period,
                data,
            }),
            _ => Ok(()),
        }
    }

    /// Horizons `k f`, `k = 0..=N`, in model periods (`f` periods per month).
    pub(crate) fn horizons(&self) -> Vec<f64> {
        let f = self.period.periods_per_month();
        (0..=self.horizon.get()).map(|k| k as f64 * f).collect()
    }

    /// Discount factors `(1+d)^-k`, `k = 1..=N`.
    pub(crate) fn discount_factors(&self) -> Vec<f64> {
        let ln1p = self.discount.get().ln_1p();
        (1..=self.horizon.get())
            .map(|k| (-(k as f64) * ln1p).exp())
            .collect()
    }
}

/// Distinct `(frequency, recency, T)` histories and, per customer, the index of theirs.
pub(crate) struct DistinctHistories {
    pub(crate) frequency: Vec<f64>,
    pub(crate) recency: Vec<f64>,
    pub(crate) t_age: Vec<f64>,
    pub(crate) index: Vec<u32>,
}

impl DistinctHistories {
    pub(crate) fn new(customers: &CustomerBatch<'_>) -> Self {
        let (frequency, recency, t_age) =
            (customers.frequency(), customers.recency(), customers.t());
        let n = frequency.len();
        let mut map: BitsMap<(u64, u64, u64), u32> = BitsMap::default();
        let mut out = Self {
            frequency: Vec::new(),
            recency: Vec::new(),
            t_age: Vec::new(),
            index: Vec::with_capacity(n),
        };
        for i in 0..n {
            let key = (
                key_bits(frequency[i]),
                key_bits(recency[i]),
                key_bits(t_age[i]),
            );
            let next = out.frequency.len() as u32;
            let id = *map.entry(key).or_insert_with(|| {
                out.frequency.push(frequency[i]);
                out.recency.push(recency[i]);
                out.t_age.push(t_age[i]);
                next
            });
            out.index.push(id);
        }
        out
    }

    pub(crate) fn len(&self) -> usize {
        self.frequency.len()
    }

    /// The distinct histories as a batch (rows of a checked batch, so still valid; no
    /// period: the caller's settings carry it).
    pub(crate) fn batch(&self) -> CustomerBatch<'_> {
        CustomerBatch::from_checked(&self.frequency, &self.recency, &self.t_age)
    }
}

/// `D` of one history (see the [module docs](self)); `path` is scratch space of length N+1.
fn discounted_one<M: TransactionModel + ?Sized>(
    model: &M,
    horizons: &[f64],
    discounts: &[f64],
    x: f64,
    tx: f64,
    t: f64,
    path: &mut [f64],
) -> Result<f64> {
    model.conditional_expected_purchases_path_one(horizons, x, tx, t, path)?;
    let mut d = 0.0;
    for k in 1..path.len() {
        d += (path[k] - path[k - 1]) * discounts[k - 1];
    }
    if !d.is_finite() {
        return Err(Error::numerical(
            "discounted expected purchases",
            format!("non-finite value for frequency {x}, recency {tx}, T {t}"),
        ));
    }
    Ok(d)
}

/// `D` for each distinct history, in parallel.
pub(crate) fn discounted_for_histories<M: TransactionModel + ?Sized>(
    model: &M,
    settings: &ClvSettings,
    h: &DistinctHistories,
) -> Result<Vec<f64>> {
    settings.validate()?;
    let horizons = settings.horizons();
    let discounts = settings.discount_factors();
    let one = |i: usize, path: &mut Vec<f64>| {
        discounted_one(
            model,
            &horizons,
            &discounts,
            h.frequency[i],
            h.recency[i],
            h.t_age[i],
            path,
        )
    };
    let n_steps = horizons.len();
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..h.len())
            .into_par_iter()
            .with_min_len(1024)
            .map_init(|| vec![0.0; n_steps], |path, i| one(i, path))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut path = vec![0.0; n_steps];
        (0..h.len()).map(|i| one(i, &mut path)).collect()
    }
}

/// Checks the per-customer expected values: as many as customers, finite and ≥ 0.
pub(crate) fn check_values(n: usize, values: &[f64], name: &str) -> Result<()> {
    if values.len() != n {
        return Err(Error::LengthMismatch {
            left: "frequency".into(),
            left_len: n,
            right: name.into(),
            right_len: values.len(),
        });
    }
    for (i, &v) in values.iter().enumerate() {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::invalid_field(
                i as u64 + 1,
                name,
                v.to_string(),
                "must be finite and >= 0",
            ));
        }
    }
    Ok(())
}

/// Discounted expected purchases `D` per customer (see the [module docs](self)): CLV per unit
/// of value per purchase.
///
/// # Errors
/// [`Error::PeriodMismatch`] when the customers' period is not the settings';
/// [`Error::InvalidParameter`] for a horizon over [`Months::MAX`]; a model's numerical error.
pub fn discounted_expected_purchases<M: TransactionModel + ?Sized>(
    model: &M,
    settings: &ClvSettings,
    customers: &CustomerBatch<'_>,
) -> Result<Vec<f64>> {
    settings.check_period(customers)?;
    let h = DistinctHistories::new(customers);
    let d = discounted_for_histories(model, settings, &h)?;
    Ok(h.index.iter().map(|&i| d[i as usize]).collect())
}

/// Customer lifetime value per customer, lifetimes-compatible (see the
/// [module docs](self)): `expected_value[i]` is customer `i`'s expected value per purchase
/// (for lifetimes parity, the Gamma-Gamma conditional expected average value).
///
/// # Errors
/// As [`discounted_expected_purchases`]; [`Error::LengthMismatch`] unless there is one
/// expected value per customer, [`Error::InvalidField`] (1-based row) for a negative or
/// non-finite one.
pub fn customer_lifetime_value<M: TransactionModel + ?Sized>(
    model: &M,
    settings: &ClvSettings,
    customers: &CustomerBatch<'_>,
    expected_value: &[f64],
) -> Result<Vec<f64>> {
    check_values(customers.len(), expected_value, "expected_value")?;
    let d = discounted_expected_purchases(model, settings, customers)?;
    Ok(d.iter().zip(expected_value).map(|(d, m)| d * m).collect())
}

/// lifetimes' `GammaGammaFitter.customer_lifetime_value`: CLV with the Gamma-Gamma
/// conditional expected average value of each customer as the value per purchase
/// ([`GammaGamma::conditional_expected_average_value`] from the customers' frequency and
/// `monetary_value`, the mean repeat spend).
///
/// ```
/// use ltv::models::{bgnbd::BgNbd, gamma_gamma::GammaGamma, CustomerBatch};
/// use ltv::Period;
/// use ltv::value::{gamma_gamma_customer_lifetime_value, ClvSettings, Months, MonthlyDiscountRate};
/// // lifetimes' CDNOW estimates (weeks)
/// let bgnbd = BgNbd::new(0.2426, 4.4135, 0.7929, 2.4258)?;
/// let spend = GammaGamma::new(6.2488, 3.7446, 15.4477)?;
/// let settings = ClvSettings::new(Period::Week, Months::new(12), MonthlyDiscountRate::new(0.01)?);
/// // CDNOW customer 1: x = 2, t_x = 30.43, T = 38.86, mean repeat spend 22.35
/// let customers = CustomerBatch::new(&[2.0], &[30.43], &[38.86])?;
/// let clv = gamma_gamma_customer_lifetime_value(&bgnbd, &spend, &settings, &customers, &[22.35])?;
/// assert!((clv[0] - 36.28).abs() < 0.01); // lifetimes: 36.2785
/// # Ok::<(), ltv::Error>(())
/// ```
///
/// # Errors
/// As [`customer_lifetime_value`] and
/// [`GammaGamma::conditional_expected_average_values`].
pub fn gamma_gamma_customer_lifetime_value<M: TransactionModel + ?Sized>(
    model: &M,
    spend: &GammaGamma,
    settings: &ClvSettings,
    customers: &CustomerBatch<'_>,
    monetary_value: &[f64],
) -> Result<Vec<f64>> {
    let value = spend.conditional_expected_average_values(customers.frequency(), monetary_value)?;
    customer_lifetime_value(model, settings, customers, &value)
}

#[cfg(test)]
mod tests;
