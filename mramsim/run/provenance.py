"""Provenance of a run: versions, the package-source hash, git commit, config hash, timings."""
from __future__ import annotations

import hashlib
import platform
import subprocess
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

__all__ = ["code_version", "source_hash", "git_commit", "provenance"]

_PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=None)
def source_hash() -> str:
    """SHA-256 (12 hex digits) of every ``.py`` file under ``mramsim/`` (paths and contents)."""
    h = hashlib.sha256()
    for f in sorted(_PACKAGE.rglob("*.py")):
        h.update(f.relative_to(_PACKAGE).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def code_version() -> str:
    """``<version>+<source hash>``: cache and checkpoint keys follow any code change."""
    from .._version import __version__

    return f"{__version__}+{source_hash()}"


def git_commit() -> str | None:
    """The commit of the package's git checkout, None outside one."""
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=_PACKAGE, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return (r.stdout.strip() or None) if r.returncode == 0 else None


def provenance(cfg, executor_name, times: dict) -> dict:
    """The ``provenance`` block of ``results.json``."""
    import numpy as np
    import scipy

    from .._version import __version__

    return {
        "mramsim_version": __version__,
        "source_hash": source_hash(),
        "git_commit": git_commit(),
        "config_file": cfg.source,
        "config_sha256": cfg.sha256,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "platform": platform.platform(),
        "finished_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "executor": str(executor_name),
        "stage_seconds": times,
    }
