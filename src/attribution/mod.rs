//! Revenue attribution over a match graph: PageRank and Shapley value estimators.
//!
//! Stands apart from the CLV models; shares only the crate's data types and errors.
