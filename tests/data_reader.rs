//! Transaction log reader: formats, delimiters, quoting, and a typed error for every bad row.

use ltv::data::{DateFormat, Delimiter, Timestamp, TransactionCsvOptions, TransactionLog};
use ltv::Error;
use proptest::prelude::*;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn opts() -> TransactionCsvOptions {
    TransactionCsvOptions::new("cid", "when").amount_col("value")
}

#[test]
fn reads_columns_by_name_in_any_order() {
    let text = "x,value,when,cid\n1,2.5,2020-01-01,a\n2,3,2020-01-02 10:00:00,b\n3,0,20200103,a\n";
    let log = opts().read_str(text).unwrap();
    assert_eq!(log.customer_ids(), ["a", "b"]);
    assert_eq!(log.customer_index(), [0, 1, 0]);
    assert_eq!(
        log.timestamps(),
        [
            ts("2020-01-01"),
            ts("2020-01-02 10:00:00"),
            ts("2020-01-03")
        ]
    );
    assert_eq!(log.amounts().unwrap(), [2.5, 3.0, 0.0]);
}

#[test]
fn crlf_bom_blank_lines_and_no_final_newline() {
    let text = "\u{feff}cid,when,value\r\n\r\na,2020-01-01,1\r\n\r\nb,2020-01-02,2";
    let log = opts().read_str(text).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log.customer_ids(), ["a", "b"]);
    // blank lines still count for line numbers: the bad row is on line 5
    let text = "cid,when,value\n\na,2020-01-01,1\n\nb,2020-13-02,2\n";
    match opts().read_str(text) {
        Err(Error::InvalidField {
            line,
            column,
            value,
            ..
        }) => {
            assert_eq!(
                (line, column.as_str(), value.as_str()),
                (5, "when", "2020-13-02")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn amounts_optional() {
    let log = TransactionCsvOptions::new("cid", "when")
        .read_str("cid,when,value\na,2020-01-01,oops\n")
        .unwrap();
    assert!(log.amounts().is_none());
}

#[test]
fn whitespace_delimited_cdnow_style() {
    let text = " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n\t00002 19970112  1   12.00   \r\n";
    let log = TransactionCsvOptions::new("customer_id", "date")
        .amount_col("dollar_value")
        .delimiter(Delimiter::Whitespace)
        .date_format(DateFormat::Compact)
        .read_str(text)
        .unwrap();
    assert_eq!(log.customer_ids(), ["00001", "00002"]);
    assert_eq!(log.amounts().unwrap(), [11.77, 12.0]);
}

#[test]
fn other_delimiters_and_custom_dates() {
    let text = "cid;when;value\na;30/06/1998;1,5\n";
    let err = TransactionCsvOptions::new("cid", "when")
        .amount_col("value")
        .delimiter(Delimiter::Byte(b';'))
        .date_format(DateFormat::custom("%d/%m/%Y").unwrap())
        .read_str(text)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidField { line: 2, ref column, .. } if column == "value"));
    let log = TransactionCsvOptions::new("cid", "when")
        .delimiter(Delimiter::from_spec("tab").unwrap())
        .date_format(DateFormat::custom("%d/%m/%Y %H:%M").unwrap())
        .read_str("cid\twhen\na\t30/06/1998 13:45\n")
        .unwrap();
    assert_eq!(log.timestamps(), [ts("1998-06-30 13:45:00")]);
}

#[test]
fn quoted_fields_go_through_the_csv_parser() {
    let text = "\"cid\",\"when\",\"value\"\n\"a,1\",\"2020-01-01\",\"1.5\"\n\"b \"\"x\"\"\",2020-01-02,2\n\"multi\nline\",2020-01-03,3\nd,2020-13-01,4\n";
    let err = opts().read_str(text).unwrap_err();
    match err {
        Error::InvalidField { line, .. } => assert_eq!(line, 6),
        other => panic!("{other:?}"),
    }
    let log = opts()
        .read_str(&text[..text.find("d,2020").unwrap()])
        .unwrap();
    assert_eq!(log.customer_ids(), ["a,1", "b \"x\"", "multi\nline"]);
    assert_eq!(log.amounts().unwrap(), [1.5, 2.0, 3.0]);
}

#[test]
fn in_memory_constructors_agree_with_reader() {
    let text = "cid,when,value\na,2020-01-01,1\nb,2020-01-02,2\na,2020-01-05,3\n";
    let read = opts().read_str(text).unwrap();
    let cols = TransactionLog::from_columns(
        &["a", "b", "a"],
        &[ts("2020-01-01"), ts("2020-01-02"), ts("2020-01-05")],
        Some(&[1.0, 2.0, 3.0]),
    )
    .unwrap();
    let rows = TransactionLog::from_rows(vec![
        ("a", ts("2020-01-01"), Some(1.0)),
        ("b", ts("2020-01-02"), Some(2.0)),
        ("a", ts("2020-01-05"), Some(3.0)),
    ])
    .unwrap();
    assert_eq!(read, cols);
    assert_eq!(read, rows);
}

fn err_of(text: &str) -> Error {
    opts().read_str(text).unwrap_err()
}

fn assert_field(e: Error, want_line: u64, want_col: &str, want_value: &str, rule_has: &str) {
    match e {
        Error::InvalidField {
            line,
            column,
            value,
            rule,
        } => {
            assert_eq!(line, want_line);
            assert_eq!(column, want_col);
            assert_eq!(value, want_value);
            assert!(rule.contains(rule_has), "rule `{rule}` lacks `{rule_has}`");
        }
        other => panic!("expected InvalidField, got {other:?}"),
    }
}

#[test]
fn every_bad_row_is_a_typed_error() {
    let h = "cid,when,value\n";
    assert_field(
        err_of(&format!("{h}a,2020-02-30,1\n")),
        2,
        "when",
        "2020-02-30",
        "date",
    );
    assert_field(
        err_of(&format!("{h}a,yesterday,1\n")),
        2,
        "when",
        "yesterday",
        "date",
    );
    assert_field(
        err_of(&format!("{h}a,2020-01-01,1\n,2020-01-01,1\n")),
        3,
        "cid",
        "",
        "empty",
    );
    assert_field(
        err_of(&format!("{h}a,2020-01-01,-1\n")),
        2,
        "value",
        "-1",
        ">= 0",
    );
    assert_field(
        err_of(&format!("{h}a,2020-01-01,NaN\n")),
        2,
        "value",
        "NaN",
        "finite",
    );
    assert_field(
        err_of(&format!("{h}a,2020-01-01,inf\n")),
        2,
        "value",
        "inf",
        "finite",
    );
    assert_field(
        err_of(&format!("{h}a,2020-01-01,12a\n")),
        2,
        "value",
        "12a",
        "number",
    );
    assert_field(
        err_of(&format!("{h}a,2020-01-01,\n")),
        2,
        "value",
        "",
        "number",
    );
    assert!(matches!(
        err_of(&format!("{h}a,2020-01-01,1,9\n")),
        Error::FieldCount {
            line: 2,
            expected: 3,
            found: 4
        }
    ));
    assert!(matches!(
        err_of(&format!("{h}a,2020-01-01,1\nb,2020-01-01\n")),
        Error::FieldCount {
            line: 3,
            expected: 3,
            found: 2
        }
    ));
    assert!(matches!(
        err_of("cid,date,value\na,2020-01-01,1\n"),
        Error::MissingColumn { ref column, .. } if column == "when"
    ));
    assert!(matches!(err_of(""), Error::EmptyInput { .. }));
    assert!(matches!(err_of("\n\n"), Error::EmptyInput { .. }));
    assert!(matches!(err_of(h), Error::EmptyInput { .. }));
    let bad_utf8 = b"cid,when,value\n\xff\xfe,2020-01-01,1\n";
    assert_field(
        opts().read_bytes(bad_utf8).unwrap_err(),
        2,
        "cid",
        "\u{fffd}\u{fffd}",
        "UTF-8",
    );
    // the same rules on the quoted (csv crate) path
    assert_field(
        err_of(&format!("{h}\"a\",2020-02-30,1\n")),
        2,
        "when",
        "2020-02-30",
        "date",
    );
    assert!(matches!(
        err_of(&format!("{h}\"a\",2020-01-01\n")),
        Error::FieldCount { line: 2, .. }
    ));
}

#[test]
fn error_line_numbers_survive_block_and_piece_cuts() {
    // ~4.5 MB: several pieces parsed apart (in parallel with the `parallel` feature)
    let mut text = String::from("cid,when,value\n");
    for i in 0..200_000 {
        text.push_str(&format!(
            "customer{:06},2020-01-{:02},{}.25\n",
            i % 5000,
            1 + i % 28,
            i % 100
        ));
    }
    let log = opts().read_str(&text).unwrap();
    assert_eq!((log.len(), log.n_customers()), (200_000, 5000));
    assert_eq!(log.customer_ids()[4999], "customer004999");
    text.push_str("late,2020-01-01,-3\n");
    for _ in 0..1000 {
        text.push_str("x,2020-01-01,1\n");
    }
    assert_field(err_of(&text), 200_002, "value", "-3", ">= 0");
    // an error near the start of the second piece
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[150_001] = "y,2020-1-01,1".into();
    assert_field(
        err_of(&lines.join("\n")),
        150_002,
        "when",
        "2020-1-01",
        "date",
    );
}

#[test]
fn read_path_reports_io_errors_with_path() {
    let missing = std::path::Path::new("/nonexistent/ltv/log.csv");
    match opts().read_path(missing) {
        Err(Error::Io { path, .. }) => assert_eq!(path, missing),
        other => panic!("{other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("log.csv");
    std::fs::write(&p, "cid,when,value\na,2020-01-01,1\n").unwrap();
    assert_eq!(opts().read_path(&p).unwrap().len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random bytes never panic: the reader returns a log or an error.
    #[test]
    fn random_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = opts().read_bytes(&bytes);
        let _ = TransactionCsvOptions::new("cid", "when").delimiter(Delimiter::Whitespace).read_bytes(&bytes);
        let mut with_header = b"cid,when,value\n".to_vec();
        with_header.extend_from_slice(&bytes);
        let _ = opts().read_bytes(&with_header);
    }

    /// Random bytes made of CSV-ish characters (more likely to get past the header).
    #[test]
    fn csvish_bytes_do_not_panic(s in "[ac,\"\n\r 0-9.\\-:]{0,300}") {
        let text = format!("cid,when,value\n{s}");
        let _ = opts().read_str(&text);
        let _ = opts().date_format(DateFormat::custom("%Y-%m-%d").unwrap()).read_str(&text);
    }

    /// Every truncation of a real log gives a log or an error, never a panic; a cut at a line
    /// end gives exactly the rows before it.
    #[test]
    fn truncated_cdnow_does_not_panic(cut in 0usize..20_000) {
        let text = &ltv::datasets::cdnow_master_text().as_bytes()[..cut];
        let o = TransactionCsvOptions::new("customer_id", "date")
            .amount_col("dollar_value")
            .delimiter(Delimiter::Whitespace)
            .date_format(DateFormat::Compact);
        let r = o.read_bytes(text);
        if text.ends_with(b"\n") && text.len() > 50 {
            let rows = text.iter().filter(|&&c| c == b'\n').count() - 1;
            prop_assert_eq!(r.unwrap().len(), rows);
        }
    }

    /// Quote-free input read by the fast path equals the same rows read through the csv
    /// crate (forced by quoting one field).
    #[test]
    fn fast_path_equals_csv_crate(rows in proptest::collection::vec((0u32..20, 0i64..2_000, 0u32..100_000), 1..60)) {
        let mut plain = String::from("cid,when,value\n");
        let mut quoted = String::from("\"cid\",when,value\n");
        for (c, day, cents) in &rows {
            let t = Timestamp::from_seconds(Timestamp::parse("2019-01-01").unwrap().seconds() + day * 86_400 + (*cents as i64 % 86_400)).unwrap();
            let line = format!("c{c},{},{}.{:02}\n", t.to_naive().format("%Y-%m-%d %H:%M:%S"), cents / 100, cents % 100);
            plain.push_str(&line);
            quoted.push_str(&line);
        }
        prop_assert_eq!(opts().read_str(&plain).unwrap(), opts().read_str(&quoted).unwrap());
    }
}
