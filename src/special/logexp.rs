//! Stable sums and differences of exponentials, for likelihoods kept on the log scale.

/// `ln(e^x + e^y)` without overflow or underflow.
///
/// ```
/// let v = ltv::special::log_add_exp(1000.0, 1000.0);
/// assert!((v - (1000.0 + std::f64::consts::LN_2)).abs() < 1e-12);
/// ```
pub fn log_add_exp(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY {
        return y;
    }
    if y == f64::NEG_INFINITY {
        return x;
    }
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    hi + (lo - hi).exp().ln_1p()
}

/// `ln Σ e^{x_i}` without overflow or underflow; `−∞` for an empty slice.
///
/// ```
/// let v = ltv::special::log_sum_exp(&[-1000.0, -1000.0, -1000.0]);
/// assert!((v - (-1000.0 + 3f64.ln())).abs() < 1e-12);
/// ```
pub fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY || !max.is_finite() {
        return max;
    }
    max + xs.iter().map(|&x| (x - max).exp()).sum::<f64>().ln()
}

/// `ln(1 − e^x)` for `x ≤ 0`, accurate for `x` near 0 and for very negative `x`
/// (Mächler 2012, "Accurately computing log(1 − exp(−|a|))": `ln(−expm1(x))` for
/// `x > −ln 2`, `ln1p(−exp(x))` otherwise). Returns NaN for `x > 0` and `−∞` at `x = 0`.
///
/// ```
/// let v = ltv::special::log1m_exp(-1e-20);
/// assert!((v - (1e-20f64).ln()).abs() < 1e-12);
/// ```
pub fn log1m_exp(x: f64) -> f64 {
    if x > 0.0 || x.is_nan() {
        return f64::NAN;
    }
    if x > -std::f64::consts::LN_2 {
        (-x.exp_m1()).ln()
    } else {
        (-x.exp()).ln_1p()
    }
}

/// `ln(e^x − e^y)` for `x ≥ y`, as `x + ln(1 − e^{y − x})`; `−∞` when `x = y`,
/// NaN when `x < y`.
///
/// ```
/// let v = ltv::special::log_sub_exp(2.0, 1.0);
/// assert!((v - (2f64.exp() - 1f64.exp()).ln()).abs() < 1e-14);
/// ```
pub fn log_sub_exp(x: f64, y: f64) -> f64 {
    if y == f64::NEG_INFINITY {
        return x;
    }
    x + log1m_exp(y - x)
}
