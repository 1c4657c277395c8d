"""The lifetimes quickstart with ltv: one changed import line.

    pip install ./python matplotlib
    python examples/python_quickstart.py

Fits BG/NBD and Gamma-Gamma on the CDNOW sample (weeks), prints the parameters with standard
errors, the customers most likely to buy next month, and 12-month CLVs; saves two of the
lifetimes plots as PNG files and the model as the crate's JSON.
"""

import matplotlib

matplotlib.use("Agg")

from ltv.lifetimes import BetaGeoFitter, GammaGammaFitter  # was: from lifetimes import ...
from ltv.lifetimes.datasets import load_cdnow_summary_data_with_monetary_value
from ltv.lifetimes.plotting import plot_frequency_recency_matrix, plot_period_transactions

data = load_cdnow_summary_data_with_monetary_value()

bgf = BetaGeoFitter(penalizer_coef=0.0)
bgf.fit(data["frequency"], data["recency"], data["T"])
print(bgf)
print(bgf.summary)

data["next_month"] = bgf.conditional_expected_number_of_purchases_up_to_time(4.345, data["frequency"], data["recency"], data["T"])
data["p_alive"] = bgf.conditional_probability_alive(data["frequency"], data["recency"], data["T"])
print(data.sort_values("next_month", ascending=False).head())

returning = data[data["frequency"] > 0]
ggf = GammaGammaFitter(penalizer_coef=0.0)
ggf.fit(returning["frequency"], returning["monetary_value"])
print(ggf.summary)

clv = ggf.customer_lifetime_value(bgf, data["frequency"], data["recency"], data["T"], data["monetary_value"], time=12, discount_rate=0.01, freq="W")
print(clv.describe())

plot_period_transactions(bgf).figure.savefig("period_transactions.png")
matplotlib.pyplot.close("all")
plot_frequency_recency_matrix(bgf).figure.savefig("frequency_recency_matrix.png")
bgf.save_model("bgnbd.json", period="W")  # readable by `ltv predict --model-file bgnbd.json`
print("wrote period_transactions.png, frequency_recency_matrix.png, bgnbd.json")
