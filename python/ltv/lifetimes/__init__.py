"""A drop-in for the Python ``lifetimes`` package (0.11.3), computed by the ltv crate.

Change ``from lifetimes import BetaGeoFitter`` to ``from ltv.lifetimes import BetaGeoFitter``
(and ``lifetimes.utils`` / ``lifetimes.plotting`` / ``lifetimes.datasets`` likewise). Where
this layer differs from lifetimes on purpose (covariances, convergence, errors, extremes) see
:mod:`ltv.lifetimes.fitters`.
"""

from .fitters import (
    BaseFitter,
    BetaGeoBetaBinomFitter,
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from . import datasets, utils
from ..exceptions import ConvergenceError

__version__ = "0.11.3"  # the lifetimes API this layer follows

__all__ = (
    "__version__",
    "BaseFitter",
    "BetaGeoFitter",
    "ParetoNBDFitter",
    "GammaGammaFitter",
    "ModifiedBetaGeoFitter",
    "BetaGeoBetaBinomFitter",
    "ConvergenceError",
)
