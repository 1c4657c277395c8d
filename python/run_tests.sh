#!/usr/bin/env bash
# Builds the Python package (python/, pyo3 + maturin) into a virtual environment and runs its
# pytest suite. Needs a Rust toolchain and CPython >= 3.9 (python3); everything else comes from
# PyPI: maturin, pandas < 3, numpy, matplotlib, pytest, pyarrow (Arrow-table input). lifetimes is *not* needed: the tests
# compare with reference values checked into python/tests/reference/.
#
# Environment: PYTHON (default python3) creates the environment; LTV_PY_VENV (default
# target/python-venv) is where it lives. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${LTV_PY_VENV:-target/python-venv}"

if ! "$VENV/bin/python" -c "import maturin, pandas, numpy, matplotlib, pytest, pyarrow" >/dev/null 2>&1; then
  echo "creating $VENV (maturin, pandas<3, numpy, matplotlib, pytest, pyarrow from PyPI) ..." >&2
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "maturin>=1.5,<2" "pandas<3" numpy matplotlib pytest pyarrow
fi

echo "building the ltv wheel (maturin, release, abi3) ..." >&2
rm -rf target/wheels
"$VENV/bin/maturin" build --release --manifest-path python/Cargo.toml --out target/wheels \
  --interpreter "$VENV/bin/python"
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps target/wheels/ltv-*.whl

# From the repository root, so `import ltv` is the installed wheel, not python/ltv's sources.
MPLBACKEND=Agg "$VENV/bin/python" -m pytest -p no:cacheprovider -q python/tests "$@"
