//! Parquet input (feature `parquet`): a log written to Parquet and read back gives the same
//! transaction log and summary as the same log read from CSV, for the column types a warehouse
//! export uses; summaries read back from Parquet equal the summary written.
#![cfg(feature = "parquet")]

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};
use ltv::data::{Period, Timestamp, TransactionCsvOptions};
use ltv::summary::{write_summary_csv, SummaryCsvOptions, SummaryOptions};
use parquet::arrow::ArrowWriter;
use std::sync::Arc;

/// A deterministic log: `n` rows, ids `c000..`, dates in 2024, amounts with cents (a simple
/// linear congruential generator keeps the test free of RNG version changes).
fn synthetic_rows(n: usize) -> Vec<(String, i32, f64)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    let day0 = 19_723; // 2024-01-01 in days since 1970-01-01
    (0..n)
        .map(|_| {
            let c = next() % 300;
            let d = day0 + (next() % 366) as i32;
            let cents = next() % 100_000;
            (format!("c{c:03}"), d, cents as f64 / 100.0)
        })
        .collect()
}

fn csv_of(rows: &[(String, i32, f64)]) -> String {
    let mut s = String::from("customer_id,date,amount\n");
    for (id, d, a) in rows {
        let t = Timestamp::from_seconds(*d as i64 * 86_400).unwrap();
        s.push_str(&format!("{id},{},{a}\n", &t.to_string()[..10]));
    }
    s
}

fn write_parquet(path: &std::path::Path, columns: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    // two row groups, to read across batches
    let half = batch.num_rows() / 2;
    w.write(&batch.slice(0, half)).unwrap();
    w.flush().unwrap();
    w.write(&batch.slice(half, batch.num_rows() - half))
        .unwrap();
    w.close().unwrap();
}

fn options() -> TransactionCsvOptions {
    TransactionCsvOptions::new("customer_id", "date").amount_col("amount")
}

#[test]
fn parquet_and_csv_input_give_identical_logs_and_summaries() {
    let rows = synthetic_rows(5_000);
    let from_csv = options().read_str(&csv_of(&rows)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let days: Vec<i32> = rows.iter().map(|r| r.1).collect();
    let amounts: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let date_strings: Vec<String> = csv_of(&rows)
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();

    // strings, Date32, Float64: the common export
    let plain = dir.path().join("plain.parquet");
    write_parquet(
        &plain,
        vec![
            (
                "customer_id",
                Arc::new(StringArray::from(ids.clone())) as ArrayRef,
            ),
            ("date", Arc::new(Date32Array::from(days.clone()))),
            ("amount", Arc::new(Float64Array::from(amounts.clone()))),
            (
                "ignored",
                Arc::new(Int64Array::from(vec![7i64; rows.len()])),
            ),
        ],
    );
    // dictionary ids, millisecond timestamps at midnight, columns in another order
    let dict = dir.path().join("dict.parquet");
    write_parquet(
        &dict,
        vec![
            (
                "amount",
                Arc::new(Float64Array::from(amounts.clone())) as ArrayRef,
            ),
            (
                "date",
                Arc::new(TimestampMillisecondArray::from(
                    days.iter()
                        .map(|&d| d as i64 * 86_400_000)
                        .collect::<Vec<_>>(),
                )),
            ),
            (
                "customer_id",
                Arc::new(ids.iter().copied().collect::<DictionaryArray<Int32Type>>()),
            ),
        ],
    );
    // dates as text, read with the date format
    let text = dir.path().join("text.parquet");
    write_parquet(
        &text,
        vec![
            (
                "customer_id",
                Arc::new(StringArray::from(ids.clone())) as ArrayRef,
            ),
            ("date", Arc::new(StringArray::from(date_strings))),
            ("amount", Arc::new(Float64Array::from(amounts))),
        ],
    );

    let end = Timestamp::parse("2024-12-31").unwrap();
    for period in [Period::Day, Period::Week] {
        let opts = SummaryOptions::new(period).observation_end(end);
        let want = opts.summarise(&from_csv).unwrap().summary;
        for path in [&plain, &dict, &text] {
            let log = options().read_parquet(path).unwrap();
            assert_eq!(log, from_csv, "{}", path.display());
            assert_eq!(
                opts.summarise(&log).unwrap().summary,
                want,
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn summary_written_to_parquet_reads_back_equal_to_its_csv() {
    let rows = synthetic_rows(2_000);
    let log = options().read_str(&csv_of(&rows)).unwrap();
    let s = SummaryOptions::new(Period::Week)
        .observation_end(Timestamp::parse("2024-12-31").unwrap())
        .summarise(&log)
        .unwrap()
        .summary;
    let mut csv = Vec::new();
    write_summary_csv(&s, &mut csv).unwrap();
    let from_csv = SummaryCsvOptions::new().read(&csv[..]).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.parquet");
    write_parquet(
        &path,
        vec![
            (
                "customer_id",
                Arc::new(StringArray::from(s.customer_ids().to_vec())) as ArrayRef,
            ),
            // integer counts, as a warehouse stores them
            (
                "frequency",
                Arc::new(Int64Array::from(
                    s.frequency().iter().map(|&f| f as i64).collect::<Vec<_>>(),
                )),
            ),
            (
                "recency",
                Arc::new(Float64Array::from(s.recency().to_vec())),
            ),
            ("T", Arc::new(Float64Array::from(s.t().to_vec()))),
            (
                "monetary_value",
                Arc::new(Float64Array::from(s.monetary_value().unwrap().to_vec())),
            ),
        ],
    );
    let from_parquet = SummaryCsvOptions::new().read_parquet(&path).unwrap();
    assert_eq!(from_parquet, from_csv);
    // the period is not in either file: given, both readers carry it like the summary
    let with_period = SummaryCsvOptions::new().period(Period::Week);
    assert_eq!(with_period.read_parquet(&path).unwrap(), s);
    assert_eq!(with_period.read(&csv[..]).unwrap(), s);
}

#[test]
fn parquet_errors_name_the_column_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.parquet");
    write_parquet(
        &path,
        vec![
            (
                "customer_id",
                Arc::new(StringArray::from(vec!["a", "b", "c", "d"])) as ArrayRef,
            ),
            ("date", Arc::new(Date32Array::from(vec![19_723; 4]))),
            (
                "amount",
                Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, -4.0])),
            ),
        ],
    );
    let missing = TransactionCsvOptions::new("user", "date").read_parquet(&path);
    assert!(
        matches!(missing, Err(ltv::Error::MissingColumn { ref column, .. }) if column == "user")
    );
    let negative = options().read_parquet(&path);
    assert!(
        matches!(negative, Err(ltv::Error::InvalidField { line: 4, .. })),
        "{negative:?}"
    );
    let not_parquet = dir.path().join("x.parquet");
    std::fs::write(&not_parquet, "customer_id,date\na,2024-01-01\n").unwrap();
    assert!(options().read_parquet(&not_parquet).is_err());
}
