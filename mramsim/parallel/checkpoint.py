"""Safe checkpoints of a block-wise Monte Carlo: ``.npz`` blocks, a JSON manifest, one writer.

Nothing here is unpickled. A checkpoint folder holds

* ``manifest.json`` -- written by :func:`mramsim.parallel.jsonio.dump_json`
  (format tag, version, SHA-256 of its content): ``n_items``, ``block_size``,
  ``n_blocks``, ``seed``, the task hash and :func:`package_source_hash`;
* ``block_<b>.npz`` -- one finished block, loaded with ``allow_pickle=False``;
  besides the block's arrays it carries (in the member ``__meta__``) the block
  index, the checkpoint key (a hash of the manifest) and a SHA-256 of its
  structure and arrays;
* ``.mramsim.lock`` -- the lock file of :func:`folder_lock` (one writer per folder).

A block file that is truncated, edited, copied from another block or another
run, or not an ``.npz`` at all is reported (:class:`CheckpointWarning`) and
recomputed, never trusted. A folder written by other mramsim source code (any
``.py`` file of the package changed) is reported and started again, so a code
change never reuses old blocks.

Block results: the contract
---------------------------
A block function returns a *tree* whose inner nodes are ``dict`` (``str``
keys without ``"/"``), ``list`` or ``tuple`` and whose leaves are numpy arrays
(any dtype but ``object``), numpy scalars, ``float``, ``int`` (within int64),
``bool``, ``str`` or ``None``. The tree is flattened into named arrays
(names are the key paths joined with ``"/"``, under the root ``"r"``) plus a
JSON skeleton that restores every container and the exact leaf type, so a
block read back is equal -- in value, dtype and Python type -- to the block
computed. Anything else raises :class:`BlockResultError` when the block is
saved.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import json
import types
import warnings
from pathlib import Path

import numpy as np

from ..errors import MramsimError
from .jsonio import CorruptFileError, atomic_write_bytes, dump_json, load_json

__all__ = [
    "folder_lock",
    "FolderLockedError",
    "BlockResultError",
    "CheckpointWarning",
    "CheckpointMismatchError",
    "package_source_hash",
    "task_hash",
    "flatten_result",
    "unflatten_result",
    "save_block",
    "load_block",
    "open_checkpoint",
    "KEY_SEP",
]

#: Separator of key paths in the array names of a block file.
KEY_SEP = "/"
LOCK_NAME = ".mramsim.lock"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "mramsim-checkpoint"
MANIFEST_VERSION = 2
BLOCK_FORMAT = "mramsim-block"
BLOCK_VERSION = 1
_META = "__meta__"


class CheckpointMismatchError(MramsimError):
    """A checkpoint folder belongs to another run (other size, seed or task)."""


class FolderLockedError(MramsimError):
    """Another process is writing into the same folder."""


class BlockResultError(MramsimError):
    """A block function returned something a checkpoint cannot store without pickle."""


class CheckpointWarning(UserWarning):
    """A checkpoint file was stale or damaged and is recomputed."""


# -- one writer per folder ---------------------------------------------------------------
@contextlib.contextmanager
def folder_lock(path):
    """Hold an exclusive lock on folder ``path`` (created if missing) for the ``with`` block.

    A second holder -- another process, or another lock on the same folder
    in this process -- fails at once with :class:`FolderLockedError` naming
    the folder; it never waits and never writes. The lock is an OS file lock
    (``filelock``) on ``<path>/.mramsim.lock``, released when the ``with``
    block ends or the process dies (also on ``kill -9``).

    Parameters
    ----------
    path : str or Path
        The folder to own.
    """
    from filelock import FileLock, Timeout

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_NAME), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise FolderLockedError(
            f"folder {folder} is in use by another mramsim run (lock file {folder / LOCK_NAME}); "
            "wait for it to finish or choose another folder"
        ) from None
    try:
        yield folder
    finally:
        lock.release()


# -- task identity ------------------------------------------------------------------
#: Attribute names that record wall-clock measurements, not task state (left out of the task hash).
_WALL_CLOCK = frozenset({"fit_time", "timings", "elapsed", "wall_time", "runtime"})


def _canon(obj, h, path: tuple, depth: int) -> None:
    """Feed a canonical description of ``obj``'s public state into hash ``h``.

    Pickle bytes are not a stable identity (memo references, dict insertion
    order and lazily cached attributes change them for equal objects), so
    objects are described by value: numbers by ``repr``, arrays by dtype,
    shape and bytes, dataclasses by their fields, other objects by their
    public attributes (names starting with ``_`` and ``functools.cached_property``
    values are caches, not state; :data:`_WALL_CLOCK` names are timings),
    functions by module and qualified name.
    """
    up = h.update
    if depth > 24 or id(obj) in path:
        up(b"<deep>")
        return
    if obj is None or isinstance(obj, (bool, int, str, bytes, np.bool_)):
        up(f"{type(obj).__name__}:{obj!r};".encode())
        return
    if isinstance(obj, (float, np.floating)):
        up(f"f:{float(obj)!r};".encode())
        return
    if isinstance(obj, np.integer):
        up(f"i:{int(obj)};".encode())
        return
    if isinstance(obj, complex):
        up(f"c:{obj!r};".encode())
        return
    if isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        up(f"a:{arr.dtype.str}:{arr.shape};".encode())
        if arr.dtype.kind == "O":
            for x in arr.ravel():
                _canon(x, h, path + (id(obj),), depth + 1)
        else:
            up(arr.tobytes())
        return
    sub = path + (id(obj),)
    if isinstance(obj, functools.partial):
        up(b"partial(")
        _canon(obj.func, h, sub, depth + 1)
        _canon(obj.args, h, sub, depth + 1)
        _canon(dict(obj.keywords), h, sub, depth + 1)
        up(b")")
        return
    if isinstance(obj, dict):
        up(f"d{len(obj)}{{".encode())
        for k in sorted(obj, key=repr):
            _canon(k, h, sub, depth + 1)
            _canon(obj[k], h, sub, depth + 1)
        up(b"}")
        return
    if isinstance(obj, (list, tuple)):
        up(f"{type(obj).__name__}{len(obj)}[".encode())
        for x in obj:
            _canon(x, h, sub, depth + 1)
        up(b"]")
        return
    if isinstance(obj, (set, frozenset)):
        parts = []
        for x in obj:
            hx = hashlib.sha256()
            _canon(x, hx, sub, depth + 1)
            parts.append(hx.hexdigest())
        up(("set[" + ",".join(sorted(parts)) + "]").encode())
        return
    if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)) or (
        callable(obj) and not hasattr(obj, "__dict__") and hasattr(obj, "__qualname__")
    ):
        target = getattr(obj, "__func__", obj)
        up(f"fn:{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))};".encode())
        if isinstance(obj, types.MethodType):
            _canon(obj.__self__, h, sub, depth + 1)
        return
    cls = type(obj)
    up(f"o:{cls.__module__}.{cls.__qualname__}{{".encode())
    if dataclasses.is_dataclass(obj):
        names = [f.name for f in dataclasses.fields(obj)]
    else:
        try:
            names = sorted(vars(obj))
        except TypeError:  # no __dict__ (slots, C objects): the type is all we can say
            up(b"}")
            return
    for name in names:
        if name.startswith("_") or name in _WALL_CLOCK or isinstance(getattr(cls, name, None), functools.cached_property):
            continue
        up(f"{name}=".encode())
        _canon(getattr(obj, name, None), h, sub, depth + 1)
    up(b"}")


def task_hash(func, desc: str = "") -> str:
    """SHA-256 (hex, 16 chars) of a task: ``desc`` and a canonical description of ``func``.

    ``func`` is described by value (its name, and for a
    :func:`functools.partial` the public state of every bound argument), so
    the same task built again in another process hashes the same, and a task
    with other inputs (another array, seed-independent parameter, model)
    hashes differently. Used in the checkpoint manifest.
    """
    h = hashlib.sha256()
    h.update(str(desc).encode())
    h.update(b"\0")
    _canon(func, h, (), 0)
    return h.hexdigest()[:16]


# -- identity of the code ------------------------------------------------------------------
_SOURCE_HASH: str | None = None


def package_source_hash() -> str:
    """SHA-256 (hex) of the mramsim version and every ``.py`` file of the installed package.

    Computed once per process (the files are read once, ~1 MB). Part of every
    checkpoint key, so blocks written by other code are never reused.
    """
    global _SOURCE_HASH
    if _SOURCE_HASH is None:
        from .._version import __version__

        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(f"mramsim {__version__}\0".encode())
        for p in sorted(root.rglob("*.py")):
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
        _SOURCE_HASH = h.hexdigest()
    return _SOURCE_HASH


# -- block results <-> named arrays -----------------------------------------------------------
_CONTRACT = ("a dict (str keys), list or tuple of numpy arrays, numpy scalars, float, int, bool, str "
             "or None, possibly nested")


def flatten_result(result):
    """``(skeleton, arrays)``: a JSON-able skeleton and ``{name: ndarray}`` for ``result``.

    Raises
    ------
    BlockResultError
        ``result`` holds something outside the contract (see the module docstring).
    """
    arrays: dict[str, np.ndarray] = {}

    def walk(x, name):
        if isinstance(x, dict):
            items = []
            for k, v in x.items():
                if not isinstance(k, str) or KEY_SEP in k:
                    raise BlockResultError(f"block result key {k!r} at {name!r}: keys must be str without "
                                           f"{KEY_SEP!r}; a block returns {_CONTRACT}")
                items.append([k, walk(v, name + KEY_SEP + k)])
            return {"t": "dict", "v": items}
        if isinstance(x, (list, tuple)):
            return {"t": "list" if isinstance(x, list) else "tuple",
                    "v": [walk(v, f"{name}{KEY_SEP}{i}") for i, v in enumerate(x)]}
        if x is None:
            return {"t": "none"}
        if isinstance(x, np.ndarray):
            kind = "ndarray"
            arr = np.asarray(x)
        elif isinstance(x, np.generic):
            kind = "npscalar"
            arr = np.asarray(x)
        elif isinstance(x, bool):
            kind, arr = "bool", np.asarray(x, dtype=np.bool_)
        elif isinstance(x, int):
            if not -(2**63) <= x < 2**63:
                raise BlockResultError(f"block result {name!r}: int {x} does not fit in int64")
            kind, arr = "int", np.asarray(x, dtype=np.int64)
        elif isinstance(x, float):
            kind, arr = "float", np.asarray(x, dtype=np.float64)
        elif isinstance(x, str):
            kind, arr = "str", np.asarray(x, dtype=np.str_)
        else:
            raise BlockResultError(f"block result {name!r} is a {type(x).__name__}; a block returns {_CONTRACT}")
        if arr.dtype.hasobject:
            raise BlockResultError(f"block result {name!r} is an object array; a block returns {_CONTRACT}")
        arrays[name] = arr
        return {"t": kind, "a": name}

    skeleton = walk(result, "r")
    return skeleton, arrays


def unflatten_result(skeleton, arrays):
    """Inverse of :func:`flatten_result`."""
    t = skeleton["t"]
    if t == "dict":
        return {k: unflatten_result(v, arrays) for k, v in skeleton["v"]}
    if t in ("list", "tuple"):
        seq = [unflatten_result(v, arrays) for v in skeleton["v"]]
        return seq if t == "list" else tuple(seq)
    if t == "none":
        return None
    arr = arrays[skeleton["a"]]
    if t == "ndarray":
        return arr
    if t == "npscalar":
        return arr[()]
    if t == "bool":
        return bool(arr)
    if t == "int":
        return int(arr)
    if t == "float":
        return float(arr)
    if t == "str":
        return str(arr)
    raise CorruptFileError(f"unknown leaf type {t!r}")


def _content_hash(b: int, key: str, skeleton, arrays) -> str:
    h = hashlib.sha256(json.dumps([int(b), key, skeleton], sort_keys=True).encode())
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        h.update(f"\0{name}\0{arr.dtype.str}\0{arr.shape}\0".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def save_block(path, b: int, key: str, result) -> Path:
    """Write block ``b`` of the checkpoint ``key`` to ``path`` (``.npz``, atomically)."""
    skeleton, arrays = flatten_result(result)
    meta = {"format": BLOCK_FORMAT, "version": BLOCK_VERSION, "block": int(b), "key": key,
            "skeleton": skeleton, "sha256": _content_hash(b, key, skeleton, arrays)}
    buf = io.BytesIO()
    np.savez(buf, **arrays, **{_META: np.asarray(json.dumps(meta), dtype=np.str_)})
    return atomic_write_bytes(path, buf.getvalue())


def load_block(path, b: int, key: str):
    """The result stored by :func:`save_block` in ``path``, checked against ``b`` and ``key``.

    Raises
    ------
    CorruptFileError
        Not an ``.npz`` (or one needing pickle), truncated, of another format
        version, of another block or checkpoint, or its content hash differs.
    """
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z[_META][()]))
            arrays = {n: z[n] for n in z.files if n != _META}
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile, numpy, json and OS errors: all mean "do not trust this file"
        raise CorruptFileError(f"{path}: unreadable block file ({type(exc).__name__}: {exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != BLOCK_FORMAT or meta.get("version") != BLOCK_VERSION:
        raise CorruptFileError(f"{path}: not a {BLOCK_FORMAT!r} file of version {BLOCK_VERSION}")
    if meta.get("block") != int(b) or meta.get("key") != key:
        raise CorruptFileError(f"{path}: holds block {meta.get('block')} of checkpoint {meta.get('key')!r}, "
                               f"expected block {b} of {key!r}")
    skeleton = meta.get("skeleton")
    if meta.get("sha256") != _content_hash(b, key, skeleton, arrays):
        raise CorruptFileError(f"{path}: content hash mismatch (edited or damaged)")
    try:
        return unflatten_result(skeleton, arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise CorruptFileError(f"{path}: inconsistent block structure ({exc})") from None


# -- the folder --------------------------------------------------------------------------------
def block_path(cdir: Path, b: int) -> Path:
    """``<cdir>/block_<b>.npz``."""
    return Path(cdir) / f"block_{int(b)}.npz"


def checkpoint_key(manifest: dict) -> str:
    """Key of a checkpoint: SHA-256 (hex, 32 chars) of its manifest."""
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:32]


def _warn(msg):
    warnings.warn(msg, CheckpointWarning, stacklevel=4)


def _clear_blocks(cdir: Path):
    for p in cdir.glob("block_*.npz"):
        p.unlink(missing_ok=True)


def open_checkpoint(cdir, manifest: dict, nb: int) -> tuple[str, dict]:
    """Create or check the manifest of ``cdir``; return ``(key, {b: result})`` of the sound blocks.

    The caller holds :func:`folder_lock` on ``cdir``. A manifest of the same
    run written by other mramsim source, or one that is unreadable, starts
    the folder again (with a :class:`CheckpointWarning`); one of another run
    (size, seed, task) raises :class:`CheckpointMismatchError`. Damaged block
    files are reported, deleted and left to be recomputed.
    """
    cdir = Path(cdir)
    mpath = cdir / MANIFEST
    fresh = True
    if mpath.exists():
        try:
            old = load_json(mpath, fmt=MANIFEST_FORMAT, version=MANIFEST_VERSION)
            if not isinstance(old, dict):
                raise CorruptFileError(f"{mpath}: not a manifest")
        except CorruptFileError as exc:
            _warn(f"checkpoint manifest is not usable ({exc}); the folder {cdir} is started again")
        else:
            if old.get("source") != manifest.get("source"):
                _warn(f"checkpoint folder {cdir} was written by other mramsim source code; "
                      "its blocks are not reused")
            else:
                diffs = [f"{k}: folder has {old.get(k)!r}, this run has {v!r}"
                         for k, v in manifest.items() if old.get(k) != v]
                if diffs:
                    raise CheckpointMismatchError(
                        f"checkpoint folder {cdir} holds a different run ({'; '.join(diffs)}); "
                        "delete it or choose another checkpoint_dir -- results of two runs are never mixed"
                    )
                fresh = False
    if fresh:
        _clear_blocks(cdir)
        dump_json(mpath, manifest, fmt=MANIFEST_FORMAT, version=MANIFEST_VERSION)
    key = checkpoint_key(manifest)
    done = {}
    for b in range(nb):
        p = block_path(cdir, b)
        if not p.exists():
            continue
        try:
            done[b] = load_block(p, b, key)
        except CorruptFileError as exc:
            _warn(f"{exc}; block {b} is recomputed")
            p.unlink(missing_ok=True)
    return key, done
