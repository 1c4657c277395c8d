//! The model step: per-segment fits are exactly the pooled fit run on the segment alone.

mod report_common;

use approx::assert_relative_eq;
use ltv::report::*;
use report_common::*;

fn inputs_of(installs: &str, tx: &str) -> ReportInputs {
    ReportInputs {
        costs: read_costs(COSTS.as_bytes(), &CostColumns::default()).unwrap(),
        installs: read_installs(installs.as_bytes(), &InstallColumns::default()).unwrap(),
        transactions: read_transactions(tx.as_bytes(), &TransactionColumns::default()).unwrap(),
        fx: Some(read_fx(FX.as_bytes(), &FxColumns::default(), "EUR").unwrap()),
        credit: None,
    }
}

#[test]
fn a_segment_fit_equals_a_report_on_that_segment_alone() {
    let head_i = "user_id,install_time,network,campaign,ad\n";
    let head_t = "user_id,time,amount,currency\n";
    let (mut meta_i, mut meta_t) = (head_i.to_string(), head_t.to_string());
    simulated_users(&mut meta_i, &mut meta_t, "meta", "spring", 700, 21);
    let (mut google_i, mut google_t) = (String::new(), String::new());
    simulated_users(&mut google_i, &mut google_t, "google", "search", 500, 22);
    let both = inputs_of(&(meta_i.clone() + &google_i), &(meta_t.clone() + &google_t));
    let alone = inputs_of(&meta_i, &meta_t);

    let mut config = config();
    config.horizon.period = ltv::Period::Day;
    // meta (700 users) gets its own fit, google (500) the pooled one
    let segmented = BuyTillYouDieValue {
        fit_by: Some(Level::Network),
        min_segment_users: 600,
        ..BuyTillYouDieValue::default()
    };
    let seg = CampaignReport::build(&both, &config, &segmented).unwrap();
    let solo = CampaignReport::build(&alone, &config, &BuyTillYouDieValue::default()).unwrap();
    let pooled = CampaignReport::build(&both, &config, &BuyTillYouDieValue::default()).unwrap();
    let row =
        |r: &CampaignReport, net: &str| r.rows.iter().find(|x| x.group[0] == net).unwrap().clone();
    let (a, b) = (row(&seg, "meta"), row(&solo, "meta"));
    assert_eq!(a.users, b.users);
    assert_relative_eq!(
        a.estimated_future_revenue,
        b.estimated_future_revenue,
        max_relative = 1e-12
    );
    assert_relative_eq!(
        a.estimated_future_revenue_upper.unwrap(),
        b.estimated_future_revenue_upper.unwrap(),
        max_relative = 1e-12
    );
    // google users take the pooled fit on everyone
    let (c, d) = (row(&seg, "google"), row(&pooled, "google"));
    assert_relative_eq!(
        c.estimated_future_revenue,
        d.estimated_future_revenue,
        max_relative = 1e-12
    );
    assert!(seg.meta.model.get("segment:meta").is_some());
    assert!(seg.meta.model.get("segment:google").is_none());

    // a group spanning both blocks: independent blocks, so variances add
    let mut all = config.clone();
    all.group_by = "".parse().unwrap();
    let total = CampaignReport::build(&both, &all, &segmented).unwrap();
    let t = &total.rows[0];
    let half_width =
        |r: &ReportRow| r.estimated_future_revenue_upper.unwrap() - r.estimated_future_revenue;
    let per_network: Vec<ReportRow> = ["meta", "google", ORGANIC]
        .iter()
        .filter_map(|n| seg.rows.iter().find(|x| x.group[0] == *n).cloned())
        .collect();
    let future: f64 = per_network.iter().map(|r| r.estimated_future_revenue).sum();
    assert_relative_eq!(t.estimated_future_revenue, future, max_relative = 1e-12);
    // the total's half-width lies between the largest part's and the sum of the parts'
    let parts: Vec<f64> = per_network.iter().map(half_width).collect();
    let hw = half_width(t);
    assert!(hw >= parts.iter().cloned().fold(0.0, f64::max) * (1.0 - 1e-12));
    assert!(hw <= parts.iter().sum::<f64>() * (1.0 + 1e-12));
}

