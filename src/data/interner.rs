//! Interning ids: each distinct id gets a number, 0, 1, 2, ... in order of first appearance.
//!
//! The crate's one interner: the transaction log reader, the report's inputs
//! (`report::inputs`) and the attribution graphs ([`crate::attribution::Interner`] wraps it)
//! all number their ids here. An open-addressing table over one text arena: no allocation per
//! id, and the hash can be computed ahead (in parallel, by the reader) and handed in.

use crate::error::{Error, Result};

const EMPTY: u64 = u64::MAX;

/// Hash of an id (64-bit multiply-xorshift over 8-byte words, murmur3 finaliser). Both the low
/// bits (slot) and the high bits (tag) are well mixed.
#[inline]
pub(crate) fn hash_id(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(buf))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    // fmix64
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// One table slot: the first 16 bytes of the id (zero padded) and `len << 32 | number`, or
/// `EMPTY` in the last word. Ids of up to 16 bytes are compared inside the slot, so a lookup
/// touches one cache line; longer ids compare the rest against the arena.
type Slot = [u64; 3];

const EMPTY_SLOT: Slot = [0, 0, EMPTY];

/// The first 16 bytes of an id as two words (zero padded).
#[inline]
fn prefix(id: &[u8]) -> (u64, u64) {
    let mut b = [0u8; 16];
    let n = id.len().min(16);
    b[..n].copy_from_slice(&id[..n]);
    let (lo, hi) = b.split_at(8);
    (
        u64::from_le_bytes(lo.try_into().unwrap_or_default()),
        u64::from_le_bytes(hi.try_into().unwrap_or_default()),
    )
}

/// Distinct ids in an arena, numbered in order of first appearance.
#[derive(Debug, Clone)]
pub(crate) struct Interner {
    /// The ids back to back (valid UTF-8: checked when an id is added).
    arena: String,
    /// End offset in `arena` of id k (its start is the previous end).
    ends: Vec<usize>,
    hashes: Vec<u64>,
    slots: Vec<Slot>,
}

impl Default for Interner {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl Interner {
    /// Room for about `n` distinct ids before growing.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let slots = (n.max(8) * 2).next_power_of_two();
        Self {
            arena: String::with_capacity(n * 8),
            ends: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            slots: vec![EMPTY_SLOT; slots],
        }
    }

    /// Number of distinct ids.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no id has been added.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The id numbered `k` (panics when `k >= len()`, like slice indexing).
    #[inline]
    pub(crate) fn name(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.arena[start..self.ends[k]]
    }

    /// The ids in number order.
    pub(crate) fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|k| self.name(k))
    }

    /// The number of `id`, if it has been added.
    pub(crate) fn find(&self, id: &str) -> Option<u32> {
        let bytes = id.as_bytes();
        let mask = self.slots.len() - 1;
        let (p0, p1) = prefix(bytes);
        let len = bytes.len() as u64;
        let mut i = hash_id(bytes) as usize & mask;
        loop {
            let s = self.slots[i];
            if s[2] == EMPTY {
                return None;
            }
            if s[2] >> 32 == len
                && s[0] == p0
                && s[1] == p1
                && (bytes.len() <= 16 || self.name((s[2] & 0xFFFF_FFFF) as usize) == id)
            {
                return Some(s[2] as u32);
            }
            i = (i + 1) & mask;
        }
    }

    /// Forgets every id numbered `len` or more.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let end = if len == 0 { 0 } else { self.ends[len - 1] };
        self.arena.truncate(end);
        self.ends.truncate(len);
        self.hashes.truncate(len);
        self.slots.iter_mut().for_each(|s| *s = EMPTY_SLOT);
        let mask = self.slots.len() - 1;
        for k in 0..len {
            let id = self.name(k).as_bytes();
            let (p0, p1) = prefix(id);
            let slot = [p0, p1, ((id.len() as u64) << 32) | k as u64];
            let mut i = self.hashes[k] as usize & mask;
            while self.slots[i][2] != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// Reads the home slots of upcoming ids so that their cache misses overlap (the table is
    /// far bigger than the cache for millions of customers). Returns a value to keep the loads.
    #[inline]
    pub(crate) fn touch(&self, hashes: impl Iterator<Item = u64>) -> u64 {
        let mask = self.slots.len() - 1;
        hashes.fold(0u64, |acc, h| acc ^ self.slots[h as usize & mask][2])
    }

    /// Number of `id`, adding it if new; `hash` must be [`hash_id`]`(id)`. Errors (naming
    /// `line`) for an id that is not UTF-8 (callers check this first, so the check here only
    /// runs for new ids) and for more than `u32::MAX - 1` ids.
    #[inline]
    pub(crate) fn intern_hashed(&mut self, id: &[u8], hash: u64, line: u64) -> Result<u32> {
        let mask = self.slots.len() - 1;
        let (p0, p1) = prefix(id);
        let len = id.len() as u64;
        let mut i = hash as usize & mask;
        loop {
            let s = self.slots[i];
            if s[2] == EMPTY {
                break;
            }
            if s[2] >> 32 == len
                && s[0] == p0
                && s[1] == p1
                && (id.len() <= 16 || self.name((s[2] & 0xFFFF_FFFF) as usize).as_bytes() == id)
            {
                return Ok(s[2] as u32);
            }
            i = (i + 1) & mask;
        }
        // new id
        let k = self.ends.len();
        if k >= (u32::MAX - 1) as usize || len >= u32::MAX as u64 {
            return Err(Error::invalid_field(
                line,
                "customer_id",
                String::from_utf8_lossy(id),
                "more than 2^32 - 2 distinct customers, or an id of 4 GB",
            ));
        }
        let text = std::str::from_utf8(id).map_err(|_| {
            Error::invalid_field(
                line,
                "customer_id",
                String::from_utf8_lossy(id),
                "id is not valid UTF-8",
            )
        })?;
        self.arena.push_str(text);
        self.ends.push(self.arena.len());
        self.hashes.push(hash);
        self.slots[i] = [p0, p1, (len << 32) | k as u64];
        if self.ends.len() * 2 > self.slots.len() {
            self.grow();
        }
        Ok(k as u32)
    }

    /// Number of `id`, adding it if new.
    #[inline]
    pub(crate) fn intern(&mut self, id: &str, line: u64) -> Result<u32> {
        self.intern_hashed(id.as_bytes(), hash_id(id.as_bytes()), line)
    }

    fn grow(&mut self) {
        let n = self.slots.len() * 2;
        let mask = n - 1;
        let mut slots = vec![EMPTY_SLOT; n];
        for s in &self.slots {
            if s[2] == EMPTY {
                continue;
            }
            let h = self.hashes[(s[2] & 0xFFFF_FFFF) as usize];
            let mut i = h as usize & mask;
            while slots[i][2] != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = *s;
        }
        self.slots = slots;
    }

    /// The distinct ids in one arena (the table is dropped).
    pub(crate) fn into_arena(self) -> Names {
        let mut arena = self.arena;
        let mut ends = self.ends;
        arena.shrink_to_fit();
        ends.shrink_to_fit();
        Names { arena, ends }
    }

    /// The distinct ids in number order, one `String` each ([`Names::to_strings`]).
    pub(crate) fn into_names(self) -> Vec<String> {
        self.into_arena().to_strings()
    }
}

