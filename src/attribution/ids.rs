//! String ids interned to dense `u32` node indices.

use crate::data::interner::Interner as Table;
use crate::error::{Error, Result};

/// Maps string ids (user ids, node names, channel names) to dense indices `0..len()` in
/// first-seen order, and back.
///
/// Every graph, log and game in [`crate::attribution`] works on these dense indices; the
/// interner turns them back into the caller's ids for output. The numbering is the crate's one
/// interner (the one the transaction log reader uses): ids in one text arena, no allocation per
/// id.
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
    table: Table,
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
        self.table.intern(id, 0).map_err(|_| Error::Graph {
            message: format!("more than {} distinct ids", u32::MAX - 1),
        })
    }

    /// The index of `id`, if it has been interned.
    pub fn get(&self, id: &str) -> Option<u32> {
        self.table.find(id)
    }

    /// The id of index `i`, if in range.
    pub fn name(&self, i: u32) -> Option<&str> {
        ((i as usize) < self.table.len()).then(|| self.table.name(i as usize))
    }

    /// All ids, by index.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.table.names()
    }

    /// Number of distinct ids.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Forgets every id with index `>= len`.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.table.truncate(len);
    }

    /// Whether no id has been interned.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}
