//! The log-likelihood machinery shared by the beta-geometric models (BG/NBD and MBG/NBD).
//!
//! Both likelihoods have, per customer with `x` repeat purchases, recency `t_x` and age `T`,
//! and parameters `(r, α, a, b)`, the form
//!
//! ```text
//! ℓ = F(x) + G(x, ln(α+T), ln(α+t_x))
//! F = lnΓ(r+x) − lnΓ(r) + r ln α + (a beta-function ratio in a, b and x)
//! ```
//!
//! where `F` (log-gammas, digammas) depends on the frequency alone and `G` is cheap
//! arithmetic. [`BetaGeometricLikelihood`] computes `F` and its gradient once per distinct
//! frequency, `ln(α+·)` once per distinct `T` and `t_x`, then sums `G` over the rows in
//! parallel chunks ([`chunked_sum`], so fits are reproducible); a [`BetaGeometricTerms`]
//! implementation supplies the model's `F` and `G`.

use std::marker::PhantomData;

use crate::error::{Error, Result};
use crate::fit::{maximize, FitOptions, Likelihood};
use crate::models::fitted::{Fitted, ModelParameters};
use crate::models::identify::check_identifiable;
use crate::models::rows::{chunked_sum, IndexedRows};
use crate::summary::CompressedSummary;

/// Per-frequency terms of a beta-geometric log-likelihood and their derivatives.
pub(crate) struct FrequencyTerms {
    /// The frequency-only part `F` of the log-likelihood.
    pub(crate) base: f64,
    /// `∂F / ∂(r, α, a, b)` (zeros when no gradient was asked for).
    pub(crate) d_base: [f64; 4],
    /// The frequency-only part of the second term of the row's log-sum-exp (model-specific).
    pub(crate) c4: f64,
    /// `∂ c4 / ∂b`.
    pub(crate) d_c4_b: f64,
}

/// `ln(α + v)` and `1/(α + v)` for one distinct value `v` of `T` or `t_x`.
pub(crate) type LogAt = (f64, f64);

/// What one beta-geometric model adds to [`BetaGeometricLikelihood`]: its name and the two
/// parts of its per-customer log-likelihood.
pub(crate) trait BetaGeometricTerms: Sync {
    /// The model these terms belong to.
    type Model: ModelParameters;
    /// Model name, as [`Likelihood::MODEL`].
    const MODEL: &'static str;
    /// Name in the error for a non-finite value (`"BG/NBD log-likelihood"`).
    const CONTEXT: &'static str;

    /// The frequency-only terms at parameters `p = (r, α, a, b)`.
    fn frequency_terms(p: &[f64], x: f64, with_grad: bool) -> FrequencyTerms;

    /// Adds the row part `G` of one row (frequency `x`, weight `w`) to `acc` = `[ℓ, ∂/∂r,
    /// ∂/∂α, ∂/∂a, ∂/∂b]`, given the row's frequency terms and the logs at its `T` and `t_x`
    /// (the gradient entries only when `with_grad`).
    #[allow(clippy::too_many_arguments)]
    fn add_row(
        p: &[f64],
        x: f64,
        w: f64,
        ft: &FrequencyTerms,
        at_t: LogAt,
        at_tx: LogAt,
        with_grad: bool,
        acc: &mut [f64; 5],
    );
}

/// A beta-geometric likelihood on a compressed summary (see the [module docs](self)).
pub(crate) struct BetaGeometricLikelihood<'a, M> {
    rows: IndexedRows<'a>,
    model: PhantomData<M>,
}

impl<'a, M: BetaGeometricTerms> BetaGeometricLikelihood<'a, M> {
    pub(crate) fn new(data: &'a CompressedSummary) -> Self {
        Self {
            rows: IndexedRows::new(data),
            model: PhantomData,
        }
    }

