//! Shapley values by sampling stratified by player and position, with Neyman allocation.
//!
//! # Estimator
//!
//! The Shapley value is the average over positions `k = 0, …, n−1` of the expected marginal
//! contribution of `i` to a uniformly random coalition of size `k` of the other players:
//!
//! ```text
//! φ_i = (1/n) Σ_k μ_{ik},   μ_{ik} = E[ v(S ∪ {i}) − v(S) | S ⊆ N∖{i}, |S| = k ]
//! ```
//!
//! Each stratum `(i, k)` is sampled separately; `φ̂_i = (1/n) Σ_k x̄_{ik}` with variance
//! `(1/n²) Σ_k s²_{ik}/m_{ik}` (Maleki et al. 2013; Castro, Gómez, Molina & Tejada 2017). The
//! strata `k = 0` and `k = n−1` hold a single coalition and are evaluated exactly once.
//!
//! # Allocation
//!
//! After a pilot of `pilot` samples per stratum, the rest of the budget goes out in rounds by
//! **Neyman allocation** — samples in proportion to each stratum's standard deviation, which
//! minimizes `Σ_i Var(φ̂_i)` for a fixed total. The pilot's standard deviations are floored at
//! `variance_floor` times their mean, so a stratum whose few pilot draws happened to agree is
//! not starved of further samples. Rounds top up each stratum towards its target count.
//!
//! Players are sampled independently (each from its own seeded stream), so the estimates are
//! independent across players and the final projection onto `Σ φ̂_i = v(N) − v(∅)` is the
//! exact constrained least-squares update, which also shrinks the standard errors.
//!
//! Cost: `n²` strata, each sample builds a coalition in `O(k)` plus one
//! [`Game::marginal`] call; meant for games up to a few hundred players.

use super::game::{Coalition, Game};
use super::{project_efficient, stream_rng, Moments, ShapleyEstimate};
use crate::attribution::money::largest_remainder;
use crate::attribution::par::map_tasks;
use crate::error::{Error, GameRule, Result};
use rand::RngExt;

/// Largest player count accepted by [`StratifiedSampling`] (`n²` strata).
pub const STRATIFIED_MAX_PLAYERS: usize = 1000;

/// Stratified Shapley estimator. Defaults: seed 0, budget 1,000,000 marginal evaluations,
/// pilot 8 per stratum, 4 allocation rounds, variance floor 0.1, no target.
///
/// ```
/// use ltv::attribution::{StratifiedSampling, TableGame};
/// let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0])?;
/// let est = StratifiedSampling::new(7).max_samples(3_000).estimate(&g)?;
/// assert!((est.values.iter().sum::<f64>() - 40.0).abs() < 1e-9);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StratifiedSampling {
    seed: u64,
    max_samples: u64,
    pilot: u64,
    rounds: u32,
    variance_floor: f64,
    target_std_error: Option<f64>,
}

