"""lifetimes-compatible fitters computed by the ltv crate.

The classes have lifetimes 0.11.3's names, constructor arguments, ``fit`` signatures,
attributes and prediction methods, so changing ``from lifetimes import BetaGeoFitter`` to
``from ltv.lifetimes import BetaGeoFitter`` is enough. What differs, on purpose:

* **Covariance.** lifetimes computes ``variance_matrix_`` as
  ``params**2 * inv(hessian) / n`` elementwise, which is not the covariance of the estimates
  (the off-diagonal terms are scaled by the wrong parameter, and its Pareto/NBD and
  Gamma-Gamma matrices mix scaled and unscaled time). Here it is the inverse observed
  information in natural parameters, checked against finite-difference Hessians in the
  crate's tests; ``standard_errors_``, ``confidence_intervals_`` and ``summary`` follow from it.
* **Convergence.** A fit that does not converge raises :class:`ltv.exceptions.ConvergenceError`
  (a ``ValueError``, like lifetimes'); a fit never returns silent parameters. ``tol``,
  ``verbose``, ``fit_method``, ``iterative_fitting`` and ``maxiter`` are accepted for
  compatibility: the crate's optimizer (L-BFGS on log-parameters with analytic gradients,
  Nelder-Mead fallback) stops when the gradient norm of the per-customer objective is below
  1e-8, much tighter than lifetimes' defaults. ``initial_params`` are natural-scale starting
  values.
* **Bad input** raises :class:`ltv.exceptions.DataError` (a ``ValueError``) naming the row,
  column, value and rule, where lifetimes truncates non-integer frequencies or returns NaN.
* **Extremes.** Predictions are finite where lifetimes' hypergeometric terms return NaN or
  inf (very frequent or very old customers, long horizons); the crate raises
  :class:`ltv.exceptions.NumericalError` rather than returning a NaN.
* **Saving** writes the crate's JSON (``save_model``/``load_model``, ``to_json``/``from_json``),
  readable by the ``ltv`` command line; no pickle or dill.
"""

import numpy as np
import pandas as pd

from .. import _ltv
from ._arrays import broadcast, column, per_horizon, restore

__all__ = [
    "BaseFitter",
    "BetaGeoFitter",
    "ModifiedBetaGeoFitter",
    "ParetoNBDFitter",
    "BetaGeoBetaBinomFitter",
    "GammaGammaFitter",
]

_Z95 = 1.96  # lifetimes' multiplier for its 95% intervals


