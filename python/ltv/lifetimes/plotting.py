"""lifetimes' plots (``lifetimes.plotting``), drawn with matplotlib from values computed by the
ltv crate. Same names, signatures and defaults as lifetimes 0.11.3; each returns the matplotlib
Axes it drew on. matplotlib is imported when a plot is drawn (``pip install matplotlib``).

Differences: the heterogeneity plots take the gamma/beta densities and 99% quantiles from the
crate (no scipy needed); ``plot_period_transactions`` simulates with a seeded generator
(``seed=`` keyword, default 0) so the figure is reproducible; ``plot_expected_repeat_purchases``
picks its colour from the Axes' colour cycle without touching private matplotlib attributes.
"""

import numpy as np
import pandas as pd

from .. import _ltv
from .utils import calculate_alive_path, expected_cumulative_transactions

__all__ = [
    "plot_period_transactions",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_frequency_recency_matrix",
    "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases",
    "plot_history_alive",
    "plot_cumulative_transactions",
    "plot_incremental_transactions",
    "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
]


def _plt():
    from matplotlib import pyplot as plt

    return plt


def coalesce(*args):
    """The first argument that is not None."""
    return next(s for s in args if s is not None)


def plot_period_transactions(
    model,
    max_frequency=7,
    title="Frequency of Repeat Transactions",
    xlabel="Number of Calibration Period Transactions",
    ylabel="Customers",
    **kwargs
):
    """Observed vs simulated counts of customers by number of repeat purchases."""
    plt = _plt()
    labels = kwargs.pop("label", ["Actual", "Model"])
    seed = kwargs.pop("seed", 0)
    n = model.data.shape[0]
    simulated = model.generate_new_data(size=n, seed=seed)
    actual = pd.DataFrame(model.data["frequency"].value_counts().sort_index().iloc[:max_frequency])
    simulated_counts = pd.DataFrame(simulated["frequency"].value_counts().sort_index().iloc[:max_frequency])
    combined = actual.merge(simulated_counts, how="outer", left_index=True, right_index=True).fillna(0)
    combined.columns = labels
    ax = combined.plot(kind="bar", **kwargs)
    plt.legend()
    plt.title(title)
    plt.ylabel(ylabel)
    plt.xlabel(xlabel)
    return ax


def plot_calibration_purchases_vs_holdout_purchases(model, calibration_holdout_matrix, kind="frequency_cal", n=7, **kwargs):
    """Mean holdout purchases against the model's prediction, by calibration frequency
    (or ``recency_cal``, ``T_cal``, ``time_since_last_purchase``)."""
    plt = _plt()
    x_labels = {
        "frequency_cal": "Purchases in calibration period",
        "recency_cal": "Age of customer at last purchase",
        "T_cal": "Age of customer at the end of calibration period",
        "time_since_last_purchase": "Time since user made last purchase",
    }
    summary = calibration_holdout_matrix.copy()
    duration_holdout = summary.iloc[0]["duration_holdout"]
    summary["model_predictions"] = model.conditional_expected_number_of_purchases_up_to_time(
        duration_holdout, summary["frequency_cal"], summary["recency_cal"], summary["T_cal"]
    )
    if kind == "time_since_last_purchase":
        summary["time_since_last_purchase"] = summary["T_cal"] - summary["recency_cal"]
    ax = summary.groupby(kind)[["frequency_holdout", "model_predictions"]].mean().iloc[:n].plot(**kwargs)
    plt.title("Actual Purchases in Holdout Period vs Predicted Purchases")
    plt.xlabel(x_labels[kind])
    plt.ylabel("Average of Purchases in Holdout Period")
    plt.legend()
    return ax


