//! The report's numbers on a small data set, checked by hand.
//!
//! Data (tests/report_common): report in EUR, UTC, as of 2024-03-02.
//! * meta/spring (USD account, UTC): 100 USD on 03-01 at 0.9 and 100 USD on 03-02 at 0.8 →
//!   cost 170 EUR; impressions 20,000, clicks 400.
//! * google/search (EUR account in Los Angeles, UTC−8): each LA day runs 08:00→08:00 UTC, so the
//!   03-01 row counts fully (48) and the 03-02 row only for the 16 h before the cut (32) → 80.
//! * tiktok/launch: 30 EUR, no installs.
//! * users: u1, u2 (first install on meta; the later google install is a re-install), u3 (at
//!   23:59:59, still in) on meta; u4 (03-01 20:00 in LA = 03-02 04:00 UTC) and u5 on google;
//!   u6 organic by install row; u9 pays without install → organic.
//! * payments to date: u1 10 USD × 0.9 + 500 JPY × 0.006 = 12; u2 5 EUR; u4 2 EUR; u9 3 EUR.
//! * stand-in model: future = 1 + 2·revenue + 0.5·payments per user, bounds ±10%.

mod report_common;

use approx::assert_relative_eq;
use ltv::report::*;
use report_common::*;

fn row<'a>(r: &'a CampaignReport, network: &str) -> &'a ReportRow {
    r.rows.iter().find(|x| x.group[0] == network).unwrap()
}

#[test]
fn hand_checked_rows() {
    let report = CampaignReport::build(&inputs(), &config(), &DoubleRevenue).unwrap();
    let tol = 1e-12;

    let meta = row(&report, "meta");
    assert_eq!(meta.group, vec!["meta".to_string(), "spring".to_string()]);
    assert_eq!((meta.users, meta.payers), (3, 2));
    assert_relative_eq!(meta.cost, 170.0, max_relative = tol);
    assert_relative_eq!(
        meta.cost_per_install.unwrap(),
        170.0 / 3.0,
        max_relative = tol
    );
    assert_relative_eq!(meta.revenue_to_date, 17.0, max_relative = tol);
    // u1: 1 + 24 + 1; u2: 1 + 10 + 0.5; u3: 1
    let future = 26.0 + 11.5 + 1.0;
    assert_relative_eq!(meta.estimated_future_revenue, future, max_relative = tol);
    assert_relative_eq!(
        meta.estimated_future_revenue_lower.unwrap(),
        0.9 * future,
        max_relative = tol
    );
    assert_relative_eq!(
        meta.estimated_total_revenue,
        17.0 + future,
        max_relative = tol
    );
    assert_relative_eq!(meta.roas_to_date.unwrap(), 17.0 / 170.0, max_relative = tol);
    assert_relative_eq!(
        meta.estimated_roas.unwrap(),
        (17.0 + future) / 170.0,
        max_relative = tol
    );
    assert_relative_eq!(
        meta.estimated_roas_upper.unwrap(),
        (17.0 + 1.1 * future) / 170.0,
        max_relative = tol
    );
    assert_relative_eq!(meta.impressions.unwrap(), 20_000.0, max_relative = tol);
    assert_relative_eq!(meta.ctr.unwrap(), 400.0 / 20_000.0, max_relative = tol);
    assert_relative_eq!(meta.cvr.unwrap(), 3.0 / 400.0, max_relative = tol);
    assert_relative_eq!(
        meta.ecpm.unwrap(),
        1000.0 * 170.0 / 20_000.0,
        max_relative = tol
    );
    assert_relative_eq!(meta.network_installs.unwrap(), 40.0, max_relative = tol);
    // credit: u1 4 + u3 6, in its own column; revenue untouched
    assert_relative_eq!(meta.credit.unwrap(), 10.0, max_relative = tol);

    let google = row(&report, "google");
    assert_eq!((google.users, google.payers), (2, 1));
    assert_relative_eq!(google.cost, 48.0 + 32.0, max_relative = tol);
    assert_relative_eq!(google.revenue_to_date, 2.0, max_relative = tol);
    assert_eq!(google.ctr, None);
    assert_eq!(google.ecpm, None);

    let tiktok = row(&report, "tiktok");
    assert_eq!(tiktok.users, 0);
    assert_relative_eq!(tiktok.cost, 30.0, max_relative = tol);
    assert_eq!(tiktok.cost_per_install, None);
    assert_relative_eq!(tiktok.estimated_roas.unwrap(), 0.0);

    let organic = row(&report, ORGANIC);
    assert_eq!((organic.users, organic.payers), (2, 1));
    assert_eq!(organic.cost, 0.0);
    assert_eq!(organic.roas_to_date, None);
    assert_eq!(organic.estimated_roas, None);
    assert_eq!(organic.rank, None, "no cost, no ROAS, no score");

    // ranked by estimated ROAS: meta (≈0.43) > google (≈0.075) > tiktok (0)
    let order: Vec<&str> = report.rows.iter().map(|r| r.group[0].as_str()).collect();
    assert_eq!(order, ["meta", "google", "tiktok", ORGANIC]);
    assert_eq!(report.rows[0].rank, Some(1));
    assert_relative_eq!(report.rows[0].score.unwrap(), 1.0);
    assert_relative_eq!(report.rows[2].score.unwrap(), 0.0);

    let m = &report.meta;
    assert_eq!(m.users, 7);
    assert_eq!(m.exclusions.repeat_installs, 1);
    assert_eq!(m.exclusions.cost_rows_partly_after_as_of, 1);
    assert!(m
        .warnings
        .iter()
        .any(|w| w.contains("credit of 1.5 for 1 users")));
}

