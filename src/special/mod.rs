//! Special functions the models need (Gauss hypergeometric 2F1, log-gamma helpers, ...),
//! with their accuracy stated against mpmath.
