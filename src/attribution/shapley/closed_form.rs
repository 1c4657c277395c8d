//! Match games with closed-form Shapley values in `O(E)`, built from the logs.
//!
//! Both games also implement [`Game`] with incremental marginal contributions, so the exact
//! and sampling estimators can check the closed forms and handle variants.

use super::game::{Coalition, Game};
use crate::attribution::crediting::{Crediting, Eligibility};
use crate::attribution::logs::Logs;
use crate::error::{Error, GameRule, Result};

/// The shared-match game (an induced-subgraph game): a coalition earns the revenue of the
/// matches among its members, plus the revenue its members earned with no match.
///
/// ```text
/// v(S) = Σ_{ {a,b} ⊆ S } r_ab  +  Σ_{i ∈ S} k_i
/// ```
///
/// Its Shapley value splits each match's revenue equally between its two users (Deng &
/// Papadimitriou 1994): `φ_i = k_i + Σ_{b} r_ib / 2`, computed in `O(E)` by
/// [`SharedMatchGame::shapley`].
///
/// From the logs ([`SharedMatchGame::from_logs`]) each payment is split over the payer's
/// eligible matches in proportion to their (decayed) weights (see [`Crediting`]); payments with
/// no eligible match are kept by the payer.
///
/// ```
/// use ltv::attribution::SharedMatchGame;
/// // edges 0–1: 10, 1–2: 4, 0–2: 6, 2–3: 2
/// let g = SharedMatchGame::new(4, &[(0, 1, 10.0), (1, 2, 4.0), (0, 2, 6.0), (2, 3, 2.0)], None)?;
/// assert_eq!(g.shapley(), vec![8.0, 7.0, 6.0, 1.0]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SharedMatchGame {
    n: usize,
    kept: Vec<f64>,
    /// Adjacency (both directions), merged per pair.
    offsets: Vec<usize>,
    neighbors: Vec<u32>,
    revenue: Vec<f64>,
}

impl SharedMatchGame {
    /// A game with `n` players, pair revenues `(a, b, r)` (parallel pairs summed) and optional
    /// per-player revenue `kept` that needs no partner.
    ///
    /// # Errors
    /// [`Error::Game`] for a player index `>= n`, a pair `a == b`, a non-finite revenue, or a
    /// `kept` of the wrong length.
    pub fn new(n: usize, pairs: &[(u32, u32, f64)], kept: Option<&[f64]>) -> Result<Self> {
        let kept = match kept {
            Some(k) if k.len() != n => {
                return Err(Error::Game {
                    rule: GameRule::KeptRevenueLength {
                        got: k.len(),
                        players: n,
                    },
                })
            }
            Some(k) => {
                if let Some(i) = k.iter().position(|v| !v.is_finite()) {
                    return Err(Error::Game {
                        rule: GameRule::KeptRevenue {
                            player: i,
                            value: k[i],
                        },
                    });
                }
                k.to_vec()
            }
            None => vec![0.0; n],
        };
        for (e, &(a, b, r)) in pairs.iter().enumerate() {
            if a as usize >= n || b as usize >= n || a == b || !r.is_finite() {
                return Err(Error::Game {
                    rule: GameRule::Pair {
                        index: e,
                        a: a as usize,
                        b: b as usize,
                        revenue: r,
                        players: n,
                    },
                });
            }
        }
        let mut counts = vec![0usize; n + 1];
        for &(a, b, _) in pairs {
            counts[a as usize + 1] += 1;
            counts[b as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut next = counts.clone();
        let mut adj = vec![(0u32, 0.0f64); counts[n]];
        for &(a, b, r) in pairs {
            for (x, y) in [(a, b), (b, a)] {
                adj[next[x as usize]] = (y, r);
                next[x as usize] += 1;
            }
        }
        let mut offsets = vec![0usize; n + 1];
        let mut neighbors = Vec::with_capacity(adj.len());
        let mut revenue = Vec::with_capacity(adj.len());
        for i in 0..n {
            let row = &mut adj[counts[i]..counts[i + 1]];
            row.sort_by_key(|e| e.0);
            let start = neighbors.len();
            for &(j, r) in row.iter() {
                if neighbors.len() > start && neighbors.last() == Some(&j) {
                    *revenue.last_mut().expect("pushed with neighbor") += r;
                } else {
                    neighbors.push(j);
                    revenue.push(r);
                }
            }
            offsets[i + 1] = neighbors.len();
        }
        Ok(Self {
            n,
            kept,
            offsets,
            neighbors,
            revenue,
        })
    }

    /// The game of the logs under a crediting rule; amounts in minor units.
    ///
    /// # Errors
    /// As [`SharedMatchGame::new`] (not expected for valid logs).
    pub fn from_logs(logs: &Logs, crediting: &Crediting) -> Result<Self> {
        let split = crediting.eligibility(logs).split_revenue(logs);
        Self::new(split.users, &split.pairs, Some(&split.kept))
    }

    /// Closed-form Shapley values, `O(n + E)`: each pair's revenue halved between its users,
    /// plus each user's kept revenue.
    pub fn shapley(&self) -> Vec<f64> {
        (0..self.n)
            .map(|i| {
                self.kept[i]
                    + 0.5
                        * self.revenue[self.offsets[i]..self.offsets[i + 1]]
                            .iter()
                            .sum::<f64>()
            })
            .collect()
    }

    fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.neighbors[r.clone()], &self.revenue[r])
    }
}

