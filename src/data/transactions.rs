//! The transaction log: who bought when, and for how much.

use crate::data::interner::{Interner, Names};
use crate::data::Timestamp;
use crate::error::{Error, Result};

/// A transaction log held column-wise: one entry per transaction, customer ids interned.
///
/// * customers are numbered `0..n_customers()` in order of first appearance; the original id
///   of customer `k` is `customer_ids()[k]`;
/// * `customer_index()[i]` is the customer number of transaction `i`;
/// * `timestamps()[i]` its time (seconds on a naive clock, see [`Timestamp`]);
/// * `amounts()`, when present, its monetary value (finite, >= 0).
///
/// Order of transactions is kept as given; summaries do not need sorted input.
///
/// Every constructor checks every row: empty customer id, non-finite or negative amount, and an
/// empty log are errors naming the row. Build one from CSV with
/// [`TransactionCsvOptions`](crate::data::TransactionCsvOptions), from slices with
/// [`TransactionLog::from_columns`], or row by row with [`TransactionLogBuilder`].
///
/// ```
/// use ltv::data::{Timestamp, TransactionLog};
/// let t = |s: &str| Timestamp::parse(s).unwrap();
/// let log = TransactionLog::from_columns(
///     &["alice", "bob", "alice"],
///     &[t("2024-01-02"), t("2024-01-03"), t("2024-02-10")],
///     Some(&[10.0, 5.0, 12.5]),
/// )?;
/// assert_eq!(log.len(), 3);
/// assert_eq!(log.customer_ids(), ["alice", "bob"]);
/// assert_eq!(log.customer_index(), [0, 1, 0]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionLog {
    customer_ids: CustomerIds,
    customer: Vec<u32>,
    timestamp: Vec<Timestamp>,
    amount: Option<Vec<f64>>,
    first: Timestamp,
    last: Timestamp,
}

impl TransactionLog {
    /// Builds a log from parallel slices (one entry per transaction).
    ///
    /// Errors: [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidField`] (1-based row) for an empty customer id or an amount that is not
    /// finite and >= 0; [`Error::EmptyInput`] for no rows.
    pub fn from_columns<S: AsRef<str>>(
        customer_ids: &[S],
        timestamps: &[Timestamp],
        amounts: Option<&[f64]>,
    ) -> Result<Self> {
        let n = customer_ids.len();
        let mismatch = |right: &str, right_len: usize| Error::LengthMismatch {
            left: "customer_ids".into(),
            left_len: n,
            right: right.into(),
            right_len,
        };
        if timestamps.len() != n {
            return Err(mismatch("timestamps", timestamps.len()));
        }
        if let Some(a) = amounts {
            if a.len() != n {
                return Err(mismatch("amounts", a.len()));
            }
        }
        let mut b = TransactionLogBuilder::with_capacity(amounts.is_some(), n);
        for i in 0..n {
            b.push(
                customer_ids[i].as_ref(),
                timestamps[i],
                amounts.map(|a| a[i]),
            )?;
        }
        b.build()
    }

    /// Builds a log from an iterator of `(customer id, timestamp, amount)` rows. Either every
    /// row has an amount or none has. Errors as [`TransactionLogBuilder::push`] and
    /// [`TransactionLogBuilder::build`].
    pub fn from_rows<S, I>(rows: I) -> Result<Self>
    where
        S: AsRef<str>,
        I: IntoIterator<Item = (S, Timestamp, Option<f64>)>,
    {
        let mut rows = rows.into_iter().peekable();
        let has_amounts = rows.peek().is_some_and(|r| r.2.is_some());
        let mut b = TransactionLogBuilder::with_capacity(has_amounts, rows.size_hint().0);
        for (id, ts, amount) in rows {
            b.push(id.as_ref(), ts, amount)?;
        }
        b.build()
    }

    /// Assembles a log from parts already checked by a reader in this crate.
    pub(crate) fn from_checked_parts(
        customer_ids: Vec<String>,
        customer: Vec<u32>,
        timestamp: Vec<Timestamp>,
        amount: Option<Vec<f64>>,
    ) -> Result<Self> {
        Self::from_checked_ids(
            CustomerIds::strings(customer_ids),
            customer,
            timestamp,
            amount,
        )
    }

    /// As [`TransactionLog::from_checked_parts`], the ids in one text arena (the CSV
    /// reader's: no `String` per customer until [`TransactionLog::customer_ids`] asks).
    pub(crate) fn from_checked_arena(
        names: Names,
        customer: Vec<u32>,
        timestamp: Vec<Timestamp>,
        amount: Option<Vec<f64>>,
    ) -> Result<Self> {
        Self::from_checked_ids(CustomerIds::arena(names), customer, timestamp, amount)
    }

