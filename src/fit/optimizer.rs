//! The optimizer: L-BFGS on log-parameters, Nelder–Mead fallback, Newton polish.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::neldermead::NelderMead;
use argmin::solver::quasinewton::LBFGS;
use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::fit::estimate::{Convergence, Fit, Method};
use crate::fit::information::{
    hessian_natural, observed_information_covariance, penalized_gradient,
};
use crate::fit::{FitOptions, Likelihood};

/// Largest |log-parameter| the optimizer may visit (e^±300 ≈ 1e±130): beyond it the model is
/// degenerate and we report a numerical error rather than overflow.
const MAX_LOG_PARAM: f64 = 300.0;
/// Cost reported to Nelder–Mead where the likelihood cannot be evaluated.
const NM_INFEASIBLE: f64 = 1e300;
/// L-BFGS memory.
const LBFGS_MEMORY: usize = 10;
/// Maximum number of Newton polishing steps.
const NEWTON_STEPS: usize = 25;
/// Gradient norm at which L-BFGS hands over to the Newton polish: below it the objective
/// changes by less than ~1e-12 per step, under the rounding noise a line search on function
/// values can resolve, while Newton steps (accepted on the gradient) still converge
/// quadratically.
const LBFGS_HANDOVER: f64 = 1e-6;

/// The per-customer objective on log-parameters: `f(θ) = -(LL(e^θ) - c·s·Σ e^{2θ}) / W`.
///
/// Scaling by `W` makes the tolerance independent of the number of customers. The last
/// evaluation is cached because argmin asks for cost and gradient at the same point
/// separately.
struct Objective<'a, L: Likelihood> {
    l: &'a L,
    penalty: f64,
    w: f64,
    cache: Mutex<Option<Evaluation>>,
    /// Evaluations allowed ([`FitOptions::max_evaluations`]) and used so far.
    budget: u64,
    used: AtomicU64,
}

/// A cached evaluation: log-parameters, objective value, gradient.
type Evaluation = (Vec<f64>, f64, Vec<f64>);

impl<'a, L: Likelihood> Objective<'a, L> {
    fn new(l: &'a L, penalty: f64, w: f64, budget: u64) -> Self {
        Self {
            l,
            penalty,
            w,
            cache: Mutex::new(None),
            budget,
            used: AtomicU64::new(0),
        }
    }

    /// True once the evaluation budget is spent.
    fn exhausted(&self) -> bool {
        self.used.load(Ordering::Relaxed) >= self.budget
    }

    /// Objective value and gradient with respect to `θ`, within the evaluation budget.
    fn eval(&self, theta: &[f64]) -> Result<(f64, Vec<f64>)> {
        self.eval_with(theta, true)
    }

    /// As [`Self::eval`], outside the budget (the final checks at the estimates).
    fn eval_final(&self, theta: &[f64]) -> Result<(f64, Vec<f64>)> {
        self.eval_with(theta, false)
    }

    fn eval_with(&self, theta: &[f64], budgeted: bool) -> Result<(f64, Vec<f64>)> {
        if let Ok(guard) = self.cache.lock() {
            if let Some((t, f, g)) = guard.as_ref() {
                if t.as_slice() == theta {
                    return Ok((*f, g.clone()));
                }
            }
        }
        if theta
            .iter()
            .any(|t| !(t.is_finite() && t.abs() <= MAX_LOG_PARAM))
        {
            return Err(Error::numerical(
                L::MODEL,
                format!("log-parameters {theta:?} left the range ±{MAX_LOG_PARAM}"),
            ));
        }
        if budgeted && self.used.fetch_add(1, Ordering::Relaxed) >= self.budget {
            return Err(Error::numerical(
                L::MODEL,
                format!("evaluation budget exhausted ({} evaluations)", self.budget),
            ));
        }
        let p: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        let (value, g) = penalized_gradient(self.l, &p, self.penalty)?;
        let f = -value / self.w;
        let gt: Vec<f64> = g.iter().zip(&p).map(|(gk, pk)| -gk * pk / self.w).collect();
        if !f.is_finite() || gt.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                L::MODEL,
                format!("non-finite objective at parameters {p:?}"),
            ));
        }
        if let Ok(mut guard) = self.cache.lock() {
            *guard = Some((theta.to_vec(), f, gt.clone()));
        }
        Ok((f, gt))
    }
}

fn to_argmin(e: Error) -> argmin::core::Error {
    argmin::core::Error::msg(e.to_string())
}

/// argmin view of the objective for the gradient method: failures are errors.
struct GradientProblem<'o, 'a, L: Likelihood>(&'o Objective<'a, L>);

impl<L: Likelihood> CostFunction for GradientProblem<'_, '_, L> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        self.0.eval(theta).map(|(f, _)| f).map_err(to_argmin)
    }
}

impl<L: Likelihood> Gradient for GradientProblem<'_, '_, L> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, theta: &Self::Param) -> std::result::Result<Vec<f64>, argmin::core::Error> {
        self.0.eval(theta).map(|(_, g)| g).map_err(to_argmin)
    }
}

