"""Array graph -> SPICE netlist text (ngspice dialect).

The netlist holds, in this order: a header, solver options, the MTJ
subcircuit (``cm.to_netlist("ngspice")``: ``.subckt <name> te be`` with
instance parameters ``state``, ``area``, ``rscale``, ``tmrscale``), the access
NMOS ``.model`` (LEVEL=1, parameters already scaled to the simulation
temperature, ``TNOM`` = that temperature; one extra model per selected cell
when it carries a threshold shift), the word-line, bit-line and source-line
sources, the wires, the cells, ``.temp`` and the analysis (``.op`` unless told
otherwise).

Read bias: every BL driver ``vbl<c>`` is a clamped voltage source at
``v_read`` and every SL driver ``vsl<c>`` a 0 V source, so ``i(vbl<c>)`` is
minus the current column ``c`` draws (SPICE's sign convention: current flows
into the + node through the source). Each cell of the selected row has a 0 V
probe ``vcell<c>`` in series with its MTJ (``bl_<s>_<c>`` -> ``pte_<c>``), so
``i(vcell<c>)`` is the selected cell's current, BL -> SL.
"""
from __future__ import annotations

import re
from typing import Mapping

import numpy as np

from .._text import CONTROL_WORDS, check_card, check_line, check_name, sanitize_text
from .._validation import check_range, check_temperature
from ..constants import T0_CELSIUS, T_NOM
from ..errors import NetlistError, ParameterError, UnknownNameError

__all__ = ["same_netlist", "array_netlist", "mtj_subckt", "checkerboard", "write_example_netlists", "check_analysis",
           "DIALECTS", "SOLVER_OPTIONS"]

DIALECTS = ("ngspice",)

#: ``.options`` written into every array netlist: tighter than the SPICE
#: defaults (RELTOL 1e-3) so that the operating point is accurate well below
#: the 0.1 % agreement the cross-check asks for. ``gmin`` is the conductance
#: ngspice puts across each MOSFET bulk junction (the only place a level-1
#: model uses it); 1e-18 S is 1e-9 of the default ``G_OFF``, so a cut-off
#: cell's current agrees with the solver's (which has no junctions) to ~1e-9.
SOLVER_OPTIONS = ".options reltol=1e-6 abstol=1e-15 vntol=1e-9 gmin=1e-18 itl1=500"

# one analysis card: .op | .dc src start stop step [src2 start2 stop2 step2] |
# .tran tstep tstop [tstart [tmax]] [uic] | .ac dec|oct|lin n fstart fstop
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:meg|mil|[tgkmunpf])?"
_SOURCE = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
_ANALYSIS = re.compile(
    rf"\.op|\.dc (?P<s1>{_SOURCE})(?: {_NUMBER}){{3}}(?: (?P<s2>{_SOURCE})(?: {_NUMBER}){{3}})?"
    rf"|\.tran(?: {_NUMBER}){{2,4}}(?: uic)?|\.ac (?:dec|oct|lin)(?: {_NUMBER}){{3}}",
    re.IGNORECASE,
)

_SAMPLE_KEYS = ("r_scale", "tmr_scale", "vth_shift")


def _fmt(x) -> str:
    return f"{float(x):.15g}"


def check_analysis(analysis) -> str:
    """Check one analysis card; return it with surrounding blanks removed.

    Allowed (case-insensitive, single spaces, SPICE numbers with an optional
    scale suffix): ``.op``; ``.dc SRC START STOP STEP [SRC2 START2 STOP2
    STEP2]`` with source names passing :func:`mramsim._text.check_name` (or
    ``temp``); ``.tran TSTEP TSTOP [TSTART [TMAX]] [uic]``; ``.ac dec|oct|lin
    N FSTART FSTOP``. Nothing else, in particular no line break of any kind
    and no ``.control``/``shell``/``.include``.

    Raises
    ------
    NetlistError
        The card is not one of the forms above.
    """
    allowed = (".op | .dc <source> <start> <stop> <step> [<source2> <start> <stop> <step>] | "
               ".tran <tstep> <tstop> [<tstart> [<tmax>]] [uic] | .ac dec|oct|lin <n> <fstart> <fstop>")
    if not isinstance(analysis, str):
        raise NetlistError(f"analysis = {analysis!r} is invalid; allowed: {allowed}")
    card = " ".join(check_line("analysis", analysis).split())
    m = _ANALYSIS.fullmatch(card)
    if m is None:
        raise NetlistError(f"analysis = {analysis!r} is invalid; allowed: {allowed}")
    for key in ("s1", "s2"):
        src = m.groupdict().get(key)
        if src is not None and src.lower() != "temp":
            check_name("analysis source", src)
    return card


