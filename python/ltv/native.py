"""The native Python API: from a transaction table to per-customer CLV in one call.

Times are in the summary's period everywhere (``period="W"``: weeks); CLV horizons are in
months and discount rates per month, converted with lifetimes' periods-per-month constants
(30 days, 4.345 weeks).
"""

import numpy as np
import pandas as pd

from . import _ltv
from .lifetimes import fitters as _fitters
from .lifetimes.utils import summary_data_from_transaction_data

__all__ = ["pipeline", "summary", "fit", "load_model", "to_pandas"]

_FITTERS = {
    "bgnbd": _fitters.BetaGeoFitter,
    "mbgnbd": _fitters.ModifiedBetaGeoFitter,
    "pareto-nbd": _fitters.ParetoNBDFitter,
    "bgbb": _fitters.BetaGeoBetaBinomFitter,
    "gamma-gamma": _fitters.GammaGammaFitter,
}


def to_pandas(table):
    """A pandas DataFrame from a DataFrame, an Arrow table or any object exporting the Arrow
    PyCapsule stream interface (``__arrow_c_stream__``: polars, DuckDB, pyarrow, ...)."""
    if isinstance(table, pd.DataFrame):
        return table
    if hasattr(table, "__arrow_c_stream__"):
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("reading Arrow tables needs pyarrow (pip install pyarrow)") from e
        return pa.table(table).to_pandas()
    if hasattr(table, "to_pandas"):
        return table.to_pandas()
    return pd.DataFrame(table)


def summary(transactions, customer_col, time_col, amount_col=None, period="W", observation_end=None,
            datetime_format=None, include_first_transaction=False):
    """Per-customer frequency / recency / T (and monetary_value) in ``period``s
    (``"H"``, ``"D"``, ``"W"``, ``"M"``), indexed by customer id."""
    return summary_data_from_transaction_data(
        to_pandas(transactions), customer_col, time_col, monetary_value_col=amount_col,
        datetime_format=datetime_format, observation_period_end=observation_end, freq=period,
        include_first_transaction=include_first_transaction,
    )


def fit(summary, model="bgnbd", penalizer=0.0, weights=None):
    """Fits ``model`` (``bgnbd``, ``mbgnbd``, ``pareto-nbd``, ``bgbb``, ``gamma-gamma``) on a
    summary DataFrame (``frequency``, ``recency``, ``T`` or ``n_periods``; Gamma-Gamma:
    ``frequency``, ``monetary_value`` of repeat customers). Returns the lifetimes-compatible
    fitter."""
    try:
        cls = _FITTERS[model]
    except KeyError:
        raise ValueError("unknown model {!r} (one of {})".format(model, ", ".join(_FITTERS))) from None
    s = to_pandas(summary)
    fitter = cls(penalizer_coef=penalizer)
    if model == "gamma-gamma":
        return fitter.fit(s["frequency"], s["monetary_value"], weights=weights, index=s.index)
    t = s["n_periods"] if model == "bgbb" else s["T"]
    return fitter.fit(s["frequency"], s["recency"], t, weights=weights, index=s.index)


def load_model(path):
    """Reads a model saved by ``save_model`` or ``ltv fit --output`` (the crate's JSON) into the
    matching lifetimes-compatible fitter."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    kind = _ltv.Model.from_json(text).kind
    return _FITTERS[kind].from_json(text)


def pipeline(transactions, customer_col, time_col, amount_col, period="W", observation_end=None,
             months=12, discount_rate=0.01, model="bgnbd", level=0.95, horizon=None,
             datetime_format=None, penalizer=0.0):
    """Transaction table → summary → transaction model and Gamma-Gamma → CLV with intervals.

    Returns ``(table, models)``: a DataFrame indexed by customer with ``frequency``,
    ``recency``, ``T``, ``monetary_value``, ``p_alive``, ``expected_purchases`` (over
    ``horizon`` periods, default the CLV horizon), ``expected_average_value``, ``clv``,
    ``clv_lower``, ``clv_upper`` (the ``ltv pipeline`` command's columns), and a dict of the
    fitted models (``"transaction"``, ``"spend"``).
    """
    s = summary(transactions, customer_col, time_col, amount_col, period=period,
                observation_end=observation_end, datetime_format=datetime_format)
    tm = fit(s, model=model, penalizer=penalizer)
    repeat = s[s["frequency"] > 0]
    gg = fit(repeat, model="gamma-gamma", penalizer=penalizer)
    per_month = {"H": 720.0, "h": 720.0, "D": 30.0, "W": 4.345, "M": 1.0}[period]
    if horizon is None:
        horizon = months * per_month
    f, r, t, m = (np.ascontiguousarray(s[c].values, dtype=float) for c in ("frequency", "recency", "T", "monetary_value"))
    out = s.copy()
    out["p_alive"] = tm._model.probability_alive(f, r, t)
    out["expected_purchases"] = tm._model.conditional_expected_purchases(float(horizon), f, r, t)
    out["expected_average_value"] = gg._model.conditional_expected_average_values(f, m)
    clv = _ltv.customer_lifetime_value_with_intervals(
        tm._model, gg._model, f, r, t, m, int(months), float(discount_rate), period, float(level)
    )
    out["clv"] = clv["clv"]
    out["clv_lower"] = clv["lower"]
    out["clv_upper"] = clv["upper"]
    return out, {"transaction": tm, "spend": gg}
