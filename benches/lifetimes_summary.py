#!/usr/bin/env python
"""Times Python lifetimes 0.11.3 on the synthetic log of `cargo bench --bench summary`, for the
side-by-side figure in the README.

    target/lifetimes-venv/bin/python benches/lifetimes_summary.py [N]

Reads $TMPDIR/ltv_bench_summary_<N>.csv (written by the bench or by
`cargo run --release --example summary_throughput -- N $TMPDIR/ltv_bench_summary_<N>.csv`),
then times pandas read_csv + to_datetime, and summary_data_from_transaction_data (weekly,
observation end 2022-12-31, monetary value): the same work as the Rust bench's
`summary/read_and_summarise/N`. Prints wall-clock seconds of each phase (one run each).
"""
import os
import sys
import tempfile
import time

import pandas as pd
import lifetimes
from lifetimes.utils import summary_data_from_transaction_data

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
path = os.path.join(tempfile.gettempdir(), f"ltv_bench_summary_{n}.csv")
assert lifetimes.__version__ == "0.11.3"

c0, t0 = time.process_time(), time.perf_counter()
df = pd.read_csv(path, dtype={"customer_id": str, "date": str, "amount": float})
df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
c1, t1 = time.process_time(), time.perf_counter()
s = summary_data_from_transaction_data(
    df, "customer_id", "date", monetary_value_col="amount",
    observation_period_end="2022-12-31", freq="W",
)
c2, t2 = time.process_time(), time.perf_counter()
print(f"lifetimes {lifetimes.__version__}, pandas {pd.__version__}: {len(df)} transactions, "
      f"{len(s)} customers: read {t1 - t0:.2f} s, summary {t2 - t1:.2f} s, total {t2 - t0:.2f} s "
      f"= {len(df) / (t2 - t0) / 1e6:.3f} M transactions/s; CPU time: read {c1 - c0:.2f} s, "
      f"summary {c2 - c1:.2f} s, total {c2 - c0:.2f} s")
