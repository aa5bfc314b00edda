"""ngspice as a shared library through PySpice: library discovery, configuration, runs.

PySpice is imported here only, lazily (``import mramsim`` does not import it).
Debian ships ``libngspice.so.0`` but no ``libngspice.so``, which is what
PySpice 1.5 looks for by default: :func:`configure_ngspice_shared` points
``NgSpiceShared.LIBRARY_PATH`` (PySpice's documented class attribute) at the
library :func:`shared_library_path` finds. Call it once before simulating your
own PySpice circuits (e.g. with :meth:`CompactMTJ.pyspice_subcircuit`) with
``simulator="ngspice-shared"``.

:func:`run_shared` is the ``backend="shared"`` of
:func:`mramsim.circuit.sim.ngspice.run_ngspice`: the netlist runs in-process,
calls are serialised with a lock (the library has process-global state).

References: F. Salvaire, PySpice 1.5 documentation, "NgSpiceShared"
(https://pyspice.fabrice-salvaire.fr); H. Vogt et al., *Ngspice User's
Manual*, version 39 (2023), chapter 19 (shared library API).
"""
from __future__ import annotations

import glob
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from ...errors import SimulationError
from .raw import SpiceResult, add_outer_sweep, error_lines, normalise_vector_name, relevant_output

__all__ = ["shared_library_path", "configure_ngspice_shared", "ngspice_shared", "run_shared"]

_SHARED_LOCK = threading.Lock()
_LOGGER = "PySpice.Spice.NgSpice.Shared"
_LIBRARY_PATTERNS = ("/usr/lib/*/libngspice.so", "/usr/lib/libngspice.so", "/usr/local/lib/libngspice.so",
                     "/usr/lib/*/libngspice.so.0", "/usr/lib/libngspice.so.0", "/usr/local/lib/libngspice.so.0")


def shared_library_path() -> str | None:
    """Path of the ngspice shared library on this machine, or None.

    ``libngspice.so`` is preferred over Debian's ``libngspice.so.0``; the
    usual system library folders are searched.
    """
    for pattern in _LIBRARY_PATTERNS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def configure_ngspice_shared() -> str | None:
    """Point PySpice's ``NgSpiceShared.LIBRARY_PATH`` at an existing libngspice; return it.

    Leaves an explicit ``NGSPICE_LIBRARY_PATH`` environment variable or an
    already existing absolute library path alone. Returns None when no library
    is found (PySpice then fails on its own when asked to simulate).
    """
    from PySpice.Spice.NgSpice.Shared import NgSpiceShared

    if os.environ.get("NGSPICE_LIBRARY_PATH"):
        return os.environ["NGSPICE_LIBRARY_PATH"]
    current = NgSpiceShared.LIBRARY_PATH
    if current and os.path.isabs(current.format("")) and os.path.exists(current.format("")):
        return current
    lib = shared_library_path()
    if lib is not None:
        NgSpiceShared.LIBRARY_PATH = lib
    return lib


_SHARED_CLASS = []  # the lazily built NgSpiceShared subclass (PySpice is imported on first use)


def _shared_class():
    from PySpice.Spice.NgSpice.Shared import NgSpiceShared

    if not _SHARED_CLASS:
        class MramsimNgSpiceShared(NgSpiceShared):
            """``NgSpiceShared`` whose background-thread callback returns an int.

            PySpice 1.5's callback returns None, which cffi reports as
            "TypeError: an integer is required" on every ``bg_run``.
            """

            #: background runs that have finished (ngspice's BGThreadRunning callback is
            #: called with False when the thread starts and True when it ends)
            bg_runs_finished = 0

            @staticmethod
            def _background_thread_running(no_run, ngspice_id, user_data):
                if no_run:
                    MramsimNgSpiceShared.bg_runs_finished += 1
                return 0

        _SHARED_CLASS.append(MramsimNgSpiceShared)
    return _SHARED_CLASS[0]


def ngspice_shared():
    """The process's PySpice ``NgSpiceShared`` instance (library path set for Debian).

    The instance is PySpice's per-process singleton (ngspice id 0,
    ``NgSpiceShared.new_instance``), so a user's own PySpice simulations share
    it; when the user made it first, theirs is returned.

    Raises
    ------
    SimulationError
        No ngspice shared library was found.
    """
    if configure_ngspice_shared() is None:
        raise SimulationError("libngspice not found (Debian package 'libngspice0')")
    # PySpice warns "Unsupported Ngspice version 39" (harmless): keep it quiet.
    log = logging.getLogger(_LOGGER)
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        # new_instance() returns the existing id-0 instance (the registry is shared by all subclasses)
        return _shared_class().new_instance()
    finally:
        log.setLevel(level)


