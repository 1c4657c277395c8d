//! `ltv report`: the daily campaign performance report.
//!
//! Reads costs, installs, transactions (and optional exchange rates and credit), cuts
//! everything at the end of the as-of day in the report time zone, fits the transaction model
//! and Gamma-Gamma on all users, and writes one row per group and install cohort. Logs go to
//! stderr; a progress bar shows on a terminal for large inputs.
//!
//! A fit that stalls just short of its tolerance is used and reported (stderr, the
//! `fit_status` column, `meta.unconverged_fits` in JSON); `--strict` makes it a failure (exit
//! code 2, nothing written). Credit without a time column is taken as of the as-of date as
//! given, with a warning; with one (`--credit-time-col`), it is cut like payments.
//!
//! On the first day (or before anyone has paid twice) the models cannot be fitted: the report
//! still comes out with users, cost and revenue to date, the estimate columns empty, the
//! reason in `meta.estimates` and on stderr (`--strict` makes it a failure).

use ltv::data::columns::Header;
use ltv::models::ModelKind;
use ltv::report::{
    output, parse_date_arg, parse_time_zone, read_costs, read_credit_ledger, read_fx,
    read_installs, read_transactions, BuyTillYouDieValue, CampaignReport, CohortBy, CostColumns,
    CreditLedgerColumns, FitStatus, FxColumns, GroupBy, HierarchicalValue, InstallColumns, Level,
    OptionalColumn, ReportConfig, ReportInputs, TimestampFormat, TransactionColumns, ValueModel,
};
use ltv::{Error, Result};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::io::{output as open_output, write_err};
use crate::names::{NameParser, OutputFormat};

/// Inputs above this many bytes in total get a progress bar (on a terminal).
const PROGRESS_BYTES: u64 = 32 << 20;

