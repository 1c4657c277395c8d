//! Time-respecting crediting: which matches may share in a payment.
//!
//! A payment by user `u` at time `t` can only have been enabled by a match of `u` that
//! happened **at or before** `t` (a match and a payment on the same day both stamped at
//! midnight count) and no longer ago than the look-back window `L`:
//!
//! ```text
//! eligible(payment) = { match m of u : 0 <= t − t_m <= L }
//! ```
//!
//! Each eligible match carries the weight `w_m · 2^(−(t − t_m)/h)` with the optional half-life
//! `h` (no decay: factor 1). A payment's *partners* are the distinct other users of its eligible
//! matches, each with the summed weight of their matches. A payment with no eligible partner
//! (or only zero weights) stays with its payer in every method.
//!
//! All methods in [`crate::attribution`] read the logs through this rule, so a match made
//! after a payment never takes credit for it directly. (The PageRank ledger passes credit on
//! beyond the first hop — partners of partners — along matches that carried revenue; see
//! [`crate::attribution::RevenueLedger`].)

use super::logs::Logs;
use crate::error::{Error, Result};

const SECONDS_PER_DAY: f64 = 86_400.0;

/// The crediting rule: look-back window and optional exponential decay.
///
/// ```
/// use ltv::attribution::{Crediting, Logs};
/// let mut logs = Logs::new(2);
/// logs.add_match("a", "b", 0, 1.0)?;
/// logs.add_match("a", "c", 10 * 86_400, 1.0)?; // after the payment: not eligible
/// logs.add_payment("a", 5 * 86_400, 100)?;
/// let e = Crediting::new().lookback_days(30.0)?.eligibility(&logs);
/// assert_eq!(e.partners(0).0, &[1]); // only b
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Crediting {
    lookback_seconds: Option<f64>,
    half_life_seconds: Option<f64>,
}

impl Crediting {
    /// No look-back limit, no decay: every earlier match is eligible with its raw weight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limits eligibility to matches at most `days` days before the payment.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `days` is finite and `>= 0`.
    pub fn lookback_days(mut self, days: f64) -> Result<Self> {
        if !(days.is_finite() && days >= 0.0) {
            return Err(Error::invalid_parameter(
                "lookback_days",
                days,
                "must be finite and >= 0",
            ));
        }
        self.lookback_seconds = Some(days * SECONDS_PER_DAY);
        Ok(self)
    }

    /// Decays a match's weight by half every `days` days of age at payment time.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `days` is finite and `> 0`.
    pub fn half_life_days(mut self, days: f64) -> Result<Self> {
        if !(days.is_finite() && days > 0.0) {
            return Err(Error::invalid_parameter(
                "half_life_days",
                days,
                "must be finite and > 0",
            ));
        }
        self.half_life_seconds = Some(days * SECONDS_PER_DAY);
        Ok(self)
    }

    /// The weight factor of a match `age` seconds old, or `None` if it is not eligible.
    fn factor(&self, age: i64) -> Option<f64> {
        if age < 0 {
            return None;
        }
        let age = age as f64;
        if let Some(l) = self.lookback_seconds {
            if age > l {
                return None;
            }
        }
        Some(match self.half_life_seconds {
            Some(h) => (-(age / h) * std::f64::consts::LN_2).exp(),
            None => 1.0,
        })
    }

