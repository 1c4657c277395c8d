//! The report's readers on bad input: typed errors naming line and column, never a panic.

mod report_common;

use ltv::report::*;
use ltv::Error;
use proptest::prelude::*;
use report_common::*;

fn read_all(bytes: &[u8]) {
    // every reader, on any bytes: an Ok or an Err, never a panic
    let _ = read_costs(bytes, &CostColumns::default());
    let _ = read_installs(bytes, &InstallColumns::default());
    let _ = read_transactions(bytes, &TransactionColumns::default());
    let _ = read_fx(bytes, &FxColumns::default(), "EUR");
    let _ = read_credit(bytes, &CreditColumns::default());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes);
    }

    #[test]
    fn truncated_and_mutated_files_never_panic(cut in 0usize..600, flip in 0usize..600, byte in any::<u8>()) {
        for text in [COSTS, INSTALLS, TRANSACTIONS, FX, CREDIT] {
            let mut b = text.as_bytes()[..cut.min(text.len())].to_vec();
            if !b.is_empty() {
                let i = flip % b.len();
                b[i] = byte;
            }
            read_all(&b);
        }
    }

    /// A truncated table either reads (cut at a row boundary) or fails with a typed error.
    #[test]
    fn truncated_tables_fail_with_typed_errors(cut in 1usize..300) {
        let text = &COSTS[..cut.min(COSTS.len())];
        match read_costs(text.as_bytes(), &CostColumns::default()) {
            Ok(rows) => prop_assert!(rows.len() <= 5),
            Err(Error::FieldCount { .. } | Error::InvalidField { .. } | Error::MissingColumn { .. } | Error::EmptyInput { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
    }
}

#[test]
fn errors_name_line_column_and_rule() {
    let csv = "user_id,time,amount\nu1,2024-03-01,1\nu2,2024-03-01,-4\n";
    let e = read_transactions(csv.as_bytes(), &TransactionColumns::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3, column `amount`: invalid value `-4`: must be a finite number >= 0"
    );
    let e = read_installs("uid,t\n".as_bytes(), &InstallColumns::default()).unwrap_err();
    assert!(e.to_string().contains("user_id (in installs)"), "{e}");
}

#[test]
fn column_mapping_and_optional_columns() {
    // a network export with its own names; the ad level mapped from `adset`
    let csv = "Day\tSource\tCampaign Name\tAd Set\tSpend\n2024-03-01\tmeta\tspring\tset1\t12.5\n";
    let cols = {
        let mut o = CostColumns::default();
        o.date = "Day".into();
        o.network = "Source".into();
        o.campaign = "Campaign Name".into();
        o.ad = OptionalColumn::Named("Ad Set".into());
        o.cost = "Spend".into();
        o.delimiter = b'\t';
        o
    };
    let rows = read_costs(csv.as_bytes(), &cols).unwrap();
    assert_eq!(rows[0].placement.ad, "set1");
    assert_eq!(rows[0].currency, None);
    // a column named explicitly must exist
    let cols = {
        let mut o = cols;
        o.impressions = OptionalColumn::Named("Impr".into());
        o
    };
    assert!(matches!(
        read_costs(csv.as_bytes(), &cols),
        Err(Error::MissingColumn { .. })
    ));
}

#[test]
fn credit_ledger_rejects_duplicates() {
    let e = read_credit(
        "user_id,credit\na,1\na,2\n".as_bytes(),
        &CreditColumns::default(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::InvalidField { line: 3, .. }), "{e:?}");
}
