"""Reading ngspice's output: ASCII raw files, SPICE numbers, console error lines.

Both ngspice backends (:mod:`mramsim.circuit.sim.ngspice`, ``ngspice -b``, and
:mod:`mramsim.circuit.sim.pyspice`, the shared library) return a
:class:`SpiceResult` and judge ngspice's console text with
:func:`error_lines`; the batch backend parses the raw file with
:func:`parse_raw`.

Vector names are lower-case, as ngspice prints them: node voltages
``v(node)``, branch currents ``i(vsrc)``, sweep vectors ``v-sweep``,
``i-sweep``, ``temp-sweep``, ``res-sweep``. A nested ``.dc`` sweep returns the
flat vectors (inner sweep fastest) and, besides the inner sweep vector, the
outer sweep as a flat vector of the same length (``temp-sweep`` for
``TEMP``, otherwise ``<source>-sweep``, e.g. ``v2-sweep``), which the raw file
itself does not contain (:func:`add_outer_sweep`).

Reference: H. Vogt, G. Atkinson, P. Nenzi et al., *Ngspice User's Manual*,
version 39 (2023), sections 15.6 (raw file format) and 2.1.3 (scale factors).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ...errors import ParameterError

__all__ = ["SpiceResult", "spice_number", "parse_raw", "normalise_vector_name", "add_outer_sweep",
           "error_lines", "relevant_output"]

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


def normalise_vector_name(name: str) -> str:
    """Lower-case vector name; ``v(v-sweep)`` / ``i(i-sweep)`` become ``v-sweep`` / ``i-sweep``."""
    n = name.strip().lower()
    m = re.fullmatch(r"[vi]\((.+-sweep)\)", n)
    if m:
        return m.group(1)
    return n


def add_outer_sweep(vectors: dict, netlist_text: str) -> dict:
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
        out[normalise_vector_name(name)] = np.asarray(arr).ravel()
    return out


def error_lines(output: str) -> list[str]:
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


def relevant_output(stdout: str, stderr: str) -> str:
    """Console text for the error message: stderr first (where ngspice puts errors)."""
    noise = re.compile(r"^\s*(total (dram|elapsed|analysis)|dram currently|maximum ngspice|current ngspice|"
                       r"shared ngspice|text \(code\)|stack =|library pages)", re.IGNORECASE)
    keep = [ln for ln in (stderr + "\n" + stdout).splitlines() if ln.strip() and not noise.match(ln)]
    return "\n".join(keep)
