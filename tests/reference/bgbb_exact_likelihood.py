#!/usr/bin/env python3
"""The BG/BB log-likelihood on donations in 50-digit arithmetic (mpmath), at lifetimes 0.11.3's
estimates: how far lifetimes' reported log-likelihood is from the exact likelihood.

Run:  target/lifetimes-venv/bin/python tests/reference/bgbb_exact_likelihood.py \
          > tests/reference/bgbb_exact_likelihood.json

Likelihood of a pattern (x, t_x, n) (Fader, Hardie & Shang 2010, eq. 5):

    L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
      + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)

lifetimes evaluates Σ w ln(L + 1e-15) in double precision; "exact_plus_1e15" is that
objective evaluated exactly, which separates the bias of the offset from rounding.
"""
import csv
import json
import os

import mpmath as mp

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "..", "datasets", "donations.csv")) as f:
    ROWS = [tuple(int(v) for v in r) for r in list(csv.reader(f))[1:]]
with open(os.path.join(HERE, "bgbb_gamma_gamma_lifetimes.json")) as f:
    LIFETIMES = json.load(f)["bgbb_donations"]


def row_likelihood(al, be, ga, de, x, tx, n):
    b = mp.beta
    value = b(al + x, be + n - x) / b(al, be) * b(ga, de + n) / b(ga, de)
    for i in range(n - tx):
        value += b(al + x, be + tx - x + i) / b(al, be) * b(ga + 1, de + tx + i) / b(ga, de)
    return value


def log_likelihood(params, offset=0):
    return sum(w * mp.log(row_likelihood(*params, x, tx, n) + offset) for x, tx, n, w in ROWS)


params = [mp.mpf(repr(LIFETIMES["params"][k])) for k in ["alpha", "beta", "gamma", "delta"]]
print(json.dumps({
    "source": "mpmath 50 digits at lifetimes 0.11.3's BG/BB estimates on donations",
    "params": LIFETIMES["params"],
    "lifetimes_reported": LIFETIMES["log_likelihood_total"],
    "exact": mp.nstr(log_likelihood(params), 25),
    "exact_plus_1e15": mp.nstr(log_likelihood(params, mp.mpf("1e-15")), 25),
}, indent=1))
