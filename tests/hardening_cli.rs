//! Issue 11, second round, end to end (needs `--features cli`): errors that point at the file
//! line and customer (item 3), ambiguous summary CSVs refused (item 4), and the Gamma-Gamma /
//! CLV options of item 9. Each test failed before its fix.
#![cfg(feature = "cli")]

mod common;

use common::cli::{ltv, ok, stderr, write, CDNOW_SPEND, CDNOW_SPEND_COLUMNS};
use ltv::models::gamma_gamma::SpendData;
use ltv::summary::SummaryCsvOptions;
use ltv::Error;

const CDNOW_WEEKLY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cdnow_weekly_summary.csv"
);

/// Item 3: CDNOW's one zero-spend repeat customer (`10244`) sits on file line 10245; the
/// Gamma-Gamma error used to say "line 10244" (the data-row index). Now it names the file,
/// the customer and line 10245, in the library (`RfmSummary::locate`) and in `ltv fit`.
#[test]
fn item3_zero_spend_error_names_file_line_and_customer() {
    let s = SummaryCsvOptions::new().read_path(CDNOW_WEEKLY).unwrap();
    let e = SpendData::from_summary(&s)
        .map_err(|e| s.locate(e))
        .unwrap_err();
    match &e {
        Error::InRow {
            path,
            line,
            customer,
            source,
        } => {
            assert_eq!(*line, 10245);
            assert_eq!(customer, "10244");
            assert!(path.as_ref().unwrap().ends_with("cdnow_weekly_summary.csv"));
            assert!(
                matches!(**source, Error::InvalidField { line: 10245, .. }),
                "{source}"
            );
        }
        e => panic!("{e}"),
    }
    let out = ltv()
        .args(["fit", "--model", "gamma-gamma", "--input", CDNOW_WEEKLY])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("customer `10244`: line 10245,") && err.contains("cdnow_weekly_summary.csv"),
        "{err}"
    );
}

/// Item 4: a header naming a column twice, an empty customer id and a duplicate customer id
/// are refused with the line (the first column used to win; ids were taken as they came).
#[test]
fn item4_ambiguous_summary_csvs_are_refused() {
    let opts = SummaryCsvOptions::new();
    let e = opts
        .read_str("customer_id,frequency,recency,frequency,T\na,1,2,3,4\n")
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidField { line: 1, column, .. } if column == "frequency"),
        "{e}"
    );
    assert!(e.to_string().contains("duplicate column name"), "{e}");
    let e = opts
        .read_str("customer_id,frequency,recency,T\na,1,2,4\n,1,2,4\n")
        .unwrap_err();
    assert!(matches!(&e, Error::InvalidField { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("empty customer id"), "{e}");
    let e = opts
        .read_str("customer_id,frequency,recency,T\na,1,2,4\nb,0,0,4\na,1,2,4\n")
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("line 4, column `customer_id`: invalid value `a`: duplicate customer id (first on line 2)"),
        "{e}"
    );
}

