//! The penalised maximum-likelihood fit of a model with covariates (see the
//! [module docs](super)): covariate patterns, the chain rule onto the coefficients, L-BFGS,
//! and the covariance from the penalised information.

use std::sync::Mutex;

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use nalgebra::DMatrix;

use super::design::Covariates;
use super::fitted::CovariateFit;
use crate::error::{Error, Result};
use crate::fit::{Convergence, FitOptions, Likelihood, Method};
use crate::hashing::BitsMap;
use crate::models::bgnbd::BgNbd;
use crate::models::gamma_gamma::{GammaGamma, SpendData};
use crate::models::mbgnbd::MbgNbd;
use crate::models::pareto_nbd::ParetoNbd;
use crate::models::ModelParameters;
use crate::summary::{CompressedSummary, RfmSummary};

/// Default gradient norm (per customer) at which L-BFGS hands over to Newton steps.
pub const LBFGS_HANDOVER: f64 = 1e-5;
/// Newton steps at most.
const NEWTON_STEPS: u64 = 20;

/// Largest |ln θ| a customer's parameter may reach during the fit.
const MAX_LOG_PARAM: f64 = 300.0;

pub(crate) mod sealed {
    use crate::error::Result;
    use crate::summary::RfmSummary;

    /// One covariate pattern's log-likelihood in the base model's natural parameters.
    pub trait PatternLikelihood: Sync {
        /// `LL` at natural parameters `p`; `grad` overwritten with `∂LL/∂p`.
        fn eval(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64>;
        /// Total weight (customers) of the pattern.
        fn weight(&self) -> f64;
    }

    /// What a base model must give the covariate fit (not implementable outside the crate).
    pub trait Base: Sized {
        /// The per-pattern data the base likelihood borrows.
        type Data: Send + Sync;
        /// Parameters linked to covariates by default.
        const DEFAULT_LINKED: &'static [&'static str];
        /// The rows `rows` of `summary` as the base model's data (`None` when no row of the
        /// pattern enters the likelihood, e.g. no repeat buyer for Gamma-Gamma).
        fn pattern_data(summary: &RfmSummary, rows: &[usize]) -> Result<Option<Self::Data>>;
        /// The likelihood on one pattern's data.
        fn likelihood(data: &Self::Data) -> Box<dyn PatternLikelihood + '_>;
        /// Natural starting parameters: a pooled fit without covariates, or the model's
        /// deterministic start where that serves as well (Pareto/NBD).
        fn pooled_start(summary: &RfmSummary) -> Option<Vec<f64>>;
    }
}

use sealed::{Base, PatternLikelihood};

impl<L: Likelihood> PatternLikelihood for L {
    fn eval(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        self.log_likelihood(p, grad)
    }
    fn weight(&self) -> f64 {
        self.total_weight()
    }
}

/// A model that can be fitted with covariates: BG/NBD, MBG/NBD, Pareto/NBD (transactions)
/// and Gamma-Gamma (spend).
pub trait CovariateModel: ModelParameters + Base {}

fn transaction_data(summary: &RfmSummary, rows: &[usize]) -> Result<Option<CompressedSummary>> {
    let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let w: Vec<f64> = rows.iter().map(|&i| summary.weight(i)).collect();
    CompressedSummary::from_weighted_rows(
        &pick(summary.frequency()),
        &pick(summary.recency()),
        &pick(summary.t()),
        &w,
    )
    .map(Some)
}

fn quiet_options() -> FitOptions {
    FitOptions {
        require_convergence: false,
        ..FitOptions::default()
    }
}

macro_rules! transaction_base {
    ($model:ty, $lik:ty, $linked:expr, $start:expr) => {
        impl Base for $model {
            type Data = CompressedSummary;
            const DEFAULT_LINKED: &'static [&'static str] = $linked;
            fn pattern_data(
                summary: &RfmSummary,
                rows: &[usize],
            ) -> Result<Option<CompressedSummary>> {
                transaction_data(summary, rows)
            }
            fn likelihood(data: &CompressedSummary) -> Box<dyn PatternLikelihood + '_> {
                Box::new(<$lik>::new(data))
            }
            fn pooled_start(summary: &RfmSummary) -> Option<Vec<f64>> {
                $start(summary)
            }
        }
        impl CovariateModel for $model {}
    };
}

