//! Calibration/holdout split, with the semantics of lifetimes 0.11.3
//! `calibration_and_holdout_data`.

use crate::data::{Period, Timestamp, TransactionLog};
use crate::error::{Error, Result};
use crate::summary::builder::{summarise_customer, summarise_customer_exact, SummaryOptions};
use crate::summary::group::{group_by_customer, map_customers, sort_by_time};
use crate::summary::row::CustomerRow;
use crate::summary::RfmSummary;

/// A summary of the calibration period plus what each of its customers did in the holdout
/// period: the data for checking a model's out-of-sample predictions.
///
/// Built by [`SummaryOptions::calibration_holdout`]. Columns (lifetimes' names):
/// `frequency_cal`, `recency_cal`, `T_cal`, `monetary_value_cal` are
/// [`CalibrationHoldout::calibration`]; then [`frequency_holdout`](CalibrationHoldout::frequency_holdout),
/// [`monetary_value_holdout`](CalibrationHoldout::monetary_value_holdout) and
/// [`duration_holdout`](CalibrationHoldout::duration_holdout). All times in periods.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationHoldout {
    calibration: RfmSummary,
    frequency_holdout: Vec<f64>,
    monetary_value_holdout: Option<Vec<f64>>,
    duration_holdout: Vec<f64>,
    stats: HoldoutStats,
}

/// Counts of a calibration/holdout build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldoutStats {
    /// The period.
    pub period: Period,
    /// End of the calibration period (inclusive).
    pub calibration_end: Timestamp,
    /// End of the holdout period (inclusive); the last transaction's time when none was given.
    pub observation_end: Timestamp,
    /// Transactions at or before the calibration end.
    pub calibration_transactions: usize,
    /// Transactions after the calibration end and at or before the observation end, of
    /// customers who bought in the calibration period.
    pub holdout_transactions: usize,
    /// Transactions after the observation end (raw timestamps).
    pub excluded_after_end: usize,
    /// Holdout transactions of customers who did not buy in the calibration period (they have
    /// no row, as in lifetimes).
    pub excluded_new_customers: usize,
}

impl CalibrationHoldout {
    /// The calibration summary (`frequency_cal`, `recency_cal`, `T_cal`,
    /// `monetary_value_cal`), one row per customer who bought by the calibration end.
    pub fn calibration(&self) -> &RfmSummary {
        &self.calibration
    }

    /// Number of customers (rows).
    pub fn len(&self) -> usize {
        self.calibration.len()
    }

    /// True when there are no rows (never, for a split built by this crate).
    pub fn is_empty(&self) -> bool {
        self.calibration.is_empty()
    }

    /// Number of distinct periods with a purchase in the holdout window (0 when none). A
    /// holdout purchase in the period holding the calibration end counts here too.
    pub fn frequency_holdout(&self) -> &[f64] {
        &self.frequency_holdout
    }

    /// Mean amount of the holdout **transactions** (not of period sums, unlike the calibration
    /// monetary value: this is what lifetimes computes), 0 without holdout purchases. `None`
    /// when the log has no amounts.
    pub fn monetary_value_holdout(&self) -> Option<&[f64]> {
        self.monetary_value_holdout.as_deref()
    }

    /// Length of the holdout window in periods: period of the observation end minus period
    /// of the calibration end (the same for every customer with calendar periods).
    pub fn duration_holdout(&self) -> &[f64] {
        &self.duration_holdout
    }

    /// What was counted and excluded.
    pub fn stats(&self) -> &HoldoutStats {
        &self.stats
    }
}

#[derive(Clone, Copy)]
struct HoldoutRow {
    cal: CustomerRow,
    frequency: u32,
    n_txns: u32,
    mean_amount: f64,
    duration: f64,
}