def _subckt_name(field: str, text: str) -> str:
    """The checked name of the first ``.subckt`` line of ``text``."""
    m = re.search(r"^\s*\.subckt\s+(\S+)", text, flags=re.IGNORECASE | re.MULTILINE)
    if not m:
        raise NetlistError(f"{field} has no '.subckt <name> te be' line")
    return check_name(f"{field} subcircuit name", m.group(1))


def mtj_subckt(cm, dialect: str = "ngspice") -> tuple[str, str]:
    """(subcircuit text, subcircuit name) of a compact model for ``dialect``.

    Parameters
    ----------
    cm : CompactMTJ
        The compact model; ``cm.to_netlist(dialect)`` renders it.
    dialect : str
        Netlist dialect.
    """
    render = getattr(cm, "to_netlist", None)
    if not callable(render):
        raise NetlistError(f"the MTJ model {type(cm).__name__} has no to_netlist(); pass mtj_subckt_text=")
    text = render(dialect=dialect)
    check_card("the MTJ card", text)
    return text, _subckt_name("the MTJ card", text)


def _samples(arr, samples) -> dict:
    out = {"r_scale": np.ones(arr.cols), "tmr_scale": np.ones(arr.cols), "vth_shift": np.zeros(arr.cols)}
    if samples is None:
        return out
    if not isinstance(samples, Mapping):
        raise ParameterError("samples", type(samples).__name__,
                             "a mapping with keys " + ", ".join(_SAMPLE_KEYS) + " (one Monte Carlo sample)")
    for key, val in samples.items():
        if key not in _SAMPLE_KEYS:
            raise UnknownNameError("samples key", key, _SAMPLE_KEYS)
        try:
            a = np.broadcast_to(np.asarray(val, float), (arr.cols,)).copy()
        except ValueError:
            raise ParameterError(f"samples[{key!r}]", f"shape {np.shape(val)}",
                                 f"a scalar or shape ({arr.cols},)") from None
        if key == "vth_shift":
            check_range(f"samples[{key!r}]", a, -1.0, 1.0, unit="V")
        else:
            check_range(f"samples[{key!r}]", a, 0.0, 100.0, lo_open=True)
        out[key] = a
    return out


