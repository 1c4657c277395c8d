//! Hash maps keyed by `f64` bit patterns (summary rows, (frequency, T) pairs).
//!
//! Whole numbers — weekly frequencies, recencies and ages — have all-zero low mantissa bits.
//! Multiplicative hashes such as FxHash pass those zeros through to the low bits a hash table
//! indexes by, so every key piles into a few buckets and a million-row `compress()` slows to
//! a crawl. [`MixHasher`] ends with an avalanche step (the splitmix64 finaliser) that spreads
//! them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`MixHasher`], for keys made of `f64` bit patterns.
pub(crate) type BitsMap<K, V> = HashMap<K, V, BuildHasherDefault<MixHasher>>;

/// A fast hasher for keys made of `u64` words (`f64::to_bits`): a multiply-rotate combine per
/// word and a splitmix64 finaliser.
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

/// The bit pattern of `x` with `-0.0` mapped to `0.0`, so that equal values share a key.
pub(crate) fn key_bits(x: f64) -> u64 {
    (x + 0.0).to_bits()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_spread_over_low_bits() {
        // 1,000 whole-number keys must not share a handful of low-bit patterns
        let mut low = std::collections::HashSet::new();
        for i in 0..1000u32 {
            let mut h = MixHasher::default();
            h.write_u64(key_bits(f64::from(i)));
            low.insert(h.finish() & 0x3ff);
        }
        assert!(low.len() > 500, "{} distinct low-bit patterns", low.len());
    }

    #[test]
    fn negative_zero_is_zero() {
        assert_eq!(key_bits(-0.0), key_bits(0.0));
    }
}
