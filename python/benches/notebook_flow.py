#!/usr/bin/env python3
"""The lifetimes notebook flow, timed: read CSV -> summary_data_from_transaction_data ->
BetaGeoFitter -> GammaGammaFitter -> customer_lifetime_value (12 months, 1% a month, weeks).

The same code runs with Python lifetimes 0.11.3 (``--impl lifetimes``) or with this package's
drop-in (``--impl ltv``: only the imports differ), in whichever environment has it; each run
prints one JSON object (stage times, parameters, CLV total and a sample) for
notebook_flow.sh to compare. Default input: the synthetic 1,000,000-customer weekly log of
benches/compare_lifetimes.py (generated and cached in target/compare_lifetimes/).
"""

import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def synthetic_log(customers, seed, workdir):
    path = os.path.join(workdir, "synthetic_{}_{}.csv".format(customers, seed))
    if not os.path.exists(path):
        spec = importlib.util.spec_from_file_location("compare_lifetimes", os.path.join(ROOT, "benches", "compare_lifetimes.py"))
        gen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen)
        os.makedirs(workdir, exist_ok=True)
        print("generating {} customers into {} ...".format(customers, path), file=sys.stderr)
        gen.generate(path + ".tmp", customers, seed)
        os.replace(path + ".tmp", path)
    return path, "2024-06-29"  # compare_lifetimes.py: 78 weeks from Monday 2024-01-01


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--impl", choices=["lifetimes", "ltv"], required=True)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default=os.path.join(ROOT, "target", "compare_lifetimes"))
    args = ap.parse_args()

    if args.impl == "lifetimes":
        from lifetimes import BetaGeoFitter, GammaGammaFitter
        from lifetimes.utils import summary_data_from_transaction_data
    else:
        from ltv.lifetimes import BetaGeoFitter, GammaGammaFitter
        from ltv.lifetimes.utils import summary_data_from_transaction_data

    log, end = synthetic_log(args.customers, args.seed, args.workdir)
    t = {}
    t0 = time.perf_counter()
    tx = pd.read_csv(log, dtype={"customer_id": str})
    t["read_csv"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    summary = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", observation_period_end=end, freq="W")
    t["summary"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    t["bgnbd_fit"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    returning = summary[summary["frequency"] > 0]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(returning["frequency"], returning["monetary_value"])
    t["gamma_gamma_fit"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    clv = ggf.customer_lifetime_value(bgf, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"], time=12, discount_rate=0.01, freq="W")
    t["clv"] = time.perf_counter() - t0

    t["total"] = sum(t.values())
    sample = clv.iloc[:: max(1, len(clv) // 1000)]
    print(json.dumps({
        "impl": args.impl,
        "customers": int(len(summary)),
        "transactions": int(len(tx)),
        "seconds": t,
        "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
        "gamma_gamma": {k: float(v) for k, v in ggf.params_.items()},
        "summary_sums": {c: float(summary[c].sum()) for c in summary.columns},
        "clv_total": float(clv.sum()),
        "clv_sample": {"index": [str(i) for i in sample.index], "values": [float(v) for v in sample.values]},
    }))


if __name__ == "__main__":
    main()
