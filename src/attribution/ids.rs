//! String ids interned to dense `u32` node indices.

use crate::error::{Error, Result};
use rustc_hash::FxHashMap;

/// Maps string ids (user ids, node names, channel names) to dense indices `0..len()` in
/// first-seen order, and back.
///
/// Every graph, log and game in [`crate::attribution`] works on these dense indices; the
/// interner turns them back into the caller's ids for output.
///
/// ```
/// use ltv::attribution::Interner;
/// let mut ids = Interner::new();
/// assert_eq!(ids.intern("alice").unwrap(), 0);
/// assert_eq!(ids.intern("bob").unwrap(), 1);
/// assert_eq!(ids.intern("alice").unwrap(), 0);
/// assert_eq!(ids.name(1), Some("bob"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Interner {
    index: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of `id`, adding it if new.
    ///
    /// # Errors
    /// [`Error::Graph`] when more than `u32::MAX` distinct ids are interned.
    pub fn intern(&mut self, id: &str) -> Result<u32> {
        if let Some(&i) = self.index.get(id) {
            return Ok(i);
        }
        let i = u32::try_from(self.names.len()).map_err(|_| Error::Graph {
            rule: crate::error::GraphRule::TooManyIds,
        })?;
        self.index.insert(id.into(), i);
        self.names.push(id.into());
        Ok(i)
    }

    /// The index of `id`, if it has been interned.
    pub fn get(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The id of index `i`, if in range.
    pub fn name(&self, i: u32) -> Option<&str> {
        self.names.get(i as usize).map(|s| &**s)
    }

    /// All ids, by index.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.names.iter().map(|s| &**s)
    }

    /// Number of distinct ids.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Forgets every id with index `>= len`.
    pub(crate) fn truncate(&mut self, len: usize) {
        for name in self.names.drain(len.min(self.names.len())..) {
            self.index.remove(&name);
        }
    }

    /// Whether no id has been interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
