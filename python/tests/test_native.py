"""The native API: one-call pipeline, backtest, attribution, Arrow input."""

import numpy as np
import pandas as pd
import pytest

import ltv
from ltv.lifetimes import BetaGeoFitter, GammaGammaFitter


@pytest.fixture(scope="module")
def piped(master):
    return ltv.pipeline(master, "customer_id", "date", "dollar_value", period="W", observation_end="1998-06-30", exclude_nonpositive_spend=True)


def test_pipeline_columns_and_consistency(piped, master):
    table, models = piped
    assert list(table.columns) == [
        "frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
        "expected_average_value", "clv", "clv_lower", "clv_upper",
    ]
    assert len(table) == 23570 and table.index.name == "customer_id"
    assert ((table["p_alive"] >= 0) & (table["p_alive"] <= 1)).all()
    assert (table["clv_lower"] <= table["clv"]).all() and (table["clv"] <= table["clv_upper"]).all()
    # the same numbers as the lifetimes-compatible calls, one after another
    bg, gg = models["transaction"], models["spend"]
    assert isinstance(bg, BetaGeoFitter) and isinstance(gg, GammaGammaFitter)
    # customers with repeat purchases of mean spend 0 are valued at the population mean spend
    zero = (table["frequency"] > 0) & (table["monetary_value"] <= 0)
    assert zero.sum() > 0
    spend_f = table["frequency"].where(~zero, 0.0)
    spend_m = table["monetary_value"].where(~zero, 0.0)
    values = gg.conditional_expected_average_profit(spend_f, spend_m)
    np.testing.assert_allclose(table["expected_average_value"], values, rtol=1e-15)
    clv = ltv._ltv.customer_lifetime_value(bg._model, table["frequency"].values, table["recency"].values, table["T"].values, values.values, 12, 0.01, "W")
    np.testing.assert_allclose(table["clv"], clv, rtol=1e-12, atol=1e-12)
    with pytest.raises(ltv.DataError) as info:
        ltv.pipeline(master, "customer_id", "date", "dollar_value", period="W", observation_end="1998-06-30")
    assert info.value.column == "monetary_value"


def test_backtest_on_cdnow(master):
    table, metrics, fitted = ltv.backtest(master, "customer_id", "date", "1997-09-30", observation_end="1998-06-30")
    assert metrics["customers"] == 23570 and metrics["holdout_periods"] == 39.0
    # BG/NBD on the full CDNOW cohort under-predicts the 39 holdout weeks by about a tenth
    assert 0.85 < metrics["predicted_over_actual"] < 1.15
    np.testing.assert_allclose(metrics["predicted_total"], table["predicted"].sum(), rtol=1e-12)
    assert metrics["correlation"] > 0.5
    assert {"predicted", "actual"} <= set(table.columns)


def test_attribution_credits_add_up():
    matches = pd.DataFrame({"user_a": ["ann", "ann"], "user_b": ["bob", "cid"], "time": ["2024-01-01", "2024-01-01"]})
    payments = pd.DataFrame({"user_id": ["ann"], "time": ["2024-01-02"], "amount": [6.0]})
    out = ltv.attribute(matches, payments, method="shapley-availability")
    assert out.loc["ann", "paid"] == 6.0
    assert out["credit"].sum() == pytest.approx(6.0, abs=1e-12)
    assert out.loc["ann", "credit"] == pytest.approx(4.0) and out.loc["bob", "credit"] == pytest.approx(1.0)
    pr = ltv.attribute(matches, payments, method="pagerank", lookback_days=30)
    assert pr["credit"].sum() == pytest.approx(6.0, abs=1e-12)
    with pytest.raises(ltv.DataError):
        ltv.attribute(matches, payments.assign(amount=[1.234]))


def test_arrow_tables_are_accepted(master):
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(master.iloc[:2000], preserve_index=False)
    s = ltv.summary(table, "customer_id", "date", "dollar_value", period="W")
    expected = ltv.summary(master.iloc[:2000], "customer_id", "date", "dollar_value", period="W")
    pd.testing.assert_frame_equal(s, expected)


