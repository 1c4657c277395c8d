//! `ltv`: batch jobs over transaction logs — summaries, model fits, predictions, CLV,
//! attribution and the campaign report. Built with `--features cli`.
//!
//! Every subcommand writes its result to `--output` (or stdout), logs to stderr, and exits
//! non-zero with a clear message on bad input.

use clap::{CommandFactory, FromArgMatches, Subcommand};
use std::process::ExitCode;

mod attribute;
mod backtest;
mod clv;
mod covariates;
mod fit;
mod io;
mod log_args;
mod names;
mod pagerank;
mod pipeline;
mod plot;
mod predict;
mod report;
mod summary;
mod table;

#[derive(clap::Parser)]
#[command(
    name = "ltv",
    version,
    about = "Customer lifetime value and revenue attribution"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise a transaction log into per-customer frequency, recency, T, monetary_value.
    Summary(summary::Args),
    /// Fit a model to an RFM summary and print it as JSON.
    Fit(fit::Args),
    /// Predict expected purchases and P(alive) from a fitted model.
    Predict(predict::Args),
    /// Customer lifetime value from a transaction model and a spend model.
    Clv(clv::Args),
    /// Transaction log to per-customer CLV in one process: summary, both fits, CLV.
    Pipeline(pipeline::Args),
    /// Share revenue out over the match graph (PageRank or Shapley).
    Attribute(attribute::Args),
    /// PageRank over an edge list.
    Pagerank(pagerank::Args),
    /// The daily campaign performance report (cost, revenue, estimated ROAS).
    Report(Box<report::Args>),
    /// Replay the report at earlier as-of dates and score it against the revenue that arrived.
    Backtest(Box<backtest::Args>),
    /// Diagnostic charts of a transaction model on a transaction log (SVG or PNG).
    Plot(Box<plot::Args>),
}

fn main() -> ExitCode {
    // A number flag takes a negative value as `--flag -1` (not only `--flag=-1`): clap would
    // read `-1` as a short option otherwise. Set on every subcommand.
    let command = Cli::command().mut_subcommands(|s| s.allow_negative_numbers(true));
    let cli = Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Summary(a) => summary::run(a),
        Command::Fit(a) => fit::run(a),
        Command::Predict(a) => predict::run(a),
        Command::Clv(a) => clv::run(a),
        Command::Pipeline(a) => pipeline::run(a),
        Command::Attribute(a) => attribute::run(a),
        Command::Pagerank(a) => pagerank::run(a),
        Command::Report(a) => report::run(*a),
        Command::Backtest(a) => backtest::run(*a),
        Command::Plot(a) => plot::run(*a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `ltv ... | head`: the reader left; stop quietly, as Unix tools do (the pipe may
        // break under a CSV or JSON writer as well as a plain write)
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ltv: error: {e}");
            ExitCode::from(2)
        }
    }
}
