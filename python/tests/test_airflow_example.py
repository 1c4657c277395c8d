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
    tx = master.rename(columns={"customer_id": "user_id", "date": "time", "dollar_value": "amount"})[["user_id", "time", "amount"]]
    path = tmp_path / "tx.csv"
    tx.to_csv(path, index=False)
    out = dag.daily_clv("1998-06-30", transactions=str(path), output=str(tmp_path))
    assert os.path.getsize(out) > 0
    assert (tmp_path / "bgnbd_1998-06-30.json").exists()
    metrics = dag.backtest("1998-06-30", transactions=str(path), output=str(tmp_path), holdout_weeks=39, band=(0.5, 2.0))
    assert json.loads((tmp_path / "backtest_1998-06-30.json").read_text())["customers"] == metrics["customers"]


def test_campaign_report_and_backtest_tasks(tmp_path):
    import sys

    sys.path.insert(0, os.path.dirname(__file__))
    from test_native import report_inputs

    dag = load_example()
    costs, installs, transactions = report_inputs()
    paths = {}
    for name, df in (("costs", costs), ("installs", installs), ("transactions", transactions)):
        paths[name] = str(tmp_path / (name + ".csv"))
        df.to_csv(paths[name], index=False)
    out = dag.campaign_report("2024-03-31", output=str(tmp_path), **paths)
    assert len(open(out).read().splitlines()) == 4  # header and three campaigns
    overall = dag.campaign_backtest("2024-03-31", output=str(tmp_path), weeks_back=(6, 8), **paths)
    assert overall["groups"] == 6
    assert (tmp_path / "campaign_backtest_2024-03-31.json").exists()
