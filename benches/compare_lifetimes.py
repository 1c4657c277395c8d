#!/usr/bin/env python3
"""Side by side: Python lifetimes 0.11.3 and the `ltv` command line on one transaction log.

Stage by stage -- read + RFM summary, BG/NBD fit, Gamma-Gamma fit, 12-month CLV -- this runs
lifetimes in this process, and `ltv pipeline` (the same four stages in one process, as a service
or a batch job would run them) as a subprocess, then prints one table: the parameters each side
estimated, the largest difference of each stage's output, and the wall time of each stage with
the ratio. ltv's stage times are its own (`--timings`); its total is the wall time of the whole
process, so it includes process start, writing its 1-million-row output CSV (lifetimes' side
writes nothing) and computing CLV intervals (which lifetimes does not offer).

Usage (normally through compare_lifetimes.sh, which prepares the virtual environment and
builds the binary):

    python compare_lifetimes.py --ltv target/release/ltv --customers 1000000
    python compare_lifetimes.py --ltv target/release/ltv --input my_log.csv \
        --customer-col user --date-col day --amount-col revenue --observation-end 2024-06-30

Without --input a synthetic log is generated (seeded, cached in --workdir): customers born
over the first 12 weeks of 2024, purchasing by the BG/NBD process with CDNOW's parameters
(r 0.243, alpha 4.414, a 0.793, b 2.426 per week) for 78 weeks, amounts from the Gamma-Gamma
model with CDNOW's parameters (p 6.25, q 3.74, v 15.44).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pandas as pd

START = np.datetime64("2024-01-01")  # a Monday
WEEKS = 78


def generate(path, n, seed):
    """Writes a synthetic log of `n` customers to `path` (customer_id,date,amount)."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    p_gg, q_gg, v_gg = 6.25, 3.74, 15.44
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    nu = rng.gamma(q_gg, 1.0 / v_gg, n)
    birth = rng.uniform(0.0, 12.0, n)
    end = float(WEEKS)
    cust, times = [np.arange(n)], [birth]
    t = birth.copy()
    alive = np.ones(n, dtype=bool)
    idx = np.arange(n)
    while idx.size:
        t_next = t[idx] + rng.exponential(1.0, idx.size) / np.maximum(lam[idx], 1e-300)
        ok = t_next < end
        idx, t_next = idx[ok], t_next[ok]
        cust.append(idx)
        times.append(t_next)
        t[idx] = t_next
        idx = idx[rng.uniform(size=idx.size) >= drop[idx]]  # survives this purchase
    cust = np.concatenate(cust)
    times = np.concatenate(times)
    amount = rng.gamma(p_gg, 1.0 / nu[cust])
    day = START + np.floor(times * 7.0).astype("timedelta64[D]")
    order = np.lexsort((times, cust))
    df = pd.DataFrame(
        {
            "customer_id": np.char.add("c", np.char.zfill(cust[order].astype(str), 7)),
            "date": day[order].astype(str),
            "amount": np.round(amount[order], 2),
        }
    )
    df.to_csv(path, index=False)
    return len(df)


class StageFailed(Exception):
    pass


