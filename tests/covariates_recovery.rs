//! Parameter recovery with covariates: data simulated from known log-linear links (each
//! covariate pattern drawn from the base model at its own parameters with the crate's seeded
//! simulators), fitted with `fit_with_covariates`; every estimate near the truth and the
//! reported standard errors about right (Wald intervals cover the truth about 95% of the
//! time over several seeds).

use ltv::models::bgnbd::BgNbd;
use ltv::models::covariates::{
    fit_with_covariates, CovariateFit, CovariateModel, CovariateOptions, Covariates,
};
use ltv::models::gamma_gamma::GammaGamma;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::summary::RfmSummary;
use rand::SeedableRng;
use rand_distr::{Distribution, Gamma};

/// The design: `channel` ∈ {web (reference), app, shop} × `score` ∈ {−1, 0, 1}.
const CHANNELS: [&str; 3] = ["web", "app", "shop"];
const SCORES: [f64; 3] = [-1.0, 0.0, 1.0];

/// Design row `(channel=app, channel=shop, score)` of a pattern.
fn row(c: usize, s: usize) -> [f64; 3] {
    [(c == 1) as u8 as f64, (c == 2) as u8 as f64, SCORES[s]]
}

/// Ages spread over [26, 52] weeks.
fn ages(n: usize) -> Vec<f64> {
    (0..n).map(|i| 26.0 + 26.0 * i as f64 / n as f64).collect()
}

/// Concatenates per-pattern summaries (simulated by `draw(pattern params, n, seed)`) with
/// their covariates.
fn simulate(
    truth: &[f64],
    linked: &[usize],
    n_per_pattern: usize,
    seed: u64,
    draw: impl Fn(&[f64], usize, u64) -> RfmSummary,
) -> (RfmSummary, Covariates) {
    let n_base = truth.len() - 3 * linked.len();
    let (mut ids, mut f, mut r, mut t, mut m) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut ch, mut sc) = (vec![], vec![]);
    for (c, channel) in CHANNELS.iter().enumerate() {
        for (s, score) in SCORES.iter().enumerate() {
            let z = row(c, s);
            let mut logp = truth[..n_base].to_vec();
            for (l, &j) in linked.iter().enumerate() {
                logp[j] += (0..3)
                    .map(|k| truth[n_base + 3 * l + k] * z[k])
                    .sum::<f64>();
            }
            let p: Vec<f64> = logp.iter().map(|v| v.exp()).collect();
            let g = draw(&p, n_per_pattern, seed * 100 + (3 * c + s) as u64);
            for i in 0..g.len() {
                ids.push(format!("{c}-{s}-{i}"));
                f.push(g.frequency()[i]);
                r.push(g.recency()[i]);
                t.push(g.t()[i]);
                if let Some(mv) = g.monetary_value() {
                    m.push(mv[i]);
                }
                ch.push(*channel);
                sc.push(*score);
            }
        }
    }
    let money = (!m.is_empty()).then_some(m);
    let summary = RfmSummary::new(ids.clone(), f, r, t, money, None).unwrap();
    let cov = Covariates::builder(&ids)
        .categorical("channel", &ch, Some("web"))
        .numeric("score", &sc)
        .build()
        .unwrap();
    (summary, cov)
}

/// z-scores `(estimate − truth)/se` of every element of θ.
fn z_scores<M: CovariateModel>(fit: &CovariateFit<M>, truth: &[f64]) -> Vec<f64> {
    let se = fit.std_errors().unwrap();
    fit.theta()
        .iter()
        .zip(truth)
        .zip(&se)
        .map(|((e, t), s)| (e - t) / s)
        .collect()
}

/// Over all seeds and parameters: every |z| < 4 (a 4-sigma miss has probability 6e-5 per
/// estimate), Wald 95% intervals cover at least 85% (with ~50 intervals a coverage below 85%
/// has probability < 1% if the errors are right), and the mean z² (1 if the standard errors
/// are right) is within [0.5, 1.6].
fn assert_coverage(model: &str, zs: &[f64]) {
    let n = zs.len() as f64;
    let covered = zs.iter().filter(|z| z.abs() < 1.96).count() as f64 / n;
    let mean_sq = zs.iter().map(|z| z * z).sum::<f64>() / n;
    eprintln!(
        "{model}: {} estimates, 95% coverage {covered:.3}, mean z² {mean_sq:.3}",
        zs.len()
    );
    for z in zs {
        assert!(z.abs() < 4.0, "{model}: z = {z}");
    }
    assert!(covered >= 0.85, "{model}: coverage {covered}");
    assert!((0.5..1.6).contains(&mean_sq), "{model}: mean z² {mean_sq}");
}