#[test]
fn cohorts_split_users_and_spend_by_install_day() {
    let mut c = config();
    c.cohort = CohortBy::Day;
    c.group_by = "network".parse().unwrap();
    let report = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
    let get = |net: &str, day: &str| {
        report
            .rows
            .iter()
            .find(|r| r.group[0] == net && r.cohort == day)
            .unwrap()
    };
    // meta: u1, u2 on 03-01 with 90 EUR; u3 on 03-02 with 80 EUR
    assert_eq!(get("meta", "2024-03-01").users, 2);
    assert_relative_eq!(get("meta", "2024-03-01").cost, 90.0, max_relative = 1e-12);
    assert_eq!(get("meta", "2024-03-02").users, 1);
    assert_relative_eq!(get("meta", "2024-03-02").cost, 80.0, max_relative = 1e-12);
    // google: LA 03-01 → 2/3 on 03-01, 1/3 on 03-02; LA 03-02 → 2/3 on 03-02 (rest after cut)
    assert_relative_eq!(get("google", "2024-03-01").cost, 32.0, max_relative = 1e-12);
    assert_relative_eq!(
        get("google", "2024-03-02").cost,
        16.0 + 32.0,
        max_relative = 1e-12
    );
    // u4 installed 03-01 20:00 LA time = 03-02 04:00 UTC: cohort 03-02 in the UTC report
    assert_eq!(get("google", "2024-03-02").users, 2);
    // cohorts come in date order, ranks restart in each
    let cohorts: Vec<&str> = report.rows.iter().map(|r| r.cohort.as_str()).collect();
    let mut sorted = cohorts.clone();
    sorted.sort();
    assert_eq!(cohorts, sorted);
    assert_eq!(get("meta", "2024-03-01").rank, Some(1));
    // 03-02: google (2 + 6.5 over 48) beats meta (0 + 1 over 80)
    assert_eq!(get("google", "2024-03-02").rank, Some(1));
    assert_eq!(get("meta", "2024-03-02").rank, Some(2));
}

#[test]
fn report_time_zone_moves_the_cut_and_the_cohorts() {
    // In Los Angeles the as-of day 2024-03-02 ends at 03-03 08:00 UTC: the whole second LA cost
    // row counts and u3 (03-02 23:59:59 UTC = 15:59 LA) is still in.
    let mut c = config();
    c.time_zone = parse_time_zone("America/Los_Angeles").unwrap();
    let report = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
    let google = row(&report, "google");
    assert_relative_eq!(google.cost, 96.0, max_relative = 1e-12);
    // the meta account reports in UTC: its 03-02 day ends before the LA cut (counted fully),
    // its 03-03 would start at 03-02 16:00 LA (no such row here)
    assert_relative_eq!(row(&report, "meta").cost, 170.0, max_relative = 1e-12);
    assert_eq!(report.meta.exclusions.cost_rows_partly_after_as_of, 0);
}

#[test]
fn group_by_ad_keeps_campaign_level_costs_apart() {
    let mut c = config();
    c.group_by = "network,ad".parse().unwrap();
    let report = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
    let meta = report
        .rows
        .iter()
        .find(|r| r.group == ["meta", "a1"])
        .unwrap();
    assert_eq!(meta.users, 3);
    let google = report
        .rows
        .iter()
        .find(|r| r.group == ["google", ""])
        .unwrap();
    assert_eq!(google.users, 2);
    assert_eq!(
        csv_of(&report).lines().next().unwrap(),
        "network,ad,cohort,users,payers,cost,cost_per_install,revenue_to_date,estimated_future_revenue,estimated_future_revenue_lower,estimated_future_revenue_upper,estimated_total_revenue,roas_to_date,estimated_roas,estimated_roas_lower,estimated_roas_upper,impressions,clicks,ctr,cvr,ecpm,network_installs,credit,score,rank,fit_status"
    );
}