/// Arguments of `ltv report`.
#[derive(clap::Args)]
pub struct Args {
    /// Daily costs CSV (date, network, account, campaign, ad, cost, currency, ...).
    #[arg(long, value_name = "FILE")]
    costs: PathBuf,
    /// Installs / attribution CSV (user_id, install_time, network, campaign, ad).
    #[arg(long, value_name = "FILE")]
    installs: PathBuf,
    /// Transactions CSV (user_id, time, amount, currency).
    #[arg(long, value_name = "FILE")]
    transactions: PathBuf,
    /// Daily exchange rates CSV (date, currency, rate into the report currency).
    #[arg(long, value_name = "FILE")]
    fx: Option<PathBuf>,
    /// Per-user credit CSV, e.g. from `ltv attribute` (user_id, credit, optional time). With a
    /// time column only credit before the end of the as-of day counts; without one the table
    /// is taken as of the as-of date as given (a warning says so).
    #[arg(long, value_name = "FILE")]
    credit: Option<PathBuf>,
    /// Last day that counts (YYYY-MM-DD, whole day, report time zone).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: String,
    /// Months after the as-of date over which future revenue is estimated.
    #[arg(long, value_name = "N", default_value_t = 12)]
    horizon_months: u32,
    /// Time unit of the model: day (default) or week.
    #[arg(long, default_value = "day")]
    period: String,
    /// The model step's hierarchy: levels (network, account, campaign, ad) whose effects on
    /// the purchase, dropout and spend parameters are fitted jointly on all users, each level
    /// shrunk towards its parent by an amount chosen from the data (the default,
    /// `network,campaign`); `none` for one pooled fit. Ignored with --fit-by.
    #[arg(long, default_value = "network,campaign")]
    hierarchy: String,
    /// Summarise in calendar periods (lifetimes' semantics) instead of exact times.
    #[arg(long)]
    calendar_periods: bool,
    /// Fixed prior standard deviation of the deeper hierarchy levels' effects (log scale)
    /// instead of the empirical-Bayes choice.
    #[arg(long, value_name = "SIGMA")]
    shrinkage: Option<f64>,
    /// Levels to group by, comma separated: network, account, campaign, ad.
    #[arg(long, default_value = "network,campaign",
          value_parser = NameParser::<GroupBy, Level>::new())]
    group_by: GroupBy,
    /// Output file (.csv or .json); stdout when absent.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Output format: csv, json or table (default: from the --output extension; a table on a
    /// terminal; CSV otherwise).
    #[arg(long, value_parser = NameParser::<OutputFormat>::new())]
    pub(crate) format: Option<OutputFormat>,
    /// Also write the report as one self-contained HTML page (charts inline) to this file
    /// (`ltv backtest`: the backtest's page).
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,

    /// Install cohorts: all, day, week or month.
    #[arg(long, default_value = "all", value_parser = NameParser::<CohortBy>::new())]
    cohort: CohortBy,
    /// Report time zone (IANA name).
    #[arg(long, default_value = "UTC")]
    timezone: String,
    /// Report currency.
    #[arg(long, default_value = "USD")]
    currency: String,
    /// Transaction model: bgnbd, mbgnbd or pareto-nbd.
    #[arg(long, default_value = "bgnbd")]
    model: String,
    /// Fit separate models per value of this level (network, account, campaign or ad);
    /// segments with fewer than --min-segment-users users take the pooled fit.
    #[arg(long)]
    fit_by: Option<String>,
    /// Smallest segment that gets its own fit (with --fit-by).
    #[arg(long, default_value_t = 1000)]
    min_segment_users: usize,
    /// L2 penalizer of the transaction model's fit (lifetimes' `penalizer_coef`; 0 = plain
    /// maximum likelihood).
    #[arg(long, default_value_t = 0.0)]
    penalizer: f64,
    /// Convergence tolerance of the fits: the gradient norm of the per-customer objective must
    /// end below it. A fit that stalls above it but below 1e-4 is used and reported as not
    /// converged (see --strict); above 1e-4 it is an error.
    #[arg(long, default_value_t = 1e-8)]
    tolerance: f64,
    /// Monthly discount rate of future revenue (0 = undiscounted).
    #[arg(long, default_value_t = 0.0)]
    discount_rate: f64,
    /// Coverage of the interval bounds.
    #[arg(long, default_value_t = 0.95)]
    interval_level: f64,
    /// Ranking metrics and weights, e.g. `estimated_roas=0.7,roas_to_date=0.3` (negative:
    /// lower is better).
    #[arg(long, default_value = "estimated_roas=1")]
    rank_by: String,
    /// CSV of account,timezone for accounts whose cost rows carry no time zone.
    #[arg(long, value_name = "FILE")]
    account_timezones: Option<PathBuf>,
    /// Days an exchange rate may be carried forward to later days without one (0 = exact day).
    #[arg(long, default_value_t = 0)]
    fx_max_age_days: u32,
    /// Rows shown in the terminal table.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// No progress or info lines on stderr (warnings and errors still).
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Fail (non-zero exit, no output written) when a fit behind the estimates did not
    /// converge, or when there are no estimates (first day, no repeat payers). Without it such a fit is used and reported: a warning on stderr, the
    /// `fit_status` column (`not_converged`) and `meta.unconverged_fits` in JSON.
    #[arg(long)]
    strict: bool,

    /// Field delimiter of every input (one character, or `tab`).
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// Zone of install and transaction times written without an offset.
    #[arg(long, default_value = "UTC")]
    input_timezone: String,
    /// Format of install and transaction times: auto, unix, or a chrono format string.
    #[arg(long, default_value = "auto")]
    time_format: String,

    /// Costs: date column.
    #[arg(long, default_value = "date")]
    cost_date_col: String,
    /// Costs: network column.
    #[arg(long, default_value = "network")]
    cost_network_col: String,
    /// Costs: account column (optional; `-` to ignore).
    #[arg(long)]
    cost_account_col: Option<String>,
    /// Costs: campaign column.
    #[arg(long, default_value = "campaign")]
    cost_campaign_col: String,
    /// Costs: ad column (optional; `-` to ignore).
    #[arg(long)]
    cost_ad_col: Option<String>,
    /// Costs: spend column.
    #[arg(long, default_value = "cost")]
    cost_col: String,
    /// Costs: currency column (optional).
    #[arg(long)]
    cost_currency_col: Option<String>,
    /// Costs: account time zone column (optional).
    #[arg(long)]
    cost_timezone_col: Option<String>,
    /// Costs: impressions column (optional).
    #[arg(long)]
    impressions_col: Option<String>,
    /// Costs: clicks column (optional).
    #[arg(long)]
    clicks_col: Option<String>,
    /// Costs: network-reported installs column (optional).
    #[arg(long)]
    cost_installs_col: Option<String>,
    /// Costs and exchange rates: date format (chrono).
    #[arg(long, default_value = "%Y-%m-%d")]
    cost_date_format: String,

    /// Installs: user id column.
    #[arg(long, default_value = "user_id")]
    install_user_col: String,
    /// Installs: install time column.
    #[arg(long, default_value = "install_time")]
    install_time_col: String,
    /// Installs: network column.
    #[arg(long, default_value = "network")]
    install_network_col: String,
    /// Installs: campaign column.
    #[arg(long, default_value = "campaign")]
    install_campaign_col: String,
    /// Installs: ad column (optional; `-` to ignore).
    #[arg(long)]
    install_ad_col: Option<String>,
    /// Installs: account column (optional; else looked up from the costs).
    #[arg(long)]
    install_account_col: Option<String>,

    /// Transactions: user id column.
    #[arg(long, default_value = "user_id")]
    tx_user_col: String,
    /// Transactions: time column.
    #[arg(long, default_value = "time")]
    tx_time_col: String,
    /// Transactions: amount column.
    #[arg(long, default_value = "amount")]
    tx_amount_col: String,
    /// Transactions: currency column (optional).
    #[arg(long)]
    tx_currency_col: Option<String>,

    /// Exchange rates: currency column.
    #[arg(long, default_value = "currency")]
    fx_currency_col: String,
    /// Exchange rates: rate column.
    #[arg(long, default_value = "rate")]
    fx_rate_col: String,
    /// Credit: user id column.
    #[arg(long, default_value = "user_id")]
    credit_user_col: String,
    /// Credit: credit column.
    #[arg(long, default_value = "credit")]
    credit_col: String,
    /// Credit: time column (optional, read like transaction times; `-` to ignore). When
    /// absent the credit table is undated.
    #[arg(long)]
    credit_time_col: Option<String>,
}

