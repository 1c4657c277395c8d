"""ltv.spark against the single-machine package on a local Spark session (local[2]) started
here: summaries equal exactly, fitted parameters to 1e-9 relative, predictions to 1e-12."""

import numpy as np
import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark")

import ltv  # noqa: E402
from ltv import _ltv, spark as lspark  # noqa: E402
from ltv.lifetimes.utils import _seconds  # noqa: E402

END = "2024-06-30 12:00:00"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    import os
    import sys

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors run this interpreter
    s = (SparkSession.builder.master("local[2]").appName("ltv-spark-tests")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .getOrCreate())
    yield s
    s.stop()


def make_log(n=600, seed=7):
    """A BG/NBD population (rate ~ Gamma, dropout after each purchase ~ Beta) over 2023-2024 at
    random seconds, amounts in cents; some purchases split into three lines at one second, some
    after the observation end."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2023-01-01").value // 10**9
    stop = pd.Timestamp("2024-08-01").value // 10**9
    for c in range(n):
        t = start + int(rng.integers(0, 400 * 86400))
        lam = rng.gamma(0.8, 1.0 / 20.0) / 86400.0  # purchases per second
        p = rng.beta(1.0, 4.0)
        spend = rng.gamma(3.0, 10.0)
        while t < stop:
            lines = 3 if rng.random() < 0.1 else 1
            for _ in range(lines):
                rows.append(("c{:04d}".format(c), int(t), round(float(rng.gamma(4.0, spend / 4.0)), 2)))
            if rng.random() < p:
                break
            t += int(rng.exponential(1.0 / lam)) + 1
    df = pd.DataFrame(rows, columns=["customer", "s", "amount"])
    df["time"] = pd.to_datetime(df["s"], unit="s")
    return df.drop(columns="s").sample(frac=1.0, random_state=seed).reset_index(drop=True)


def make_births(log, seed=3):
    """Births: before the first purchase, after it (purchases before birth are left out), after
    the observation end, and customers who never bought."""
    rng = np.random.default_rng(seed)
    first = log.groupby("customer")["time"].min()
    ids = list(first.index[::2])
    shift = pd.to_timedelta(rng.integers(-40 * 86400, 40 * 86400, size=len(ids)), unit="s")
    times = list(first.loc[ids].values + shift.values)
    ids += ["new{}".format(i) for i in range(20)]
    times += list(pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 250 * 86400, size=20), unit="s"))
    return pd.DataFrame({"customer": ids, "time": pd.to_datetime(times)})


def reference(log, period, exact, births=None, end=END, amounts=True, include_first=False):
    codes, uniques = pd.factorize(log["customer"])
    ids = list(uniques)
    bc = bs = None
    if births is not None:
        index = {c: i for i, c in enumerate(ids)}
        extra = [c for c in births["customer"] if c not in index]
        for c in extra:
            index[c] = len(index)
        bc = np.array([index[c] for c in births["customer"]], dtype=np.int64)
        bs = _seconds(births["time"])
        ids += extra
    res = _ltv.summarise(
        np.asarray(codes, dtype=np.int64), len(uniques), _seconds(log["time"]),
        np.ascontiguousarray(log["amount"].values, dtype=float) if amounts else None, period,
        None if end is None else pd.Timestamp(end).value // 10**9, include_first, exact, bc, bs)
    out = pd.DataFrame({"customer": [ids[c] for c in res["code"]], "frequency": res["frequency"],
                        "recency": res["recency"], "T": res["T"]})
    if amounts:
        out["monetary_value"] = res["monetary_value"]
    return out.sort_values("customer").reset_index(drop=True)


def collect(df):
    return df.toPandas().sort_values("customer").reset_index(drop=True)


def assert_same(got, want):
    assert list(got["customer"]) == list(want["customer"])
    for c in want.columns[1:]:
        g, w = got[c].to_numpy(float), want[c].to_numpy(float)
        bad = np.flatnonzero(g != w)
        assert bad.size == 0, (c, got.iloc[bad[:5]], want.iloc[bad[:5]])


@pytest.fixture(scope="module")
def log():
    return make_log()


@pytest.mark.parametrize("period", ["H", "D", "W", "M"])
@pytest.mark.parametrize("exact", [False, True])
def test_summary_equals_crate(spark, log, period, exact):
    sdf = spark.createDataFrame(log)
    got = collect(lspark.rfm_summary(sdf, "customer", "time", "amount", period=period,
                                     observation_end=END, exact_times=exact))
    assert_same(got, reference(log, period, exact))


@pytest.mark.parametrize("period", ["D", "W"])
@pytest.mark.parametrize("exact", [False, True])
def test_summary_with_births_equals_crate(spark, log, period, exact):
    births = make_births(log)
    got = collect(lspark.rfm_summary(spark.createDataFrame(log), "customer", "time", "amount", period=period,
                                     observation_end=END, births=spark.createDataFrame(births),
                                     exact_times=exact))
    want = reference(log, period, exact, births=births)
    assert_same(got, want)
    assert (want["customer"].str.startswith("new")).any()


def test_summary_default_end_no_amounts_include_first(spark, log):
    sdf = spark.createDataFrame(log)
    got = collect(lspark.rfm_summary(sdf, "customer", "time", period="W", include_first_transaction=True))
    assert_same(got, reference(log, "W", False, end=None, amounts=False, include_first=True))
    assert "monetary_value" not in got.columns


def test_summary_matches_lifetimes_api(spark, log):
    # ltv.summary (the lifetimes-compatible path) gives the same rows
    want = ltv.summary(log, "customer", "time", "amount", period="W", observation_end=END).reset_index()
    got = collect(lspark.rfm_summary(spark.createDataFrame(log), "customer", "time", "amount",
                                     period="W", observation_end=END))
    assert_same(got, want[["customer", "frequency", "recency", "T", "monetary_value"]])


def test_compress_counts(spark, log):
    s = lspark.rfm_summary(spark.createDataFrame(log), "customer", "time", "amount", period="W", observation_end=END)
    c = lspark.compress(s).toPandas()
    assert c["weight"].sum() == log["customer"].nunique()
    local = reference(log, "W", False).groupby(["frequency", "recency", "T"]).size()
    assert len(c) == len(local)


@pytest.mark.parametrize("model", ["bgnbd", "pareto-nbd", "mbgnbd"])
def test_fit_equals_single_machine(spark, log, model):
    s = lspark.rfm_summary(spark.createDataFrame(log), "customer", "time", "amount", period="W", observation_end=END)
    got = lspark.fit(s, model=model)
    local = ltv.fit(reference(log, "W", False).set_index("customer"), model=model)
    np.testing.assert_allclose(got._model.params, local._model.params, rtol=1e-9, atol=0)


def test_fit_gamma_gamma_equals_single_machine(spark, log):
    s = lspark.rfm_summary(spark.createDataFrame(log), "customer", "time", "amount", period="W", observation_end=END)
    got = lspark.fit(s, model="gamma-gamma")
    ref = reference(log, "W", False)
    rep = ref[ref["frequency"] > 0].set_index("customer")
    local = ltv.fit(rep, model="gamma-gamma")
    np.testing.assert_allclose(got._model.params, local._model.params, rtol=1e-9, atol=0)


def test_predict_and_clv_equal_single_machine(spark, log):
    sdf = spark.createDataFrame(log)
    s = lspark.rfm_summary(sdf, "customer", "time", "amount", period="W", observation_end=END).repartition(3)
    tm = lspark.fit(s, model="bgnbd")
    gg = lspark.fit(s, model="gamma-gamma")
    got = collect(lspark.clv(s, tm, gg, months=12, discount_rate=0.01, period="W"))
    p = collect(lspark.predict(s, tm, horizon=10.0, spend=gg))
    ref = reference(log, "W", False)
    f, r, t, m = (ref[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary_value"))
    sf, sm = lspark._spend_inputs(f, m)
    want = _ltv.customer_lifetime_value_with_intervals(
        tm._model, gg._model, f, r, t, sm, 12, 0.01, "W", 0.95, spend_frequency=sf)
    close = dict(rtol=1e-12, atol=0)
    np.testing.assert_allclose(got["p_alive"], tm._model.probability_alive(f, r, t), **close)
    np.testing.assert_allclose(got["expected_purchases"],
                               tm._model.conditional_expected_purchases(12 * 4.345, f, r, t), **close)
    np.testing.assert_allclose(got["expected_average_value"], gg._model.conditional_expected_average_values(sf, sm), **close)
    np.testing.assert_allclose(got["clv"], want["clv"], **close)
    np.testing.assert_allclose(got["clv_lower"], want["lower"], **close)
    np.testing.assert_allclose(got["clv_upper"], want["upper"], **close)
    np.testing.assert_allclose(p["expected_purchases"], tm._model.conditional_expected_purchases(10.0, f, r, t), **close)
    assert_same(got[["customer", "frequency", "recency", "T", "monetary_value"]], ref)


def test_clv_equals_pipeline(spark, log):
    # the whole chain on Spark equals ltv.pipeline on one machine
    table, _ = ltv.pipeline(log, "customer", "time", "amount", period="W", observation_end=END,
                            exclude_nonpositive_spend=True)
    table = table.reset_index().sort_values("customer").reset_index(drop=True)
    s = lspark.rfm_summary(spark.createDataFrame(log), "customer", "time", "amount", period="W", observation_end=END)
    got = collect(lspark.clv(s, lspark.fit(s), lspark.fit(s, model="gamma-gamma")))
    for c in ("p_alive", "expected_purchases", "clv", "clv_lower", "clv_upper"):
        np.testing.assert_allclose(got[c], table[c], rtol=1e-7, atol=1e-9)