def run_ltv(binary, args):
    """Runs one ltv command; returns wall seconds. Raises StageFailed with ltv's message."""
    t0 = time.perf_counter()
    p = subprocess.run([binary] + args, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise StageFailed(f"ltv {args[0]} failed: {msg}")
    return dt


def max_rel(x, y, floor=1e-12):
    x, y = np.asarray(x, float), np.asarray(y, float)
    return float(np.max(np.abs(x - y) / np.maximum(np.maximum(np.abs(x), np.abs(y)), floor)))


def fmt_params(d):
    return ", ".join(f"{k} {v:.6g}" for k, v in d.items())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ltv", required=True, help="path of the ltv binary (built with --features cli)")
    ap.add_argument("--input", help="transaction CSV (default: generate a synthetic log)")
    ap.add_argument("--customers", type=int, default=1_000_000, help="customers of the synthetic log")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default="target/compare_lifetimes")
    ap.add_argument("--customer-col", default="customer_id")
    ap.add_argument("--date-col", default="date")
    ap.add_argument("--amount-col", default="amount")
    ap.add_argument("--observation-end", default=None, help="YYYY-MM-DD (default: end of the synthetic log, or the last date)")
    ap.add_argument("--period", default="week", choices=["day", "week"])
    ap.add_argument("--months", type=float, default=12)
    ap.add_argument("--discount-rate", type=float, default=0.01)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    os.makedirs(args.workdir, exist_ok=True)
    if args.input:
        log = args.input
    else:
        log = os.path.join(args.workdir, f"synthetic_{args.customers}_{args.seed}.csv")
        if not os.path.exists(log):
            print(f"generating {args.customers} customers into {log} ...", file=sys.stderr)
            rows = generate(log + ".tmp", args.customers, args.seed)
            os.replace(log + ".tmp", log)
            print(f"  {rows} transactions", file=sys.stderr)
        args.observation_end = args.observation_end or str(START + np.timedelta64(WEEKS * 7 - 1, "D"))
    freq = {"day": "D", "week": "W"}[args.period]
    cc, dc, ac = args.customer_col, args.date_col, args.amount_col
    w = args.workdir
    rows = []

    try:
        # ---- ltv: the whole pipeline in one process ---------------------------------------------
        out_csv = os.path.join(w, "ltv_pipeline.csv")
        bg_json = os.path.join(w, "bgnbd.json")
        gg_json = os.path.join(w, "gamma_gamma.json")
        timings = os.path.join(w, "ltv_timings.json")

        # ---- lifetimes, stage 1: read + summary --------------------------------------------------
        t0 = time.perf_counter()
        df = pd.read_csv(log, dtype={cc: str})
        if args.observation_end is None:
            args.observation_end = str(pd.to_datetime(df[dc]).max().date())
        lt_sum = summary_data_from_transaction_data(
            df, cc, dc, monetary_value_col=ac, observation_period_end=args.observation_end, freq=freq
        )
        t_lt_summary = time.perf_counter() - t0
        n_tx = len(df)
        del df

        # a fresh output file, with earlier runs' writes flushed, so that ltv's time is not
        # the disk catching up with the previous run
        for stale in (out_csv, timings):
            if os.path.exists(stale):
                os.remove(stale)
        os.sync()
        t_ltv_total = run_ltv(args.ltv, [
            "pipeline", "--input", log, "--customer-col", cc, "--date-col", dc, "--amount-col", ac,
            "--period", args.period, "--observation-end", args.observation_end,
            "--model", "bgnbd", "--months", f"{args.months:g}", "--discount-rate", f"{args.discount_rate:g}",
            "--output", out_csv, "--transaction-model-output", bg_json, "--spend-model-output", gg_json,
            "--timings", timings])
        stage = {s["stage"]: s["seconds"] for s in json.load(open(timings))["stages"]}
        ltv_out = pd.read_csv(out_csv, dtype={"customer_id": str}).set_index("customer_id")
        ltv_out = ltv_out.loc[lt_sum.index]

        diff = max(float(np.max(np.abs(lt_sum[c].values - ltv_out[c].values)))
                   for c in ["frequency", "recency", "T"])
        diff_m = max_rel(lt_sum["monetary_value"], ltv_out["monetary_value"])
        rows.append(("read + summary", t_lt_summary, stage["read"] + stage["summary"],
                     f"{n_tx} transactions, {len(lt_sum)} customers", f"{len(ltv_out)} customers",
                     f"F/R/T max abs diff {diff:g}; monetary max rel diff {diff_m:.1e}"))

        f, r, T, m = lt_sum["frequency"], lt_sum["recency"], lt_sum["T"], lt_sum["monetary_value"]

        # ---- stage 2: BG/NBD ----------------------------------------------------------------------
        t0 = time.perf_counter()
        bgf = BetaGeoFitter(penalizer_coef=0.0).fit(f, r, T)
        t_lt = time.perf_counter() - t0
        bg = json.load(open(bg_json))
        lt_bg = {k: float(bgf.params_[k]) for k in ["r", "alpha", "a", "b"]}
        ltv_bg = {k: float(bg["params"][k]) for k in lt_bg}
        # lifetimes fits on rescaled times; its own objective at its estimates on the data
        # as given (unpenalised, summed over customers) is comparable with ltv's
        ll_lt = -BetaGeoFitter._negative_log_likelihood(
            np.log([lt_bg[k] for k in ["r", "alpha", "a", "b"]]),
            f.values, r.values, T.values, np.ones(len(f)), 0.0) * len(f)
        rows.append(("BG/NBD fit", t_lt, stage["fit transaction model"],
                     fmt_params(lt_bg) + f", LL {ll_lt:.4f}",
                     fmt_params(ltv_bg) + f", LL {bg['log_likelihood']:.4f}",
                     f"params max rel diff {max_rel(list(lt_bg.values()), list(ltv_bg.values())):.1e}; "
                     f"LL ltv - lifetimes {bg['log_likelihood'] - ll_lt:+.2e}"))

        # ---- stage 3: Gamma-Gamma ----------------------------------------------------------------
        rep = f > 0
        t0 = time.perf_counter()
        ggf = GammaGammaFitter(penalizer_coef=0.0).fit(f[rep], m[rep])
        t_lt = time.perf_counter() - t0
        gg = json.load(open(gg_json))
        lt_gg = {k: float(ggf.params_[k]) for k in ["p", "q", "v"]}
        ltv_gg = {k: float(gg["params"][k]) for k in lt_gg}
        ll_lt = -GammaGammaFitter._negative_log_likelihood(
            np.log([lt_gg[k] for k in ["p", "q", "v"]]),
            f[rep].values, m[rep].values, np.ones(int(rep.sum())), 0.0) * int(rep.sum())
        rows.append(("Gamma-Gamma fit", t_lt, stage["fit gamma-gamma"],
                     fmt_params(lt_gg) + f", LL {ll_lt:.4f}",
                     fmt_params(ltv_gg) + f", LL {gg['log_likelihood']:.4f}",
                     f"params max rel diff {max_rel(list(lt_gg.values()), list(ltv_gg.values())):.1e}; "
                     f"LL ltv - lifetimes {gg['log_likelihood'] - ll_lt:+.2e}"))

        # ---- stage 4: CLV -----------------------------------------------------------------------
        t0 = time.perf_counter()
        clv = ggf.customer_lifetime_value(bgf, f, r, T, m, time=args.months,
                                          discount_rate=args.discount_rate, freq=freq)
        t_lt = time.perf_counter() - t0
        fitted_diff = max_rel(clv.values, ltv_out["clv"].values, floor=1e-9)
        # the same prediction at lifetimes' parameters isolates the arithmetic from the
        # optimizers (`ltv clv` on the pipeline's summary; not timed)
        same = "n/a"
        try:
            rfm = os.path.join(w, "rfm.csv")
            ltv_out[["frequency", "recency", "T", "monetary_value"]].to_csv(rfm)
            bg_same, gg_same = dict(bg), dict(gg)
            bg_same["params"] = dict(bg["params"], **lt_bg)
            gg_same["params"] = dict(gg["params"], **lt_gg)
            for path, obj in [(bg_json + ".lifetimes", bg_same), (gg_json + ".lifetimes", gg_same)]:
                json.dump(obj, open(path, "w"))
            same_csv = os.path.join(w, "clv_at_lifetimes_params.csv")
            p = subprocess.run([args.ltv, "clv", "--transaction-model", bg_json + ".lifetimes",
                                "--spend-model", gg_json + ".lifetimes", "--input", rfm,
                                "--months", f"{args.months:g}", "--discount-rate", f"{args.discount_rate:g}",
                                "--period", args.period, "--no-intervals", "--output", same_csv],
                               capture_output=True, text=True)
            if p.returncode == 0:
                s = pd.read_csv(same_csv, dtype={"customer_id": str}).set_index("customer_id").loc[clv.index]
                same = f"{max_rel(clv.values, s['clv'].values, floor=1e-9):.1e}"
            else:
                same = f"n/a ({p.stderr.strip()[-200:]})"
        except Exception as e:  # a model file format the script does not know: report, go on
            same = f"n/a ({e})"
        rows.append((f"{args.months:g}-month CLV", t_lt, stage["predict + clv"],
                     f"total {clv.sum():.6g}", f"total {ltv_out['clv'].sum():.6g} (with 95% intervals)",
                     f"max rel diff {fitted_diff:.1e} (at lifetimes' parameters: {same})"))
        rows.append(("write output CSV (ltv only)", 0.0, stage["write output"], "", f"{len(ltv_out)} rows", ""))
        rows.append(("process start, parsing, logging (ltv only)", 0.0,
                     t_ltv_total - sum(stage.values()), "", "", ""))

    except StageFailed as e:
        print(f"stopped: {e}", file=sys.stderr)
        rows.append(("(next stage)", float("nan"), float("nan"), "", "", str(e)))

    done = [x for x in rows if x[2] == x[2]]  # stages that ran on both sides
    total_lt = sum(x[1] for x in done)
    total_ltv = sum(x[2] for x in done)
    print(f"\nlifetimes {lifetimes.__version__} vs ltv on {log}")
    print(f"observation end {args.observation_end}, period {args.period}, "
          f"{args.months:g} months at {args.discount_rate:g}/month\n")
    print("| stage | lifetimes (s) | ltv (s) | ratio | lifetimes | ltv | largest difference |")
    print("|---|---:|---:|---:|---|---|---|")
    for name, a, b, pl, pv, d in rows:
        if b == b:
            ratio = f"{a / b:.0f}x" if a > 0 else ""
            print(f"| {name} | {a:.3f} | {b:.3f} | {ratio} | {pl} | {pv} | {d} |")
        else:
            print(f"| {name} | | | | | | {d} |")
    print(f"| **total** | **{total_lt:.2f}** | **{total_ltv:.3f}** | **{total_lt / total_ltv:.0f}x** | | | |")
    if args.json:
        json.dump({"log": log, "stages": [dict(zip(["stage", "lifetimes_s", "ltv_s", "lifetimes", "ltv", "difference"], x)) for x in rows]},
                  open(args.json, "w"), indent=2)


if __name__ == "__main__":
    main()
