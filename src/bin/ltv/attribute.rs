//! `ltv attribute`: revenue credit per user from a match log and a payment log.
//!
//! Writes `user_id,paid,credit` (amounts in currency units with `--minor-digits` decimals);
//! the credits add up exactly to the revenue in the payment log.

use crate::io::{output, write_err};
use ltv::attribution::{
    attribute, format_minor_units, parse_time, Crediting, Logs, MatchColumns, Method,
    PaymentColumns, RevenueLedger,
};
use ltv::{Error, Result};
use std::path::PathBuf;

/// How revenue is shared out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    /// Personalized PageRank seeded by revenue over the revenue-carrying matches.
    Pagerank,
    /// Shapley value of the shared-match game: each match's revenue split equally.
    ShapleyShared,
    /// Shapley value of the availability (glove) game: payer r·k/(k+1), partners r/(k(k+1)).
    ShapleyAvailability,
}

/// Arguments of `ltv attribute`.
#[derive(clap::Args)]
pub struct Args {
    /// Match log CSV with columns user_a,user_b,time[,weight] (names: --match-*-col).
    #[arg(long, value_name = "M.csv")]
    pub matches: PathBuf,
    /// Payment log CSV with columns user_id,time,amount (decimal, e.g. 9.99; names:
    /// --payment-*-col).
    #[arg(long, value_name = "P.csv")]
    pub payments: PathBuf,
    /// Field delimiter of both logs (one character, or `tab`).
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// Matches: first user's id column.
    #[arg(long, default_value = "user_a")]
    pub match_user_a_col: String,
    /// Matches: second user's id column.
    #[arg(long, default_value = "user_b")]
    pub match_user_b_col: String,
    /// Matches: time column.
    #[arg(long, default_value = "time")]
    pub match_time_col: String,
    /// Matches: weight column (must exist when given; default: `weight` when present, else 1).
    #[arg(long)]
    pub match_weight_col: Option<String>,
    /// Payments: user id column.
    #[arg(long, default_value = "user_id")]
    pub payment_user_col: String,
    /// Payments: time column.
    #[arg(long, default_value = "time")]
    pub payment_time_col: String,
    /// Payments: amount column.
    #[arg(long, default_value = "amount")]
    pub payment_amount_col: String,
    /// Attribution method.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Only matches at most N days before a payment share in it (default: no limit).
    #[arg(long, value_name = "N")]
    pub lookback_days: Option<f64>,
    /// Halve a match's weight for every H days of age at payment time (default: no decay).
    #[arg(long, value_name = "H")]
    pub half_life_days: Option<f64>,
    /// PageRank damping α in [0, 1) (method pagerank only; default 0.85).
    #[arg(long, value_name = "A")]
    pub damping: Option<f64>,
    /// Leave out matches and payments after this time (UTC; a date means the end of that
    /// day): the logs as of a report's as-of date, so no later revenue becomes credit.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Decimals of the currency's minor unit (2 for cents, 0 for yen).
    #[arg(long, default_value_t = 2, value_name = "D")]
    pub minor_digits: u32,
    /// Output CSV (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    if args.minor_digits > 9 {
        return Err(Error::invalid_parameter(
            "minor-digits",
            f64::from(args.minor_digits),
            "must be at most 9",
        ));
    }
    let mut crediting = Crediting::new();
    if let Some(d) = args.lookback_days {
        crediting = crediting.lookback_days(d)?;
    }
    if let Some(h) = args.half_life_days {
        crediting = crediting.half_life_days(h)?;
    }
    let method = match (args.method, args.damping) {
        (MethodArg::Pagerank, d) => {
            Method::PageRank(RevenueLedger::new().damping(d.unwrap_or(0.85)))
        }
        (_, Some(d)) => {
            return Err(Error::invalid_parameter(
                "damping",
                d,
                "applies to --method pagerank only",
            ))
        }
        (MethodArg::ShapleyShared, None) => Method::ShapleyShared,
        (MethodArg::ShapleyAvailability, None) => Method::ShapleyAvailability,
    };
    let mut logs = Logs::new(args.minor_digits);
    let delimiter = delimiter(&args.delimiter)?;
    logs.read_matches_path_with(
        &args.matches,
        &MatchColumns {
            user_a: args.match_user_a_col.clone(),
            user_b: args.match_user_b_col.clone(),
            time: args.match_time_col.clone(),
            weight: args.match_weight_col.clone(),
            delimiter,
        },
    )?;
    logs.read_payments_path_with(
        &args.payments,
        &PaymentColumns {
            user: args.payment_user_col.clone(),
            time: args.payment_time_col.clone(),
            amount: args.payment_amount_col.clone(),
            delimiter,
        },
    )?;
    if let Some(text) = &args.until {
        let end = until_seconds(text)?;
        let (cut, matches_out, payments_out) = logs.until(end)?;
        eprintln!(
            "ltv attribute: as of {text}: {matches_out} later matches and {payments_out} later \
             payments left out"
        );
        logs = cut;
    }
    if logs.user_count() == 0 {
        return Err(Error::EmptyInput {
            what: "no users in the match and payment logs".into(),
        });
    }
    let credit = attribute(&logs, &crediting, &method)?;
    let paid = logs.paid_by_user();
    eprintln!(
        "ltv attribute: {} users, {} matches, {} payments, revenue {}",
        logs.user_count(),
        logs.matches().len(),
        logs.payments().len(),
        format_minor_units(logs.total_revenue(), args.minor_digits)
    );
    let out = output(args.output.as_deref())?;
    let mut w = csv::Writer::from_writer(out);
    let io_err = |e: csv::Error| {
        let path = args.output.clone().unwrap_or_else(|| "<stdout>".into());
        Error::from_csv_write(e, path, "the credits")
    };
    w.write_record(["user_id", "paid", "credit"])
        .map_err(io_err)?;
    for (i, id) in logs.users().names().enumerate() {
        w.write_record([
            id,
            &format_minor_units(paid[i], args.minor_digits),
            &format_minor_units(credit[i], args.minor_digits),
        ])
        .map_err(io_err)?;
    }
    w.flush().map_err(write_err(args.output.as_deref()))
}

/// `--until`: a date (`YYYY-MM-DD`: the end of that UTC day, its last second) or a time that
/// [`parse_time`] reads.
fn until_seconds(text: &str) -> Result<i64> {
    let bad = || Error::InvalidDate {
        value: text.to_string(),
        rule: "--until: YYYY-MM-DD (end of that UTC day), YYYY-MM-DD HH:MM:SS or RFC 3339".into(),
    };
    let t = parse_time(text).ok_or_else(bad)?;
    let date_only = text.trim().len() == 10;
    Ok(if date_only { t + 86_399 } else { t })
}

/// `--delimiter`: one ASCII character or `tab` (as the other readers; no `whitespace`).
fn delimiter(spec: &str) -> Result<u8> {
    match ltv::data::Delimiter::from_spec(spec)? {
        ltv::data::Delimiter::Byte(b) => Ok(b),
        _ => Err(Error::InvalidParameter {
            name: "delimiter".into(),
            value: ltv::error::ParamValue::Text(spec.to_string()),
            rule: "must be `tab` or a single ASCII character (the logs are CSV)".into(),
        }),
    }
}
