#!/usr/bin/env bash
# Runs the ltv.spark tests (python/spark_tests) on a local Spark session (local[2]) that the
# tests start themselves. Installs what they need on a fresh machine: a Java 17 runtime from the
# OS packages when `java` is missing (apt-get, with sudo when not root) and PySpark >= 3.5 from
# PyPI into the virtual environment of python/run_tests.sh. The ltv wheel is the one
# python/run_tests.sh built and installed there (.ci/run runs it first); without one, this runs
# python/run_tests.sh to build it. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${LTV_PY_VENV:-target/python-venv}"

if ! command -v java >/dev/null 2>&1; then
  echo "java not found: installing openjdk-17-jre-headless" >&2
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless
fi

if ! "$VENV/bin/python" -c "import ltv._ltv" >/dev/null 2>&1; then
  python/run_tests.sh
fi
if ! "$VENV/bin/python" -c "import pyspark" >/dev/null 2>&1; then
  echo "installing pyspark>=3.5 into $VENV ..." >&2
  "$VENV/bin/python" -m pip install --quiet "pyspark>=3.5"
fi

# From the repository root, so `import ltv` is the installed wheel.
PYSPARK_PYTHON="$VENV/bin/python" "$VENV/bin/python" -m pytest -p no:cacheprovider -q python/spark_tests "$@"
