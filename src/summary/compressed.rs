//! The compressed summary: identical (frequency, recency, T) rows merged with a count.

use crate::error::{Error, Result};
use crate::hashing::{key_bits, BitsMap};
use crate::summary::rfm::{check_rfm_row, check_weight};

/// Distinct (frequency, recency, T) rows with their weights (number of customers).
///
/// This is what every model's likelihood is evaluated on: each distinct row once, multiplied by
/// its weight. It is also what `SELECT frequency, recency, T, count(*) ... GROUP BY 1, 2, 3`
/// hands over when the log lives in a database: build it with
/// [`CompressedSummary::from_weighted_rows`]. Times are in the summary's periods.
///
/// Rows are kept in a deterministic order (sorted by frequency, recency, T), so fits are
/// reproducible whatever the input order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompressedSummary {
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    weight: Vec<f64>,
}

impl CompressedSummary {
    /// Builds a compressed summary from weighted rows, checking each row (the rules of
    /// [`crate::summary::RfmSummary::new`]; weights must be finite and > 0) and merging duplicates.
    ///
    /// ```
    /// use ltv::summary::CompressedSummary;
    /// let c = CompressedSummary::from_weighted_rows(
    ///     &[0.0, 1.0, 0.0], &[0.0, 2.0, 0.0], &[10.0, 10.0, 10.0], &[5.0, 1.0, 2.0])?;
    /// assert_eq!(c.len(), 2);
    /// assert_eq!(c.total_weight(), 8.0);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn from_weighted_rows(
        frequency: &[f64],
        recency: &[f64],
        t: &[f64],
        weight: &[f64],
    ) -> Result<Self> {
        let n = frequency.len();
        for (name, len) in [
            ("recency", recency.len()),
            ("T", t.len()),
            ("weights", weight.len()),
        ] {
            if len != n {
                return Err(Error::LengthMismatch {
                    left: "frequency".into(),
                    left_len: n,
                    right: name.into(),
                    right_len: len,
                });
            }
        }
        for i in 0..n {
            check_rfm_row(i as u64 + 1, frequency[i], recency[i], t[i])?;
            check_weight(i as u64 + 1, weight[i])?;
        }
        Ok(Self::from_checked_columns(
            frequency,
            recency,
            t,
            Some(weight),
        ))
    }

    /// Merges rows already checked (weights 1 when `weights` is `None`); keys compare by bit
    /// pattern (all values are finite and -0.0 is mapped to 0.0, so this is exact equality).
    /// Runs in parallel (feature `parallel`) over fixed blocks of rows whose maps are merged in
    /// block order, so the result (weights summed in the same order) does not depend on the
    /// number of threads.
    pub(crate) fn from_checked_columns(
        frequency: &[f64],
        recency: &[f64],
        t: &[f64],
        weights: Option<&[f64]>,
    ) -> Self {
        const BLOCK: usize = 1 << 17;
        let block_map = |start: usize| {
            let end = (start + BLOCK).min(frequency.len());
            let mut map: BitsMap<(u64, u64, u64), f64> = BitsMap::default();
            for i in start..end {
                let key = (key_bits(frequency[i]), key_bits(recency[i]), key_bits(t[i]));
                *map.entry(key).or_insert(0.0) += weights.map_or(1.0, |w| w[i]);
            }
            map
        };
        let starts: Vec<usize> = (0..frequency.len()).step_by(BLOCK).collect();
        #[cfg(feature = "parallel")]
        let maps: Vec<_> = {
            use rayon::prelude::*;
            starts.par_iter().map(|&s| block_map(s)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let maps: Vec<_> = starts.iter().map(|&s| block_map(s)).collect();
        let mut maps = maps.into_iter();
        let mut map = maps.next().unwrap_or_default();
        for other in maps {
            for (key, w) in other {
                *map.entry(key).or_insert(0.0) += w;
            }
        }
        Self::from_map(map)
    }

    /// Distinct rows of `map`, sorted by (frequency, recency, T).
    fn from_map(map: BitsMap<(u64, u64, u64), f64>) -> Self {
        let mut rows: Vec<(f64, f64, f64, f64)> = map
            .into_iter()
            .map(|((f, r, t), w)| (f64::from_bits(f), f64::from_bits(r), f64::from_bits(t), w))
            .collect();
        rows.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        });
        let mut out = Self {
            frequency: Vec::with_capacity(rows.len()),
            recency: Vec::with_capacity(rows.len()),
            t: Vec::with_capacity(rows.len()),
            weight: Vec::with_capacity(rows.len()),
        };
        for (f, r, t, w) in rows {
            out.frequency.push(f);
            out.recency.push(r);
            out.t.push(t);
            out.weight.push(w);
        }
        out
    }

    /// Number of distinct rows.
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Repeat purchase counts of the distinct rows.
    pub fn frequency(&self) -> &[f64] {
        &self.frequency
    }

    /// Recency (periods) of the distinct rows.
    pub fn recency(&self) -> &[f64] {
        &self.recency
    }

    /// T (periods) of the distinct rows.
    pub fn t(&self) -> &[f64] {
        &self.t
    }

    /// Number of customers per distinct row.
    pub fn weight(&self) -> &[f64] {
        &self.weight
    }

    /// Total number of customers (sum of weights).
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }
}

/// What a transaction model is fitted on: a [`CompressedSummary`] as it is, or a per-customer
/// [`RfmSummary`](crate::summary::RfmSummary) compressed on the way (identical rows merged;
/// its rows were checked when it was built). Every `fit` of a transaction model takes
/// either, so `BgNbd::fit(&summary, &options)` works without a `compress()` call.
pub trait ToCompressed {
    /// The compressed rows (borrowed when `self` already is compressed).
    fn to_compressed(&self) -> std::borrow::Cow<'_, CompressedSummary>;
}

impl ToCompressed for CompressedSummary {
    fn to_compressed(&self) -> std::borrow::Cow<'_, CompressedSummary> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl ToCompressed for crate::summary::RfmSummary {
    fn to_compressed(&self) -> std::borrow::Cow<'_, CompressedSummary> {
        std::borrow::Cow::Owned(self.compress())
    }
}
