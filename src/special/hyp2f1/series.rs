//! The Gauss series `Σ (a)_n (b)_n / ((c)_n n!) w^n`, summed in scaled form with a running
//! rounding-error estimate and a rigorous-in-practice tail bound.

use super::Estimate;

/// Magnitude above which the running sums are rescaled (keeps the sums of squares of the
/// terms far from overflow).
const RESCALE_ABOVE: f64 = 1e140;
/// `ln(1e140)`.
const LN_RESCALE: f64 = 322.361_913_019_166_4;

/// Sums the hypergeometric series of `2F1(a, b; c; w)` for `|w| < 1`.
///
/// Returns `None` when the series needs more than `max_terms` terms, meets a pole
/// (`c + n = 0` before the series terminates) or loses all significance. Otherwise returns
/// the value as `(ln|F|, sign)` with an estimate of its relative error: the truncation bound
/// of the tail plus a probabilistic estimate of the rounding error. The term `t_{k+1}` is
/// `t_k` times a ratio carrying about five roundings, and that error is inherited by every
/// later term, so it perturbs the sum by `≈ 5^{1/2} ε · T_{k+1}` with `T_{k+1} = S − S_k` the
/// tail from `k + 1` on; the summation adds `ε |S_k|` per partial sum. Summed in quadrature
/// (independent roundings) and doubled for safety, the estimate is
/// `2 ε (5 Σ_k T_k² + Σ_k S_k²)^{1/2} / |S|`; it grows with the cancellation when the terms
/// (hence the tails) are much larger than the sum.
pub(super) fn gauss_series(a: f64, b: f64, c: f64, w: f64, max_terms: usize) -> Option<Estimate> {
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    let mut abs_sum = 1.0_f64;
    let mut partials = 1.0_f64; // Σ S_k
    let mut sq_sums = 1.0_f64; // Σ S_k²
    let mut ln_scale = 0.0_f64;
    // The ratios t_{n+1}/t_n keep their sign once n exceeds every negative parameter.
    let settled_after = (-a).max(-b).max(-c).max(0.0);
    let mut n = 0usize; // index of the last term added, `term` = t_n
    let mut tail_bound = 0.0_f64;
    let mut converged = false;
    let wa = w.abs();
    while n < max_terms {
        let nf = n as f64;
        let an = a + nf;
        let bn = b + nf;
        if an == 0.0 || bn == 0.0 {
            // Terminating series: a polynomial in w, summed exactly (up to rounding).
            converged = true;
            break;
        }
        let cn = c + nf;
        if cn == 0.0 {
            return None;
        }
        // r_n = t_{n+1} / t_n
        let ratio = (an * bn) / (cn * (nf + 1.0)) * w;
        if nf > settled_after {
            // Beyond every sign change the ratios tend monotonically to w, so every ratio
            // still to come is at most q = max(|r_n|, |w|): the tail after t_n is at most
            // |t_n| q / (1 − q).
            let q = ratio.abs().max(wa);
            if q < 1.0 && term.abs() * q <= 1e-17 * sum.abs() * (1.0 - q) {
                tail_bound = term.abs() * q / (1.0 - q);
                converged = true;
                break;
            }
            // Give up early when even the smallest ratio still to come (|r_n| if the ratios
            // rise towards |w|, else |w|) cannot shrink the terms enough within `max_terms`:
            // the caller then tries a better method.
            if n % 64 == 0 {
                let optimistic = ratio.abs().min(wa);
                let left = (max_terms - n) as f64;
                if optimistic > 0.0
                    && term.abs().ln() + left * optimistic.ln() > (1e-17 * sum.abs()).ln()
                {
                    return None;
                }
            }
        }
        term *= ratio;
        if term == 0.0 && nf >= settled_after {
            converged = true;
            break;
        }
        sum += term;
        abs_sum += term.abs();
        partials += sum;
        sq_sums += sum * sum;
        n += 1;
        if abs_sum > RESCALE_ABOVE {
            term /= RESCALE_ABOVE;
            sum /= RESCALE_ABOVE;
            abs_sum /= RESCALE_ABOVE;
            partials /= RESCALE_ABOVE;
            sq_sums /= RESCALE_ABOVE * RESCALE_ABOVE;
            ln_scale += LN_RESCALE;
        }
    }
    if !converged || !sum.is_finite() || sum == 0.0 {
        return None;
    }
    let eps = f64::EPSILON;
    // Σ_k (S − S_k)² over the n + 1 partial sums, expanded (an estimate, clamped at 0).
    let count = (n + 1) as f64;
    let sq_tails = (count * sum * sum - 2.0 * sum * partials + sq_sums).max(0.0);
    let rounding = 2.0 * eps * (5.0 * sq_tails + sq_sums).sqrt() / sum.abs();
    Some(Estimate {
        ln_abs: sum.abs().ln() + ln_scale,
        sign: sum.signum(),
        rel_err: rounding + tail_bound / sum.abs(),
        terms: n,
    })
}