    /// The likelihood on raw columns (no merging of identical rows); for tests comparing
    /// compressed and uncompressed fits.
    #[cfg(test)]
    pub(crate) fn from_columns(
        frequency: &'a [f64],
        recency: &'a [f64],
        t_age: &'a [f64],
        weight: &'a [f64],
    ) -> Self {
        Self {
            rows: IndexedRows::from_columns(frequency, recency, t_age, weight),
            model: PhantomData,
        }
    }

    /// Maximum-likelihood fit of the model on `data` (shared by `BgNbd::fit` and
    /// `MbgNbd::fit`): refuses data where nobody repeats, then runs [`maximize`].
    pub(crate) fn fit(
        data: &'a CompressedSummary,
        options: &FitOptions,
    ) -> Result<Fitted<M::Model>> {
        let likelihood = Self::new(data);
        let repeats = likelihood.rows.total_repeat_purchases();
        check_identifiable(M::MODEL, data, repeats)?;
        Fitted::from_fit(maximize(&likelihood, options)?)
    }

    /// The log-likelihood of `data` at the parameters of `model`.
    pub(crate) fn at(data: &'a CompressedSummary, model: &M::Model) -> Result<f64> {
        Self::new(data).log_likelihood(&model.to_parameters(), None)
    }
}

impl<M: BetaGeometricTerms> Likelihood for BetaGeometricLikelihood<'_, M> {
    const MODEL: &'static str = M::MODEL;
    const NAMES: &'static [&'static str] = &["r", "alpha", "a", "b"];

    /// r = 1, α so that r/α matches the observed repeat rate Σx / ΣT (clamped to a sane
    /// range), a = 1, b = 3 (dropout probability 0.25).
    fn start(&self) -> Vec<f64> {
        let rate = (self.rows.total_repeat_purchases() + 1.0)
            / (self.rows.mean_t() * self.rows.total_weight + 1.0);
        vec![1.0, (1.0 / rate).clamp(1e-3, 1e6), 1.0, 3.0]
    }

    fn log_likelihood(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        let [r, alpha, a, b] = [p[0], p[1], p[2], p[3]];
        let with_grad = grad.is_some();
        let rows = &self.rows;
        let terms: Vec<FrequencyTerms> = rows
            .x
            .values
            .iter()
            .map(|&x| M::frequency_terms(p, x, with_grad))
            .collect();
        let log_at = |values: &[f64]| -> Vec<LogAt> {
            values
                .iter()
                .map(|&v| ((alpha + v).ln(), 1.0 / (alpha + v)))
                .collect()
        };
        let at_t = log_at(&rows.t.values);
        let at_tx = log_at(&rows.tx.values);

        let mut ll = 0.0;
        let mut g = [0.0; 4];
        for (ft, &w) in terms.iter().zip(&rows.weight_by_x) {
            ll += w * ft.base;
            for (gk, dk) in g.iter_mut().zip(ft.d_base) {
                *gk += w * dk;
            }
        }
        let row_sums = chunked_sum(rows.len(), |range| {
            // [ll, d/dr, d/dalpha, d/da, d/db]
            let mut acc = [0.0; 5];
            for i in range {
                M::add_row(
                    p,
                    rows.frequency[i],
                    rows.weight[i],
                    &terms[rows.x.index[i] as usize],
                    at_t[rows.t.index[i] as usize],
                    at_tx[rows.tx.index[i] as usize],
                    with_grad,
                    &mut acc,
                );
            }
            acc
        });
        ll += row_sums[0];
        for (gk, v) in g.iter_mut().zip(&row_sums[1..]) {
            *gk += v;
        }
        if !ll.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                M::CONTEXT,
                format!("non-finite value at r={r}, alpha={alpha}, a={a}, b={b}"),
            ));
        }
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        Ok(ll)
    }

    fn total_weight(&self) -> f64 {
        self.rows.total_weight
    }

    fn n_rows(&self) -> usize {
        self.rows.len()
    }
}
