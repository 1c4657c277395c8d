#!/usr/bin/env bash
# Side by side with Python lifetimes: prepares a virtual environment with lifetimes 0.11.3 from
# PyPI (when absent), builds the ltv binary, and runs benches/compare_lifetimes.py on a
# transaction CSV (default: a generated 1-million-customer log). Extra arguments go to the
# Python script, e.g.
#
#   benches/compare_lifetimes.sh                       # synthetic, 1,000,000 customers
#   benches/compare_lifetimes.sh --customers 100000
#   benches/compare_lifetimes.sh --input log.csv --customer-col user --date-col day \
#       --amount-col revenue --observation-end 2024-06-30
#
# Environment: VENV (default target/lifetimes-venv) to reuse an existing environment,
# PYTHON (default python3) to create it.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-target/lifetimes-venv}"
PYTHON="${PYTHON:-python3}"

if ! "$VENV/bin/python" -c "import lifetimes, pandas, numpy" >/dev/null 2>&1; then
  echo "creating $VENV with lifetimes 0.11.3 ..." >&2
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  # lifetimes 0.11.3 predates pandas 3; scipy and autograd come as its dependencies
  "$VENV/bin/pip" install --quiet "lifetimes==0.11.3" "pandas<3" numpy scipy
fi

echo "building ltv (release, cli) ..." >&2
cargo build --release --quiet --features cli --bin ltv

exec "$VENV/bin/python" benches/compare_lifetimes.py --ltv target/release/ltv "$@"
