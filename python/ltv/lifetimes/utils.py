"""lifetimes-compatible utilities (``lifetimes.utils``) computed by the ltv crate.

Same names, arguments, defaults and return values as lifetimes 0.11.3: summaries are
DataFrames indexed by customer id (sorted, as lifetimes sorts them), float columns.

Supported ``freq``: ``"H"``/``"h"`` (hours), ``"D"`` (days), ``"W"`` (weeks ending on Sunday,
pandas' ``"W"``) and ``"M"`` (calendar months, which lifetimes 0.11.3 itself fails on); other
pandas offsets raise a ``ValueError``. Timestamps are taken on their wall clock (time-zone aware
columns are read in their own zone, as pandas' ``to_period`` does). Amounts must be finite and
``>= 0``; a bad row raises :class:`ltv.exceptions.DataError` naming it (rows are numbered from
1 in the order of ``transactions``).
"""

import numpy as np
import pandas as pd

from .. import _ltv
from ._arrays import column

__all__ = [
    "summary_data_from_transaction_data",
    "calibration_and_holdout_data",
    "expected_cumulative_transactions",
    "calculate_alive_path",
]

_FREQ = {"H": "h", "h": "h", "D": "D", "d": "D", "W": "W", "W-SUN": "W", "M": "M", "ME": "M"}


def _period(freq):
    try:
        return _FREQ[freq]
    except (KeyError, TypeError):
        raise ValueError(
            "freq {!r} is not supported: use 'H', 'D', 'W' (weeks ending on Sunday) or 'M'".format(freq)
        ) from None


def _seconds(values, datetime_format=None):
    """Seconds since 1970 on the wall clock; NaT becomes a sentinel the crate rejects by row."""
    dt = pd.to_datetime(pd.Series(values).reset_index(drop=True), format=datetime_format)
    if getattr(dt.dt, "tz", None) is not None:
        dt = dt.dt.tz_localize(None)
    ns = dt.values.astype("datetime64[ns]").view("int64")
    out = ns // 1_000_000_000
    out[dt.isna().values] = np.iinfo(np.int64).min
    return np.ascontiguousarray(out, dtype=np.int64)


def _one_second(value, datetime_format=None):
    ts = pd.to_datetime(value, format=datetime_format)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(ts.value // 1_000_000_000)


def _codes(ids):
    """Customer codes (0..n) with ids sorted as lifetimes sorts them."""
    codes, uniques = pd.factorize(ids, sort=False)
    order = None
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        # numpy sorts fixed-width unicode by code point, as Python compares str, and faster
        # than pandas sorts objects
        order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")
    else:
        try:
            order = np.argsort(np.asarray(uniques), kind="stable")
        except TypeError:  # ids of mixed types: keep the order of first appearance
            order = None
    if order is not None:
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], codes)
        uniques = uniques.take(order)
    return np.ascontiguousarray(codes, dtype=np.int64), uniques


def _amounts(transactions, monetary_value_col):
    if not monetary_value_col:
        return None
    return column(transactions[monetary_value_col])


def summary_data_from_transaction_data(
    transactions,
    customer_id_col,
    datetime_col,
    monetary_value_col=None,
    datetime_format=None,
    observation_period_end=None,
    freq="D",
    freq_multiplier=1,
    include_first_transaction=False,
):
    """Per-customer ``frequency``, ``recency``, ``T`` (and ``monetary_value``) in periods of
    ``freq`` (divided by ``freq_multiplier``), lifetimes' semantics: purchases in one period
    count once (amounts summed), transactions in periods after the observation end's period are
    left out, ``monetary_value`` is the mean of the repeat periods (0 without repeats)."""
    period = _period(freq)
    codes, uniques = _codes(transactions[customer_id_col])
    seconds = _seconds(transactions[datetime_col], datetime_format)
    end = None if observation_period_end is None else _one_second(observation_period_end, datetime_format)
    res = _ltv.summarise(
        codes,
        len(uniques),
        seconds,
        _amounts(transactions, monetary_value_col),
        period,
        end,
        bool(include_first_transaction),
    )
    order = np.argsort(res["code"], kind="stable")
    index = pd.Index(uniques.take(res["code"][order]), name=customer_id_col)
    out = pd.DataFrame(
        {
            "frequency": res["frequency"][order],
            "recency": res["recency"][order] / freq_multiplier,
            "T": res["T"][order] / freq_multiplier,
        },
        index=index,
    )
    if monetary_value_col:
        out["monetary_value"] = res["monetary_value"][order]
    return out.astype(float)


