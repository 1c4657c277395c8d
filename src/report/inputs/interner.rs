//! User ids of the report's inputs, numbered by the crate's one interner
//! ([`crate::data::interner`]); this adapter keeps the report's call shape (a repeat of the
//! previous id skips the hash: logs are often grouped by user).

use crate::data::interner::Interner as Table;

/// Distinct strings numbered 0, 1, ... in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Interner {
    table: Table,
    /// the last id interned
    last: u32,
}

impl Interner {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn get(&self, i: usize) -> &str {
        self.table.name(i)
    }

    /// The number of `s`, adding it if new; `None` when more than `u32::MAX - 1` ids exist.
    pub fn intern(&mut self, s: &str) -> Option<u32> {
        if (self.last as usize) < self.len() && self.get(self.last as usize) == s {
            return Some(self.last);
        }
        let id = self.table.intern(s, 0).ok()?;
        self.last = id;
        Some(id)
    }

    /// The number of `s`, if interned.
    pub fn find(&self, s: &str) -> Option<u32> {
        self.table.find(s)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.table.names()
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
