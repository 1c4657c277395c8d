"""Reference values for the tracking test (tests/tracking_reference.rs): lifetimes'
`expected_cumulative_transactions` on the full CDNOW master log, weekly, 78 weeks.

Run with Python lifetimes 0.11.3 (pandas < 3, numpy, scipy), from the repository root:
    nice -n 19 target/lifetimes-venv/bin/python tests/reference/tracking_lifetimes.py
It writes tests/reference/tracking_lifetimes.json.

Data: datasets/CDNOW_master.txt (69,659 transactions of 23,570 customers, 1997-01-01 to
1998-06-30), customer ids kept as strings, dates parsed with format %Y%m%d.

Call: lifetimes.utils.expected_cumulative_transactions(model, transactions, "date",
"customer_id", t=78, freq="W") -- weeks ending on Sunday (pandas "W" = "W-SUN"), the first
week being the one holding 1997-01-01, as in lifetimes' docs and the BG/NBD paper's tracking
plot (Fader, Hardie & Lee 2005, figure 2).

The models are not fitted here: their parameters are set to lifetimes' own estimates on the
2,357-customer CDNOW calibration summary, read from the reference files already checked in
(bgnbd_mbgnbd_lifetimes.json for BG/NBD and MBG/NBD, cdnow_lifetimes.json for Pareto/NBD), so
the Rust test compares the tracking formula, not optimizers. "actual" does not depend on the
model; it is written once (from the BG/NBD call) and checked equal across the three calls.
"""
import json
import os

import lifetimes
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
from lifetimes.utils import expected_cumulative_transactions

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
T_WEEKS = 78

assert lifetimes.__version__ == "0.11.3", lifetimes.__version__

tx = pd.read_csv(
    os.path.join(ROOT, "datasets", "CDNOW_master.txt"),
    sep=r"\s+",
    dtype={"customer_id": str, "date": str},
)
tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")

with open(os.path.join(HERE, "bgnbd_mbgnbd_lifetimes.json")) as fh:
    bm = json.load(fh)
with open(os.path.join(HERE, "cdnow_lifetimes.json")) as fh:
    cd = json.load(fh)

models = {
    "bgnbd": (BetaGeoFitter, bm["bgnbd"]["params"], ["r", "alpha", "a", "b"]),
    "mbgnbd": (ModifiedBetaGeoFitter, bm["mbgnbd"]["params"], ["r", "alpha", "a", "b"]),
    "pareto_nbd": (ParetoNBDFitter, cd["models"]["pareto_nbd"]["params"], ["r", "alpha", "s", "beta"]),
}

out = {
    "source": "lifetimes 0.11.3 utils.expected_cumulative_transactions on datasets/CDNOW_master.txt, "
    "freq='W', t=78; see tests/reference/tracking_lifetimes.py",
    "t": T_WEEKS,
    "freq": "W",
    "start_date": str(tx["date"].min().date()),
    "n_transactions": int(len(tx)),
    "n_customers": int(tx["customer_id"].nunique()),
}
actual = None
for name, (cls, params, order) in models.items():
    m = cls()
    m.params_ = pd.Series({k: float(params[k]) for k in order})
    df = expected_cumulative_transactions(m, tx, "date", "customer_id", t=T_WEEKS, freq="W")
    assert len(df) == T_WEEKS
    a = [int(v) for v in df["actual"]]
    if actual is None:
        actual = a
    assert a == actual, name
    out[name] = {
        "params": {k: float(params[k]) for k in order},
        "predicted": [float(v) for v in df["predicted"]],
    }
out["actual"] = actual

with open(os.path.join(HERE, "tracking_lifetimes.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print("written; actual[-1] =", actual[-1], "bgnbd predicted[-1] =", out["bgnbd"]["predicted"][-1])
