//! Cooperative games: the [`Game`] trait, bit-set [`Coalition`]s, and a table-backed game.

use crate::error::{Error, GameRule, Result};

/// A set of players `0..n` as a bit set.
///
/// ```
/// use ltv::attribution::Coalition;
/// let mut c = Coalition::empty(70);
/// c.insert(3);
/// c.insert(65);
/// assert!(c.contains(65) && !c.contains(4));
/// assert_eq!(c.len(), 2);
/// assert_eq!(c.members().collect::<Vec<_>>(), vec![3, 65]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coalition {
    n: usize,
    words: Vec<u64>,
}

impl Coalition {
    /// The empty coalition of a game with `n` players.
    pub fn empty(n: usize) -> Self {
        Self {
            n,
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// The grand coalition `{0, …, n−1}`.
    pub fn full(n: usize) -> Self {
        let mut c = Self::empty(n);
        for i in 0..n {
            c.insert(i);
        }
        c
    }

    /// The coalition of a game with `n <= 64` players whose members are the set bits of
    /// `mask` (bit `i` = player `i`); bits at or above `n` are ignored.
    ///
    /// # Panics
    /// If `n > 64`.
    pub fn from_mask(n: usize, mask: u64) -> Self {
        assert!(n <= 64, "from_mask needs n <= 64");
        let mut c = Self::empty(n);
        c.set_mask(mask);
        c
    }

    /// Replaces the members by the set bits of `mask` (for `n <= 64`; higher bits ignored).
    pub(crate) fn set_mask(&mut self, mask: u64) {
        if let Some(w) = self.words.first_mut() {
            *w = if self.n >= 64 {
                mask
            } else {
                mask & ((1u64 << self.n) - 1)
            };
        }
    }

    /// The members as a bit mask, when the game has at most 64 players.
    pub fn as_mask(&self) -> Option<u64> {
        (self.n <= 64).then(|| self.words.first().copied().unwrap_or(0))
    }

    /// Number of players of the game (not of the coalition; see [`Coalition::len`]).
    pub fn player_count(&self) -> usize {
        self.n
    }

    /// Whether player `i` is a member (false when `i >= n`).
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        i < self.n && self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// Adds player `i`.
    ///
    /// # Panics
    /// If `i >= n`.
    #[inline]
    pub fn insert(&mut self, i: usize) {
        assert!(i < self.n, "player {i} out of range 0..{}", self.n);
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Removes player `i` (no-op when absent or out of range).
    #[inline]
    pub fn remove(&mut self, i: usize) {
        if i < self.n {
            self.words[i / 64] &= !(1 << (i % 64));
        }
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the coalition has no member.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The members, ascending.
    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(k * 64 + b)
            })
        })
    }
}

/// A transferable-utility cooperative game: `n` players and a value for every coalition.
///
/// Implement [`Game::value`]; the estimators only ever need it. Games with structure can
/// override [`Game::marginal`] and [`Game::permutation_marginals`] to compute marginal
/// contributions incrementally (the built-in match games do, in O(degree) per player), which
/// is what makes Monte Carlo sampling fast on large games.
///
/// The Shapley value of player `i` (Shapley 1953) is the average, over all `n!` orders in
/// which players can join, of the marginal contribution `v(S ∪ {i}) − v(S)` where `S` are the
/// players before `i`:
///
/// ```text
/// φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · ( v(S ∪ {i}) − v(S) )
/// ```
///
/// ```
/// use ltv::attribution::{exact_shapley, Coalition, Game};
/// /// Glove game: player 0 holds a left glove, players 1 and 2 a right one; a pair is worth 1.
/// struct Gloves;
/// impl Game for Gloves {
///     fn player_count(&self) -> usize { 3 }
///     fn value(&self, s: &Coalition) -> f64 {
///         if s.contains(0) && (s.contains(1) || s.contains(2)) { 1.0 } else { 0.0 }
///     }
/// }
/// let phi = exact_shapley(&Gloves)?;
/// assert!((phi[0] - 2.0 / 3.0).abs() < 1e-12 && (phi[1] - 1.0 / 6.0).abs() < 1e-12);
/// # Ok::<(), ltv::Error>(())
/// ```
pub trait Game: Sync {
    /// Number of players `n`; players are `0..n`.
    fn player_count(&self) -> usize;

    /// The value `v(S)` of a coalition (whose [`Coalition::player_count`] is `n`). Should be
    /// finite; estimators report a non-finite value as [`Error::Game`].
    fn value(&self, coalition: &Coalition) -> f64;

