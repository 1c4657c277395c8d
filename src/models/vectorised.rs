//! Parallel per-customer evaluation shared by the vectorised predictions.

use crate::hashing::BitsMap;

use crate::error::Result;
use crate::models::CustomerBatch;

/// Cache of a quantity that depends on (frequency, T) only, keyed by their bit patterns.
pub(crate) type PairCache = BitsMap<(u64, u64), f64>;

/// Number of rows per parallel chunk for `n` rows: a few chunks per thread (for balance),
/// at least 16k rows (so per-chunk caches pay off).
fn chunk_len(n: usize) -> usize {
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads().max(1);
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    n.div_ceil(4 * threads).max(16_384)
}

/// Builds a vector of `n` values by calling `fill(start, out)` on consecutive chunks
/// (`out` = values `start..start + out.len()`), in parallel with feature `parallel`, each
/// call with its own fresh `PairCache`. The first error (in chunk order) is returned.
pub(crate) fn fill_rows<F>(n: usize, fill: F) -> Result<Vec<f64>>
where
    F: Fn(usize, &mut [f64], &mut PairCache) -> Result<()> + Sync,
{
    let mut out = vec![0.0; n];
    let chunk = chunk_len(n);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let results: Vec<Result<()>> = out
            .par_chunks_mut(chunk)
            .enumerate()
            .map(|(c, slice)| fill(c * chunk, slice, &mut PairCache::default()))
            .collect();
        results.into_iter().collect::<Result<()>>()?;
    }
    #[cfg(not(feature = "parallel"))]
    for (c, slice) in out.chunks_mut(chunk).enumerate() {
        fill(c * chunk, slice, &mut PairCache::default())?;
    }
    Ok(out)
}

/// The cached value for `(x, t)`, computed by `compute` on a miss.
pub(crate) fn cached(
    cache: &mut PairCache,
    x: f64,
    t: f64,
    compute: impl FnOnce() -> Result<f64>,
) -> Result<f64> {
    let key = (x.to_bits(), t.to_bits());
    if let Some(&v) = cache.get(&key) {
        return Ok(v);
    }
    let v = compute()?;
    cache.insert(key, v);
    Ok(v)
}

