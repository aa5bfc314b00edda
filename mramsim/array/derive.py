"""Arrays derived from an array: another column count or another MTJ model, all else the same.

Works with the array's ``replace(**changes)`` when it has one (a frozen
dataclass) and with its constructor otherwise (the same constructor
arguments: rows, cols, mtj, access, wires, v_wl, ref_cols).
"""
from __future__ import annotations

__all__ = ["with_cols", "with_mtj"]

_FIELDS = ("rows", "cols", "mtj", "access", "wires", "v_wl", "ref_cols")


def _rebuild(arr, **changes):
    replace = getattr(arr, "replace", None)
    if callable(replace):
        return replace(**changes)
    kw = {name: getattr(arr, name) for name in _FIELDS if hasattr(arr, name)}
    kw.update(changes)
    return type(arr)(**kw)


def with_mtj(arr, mtj):
    """A copy of the array ``arr`` with another compact model ``mtj``."""
    return _rebuild(arr, mtj=mtj)


def with_cols(arr, cols):
    """A copy of the array ``arr`` with ``cols`` data columns."""
    return _rebuild(arr, cols=cols)