fn optional(flag: &Option<String>, default: &str) -> OptionalColumn {
    match flag {
        Some(name) => OptionalColumn::from_flag(name),
        None => OptionalColumn::default_name(default),
    }
}

fn delimiter(spec: &str) -> Result<u8> {
    match spec {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() && !matches!(s, "\"" | "\n" | "\r") => {
            Ok(s.as_bytes()[0])
        }
        s => Err(Error::invalid_parameter(
            "--delimiter",
            s,
            "expected one ASCII character or `tab`",
        )),
    }
}

/// Logs to stderr unless quiet.
pub(crate) struct Log {
    pub(crate) quiet: bool,
    pub(crate) start: Instant,
}

impl Log {
    pub(crate) fn info(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!(
                "ltv report [{:>6.2}s] {}",
                self.start.elapsed().as_secs_f64(),
                msg.as_ref()
            );
        }
    }
    pub(crate) fn warn(&self, msg: impl AsRef<str>) {
        eprintln!("ltv report: warning: {}", msg.as_ref());
    }
}

/// A progress bar over the bytes of all inputs, shown only on a terminal for large inputs.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(paths: &[&Path], quiet: bool) -> Self {
        let total: u64 = paths
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        let show = !quiet && std::io::stderr().is_terminal() && total >= PROGRESS_BYTES;
        let bar = show.then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:>14} [{bar:40}] {bytes}/{total_bytes} ({eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        });
        Self { bar }
    }

    fn open(&self, path: &Path, what: &'static str) -> Result<Box<dyn Read>> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file = std::io::BufReader::with_capacity(1 << 20, file);
        Ok(match &self.bar {
            Some(bar) => {
                bar.set_message(format!("reading {what}"));
                Box::new(bar.wrap_read(file))
            }
            None => Box::new(file),
        })
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// A spinner with `msg` while a long step (the fits) runs, when the bar was shown.
    fn spinner(&self, msg: String) -> Option<indicatif::ProgressBar> {
        self.bar.as_ref().map(|_| {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message(msg);
            s.enable_steady_tick(std::time::Duration::from_millis(120));
            s
        })
    }
}

