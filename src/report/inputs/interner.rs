//! Interning of user ids without an allocation per id: the ids live in one text buffer, an
//! open-addressing table maps them to dense numbers.

use rustc_hash::FxHasher;
use std::hash::Hasher;

/// Distinct strings numbered 0, 1, ... in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Interner {
    text: String,
    ends: Vec<usize>,
    /// slot → (id + 1, 32 bits of the id's hash); id 0 = empty; length a power of two, at
    /// most half full
    slots: Vec<(u32, u32)>,
    /// log2 of the number of slots
    bits: u32,
    /// the last id interned (logs are often grouped by user: a repeat skips the hash)
    last: u32,
}

fn hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    // FxHash keeps its entropy in the high bits; fold them down for slot indices and tags
    let x = h.finish();
    x ^ (x >> 29) ^ (x >> 41)
}

fn slot(h: u64, bits: u32) -> usize {
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl Interner {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The number of `s`, adding it if new; `None` when more than `u32::MAX - 1` ids exist.
    pub fn intern(&mut self, s: &str) -> Option<u32> {
        if (self.last as usize) < self.len() && self.get(self.last as usize) == s {
            return Some(self.last);
        }
        let id = self.intern_hashed(s)?;
        self.last = id;
        Some(id)
    }

    fn intern_hashed(&mut self, s: &str) -> Option<u32> {
        if self.slots.len() < 2 * (self.len() + 1) {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let h = hash(s);
        let tag = h as u32;
        let mut at = slot(h, self.bits);
        loop {
            match self.slots[at] {
                (0, _) => {
                    let id = u32::try_from(self.len()).ok().filter(|&id| id < u32::MAX)?;
                    self.text.push_str(s);
                    self.ends.push(self.text.len());
                    self.slots[at] = (id + 1, tag);
                    return Some(id);
                }
                (k, t) if t == tag && self.get(k as usize - 1) == s => return Some(k - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// The number of `s`, if interned.
    pub fn find(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let h = hash(s);
        let tag = h as u32;
        let mut at = slot(h, self.bits);
        loop {
            match self.slots[at] {
                (0, _) => return None,
                (k, t) if t == tag && self.get(k as usize - 1) == s => return Some(k - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let bits = (self.bits + 1).max(10);
        let size = 1usize << bits;
        let mut slots = vec![(0u32, 0u32); size];
        let mask = size - 1;
        for id in 0..self.len() {
            let h = hash(self.get(id));
            let mut at = slot(h, bits);
            while slots[at].0 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (id as u32 + 1, h as u32);
        }
        self.slots = slots;
        self.bits = bits;
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_order_of_first_appearance() {
        let mut i = Interner::default();
        let ids: Vec<String> = (0..5000).map(|k| format!("user{}", k % 3000)).collect();
        let got: Vec<u32> = ids.iter().map(|s| i.intern(s).unwrap()).collect();
        assert_eq!(i.len(), 3000);
        for (s, g) in ids.iter().zip(&got) {
            assert_eq!(i.get(*g as usize), s);
        }
        assert_eq!(got[3000], 0);
        assert_eq!(i.find("user17"), Some(17));
        assert_eq!(i.find("user3000"), None);
        assert_eq!(i.intern(""), Some(3000));
    }
}