/// One value per customer of a (checked) batch: each row is passed to `f(x, t_x, T, cache)`,
/// in parallel chunks, in a single pass over the data.
pub(crate) fn per_customer<F>(customers: &CustomerBatch<'_>, f: F) -> Result<Vec<f64>>
where
    F: Fn(f64, f64, f64, &mut PairCache) -> Result<f64> + Sync,
{
    let (frequency, recency, t_age) = (customers.frequency(), customers.recency(), customers.t());
    fill_rows(frequency.len(), |start, out, cache| {
        for (k, v) in out.iter_mut().enumerate() {
            let i = start + k;
            *v = f(frequency[i], recency[i], t_age[i], cache)?;
        }
        Ok(())
    })
}

/// Two values per customer, as [`per_customer`].
pub(crate) fn per_customer_pair<F>(
    customers: &CustomerBatch<'_>,
    f: F,
) -> Result<(Vec<f64>, Vec<f64>)>
where
    F: Fn(f64, f64, f64, &mut PairCache) -> Result<(f64, f64)> + Sync,
{
    let (frequency, recency, t_age) = (customers.frequency(), customers.recency(), customers.t());
    let n = frequency.len();
    let (mut first, mut second) = (vec![0.0; n], vec![0.0; n]);
    let chunk = chunk_len(n);
    let run = |c: usize, a: &mut [f64], b: &mut [f64]| -> Result<()> {
        let mut cache = PairCache::default();
        for k in 0..a.len() {
            let i = c * chunk + k;
            (a[k], b[k]) = f(frequency[i], recency[i], t_age[i], &mut cache)?;
        }
        Ok(())
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let results: Vec<Result<()>> = first
            .par_chunks_mut(chunk)
            .zip(second.par_chunks_mut(chunk))
            .enumerate()
            .map(|(c, (a, b))| run(c, a, b))
            .collect();
        results.into_iter().collect::<Result<()>>()?;
    }
    #[cfg(not(feature = "parallel"))]
    for (c, (a, b)) in first
        .chunks_mut(chunk)
        .zip(second.chunks_mut(chunk))
        .enumerate()
    {
        run(c, a, b)?;
    }
    Ok((first, second))
}

/// Inside `impl TransactionModel for Model`, the predictions of a model whose conditional
/// expectation factors as `E[Y(t) | x, t_x, T] = N(t | x, T) · P(alive | x, t_x, T)` (BG/NBD,
/// MBG/NBD), given `self.alive_expected(t, x, T)` (the expected purchases `N` of a customer
/// known to be alive) and `self.probability_alive_one`: the one-customer expectation and the
/// vectorised methods over a checked [`CustomerBatch`], which run in parallel chunks and compute `N`
/// once per distinct (frequency, T) pair and chunk (weekly summaries repeat pairs a lot).
macro_rules! alive_factored_predictions {
    () => {
        fn conditional_expected_purchases_one(
            &self,
            t: f64,
            frequency: f64,
            recency: f64,
            t_age: f64,
        ) -> $crate::error::Result<f64> {
            let n = self.alive_expected(t, frequency, t_age)?;
            Ok(n * self.probability_alive_one(frequency, recency, t_age)?)
        }

        /// The alive part along the whole path (O(1) per horizon, see
        /// `alive_expected_path`), times P(alive) computed once.
        fn conditional_expected_purchases_path_one(
            &self,
            horizons: &[f64],
            frequency: f64,
            recency: f64,
            t_age: f64,
            out: &mut [f64],
        ) -> $crate::error::Result<()> {
            if out.len() != horizons.len() {
                return Err($crate::error::Error::LengthMismatch {
                    left: "horizons".into(),
                    left_len: horizons.len(),
                    right: "out".into(),
                    right_len: out.len(),
                });
            }
            for &t in horizons {
                $crate::models::check_horizon("t", t)?;
            }
            self.alive_expected_path(horizons, frequency, t_age, out)?;
            let alive = self.probability_alive_one(frequency, recency, t_age)?;
            for o in out.iter_mut() {
                *o *= alive;
            }
            Ok(())
        }

        /// Vectorised over customers in one pass; the part that depends only on
        /// (frequency, T) is computed once per distinct pair and parallel chunk (weekly
        /// summaries repeat pairs a lot).
        fn conditional_expected_purchases(
            &self,
            t: f64,
            customers: &$crate::models::CustomerBatch<'_>,
        ) -> $crate::error::Result<Vec<f64>> {
            use $crate::models::vectorised::{cached, per_customer};
            $crate::models::check_horizon("t", t)?;
            per_customer(customers, |x, tx, tt, cache| {
                let n = cached(cache, x, tt, || self.alive_expected(t, x, tt))?;
                Ok(n * self.probability_alive_one(x, tx, tt)?)
            })
        }

        fn probability_alive(
            &self,
            customers: &$crate::models::CustomerBatch<'_>,
        ) -> $crate::error::Result<Vec<f64>> {
            $crate::models::vectorised::per_customer(customers, |x, tx, tt, _| {
                self.probability_alive_one(x, tx, tt)
            })
        }

        /// One pass: P(alive) is computed once per customer and reused for the expectation.
        fn expected_purchases_and_alive(
            &self,
            t: f64,
            customers: &$crate::models::CustomerBatch<'_>,
        ) -> $crate::error::Result<(Vec<f64>, Vec<f64>)> {
            use $crate::models::vectorised::{cached, per_customer_pair};
            $crate::models::check_horizon("t", t)?;
            per_customer_pair(customers, |x, tx, tt, cache| {
                let n = cached(cache, x, tt, || self.alive_expected(t, x, tt))?;
                let alive = self.probability_alive_one(x, tx, tt)?;
                Ok((n * alive, alive))
            })
        }
    };
}

pub(crate) use alive_factored_predictions;