class BaseFitter:
    """Shared machinery: the fitted Rust model, parameters, uncertainty, saving."""

    _kind = None
    _param_names = ()

    def __init__(self, penalizer_coef=0.0):
        self.penalizer_coef = penalizer_coef

    def __repr__(self):
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return "<ltv.lifetimes.{}>".format(name)
        subjects = ""
        if getattr(self, "data", None) is not None:
            subjects = " fitted with {:d} subjects,".format(self.data.shape[0])
        params = ", ".join("{}: {:.2f}".format(k, v) for k, v in sorted(self.params_.items()))
        return "<ltv.lifetimes.{}:{} {}>".format(name, subjects, params)

    # -- state -------------------------------------------------------------------------------

    def _set_model(self, model, data=None):
        self._model = model
        self.params_ = pd.Series(model.params, index=list(model.parameter_names), dtype=float)
        self.data = data
        info = model.fit_info()
        self.fit_info_ = info
        if info is not None:
            self.log_likelihood_ = info["log_likelihood"]
            # lifetimes' attribute: the minimised objective -LL/n + penalty
            n = info["n_customers"]
            penalty = self.penalizer_coef * float(np.sum(self.params_.values**2))
            self._negative_log_likelihood_ = -info["log_likelihood"] / n + penalty
        cov = model.covariance()
        names = self.params_.index
        if cov is None:
            cov = np.full((len(names), len(names)), np.nan)
        self.variance_matrix_ = pd.DataFrame(cov, index=names, columns=names)
        self.standard_errors_ = pd.Series(np.sqrt(np.diag(cov)), index=names)
        self.confidence_intervals_ = pd.DataFrame(
            {
                "lower 95% bound": self.params_ - _Z95 * self.standard_errors_,
                "upper 95% bound": self.params_ + _Z95 * self.standard_errors_,
            },
            index=names,
        )
        if self._kind != "gamma-gamma":
            self.predict = self.conditional_expected_number_of_purchases_up_to_time
        return self

    def _require(self):
        if not hasattr(self, "_model"):
            raise ValueError("Model has not been fit yet. Please call the .fit method first.")
        return self._model

    def _unload_params(self, *args):
        self._require()
        return [self.params_[x] for x in args]

    @property
    def summary(self):
        """Parameters with standard errors and 95% intervals (lifetimes' columns)."""
        self._require()
        df = pd.DataFrame(index=self.params_.index)
        df["coef"] = self.params_
        df["se(coef)"] = self.standard_errors_
        df["lower 95% bound"] = self.confidence_intervals_["lower 95% bound"]
        df["upper 95% bound"] = self.confidence_intervals_["upper 95% bound"]
        return df

    @classmethod
    def from_params(cls, params, penalizer_coef=0.0):
        """A fitter with given parameters (a dict/Series by name, or a sequence in order),
        without a fit record: predicts, but has no covariance and cannot be saved."""
        if isinstance(params, (dict, pd.Series)):
            params = [float(params[k]) for k in cls._param_names]
        self = cls(penalizer_coef=penalizer_coef)
        return self._set_model(_ltv.Model.from_params(cls._kind, [float(p) for p in params]))

    # -- saving ------------------------------------------------------------------------------

    def to_json(self, period=None):
        """The crate's saved-model JSON (``ltv predict --model-file`` reads it). ``period``
        (``"H"``, ``"D"``, ``"W"``, ``"M"``) records the time unit of the data, for CLV."""
        return self._require().to_json(period)

    @classmethod
    def from_json(cls, text):
        """A fitter from the crate's saved-model JSON."""
        model = _ltv.Model.from_json(text)
        if model.kind != cls._kind:
            from ..exceptions import ModelFormatError

            raise ModelFormatError(
                "model file holds a {} model, not {} ({})".format(model.kind, cls._kind, cls.__name__)
            )
        return cls()._set_model(model)

    def save_model(self, path, save_data=True, save_generate_data_method=True, values_to_save=None, period=None):
        """Writes the crate's JSON to ``path`` (lifetimes' extra arguments are accepted and
        ignored: the data is not saved)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json(period))

    def load_model(self, path):
        """Reads a model written by :meth:`save_model` (or ``ltv fit --output``) into self."""
        with open(path, encoding="utf-8") as f:
            loaded = type(self).from_json(f.read())
        self.__dict__.update(loaded.__dict__)
        if self._kind != "gamma-gamma":
            self.predict = self.conditional_expected_number_of_purchases_up_to_time
        return self

    # -- fitting -----------------------------------------------------------------------------

    def _fit_transaction(self, frequency, recency, T, weights, initial_params, index, t_name="T"):
        f, r, t = column(frequency), column(recency), column(T)
        w = None if weights is None else column(weights)
        start = None if initial_params is None else [float(v) for v in np.asarray(initial_params).ravel()]
        model = _ltv.fit_transaction_model(
            self._kind, f, r, t, w, penalizer=float(self.penalizer_coef), start=start
        )
        data = pd.DataFrame(
            {
                "frequency": f,
                "recency": r,
                t_name: t,
                "weights": np.ones_like(f) if w is None else w,
            },
            index=index,
        )
        return self._set_model(model, data)

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """Expected repeat purchases in ``(T, T + t]`` of customers with history
        ``(frequency, recency, T)``; ``t`` may be an array (broadcast with the customers)."""
        model = self._require()
        return per_horizon(model.conditional_expected_purchases, t, frequency, recency, T)

    def conditional_probability_alive(self, frequency, recency, T):
        """Probability that customers with history ``(frequency, recency, T)`` are alive."""
        model = self._require()
        (f, r, t), shape, index = broadcast(frequency, recency, T)
        out = restore(model.probability_alive(f, r, t), shape, index)
        return np.atleast_1d(out) if index is None else out

    def expected_number_of_purchases_up_to_time(self, t):
        """Expected repeat purchases in ``(0, t]`` of a new customer."""
        model = self._require()
        (tt,), shape, index = broadcast(t)
        return restore(model.expected_purchases(tt), shape, index)

    def conditional_probability_alive_matrix(self, max_frequency=None, max_recency=None):
        """P(alive) on the grid ``[recency, frequency]`` at age ``max_recency`` (defaults: the
        fitted data's largest frequency and T)."""
        model = self._require()
        if max_frequency is None:
            max_frequency = int(self.data["frequency"].max())
        if max_recency is None:
            max_recency = int(self.data["T"].max())
        return model.probability_alive_matrix(int(max_frequency), int(max_recency))

    def generate_new_data(self, size=1, seed=None):
        """Simulated summary rows of ``size`` customers with the fitted data's ages (cycled),
        seeded (``seed=None`` draws a seed)."""
        model = self._require()
        ages = np.resize(column(self.data["T" if "T" in self.data else "n_periods"]), size)
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        f, r, t = model.simulate(np.ascontiguousarray(ages), int(seed))
        return pd.DataFrame({"frequency": f, "recency": r, "T": t})


class BetaGeoFitter(BaseFitter):
    """BG/NBD (Fader, Hardie & Lee 2005), lifetimes' ``BetaGeoFitter``.

    Parameters: ``r``, ``alpha`` (gamma heterogeneity of the purchase rate, per period of the
    data), ``a``, ``b`` (beta heterogeneity of the dropout probability after a purchase).
    """

    _kind = "bgnbd"
    _param_names = ("r", "alpha", "a", "b")

    def fit(self, frequency, recency, T, weights=None, initial_params=None, verbose=False, tol=1e-7, index=None, **kwargs):
        """Fits by maximum likelihood (``weights``: number of customers per row)."""
        return self._fit_transaction(frequency, recency, T, weights, initial_params, index)

    def probability_of_n_purchases_up_to_time(self, t, n):
        """P(exactly ``n`` repeat purchases in ``(0, t]``) for a new customer."""
        return self._require().probability_of_purchases(float(t), float(n))


class ModifiedBetaGeoFitter(BetaGeoFitter):
    """MBG/NBD (Batislam et al. 2007), lifetimes' ``ModifiedBetaGeoFitter``: BG/NBD where a
    customer may also drop out right after the first purchase."""

    _kind = "mbgnbd"


class ParetoNBDFitter(BaseFitter):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987), lifetimes' ``ParetoNBDFitter``.

    Parameters: ``r``, ``alpha`` (purchase rate), ``s``, ``beta`` (dropout rate).
    """

    _kind = "pareto-nbd"
    _param_names = ("r", "alpha", "s", "beta")

    def fit(self, frequency, recency, T, weights=None, iterative_fitting=1, initial_params=None, verbose=False, tol=1e-4, index=None, fit_method="Nelder-Mead", maxiter=2000, **kwargs):
        """Fits by maximum likelihood (``weights``: number of customers per row)."""
        return self._fit_transaction(frequency, recency, T, weights, initial_params, index)

    def conditional_probability_alive_matrix(self, max_frequency=None, max_recency=None):
        """P(alive) on the grid ``[recency, frequency]`` at age ``max_recency``. The cells with
        frequency 0 and recency > 0 are impossible histories: lifetimes evaluates its formula
        there anyway; here they are NaN (the Pareto/NBD likelihood is not defined for them)."""
        model = self._require()
        if max_frequency is None:
            max_frequency = int(self.data["frequency"].max())
        if max_recency is None:
            max_recency = int(self.data["T"].max())
        rec, freq = np.meshgrid(np.arange(max_recency + 1.0), np.arange(max_frequency + 1.0), indexing="ij")
        valid = ~((freq == 0) & (rec > 0))
        out = np.full(rec.shape, np.nan)
        age = np.full(int(valid.sum()), float(max_recency))
        out[valid] = model.probability_alive(column(freq[valid]), column(rec[valid]), age)
        return out

    def conditional_probability_of_n_purchases_up_to_time(self, n, t, frequency, recency, T):
        """P(exactly ``n`` purchases in ``(T, T + t]``) per customer."""
        model = self._require()

        def one(tt, f, r, a):
            return model.conditional_probability_of_n_purchases(int(n), tt, f, r, a)

        return per_horizon(one, t, frequency, recency, T)


class BetaGeoBetaBinomFitter(BaseFitter):
    """BG/BB (Fader, Hardie & Shang 2010), lifetimes' ``BetaGeoBetaBinomFitter``, for discrete
    transaction opportunities: ``n_periods`` opportunities, ``frequency`` of them taken,
    the last at ``recency``."""

    _kind = "bgbb"
    _param_names = ("alpha", "beta", "gamma", "delta")

    def fit(self, frequency, recency, n_periods, weights=None, initial_params=None, verbose=False, tol=1e-7, index=None, **kwargs):
        """Fits by maximum likelihood (``weights``: number of customers per row)."""
        return self._fit_transaction(frequency, recency, n_periods, weights, initial_params, index, t_name="n_periods")

    def conditional_expected_number_of_purchases_up_to_time(self, m_periods_in_future, frequency, recency, n_periods):
        """Expected transactions in the next ``m_periods_in_future`` opportunities."""
        model = self._require()
        return per_horizon(model.conditional_expected_purchases, m_periods_in_future, frequency, recency, n_periods)

    def conditional_probability_alive(self, m_periods_in_future, frequency, recency, n_periods):
        """Probability of being alive at opportunity ``n_periods + m_periods_in_future``."""
        model = self._require()
        return per_horizon(model.probability_alive_at, m_periods_in_future, frequency, recency, n_periods)

    def expected_number_of_transactions_in_first_n_periods(self, n):
        """Expected number of customers with each observed ``frequency`` after ``n``
        opportunities (DataFrame indexed by frequency, column ``model``)."""
        model = self._require()
        counts = self.data.groupby("frequency")["weights"].sum()
        x = np.asarray(counts.index, dtype=float)
        p = np.array([model.probability_of_purchases(float(n), float(k)) for k in x])
        return pd.DataFrame(p * counts.sum(), index=pd.Index(x, name="frequency"), columns=["model"])

    def conditional_probability_alive_matrix(self, max_frequency=None, max_recency=None):
        raise NotImplementedError("lifetimes' BetaGeoBetaBinomFitter has no probability-alive matrix")


class GammaGammaFitter(BaseFitter):
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005b), lifetimes' ``GammaGammaFitter``.

    Fitted on repeat customers only (``frequency > 0``, mean repeat spend ``> 0``); parameters
    ``p``, ``q``, ``v``.
    """

    _kind = "gamma-gamma"
    _param_names = ("p", "q", "v")

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, verbose=False, tol=1e-7, index=None, q_constraint=False, **kwargs):
        """Fits by maximum likelihood. ``q_constraint`` is accepted for compatibility; the
        fit is unconstrained, and a ``q <= 1`` estimate makes the expected spend infinite,
        which :meth:`conditional_expected_average_profit` reports as an error."""
        f, m = column(frequency), column(monetary_value)
        w = None if weights is None else column(weights)
        start = None if initial_params is None else [float(v) for v in np.asarray(initial_params).ravel()]
        model = _ltv.fit_gamma_gamma(f, m, w, penalizer=float(self.penalizer_coef), start=start)
        data = pd.DataFrame(
            {"monetary_value": m, "frequency": f, "weights": np.ones_like(f) if w is None else w},
            index=index,
        )
        return self._set_model(model, data)

    def conditional_expected_average_profit(self, frequency=None, monetary_value=None):
        """Expected average value per purchase of each customer (defaults: the fitted data)."""
        model = self._require()
        if monetary_value is None:
            monetary_value = self.data["monetary_value"]
        if frequency is None:
            frequency = self.data["frequency"]
        (f, m), shape, index = broadcast(frequency, monetary_value)
        return restore(model.conditional_expected_average_values(f, m), shape, index)

    def customer_lifetime_value(self, transaction_prediction_model, frequency, recency, T, monetary_value, time=12, discount_rate=0.01, freq="D"):
        """lifetimes' CLV: ``time`` months, ``discount_rate`` per month, ``freq`` the time unit
        the transaction model was fitted in (``"H"``, ``"D"``, ``"W"``, ``"M"``). Returns a
        Series named ``clv`` (index of ``frequency`` when it is a Series)."""
        self._require()
        months = _months(time)
        (f, r, t, m), shape, index = broadcast(frequency, recency, T, monetary_value)
        values = column(self.conditional_expected_average_profit(f, m))
        tm = getattr(transaction_prediction_model, "_model", None)
        if tm is None:
            clv = _clv_python(transaction_prediction_model, f, r, t, values, months, discount_rate, freq)
        else:
            clv = _ltv.customer_lifetime_value(tm, f, r, t, values, months, float(discount_rate), freq)
        if index is None:
            index = pd.RangeIndex(len(clv))
        return pd.Series(np.asarray(clv).reshape(shape), index=index, name="clv")

    def customer_lifetime_value_with_intervals(self, transaction_prediction_model, frequency, recency, T, monetary_value, time=12, discount_rate=0.01, freq="D", level=0.95):
        """CLV with delta-method intervals from both fits' covariances (not in lifetimes):
        DataFrame with ``clv``, ``std_error``, ``lower``, ``upper`` per customer."""
        months = _months(time)
        (f, r, t, m), shape, index = broadcast(frequency, recency, T, monetary_value)
        res = _ltv.customer_lifetime_value_with_intervals(
            transaction_prediction_model._require(), self._require(), f, r, t, m, months, float(discount_rate), freq, float(level)
        )
        return pd.DataFrame(res, index=index)


def _months(time):
    months = int(time)
    if months != time or months < 0:
        raise ValueError("time must be a whole number of months >= 0, got {!r}".format(time))
    return months


def _clv_python(model, frequency, recency, T, values, months, discount_rate, freq):
    """lifetimes' formula for transaction models that are not ltv fitters."""
    factor = {"W": 4.345, "M": 1.0, "D": 30, "H": 30 * 24}[freq]
    clv = np.zeros_like(values)
    for k in range(1, months + 1):
        step = model.predict(k * factor, frequency, recency, T) - model.predict((k - 1) * factor, frequency, recency, T)
        clv += values * np.asarray(step) / (1 + discount_rate) ** k
    return clv