#[test]
fn bgnbd_recovers_known_coefficients_with_honest_standard_errors() {
    // truth: r 0.6, alpha 5, a 0.8, b 2.5; app buys more (alpha −0.4) and dies sooner
    // (a +0.3, b −0.2), shop buys less (alpha +0.3), score acts on all three
    let truth = [
        0.6f64.ln(),
        5.0f64.ln(),
        0.8f64.ln(),
        2.5f64.ln(),
        -0.4,
        0.3,
        0.2, // alpha: app, shop, score
        0.3,
        0.0,
        -0.2, // a
        -0.2,
        0.2,
        0.1, // b
    ];
    let mut zs = Vec::new();
    for seed in 1..=6 {
        let (summary, cov) = simulate(&truth, &[1, 2, 3], 2500, seed, |p, n, s| {
            BgNbd::new(p[0], p[1], p[2], p[3])
                .unwrap()
                .simulate(&ages(n), s)
                .unwrap()
                .summary()
                .unwrap()
        });
        let fit =
            fit_with_covariates::<BgNbd>(&summary, &cov, &CovariateOptions::default()).unwrap();
        zs.extend(z_scores(&fit, &truth));
    }
    assert_coverage("BG/NBD", &zs);
}

#[test]
fn pareto_nbd_recovers_known_coefficients_with_honest_standard_errors() {
    // truth: r 0.55, alpha 10, s 0.6, beta 12; alpha and beta linked
    let truth = [
        0.55f64.ln(),
        10.0f64.ln(),
        0.6f64.ln(),
        12.0f64.ln(),
        -0.5,
        0.3,
        0.2, // alpha: app, shop, score
        0.4,
        -0.3,
        0.1, // beta
    ];
    let mut zs = Vec::new();
    for seed in 1..=5 {
        let (summary, cov) = simulate(&truth, &[1, 3], 2500, seed, |p, n, s| {
            ParetoNbd::new(p[0], p[1], p[2], p[3])
                .unwrap()
                .simulate_summary(&ages(n), s)
                .unwrap()
        });
        let fit =
            fit_with_covariates::<ParetoNbd>(&summary, &cov, &CovariateOptions::default()).unwrap();
        zs.extend(z_scores(&fit, &truth));
    }
    assert_coverage("Pareto/NBD", &zs);
}

/// Repeat buyers with `frequency` 1..=6 and mean spend from Gamma-Gamma at `(p, q, v)`:
/// ν ~ Gamma(q, rate v), the mean of x purchases ~ Gamma(p x, rate ν x).
fn spend_summary(p: &[f64], n: usize, seed: u64) -> RfmSummary {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let nu_dist = Gamma::new(p[1], 1.0 / p[2]).unwrap();
    let mut f = Vec::with_capacity(n);
    let mut m = Vec::with_capacity(n);
    for i in 0..n {
        let x = 1 + i % 6;
        let nu = nu_dist.sample(&mut rng);
        let mean = Gamma::new(p[0] * x as f64, 1.0 / (nu * x as f64))
            .unwrap()
            .sample(&mut rng);
        f.push(x as f64);
        m.push(mean);
    }
    RfmSummary::new(
        (0..n).map(|i| i.to_string()).collect(),
        f.clone(),
        f.iter().map(|x| x + 1.0).collect(),
        vec![52.0; n],
        Some(m),
        None,
    )
    .unwrap()
}

#[test]
fn gamma_gamma_recovers_known_coefficients_with_honest_standard_errors() {
    // truth: p 6, q 4, v 15; v (the scale of mean spend) linked
    let truth = [
        6.0f64.ln(),
        4.0f64.ln(),
        15.0f64.ln(),
        0.3,
        -0.2,
        0.15, // v: app, shop, score
    ];
    let mut zs = Vec::new();
    for seed in 1..=8 {
        let (summary, cov) = simulate(&truth, &[2], 800, seed, spend_summary);
        let fit = fit_with_covariates::<GammaGamma>(&summary, &cov, &CovariateOptions::default())
            .unwrap();
        zs.extend(z_scores(&fit, &truth));
    }
    assert_coverage("Gamma-Gamma", &zs);
}
