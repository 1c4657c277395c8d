//! The weighted min-max ranking score.

use approx::assert_relative_eq;
use ltv::report::*;
use proptest::prelude::*;

fn row(roas: Option<f64>, users: u64, cpi: Option<f64>) -> ReportRow {
    ReportRow {
        group: vec![format!("{roas:?}-{users}")],
        cohort: "all".into(),
        users,
        payers: 0,
        cost: 1.0,
        cost_per_install: cpi,
        revenue_to_date: 0.0,
        estimated_future_revenue: 0.0,
        estimated_future_revenue_lower: None,
        estimated_future_revenue_upper: None,
        estimated_total_revenue: 0.0,
        roas_to_date: None,
        estimated_roas: roas,
        estimated_roas_lower: None,
        estimated_roas_upper: None,
        impressions: None,
        clicks: None,
        ctr: None,
        cvr: None,
        ecpm: None,
        network_installs: None,
        credit: None,
        score: None,
        rank: None,
        fit_status: None,
    }
}

#[test]
fn hand_computed_scores() {
    // estimated ROAS 0.5, 1.0, 2.0 → scaled 0, 1/3, 1; users 10, 40, 20 → 0, 1, 1/3;
    // CPI 2, 4, 3 with weight −1 → 1, 0, 1/2. Weights 2, 1, −1 (sum of |w| = 4).
    let rows = [
        row(Some(0.5), 10, Some(2.0)),
        row(Some(1.0), 40, Some(4.0)),
        row(Some(2.0), 20, Some(3.0)),
        row(None, 99, Some(1.0)),
    ];
    let r: Ranking = "estimated_roas=2,users=1,cost_per_install=-1"
        .parse()
        .unwrap();
    let s = r.scores(&rows.iter().collect::<Vec<_>>());
    assert_relative_eq!(s[0].unwrap(), (0.0 + 0.0 + 1.0) / 4.0, max_relative = 1e-15);
    assert_relative_eq!(
        s[1].unwrap(),
        (2.0 / 3.0 + 1.0 + 0.0) / 4.0,
        max_relative = 1e-15
    );
    assert_relative_eq!(
        s[2].unwrap(),
        (2.0 + 1.0 / 3.0 + 0.5) / 4.0,
        max_relative = 1e-15
    );
    // a row without estimated ROAS is not scored and does not move the others' scaling
    assert_eq!(s[3], None);
    // a metric equal in every row scores 1 for all
    let one = [row(Some(1.0), 5, None), row(Some(1.0), 5, None)];
    let s = Ranking::default().scores(&one.iter().collect::<Vec<_>>());
    assert_eq!(s, vec![Some(1.0), Some(1.0)]);
}

#[test]
fn bad_rankings_are_errors() {
    for bad in [
        "",
        "roi=1",
        "estimated_roas=x",
        "estimated_roas=inf",
        "users=1,users=2",
        "users=0",
    ] {
        assert!(bad.parse::<Ranking>().is_err(), "{bad}");
    }
    let r: Ranking = "users".parse().unwrap();
    assert_eq!(r.weights(), &[(Metric::Users, 1.0)]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Scores lie in [0, 1]; with estimated ROAS alone the order of scores is the order of
    /// ROAS, the best row scores 1 and the worst 0.
    #[test]
    fn scores_are_scaled_and_order_preserving(roas in prop::collection::vec(0.0f64..10.0, 2..20),
                                             users in prop::collection::vec(0u64..1000, 20),
                                             w in -3.0f64..3.0) {
        let rows: Vec<ReportRow> = roas.iter().zip(&users).map(|(&x, &u)| row(Some(x), u, Some(1.0 + x))).collect();
        let refs: Vec<&ReportRow> = rows.iter().collect();
        let s = Ranking::default().scores(&refs);
        let best = roas.iter().cloned().fold(f64::MIN, f64::max);
        let worst = roas.iter().cloned().fold(f64::MAX, f64::min);
        for (i, si) in s.iter().enumerate() {
            let si = si.unwrap();
            prop_assert!((0.0..=1.0).contains(&si));
            if best > worst {
                if roas[i] == best { prop_assert!((si - 1.0).abs() < 1e-12); }
                if roas[i] == worst { prop_assert!(si.abs() < 1e-12); }
            }
            for (j, sj) in s.iter().enumerate() {
                if roas[i] < roas[j] { prop_assert!(si <= sj.unwrap()); }
            }
        }
        if w.abs() > 1e-3 {
            let mixed = Ranking::new(vec![(Metric::EstimatedRoas, 1.0), (Metric::Users, w)]).unwrap();
            for si in mixed.scores(&refs) {
                let si = si.unwrap();
                prop_assert!((-1e-12..=1.0 + 1e-12).contains(&si));
            }
        }
    }
}
