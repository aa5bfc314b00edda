"""Stage caches of the flow: JSON files with a format version, a content hash and an input key.

A deterministic stage (the physics table of a stack and anneal) is stored in
its output folder as ``.cache.json`` through :func:`mramsim.parallel.jsonio.dump_json`.
A file written for other inputs, of another format version, truncated or
edited is recomputed, never trusted. Nothing is pickled.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..parallel.jsonio import CorruptFileError, dump_json, load_json, payload_hash

__all__ = ["cached", "input_key", "CACHE_FILE", "CACHE_FORMAT", "CACHE_VERSION"]

CACHE_FILE = ".cache.json"
CACHE_FORMAT = "mramsim-stage-cache"
CACHE_VERSION = 1


def input_key(*parts) -> str:
    """A short hash of a stage's inputs (plain data, dataclasses, numpy arrays)."""
    return payload_hash(list(parts))[:16]


def cached(folder, key: str, compute: Callable, encode: Callable, decode: Callable):
    """``(value, hit)``: the value stored in ``folder`` for ``key``, else ``compute()`` stored.

    ``encode(value)`` gives plain JSON data and ``decode(data)`` the value back;
    a missing, stale or corrupt file (or one that does not decode) is recomputed.
    """
    path = Path(folder) / CACHE_FILE
    try:
        doc = load_json(path, fmt=CACHE_FORMAT, version=CACHE_VERSION)
        if isinstance(doc, dict) and doc.get("key") == key:
            return decode(doc["value"]), True
    except (FileNotFoundError, CorruptFileError, KeyError, TypeError, ValueError):
        pass
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    dump_json(path, {"key": key, "value": encode(value)}, fmt=CACHE_FORMAT, version=CACHE_VERSION)
    return value, False
