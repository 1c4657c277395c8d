//! A simulated app with ad campaigns of known truth: the data of the crate's ROAS benchmark,
//! its backtests and the report's first example.
//!
//! Three networks buy installs through five campaigns each. Ten campaigns have run for
//! months (launched 180–365 days before the as-of date, still running); five were launched
//! 2–7 weeks before it. A user is born at install. Purchases follow continuous-time BG/NBD:
//! each user's Poisson rate λ ~ Gamma(r, α) per day, and after every purchase the user drops
//! out with probability p ~ Beta(a, b). Spend follows Gamma-Gamma: per-user ν ~ Gamma(q, v),
//! each amount ~ Gamma(p_s, ν). Each campaign's `ln α`, `ln a`, `ln b` and `ln v` scatter
//! around its network's (normal, standard deviation [`AppSpec::campaign_scatter`]), so a
//! network's old campaigns say something about its new ones. Payments are simulated past the
//! as-of date, so the truth — each campaign's realised revenue over any horizon — is known.
//!
//! Everything is seeded: the same [`AppSpec`] and seed give the same data on every machine.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, Exp, Gamma, Normal};

use crate::error::{Error, ParamValue, Result};
use crate::report::hierarchy::Placement;
use crate::report::inputs::{CostRow, Installs, Transactions};
use crate::report::ReportInputs;

/// The shape of a simulated app (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AppSpec {
    /// The report date: installs up to the end of this day (UTC).
    pub as_of: NaiveDate,
    /// Days of payments simulated after the as-of day (the truth's longest horizon).
    pub future_days: u32,
    /// Installs per day of a campaign that has run for months (each campaign draws a rate
    /// uniformly in ±50% of it).
    pub old_installs_per_day: f64,
    /// Installs per day of a new campaign (likewise).
    pub new_installs_per_day: f64,
    /// Standard deviation of a campaign's log-parameters around its network's.
    pub campaign_scatter: f64,
}

impl Default for AppSpec {
    fn default() -> Self {
        Self {
            as_of: NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date"),
            future_days: 366,
            old_installs_per_day: 29.0,
            new_installs_per_day: 100.0,
            campaign_scatter: 0.35,
        }
    }
}

/// A network's BG/NBD (per day) and Gamma-Gamma parameters.
struct NetworkTruth {
    name: &'static str,
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
    spend_v: f64,
}

const NETWORKS: [NetworkTruth; 3] = [
    // many early purchases, fast dropout
    NetworkTruth {
        name: "tiktok",
        r: 0.9,
        alpha: 18.0,
        a: 1.6,
        b: 5.0,
        spend_v: 8.0,
    },
    // slow buyers who stay
    NetworkTruth {
        name: "google",
        r: 0.7,
        alpha: 45.0,
        a: 0.8,
        b: 9.0,
        spend_v: 14.0,
    },
    NetworkTruth {
        name: "meta",
        r: 0.8,
        alpha: 30.0,
        a: 1.2,
        b: 6.0,
        spend_v: 10.0,
    },
];

/// Gamma-Gamma shape of each amount and of ν.
const SPEND_P: f64 = 6.0;
const SPEND_Q: f64 = 4.0;

/// One simulated campaign and its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCampaign {
    /// Network and campaign (account `<network>-account`, no ad).
    pub placement: Placement,
    /// First install day.
    pub launch: NaiveDate,
    /// True when launched less than eight weeks before the as-of date.
    pub is_new: bool,
    /// True BG/NBD parameters (per day): r, α, a, b.
    pub bgnbd: [f64; 4],
    /// True Gamma-Gamma parameters: p, q, v.
    pub spend: [f64; 3],
    /// Installs up to the as-of date.
    pub installs: u64,
    /// Cost up to the as-of date.
    pub cost: f64,
    /// Revenue of its users up to the end of the as-of day.
    pub revenue_to_date: f64,
    /// Revenue of its users on each day after the as-of day (`future_days` entries).
    pub daily_future_revenue: Vec<f64>,
}

impl SimulatedCampaign {
    /// Realised revenue of the campaign's users over the `days` days after the as-of day.
    pub fn future_revenue(&self, days: u32) -> f64 {
        self.daily_future_revenue.iter().take(days as usize).sum()
    }

    /// True ROAS over a horizon of `days` after the as-of day: (revenue to date + realised
    /// future revenue) / cost.
    pub fn true_roas(&self, days: u32) -> f64 {
        (self.revenue_to_date + self.future_revenue(days)) / self.cost
    }
}

