"""ltv.spark.report against the single-machine report (ltv.campaign_report, the crate's
CampaignReport with the pooled BG/NBD model step) on generated data with the awkward cases:
organic installs and payers, re-installs, payments before install, payments and installs after
the as-of day, lines at one second, campaigns with cost but no users. Every number to 1e-9
relative."""

import numpy as np
import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark")

import ltv  # noqa: E402
from ltv import spark as lspark  # noqa: E402

AS_OF = "2024-06-30"
CAMPAIGNS = [("meta", "spring"), ("meta", "summer"), ("google", "search"), ("tiktok", "launch")]


@pytest.fixture(scope="module")
def spark():
    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (SparkSession.builder.master("local[2]").appName("ltv-spark-report-tests")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .getOrCreate())
    yield s
    s.stop()


def fmt(seconds):
    return pd.to_datetime(seconds, unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")


def make_app(n=2500, seed=5):
    """Installs over 2024-01-01..2024-07-10 (some after the as-of day), BG/NBD payers from
    install (daily rates), amounts in cents."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01").value // 10**9
    stop = pd.Timestamp("2024-07-10").value // 10**9
    installs, pays = [], []
    for u in range(n):
        uid = "u{:05d}".format(u)
        t0 = start + int(rng.integers(0, stop - start))
        k = int(rng.integers(0, len(CAMPAIGNS) + 1))
        net, camp = CAMPAIGNS[k] if k < len(CAMPAIGNS) else ("", "")  # organic installs
        installs.append((uid, t0, net, camp))
        if rng.random() < 0.03:  # a re-install, later or (rarely) earlier
            installs.append((uid, t0 + int(rng.integers(-86400, 30 * 86400)), "google", "search"))
        lam = rng.gamma(0.8, 1.0 / 10.0) / 86400.0  # BG/NBD: Poisson purchases from install,
        p = rng.beta(1.0, 3.0)  # dropout after each purchase
        spend = rng.gamma(2.0, 4.0) * (1.5 if net == "meta" else 1.0)
        if rng.random() < 0.02:  # the first payment an hour before the install (clock skew)
            t = t0 - int(rng.integers(1, 3600))
        else:
            t = t0 + int(rng.exponential(1.0 / lam)) + 1
        while t < stop:
            lines = 2 if rng.random() < 0.05 else 1  # two lines at one second
            for _ in range(lines):
                pays.append((uid, t, round(float(rng.gamma(3.0, spend / 3.0)), 2)))
            if rng.random() < p:
                break
            t += int(rng.exponential(1.0 / lam)) + 1
    for j in range(40):  # organic payers without an install row
        t = start + int(rng.integers(0, stop - start))
        pays.append(("org{}".format(j), t, round(float(rng.gamma(2.0, 3.0)), 2)))
    inst = pd.DataFrame(installs, columns=["user_id", "s", "network", "campaign"])
    inst["install_time"] = fmt(inst.pop("s"))
    pay = pd.DataFrame(pays, columns=["user_id", "s", "amount"])
    pay["time"] = fmt(pay.pop("s"))
    pay = pay.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    costs = []
    for day in pd.date_range("2024-01-01", "2024-07-10", freq="D"):
        for net, camp in CAMPAIGNS + [("snap", "nobody")]:  # a campaign with cost, no users
            costs.append((day.strftime("%Y-%m-%d"), net, camp, round(float(rng.uniform(5, 40)), 2), "USD"))
    cost = pd.DataFrame(costs, columns=["date", "network", "campaign", "cost", "currency"])
    return inst[["user_id", "install_time", "network", "campaign"]], pay[["user_id", "time", "amount"]], cost


@pytest.fixture(scope="module")
def app():
    return make_app()


def spark_tables(spark, inst, pay, cost):
    i = inst.copy()
    i["install_time"] = pd.to_datetime(i["install_time"])
    p = pay.copy()
    p["time"] = pd.to_datetime(p["time"])
    return spark.createDataFrame(i), spark.createDataFrame(p), spark.createDataFrame(cost)


NUMERIC = ["users", "payers", "cost", "cost_per_install", "revenue_to_date", "estimated_future_revenue",
           "estimated_future_revenue_lower", "estimated_future_revenue_upper", "estimated_total_revenue",
           "roas_to_date", "estimated_roas", "estimated_roas_lower", "estimated_roas_upper"]


def assert_same(ours, ref, levels, rel=1e-9):
    ref = ref.sort_values(levels, kind="stable").reset_index(drop=True)
    ours = ours.reset_index(drop=True)
    assert list(ours[levels].astype(str).itertuples(index=False)) == \
        list(ref[levels].astype(str).itertuples(index=False))
    for c in NUMERIC:
        a = ours[c].to_numpy(dtype=float)
        b = ref[c].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), c
        ok = ~np.isnan(b)
        np.testing.assert_allclose(a[ok], b[ok], rtol=rel, atol=1e-9, err_msg=c)


@pytest.mark.parametrize("period", ["day", "week"])
def test_report_equals_single_machine(spark, app, period):
    inst, pay, cost = app
    rows, meta = lspark.report(*spark_tables(spark, inst, pay, cost)[:2], spark_tables(spark, inst, pay, cost)[2],
                               AS_OF, horizon_months=12, discount_rate=0.01, period=period,
                               group_by="network,campaign", currency="USD")
    ref, ref_meta = ltv.campaign_report(cost, inst, pay, AS_OF, timezone="UTC", currency="USD",
                                        horizon_months=12, discount_rate=0.01, period=period,
                                        group_by="network,campaign", model="bgnbd")
    assert meta["users"] == ref_meta["users"]
    assert ref_meta["model"]["distinct_histories"] == meta["distinct_histories"]
    # the fits: same parameters
    for ours, key in ((meta["transaction_model"], "transaction_model"), (meta["spend_model"], "spend_model")):
        ref_params = ref_meta["model"][key]["params"]
        np.testing.assert_allclose(ours.params, [ref_params[n] for n in ours.parameter_names], rtol=1e-9)
    assert_same(rows, ref, ["network", "campaign"])
    # the awkward cases are in the data
    assert "organic" in set(rows["network"])
    nobody = rows[rows["campaign"] == "nobody"].iloc[0]
    assert nobody["users"] == 0 and nobody["cost"] > 0


def test_report_by_network(spark, app):
    inst, pay, cost = app
    i, p, c = spark_tables(spark, inst, pay, cost)
    rows, _ = lspark.report(i, p, c, AS_OF, horizon_months=6, discount_rate=0.0, group_by="network")
    ref, _ = ltv.campaign_report(cost, inst, pay, AS_OF, horizon_months=6, discount_rate=0.0,
                                 group_by="network")
    assert_same(rows, ref, ["network"])


def test_report_refuses_what_it_cannot_match(spark, app):
    inst, pay, cost = app
    i, p, c = spark_tables(spark, inst, pay, cost)
    eur = cost.copy()
    eur.loc[3, "currency"] = "EUR"
    with pytest.raises(ValueError, match="currency"):
        lspark.report(i, p, spark.createDataFrame(eur), AS_OF)
    with pytest.raises(ValueError, match="group_by"):
        lspark.report(i, p, c, AS_OF, group_by="account")
    with pytest.raises(ValueError, match="period"):
        lspark.report(i, p, c, AS_OF, period="month")


def test_report_integer_ids_equal_text_ids(spark, app):
    # integer ids on both sides are matched as integers (faster than as text): the same
    # report as the single machine on the same ids as text
    inst, pay, cost = app
    code = {u: i for i, u in enumerate(sorted(set(inst["user_id"]) | set(pay["user_id"])))}
    ii, pi = inst.copy(), pay.copy()
    ii["user_id"] = ii["user_id"].map(code).astype("int64")
    pi["user_id"] = pi["user_id"].map(code).astype("int32")  # another integer width
    i, p, c = spark_tables(spark, ii, pi, cost)
    rows, meta = lspark.report(i, p, c, AS_OF, horizon_months=12, discount_rate=0.01, period="day")
    ref, ref_meta = ltv.campaign_report(cost, inst, pay, AS_OF, horizon_months=12, discount_rate=0.01,
                                        period="day", group_by="network,campaign", model="bgnbd")
    assert meta["users"] == ref_meta["users"]
    assert meta["model_step"] == "pooled"
    assert_same(rows, ref, ["network", "campaign"])