impl Game for SharedMatchGame {
    fn player_count(&self) -> usize {
        self.n
    }

    fn value(&self, s: &Coalition) -> f64 {
        let mut v = 0.0;
        for i in s.members() {
            v += self.kept[i];
            let (nb, r) = self.row(i);
            for (&j, &rj) in nb.iter().zip(r) {
                // count each pair once, from its lower end
                if (j as usize) > i && s.contains(j as usize) {
                    v += rj;
                }
            }
        }
        v
    }

    fn marginal(&self, s: &Coalition, i: usize) -> f64 {
        if s.contains(i) {
            return 0.0;
        }
        let (nb, r) = self.row(i);
        self.kept[i]
            + nb.iter()
                .zip(r)
                .filter(|(&j, _)| s.contains(j as usize))
                .map(|(_, &rj)| rj)
                .sum::<f64>()
    }

    fn permutation_marginals(&self, order: &[usize], marginals: &mut [f64]) {
        // 1.0 once a player has joined: multiplying instead of branching avoids a
        // mispredicted branch per edge (joins are random)
        let mut present = vec![0.0f64; self.n];
        for &i in order {
            let (nb, r) = self.row(i);
            let mut m = 0.0;
            for (&j, &rj) in nb.iter().zip(r) {
                m += rj * present[j as usize];
            }
            marginals[i] = self.kept[i] + m;
            present[i] = 1.0;
        }
    }
}

/// The availability game: payment `p` of revenue `r_p` by payer `u_p` is earned by a
/// coalition holding the payer and at least one of its `k_p` possible partners (the users of
/// its eligible matches); a payment with no partner is earned by the payer alone.
///
/// ```text
/// v(S) = Σ_p r_p · [u_p ∈ S] · [k_p = 0  or  S ∩ partners(p) ≠ ∅]
/// ```
///
/// Each payment is a glove game with one left glove and `k_p` right gloves, whose Shapley
/// value is `r·k/(k+1)` for the payer (it comes after at least one partner in a fraction
/// `k/(k+1)` of the orders) and `r/(k(k+1))` for each partner; by linearity the game's value
/// is the sum over payments, `O(P + eligible pairs)` in [`AvailabilityGame::shapley`].
///
/// ```
/// use ltv::attribution::AvailabilityGame;
/// // payer 0 with partners 1 and 2, revenue 6: (4, 1, 1)
/// let g = AvailabilityGame::new(3, &[(0, 6.0, vec![1, 2])])?;
/// assert_eq!(g.shapley(), vec![4.0, 1.0, 1.0]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityGame {
    n: usize,
    payer: Vec<u32>,
    revenue: Vec<f64>,
    /// partners of payment p: `partners[p_offsets[p]..p_offsets[p+1]]`
    p_offsets: Vec<usize>,
    partners: Vec<u32>,
    /// payments by payer: `by_payer[payer_offsets[i]..]`
    payer_offsets: Vec<usize>,
    by_payer: Vec<u32>,
    /// payments where i is a partner
    partner_offsets: Vec<usize>,
    by_partner: Vec<u32>,
}

