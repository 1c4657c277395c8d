"""ltv.spark.rfm_summary with an exclusive observation end (a cut) against the crate's
SummaryOptions::observation_end_exclusive, row for row and bit for bit, calendar and exact
times, with and without births."""

import numpy as np
import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark")

from ltv import _ltv, spark as lspark  # noqa: E402
from ltv.lifetimes.utils import _seconds  # noqa: E402
from test_spark import assert_same, collect, make_births, make_log  # noqa: E402

CUT = "2024-07-01"  # through the end of 2024-06-30


@pytest.fixture(scope="module")
def spark():
    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (SparkSession.builder.master("local[2]").appName("ltv-spark-exclusive-tests")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .getOrCreate())
    yield s
    s.stop()


@pytest.fixture(scope="module")
def log():
    lg = make_log()
    # purchases exactly at the cut and one second before it
    extra = pd.DataFrame({"customer": ["c0001", "c0002", "c0002"],
                          "amount": [1.0, 2.0, 3.0],
                          "time": pd.to_datetime([CUT + " 00:00:00", "2024-06-30 23:59:59", CUT + " 00:00:00"])})
    return pd.concat([lg, extra], ignore_index=True)


def reference(log, period, exact, births=None):
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
        np.ascontiguousarray(log["amount"].values, dtype=float), period,
        pd.Timestamp(CUT).value // 10**9, False, exact, bc, bs, observation_end_exclusive=True)
    out = pd.DataFrame({"customer": [ids[c] for c in res["code"]], "frequency": res["frequency"],
                        "recency": res["recency"], "T": res["T"], "monetary_value": res["monetary_value"]})
    return out.sort_values("customer").reset_index(drop=True)


@pytest.mark.parametrize("period", ["H", "D", "W", "M"])
@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("with_births", [False, True])
def test_exclusive_end_equals_crate(spark, log, period, exact, with_births):
    births = make_births(log) if with_births else None
    got = lspark.rfm_summary(
        spark.createDataFrame(log), "customer", "time", "amount", period=period,
        observation_end_exclusive=CUT, exact_times=exact,
        births=None if births is None else spark.createDataFrame(births))
    assert_same(collect(got), reference(log, period, exact, births))


def test_exclusive_end_is_a_cut(spark, log):
    df = spark.createDataFrame(log)
    ex = collect(lspark.rfm_summary(df, "customer", "time", "amount", period="D", exact_times=True,
                                    observation_end_exclusive=CUT))
    inc = collect(lspark.rfm_summary(df, "customer", "time", "amount", period="D", exact_times=True,
                                     observation_end="2024-06-30 23:59:59"))
    # the same purchases; exact T one second longer
    assert_same(ex.drop(columns="T"), inc.drop(columns="T"))
    np.testing.assert_allclose(ex["T"] - inc["T"], 1 / 86400, rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="not both"):
        lspark.rfm_summary(df, "customer", "time", observation_end=CUT, observation_end_exclusive=CUT)
