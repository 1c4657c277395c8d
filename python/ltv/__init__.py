"""ltv: customer lifetime value in Rust, for Python.

Two layers over the same Rust crate:

* :mod:`ltv.lifetimes` — a drop-in for the ``lifetimes`` package (fitters, utils, plotting,
  datasets) with its names, arguments and return types;
* the native API here — one call from a transaction table to per-customer CLV
  (:func:`pipeline`), plus :func:`summary`, :func:`fit`, :func:`load_model`,
  :func:`backtest` (calibration/holdout), :func:`attribute` (revenue credit) and
  :func:`campaign_report` (the daily report) with :func:`report_backtest`, taking pandas
  DataFrames or any Arrow table (objects with ``__arrow_c_stream__``, read through pyarrow)
  and returning pandas.

Errors of the crate are raised as :mod:`ltv.exceptions` classes with the crate's message.
"""

from . import _ltv
from .exceptions import (
    ConvergenceError,
    DataError,
    LtvError,
    LtvIOError,
    ModelFormatError,
    NumericalError,
    ParameterError,
)
from .native import (
    attribute,
    backtest,
    campaign_report,
    fit,
    load_model,
    pipeline,
    report_backtest,
    summary,
    to_pandas,
)

__version__ = _ltv.__version__

__all__ = [
    "pipeline",
    "summary",
    "fit",
    "load_model",
    "attribute",
    "backtest",
    "campaign_report",
    "report_backtest",
    "to_pandas",
    "LtvError",
    "DataError",
    "ParameterError",
    "ConvergenceError",
    "NumericalError",
    "ModelFormatError",
    "LtvIOError",
]
