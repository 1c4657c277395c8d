#!/usr/bin/env bash
# `ltv summary` side by side with Polars and DuckDB on the same transaction CSV: prepares a
# virtual environment with polars and duckdb from PyPI (when absent), builds the ltv binary, and
# runs benches/compare_engines.py (median of several interleaved runs, ratios, output check).
# Extra arguments go to the Python script, e.g.
#
#   benches/compare_engines.sh                          # synthetic log, 1,000,000 customers
#   benches/compare_engines.sh --runs 9
#   benches/compare_engines.sh --input log.csv --customer-col user --date-col day \
#       --amount-col revenue --observation-end 2024-06-30
#
# Environment: VENV (default target/engines-venv) to reuse an existing environment,
# PYTHON (default python3) to create it, FEATURES (default cli,parquet) for the ltv build.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-target/engines-venv}"
PYTHON="${PYTHON:-python3}"
FEATURES="${FEATURES:-cli,parquet}"

if ! "$VENV/bin/python" -c "import polars, duckdb, numpy, pandas" >/dev/null 2>&1; then
  echo "creating $VENV with polars and duckdb ..." >&2
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  # numpy and pandas generate the synthetic log (benches/compare_lifetimes.py's generator)
  "$VENV/bin/pip" install --quiet polars duckdb numpy pandas
fi

echo "building ltv (release, $FEATURES) ..." >&2
cargo build --release --quiet --features "$FEATURES" --bin ltv

exec "$VENV/bin/python" benches/compare_engines.py --ltv target/release/ltv "$@"