impl AvailabilityGame {
    /// A game with `n` players and payments `(payer, revenue, partners)`. Duplicate partners
    /// are merged.
    ///
    /// # Errors
    /// [`Error::Game`] for a player index `>= n`, a payer among its own partners, or a
    /// non-finite revenue.
    pub fn new(n: usize, payments: &[(u32, f64, Vec<u32>)]) -> Result<Self> {
        let mut payer = Vec::with_capacity(payments.len());
        let mut revenue = Vec::with_capacity(payments.len());
        let mut p_offsets = vec![0usize];
        let mut partners = Vec::new();
        for (p, (u, r, ps)) in payments.iter().enumerate() {
            if *u as usize >= n || !r.is_finite() {
                return Err(Error::Game {
                    rule: GameRule::Payment {
                        index: p,
                        payer: *u as usize,
                        revenue: *r,
                        players: n,
                    },
                });
            }
            let mut ps = ps.clone();
            ps.sort_unstable();
            ps.dedup();
            if let Some(&bad) = ps.iter().find(|&&v| v as usize >= n || v == *u) {
                return Err(Error::Game {
                    rule: GameRule::Partner {
                        index: p,
                        partner: bad as usize,
                        payer: *u as usize,
                        players: n,
                    },
                });
            }
            payer.push(*u);
            revenue.push(*r);
            partners.extend_from_slice(&ps);
            p_offsets.push(partners.len());
        }
        let (payer_offsets, by_payer) =
            group(n, payer.iter().enumerate().map(|(p, &u)| (u, p as u32)));
        let (partner_offsets, by_partner) = group(
            n,
            (0..payer.len()).flat_map(|p| {
                partners[p_offsets[p]..p_offsets[p + 1]]
                    .iter()
                    .map(move |&v| (v, p as u32))
            }),
        );
        Ok(Self {
            n,
            payer,
            revenue,
            p_offsets,
            partners,
            payer_offsets,
            by_payer,
            partner_offsets,
            by_partner,
        })
    }

    /// The game of the logs under a crediting rule: each payment's partners are the users of
    /// its eligible matches with positive weight; amounts in minor units.
    ///
    /// # Errors
    /// As [`AvailabilityGame::new`] (not expected for valid logs).
    pub fn from_logs(logs: &Logs, crediting: &Crediting) -> Result<Self> {
        let e: Eligibility = crediting.eligibility(logs);
        let payments: Vec<(u32, f64, Vec<u32>)> = logs
            .payments()
            .iter()
            .enumerate()
            .map(|(p, pay)| {
                let (who, w) = e.partners(p);
                let ps = who
                    .iter()
                    .zip(w)
                    .filter(|(_, &x)| x > 0.0)
                    .map(|(&v, _)| v)
                    .collect();
                (pay.user, pay.amount as f64, ps)
            })
            .collect();
        Self::new(logs.user_count(), &payments)
    }

    /// Closed-form Shapley values in `O(P + Σ k_p)`.
    pub fn shapley(&self) -> Vec<f64> {
        let mut phi = vec![0.0; self.n];
        for p in 0..self.payer.len() {
            let r = self.revenue[p];
            let ps = self.partners_of(p);
            let k = ps.len() as f64;
            if ps.is_empty() {
                phi[self.payer[p] as usize] += r;
                continue;
            }
            phi[self.payer[p] as usize] += r * k / (k + 1.0);
            let each = r / (k * (k + 1.0));
            for &v in ps {
                phi[v as usize] += each;
            }
        }
        phi
    }

    fn partners_of(&self, p: usize) -> &[u32] {
        &self.partners[self.p_offsets[p]..self.p_offsets[p + 1]]
    }

    fn earned(&self, p: usize, s: &Coalition) -> bool {
        let ps = self.partners_of(p);
        s.contains(self.payer[p] as usize)
            && (ps.is_empty() || ps.iter().any(|&v| s.contains(v as usize)))
    }
}

