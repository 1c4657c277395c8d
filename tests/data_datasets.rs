//! The embedded data sets load without a path and have the documented shapes and values.
//!
//! Expected values are read off the files in `datasets/` (copies of lifetimes 0.11.3's data):
//! first/last rows and column totals computed with `awk` on the files; exact because every
//! value is a short decimal read the same way by both.

use approx::assert_relative_eq;
use ltv::data::Timestamp;
use ltv::datasets;

#[test]
fn cdnow_summary_shape() {
    let s = datasets::cdnow_summary().unwrap();
    assert_eq!(s.len(), 2357);
    assert!(s.monetary_value().is_none());
    assert!(s.weights().is_none());
    assert_eq!(s.customer_ids()[0], "1");
    assert_eq!(s.customer_ids()[2356], "2357");
    // first row of the file: 1,2,30.43,38.86
    assert_eq!(s.frequency()[0], 2.0);
    assert_relative_eq!(s.recency()[0], 30.43, max_relative = 1e-15);
    assert_relative_eq!(s.t()[0], 38.86, max_relative = 1e-15);
    // awk -F, 'NR>1{f+=$2} END{print f}' cdnow_customers_summary.csv
    let total_frequency: f64 = s.frequency().iter().sum();
    assert_eq!(total_frequency, 2457.0);
}

#[test]
fn cdnow_summary_with_transactions_matches_plain_summary() {
    let plain = datasets::cdnow_summary().unwrap();
    let s = datasets::cdnow_summary_with_transactions().unwrap();
    assert_eq!(s.len(), 2357);
    assert_eq!(s.customer_ids(), plain.customer_ids());
    assert_eq!(s.frequency(), plain.frequency());
    assert_eq!(s.recency(), plain.recency());
    assert_eq!(s.t(), plain.t());
    let m = s.monetary_value().unwrap();
    assert_relative_eq!(m[0], 22.35, max_relative = 1e-15);
    for (i, &f) in s.frequency().iter().enumerate() {
        if f == 0.0 {
            assert_eq!(m[i], 0.0, "zbar of a non-repeater, row {i}");
        }
    }
}

#[test]
fn donations_shape() {
    let d = datasets::donations().unwrap();
    assert_eq!(d.len(), 22);
    assert_eq!(d.customer_ids()[0], "0");
    assert_eq!(d.customer_ids()[21], "21");
    assert!(d.t().iter().all(|&t| t == 6.0));
    // 11,104 donors in Fader, Hardie & Shang (2010)
    assert_eq!(d.n_customers(), 11_104.0);
    assert_eq!(d.compress().total_weight(), 11_104.0);
    assert_eq!(
        (d.frequency()[21], d.recency()[21], d.weight(21)),
        (6.0, 6.0, 1203.0)
    );
}

#[test]
fn cdnow_master_shape() {
    let log = datasets::cdnow_master().unwrap();
    assert_eq!(log.len(), 69_659);
    assert_eq!(log.n_customers(), 23_570);
    assert_eq!(log.customer_ids()[0], "00001");
    assert_eq!(
        log.timestamps()[0],
        Timestamp::from_ymd(1997, 1, 1).unwrap()
    );
    assert_eq!(
        log.first_timestamp(),
        Timestamp::from_ymd(1997, 1, 1).unwrap()
    );
    assert_eq!(
        log.last_timestamp(),
        Timestamp::from_ymd(1998, 6, 30).unwrap()
    );
    let a = log.amounts().unwrap();
    assert_relative_eq!(a[0], 11.77, max_relative = 1e-15);
    // awk 'NR>1{s+=$4} END{printf "%.2f", s}' CDNOW_master.txt
    let total: f64 = a.iter().sum();
    assert_relative_eq!(total, 2_500_315.63, max_relative = 1e-12);
    assert!(datasets::cdnow_master_text().starts_with(" customer_id"));
}
