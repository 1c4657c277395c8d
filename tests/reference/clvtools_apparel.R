# Reference values for tests/covariates_clvtools.rs: R CLVTools fits with time-invariant
# covariates on its own apparel data (600 customers, weeks, 40-week estimation period), as in
# CLVTools' vignette ("Cov-setStatic": Gender and Channel on both processes).
#
# Provenance: R 4.2.2 (Debian bookworm r-base-core), CLVTools 0.12.1 (git 1b06356, "Release
# v0.12.1", installed from source with `TZ=UTC R CMD INSTALL`), data.table / optimx from
# Debian. Run from the repository root:
#
#     TZ=UTC Rscript tests/reference/clvtools_apparel.R
#
# writes tests/reference/clvtools_apparel.json: the calibration summary CLVTools computed
# (Id, x, t.x, T.cal), the covariates, and for each fit its coefficients, standard errors,
# log-likelihood (the unpenalised sum, from CLVTools' own per-customer likelihood at its
# estimates) and per-customer predictions (CET over 20 weeks, PAlive).
#
# CLVTools' parametrisations (its src/bgnbd.cpp, src/pnbd.cpp):
#   BG/NBD:     alpha_i = alpha0 exp(-g_trans z),  a_i = a0 exp(g_life z),  b_i = b0 exp(g_life z)
#   Pareto/NBD: alpha_i = alpha0 exp(-g_trans z),  beta_i = beta0 exp(-g_life z)
# and its regularised objective is  -LL/N + lambda_trans |g_trans|^2 + lambda_life |g_life|^2
# (R/interlayer_regularization.R), i.e. LL - N lambda |g|^2 on ltv's scale.
# Only numbers produced by CLVTools are stored; none of its code.

suppressPackageStartupMessages({
  library(CLVTools)
  library(data.table)
  library(jsonlite)
})

data("apparelTrans", package = "CLVTools")
data("apparelStaticCov", package = "CLVTools")

clv.apparel <- clvdata(apparelTrans, date.format = "ymd", time.unit = "week",
                       estimation.split = 40, name.id = "Id", name.date = "Date",
                       name.price = "Price")
clv.static <- SetStaticCovariates(clv.data = clv.apparel,
                                  data.cov.life = apparelStaticCov,
                                  data.cov.trans = apparelStaticCov,
                                  names.cov.life = c("Gender", "Channel"),
                                  names.cov.trans = c("Gender", "Channel"),
                                  name.id = "Id")

horizon <- 20
reg <- c(trans = 0.01, life = 0.02)

summarise <- function(est, ll.ind) {
  cf <- coef(est)
  se <- sqrt(diag(vcov(est)))
  cbs <- est@cbs
  cov <- as.matrix(apparelStaticCov[match(cbs$Id, apparelStaticCov$Id), c("Gender", "Channel")])
  out <- list(coefficients = as.list(cf), std_errors = as.list(se),
              optimizer_value = as.numeric(logLik(est)))
  if (!is.null(ll.ind)) {
    life <- cf[grep("^life\\.", names(cf))]
    trans <- cf[grep("^trans\\.", names(cf))]
    base <- log(cf[1:4])
    out$log_likelihood <- sum(ll.ind(c(base, life, trans), cbs$x, cbs$t.x, cbs$T.cal, cov, cov))
  } else {
    out$log_likelihood <- as.numeric(logLik(est))
  }
  pred <- predict(est, prediction.end = horizon, predict.spending = FALSE, verbose = FALSE)
  pred <- pred[match(cbs$Id, pred$Id)]
  out$predictions <- list(Id = as.character(pred$Id), CET = pred$CET, PAlive = pred$PAlive)
  out
}

bg.plain <- bgnbd(clv.apparel, verbose = FALSE)
bg.static <- bgnbd(clv.static, verbose = FALSE)
bg.static.reg <- bgnbd(clv.static, reg.lambdas = reg, verbose = FALSE)
pn.static <- pnbd(clv.static, verbose = FALSE)

bg.ind <- function(...) CLVTools:::bgnbd_staticcov_LL_ind(...)
pn.ind <- function(...) CLVTools:::pnbd_staticcov_LL_ind(...)

cbs <- bg.static@cbs
cov <- apparelStaticCov[match(cbs$Id, apparelStaticCov$Id)]
res <- list(
  provenance = paste0(
    "tests/reference/clvtools_apparel.R: R ", R.version$major, ".", R.version$minor,
    ", CLVTools ", as.character(packageVersion("CLVTools")),
    " (git 1b06356); apparelTrans/apparelStaticCov, time.unit week, estimation.split 40"),
  horizon = horizon,
  reg_lambdas = as.list(reg),
  summary = list(Id = as.character(cbs$Id), x = cbs$x, t_x = cbs$t.x, T = cbs$T.cal),
  covariates = list(Id = as.character(cov$Id), Gender = cov$Gender, Channel = cov$Channel),
  bgnbd_plain = summarise(bg.plain, NULL),
  bgnbd_static = summarise(bg.static, bg.ind),
  bgnbd_static_reg = summarise(bg.static.reg, bg.ind),
  pnbd_static = summarise(pn.static, pn.ind)
)
writeLines(toJSON(res, digits = I(17), auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/clvtools_apparel.json")