    /// For every payment, its eligible partners and their weights. O((M + P) log M + eligible
    /// pairs).
    pub fn eligibility(&self, logs: &Logs) -> Eligibility {
        let n = logs.user_count();
        // Per-user incidence lists (time, partner, weight), sorted by time.
        let mut counts = vec![0usize; n + 1];
        for m in logs.matches() {
            counts[m.a as usize + 1] += 1;
            counts[m.b as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut next = counts.clone();
        let mut inc = vec![(0i64, 0u32, 0.0f64); counts[n]];
        for m in logs.matches() {
            for (me, other) in [(m.a, m.b), (m.b, m.a)] {
                let k = &mut next[me as usize];
                inc[*k] = (m.time, other, m.weight);
                *k += 1;
            }
        }
        for u in 0..n {
            inc[counts[u]..counts[u + 1]].sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)));
        }
        let mut offsets = Vec::with_capacity(logs.payments().len() + 1);
        offsets.push(0);
        let mut partners = Vec::new();
        let mut weights = Vec::new();
        let mut scratch: Vec<(u32, f64)> = Vec::new();
        for p in logs.payments() {
            let list = &inc[counts[p.user as usize]..counts[p.user as usize + 1]];
            let end = list.partition_point(|e| e.0 <= p.time);
            let start = match self.lookback_seconds {
                Some(l) => list[..end].partition_point(|e| (p.time.saturating_sub(e.0) as f64) > l),
                None => 0,
            };
            scratch.clear();
            for &(t, other, w) in &list[start..end] {
                if let Some(f) = self.factor(p.time.saturating_sub(t)) {
                    scratch.push((other, w * f));
                }
            }
            scratch.sort_by_key(|e| e.0);
            for &(other, w) in &scratch {
                if partners.len() > *offsets.last().unwrap_or(&0) && partners.last() == Some(&other)
                {
                    *weights.last_mut().expect("pushed with partner") += w;
                } else {
                    partners.push(other);
                    weights.push(w);
                }
            }
            offsets.push(partners.len());
        }
        Eligibility {
            offsets,
            partners,
            weights,
        }
    }
}

/// Per payment (in [`Logs::payments`] order): the distinct eligible partners, ascending, and
/// their summed (decayed) match weights. Built by [`Crediting::eligibility`].
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    offsets: Vec<usize>,
    partners: Vec<u32>,
    weights: Vec<f64>,
}

impl Eligibility {
    /// Number of payments.
    pub fn payment_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// `(partners, weights)` of payment `p`.
    ///
    /// # Panics
    /// If `p >= payment_count()`.
    pub fn partners(&self, p: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[p]..self.offsets[p + 1];
        (&self.partners[r.clone()], &self.weights[r])
    }

    /// Splits each payment's amount over its partners in proportion to their weights: the
    /// revenue carried by each pair of users, and the revenue kept by payers whose payment had
    /// no eligible partner (or only zero weights). Amounts in minor units, as `f64`.
    ///
    /// Every payment is fully accounted for: `Σ pairs + Σ kept = total revenue` (up to
    /// rounding).
    pub fn split_revenue(&self, logs: &Logs) -> RevenueSplit {
        let n = logs.user_count();
        let mut kept = vec![0.0; n];
        let mut pairs: Vec<(u32, u32, f64)> = Vec::new();
        let mut arcs: Vec<(u32, u32, f64)> = Vec::new();
        for (p, pay) in logs.payments().iter().enumerate() {
            let amount = pay.amount as f64;
            let (who, w) = self.partners(p);
            // Shares relative to the largest weight, so huge weights cannot overflow the sum
            // (summed weights that overflowed to infinity share equally).
            let w_max = w.iter().copied().fold(0.0, f64::max);
            if w_max == 0.0 {
                kept[pay.user as usize] += amount;
                continue;
            }
            let rel = |x: f64| {
                if w_max.is_infinite() {
                    f64::from(u8::from(x == w_max))
                } else {
                    x / w_max
                }
            };
            let total: f64 = w.iter().map(|&x| rel(x)).sum();
            for (&v, &wv) in who.iter().zip(w) {
                if wv > 0.0 {
                    let (a, b) = (pay.user.min(v), pay.user.max(v));
                    let share = amount * rel(wv) / total;
                    pairs.push((a, b, share));
                    arcs.push((pay.user, v, share));
                }
            }
        }
        RevenueSplit {
            users: n,
            pairs: merge_by_ends(pairs),
            arcs: merge_by_ends(arcs),
            kept,
        }
    }
}

