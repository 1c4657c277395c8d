//! Customer lifetime value: expected purchases × expected spend, discounted, with intervals.
//!
//! * [`clv`]: lifetimes-compatible CLV ([`customer_lifetime_value`]) for any
//!   [`TransactionModel`](crate::models::TransactionModel) — monthly steps, discounted at each
//!   month's end, computed once per distinct history;
//! * [`interval`]: per-customer intervals from parameter uncertainty (delta method);
//! * [`gradient`]: analytic parameter derivatives of the conditional expected purchases
//!   ([`PurchasesGradient`]), which the intervals chain through the CLV sum;
//! * [`dert`]: closed-form discounted expected residual transactions of the Pareto/NBD model
//!   (continuous discounting, the value CLVTools reports);
//! * [`units`]: the typed horizon ([`Months`]) and rates ([`MonthlyDiscountRate`],
//!   [`ContinuousDiscountRate`]); the model's time unit is the summary's
//!   [`Period`](crate::Period).

pub mod clv;
pub mod dert;
mod expint;
pub mod gradient;
pub mod interval;
pub mod units;

pub use clv::{
    customer_lifetime_value, discounted_expected_purchases, gamma_gamma_customer_lifetime_value,
    ClvSettings,
};
pub use gradient::PurchasesGradient;
pub use interval::{customer_lifetime_value_with_intervals, ClvWithIntervals};
pub use units::{ContinuousDiscountRate, MonthlyDiscountRate, Months};
