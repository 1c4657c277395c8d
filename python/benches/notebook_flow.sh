#!/usr/bin/env bash
# The lifetimes notebook flow (summary -> BG/NBD -> Gamma-Gamma -> CLV) with Python lifetimes
# 0.11.3 and with ltv.lifetimes, on the same 1,000,000-customer log; prints stage times, the
# ratio, and how far apart the answers are.
#
#   python/benches/notebook_flow.sh [--customers N]
#
# Environments: LIFETIMES_VENV (default target/lifetimes-venv; created from PyPI with
# lifetimes 0.11.3, pandas<3, numpy, scipy when absent) and LTV_PY_VENV (default
# target/python-venv, with the ltv wheel: python/run_tests.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
LIFETIMES_VENV="${LIFETIMES_VENV:-target/lifetimes-venv}"
LTV_PY_VENV="${LTV_PY_VENV:-target/python-venv}"
PYTHON="${PYTHON:-python3}"

if ! "$LIFETIMES_VENV/bin/python" -c "import lifetimes" >/dev/null 2>&1; then
  "$PYTHON" -m venv "$LIFETIMES_VENV"
  "$LIFETIMES_VENV/bin/python" -m pip install --quiet "lifetimes==0.11.3" "pandas<3" numpy scipy
fi
if ! "$LTV_PY_VENV/bin/python" -c "import ltv.lifetimes" >/dev/null 2>&1; then
  echo "no ltv in $LTV_PY_VENV: run python/run_tests.sh first (it builds and installs the wheel)" >&2
  exit 1
fi

mkdir -p target/compare_lifetimes
# ltv first: it also generates the log when it is not cached yet
"$LTV_PY_VENV/bin/python" python/benches/notebook_flow.py --impl ltv "$@" > target/compare_lifetimes/flow_ltv.json
"$LIFETIMES_VENV/bin/python" -W ignore python/benches/notebook_flow.py --impl lifetimes "$@" > target/compare_lifetimes/flow_lifetimes.json
"$LTV_PY_VENV/bin/python" - <<'PY'
import json
a = json.load(open("target/compare_lifetimes/flow_lifetimes.json"))
b = json.load(open("target/compare_lifetimes/flow_ltv.json"))
print("{} customers, {} transactions".format(b["customers"], b["transactions"]))
print("{:<18}{:>12}{:>12}{:>9}".format("stage", "lifetimes s", "ltv s", "ratio"))
for k in a["seconds"]:
    x, y = a["seconds"][k], b["seconds"][k]
    print("{:<18}{:>12.3f}{:>12.3f}{:>8.1f}x".format(k, x, y, x / y))
rel = lambda x, y: abs(x - y) / max(abs(x), 1e-300)
for m in ("bgnbd", "gamma_gamma"):
    print(m, "params max rel diff {:.1e}".format(max(rel(a[m][k], b[m][k]) for k in a[m])))
print("summary column sums max rel diff {:.1e}".format(max(rel(a["summary_sums"][c], b["summary_sums"][c]) for c in a["summary_sums"])))
print("CLV total: lifetimes {:.2f}, ltv {:.2f} (rel diff {:.1e})".format(a["clv_total"], b["clv_total"], rel(a["clv_total"], b["clv_total"])))
assert a["clv_sample"]["index"] == b["clv_sample"]["index"]
print("CLV sample max rel diff {:.1e}".format(max(rel(x, y) for x, y in zip(a["clv_sample"]["values"], b["clv_sample"]["values"]) if x > 1e-9)))
PY
