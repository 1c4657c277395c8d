//! Shapley values: the [`Game`] trait and estimators over it.
//!
//! * [`exact_shapley`] — enumeration of all `2^n` coalitions (bit masks), `n` up to about 25;
//! * [`PermutationSampling`] — Monte Carlo over random join orders (Castro, Gómez & Tejada
//!   2009), optionally antithetic, with per-player standard errors and adaptive stopping;
//! * [`StratifiedSampling`] — sampling stratified by player and position with Neyman
//!   allocation and variance floors (Castro, Gómez, Molina & Tejada 2017; Maleki et al. 2013);
//! * closed forms in `O(E)` for the [`SharedMatchGame`] (Deng & Papadimitriou 1994) and the
//!   [`AvailabilityGame`] (a glove game per payment), both built from the match and payment
//!   logs;
//! * [`ChannelAttribution`] — "simplified Shapley" over marketing channels (Zhao et al. 2018).
//!
//! Sampling estimates are seeded (the same seed gives the same numbers for any thread count)
//! and projected so that they add up to `v(N) − v(∅)` exactly, as the Shapley values do.

mod channels;
mod closed_form;
mod exact;
mod game;
mod monte_carlo;
mod stratified;

pub use channels::{ChannelAttribution, ChannelGame};
pub use closed_form::{AvailabilityGame, SharedMatchGame};
pub use exact::{exact_shapley, EXACT_MAX_PLAYERS};
pub use game::{Coalition, Game, TableGame, TABLE_GAME_MAX_PLAYERS};
pub use monte_carlo::PermutationSampling;
pub use stratified::{StratifiedSampling, STRATIFIED_MAX_PLAYERS};

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;

/// Shapley value estimates with their standard errors.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapleyEstimate {
    /// Estimated Shapley value per player; they add up to `v(N) − v(∅)` (up to rounding).
    pub values: Vec<f64>,
    /// Standard error of each estimate (after the efficiency projection).
    pub std_errors: Vec<f64>,
    /// Independent draws used: permutations (antithetic pairs count once) or stratum samples.
    pub draws: u64,
    /// Marginal contributions evaluated.
    pub marginal_evaluations: u64,
    /// Whether the requested target standard error was reached (true when none was set).
    pub target_reached: bool,
}

/// Projects `values` onto `Σ values = total`, moving each estimate in proportion to its
/// variance (the generalized-least-squares projection for independent estimates), and
/// shrinks the variances accordingly when `independent`.
///
/// With variances `σ²`, residual `r = total − Σ values`: `values_i += σ²_i / Σσ² · r` and, for
/// independent estimates, `σ²_i −= σ⁴_i / Σσ²`. When every variance is zero the residual (then
/// only rounding) is spread evenly.
pub(crate) fn project_efficient(
    values: &mut [f64],
    variances: &mut [f64],
    total: f64,
    independent: bool,
) {
    let n = values.len();
    if n == 0 {
        return;
    }
    let residual = total - values.iter().sum::<f64>();
    let var_sum: f64 = variances.iter().sum();
    if var_sum > 0.0 && var_sum.is_finite() {
        for (v, s2) in values.iter_mut().zip(variances.iter_mut()) {
            let share = *s2 / var_sum;
            *v += share * residual;
            if independent {
                *s2 = (*s2 - *s2 * share).max(0.0);
            }
        }
    } else {
        for v in values.iter_mut() {
            *v += residual / n as f64;
        }
    }
    // Final rounding touch so the sum is as close to `total` as floating point allows.
    let drift = total - values.iter().sum::<f64>();
    if let Some((k, _)) = variances
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
    {
        values[k] += drift;
    }
}

/// An independent random stream for (`seed`, `a`, `b`): SplitMix64-mixed so that nearby seeds
/// and indices give unrelated streams.
pub(crate) fn stream_rng(seed: u64, a: u64, b: u64) -> Xoshiro256PlusPlus {
    let mut z = splitmix(seed ^ splitmix(a.wrapping_add(0x632B_E59B_D9B4_E019)));
    z = splitmix(z ^ splitmix(b.wrapping_add(0x8CB9_2BA7_2F3D_8DD7)));
    Xoshiro256PlusPlus::seed_from_u64(z)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Running mean and sum of squared deviations (Welford / Chan et al.), mergeable.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Moments {
    pub(crate) count: f64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
}

impl Moments {
    #[inline]
    pub(crate) fn push(&mut self, x: f64) {
        self.count += 1.0;
        let d = x - self.mean;
        self.mean += d / self.count;
        self.m2 += d * (x - self.mean);
    }

    pub(crate) fn merge(&mut self, o: &Moments) {
        if o.count == 0.0 {
            return;
        }
        if self.count == 0.0 {
            *self = *o;
            return;
        }
        let n = self.count + o.count;
        let d = o.mean - self.mean;
        self.mean += d * o.count / n;
        self.m2 += o.m2 + d * d * self.count * o.count / n;
        self.count = n;
    }

    /// Sample variance (0 with fewer than two observations).
    pub(crate) fn variance(&self) -> f64 {
        if self.count > 1.0 {
            (self.m2 / (self.count - 1.0)).max(0.0)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_adds_up_and_shrinks_variance() {
        let mut v = vec![1.0, 2.0, 3.0];
        let mut s2 = vec![1.0, 0.0, 3.0];
        project_efficient(&mut v, &mut s2, 10.0, true);
        assert!((v.iter().sum::<f64>() - 10.0).abs() < 1e-12);
        assert!((v[0] - 2.0).abs() < 1e-12 && v[1] == 2.0 && (v[2] - 6.0).abs() < 1e-12);
        assert!((s2[0] - 0.75).abs() < 1e-12 && (s2[2] - 0.75).abs() < 1e-12);
    }

    #[test]
    fn moments_merge() {
        let xs = [1.0, 4.0, 2.0, 8.0, 5.0];
        let mut a = Moments::default();
        xs.iter().for_each(|&x| a.push(x));
        let mut b = Moments::default();
        let mut c = Moments::default();
        xs[..2].iter().for_each(|&x| b.push(x));
        xs[2..].iter().for_each(|&x| c.push(x));
        b.merge(&c);
        assert!((a.mean - b.mean).abs() < 1e-12 && (a.variance() - b.variance()).abs() < 1e-12);
        assert!((a.variance() - 7.5).abs() < 1e-12);
    }
}
