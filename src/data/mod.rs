//! Input data: transaction logs (CSV or in-memory), time periods, and the embedded data sets.