transaction_base!(
    BgNbd,
    crate::models::bgnbd::likelihood::BgNbdLikelihood<'_>,
    &["alpha", "a", "b"],
    |summary: &RfmSummary| BgNbd::fit(&summary.compress(), &quiet_options())
        .ok()
        .map(|f| f.model().to_parameters())
);
transaction_base!(
    MbgNbd,
    crate::models::mbgnbd::likelihood::MbgNbdLikelihood<'_>,
    &["alpha", "a", "b"],
    |summary: &RfmSummary| MbgNbd::fit(&summary.compress(), &quiet_options())
        .ok()
        .map(|f| f.model().to_parameters())
);
// Pareto/NBD starts from its deterministic starting values, not a pooled fit: the pooled
// fit (about 40 likelihood evaluations on the ROAS benchmark) saved no iteration of the fit
// with covariates that follows it (33 L-BFGS iterations to 1e-3 from either start, seed 1):
// `s` and `β` lie along a ridge that the pooled optimum does not pin down either.
transaction_base!(
    ParetoNbd,
    crate::models::pareto_nbd::likelihood::ParetoNbdLikelihood<'_>,
    &["alpha", "beta"],
    |summary: &RfmSummary| {
        let data = summary.compress();
        Some(crate::models::pareto_nbd::likelihood::start_values(&data))
    }
);

impl Base for GammaGamma {
    type Data = SpendData;
    const DEFAULT_LINKED: &'static [&'static str] = &["v"];
    /// Repeat buyers (frequency > 0) of the pattern with their mean spend.
    fn pattern_data(summary: &RfmSummary, rows: &[usize]) -> Result<Option<SpendData>> {
        let money = summary.monetary_value().ok_or_else(|| Error::EmptyInput {
            what: "monetary_value column (Gamma-Gamma needs spend)".into(),
        })?;
        let keep: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| summary.frequency()[i] > 0.0)
            .collect();
        if keep.is_empty() {
            return Ok(None);
        }
        let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let w: Vec<f64> = keep.iter().map(|&i| summary.weight(i)).collect();
        SpendData::new(&pick(summary.frequency()), &pick(money), Some(&w)).map(Some)
    }
    fn likelihood(data: &SpendData) -> Box<dyn PatternLikelihood + '_> {
        Box::new(crate::models::gamma_gamma::likelihood::GammaGammaLikelihood::new(data))
    }
    fn pooled_start(summary: &RfmSummary) -> Option<Vec<f64>> {
        let data = SpendData::from_summary(summary).ok()?;
        GammaGamma::fit(&data, &quiet_options())
            .ok()
            .map(|f| f.model().to_parameters())
    }
}
impl CovariateModel for GammaGamma {}

/// Options of a fit with covariates.
///
/// ```
/// use ltv::models::covariates::CovariateOptions;
/// let o = CovariateOptions::default().penalty(0.5);
/// assert_eq!(o.uniform_penalty, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CovariateOptions {
    /// Names of the base parameters linked to the covariates (`None`: the model's default —
    /// BG/NBD and MBG/NBD `alpha, a, b`; Pareto/NBD `alpha, beta`; Gamma-Gamma `v`).
    pub linked: Option<Vec<String>>,
    /// L2 penalty `λ` of every coefficient (`PLL = LL − Σ λ γ²`), unless `penalties` is set.
    pub uniform_penalty: f64,
    /// One penalty per coefficient, linked-parameter major (`[λ(θ₁, z₁), λ(θ₁, z₂), …,
    /// λ(θ₂, z₁), …]`), overriding `uniform_penalty`.
    pub penalties: Option<Vec<f64>>,
    /// L-BFGS iteration cap.
    pub max_iterations: u64,
    /// Convergence tolerance on the norm of the gradient of `−PLL/W` (W customers).
    pub tolerance: f64,
    /// When true (default), a fit that misses the tolerance is [`Error::NotConverged`].
    pub require_convergence: bool,
    /// Starting point `(ln θ⁰, γ)` in the layout of [`CovariateFit::theta`] (`None`: a
    /// pooled fit without covariates, coefficients 0).
    pub start: Option<Vec<f64>>,
    /// Compute the covariance (2 gradient evaluations per coefficient; default true).
    pub covariance: bool,
    /// Gradient norm of `−PLL/W` below which L-BFGS hands over to Newton steps on the
    /// penalised information (default [`LBFGS_HANDOVER`]). Each Newton step costs about
    /// `2 · (base parameters) + 1` likelihood evaluations and converges quadratically; from a
    /// warm start near the optimum (the report's empirical-Bayes rounds) a large value
    /// (Newton at once) saves the many short L-BFGS steps of a badly scaled problem.
    pub newton_handover: f64,
    /// Take the covariance from the information matrix of the last Newton step (computed
    /// one step before the estimate) instead of recomputing it at the estimate, saving
    /// `2 · (base parameters)` likelihood evaluations per pattern. The two differ by the order
    /// of that last step; for callers that need the covariance only roughly (the report's
    /// empirical-Bayes updates of the prior σ). Default false; without Newton steps the
    /// covariance is always computed at the estimate.
    pub covariance_from_newton: bool,
}

