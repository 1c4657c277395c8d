"""Array plumbing shared by the lifetimes-compatible layer: inputs to contiguous float64
columns, outputs back to what came in (pandas Series with its index, numpy array, or float)."""

import numpy as np
import pandas as pd


def column(x, dtype=float):
    """A contiguous 1-D numpy array of ``x`` (Series, list, array or scalar)."""
    return np.ascontiguousarray(np.atleast_1d(np.asarray(x, dtype=dtype)).ravel())


def broadcast(*args):
    """Broadcasts the arguments together; returns (flat float64 columns, shape, index).

    ``index`` is the index of the first pandas Series among the arguments (None if none), so
    results can be returned as a Series aligned with the input.
    """
    index = next((a.index for a in args if isinstance(a, pd.Series)), None)
    arrays = np.broadcast_arrays(*[np.asarray(a, dtype=float) for a in args])
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a.ravel()) for a in arrays]
    return flat, shape, index


def restore(values, shape, index, name=None):
    """The inverse of :func:`broadcast` for one result column."""
    values = np.asarray(values, dtype=float).reshape(shape)
    if index is not None and values.ndim == 1 and len(index) == values.shape[0]:
        return pd.Series(values, index=index, name=name)
    if values.ndim == 0:
        return float(values)
    return values


def per_horizon(fn, t, *columns):
    """Calls ``fn(t, *flat_columns)`` once per distinct horizon ``t`` (the Rust functions take
    one horizon for many customers) and reassembles the broadcast result."""
    (tt, *cols), shape, index = broadcast(t, *columns)
    if tt.size == 0:
        return restore(tt, shape, index)
    unique = np.unique(tt)
    if unique.size == 1:
        return restore(fn(float(unique[0]), *cols), shape, index)
    out = np.empty(tt.shape)
    for u in unique:
        mask = tt == u
        out[mask] = fn(float(u), *[np.ascontiguousarray(c[mask]) for c in cols])
    return restore(out, shape, index)
