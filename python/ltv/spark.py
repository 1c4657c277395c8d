"""ltv on Apache Spark (PySpark >= 3.5): the summary, compression, fit and valuation of
:mod:`ltv` when the transaction log lives in a cluster.

The four steps and where each runs:

1. :func:`rfm_summary` — the RFM summary as Spark DataFrame operations (GROUP BYs on the
   executors), equal row for row to the crate's summary (:func:`ltv.summary`): calendar periods
   with lifetimes' semantics, or exact times (``exact_times=True``), optionally from births.
2. :func:`compress` — identical summary rows merged with a count, on the cluster. A million
   customers compress to a few thousand rows.
3. :func:`fit` — compress on the cluster, collect the compressed rows, fit in Rust on the
   driver. Returns the fitter of :mod:`ltv.lifetimes` (``BetaGeoFitter``, ...) as
   :func:`ltv.fit` does.
4. :func:`predict` / :func:`clv` — per-customer P(alive), expected purchases, expected spend,
   CLV and its bounds, computed on the executors by the Rust code (``mapInArrow``), with the
   fitted models' JSON broadcast.

Times are read as wall-clock times (the session time zone's calendar for ``TimestampType``;
``DateType`` and ``TimestampNTZType`` as they are), to the second, as :func:`ltv.summary` reads
naive pandas datetimes. Periods: ``"H"``, ``"D"``, ``"W"`` (weeks starting on Monday, pandas'
``W-SUN``), ``"M"`` (calendar months; exact times use the average month of 30.436875 days).

Monetary values are summed in time order (``array_sort`` + ``aggregate``), lines at one second
in the order of the log (``monotonically_increasing_id``: the order of the input's partitions),
which is the order the crate sums them, so the floating-point results are identical, not
merely close.
"""

import datetime as _dt

import pandas as pd

from . import _ltv
from .native import _FITTERS

__all__ = ["rfm_summary", "compress", "fit", "predict", "clv"]

_PERIOD_SECONDS = {"H": 3600, "D": 86_400, "W": 7 * 86_400, "M": 2_629_746}
_PER_MONTH = {"H": 720.0, "D": 30.0, "W": 4.345, "M": 1.0}


def _F():
    from pyspark.sql import functions as F

    return F


def _check_period(period):
    if period not in _PERIOD_SECONDS:
        raise ValueError("period {!r} is not supported: use 'H', 'D', 'W' or 'M'".format(period))


def _wall_seconds(col):
    """Wall-clock seconds since 1970-01-01 of a date/timestamp column (floored to the second)."""
    F = _F()
    days = F.datediff(F.to_date(col), F.lit("1970-01-01").cast("date")).cast("long")
    return days * 86_400 + F.hour(col).cast("long") * 3600 + F.minute(col).cast("long") * 60 + F.second(col).cast("long")


def _period_index(col, seconds, period):
    """Index of the calendar period holding each time (the crate's ``Period::index``)."""
    F = _F()
    if period == "M":
        return (F.year(col) * 12 + F.month(col) - 1).cast("long")
    days = F.floor(seconds / F.lit(86_400)).cast("long")
    if period == "D":
        return days
    if period == "H":
        return F.floor(seconds / F.lit(3600)).cast("long")
    return F.floor((days + 3) / F.lit(7)).cast("long")  # W: 1970-01-05 is the first Monday


