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

__all__ = ["pipeline", "summary", "fit", "load_model", "attribute", "backtest", "campaign_report", "report_backtest", "to_pandas"]

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
             datetime_format=None, penalizer=0.0, exclude_nonpositive_spend=False):
    """Transaction table → summary → transaction model and Gamma-Gamma → CLV with intervals.

    Returns ``(table, models)``: a DataFrame indexed by customer with ``frequency``,
    ``recency``, ``T``, ``monetary_value``, ``p_alive``, ``expected_purchases`` (over
    ``horizon`` periods, default the CLV horizon), ``expected_average_value``, ``clv``,
    ``clv_lower``, ``clv_upper`` (the ``ltv pipeline`` command's columns), and a dict of the
    fitted models (``"transaction"``, ``"spend"``).

    A repeat customer whose mean repeat spend is not > 0 (refunds, free orders) is an error
    naming its row, as in ``ltv pipeline``; with ``exclude_nonpositive_spend=True`` such
    customers are left out of the Gamma-Gamma fit and their purchases valued at the
    population mean spend, as a customer without repeat purchases is.
    """
    s = summary(transactions, customer_col, time_col, amount_col, period=period,
                observation_end=observation_end, datetime_format=datetime_format)
    tm = fit(s, model=model, penalizer=penalizer)
    f, r, t, m = (np.ascontiguousarray(s[c].values, dtype=float) for c in ("frequency", "recency", "T", "monetary_value"))
    spend_f, spend_m = f.copy(), m.copy()
    bad = (f > 0) & ~(m > 0)
    if exclude_nonpositive_spend:
        spend_f[bad], spend_m[bad] = 0.0, 0.0
    elif bad.any():
        from .exceptions import DataError

        i = int(np.flatnonzero(bad)[0])
        err = DataError(
            "line {}, column `monetary_value`: invalid value `{}` (customer {}): the mean spend "
            "of a repeat customer must be finite and > 0 (the Gamma-Gamma model has no zero or "
            "negative spends; see exclude_nonpositive_spend)".format(i + 1, m[i], s.index[i])
        )
        err.kind, err.row, err.column, err.value = "InvalidField", i + 1, "monetary_value", str(m[i])
        raise err
    repeat = spend_f > 0
    gg = _fitters.GammaGammaFitter(penalizer_coef=penalizer).fit(spend_f[repeat], spend_m[repeat], index=s.index[repeat])
    per_month = {"H": 720.0, "h": 720.0, "D": 30.0, "W": 4.345, "M": 1.0}[period]
    if horizon is None:
        horizon = months * per_month
    out = s.copy()
    out["p_alive"] = tm._model.probability_alive(f, r, t)
    out["expected_purchases"] = tm._model.conditional_expected_purchases(float(horizon), f, r, t)
    out["expected_average_value"] = gg._model.conditional_expected_average_values(spend_f, spend_m)
    clv = _ltv.customer_lifetime_value_with_intervals(
        tm._model, gg._model, f, r, t, spend_m, int(months), float(discount_rate), period, float(level),
        spend_frequency=spend_f,
    )
    out["clv"] = clv["clv"]
    out["clv_lower"] = clv["lower"]
    out["clv_upper"] = clv["upper"]
    return out, {"transaction": tm, "spend": gg}

