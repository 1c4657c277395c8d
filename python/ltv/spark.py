"""ltv on Apache Spark (PySpark >= 3.5): the summary, compression, fit and valuation of
:mod:`ltv` when the transaction log lives in a cluster.

The four steps and where each runs:

1. :func:`rfm_summary` — the RFM summary as Spark DataFrame operations on the executors (one
   shuffle by customer, one sort, window sums), equal row for row to the crate's summary
   (:func:`ltv.summary`): calendar periods with lifetimes' semantics, or exact times
   (``exact_times=True``), optionally from births.
2. :func:`compress` — identical summary rows merged with a count, on the cluster. A million
   customers compress to a few thousand rows.
3. :func:`fit` — compress on the cluster, collect the compressed rows, fit in Rust on the
   driver. Returns the fitter of :mod:`ltv.lifetimes` (``BetaGeoFitter``, ...) as
   :func:`ltv.fit` does.
4. :func:`predict` / :func:`clv` — per-customer P(alive), expected purchases, expected spend,
   CLV and its bounds, computed on the executors by the Rust code (``mapInArrow``), with the
   fitted models' JSON broadcast.
5. :func:`report` — the campaign report (``ltv report`` with its pooled model step) from
   installs, payments and costs tables: users and their summary in Spark SQL, the two fits on
   the driver from compressed patterns, each user's value and its gradient on the executors
   (``mapInArrow``), the GROUP BY per campaign in Spark SQL, the delta-method bounds on the
   driver. Equal to :func:`ltv.campaign_report` within 1e-9 relative.

Times are read as wall-clock times (the session time zone's calendar for ``TimestampType``;
``DateType`` and ``TimestampNTZType`` as they are), to the second, as :func:`ltv.summary` reads
naive pandas datetimes. Periods: ``"H"``, ``"D"``, ``"W"`` (weeks starting on Monday, pandas'
``W-SUN``), ``"M"`` (calendar months; exact times use the average month of 30.436875 days).

Monetary values are summed in time order (window sums over rows sorted by customer, period,
second and log order: Spark folds a window frame row by row in that order), lines at one
second in the order of the log (``monotonically_increasing_id``: the order of the input's
partitions), which is the order the crate sums them, so the floating-point results are
identical, not merely close.

Performance notes (``python/benches/spark_scaling.txt``): no per-customer arrays and no Python
in the summary and the report's users (Spark interprets array lambdas row by row); calls
into Rust from ``mapInArrow`` get batches of at least 262,144 rows (:data:`_CALL_ROWS`); for
``local[N]`` set ``spark.sql.shuffle.partitions`` to a few per core per million customers
rather than the default 200.
"""

import datetime as _dt

import pandas as pd

from . import _ltv
from .native import _FITTERS

__all__ = ["rfm_summary", "compress", "fit", "predict", "clv", "report"]

_PERIOD_SECONDS = {"H": 3600, "D": 86_400, "W": 7 * 86_400, "M": 2_629_746}
_PER_MONTH = {"H": 720.0, "D": 30.0, "W": 4.345, "M": 1.0}


def _F():
    from pyspark.sql import functions as F

    return F


def _check_period(period):
    if period not in _PERIOD_SECONDS:
        raise ValueError("period {!r} is not supported: use 'H', 'D', 'W' or 'M'".format(period))


def _wall_seconds(col):
    """Wall-clock seconds since 1970-01-01 of a date/timestamp column (floored to the second):
    the session time zone's wall clock for ``TimestampType``, dates at midnight."""
    F = _F()
    ntz = col.cast("timestamp_ntz")
    s = F.unix_timestamp(ntz)  # truncated toward zero: right from 1970-01-01 00:00:01 on
    # before that a fraction of a second would round up: floor it from the calendar fields
    days = F.datediff(F.to_date(ntz), F.lit("1970-01-01").cast("date")).cast("long")
    floored = (days * 86_400 + F.hour(ntz).cast("long") * 3600 + F.minute(ntz).cast("long") * 60
               + F.second(ntz).cast("long"))
    return F.when(s > 0, s).otherwise(floored)


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