def test_fit_and_load_by_name(cdnow, tmp_path):
    m = ltv.fit(cdnow, model="pareto-nbd")
    path = tmp_path / "p.json"
    m.save_model(str(path))
    back = ltv.load_model(str(path))
    pd.testing.assert_series_equal(back.params_, m.params_)
    with pytest.raises(ValueError, match="unknown model"):
        ltv.fit(cdnow, model="nope")



def report_inputs(n=3000, seed=7):
    """Users installing over January 2024 in three campaigns, buying by a BG/NBD process
    (r 0.25, alpha 10 days, a 0.8, b 2.5) with gamma spends, until 2024-03-31."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    birth = rng.uniform(0, 31, n)
    lam = rng.gamma(0.25, 1 / 10.0, n)
    p = rng.beta(0.8, 2.5, n)
    end = 91.0
    users, times = [], []
    for i in range(n):
        t = birth[i]
        while True:
            t += rng.exponential(1 / lam[i])
            if t >= end:
                break
            users.append(i)
            times.append(t)
            if rng.uniform() < p[i]:
                break
    k = np.arange(n) % 3
    nets, camps = np.array(["meta", "google", "tiktok"]), np.array(["spring", "search", "launch"])
    fmt = lambda d: (start + pd.to_timedelta(np.asarray(d), unit="D")).strftime("%Y-%m-%d %H:%M:%S")
    ids = np.char.add("u", np.arange(n).astype(str))
    installs = pd.DataFrame({"user_id": ids, "install_time": fmt(birth), "network": nets[k], "campaign": camps[k]})
    users = np.asarray(users, dtype=int)
    transactions = pd.DataFrame({"user_id": ids[users], "time": fmt(times), "amount": np.round(rng.gamma(4.0, 5.0, len(users)), 2)})
    days = pd.date_range("2024-01-01", "2024-01-31").strftime("%Y-%m-%d")
    costs = pd.DataFrame([(d, nn, c, 150.0) for d in days for nn, c in zip(nets, camps)], columns=["date", "network", "campaign", "cost"])
    return costs, installs, transactions


def test_campaign_report():
    """Thin binding of the crate's report on three simulated campaigns of equal quality."""
    costs, installs, transactions = report_inputs()
    rows, meta = ltv.campaign_report(costs, installs, transactions, "2024-03-31", period="day")
    assert {"network", "campaign", "cost", "revenue_to_date", "estimated_roas"} <= set(rows.columns)
    assert len(rows) == 3 and set(rows["fit_status"]) == {"converged"}
    assert meta["users"] == 3000 and meta["cost"] == pytest.approx(150.0 * 3 * 31)
    assert meta["revenue_to_date"] == pytest.approx(transactions["amount"].sum(), rel=1e-12)
    assert (rows["estimated_roas"] > rows["roas_to_date"]).all()
    with pytest.raises(ltv.LtvError):
        ltv.campaign_report(costs, installs, transactions, "2024-13-45")


def test_report_backtest():
    """The report replayed at two dates and scored against the revenue that arrived."""
    costs, installs, transactions = report_inputs()
    rows, by_date, overall = ltv.report_backtest(costs, installs, transactions, ["2024-02-15", "2024-03-01"], "2024-03-31", horizon_months=1, period="day")
    assert len(rows) == 6 and set(rows["as_of"]) == {"2024-02-15", "2024-03-01"}
    assert {"estimated_future_revenue", "realised_future_revenue", "roas_error"} <= set(rows.columns)
    assert list(by_date.index) == ["2024-02-15", "2024-03-01"]
    assert overall["groups"] == 6
    # every date's horizon (30 days) must end by the last day of data
    with pytest.raises(ltv.LtvError):
        ltv.report_backtest(costs, installs, transactions, ["2024-03-15"], "2024-03-31", horizon_months=1)
