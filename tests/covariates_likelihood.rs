//! The penalised covariate log-likelihood of `ltv::models::covariates`: its analytic gradient
//! against central finite differences, and the fits it must reduce to — the plain model when
//! the covariates have no effect, and separate fits per level when a categorical covariate
//! with a reference level is linked to every parameter without a penalty.
//!
//! Data: the CDNOW summary (2,357 customers, weeks, with mean repeat spend; Fader, Hardie &
//! Lee 2005) with two made-up covariates that are functions of the customer id only, so they
//! are unrelated to behaviour: `parity` (categorical, `even`/`odd`, reference `even`) and
//! `size` (numeric, `id mod 5` centred).

use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::covariates::{
    fit_with_covariates, penalized_log_likelihood, CovariateModel, CovariateOptions, Covariates,
};
use ltv::models::gamma_gamma::{GammaGamma, SpendData};
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::summary::RfmSummary;

fn cdnow() -> RfmSummary {
    ltv::datasets::cdnow_summary_with_transactions().unwrap()
}

/// `parity` from the id's last digit, `size` = (id mod 5) − 2.
fn unrelated_covariates(summary: &RfmSummary) -> Covariates {
    let ids = summary.customer_ids();
    let num: Vec<u64> = ids.iter().map(|s| s.parse().unwrap()).collect();
    let parity: Vec<&str> = num
        .iter()
        .map(|n| if n % 2 == 0 { "even" } else { "odd" })
        .collect();
    let size: Vec<f64> = num.iter().map(|n| (n % 5) as f64 - 2.0).collect();
    Covariates::builder(ids)
        .categorical("parity", &parity, Some("even"))
        .numeric("size", &size)
        .build()
        .unwrap()
}

/// Largest relative difference between the analytic gradient and central differences
/// (step 1e-5 in θ; error O(h²) ≈ 1e-10 relative, plus rounding ≈ 1e-16·|LL|/h ≈ 1e-7 of an
/// LL of ~1e4), over a few points `θ₀ + δ` around the start.
fn worst_gradient_error<M: CovariateModel>(
    summary: &RfmSummary,
    covariates: &Covariates,
    options: &CovariateOptions,
    theta0: &[f64],
) -> f64 {
    let mut worst: f64 = 0.0;
    for shift in [0.0, 0.1, -0.15] {
        let theta: Vec<f64> = theta0
            .iter()
            .enumerate()
            .map(|(i, t)| t + shift * (1.0 + 0.3 * i as f64).sin())
            .collect();
        let (_, grad) =
            penalized_log_likelihood::<M>(summary, covariates, options, &theta).unwrap();
        let scale = grad.iter().map(|g| g.abs()).fold(1.0, f64::max);
        for j in 0..theta.len() {
            let h = 1e-5;
            let mut up = theta.clone();
            up[j] += h;
            let mut down = theta.clone();
            down[j] -= h;
            let (fu, _) = penalized_log_likelihood::<M>(summary, covariates, options, &up).unwrap();
            let (fd, _) =
                penalized_log_likelihood::<M>(summary, covariates, options, &down).unwrap();
            let numeric = (fu - fd) / (2.0 * h);
            let err = (grad[j] - numeric).abs() / scale;
            assert!(
                err < 1e-6,
                "{}: ∂PLL/∂θ[{j}] analytic {} vs central difference {numeric} (θ = {theta:?})",
                M::NAME,
                grad[j]
            );
            worst = worst.max(err);
        }
    }
    worst
}

/// θ₀: ln of the model's plain estimates, coefficients small and non-zero.
fn start<M: CovariateModel>(base: &[f64], n_coef: usize) -> Vec<f64> {
    let mut t: Vec<f64> = base.iter().map(|v| v.ln()).collect();
    t.extend((0..n_coef).map(|i| 0.05 * (i as f64 + 1.0) * if i % 2 == 0 { 1.0 } else { -1.0 }));
    assert_eq!(t.len(), M::PARAMETER_NAMES.len() + n_coef);
    t
}