def rfm_summary(df, customer_col, time_col, amount_col=None, period="W", observation_end=None,
                births=None, birth_col=None, exact_times=False, include_first_transaction=False,
                observation_end_exclusive=None):
    """Per-customer ``frequency``, ``recency``, ``T`` (and ``monetary_value`` with
    ``amount_col``) as a Spark DataFrame, equal row for row to :func:`ltv.summary` (the crate's
    ``SummaryOptions``) on the same log.

    ``observation_end``: inclusive end of observation (default: the last transaction, which
    costs one aggregation job). ``observation_end_exclusive``: instead, a cut: transactions at
    it or later are left out, exact-time T runs to the cut (the crate's
    ``SummaryOptions::observation_end_exclusive``; for calendar periods the same as an
    inclusive end one second earlier). "Through the end of day D" is the next midnight.
    ``births``: optional Spark DataFrame with ``customer_col`` and ``birth_col`` (default
    ``time_col``), one row per customer: each customer's time starts at its birth, purchases
    before the birth period (exact times: instant) are left out, customers born without buying
    get a row of zeros. ``exact_times``: recency and T in real periods between exact timestamps
    (the crate's ``SummaryOptions::exact_times``).

    How it runs: the log (and the births, as rows without an amount) is shuffled once by
    customer and sorted once by (customer, purchase unit, second, log order); window passes
    over that order sum each purchase's lines and then each customer's counted purchases, in
    time order, which is the crate's order, so the sums are identical, not merely close. No
    per-customer arrays, no Python on the executors.

    Rows come in no particular order (the crate returns them in order of first appearance).
    """
    from pyspark.sql import Window

    F = _F()
    _check_period(period)
    if observation_end is not None and observation_end_exclusive is not None:
        raise ValueError("give observation_end or observation_end_exclusive, not both")
    amount = F.col(amount_col).cast("double") if amount_col else F.lit(0.0).cast("double")
    secs = _wall_seconds(F.col(time_col))
    # _u: the purchase unit, a calendar period's index or (exact times) the second
    tx = df.select(
        F.col(customer_col).alias("_c"),
        secs.alias("_s"),
        (secs if exact_times else _period_index(F.col(time_col), secs, period)).alias("_u"),
        amount.alias("_v"),
        F.monotonically_increasing_id().alias("_o"),  # log order: ties at one second
    )
    if observation_end_exclusive is not None:
        # the last observed second; exact-time T runs to the cut itself
        t_end = _seconds_of(observation_end_exclusive)
        end = t_end - 1
    elif observation_end is None:
        end = tx.agg(F.max("_s")).first()[0]
        if end is None:
            raise ValueError("the transaction log is empty")
        t_end = end
    else:
        end = _seconds_of(observation_end)
        t_end = end
    length = _PERIOD_SECONDS[period]
    e = end if exact_times else _index_of_seconds(end, period)
    tx = tx.where(F.col("_u") <= F.lit(e)).withColumn("_bu", F.lit(None).cast("long"))

    if births is not None:
        # a birth is a row without a purchase unit, carrying the birth's unit
        bcol = F.col(birth_col or time_col)
        bsecs = _wall_seconds(bcol)
        b = births.select(
            F.col(customer_col).alias("_c"),
            F.lit(None).cast("long").alias("_s"),
            F.lit(None).cast("long").alias("_u"),
            F.lit(None).cast("double").alias("_v"),
            F.lit(None).cast("long").alias("_o"),
            (bsecs if exact_times else _period_index(bcol, bsecs, period)).alias("_bu"),
        )
        tx = tx.unionByName(b)

    # one order for every window: customer, unit, second, log order
    full = (Window.unboundedPreceding, Window.unboundedFollowing)
    by_c = Window.partitionBy("_c").orderBy("_u", "_s", "_o")
    by_cu = Window.partitionBy("_c", "_u").orderBy("_s", "_o")
    # each row carries its customer's birth unit (null: no birth)
    bu = F.col("_bu") if births is None else F.max("_bu").over(by_c.rowsBetween(*full)).alias("_bu")
    # 1. one row per purchase unit, its lines' amounts summed in time order
    units = tx.repartition("_c").select(
        "_c", "_u", bu,
        F.sum("_v").over(by_cu.rowsBetween(*full)).alias("_v"),
        F.row_number().over(by_cu).alias("_k"),
    ).where(F.col("_k") == 1)
    born = F.col("_bu").isNotNull()
    # a unit before the birth (and the birth's own row) is no purchase
    valid = F.col("_u").isNotNull() & (~born | (F.col("_u") >= F.col("_bu")))
    by_cu2 = Window.partitionBy("_c").orderBy("_u")
    units = units.select("_c", "_u", "_v", "_bu", valid.alias("_ok"), F.row_number().over(by_cu2).alias("_k"))
    # counted purchases: all after the origin unit, and the origin's own unless it is the first
    # purchase of a customer without a birth (lifetimes does not count the first purchase)
    if include_first_transaction:
        counted = F.col("_ok")
    elif exact_times:
        counted = F.col("_ok") & (born | (F.col("_k") > 1))
    else:
        counted = F.col("_ok") & F.when(born, F.col("_u") > F.col("_bu")).otherwise(F.col("_k") > 1)
    w = by_cu2.rowsBetween(*full)
    per = units.select(
        "_c", "_bu", "_k",
        F.min(F.when(F.col("_ok"), F.col("_u"))).over(w).alias("_first"),
        F.max(F.when(F.col("_ok"), F.col("_u"))).over(w).alias("_last"),
        F.count(F.when(counted, F.lit(1))).over(w).alias("_n"),
        F.sum(F.when(counted, F.col("_v"))).over(w).alias("_total"),  # in unit order
    ).where(F.col("_k") == 1)
    origin = F.coalesce(F.col("_bu"), F.col("_first"))  # in units (period or second)
    per = per.where(origin <= F.lit(e))
    n = F.col("_n").cast("double")
    if exact_times:
        recency = F.when(F.col("_last").isNull(), F.lit(0.0)).otherwise(
            (F.col("_last") - origin).cast("double") / F.lit(float(length)))
        t_age = (F.lit(t_end) - origin).cast("double") / F.lit(float(length))
    else:
        recency = F.when(F.col("_last").isNull(), F.lit(0.0)).otherwise((F.col("_last") - origin).cast("double"))
        t_age = (F.lit(e) - origin).cast("double")
    out = [F.col("_c").alias(customer_col), n.alias("frequency"), recency.alias("recency"), t_age.alias("T")]
    if amount_col:
        out.append(F.when(F.col("_n") > 0, F.col("_total") / n).otherwise(F.lit(0.0)).alias("monetary_value"))
    return per.select(*out)


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