/// `(a, b, r)` entries sorted by `(a, b)` with equal ends merged (their `r` summed in input
/// order).
fn merge_by_ends(mut entries: Vec<(u32, u32, f64)>) -> Vec<(u32, u32, f64)> {
    entries.sort_by_key(|x| (x.0, x.1));
    let mut merged: Vec<(u32, u32, f64)> = Vec::with_capacity(entries.len());
    for (a, b, r) in entries {
        match merged.last_mut() {
            Some(last) if last.0 == a && last.1 == b => last.2 += r,
            _ => merged.push((a, b, r)),
        }
    }
    merged
}

/// Revenue per pair of users and revenue kept by lone payers; see
/// [`Eligibility::split_revenue`].
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueSplit {
    /// Number of users.
    pub users: usize,
    /// `(a, b, revenue)` with `a < b`, one entry per pair, in minor units.
    pub pairs: Vec<(u32, u32, f64)>,
    /// `(payer, partner, revenue)`: the revenue `payer` paid that was credited to matches
    /// with `partner` (eligible at the time of each payment), one entry per ordered pair, in
    /// minor units. Summed over both directions this is [`RevenueSplit::pairs`].
    pub arcs: Vec<(u32, u32, f64)>,
    /// Revenue of payments with no eligible partner, by payer, in minor units.
    pub kept: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn lookback_decay_and_causality() {
        let mut logs = Logs::new(0);
        logs.add_match("a", "b", 0, 1.0).unwrap();
        logs.add_match("a", "c", 9 * DAY, 2.0).unwrap();
        logs.add_match("c", "a", 10 * DAY, 1.0).unwrap(); // same instant as payment: eligible
        logs.add_match("a", "d", 11 * DAY, 1.0).unwrap(); // after: not eligible
        logs.add_payment("a", 10 * DAY, 300).unwrap();
        let e = Crediting::new().eligibility(&logs);
        assert_eq!(e.partners(0).0, &[1, 2]);
        assert_eq!(e.partners(0).1, &[1.0, 3.0]);
        let e = Crediting::new()
            .lookback_days(5.0)
            .unwrap()
            .eligibility(&logs);
        assert_eq!(e.partners(0).0, &[2]);
        let e = Crediting::new()
            .half_life_days(1.0)
            .unwrap()
            .eligibility(&logs);
        let (_, w) = e.partners(0);
        assert!((w[0] - 2f64.powi(-10)).abs() < 1e-15);
        assert!((w[1] - (2.0 * 0.5 + 1.0)).abs() < 1e-15);
        let split = e.split_revenue(&logs);
        let total: f64 =
            split.pairs.iter().map(|p| p.2).sum::<f64>() + split.kept.iter().sum::<f64>();
        assert!((total - 300.0).abs() < 1e-9);
    }

    #[test]
    fn unmatched_payment_is_kept() {
        let mut logs = Logs::new(0);
        logs.add_match("a", "b", 5 * DAY, 1.0).unwrap();
        logs.add_payment("a", DAY, 7).unwrap();
        let split = Crediting::new().eligibility(&logs).split_revenue(&logs);
        assert!(split.pairs.is_empty());
        assert_eq!(split.kept, vec![7.0, 0.0]);
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let mut logs = Logs::new(0);
        logs.add_match("a", "b", i64::MIN, 1.0).unwrap();
        logs.add_payment("a", i64::MAX, 5).unwrap();
        let e = Crediting::new()
            .lookback_days(1.0)
            .unwrap()
            .eligibility(&logs);
        assert!(e.partners(0).0.is_empty());
        let e = Crediting::new()
            .half_life_days(1.0)
            .unwrap()
            .eligibility(&logs);
        assert_eq!(e.partners(0).1, &[0.0]);
    }

    #[test]
    fn bad_parameters() {
        assert!(Crediting::new().lookback_days(-1.0).is_err());
        assert!(Crediting::new().lookback_days(f64::NAN).is_err());
        assert!(Crediting::new().half_life_days(0.0).is_err());
    }
}