def array_netlist(arr, *, selected_row: int = 0, states=None, dialect: str = "ngspice", v_read: float = 0.1,
                  temperature: float | None = None, samples=None, analysis: str = ".op",
                  mtj_subckt_text: str | None = None, title: str | None = None) -> str:
    """Netlist of a read of one row of a 1T-1MTJ array.

    Parameters
    ----------
    arr : Array1T1MTJ
        The array.
    selected_row : int
        Row whose word line is at ``arr.v_wl`` (others at 0 V).
    states : array_like, optional
        (cols,) states of the selected row (others P) or (rows, cols);
        default all P.
    dialect : {'ngspice'}
        Netlist dialect.
    v_read : float
        BL driver voltage [V] (SL drivers at 0 V).
    temperature : float, optional
        Simulation temperature [K] (default T_NOM = 300.15 K).
    samples : mapping, optional
        One Monte Carlo sample of the selected row: ``r_scale``, ``tmr_scale``
        [-] and ``vth_shift`` [V], each a scalar or shape (cols,).
    analysis : str
        One analysis card, e.g. ``".op"`` or ``".dc vbl0 0 0.4 0.01"``
        (checked by :func:`check_analysis`).
    mtj_subckt_text : str, optional
        MTJ subcircuit text to use instead of ``arr.mtj.to_netlist(dialect)``
        (checked by :func:`mramsim._text.check_card`: no line break other than
        ``\\n``, no control character, no ``.control``/``shell``/``.include`` line).
    title : str, optional
        First (title) line; free text, passed through :func:`mramsim._text.sanitize_text`.

    Returns
    -------
    str
        The netlist, ending in ``.end``.
    """
    if dialect not in DIALECTS:
        raise UnknownNameError("dialect", dialect, DIALECTS)
    s_row = arr.check_row(selected_row)
    states = np.zeros(arr.cols, dtype=np.int8) if states is None else states
    full = arr.full_states(states, s_row)
    check_range("v_read", v_read, -5.0, 5.0, unit="V")
    T = T_NOM if temperature is None else float(check_temperature("temperature", temperature))
    if arr.access.vto(T) <= 0:
        raise ParameterError("temperature", T, "a temperature at which AccessNMOS.vto(T) > 0 "
                             "(unselected cells must be off)")
    smp = _samples(arr, samples)
    if mtj_subckt_text is None:
        sub_text, sub_name = mtj_subckt(arr.mtj, dialect)
    else:
        if not isinstance(mtj_subckt_text, str):
            raise NetlistError(f"mtj_subckt_text = {type(mtj_subckt_text).__name__} is invalid; allowed: str")
        check_card("mtj_subckt_text", mtj_subckt_text)
        sub_text, sub_name = mtj_subckt_text, _subckt_name("mtj_subckt_text", mtj_subckt_text)
    analysis = check_analysis(analysis)
    if title is not None:
        title = sanitize_text(title)
        if title and (not title[0].isalnum() or title.split()[0].lower() in CONTROL_WORDS):
            title = "* " + title  # still the title line; never looks like a card or command

    acc = arr.access
    g = arr.graph
    r_leak = 1.0 / float(acc.g_off(T))
    t_c = T - T0_CELSIUS
    states_sel = "".join(str(int(x)) for x in full[s_row, : arr.cols])
    lines = [
        title or f"mramsim 1T-1MTJ array {arr.rows}x{arr.cols} (+{arr.n_ref} ref), read of row {s_row}",
        f"* v_read = {_fmt(v_read)} V, v_wl = {_fmt(arr.v_wl)} V, T = {_fmt(T)} K ({_fmt(t_c)} degC)",
        f"* wires per segment: r_bl = {_fmt(arr.wires.r_bl)} ohm, r_sl = {_fmt(arr.wires.r_sl)} ohm, "
        f"c_bl = {_fmt(arr.wires.c_bl)} F, c_sl = {_fmt(arr.wires.c_sl)} F",
        f"* selected-row states (0 = P, 1 = AP), columns 0..{arr.cols - 1}: {states_sel}",
        f"* reference columns {arr.cols}..{arr.n_cols - 1}: states {list(arr.ref_cols)}",
        "* i(vbl<c>) = -(current drawn by column c); i(vcell<c>) = selected cell current, BL -> SL",
        SOLVER_OPTIONS,
        "",
        sub_text.rstrip(),
        "",
        "* access NMOS: level 1, parameters scaled to T by mramsim.circuit.elements.AccessNMOS",
        acc.model_card(T),
    ]
    shifted = {}
    for c in range(arr.cols):
        if smp["vth_shift"][c] != 0.0:
            shifted[c] = f"{acc.name}_c{c}"
            lines.append(acc.model_card(T, vth_shift=smp["vth_shift"][c], name=shifted[c]))
    groups = {k: [] for k in ("vsrc", "res", "cap", "cell")}
    for _u, _v, name, d in g.edges(keys=True, data=True):
        kind, nodes = d["kind"], d["nodes"]
        if kind == "vsrc":
            role = d["role"]
            if role == "wl":
                val = arr.v_wl if d["row"] == s_row else 0.0
            elif role == "bl":
                val = v_read
            else:
                val = 0.0
            groups["vsrc"].append(f"{name} {nodes[0]} {nodes[1]} DC {_fmt(val)}")
        elif kind == "res":
            groups["res"].append(f"{name} {nodes[0]} {nodes[1]} {_fmt(d['value'])}")
        elif kind == "cap":
            groups["cap"].append(f"{name} {nodes[0]} {nodes[1]} {_fmt(d['value'])}")
        elif kind == "mtj":
            r, c = d["row"], d["col"]
            te, be = nodes
            extra = ""
            if r == s_row:
                probe = f"pte_{c}"
                groups["cell"].append(f"vcell{c} {te} {probe} DC 0")
                te = probe
                if c < arr.cols:
                    extra = f" rscale={_fmt(smp['r_scale'][c])} tmrscale={_fmt(smp['tmr_scale'][c])}"
            groups["cell"].append(f"{name} {te} {be} {sub_name} state={int(full[r, c])}{extra}")
        elif kind == "nmos":
            r, c = d["row"], d["col"]
            model = shifted.get(c, acc.name) if r == s_row else acc.name
            dd, gg, ss, bb = nodes
            groups["cell"].append(f"{name} {dd} {gg} {ss} {bb} {model} W={_fmt(acc.W)} L={_fmt(acc.L)}")
        elif kind == "leak":
            groups["cell"].append(f"{name} {nodes[0]} {nodes[1]} {_fmt(r_leak)}")
        else:  # pragma: no cover - check_connectivity rejects unknown kinds
            raise NetlistError(f"element {name!r}: unknown kind {kind!r}")
    lines += ["", "* drivers"] + groups["vsrc"]
    lines += ["", "* wire segments"] + groups["res"] + groups["cap"]
    lines += ["", "* cells"] + groups["cell"]
    lines += ["", f".temp {_fmt(t_c)}", analysis, ".end", ""]
    return "\n".join(lines)


