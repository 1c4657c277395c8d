"""lifetimes' data sets (``lifetimes.datasets``), served from the copies compiled into the ltv
crate (CDNOW, donations) or shipped with this package (``example_transactions.csv``, lifetimes'
generated example log, MIT licence). Keyword arguments go to :func:`pandas.read_csv` as in
lifetimes."""

import io
import os

import pandas as pd

from .. import _ltv

__all__ = [
    "load_cdnow_summary",
    "load_transaction_data",
    "load_cdnow_summary_data_with_monetary_value",
    "load_donations",
    "load_dataset",
]

_DATA = os.path.join(os.path.dirname(__file__), "data")
_COMPILED = {
    "cdnow_customers_summary.csv": "cdnow_summary",
    "cdnow_customers_summary_with_transactions.csv": "cdnow_summary_with_transactions",
    "donations.csv": "donations",
    "CDNOW_master.txt": "cdnow_master",
}


def load_dataset(filename, **kwargs):
    """Reads one of the data sets by lifetimes' file name."""
    if filename in _COMPILED:
        return pd.read_csv(io.StringIO(_ltv.dataset_text(_COMPILED[filename])), **kwargs)
    return pd.read_csv(os.path.join(_DATA, filename), **kwargs)


def load_donations(**kwargs):
    """The donations data set (BG/BB): frequency, recency, periods, weights."""
    return load_dataset("donations.csv", **kwargs)


def load_cdnow_summary(**kwargs):
    """The CDNOW sample summary (2,357 customers, weeks): ID, frequency, recency, T."""
    return load_dataset("cdnow_customers_summary.csv", **kwargs)


def load_transaction_data(**kwargs):
    """lifetimes' generated example transaction log: date, id."""
    return load_dataset("example_transactions.csv", **kwargs)


def load_cdnow_summary_data_with_monetary_value(**kwargs):
    """The CDNOW sample summary with mean repeat spend, indexed by customer_id."""
    df = load_dataset("cdnow_customers_summary_with_transactions.csv", **kwargs)
    df.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return df.set_index("customer_id")


def load_cdnow_master(**kwargs):
    """The full CDNOW master log (69,659 transactions; not in lifetimes' loaders):
    customer_id, date (YYYYMMDD text), number_of_cds, dollar_value."""
    kwargs.setdefault("sep", r"\s+")
    kwargs.setdefault("dtype", {"customer_id": str, "date": str})
    return load_dataset("CDNOW_master.txt", **kwargs)
