"""ltv on Spark, end to end, on a local Spark (local[2]) over a generated transaction log.

    target/python-venv/bin/python python/examples/spark_clv.py [--customers 1000000] [--out DIR]

Generates a BG/NBD-like log of N customers (rates ~ Gamma, dropout after each purchase ~ Beta,
amounts in cents) as Parquet, then runs each stage of ltv.spark and prints its wall time:
summary (written to Parquet), compress + fit (BG/NBD and Gamma-Gamma on the driver), CLV with
bounds on the executors (written to Parquet). With --single it also times the single-machine
path (ltv.pipeline on pandas) on the same log for comparison.
"""

import argparse
import os
import shutil
import tempfile
import time

import numpy as np
import pandas as pd


def generate(n, seed=1):
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
    at -= np.repeat(at[offs], life)  # seconds after the first purchase, per customer
    keep = at < window[cust]
    cust, secs = cust[keep], first[cust[keep]] + at[keep].astype(np.int64)
    spend = rng.gamma(3.0, 10.0, size=n)
    amount = np.round(rng.gamma(4.0, spend[cust] / 4.0), 2)
    log = pd.DataFrame({"customer": cust.astype(np.int64), "time": pd.to_datetime(secs, unit="s"), "amount": amount})
    return log.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # time order is not required


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--out", default=None)
    ap.add_argument("--single", action="store_true", help="also time ltv.pipeline on pandas")
    ap.add_argument("--driver-memory", default="6g")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    from ltv import spark as lspark
    import os
    import sys

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors run this interpreter

    out = args.out or tempfile.mkdtemp(prefix="ltv-spark-")
    log_path = os.path.join(out, "log.parquet")
    t0 = time.perf_counter()
    log = generate(args.customers)
    log.to_parquet(log_path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
    print("generated {:,} transactions of {:,} customers in {:.1f} s".format(len(log), args.customers, time.perf_counter() - t0))

    spark = (SparkSession.builder.master("local[2]").appName("ltv-spark-example")
             .config("spark.driver.memory", args.driver_memory)
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "8")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    end = "2024-06-23 23:59:59"
    times = {}

    t = time.perf_counter()
    df = spark.read.parquet(log_path)
    summary = lspark.rfm_summary(df, "customer", "time", "amount", period="W", observation_end=end)
    summary.write.mode("overwrite").parquet(os.path.join(out, "summary.parquet"))
    times["summary"] = time.perf_counter() - t
    summary = spark.read.parquet(os.path.join(out, "summary.parquet")).cache()
    n = summary.count()

    t = time.perf_counter()
    rows = lspark.compress(summary).count()
    times["compress"] = time.perf_counter() - t

    t = time.perf_counter()
    bgnbd = lspark.fit(summary, model="bgnbd")
    gg = lspark.fit(summary, model="gamma-gamma")
    times["fit (compress + BG/NBD + Gamma-Gamma)"] = time.perf_counter() - t

    t = time.perf_counter()
    value = lspark.clv(summary, bgnbd, gg, months=12, discount_rate=0.01, period="W")
    value.write.mode("overwrite").parquet(os.path.join(out, "clv.parquet"))
    times["clv (with bounds)"] = time.perf_counter() - t

    print("{:,} customers -> {:,} compressed rows; BG/NBD {}".format(n, rows, dict(zip(bgnbd._model.parameter_names, bgnbd._model.params))))
    for k, v in times.items():
        print("  {:40s} {:8.1f} s".format(k, v))
    print("  {:40s} {:8.1f} s".format("total", sum(times.values())))
    spark.read.parquet(os.path.join(out, "clv.parquet")).orderBy("clv", ascending=False).show(5)
    spark.stop()

    if args.single:
        import ltv

        t = time.perf_counter()
        ltv.pipeline(log, "customer", "time", "amount", period="W", observation_end=end,
                     exclude_nonpositive_spend=True)
        print("  single machine, ltv.pipeline on pandas: {:.1f} s".format(time.perf_counter() - t))
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
