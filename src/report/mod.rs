//! The daily campaign performance report: cost, return to date, estimated lifetime return and
//! ROAS per campaign.
