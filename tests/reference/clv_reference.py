"""Reference CLV values for ltv's value module (lifetimes 0.11.3).

Writes tests/reference/clv_reference.json: `GammaGammaFitter.customer_lifetime_value` with a
Pareto/NBD transaction model, both at the parameters lifetimes fitted on CDNOW (taken from
../shared/reference/cdnow_lifetimes.json, copied to tests/reference/cdnow_lifetimes.json),
on cdnow_customers_summary_with_transactions.csv (weekly data, freq="W"), for
(months, monthly discount) = (12, 0.01), (3, 0.0) and (24, 0.05). The BG/NBD values of the
shared reference complete the picture.

Run: target/lifetimes-venv/bin/python tests/reference/clv_reference.py
"""
import json
import pandas as pd
from lifetimes import GammaGammaFitter, ParetoNBDFitter

ref = json.load(open("tests/reference/cdnow_lifetimes.json"))
df = pd.read_csv("/work/shared/data/cdnow_customers_summary_with_transactions.csv").set_index("ID")

pnbd = ParetoNBDFitter()
pnbd.params_ = pd.Series(ref["models"]["pareto_nbd"]["params"])
pnbd.predict = pnbd.conditional_expected_number_of_purchases_up_to_time  # set by fit()
ggf = GammaGammaFitter()
ggf.params_ = pd.Series(ref["models"]["gamma_gamma"]["params"])

out = dict(source="tests/reference/clv_reference.py (lifetimes 0.11.3)", cases=[])
for months, rate in [(12, 0.01), (3, 0.0), (24, 0.05)]:
    clv = ggf.customer_lifetime_value(pnbd, df["x"], df["t_x"], df["T"], df["zbar"],
                                      time=months, discount_rate=rate, freq="W")
    ids = [1, 2, 3, 18, 1516, 2357]
    out["cases"].append(dict(model="pareto_nbd", months=months, discount_rate=rate,
                             values={str(i): float(clv.loc[i]) for i in ids},
                             total=float(clv.sum())))
json.dump(out, open("tests/reference/clv_reference.json", "w"), indent=1)
print(json.dumps(out, indent=1))
