//! The MBG/NBD log-likelihood and its analytic gradient (Batislam, Denizel & Filiztekin
//! 2007; the form of lifetimes' `ModifiedBetaGeoFitter`).

use crate::special::{digamma, digamma_rising, ln_beta_ratio, ln_gamma};

use crate::models::beta_geometric_likelihood::{
    BetaGeometricLikelihood, BetaGeometricTerms, FrequencyTerms, LogAt,
};

/// The MBG/NBD likelihood on a compressed summary.
///
/// Per customer with `x` repeat purchases, recency `t_x` and age `T`:
///
/// ```text
/// ℓ  = A1 + A2 + A3 + ln(1 + e^{A4})
/// A1 = lnΓ(r+x) − lnΓ(r) + r ln α
/// A2 = lnΓ(a+b) + lnΓ(b+x+1) − lnΓ(b) − lnΓ(a+b+x+1)
/// A3 = −(r+x) ln(α+T)
/// A4 = ln a − ln(b+x) + (r+x) [ln(α+T) − ln(α+t_x)]
/// ```
pub(crate) type MbgNbdLikelihood<'a> = BetaGeometricLikelihood<'a, MbgNbdTerms>;

/// The MBG/NBD terms: `F = A1 + A2`, `G = A3 + ln(1 + e^{A4})`, with `c4 = ln a − ln(b+x)`.
pub(crate) struct MbgNbdTerms;

/// `ln(1 + e^v)` and its derivative `σ(v)`, without overflow.
fn softplus(v: f64) -> (f64, f64) {
    if v > 0.0 {
        let e = (-v).exp();
        (v + e.ln_1p(), 1.0 / (1.0 + e))
    } else {
        let e = v.exp();
        (e.ln_1p(), e / (1.0 + e))
    }
}

impl BetaGeometricTerms for MbgNbdTerms {
    type Model = super::MbgNbd;
    const MODEL: &'static str = "mbgnbd";
    const CONTEXT: &'static str = "MBG/NBD log-likelihood";

    fn frequency_terms(p: &[f64], x: f64, with_grad: bool) -> FrequencyTerms {
        let [r, alpha, a, b] = [p[0], p[1], p[2], p[3]];
        // the beta terms as a sum: the four-log-gamma form loses digits at large a, b
        let base = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + ln_beta_ratio(a, b, x + 1.0);
        let d_base = if with_grad {
            let d_r_x = if x > 0.0 {
                digamma(r + x) - digamma(r)
            } else {
                0.0
            };
            let d_ab = -digamma_rising(a + b, x + 1.0);
            [
                d_r_x + alpha.ln(),
                r / alpha,
                d_ab,
                d_ab + digamma_rising(b, x + 1.0),
            ]
        } else {
            [0.0; 4]
        };
        FrequencyTerms {
            base,
            d_base,
            c4: a.ln() - (b + x).ln(),
            d_c4_b: -1.0 / (b + x),
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
        let a4 = ft.c4 + (r + x) * (ln_t - ln_tx);
        let (sp, sig) = softplus(a4);
        acc[0] += w * (a3 + sp);
        if with_grad {
            acc[1] += w * (-ln_t + sig * (ln_t - ln_tx));
            acc[2] += w * (r + x) * (-inv_t + sig * (inv_t - inv_tx));
            acc[3] += w * sig / a;
            acc[4] += w * sig * ft.d_c4_b;
        }
    }
}