/// A simulated app: the report's inputs (payments run `future_days` past the as-of date; the
/// report cuts them) and the truth per campaign.
#[derive(Debug, Clone)]
pub struct SimulatedApp {
    /// The spec it was made from.
    pub spec: AppSpec,
    /// Costs, installs and payments.
    pub inputs: ReportInputs,
    /// The campaigns and their truth.
    pub campaigns: Vec<SimulatedCampaign>,
}

fn midnight(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
}

fn bad(e: impl std::fmt::Display) -> Error {
    Error::invalid_parameter("simulation", ParamValue::None, e.to_string())
}

impl SimulatedApp {
    /// Simulates the app of `spec` with `seed`.
    ///
    /// ```
    /// use ltv::report::simulation::{AppSpec, SimulatedApp};
    /// let mut spec = AppSpec::default();
    /// spec.old_installs_per_day = 2.0;
    /// spec.new_installs_per_day = 5.0;
    /// let app = SimulatedApp::generate(&spec, 7)?;
    /// assert_eq!(app.campaigns.len(), 15);
    /// assert_eq!(app.campaigns.iter().filter(|c| c.is_new).count(), 5);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a spec out of range.
    pub fn generate(spec: &AppSpec, seed: u64) -> Result<Self> {
        if !(spec.old_installs_per_day > 0.0
            && spec.new_installs_per_day > 0.0
            && spec.campaign_scatter >= 0.0
            && spec.campaign_scatter.is_finite())
        {
            return Err(Error::invalid_parameter(
                "simulation spec",
                ParamValue::None,
                "install rates must be > 0 and the scatter finite and >= 0",
            ));
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let scatter = Normal::new(0.0, spec.campaign_scatter).map_err(bad)?;
        let end_of_as_of = midnight(spec.as_of) + 86_400;
        let sim_end = end_of_as_of + i64::from(spec.future_days) * 86_400;
        // which campaigns are new: two of the first network, one of the second, two of the third
        let new_slots = [(0usize, 3usize), (0, 4), (1, 4), (2, 3), (2, 4)];
        let mut installs = Installs::new();
        let mut transactions = Transactions::new();
        let mut costs = Vec::new();
        let mut campaigns = Vec::new();
        for (ni, net) in NETWORKS.iter().enumerate() {
            for ci in 0..5 {
                let is_new = new_slots.contains(&(ni, ci));
                let age_days: u64 = if is_new {
                    rng.random_range(14..=49)
                } else {
                    rng.random_range(180..=365)
                };
                let launch = spec.as_of - Days::new(age_days - 1);
                let base_rate = if is_new {
                    spec.new_installs_per_day
                } else {
                    spec.old_installs_per_day
                };
                let per_day = base_rate * rng.random_range(0.5..1.5);
                let alpha = net.alpha * scatter.sample(&mut rng).exp();
                let a = net.a * scatter.sample(&mut rng).exp();
                let b = net.b * scatter.sample(&mut rng).exp();
                let v = net.spend_v * (0.7 * scatter.sample(&mut rng)).exp();
                let cpi = rng.random_range(40.0..150.0);
                let name = format!("{}-c{}", net.name, ci + 1);
                let placement = Placement {
                    network: net.name.into(),
                    account: format!("{}-account", net.name),
                    campaign: name.clone(),
                    ad: String::new(),
                };
                let lambda_dist = Gamma::new(net.r, 1.0 / alpha).map_err(bad)?;
                let p_dist = Beta::new(a, b).map_err(bad)?;
                let nu_dist = Gamma::new(SPEND_Q, 1.0 / v).map_err(bad)?;
                let mut camp = SimulatedCampaign {
                    placement: placement.clone(),
                    launch,
                    is_new,
                    bgnbd: [net.r, alpha, a, b],
                    spend: [SPEND_P, SPEND_Q, v],
                    installs: 0,
                    cost: 0.0,
                    revenue_to_date: 0.0,
                    daily_future_revenue: vec![0.0; spec.future_days as usize],
                };
                for d in 0..age_days {
                    let day = launch + Days::new(d);
                    // Poisson-ish count: floor of the rate plus a Bernoulli remainder
                    let n =
                        per_day.floor() as u64 + u64::from(rng.random::<f64>() < per_day.fract());
                    let start = midnight(day);
                    for _ in 0..n {
                        let t0 = start + rng.random_range(0..86_400);
                        let id = format!("{}-{}", name, camp.installs);
                        camp.installs += 1;
                        installs.push(
                            &id,
                            t0,
                            &placement.network,
                            &placement.account,
                            &placement.campaign,
                            "",
                            0,
                        )?;
                        let lambda: f64 = lambda_dist.sample(&mut rng);
                        let p: f64 = p_dist.sample(&mut rng);
                        let nu: f64 = nu_dist.sample(&mut rng);
                        let amount_dist = Gamma::new(SPEND_P, 1.0 / nu).map_err(bad)?;
                        let gap = Exp::new(lambda.max(1e-12)).map_err(bad)?;
                        let mut t = t0 as f64;
                        loop {
                            t += gap.sample(&mut rng) * 86_400.0;
                            if t >= sim_end as f64 {
                                break;
                            }
                            let amount: f64 = amount_dist.sample(&mut rng);
                            let amount = ((amount * 100.0).round() / 100.0).max(0.01);
                            let ts = t as i64;
                            transactions.push(&id, ts, amount, None, 0)?;
                            if ts < end_of_as_of {
                                camp.revenue_to_date += amount;
                            } else {
                                let k = ((ts - end_of_as_of) / 86_400) as usize;
                                camp.daily_future_revenue[k] += amount;
                            }
                            if rng.random::<f64>() < p {
                                break;
                            }
                        }
                    }
                    let cost = cpi * n as f64;
                    camp.cost += cost;
                    costs.push(CostRow {
                        line: 0,
                        date: day,
                        placement: placement.clone(),
                        cost,
                        currency: None,
                        time_zone: None,
                        impressions: None,
                        clicks: None,
                        installs: Some(n as f64),
                    });
                }
                campaigns.push(camp);
            }
        }
        Ok(Self {
            spec: spec.clone(),
            inputs: ReportInputs {
                costs,
                installs,
                transactions,
                fx: None,
                credit: None,
            },
            campaigns,
        })
    }

    /// Writes the inputs as the CSV files `ltv report` and `ltv backtest` read with their
    /// default columns: `costs.csv` (date,network,account,campaign,cost),
    /// `installs.csv` (user_id,install_time,network,account,campaign) and
    /// `transactions.csv` (user_id,time,amount), times in UTC as `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file.
    pub fn write_csv(&self, dir: &std::path::Path) -> Result<()> {
        use std::io::Write;
        let io = |path: std::path::PathBuf| {
            move |e: std::io::Error| Error::Io {
                path: path.clone(),
                source: e,
            }
        };
        std::fs::create_dir_all(dir).map_err(io(dir.to_path_buf()))?;
        let time = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default()
        };
        let p = dir.join("costs.csv");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).map_err(io(p.clone()))?);
        let mut text = String::from("date,network,account,campaign,cost\n");
        for c in &self.inputs.costs {
            text.push_str(&format!(
                "{},{},{},{},{}\n",
                c.date, c.placement.network, c.placement.account, c.placement.campaign, c.cost
            ));
        }
        f.write_all(text.as_bytes())
            .and_then(|_| f.flush())
            .map_err(io(p.clone()))?;
        let p = dir.join("installs.csv");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).map_err(io(p.clone()))?);
        let ins = &self.inputs.installs;
        let mut text = String::from("user_id,install_time,network,account,campaign\n");
        for k in 0..ins.len() {
            let pl = &ins.placements()[ins.placement_indices()[k] as usize];
            text.push_str(&format!(
                "{},{},{},{},{}\n",
                ins.user_id(ins.users()[k] as usize),
                time(ins.times()[k]),
                pl.network,
                pl.account,
                pl.campaign
            ));
        }
        f.write_all(text.as_bytes())
            .and_then(|_| f.flush())
            .map_err(io(p.clone()))?;
        let p = dir.join("transactions.csv");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).map_err(io(p.clone()))?);
        let tx = &self.inputs.transactions;
        let mut text = String::with_capacity(tx.len() * 48);
        text.push_str("user_id,time,amount\n");
        for k in 0..tx.len() {
            text.push_str(&format!(
                "{},{},{}\n",
                tx.user_id(tx.users()[k] as usize),
                time(tx.times()[k]),
                tx.amounts()[k]
            ));
        }
        f.write_all(text.as_bytes())
            .and_then(|_| f.flush())
            .map_err(io(p))?;
        Ok(())
    }
}
