//! Channel attribution over conversion paths by "simplified Shapley" (Zhao, Mahboobi &
//! Bagheri 2018, "Shapley Value Methods for Attribution Modeling in Online Advertising").
//!
//! Each conversion path touches a set of channels `C_p` and carries a value `R_p`
//! (conversions or revenue). A coalition of channels earns the value of every path whose
//! channel set it contains:
//!
//! ```text
//! v(S) = Σ_{p : C_p ⊆ S} R_p
//! ```
//!
//! This is a sum of unanimity games, so its Shapley value gives each path's value in equal
//! shares to the channels of the path: `φ_c = Σ_{p : c ∈ C_p} R_p / |C_p|` — exact in
//! `O(paths × channels)`, no enumeration of coalitions.

use super::game::{Coalition, Game};
use crate::attribution::ids::Interner;
use crate::error::{Error, Result};

/// Conversion paths over named channels, with simplified-Shapley attribution.
///
/// ```
/// use ltv::attribution::ChannelAttribution;
/// let mut paths = ChannelAttribution::new();
/// paths.add_path(&["A"], 10.0)?;
/// paths.add_path(&["A", "B"], 6.0)?;
/// paths.add_path(&["B", "C"], 3.0)?;
/// paths.add_path(&["A", "B", "C"], 12.0)?;
/// paths.add_path(&["C"], 2.0)?;
/// let phi = paths.shapley();
/// assert_eq!(phi, vec![("A".to_string(), 17.0), ("B".to_string(), 8.5), ("C".to_string(), 7.5)]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ChannelAttribution {
    channels: Interner,
    /// distinct channels of each path, ascending
    sets: Vec<Vec<u32>>,
    values: Vec<f64>,
}

impl ChannelAttribution {
    /// No paths yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a path touching `channels` (repeats allowed: only the set matters) with value
    /// `value`.
    ///
    /// # Errors
    /// [`Error::InvalidField`] (row = the path's 1-based position) for an empty path, an empty
    /// channel name, or a non-finite value.
    pub fn add_path<S: AsRef<str>>(&mut self, channels: &[S], value: f64) -> Result<()> {
        let row = self.sets.len() as u64 + 1;
        if channels.is_empty() {
            return Err(Error::invalid_field(
                row,
                "channels",
                "",
                "a path needs a channel",
            ));
        }
        if let Some(c) = channels.iter().find(|c| c.as_ref().trim().is_empty()) {
            return Err(Error::invalid_field(
                row,
                "channels",
                c.as_ref(),
                "channel name must not be empty",
            ));
        }
        if !value.is_finite() {
            return Err(Error::invalid_field(
                row,
                "value",
                value.to_string(),
                "must be finite",
            ));
        }
        let mut set = channels
            .iter()
            .map(|c| self.channels.intern(c.as_ref()))
            .collect::<Result<Vec<u32>>>()?;
        set.sort_unstable();
        set.dedup();
        self.sets.push(set);
        self.values.push(value);
        Ok(())
    }

    /// The channel names, by index.
    pub fn channels(&self) -> &Interner {
        &self.channels
    }

    /// Simplified-Shapley credit per channel, `(name, credit)` in first-seen order. The credits
    /// add up to the total path value.
    pub fn shapley(&self) -> Vec<(String, f64)> {
        let mut phi = vec![0.0; self.channels.len()];
        for (set, &r) in self.sets.iter().zip(&self.values) {
            let share = r / set.len() as f64;
            for &c in set {
                phi[c as usize] += share;
            }
        }
        self.channels.names().map(str::to_string).zip(phi).collect()
    }

    /// The game `v(S) = Σ_{C_p ⊆ S} R_p` over channel indices, for checking with the generic
    /// estimators.
    pub fn game(&self) -> ChannelGame<'_> {
        ChannelGame { paths: self }
    }
}

/// The coalition game of a [`ChannelAttribution`]: players are channels.
#[derive(Debug, Clone, Copy)]
pub struct ChannelGame<'a> {
    paths: &'a ChannelAttribution,
}

impl Game for ChannelGame<'_> {
    fn player_count(&self) -> usize {
        self.paths.channels.len()
    }

    fn value(&self, s: &Coalition) -> f64 {
        self.paths
            .sets
            .iter()
            .zip(&self.paths.values)
            .filter(|(set, _)| set.iter().all(|&c| s.contains(c as usize)))
            .map(|(_, &r)| r)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_paths() {
        let mut p = ChannelAttribution::new();
        assert!(p.add_path::<&str>(&[], 1.0).is_err());
        assert!(p.add_path(&[""], 1.0).is_err());
        assert!(p.add_path(&["a"], f64::NAN).is_err());
        p.add_path(&["a", "a", "b"], 2.0).unwrap();
        assert_eq!(p.shapley(), vec![("a".into(), 1.0), ("b".into(), 1.0)]);
    }
}
