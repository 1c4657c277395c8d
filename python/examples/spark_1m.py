"""All of ltv.spark on a local Spark (local[2]) over a generated app: a transaction log of N
paying customers, their installs (plus N/4 installs that never paid) over 20 campaigns of 5
networks, and a daily cost table; every stage timed, then what one machine does on the same
files (`ltv pipeline` and `ltv report --hierarchy none`, the release binary).

    nice -n 10 target/python-venv/bin/python python/examples/spark_1m.py \
        [--customers 1000000] [--ltv target/release/ltv] [--out DIR [--reuse]] [--skip-single]

Stages, each timed in wall-clock seconds and in CPU seconds of this process, the Spark JVM and
its Python workers (on a shared machine the wall time follows the load; the CPU time much less):

* generate  — the app's tables in numpy on the driver (not Spark: the input a warehouse holds)
* write     — those tables as Parquet (for Spark) and CSV (for the one-machine runs)
* summary   — ltv.spark.rfm_summary (weeks), Parquet in → Parquet out
* compress  — ltv.spark.compress, counted
* fit       — ltv.spark.fit: compress on the cluster, BG/NBD + Gamma-Gamma in Rust on the driver
* clv       — ltv.spark.clv with bounds (mapInArrow, models broadcast), Parquet out
* report    — ltv.spark.report: users + summary (Spark SQL), fits on the driver, per-user value
              and gradients on the executors, GROUP BY per network and campaign

Prints one line per stage and a machine-readable summary line (``RESULT {json}``).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

END = "2024-06-23"
NETWORKS = ["meta", "google", "tiktok", "snap", "unity"]


def generate(n, seed=1):
    """The log of ``n`` paying customers (BG/NBD-like, amounts in cents), their installs and
    ``n // 4`` installs without a payment, and the daily costs of 20 campaigns."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01").value // 10**9
    days = 540
    first = start + rng.integers(0, 365 * 86400, size=n)
    lam = rng.gamma(0.8, 1.0 / 20.0, size=n)  # purchases per day
    p = rng.beta(1.0, 4.0, size=n)
    life = np.minimum(rng.geometric(p), 60)  # purchases before dropping out (first included)
    window = start + days * 86400 - first
    cust = np.repeat(np.arange(n), life)
    offs = np.concatenate([[0], np.cumsum(life)[:-1]])
    gaps = rng.exponential(86400.0 / lam[cust])
    gaps[offs] = 0.0
    at = np.cumsum(gaps)
    at -= np.repeat(at[offs], life)
    keep = at < window[cust]
    cust, secs = cust[keep], first[cust[keep]] + at[keep].astype(np.int64)
    spend = rng.gamma(3.0, 10.0, size=n)
    amount = np.round(rng.gamma(4.0, spend[cust] / 4.0), 2)
    log = pd.DataFrame({"user_id": cust.astype(np.int64), "time": pd.to_datetime(secs, unit="s"),
                        "amount": amount}).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    # installs: the payers up to two days before their first payment, plus non-payers
    m = n + n // 4
    install_s = np.concatenate([first - rng.integers(0, 2 * 86400, size=n),
                                start + rng.integers(0, days * 86400, size=m - n)])
    campaign = rng.integers(0, 20, size=m)
    installs = pd.DataFrame({
        "user_id": np.arange(m, dtype=np.int64),
        "install_time": pd.to_datetime(install_s, unit="s"),
        "network": np.array(NETWORKS)[campaign % 5],
        "campaign": np.char.add("c", (campaign).astype(str)),
    })
    dates = pd.date_range("2023-01-01", periods=days, freq="D")
    costs = pd.DataFrame({
        "date": np.repeat(dates.strftime("%Y-%m-%d"), 20),
        "network": np.tile(np.array(NETWORKS)[np.arange(20) % 5], days),
        "campaign": np.tile(np.char.add("c", np.arange(20).astype(str)), days),
        "cost": np.round(rng.uniform(50, 500, size=20 * days) * max(n, 1) / 1e6, 2),
    })
    return log, installs, costs


