#!/usr/bin/env python3
"""The lifetimes anchors of the ROAS benchmark (issue 10): how well Python lifetimes 0.11.3 does
on the same simulated apps as `examples/roas_benchmark.rs`, scored the same way.

Data. One pair of CSV files per seed, written by the benchmark's export hook:

    ROAS_EXPORT=/work/roas_export ROAS_ONLY=99 \
        cargo run --release --example roas_benchmark 1 2 3 4 5

(`ROAS_EXPORT=dir` writes the files for each seed; `ROAS_ONLY=99` names no configuration, so
the Rust configurations are skipped and only the export runs.)

* `users_seed{N}.csv`: `user_id,network,campaign,frequency,recency,T,monetary_value`, each
  user's exact-time summary in days at the as-of cut. The install is the birth, not a purchase:
  frequency counts the purchases after install, recency is the time of the last one since
  install (0 without purchases), T the time from install to the cut, monetary_value the mean
  purchase amount (0 without purchases).
* `campaigns_seed{N}.csv`: `campaign,network,is_new,cost,revenue_to_date,future_revenue_360`;
  `future_revenue_360` is the truth, the revenue the campaign's users realise over the 360 days
  after the as-of date.

Configurations, per seed:

* lifetimes pooled: one `BetaGeoFitter` on all users and one `GammaGammaFitter` on the repeat
  buyers (frequency > 0 and monetary_value > 0);
* lifetimes per network: one `BetaGeoFitter` and one `GammaGammaFitter` per network, each on
  that network's users.

Each user's expected revenue over the next 360 days is
`conditional_expected_number_of_purchases_up_to_time(360, frequency, recency, T)` times
`conditional_expected_average_profit(frequency, monetary_value)`, the latter replaced by the
fitted population mean spend p v / (q - 1) for users without purchases. A campaign's estimated
ROAS is (revenue_to_date + the sum of its users' expected revenue) / cost, its true ROAS
(revenue_to_date + future_revenue_360) / cost.

Scores, as `ltv::report::backtest::Score`: the median of |estimated / true - 1| over all 15
campaigns and over the new ones (`is_new`, five per seed), and the number of campaign pairs the
estimate orders like the truth (ties count as wrong): 105 pairs overall, 10 among the new.

Every fit first runs with `penalizer_coef=0`; if it raises (lifetimes' ConvergenceError or a
numerical error) or returns non-finite parameters it is retried with `penalizer_coef=1e-3`, and
the details below the table say which fits needed it. `seconds` is the wall time of the
configuration's fits (BG/NBD plus Gamma-Gamma, all networks); the predictions' time is listed in
the details.

Environment (what this was run with): Python 3.11.7, lifetimes 0.11.3, pandas 2.3.3, numpy
2.4.6, scipy 1.17.1, autograd 1.9.1 -- lifetimes 0.11.3 works unchanged on these; only pandas
must stay below 3.

    python3 -m venv target/lifetimes-venv
    target/lifetimes-venv/bin/pip install "lifetimes==0.11.3" "pandas<3" numpy scipy
    target/lifetimes-venv/bin/python benches/roas_lifetimes.py --data /work/roas_export \
        | tee benches/roas_lifetimes.txt

Options: `--data DIR` (default /work/roas_export), `--seeds 1 2 3` (default: every seed found in
DIR), `--horizon DAYS` (default 360).
"""

import argparse
import glob
import hashlib
import os
import re
import sys
import time
import warnings

import numpy as np
import pandas as pd
import lifetimes
import scipy
from lifetimes import BetaGeoFitter, GammaGammaFitter

RETRY_PENALIZER = 1e-3


def fit_with_retry(make, fit_args):
    """Fits `make(penalizer)` on `fit_args`, with penalizer 0 and then RETRY_PENALIZER.

    Returns (fitted model, penalizer used, seconds of all attempts, note on the failure if any).
    """
    note = ""
    t0 = time.perf_counter()
    for pen in (0.0, RETRY_PENALIZER):
        model = make(pen)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(*fit_args)
            if not np.all(np.isfinite(model.params_.values)):
                raise FloatingPointError(f"non-finite parameters {dict(model.params_)}")
            return model, pen, time.perf_counter() - t0, note
        except Exception as e:  # lifetimes raises ConvergenceError, numpy/scipy others
            note = f"penalizer {pen:g} failed: {type(e).__name__}: {str(e).splitlines()[0][:120]}"
    raise RuntimeError(f"fit failed with every penalizer ({note})")


def fit_group(users):
    """BG/NBD on all `users`, Gamma-Gamma on their repeat buyers; returns the fits and notes."""
    bg, bg_pen, bg_s, bg_note = fit_with_retry(
        lambda pen: BetaGeoFitter(penalizer_coef=pen),
        (users["frequency"], users["recency"], users["T"]),
    )
    rep = users[(users["frequency"] > 0) & (users["monetary_value"] > 0)]
    gg, gg_pen, gg_s, gg_note = fit_with_retry(
        lambda pen: GammaGammaFitter(penalizer_coef=pen),
        (rep["frequency"], rep["monetary_value"]),
    )
    return {
        "bg": bg, "bg_pen": bg_pen, "bg_note": bg_note,
        "gg": gg, "gg_pen": gg_pen, "gg_note": gg_note,
        "fit_seconds": bg_s + gg_s, "users": len(users), "repeat": len(rep),
    }


