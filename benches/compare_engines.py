"""`ltv summary` side by side with Polars and DuckDB: the same transaction CSV in, the same RFM
summary CSV out (lifetimes' semantics), timed over several runs; prints the medians and ratios
and checks that the three outputs agree.

Run it through benches/compare_engines.sh, which prepares the virtual environment and the ltv
binary. The summary, in lifetimes' semantics for a period of one week (Monday-Sunday):

* transactions after the observation end are dropped; amounts are summed per customer and week;
* frequency = number of weeks with a purchase - 1, recency = last week - first week,
  T = week of the observation end - first week;
* monetary_value = mean of the weekly sums after the first week (0 when frequency is 0).

Each engine writes its CSV to --workdir; Polars and DuckDB are timed in this process around
their query only (their import and start-up are not counted), ltv as a whole process (start-up
included), so the ratios, if anything, favour the dataframe engines. The synthetic log is
benches/compare_lifetimes.py's (generated on first use and cached in --workdir).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

# 1969-12-29 is a Monday: (days since 1970-01-01 + 3) // 7 counts Monday-Sunday weeks
MONDAY_SHIFT = 3


def week_of(day):
    import datetime

    d = datetime.date.fromisoformat(day)
    return ((d - datetime.date(1970, 1, 1)).days + MONDAY_SHIFT) // 7


# peak resident memory (bytes) of the ltv processes, per engine: the largest seen over the runs
PEAK_RSS = {}


TIME = "/usr/bin/time"


def run_cmd(engine, argv):
    """Runs one ltv process (its stdout and stderr discarded); records its peak resident memory
    when GNU time is installed (measured by `time`, a small process: a child forked from this
    Python, which holds the dataframes, would report the parent's memory)."""
    if os.path.exists(TIME):
        p = subprocess.run([TIME, "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise subprocess.CalledProcessError(p.returncode, argv, stderr=p.stderr)
        kib = int(p.stderr.strip().splitlines()[-1])
        PEAK_RSS[engine] = max(PEAK_RSS.get(engine, 0), kib * 1024)
    else:
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_ltv(binary, log, out, end, cols, engine="ltv"):
    cc, dc, ac = cols
    run_cmd(engine, [binary, "summary", "--input", log, "--customer-col", cc, "--date-col", dc,
                     "--amount-col", ac, "--period", "week", "--observation-end", end, "--output", out])


def run_pipeline(binary, log, workdir, end, cols):
    """`ltv pipeline`: summary, BG/NBD, Gamma-Gamma, 12-month CLV with intervals, one process."""
    cc, dc, ac = cols
    run_cmd("pipeline", [binary, "pipeline", "--input", log, "--customer-col", cc, "--date-col", dc,
                         "--amount-col", ac, "--period", "week", "--observation-end", end,
                         "--model", "bgnbd", "--months", "12", "--discount-rate", "0.01",
                         "--output", os.path.join(workdir, "pipeline.csv")])


def run_chain(binary, log, workdir, end, cols):
    """The same four stages as four commands through CSV/JSON files."""
    cc, dc, ac = cols
    w = lambda name: os.path.join(workdir, name)
    run_ltv(binary, log, w("chain_summary.csv"), end, cols, engine="chain")
    for model, out in [("bgnbd", "chain_bgnbd.json"), ("gamma-gamma", "chain_gg.json")]:
        run_cmd("chain", [binary, "fit", "--model", model, "--input", w("chain_summary.csv"),
                          "--period", "week", "--output", w(out)])
    run_cmd("chain", [binary, "clv", "--transaction-model", w("chain_bgnbd.json"),
                      "--spend-model", w("chain_gg.json"), "--input", w("chain_summary.csv"),
                      "--months", "12", "--discount-rate", "0.01", "--period", "week",
                      "--output", w("chain_clv.csv")])


def run_polars(log, out, end, cols):
    import datetime

    import polars as pl

    cc, dc, ac = cols
    end_day = datetime.date.fromisoformat(end)
    end_week = week_of(end)
    wk = (pl.col(dc).cast(pl.Int32) + MONDAY_SHIFT) // 7
    (
        (pl.scan_parquet(log) if log.endswith(".parquet")
         else pl.scan_csv(log, schema_overrides={cc: pl.String, dc: pl.Date, ac: pl.Float64}))
        .filter(pl.col(dc) <= end_day)
        .group_by(cc, wk.alias("wk"))
        .agg(pl.col(ac).sum().alias("v"))
        .group_by(cc)
        .agg(
            pl.col("wk").min().alias("w0"),
            pl.col("wk").max().alias("w1"),
            pl.len().alias("n"),
            pl.col("v").filter(pl.col("wk") > pl.col("wk").min()).mean().alias("m"),
        )
        .select(
            pl.col(cc).alias("customer_id"),
            (pl.col("n") - 1).alias("frequency"),
            (pl.col("w1") - pl.col("w0")).alias("recency"),
            (end_week - pl.col("w0")).alias("T"),
            pl.col("m").fill_null(0.0).alias("monetary_value"),
        )
        .sink_csv(out)
    )


def run_duckdb(log, out, end, cols, con):
    cc, dc, ac = cols
    end_week = week_of(end)
    source = (f"read_parquet('{log}')" if log.endswith(".parquet") else
              f"read_csv('{log}', header = true, columns = {{'{cc}': 'VARCHAR', '{dc}': 'DATE', '{ac}': 'DOUBLE'}})")
    con.execute(f"""
        COPY (
          WITH t AS (
            SELECT "{cc}" AS c, ("{dc}" - DATE '1970-01-01' + {MONDAY_SHIFT}) // 7 AS wk, "{ac}" AS a
            FROM {source}
            WHERE "{dc}" <= DATE '{end}'),
          p AS (SELECT c, wk, sum(a) AS v FROM t GROUP BY c, wk),
          f AS (SELECT c, wk, v, min(wk) OVER (PARTITION BY c) AS w0 FROM p)
          SELECT c AS customer_id, count(*) - 1 AS frequency, max(wk) - min(wk) AS recency,
                 {end_week} - min(wk) AS "T",
                 coalesce(avg(v) FILTER (WHERE wk > w0), 0.0) AS monetary_value
          FROM f GROUP BY c
        ) TO '{out}' (HEADER, DELIMITER ',')""")


def compare(paths):
    """Max differences of each output against the first (ltv's), rows matched by customer id."""
    import polars as pl

    def load(p):
        return pl.read_csv(p, schema_overrides={"customer_id": pl.String}).sort("customer_id")

    ref = load(paths[0])
    notes = []
    for p in paths[1:]:
        other = load(p)
        if other.height != ref.height or not other["customer_id"].equals(ref["customer_id"]):
            notes.append(f"{os.path.basename(p)}: different customers ({other.height} rows vs {ref.height})")
            continue
        int_diff = max(
            int((ref[c].cast(pl.Int64) - other[c].cast(pl.Int64)).abs().max()) for c in ["frequency", "recency", "T"]
        )
        m0, m1 = ref["monetary_value"], other["monetary_value"]
        rel = float(((m0 - m1).abs() / m0.abs().clip(1e-12)).max())
        same_bits = int((m0 == m1).sum())
        notes.append(
            f"{os.path.basename(p)}: {other.height} rows; frequency/recency/T max abs diff {int_diff}; "
            f"monetary_value max rel diff {rel:.1e} ({same_bits}/{ref.height} bit-identical)")
    return notes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ltv", required=True, help="path of the ltv binary (built with --features cli)")
    ap.add_argument("--input", help="transaction CSV (default: the synthetic log)")
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default="target/compare_engines")
    ap.add_argument("--customer-col", default="customer_id")
    ap.add_argument("--date-col", default="date")
    ap.add_argument("--amount-col", default="amount")
    ap.add_argument("--observation-end", default=None, help="YYYY-MM-DD (default: the synthetic log's end)")
    ap.add_argument("--ltv-baseline", help="another ltv binary (e.g. an older build) timed as engine "
                    "`ltv-baseline`, for before/after ratios measured in the same run")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per engine (the median is shown)")
    ap.add_argument("--engines", default="ltv,polars,duckdb",
                    help="comma-separated; ltv-parquet, polars-parquet, duckdb-parquet read a Parquet "
                         "copy of the log (written by Polars on first use; ltv built with --features "
                         "cli,parquet)")
    ap.add_argument("--pipeline", action="store_true",
                    help="also time `ltv pipeline` and the four-command chain (summary -> fit -> fit "
                         "-> clv through files) on the same log, interleaved the same way")
    ap.add_argument("--lifetimes-seconds", type=float, default=36.0,
                    help="lifetimes' end-to-end time on this log for the pipeline ratio (not re-run "
                         "here: benches/compare_lifetimes.sh measures it; default 36 s, the low end "
                         "of the 36-39 s in issue 13)")
    args = ap.parse_args()

    import duckdb
    import polars as pl

    os.makedirs(args.workdir, exist_ok=True)
    if args.input:
        log = args.input
        if args.observation_end is None:
            sys.exit("--observation-end is required with --input")
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from compare_lifetimes import START, WEEKS, generate
        import numpy as np

        log = os.path.join(args.workdir, f"synthetic_{args.customers}_{args.seed}.csv")
        if not os.path.exists(log):
            print(f"generating {args.customers} customers into {log} ...", file=sys.stderr)
            rows = generate(log + ".tmp", args.customers, args.seed)
            os.replace(log + ".tmp", log)
            print(f"  {rows} transactions", file=sys.stderr)
        args.observation_end = args.observation_end or str(START + np.timedelta64(WEEKS * 7 - 1, "D"))
    cols = (args.customer_col, args.date_col, args.amount_col)
    size_mb = os.path.getsize(log) / 1e6

    pq = os.path.splitext(log)[0] + ".parquet"
    if "parquet" in args.engines and not os.path.exists(pq):
        print(f"writing {pq} ...", file=sys.stderr)
        pl.read_csv(log, schema_overrides={args.customer_col: pl.String, args.date_col: pl.Date}).write_parquet(pq)
    con = duckdb.connect()
    engines = {
        "ltv": ("`ltv summary`", lambda out: run_ltv(args.ltv, log, out, args.observation_end, cols)),
        "polars": (f"Polars {pl.__version__} (scan_csv -> group_by -> sink_csv)",
                   lambda out: run_polars(log, out, args.observation_end, cols)),
        "duckdb": (f"DuckDB {duckdb.__version__} (read_csv -> GROUP BY -> COPY)",
                   lambda out: run_duckdb(log, out, args.observation_end, cols, con)),
        "ltv-parquet": ("`ltv summary`, Parquet input",
                        lambda out: run_ltv(args.ltv, pq, out, args.observation_end, cols, engine="ltv-parquet")),
        "polars-parquet": (f"Polars {pl.__version__}, Parquet input (scan_parquet)",
                           lambda out: run_polars(pq, out, args.observation_end, cols)),
        "duckdb-parquet": (f"DuckDB {duckdb.__version__}, Parquet input (read_parquet)",
                           lambda out: run_duckdb(pq, out, args.observation_end, cols, con)),
    }
    if args.ltv_baseline:
        engines["ltv-baseline"] = (f"`ltv summary`, baseline {args.ltv_baseline}",
                                   lambda out: run_ltv(args.ltv_baseline, log, out, args.observation_end, cols,
                                                      engine="ltv-baseline"))
    chosen = [e for e in args.engines.split(",") if e]
    if args.ltv_baseline and "ltv-baseline" not in chosen:
        chosen.insert(1, "ltv-baseline")
    times = {e: [] for e in chosen}
    outs = {e: os.path.join(args.workdir, f"summary_{e}.csv") for e in chosen}
    # warm the page cache, then interleave the engines so that load from other processes
    # falls on all of them alike
    with open(log, "rb") as f:
        while f.read(1 << 24):
            pass
    pipe_times = {"pipeline": [], "chain": []}
    for i in range(args.runs):
        if args.pipeline:
            for name, run in [("pipeline", run_pipeline), ("chain", run_chain)]:
                t0 = time.perf_counter()
                run(args.ltv, log, args.workdir, args.observation_end, cols)
                pipe_times[name].append(time.perf_counter() - t0)
        for e in chosen:
            if os.path.exists(outs[e]):
                os.remove(outs[e])
            t0 = time.perf_counter()
            engines[e][1](outs[e])
            times[e].append(time.perf_counter() - t0)
        print(f"run {i + 1}/{args.runs}: " + ", ".join(f"{e} {times[e][-1]:.3f} s" for e in chosen),
              file=sys.stderr)

    load = os.getloadavg()
    print(f"\nsummary of {log} ({size_mb:.1f} MB), period week, observation end {args.observation_end};")
    print(f"median of {args.runs} interleaved runs; {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n")
    base = statistics.median(times[chosen[0]])
    def rss(e):
        if e not in PEAK_RSS:
            return "(in this process)"
        return f"{PEAK_RSS[e] / 1e6:.0f} MB ({PEAK_RSS[e] / 1e6 / size_mb:.2f}x the file)"

    print(f"| engine | wall (median) | min - max | {chosen[0]} is faster by | peak memory |")
    print("|---|---|---|---|---|")
    for e in chosen:
        med = statistics.median(times[e])
        print(f"| {engines[e][0]} | {med:.3f} s | {min(times[e]):.3f} - {max(times[e]):.3f} s "
              f"| {med / base:.2f}x | {rss(e)} |")
    print()
    if args.pipeline:
        pipe = statistics.median(pipe_times["pipeline"])
        chain = statistics.median(pipe_times["chain"])
        print("| whole job (summary, BG/NBD, Gamma-Gamma, 12-month CLV with intervals, 1M rows "
              "written) | wall (median) | min - max | ratio | peak memory |")
        print("|---|---|---|---|---|")
        print(f"| `ltv pipeline` (one process) | {pipe:.3f} s | {min(pipe_times['pipeline']):.3f} - "
              f"{max(pipe_times['pipeline']):.3f} s | {args.lifetimes_seconds / pipe:.0f}x faster than "
              f"lifetimes' {args.lifetimes_seconds:g} s | {rss('pipeline')} |")
        print(f"| four commands through files | {chain:.3f} s | {min(pipe_times['chain']):.3f} - "
              f"{max(pipe_times['chain']):.3f} s | {chain / pipe:.2f}x the pipeline | {rss('chain')} |")
        print()
    for note in compare([outs[e] for e in chosen]):
        print("check:", note)


if __name__ == "__main__":
    main()
