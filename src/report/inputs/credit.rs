//! Per-user revenue credit from the attribution module (`ltv attribute` output).

use super::table::{self, Table};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::io::Read;

/// Column names of a credit table: `user_id` and `credit` by default (the columns
/// `ltv attribute` writes next to `paid`); comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreditColumns {
    /// User id.
    pub user: String,
    /// Revenue credited to the user (report currency, finite, >= 0).
    pub credit: String,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for CreditColumns {
    fn default() -> Self {
        Self {
            user: "user_id".into(),
            credit: "credit".into(),
            delimiter: b',',
        }
    }
}

/// Reads per-user credit, in the report currency. A user listed twice is an error (credits
/// are a ledger: adding up two rows silently could double-count).
///
/// The credit table carries no dates: compute it as of the same date as the report (e.g. run
/// `ltv attribute` on payments cut at the as-of date), or it will hold later revenue.
///
/// ```
/// use ltv::report::{read_credit, CreditColumns};
/// let csv = "user_id,paid,credit\nu1,10,4.5\nu2,0,5.5\n";
/// let c = read_credit(csv.as_bytes(), &CreditColumns::default())?;
/// assert_eq!(c["u2"], 5.5);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_credit<R: Read>(reader: R, columns: &CreditColumns) -> Result<BTreeMap<String, f64>> {
    let t = Table::open("credit", reader, columns.delimiter)?;
    let user = t.required(&columns.user)?;
    let credit = t.required(&columns.credit)?;
    let mut out = BTreeMap::new();
    t.for_each(true, |line, r| {
        let id = table::text(r, user, line, &columns.user)?;
        let value = table::amount(r, credit, line, &columns.credit)?;
        if out.insert(id.clone(), value).is_some() {
            return Err(Error::invalid_field(
                line,
                &columns.user,
                id,
                "user listed twice",
            ));
        }
        Ok(())
    })?;
    Ok(out)
}
