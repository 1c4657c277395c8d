//! Birth times: when each customer's clock starts (sign-up, install, first touch), given apart
//! from the purchases.

use crate::data::{Timestamp, TransactionLog};
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;

/// One birth (start-of-observation) time per customer, e.g. the app install time of every user.
///
/// With births, a summary ([`SummaryOptions::summarise_with_births`](crate::summary::SummaryOptions::summarise_with_births))
/// counts each customer's time from the birth period instead of the first purchase, and
/// customers who never bought appear with frequency 0, recency 0 and T from birth.
///
/// Read a births table from CSV with [`TransactionCsvOptions`](crate::data::TransactionCsvOptions)
/// (no amount column) and convert with [`Births::from_log`].
///
/// ```
/// use ltv::data::Timestamp;
/// use ltv::summary::Births;
/// let b = Births::from_columns(&["u1", "u2"], &[Timestamp::parse("2024-01-01")?, Timestamp::parse("2024-01-03")?])?;
/// assert_eq!(b.len(), 2);
/// assert!(Births::from_columns(&["u1", "u1"], &[Timestamp::parse("2024-01-01")?; 2]).is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Births {
    ids: Vec<String>,
    times: Vec<Timestamp>,
}

impl Births {
    /// Births from parallel slices. Errors: [`Error::LengthMismatch`]; [`Error::InvalidField`]
    /// (1-based row) for an empty id or an id given twice; [`Error::EmptyInput`] for no rows.
    pub fn from_columns<S: AsRef<str>>(ids: &[S], times: &[Timestamp]) -> Result<Self> {
        if ids.len() != times.len() {
            return Err(Error::LengthMismatch {
                left: "ids".into(),
                left_len: ids.len(),
                right: "times".into(),
                right_len: times.len(),
            });
        }
        if ids.is_empty() {
            return Err(Error::EmptyInput {
                what: "births table has no rows".into(),
            });
        }
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, id) in ids.iter().enumerate() {
            let id = id.as_ref();
            if id.is_empty() {
                return Err(Error::invalid_field(
                    i as u64 + 1,
                    "customer_id",
                    "",
                    "customer id must not be empty",
                ));
            }
            if let Some(first) = seen.insert(id, i) {
                return Err(Error::invalid_field(
                    i as u64 + 1,
                    "customer_id",
                    id,
                    format!(
                        "customer has a second birth time (first on row {})",
                        first + 1
                    ),
                ));
            }
        }
        Ok(Self {
            ids: ids.iter().map(|s| s.as_ref().to_string()).collect(),
            times: times.to_vec(),
        })
    }

    /// Births from a log holding one row per customer (e.g. a users table read with
    /// [`TransactionCsvOptions`](crate::data::TransactionCsvOptions)). Errors with
    /// [`Error::InvalidField`] naming the row of a customer's second row.
    pub fn from_log(log: &TransactionLog) -> Result<Self> {
        if log.len() != log.n_customers() {
            let mut seen = vec![false; log.n_customers()];
            for (i, &c) in log.customer_index().iter().enumerate() {
                if std::mem::replace(&mut seen[c as usize], true) {
                    return Err(Error::invalid_field(
                        i as u64 + 1,
                        "customer_id",
                        log.customer_id_of(i),
                        "customer has a second birth time",
                    ));
                }
            }
        }
        // one row per customer: row i is customer number i (numbers follow first appearance)
        Ok(Self {
            ids: log.customer_ids().to_vec(),
            times: log.timestamps().to_vec(),
        })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when empty (never, for births built by this crate).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Customer ids, in input order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Birth times, in input order.
    pub fn times(&self) -> &[Timestamp] {
        &self.times
    }
}
