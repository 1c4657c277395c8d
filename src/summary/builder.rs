//! Building RFM summaries from a transaction log, with the semantics of lifetimes 0.11.3
//! `summary_data_from_transaction_data`.

use crate::data::{Period, Timestamp, TransactionLog};
use crate::error::{Error, Result};
use crate::summary::births::Births;
use crate::summary::group::{group_by_customer, map_customers, sort_by_time, Txn};
use crate::summary::row::CustomerRow;
use crate::summary::stream::summarise_in_order;
use crate::summary::RfmSummary;
use rustc_hash::FxHashMap;

/// How to summarise a transaction log: the period, the end of observation, and whether the
/// first purchase counts.
///
/// # Semantics (those of lifetimes 0.11.3 `summary_data_from_transaction_data`)
///
/// For a calendar [`Period`] (hour, day, week, month) every timestamp is mapped to the calendar
/// period holding it (pandas `to_period`), and for each customer:
///
/// * transactions in a period **after the period holding the observation end** are excluded
///   ([`SummaryStats::excluded_after_end`] counts them). Transactions later than the
///   observation end but inside its period are kept, as lifetimes keeps them (it compares
///   period starts);
/// * all transactions inside one period are one purchase, their amounts summed;
/// * `frequency` = number of purchase periods after the first one;
/// * `recency` = periods from the first purchase period to the last;
/// * `T` = periods from the first purchase period to the observation end's period;
/// * `monetary_value` (when the log has amounts) = mean of the summed amounts of the repeat
///   purchase periods, 0 when frequency is 0.
///
/// With [`SummaryOptions::include_first_transaction`], the first purchase period counts in
/// frequency and monetary value too (recency and T are unchanged), as lifetimes'
/// `include_first_transaction=True`. Models expect the default (`false`).
///
/// For [`Period::Custom`], periods are counted from each customer's first purchase and the
/// observation end is compared with the raw timestamps (transactions after it are excluded).
///
/// With [`SummaryOptions::exact_times`], recency and T are real numbers of periods between
/// exact timestamps instead (formulas and rules there); the calendar summary above stays the
/// default.
///
/// Rows are in order of each customer's first appearance in the log (lifetimes sorts by
/// customer id). Customers without any transaction up to the end are left out
/// ([`SummaryStats::customers_dropped`]).
///
/// ```
/// use ltv::data::{Period, Timestamp, TransactionLog};
/// use ltv::summary::SummaryOptions;
/// let t = |s: &str| Timestamp::parse(s).unwrap();
/// let log = TransactionLog::from_columns(
///     &["a", "a", "a", "b"],
///     &[t("1997-01-01"), t("1997-01-02"), t("1997-01-20"), t("1997-01-08")],
///     Some(&[10.0, 5.0, 7.0, 3.0]),
/// )?;
/// let out = SummaryOptions::new(Period::Week)
///     .observation_end(t("1997-02-04"))
///     .summarise(&log)?;
/// let s = &out.summary;
/// // a: weeks of 1996-12-30 (two purchases merged) and 1997-01-20: one repeat, 3 weeks later
/// assert_eq!((s.frequency()[0], s.recency()[0], s.t()[0]), (1.0, 3.0, 5.0));
/// assert_eq!(s.monetary_value().unwrap()[0], 7.0);
/// assert_eq!((s.frequency()[1], s.t()[1]), (0.0, 4.0));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SummaryOptions {
    pub(crate) period: Period,
    pub(crate) observation_end: Option<Timestamp>,
    /// The observation end is a cut: transactions at it are excluded.
    pub(crate) end_exclusive: bool,
    pub(crate) include_first_transaction: bool,
    pub(crate) exact_times: bool,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        Self::new(Period::Week)
    }
}

/// A summary with the bookkeeping of what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryOutput {
    /// One row per customer; times in periods of [`SummaryStats::period`].
    pub summary: RfmSummary,
    /// What was counted and excluded.
    pub stats: SummaryStats,
}