impl Default for CovariateOptions {
    fn default() -> Self {
        Self {
            linked: None,
            uniform_penalty: 0.0,
            penalties: None,
            max_iterations: 2000,
            tolerance: 1e-7,
            require_convergence: true,
            start: None,
            covariance: true,
            newton_handover: LBFGS_HANDOVER,
            covariance_from_newton: false,
        }
    }
}

impl CovariateOptions {
    /// The same L2 penalty `λ` on every coefficient.
    pub fn penalty(mut self, lambda: f64) -> Self {
        self.uniform_penalty = lambda;
        self
    }

    /// Links these base parameters to the covariates.
    pub fn linked(mut self, names: &[&str]) -> Self {
        self.linked = Some(names.iter().map(|s| s.to_string()).collect());
        self
    }
}

/// Customers grouped by identical covariate rows.
pub(crate) struct Patterns {
    /// Design row of each pattern, row-major.
    pub(crate) z: Vec<f64>,
    /// Rows (customers) of each pattern.
    pub(crate) rows: Vec<Vec<usize>>,
    /// Pattern of each customer.
    pub(crate) of_row: Vec<usize>,
    /// Design width.
    pub(crate) k: usize,
}

impl Patterns {
    pub(crate) fn new(covariates: &Covariates) -> Self {
        let k = covariates.width();
        let mut map: BitsMap<Vec<u64>, usize> = BitsMap::default();
        let mut out = Patterns {
            z: Vec::new(),
            rows: Vec::new(),
            of_row: Vec::with_capacity(covariates.len()),
            k,
        };
        for i in 0..covariates.len() {
            let row = covariates.row(i);
            let key: Vec<u64> = row.iter().map(|v| v.to_bits()).collect();
            let next = out.rows.len();
            let g = *map.entry(key).or_insert_with(|| {
                out.z.extend_from_slice(row);
                out.rows.push(Vec::new());
                next
            });
            out.rows[g].push(i);
            out.of_row.push(g);
        }
        out
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }
}

/// A cached evaluation: θ, penalised log-likelihood, gradient, and each pattern's gradient
/// in its own log-parameters (for the one-sided information of the Newton steps).
type Evaluation = (Vec<f64>, f64, Vec<f64>, Vec<Vec<f64>>);

/// The penalised likelihood over the patterns, in `θ = (ln θ⁰, γ)`.
pub(crate) struct Problem<'a> {
    liks: Vec<(usize, Box<dyn PatternLikelihood + 'a>)>,
    z: &'a [f64],
    k: usize,
    n_base: usize,
    linked: Vec<usize>,
    penalties: Vec<f64>,
    pub(crate) weight: f64,
    model: &'static str,
    cache: Mutex<Option<Evaluation>>,
}

impl<'a> Problem<'a> {
    /// Natural parameters of pattern `g` at `theta`.
    fn pattern_params(&self, theta: &[f64], g: usize) -> Result<Vec<f64>> {
        let mut logp = theta[..self.n_base].to_vec();
        let z = &self.z[g * self.k..(g + 1) * self.k];
        for (l, &j) in self.linked.iter().enumerate() {
            let gamma = &theta[self.n_base + l * self.k..self.n_base + (l + 1) * self.k];
            logp[j] += gamma.iter().zip(z).map(|(a, b)| a * b).sum::<f64>();
        }
        if let Some(v) = logp
            .iter()
            .find(|v| !(v.is_finite() && v.abs() <= MAX_LOG_PARAM))
        {
            return Err(Error::numerical(
                self.model,
                format!("a customer's log-parameter reached {v} (beyond ±{MAX_LOG_PARAM})"),
            ));
        }
        Ok(logp.iter().map(|v| v.exp()).collect())
    }

