//! Putting parsed pieces together in input order: customer ids interned (the one sequential
//! step), columns appended.

use super::parse::Piece;
use crate::data::interner::Interner;
use crate::data::{Timestamp, TransactionLog};
use crate::error::{Error, Result};

/// Everything read so far.
pub(super) struct Accumulator {
    pub(super) interner: Interner,
    pub(super) customer: Vec<u32>,
    pub(super) timestamp: Vec<Timestamp>,
    pub(super) amount: Option<Vec<f64>>,
}

impl Accumulator {
    pub(super) fn new(has_amounts: bool) -> Self {
        Self {
            interner: Interner::default(),
            customer: Vec::new(),
            timestamp: Vec::new(),
            amount: has_amounts.then(Vec::new),
        }
    }

    pub(super) fn reserve(&mut self, rows: usize) {
        self.customer.reserve(rows);
        self.timestamp.reserve(rows);
        if let Some(a) = &mut self.amount {
            a.reserve(rows);
        }
        self.interner = Interner::with_capacity(rows / 8);
    }

    /// Appends parsed pieces in order; `line_cursor` = input lines before the first piece,
    /// advanced past each merged piece.
    pub(super) fn merge(&mut self, pieces: Vec<Piece>, line_cursor: &mut u64) -> Result<()> {
        for piece in pieces {
            let base = *line_cursor;
            self.customer.reserve(piece.hashes.len());
            // touch the table slots of a batch first so that their cache misses overlap
            const BATCH: usize = 16;
            let mut touched = 0u64;
            let mut start = 0usize;
            for (ends, hashes) in piece.ends.chunks(BATCH).zip(piece.hashes.chunks(BATCH)) {
                touched ^= self.interner.touch(hashes.iter().copied());
                for (&end, &hash) in ends.iter().zip(hashes) {
                    let id = &piece.ids[start..end as usize];
                    start = end as usize;
                    let k = self.interner.intern_hashed(id, hash, base + 1)?;
                    self.customer.push(k);
                }
            }
            std::hint::black_box(touched);
            self.timestamp.extend_from_slice(&piece.timestamps);
            if let Some(a) = &mut self.amount {
                a.extend_from_slice(&piece.amounts);
            }
            if let Some(e) = piece.error {
                return Err(shift_line(e, base));
            }
            *line_cursor += piece.lines;
        }
        Ok(())
    }

    pub(super) fn finish(self) -> Result<TransactionLog> {
        let mut customer = self.customer;
        let mut timestamp = self.timestamp;
        customer.shrink_to_fit();
        timestamp.shrink_to_fit();
        let amount = self.amount.map(|mut a| {
            a.shrink_to_fit();
            a
        });
        TransactionLog::from_checked_arena(self.interner.into_arena(), customer, timestamp, amount)
    }
}

/// Adds `base` to the line number of a row error.
pub(super) fn shift_line(e: Error, base: u64) -> Error {
    match e {
        Error::InvalidField {
            line,
            column,
            value,
            rule,
        } => Error::InvalidField {
            line: line + base,
            column,
            value,
            rule,
        },
        Error::FieldCount {
            line,
            expected,
            found,
        } => Error::FieldCount {
            line: line + base,
            expected,
            found,
        },
        e => e,
    }
}