#: Rows per call into the Rust code on the executors. Spark hands ``mapInArrow`` batches of
#: ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows (10,000 by default); the valuation with
#: bounds has a fixed cost per call (about 35 ms), so batches are merged up to this many rows.
_CALL_ROWS = 262_144


def _rebatch(batches, rows=_CALL_ROWS):
    """Arrow record batches merged into batches of at least ``rows`` rows (the last one may be
    smaller), in their order."""
    import pyarrow as pa

    pending, n = [], 0
    for batch in batches:
        pending.append(batch)
        n += batch.num_rows
        if n >= rows:
            yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]
            pending, n = [], 0
    if n:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]


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
        for batch in _rebatch(batches):
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
        for batch in _rebatch(batches):
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


# ---------------------------------------------------------------------------------------------
# The campaign report on Spark
# ---------------------------------------------------------------------------------------------

_LEVELS = ("network", "campaign")


def _report_users(installs_df, payments_df, cut, period, user_col="user_id", install_time_col="install_time",
                  time_col="time", amount_col="amount"):
    """One row per report user (the crate's ``ReportUsers`` + ``report_summary``): placement,
    revenue to date and the RFM summary at the cut, every user born at install."""
    from pyspark.sql import Window

    from pyspark.sql.types import ByteType, IntegerType, LongType, ShortType

    F = _F()
    # users are matched by id as text (the crate reads ids as strings); integer ids on both
    # sides match the same way as integers, which hash and sort faster than their text
    integral = (ByteType, ShortType, IntegerType, LongType)
    key = "long" if all(isinstance(d.schema[user_col].dataType, integral)
                        for d in (installs_df, payments_df)) else "string"
    inst = installs_df.select(
        F.col(user_col).cast(key).alias("_u"),
        _wall_seconds(F.col(install_time_col)).alias("_t"),
        F.trim(F.coalesce(F.col("network").cast("string"), F.lit(""))).alias("_net"),
        F.trim(F.coalesce(F.col("campaign").cast("string"), F.lit(""))).alias("_camp"),
        F.monotonically_increasing_id().alias("_o"),
    ).where(F.col("_t") < F.lit(cut))
    organic_net = (F.col("_net") == "") | (F.lower(F.col("_net")) == "organic")
    inst = inst.select(
        "_u", "_t", "_o",
        F.when(organic_net, F.lit("organic")).otherwise(F.col("_net")).alias("_net"),
        F.when(organic_net, F.lit("organic")).otherwise(F.col("_camp")).alias("_camp"),
    )
    # each user's first install (ties: the earlier row)
    first = inst.groupBy("_u").agg(F.min(F.struct("_t", "_o", "_net", "_camp")).alias("_i")).select(
        "_u", F.col("_i._t").alias("_install"), F.col("_i._net").alias("network"),
        F.col("_i._camp").alias("campaign"))
    pay = payments_df.select(
        F.col(user_col).cast(key).alias("_u"),
        _wall_seconds(F.col(time_col)).alias("_s"),
        F.col(amount_col).cast("double").alias("_v"),
        F.monotonically_increasing_id().alias("_o"),
    ).where(F.col("_s") < F.lit(cut))
    days = F.floor(F.col("_s") / F.lit(86_400)).cast("long")
    pay = pay.withColumn("_p", days if period == "day" else F.floor((days + 3) / F.lit(7)).cast("long"))
    # per payer, in time order (a window over one shuffle and one sort, no arrays): revenue
    # summed in the crate's order, the first payment, the distinct periods paid in, the last
    by_u = Window.partitionBy("_u").orderBy("_s", "_o")
    full = by_u.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    prev = F.lag("_p").over(by_u)
    paid = pay.repartition("_u").select(
        "_u", "_s", "_o", "_p",
        F.sum("_v").over(full).alias("_rev"),
        F.row_number().over(by_u).alias("_k"),
        F.when(prev.isNull() | (prev != F.col("_p")), F.lit(1)).otherwise(F.lit(0)).alias("_new"),
    ).select(
        "_u", "_k", "_rev", F.col("_s").alias("_first_pay"),
        F.sum("_new").over(full).alias("_periods"),
        F.max("_p").over(full).alias("_last_pay"),
    ).where(F.col("_k") == 1)
    users = first.join(paid, "_u", "full_outer")
    organic = F.col("_install").isNull()
    birth = F.when(organic, F.col("_first_pay")).otherwise(
        F.least(F.col("_install"), F.coalesce(F.col("_first_pay"), F.col("_install"))))
    bdays = F.floor(birth / F.lit(86_400)).cast("long")
    born = bdays if period == "day" else F.floor((bdays + 3) / F.lit(7)).cast("long")
    total = F.coalesce(F.col("_rev"), F.lit(0.0).cast("double"))
    periods = F.coalesce(F.col("_periods"), F.lit(0)).cast("double")
    last = F.greatest(born, F.col("_last_pay"))  # greatest skips a null (no payment)
    end_days = (cut - 1) // 86_400
    e = end_days if period == "day" else (end_days + 3) // 7
    users = users.select(
        F.col("_u").alias("user_id"),
        F.when(organic, F.lit("organic")).otherwise(F.col("network")).alias("network"),
        F.when(organic, F.lit("organic")).otherwise(F.col("campaign")).alias("campaign"),
        born.alias("_born"), total.alias("revenue_to_date"),
        periods.alias("frequency"), last.alias("_last"),
    ).select(
        "user_id", "network", "campaign", "revenue_to_date", "frequency",
        (F.col("_last") - F.col("_born")).cast("double").alias("recency"),
        (F.lit(e) - F.col("_born")).cast("double").alias("T"),
        F.when(F.col("frequency") > 0, F.col("revenue_to_date") / F.col("frequency"))
         .otherwise(F.lit(0.0)).alias("monetary_value"),
    )
    return users