def calibration_and_holdout_data(
    transactions,
    customer_id_col,
    datetime_col,
    calibration_period_end,
    observation_period_end=None,
    freq="D",
    freq_multiplier=1,
    datetime_format=None,
    monetary_value_col=None,
    include_first_transaction=False,
):
    """Calibration summary (``*_cal``) with the holdout counts of the same customers
    (``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout``)."""
    period = _period(freq)
    codes, uniques = _codes(transactions[customer_id_col])
    seconds = _seconds(transactions[datetime_col], datetime_format)
    end = None if observation_period_end is None else _one_second(observation_period_end, datetime_format)
    res = _ltv.calibration_holdout(
        codes,
        len(uniques),
        seconds,
        _amounts(transactions, monetary_value_col),
        period,
        _one_second(calibration_period_end, datetime_format),
        end,
        bool(include_first_transaction),
    )
    order = np.argsort(res["code"], kind="stable")
    index = pd.Index(uniques.take(res["code"][order]), name=customer_id_col)
    cols = {
        "frequency_cal": res["frequency_cal"][order],
        "recency_cal": res["recency_cal"][order] / freq_multiplier,
        "T_cal": res["T_cal"][order] / freq_multiplier,
    }
    if monetary_value_col:
        cols["monetary_value_cal"] = res["monetary_value_cal"][order]
    cols["frequency_holdout"] = res["frequency_holdout"][order]
    if monetary_value_col:
        cols["monetary_value_holdout"] = res["monetary_value_holdout"][order]
    cols["duration_holdout"] = res["duration_holdout"][order] / freq_multiplier
    return pd.DataFrame(cols, index=index).astype(float)


def expected_cumulative_transactions(
    model,
    transactions,
    datetime_col,
    customer_id_col,
    t,
    datetime_format=None,
    freq="D",
    freq_multiplier=1,
    set_index_date=False,
):
    """Actual and model-expected cumulative repeat transactions over the first ``t`` periods
    of the log (lifetimes' tracking table: columns ``actual``, ``predicted``)."""
    period = _period(freq)
    t = int(t)
    codes, uniques = _codes(transactions[customer_id_col])
    seconds = _seconds(transactions[datetime_col], datetime_format)
    first, actual = _ltv.tracking(codes, len(uniques), seconds, period, t)
    fm = int(freq_multiplier)
    steps = t // fm
    rust_model = getattr(model, "_model", None)
    if fm == 1 and rust_model is not None:
        predicted = rust_model.expected_cumulative_transactions(first, t)
    else:
        starts, counts = np.unique(first, return_counts=True)
        predicted = []
        for i in range(fm, t + 1, fm):
            mask = starts < i
            times = (i - starts[mask]) / fm
            predicted.append(float(np.sum(np.asarray(model.expected_number_of_purchases_up_to_time(times)) * counts[mask])))
        predicted = np.asarray(predicted)
    actual = np.asarray(actual)[fm - 1 :: fm][:steps]
    if set_index_date:
        start = pd.to_datetime(transactions[datetime_col], format=datetime_format).min()
        date_periods = pd.date_range(start, periods=t + 1, freq=_pandas_freq(freq)).to_period(_pandas_freq(freq))
        index = date_periods[fm - 1 : -1 : fm]
    else:
        index = range(0, steps)
    return pd.DataFrame({"actual": actual, "predicted": np.asarray(predicted)[:steps]}, index=index)


def _pandas_freq(freq):
    return {"H": "h", "h": "h", "D": "D", "W": "W", "M": "M", "ME": "M"}.get(freq, freq)


def calculate_alive_path(model, transactions, datetime_col, t, freq="D"):
    """P(alive) of one customer (``transactions`` holds one customer's purchases) at each
    period from their first purchase to period ``t``."""
    times = pd.to_datetime(transactions[datetime_col])
    history = pd.Series(1, index=pd.DatetimeIndex(times)).resample(_pandas_freq(freq)).sum()
    bought = (history.values > 0).astype(int)
    extra = t + 1 - len(bought)
    if extra > 0:
        bought = np.append(bought, np.zeros(extra, dtype=int))
    age = np.arange(len(bought), dtype=float)
    frequency = np.cumsum(bought) - 1.0
    last = np.where(bought > 0, age, np.nan)
    recency = pd.Series(last).ffill().fillna(0.0).values
    return pd.Series(np.asarray(model.conditional_probability_alive(frequency, recency, age), dtype=float))