/// Counts of a summary build, so a caller can see what was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryStats {
    /// The period of the summary.
    pub period: Period,
    /// The observation end used (the last transaction's time when none was given; the cut of
    /// [`SummaryOptions::observation_end_exclusive`], itself excluded).
    pub observation_end: Timestamp,
    /// Transactions that went into the summary.
    pub transactions_used: usize,
    /// Transactions after the observation end (for calendar periods: in a later period).
    pub excluded_after_end: usize,
    /// Transactions in a period before the customer's birth period (only with births).
    pub excluded_before_birth: usize,
    /// Customers left out: no transaction up to the end (and no birth), or born after it.
    pub customers_dropped: usize,
    /// Customers of the log without a birth time, summarised from their first purchase
    /// (only with births).
    pub customers_without_birth: usize,
    /// Rows for customers from the births table who never bought (only with births).
    pub customers_without_purchase: usize,
}

/// Summarises one customer's transactions (sorted by time, all already within the
/// observation window). `origin` is the birth time when known; otherwise the first purchase.
/// `None` when the customer has nothing to summarise (no birth and no transaction, or born
/// after `end`).
#[inline]
pub(crate) fn summarise_customer(
    period: Period,
    include_first: bool,
    txns: &[Txn],
    birth: Option<Timestamp>,
    end: Timestamp,
) -> Option<CustomerRow> {
    let origin = match (birth, txns.first()) {
        (Some(b), _) => b,
        (None, Some(&(t, _))) => t,
        (None, None) => return None,
    };
    let p0 = period.index_from(origin, origin);
    let e = period.index_from(origin, end);
    if e < p0 {
        return None;
    }
    let mut before_birth = 0u32;
    let mut n_counted = 0u32;
    let mut sum_counted = 0.0f64;
    let mut last: Option<i64> = None;
    let mut current: Option<(i64, f64)> = None; // (period, summed amount)
    let close = |(p, v): (i64, f64), n: &mut u32, s: &mut f64| {
        if include_first || p > p0 {
            *n += 1;
            *s += v;
        }
    };
    for &(t, a) in txns {
        let p = period.index_from(origin, t);
        if p < p0 {
            before_birth += 1;
            continue;
        }
        match &mut current {
            Some((cp, v)) if *cp == p => *v += a,
            _ => {
                if let Some(done) = current.take() {
                    close(done, &mut n_counted, &mut sum_counted);
                }
                current = Some((p, a));
            }
        }
        last = Some(p);
    }
    if let Some(done) = current {
        close(done, &mut n_counted, &mut sum_counted);
    }
    Some(CustomerRow {
        frequency: n_counted,
        recency: last.map_or(0.0, |l| (l - p0) as f64),
        t: (e - p0) as f64,
        monetary: if n_counted > 0 {
            sum_counted / n_counted as f64
        } else {
            0.0
        },
        before_birth,
    })
}

/// Summarises one customer's transactions (sorted by time, all at or before the observation
/// end) in exact time: recency and T in real periods of `length` seconds, T measured to
/// `t_end`. `birth` as in [`summarise_customer`]; `None` when there is nothing to summarise
/// (no birth and no transaction, or born after `last_kept`, the last observed second).
///
/// Transactions at the same second are one purchase (amounts summed). Without a birth the
/// first purchase instant is the birth (counted only with `include_first`); with a birth every
/// purchase at or after it counts and transactions before it are `before_birth`.
#[inline]
pub(crate) fn summarise_customer_exact(
    length: i64,
    include_first: bool,
    txns: &[Txn],
    birth: Option<Timestamp>,
    last_kept: Timestamp,
    t_end: Timestamp,
) -> Option<CustomerRow> {
    let (origin, born) = match (birth, txns.first()) {
        (Some(b), _) => (b, true),
        (None, Some(&(t, _))) => (t, false),
        (None, None) => return None,
    };
    if origin > last_kept {
        return None;
    }
    let counts = |t: Timestamp| born || include_first || t > origin;
    let mut before_birth = 0u32;
    let mut n_counted = 0u32;
    let mut sum_counted = 0.0f64;
    let mut current: Option<(Timestamp, f64)> = None; // (instant, summed amount)
    for &(t, a) in txns {
        if t < origin {
            before_birth += 1;
            continue;
        }
        match &mut current {
            Some((ct, v)) if *ct == t => *v += a,
            _ => {
                if let Some((ct, v)) = current.take() {
                    if counts(ct) {
                        n_counted += 1;
                        sum_counted += v;
                    }
                }
                current = Some((t, a));
            }
        }
    }
    let last = current.map(|(ct, v)| {
        if counts(ct) {
            n_counted += 1;
            sum_counted += v;
        }
        ct
    });
    let periods = |to: Timestamp| (to.seconds() - origin.seconds()) as f64 / length as f64;
    Some(CustomerRow {
        frequency: n_counted,
        recency: last.map_or(0.0, periods),
        t: periods(t_end),
        monetary: if n_counted > 0 {
            sum_counted / n_counted as f64
        } else {
            0.0
        },
        before_birth,
    })
}

