//! Monte Carlo Shapley values by permutation sampling (Castro, Gómez & Tejada 2009).
//!
//! # Estimator
//!
//! Draw join orders `π` uniformly; the marginal contribution `m_i(π) = v(P_i(π) ∪ {i}) −
//! v(P_i(π))` of player `i` to its predecessors `P_i(π)` is an unbiased draw of `φ_i`. The
//! estimate is the mean over `m` draws, its standard error `s_i / √m`. With **antithetic**
//! draws each order is paired with its reverse and the pair's average is one draw: a player
//! early in one is late in the other, which cancels much of the position effect (the main
//! source of variance for games whose values grow with coalition size).
//!
//! One order gives all `n` marginal contributions, computed by
//! [`Game::permutation_marginals`] — incrementally in `O(n + E)` for the built-in match games.
//! Because the contributions along one order telescope to `v(N) − v(∅)`, the means add up to
//! it exactly (up to rounding); the final projection only removes rounding drift.
//!
//! # Reproducibility and parallelism
//!
//! Draw `j` uses its own random stream derived from `(seed, j)`. Draws run in fixed chunks (in
//! parallel under feature `parallel`) whose statistics merge in chunk order, so a seed gives
//! the same estimates for any number of threads. With a target standard error, draws proceed in
//! rounds and stop after the first round where every player's standard error is at or below
//! the target (or the budget is spent: then `target_reached` is false).

use super::game::Game;
use super::{project_efficient, stream_rng, Moments, ShapleyEstimate};
use crate::attribution::par::map_tasks;
use crate::error::{Error, GameRule, Result};
use rand::RngExt;

/// Draws per parallel task.
const CHUNK: u64 = 16;
/// Tasks per round (a round is `CHUNK * TASKS_PER_ROUND` draws).
const TASKS_PER_ROUND: u64 = 64;

/// Permutation-sampling Shapley estimator. Defaults: seed 0, at most 10,000 draws, at least
/// 100 before stopping early, no target standard error, antithetic draws on.
///
/// ```
/// use ltv::attribution::{PermutationSampling, TableGame};
/// let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0])?;
/// let est = PermutationSampling::new(7).max_draws(20_000).estimate(&g)?;
/// assert!((est.values.iter().sum::<f64>() - 40.0).abs() < 1e-9);
/// assert!((est.values[2] - 67.0 / 6.0).abs() < 4.0 * est.std_errors[2]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PermutationSampling {
    seed: u64,
    max_draws: u64,
    min_draws: u64,
    target_std_error: Option<f64>,
    antithetic: bool,
}