impl StratifiedSampling {
    /// An estimator with random seed `seed` and default settings.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            max_samples: 1_000_000,
            pilot: 8,
            rounds: 4,
            variance_floor: 0.1,
            target_std_error: None,
        }
    }

    /// Budget of marginal evaluations, pilot included.
    pub fn max_samples(mut self, samples: u64) -> Self {
        self.max_samples = samples;
        self
    }

    /// Pilot samples per stratum (at least 2).
    pub fn pilot(mut self, samples: u64) -> Self {
        self.pilot = samples;
        self
    }

    /// Number of Neyman allocation rounds after the pilot (at least 1).
    pub fn rounds(mut self, rounds: u32) -> Self {
        self.rounds = rounds;
        self
    }

    /// Floor on a stratum's standard deviation used for allocation, as a fraction of the mean
    /// standard deviation over strata (0 disables; default 0.1).
    pub fn variance_floor(mut self, fraction: f64) -> Self {
        self.variance_floor = fraction;
        self
    }

    /// Stop after the first round where every player's standard error is at most `se`.
    pub fn target_std_error(mut self, se: Option<f64>) -> Self {
        self.target_std_error = se;
        self
    }

    fn check(&self, n: usize) -> Result<()> {
        if n == 0 {
            return Err(Error::Game {
                rule: GameRule::NoPlayers,
            });
        }
        if n > STRATIFIED_MAX_PLAYERS {
            return Err(Error::Game {
                rule: GameRule::TooManyPlayers {
                    method: "stratified sampling",
                    max: STRATIFIED_MAX_PLAYERS,
                    given: n,
                    hint: Some("use PermutationSampling"),
                },
            });
        }
        if self.pilot < 2 {
            return Err(Error::invalid_parameter(
                "pilot",
                self.pilot as f64,
                "must be at least 2",
            ));
        }
        if self.rounds == 0 {
            return Err(Error::invalid_parameter(
                "rounds",
                0.0,
                "must be at least 1",
            ));
        }
        if !(self.variance_floor.is_finite() && self.variance_floor >= 0.0) {
            return Err(Error::invalid_parameter(
                "variance_floor",
                self.variance_floor,
                "must be finite and >= 0",
            ));
        }
        if let Some(t) = self.target_std_error {
            if !(t.is_finite() && t > 0.0) {
                return Err(Error::invalid_parameter(
                    "target_std_error",
                    t,
                    "must be finite and > 0",
                ));
            }
        }
        let needed = (n * n) as u64 * self.pilot;
        if self.max_samples < needed {
            return Err(Error::invalid_parameter(
                "max_samples",
                self.max_samples as f64,
                format!("must cover the pilot: at least pilot × n² = {needed}"),
            ));
        }
        Ok(())
    }

    /// Estimates the Shapley values of `game`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for settings out of range (a budget below `pilot · n²`
    /// included); [`Error::Game`] for `n = 0`, `n > 1000`, or a non-finite value.
    pub fn estimate<G: Game + ?Sized>(&self, game: &G) -> Result<ShapleyEstimate> {
        let n = game.player_count();
        self.check(n)?;
        let empty = game.value(&Coalition::empty(n));
        let full = game.value(&Coalition::full(n));
        if !(empty.is_finite() && full.is_finite()) {
            return Err(Error::Game {
                rule: GameRule::NonFiniteEnds { empty, full },
            });
        }
        // Strata (i, k) at i * n + k. Single-coalition strata: k = 0 and k = n − 1.
        let exact = |k: usize| k == 0 || k == n - 1;
        let mut stats = vec![Moments::default(); n * n];
        let mut spent: u64 = 0;
        // Round 0: exact strata once, others the pilot.
        let pilot: Vec<u64> = (0..n * n)
            .map(|s| if exact(s % n) { 1 } else { self.pilot })
            .collect();
        spent += self.sample_round(game, 0, &pilot, &mut stats)?;
        let mut reached = self.target_std_error.is_none();
        let mut round = 0u32;
        loop {
            if let Some(target) = self.target_std_error {
                if player_variances(&stats, n)
                    .iter()
                    .all(|v| v.sqrt() <= target)
                {
                    reached = true;
                    break;
                }
            }
            if round == self.rounds || spent >= self.max_samples {
                break;
            }
            let rounds_left = u64::from(self.rounds - round);
            let budget = (self.max_samples - spent) / rounds_left;
            round += 1;
            let alloc = self.neyman(&stats, n, budget)?;
            if alloc.iter().all(|&a| a == 0) {
                break;
            }
            spent += self.sample_round(game, round, &alloc, &mut stats)?;
        }
        let mut values: Vec<f64> = (0..n)
            .map(|i| {
                stats[i * n..(i + 1) * n]
                    .iter()
                    .map(|m| m.mean)
                    .sum::<f64>()
                    / n as f64
            })
            .collect();
        let mut variances = player_variances(&stats, n);
        project_efficient(&mut values, &mut variances, full - empty, true);
        Ok(ShapleyEstimate {
            values,
            std_errors: variances.iter().map(|v| v.sqrt()).collect(),
            draws: spent,
            marginal_evaluations: spent,
            target_reached: reached,
        })
    }

    /// Neyman allocation of `budget` samples over the non-exact strata, topping up towards
    /// targets proportional to floored standard deviations.
    fn neyman(&self, stats: &[Moments], n: usize, budget: u64) -> Result<Vec<u64>> {
        let free: Vec<bool> = (0..n * n)
            .map(|s| !(s % n == 0 || s % n == n - 1))
            .collect();
        let sds: Vec<f64> = stats.iter().map(|m| m.variance().sqrt()).collect();
        let free_count = free.iter().filter(|&&f| f).count();
        if free_count == 0 || budget == 0 {
            return Ok(vec![0; n * n]);
        }
        let mean_sd = sds
            .iter()
            .zip(&free)
            .filter(|(_, &f)| f)
            .map(|(s, _)| s)
            .sum::<f64>()
            / free_count as f64;
        let floor = self.variance_floor * mean_sd;
        let weights: Vec<f64> = sds
            .iter()
            .zip(&free)
            .map(|(&s, &f)| {
                if !f {
                    0.0
                } else if mean_sd > 0.0 {
                    s.max(floor)
                } else {
                    1.0 // no spread seen anywhere: allocate evenly
                }
            })
            .collect();
        let weight_sum: f64 = weights.iter().sum();
        if weight_sum.is_nan() || weight_sum <= 0.0 {
            return Ok(vec![0; n * n]);
        }
        let have: f64 = stats
            .iter()
            .zip(&free)
            .filter(|(_, &f)| f)
            .map(|(m, _)| m.count)
            .sum();
        let total_after = have + budget as f64;
        let deficits: Vec<f64> = weights
            .iter()
            .zip(stats)
            .map(|(&w, m)| {
                if w > 0.0 {
                    (total_after * w / weight_sum - m.count).max(0.0)
                } else {
                    0.0
                }
            })
            .collect();
        if deficits.iter().all(|&d| d == 0.0) {
            return Ok(vec![0; n * n]);
        }
        let budget = i64::try_from(budget).unwrap_or(i64::MAX);
        Ok(largest_remainder(&deficits, budget)?
            .into_iter()
            .map(|a| a.max(0) as u64)
            .collect())
    }

    /// Draws `alloc[i * n + k]` samples in each stratum (players in parallel); returns the
    /// number of samples drawn.
    fn sample_round<G: Game + ?Sized>(
        &self,
        game: &G,
        round: u32,
        alloc: &[u64],
        stats: &mut [Moments],
    ) -> Result<u64> {
        let n = game.player_count();
        let parts = map_tasks(n, |i| -> Result<Vec<Moments>> {
            let mut rng = stream_rng(self.seed, u64::from(round), i as u64);
            let mut others: Vec<usize> = (0..n).filter(|&j| j != i).collect();
            let mut c = Coalition::empty(n);
            let mut out = vec![Moments::default(); n];
            for k in 0..n {
                for _ in 0..alloc[i * n + k] {
                    // uniform k-subset of the others: partial Fisher–Yates
                    for p in 0..k {
                        let r = rng.random_range(p..others.len());
                        others.swap(p, r);
                        c.insert(others[p]);
                    }
                    let m = game.marginal(&c, i);
                    for &j in &others[..k] {
                        c.remove(j);
                    }
                    if !m.is_finite() {
                        return Err(Error::Game {
                            rule: GameRule::NonFiniteMarginal {
                                player: Some(i),
                                at: Some(format!("size {k}")),
                            },
                        });
                    }
                    out[k].push(m);
                }
            }
            Ok(out)
        });
        for (i, part) in parts.into_iter().enumerate() {
            for (k, m) in part?.iter().enumerate() {
                stats[i * n + k].merge(m);
            }
        }
        Ok(alloc.iter().sum())
    }
}

