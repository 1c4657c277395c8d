"""Reference values for the BG/NBD and MBG/NBD tests (tests/bgnbd_reference.rs,
tests/mbgnbd_reference.rs).

Run with Python lifetimes 0.11.3 (pandas < 3, scipy):
    target/lifetimes-venv/bin/python tests/reference/bgnbd_mbgnbd_lifetimes.py
It writes tests/reference/bgnbd_mbgnbd_lifetimes.json. Every prediction is evaluated at the
parameters lifetimes itself estimates on tests/data/cdnow_customers_summary.csv (weeks), so
the Rust tests compare formulas, not optimizers. Values are lifetimes' own methods.
"""
import json
import os

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter

HERE = os.path.dirname(os.path.abspath(__file__))
data = pd.read_csv(os.path.join(HERE, "..", "data", "cdnow_customers_summary.csv"))
f, r, T = data["frequency"], data["recency"], data["T"]

out = {
    "source": "lifetimes 0.11.3 on tests/data/cdnow_customers_summary.csv; "
    "see tests/reference/bgnbd_mbgnbd_lifetimes.py",
}
for name, cls in [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)]:
    m = cls(penalizer_coef=0.0).fit(f, r, T)
    rec = {
        "params": {k: float(v) for k, v in m.params_.items()},
        # unpenalised LL summed over customers: lifetimes' objective (-LL / sum(weights) with
        # penalizer 0) at its estimates, times the number of customers
        "log_likelihood_total": float(
            -cls._negative_log_likelihood(
                np.log(m.params_.values), f.values, r.values, T.values, np.ones(len(data)), 0.0
            )
            * len(data)
        ),
        "std_errors_lifetimes": {k: float(v) for k, v in m.standard_errors_.items()},
        "conditional_expected_purchases": {},
        "probability_alive": [float(v) for v in m.conditional_probability_alive(f, r, T)],
        "expected_purchases_new_customer": {},
        "probability_of_n_purchases": {},
    }
    for t in [1.0, 39.0, 200.0]:
        rec["conditional_expected_purchases"][str(t)] = [
            float(v) for v in m.conditional_expected_number_of_purchases_up_to_time(t, f, r, T)
        ]
    for t in [0.1429, 1.0, 3.0, 10.0, 31.86, 32.0, 39.0, 78.0, 500.0]:
        rec["expected_purchases_new_customer"][str(t)] = float(
            m.expected_number_of_purchases_up_to_time(t)
        )
    for t in [1.0, 39.0, 100.0]:
        rec["probability_of_n_purchases"][str(t)] = {
            str(n): float(m.probability_of_n_purchases_up_to_time(t, n)) for n in range(0, 11)
        }
    mat = m.conditional_probability_alive_matrix(max_frequency=5, max_recency=10)
    rec["probability_alive_matrix_f5_r10"] = [[float(v) for v in row] for row in mat]
    # penalised fit, to compare penalizer meaning
    mp = cls(penalizer_coef=0.01).fit(f, r, T)
    rec["penalizer_0.01_params"] = {k: float(v) for k, v in mp.params_.items()}
    # lifetimes' penalised objective -LL/n + 0.01 * sum(params^2) at those parameters
    rec["penalizer_0.01_objective"] = float(
        cls._negative_log_likelihood(
            np.log(mp.params_.values), f.values, r.values, T.values, np.ones(len(data)), 0.01
        )
    )
    out[name] = rec

with open(os.path.join(HERE, "bgnbd_mbgnbd_lifetimes.json"), "w") as fh:
    json.dump(out, fh)
print("written")
