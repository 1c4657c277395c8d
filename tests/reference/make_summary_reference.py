#!/usr/bin/env python
"""Reference summaries made with Python lifetimes 0.11.3 (pandas 2.x), for tests/summary_*.rs.

Run from the repository root with the venv that has lifetimes==0.11.3:

    target/lifetimes-venv/bin/python tests/reference/make_summary_reference.py

Inputs:  datasets/CDNOW_master.txt (the CDNOW master log as shipped with lifetimes)
         tests/data/synthetic_log.csv (written here from a seeded RNG: times of day, many
         purchases per period, customers past the observation end)
Outputs: tests/data/*.csv, one row per customer, sorted by customer id (lifetimes' order).
Floats are written with repr(), which round-trips exactly.

lifetimes 0.11.3 cannot make monthly summaries (freq="M" raises "Unit M is not supported"
with numpy 2), so there is no monthly reference here; see src/data/period.rs.
"""
import random
import sys

import numpy as np
import pandas as pd
import lifetimes
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

assert lifetimes.__version__ == "0.11.3", lifetimes.__version__
OUT = "tests/data"


def write(df, name):
    df = df.copy()
    df.index.name = "customer_id"
    df.to_csv(f"{OUT}/{name}", float_format=None)
    print(f"wrote {OUT}/{name}: {len(df)} rows", file=sys.stderr)


# ---- CDNOW master log -------------------------------------------------------------------
cdnow = pd.read_csv(
    "datasets/CDNOW_master.txt",
    sep=r"\s+",
    dtype={"customer_id": str, "date": str},
)
cdnow["date"] = pd.to_datetime(cdnow["date"], format="%Y%m%d")
assert len(cdnow) == 69659 and cdnow["customer_id"].nunique() == 23570

# The headline case: weekly, observation end 1998-06-30, with monetary value.
write(
    summary_data_from_transaction_data(
        cdnow, "customer_id", "date", monetary_value_col="dollar_value",
        observation_period_end="1998-06-30", freq="W",
    ),
    "cdnow_weekly_summary.csv",
)
# Calibration end 1997-09-30, observation end 1998-06-30, weekly, with monetary value.
write(
    calibration_and_holdout_data(
        cdnow, "customer_id", "date", calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30", freq="W", monetary_value_col="dollar_value",
    ),
    "cdnow_weekly_calibration_holdout.csv",
)
# Daily, an observation end inside the log (drops later purchases and later customers),
# first purchase included.
write(
    summary_data_from_transaction_data(
        cdnow, "customer_id", "date", monetary_value_col="dollar_value",
        observation_period_end="1997-03-15", freq="D", include_first_transaction=True,
    ),
    "cdnow_daily_1997-03-15_include_first.csv",
)

# ---- synthetic log with times of day ----------------------------------------------------
rng = random.Random(20240611)
rows = []
start = pd.Timestamp("2021-01-01 00:00:00")
for c in range(300):
    first = start + pd.Timedelta(seconds=rng.randrange(0, 120 * 86400))
    n = rng.choice([1, 1, 2, 3, 5, 8, 13])
    times = [first] + [first + pd.Timedelta(seconds=rng.randrange(0, 200 * 86400)) for _ in range(n - 1)]
    # bursts: several purchases within the same hour/day
    if rng.random() < 0.3:
        times.append(times[-1] + pd.Timedelta(seconds=rng.randrange(0, 3000)))
    for t in times:
        rows.append((f"u{c:03d}", t.strftime("%Y-%m-%d %H:%M:%S"), round(rng.uniform(0, 100), 2)))
rng.shuffle(rows)
syn = pd.DataFrame(rows, columns=["user", "ts", "amount"])
syn.to_csv(f"{OUT}/synthetic_log.csv", index=False)
syn["ts"] = pd.to_datetime(syn["ts"], format="%Y-%m-%d %H:%M:%S")

# Observation end 2021-05-05 10:00 is a Wednesday: weekly keeps purchases up to Sunday 05-09
# (lifetimes compares period starts), daily up to the end of 05-05, hourly up to 10:59:59.
for freq, tag in [("W", "weekly"), ("D", "daily"), ("h", "hourly")]:
    write(
        summary_data_from_transaction_data(
            syn, "user", "ts", monetary_value_col="amount",
            observation_period_end="2021-05-05 10:00:00", freq=freq,
        ),
        f"synthetic_{tag}_summary.csv",
    )
for freq, tag in [("W", "weekly"), ("D", "daily")]:
    write(
        calibration_and_holdout_data(
            syn, "user", "ts", calibration_period_end="2021-03-03 12:00:00",
            observation_period_end="2021-06-02 18:00:00", freq=freq, monetary_value_col="amount",
        ),
        f"synthetic_{tag}_calibration_holdout.csv",
    )

# ---- monthly: pandas Period arithmetic (lifetimes itself raises for freq="M") ------------
def monthly_summary(df, cid, col, amount, end):
    """The lifetimes algorithm with T and recency as whole calendar months (Period .n)."""
    d = df[df[col].dt.to_period("M") <= pd.Period(end, "M")].copy()
    d["p"] = d[col].dt.to_period("M")
    per = d.groupby([cid, "p"], as_index=False)[amount].sum().sort_values([cid, "p"])
    out = {}
    end_p = pd.Period(end, "M")
    for c, g in per.groupby(cid):
        ps = list(g["p"])
        vals = list(g[amount])
        out[c] = dict(
            frequency=float(len(ps) - 1),
            recency=float((ps[-1] - ps[0]).n),
            T=float((end_p - ps[0]).n),
            monetary_value=float(np.mean(vals[1:])) if len(ps) > 1 else 0.0,
        )
    return pd.DataFrame.from_dict(out, orient="index")


try:
    summary_data_from_transaction_data(syn, "user", "ts", observation_period_end="2021-05-05", freq="M")
    raise SystemExit("lifetimes accepted freq='M': revisit the monthly reference")
except ValueError as e:
    print(f"lifetimes freq='M' raises as documented: {e}", file=sys.stderr)
write(monthly_summary(syn, "user", "ts", "amount", "2021-05-05 10:00:00"), "synthetic_monthly_summary_pandas_periods.csv")
