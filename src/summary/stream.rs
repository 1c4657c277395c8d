//! The one-pass summary for logs whose transactions are in time order per customer (logs
//! exported by date, or by customer then date, as most are): a running state per customer,
//! no grouping, no sorting. Gives exactly the rows of the grouping path
//! ([`summarise_customer`](crate::summary::builder::summarise_customer)), which takes over when
//! a customer's transactions turn out not to be in order.

use crate::data::{Period, Timestamp, TransactionLog};
use crate::summary::row::CustomerRow;

const NONE: i64 = i64::MIN;

/// Running summary of one customer.
#[derive(Clone, Copy)]
struct Running {
    /// Seconds of the birth or first purchase; `NONE` before either is known.
    origin: i64,
    /// Period index of the origin.
    p0: i64,
    /// Period of the purchase being accumulated; `NONE` before the first purchase.
    last_p: i64,
    /// Amount summed in `last_p` so far.
    current: f64,
    /// Sum of the closed purchase periods that count.
    counted_sum: f64,
    n_counted: u32,
    before_birth: u32,
}

impl Running {
    const EMPTY: Running = Running {
        origin: NONE,
        p0: 0,
        last_p: NONE,
        current: 0.0,
        counted_sum: 0.0,
        n_counted: 0,
        before_birth: 0,
    };

    #[inline]
    fn close(&mut self, include_first: bool) {
        if self.last_p != NONE && (include_first || self.last_p > self.p0) {
            self.n_counted += 1;
            self.counted_sum += self.current;
        }
    }
}

/// What the one-pass summary produced.
pub(crate) struct Streamed {
    /// One entry per customer of the log, in customer order.
    pub(crate) rows: Vec<Option<CustomerRow>>,
    /// Transactions outside the observation window.
    pub(crate) rejected: usize,
}

/// Summarises `log` in one pass. `keep` says whether a transaction is in the observation
/// window; `birth_of` gives births by customer number (empty: no births). Returns `None` as
/// soon as a customer's transactions are seen out of time order.
pub(crate) fn summarise_in_order(
    log: &TransactionLog,
    period: Period,
    include_first: bool,
    end: Timestamp,
    keep: impl Fn(Timestamp) -> bool + Sync,
    keep_all: bool,
    birth_of: &[Option<Timestamp>],
) -> Option<Streamed> {
    let n_c = log.n_customers();
    let cust = log.customer_index();
    let ts = log.timestamps();
    let amounts = log.amounts();

    // Each task owns a range of customers and scans the whole log for them.
    let run = |lo: usize, states: &mut [Running]| -> Option<usize> {
        for (k, st) in states.iter_mut().enumerate() {
            if let Some(Some(b)) = birth_of.get(lo + k) {
                st.origin = b.seconds();
                st.p0 = period.index_from(*b, *b);
            }
        }
        let hi = lo + states.len();
        let mut rejected = 0usize;
        // Customers' states are visited in log order, i.e. at random for a log in time order:
        // touch the states of a batch first so that their cache misses overlap.
        const BATCH: usize = 16;
        let mut touched = 0i64;
        for b0 in (0..cust.len()).step_by(BATCH) {
            let b1 = (b0 + BATCH).min(cust.len());
            for &c in &cust[b0..b1] {
                let c = c as usize;
                if c >= lo && c < hi {
                    touched ^= states[c - lo].last_p;
                }
            }
            for i in b0..b1 {
                let c = cust[i] as usize;
                if c < lo || c >= hi {
                    continue;
                }
                let t = ts[i];
                if !keep_all && !keep(t) {
                    rejected += 1;
                    continue;
                }
                let a = amounts.map_or(0.0, |a| a[i]);
                let st = &mut states[c - lo];
                if st.origin == NONE {
                    st.origin = t.seconds();
                    st.p0 = period.index_from(t, t);
                }
                let p = period.index_from(Timestamp::from_seconds_unchecked(st.origin), t);
                if p < st.p0 {
                    if birth_of.get(c).copied().flatten().is_some() {
                        st.before_birth += 1;
                        continue;
                    }
                    return None; // earlier than this customer's first purchase seen so far
                }
                if p == st.last_p {
                    st.current += a;
                } else if st.last_p == NONE || p > st.last_p {
                    st.close(include_first);
                    st.last_p = p;
                    st.current = a;
                } else {
                    return None; // out of order
                }
            }
        }
        std::hint::black_box(touched);
        Some(rejected)
    };

    let mut states = vec![Running::EMPTY; n_c];
    #[cfg(feature = "parallel")]
    let rejected = {
        use rayon::prelude::*;
        // several ranges per thread so an idle thread can take over
        let tasks = if cust.len() < 200_000 {
            1
        } else {
            rayon::current_num_threads()
        };
        let per = n_c.div_ceil(tasks.max(1)).max(1);
        let parts: Vec<Option<usize>> = states
            .par_chunks_mut(per)
            .enumerate()
            .map(|(j, chunk)| run(j * per, chunk))
            .collect();
        let mut rejected = 0;
        for p in parts {
            rejected += p?;
        }
        // every task saw every rejected transaction of its own customers only
        rejected
    };
    #[cfg(not(feature = "parallel"))]
    let rejected = run(0, &mut states)?;

    let rows = states
        .iter_mut()
        .map(|st| {
            if st.origin == NONE {
                return None;
            }
            st.close(include_first);
            let origin = Timestamp::from_seconds_unchecked(st.origin);
            let e = period.index_from(origin, end);
            if e < st.p0 {
                return None;
            }
            Some(CustomerRow {
                frequency: st.n_counted,
                recency: if st.last_p == NONE {
                    0.0
                } else {
                    (st.last_p - st.p0) as f64
                },
                t: (e - st.p0) as f64,
                monetary: if st.n_counted > 0 {
                    st.counted_sum / st.n_counted as f64
                } else {
                    0.0
                },
                before_birth: st.before_birth,
            })
        })
        .collect();
    Some(Streamed { rows, rejected })
}