def expected_revenue(fit, users, horizon):
    """Each user's expected revenue over the next `horizon` days under `fit`."""
    f, r, T, m = users["frequency"], users["recency"], users["T"], users["monetary_value"]
    with np.errstate(all="ignore"):
        n = fit["bg"].conditional_expected_number_of_purchases_up_to_time(horizon, f, r, T)
        p, q, v = (fit["gg"].params_[k] for k in ("p", "q", "v"))
        spend = fit["gg"].conditional_expected_average_profit(f, m)
    spend = np.where(f.values > 0, np.asarray(spend, dtype=float), p * v / (q - 1.0))
    out = np.asarray(n, dtype=float) * spend
    bad = ~np.isfinite(out)
    if bad.any():
        raise FloatingPointError(f"{bad.sum()} non-finite predictions")
    return out


def score(est, truth):
    """(median |est/true - 1|, pairs ordered like the truth, pairs), ties counting as wrong."""
    est, truth = np.asarray(est, float), np.asarray(truth, float)
    err = float(np.median(np.abs(est / truth - 1.0)))
    right = pairs = 0
    for i in range(len(est)):
        for j in range(i + 1, len(est)):
            pairs += 1
            right += (est[i] - est[j]) * (truth[i] - truth[j]) > 0
    return err, int(right), pairs


def run_config(groups, users, camps, horizon):
    """Fits one model per group of users, predicts, and scores the campaigns' ROAS."""
    fits, fit_seconds, details = {}, 0.0, []
    expected = pd.Series(0.0, index=users.index)
    t_pred = 0.0
    for g, sub in groups:
        fit = fit_group(sub)
        fit_seconds += fit["fit_seconds"]
        t0 = time.perf_counter()
        expected.loc[sub.index] = expected_revenue(fit, sub, horizon)
        t_pred += time.perf_counter() - t0
        fits[g] = fit
        bgp = ", ".join(f"{k} {v:.4g}" for k, v in fit["bg"].params_.items())
        ggp = ", ".join(f"{k} {v:.4g}" for k, v in fit["gg"].params_.items())
        details.append(
            f"  - {g}: {fit['users']} users, {fit['repeat']} repeat buyers; "
            f"BG/NBD (penalizer {fit['bg_pen']:g}) {bgp}; "
            f"Gamma-Gamma (penalizer {fit['gg_pen']:g}) {ggp}"
        )
        for note in (fit["bg_note"] and f"BG/NBD {fit['bg_note']}",
                     fit["gg_note"] and f"Gamma-Gamma {fit['gg_note']}"):
            if note:
                details.append(f"    - retried: {note}")
    by_campaign = expected.groupby(users["campaign"]).sum()
    est = (camps["revenue_to_date"] + camps["campaign"].map(by_campaign).fillna(0.0)) / camps["cost"]
    truth = (camps["revenue_to_date"] + camps["future_revenue_360"]) / camps["cost"]
    new = camps["is_new"].values
    all_s = score(est.values, truth.values)
    new_s = score(est.values[new], truth.values[new])
    details.append(f"  - predictions {t_pred:.2f} s")
    per_campaign = [
        f"{c} {e:.2f}/{t:.2f}{'*' if n else ''}"
        for c, e, t, n in zip(camps["campaign"], est, truth, new)
    ]
    details.append("  - estimated/true ROAS (* new): " + ", ".join(per_campaign))
    return all_s, new_s, fit_seconds, details


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:12]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/work/roas_export")
    ap.add_argument("--seeds", type=int, nargs="*")
    ap.add_argument("--horizon", type=float, default=360.0)
    args = ap.parse_args()
    seeds = args.seeds or sorted(
        int(re.search(r"users_seed(\d+)\.csv$", p).group(1))
        for p in glob.glob(os.path.join(args.data, "users_seed*.csv"))
    )
    if not seeds:
        sys.exit(f"no users_seed*.csv in {args.data}")

    print("# ROAS benchmark anchors: Python lifetimes (benches/roas_lifetimes.py)")
    print()
    print(f"Python {sys.version.split()[0]}, lifetimes {lifetimes.__version__}, "
          f"pandas {pd.__version__}, numpy {np.__version__}, scipy {scipy.__version__}; "
          f"horizon {args.horizon:g} days; data {args.data}")
    print()
    print("| seed | configuration | median error, all | median error, new "
          "| pairs right, all | pairs right, new | seconds |")
    print("|---|---|---|---|---|---|---|")
    notes = []
    for seed in seeds:
        upath = os.path.join(args.data, f"users_seed{seed}.csv")
        cpath = os.path.join(args.data, f"campaigns_seed{seed}.csv")
        users = pd.read_csv(upath)
        camps = pd.read_csv(cpath)
        camps["is_new"] = camps["is_new"].astype(str).str.lower().eq("true")
        notes.append(f"- seed {seed} data: {len(users)} users, {int(users['frequency'].sum())} "
                     f"purchases after install; users_seed{seed}.csv sha256 {sha(upath)}…, "
                     f"campaigns_seed{seed}.csv sha256 {sha(cpath)}…")
        configs = [
            ("lifetimes pooled (BG/NBD + Gamma-Gamma), exact days", [("all users", users)]),
            ("lifetimes per network (BG/NBD + Gamma-Gamma), exact days",
             list(users.groupby("network", sort=True))),
        ]
        for name, groups in configs:
            try:
                (ea, ra, pa), (en, rn, pn), secs, details = run_config(
                    groups, users, camps, args.horizon)
            except Exception as e:
                print(f"| {seed} | {name} | failed: {e} | | | | |", flush=True)
                continue
            print(f"| {seed} | {name} | {100 * ea:.1f}% | {100 * en:.1f}% "
                  f"| {ra}/{pa} | {rn}/{pn} | {secs:.2f} |", flush=True)
            notes.append(f"- seed {seed}, {name}:")
            notes.extend(details)
    print()
    print("Details: fits (penalizer used, parameters in days), prediction time, "
          "and each campaign's estimated/true ROAS.")
    print()
    for line in notes:
        print(line)


if __name__ == "__main__":
    main()
