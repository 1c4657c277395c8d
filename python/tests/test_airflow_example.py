"""examples/airflow_ltv_dag.py: its task functions run without Airflow."""

import importlib.util
import json
import os

from conftest import ROOT


def load_example():
    spec = importlib.util.spec_from_file_location("airflow_ltv_dag", os.path.join(ROOT, "examples", "airflow_ltv_dag.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_daily_clv_and_backtest_tasks(master, tmp_path):
    dag = load_example()
    tx = master.rename(columns={"dollar_value": "amount"})[["customer_id", "date", "amount"]]
    path = tmp_path / "tx.csv"
    tx.to_csv(path, index=False)
    out = dag.daily_clv("1998-06-30", transactions=str(path), output=str(tmp_path))
    assert os.path.getsize(out) > 0
    assert (tmp_path / "bgnbd_1998-06-30.json").exists()
    metrics = dag.backtest("1998-06-30", transactions=str(path), output=str(tmp_path), holdout_weeks=39, band=(0.5, 2.0))
    assert json.loads((tmp_path / "backtest_1998-06-30.json").read_text())["customers"] == metrics["customers"]
