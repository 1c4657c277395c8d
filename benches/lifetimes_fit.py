"""Side-by-side timing: Python lifetimes 0.11.3 BetaGeoFitter / ModifiedBetaGeoFitter on the
same 1M-customer synthetic weekly summary the Rust `fit` bench uses.

    LTV_BENCH_WRITE_CSV=/tmp/synthetic_1m.csv cargo bench --bench fit -- "fit/bgnbd/1000000"
    target/lifetimes-venv/bin/python benches/lifetimes_fit.py /tmp/synthetic_1m.csv

Prints wall-clock seconds of one `fit` call per model (lifetimes' defaults, no compression),
the estimates and the log-likelihood, so both libraries can be compared on the same data.
"""
import sys
import time

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter

path = sys.argv[1]
d = pd.read_csv(path)
f, r, T = d["frequency"], d["recency"], d["T"]
print(f"{len(d)} customers from {path}")
for name, cls in [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)]:
    m = cls()
    t0 = time.perf_counter()
    m.fit(f, r, T)
    dt = time.perf_counter() - t0
    ll = -cls._negative_log_likelihood(
        np.log(m.params_.values), f.values, r.values, T.values, np.ones(len(d)), 0.0
    ) * len(d)
    print(f"{name}: fit {dt:.2f} s, params {dict(m.params_.round(6))}, LL {ll:.4f}")