/// Puts the path on errors raised while reading a file: on I/O errors as their path, on bad
/// rows in the message (`reading costs.csv: line 3, column ...`).
fn at(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::Io { source, .. } => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        e => Error::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        },
    }
}

fn read_account_zones(path: &Path, delim: u8) -> Result<BTreeMap<String, chrono_tz::Tz>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new().delimiter(delim).from_reader(file);
    let header = Header::read(&mut rdr, delim)?.in_table("account time zones");
    let (a, z) = (header.required("account")?, header.required("timezone")?);
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::from_csv_read(e, path, 0))?;
        let line = rec.position().map_or(0, |p| p.line());
        let zone = rec.get(z).unwrap_or("");
        let tz = parse_time_zone(zone)
            .map_err(|_| Error::invalid_field(line, "timezone", zone, "unknown IANA time zone"))?;
        out.insert(rec.get(a).unwrap_or("").trim().to_string(), tz);
    }
    Ok(out)
}

/// `bgnbd r=0.62 alpha=8.3 ... (LL -2933.8); gamma-gamma p=...` from the model description
/// (`no estimates` for a report without them).
fn model_line(model: &serde_json::Value) -> String {
    if model.get("estimates").is_some() {
        return "no estimates".into();
    }
    // with per-segment fits (--fit-by), the pooled fit
    let model = model.get("pooled").unwrap_or(model);
    ["transaction_model", "spend_model"]
        .iter()
        .filter_map(|k| model.get(k))
        .map(|m| {
            let params = m["params"]
                .as_object()
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| format!("{k}={:.4}", v.as_f64().unwrap_or(f64::NAN)))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            format!(
                "{} {params} (LL {:.2}){}",
                m["model"].as_str().unwrap_or("?"),
                m["log_likelihood"].as_f64().unwrap_or(f64::NAN),
                if m["converged"].as_bool() == Some(false) {
                    " NOT CONVERGED"
                } else {
                    ""
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The report's configuration, model step and inputs, read and checked from the arguments.
pub(crate) struct Prepared {
    pub(crate) config: ReportConfig,
    pub(crate) model: Box<dyn ValueModel>,
    pub(crate) inputs: ReportInputs,
}

/// The model step the flags ask for: the hierarchical model (default), one pooled fit
/// (`--hierarchy none`) or a fit per segment (`--fit-by`).
fn value_model(args: &Args) -> Result<Box<dyn ValueModel>> {
    let kind = ModelKind::parse_transaction(&args.model)?;
    let hierarchy = args.hierarchy.trim().to_ascii_lowercase();
    if args.fit_by.is_some() || hierarchy == "none" {
        let mut model = BuyTillYouDieValue::new(kind);
        model.fit_options.penalizer = args.penalizer;
        model.fit_options.tolerance = args.tolerance;
        model.fit_by = args.fit_by.as_deref().map(Level::parse).transpose()?;
        model.min_segment_users = args.min_segment_users;
        return Ok(Box::new(model));
    }
    let levels: Vec<Level> = hierarchy
        .split(',')
        .map(|l| Level::parse(l.trim()))
        .collect::<Result<_>>()?;
    let mut model = HierarchicalValue::default();
    model.kind = kind;
    model.levels = levels;
    model.exact_times = !args.calendar_periods;
    model.tolerance = args.tolerance;
    if let Some(s) = args.shrinkage {
        if !(s.is_finite() && s > 0.0) {
            return Err(Error::invalid_parameter(
                "shrinkage",
                s,
                "must be finite and > 0",
            ));
        }
        model.fixed_sigma = Some(s);
    }
    Ok(Box::new(model))
}

/// Reads and checks everything the report needs (shared with `ltv backtest`).
pub(crate) fn prepare(args: &Args, log: &Log) -> Result<Prepared> {
    let delim = delimiter(&args.delimiter)?;
    let input_tz = parse_time_zone(&args.input_timezone)?;
    let time_format = match args.time_format.as_str() {
        "auto" => TimestampFormat::Auto,
        "unix" => TimestampFormat::UnixSeconds,
        f => TimestampFormat::Custom(f.to_string()),
    };
    let mut config = ReportConfig::new(parse_date_arg(&args.as_of)?);
    config.time_zone = parse_time_zone(&args.timezone)?;
    config.currency = args.currency.clone();
    config.horizon.months = args.horizon_months;
    config.horizon.discount_rate = args.discount_rate;
    config.horizon.interval_level = args.interval_level;
    config.horizon.period = args.period.parse::<ltv::Period>()?;
    config.group_by = args.group_by.clone();
    config.cohort = args.cohort;
    config.ranking = args.rank_by.parse()?;
    config.horizon.validate()?;
    if let Some(p) = &args.account_timezones {
        config.account_time_zones = read_account_zones(p, delim)?;
    }
    let model = value_model(args)?;

    let cost_cols = {
        let mut o = CostColumns::default();
        o.date = args.cost_date_col.clone();
        o.network = args.cost_network_col.clone();
        o.account = optional(&args.cost_account_col, "account");
        o.campaign = args.cost_campaign_col.clone();
        o.ad = optional(&args.cost_ad_col, "ad");
        o.cost = args.cost_col.clone();
        o.currency = optional(&args.cost_currency_col, "currency");
        o.time_zone = optional(&args.cost_timezone_col, "timezone");
        o.impressions = optional(&args.impressions_col, "impressions");
        o.clicks = optional(&args.clicks_col, "clicks");
        o.installs = optional(&args.cost_installs_col, "installs");
        o.date_format = args.cost_date_format.clone();
        o.delimiter = delim;
        o
    };
    let install_cols = {
        let mut o = InstallColumns::default();
        o.user = args.install_user_col.clone();
        o.time = args.install_time_col.clone();
        o.network = args.install_network_col.clone();
        o.campaign = args.install_campaign_col.clone();
        o.ad = optional(&args.install_ad_col, "ad");
        o.account = optional(&args.install_account_col, "account");
        o.time_format = time_format.clone();
        o.time_zone = input_tz;
        o.delimiter = delim;
        o
    };
    let tx_cols = {
        let mut o = TransactionColumns::default();
        o.user = args.tx_user_col.clone();
        o.time = args.tx_time_col.clone();
        o.amount = args.tx_amount_col.clone();
        o.currency = optional(&args.tx_currency_col, "currency");
        o.time_format = time_format.clone();
        o.time_zone = input_tz;
        o.delimiter = delim;
        o
    };

    let mut paths: Vec<&Path> = vec![&args.costs, &args.installs, &args.transactions];
    paths.extend(args.fx.as_deref());
    paths.extend(args.credit.as_deref());
    let progress = Progress::new(&paths, args.quiet);

    let costs =
        read_costs(progress.open(&args.costs, "costs")?, &cost_cols).map_err(at(&args.costs))?;
    let installs = read_installs(progress.open(&args.installs, "installs")?, &install_cols)
        .map_err(at(&args.installs))?;
    let transactions =
        read_transactions(progress.open(&args.transactions, "transactions")?, &tx_cols)
            .map_err(at(&args.transactions))?;
    let fx = match &args.fx {
        Some(p) => {
            let cols = {
                let mut o = FxColumns::default();
                o.currency = args.fx_currency_col.clone();
                o.rate = args.fx_rate_col.clone();
                o.date_format = args.cost_date_format.clone();
                o.delimiter = delim;
                o
            };
            Some(
                read_fx(progress.open(p, "fx rates")?, &cols, &args.currency)
                    .map_err(at(p))?
                    .with_max_age_days(args.fx_max_age_days),
            )
        }
        None => None,
    };
    let credit = match &args.credit {
        Some(p) => {
            let cols = {
                let mut o = CreditLedgerColumns::default();
                o.user = args.credit_user_col.clone();
                o.credit = args.credit_col.clone();
                o.time = optional(&args.credit_time_col, "time");
                o.time_format = time_format.clone();
                o.time_zone = input_tz;
                o.delimiter = delim;
                o
            };
            Some(read_credit_ledger(progress.open(p, "credit")?, &cols).map_err(at(p))?)
        }
        None => None,
    };
    progress.finish();
    log.info(format!(
        "read {} cost rows, {} installs, {} transactions{}{}",
        costs.len(),
        installs.len(),
        transactions.len(),
        fx.as_ref()
            .map_or(String::new(), |f| format!(", {} exchange rates", f.len())),
        credit.as_ref().map_or(String::new(), |c| format!(
            ", {} {} credit rows",
            c.len(),
            if c.is_dated() { "dated" } else { "undated" }
        )),
    ));

    let inputs = ReportInputs {
        costs,
        installs,
        transactions,
        fx,
        credit,
    };
    Ok(Prepared {
        config,
        model,
        inputs,
    })
}

pub fn run(args: Args) -> Result<()> {
    let log = Log {
        quiet: args.quiet,
        start: Instant::now(),
    };
    // checked before any input is read: a bad flag fails fast
    let on_stdout = if std::io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Csv
    };
    let format = OutputFormat::choose(args.format, args.output.as_deref(), on_stdout);
    let Prepared {
        config,
        model,
        inputs,
    } = prepare(&args, &log)?;
    log.info(format!(
        "fitting {} + gamma-gamma ({}) as of {} ({}), periods of a {}",
        args.model,
        if args.fit_by.is_some() || args.hierarchy.trim().eq_ignore_ascii_case("none") {
            "pooled or per segment".to_string()
        } else {
            format!("hierarchy {}", args.hierarchy)
        },
        config.as_of,
        config.time_zone.name(),
        config.horizon.period
    ));
    let spinner =
        Progress::new(&[], args.quiet).spinner(format!("fitting {} + gamma-gamma", args.model));
    let report = CampaignReport::build(&inputs, &config, model.as_ref());
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let report = report?;
    log.info(format!(
        "{} users, {} rows; {}",
        report.meta.users,
        report.rows.len(),
        model_line(&report.meta.model)
    ));
    for w in &report.meta.warnings {
        log.warn(w);
    }
    if args.strict && !report.meta.estimates.is_available() {
        return report.ensure_converged();
    }
    if !report.meta.unconverged_fits.is_empty() {
        let fits: Vec<String> = report
            .meta
            .unconverged_fits
            .iter()
            .map(|f| format!("{} {}", f.fit, f.model))
            .collect();
        let rows = report
            .rows
            .iter()
            .filter(|r| r.fit_status == Some(FitStatus::NotConverged))
            .count();
        log.warn(format!(
            "{} fit(s) did NOT converge ({}); {rows} rows rest on them and say fit_status not_converged{}",
            fits.len(),
            fits.join(", "),
            if args.strict {
                ""
            } else {
                " (--strict makes this an error)"
            }
        ));
        if args.strict {
            return report.ensure_converged();
        }
    }

    if let Some(p) = &args.html {
        ltv::plot::html::write_report_html(&report, &Default::default(), p)?;
        log.info(format!("wrote {}", p.display()));
    }
    let path = args.output.as_deref();
    let mut out = open_output(path)?;
    match format {
        OutputFormat::Csv => output::write_csv(&report, &mut out)?,
        OutputFormat::Json => output::write_json(&report, &mut out)?,
        OutputFormat::Table => out
            .write_all(output::table(&report, args.top).as_bytes())
            .map_err(write_err(path))?,
    }
    out.flush().map_err(write_err(path))?;
    if let Some(p) = path {
        log.info(format!("wrote {}", p.display()));
        if !args.quiet && std::io::stderr().is_terminal() && format != OutputFormat::Table {
            eprint!("{}", output::table(&report, args.top));
        }
    }
    Ok(())
}

use std::io::Write as _;