/// The observation window of a build: transactions at or before `last_kept` count; exact-time
/// T runs to `t_end` (the cut itself for an exclusive end).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) last_kept: Timestamp,
    pub(crate) t_end: Timestamp,
}

impl SummaryOptions {
    /// Options for the given period; observation end = the last transaction; first purchase
    /// not counted.
    pub fn new(period: Period) -> Self {
        Self {
            period,
            observation_end: None,
            end_exclusive: false,
            include_first_transaction: false,
            exact_times: false,
        }
    }

    /// Sets the end of observation, **inclusive**: a transaction at `end` counts (see the
    /// type's semantics for calendar periods). With [`SummaryOptions::exact_times`], `end` is
    /// an instant and T is measured to it; a date-only timestamp such as
    /// `Timestamp::parse("2024-03-10")` is **midnight starting** that day, so the rest of that
    /// day is not observed: to observe through the whole day use
    /// [`SummaryOptions::observation_end_exclusive`] with the next midnight.
    pub fn observation_end(mut self, end: Timestamp) -> Self {
        self.observation_end = Some(end);
        self.end_exclusive = false;
        self
    }

    /// Ends observation at the instant `cut`, **exclusive**: transactions at `cut` or later are
    /// left out. This is "through the end of day D" with `cut` = midnight after D, what a
    /// date-only `--observation-end D` means for `ltv summary --exact-times`.
    ///
    /// * With [`SummaryOptions::exact_times`], T is measured to `cut`: a customer born at
    ///   midnight starting D and observed through D has T = 1 day.
    /// * Otherwise (calendar periods, [`Period::Custom`]) it is the same as
    ///   `observation_end(cut − 1 s)`, the last second observed.
    ///
    /// [`SummaryStats::observation_end`] reports `cut`. Errors (when summarising) with
    /// [`Error::InvalidDate`] for a cut at [`Timestamp::MIN`], before which nothing exists.
    ///
    /// ```
    /// use ltv::data::{Period, Timestamp, TransactionLog};
    /// use ltv::summary::SummaryOptions;
    /// let t = |s: &str| Timestamp::parse(s).unwrap();
    /// let log = TransactionLog::from_columns(
    ///     &["a", "a", "a"],
    ///     &[t("2024-01-01 06:00:00"), t("2024-01-03 18:00:00"), t("2024-01-04")],
    ///     None,
    /// )?;
    /// let out = SummaryOptions::new(Period::Day)
    ///     .exact_times(true)
    ///     .observation_end_exclusive(t("2024-01-04")) // through the end of 2024-01-03
    ///     .summarise(&log)?;
    /// assert_eq!(out.stats.excluded_after_end, 1); // the purchase at 2024-01-04 00:00
    /// assert_eq!(out.summary.frequency(), [1.0]);
    /// assert_eq!(out.summary.recency(), [2.5]); // 2.5 days after 06:00 on the first day
    /// assert_eq!(out.summary.t(), [2.75]);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn observation_end_exclusive(mut self, cut: Timestamp) -> Self {
        self.observation_end = Some(cut);
        self.end_exclusive = true;
        self
    }

    /// Exact-time summaries: recency and T as real numbers of periods measured between exact
    /// timestamps (seconds), instead of whole calendar periods. Default `false`: the
    /// lifetimes-compatible calendar summary.
    ///
    /// # Formula
    ///
    /// With `L` = [`Period::length_seconds`] (hour 3 600 s, day 86 400 s, week 604 800 s, a
    /// custom length, month the average Gregorian month of 30.436875 days), `birth` the
    /// customer's first transaction (or, with
    /// [`SummaryOptions::summarise_with_births`], the given birth time) and `end` the
    /// observation end ([`SummaryOptions::observation_end`], inclusive; or the cut of
    /// [`SummaryOptions::observation_end_exclusive`]):
    ///
    /// * `T = (end − birth) / L`;
    /// * `recency = (last purchase − birth) / L`, 0 without a purchase after the birth;
    /// * `frequency` = number of purchases after the birth;
    /// * `monetary_value` = mean amount of those purchases (0 when frequency is 0).
    ///
    /// Rules:
    ///
    /// * **same instant**: transactions at the same second are one purchase, their amounts
    ///   summed (an order split into lines), as the calendar summary merges a period;
    /// * **without births**, the first purchase instant is the birth and is not counted in
    ///   frequency or monetary value (lifetimes' semantics), unless
    ///   [`SummaryOptions::include_first_transaction`];
    /// * **with births**, every purchase at or after the birth instant counts, including one
    ///   at the birth second itself (recency 0); `include_first_transaction` changes nothing
    ///   for customers with a birth. Transactions **before** the birth instant are left out
    ///   and counted in [`SummaryStats::excluded_before_birth`], as the calendar summary does
    ///   for periods before the birth period (so a purchase earlier on the install day is
    ///   kept by a daily calendar summary but not by an exact one). Customers born after the
    ///   end are left out;
    /// * transactions after the end are left out ([`SummaryStats::excluded_after_end`]):
    ///   the end is an instant, not a calendar period.
    ///
    /// Then `0 ≤ recency ≤ T`. With the same [`SummaryOptions::observation_end`], T differs
    /// from the calendar summary's T by less than one period for hours, days and weeks (the
    /// calendar T counts the period boundaries crossed); for months by a little more at most
    /// (calendar months of 28 to 31 days against the average month).
    ///
    /// Exact times work in [`SummaryOptions::summarise`],
    /// [`SummaryOptions::summarise_with_births`] and
    /// [`SummaryOptions::calibration_holdout`]; `ltv summary --exact-times` and
    /// `ltv pipeline --exact-times` select them on the command line.
    ///
    /// ```
    /// use ltv::data::{Period, Timestamp, TransactionLog};
    /// use ltv::summary::SummaryOptions;
    /// let t = |s: &str| Timestamp::parse(s).unwrap();
    /// // installed (first purchase) at 23:00 and at 01:00 of the same day
    /// let log = TransactionLog::from_columns(
    ///     &["late", "early", "early"],
    ///     &[t("2024-01-01 23:00:00"), t("2024-01-01 01:00:00"), t("2024-01-02 13:00:00")],
    ///     Some(&[5.0, 5.0, 8.0]),
    /// )?;
    /// let out = SummaryOptions::new(Period::Day)
    ///     .exact_times(true)
    ///     .observation_end(t("2024-01-11"))
    ///     .summarise(&log)?;
    /// let s = &out.summary;
    /// assert!((s.t()[0] - (9.0 + 1.0 / 24.0)).abs() < 1e-12);
    /// assert!((s.t()[1] - s.t()[0] - 22.0 / 24.0).abs() < 1e-12); // 22/24 of a day longer
    /// assert_eq!((s.frequency()[1], s.recency()[1]), (1.0, 1.5));
    /// assert_eq!(s.monetary_value().unwrap(), [0.0, 8.0]);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn exact_times(mut self, exact: bool) -> Self {
        self.exact_times = exact;
        self
    }

    /// True for exact-time summaries ([`SummaryOptions::exact_times`]).
    pub fn is_exact_times(&self) -> bool {
        self.exact_times
    }

    /// The observation window for a log whose last transaction is `last`: the last second
    /// observed, and the instant exact-time T runs to.
    pub(crate) fn window(&self, last: Timestamp) -> Result<Window> {
        match (self.observation_end, self.end_exclusive) {
            (None, _) => Ok(Window {
                last_kept: last,
                t_end: last,
            }),
            (Some(end), false) => Ok(Window {
                last_kept: end,
                t_end: end,
            }),
            (Some(cut), true) => {
                let last_kept = Timestamp::from_seconds(cut.seconds() - 1).ok_or_else(|| {
                    Error::InvalidDate {
                        value: cut.to_string(),
                        rule: "an exclusive observation end must be after 0001-01-01 00:00:00"
                            .into(),
                    }
                })?;
                Ok(Window {
                    last_kept,
                    t_end: cut,
                })
            }
        }
    }

    /// Counts the first purchase period in frequency and monetary value (lifetimes'
    /// `include_first_transaction`). Default `false`, which is what the models expect.
    pub fn include_first_transaction(mut self, include: bool) -> Self {
        self.include_first_transaction = include;
        self
    }

    /// The period of the summaries built with these options.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Summarises a log, one row per customer (see the type's semantics).
    ///
    /// Errors with [`Error::InvalidDate`] when no transaction is at or before the observation
    /// end (an observation end before the first purchase).
    pub fn summarise(&self, log: &TransactionLog) -> Result<SummaryOutput> {
        self.build(log, None)
    }

    /// Summarises a log with a separate table of birth times (sign-up, install): each
    /// customer's clock starts at the **period of their birth** rather than their first
    /// purchase, and customers in `births` who never bought appear with frequency 0,
    /// recency 0 and T = periods from birth to the end.
    ///
    /// Rules, for a customer born in period b (calendar periods; for [`Period::Custom`] periods
    /// are counted from the birth time):
    ///
    /// * transactions in a period before b are excluded ([`SummaryStats::excluded_before_birth`]);
    /// * a purchase in the birth period itself is the acquisition (like lifetimes' first
    ///   purchase): not counted in frequency or monetary value unless
    ///   [`SummaryOptions::include_first_transaction`];
    /// * frequency = purchase periods after b; recency = last purchase period − b (0 without
    ///   purchases); T = end period − b;
    /// * customers born after the end are left out ([`SummaryStats::customers_dropped`]);
    /// * customers of the log missing from `births` are summarised from their first purchase
    ///   as in [`SummaryOptions::summarise`] ([`SummaryStats::customers_without_birth`]).
    ///
    /// With [`SummaryOptions::exact_times`], the clock starts at the birth **instant**: every
    /// purchase at or after it counts (no purchase is the acquisition), transactions before
    /// it are excluded, and times are real periods from it (see there).
    ///
    /// Rows: the log's customers in order of first appearance, then the customers only in
    /// `births`, in their order there.
    ///
    /// ```
    /// use ltv::data::{Period, Timestamp, TransactionLog};
    /// use ltv::summary::{Births, SummaryOptions};
    /// let t = |s: &str| Timestamp::parse(s).unwrap();
    /// let log = TransactionLog::from_columns(&["u1", "u1"], &[t("2024-01-01"), t("2024-01-05")], None)?;
    /// let births = Births::from_columns(&["u1", "u2"], &[t("2024-01-01"), t("2024-01-02")])?;
    /// let out = SummaryOptions::new(Period::Day)
    ///     .observation_end(t("2024-01-10"))
    ///     .summarise_with_births(&log, &births)?;
    /// assert_eq!(out.summary.customer_ids(), ["u1", "u2"]);
    /// assert_eq!(out.summary.frequency(), [1.0, 0.0]);
    /// assert_eq!(out.summary.recency(), [4.0, 0.0]);
    /// assert_eq!(out.summary.t(), [9.0, 8.0]);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn summarise_with_births(
        &self,
        log: &TransactionLog,
        births: &Births,
    ) -> Result<SummaryOutput> {
        self.build(log, Some(births))
    }

    /// Summarises customers known only by their birth, none of whom has bought yet (an app's
    /// users on its first day): what [`SummaryOptions::summarise_with_births`] gives its
    /// births-only customers, for when there is no transaction at all (a
    /// [`TransactionLog`] is never empty).
    ///
    /// Each customer born at or before the end gets frequency 0, recency 0, T = periods from
    /// birth to the end (calendar or exact, as the options say) and monetary value 0 (no
    /// purchase, so no spend: the summary can be valued like any other). Rows in the order
    /// of `births`; customers born after the end are left out
    /// ([`SummaryStats::customers_dropped`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] without an observation end (there is no last transaction
    /// to default to); [`Error::InvalidDate`] when every customer is born after the end.
    ///
    /// ```
    /// use ltv::data::{Period, Timestamp};
    /// use ltv::summary::{Births, SummaryOptions};
    /// let t = |s: &str| Timestamp::parse(s).unwrap();
    /// let births = Births::from_columns(&["u1", "u2"], &[t("2024-01-01 06:00:00"), t("2024-01-02")])?;
    /// let out = SummaryOptions::new(Period::Day)
    ///     .exact_times(true)
    ///     .observation_end_exclusive(t("2024-01-04"))
    ///     .summarise_births(&births)?;
    /// assert_eq!(out.summary.t(), [2.75, 2.0]);
    /// assert_eq!(out.summary.frequency(), [0.0, 0.0]);
    /// assert_eq!(out.summary.monetary_value().unwrap(), [0.0, 0.0]);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn summarise_births(&self, births: &Births) -> Result<SummaryOutput> {
        let Some(given_end) = self.observation_end else {
            return Err(Error::invalid_parameter(
                "observation_end",
                f64::NAN,
                "a summary of births without transactions needs an observation end",
            ));
        };
        let window = self.window(given_end)?;
        let (period, end) = (self.period, window.last_kept);
        let (mut ids, mut freq, mut rec, mut t) = (vec![], vec![], vec![], vec![]);
        for (id, &b) in births.ids().iter().zip(births.times()) {
            let row = if self.exact_times {
                summarise_customer_exact(
                    period.length_seconds(),
                    self.include_first_transaction,
                    &[],
                    Some(b),
                    end,
                    window.t_end,
                )
            } else {
                summarise_customer(period, self.include_first_transaction, &[], Some(b), end)
            };
            if let Some(r) = row {
                ids.push(id.clone());
                freq.push(0.0);
                rec.push(r.recency);
                t.push(r.t);
            }
        }
        if ids.is_empty() {
            return Err(Error::InvalidDate {
                value: end.to_string(),
                rule: "observation end is before every birth".into(),
            });
        }
        let n = ids.len();
        let stats = SummaryStats {
            period,
            observation_end: given_end,
            transactions_used: 0,
            excluded_after_end: 0,
            excluded_before_birth: 0,
            customers_dropped: births.len() - n,
            customers_without_birth: 0,
            customers_without_purchase: n,
        };
        Ok(SummaryOutput {
            summary: RfmSummary::new(ids, freq, rec, t, Some(vec![0.0; n]), None)?
                .with_period(period),
            stats,
        })
    }

    fn build(&self, log: &TransactionLog, births: Option<&Births>) -> Result<SummaryOutput> {
        let period = self.period;
        let window = self.window(log.last_timestamp())?;
        let end = window.last_kept;
        let exact = self.exact_times;
        let include_first = self.include_first_transaction;
        let one = |txns: &[Txn], birth: Option<Timestamp>| {
            if exact {
                let length = period.length_seconds();
                summarise_customer_exact(length, include_first, txns, birth, end, window.t_end)
            } else {
                summarise_customer(period, include_first, txns, birth, end)
            }
        };

        // birth of each log customer, and the births-only customers
        let mut birth_of: Vec<Option<Timestamp>> = Vec::new();
        let mut births_only: Vec<(usize, Timestamp)> = Vec::new();
        if let Some(b) = births {
            let index: FxHashMap<&str, usize> = log
                .customer_ids()
                .iter()
                .enumerate()
                .map(|(i, s)| (s.as_str(), i))
                .collect();
            birth_of = vec![None; log.n_customers()];
            for (j, (id, &t)) in b.ids().iter().zip(b.times()).enumerate() {
                match index.get(id.as_str()) {
                    Some(&c) => birth_of[c] = Some(t),
                    None => births_only.push((j, t)),
                }
            }
        }

        // which transactions are inside the observation window
        let e = period.index(end);
        let keep = |t: Timestamp| {
            if period.is_calendar() && !exact {
                period.index(t) <= e
            } else {
                t <= end
            }
        };
        let keep_all = keep(log.last_timestamp());

        // one pass when every customer's transactions are in time order, else group and sort
        // (exact times always group)
        let streamed = if exact {
            None
        } else {
            summarise_in_order(log, period, include_first, end, keep, keep_all, &birth_of)
        };
        let (rows, kept_and_before, rejected) = match streamed {
            Some(s) => (s.rows, log.len() - s.rejected, s.rejected),
            None => {
                let grouped = group_by_customer(log, keep, keep_all)?;
                let rows = map_customers(&grouped, |c, txns| {
                    sort_by_time(txns);
                    one(txns, birth_of.get(c).copied().flatten())
                });
                (rows, grouped.kept(), grouped.rejected)
            }
        };
        let kept = kept_and_before;

        let n_rows = rows.iter().filter(|r| r.is_some()).count();
        let births_only_dropped = births_only.len();
        let extra: Vec<(usize, CustomerRow)> = births_only
            .iter()
            .filter_map(|&(j, t)| one(&[], Some(t)).map(|r| (j, r)))
            .collect();
        if n_rows + extra.len() == 0 {
            return Err(Error::InvalidDate {
                value: end.to_string(),
                rule: format!(
                    "observation end is before the first purchase ({}){}",
                    log.first_timestamp(),
                    if births.is_some() {
                        " and before every birth"
                    } else {
                        ""
                    }
                ),
            });
        }

        let mut stats = SummaryStats {
            period,
            observation_end: self.observation_end.unwrap_or(end),
            transactions_used: 0,
            excluded_after_end: rejected,
            excluded_before_birth: 0,
            customers_dropped: log.n_customers() - n_rows + births_only_dropped - extra.len(),
            customers_without_birth: 0,
            customers_without_purchase: extra.len(),
        };
        let n = n_rows + extra.len();
        let mut ids = Vec::with_capacity(n);
        let mut freq = Vec::with_capacity(n);
        let mut rec = Vec::with_capacity(n);
        let mut t = Vec::with_capacity(n);
        let mut money = log.amounts().map(|_| Vec::with_capacity(n));
        let mut push = |id: &str, r: &CustomerRow| -> Result<()> {
            if money.is_some() && !r.monetary.is_finite() {
                return Err(Error::NonFiniteAggregate {
                    group: "customer".into(),
                    key: id.to_string(),
                    quantity: "monetary_value".into(),
                    value: r.monetary,
                });
            }
            ids.push(id.to_string());
            freq.push(r.frequency as f64);
            rec.push(r.recency);
            t.push(r.t);
            if let Some(m) = &mut money {
                m.push(r.monetary);
            }
            Ok(())
        };
        for (c, r) in rows.iter().enumerate() {
            if let Some(r) = r {
                push(log.customer_id(c), r)?;
                stats.excluded_before_birth += r.before_birth as usize;
                if births.is_some() && birth_of[c].is_none() {
                    stats.customers_without_birth += 1;
                }
            }
        }
        if let Some(b) = births {
            for (j, r) in &extra {
                push(&b.ids()[*j], r)?;
            }
        }
        stats.transactions_used = kept - stats.excluded_before_birth;
        debug_assert!(RfmSummary::new(
            ids.clone(),
            freq.clone(),
            rec.clone(),
            t.clone(),
            money.clone(),
            None
        )
        .is_ok());
        Ok(SummaryOutput {
            summary: RfmSummary::from_checked_parts(ids, freq, rec, t, money, None)
                .with_period(self.period),
            stats,
        })
    }
}