#[test]
fn gradient_matches_finite_differences_for_every_model() {
    let summary = cdnow();
    let cov = unrelated_covariates(&summary);
    // every base parameter linked (so each chain-rule path is exercised), with a penalty
    let cases: Vec<(f64, &str)> = vec![(0.0, "no penalty"), (3.0, "penalty 3")];
    for (lambda, what) in cases {
        let bg = CovariateOptions::default()
            .penalty(lambda)
            .linked(&["r", "alpha", "a", "b"]);
        let e = worst_gradient_error::<BgNbd>(
            &summary,
            &cov,
            &bg,
            &start::<BgNbd>(&[0.243, 4.414, 0.793, 2.426], 8),
        );
        eprintln!("BG/NBD ({what}): worst relative gradient error {e:e}");
        let e = worst_gradient_error::<MbgNbd>(
            &summary,
            &cov,
            &bg,
            &start::<MbgNbd>(&[0.525, 6.183, 0.891, 1.614], 8),
        );
        eprintln!("MBG/NBD ({what}): worst relative gradient error {e:e}");
        let pn = CovariateOptions::default()
            .penalty(lambda)
            .linked(&["r", "alpha", "s", "beta"]);
        let e = worst_gradient_error::<ParetoNbd>(
            &summary,
            &cov,
            &pn,
            &start::<ParetoNbd>(&[0.553, 10.58, 0.606, 11.67], 8),
        );
        eprintln!("Pareto/NBD ({what}): worst relative gradient error {e:e}");
        let gg = CovariateOptions::default()
            .penalty(lambda)
            .linked(&["p", "q", "v"]);
        let e = worst_gradient_error::<GammaGamma>(
            &summary,
            &cov,
            &gg,
            &start::<GammaGamma>(&[6.25, 3.74, 15.44], 6),
        );
        eprintln!("Gamma-Gamma ({what}): worst relative gradient error {e:e}");
    }
}

#[test]
fn the_penalty_enters_as_minus_lambda_gamma_squared() {
    let summary = cdnow();
    let cov = unrelated_covariates(&summary);
    let theta = start::<BgNbd>(&[0.243, 4.414, 0.793, 2.426], 6);
    let plain = CovariateOptions::default();
    let pen = CovariateOptions::default().penalty(2.5);
    let (f0, g0) = penalized_log_likelihood::<BgNbd>(&summary, &cov, &plain, &theta).unwrap();
    let (f1, g1) = penalized_log_likelihood::<BgNbd>(&summary, &cov, &pen, &theta).unwrap();
    let sq: f64 = theta[4..].iter().map(|c| c * c).sum();
    assert!((f0 - 2.5 * sq - f1).abs() < 1e-9 * f0.abs());
    for j in 0..theta.len() {
        let expected = if j < 4 { 0.0 } else { -5.0 * theta[j] };
        assert!((g1[j] - g0[j] - expected).abs() < 1e-9 * (1.0 + g0[j].abs()));
    }
    assert!(
        penalized_log_likelihood::<BgNbd>(&summary, &cov, &plain, &theta[..5]).is_err(),
        "a θ of the wrong length is an error"
    );
}

/// `|a − b| ≤ tol·max(1, |b|)`.
fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * b.abs().max(1.0),
        "{what}: {a} vs {b} (tolerance {tol:e})"
    );
}

/// With coefficients that cannot move — nothing linked, or a penalty of 1e12 — the fit is the
/// plain model's: same log-likelihood and parameters (to the optimizers' 1e-7 gradient
/// tolerances; parameters to 1e-5 relative, LL to 1e-8 relative ≈ 1e-4 absolute).
fn assert_reduces_to_plain<M: CovariateModel>(
    summary: &RfmSummary,
    cov: &Covariates,
    plain_ll: f64,
    plain: &[f64],
) {
    for opts in [
        CovariateOptions::default().linked(&[]),
        CovariateOptions::default().penalty(1e12),
    ] {
        let fit = fit_with_covariates::<M>(summary, cov, &opts).unwrap();
        close(
            fit.log_likelihood(),
            plain_ll,
            1e-8,
            &format!("{} LL", M::NAME),
        );
        let p = fit
            .model_for(&vec![0.0; cov.width()])
            .unwrap()
            .to_parameters();
        for ((name, a), b) in M::PARAMETER_NAMES.iter().zip(&p).zip(plain) {
            close(*a, *b, 1e-5, &format!("{} {name}", M::NAME));
        }
        for c in &fit.theta()[M::PARAMETER_NAMES.len()..] {
            assert!(c.abs() < 1e-6, "{}: coefficient {c}", M::NAME);
        }
    }
}

#[test]
fn without_a_covariate_effect_the_fit_is_the_plain_fit() {
    let summary = cdnow();
    let cov = unrelated_covariates(&summary);
    let data = summary.compress();
    let o = FitOptions::default();
    let f = BgNbd::fit(&data, &o).unwrap();
    assert_reduces_to_plain::<BgNbd>(&summary, &cov, f.fit().log_likelihood(), f.fit().params());
    let f = MbgNbd::fit(&data, &o).unwrap();
    assert_reduces_to_plain::<MbgNbd>(&summary, &cov, f.fit().log_likelihood(), f.fit().params());
    let f = ParetoNbd::fit(&data, &o).unwrap();
    assert_reduces_to_plain::<ParetoNbd>(
        &summary,
        &cov,
        f.fit().log_likelihood(),
        f.fit().params(),
    );
    let f = GammaGamma::fit(&SpendData::from_summary(&summary).unwrap(), &o).unwrap();
    assert_reduces_to_plain::<GammaGamma>(
        &summary,
        &cov,
        f.fit().log_likelihood(),
        f.fit().params(),
    );
}