    /// The marginal contribution `v(S ∪ {i}) − v(S)` (0 when `i ∈ S`). The default evaluates
    /// `value` twice.
    fn marginal(&self, coalition: &Coalition, player: usize) -> f64 {
        if coalition.contains(player) {
            return 0.0;
        }
        let mut with = coalition.clone();
        with.insert(player);
        self.value(&with) - self.value(coalition)
    }

    /// For the join order `order` (a permutation of `0..n`), writes into `marginals[i]` the
    /// marginal contribution of player `i` to the players before it. The default evaluates
    /// `value` `n + 1` times.
    fn permutation_marginals(&self, order: &[usize], marginals: &mut [f64]) {
        let mut c = Coalition::empty(self.player_count());
        let mut prev = self.value(&c);
        for &i in order {
            c.insert(i);
            let v = self.value(&c);
            marginals[i] = v - prev;
            prev = v;
        }
    }
}

/// A game given by a table of `2^n` values indexed by bit mask (bit `i` = player `i`), for
/// `n <= 25`.
///
/// ```
/// use ltv::attribution::{exact_shapley, TableGame};
/// // v({0}) = 1, v({1}) = 2, v({0,1}) = 6: φ = (2.5, 3.5)
/// let g = TableGame::new(2, vec![0.0, 1.0, 2.0, 6.0])?;
/// let phi = exact_shapley(&g)?;
/// assert!((phi[0] - 2.5).abs() < 1e-12);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TableGame {
    n: usize,
    values: Vec<f64>,
}

/// Largest `n` for [`TableGame`] (2^25 values = 256 MiB).
pub const TABLE_GAME_MAX_PLAYERS: usize = 25;

impl TableGame {
    /// A game with `n` players and `values[mask] = v(S)`.
    ///
    /// # Errors
    /// [`Error::Game`] when `n > 25`, `values.len() != 2^n`, or a value is not finite.
    pub fn new(n: usize, values: Vec<f64>) -> Result<Self> {
        if n > TABLE_GAME_MAX_PLAYERS {
            return Err(Error::Game {
                rule: GameRule::TooManyPlayers {
                    method: "a table game",
                    max: TABLE_GAME_MAX_PLAYERS,
                    given: n,
                    hint: None,
                },
            });
        }
        if values.len() != 1usize << n {
            return Err(Error::Game {
                rule: GameRule::TableLength {
                    players: n,
                    expected: 1usize << n,
                    got: values.len(),
                },
            });
        }
        if let Some(k) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::Game {
                rule: GameRule::CoalitionValue {
                    coalition: k as u64,
                    value: values[k],
                },
            });
        }
        Ok(Self { n, values })
    }

    /// Tabulates any game with at most 25 players.
    ///
    /// # Errors
    /// As [`TableGame::new`].
    pub fn from_game<G: Game + ?Sized>(game: &G) -> Result<Self> {
        let n = game.player_count();
        if n > TABLE_GAME_MAX_PLAYERS {
            return Self::new(n, Vec::new());
        }
        let mut c = Coalition::empty(n);
        let values = (0..1u64 << n)
            .map(|m| {
                c.set_mask(m);
                game.value(&c)
            })
            .collect();
        Self::new(n, values)
    }

    /// `v(S)` for the coalition with bit mask `mask`.
    pub fn value_of_mask(&self, mask: u64) -> f64 {
        self.values[mask as usize]
    }
}

impl Game for TableGame {
    fn player_count(&self) -> usize {
        self.n
    }

    fn value(&self, coalition: &Coalition) -> f64 {
        self.values[coalition.as_mask().unwrap_or(0) as usize]
    }

    fn marginal(&self, coalition: &Coalition, player: usize) -> f64 {
        let m = coalition.as_mask().unwrap_or(0);
        let with = m | (1 << player);
        self.values[with as usize] - self.values[m as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalition_ops() {
        let mut c = Coalition::empty(3);
        assert!(c.is_empty());
        c.insert(2);
        assert_eq!(c.as_mask(), Some(4));
        c.remove(2);
        c.remove(99);
        assert!(c.is_empty());
        assert_eq!(Coalition::full(3).as_mask(), Some(7));
        assert_eq!(Coalition::from_mask(2, 0xff).as_mask(), Some(3));
        assert_eq!(Coalition::full(130).len(), 130);
        assert_eq!(Coalition::full(64).as_mask(), Some(u64::MAX));
    }

    #[test]
    fn table_game_validation() {
        assert!(TableGame::new(2, vec![0.0; 3]).is_err());
        assert!(TableGame::new(1, vec![0.0, f64::NAN]).is_err());
        assert!(TableGame::new(26, vec![]).is_err());
    }
}
