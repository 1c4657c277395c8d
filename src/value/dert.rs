//! Discounted expected residual transactions (DERT) of the Pareto/NBD model, in closed form.
//!
//! DERT is the present value, under continuous discounting at rate `δ` per period, of the
//! purchases a customer will make after `T` (Fader, Hardie & Lee 2005, "RFM and CLV: Using
//! Iso-Value Curves for Customer Base Analysis", *Journal of Marketing Research* 42(4),
//! eq. 2):
//!
//! ```text
//! DERT(δ | r, α, s, β, x, t_x, T)
//!   = ∫_0^∞ e^{-δu} dE[X(T, T+u)]
//!   = α^r β^s δ^{s-1} Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^{r+x+1} L(r, α, s, β | x, t_x, T))
//!   = P(alive) · (r+x)/(α+T) · (β+T) · e^{δ(β+T)} E_s(δ(β+T)),
//! ```
//!
//! with `Ψ = U` the confluent hypergeometric function of the second kind (the last form, with
//! the generalized exponential integral, is the same number; see `expint.rs`). Multiplied by
//! the expected spend per purchase this is the customer's expected residual lifetime value,
//! the quantity CLVTools reports as `DERT` and `predicted.CLV`.

use super::clv::DistinctHistories;
pub use super::expint::hyperu_equal_parameters;
use super::expint::scaled_expint;
use super::units::ContinuousDiscountRate;
use crate::error::Result;
use crate::models::pareto_nbd::ParetoNbd;

/// DERT of one customer with history `(x, t_x, T)` (periods) under the continuous discount
/// rate `delta` per period; a number of purchases. See the [module docs](self).
///
/// ```
/// use ltv::models::pareto_nbd::ParetoNbd;
/// use ltv::value::{dert::pareto_nbd_dert, ContinuousDiscountRate};
/// let params = ParetoNbd::new(0.5533, 10.578, 0.6062, 11.667)?; // CDNOW, weeks
/// let delta = ContinuousDiscountRate::from_annual(0.15, 52.0)?;       // 15% a year
/// let d = pareto_nbd_dert(&params, delta, 2.0, 30.43, 38.86)?;
/// assert!(d > 0.0);
/// # Ok::<(), ltv::Error>(())
/// ```
///
/// # Errors
/// [`crate::Error::InvalidField`] for an invalid history, [`crate::Error::Numerical`] should
/// an evaluation fail.
pub fn pareto_nbd_dert(
    params: &ParetoNbd,
    delta: ContinuousDiscountRate,
    frequency: f64,
    recency: f64,
    t_age: f64,
) -> Result<f64> {
    let pa = params.probability_alive_one(frequency, recency, t_age)?;
    let b = params.beta + t_age;
    let w = scaled_expint(params.s, delta.get() * b)?;
    Ok(pa * (params.r + frequency) / (params.alpha + t_age) * b * w)
}

/// [`pareto_nbd_dert`] over a batch of customers, computed once per distinct `(x, t_x, T)`
/// history. `delta` is per period of the customers' summary.
///
/// # Errors
/// As [`pareto_nbd_dert`].
pub fn pareto_nbd_dert_many(
    model: &ParetoNbd,
    delta: ContinuousDiscountRate,
    customers: &crate::models::CustomerBatch<'_>,
) -> Result<Vec<f64>> {
    let h = DistinctHistories::new(customers);
    let one = |i: usize| pareto_nbd_dert(model, delta, h.frequency[i], h.recency[i], h.t_age[i]);
    #[cfg(feature = "parallel")]
    let d: Vec<f64> = {
        use rayon::prelude::*;
        (0..h.len())
            .into_par_iter()
            .with_min_len(1024)
            .map(one)
            .collect::<Result<_>>()?
    };
    #[cfg(not(feature = "parallel"))]
    let d: Vec<f64> = (0..h.len()).map(one).collect::<Result<_>>()?;
    Ok(h.index.iter().map(|&i| d[i as usize]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::pareto_nbd::quadrature::integrate;

    fn cdnow_params() -> ParetoNbd {
        ParetoNbd::new(
            0.5532666874000018,
            10.577496554130606,
            0.6061961814464147,
            11.667680026953407,
        )
        .unwrap()
    }

    #[test]
    fn equals_numerical_integration_of_discounted_expected_purchases() {
        // DERT = ∫_0^∞ e^{-δu} dE(u) = δ ∫_0^∞ e^{-δu} E(u) du = ∫_0^1 E(-ln(w)/δ) dw,
        // with E(u) the conditional expected purchases in (T, T+u] (itself checked against
        // lifetimes), integrated by adaptive Gauss-Kronrod: an independent route.
        for params in [
            cdnow_params(),
            ParetoNbd::new(0.5, 10.0, 1.0, 12.0).unwrap(),
            ParetoNbd::new(1.3, 4.0, 2.5, 30.0).unwrap(),
        ] {
            for &annual in &[0.05, 0.15, 0.5] {
                let delta = ContinuousDiscountRate::from_annual(annual, 52.0).unwrap();
                for &(x, tx, t) in &[(0.0, 0.0, 38.86), (2.0, 30.43, 38.86), (26.0, 30.86, 31.0)] {
                    let closed = pareto_nbd_dert(&params, delta, x, tx, t).unwrap();
                    let numeric = integrate(
                        |w: f64| {
                            if w == 0.0 {
                                return 0.0;
                            }
                            params
                                .conditional_expected_purchases_one(-w.ln() / delta.get(), x, tx, t)
                                .unwrap()
                        },
                        0.0,
                        1.0,
                        1e-11,
                        0.0,
                    )
                    .unwrap();
                    assert!(
                        (closed - numeric).abs() <= 1e-9 * closed,
                        "{params:?} {annual} ({x},{tx},{t}): {closed} vs {numeric}"
                    );
                }
            }
        }
    }

    #[test]
    fn matches_the_fader_hardie_lee_formula_in_mpmath() {
        // tests/reference/dert_reference.py: FHL (2005) eq. 2 with mpmath.hyperu at 40 digits,
        // lifetimes' CDNOW parameters, δ = ln(1.15)/52.
        let delta = ContinuousDiscountRate::from_annual(0.15, 52.0).unwrap();
        for &[x, tx, t, want] in DERT_REFERENCE {
            let got = pareto_nbd_dert(&cdnow_params(), delta, x, tx, t).unwrap();
            assert!(
                (got - want).abs() <= 1e-11 * want,
                "({x},{tx},{t}): {got} vs {want}"
            );
        }
    }

    #[allow(clippy::excessive_precision)] // shortest round-trip reprs from Python
    const DERT_REFERENCE: &[[f64; 4]] = &include!("dert_reference.in");
}