    fn from_checked_ids(
        customer_ids: CustomerIds,
        customer: Vec<u32>,
        timestamp: Vec<Timestamp>,
        amount: Option<Vec<f64>>,
    ) -> Result<Self> {
        if customer.is_empty() {
            return Err(Error::EmptyInput {
                what: "transaction log has no rows".into(),
            });
        }
        let (mut first, mut last) = (Timestamp::MAX, Timestamp::MIN);
        for &t in &timestamp {
            first = first.min(t);
            last = last.max(t);
        }
        Ok(Self {
            customer_ids,
            customer,
            timestamp,
            amount,
            first,
            last,
        })
    }

    /// Builds a log from customers already numbered: `customer_ids[k]` is the id of customer
    /// `k` and `customer[i]` the number of transaction `i`'s customer, as a dictionary encoding
    /// (`pandas.factorize`, an Arrow dictionary, a database's) hands them over. This skips the
    /// id interning of [`TransactionLog::from_columns`] (the Python bindings use it).
    ///
    /// Errors: [`Error::LengthMismatch`] when the columns differ in length;
    /// [`Error::InvalidField`] (1-based row) for a customer number with no id, an empty or
    /// repeated id, or an amount that is not finite and >= 0; [`Error::EmptyInput`] for no
    /// rows.
    ///
    /// ```
    /// use ltv::data::{Timestamp, TransactionLog};
    /// let t = Timestamp::parse("2024-03-01")?;
    /// let log = TransactionLog::from_indexed_columns(
    ///     vec!["a".into(), "b".into()], vec![1, 0, 1], vec![t, t, t], None)?;
    /// assert_eq!((log.len(), log.n_customers(), log.customer_id_of(0)), (3, 2, "b"));
    /// assert!(TransactionLog::from_indexed_columns(vec!["a".into()], vec![1], vec![t], None).is_err());
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn from_indexed_columns(
        customer_ids: Vec<String>,
        customer: Vec<u32>,
        timestamps: Vec<Timestamp>,
        amounts: Option<Vec<f64>>,
    ) -> Result<Self> {
        let n = customer.len();
        let mismatch = |right: &str, right_len: usize| Error::LengthMismatch {
            left: "customer".into(),
            left_len: n,
            right: right.into(),
            right_len,
        };
        if timestamps.len() != n {
            return Err(mismatch("timestamps", timestamps.len()));
        }
        if let Some(a) = &amounts {
            if a.len() != n {
                return Err(mismatch("amounts", a.len()));
            }
            for (i, &v) in a.iter().enumerate() {
                check_amount(i as u64 + 1, "amount", v)?;
            }
        }
        let mut seen = rustc_hash::FxHashSet::default();
        seen.reserve(customer_ids.len());
        for (k, id) in customer_ids.iter().enumerate() {
            if id.is_empty() || !seen.insert(id.as_str()) {
                return Err(Error::invalid_field(
                    k as u64 + 1,
                    "customer_id",
                    id.as_str(),
                    "customer ids must be non-empty and distinct",
                ));
            }
        }
        if let Some(i) = customer
            .iter()
            .position(|&c| c as usize >= customer_ids.len())
        {
            return Err(Error::invalid_field(
                i as u64 + 1,
                "customer",
                customer[i].to_string(),
                format!("customer number must be below {}", customer_ids.len()),
            ));
        }
        Self::from_checked_parts(customer_ids, customer, timestamps, amounts)
    }

    /// Number of transactions.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// True when there are no transactions (never, for a log built by this crate).
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Number of distinct customers.
    pub fn n_customers(&self) -> usize {
        self.customer_ids.len()
    }

    /// Distinct original customer ids; customer number `k` is `customer_ids()[k]`.
    ///
    /// A log read from a file keeps its ids in one block of text; the first call makes one
    /// `String` per customer (kept for later calls). [`TransactionLog::customer_id`] reads
    /// one id without that.
    pub fn customer_ids(&self) -> &[String] {
        self.customer_ids.all()
    }

    /// Original id of customer number `k` (`customer_ids()[k]`, without making the list).
    /// Panics if `k >= n_customers()`.
    pub fn customer_id(&self, k: usize) -> &str {
        self.customer_ids.get(k)
    }

    /// Customer number of each transaction (an index into [`TransactionLog::customer_ids`]).
    pub fn customer_index(&self) -> &[u32] {
        &self.customer
    }

    /// Time of each transaction.
    pub fn timestamps(&self) -> &[Timestamp] {
        &self.timestamp
    }

    /// Monetary value of each transaction, if the log has amounts.
    pub fn amounts(&self) -> Option<&[f64]> {
        self.amount.as_deref()
    }

    /// Original customer id of transaction `i`. Panics if `i >= len()`.
    pub fn customer_id_of(&self, i: usize) -> &str {
        self.customer_ids.get(self.customer[i] as usize)
    }

    /// Earliest transaction time.
    pub fn first_timestamp(&self) -> Timestamp {
        self.first
    }

    /// Latest transaction time.
    pub fn last_timestamp(&self) -> Timestamp {
        self.last
    }
}

