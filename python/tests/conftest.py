"""Shared fixtures: lifetimes 0.11.3 reference values (made by reference/make_reference.py),
the repository's data sets, and a headless matplotlib."""

import json
import os

import pandas as pd
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


@pytest.fixture(scope="session")
def ref():
    with open(os.path.join(HERE, "reference", "lifetimes_0_11_3.json")) as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def cdnow():
    from ltv.lifetimes.datasets import load_cdnow_summary

    return load_cdnow_summary()


@pytest.fixture(scope="session")
def cdnow_spend():
    from ltv.lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    return load_cdnow_summary_data_with_monetary_value()


@pytest.fixture(scope="session")
def master():
    from ltv.lifetimes.datasets import load_cdnow_master

    tx = load_cdnow_master()
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx


@pytest.fixture(scope="session")
def example():
    from ltv.lifetimes.datasets import load_transaction_data

    return load_transaction_data()
