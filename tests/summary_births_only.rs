//! `SummaryOptions::summarise_births`: a summary of customers who have not bought yet agrees
//! with the births-only rows of `summarise_with_births`, and its errors.

use ltv::data::{Period, Timestamp, TransactionLog};
use ltv::summary::{Births, SummaryOptions};
use ltv::Error;

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// The same rows as the births-only customers of a summary with a log (whose one buyer is
/// left aside), calendar and exact, days and weeks.
#[test]
fn agrees_with_the_births_only_rows_of_a_summary_with_a_log() {
    let ids = ["a", "b", "c"];
    let times = [
        t("2024-03-01 23:30:00"),
        t("2024-03-04 01:00:00"),
        t("2024-03-10 12:00:00"),
    ];
    let births = Births::from_columns(&ids, &times).unwrap();
    let log = TransactionLog::from_columns(&["buyer"], &[t("2024-03-02")], Some(&[5.0])).unwrap();
    for period in [Period::Day, Period::Week] {
        for exact in [false, true] {
            let options = SummaryOptions::new(period)
                .exact_times(exact)
                .observation_end_exclusive(t("2024-03-12"));
            let alone = options.summarise_births(&births).unwrap();
            let with_log = options.summarise_with_births(&log, &births).unwrap();
            let s = &with_log.summary;
            assert_eq!(alone.summary.customer_ids(), &s.customer_ids()[1..]);
            assert_eq!(alone.summary.t(), &s.t()[1..]);
            assert_eq!(alone.summary.recency(), &s.recency()[1..]);
            assert_eq!(alone.summary.frequency(), [0.0; 3]);
            assert_eq!(alone.summary.monetary_value().unwrap(), [0.0; 3]);
            assert_eq!(alone.summary.period(), Some(period));
            assert_eq!(alone.stats.customers_without_purchase, 3);
            assert_eq!(alone.stats.transactions_used, 0);
        }
    }
}

#[test]
fn customers_born_after_the_end_are_left_out_and_none_left_is_an_error() {
    let births = Births::from_columns(&["a", "b"], &[t("2024-03-01"), t("2024-03-20")]).unwrap();
    let out = SummaryOptions::new(Period::Day)
        .observation_end(t("2024-03-10"))
        .summarise_births(&births)
        .unwrap();
    assert_eq!(out.summary.customer_ids(), ["a"]);
    assert_eq!(out.summary.t(), [9.0]);
    assert_eq!(out.stats.customers_dropped, 1);
    let early = SummaryOptions::new(Period::Day).observation_end(t("2024-02-01"));
    assert!(matches!(
        early.summarise_births(&births),
        Err(Error::InvalidDate { .. })
    ));
    // without an observation end there is no last transaction to end at
    assert!(matches!(
        SummaryOptions::new(Period::Day).summarise_births(&births),
        Err(Error::InvalidParameter { .. })
    ));
}
