"""Side-by-side timing of Python lifetimes 0.11.3 on the data of the `clv` criterion bench.

    cargo run --release --example synthetic_weekly_summary -- 1000000 > /tmp/weekly.csv
    target/lifetimes-venv/bin/python benches/clv_lifetimes.py /tmp/weekly.csv [--skip-per-customer-fit]

Times (wall clock, one run each):
* ParetoNBDFitter.fit on one row per customer (how lifetimes is normally called);
* ParetoNBDFitter.fit on the compressed rows with `weights` (lifetimes' fastest way);
* 12-month CLV (`lifetimes.utils._customer_lifetime_value`, the engine of
  GammaGammaFitter.customer_lifetime_value, freq="W", discount 0.01) for all customers,
  with the expected value per purchase given (as in the bench).
"""
import sys
import time

import numpy as np
import pandas as pd
from lifetimes import ParetoNBDFitter
from lifetimes.utils import _customer_lifetime_value

args = [a for a in sys.argv[1:] if not a.startswith("--")]
path = args[0] if args else "/tmp/weekly.csv"
skip_per_customer = "--skip-per-customer-fit" in sys.argv
df = pd.read_csv(path)
n = len(df)
print(f"{n} customers")

grouped = df.groupby(["frequency", "recency", "T"]).size().rename("weights").reset_index()
print(f"{len(grouped)} distinct rows")

t0 = time.perf_counter()
w = ParetoNBDFitter()
w.fit(grouped["frequency"], grouped["recency"], grouped["T"], weights=grouped["weights"])
t_weighted = time.perf_counter() - t0
print(f"fit on compressed rows with weights: {t_weighted:.2f} s  params {dict(w.params_)}")

if skip_per_customer:
    f = w
else:
    t0 = time.perf_counter()
    f = ParetoNBDFitter()
    f.fit(df["frequency"], df["recency"], df["T"])
    t_fit = time.perf_counter() - t0
    print(f"fit on one row per customer: {t_fit:.2f} s  params {dict(f.params_)}")

t0 = time.perf_counter()
clv = _customer_lifetime_value(f, df["frequency"], df["recency"], df["T"], df["expected_value"],
                               time=12, discount_rate=0.01, freq="W")
t_clv = time.perf_counter() - t0
print(f"12-month CLV: {t_clv:.2f} s  total {clv.sum():.2f}")