def write_csv(df, path):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    t = pa.Table.from_pandas(df, preserve_index=False)
    cols = []
    for name in t.column_names:
        c = t[name]
        if pa.types.is_timestamp(c.type):
            c = pc.strftime(c.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
        cols.append(c)
    pacsv.write_csv(pa.table(cols, names=t.column_names), path)


def cpu_seconds():
    """CPU seconds used so far by this process and its children (the Spark JVM and its Python
    workers), from /proc (Linux; None elsewhere). On a shared machine the wall time depends on
    the load; the CPU time much less."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        children, own = {}, {}
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/{}/stat".format(p)) as f:
                    st = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(st[1]), []).append(int(p))
            # user + system time, its own and that of its children that have ended
            own[int(p)] = (int(st[11]) + int(st[12]) + int(st[13]) + int(st[14])) / tick
        total, stack = own.get(os.getpid(), 0.0), [os.getpid()]
        while stack:
            for c in children.get(stack.pop(), []):
                total += own[c]
                stack.append(c)
        return total
    except (OSError, ValueError, AttributeError):
        return None


def timed(label, times, fn, cpu=None):
    c0 = cpu_seconds()
    t = time.perf_counter()
    out = fn()
    times[label] = time.perf_counter() - t
    c1 = cpu_seconds()
    used = None if c0 is None or c1 is None else c1 - c0
    if cpu is not None:
        cpu[label] = used
    print("  {:12s} {:8.1f} s{}".format(label, times[label], "" if used is None else
                                         "   (CPU {:7.1f} s)".format(used)), flush=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--out", default=None)
    ap.add_argument("--ltv", default="target/release/ltv", help="the ltv binary for the one-machine runs")
    ap.add_argument("--skip-single", action="store_true")
    ap.add_argument("--driver-memory", default="6g")
    ap.add_argument("--reuse", action="store_true", help="reuse the generated files in --out when present")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    from ltv import spark as lspark

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    out = args.out or tempfile.mkdtemp(prefix="ltv-spark-")
    os.makedirs(out, exist_ok=True)
    path = {k: os.path.join(out, k) for k in ("log", "installs", "costs", "summary", "clv")}
    prep, prep_cpu = {}, {}
    have = all(os.path.exists(path[k] + ext) for k in ("log", "installs", "costs") for ext in (".parquet", ".csv"))
    if args.reuse and have:
        print("reusing the generated files in {}".format(out), flush=True)
    else:
        print("data, on the driver (numpy, pyarrow):")
        log, installs, costs = timed("generate", prep, lambda: generate(args.customers), prep_cpu)

        def write():
            for name, df in (("log", log), ("installs", installs), ("costs", costs)):
                df.to_parquet(path[name] + ".parquet", index=False, coerce_timestamps="us",
                              allow_truncated_timestamps=True)
                write_csv(df, path[name] + ".csv")

        timed("write", prep, write, prep_cpu)
        print("  {:,} payments of {:,} customers, {:,} installs".format(len(log), args.customers, len(installs)),
              flush=True)
        del log, installs, costs
    import pyarrow.parquet as pq

    n_tx = pq.ParquetFile(path["log"] + ".parquet").metadata.num_rows
    n_inst = pq.ParquetFile(path["installs"] + ".parquet").metadata.num_rows

    # local[2]: 8 shuffle partitions per million customers (AQE merges small ones); the
    # default 200 would make 200 tiny sort-and-write tasks per shuffle
    parts = max(8, 8 * args.customers // 1_000_000)
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("ltv-spark-1m")
             .config("spark.driver.memory", args.driver_memory)
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", str(parts))
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    times, cpu = {}, {}
    print("Spark, local[2], {} shuffle partitions (session started in {:.1f} s):".format(
        parts, time.perf_counter() - t0), flush=True)

    def summary():
        df = spark.read.parquet(path["log"] + ".parquet")
        s = lspark.rfm_summary(df, "user_id", "time", "amount", period="W",
                               observation_end=END + " 23:59:59")
        s.write.mode("overwrite").parquet(path["summary"])

    timed("summary", times, summary, cpu)
    # the summary is read back from Parquet by each stage (cheaper than cache() here: reading
    # a million rows of Parquet is faster than building and scanning the in-memory copy)
    s = spark.read.parquet(path["summary"])
    rows = timed("compress", times, lambda: lspark.compress(s).count(), cpu)
    models = timed("fit", times, lambda: (lspark.fit(s, model="bgnbd"), lspark.fit(s, model="gamma-gamma")), cpu)

    def clv():
        lspark.clv(s, models[0], models[1], months=12, discount_rate=0.01, period="W") \
            .write.mode("overwrite").parquet(path["clv"])

    timed("clv", times, clv, cpu)

    def report():
        return lspark.report(spark.read.parquet(path["installs"] + ".parquet"),
                             spark.read.parquet(path["log"] + ".parquet"),
                             spark.read.parquet(path["costs"] + ".parquet"),
                             END, horizon_months=12, discount_rate=0.0, period="day")

    rep, meta = timed("report", times, report, cpu)
    spark.stop()
    total = sum(times.values())
    print("  {:12s} {:8.1f} s   ({:,} compressed rows; report: {:,} users, {:,} distinct histories, {} groups)".format(
        "total", total, rows, meta["users"], meta["distinct_histories"], len(rep)), flush=True)

    single, single_cpu = {}, {}
    if not args.skip_single:
        print("one machine ({}):".format(args.ltv))

        def run(cmd):
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

        timed("pipeline", single, lambda: run([
            args.ltv, "pipeline", "--input", path["log"] + ".csv", "--customer-col", "user_id",
            "--date-col", "time", "--amount-col", "amount", "--observation-end", END + " 23:59:59",
            "--period", "week", "--months", "12", "--discount-rate", "0.01",
            "--exclude-nonpositive-spend", "--output", os.path.join(out, "pipeline.csv")]), single_cpu)
        timed("report", single, lambda: run([
            args.ltv, "report", "--installs", path["installs"] + ".csv", "--transactions",
            path["log"] + ".csv", "--costs", path["costs"] + ".csv", "--as-of", END,
            "--hierarchy", "none", "--discount-rate", "0", "--quiet", "--output",
            os.path.join(out, "report.csv")]), single_cpu)
    print("RESULT " + json.dumps({"customers": args.customers, "transactions": n_tx, "installs": n_inst,
                                  "data": prep, "data_cpu": prep_cpu, "spark": times, "spark_cpu": cpu,
                                  "spark_total": total, "single": single, "single_cpu": single_cpu}), flush=True)
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
