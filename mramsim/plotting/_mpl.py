"""Lazy matplotlib access shared by the plotting modules."""
from __future__ import annotations


def pyplot():
    """Import matplotlib with a non-interactive backend when no display is set."""
    import os

    import matplotlib

    if not os.environ.get("DISPLAY") and matplotlib.get_backend().lower() not in ("agg", "pdf", "svg"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def get_ax(ax=None, **fig_kw):
    """Return ``ax`` or a new axes on a new figure."""
    if ax is not None:
        return ax
    plt = pyplot()
    _, ax = plt.subplots(**fig_kw)
    return ax
