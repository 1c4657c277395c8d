"""An Airflow DAG that runs ltv the way the ad-performance service schedules it: every day,
value every customer (``ltv.pipeline``), build the campaign report (``ltv.campaign_report``),
and backtest the model on a holdout window (``ltv.backtest``), failing the run when the model
drifts.

Put this file in Airflow's ``dags/`` folder on workers where ``pip install ./python`` has been
run. Paths come from the environment: ``LTV_TRANSACTIONS`` (CSV ``user_id,time,amount``),
``LTV_COSTS`` (``date,network,campaign,cost``), ``LTV_INSTALLS``
(``user_id,install_time,network,campaign``) and ``LTV_OUTPUT`` (a folder).

Tasks: ``daily_clv`` (per-customer CLV table and models), ``campaign_report`` (after it),
``backtest`` (customer-level holdout check that fails the run on drift) and
``campaign_backtest`` (the report replayed at earlier dates and scored).

The task functions are plain Python, so they can be run and tested without Airflow
(python/tests/test_airflow_example.py does); the DAG object is only built when Airflow is
importable.
"""

import datetime as dt
import json
import os

import pandas as pd

import ltv

TRANSACTIONS = os.environ.get("LTV_TRANSACTIONS", "/data/transactions.csv")
COSTS = os.environ.get("LTV_COSTS", "/data/costs.csv")
INSTALLS = os.environ.get("LTV_INSTALLS", "/data/installs.csv")
OUTPUT = os.environ.get("LTV_OUTPUT", "/data/ltv")
HOLDOUT_WEEKS = 13
# a backtest whose predicted/actual holdout purchases leave this band fails the DAG run
DRIFT_BAND = (0.8, 1.25)


def _read(path):
    return pd.read_csv(path, dtype={"user_id": str})


def daily_clv(ds, transactions=TRANSACTIONS, output=OUTPUT):
    """Per-customer P(alive), expected purchases and 12-month CLV with 95% intervals as of
    ``ds`` (YYYY-MM-DD); writes ``clv_<ds>.csv`` and the two models' JSON. Returns the paths."""
    os.makedirs(output, exist_ok=True)
    tx = _read(transactions)
    tx = tx[pd.to_datetime(tx["time"]) < pd.Timestamp(ds) + pd.Timedelta(days=1)]
    table, models = ltv.pipeline(tx, "user_id", "time", "amount", period="W", observation_end=ds, months=12, discount_rate=0.01, exclude_nonpositive_spend=True)
    out = os.path.join(output, "clv_{}.csv".format(ds))
    table.to_csv(out)
    models["transaction"].save_model(os.path.join(output, "bgnbd_{}.json".format(ds)), period="W")
    models["spend"].save_model(os.path.join(output, "gamma_gamma_{}.json".format(ds)), period="W")
    return out


def campaign_report(ds, costs=COSTS, installs=INSTALLS, transactions=TRANSACTIONS, output=OUTPUT):
    """The daily campaign report (cost, revenue to date, estimated lifetime revenue and ROAS
    per campaign) as of ``ds``; writes ``report_<ds>.csv`` and its metadata
    ``report_<ds>.json`` (fit status, model, exclusions). Returns the CSV path."""
    os.makedirs(output, exist_ok=True)
    rows, meta = ltv.campaign_report(
        pd.read_csv(costs), _read(installs), _read(transactions), ds, horizon_months=12, period="day", group_by="network,campaign",
    )
    out = os.path.join(output, "report_{}.csv".format(ds))
    rows.to_csv(out, index=False)
    with open(os.path.join(output, "report_{}.json".format(ds)), "w") as f:
        json.dump(meta, f, indent=1, default=str)
    return out


def campaign_backtest(ds, costs=COSTS, installs=INSTALLS, transactions=TRANSACTIONS, output=OUTPUT, horizon_months=1, weeks_back=(6, 8, 10)):
    """The campaign report replayed at earlier dates (``weeks_back`` weeks before the end of
    the data, each with a horizon that has fully arrived) and scored against the revenue that
    then arrived: writes ``campaign_backtest_<ds>.json`` (scores by date and overall)."""
    os.makedirs(output, exist_ok=True)
    end = pd.Timestamp(ds)
    dates = [(end - pd.Timedelta(weeks=w)).strftime("%Y-%m-%d") for w in weeks_back]
    rows, by_date, overall = ltv.report_backtest(
        pd.read_csv(costs), _read(installs), _read(transactions), dates, ds, horizon_months=horizon_months,
    )
    path = os.path.join(output, "campaign_backtest_{}.json".format(ds))
    with open(path, "w") as f:
        json.dump({"by_date": json.loads(by_date.to_json(orient="index")), "overall": overall}, f, indent=1)
    return overall


def backtest(ds, transactions=TRANSACTIONS, output=OUTPUT, holdout_weeks=HOLDOUT_WEEKS, band=DRIFT_BAND):
    """Refits on the data up to ``ds`` minus ``holdout_weeks`` and compares the predicted
    purchases of the holdout weeks with the actual ones; writes ``backtest_<ds>.json`` and
    raises when predicted/actual leaves ``band``."""
    os.makedirs(output, exist_ok=True)
    end = pd.Timestamp(ds)
    cal_end = end - pd.Timedelta(weeks=holdout_weeks)
    _, metrics, fitted = ltv.backtest(_read(transactions), "user_id", "time", cal_end.strftime("%Y-%m-%d"), observation_end=end.strftime("%Y-%m-%d"), period="W")
    metrics["params"] = {k: float(v) for k, v in fitted.params_.items()}
    with open(os.path.join(output, "backtest_{}.json".format(ds)), "w") as f:
        json.dump(metrics, f, indent=1)
    ratio = metrics["predicted_over_actual"]
    if not band[0] <= ratio <= band[1]:
        raise ValueError("model drift: predicted/actual holdout purchases {:.3f} outside {}".format(ratio, band))
    return metrics


try:  # the DAG itself only where Airflow is installed
    from airflow import DAG
    from airflow.operators.python import PythonOperator
except ImportError:  # pragma: no cover - exercised where Airflow is present
    DAG = None

if DAG is not None:  # pragma: no cover
    with DAG(
        dag_id="ltv_daily",
        schedule="@daily",
        start_date=dt.datetime(2026, 1, 1),
        catchup=False,
        default_args={"retries": 1, "retry_delay": dt.timedelta(minutes=10)},
        tags=["ltv"],
    ) as dag:
        clv_task = PythonOperator(task_id="daily_clv", python_callable=daily_clv, op_kwargs={"ds": "{{ ds }}"})
        report_task = PythonOperator(task_id="campaign_report", python_callable=campaign_report, op_kwargs={"ds": "{{ ds }}"})
        backtest_task = PythonOperator(task_id="backtest", python_callable=backtest, op_kwargs={"ds": "{{ ds }}"})
        campaign_backtest_task = PythonOperator(task_id="campaign_backtest", python_callable=campaign_backtest, op_kwargs={"ds": "{{ ds }}"})
        clv_task >> report_task
