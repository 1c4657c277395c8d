"""The native API: one-call pipeline, backtest, attribution, Arrow input."""

import numpy as np
import pandas as pd
import pytest

import ltv
from ltv.lifetimes import BetaGeoFitter, GammaGammaFitter


@pytest.fixture(scope="module")
def piped(master):
    return ltv.pipeline(master, "customer_id", "date", "dollar_value", period="W", observation_end="1998-06-30")


def test_pipeline_columns_and_consistency(piped):
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
    clv = gg.customer_lifetime_value(bg, table["frequency"], table["recency"], table["T"], table["monetary_value"], time=12, discount_rate=0.01, freq="W")
    np.testing.assert_allclose(table["clv"], clv, rtol=1e-12, atol=1e-12)


def test_backtest_on_cdnow(master):
    table, metrics, fitted = ltv.backtest(master, "customer_id", "date", "1997-09-30", observation_end="1998-06-30")
    assert metrics["customers"] == 23570 and metrics["holdout_periods"] == 39.0
    # BG/NBD on CDNOW tracks the holdout well in aggregate (Fader, Hardie & Lee 2005, fig. 3)
    assert 0.9 < metrics["predicted_over_actual"] < 1.2
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