def plot_frequency_recency_matrix(
    model,
    T=1,
    max_frequency=None,
    max_recency=None,
    title=None,
    xlabel="Customer's Historical Frequency",
    ylabel="Customer's Recency",
    **kwargs
):
    """Expected purchases in the next ``T`` periods over the frequency × recency grid."""
    plt = _plt()
    if max_frequency is None:
        max_frequency = int(model.data["frequency"].max())
    if max_recency is None:
        max_recency = int(model.data["T"].max())
    z = model._require().conditional_expected_purchases_matrix(float(T), int(max_frequency), int(max_recency))
    interpolation = kwargs.pop("interpolation", "none")
    ax = plt.subplot(111)
    pcm = ax.imshow(z, interpolation=interpolation, **kwargs)
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    if title is None:
        title = (
            "Expected Number of Future Purchases for {} Unit{} of Time,".format(T, "s"[T == 1 :])
            + "\nby Frequency and Recency of a Customer"
        )
    plt.title(title)
    forceAspect(ax)
    plt.colorbar(pcm, ax=ax)
    return ax


def plot_probability_alive_matrix(
    model,
    max_frequency=None,
    max_recency=None,
    title="Probability Customer is Alive,\nby Frequency and Recency of a Customer",
    xlabel="Customer's Historical Frequency",
    ylabel="Customer's Recency",
    **kwargs
):
    """P(alive) over the frequency × recency grid."""
    plt = _plt()
    z = model.conditional_probability_alive_matrix(max_frequency, max_recency)
    interpolation = kwargs.pop("interpolation", "none")
    ax = plt.subplot(111)
    pcm = ax.imshow(z, interpolation=interpolation, **kwargs)
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    plt.title(title)
    forceAspect(ax)
    plt.colorbar(pcm, ax=ax)
    return ax


def plot_expected_repeat_purchases(
    model,
    title="Expected Number of Repeat Purchases per Customer",
    xlabel="Time Since First Purchase",
    ax=None,
    label=None,
    **kwargs
):
    """Expected repeat purchases of a new customer against time (dashed past the data)."""
    plt = _plt()
    if ax is None:
        ax = plt.subplot(111)
    color = kwargs.pop("c", None)
    color = kwargs.pop("color", color)
    if color is None:
        cycle = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
        color = cycle[len(ax.get_lines()) % len(cycle)]
    max_T = model.data["T"].max()
    times = np.linspace(0, max_T, 100)
    ax.plot(times, model.expected_number_of_purchases_up_to_time(times), color=color, label=label, **kwargs)
    times = np.linspace(max_T, 1.5 * max_T, 100)
    ax.plot(times, model.expected_number_of_purchases_up_to_time(times), color=color, ls="--", **kwargs)
    plt.title(title)
    plt.xlabel(xlabel)
    plt.legend(loc="lower right")
    return ax


def plot_history_alive(model, t, transactions, datetime_col, freq="D", start_date=None, ax=None, **kwargs):
    """P(alive) of one customer over time with their purchases marked."""
    plt = _plt()
    dates = pd.to_datetime(transactions[datetime_col])
    if start_date is None:
        start_date = dates.min()
    if ax is None:
        ax = plt.subplot(111)
    history = pd.Series(1, index=pd.DatetimeIndex(dates)).resample(freq).sum()
    path = calculate_alive_path(model, transactions, datetime_col, t, freq)
    path_dates = pd.date_range(start=dates.min(), periods=len(path), freq=freq)
    plt.plot(path_dates, path, "-", label="P_alive")
    payment_dates = history[history >= 1].index
    plt.vlines(payment_dates.values, ymin=0, ymax=1, colors="r", linestyles="dashed", label="purchases")
    plt.ylim(0, 1.0)
    plt.yticks(np.arange(0, 1.1, 0.1))
    plt.xlim(start_date, path_dates[-1])
    plt.legend(loc=3)
    plt.ylabel("P_alive")
    plt.title("History of P_alive")
    return ax


