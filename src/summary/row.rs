//! One customer's summary row, shared by the sorting summary ([`crate::summary::SummaryOptions`])
//! and the one-pass summary of time-ordered logs (below both).

/// One customer's summary row; recency and T in periods (whole periods unless exact times).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CustomerRow {
    pub(crate) frequency: u32,
    pub(crate) recency: f64,
    pub(crate) t: f64,
    pub(crate) monetary: f64,
    pub(crate) before_birth: u32,
}
