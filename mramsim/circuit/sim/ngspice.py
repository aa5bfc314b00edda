"""Run ngspice on a netlist and return its vectors as numpy arrays.

Two backends give the same :class:`SpiceResult`:

``"subprocess"`` (default)
    ``ngspice -b -r <raw> <netlist>`` in a fresh temporary directory, with
    ``SPICE_ASCIIRAWFILE=1`` in the environment so ngspice 39 writes an ASCII
    raw file, which is parsed here. Independent processes, so any number of
    calls may run at once (threads or processes).
``"shared"``
    The same netlist through PySpice's ``NgSpiceShared`` (ngspice as a shared
    library, in-process). Calls in one process are serialised with a lock
    (the library has process-global state); ``NgSpiceShared.LIBRARY_PATH`` is
    pointed at Debian's ``libngspice.so.0`` when no ``libngspice.so`` exists.

Vector names are lower-case, as ngspice prints them: node voltages
``v(node)``, branch currents ``i(vsrc)``, sweep vectors ``v-sweep``,
``i-sweep``, ``temp-sweep``, ``res-sweep``. A nested ``.dc`` sweep returns the
flat vectors (inner sweep fastest) and, besides the inner sweep vector, the
outer sweep as a flat vector of the same length (``temp-sweep`` for
``TEMP``, otherwise ``<source>-sweep``, e.g. ``v2-sweep``), which the raw file
itself does not contain.

Any failure (non-zero exit, an ``Error``/``fatal`` line, no raw file,
timeout) raises :class:`mramsim.errors.SimulationError` with ngspice's own
output and the path of the netlist, which is then kept on disk.

Reference: H. Vogt, G. Atkinson, P. Nenzi et al., *Ngspice User's Manual*,
version 39 (2023), sections 15.4 (``-b``, ``-r``), 15.6 (raw file format),
17.5 (``SPICE_ASCIIRAWFILE``), and chapter 19 (shared library API).
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...errors import ParameterError, SimulationError, UnknownNameError

__all__ = ["SpiceResult", "run_ngspice", "parse_raw", "spice_number"]

_BACKENDS = ("subprocess", "shared")
_SHARED_LOCK = threading.Lock()

# A line of ngspice output that means the run failed (ngspice often still
# exits 0 after e.g. an analysis was aborted in the shared library).
_ERROR_LINE = re.compile(
    r"^\s*(error\b|fatal\b|.*\bfatal error\b|run simulation\(s\) aborted|doanalyses:|"
    r".*\bcircuit not parsed\b|.*\btoo few nodes\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SpiceResult:
    """Vectors of the last plot ngspice produced.

    Parameters
    ----------
    vectors : dict[str, ndarray]
        Lower-case vector names (``"v(bl3)"``, ``"i(vbl3)"``, ``"v-sweep"``,
        ``"temp-sweep"``) to 1-D float arrays (length 1 for ``.op``) [SI units:
        V, A, degC for ``temp-sweep``].
    stdout : str
        ngspice's console output (stdout and stderr).
    netlist_path : str or None
        Path of the netlist that was run if it still exists on disk (a file
        the caller passed, or ``keep=True``), else None.
    """

    vectors: dict = field(default_factory=dict)
    stdout: str = ""
    netlist_path: str | None = None

    def __getitem__(self, name) -> np.ndarray:
        key = str(name).lower()
        try:
            return self.vectors[key]
        except KeyError:
            raise KeyError(
                f"no vector {name!r} in the ngspice result; available: {', '.join(sorted(self.vectors))}"
            ) from None

    def __contains__(self, name) -> bool:
        return str(name).lower() in self.vectors

    def keys(self):
        return self.vectors.keys()


# -- helpers ------------------------------------------------------------------
_SUFFIX = {"t": 1e12, "g": 1e9, "meg": 1e6, "k": 1e3, "mil": 25.4e-6, "m": 1e-3,
           "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15}
_NUM = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(meg|mil|[tgkmunpf])?[a-z]*$", re.IGNORECASE)


def spice_number(text: str) -> float:
    """Parse a SPICE number with an optional scale suffix (``1k``, ``10m``, ``2meg``).

    Parameters
    ----------
    text : str
        The token [unitless; the suffix scales it].
    """
    m = _NUM.match(str(text).strip())
    if not m:
        raise ParameterError("SPICE number", text, "a number with an optional suffix t g meg k m u n p f")
    value = float(m.group(1))
    if m.group(2):
        value *= _SUFFIX[m.group(2).lower()]
    return value


def _logical_lines(text: str) -> list[str]:
    """Netlist lines with ``+`` continuations joined and comments dropped."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        s = line.lstrip()
        if s.startswith("+") and out:
            out[-1] += " " + s[1:]
        elif s.startswith("*") or not s:
            continue
        else:
            out.append(s)
    return out