def _output_lines(ng) -> list[str]:
    """ngspice's console lines since the last ``clear_output`` (stdout, then stderr)."""
    return ng.stdout.splitlines() + ng.stderr.splitlines()


def run_shared(text: str, src_path: str | None = None, workdir=None, timeout: float = 120.0,
               keep: bool = False) -> SpiceResult:
    """Run netlist ``text`` in the shared ngspice library; the vectors of its first plot.

    Parameters
    ----------
    text : str
        Netlist text (title line first, ..., ``.end``).
    src_path : str, optional
        The file ``text`` came from (reported on failure, kept).
    workdir : path-like, optional
        Where a failing (or ``keep``) netlist is written when it has no file.
    timeout : float
        Wall-clock limit [s] (enforced for mramsim's own instance only).
    keep : bool
        Write the netlist to disk and report its path.

    Raises
    ------
    SimulationError
        ngspice reported an error, produced no plot or timed out.
    """
    from PySpice.Spice.NgSpice.Shared import NgSpiceCircuitError, NgSpiceCommandError

    net_path = src_path
    if workdir is not None:
        workdir = Path(workdir).resolve()

    def keep_netlist():
        nonlocal net_path
        if net_path is None:
            if workdir is not None:
                workdir.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix="mramsim-ngspice-", dir=workdir))
            p = tmp / "netlist.cir"
            p.write_text(text if text.endswith("\n") else text + "\n")
            net_path = str(p)
        return net_path

    def fail(msg, out):
        stdout = "\n".join(ln for ln in out if ln)
        raise SimulationError(msg, keep_netlist(), relevant_output("", stdout))

    log = logging.getLogger(_LOGGER)
    with _SHARED_LOCK:
        ng = ngspice_shared()
        # PySpice 1.5 has no public call that returns ngSpice_Command's return code without
        # clearing the output and raising, nor one for ngSpice_running(): use the cffi library
        # handle PySpice keeps (it is how PySpice itself calls ngspice).
        lib = ng._ngspice_shared
        background = isinstance(ng, _shared_class())
        level = log.level
        log.setLevel(logging.CRITICAL)  # errors are reported through SimulationError instead
        out: list[str] = []
        try:
            for cmd in ("destroy all", "remcirc"):
                try:
                    ng.exec_command(cmd)
                except NgSpiceCommandError:
                    pass
            body = text.splitlines()
            if body and body[-1].strip().lower() != ".end":
                body.append(".end")
            try:
                ng.load_circuit("\n".join(body))
            except NgSpiceCircuitError:
                pass
            out += _output_lines(ng)
            errors = error_lines("\n".join(out))
            if errors:
                fail(f"ngspice failed: {errors[0]}", out)
            ng.clear_output()
            if background:
                # wait for the thread's own "finished" callback: polling ngSpice_running()
                # alone races with the thread's start under load
                finished0 = type(ng).bg_runs_finished
                rc = lib.ngSpice_Command(b"bg_run")
                t0 = time.monotonic()
                while (rc == 0 and type(ng).bg_runs_finished == finished0) or lib.ngSpice_running():
                    if time.monotonic() - t0 > timeout:
                        lib.ngSpice_Command(b"bg_halt")
                        while lib.ngSpice_running():
                            time.sleep(0.01)
                        out += _output_lines(ng)
                        fail(f"ngspice timed out after {timeout:g} s", out)
                    time.sleep(0.002)
            else:  # a user's plain NgSpiceShared instance: synchronous run, timeout not enforceable
                rc = lib.ngSpice_Command(b"run")
            out += _output_lines(ng)
            output = "\n".join(out)
            errors = error_lines(output)
            if rc or errors:
                fail(f"ngspice failed: {errors[0] if errors else f'run returned {rc}'}", out)
            names = [p for p in ng.plot_names if p != "const"]
            if not names:
                fail("ngspice produced no plot (no analysis card?)", out)
            plot = ng.plot(None, names[0])
            vectors = {}
            for vname, vec in plot.items():
                n = vname.lower()
                if n.endswith("#branch"):
                    n = f"i({n[:-7]})"
                elif vec.is_voltage_node and not n.endswith("-sweep") and "(" not in n:
                    n = f"v({n})"
                data = np.asarray(vec.to_waveform())  # a numpy view of the vector's values
                if np.iscomplexobj(data) and not np.any(data.imag):
                    data = data.real
                vectors[normalise_vector_name(n)] = np.array(data).ravel()
            try:
                ng.exec_command("destroy all")
                ng.exec_command("remcirc")
            except NgSpiceCommandError:
                pass
        finally:
            log.setLevel(level)
    kept = net_path if (src_path or keep) else None
    if keep and kept is None:
        kept = keep_netlist()
    return SpiceResult(vectors=add_outer_sweep(vectors, text), stdout=output, netlist_path=kept)
