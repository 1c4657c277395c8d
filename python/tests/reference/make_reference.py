"""Reference values for the Python package's tests (python/tests/test_lifetimes_reference.py):
Python lifetimes 0.11.3 run on the data sets shipped in this repository.

Run from the repository root with lifetimes 0.11.3 installed from PyPI (it predates pandas 3):

    python3 -m venv target/lifetimes-venv
    target/lifetimes-venv/bin/pip install "lifetimes==0.11.3" "pandas<3" numpy scipy
    target/lifetimes-venv/bin/python python/tests/reference/make_reference.py

It writes python/tests/reference/lifetimes_0_11_3.json (lifetimes is not needed by pytest).

What is recorded, per fitter, is lifetimes' own output with lifetimes' default settings:

* ``params``: ``params_`` after ``fit`` (the tests compare ours within 1e-3 relative, as the
  crate's reference tests do: lifetimes' scipy optimizer stops early on flat optima);
* ``log_likelihood``: the unpenalised log-likelihood at lifetimes' estimates, summed over
  customers, as ``-_negative_log_likelihood_ * n`` (its objective is ``-LL / n``); BG/NBD,
  MBG/NBD and BG/BB fit on time scaled by ``1 / max(T)``, which shifts the likelihood by the
  Jacobian ``x ln(scale)`` per customer, so ``ll_scale_correction`` records that term for them;
* predictions evaluated at lifetimes' parameters (the tests rebuild our models at those
  parameters with ``from_params`` and compare within 1e-6 relative): conditional expected
  purchases, P(alive), unconditional expected purchases, P(n purchases), matrices, CLV;
* utilities on transaction logs (summaries, calibration/holdout, tracking, alive path): the
  full columns as sums and a sample of rows by customer id.

``variance_matrix_`` is recorded too, but only to document that lifetimes' covariance is not
the inverse observed information (see test_covariance_is_inverse_information).
"""

import datetime
import json
import os
import sys

import lifetimes
import numpy as np
import pandas as pd
import scipy
from lifetimes import (
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from lifetimes.utils import (
    calculate_alive_path,
    calibration_and_holdout_data,
    expected_cumulative_transactions,
    summary_data_from_transaction_data,
)

assert lifetimes.__version__ == "0.11.3", lifetimes.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(ROOT, "datasets")
EXAMPLE = os.path.join(ROOT, "python", "ltv", "lifetimes", "data", "example_transactions.csv")

# customers whose predictions are recorded: the first 40 and every 97th of the rest (both data
# sets are ordered by id), so light and heavy buyers, old and young ones are covered
def sample_rows(n):
    return sorted(set(range(min(40, n))) | set(range(40, n, 97)))


def floats(x):
    return [float(v) for v in np.asarray(x, dtype=float).ravel()]


def frame_sample(df, ids):
    return {
        "index": [str(i) for i in ids],
        "columns": {c: floats(df.loc[ids, c]) for c in df.columns},
    }


def frame_sums(df):
    return {c: {"sum": float(df[c].sum()), "sum_sq": float((df[c] ** 2).sum())} for c in df.columns}


out = {
    "source": "python/tests/reference/make_reference.py",
    "generated": datetime.date.today().isoformat(),
    "versions": {
        "lifetimes": lifetimes.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": sys.version.split()[0],
    },
    "models": {},
    "utils": {},
}

# ---- transaction models on the CDNOW sample summary (weeks) --------------------------------
cdnow = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary.csv"))
f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
rows = sample_rows(len(cdnow))
fs, rs, Ts = f.iloc[rows], r.iloc[rows], T.iloc[rows]
horizons = [0.5, 1.0, 10.0, 39.0, 78.0, 520.0]

for name, cls in [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter), ("pareto_nbd", ParetoNBDFitter)]:
    m = cls().fit(f, r, T)
    rec = {
        "data": "datasets/cdnow_customers_summary.csv",
        "params": {k: float(v) for k, v in m.params_.items()},
        "neg_log_likelihood_per_customer": float(m._negative_log_likelihood_),
        "n": int(len(cdnow)),
        "rows": rows,
        "conditional_expected_39": floats(m.conditional_expected_number_of_purchases_up_to_time(39, fs, rs, Ts)),
        "conditional_expected_1": floats(m.conditional_expected_number_of_purchases_up_to_time(1, fs, rs, Ts)),
        "probability_alive": floats(m.conditional_probability_alive(fs, rs, Ts)),
        "expected_horizons": horizons,
        "expected": floats(m.expected_number_of_purchases_up_to_time(np.array(horizons))),
        "alive_matrix_10": [floats(row) for row in m.conditional_probability_alive_matrix(10, 12)],
    }
    if hasattr(m, "variance_matrix_"):  # lifetimes' Pareto/NBD fitter computes none
        rec["variance_matrix"] = [floats(row) for row in m.variance_matrix_.values]
    if name in ("bgnbd", "mbgnbd"):
        rec["ll_scale"] = float(1.0 / T.max())
        rec["probability_of_n_39"] = [float(m.probability_of_n_purchases_up_to_time(39, n)) for n in range(6)]
    if name == "pareto_nbd":
        rec["conditional_probability_of_n_39"] = {
            str(n): floats(m.conditional_probability_of_n_purchases_up_to_time(n, 39, fs, rs, Ts)) for n in range(4)
        }
    out["models"][name] = rec