/// argmin view of the objective for Nelder–Mead: infeasible points get a huge cost.
struct SimplexProblem<'o, 'a, L: Likelihood>(&'o Objective<'a, L>);

impl<L: Likelihood> CostFunction for SimplexProblem<'_, '_, L> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.0.eval(theta).map_or(NM_INFEASIBLE, |(f, _)| f))
    }
}

/// Outcome of one optimizer stage.
struct Stage {
    theta: Vec<f64>,
    iterations: u64,
    termination: String,
}

fn termination_text(status: &TerminationStatus) -> String {
    match status {
        TerminationStatus::Terminated(reason) => reason.text().to_string(),
        TerminationStatus::NotTerminated => "not terminated".to_string(),
    }
}

fn run_lbfgs<L: Likelihood>(obj: &Objective<'_, L>, theta0: Vec<f64>, opts: &FitOptions) -> Stage {
    let fallback = |msg: String| Stage {
        theta: theta0.clone(),
        iterations: 0,
        termination: msg,
    };
    let solver = match LBFGS::new(MoreThuenteLineSearch::new(), LBFGS_MEMORY)
        .with_tolerance_grad(opts.tolerance.max(LBFGS_HANDOVER))
        .and_then(|s| s.with_tolerance_cost(0.0))
    {
        Ok(s) => s,
        Err(e) => return fallback(format!("L-BFGS setup failed: {e}")),
    };
    let run = Executor::new(GradientProblem(obj), solver)
        .configure(|state| state.param(theta0.clone()).max_iters(opts.max_iterations))
        .ctrlc(false)
        .timer(false)
        .run();
    match run {
        Ok(res) => {
            let state = res.state();
            let theta = state
                .get_best_param()
                .or_else(|| state.get_param())
                .cloned()
                .unwrap_or_else(|| theta0.clone());
            Stage {
                theta,
                iterations: state.get_iter(),
                termination: format!("L-BFGS: {}", termination_text(&state.termination_status)),
            }
        }
        Err(e) => fallback(format!("L-BFGS failed: {e}")),
    }
}

