//! Grouping a transaction log by customer: a counting sort of positions, then one pass per
//! customer.

use crate::data::{Timestamp, TransactionLog};
use crate::error::{Error, Result};

/// One transaction inside a customer's group: (time, amount; 0 when the log has none).
pub(crate) type Txn = (Timestamp, f64);

/// The kept transactions of every customer as positions in the log, contiguous per customer
/// and in log order: customer `c` owns `perm[offsets[c]..offsets[c + 1]]`. Four bytes per
/// transaction; times and amounts are gathered from the log customer by customer.
pub(crate) struct Grouped<'l> {
    log: &'l TransactionLog,
    pub(crate) offsets: Vec<usize>,
    perm: Vec<u32>,
    /// Transactions `keep` rejected.
    pub(crate) rejected: usize,
}

impl Grouped<'_> {
    /// Number of kept transactions.
    pub(crate) fn kept(&self) -> usize {
        self.perm.len()
    }
}

/// Groups the transactions `keep` accepts by customer (stable counting sort: O(n + customers)).
///
/// Errors with [`Error::InvalidParameter`] for a log of more than `u32::MAX` transactions.
pub(crate) fn group_by_customer(
    log: &TransactionLog,
    keep: impl Fn(Timestamp) -> bool,
    keep_all: bool,
) -> Result<Grouped<'_>> {
    if u32::try_from(log.len()).is_err() {
        return Err(Error::invalid_parameter(
            "transactions",
            log.len() as f64,
            "a summary handles at most 2^32 - 1 transactions",
        ));
    }
    let n_c = log.n_customers();
    let cust = log.customer_index();
    let ts = log.timestamps();
    let mut offsets = vec![0usize; n_c + 1];
    let mut rejected = 0usize;
    if keep_all {
        for &c in cust {
            offsets[c as usize + 1] += 1;
        }
    } else {
        for (&c, &t) in cust.iter().zip(ts) {
            if keep(t) {
                offsets[c as usize + 1] += 1;
            } else {
                rejected += 1;
            }
        }
    }
    for c in 0..n_c {
        offsets[c + 1] += offsets[c];
    }
    let mut perm = vec![0u32; offsets[n_c]];
    let mut cursor: Vec<usize> = offsets[..n_c].to_vec();
    for (i, &c) in cust.iter().enumerate() {
        if keep_all || keep(ts[i]) {
            let slot = &mut cursor[c as usize];
            perm[*slot] = i as u32;
            *slot += 1;
        }
    }
    Ok(Grouped {
        log,
        offsets,
        perm,
        rejected,
    })
}

/// Customers per unit of parallel work.
const CUSTOMERS_PER_BLOCK: usize = 8192;

/// Applies `f(customer, its transactions)` to every customer, in customer order (in parallel
/// with the `parallel` feature). The transactions are gathered into a scratch buffer in log
/// order (amount 0 when the log has none); `f` may reorder them.
pub(crate) fn map_customers<R, F>(g: &Grouped<'_>, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize, &mut [Txn]) -> R + Sync,
{
    let offsets = &g.offsets;
    let n_c = offsets.len() - 1;
    let ts = g.log.timestamps();
    let amounts = g.log.amounts();
    let run = |c0: usize| {
        let c1 = (c0 + CUSTOMERS_PER_BLOCK).min(n_c);
        let mut out = Vec::with_capacity(c1 - c0);
        let mut scratch: Vec<Txn> = Vec::new();
        for c in c0..c1 {
            scratch.clear();
            let idx = &g.perm[offsets[c]..offsets[c + 1]];
            match amounts {
                Some(a) => scratch.extend(idx.iter().map(|&i| (ts[i as usize], a[i as usize]))),
                None => scratch.extend(idx.iter().map(|&i| (ts[i as usize], 0.0))),
            }
            out.push(f(c, &mut scratch));
        }
        out
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<Vec<R>> = {
        use rayon::prelude::*;
        (0..n_c)
            .into_par_iter()
            .step_by(CUSTOMERS_PER_BLOCK)
            .map(run)
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<Vec<R>> = (0..n_c).step_by(CUSTOMERS_PER_BLOCK).map(run).collect();
    let mut out = Vec::with_capacity(n_c);
    for p in parts {
        out.extend(p);
    }
    out
}

/// Sorts a customer's transactions by time (stable, so equal times keep log order).
#[inline]
pub(crate) fn sort_by_time(txns: &mut [Txn]) {
    if !txns.windows(2).all(|w| w[0].0 <= w[1].0) {
        txns.sort_by_key(|t| t.0);
    }
}
