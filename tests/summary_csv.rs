//! Reading a user-supplied summary: lifetimes' names by default, configurable, every rule checked.

use ltv::summary::SummaryCsvOptions;
use ltv::Error;
use proptest::prelude::*;

fn read(text: &str) -> ltv::Result<ltv::summary::RfmSummary> {
    SummaryCsvOptions::new().read_str(text)
}

fn assert_field(
    r: ltv::Result<ltv::summary::RfmSummary>,
    want_line: u64,
    want_col: &str,
    rule_has: &str,
) {
    match r {
        Err(Error::InvalidField {
            line, column, rule, ..
        }) => {
            assert_eq!((line, column.as_str()), (want_line, want_col), "{rule}");
            assert!(rule.contains(rule_has), "rule `{rule}` lacks `{rule_has}`");
        }
        other => panic!("expected InvalidField, got {other:?}"),
    }
}

#[test]
fn lifetimes_layout_with_index_column() {
    let s = read("customer_id,frequency,recency,T,monetary_value\nx,1.0,2.0,3.0,4.5\ny,0,0,3,0\n")
        .unwrap();
    assert_eq!(s.customer_ids(), ["x", "y"]);
    assert_eq!(s.monetary_value().unwrap(), [4.5, 0.0]);
    // no id column: 0-based row positions
    let s = read("frequency,recency,T\n1,2,3\n0,0,3\n").unwrap();
    assert_eq!(s.customer_ids(), ["0", "1"]);
    assert!(s.monetary_value().is_none());
}

#[test]
fn weights_and_renamed_columns() {
    let s = SummaryCsvOptions::new()
        .frequency_col("x")
        .recency_col("t_x")
        .t_col("n")
        .weights_col("count")
        .delimiter(b';')
        .read_str("x;t_x;n;count\n0;0;6;3464\n1;1;6;1091\n")
        .unwrap();
    assert_eq!(s.n_customers(), 4555.0);
    assert_eq!(s.compress().len(), 2);
}

#[test]
fn a_weights_column_is_read_without_being_named() {
    // lifetimes' compressed layout: frequency, recency, T, weights
    let s = read("frequency,recency,T,weights\n0,0,6,3464\n1,1,6,1091\n").unwrap();
    assert_eq!(s.n_customers(), 4555.0);
    assert_eq!(s.weights(), Some(&[3464.0, 1091.0][..]));
}

#[test]
fn every_rule_is_checked() {
    let h = "frequency,recency,T\n";
    assert_field(read(&format!("{h}1,4,3\n")), 2, "recency", "exceed T");
    assert_field(read(&format!("{h}0,1,3\n")), 2, "recency", "frequency is 0");
    assert_field(
        read(&format!("{h}1,1,3\n-1,0,3\n")),
        3,
        "frequency",
        "non-negative integer",
    );
    assert_field(read(&format!("{h}1.5,1,3\n")), 2, "frequency", "integer");
    assert_field(read(&format!("{h}NaN,1,3\n")), 2, "frequency", "NaN");
    assert_field(read(&format!("{h}1,nan,3\n")), 2, "recency", "NaN");
    assert_field(read(&format!("{h}1,1,inf\n")), 2, "T", "finite");
    assert_field(read(&format!("{h}1,one,3\n")), 2, "recency", "not a number");
    assert_field(
        SummaryCsvOptions::new()
            .frequency_col("x")
            .read_str("x,recency,T\n1,4,3\n"),
        2,
        "recency",
        "exceed",
    );
    assert_field(
        SummaryCsvOptions::new()
            .frequency_col("x")
            .read_str("x,recency,T\n0.5,0,3\n"),
        2,
        "x",
        "integer",
    );
    assert_field(
        read("frequency,recency,T,monetary_value\n1,1,3,-2\n"),
        2,
        "monetary_value",
        ">= 0",
    );
    assert_field(
        SummaryCsvOptions::new()
            .weights_col("w")
            .read_str("frequency,recency,T,w\n1,1,3,0\n"),
        2,
        "w",
        "> 0",
    );
    assert!(matches!(
        read(&format!("{h}1,1\n")),
        Err(Error::FieldCount { line: 2, .. })
    ));
    assert!(
        matches!(read("frequency,T\n1,1\n"), Err(Error::MissingColumn { ref column, .. }) if column == "recency")
    );
    assert!(matches!(
        SummaryCsvOptions::new()
            .customer_id_col("user")
            .read_str(&format!("{h}1,1,3\n")),
        Err(Error::MissingColumn { .. })
    ));
    assert!(matches!(read(h), Err(Error::EmptyInput { .. })));
    assert!(matches!(read(""), Err(Error::EmptyInput { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = SummaryCsvOptions::new().read(&bytes[..]);
        let mut with_header = b"frequency,recency,T\n".to_vec();
        with_header.extend_from_slice(&bytes);
        let _ = SummaryCsvOptions::new().read(&with_header[..]);
    }
}
