"""Exceptions raised by ltv.

Every error of the Rust crate arrives as one of these, with the crate's message as its text
(line/row, column, value and the rule broken) and the fields as attributes:

* ``kind``: the crate's error variant (``"InvalidField"``, ``"NotConverged"``, ...);
* ``row``, ``column``, ``value``, ``rule`` for bad data (rows are numbered from 1 in the order
  the data was given);
* ``name``, ``value``, ``rule`` for a bad parameter; ``model``, ``iterations`` for a fit.

Each class also derives from the matching built-in exception, so code written for lifetimes
(``except ValueError``) keeps working.
"""


class LtvError(Exception):
    """Base class of every error raised by the ltv crate."""

    kind = "Other"
    row = None
    column = None
    value = None
    rule = None


class DataError(LtvError, ValueError):
    """Input data breaks a rule (a row, a column, a date, a length)."""


class ParameterError(LtvError, ValueError):
    """A parameter or option is out of its domain."""


class ConvergenceError(LtvError, ValueError):
    """A fit did not converge (or the data cannot identify the model).

    Derives from ``ValueError`` as lifetimes' ``ConvergenceError`` does.
    """


class NumericalError(LtvError, ArithmeticError):
    """A computation overflowed or produced a non-finite value, or a covariance is singular."""


class ModelFormatError(LtvError, ValueError):
    """A saved model's JSON could not be read back."""


class LtvIOError(LtvError, OSError):
    """Reading or writing a file failed."""


__all__ = [
    "LtvError",
    "DataError",
    "ParameterError",
    "ConvergenceError",
    "NumericalError",
    "ModelFormatError",
    "LtvIOError",
]