def _seconds_of(value):
    """Wall-clock seconds of one date/time (string, datetime, pandas Timestamp)."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(ts.value // 1_000_000_000)


def _index_of_seconds(s, period):
    if period == "M":
        d = _dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=s)
        return d.year * 12 + d.month - 1
    if period == "H":
        return s // 3600
    days = s // 86_400
    return days if period == "D" else (days + 3) // 7


def _ordered_sum(values):
    """Sum of an array column of ``struct(t, v)`` in time order (the crate's order)."""
    F = _F()
    return F.aggregate(F.array_sort(values), F.lit(0.0).cast("double"), lambda acc, x: acc + x["v"])


def rfm_summary(df, customer_col, time_col, amount_col=None, period="W", observation_end=None,
                births=None, birth_col=None, exact_times=False, include_first_transaction=False):
    """Per-customer ``frequency``, ``recency``, ``T`` (and ``monetary_value`` with
    ``amount_col``) as a Spark DataFrame, equal row for row to :func:`ltv.summary` (the crate's
    ``SummaryOptions``) on the same log.

    ``observation_end``: inclusive end of observation (default: the last transaction, which
    costs one aggregation job). ``births``: optional Spark DataFrame with ``customer_col`` and
    ``birth_col`` (default ``time_col``): each customer's time starts at its birth, purchases
    before the birth period (exact times: instant) are left out, customers born without
    buying get a row of zeros. ``exact_times``: recency and T in real periods between exact
    timestamps (the crate's ``SummaryOptions::exact_times``).

    Rows come in no particular order (the crate returns them in order of first appearance).
    """
    F = _F()
    _check_period(period)
    amount = F.col(amount_col).cast("double") if amount_col else F.lit(0.0).cast("double")
    tx = df.select(
        F.col(customer_col).alias("_c"),
        _wall_seconds(F.col(time_col)).alias("_s"),
        _period_index(F.col(time_col), _wall_seconds(F.col(time_col)), period).alias("_p"),
        amount.alias("_v"),
        F.monotonically_increasing_id().alias("_o"),  # log order: ties at one second
    )
    if observation_end is None:
        end = tx.agg(F.max("_s")).first()[0]
        if end is None:
            raise ValueError("the transaction log is empty")
    else:
        end = _seconds_of(observation_end)
    length = _PERIOD_SECONDS[period]
    e = _index_of_seconds(end, period)

    # one purchase per period (calendar) or per second (exact), amounts summed in time order
    unit = "_s" if exact_times else "_p"
    kept = tx.where(F.col("_s") <= end) if exact_times else tx.where(F.col("_p") <= e)
    purchases = kept.groupBy("_c", unit).agg(
        F.min("_s").alias("_s0"),
        _ordered_sum(F.collect_list(F.struct(F.col("_s").alias("t"), F.col("_o").alias("o"),
                                            F.col("_v").alias("v")))).alias("_v"),
    )
    if not exact_times:
        purchases = purchases.withColumnRenamed("_p", "_u")
    else:
        purchases = purchases.withColumn("_u", F.col("_s"))

    if births is not None:
        bcol = birth_col or time_col
        b = births.select(
            F.col(customer_col).alias("_c"),
            _wall_seconds(F.col(bcol)).alias("_bs"),
            _period_index(F.col(bcol), _wall_seconds(F.col(bcol)), period).alias("_bp"),
        )
        # origin unit: the birth's period (calendar) or second (exact)
        b = b.withColumn("_bu", F.col("_bs") if exact_times else F.col("_bp"))
        purchases = purchases.join(b, "_c", "left")
        before = F.col("_bu").isNotNull() & (F.col("_u") < F.col("_bu"))
        purchases = purchases.where(~before | F.col("_bu").isNull())
    else:
        purchases = purchases.withColumn("_bs", F.lit(None).cast("long")).withColumn("_bu", F.lit(None).cast("long"))

    per = purchases.groupBy("_c").agg(
        F.first("_bs", ignorenulls=True).alias("_bs"),
        F.first("_bu", ignorenulls=True).alias("_bu"),
        F.min("_u").alias("_first"),
        F.max("_u").alias("_last"),
        F.count(F.lit(1)).alias("_n"),
        F.array_sort(F.collect_list(F.struct(F.col("_u").alias("t"), F.col("_v").alias("v")))).alias("_vals"),
    )
    if births is not None:
        # customers born without a purchase in the window (or with purchases only before birth)
        never = b.join(per.select("_c"), "_c", "left_anti").select(
            "_c", "_bs", "_bu",
            F.lit(None).cast("long").alias("_first"), F.lit(None).cast("long").alias("_last"),
            F.lit(0).cast("long").alias("_n"),
            F.array_sort(F.array().cast("array<struct<t:bigint,v:double>>")).alias("_vals"),
        )
        per = per.unionByName(never)
    born = F.col("_bu").isNotNull()
    origin = F.when(born, F.col("_bu")).otherwise(F.col("_first"))  # in units (period or second)
    if exact_times:
        origin_s = origin
        keep_row = origin_s <= F.lit(end)
    else:
        keep_row = F.lit(e) >= origin
    per = per.where(keep_row)

    # counted purchases: all after the origin unit, and the origin's own unless it is the birth
    # of a customer without births (lifetimes does not count the first purchase)
    if exact_times:
        counts = lambda x: born | F.lit(bool(include_first_transaction)) | (x["t"] > origin)  # noqa: E731
    else:
        counts = lambda x: F.lit(bool(include_first_transaction)) | (x["t"] > origin)  # noqa: E731
    counted = F.filter(F.col("_vals"), counts)
    n = F.size(counted).cast("double")
    total = F.aggregate(counted, F.lit(0.0).cast("double"), lambda acc, x: acc + x["v"])
    if exact_times:
        recency = F.when(F.col("_last").isNull(), F.lit(0.0)).otherwise(
            (F.col("_last") - origin).cast("double") / F.lit(float(length)))
        t_age = (F.lit(end) - origin).cast("double") / F.lit(float(length))
    else:
        recency = F.when(F.col("_last").isNull(), F.lit(0.0)).otherwise((F.col("_last") - origin).cast("double"))
        t_age = (F.lit(e) - origin).cast("double")
    cols = [
        F.col("_c").alias(customer_col),
        n.alias("frequency"),
        recency.alias("recency"),
        t_age.alias("T"),
    ]
    if amount_col:
        cols.append(F.when(n > 0, total / n).otherwise(F.lit(0.0)).alias("monetary_value"))
    return per.select(*cols)


def compress(summary_df, columns=("frequency", "recency", "T")):
    """Identical summary rows merged, with their count in ``weight`` (on the cluster)."""
    F = _F()
    return summary_df.groupBy(*columns).agg(F.count(F.lit(1)).cast("double").alias("weight"))


def fit(summary_df, model="bgnbd", penalizer=0.0, **kwargs):
    """Fits ``model`` (``bgnbd``, ``mbgnbd``, ``pareto-nbd``, ``gamma-gamma``) on a Spark summary:
    compresses on the cluster, collects the compressed rows to the driver and fits them in Rust
    (weighted likelihood). Returns the :mod:`ltv.lifetimes` fitter, as :func:`ltv.fit`.

    Gamma-Gamma uses the repeat customers (``frequency > 0``) with their ``monetary_value``.
    Extra keyword arguments go to the fitter's ``fit`` (``tol``, ...)."""
    F = _F()
    try:
        cls = _FITTERS[model]
    except KeyError:
        raise ValueError("unknown model {!r} (one of {})".format(model, ", ".join(_FITTERS))) from None
    if model == "bgbb":
        raise ValueError("bgbb needs n_periods; fit it with ltv.fit on a collected summary")
    fitter = cls(penalizer_coef=penalizer)
    if model == "gamma-gamma":
        c = compress(summary_df.where(F.col("frequency") > 0), ("frequency", "monetary_value")).toPandas()
        c = c.sort_values(["frequency", "monetary_value"], kind="stable").reset_index(drop=True)
        return fitter.fit(c["frequency"], c["monetary_value"], weights=c["weight"].values, **kwargs)
    c = compress(summary_df).toPandas()
    c = c.sort_values(["frequency", "recency", "T"], kind="stable").reset_index(drop=True)
    return fitter.fit(c["frequency"], c["recency"], c["T"], weights=c["weight"].values, **kwargs)


def _broadcast(spark_df, fitted):
    sc = spark_df.sparkSession.sparkContext
    return sc.broadcast(None if fitted is None else fitted._model.to_json())


def predict(summary_df, fitted, horizon, spend=None):
    """Adds ``p_alive`` and ``expected_purchases`` (over ``horizon`` periods) to each summary
    row, computed on the executors by the Rust models (``mapInArrow``, model JSON broadcast).
    With a fitted Gamma-Gamma ``spend`` also ``expected_average_value`` (repeat customers with
    a mean spend > 0 by their own purchases, the others at the population mean)."""
    import pyarrow as pa
    from pyspark.sql.types import DoubleType, StructField, StructType

    tm_b = _broadcast(summary_df, fitted)
    gg_b = _broadcast(summary_df, spend)
    horizon = float(horizon)
    has_m = "monetary_value" in summary_df.columns
    new = ["p_alive", "expected_purchases"] + (["expected_average_value"] if spend is not None else [])
    schema = StructType(summary_df.schema.fields + [StructField(c, DoubleType()) for c in new])

    def run(batches):
        import numpy as np

        tm = _ltv.Model.from_json(tm_b.value)
        gg = None if gg_b.value is None else _ltv.Model.from_json(gg_b.value)
        for batch in batches:
            f, r, t = (np.ascontiguousarray(batch.column(c).to_numpy(zero_copy_only=False), dtype=float)
                       for c in ("frequency", "recency", "T"))
            cols = list(batch.columns) + [
                pa.array(tm.probability_alive(f, r, t)),
                pa.array(tm.conditional_expected_purchases(horizon, f, r, t)),
            ]
            if gg is not None:
                m = np.ascontiguousarray(batch.column("monetary_value").to_numpy(zero_copy_only=False), dtype=float)
                sf, sm = _spend_inputs(f, m)
                cols.append(pa.array(gg.conditional_expected_average_values(sf, sm)))
            yield pa.RecordBatch.from_arrays(cols, names=list(batch.schema.names) + new)

    if spend is not None and not has_m:
        raise ValueError("expected_average_value needs a monetary_value column")
    return summary_df.mapInArrow(run, schema)


def _spend_inputs(f, m):
    """Frequency and mean spend the spend model sees: customers whose mean spend is not > 0
    (refunds, free orders) are valued at the population mean, as ``exclude_nonpositive_spend``
    in :func:`ltv.pipeline`."""
    sf, sm = f.copy(), m.copy()
    bad = (f > 0) & ~(m > 0)
    sf[bad], sm[bad] = 0.0, 0.0
    return sf, sm


def clv(summary_df, fitted, spend, months=12, discount_rate=0.01, period="W", level=0.95, horizon=None):
    """The columns of :func:`ltv.pipeline` on Spark: ``p_alive``, ``expected_purchases`` (over
    ``horizon`` periods, default the CLV horizon), ``expected_average_value``, ``clv``,
    ``clv_lower``, ``clv_upper`` (delta-method bounds at ``level``), per customer on the
    executors. ``fitted``: transaction model, ``spend``: Gamma-Gamma (both fitted, so with
    covariances). Customers whose mean spend is not > 0 are valued at the population mean
    spend (``exclude_nonpositive_spend=True`` in :func:`ltv.pipeline`)."""
    import pyarrow as pa
    from pyspark.sql.types import DoubleType, StructField, StructType

    _check_period(period)
    if "monetary_value" not in summary_df.columns:
        raise ValueError("clv needs a monetary_value column (rfm_summary with amount_col)")
    tm_b = _broadcast(summary_df, fitted)
    gg_b = _broadcast(summary_df, spend)
    months, discount_rate, level = int(months), float(discount_rate), float(level)
    horizon = float(months * _PER_MONTH[period] if horizon is None else horizon)
    new = ["p_alive", "expected_purchases", "expected_average_value", "clv", "clv_lower", "clv_upper"]
    schema = StructType(summary_df.schema.fields + [StructField(c, DoubleType()) for c in new])

    def run(batches):
        import numpy as np

        tm = _ltv.Model.from_json(tm_b.value)
        gg = _ltv.Model.from_json(gg_b.value)
        for batch in batches:
            f, r, t, m = (np.ascontiguousarray(batch.column(c).to_numpy(zero_copy_only=False), dtype=float)
                          for c in ("frequency", "recency", "T", "monetary_value"))
            sf, sm = _spend_inputs(f, m)
            v = _ltv.customer_lifetime_value_with_intervals(
                tm, gg, f, r, t, sm, months, discount_rate, period, level, spend_frequency=sf)
            cols = list(batch.columns) + [
                pa.array(tm.probability_alive(f, r, t)),
                pa.array(tm.conditional_expected_purchases(horizon, f, r, t)),
                pa.array(gg.conditional_expected_average_values(sf, sm)),
                pa.array(np.asarray(v["clv"])),
                pa.array(np.asarray(v["lower"])),
                pa.array(np.asarray(v["upper"])),
            ]
            yield pa.RecordBatch.from_arrays(cols, names=list(batch.schema.names) + new)

    return summary_df.mapInArrow(run, schema)
