//! Maximum-likelihood machinery shared by every model: the optimizer (argmin L-BFGS on
//! log-parameters with a Nelder-Mead fallback), convergence reporting, and the observed
//! information matrix (covariance, standard errors, intervals).
