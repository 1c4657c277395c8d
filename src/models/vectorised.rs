//! Parallel per-customer evaluation shared by the vectorised predictions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::Result;

/// Cache of a quantity that depends on (frequency, T) only, keyed by their bit patterns.
pub(crate) type PairCache = HashMap<(u64, u64), f64, BuildHasherDefault<MixHasher>>;

/// A fast hasher for keys made of `f64` bit patterns. Whole numbers (weekly frequencies and
/// ages) have all-zero low mantissa bits, which multiplicative hashes like FxHash pass
/// through to the low bits a hash table indexes by, piling every key into a few buckets; a
/// final avalanche (the splitmix64 finaliser) spreads them.
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(23) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

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
