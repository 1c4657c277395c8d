//! The BG/NBD log-likelihood and its analytic gradient (Fader, Hardie & Lee 2005, eq. 6;
//! Hardie's note 004 for the log-sum-exp form).

use crate::special::{digamma, digamma_rising, ln_beta_ratio, ln_gamma};

use crate::models::beta_geometric_likelihood::{
    BetaGeometricLikelihood, BetaGeometricTerms, FrequencyTerms, LogAt,
};

/// The BG/NBD likelihood on a compressed summary.
///
/// Per customer with `x` repeat purchases, recency `t_x` and age `T`:
///
/// ```text
/// ℓ = A1 + A2 + ln( e^{A3} + 1{x>0} e^{A4} )
/// A1 = lnΓ(r+x) − lnΓ(r) + r ln α
/// A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x) = Σ_{j<x} ln((b+j)/(a+b+j))
/// A3 = −(r+x) ln(α+T)
/// A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
/// ```
pub(crate) type BgNbdLikelihood<'a> = BetaGeometricLikelihood<'a, BgNbdTerms>;

/// The BG/NBD terms: `F = A1 + A2`, `G = ln(e^{A3} + 1{x>0} e^{A4})`, with `c4 = ln a −
/// ln(b+x−1)` (only used when x > 0).
pub(crate) struct BgNbdTerms;

impl BetaGeometricTerms for BgNbdTerms {
    type Model = super::BgNbd;
    const MODEL: &'static str = "bgnbd";
    const CONTEXT: &'static str = "BG/NBD log-likelihood";

    fn frequency_terms(p: &[f64], x: f64, with_grad: bool) -> FrequencyTerms {
        let [r, alpha, a, b] = [p[0], p[1], p[2], p[3]];
        // A2 as a sum: the four-log-gamma form loses digits at large a, b
        let base = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + ln_beta_ratio(a, b, x);
        let (c4, d_c4_b) = if x > 0.0 {
            (a.ln() - (b + x - 1.0).ln(), -1.0 / (b + x - 1.0))
        } else {
            (0.0, 0.0)
        };
        let d_base = if with_grad {
            let (d_r_x, d_b_x, d_ab_x) = if x > 0.0 {
                (
                    digamma(r + x) - digamma(r),
                    digamma_rising(b, x),
                    -digamma_rising(a + b, x),
                )
            } else {
                (0.0, 0.0, 0.0)
            };
            [d_r_x + alpha.ln(), r / alpha, d_ab_x, d_ab_x + d_b_x]
        } else {
            [0.0; 4]
        };
        FrequencyTerms {
            base,
            d_base,
            c4,
            d_c4_b,
        }
    }

    #[inline]
    fn add_row(
        p: &[f64],
        x: f64,
        w: f64,
        ft: &FrequencyTerms,
        (ln_t, inv_t): LogAt,
        (ln_tx, inv_tx): LogAt,
        with_grad: bool,
        acc: &mut [f64; 5],
    ) {
        let (r, a) = (p[0], p[2]);
        let a3 = -(r + x) * ln_t;
        if x > 0.0 {
            let a4 = ft.c4 - (r + x) * ln_tx;
            let (hi, lo) = if a3 >= a4 { (a3, a4) } else { (a4, a3) };
            let e = (lo - hi).exp();
            acc[0] += w * (hi + e.ln_1p());
            if with_grad {
                // weights of the two terms in the log-sum-exp
                let (p3, p4) = if a3 >= a4 {
                    (1.0 / (1.0 + e), e / (1.0 + e))
                } else {
                    (e / (1.0 + e), 1.0 / (1.0 + e))
                };
                acc[1] -= w * (p3 * ln_t + p4 * ln_tx);
                acc[2] -= w * (r + x) * (p3 * inv_t + p4 * inv_tx);
                acc[3] += w * p4 / a;
                acc[4] += w * p4 * ft.d_c4_b;
            }
        } else {
            acc[0] += w * a3;
            if with_grad {
                acc[1] -= w * ln_t;
                acc[2] -= w * r * inv_t;
            }
        }
    }
}