/// Item 9: `ltv fit --model gamma-gamma` needs no recency or T column (it used to fail with
/// "column `recency` not found"); `ltv clv --exclude-nonpositive-spend` values CDNOW's
/// zero-spend repeat customer at the population mean instead of refusing the file.
#[test]
fn item9_gamma_gamma_without_recency_and_clv_excluding_nonpositive_spend() {
    let dir = tempfile::tempdir().unwrap();
    // CDNOW's frequency and mean spend only
    let text = std::fs::read_to_string(CDNOW_SPEND).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (cx, cm) = (col("x"), col("zbar"));
    let mut spend_only = String::from("customer_id,x,zbar\n");
    for (i, l) in lines.enumerate() {
        let f: Vec<&str> = l.split(',').collect();
        spend_only.push_str(&format!("{i},{},{}\n", f[cx], f[cm]));
    }
    let input = write(dir.path(), "spend.csv", &spend_only);
    let gg = dir.path().join("gg.json");
    let printed = ok(ltv()
        .args(["fit", "--model", "gamma-gamma", "--input", &input])
        .args(["--frequency-col", "x", "--monetary-value-col", "zbar"])
        .arg("--output")
        .arg(&gg)
        .output()
        .unwrap());
    assert!(printed.contains("\"converged\": true"), "{printed}");

    let bg = dir.path().join("bg.json");
    ok(ltv()
        .args(["fit", "--model", "bgnbd", "--input", CDNOW_SPEND])
        .args(&CDNOW_SPEND_COLUMNS[..4])
        .args(["--t-col", "T", "--period", "week", "--output"])
        .arg(&bg)
        .output()
        .unwrap());
    let clv = |extra: &[&str]| {
        ltv()
            .args(["clv", "--transaction-model"])
            .arg(&bg)
            .arg("--spend-model")
            .arg(&gg)
            .args([
                "--input",
                CDNOW_WEEKLY,
                "--months",
                "12",
                "--discount-rate",
                "0.01",
            ])
            .arg("--no-intervals")
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = clv(&[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("customer `10244`: line 10245"),
        "{}",
        stderr(&refused)
    );
    let out = clv(&["--exclude-nonpositive-spend"]);
    let err = stderr(&out);
    let csv = ok(out);
    assert!(
        err.contains("1 repeat customers with mean spend <= 0"),
        "{err}"
    );
    assert_eq!(csv.lines().count(), 23_571);
    let row = csv.lines().find(|l| l.starts_with("10244,")).unwrap();
    let v: f64 = row.split(',').nth(1).unwrap().parse().unwrap();
    assert!(v.is_finite() && v > 0.0, "{row}");
}

/// Item 4: a model file whose covariance has a diagonal of -1 (or is not symmetric) is refused
/// (it used to give wrong intervals, silently); a file recording `"converged": false` is used
/// with a warning; a model file without covariance keeps `clv_lower`/`clv_upper`, empty, with
/// a warning (the columns used to vanish with exit 0).
#[test]
fn item4_model_files_covariance_convergence_and_interval_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (bg, gg) = (dir.path().join("bg.json"), dir.path().join("gg.json"));
    for (model, path) in [("bgnbd", &bg), ("gamma-gamma", &gg)] {
        ok(ltv()
            .args(["fit", "--model", model, "--input", CDNOW_SPEND])
            .args(CDNOW_SPEND_COLUMNS)
            .args(["--period", "week", "--output"])
            .arg(path)
            .output()
            .unwrap());
    }
    let text = std::fs::read_to_string(&bg).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut j = json.clone();
        f(&mut j);
        serde_json::to_string(&j).unwrap()
    };
    let negative = edit(&|j| j["covariance"][1][1] = (-1.0).into());
    let e = ltv::models::SavedModel::from_json(&negative).unwrap_err();
    assert!(e.to_string().contains("not positive semi-definite"), "{e}");
    let asymmetric = edit(&|j| j["covariance"][0][1] = 0.5.into());
    let e = ltv::models::SavedModel::from_json(&asymmetric).unwrap_err();
    assert!(e.to_string().contains("not symmetric"), "{e}");
    assert!(ltv::models::SavedModel::from_json(&text).is_ok());

    let run = |model: &str, extra: &[&str]| {
        let p = write(dir.path(), "edited.json", model);
        let mut cmd = ltv();
        cmd.args(["clv", "--transaction-model", &p, "--spend-model"])
            .arg(&gg)
            .args(["--input", CDNOW_SPEND])
            .args(CDNOW_SPEND_COLUMNS)
            .args(["--months", "12", "--discount-rate", "0.01"])
            .args(extra);
        cmd.output().unwrap()
    };
    let out = run(
        &edit(&|j| j["converged"] = false.into()),
        &["--no-intervals"],
    );
    assert!(
        stderr(&out).contains("records \"converged\": false"),
        "{}",
        stderr(&out)
    );
    ok(out);

    json.as_object_mut().unwrap().remove("covariance");
    let out = run(&serde_json::to_string(&json).unwrap(), &[]);
    let err = stderr(&out);
    let csv = ok(out);
    assert!(err.contains("clv_lower and clv_upper left empty"), "{err}");
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "customer_id,clv,clv_lower,clv_upper");
    let row = lines.next().unwrap();
    assert!(row.ends_with(",,"), "{row}");
}