impl PermutationSampling {
    /// An estimator with random seed `seed` and default settings.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            max_draws: 10_000,
            min_draws: 100,
            target_std_error: None,
            antithetic: true,
        }
    }

    /// Budget of draws (orders, or antithetic pairs). Without a target all are used.
    pub fn max_draws(mut self, draws: u64) -> Self {
        self.max_draws = draws;
        self
    }

    /// Draws made before the target is first checked (default 100).
    pub fn min_draws(mut self, draws: u64) -> Self {
        self.min_draws = draws;
        self
    }

    /// Stop once every player's standard error is at most `se` (in the game's value units).
    pub fn target_std_error(mut self, se: Option<f64>) -> Self {
        self.target_std_error = se;
        self
    }

    /// Pair each order with its reverse (default true).
    pub fn antithetic(mut self, on: bool) -> Self {
        self.antithetic = on;
        self
    }

    /// Estimates the Shapley values of `game`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for fewer than 2 draws or a target that is not finite and
    /// positive; [`Error::Game`] when the game has no players or yields a non-finite value.
    pub fn estimate<G: Game + ?Sized>(&self, game: &G) -> Result<ShapleyEstimate> {
        let n = game.player_count();
        if n == 0 {
            return Err(Error::Game {
                rule: GameRule::NoPlayers,
            });
        }
        if self.max_draws < 2 {
            return Err(Error::invalid_parameter(
                "max_draws",
                self.max_draws as f64,
                "must be at least 2",
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
        let empty = game.value(&super::Coalition::empty(n));
        let full = game.value(&super::Coalition::full(n));
        if !(empty.is_finite() && full.is_finite()) {
            return Err(Error::Game {
                rule: GameRule::NonFiniteEnds { empty, full },
            });
        }
        let mut stats = vec![Moments::default(); n];
        let mut done: u64 = 0;
        let mut reached = self.target_std_error.is_none();
        while done < self.max_draws {
            let round = (CHUNK * TASKS_PER_ROUND).min(self.max_draws - done);
            let tasks = round.div_ceil(CHUNK);
            let parts = map_tasks(tasks as usize, |t| {
                let first = done + t as u64 * CHUNK;
                let last = (first + CHUNK).min(done + round);
                self.run_chunk(game, first, last)
            });
            for part in parts {
                for (s, p) in stats.iter_mut().zip(part?) {
                    s.merge(&p);
                }
            }
            done += round;
            if let Some(target) = self.target_std_error {
                if done >= self.min_draws.max(2) {
                    let worst = stats
                        .iter()
                        .map(|m| (m.variance() / m.count).sqrt())
                        .fold(0.0, f64::max);
                    if worst <= target {
                        reached = true;
                        break;
                    }
                }
            }
        }
        let mut values: Vec<f64> = stats.iter().map(|m| m.mean).collect();
        let mut variances: Vec<f64> = stats.iter().map(|m| m.variance() / m.count).collect();
        project_efficient(&mut values, &mut variances, full - empty, false);
        let per_draw = if self.antithetic { 2 } else { 1 } * n as u64;
        Ok(ShapleyEstimate {
            values,
            std_errors: variances.iter().map(|v| v.sqrt()).collect(),
            draws: done,
            marginal_evaluations: done * per_draw,
            target_reached: reached,
        })
    }

    /// Draws `first..last`; per-player moments of the draws.
    fn run_chunk<G: Game + ?Sized>(&self, game: &G, first: u64, last: u64) -> Result<Vec<Moments>> {
        let n = game.player_count();
        let mut order: Vec<usize> = Vec::with_capacity(n);
        let mut marg = vec![0.0; n];
        let mut marg_rev = vec![0.0; n];
        // shifted sums of the draws (shift = first draw) for a stable one-pass variance
        let mut shift = vec![0.0; n];
        let mut sum = vec![0.0; n];
        let mut sum_sq = vec![0.0; n];
        for j in first..last {
            let mut rng = stream_rng(self.seed, j, 0);
            order.clear();
            order.extend(0..n);
            for k in (1..n).rev() {
                let r = rng.random_range(0..=k);
                order.swap(k, r);
            }
            game.permutation_marginals(&order, &mut marg);
            if self.antithetic {
                order.reverse();
                game.permutation_marginals(&order, &mut marg_rev);
                for (m, r) in marg.iter_mut().zip(&marg_rev) {
                    *m = 0.5 * (*m + r);
                }
            }
            let check: f64 = marg.iter().sum();
            if !check.is_finite() {
                return Err(Error::Game {
                    rule: GameRule::NonFiniteMarginal {
                        player: None,
                        at: Some(format!("draw {j}")),
                    },
                });
            }
            if j == first {
                shift.copy_from_slice(&marg);
            }
            for i in 0..n {
                let d = marg[i] - shift[i];
                sum[i] += d;
                sum_sq[i] += d * d;
            }
        }
        let c = (last - first) as f64;
        Ok((0..n)
            .map(|i| Moments {
                count: c,
                mean: shift[i] + sum[i] / c,
                m2: (sum_sq[i] - sum[i] * sum[i] / c).max(0.0),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::TableGame;

    #[test]
    fn reproducible_and_efficient() {
        let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0]).unwrap();
        let a = PermutationSampling::new(1)
            .max_draws(3000)
            .estimate(&g)
            .unwrap();
        let b = PermutationSampling::new(1)
            .max_draws(3000)
            .estimate(&g)
            .unwrap();
        assert_eq!(a, b);
        assert!((a.values.iter().sum::<f64>() - 40.0).abs() < 1e-9);
        assert_eq!(a.draws, 3000);
        let c = PermutationSampling::new(2)
            .max_draws(3000)
            .estimate(&g)
            .unwrap();
        assert_ne!(a.values, c.values);
    }

    #[test]
    fn adaptive_stop() {
        let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0]).unwrap();
        let est = PermutationSampling::new(3)
            .max_draws(1_000_000)
            .target_std_error(Some(0.05))
            .estimate(&g)
            .unwrap();
        assert!(est.target_reached);
        assert!(est.draws < 1_000_000);
        assert!(est.std_errors.iter().all(|&s| s <= 0.05));
        let est = PermutationSampling::new(3)
            .max_draws(50)
            .target_std_error(Some(1e-9))
            .estimate(&g)
            .unwrap();
        assert!(!est.target_reached);
    }

    #[test]
    fn parameter_errors() {
        let g = TableGame::new(1, vec![0.0, 1.0]).unwrap();
        assert!(PermutationSampling::new(0)
            .max_draws(1)
            .estimate(&g)
            .is_err());
        assert!(PermutationSampling::new(0)
            .target_std_error(Some(0.0))
            .estimate(&g)
            .is_err());
    }
}
