//! Simulation of customers from a fitted (or given) model, with a seeded RNG.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, Gamma};

use crate::error::{Error, Result};
use crate::summary::{CompressedSummary, RfmSummary};

/// Customers drawn from a model: their latent traits, repeat-purchase times and summaries.
///
/// Times are in the periods of the model, measured from each customer's first purchase
/// (time 0, not counted as a repeat purchase).
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCustomers {
    t: Vec<f64>,
    lambda: Vec<f64>,
    dropout: Vec<f64>,
    alive: Vec<bool>,
    /// Repeat-purchase times of all customers, customer after customer.
    times: Vec<f64>,
    /// `times[offsets[i]..offsets[i+1]]` are customer i's.
    offsets: Vec<usize>,
}

impl SimulatedCustomers {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.t.len()
    }

    /// True when no customer was drawn.
    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }

    /// Repeat-purchase times of customer `i` in `(0, T_i]`, ascending (periods since the
    /// first purchase). Empty for an index out of range.
    pub fn purchase_times(&self, i: usize) -> &[f64] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => &self.times[s..e],
            _ => &[],
        }
    }

    /// Latent purchase rate `λ` of each customer (purchases per period while alive).
    pub fn lambda(&self) -> &[f64] {
        &self.lambda
    }

    /// Latent dropout probability `p` of each customer.
    pub fn dropout_probability(&self) -> &[f64] {
        &self.dropout
    }

    /// Whether each customer is still alive at the end of observation `T`.
    pub fn alive(&self) -> &[bool] {
        &self.alive
    }

    /// Observation length `T` of each customer.
    pub fn t(&self) -> &[f64] {
        &self.t
    }

    /// Number of repeat purchases of each customer.
    pub fn frequency(&self) -> Vec<f64> {
        self.offsets
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64)
            .collect()
    }

    /// Time of the last repeat purchase of each customer (0 without repeat purchase).
    pub fn recency(&self) -> Vec<f64> {
        self.offsets
            .windows(2)
            .map(|w| {
                if w[1] > w[0] {
                    self.times[w[1] - 1]
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// The RFM summary (customer ids `"0"`, `"1"`, ...; no monetary value).
    ///
    /// # Errors
    /// Never for simulated data; the summary's own checks are kept.
    pub fn summary(&self) -> Result<RfmSummary> {
        RfmSummary::new(
            (0..self.len()).map(|i| i.to_string()).collect(),
            self.frequency(),
            self.recency(),
            self.t.clone(),
            None,
            None,
        )
    }

    /// The compressed summary (what fitting uses).
    ///
    /// # Errors
    /// As [`SimulatedCustomers::summary`].
    pub fn compressed(&self) -> Result<CompressedSummary> {
        let w = vec![1.0; self.len()];
        CompressedSummary::from_weighted_rows(&self.frequency(), &self.recency(), &self.t, &w)
    }
}

/// Draws customers from a beta-geometric model: `λ ~ Gamma(r, rate α)`, `p ~ Beta(a, b)`,
/// exponential gaps between purchases, dropout with probability `p` after each repeat
/// purchase, and (MBG/NBD, `dropout_at_start`) also right after the first purchase.
pub(crate) fn simulate_beta_geometric(
    params: Vec<f64>,
    t_ages: &[f64],
    seed: u64,
    dropout_at_start: bool,
) -> Result<SimulatedCustomers> {
    let (r, alpha, a, b) = (params[0], params[1], params[2], params[3]);
    for (i, &t) in t_ages.iter().enumerate() {
        if !(t.is_finite() && t >= 0.0) {
            return Err(Error::invalid_field(
                i as u64 + 1,
                "T",
                t.to_string(),
                "must be finite and >= 0",
            ));
        }
    }
    let gamma = Gamma::new(r, 1.0 / alpha)
        .map_err(|e| Error::invalid_parameter("r", r, format!("gamma distribution: {e}")))?;
    let beta = Beta::new(a, b)
        .map_err(|e| Error::invalid_parameter("a", a, format!("beta distribution: {e}")))?;
    let mut rng = StdRng::seed_from_u64(seed);
    let n = t_ages.len();
    let mut out = SimulatedCustomers {
        t: t_ages.to_vec(),
        lambda: Vec::with_capacity(n),
        dropout: Vec::with_capacity(n),
        alive: Vec::with_capacity(n),
        times: Vec::new(),
        offsets: Vec::with_capacity(n + 1),
    };
    out.offsets.push(0);
    for &t_age in t_ages {
        let lambda: f64 = gamma.sample(&mut rng);
        let p: f64 = beta.sample(&mut rng);
        let mut alive = !(dropout_at_start && rng.random::<f64>() < p);
        if alive {
            let mut now = 0.0;
            loop {
                // exponential gap; 1 − U lies in (0, 1], so the log is finite
                let u: f64 = rng.random::<f64>();
                now += -(1.0 - u).ln() / lambda;
                if !(now.is_finite() && now <= t_age) {
                    break;
                }
                out.times.push(now);
                if rng.random::<f64>() < p {
                    alive = false;
                    break;
                }
            }
        }
        out.lambda.push(lambda);
        out.dropout.push(p);
        out.alive.push(alive);
        out.offsets.push(out.times.len());
    }
    Ok(out)
}
