//! Grouping a transaction log by customer: a counting sort, then one pass per customer.

use crate::data::{Timestamp, TransactionLog};

/// One transaction inside a customer's group: (time, amount; 0 when the log has none).
pub(crate) type Txn = (Timestamp, f64);

/// The kept transactions of every customer, contiguous per customer in log order:
/// customer `c` owns `rows[offsets[c]..offsets[c + 1]]`.
pub(crate) struct Grouped {
    pub(crate) offsets: Vec<usize>,
    pub(crate) rows: Vec<Txn>,
    /// Transactions `keep` rejected.
    pub(crate) rejected: usize,
}

/// Groups the transactions `keep` accepts by customer (stable counting sort: O(n + customers)).
pub(crate) fn group_by_customer(
    log: &TransactionLog,
    keep: impl Fn(Timestamp) -> bool,
    keep_all: bool,
) -> Grouped {
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
    let total = offsets[n_c];
    let mut rows: Vec<Txn> = vec![(Timestamp::MIN, 0.0); total];
    let mut cursor: Vec<usize> = offsets[..n_c].to_vec();
    let mut place = |i: usize, amount: f64| {
        let c = cust[i] as usize;
        rows[cursor[c]] = (ts[i], amount);
        cursor[c] += 1;
    };
    match (log.amounts(), keep_all) {
        (Some(a), true) => (0..cust.len()).for_each(|i| place(i, a[i])),
        (None, true) => (0..cust.len()).for_each(|i| place(i, 0.0)),
        (Some(a), false) => (0..cust.len())
            .filter(|&i| keep(ts[i]))
            .for_each(|i| place(i, a[i])),
        (None, false) => (0..cust.len())
            .filter(|&i| keep(ts[i]))
            .for_each(|i| place(i, 0.0)),
    }
    Grouped {
        offsets,
        rows,
        rejected,
    }
}

/// Customers per unit of parallel work.
const CUSTOMERS_PER_BLOCK: usize = 8192;

/// Applies `f(customer, its rows)` to every customer, in customer order (in parallel with the
/// `parallel` feature). `f` may reorder the customer's rows.
pub(crate) fn map_customers<R, F>(g: &mut Grouped, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize, &mut [Txn]) -> R + Sync,
{
    let offsets = &g.offsets;
    let n_c = offsets.len() - 1;
    let mut blocks: Vec<(usize, usize, &mut [Txn])> =
        Vec::with_capacity(n_c / CUSTOMERS_PER_BLOCK + 1);
    let mut rest: &mut [Txn] = &mut g.rows;
    let mut c0 = 0;
    while c0 < n_c {
        let c1 = (c0 + CUSTOMERS_PER_BLOCK).min(n_c);
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(offsets[c1] - offsets[c0]);
        blocks.push((c0, c1, head));
        rest = tail;
        c0 = c1;
    }
    let run = |(c0, c1, mut slice): (usize, usize, &mut [Txn])| {
        let mut out = Vec::with_capacity(c1 - c0);
        for c in c0..c1 {
            let (head, tail) = std::mem::take(&mut slice).split_at_mut(offsets[c + 1] - offsets[c]);
            out.push(f(c, head));
            slice = tail;
        }
        out
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<Vec<R>> = {
        use rayon::prelude::*;
        blocks.into_par_iter().map(run).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<Vec<R>> = blocks.into_iter().map(run).collect();
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