/// A fit that stalls short of its tolerance (here: a tolerance below machine precision, which
/// no fit can reach, while the gradient norm ends far below `LOOSE_TOLERANCE`) is used, and
/// said to be unconverged in the rows, the metadata and the warnings; `ensure_converged` (the
/// CLI's `--strict`) and `accept_stalled_fits = false` turn it into `Error::NotConverged`.
#[test]
fn a_stalled_fit_is_reported_loudly_or_fails_when_asked() {
    let head_i = "user_id,install_time,network,campaign,ad\n";
    let head_t = "user_id,time,amount,currency\n";
    let (mut i, mut t) = (head_i.to_string(), head_t.to_string());
    simulated_users(&mut i, &mut t, "meta", "spring", 400, 31);
    simulated_users(&mut i, &mut t, "google", "search", 300, 32);
    let inputs = inputs_of(&i, &t);
    let mut config = config();
    config.horizon.period = ltv::Period::Day;

    let fine = CampaignReport::build(&inputs, &config, &BuyTillYouDieValue::default()).unwrap();
    assert_eq!(fine.meta.fit_status, FitStatus::Converged);
    assert!(fine.meta.unconverged_fits.is_empty());
    // rows without users (a campaign with cost only) have no estimate and no fit status
    let status = |r: &CampaignReport| -> Vec<(u64, Option<FitStatus>)> {
        r.rows.iter().map(|x| (x.users, x.fit_status)).collect()
    };
    assert!(status(&fine)
        .iter()
        .all(|&(n, s)| s == (n > 0).then_some(FitStatus::Converged)));
    fine.ensure_converged().unwrap();

    let mut stalling = BuyTillYouDieValue::default();
    stalling.fit_options.tolerance = 1e-300;
    stalling.fit_options.max_iterations = 200;
    let loud = CampaignReport::build(&inputs, &config, &stalling).unwrap();
    assert_eq!(loud.meta.fit_status, FitStatus::NotConverged);
    let fits: Vec<(&str, &str)> = loud
        .meta
        .unconverged_fits
        .iter()
        .map(|f| (f.fit.as_str(), f.model.as_str()))
        .collect();
    assert!(fits.contains(&("pooled", "bgnbd")), "{fits:?}");
    assert!(loud
        .meta
        .unconverged_fits
        .iter()
        .all(|f| f.gradient_norm < LOOSE_TOLERANCE && f.iterations > 0));
    assert!(status(&loud)
        .iter()
        .all(|&(n, s)| s == (n > 0).then_some(FitStatus::NotConverged)));
    assert!(loud
        .meta
        .warnings
        .iter()
        .any(|w| w.contains("did NOT converge")));
    assert_eq!(loud.meta.model["fit_status"], "not_converged");
    assert_eq!(loud.meta.model["transaction_model"]["converged"], false);
    let csv = csv_of(&loud);
    assert!(csv.lines().next().unwrap().ends_with(",fit_status"));
    assert_eq!(
        csv.lines()
            .filter(|l| l.ends_with(",not_converged"))
            .count(),
        loud.rows.iter().filter(|r| r.users > 0).count()
    );
    assert!(json_of(&loud).contains("\"unconverged_fits\""));
    assert!(output::table(&loud, 10).contains("did NOT converge"));
    assert!(matches!(
        loud.ensure_converged(),
        Err(ltv::Error::NotConverged { .. })
    ));
    // the stalled estimate is still the converged one to within what the tolerance allows
    for (a, b) in loud.rows.iter().zip(&fine.rows) {
        assert_eq!(a.group, b.group);
        assert_relative_eq!(
            a.estimated_future_revenue,
            b.estimated_future_revenue,
            max_relative = 1e-3
        );
    }

    let strict = BuyTillYouDieValue {
        accept_stalled_fits: false,
        ..stalling.clone()
    };
    // a stalled fit the value model refuses leaves the report without estimates (issue 11
    // item 6: cost, users and revenue to date still come out), the reason kept, and the
    // strict check fails
    let refused = CampaignReport::build(&inputs, &config, &strict).unwrap();
    match &refused.meta.estimates {
        ltv::report::EstimateStatus::Unavailable { reason } => {
            assert!(reason.contains("converge"), "{reason}")
        }
        other => panic!("estimates from a refused stalled fit: {other:?}"),
    }
    assert!(refused.ensure_converged().is_err());

    // per-segment fits: only the rows of a stalled segment are marked
    let mut per_network = stalling;
    per_network.fit_by = Some(Level::Network);
    per_network.min_segment_users = 350;
    let seg = CampaignReport::build(&inputs, &config, &per_network).unwrap();
    assert!(seg
        .meta
        .unconverged_fits
        .iter()
        .any(|f| f.fit == "segment:meta"));
    assert!(seg.meta.model["segment:meta"]["fit_status"] == "not_converged");
}
