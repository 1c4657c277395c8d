//! The daily campaign performance report: cost, return to date, estimated lifetime return and
//! ROAS per campaign.
//!
//! Every morning a growth team wants, for each network / account / campaign / ad and install
//! cohort: what was spent, what its users have paid so far, and what they are expected to pay,
//! so that campaigns with a good estimated ROAS get more budget and bad ones are stopped early.
//! A campaign that cost 365 and has returned 187 after two weeks is not a failure if its users
//! are worth 507.
//!
//! # Pipeline
//!
//! 1. **Inputs** ([`inputs`]): daily costs per campaign or ad (each account in its own currency
//!    and time zone), installs with their attribution, payments, optional daily exchange rates
//!    and optional per-user credit from [`crate::attribution`] ([`CreditLedger`]). Columns are
//!    mapped by the caller onto one hierarchy, network → account → campaign → ad
//!    ([`Placement`]).
//! 2. **As-of cut** ([`AsOf`]): the whole as-of day in the report time zone counts, nothing
//!    from the next day on — payments, installs, dated credit and the hours of cost after the
//!    cut are left out and counted ([`Exclusions`]). A credit table without a time column
//!    cannot be cut: it is taken as of the as-of date as given (the caller's responsibility),
//!    and the report says so in a warning. Re-running a date gives the same report.
//! 3. **Users** ([`ReportUsers`]): each user's first install before the cut, its placement, and
//!    the payments so far in the report currency. Payers without an install row are organic.
//!    A user is *born* at install: users who have not paid yet are in the model with frequency
//!    0 and their age as T.
//! 4. **Model** ([`ValueModel`]): by default [`BuyTillYouDieValue`] fits a transaction model
//!    (BG/NBD unless told otherwise) and Gamma-Gamma on all users at the as-of date and
//!    estimates each user's revenue over the horizon, with intervals from the parameters'
//!    uncertainty. When the data cannot give estimates yet (the first day, no payers, nobody
//!    paid twice) the report still comes out without them ([`EstimateStatus::Unavailable`]);
//!    a fit that stalls just short of its tolerance is used and reported (see
//!    [Convergence](#convergence)).
//! 5. **Spend** : each cost row converted at its day's rate and spread over the report days
//!    its account day covers ([`split_account_day`]); each report day's spend belongs to that
//!    day's install cohort.
//! 6. **Rows** ([`ReportRow`]) per group-by levels ([`GroupBy`]) and install cohort
//!    ([`CohortBy`]): users, payers, cost, cost per install, revenue to date, estimated future
//!    and total revenue, ROAS to date, estimated ROAS with interval bounds, CTR / CVR / eCPM
//!    where impressions and clicks are given, credit in its own column, and a [`Ranking`] score.
//! 7. **Output** ([`output`]): CSV, JSON (rows and [`ReportMeta`]), a short terminal table.
//!
//! # Credit
//!
//! `ltv attribute` writes `user_id,paid,credit`, which `ltv report --credit` reads as it is
//! (undated; `paid` is ignored, amounts must be in the report currency). To keep later revenue
//! out, run the attribution on match and payment logs cut at the end of the as-of day, e.g.
//!
//! ```text
//! ltv attribute --matches matches_to_2024-03-31.csv --payments payments_to_2024-03-31.csv \
//!     --method pagerank --output credit.csv
//! ltv report ... --credit credit.csv --as-of 2024-03-31
//! ```
//!
//! A credit table with a time column (`--credit-time-col`, default `time` when present; read
//! like transaction times) is dated: each row is a credit event, a user may have many, and
//! only rows before the end of the as-of day in the report time zone count.
//!
//! # Convergence
//!
//! Numerical trouble is reported, never returned as a quiet NaN: every estimate is checked
//! finite ([`FutureValues::validate`]). A fit of the default model step that does not converge
//! is an error, with one documented exception: a fit that stalls with its gradient norm below
//! [`LOOSE_TOLERANCE`] (typically parameters running along a ridge to a boundary of the
//! model, where predictions have settled) is used, and reported
//!
//! * per row: the `fit_status` column is `not_converged` for every row with users valued by
//!   such a fit (`converged` otherwise, empty for rows without users), and the terminal table
//!   marks their estimated ROAS with `!`;
//! * per fit: `fit_status` and `converged` next to each fit (pooled and per segment) in the
//!   JSON `meta.model`, and the list `meta.unconverged_fits` (which fit, model, iterations,
//!   gradient norm);
//! * in the warnings (`meta.warnings`, stderr for the CLI).
//!
//! [`CampaignReport::ensure_converged`] (the CLI's `--strict`: non-zero exit, no output
//! written) makes it an error instead; [`BuyTillYouDieValue::accept_stalled_fits`] = false makes
//! the model step itself fail.
//!
//! ```no_run
//! use ltv::report::*;
//! use std::fs::File;
//! # fn main() -> ltv::Result<()> {
//! # let open = |p: &str| File::open(p).map_err(|source| ltv::Error::Io { path: p.into(), source });
//! let inputs = ReportInputs {
//!     costs: read_costs(open("costs.csv")?, &CostColumns::default())?,
//!     installs: read_installs(open("installs.csv")?, &InstallColumns::default())?,
//!     transactions: read_transactions(open("payments.csv")?, &TransactionColumns::default())?,
//!     ..ReportInputs::default()
//! };
//! let mut config = ReportConfig::new(parse_date_arg("2024-03-31")?);
//! config.group_by = "network,campaign".parse()?;
//! let report = CampaignReport::build(&inputs, &config, &BuyTillYouDieValue::default())?;
//! output::write_csv(&report, std::io::stdout())?;
//! # Ok(()) }
//! ```

mod aggregate;
pub mod backtest;
mod btyd;
mod campaign_report;
mod cohort;
mod credit;
mod currency;
mod hierarchical;
mod hierarchy;
pub mod horizon_value;
pub mod inputs;
pub mod output;
mod ranking;
pub mod simulation;
mod spend;
mod summary;
mod timezone;
mod users;
mod valuation;

pub use aggregate::{FitStatus, ReportRow};
pub use btyd::{BuyTillYouDieValue, LOOSE_TOLERANCE};
pub use campaign_report::{CampaignReport, EstimateStatus, ReportConfig, ReportInputs, ReportMeta};
pub use cohort::CohortBy;
pub use credit::{read_credit_ledger, CreditLedger, CreditLedgerColumns};
pub use currency::{normalize_currency, FxRates};
pub use hierarchical::HierarchicalValue;
pub use hierarchy::{GroupBy, Level, Placement, ORGANIC};
pub use inputs::{
    read_costs, read_credit, read_fx, read_installs, read_transactions, CostColumns, CostRow,
    CreditColumns, FxColumns, InstallColumns, Installs, OptionalColumn, TransactionColumns,
    Transactions,
};
pub use ranking::{Metric, Ranking};
pub use timezone::{
    day_start, local_date, parse_date_arg, parse_time_zone, split_account_day, AsOf,
    TimestampFormat, TimestampParser,
};
pub use users::{Exclusions, ReportUsers};
pub use valuation::{FutureValues, Horizon, Uncertainty, UnconvergedFit, ValueModel};