/// Item 5: a parameter given as text says the text (it used to print
/// ``invalid parameter `period `fortnight`` = NaN``); a NaN number keeps `= NaN` and its rule.
#[test]
fn item5_text_parameters_say_the_text_and_nan_keeps_its_rule() {
    let e = ltv::data::Period::from_spec("fortnight").unwrap_err();
    match &e {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "period");
            assert_eq!(*value, ltv::error::ParamValue::Text("fortnight".into()));
        }
        e => panic!("{e}"),
    }
    let text = e.to_string();
    assert!(
        text.contains("`period` = `fortnight`: must be hour") && !text.contains("NaN"),
        "{text}"
    );
    let nan = ltv::value::MonthlyDiscountRate::new(f64::NAN)
        .unwrap_err()
        .to_string();
    assert!(nan.contains("= NaN: must be >= 0 and < 1"), "{nan}");

    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "log.csv", "customer_id,date\na,2024-01-01\n");
    let out = ltv()
        .args(["summary", "--input", &log, "--customer-col", "customer_id"])
        .args(["--date-col", "date", "--observation-end", "2024-02-01"])
        .args(["--period", "fortnight"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("`fortnight`") && !err.contains("NaN"), "{err}");
}

/// Item 5: huge and tiny numbers in errors print in the shortest scientific form (`1.7e308`,
/// not 309 digits), in the library and on the command line.
#[test]
fn item5_huge_numbers_print_compactly() {
    let e = ltv::value::MonthlyDiscountRate::new(1.7e308)
        .unwrap_err()
        .to_string();
    assert!(e.contains("= 1.7e308:") && e.len() < 150, "{e}");
    assert_eq!(ltv::error::Num(1e-300).to_string(), "1e-300");
    assert_eq!(ltv::error::Num(0.85).to_string(), "0.85");
    assert_eq!(ltv::error::Num(-2.5e20).to_string(), "-2.5e20");

    let dir = tempfile::tempdir().unwrap();
    let edges = write(dir.path(), "e.csv", "source,target\na,b\nb,c\n");
    let out = ltv()
        .args(["pagerank", "--edges", &edges, "--damping", "1e300"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("= 1e300:") && err.len() < 300, "{err}");
}

/// Item 5: a negative number is taken as a flag's value without `--flag=-1` (clap used to
/// read `-0.5` as an unknown short option), so the crate's own rule answers.
#[test]
fn item5_negative_numbers_are_flag_values() {
    let dir = tempfile::tempdir().unwrap();
    let edges = write(dir.path(), "e.csv", "source,target\na,b\nb,c\n");
    let out = ltv()
        .args(["pagerank", "--edges", &edges, "--damping", "-0.5"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("invalid parameter `damping` = -0.5") && !err.contains("unexpected argument"),
        "{err}"
    );
}

/// Item 5: the report and `ltv clv` refuse the same discount rates with the same rule (one
/// validation function, `MonthlyDiscountRate::new`); they used to word it differently.
#[test]
fn item5_one_discount_rate_rule_for_clv_and_the_report() {
    for d in [1.0, 1e6, -0.1, f64::NAN] {
        let horizon = ltv::report::Horizon {
            months: 12,
            discount_rate: d,
            period: ltv::Period::Week,
            interval_level: 0.95,
        };
        let report = horizon.validate().unwrap_err().to_string();
        let clv = ltv::value::MonthlyDiscountRate::new(d)
            .unwrap_err()
            .to_string();
        assert_eq!(report, clv);
    }
}

/// Item 5: `ltv ... | head -1` stops quietly with status 0 when the reader leaves, whichever
/// writer (plain, CSV or JSON) meets the broken pipe.
#[test]
fn item5_broken_pipe_exits_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let broken = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
    let csv = Error::from_csv_write(csv::Error::from(broken()), "<stdout>", "the report");
    assert!(csv.is_broken_pipe(), "{csv}");
    let json = Error::Json {
        what: "writing the report as JSON".into(),
        source: serde_json::Error::io(broken()),
    };
    assert!(json.is_broken_pipe(), "{json}");
    let wrapped = Error::InFile {
        path: "x".into(),
        source: Box::new(json),
    };
    assert!(wrapped.is_broken_pipe());

    let dir = tempfile::tempdir().unwrap();
    let mut log = String::from("customer_id,date,amount\n");
    for i in 0..30_000 {
        log.push_str(&format!("c{i},2024-01-0{},{}\n", 1 + i % 9, 1 + i % 50));
    }
    let log = write(dir.path(), "log.csv", &log);
    let mut child = ltv()
        .args(["summary", "--input", &log, "--customer-col", "customer_id"])
        .args(["--date-col", "date", "--observation-end", "2024-02-01"])
        .args(["--period", "week", "--amount-col", "amount"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("customer_id,"));
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(!err.contains("error"), "{err}");
}
