"""Run ngspice on a netlist and return its vectors as numpy arrays.

Two backends give the same :class:`SpiceResult`:

``"subprocess"`` (default)
    ``ngspice -b -r <raw> <netlist>`` in a fresh temporary directory, with
    ``SPICE_ASCIIRAWFILE=1`` in the environment so ngspice 39 writes an ASCII
    raw file, which :func:`mramsim.circuit.sim.raw.parse_raw` reads.
    Independent processes, so any number of calls may run at once (threads or
    processes).
``"shared"``
    The same netlist through PySpice's ``NgSpiceShared`` (ngspice as a shared
    library, in-process): :func:`mramsim.circuit.sim.pyspice.run_shared`.

Vector names and the outer sweep of a nested ``.dc``: see
:mod:`mramsim.circuit.sim.raw`.

Any failure (non-zero exit, an ``Error``/``fatal`` line, no raw file,
timeout) raises :class:`mramsim.errors.SimulationError` with ngspice's own
output and the path of the netlist, which is then kept on disk.

Reference: H. Vogt, G. Atkinson, P. Nenzi et al., *Ngspice User's Manual*,
version 39 (2023), sections 15.4 (``-b``, ``-r``), 15.6 (raw file format),
17.5 (``SPICE_ASCIIRAWFILE``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ...errors import ParameterError, SimulationError, UnknownNameError
from .raw import SpiceResult, add_outer_sweep, error_lines, parse_raw, relevant_output, spice_number

__all__ = ["run_ngspice", "BACKENDS", "SpiceResult", "parse_raw", "spice_number"]

#: ``run_ngspice`` backends
BACKENDS = ("subprocess", "shared")


def _read_netlist(netlist):
    """(text, path or None) from netlist text or a path to a netlist file."""
    if isinstance(netlist, os.PathLike) or (
        isinstance(netlist, str) and "\n" not in netlist and netlist.strip() and os.path.isfile(netlist)
    ):
        path = Path(netlist)
        try:
            return path.read_text(), str(path.resolve())
        except OSError as exc:
            raise ParameterError("netlist", str(netlist), "netlist text or a readable file path") from exc
    if not isinstance(netlist, str) or "\n" not in netlist.strip():
        raise ParameterError("netlist", netlist,
                             "netlist text (title line first, ..., .end) or an existing file path")
    return netlist, None


def _run_subprocess(text, src_path, workdir, timeout, keep):
    exe = shutil.which("ngspice")
    if exe is None:
        raise SimulationError("ngspice not found on PATH (Debian package 'ngspice')", src_path)
    if workdir is not None:
        workdir = Path(workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="mramsim-ngspice-", dir=workdir))
    net_path = Path(src_path) if src_path else tmp / "netlist.cir"
    if not src_path:
        net_path.write_text(text if text.endswith("\n") else text + "\n")
    raw_path = tmp / "out.raw"
    env = dict(os.environ, SPICE_ASCIIRAWFILE="1")
    failed = True
    try:
        try:
            proc = subprocess.run(
                [exe, "-b", "-r", str(raw_path), str(net_path)],
                cwd=str(tmp), env=env, capture_output=True, text=True, timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or "") if isinstance(exc.stdout, str) else (exc.stdout or b"").decode(errors="replace")
            raise SimulationError(f"ngspice timed out after {timeout:g} s", str(net_path), out) from None
        output = (proc.stdout or "") + (proc.stderr or "")
        errors = error_lines(output)
        if proc.returncode != 0 or errors:
            msg = errors[0] if errors else f"ngspice exited with code {proc.returncode}"
            raise SimulationError(f"ngspice failed: {msg}", str(net_path),
                                  relevant_output(proc.stdout or "", proc.stderr or ""))
        if not raw_path.is_file():
            raise SimulationError("ngspice wrote no raw file (no analysis card?)", str(net_path), output)
        try:
            vectors = parse_raw(raw_path.read_text(errors="replace"))
        except ValueError as exc:
            raise SimulationError(f"could not read ngspice's raw file: {exc}", str(net_path), output) from None
        failed = False
    finally:
        if failed or keep:
            if raw_path.exists() and failed:
                raw_path.unlink()
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    kept = str(net_path) if (src_path or keep) else None
    return SpiceResult(vectors=add_outer_sweep(vectors, text), stdout=output, netlist_path=kept)


def run_ngspice(netlist, *, backend: str = "subprocess", timeout: float = 120.0, workdir=None,
                keep: bool = False) -> SpiceResult:
    """Run ngspice on a netlist and return the vectors of its last plot.

    Parameters
    ----------
    netlist : str or os.PathLike
        Netlist text (title line first, elements, one analysis card such as
        ``.op`` or ``.dc V1 -0.5 0.5 0.01 [TEMP -40 125 55]``, ``.end``) or the
        path of a netlist file.
    backend : {'subprocess', 'shared'}
        ``ngspice -b`` as a subprocess with an ASCII raw file, or PySpice's
        ``NgSpiceShared`` in-process.
    timeout : float
        Wall-clock limit [s].
    workdir : path-like, optional
        Directory in which a private temporary directory is made for the
        netlist and raw file (default: the system temporary directory).
    keep : bool
        Keep the netlist file (and its directory) after a successful run.

    Returns
    -------
    SpiceResult

    Raises
    ------
    SimulationError
        ngspice failed (exit code, an error line, no raw file, timeout); the
        message carries ngspice's own output and the kept netlist's path.
    """
    if backend not in BACKENDS:
        raise UnknownNameError("backend", backend, BACKENDS)
    try:
        timeout = float(timeout)
    except (TypeError, ValueError):
        raise ParameterError("timeout", timeout, "> 0 s") from None
    if not timeout > 0:
        raise ParameterError("timeout", timeout, "> 0 s")
    text, src_path = _read_netlist(netlist)
    if backend == "subprocess":
        return _run_subprocess(text, src_path, workdir, timeout, keep)
    from .pyspice import run_shared

    return run_shared(text, src_path, workdir, timeout, keep)