    /// Penalised log-likelihood and its gradient in `theta`.
    pub(crate) fn eval(&self, theta: &[f64]) -> Result<(f64, Vec<f64>)> {
        if let Ok(guard) = self.cache.lock() {
            if let Some((t, f, g, _)) = guard.as_ref() {
                if t.as_slice() == theta {
                    return Ok((*f, g.clone()));
                }
            }
        }
        let n_base = self.n_base;
        let part =
            |(g, lik): &(usize, Box<dyn PatternLikelihood + 'a>)| -> Result<(f64, Vec<f64>)> {
                let p = self.pattern_params(theta, *g)?;
                let mut grad = vec![0.0; n_base];
                let ll = lik.eval(&p, Some(&mut grad))?;
                // ∂LL/∂ln θ
                for (gk, pk) in grad.iter_mut().zip(&p) {
                    *gk *= pk;
                }
                Ok((ll, grad))
            };
        #[cfg(feature = "parallel")]
        let parts: Vec<Result<(f64, Vec<f64>)>> = {
            use rayon::prelude::*;
            self.liks.par_iter().map(part).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<Result<(f64, Vec<f64>)>> = self.liks.iter().map(part).collect();
        let mut ll = 0.0;
        let mut grad = vec![0.0; theta.len()];
        let mut pattern_grads = Vec::with_capacity(parts.len());
        for ((g, _), r) in self.liks.iter().zip(parts) {
            let (l, gl) = r?;
            ll += l;
            let z = &self.z[g * self.k..(g + 1) * self.k];
            for j in 0..n_base {
                grad[j] += gl[j];
            }
            for (l_idx, &j) in self.linked.iter().enumerate() {
                let base = n_base + l_idx * self.k;
                for (kk, &zk) in z.iter().enumerate() {
                    if zk != 0.0 {
                        grad[base + kk] += zk * gl[j];
                    }
                }
            }
            pattern_grads.push(gl);
        }
        let mut pll = ll;
        for (i, &lam) in self.penalties.iter().enumerate() {
            let c = theta[n_base + i];
            pll -= lam * c * c;
            grad[n_base + i] -= 2.0 * lam * c;
        }
        if !pll.is_finite() || grad.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                self.model,
                "non-finite penalised log-likelihood with covariates",
            ));
        }
        if let Ok(mut guard) = self.cache.lock() {
            *guard = Some((theta.to_vec(), pll, grad.clone(), pattern_grads));
        }
        Ok((pll, grad))
    }

    /// Unpenalised log-likelihood at `theta`.
    pub(crate) fn log_likelihood(&self, theta: &[f64]) -> Result<f64> {
        let (pll, _) = self.eval(theta)?;
        let pen: f64 = self
            .penalties
            .iter()
            .enumerate()
            .map(|(i, lam)| lam * theta[self.n_base + i].powi(2))
            .sum();
        Ok(pll + pen)
    }

    /// Minus the Hessian of the penalised log-likelihood (the penalised observed
    /// information). A customer's log-parameters are linear in `θ`, so
    /// `H_θ = Σ_g J_gᵀ H_g J_g − 2 diag(λ)`, with `H_g` the Hessian of pattern g's
    /// log-likelihood in its own log-parameters (central differences of the analytic
    /// gradient: 2 evaluations per base parameter, whatever the number of coefficients) and
    /// `J_g` the 0/1/z Jacobian of its log-parameters.
    pub(crate) fn information(&self, theta: &[f64]) -> Result<DMatrix<f64>> {
        self.information_with(theta, None)
    }

    /// [`Problem::information`] by one-sided differences from the patterns' gradients at
    /// `theta` when the last evaluation was at `theta` (one evaluation per base parameter
    /// instead of two; error of the order of the step, 1e-5 relative — enough for a Newton
    /// direction, which then still converges in a step or two), central differences
    /// otherwise.
    fn information_one_sided(&self, theta: &[f64]) -> Result<DMatrix<f64>> {
        let at = self.cache.lock().ok().and_then(|guard| {
            guard
                .as_ref()
                .filter(|(t, ..)| t.as_slice() == theta)
                .map(|(.., pg)| pg.clone())
        });
        self.information_with(theta, at.as_deref())
    }

    fn information_with(&self, theta: &[f64], at: Option<&[Vec<f64>]>) -> Result<DMatrix<f64>> {
        let d = theta.len();
        let nb = self.n_base;
        let part = |(idx, (g, lik)): (usize, &(usize, Box<dyn PatternLikelihood + 'a>))| -> Result<DMatrix<f64>> {
            let p = self.pattern_params(theta, *g)?;
            let logp: Vec<f64> = p.iter().map(|v| v.ln()).collect();
            let grad_log = |lp: &[f64]| -> Result<Vec<f64>> {
                let pp: Vec<f64> = lp.iter().map(|v| v.exp()).collect();
                let mut gr = vec![0.0; nb];
                lik.eval(&pp, Some(&mut gr))?;
                Ok(gr.iter().zip(&pp).map(|(a, b)| a * b).collect())
            };
            let mut h = DMatrix::zeros(nb, nb);
            for j in 0..nb {
                let step = 1e-5 * (1.0 + logp[j].abs());
                let mut up = logp.clone();
                up[j] += step;
                let gu = grad_log(&up)?;
                match at {
                    Some(at) => {
                        for i in 0..nb {
                            h[(i, j)] = -(gu[i] - at[idx][i]) / step;
                        }
                    }
                    None => {
                        let mut down = logp.clone();
                        down[j] -= step;
                        let gd = grad_log(&down)?;
                        for i in 0..nb {
                            h[(i, j)] = -(gu[i] - gd[i]) / (2.0 * step);
                        }
                    }
                }
            }
            Ok(h)
        };
        #[cfg(feature = "parallel")]
        let parts: Vec<Result<DMatrix<f64>>> = {
            use rayon::prelude::*;
            self.liks.par_iter().enumerate().map(part).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<Result<DMatrix<f64>>> = self.liks.iter().enumerate().map(part).collect();
        let mut h = DMatrix::zeros(d, d);
        for ((g, _), hg) in self.liks.iter().zip(parts) {
            let hg = hg?;
            let z = &self.z[g * self.k..(g + 1) * self.k];
            // J_g as sparse rows: base parameter j → [(θ index, factor)]
            let jac: Vec<Vec<(usize, f64)>> = (0..nb)
                .map(|j| {
                    let mut v = vec![(j, 1.0)];
                    if let Some(l) = self.linked.iter().position(|&x| x == j) {
                        for (c, &zc) in z.iter().enumerate() {
                            if zc != 0.0 {
                                v.push((nb + l * self.k + c, zc));
                            }
                        }
                    }
                    v
                })
                .collect();
            for i in 0..nb {
                for j in 0..nb {
                    let hij = hg[(i, j)];
                    if hij == 0.0 {
                        continue;
                    }
                    for &(a, fa) in &jac[i] {
                        for &(b, fb) in &jac[j] {
                            h[(a, b)] += fa * hij * fb;
                        }
                    }
                }
            }
        }
        for (i, &lam) in self.penalties.iter().enumerate() {
            h[(nb + i, nb + i)] += 2.0 * lam;
        }
        Ok((&h + h.transpose()) * 0.5)
    }
}

/// argmin's view: minimise `−PLL/W`.
struct Minimise<'p, 'a>(&'p Problem<'a>);

impl CostFunction for Minimise<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Vec<f64>) -> std::result::Result<f64, argmin::core::Error> {
        self.0
            .eval(theta)
            .map(|(f, _)| -f / self.0.weight)
            .map_err(|e| argmin::core::Error::msg(e.to_string()))
    }
}

