//! Exact Shapley values by enumerating all `2^n` coalitions as bit masks.
//!
//! # Algorithm
//!
//! Grouping the Shapley sum by coalition instead of by player, each coalition `S` of size `s`
//! is evaluated once and enters
//!
//! ```text
//! φ_i  +=  v(S) / (n · C(n−1, s−1))    for i ∈ S       (S is "S∖{i} joined by i")
//! φ_i  −=  v(S) / (n · C(n−1, s))      for i ∉ S       (S is "S before i joined")
//! ```
//!
//! So the work is `2^n` calls of [`Game::value`] plus `O(2^n · n)` additions, in `O(n²)`
//! memory: per player and size, the sum `A_i(s)` of `v(S)` over the coalitions of size `s`
//! containing `i`, and per size the total `T(s)`; then
//! `φ_i = Σ_s A_i(s)/(n·C(n−1,s−1)) − (T(s) − A_i(s))/(n·C(n−1,s))`.
//! Masks are split into fixed blocks (in parallel under feature `parallel`) whose partial
//! sums are added in block order, so the result does not depend on the thread count.

use super::game::{Coalition, Game};
use crate::attribution::par::map_tasks;
use crate::error::{Error, GameRule, Result};

/// Largest player count accepted by [`exact_shapley`] (2^30 coalitions).
pub const EXACT_MAX_PLAYERS: usize = 30;

/// At least 2^16 masks per block, at most 256 blocks.
const BLOCK_BITS: usize = 16;
const MAX_BLOCKS_BITS: usize = 8;

/// Exact Shapley values of every player, `O(2^n · n)`; practical up to `n ≈ 25`.
///
/// The values add up to `v(N) − v(∅)` (efficiency) up to rounding.
///
/// # Errors
/// [`Error::Game`] when `n > 30` (use [`PermutationSampling`](super::PermutationSampling) or
/// [`StratifiedSampling`](super::StratifiedSampling)) or when the game returns a non-finite
/// value.
///
/// ```
/// use ltv::attribution::{exact_shapley, TableGame};
/// // The "party" game: v(W)=10, v(M)=8, v(H)=0, v(WM)=20, v(WH)=25, v(MH)=20, v(WMH)=40.
/// let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0])?;
/// let phi = exact_shapley(&g)?;
/// assert!((phi[2] - 67.0 / 6.0).abs() < 1e-12); // the healer, worth nothing alone
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn exact_shapley<G: Game + ?Sized>(game: &G) -> Result<Vec<f64>> {
    let n = game.player_count();
    if n > EXACT_MAX_PLAYERS {
        return Err(Error::Game {
            rule: GameRule::TooManyPlayers {
                method: "exact enumeration",
                max: EXACT_MAX_PLAYERS,
                given: n,
                hint: Some("use a sampling estimator"),
            },
        });
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    let total_masks = 1u64 << n;
    let block_bits = BLOCK_BITS.max(n.saturating_sub(MAX_BLOCKS_BITS)).min(n);
    let blocks = (total_masks >> block_bits) as usize;
    let width = n + 1;
    let partials = map_tasks(blocks, |b| -> Result<(Vec<f64>, Vec<f64>)> {
        let mut a = vec![0.0; n * width];
        let mut t = vec![0.0; width];
        let mut c = Coalition::empty(n);
        let first = (b as u64) << block_bits;
        for mask in first..first + (1u64 << block_bits) {
            c.set_mask(mask);
            let v = game.value(&c);
            if !v.is_finite() {
                return Err(Error::Game {
                    rule: GameRule::CoalitionValue {
                        coalition: mask,
                        value: v,
                    },
                });
            }
            let s = mask.count_ones() as usize;
            t[s] += v;
            let mut m = mask;
            while m != 0 {
                let i = m.trailing_zeros() as usize;
                a[i * width + s] += v;
                m &= m - 1;
            }
        }
        Ok((a, t))
    });
    let mut a = vec![0.0; n * width];
    let mut t = vec![0.0; width];
    for part in partials {
        let (pa, pt) = part?;
        a.iter_mut().zip(&pa).for_each(|(x, y)| *x += y);
        t.iter_mut().zip(&pt).for_each(|(x, y)| *x += y);
    }
    // weight of a coalition of size k that does not contain i: 1 / (n · C(n−1, k))
    let weight: Vec<f64> = (0..n)
        .map(|k| 1.0 / (n as f64 * binomial(n - 1, k)))
        .collect();
    let phi = (0..n)
        .map(|i| {
            let ai = &a[i * width..(i + 1) * width];
            let mut plus = 0.0;
            let mut minus = 0.0;
            for s in 1..=n {
                plus += ai[s] * weight[s - 1];
            }
            for s in 0..n {
                minus += (t[s] - ai[s]) * weight[s];
            }
            plus - minus
        })
        .collect();
    Ok(phi)
}

/// `C(n, k)` as `f64` (exact for the `n <= 30` used here).
fn binomial(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    let mut c: u64 = 1;
    for j in 0..k {
        c = c * (n - j) as u64 / (j + 1) as u64;
    }
    c as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials() {
        assert_eq!(binomial(30, 15), 155_117_520.0);
        assert_eq!(binomial(4, 0), 1.0);
        assert_eq!(binomial(4, 4), 1.0);
    }

    struct Big;
    impl Game for Big {
        fn player_count(&self) -> usize {
            31
        }
        fn value(&self, _: &Coalition) -> f64 {
            0.0
        }
    }

    struct Nan;
    impl Game for Nan {
        fn player_count(&self) -> usize {
            2
        }
        fn value(&self, c: &Coalition) -> f64 {
            if c.len() == 2 {
                f64::NAN
            } else {
                0.0
            }
        }
    }

    #[test]
    fn errors() {
        assert!(matches!(exact_shapley(&Big), Err(Error::Game { .. })));
        assert!(matches!(exact_shapley(&Nan), Err(Error::Game { .. })));
    }
}
