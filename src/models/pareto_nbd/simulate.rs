//! Simulating customers from the Pareto/NBD model (for parameter recovery, benchmarks and
//! what-if studies).

use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Exp, Gamma, Poisson};

use super::params::ParetoNbd;
use crate::error::{Error, Result};
use crate::summary::RfmSummary;

/// One simulated customer: the latent rates and the repeat purchase times.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCustomer {
    /// Purchase rate while alive (per period).
    pub lambda: f64,
    /// Dropout rate (per period).
    pub mu: f64,
    /// Lifetime (periods after the first purchase); may exceed `T`.
    pub lifetime: f64,
    /// Repeat purchase times in `(0, min(lifetime, T)]`, ascending.
    pub purchase_times: Vec<f64>,
}

impl ParetoNbd {
    /// Draws one customer observed for `t_age` periods after the first purchase:
    /// `λ ~ Gamma(r, α)`, `μ ~ Gamma(s, β)` (shape, rate), lifetime `~ Exp(μ)`, repeat
    /// purchases a Poisson process with rate `λ` while alive and before `T`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `t_age`.
    pub fn simulate_customer<R: Rng + ?Sized>(
        &self,
        t_age: f64,
        rng: &mut R,
    ) -> Result<SimulatedCustomer> {
        if !(t_age.is_finite() && t_age >= 0.0) {
            return Err(Error::invalid_parameter(
                "T",
                t_age,
                "must be finite and >= 0",
            ));
        }
        let bad = |e: rand_distr::GammaError| Error::numerical("simulate", e.to_string());
        let lambda = Gamma::new(self.r, 1.0 / self.alpha)
            .map_err(bad)?
            .sample(rng);
        let mu = Gamma::new(self.s, 1.0 / self.beta)
            .map_err(bad)?
            .sample(rng);
        let lifetime = if mu > 0.0 {
            Exp::new(mu)
                .map_err(|e| Error::numerical("simulate", e.to_string()))?
                .sample(rng)
        } else {
            f64::INFINITY
        };
        let active = lifetime.min(t_age);
        let mean = lambda * active;
        let n = if mean > 0.0 {
            Poisson::new(mean)
                .map_err(|e| Error::numerical("simulate", e.to_string()))?
                .sample(rng) as usize
        } else {
            0
        };
        let mut purchase_times: Vec<f64> = (0..n)
            .map(|_| active * (1.0 - rng.random::<f64>()))
            .collect();
        purchase_times.sort_by(f64::total_cmp);
        Ok(SimulatedCustomer {
            lambda,
            mu,
            lifetime,
            purchase_times,
        })
    }

    /// Simulates an RFM summary (continuous time, in periods) of customers with the given
    /// ages `T`, reproducibly from `seed`. Customer ids are `"0"`, `"1"`, ...
    ///
    /// ```
    /// use ltv::models::pareto_nbd::ParetoNbd;
    /// let p = ParetoNbd::new(0.55, 10.6, 0.61, 11.7)?;
    /// let s = p.simulate_summary(&vec![39.0; 1000], 7)?;
    /// assert_eq!(s.len(), 1000);
    /// assert_eq!(s, p.simulate_summary(&vec![39.0; 1000], 7)?);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ParetoNbd::simulate_customer`].
    pub fn simulate_summary(&self, t_age: &[f64], seed: u64) -> Result<RfmSummary> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let n = t_age.len();
        let (mut f, mut r) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for &t in t_age {
            let c = self.simulate_customer(t, &mut rng)?;
            f.push(c.purchase_times.len() as f64);
            r.push(c.purchase_times.last().copied().unwrap_or(0.0));
        }
        RfmSummary::new(
            (0..n).map(|i| i.to_string()).collect(),
            f,
            r,
            t_age.to_vec(),
            None,
            None,
        )
    }

    /// Simulates a summary **in whole periods**, as lifetimes' `summary_data_from_transaction_data`
    /// builds it from a dated log: customer `i` is observed for `ages[i]` whole periods after the
    /// period of the first purchase; purchase times are rounded down to whole periods and
    /// count once per period, so `frequency` is the number of later periods with a purchase and
    /// `recency` the last such period. (Purchases in the first period after the first
    /// purchase's merge with it, so these data follow the model only approximately; they are
    /// what a weekly pipeline produces.) Ids are `"0"`, `"1"`, ...; `monetary_value` is `None`.
    ///
    /// ```
    /// use ltv::models::pareto_nbd::ParetoNbd;
    /// let p = ParetoNbd::new(0.55, 10.6, 0.61, 11.7)?;
    /// let ages: Vec<u32> = (0..1000).map(|i| 1 + i % 52).collect();
    /// let s = p.simulate_period_summary(&ages, 7)?;
    /// assert!(s.recency().iter().all(|r| r.fract() == 0.0));
    /// # Ok::<(), ltv::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ParetoNbd::simulate_customer`].
    pub fn simulate_period_summary(&self, ages: &[u32], seed: u64) -> Result<RfmSummary> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let n = ages.len();
        let (mut f, mut r) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for &age in ages {
            let c = self.simulate_customer(f64::from(age), &mut rng)?;
            let mut periods: Vec<u32> = c
                .purchase_times
                .iter()
                .map(|&tau| tau.floor() as u32)
                .filter(|&p| p >= 1 && p <= age)
                .collect();
            periods.dedup();
            f.push(periods.len() as f64);
            r.push(periods.last().map_or(0.0, |&p| f64::from(p)));
        }
        RfmSummary::new(
            (0..n).map(|i| i.to_string()).collect(),
            f,
            r,
            ages.iter().map(|&a| f64::from(a)).collect(),
            None,
            None,
        )
    }
}