fn run_nelder_mead<L: Likelihood>(
    obj: &Objective<'_, L>,
    theta0: Vec<f64>,
    opts: &FitOptions,
) -> Stage {
    let mut simplex = vec![theta0.clone()];
    for i in 0..theta0.len() {
        let mut v = theta0.clone();
        v[i] += 0.5;
        simplex.push(v);
    }
    let solver = match NelderMead::new(simplex).with_sd_tolerance(1e-14) {
        Ok(s) => s,
        Err(e) => {
            return Stage {
                theta: theta0,
                iterations: 0,
                termination: format!("Nelder-Mead setup failed: {e}"),
            }
        }
    };
    let run = Executor::new(SimplexProblem(obj), solver)
        .configure(|state| state.max_iters(opts.max_iterations.saturating_mul(4)))
        .ctrlc(false)
        .timer(false)
        .run();
    match run {
        Ok(res) => {
            let state = res.state();
            Stage {
                theta: state
                    .get_best_param()
                    .cloned()
                    .unwrap_or_else(|| theta0.clone()),
                iterations: state.get_iter(),
                termination: format!(
                    "Nelder-Mead: {}",
                    termination_text(&state.termination_status)
                ),
            }
        }
        Err(e) => Stage {
            theta: theta0,
            iterations: 0,
            termination: format!("Nelder-Mead failed: {e}"),
        },
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Safeguarded Newton steps on `θ` with a central-difference Hessian of the analytic
/// gradient; stops when the gradient is far below the tolerance or a step does not help.
/// Returns the number of steps taken.
fn newton_polish<L: Likelihood>(obj: &Objective<'_, L>, theta: &mut Vec<f64>, tol: f64) -> u64 {
    let k = theta.len();
    let mut steps = 0;
    for _ in 0..NEWTON_STEPS {
        let Ok((f, g)) = obj.eval(theta) else { break };
        let gnorm = norm(&g);
        if gnorm <= tol * 1e-2 {
            break;
        }
        // Hessian of f in θ by central differences of the gradient.
        let mut h = DMatrix::zeros(k, k);
        let h_step = 1e-5;
        let mut ok = true;
        for j in 0..k {
            let mut tp = theta.clone();
            tp[j] += h_step;
            let mut tm = theta.clone();
            tm[j] -= h_step;
            match (obj.eval(&tp), obj.eval(&tm)) {
                (Ok((_, gp)), Ok((_, gm))) => {
                    for i in 0..k {
                        h[(i, j)] = (gp[i] - gm[i]) / (2.0 * h_step);
                    }
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            break;
        }
        let h = (&h + h.transpose()) * 0.5;
        let Some(chol) = h.cholesky() else { break };
        let d = -chol.solve(&DVector::from_column_slice(&g));
        if d.iter().any(|v| !v.is_finite()) {
            break;
        }
        let slope: f64 = g.iter().zip(d.iter()).map(|(a, b)| a * b).sum();
        let mut t = 1.0;
        let mut accepted = false;
        while t > 1e-3 {
            let cand: Vec<f64> = theta.iter().zip(d.iter()).map(|(a, b)| a + t * b).collect();
            if let Ok((fc, gc)) = obj.eval(&cand) {
                let armijo = fc <= f + 1e-4 * t * slope + 1e-14 * f.abs();
                if armijo && norm(&gc) < gnorm {
                    *theta = cand;
                    accepted = true;
                    break;
                }
            }
            t *= 0.5;
        }
        if !accepted {
            break;
        }
        steps += 1;
    }
    steps
}

/// Maximises the likelihood `l` (see the [module docs](crate::fit)).
///
/// # Errors
/// * [`Error::InvalidParameter`] / [`Error::LengthMismatch`] for bad options;
/// * [`Error::EmptyInput`] when the data have no weight;
/// * [`Error::Numerical`] when the likelihood cannot be evaluated at the starting values;
/// * [`Error::NotConverged`] when the gradient norm did not reach the tolerance (unless
///   `require_convergence` is false).
pub(crate) fn maximize<L: Likelihood>(l: &L, opts: &FitOptions) -> Result<Fit> {
    let k = L::NAMES.len();
    opts.validate(k)?;
    let w = l.total_weight();
    if !(w.is_finite() && w > 0.0) {
        return Err(Error::EmptyInput {
            what: format!("{}: no customers to fit on", L::MODEL),
        });
    }
    let penalty = opts.penalizer * l.penalty_scale();
    let obj = Objective::new(l, penalty, w, opts.max_evaluations);
    let start = opts.start.clone().unwrap_or_else(|| l.start());
    if start.len() != k || start.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return Err(Error::numerical(
            L::MODEL,
            format!("invalid starting values {start:?}"),
        ));
    }
    let theta0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
    obj.eval(&theta0)?;

    let value = |t: &[f64]| obj.eval_final(t).map_or(f64::INFINITY, |(f, _)| f);
    let grad_norm = |t: &[f64]| obj.eval_final(t).map_or(f64::INFINITY, |(_, g)| norm(&g));

    let stage = run_lbfgs(&obj, theta0, opts);
    let mut iterations = stage.iterations;
    let mut termination = stage.termination;
    let mut theta = stage.theta;
    let mut method = Method::Lbfgs;
    iterations += newton_polish(&obj, &mut theta, opts.tolerance);
    if grad_norm(&theta) > opts.tolerance && !obj.exhausted() {
        let nm = run_nelder_mead(&obj, theta.clone(), opts);
        iterations += nm.iterations;
        let again = run_lbfgs(&obj, nm.theta, opts);
        iterations += again.iterations;
        let mut theta2 = again.theta;
        iterations += newton_polish(&obj, &mut theta2, opts.tolerance);
        let better = grad_norm(&theta2) <= opts.tolerance || value(&theta2) < value(&theta);
        if better {
            theta = theta2;
            method = Method::NelderMeadThenLbfgs;
            termination = format!("{}; {}", nm.termination, again.termination);
        }
    }

    let gradient_norm = grad_norm(&theta);
    let converged = gradient_norm <= opts.tolerance;
    if obj.exhausted() {
        termination = format!(
            "evaluation budget exhausted ({} likelihood evaluations); {termination}",
            opts.max_evaluations
        );
    }
    if !converged && opts.require_convergence {
        let last: Vec<String> = L::NAMES
            .iter()
            .zip(&theta)
            .map(|(n, t)| format!("{n}={:.6e}", t.exp()))
            .collect();
        return Err(Error::NotConverged {
            model: L::MODEL.to_string(),
            iterations,
            gradient_norm,
            reason: format!(
                "{termination}; last parameters {} (a parameter running to 0 or infinity means \
                 the data do not identify it; a penalizer may help)",
                last.join(", ")
            ),
        });
    }
    let params: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
    let log_likelihood = l.log_likelihood(&params, None)?;
    if !log_likelihood.is_finite() {
        return Err(Error::numerical(
            L::MODEL,
            "non-finite log-likelihood at the estimates",
        ));
    }
    let (covariance, covariance_note) = match hessian_natural(l, &params, penalty) {
        Ok(h) => match observed_information_covariance(&h) {
            Ok(c) => (Some(c), None),
            Err(note) => (None, Some(note)),
        },
        Err(e) => (None, Some(format!("Hessian unavailable: {e}"))),
    };
    Ok(Fit {
        model: L::MODEL.to_string(),
        names: L::NAMES.iter().map(|s| s.to_string()).collect(),
        params,
        log_likelihood,
        penalizer: opts.penalizer,
        n_customers: w,
        n_rows: l.n_rows(),
        convergence: Convergence {
            converged,
            iterations,
            gradient_norm,
            termination,
            method,
        },
        covariance,
        covariance_note,
    })
}