# ---- Gamma-Gamma and CLV on the CDNOW summary with spend ------------------------------------
spend = pd.read_csv(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv"))
spend.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
spend = spend.set_index("customer_id")
repeat = spend[spend["frequency"] > 0]
gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
bg = BetaGeoFitter().fit(spend["frequency"], spend["recency"], spend["T"])
srows = sample_rows(len(spend))
s = spend.iloc[srows]
clv = gg.customer_lifetime_value(bg, spend["frequency"], spend["recency"], spend["T"], spend["monetary_value"], time=12, discount_rate=0.01, freq="W")
clv_d = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"], time=6, discount_rate=0.02, freq="D")
out["models"]["gamma_gamma"] = {
    "data": "datasets/cdnow_customers_summary_with_transactions.csv, frequency > 0",
    "params": {k: float(v) for k, v in gg.params_.items()},
    "neg_log_likelihood_per_customer": float(gg._negative_log_likelihood_),
    "n": int(len(repeat)),
    "rows": srows,
    "conditional_expected_average_profit": floats(gg.conditional_expected_average_profit(s["frequency"], s["monetary_value"])),
    "bgnbd_params": {k: float(v) for k, v in bg.params_.items()},
    "clv_12_W_0.01": floats(clv.iloc[srows]),
    "clv_12_W_0.01_total": float(clv.sum()),
    "clv_6_D_0.02": floats(clv_d),
    "variance_matrix": [floats(row) for row in gg.variance_matrix_.values],
}

# ---- BG/BB on donations ------------------------------------------------------------------
don = pd.read_csv(os.path.join(DATA, "donations.csv"))
bb = BetaGeoBetaBinomFitter().fit(don["frequency"], don["recency"], don["periods"], weights=don["weights"])
out["models"]["bgbb"] = {
    "data": "datasets/donations.csv (weights)",
    "params": {k: float(v) for k, v in bb.params_.items()},
    "neg_log_likelihood_per_customer": float(bb._negative_log_likelihood_),
    "n": float(don["weights"].sum()),
    "conditional_expected_5": floats(bb.conditional_expected_number_of_purchases_up_to_time(5, don["frequency"], don["recency"], don["periods"])),
    "conditional_probability_alive_5": floats(bb.conditional_probability_alive(5, don["frequency"], don["recency"], don["periods"])),
    "expected_in_first_6": floats(bb.expected_number_of_transactions_in_first_n_periods(6)["model"]),
    "expected_in_first_6_index": floats(bb.expected_number_of_transactions_in_first_n_periods(6).index),
}

# ---- utilities on transaction logs ---------------------------------------------------------
master = pd.read_csv(os.path.join(DATA, "CDNOW_master.txt"), sep=r"\s+", dtype={"customer_id": str, "date": str})
master["date"] = pd.to_datetime(master["date"], format="%Y%m%d")
example = pd.read_csv(EXAMPLE)


def summary_record(df, ids, **call):
    return {"call": call, "n": int(len(df)), "sums": frame_sums(df), "sample": frame_sample(df, ids)}


weekly = summary_data_from_transaction_data(master, "customer_id", "date", monetary_value_col="dollar_value", observation_period_end="1998-06-30", freq="W")
wid = list(weekly.index[sample_rows(len(weekly))])
out["utils"]["summary_cdnow_weekly"] = summary_record(weekly, wid, data="CDNOW_master", customer_id_col="customer_id", datetime_col="date", monetary_value_col="dollar_value", observation_period_end="1998-06-30", freq="W")

weekly_first = summary_data_from_transaction_data(master, "customer_id", "date", monetary_value_col="dollar_value", observation_period_end="1998-06-30", freq="W", include_first_transaction=True)
out["utils"]["summary_cdnow_weekly_first"] = summary_record(weekly_first, wid, data="CDNOW_master", customer_id_col="customer_id", datetime_col="date", monetary_value_col="dollar_value", observation_period_end="1998-06-30", freq="W", include_first_transaction=True)

daily = summary_data_from_transaction_data(example, "id", "date", observation_period_end="2014-12-31", freq="D")
did = list(daily.index[sample_rows(len(daily))])
out["utils"]["summary_example_daily"] = summary_record(daily, did, data="example_transactions", customer_id_col="id", datetime_col="date", observation_period_end="2014-12-31", freq="D")

daily7 = summary_data_from_transaction_data(example, "id", "date", freq="D", freq_multiplier=7)
out["utils"]["summary_example_daily_x7"] = summary_record(daily7, did, data="example_transactions", customer_id_col="id", datetime_col="date", freq="D", freq_multiplier=7)

hourly = summary_data_from_transaction_data(master.iloc[:5000], "customer_id", "date", freq="h")  # lifetimes fails on "H" with numpy 2
hid = list(hourly.index[sample_rows(len(hourly))])
out["utils"]["summary_cdnow_head_hourly"] = summary_record(hourly, hid, data="CDNOW_master first 5000 rows", customer_id_col="customer_id", datetime_col="date", freq="h")

cal = calibration_and_holdout_data(master, "customer_id", "date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30", freq="W", monetary_value_col="dollar_value")
cid = list(cal.index[sample_rows(len(cal))])
out["utils"]["calibration_cdnow_weekly"] = summary_record(cal, cid, data="CDNOW_master", customer_id_col="customer_id", datetime_col="date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30", freq="W", monetary_value_col="dollar_value")

# tracking at lifetimes' BG/NBD parameters on the CDNOW sample (set, not refitted)
bgp = out["models"]["bgnbd"]["params"]
tracker = BetaGeoFitter()
tracker.params_ = pd.Series(bgp)[["r", "alpha", "a", "b"]]
track = expected_cumulative_transactions(tracker, master, "date", "customer_id", 78, freq="W")
out["utils"]["tracking_cdnow_weekly"] = {"call": {"t": 78, "freq": "W"}, "params": bgp, "actual": floats(track["actual"]), "predicted": floats(track["predicted"])}
track7 = expected_cumulative_transactions(tracker, example, "date", "id", 140, freq="D", freq_multiplier=7)
out["utils"]["tracking_example_daily_x7"] = {"call": {"t": 140, "freq": "D", "freq_multiplier": 7}, "params": bgp, "actual": floats(track7["actual"]), "predicted": floats(track7["predicted"])}

one = example[example["id"] == 2]
path = calculate_alive_path(tracker, one, "date", 200, freq="D")
out["utils"]["alive_path_example_id2"] = {"call": {"id": 2, "t": 200, "freq": "D"}, "params": bgp, "path": [float(np.ravel(v)[0]) for v in path]}  # lifetimes returns one 1-element array per period

with open(os.path.join(HERE, "lifetimes_0_11_3.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote", os.path.join(HERE, "lifetimes_0_11_3.json"))