#[test]
fn installs_without_account_take_it_from_the_costs() {
    let mut c = config();
    c.group_by = "account".parse().unwrap();
    let report = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
    let m1 = report.rows.iter().find(|r| r.group == ["m1"]).unwrap();
    assert_eq!(m1.users, 3);
    // a campaign under two accounts cannot be placed without an account column
    let mut inputs = inputs();
    let mut extra = inputs.costs[0].clone();
    extra.placement.account = "m2".into();
    inputs.costs.push(extra);
    assert!(matches!(
        CampaignReport::build(&inputs, &c, &DoubleRevenue),
        Err(ltv::Error::Report { .. })
    ));
    // ... unless the report does not group by account
    assert!(CampaignReport::build(&inputs, &config(), &DoubleRevenue).is_ok());
}

#[test]
fn missing_rates_are_typed_errors() {
    // no rate for USD on 2024-03-01 → the first cost row fails
    let mut inputs = inputs();
    let fx = "date,currency,rate\n2024-03-02,USD,0.8\n2024-03-02,JPY,0.006\n";
    inputs.fx = Some(read_fx(fx.as_bytes(), &FxColumns::default(), "EUR").unwrap());
    match CampaignReport::build(&inputs, &config(), &DoubleRevenue) {
        Err(ltv::Error::MissingRate {
            table,
            line,
            currency,
            date,
        }) => {
            assert_eq!(
                (table.as_str(), currency.as_str(), date.as_str()),
                ("transactions", "USD", "2024-03-01")
            );
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
    // carrying the previous day's rate forward is allowed only when asked, and only forward
    let mut inputs = report_common::inputs();
    let fx = "date,currency,rate\n2024-02-29,USD,0.9\n2024-03-02,JPY,0.006\n";
    inputs.fx = Some(
        read_fx(fx.as_bytes(), &FxColumns::default(), "EUR")
            .unwrap()
            .with_max_age_days(3),
    );
    let r = CampaignReport::build(&inputs, &config(), &DoubleRevenue).unwrap();
    assert_relative_eq!(row(&r, "meta").cost, 180.0, max_relative = 1e-12);
    // no FX table at all: any foreign currency is an error
    let mut inputs = report_common::inputs();
    inputs.fx = None;
    assert!(matches!(
        CampaignReport::build(&inputs, &config(), &DoubleRevenue),
        Err(ltv::Error::MissingRate { .. })
    ));
    // an FX table into another currency than the report's
    let mut c = config();
    c.currency = "GBP".into();
    assert!(CampaignReport::build(&report_common::inputs(), &c, &DoubleRevenue).is_err());
}

#[test]
fn outputs_are_well_formed() {
    let report = CampaignReport::build(&inputs(), &config(), &DoubleRevenue).unwrap();
    let csv = csv_of(&report);
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rdr.records().count(), report.rows.len());
    let json: serde_json::Value = serde_json::from_str(&json_of(&report)).unwrap();
    assert_eq!(json["meta"]["currency"], "EUR");
    assert_eq!(json["meta"]["as_of"], "2024-03-02");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows[0]["network"], "meta");
    assert_eq!(rows[0]["rank"], 1);
    assert!(rows[3]["estimated_roas"].is_null());
    let t = output::table(&report, 2);
    assert!(t.contains("meta / spring"));
    assert!(t.contains("2 more rows"));
}

/// Impressions and clicks are given for meta's cost rows only: a row spanning meta and the
/// networks without them gets no counts and no CTR / CVR / eCPM (rather than meta's impressions
/// set against everyone's cost), and a warning; meta's own row keeps them.
#[test]
fn counts_given_by_only_some_cost_rows_give_no_ratios() {
    let mut c = config();
    c.group_by = "".parse().unwrap();
    let all = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
    let r = &all.rows[0];
    assert_eq!(
        (r.impressions, r.clicks, r.ctr, r.cvr, r.ecpm),
        (None, None, None, None, None)
    );
    assert!(
        all.meta
            .warnings
            .iter()
            .any(|w| w
                .starts_with("1 rows have impressions, clicks or network installs on only some"))
    );
    let by_network = CampaignReport::build(&inputs(), &config(), &DoubleRevenue).unwrap();
    let meta = row(&by_network, "meta");
    assert_eq!(
        (meta.impressions, meta.clicks),
        (Some(20_000.0), Some(400.0))
    );
    assert_relative_eq!(
        meta.ecpm.unwrap(),
        1000.0 * 170.0 / 20_000.0,
        max_relative = 1e-12
    );
    assert!(!by_network
        .meta
        .warnings
        .iter()
        .any(|w| w.contains("only some")));
}