/// Distinct ids back to back in one text arena (an [`Interner`] without its table): the ids of
/// a transaction log read from a file, kept without a `String` per customer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    arena: String,
    /// End offset in `arena` of id k (its start is the previous end).
    ends: Vec<usize>,
}

impl Names {
    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The id numbered `k` (panics when `k >= len()`, like slice indexing).
    #[inline]
    pub(crate) fn name(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.arena[start..self.ends[k]]
    }

    /// One `String` per id, in number order (made on every core with the `parallel` feature).
    pub(crate) fn to_strings(&self) -> Vec<String> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            (0..self.len())
                .into_par_iter()
                .with_min_len(1 << 14)
                .map(|k| self.name(k).to_string())
                .collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            (0..self.len()).map(|k| self.name(k).to_string()).collect()
        }
    }
}

impl PartialEq for Interner {
    /// Same ids in the same order (the table layout does not matter).
    fn eq(&self, other: &Self) -> bool {
        self.ends == other.ends && self.arena == other.arena
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_order_of_first_appearance() {
        let mut t = Interner::with_capacity(0);
        let ids: Vec<String> = (0..10_000).map(|i| format!("id{}", i % 3001)).collect();
        let nums: Vec<u32> = ids.iter().map(|s| t.intern(s, 0).unwrap()).collect();
        assert_eq!(t.len(), 3001);
        for (s, &k) in ids.iter().zip(&nums) {
            assert_eq!(format!("id{k}"), *s);
        }
        let names = t.into_names();
        assert_eq!(names[3000], "id3000");
        // prefixes and the empty-suffix case are distinct keys
        let mut t = Interner::default();
        let a = t.intern("abcdefgh", 0).unwrap();
        let b = t.intern("abcdefgh\0", 0).unwrap();
        let c = t.intern("abcdefg", 0).unwrap();
        let d = t.intern("0123456789abcdefX", 0).unwrap();
        let e = t.intern("0123456789abcdefY", 0).unwrap();
        let f = t.intern("0123456789abcdef", 0).unwrap();
        assert_eq!((a, b, c, d, e, f), (0, 1, 2, 3, 4, 5));
        assert_eq!(t.intern("0123456789abcdefY", 0).unwrap(), 4);
        assert_eq!(t.find("0123456789abcdefX"), Some(3));
        assert_eq!(t.find("0123456789abcdefZ"), None);
        assert_eq!(t.find("abcdefg"), Some(2));
        assert_eq!(t.name(4), "0123456789abcdefY");
        // truncation forgets the later ids and numbers them again when they come back
        t.truncate(3);
        assert_eq!(t.len(), 3);
        assert_eq!(t.find("0123456789abcdefX"), None);
        assert_eq!(t.find("abcdefgh"), Some(0));
        assert_eq!(t.intern("0123456789abcdefY", 0).unwrap(), 3);
        assert_eq!(t.names().collect::<Vec<_>>()[3], "0123456789abcdefY");
        assert!(t.intern_hashed(b"\xff", hash_id(b"\xff"), 7).is_err());
    }
}