impl Gradient for Minimise<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, theta: &Vec<f64>) -> std::result::Result<Vec<f64>, argmin::core::Error> {
        self.0
            .eval(theta)
            .map(|(_, g)| g.iter().map(|v| -v / self.0.weight).collect())
            .map_err(|e| argmin::core::Error::msg(e.to_string()))
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The checked options and the per-pattern data of a fit (everything the [`Problem`]
/// borrows).
struct Setup<M: CovariateModel> {
    linked: Vec<usize>,
    penalties: Vec<f64>,
    patterns: Patterns,
    data: Vec<Option<M::Data>>,
}

impl<M: CovariateModel> Setup<M> {
    /// Checks the inputs and options and splits the summary into covariate patterns.
    fn new(
        summary: &RfmSummary,
        covariates: &Covariates,
        options: &CovariateOptions,
    ) -> Result<Self> {
        if covariates.len() != summary.len() {
            return Err(Error::LengthMismatch {
                left: "summary customers".into(),
                left_len: summary.len(),
                right: "covariate rows".into(),
                right_len: covariates.len(),
            });
        }
        if let Some(i) =
            (0..summary.len()).find(|&i| summary.customer_ids()[i] != covariates.ids()[i])
        {
            return Err(Error::Covariate {
                column: "customer_id".into(),
                customer: Some(summary.customer_ids()[i].clone()),
                rule: format!(
                    "row {} of the covariates is customer `{}`: covariate rows must be the summary's customers in order",
                    i + 1,
                    covariates.ids()[i]
                ),
            });
        }
        let names = M::PARAMETER_NAMES;
        let linked_names: Vec<String> = options
            .linked
            .clone()
            .unwrap_or_else(|| M::DEFAULT_LINKED.iter().map(|s| s.to_string()).collect());
        let mut linked = Vec::new();
        for l in &linked_names {
            match names.iter().position(|n| n == l) {
                Some(j) if !linked.contains(&j) => linked.push(j),
                _ => {
                    return Err(Error::invalid_parameter(
                        "linked parameter",
                        l.as_str(),
                        format!("must be one of {names:?}, each once"),
                    ))
                }
            }
        }
        let k = covariates.width();
        let n_coef = linked.len() * k;
        let penalties = match &options.penalties {
            Some(p) if p.len() != n_coef => {
                return Err(Error::LengthMismatch {
                    left: "coefficients".into(),
                    left_len: n_coef,
                    right: "penalties".into(),
                    right_len: p.len(),
                })
            }
            Some(p) => p.clone(),
            None => vec![options.uniform_penalty; n_coef],
        };
        if let Some(&bad) = penalties.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(Error::invalid_parameter(
                "penalty",
                bad,
                "must be finite and >= 0",
            ));
        }
        if !(options.newton_handover.is_finite() && options.newton_handover > 0.0) {
            return Err(Error::invalid_parameter(
                "newton_handover",
                options.newton_handover,
                "must be finite and > 0",
            ));
        }
        if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
            return Err(Error::invalid_parameter(
                "tolerance",
                options.tolerance,
                "must be finite and > 0",
            ));
        }
        if covariates.encoding().has_full_one_hot() && penalties.contains(&0.0) {
            return Err(Error::Unidentifiable {
                model: M::NAME.into(),
                reason: "a categorical covariate without a reference level gives every level an indicator, which only a penalty > 0 on its coefficients identifies".into(),
            });
        }
        let patterns = Patterns::new(covariates);
        let mut data = Vec::with_capacity(patterns.len());
        for rows in &patterns.rows {
            data.push(M::pattern_data(summary, rows)?);
        }
        Ok(Self {
            linked,
            penalties,
            patterns,
            data,
        })
    }