def attribute(matches, payments, method="pagerank", lookback_days=None, half_life_days=None,
              damping=0.85, tolerance=1e-10, minor_digits=2):
    """Revenue credit per user over a match graph (the ``ltv attribute`` command).

    ``matches``: table with ``user_a``, ``user_b``, ``time`` (and optionally ``weight``);
    ``payments``: ``user_id``, ``time``, ``amount`` (currency units, at most ``minor_digits``
    decimals). Times are dates/datetimes (UTC). ``method``: ``"pagerank"`` (revenue-seeded
    personalized PageRank over revenue-carrying matches), ``"shapley-shared"`` or
    ``"shapley-availability"``. Only matches made before a payment earn credit for it
    (``lookback_days`` / ``half_life_days`` limit and decay them).

    Returns a DataFrame indexed by ``user_id`` with ``paid`` and ``credit`` (currency units);
    credits add up exactly to the total revenue.
    """
    m = to_pandas(matches).copy()
    p = to_pandas(payments).copy()
    for df in (m, p):
        df["time"] = pd.to_datetime(df["time"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S")
    cols = ["user_a", "user_b", "time"] + (["weight"] if "weight" in m.columns else [])
    names, paid, credit = _ltv.attribute(
        m[cols].to_csv(index=False), p[["user_id", "time", "amount"]].to_csv(index=False),
        method=method, lookback_days=lookback_days, half_life_days=half_life_days,
        damping=float(damping), tolerance=float(tolerance), minor_digits=int(minor_digits),
    )
    scale = 10.0 ** minor_digits
    return pd.DataFrame(
        {"paid": np.asarray(paid) / scale, "credit": np.asarray(credit) / scale},
        index=pd.Index(names, name="user_id"),
    )


def backtest(transactions, customer_col, time_col, calibration_end, observation_end=None,
             amount_col=None, period="W", model="bgnbd", penalizer=0.0, datetime_format=None):
    """Fits ``model`` on the transactions up to ``calibration_end`` and compares its
    predicted purchases over the holdout window with what each customer actually bought.

    Returns ``(table, metrics, fitted)``: per customer the calibration summary, ``predicted``
    and ``actual`` holdout purchases (``frequency_holdout``); metrics: customers, total actual
    and predicted, their ratio, mean absolute error, RMSE, and the correlation.
    """
    from .lifetimes.utils import calibration_and_holdout_data

    ch = calibration_and_holdout_data(
        to_pandas(transactions), customer_col, time_col, calibration_end,
        observation_period_end=observation_end, freq=period, datetime_format=datetime_format,
        monetary_value_col=amount_col,
    )
    fitted = fit(ch.rename(columns={"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"}),
                 model=model, penalizer=penalizer)
    duration = float(ch["duration_holdout"].iloc[0])
    ch["predicted"] = fitted.conditional_expected_number_of_purchases_up_to_time(
        duration, ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    ch["actual"] = ch["frequency_holdout"]
    err = ch["predicted"] - ch["actual"]
    metrics = {
        "customers": int(len(ch)),
        "holdout_periods": duration,
        "actual_total": float(ch["actual"].sum()),
        "predicted_total": float(ch["predicted"].sum()),
        "predicted_over_actual": float(ch["predicted"].sum() / ch["actual"].sum()),
        "mae": float(err.abs().mean()),
        "rmse": float(np.sqrt((err ** 2).mean())),
        "correlation": float(np.corrcoef(ch["predicted"], ch["actual"])[0, 1]),
    }
    return ch, metrics, fitted


def campaign_report(costs, installs, transactions, as_of, timezone="UTC", currency="USD",
                    horizon_months=12, discount_rate=0.01, period="day",
                    group_by="network,campaign", model="bgnbd"):
    """The daily campaign report (``ltv report``): per campaign (``group_by`` levels) the
    cost, revenue to date and estimated lifetime revenue and ROAS of its users as of
    ``as_of`` (YYYY-MM-DD, in ``timezone``).

    Inputs use the command's default column names: ``costs`` ``date, network, campaign,
    cost`` (optional ``account``, ``ad``, ``currency``, ``impressions``, ``clicks``,
    ``installs``); ``installs`` ``user_id, install_time, network, campaign``;
    ``transactions`` ``user_id, time, amount``. Returns ``(rows, meta)``: a DataFrame of the
    report rows and the report's JSON metadata (fit status, model parameters, exclusions).
    This is a thin binding of the crate's report; its options beyond these are the command
    line's.
    """
    import io
    import json

    def csv(t):
        return to_pandas(t).to_csv(index=False)

    rows, doc = _ltv.campaign_report(
        csv(costs), csv(installs), csv(transactions), str(as_of), timezone=timezone,
        currency=currency, horizon_months=int(horizon_months), discount_rate=float(discount_rate),
        period=period, group_by=group_by, model=model,
    )
    meta = json.loads(doc)
    return pd.read_csv(io.StringIO(rows)), meta.get("meta", meta)


def report_backtest(costs, installs, transactions, as_of_dates, data_end, timezone="UTC",
                    currency="USD", horizon_months=12, discount_rate=0.01, period="day",
                    group_by="network,campaign", model="bgnbd"):
    """The campaign report replayed at each of ``as_of_dates`` and scored against the revenue
    that then arrived over the horizon (up to ``data_end``, the last day of data): the crate's
    ``report::backtest``. Inputs as :func:`campaign_report`.

    Returns ``(rows, by_date, overall)``: a DataFrame per as-of date and group (estimated and
    realised future revenue and ROAS, their errors), a DataFrame of scores per date (median
    absolute ROAS error, bias, share of group pairs ordered right) and the overall score.
    """
    import json

    def csv(t):
        return to_pandas(t).to_csv(index=False)

    doc = json.loads(_ltv.report_backtest(
        csv(costs), csv(installs), csv(transactions), [str(d)[:10] for d in as_of_dates],
        str(data_end)[:10], timezone=timezone, currency=currency,
        horizon_months=int(horizon_months), discount_rate=float(discount_rate), period=period,
        group_by=group_by, model=model,
    ))
    rows = pd.DataFrame(doc["rows"])
    by_date = pd.DataFrame([dict(score, as_of=d) for d, score in doc["by_date"]])
    if len(by_date):
        by_date = by_date.set_index("as_of")
    return rows, by_date, doc["overall"]
