//! Typed horizons and discount rates (the time unit is the crate's one [`crate::Period`]), so
//! that months, periods and rates cannot be mixed up (the most common complaint about lifetimes' `customer_lifetime_value`, its
//! issues #137, #194 and #215).

use crate::error::{Error, Result};

/// A CLV horizon in whole **months**.
///
/// ```
/// use ltv::value::Months;
/// let one_year = Months::new(12);
/// assert_eq!(one_year.get(), 12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Months(u32);

impl Months {
    /// The longest horizon CLV accepts: 1,200 months (100 years). Each month costs O(1) per
    /// distinct customer history (the expectations are continued from the previous month),
    /// so this bound keeps a CLV run to a fraction of a second per thousand histories; at a
    /// monthly discount rate of 1% the months beyond it carry less than 1e-5 of the value.
    /// Longer horizons are [`Error::InvalidParameter`] where CLV is computed.
    pub const MAX: Months = Months(1200);

    /// `n` months.
    pub fn new(n: u32) -> Self {
        Months(n)
    }

    /// The number of months.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A discount rate per **month**, compounded monthly: cash flows of month `k` are divided
/// by `(1 + d)^k` (lifetimes' `discount_rate`).
///
/// ```
/// use ltv::value::MonthlyDiscountRate;
/// let d = MonthlyDiscountRate::new(0.01)?;
/// assert_eq!(d.get(), 0.01);
/// // 12.68% a year is about 1% a month
/// let a = MonthlyDiscountRate::from_annual(0.1268250301319698)?;
/// assert!((a.get() - 0.01).abs() < 1e-12);
/// assert!(MonthlyDiscountRate::new(-0.5).is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct MonthlyDiscountRate(f64);

impl MonthlyDiscountRate {
    /// A monthly rate `d` (0.01 is 1% a month).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `0 ≤ d < 1` (a rate of 100% a month or more is a
    /// unit mistake — a yearly rate or a percentage — and the campaign report refuses it too).
    pub fn new(d: f64) -> Result<Self> {
        if !(d.is_finite() && (0.0..1.0).contains(&d)) {
            return Err(Error::invalid_parameter(
                "monthly discount rate",
                d,
                "must be >= 0 and < 1 (0.01 means 1% per month)",
            ));
        }
        Ok(MonthlyDiscountRate(d))
    }

    /// The monthly rate equivalent to an annual rate `a`: `(1 + a)^(1/12) - 1`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `a` is finite and ≥ 0.
    pub fn from_annual(a: f64) -> Result<Self> {
        if !(a.is_finite() && a >= 0.0) {
            return Err(Error::invalid_parameter(
                "annual discount rate",
                a,
                "must be finite and >= 0 (0.1 means 10% per year)",
            ));
        }
        Self::new((a.ln_1p() / 12.0).exp_m1())
    }

    /// The rate per month.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A continuously compounded discount rate per **model period**: a cash flow at `t` periods
/// is worth `e^{-δ t}` now. Used by DERT ([`crate::value::dert`]).
///
/// ```
/// use ltv::value::ContinuousDiscountRate;
/// // 15% a year, for a model fitted on weekly data (52 weeks a year)
/// let d = ContinuousDiscountRate::from_annual(0.15, 52.0)?;
/// assert!((d.get() - 0.15f64.ln_1p() / 52.0).abs() < 1e-15);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct ContinuousDiscountRate(f64);

impl ContinuousDiscountRate {
    /// A continuous rate `δ` per model period.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `δ` is finite and > 0 (DERT diverges at 0 when
    /// customers may live forever).
    pub fn new(delta: f64) -> Result<Self> {
        if !(delta.is_finite() && delta > 0.0) {
            return Err(Error::invalid_parameter(
                "continuous discount rate",
                delta,
                "must be finite and > 0 (per model period)",
            ));
        }
        Ok(ContinuousDiscountRate(delta))
    }

    /// The continuous rate per period equivalent to an annual rate `a` (compounded yearly)
    /// when a year has `periods_per_year` model periods: `δ = ln(1 + a) / periods_per_year`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `a > 0` and `periods_per_year > 0`, both finite.
    pub fn from_annual(a: f64, periods_per_year: f64) -> Result<Self> {
        if !(a.is_finite() && a > 0.0) {
            return Err(Error::invalid_parameter(
                "annual discount rate",
                a,
                "must be finite and > 0",
            ));
        }
        if !(periods_per_year.is_finite() && periods_per_year > 0.0) {
            return Err(Error::invalid_parameter(
                "periods per year",
                periods_per_year,
                "must be finite and > 0",
            ));
        }
        Self::new(a.ln_1p() / periods_per_year)
    }

    /// The rate per model period.
    pub fn get(self) -> f64 {
        self.0
    }
}