def _fit_report_models(users_df, model):
    """The report's two fits on the driver from patterns compressed on the cluster (the
    crate's ``BuyTillYouDieValue``: the transaction model on every user's (frequency,
    recency, T), Gamma-Gamma on the users with a purchase of positive value)."""
    import numpy as np

    from .exceptions import ConvergenceError

    F = _F()
    notes = []

    def fit_with_fallback(fit, what):
        # as the crate: a fit that stalls just short of its tolerance is used and reported
        try:
            return fit(True)
        except ConvergenceError as err:
            fitted = fit(False)
            rec = dict(fitted.fit_info() or {})
            if not rec.get("gradient_norm", float("inf")) < 1e-4:  # the crate's LOOSE_TOLERANCE
                raise
            rec.pop("covariance_note", None)
            notes.append({"fit": "pooled", "model": what, "error": str(err), "record": rec})
            return fitted

    c = compress(users_df).toPandas().sort_values(["frequency", "recency", "T"], kind="stable")
    f, r, t, w = (np.ascontiguousarray(c[k].values, dtype=float) for k in ("frequency", "recency", "T", "weight"))
    tm = fit_with_fallback(
        lambda strict: _ltv.fit_transaction_model(model, f, r, t, weights=w, require_convergence=strict), model)
    payers = users_df.where((F.col("frequency") > 0) & (F.col("monetary_value") > 0))
    g = compress(payers, ("frequency", "monetary_value")).toPandas().sort_values(
        ["frequency", "monetary_value"], kind="stable")
    if not len(g):
        raise ValueError("gamma-gamma: no user has a purchase with a positive amount up to the as-of date")
    gf, gm, gw = (np.ascontiguousarray(g[k].values, dtype=float) for k in ("frequency", "monetary_value", "weight"))
    gg = fit_with_fallback(
        lambda strict: _ltv.fit_gamma_gamma(gf, gm, weights=gw, require_convergence=strict), "gamma-gamma")
    q = gg.params[1]
    if not q > 1.0:
        raise ValueError("gamma-gamma: q = {} <= 1: the mean spend p·v/(q−1) does not exist".format(q))
    return tm, gg, notes, int(c["weight"].sum()), len(c)