    /// The penalised likelihood over the patterns with data.
    fn problem(&self) -> Result<Problem<'_>> {
        let liks: Vec<(usize, Box<dyn PatternLikelihood + '_>)> = self
            .data
            .iter()
            .enumerate()
            .filter_map(|(g, d)| d.as_ref().map(|d| (g, M::likelihood(d))))
            .collect();
        if liks.is_empty() {
            return Err(Error::EmptyInput {
                what: format!("customers for the {} likelihood", M::NAME),
            });
        }
        let weight: f64 = liks.iter().map(|(_, l)| l.weight()).sum();
        Ok(Problem {
            liks,
            z: &self.patterns.z,
            k: self.patterns.k,
            n_base: M::PARAMETER_NAMES.len(),
            linked: self.linked.clone(),
            penalties: self.penalties.clone(),
            weight,
            model: M::NAME,
            cache: Mutex::new(None),
        })
    }
}

/// The penalised log-likelihood `PLL(θ)` of [`fit_with_covariates`] and its analytic
/// gradient at `theta` (in the layout of [`CovariateFit::theta`]), for tests of the gradient
/// against finite differences and for evaluating the likelihood at outside estimates.
///
/// # Errors
/// As [`fit_with_covariates`] for the inputs; [`Error::LengthMismatch`] for a `theta` of the
/// wrong length; numerical errors.
#[doc(hidden)]
#[allow(clippy::let_and_return)]
pub fn penalized_log_likelihood<M: CovariateModel>(
    summary: &RfmSummary,
    covariates: &Covariates,
    options: &CovariateOptions,
    theta: &[f64],
) -> Result<(f64, Vec<f64>)> {
    let setup = Setup::<M>::new(summary, covariates, options)?;
    let d = M::PARAMETER_NAMES.len() + setup.penalties.len();
    if theta.len() != d {
        return Err(Error::LengthMismatch {
            left: "parameters".into(),
            left_len: d,
            right: "theta".into(),
            right_len: theta.len(),
        });
    }
    // the problem borrows `setup`: evaluate it before `setup` drops
    let result = setup.problem()?.eval(theta);
    result
}