impl SummaryOptions {
    /// Splits a log at `calibration_end` into a calibration summary and holdout counts, with
    /// lifetimes' `calibration_and_holdout_data` semantics:
    ///
    /// * the observation end is [`SummaryOptions::observation_end`], or the last transaction;
    /// * calibration = transactions with time <= `calibration_end` (raw timestamps), summarised
    ///   exactly as [`SummaryOptions::summarise`] with observation end `calibration_end`;
    /// * holdout = transactions with `calibration_end` < time <= observation end (raw
    ///   timestamps); `frequency_holdout` = number of distinct periods among them;
    ///   `monetary_value_holdout` = mean of their amounts (per transaction);
    ///   **not** per period: `frequency_holdout × monetary_value_holdout` is not the holdout
    ///   revenue when a period holds several transactions (sum the log's holdout amounts for
    ///   that);
    /// * `duration_holdout` = period of the observation end − period of the calibration end
    ///   (for [`Period::Custom`], counted from each customer's first purchase);
    /// * only customers with a calibration purchase have a row (holdout-only customers are
    ///   counted in [`HoldoutStats::excluded_new_customers`]).
    ///
    /// With [`SummaryOptions::exact_times`] the calibration summary is the exact-time one
    /// (T_cal = (calibration end − first purchase) / period length), `frequency_holdout`
    /// counts distinct **seconds** with a holdout purchase, and `duration_holdout` =
    /// (observation end − calibration end) / period length, a real number. With
    /// [`SummaryOptions::observation_end_exclusive`] the calibration end is a cut as well:
    /// calibration = time < `calibration_end`, holdout = `calibration_end` <= time < cut
    /// (exact T_cal and duration measured to the cuts; calendar periods as with the last
    /// second before each cut).
    ///
    /// Errors with [`Error::InvalidDate`] when the observation end is not after the
    /// calibration end or no transaction is at or before the calibration end, and with
    /// [`Error::EmptyInput`] when no transaction falls in the holdout window (lifetimes raises
    /// a `ValueError` there too).
    ///
    /// ```
    /// use ltv::data::{Period, Timestamp};
    /// use ltv::datasets;
    /// use ltv::summary::SummaryOptions;
    /// let log = datasets::cdnow_master()?;
    /// let split = SummaryOptions::new(Period::Week)
    ///     .observation_end(Timestamp::parse("1998-06-30")?)
    ///     .calibration_holdout(&log, Timestamp::parse("1997-09-30")?)?;
    /// assert_eq!(split.len(), 23_570);
    /// assert_eq!(split.duration_holdout()[0], 39.0);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn calibration_holdout(
        &self,
        log: &TransactionLog,
        calibration_end: Timestamp,
    ) -> Result<CalibrationHoldout> {
        let period = self.period;
        let include_first = self.include_first_transaction;
        let exact = self.exact_times;
        let length = period.length_seconds();
        let window = self.window(log.last_timestamp())?;
        let end = window.last_kept;
        // with an exclusive observation end the calibration end is a cut too
        let cal_window = if self.end_exclusive {
            SummaryOptions::new(period)
                .observation_end_exclusive(calibration_end)
                .window(calibration_end)?
        } else {
            SummaryOptions::new(period)
                .observation_end(calibration_end)
                .window(calibration_end)?
        };
        let cal_end = cal_window.last_kept;
        if end <= cal_end {
            return Err(Error::InvalidDate {
                value: end.to_string(),
                rule: format!(
                    "observation end must be after the calibration end ({calibration_end})"
                ),
            });
        }
        let keep_all = log.last_timestamp() <= end;
        let grouped = group_by_customer(log, |t| t <= end, keep_all)?;
        let rows = map_customers(&grouped, |_, txns| {
            sort_by_time(txns);
            let split = txns.partition_point(|&(t, _)| t <= cal_end);
            let (cal, hold) = txns.split_at(split);
            let cal_row = if exact {
                summarise_customer_exact(
                    length,
                    include_first,
                    cal,
                    None,
                    cal_end,
                    cal_window.t_end,
                )
            } else {
                summarise_customer(period, include_first, cal, None, cal_end)
            };
            let Some(cal_row) = cal_row else {
                return (None, hold.len());
            };
            let origin = cal[0].0;
            // a purchase = a distinct period, or a distinct second with exact times
            let slot = |t: Timestamp| {
                if exact {
                    t.seconds()
                } else {
                    period.index_from(origin, t)
                }
            };
            let mut frequency = 0u32;
            let mut last: Option<i64> = None;
            let mut sum = 0.0;
            for &(t, a) in hold {
                let p = slot(t);
                if last != Some(p) {
                    frequency += 1;
                    last = Some(p);
                }
                sum += a;
            }
            let n_txns = hold.len() as u32;
            let duration = if exact {
                (window.t_end.seconds() - cal_window.t_end.seconds()) as f64 / length as f64
            } else {
                (period.index_from(origin, end) - period.index_from(origin, cal_end)) as f64
            };
            let row = HoldoutRow {
                cal: cal_row,
                frequency,
                n_txns,
                mean_amount: if n_txns > 0 { sum / n_txns as f64 } else { 0.0 },
                duration,
            };
            (Some(row), 0)
        });
        let (kept, rejected) = (grouped.kept(), grouped.rejected);
        drop(grouped); // free the grouped rows before the output columns are allocated

        let n = rows.iter().filter(|r| r.0.is_some()).count();
        let mut stats = HoldoutStats {
            period,
            calibration_end,
            observation_end: self.observation_end.unwrap_or(end),
            calibration_transactions: 0,
            holdout_transactions: 0,
            excluded_after_end: rejected,
            excluded_new_customers: rows.iter().map(|r| r.1).sum(),
        };
        if n == 0 {
            return Err(Error::InvalidDate {
                value: calibration_end.to_string(),
                rule: format!(
                    "calibration end is before the first purchase ({})",
                    log.first_timestamp()
                ),
            });
        }
        let mut ids = Vec::with_capacity(n);
        let (mut freq, mut rec, mut t) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut money = log.amounts().map(|_| Vec::with_capacity(n));
        let mut f_hold = Vec::with_capacity(n);
        let mut m_hold = log.amounts().map(|_| Vec::with_capacity(n));
        let mut d_hold = Vec::with_capacity(n);
        for (c, (r, _)) in rows.iter().enumerate() {
            let Some(r) = r else { continue };
            if log.amounts().is_some() {
                for (quantity, value) in [
                    ("monetary_value_cal", r.cal.monetary),
                    ("monetary_value_holdout", r.mean_amount),
                ] {
                    if !value.is_finite() {
                        return Err(Error::NonFiniteAggregate {
                            group: "customer".into(),
                            key: log.customer_id(c).to_string(),
                            quantity: quantity.into(),
                            value,
                        });
                    }
                }
            }
            ids.push(log.customer_id(c).to_string());
            freq.push(r.cal.frequency as f64);
            rec.push(r.cal.recency);
            t.push(r.cal.t);
            if let Some(m) = &mut money {
                m.push(r.cal.monetary);
            }
            f_hold.push(r.frequency as f64);
            if let Some(m) = &mut m_hold {
                m.push(r.mean_amount);
            }
            d_hold.push(r.duration);
            stats.holdout_transactions += r.n_txns as usize;
        }
        stats.calibration_transactions =
            kept - stats.holdout_transactions - stats.excluded_new_customers;
        if stats.holdout_transactions + stats.excluded_new_customers == 0 {
            return Err(Error::EmptyInput {
                what: format!(
                    "no transactions after the calibration end {calibration_end} and up to the \
                     observation end {end}"
                ),
            });
        }
        Ok(CalibrationHoldout {
            calibration: RfmSummary::from_checked_parts(ids, freq, rec, t, money, None)
                .with_period(period),
            frequency_holdout: f_hold,
            monetary_value_holdout: m_hold,
            duration_holdout: d_hold,
            stats,
        })
    }
}
