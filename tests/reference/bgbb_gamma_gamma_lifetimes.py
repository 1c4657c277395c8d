#!/usr/bin/env python3
"""Reference values for the BG/BB and Gamma-Gamma models from Python lifetimes 0.11.3.

Run:  target/lifetimes-venv/bin/python tests/reference/bgbb_gamma_gamma_lifetimes.py \
          > tests/reference/bgbb_gamma_gamma_lifetimes.json

Data: /work/shared/data/donations.csv (BG/BB, Fader, Hardie & Shang 2010: 22 weighted
patterns, 6 periods) and /work/shared/data/cdnow_customers_summary_with_transactions.csv
(Gamma-Gamma on the 946 customers with frequency > 0, as in lifetimes' docs).

Every prediction is lifetimes' own output at lifetimes' fitted parameters, so the Rust tests
compare formulas, not optimizers. Log-likelihood totals are lifetimes' objective without the
penalizer, times the total weight (BG/BB: note lifetimes adds 1e-15 inside the logarithm of
the sum over death periods, a bias of at most ~1e-15 / B per row).
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoBetaBinomFitter, GammaGammaFitter
import lifetimes

warnings.simplefilter("ignore")
DATA = "/work/shared/data"
out = {"source": f"Python lifetimes {lifetimes.__version__}, default fit settings"}

# ---- BG/BB on donations ------------------------------------------------------------------
don = pd.read_csv(f"{DATA}/donations.csv")
bb = BetaGeoBetaBinomFitter()
bb.fit(don["frequency"], don["recency"], don["periods"], weights=don["weights"])
p = bb._unload_params("alpha", "beta", "gamma", "delta")
ll = (BetaGeoBetaBinomFitter._loglikelihood(p, don["frequency"], don["recency"], don["periods"])
      * don["weights"]).sum()
x, tx, n = don["frequency"].values, don["recency"].values, don["periods"].values
rows = [[int(a), int(b), int(c)] for a, b, c in zip(x, tx, n)]
bgbb = {
    "params": dict(zip(["alpha", "beta", "gamma", "delta"], map(float, p))),
    "log_likelihood_total": float(ll),
    "rows": rows,
    "conditional_expected_purchases": {
        str(m): list(map(float, bb.conditional_expected_number_of_purchases_up_to_time(m, x, tx, n)))
        for m in [1, 5, 10]
    },
    "probability_alive": {
        str(m): list(map(float, bb.conditional_probability_alive(m, x, tx, n))) for m in [0, 1, 5]
    },
    # lifetimes returns P(X(n) = x) times the number of donors, for the observed x values
    "expected_number_of_transactions_in_first_n_periods": {
        str(k): {str(int(i)): float(v) for i, v in
                 bb.expected_number_of_transactions_in_first_n_periods(k)["model"].items()}
        for k in [6, 10]
    },
    "total_weight": float(don["weights"].sum()),
}
out["bgbb_donations"] = bgbb

# ---- Gamma-Gamma on CDNOW ------------------------------------------------------------------
cd = pd.read_csv(f"{DATA}/cdnow_customers_summary_with_transactions.csv")
rep = cd[cd["x"] > 0]
gg = GammaGammaFitter()
gg.fit(rep["x"], rep["zbar"])
pq = gg._unload_params("p", "q", "v")
obj = GammaGammaFitter._negative_log_likelihood(np.log(pq), rep["x"].values, rep["zbar"].values,
                                                np.ones(len(rep)), 0.0)
out["gamma_gamma"] = {
    "params": dict(zip(["p", "q", "v"], map(float, pq))),
    "log_likelihood_total": float(-obj * len(rep)),
    "n_customers": int(len(rep)),
    "ids": list(map(int, cd["ID"])),
    "conditional_expected_average_profit": list(
        map(float, gg.conditional_expected_average_profit(cd["x"], cd["zbar"]))),
    "pearson_frequency_monetary": float(np.corrcoef(rep["x"], rep["zbar"])[0, 1]),
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