/// Fits model `M` with covariates by penalised maximum likelihood (see the
/// [module docs](super)).
///
/// `covariates` has one row per customer of `summary`, in the same order (same ids).
///
/// ```
/// use ltv::models::bgnbd::BgNbd;
/// use ltv::models::covariates::{fit_with_covariates, CovariateOptions, Covariates};
/// use ltv::summary::RfmSummary;
/// // web customers buy twice as often as app customers (alpha 5 against 10 periods)
/// let ages = vec![52.0; 2000];
/// let web = BgNbd::new(0.8, 5.0, 1.0, 4.0)?.simulate(&ages, 1)?;
/// let app = BgNbd::new(0.8, 10.0, 1.0, 4.0)?.simulate(&ages, 2)?;
/// let ids: Vec<String> = (0..4000).map(|i| format!("c{i}")).collect();
/// let cat = |v: Vec<f64>, w: Vec<f64>| [v, w].concat();
/// let summary = RfmSummary::new(
///     ids.clone(),
///     cat(web.frequency(), app.frequency()),
///     cat(web.recency(), app.recency()),
///     cat(web.t().to_vec(), app.t().to_vec()),
///     None,
///     None,
/// )?;
/// let channel: Vec<&str> = (0..4000).map(|i| if i < 2000 { "web" } else { "app" }).collect();
/// let cov = Covariates::builder(&ids).categorical("channel", &channel, Some("app")).build()?;
/// let fit = fit_with_covariates::<BgNbd>(&summary, &cov, &CovariateOptions::default().linked(&["alpha"]))?;
/// // ln alpha is lower for web by about ln 2
/// let g = fit.coefficient("alpha", "channel=web").unwrap();
/// assert!((g + 2f64.ln()).abs() < 0.25, "{g}");
/// # Ok::<(), ltv::Error>(())
/// ```
///
/// # Errors
/// [`Error::Covariate`] when the covariate rows are not the summary's customers in order;
/// [`Error::Unidentifiable`] for a full one-hot encoding (no reference level) without a
/// penalty; [`Error::InvalidParameter`] for a bad option; [`Error::NotConverged`] when the
/// optimizer misses the tolerance (unless `require_convergence` is false); numerical errors.
pub fn fit_with_covariates<M: CovariateModel>(
    summary: &RfmSummary,
    covariates: &Covariates,
    options: &CovariateOptions,
) -> Result<CovariateFit<M>> {
    let setup = Setup::<M>::new(summary, covariates, options)?;
    let problem = setup.problem()?;
    let (names, linked, penalties, patterns, weight) = (
        M::PARAMETER_NAMES,
        setup.linked.clone(),
        setup.penalties.clone(),
        &setup.patterns,
        problem.weight,
    );
    let n_coef = penalties.len();
    let d = names.len() + n_coef;
    let theta0 = match &options.start {
        Some(s) if s.len() == d && s.iter().all(|v| v.is_finite()) => s.clone(),
        Some(s) => {
            return Err(Error::LengthMismatch {
                left: "parameters".into(),
                left_len: d,
                right: "start".into(),
                right_len: s.len(),
            })
        }
        None => {
            let base = M::pooled_start(summary).unwrap_or_else(|| vec![1.0; names.len()]);
            let mut t: Vec<f64> = base.iter().map(|v| v.ln()).collect();
            t.resize(d, 0.0);
            t
        }
    };
    problem.eval(&theta0)?;
    // L-BFGS down to the handover point, then Newton steps with the pattern-wise Hessian
    // (quadratic convergence where L-BFGS crawls on line-search noise); where Newton cannot
    // finish (an information matrix that is not positive definite on a flat ridge), L-BFGS
    // again at the full tolerance
    let lbfgs = |start: Vec<f64>, tol: f64| -> Result<(Vec<f64>, u64, String)> {
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
            .with_tolerance_grad(tol)
            .and_then(|s| s.with_tolerance_cost(0.0))
            .map_err(|e| Error::Optimizer {
                model: M::NAME.into(),
                source: e.into(),
            })?;
        let run = Executor::new(Minimise(&problem), solver)
            .configure(|s| s.param(start.clone()).max_iters(options.max_iterations))
            .ctrlc(false)
            .timer(false)
            .run();
        Ok(match run {
            Ok(res) => {
                let st = res.state();
                (
                    st.get_best_param()
                        .or_else(|| st.get_param())
                        .cloned()
                        .unwrap_or(start),
                    st.get_iter(),
                    format!("L-BFGS: {}", st.termination_status),
                )
            }
            Err(e) => (start, 0, format!("L-BFGS failed: {e}")),
        })
    };
    let (mut theta, mut iterations, mut termination) = lbfgs(
        theta0.clone(),
        options.tolerance.max(options.newton_handover),
    )?;
    let (_, mut g) = problem.eval(&theta)?;
    let mut gnorm = norm(&g) / weight;
    // Newton polish: L-BFGS stalls on the rounding noise of the line search near 1e-7.
    let mut info = None;
    let mut newton = 0;
    while gnorm > options.tolerance && newton < NEWTON_STEPS {
        let h = problem.information_one_sided(&theta)?;
        let Some(chol) = h.clone().cholesky() else {
            break;
        };
        let step = chol.solve(&nalgebra::DVector::from_vec(g.clone()));
        let mut scale = 1.0;
        let mut improved = false;
        for _ in 0..20 {
            let cand: Vec<f64> = theta
                .iter()
                .zip(step.iter())
                .map(|(t, s)| t + scale * s)
                .collect();
            if let Ok((_, gc)) = problem.eval(&cand) {
                if norm(&gc) / weight < gnorm {
                    theta = cand;
                    g = gc;
                    gnorm = norm(&g) / weight;
                    improved = true;
                    break;
                }
            }
            scale *= 0.5;
        }
        newton += 1;
        info = Some(h);
        if !improved {
            break;
        }
    }
    if gnorm > options.tolerance {
        let (t, it, term) = lbfgs(theta.clone(), options.tolerance)?;
        let (_, gt) = problem.eval(&t)?;
        if norm(&gt) / weight < gnorm {
            theta = t;
            g = gt;
            gnorm = norm(&g) / weight;
            info = None;
        }
        iterations += it;
        termination = format!("{termination}; Newton; {term}");
    }
    let converged = gnorm <= options.tolerance;
    if !converged && options.require_convergence {
        return Err(Error::NotConverged {
            model: M::NAME.into(),
            iterations: iterations + newton,
            gradient_norm: gnorm,
            reason: format!(
                "{termination}; gradient norm above the tolerance {}",
                options.tolerance
            ),
        });
    }
    let log_likelihood = problem.log_likelihood(&theta)?;
    let (covariance, covariance_note) = if options.covariance {
        let h = match info {
            Some(h) if newton > 0 && converged && options.covariance_from_newton => h,
            Some(h) if newton > 0 && converged => problem.information(&theta).unwrap_or(h),
            _ => problem.information(&theta)?,
        };
        match h.cholesky() {
            Some(c) => {
                let inv = c.inverse();
                (Some(inv.transpose().as_slice().to_vec()), None)
            }
            None => (
                None,
                Some("the penalised information matrix is not positive definite (a parameter the data cannot identify; add a penalty or drop a covariate)".to_string()),
            ),
        }
    } else {
        (None, Some("not computed (covariance = false)".to_string()))
    };
    let convergence = Convergence {
        converged,
        iterations: iterations + newton,
        gradient_norm: gnorm,
        termination,
        method: Method::Lbfgs,
    };
    CovariateFit::from_estimate(super::fitted::Estimate {
        theta,
        linked,
        encoding: covariates.encoding().clone(),
        penalties,
        log_likelihood,
        n_customers: weight,
        n_patterns: patterns.len(),
        convergence,
        covariance,
        covariance_note,
    })
}
