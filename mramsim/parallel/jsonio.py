"""JSON for results and metadata: one encoder, atomic writes, versioned and hashed files.

Everything mramsim writes for people or for itself to read back is JSON (this
module) or ``.npz`` with ``allow_pickle=False``; nothing is ever unpickled.

* :func:`to_jsonable` turns numpy scalars/arrays, tuples, paths and dataclasses
  into plain JSON types; non-finite floats become the strings ``"nan"``,
  ``"inf"``, ``"-inf"`` (strict JSON has no NaN).
* :func:`atomic_write_bytes` writes through a unique temporary name in the
  target folder, then ``os.replace``: readers never see half a file and two
  writers never share a temporary name.
* :func:`dump_json` / :func:`load_json` add a ``format`` tag, a format version
  and a SHA-256 of the payload; :func:`load_json` raises
  :class:`CorruptFileError` on a missing tag, another version or a hash
  mismatch, so a caller recomputes instead of trusting the file.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from ..errors import MramsimError

__all__ = ["to_jsonable", "from_jsonable", "from_jsonable_float", "atomic_write_bytes", "dump_json", "load_json",
           "payload_hash", "CorruptFileError"]


class CorruptFileError(MramsimError):
    """A file mramsim wrote earlier is truncated, tampered with or of another format version."""


def to_jsonable(x):
    """Plain JSON types for ``x`` (dict keys become strings; non-finite floats become strings)."""
    if isinstance(x, dict):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return to_jsonable(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return f if math.isfinite(f) else str(f)
    if isinstance(x, Path):
        return str(x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: to_jsonable(getattr(x, f.name)) for f in dataclasses.fields(x)}
    return x


def from_jsonable(x):
    """Inverse of :func:`to_jsonable` for floats: the strings "inf", "-inf", "nan" back to floats, recursively."""
    if isinstance(x, dict):
        return {k: from_jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [from_jsonable(v) for v in x]
    if isinstance(x, str) and x in ("inf", "-inf", "nan"):
        return float(x)
    return x


def from_jsonable_float(x) -> float:
    """Inverse of :func:`to_jsonable` for one float (``"nan"``, ``"inf"``, ``"-inf"`` accepted)."""
    return float(x)


def payload_hash(payload) -> str:
    """SHA-256 (hex) of the canonical JSON text of ``payload``."""
    text = json.dumps(to_jsonable(payload), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a unique temporary file in the same folder; return the path."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def dump_json(path, payload, *, fmt: str, version: int = 1, indent: int | None = 1) -> Path:
    """Write ``payload`` as ``{"format", "version", "sha256", "data"}`` atomically; return the path."""
    data = to_jsonable(payload)
    doc = {"format": fmt, "version": int(version), "sha256": payload_hash(data), "data": data}
    return atomic_write_bytes(path, (json.dumps(doc, indent=indent) + "\n").encode())


def load_json(path, *, fmt: str, version: int = 1):
    """The payload of a file written by :func:`dump_json`.

    Raises
    ------
    CorruptFileError
        The file is not JSON, has another format tag or version, or its hash
        does not match its payload.
    FileNotFoundError
        No such file.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptFileError(f"{path}: not a readable JSON file ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != fmt or doc.get("version") != version:
        raise CorruptFileError(f"{path}: not a {fmt!r} file of format version {version}")
    data = doc.get("data")
    if doc.get("sha256") != payload_hash(data):
        raise CorruptFileError(f"{path}: content hash mismatch (truncated or edited)")
    return data