def _outer_dc_sweep(text: str):
    """(name, start, step) of the second sweep of the last ``.dc`` card, or None."""
    card = None
    in_control = False
    for line in _logical_lines(text)[1:]:
        low = line.lower()
        if low.startswith(".control"):
            in_control = True
        elif low.startswith(".endc"):
            in_control = False
        elif not in_control and low.split()[0] == ".dc":
            card = low.split()
    if card is None or len(card) < 9:
        return None
    try:
        return card[5], spice_number(card[6]), spice_number(card[8])
    except ParameterError:
        return None


def _normalise(name: str) -> str:
    n = name.strip().lower()
    m = re.fullmatch(r"[vi]\((.+-sweep)\)", n)
    if m:
        return m.group(1)
    return n


def _add_outer_sweep(vectors: dict, netlist_text: str) -> dict:
    """Add the flat outer sweep vector of a nested ``.dc`` (absent from ngspice's output)."""
    outer = _outer_dc_sweep(netlist_text)
    if outer is None:
        return vectors
    inner = [k for k in vectors if k.endswith("-sweep")]
    if not inner:
        return vectors
    sweep = vectors[inner[0]]
    n = sweep.size
    period = n
    if n > 1:
        hits = np.nonzero(sweep[1:] == sweep[0])[0]
        if hits.size:
            period = int(hits[0]) + 1
    if n % period:
        return vectors
    name, start, step = outer
    key = "temp-sweep" if name == "temp" else f"{name}-sweep"
    if key in vectors:
        key = f"{name}-outer-sweep"
    values = start + step * np.arange(n // period, dtype=float)
    vectors = dict(vectors)
    vectors[key] = np.repeat(values, period)
    return vectors


def parse_raw(text: str) -> dict:
    """Parse an ngspice ASCII raw file; return the vectors of the last plot.

    Parameters
    ----------
    text : str
        Content of the raw file (``SPICE_ASCIIRAWFILE=1``).

    Returns
    -------
    dict[str, ndarray]
        Lower-case names (``v(v-sweep)`` normalised to ``v-sweep``) to 1-D
        arrays (float, or complex for ``Flags: complex`` plots).
    """
    plots = re.split(r"^Title:", text, flags=re.MULTILINE)
    plots = [p for p in plots if p.strip()]
    if not plots:
        raise ValueError("empty raw file")
    block = plots[-1]
    header, sep, body = block.partition("\nValues:")
    if not sep:
        raise ValueError("raw file has no 'Values:' section (binary raw file?)")
    nvars = npts = None
    complex_ = False
    names: list[str] = []
    lines = header.splitlines()
    for i, line in enumerate(lines):
        key, _, val = line.partition(":")
        k = key.strip().lower()
        if k == "no. variables":
            nvars = int(val)
        elif k == "no. points":
            npts = int(val)
        elif k == "flags":
            complex_ = "complex" in val.lower()
        elif k == "variables":
            for vline in lines[i + 1:]:
                parts = vline.split()
                if len(parts) >= 2:
                    names.append(parts[1])
            break
    if nvars is None or npts is None or len(names) != nvars:
        raise ValueError("malformed raw file header")
    tokens = body.split()
    stride = nvars + 1
    if len(tokens) < stride * npts:
        npts = len(tokens) // stride  # truncated (aborted run): keep whole points
    tok = np.array(tokens[: stride * npts], dtype=object).reshape(npts, stride)[:, 1:]
    out = {}
    for j, name in enumerate(names):
        col = tok[:, j]
        if complex_:
            pairs = np.array([c.split(",") for c in col], dtype=float).reshape(-1, 2)
            arr = pairs[:, 0] + 1j * pairs[:, 1]
        else:
            arr = col.astype(float)
        out[_normalise(name)] = np.asarray(arr).ravel()
    return out


def _error_lines(output: str) -> list[str]:
    """ngspice's error messages in ``output``; a line ending in ':' gets its continuation."""
    lines = output.splitlines()
    found = []
    for i, ln in enumerate(lines):
        if _ERROR_LINE.match(ln):
            msg = ln.strip()
            if msg.endswith(":"):
                more = [x.strip() for x in lines[i + 1:i + 4] if x.strip()][:2]
                msg = " ".join([msg] + more)
            found.append(msg)
    return found


def _relevant_output(stdout: str, stderr: str) -> str:
    """Console text for the error message: stderr first (where ngspice puts errors)."""
    noise = re.compile(r"^\s*(total (dram|elapsed|analysis)|dram currently|maximum ngspice|current ngspice|"
                       r"shared ngspice|text \(code\)|stack =|library pages)", re.IGNORECASE)
    keep = [ln for ln in (stderr + "\n" + stdout).splitlines() if ln.strip() and not noise.match(ln)]
    return "\n".join(keep)


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


# -- backends -----------------------------------------------------------------
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
        errors = _error_lines(output)
        if proc.returncode != 0 or errors:
            msg = errors[0] if errors else f"ngspice exited with code {proc.returncode}"
            raise SimulationError(f"ngspice failed: {msg}", str(net_path),
                                  _relevant_output(proc.stdout or "", proc.stderr or ""))
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
    return SpiceResult(vectors=_add_outer_sweep(vectors, text), stdout=output, netlist_path=kept)


def _shared_library_path() -> str | None:
    for pattern in ("/usr/lib/*/libngspice.so", "/usr/lib/libngspice.so", "/usr/local/lib/libngspice.so",
                    "/usr/lib/*/libngspice.so.0", "/usr/lib/libngspice.so.0", "/usr/local/lib/libngspice.so.0"):
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


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

    PySpice is imported here, lazily. When ``NGSPICE_LIBRARY_PATH`` is unset and
    PySpice's default ``libngspice.so`` does not exist (Debian ships only
    ``libngspice.so.0``), ``NgSpiceShared.LIBRARY_PATH`` is set to the library
    found. The instance is PySpice's per-process singleton (ngspice id 0), so a
    user's own PySpice simulations share it.
    """
    import logging

    from PySpice.Spice.NgSpice.Shared import NgSpiceShared

    if 0 in NgSpiceShared._instances:
        return NgSpiceShared._instances[0]
    if not os.environ.get("NGSPICE_LIBRARY_PATH"):
        current = NgSpiceShared.LIBRARY_PATH
        if current is None or not (os.path.isabs(current.format("")) and os.path.exists(current.format(""))):
            lib = _shared_library_path()
            if lib is None:
                raise SimulationError("libngspice not found (Debian package 'libngspice0')")
            NgSpiceShared.LIBRARY_PATH = lib
    # PySpice warns "Unsupported Ngspice version 39" (harmless): keep it quiet.
    log = logging.getLogger("PySpice.Spice.NgSpice.Shared")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return _shared_class().new_instance()
    finally:
        log.setLevel(level)


def _run_shared(text, src_path, workdir, timeout, keep):
    import logging

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
        raise SimulationError(msg, keep_netlist(), _relevant_output("", stdout))

    log = logging.getLogger("PySpice.Spice.NgSpice.Shared")
    with _SHARED_LOCK:
        ng = ngspice_shared()
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
            out += ng._stdout + ng._stderr
            errors = _error_lines("\n".join(out))
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
                        out += ng._stdout + ng._stderr
                        fail(f"ngspice timed out after {timeout:g} s", out)
                    time.sleep(0.002)
            else:  # a user's plain NgSpiceShared instance: synchronous run, timeout not enforceable
                rc = lib.ngSpice_Command(b"run")
            out += ng._stdout + ng._stderr
            output = "\n".join(out)
            errors = _error_lines(output)
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
                data = np.asarray(vec._data)
                if np.iscomplexobj(data) and not np.any(data.imag):
                    data = data.real
                vectors[_normalise(n)] = np.array(data).ravel()
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
    return SpiceResult(vectors=_add_outer_sweep(vectors, text), stdout=output, netlist_path=kept)


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
    if backend not in _BACKENDS:
        raise UnknownNameError("backend", backend, _BACKENDS)
    try:
        timeout = float(timeout)
    except (TypeError, ValueError):
        raise ParameterError("timeout", timeout, "> 0 s") from None
    if not timeout > 0:
        raise ParameterError("timeout", timeout, "> 0 s")
    text, src_path = _read_netlist(netlist)
    if backend == "subprocess":
        return _run_subprocess(text, src_path, workdir, timeout, keep)
    return _run_shared(text, src_path, workdir, timeout, keep)