#[test]
fn an_unrelated_covariate_is_not_significant() {
    // Free coefficients on covariates unrelated to behaviour: the likelihood-ratio statistic
    // 2·(LL − LL₀) is χ² with 6 degrees of freedom under the null (99.9% quantile 22.46),
    // and each coefficient is within 3.3 standard errors of 0 (two-sided 0.1%).
    let summary = cdnow();
    let cov = unrelated_covariates(&summary);
    let plain = BgNbd::fit(&summary.compress(), &FitOptions::default()).unwrap();
    let fit = fit_with_covariates::<BgNbd>(&summary, &cov, &CovariateOptions::default()).unwrap();
    let lr = 2.0 * (fit.log_likelihood() - plain.fit().log_likelihood());
    assert!((-1e-4..22.46).contains(&lr), "LR statistic {lr}");
    let se = fit.std_errors().unwrap();
    for ((name, c), s) in fit.theta_names().iter().zip(fit.theta()).zip(&se).skip(4) {
        assert!(c.abs() < 3.3 * s, "{name}: {c} ± {s}");
    }
}

/// Rows of `summary` whose `parity` is `level`, as their own summary.
fn subset(summary: &RfmSummary, keep: impl Fn(&str) -> bool) -> RfmSummary {
    let idx: Vec<usize> = (0..summary.len())
        .filter(|&i| keep(&summary.customer_ids()[i]))
        .collect();
    let pick = |v: &[f64]| idx.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    RfmSummary::new(
        idx.iter()
            .map(|&i| summary.customer_ids()[i].clone())
            .collect(),
        pick(summary.frequency()),
        pick(summary.recency()),
        pick(summary.t()),
        summary.monetary_value().map(pick),
        None,
    )
    .unwrap()
}

fn parity_only(summary: &RfmSummary) -> Covariates {
    let labels: Vec<&str> = summary
        .customer_ids()
        .iter()
        .map(|s| {
            if s.parse::<u64>().unwrap() % 2 == 0 {
                "even"
            } else {
                "odd"
            }
        })
        .collect();
    Covariates::builder(summary.customer_ids())
        .categorical("parity", &labels, Some("even"))
        .build()
        .unwrap()
}

/// A categorical covariate with a reference level, linked to every parameter, penalty 0:
/// the model is two separate models, so the joint LL is the sum of the per-level fits' LLs
/// and each level's parameters are its own fit's (1e-8 relative LL, 1e-4 relative
/// parameters: both fits stop at gradient norms of 1e-7 on flat-ish likelihoods).
fn assert_equals_separate_fits<M: CovariateModel>(
    fit_group: impl Fn(&RfmSummary) -> (f64, Vec<f64>),
) {
    let summary = cdnow();
    let cov = parity_only(&summary);
    let all: Vec<&str> = M::PARAMETER_NAMES.to_vec();
    let joint = fit_with_covariates::<M>(&summary, &cov, &CovariateOptions::default().linked(&all))
        .unwrap();
    let even = |s: &str| s.parse::<u64>().unwrap() % 2 == 0;
    let (ll_even, p_even) = fit_group(&subset(&summary, even));
    let (ll_odd, p_odd) = fit_group(&subset(&summary, |s| !even(s)));
    close(
        joint.log_likelihood(),
        ll_even + ll_odd,
        1e-8,
        &format!("{} joint LL vs sum of per-level LLs", M::NAME),
    );
    let at_even = joint.model_for(&[0.0]).unwrap().to_parameters();
    let at_odd = joint.model_for(&[1.0]).unwrap().to_parameters();
    for (j, name) in M::PARAMETER_NAMES.iter().enumerate() {
        close(
            at_even[j],
            p_even[j],
            1e-4,
            &format!("{} {name} (even)", M::NAME),
        );
        close(
            at_odd[j],
            p_odd[j],
            1e-4,
            &format!("{} {name} (odd)", M::NAME),
        );
    }
}

#[test]
fn a_fully_linked_categorical_equals_separate_fits_per_level() {
    let o = FitOptions::default();
    assert_equals_separate_fits::<BgNbd>(|s| {
        let f = BgNbd::fit(&s.compress(), &o).unwrap();
        (f.fit().log_likelihood(), f.fit().params().to_vec())
    });
    assert_equals_separate_fits::<MbgNbd>(|s| {
        let f = MbgNbd::fit(&s.compress(), &o).unwrap();
        (f.fit().log_likelihood(), f.fit().params().to_vec())
    });
    assert_equals_separate_fits::<ParetoNbd>(|s| {
        let f = ParetoNbd::fit(&s.compress(), &o).unwrap();
        (f.fit().log_likelihood(), f.fit().params().to_vec())
    });
    assert_equals_separate_fits::<GammaGamma>(|s| {
        let f = GammaGamma::fit(&SpendData::from_summary(s).unwrap(), &o).unwrap();
        (f.fit().log_likelihood(), f.fit().params().to_vec())
    });
}
