"""Every lifetimes plot renders to a PNG file without error and returns its Axes."""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from ltv.lifetimes import BetaGeoFitter, ParetoNBDFitter  # noqa: E402
from ltv.lifetimes import plotting  # noqa: E402
from ltv.lifetimes.utils import calibration_and_holdout_data  # noqa: E402


@pytest.fixture(scope="module")
def bgf(cdnow):
    return BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def holdout(master):
    return calibration_and_holdout_data(master, "customer_id", "date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30", freq="W")


def render(ax, tmp_path, name):
    assert isinstance(ax, matplotlib.axes.Axes)
    path = os.path.join(str(tmp_path), name + ".png")
    ax.figure.savefig(path)
    plt.close("all")
    assert os.path.getsize(path) > 1000


def test_plot_period_transactions(bgf, tmp_path):
    render(plotting.plot_period_transactions(bgf), tmp_path, "period")


@pytest.mark.parametrize("kind", ["frequency_cal", "recency_cal", "T_cal", "time_since_last_purchase"])
def test_plot_calibration_purchases_vs_holdout_purchases(holdout, tmp_path, kind):
    m = BetaGeoFitter().fit(holdout["frequency_cal"], holdout["recency_cal"], holdout["T_cal"])
    render(plotting.plot_calibration_purchases_vs_holdout_purchases(m, holdout, kind=kind), tmp_path, kind)


def test_plot_frequency_recency_matrix(bgf, tmp_path):
    render(plotting.plot_frequency_recency_matrix(bgf), tmp_path, "fr")
    render(plotting.plot_frequency_recency_matrix(bgf, T=4, max_frequency=20, max_recency=30), tmp_path, "fr4")


@pytest.mark.parametrize("cls", [BetaGeoFitter, ParetoNBDFitter])
def test_plot_probability_alive_matrix(cls, cdnow, tmp_path):
    m = cls().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    render(plotting.plot_probability_alive_matrix(m), tmp_path, "alive")


def test_plot_expected_repeat_purchases(bgf, tmp_path):
    render(plotting.plot_expected_repeat_purchases(bgf, label="BG/NBD"), tmp_path, "repeat")


def test_plot_history_alive(bgf, master, tmp_path):
    one = master[master["customer_id"] == "00035"]
    render(plotting.plot_history_alive(bgf, 80, one, "date", freq="W"), tmp_path, "history")


def test_plot_cumulative_and_incremental_transactions(bgf, master, tmp_path):
    render(plotting.plot_cumulative_transactions(bgf, master, "date", "customer_id", 78, 39, freq="W"), tmp_path, "cum")
    render(plotting.plot_incremental_transactions(bgf, master, "date", "customer_id", 78, 39, freq="W"), tmp_path, "inc")
    render(plotting.plot_cumulative_transactions(bgf, master, "date", "customer_id", 78, 39, freq="W", set_index_date=True), tmp_path, "cumdate")


def test_plot_heterogeneity(bgf, tmp_path):
    render(plotting.plot_transaction_rate_heterogeneity(bgf), tmp_path, "rate")
    render(plotting.plot_dropout_rate_heterogeneity(bgf), tmp_path, "dropout")
