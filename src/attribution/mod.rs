//! Revenue attribution over a match graph: PageRank and Shapley value estimators.
//!
//! In a 1:1 matching app a premium user can only spend because someone was there to be
//! matched with: a user who never paid still made that revenue possible. This module turns a
//! match log and a payment log into revenue credit per user, so that acquisition reports can
//! value users (and the campaigns that brought them) by the revenue they *enable*, not only the
//! revenue they pay. It stands apart from the CLV models and shares only the crate's errors.
//!
//! # Pieces
//!
//! * Data: [`Logs`] (match log + payment log, string ids interned by [`Interner`], amounts in
//!   exact minor currency units) and the time-respecting [`Crediting`] rule — a payment is
//!   credited only to matches at or before it, within a look-back window, optionally decayed.
//! * Graphs: [`GraphBuilder`] → [`Graph`] (CSR, directed or undirected, weighted, parallel
//!   edges summed) and [`PageRank`] (damping, personalization, dangling rule, warm start,
//!   unscaled L1 tolerance or networkx's rule, typed errors).
//! * [`RevenueLedger`]: personalized PageRank seeded by revenue, linear in the seeds, rounded
//!   to minor units that add up exactly ([`largest_remainder`]).
//! * Shapley values: the [`Game`] trait (plug in your own), [`exact_shapley`],
//!   [`PermutationSampling`], [`StratifiedSampling`], closed forms for the
//!   [`SharedMatchGame`] and the [`AvailabilityGame`], and [`ChannelAttribution`].
//! * [`attribute`]: one call from logs to credits, as `ltv attribute` runs it.
//!
//! ```
//! use ltv::attribution::{attribute, Crediting, Logs, Method, RevenueLedger};
//! let mut logs = Logs::new(2);
//! logs.add_match("ann", "bob", 0, 1.0)?;
//! logs.add_match("ann", "cat", 0, 1.0)?;
//! logs.add_payment("ann", 86_400, 1_200)?; // 12.00, a day after both matches
//! let crediting = Crediting::new().lookback_days(30.0)?;
//! for method in [
//!     Method::PageRank(RevenueLedger::new()),
//!     Method::ShapleyShared,
//!     Method::ShapleyAvailability,
//! ] {
//!     let credit = attribute(&logs, &crediting, &method)?;
//!     assert_eq!(credit.iter().sum::<i64>(), 1_200); // exact, in cents
//! }
//! # Ok::<(), ltv::Error>(())
//! ```

mod attribute;
mod crediting;
mod edge_list;
mod graph;
mod ids;
mod ledger;
mod logs;
mod money;
mod pagerank;
mod par;
mod pull;
mod shapley;

pub use attribute::{attribute, Method};
pub use crediting::{Crediting, Eligibility, RevenueSplit};
pub use edge_list::{read_node_list_csv, read_node_list_path, LabeledGraph, NodeValues};
pub use graph::{Graph, GraphBuilder};
pub use ids::Interner;
pub use ledger::{revenue_graph, RevenueLedger};
pub use logs::{parse_time, Logs, Match, MatchColumns, Payment, PaymentColumns};
pub use money::{format_minor_units, largest_remainder, parse_minor_units};
pub use pagerank::{DanglingRule, PageRank, PageRankScores, StoppingRule};
pub use shapley::{
    exact_shapley, AvailabilityGame, ChannelAttribution, ChannelGame, Coalition, Game,
    PermutationSampling, ShapleyEstimate, SharedMatchGame, StratifiedSampling, TableGame,
    EXACT_MAX_PLAYERS, STRATIFIED_MAX_PLAYERS, TABLE_GAME_MAX_PLAYERS,
};