/// The customer ids of a log: one `String` each, or one text arena whose `String`s are made
/// on the first call of [`TransactionLog::customer_ids`].
#[derive(Debug, Clone, Default)]
struct CustomerIds {
    arena: Option<Names>,
    strings: std::sync::OnceLock<Vec<String>>,
}

impl CustomerIds {
    fn strings(ids: Vec<String>) -> Self {
        Self {
            arena: None,
            strings: std::sync::OnceLock::from(ids),
        }
    }

    fn arena(names: Names) -> Self {
        Self {
            arena: Some(names),
            strings: std::sync::OnceLock::new(),
        }
    }

    fn len(&self) -> usize {
        match (&self.arena, self.strings.get()) {
            (Some(names), _) => names.len(),
            (None, Some(ids)) => ids.len(),
            (None, None) => 0,
        }
    }

    #[inline]
    fn get(&self, k: usize) -> &str {
        match (&self.arena, self.strings.get()) {
            (Some(names), _) => names.name(k),
            (None, Some(ids)) => &ids[k],
            (None, None) => panic!("customer number {k} of a log without customers"),
        }
    }

    fn all(&self) -> &[String] {
        self.strings
            .get_or_init(|| self.arena.as_ref().map_or_else(Vec::new, Names::to_strings))
    }
}

impl PartialEq for CustomerIds {
    /// The same ids in the same order, however they are held.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|k| self.get(k) == other.get(k))
    }
}

/// Checks one amount; `line` and `column` go into the error.
#[inline]
pub(crate) fn check_amount(line: u64, column: &str, a: f64) -> Result<f64> {
    if !a.is_finite() {
        return Err(Error::invalid_field(
            line,
            column,
            a.to_string(),
            "amount must be finite",
        ));
    }
    if a < 0.0 {
        return Err(Error::invalid_field(
            line,
            column,
            a.to_string(),
            "amount must be >= 0",
        ));
    }
    Ok(a + 0.0) // -0.0 becomes 0.0
}

/// Builds a [`TransactionLog`] row by row, checking each row as it comes.
///
/// ```
/// use ltv::data::{Timestamp, TransactionLogBuilder};
/// let mut b = TransactionLogBuilder::new(true);
/// b.push("u1", Timestamp::parse("2024-03-01 10:00:00")?, Some(9.99))?;
/// assert!(b.push("", Timestamp::parse("2024-03-01")?, Some(1.0)).is_err()); // empty id
/// let log = b.build()?;
/// assert_eq!(log.len(), 1);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug)]
pub struct TransactionLogBuilder {
    interner: Interner,
    customer: Vec<u32>,
    timestamp: Vec<Timestamp>,
    amount: Option<Vec<f64>>,
}

impl TransactionLogBuilder {
    /// An empty builder; `has_amounts` says whether every row will carry an amount.
    pub fn new(has_amounts: bool) -> Self {
        Self::with_capacity(has_amounts, 0)
    }

    /// An empty builder with room for `n` rows.
    pub fn with_capacity(has_amounts: bool, n: usize) -> Self {
        Self {
            interner: Interner::default(),
            customer: Vec::with_capacity(n),
            timestamp: Vec::with_capacity(n),
            amount: has_amounts.then(|| Vec::with_capacity(n)),
        }
    }

    /// Adds one transaction. Errors ([`Error::InvalidField`], row numbered from 1): empty
    /// customer id; amount not finite and >= 0; an amount given to a builder without amounts
    /// or missing from one with amounts. A failed push leaves the builder unchanged.
    pub fn push(
        &mut self,
        customer_id: &str,
        timestamp: Timestamp,
        amount: Option<f64>,
    ) -> Result<()> {
        let row = self.customer.len() as u64 + 1;
        if customer_id.is_empty() {
            return Err(Error::invalid_field(
                row,
                "customer_id",
                "",
                "customer id must not be empty",
            ));
        }
        let amount = match (&self.amount, amount) {
            (Some(_), Some(a)) => Some(check_amount(row, "amount", a)?),
            (None, None) => None,
            (Some(_), None) => {
                return Err(Error::invalid_field(
                    row,
                    "amount",
                    "",
                    "amount missing in a log with amounts",
                ))
            }
            (None, Some(a)) => {
                return Err(Error::invalid_field(
                    row,
                    "amount",
                    a.to_string(),
                    "amount given in a log without amounts",
                ))
            }
        };
        let k = self.interner.intern(customer_id, row)?;
        self.customer.push(k);
        self.timestamp.push(timestamp);
        if let (Some(v), Some(a)) = (&mut self.amount, amount) {
            v.push(a);
        }
        Ok(())
    }

    /// Number of rows pushed so far.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// True when no row has been pushed.
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Finishes the log. Errors with [`Error::EmptyInput`] when no row was pushed.
    pub fn build(self) -> Result<TransactionLog> {
        TransactionLog::from_checked_parts(
            self.interner.into_names(),
            self.customer,
            self.timestamp,
            self.amount,
        )
    }
}