/// `Var(φ̂_i) = (1/n²) Σ_k s²_{ik} / m_{ik}` per player.
fn player_variances(stats: &[Moments], n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            stats[i * n..(i + 1) * n]
                .iter()
                .filter(|m| m.count > 0.0)
                .map(|m| m.variance() / m.count)
                .sum::<f64>()
                / (n * n) as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::TableGame;

    #[test]
    fn reproducible_and_efficient() {
        let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0]).unwrap();
        let a = StratifiedSampling::new(1)
            .max_samples(5000)
            .estimate(&g)
            .unwrap();
        let b = StratifiedSampling::new(1)
            .max_samples(5000)
            .estimate(&g)
            .unwrap();
        assert_eq!(a, b);
        assert!((a.values.iter().sum::<f64>() - 40.0).abs() < 1e-9);
        assert!(a.draws <= 5000);
    }

    #[test]
    fn parameter_errors() {
        let g = TableGame::new(3, vec![0.0; 8]).unwrap();
        assert!(StratifiedSampling::new(0).pilot(1).estimate(&g).is_err());
        assert!(StratifiedSampling::new(0)
            .max_samples(10)
            .estimate(&g)
            .is_err());
        assert!(StratifiedSampling::new(0)
            .variance_floor(f64::NAN)
            .estimate(&g)
            .is_err());
    }

    #[test]
    fn additive_game_is_exact() {
        // v(S) = Σ_{i∈S} (i + 1): every stratum has zero variance
        let g = TableGame::new(
            3,
            (0..8u64)
                .map(|m| {
                    (0..3)
                        .filter(|i| m >> i & 1 == 1)
                        .map(|i| i as f64 + 1.0)
                        .sum()
                })
                .collect(),
        )
        .unwrap();
        let est = StratifiedSampling::new(0)
            .max_samples(1000)
            .estimate(&g)
            .unwrap();
        for (i, v) in est.values.iter().enumerate() {
            assert!((v - (i as f64 + 1.0)).abs() < 1e-12);
            assert_eq!(est.std_errors[i], 0.0);
        }
    }
}