# -- shipped example netlists and the ngspice cross-check ------------------------------
def checkerboard(rows: int, cols: int) -> np.ndarray:
    """(rows, cols) checkerboard of P (0) and AP (1): the data pattern of the example netlists."""
    r, c = np.indices((rows, cols))
    return ((r + c) % 2).astype(np.int8)


def write_example_netlists(out, arr, *, v_read: float = 0.15, temperature: float = T_NOM,
                           bench_v_max: float = 0.4, bench_step: float = 0.01) -> list:
    """Write the array read netlist and a single-cell read bench into ``out``.

    Files: ``array_<rows>x<cols>.cir`` (``.op`` read of the far row, checkerboard
    states) and ``read_bench_1cell.cir`` (one cell of the same kind, the P
    state, BL driver swept ``.dc vbl0 0 bench_v_max bench_step``).

    Parameters
    ----------
    out : path-like
        Output folder (created).
    arr : Array1T1MTJ
        The array (its MTJ, transistor, wires and word-line voltage are used
        for the bench too).
    v_read : float
        Read voltage of the array netlist [V].
    temperature : float
        Temperature [K].
    bench_v_max, bench_step : float
        Sweep of the bench's BL driver [V].

    Returns
    -------
    list of Path
    """
    from pathlib import Path

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    row = arr.rows - 1
    p1 = arr.write_netlist(out / f"array_{arr.rows}x{arr.cols}.cir", selected_row=row,
                           states=checkerboard(arr.rows, arr.cols), v_read=v_read, temperature=temperature)
    bench = arr.replace(rows=1, cols=1, ref_cols=())
    p2 = bench.write_netlist(out / "read_bench_1cell.cir", selected_row=0, states=[0], v_read=0.0,
                             temperature=temperature,
                             analysis=f".dc vbl0 0 {_fmt(bench_v_max)} {_fmt(bench_step)}",
                             title="mramsim single-cell read bench (1T-1MTJ, P state), BL driver swept")
    return [p1, p2]


def same_netlist(a: str, b: str, rtol: float = 1e-4) -> bool:
    """Whether two netlist texts describe the same circuit: equal with every number masked, and
    every number equal within ``rtol`` relative (or 1e-30 absolute).

    Netlists carry fitted compact-model parameters, which reproduce across machines and BLAS
    builds to about 1e-5 relative (tests/compact/test_identifiability.py), not to the last digit;
    ``rtol`` = 1e-4 leaves a factor of ten above that.
    """
    from ..compact.export.reader import mask_numbers

    if mask_numbers(a) != mask_numbers(b):
        return False
    num = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
    xa = np.array([float(m) for m in num.findall(a)])
    xb = np.array([float(m) for m in num.findall(b)])
    return xa.shape == xb.shape and bool(np.all(np.abs(xa - xb) <= rtol * np.maximum(np.abs(xa), np.abs(xb)) + 1e-30))