/// Groups `(key, item)` pairs by key into CSR `(offsets, items)`, items in input order.
fn group(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> (Vec<usize>, Vec<u32>) {
    let mut offsets = vec![0usize; n + 1];
    for (k, _) in pairs.clone() {
        offsets[k as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut items = vec![0u32; offsets[n]];
    for (k, it) in pairs {
        items[next[k as usize]] = it;
        next[k as usize] += 1;
    }
    (offsets, items)
}

impl Game for AvailabilityGame {
    fn player_count(&self) -> usize {
        self.n
    }

    fn value(&self, s: &Coalition) -> f64 {
        let mut v = 0.0;
        for i in s.members() {
            for &p in &self.by_payer[self.payer_offsets[i]..self.payer_offsets[i + 1]] {
                if self.earned(p as usize, s) {
                    v += self.revenue[p as usize];
                }
            }
        }
        v
    }

    fn marginal(&self, s: &Coalition, i: usize) -> f64 {
        if s.contains(i) {
            return 0.0;
        }
        let mut m = 0.0;
        // payments of i: earned once i joins if a partner is there (or none is needed)
        for &p in &self.by_payer[self.payer_offsets[i]..self.payer_offsets[i + 1]] {
            let ps = self.partners_of(p as usize);
            if ps.is_empty() || ps.iter().any(|&v| s.contains(v as usize)) {
                m += self.revenue[p as usize];
            }
        }
        // payments where i is a partner: i completes them if the payer is there and no other
        // partner is
        for &p in &self.by_partner[self.partner_offsets[i]..self.partner_offsets[i + 1]] {
            let p = p as usize;
            if s.contains(self.payer[p] as usize)
                && !self.partners_of(p).iter().any(|&v| s.contains(v as usize))
            {
                m += self.revenue[p];
            }
        }
        m
    }

    fn permutation_marginals(&self, order: &[usize], marginals: &mut [f64]) {
        let mut present = vec![false; self.n];
        // partners of each payment already present
        let mut have = vec![0u32; self.payer.len()];
        for &i in order {
            let mut m = 0.0;
            for &p in &self.by_payer[self.payer_offsets[i]..self.payer_offsets[i + 1]] {
                let p = p as usize;
                if have[p] > 0 || self.p_offsets[p] == self.p_offsets[p + 1] {
                    m += self.revenue[p];
                }
            }
            for &p in &self.by_partner[self.partner_offsets[i]..self.partner_offsets[i + 1]] {
                let p = p as usize;
                if have[p] == 0 && present[self.payer[p] as usize] {
                    m += self.revenue[p];
                }
                have[p] += 1;
            }
            marginals[i] = m;
            present[i] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::exact_shapley;

    #[test]
    fn shared_closed_form_matches_exact() {
        let pairs = [
            (0, 1, 3.0),
            (1, 2, 5.0),
            (0, 1, 1.0),
            (3, 4, 2.5),
            (0, 4, 7.0),
        ];
        let g = SharedMatchGame::new(5, &pairs, Some(&[1.0, 0.0, 0.0, 2.0, 0.0])).unwrap();
        let exact = exact_shapley(&g).unwrap();
        for (a, b) in g.shapley().iter().zip(&exact) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn availability_closed_form_matches_exact() {
        let pays = [
            (0, 6.0, vec![1, 2]),
            (1, 4.0, vec![0]),
            (3, 5.0, vec![]),
            (4, 12.0, vec![0, 1, 2, 3]),
            (0, 1.0, vec![2, 2]),
        ];
        let g = AvailabilityGame::new(5, &pays).unwrap();
        let exact = exact_shapley(&g).unwrap();
        for (a, b) in g.shapley().iter().zip(&exact) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn incremental_marginals_match_values() {
        let g = AvailabilityGame::new(
            4,
            &[(0, 6.0, vec![1, 2]), (3, 2.0, vec![]), (2, 1.0, vec![3])],
        )
        .unwrap();
        let order = [2, 0, 3, 1];
        let mut m = [0.0; 4];
        g.permutation_marginals(&order, &mut m);
        let mut c = Coalition::empty(4);
        let mut prev = 0.0;
        for &i in &order {
            assert!((g.marginal(&c, i) - m[i]).abs() < 1e-12);
            c.insert(i);
            let v = g.value(&c);
            assert!((v - prev - m[i]).abs() < 1e-12);
            prev = v;
        }
    }

    #[test]
    fn invalid_inputs() {
        assert!(SharedMatchGame::new(2, &[(0, 0, 1.0)], None).is_err());
        assert!(SharedMatchGame::new(2, &[(0, 2, 1.0)], None).is_err());
        assert!(SharedMatchGame::new(2, &[(0, 1, f64::NAN)], None).is_err());
        assert!(AvailabilityGame::new(2, &[(0, 1.0, vec![0])]).is_err());
        assert!(AvailabilityGame::new(2, &[(0, 1.0, vec![5])]).is_err());
    }
}