def report(installs_df, payments_df, costs_df, as_of, model="bgnbd", horizon_months=12,
           discount_rate=0.0, period="day", group_by="network,campaign", currency="USD",
           interval_level=0.95, user_col="user_id", install_time_col="install_time",
           time_col="time", amount_col="amount", cost_col="cost", date_col="date"):
    """The campaign report (``ltv report`` / :func:`ltv.campaign_report` with its pooled
    ``bgnbd`` model step) when its inputs are Spark tables.

    Where each step runs:

    1. **users** (executors, Spark SQL): each user's first install before the end of the
       as-of day, organic payers, revenue to date and the report's RFM summary (born at
       install, ``period`` ``"day"`` or ``"week"``), as the crate's ``ReportUsers`` and
       ``report_summary``;
    2. **fits** (driver): the users' (frequency, recency, T) and the payers' (frequency,
       monetary value) compressed on the cluster, collected and fitted in Rust
       (``model``: ``bgnbd``, ``mbgnbd`` or ``pareto-nbd``, then Gamma-Gamma);
    3. **valuation** (executors, ``mapInArrow``, models broadcast): each user's expected
       revenue over ``horizon_months`` and its gradient in the parameters, by the crate's
       ``report::horizon_value::horizon_values``;
    4. **aggregation** (executors, Spark SQL GROUP BY): users, payers, revenue to date,
       estimated future revenue and the summed gradients per group; cost per group from
       ``costs_df`` up to the as-of date;
    5. **bounds** (driver): per group Var = gᵀ Σ g (the delta method), the bounds at
       ``interval_level``, and the ROAS columns.

    Scope (anything else raises ``ValueError`` rather than differ from the crate): the report
    time zone is UTC and times are read as UTC wall-clock times (set the session time zone
    ``spark.sql.session.timeZone=UTC`` for ``TimestampType``); one install cohort (``all``);
    ``group_by`` from ``network`` and ``campaign``; costs in the report currency (a
    ``currency`` column, if any, must hold only ``currency``) and in UTC accounts (a
    ``timezone`` column, if any, must be empty or ``UTC``); no exchange rates and no credit;
    the pooled model step (no hierarchy: the hierarchical default of ``ltv report`` is fitted
    on one machine; use ``ltv report --hierarchy none`` for the numbers this gives).

    Returns ``(rows, meta)``: a pandas DataFrame with one row per group (sorted by group:
    ``users``, ``payers``, ``cost``, ``cost_per_install``, ``revenue_to_date``,
    ``estimated_future_revenue`` with ``_lower``/``_upper``, ``estimated_total_revenue``,
    ``roas_to_date``, ``estimated_roas`` with ``_lower``/``_upper``) and a dict with the
    fitted models (``transaction``, ``spend``), users, distinct histories, ``model_step``
    (``"pooled"``) and notes on fits that stopped short of their tolerance.
    """
    import datetime as dt
    import statistics

    import numpy as np
    import pyarrow as pa
    from pyspark.sql.types import DoubleType, StructField, StructType

    F = _F()
    if period not in ("day", "week"):
        raise ValueError("period {!r}: use 'day' or 'week'".format(period))
    if model not in ("bgnbd", "mbgnbd", "pareto-nbd"):
        raise ValueError("model {!r}: use bgnbd, mbgnbd or pareto-nbd".format(model))
    levels = [x.strip() for x in group_by.split(",") if x.strip()]
    if not levels or any(x not in _LEVELS for x in levels) or len(set(levels)) != len(levels):
        raise ValueError("group_by {!r}: distinct levels from network, campaign".format(group_by))
    if not (0.0 < interval_level < 1.0):
        raise ValueError("interval_level must be in (0, 1)")
    day = pd.Timestamp(as_of).date()
    cut = _seconds_of(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))

    # costs: checked, then summed per group up to the as-of date
    cols = costs_df.columns
    if "currency" in cols:
        bad = costs_df.where(F.upper(F.trim(F.coalesce(F.col("currency").cast("string"), F.lit(currency))))
                             != currency.upper()).limit(1).collect()
        if bad:
            raise ValueError("costs in another currency than {} (exchange rates are not supported on Spark): {}"
                             .format(currency, bad[0].asDict()))
    if "timezone" in cols:
        tz = F.upper(F.trim(F.coalesce(F.col("timezone").cast("string"), F.lit(""))))
        bad = costs_df.where(~tz.isin("", "UTC", "ETC/UTC")).limit(1).collect()
        if bad:
            raise ValueError("cost rows of an account in another time zone than UTC are not supported on Spark: {}"
                             .format(bad[0].asDict()))
    cost = (costs_df.where(F.to_date(F.col(date_col)) <= F.lit(day.isoformat()).cast("date"))
            .select(*[F.trim(F.col(x).cast("string")).alias(x) for x in levels],
                    F.col(cost_col).cast("double").alias("cost"))
            .groupBy(*levels).agg(F.sum("cost").alias("cost")))

    users = _report_users(installs_df, payments_df, cut, period, user_col, install_time_col, time_col,
                          amount_col).cache()
    try:
        tm, gg, notes, n_users, distinct = _fit_report_models(users, model)
        if n_users == 0:
            raise ValueError("no installs or payments up to the as-of date {}".format(day))
        tm_b = users.sparkSession.sparkContext.broadcast(tm.to_json())
        gg_b = users.sparkSession.sparkContext.broadcast(gg.to_json())
        # k: gradient columns (0 when a model has no covariance)
        one = np.array([0.0])
        _, _, cov0, k = _ltv.report_user_values(tm, gg, one, one, one, one, int(horizon_months),
                                                float(discount_rate), period)
        months, rate = int(horizon_months), float(discount_rate)
        gcols = ["_g{}".format(j) for j in range(k)]
        keep = list(levels) + ["revenue_to_date", "frequency", "recency", "T", "monetary_value"]
        schema = StructType([users.schema[c] for c in keep]
                            + [StructField(c, DoubleType()) for c in ["_value"] + gcols])

        def value(batches):
            t_model = _ltv.Model.from_json(tm_b.value)
            s_model = _ltv.Model.from_json(gg_b.value)
            for batch in _rebatch(batches):
                f, r, t, m = (np.ascontiguousarray(batch.column(c).to_numpy(zero_copy_only=False), dtype=float)
                              for c in ("frequency", "recency", "T", "monetary_value"))
                v, g, _, kk = _ltv.report_user_values(t_model, s_model, f, r, t, m, months, rate, period)
                g = np.asarray(g).reshape(len(f), kk) if kk else np.zeros((len(f), 0))
                out = [batch.column(c) for c in keep] + [pa.array(np.asarray(v))]
                out += [pa.array(np.ascontiguousarray(g[:, j])) for j in range(kk)]
                yield pa.RecordBatch.from_arrays(out, names=keep + ["_value"] + gcols)

        valued = users.select(*keep).mapInArrow(value, schema)
        per_group = valued.groupBy(*levels).agg(
            F.count(F.lit(1)).alias("users"),
            F.sum(F.when(F.col("revenue_to_date") > 0, 1).otherwise(0)).alias("payers"),
            F.sum("revenue_to_date").alias("revenue_to_date"),
            F.sum("_value").alias("estimated_future_revenue"),
            *[F.sum(c).alias(c) for c in gcols],
        )
        rows = per_group.join(cost, list(levels), "full_outer").toPandas()
    finally:
        users.unpersist()

    rows = rows.sort_values(list(levels), kind="stable").reset_index(drop=True)
    for c in ["users", "payers"]:
        rows[c] = rows[c].fillna(0).astype("int64")
    for c in ["revenue_to_date", "estimated_future_revenue", "cost"] + gcols:
        rows[c] = rows[c].fillna(0.0).astype(float)
    z = statistics.NormalDist().inv_cdf(0.5 + interval_level / 2.0)
    if k:
        cov = np.asarray(cov0).reshape(k, k)
        grad = rows[gcols].to_numpy()
        var = np.einsum("ni,ij,nj->n", grad, cov, grad)
        sd = np.sqrt(np.maximum(var, 0.0))
        lower = np.maximum(rows["estimated_future_revenue"].values - z * sd, 0.0)
        upper = rows["estimated_future_revenue"].values + z * sd
    else:
        lower = upper = np.full(len(rows), np.nan)
    rows = rows.drop(columns=gcols)
    cost_v = rows["cost"].values
    has_cost = cost_v > 0

    def ratio(num):
        out = np.full(len(rows), np.nan)
        out[has_cost] = num[has_cost] / cost_v[has_cost]
        return out

    users_v = rows["users"].values.astype(float)
    cpi = np.full(len(rows), np.nan)
    cpi[users_v > 0] = cost_v[users_v > 0] / users_v[users_v > 0]
    rows["cost_per_install"] = cpi
    rows["estimated_future_revenue_lower"] = lower
    rows["estimated_future_revenue_upper"] = upper
    rows["estimated_total_revenue"] = rows["revenue_to_date"] + rows["estimated_future_revenue"]
    rev = rows["revenue_to_date"].values
    rows["roas_to_date"] = ratio(rev)
    rows["estimated_roas"] = ratio(rows["estimated_total_revenue"].values)
    rows["estimated_roas_lower"] = ratio(rev + lower)
    rows["estimated_roas_upper"] = ratio(rev + upper)
    order = list(levels) + ["users", "payers", "cost", "cost_per_install", "revenue_to_date",
                            "estimated_future_revenue", "estimated_future_revenue_lower",
                            "estimated_future_revenue_upper", "estimated_total_revenue", "roas_to_date",
                            "estimated_roas", "estimated_roas_lower", "estimated_roas_upper"]
    meta = {
        "as_of": day.isoformat(),
        "currency": currency,
        "users": n_users,
        "distinct_histories": distinct,
        "transaction_model": tm,
        "spend_model": gg,
        "model_step": "pooled",  # never the hierarchical default of `ltv report`
        "fit_status": "not_converged" if notes else "converged",
        "unconverged_fits": notes,
    }
    return rows[order], meta