def _tracking_plot(df, t_cal, set_index_date, title, xlabel, ylabel, ax, kwargs):
    plt = _plt()
    if ax is None:
        ax = plt.subplot(111)
    ax = df.plot(ax=ax, title=title, **kwargs)
    if set_index_date:
        x_vline = df.index[int(t_cal)]
        xlabel = "date"
    else:
        x_vline = t_cal
    ax.axvline(x=x_vline, color="r", linestyle="--")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_cumulative_transactions(
    model,
    transactions,
    datetime_col,
    customer_id_col,
    t,
    t_cal,
    datetime_format=None,
    freq="D",
    set_index_date=False,
    title="Tracking Cumulative Transactions",
    xlabel="day",
    ylabel="Cumulative Transactions",
    ax=None,
    **kwargs
):
    """Actual vs expected cumulative repeat transactions, calibration end marked."""
    df = expected_cumulative_transactions(
        model, transactions, datetime_col, customer_id_col, t,
        datetime_format=datetime_format, freq=freq, set_index_date=set_index_date,
    )
    return _tracking_plot(df, t_cal, set_index_date, title, xlabel, ylabel, ax, kwargs)


def plot_incremental_transactions(
    model,
    transactions,
    datetime_col,
    customer_id_col,
    t,
    t_cal,
    datetime_format=None,
    freq="D",
    set_index_date=False,
    title="Tracking Daily Transactions",
    xlabel="day",
    ylabel="Transactions",
    ax=None,
    **kwargs
):
    """Actual vs expected repeat transactions per period, calibration end marked."""
    df = expected_cumulative_transactions(
        model, transactions, datetime_col, customer_id_col, t,
        datetime_format=datetime_format, freq=freq, set_index_date=set_index_date,
    )
    df = df.apply(lambda x: x - x.shift(1))
    return _tracking_plot(df, t_cal, set_index_date, title, xlabel, ylabel, ax, kwargs)


def _heterogeneity(kind, a, b, scale_rate, mean, var, suptitle, xlabel, ylabel, suptitle_fontsize, kwargs):
    plt = _plt()
    _, lim = _ltv.mixing_distribution(kind, a, b, np.zeros(1), 0.99)
    x = np.linspace(0, lim, 100)
    pdf, _ = _ltv.mixing_distribution(kind, a, b, x, 0.99)
    fig, ax = plt.subplots(1)
    fig.suptitle(suptitle, fontsize=suptitle_fontsize, fontweight="bold")
    ax.set_title("mean: {:.3f}, var: {:.3f}".format(mean, var))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout(rect=[0, 0.03, 1, 0.95])
    plt.plot(x, pdf, **kwargs)
    return ax


def plot_transaction_rate_heterogeneity(
    model,
    suptitle="Heterogeneity in Transaction Rate",
    xlabel="Transaction Rate",
    ylabel="Density",
    suptitle_fontsize=14,
    **kwargs
):
    """Density of the gamma(r, alpha) purchase rates (BG/NBD, MBG/NBD, Pareto/NBD)."""
    r, alpha = model._unload_params("r", "alpha")
    return _heterogeneity(
        "gamma", r, alpha, True, r / alpha, r / alpha**2, suptitle, xlabel, ylabel, suptitle_fontsize, kwargs
    )


def plot_dropout_rate_heterogeneity(
    model,
    suptitle="Heterogeneity in Dropout Probability",
    xlabel="Dropout Probability p",
    ylabel="Density",
    suptitle_fontsize=14,
    **kwargs
):
    """Density of the beta(a, b) dropout probabilities (BG/NBD, MBG/NBD)."""
    a, b = model._unload_params("a", "b")
    mean = a / (a + b)
    var = a * b / (a + b) ** 2 / (a + b + 1)
    return _heterogeneity("beta", a, b, False, mean, var, suptitle, xlabel, ylabel, suptitle_fontsize, kwargs)


def forceAspect(ax, aspect=1):
    """Makes an image Axes square-ish (lifetimes' helper)."""
    im = ax.get_images()
    extent = im[0].get_extent()
    ax.set_aspect(abs((extent[1] - extent[0]) / (extent[3] - extent[2])) / aspect)
