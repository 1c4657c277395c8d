//! Shared fixtures for the report tests: a small hand-checkable data set and a transparent
//! stand-in for the model step.
#![allow(dead_code)]

use ltv::report::*;
use ltv::Result;

pub const COSTS: &str = "\
date,network,account,campaign,ad,cost,currency,timezone,impressions,clicks,installs
2024-03-01,meta,m1,spring,a1,100,USD,UTC,10000,200,20
2024-03-02,meta,m1,spring,a1,100,usd,UTC,10000,200,20
2024-03-01,google,g1,search,,48,EUR,America/Los_Angeles,,,
2024-03-02,google,g1,search,,48,EUR,America/Los_Angeles,,,
2024-03-01,tiktok,t1,launch,,30,EUR,UTC,,,
";

pub const INSTALLS: &str = "\
user_id,install_time,network,campaign,ad
u1,2024-03-01 09:00:00,meta,spring,a1
u2,2024-03-01 10:00:00,meta,spring,a1
u3,2024-03-02 23:59:59,meta,spring,a1
u4,2024-03-01T20:00:00-08:00,google,search,
u5,2024-03-02 12:00:00,google,search,
u6,2024-03-01 12:00:00,,,
u2,2024-03-02 08:00:00,google,search,
";

pub const TRANSACTIONS: &str = "\
user_id,time,amount,currency
u1,2024-03-01 12:00:00,10,USD
u1,2024-03-02 12:00:00,500,JPY
u2,2024-03-02 13:00:00,5,
u4,2024-03-02 07:00:00,2,EUR
u9,2024-03-02 18:00:00,3,EUR
";

pub const FX: &str = "\
date,currency,rate
2024-03-01,USD,0.9
2024-03-02,USD,0.8
2024-03-02,JPY,0.006
";

pub const CREDIT: &str = "\
user_id,paid,credit
u1,12,4
u3,0,6
zz,0,1.5
";

/// The credit of [`CREDIT`] as dated credit events, all before the end of 2024-03-02 UTC (u1's
/// 4 in two parts; the second offset-less, read in UTC).
pub const CREDIT_DATED: &str = "\
user_id,time,credit
u1,2024-03-01 12:00:00,1.5
u3,2024-03-02T23:59:59Z,6
u1,2024-03-02 08:00:00,2.5
zz,2024-03-01,1.5
";

pub fn inputs() -> ReportInputs {
    ReportInputs {
        costs: read_costs(COSTS.as_bytes(), &CostColumns::default()).unwrap(),
        installs: read_installs(INSTALLS.as_bytes(), &InstallColumns::default()).unwrap(),
        transactions: read_transactions(TRANSACTIONS.as_bytes(), &TransactionColumns::default())
            .unwrap(),
        fx: Some(read_fx(FX.as_bytes(), &FxColumns::default(), "EUR").unwrap()),
        credit: Some(
            read_credit_ledger(CREDIT.as_bytes(), &CreditLedgerColumns::default()).unwrap(),
        ),
    }
}

pub fn config() -> ReportConfig {
    let mut c = ReportConfig::new(parse_date_arg("2024-03-02").unwrap());
    c.currency = "EUR".into();
    c
}

/// A transparent model: each user's future revenue is 1 + 2 × (revenue to date) + 0.5 ×
/// (number of payments), with ±10% bounds. It reads every payment, so any payment that leaked
/// past the cut would change it.
pub struct DoubleRevenue;

impl ValueModel for DoubleRevenue {
    fn estimate(&self, users: &ReportUsers, _h: &Horizon) -> Result<FutureValues> {
        let expected: Vec<f64> = (0..users.len())
            .map(|u| {
                let (t, a) = users.payments(u);
                1.0 + 2.0 * a.iter().sum::<f64>() + 0.5 * t.len() as f64
            })
            .collect();
        Ok(FutureValues {
            uncertainty: Uncertainty::Bounds {
                lower: expected.iter().map(|x| 0.9 * x).collect(),
                upper: expected.iter().map(|x| 1.1 * x).collect(),
            },
            expected,
            description: serde_json::json!({"model": "double-revenue"}),
            warnings: vec![],
            unconverged_fits: vec![],
            unconverged_users: vec![],
        })
    }
}

/// Appends `n` simulated users of `network`/`campaign` to installs and transactions CSV text:
/// installs spread over the 90 days from 2023-11-01 at 10:00 UTC, payments drawn from BG/NBD
/// (per day: r 0.6, alpha 8, a 2, b 3) with the crate's seeded simulator (the install is time
/// 0), amounts from Gamma-Gamma (p 6, q 4, v 20: mean 40) with a seeded RNG, up to the end of
/// 2024-03-31.
pub fn simulated_users(
    installs: &mut String,
    tx: &mut String,
    network: &str,
    campaign: &str,
    n: usize,
    seed: u64,
) {
    let model = ltv::models::bgnbd::BgNbd::new(0.6, 8.0, 2.0, 3.0).unwrap();
    let nov1 = 1_698_832_800; // 2023-11-01 10:00:00 UTC
    let end = 1_711_929_600; // 2024-04-01 00:00:00 UTC
    let install: Vec<i64> = (0..n).map(|i| nov1 + 86_400 * (i as i64 % 90)).collect();
    let ages: Vec<f64> = install
        .iter()
        .map(|&t| (end - t) as f64 / 86_400.0)
        .collect();
    let sim = model.simulate(&ages, seed).unwrap();
    use rand::SeedableRng;
    use rand_distr::{Distribution, Gamma};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let nu = Gamma::new(4.0, 1.0 / 20.0).unwrap();
    let stamp = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    for (i, &t0) in install.iter().enumerate() {
        let id = format!("{campaign}-{i}");
        installs.push_str(&format!("{id},{},{network},{campaign},\n", stamp(t0)));
        let spend = Gamma::new(6.0, 1.0 / Distribution::<f64>::sample(&nu, &mut rng)).unwrap();
        for t in sim.purchase_times(i) {
            let when = t0 + (t * 86_400.0) as i64;
            let amount: f64 =
                (Distribution::<f64>::sample(&spend, &mut rng) * 100.0).round() / 100.0;
            tx.push_str(&format!("{id},{},{amount},EUR\n", stamp(when)));
        }
    }
}

pub fn csv_of(report: &CampaignReport) -> String {
    let mut out = Vec::new();
    output::write_csv(report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

pub fn json_of(report: &CampaignReport) -> String {
    let mut out = Vec::new();
    output::write_json(report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
