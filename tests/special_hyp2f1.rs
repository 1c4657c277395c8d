//! `ltv::special::hyp2f1` against mpmath (50 digits).
//!
//! Reference values: `tests/reference/hyp2f1_reference.csv`, produced by
//! `tests/reference/make_hyp2f1_reference.py` (mpmath, `mp.dps = 50`); see that script for the
//! point groups. The values are stored as `ln|F|` and `sign F`; an absolute error `e` in
//! `ln|F|` is a relative error of about `e` in `F`.
//!
//! Tolerance: 1e-12 relative (the accuracy the BG/NBD and Pareto/NBD code relies on), i.e.
//! `|Δ ln|F|| ≤ 1e-12`; for values beyond f64's range (`|ln|F|| > 709`, available only as a
//! logarithm) `|Δ ln|F|| ≤ 1e-15 · |ln|F||`, a few ulps of the logarithm: a rounding of
//! `ln|F| = 5e4` alone is already a relative error of 1e-11 in `F`.

use ltv::special::{hyp2f1, ln_hyp2f1};

struct Point {
    group: String,
    a: f64,
    b: f64,
    c: f64,
    z: f64,
    ln_abs: f64,
    sign: f64,
}

fn reference() -> Vec<Point> {
    let text = include_str!("reference/hyp2f1_reference.csv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("group"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let p = |i: usize| f[i].parse::<f64>().expect("reference file is well formed");
            Point {
                group: f[0].to_string(),
                a: p(1),
                b: p(2),
                c: p(3),
                z: p(4),
                ln_abs: p(5),
                sign: p(6),
            }
        })
        .collect()
}

fn tolerance(ln_abs: f64) -> f64 {
    if ln_abs.abs() <= 709.0 {
        1e-12
    } else {
        1e-15 * ln_abs.abs()
    }
}

#[test]
fn matches_mpmath_to_1e12_relative() {
    let points = reference();
    assert!(points.len() > 500);
    let mut failures = Vec::new();
    let mut worst = 0.0f64;
    let mut declined = 0usize;
    // largest relative error of the representable values (|ln F| <= 709), per group, and
    // largest relative error of ln|F| beyond f64's range
    let mut worst_by_group: std::collections::BTreeMap<&str, f64> = Default::default();
    let mut worst_beyond = 0.0f64;
    for p in &points {
        match ln_hyp2f1(p.a, p.b, p.c, p.z) {
            Ok(v) => {
                let err = (v.ln_abs - p.ln_abs).abs();
                let tol = tolerance(p.ln_abs);
                worst = worst.max(err / tol * 1e-12);
                if p.ln_abs.abs() <= 709.0 {
                    let w = worst_by_group.entry(p.group.as_str()).or_default();
                    *w = w.max(err);
                } else {
                    worst_beyond = worst_beyond.max(err / p.ln_abs.abs());
                }
                if err > tol || v.sign != p.sign {
                    failures.push(format!(
                        "{} 2F1({}, {}; {}; {}): got ln|F| {} sign {}, mpmath {} sign {} (err {:.1e})",
                        p.group, p.a, p.b, p.c, p.z, v.ln_abs, v.sign, p.ln_abs, p.sign, err
                    ));
                }
            }
            // Outside the models' region (random parameters) the function may decline to
            // answer when it cannot certify 1e-11; it must never return a wrong value.
            Err(_) if p.group == "generic" => declined += 1,
            Err(e) => failures.push(format!(
                "{} 2F1({}, {}; {}; {}): error {e}",
                p.group, p.a, p.b, p.c, p.z
            )),
        }
    }
    eprintln!("declined {declined} generic points");
    eprintln!("largest relative error by group (|ln F| <= 709): {worst_by_group:?}");
    eprintln!("largest relative error of ln|F| beyond f64's range: {worst_beyond:.2e}");
    assert!(declined * 50 <= points.len(), "declined {declined} points");
    eprintln!(
        "{} points, worst error {worst:.2e} (in units of 1e-12 x tolerance)",
        points.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn plain_value_agrees_with_log_form() {
    for p in reference().iter().filter(|p| p.ln_abs.abs() < 700.0) {
        let Ok(v) = hyp2f1(p.a, p.b, p.c, p.z) else {
            assert_eq!(p.group, "generic");
            continue;
        };
        let expected = p.sign * p.ln_abs.exp();
        approx::assert_relative_eq!(v, expected, max_relative = 1e-12);
    }
}
