"""Lazy matplotlib access shared by the plotting modules.

The backend is never chosen here: a Jupyter or IDE user keeps theirs, and
matplotlib itself falls back to a non-interactive backend when no display is
available. Programs that only write files (the ``mramsim`` command line)
pick ``Agg`` for themselves before plotting.
"""
from __future__ import annotations


def pyplot():
    """``matplotlib.pyplot``, imported on first use (the backend is left as it is)."""
    import matplotlib.pyplot as plt

    return plt


def get_ax(ax=None, **fig_kw):
    """Return ``ax``, or a new axes on a new figure (``fig_kw`` passed to ``plt.subplots``)."""
    if ax is not None:
        return ax
    plt = pyplot()
    _, ax = plt.subplots(**fig_kw)
    return ax
