"""1T-1MTJ array topology as a networkx graph.

Cell (row ``r``, column ``c``)::

    bl_r_c --[MTJ te->be]-- mid_r_c --[NMOS d->s, gate wl_r]-- sl_r_c
                                   \\--[leakage 1/G_OFF]------/

Each column has a bit line (BL) and a source line (SL) made of one wire
segment per cell pitch; both are driven from the row-0 end (the driver nodes
``bld_c`` and ``sld_c``, voltage sources ``vbl<c>`` and ``vsl<c>``), so row 0
is the nearest cell and row ``rows-1`` the farthest. A segment connects the
driver to row 0, then row ``r-1`` to row ``r``. Each word line ``wl_r`` is a
node driven by ``vwl<r>`` (gates draw no DC current, so WL wire resistance
does not enter a DC read). Reference columns (``ref_cols``) are extra columns
``cols .. cols+len(ref_cols)-1`` whose cells all hold a fixed state.

Graph: a :class:`networkx.MultiGraph` whose nodes are circuit nodes
(``"0"`` is ground) and whose edges are elements, keyed by element name, with
attributes ``kind`` (``"vsrc"``, ``"res"``, ``"cap"``, ``"mtj"``, ``"nmos"``,
``"leak"``), ``nodes`` (terminals in order: ``(n+, n-)``; MTJ ``(te, be)``;
NMOS ``(d, g, s, b)``), ``row``/``col`` where they apply, ``role`` for
sources (``"bl"``, ``"sl"``, ``"wl"``) and ``value`` for wires [ohm, F].
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from .._validation import check_range, parse_state
from .elements import AccessNMOS, Wires
from .netlist import array_netlist
from ..errors import NetlistError, ParameterError, UnknownNameError

__all__ = ["Array1T1MTJ", "check_connectivity", "default_mtj"]

_KINDS = ("vsrc", "res", "cap", "mtj", "nmos", "leak")


def default_mtj():
    """Nominal stand-in MTJ: RA = 10 ohm um^2 on the default 60 nm disc, TMR0 = 150%.

    Returns
    -------
    CompactMTJ
        ``r_p0 = RA / area`` [ohm] with RA = 10 ohm um^2 (CoFeB/MgO range of
        DESIGN.md, 5-15 ohm um^2), TMR0 = 1.5, V_h = 0.5 V.
    """
    from ..compact.model import CompactMTJ
    from ..constants import UM2

    area = CompactMTJ.__dataclass_fields__["area"].default
    return CompactMTJ(r_p0=10.0 * UM2 / area, tmr0=1.5, vh_pos=0.5, vh_neg=0.5)


def check_connectivity(graph) -> None:
    """Check every element sits on existing nodes and no node floats.

    Parameters
    ----------
    graph : networkx.MultiGraph
        Array graph (see the module docstring).

    Raises
    ------
    NetlistError
        Naming the element with a missing node, a node touched by only one
        element terminal (dangling), or a node without a DC path to ground
        ``"0"`` (floating).
    """
    import networkx as nx

    if "0" not in graph:
        raise NetlistError("the graph has no ground node '0'")
    touches = {n: 0 for n in graph.nodes}
    dc = nx.Graph()
    dc.add_nodes_from(graph.nodes)
    for u, v, name, d in graph.edges(keys=True, data=True):
        kind = d.get("kind")
        if kind not in _KINDS:
            raise NetlistError(f"element {name!r} has unknown kind {kind!r}; known: {', '.join(_KINDS)}")
        terms = d.get("nodes")
        if not terms or {u, v} - set(terms):
            raise NetlistError(f"element {name!r} is on nodes {u!r}, {v!r} but lists terminals {terms!r}")
        for t in terms:
            if t not in graph:
                raise NetlistError(f"element {name!r} is connected to node {t!r}, which is not in the circuit")
            touches[t] += 1
        if kind != "cap":
            dc.add_edge(u, v)
    for n, k in touches.items():
        if n != "0" and k < 2:
            raise NetlistError(f"node {n!r} is dangling: only {k} element terminal(s) connect to it")
    reach = nx.node_connected_component(dc, "0")
    for n in graph.nodes:
        if n not in reach:
            raise NetlistError(f"node {n!r} is floating: no DC path to ground")


@dataclass(frozen=True, eq=False, repr=False)
class Array1T1MTJ:
    """An R x C 1T-1MTJ array (plus optional reference columns); immutable.

    Parameters
    ----------
    rows, cols : int
        Number of word lines and of data bit lines (>= 1).
    mtj : CompactMTJ, optional
        MTJ compact model of every cell (default :func:`default_mtj`).
    access : AccessNMOS
        Access transistor of every cell.
    wires : Wires
        BL/SL segment resistance and capacitance per cell pitch.
    v_wl : float
        Word-line voltage of the selected row [V] (unselected rows: 0 V).
    ref_cols : sequence of {'P', 'AP', 0, 1}
        One reference column per entry, every cell of it in that state.

    Notes
    -----
    The array is frozen: assigning an attribute raises
    :class:`dataclasses.FrozenInstanceError`; :meth:`replace` returns a changed
    copy. So the networkx graph (:attr:`graph`, built on first use and cached
    per instance) always describes the same circuit as the fields that the
    netlist writer and the fast solver
    (:func:`mramsim.array.solver.read_currents`, which uses the regular
    structure directly) read.
    """

    rows: int
    cols: int
    mtj: object = None
    access: AccessNMOS | None = None
    wires: Wires | None = None
    v_wl: float = 1.2
    ref_cols: tuple = ()

    def __post_init__(self):
        rows, cols = self.rows, self.cols
        for fname, val in (("Array1T1MTJ.rows", rows), ("Array1T1MTJ.cols", cols)):
            if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 1:
                raise ParameterError(fname, val, "an integer >= 1")
            if val > 1_000_000:
                raise ParameterError(fname, val, "an integer in [1, 1000000]")
        mtj = default_mtj() if self.mtj is None else self.mtj
        for meth in ("current", "resistance"):
            if not callable(getattr(mtj, meth, None)):
                raise ParameterError("Array1T1MTJ.mtj", type(mtj).__name__,
                                     "a CompactMTJ (with .current and .resistance)")
        access = AccessNMOS() if self.access is None else self.access
        if not isinstance(access, AccessNMOS):
            raise ParameterError("Array1T1MTJ.access", type(access).__name__, "an AccessNMOS")
        wires = Wires() if self.wires is None else self.wires
        if not isinstance(wires, Wires):
            raise ParameterError("Array1T1MTJ.wires", type(wires).__name__, "a Wires")
        check_range("Array1T1MTJ.v_wl", self.v_wl, 0.0, 10.0, lo_open=True, unit="V")
        ref_cols = self.ref_cols
        if isinstance(ref_cols, (str, int)):
            ref_cols = (ref_cols,)
        ref_cols = tuple(int(parse_state(s, "Array1T1MTJ.ref_cols")) for s in ref_cols)
        # normalised values into the frozen fields (the documented way for a frozen dataclass)
        for fname, val in (("rows", int(rows)), ("cols", int(cols)), ("mtj", mtj), ("access", access),
                           ("wires", wires), ("v_wl", float(self.v_wl)), ("ref_cols", ref_cols)):
            object.__setattr__(self, fname, val)

    def replace(self, **changes) -> "Array1T1MTJ":
        """A copy with fields changed (checked like the constructor; the graph is rebuilt on use).

        Example: ``arr.replace(wires=Wires(50.0, 50.0))``.
        """
        names = [f.name for f in fields(self)]
        for key in changes:
            if key not in names:
                raise UnknownNameError("Array1T1MTJ field", key, names)
        return dataclasses.replace(self, **changes)

    def __getstate__(self):
        # the cached graph is rebuilt on use: do not ship it to worker processes or hash it
        state = dict(self.__dict__)
        state.pop("graph", None)
        return state

    def __repr__(self):
        return (f"Array1T1MTJ(rows={self.rows}, cols={self.cols}, ref_cols={self.ref_cols}, "
                f"v_wl={self.v_wl}, access={self.access}, wires={self.wires})")

    # -- sizes and names -------------------------------------------------
    @property
    def n_ref(self) -> int:
        """Number of reference columns."""
        return len(self.ref_cols)

    @property
    def n_cols(self) -> int:
        """Columns including reference columns."""
        return self.cols + self.n_ref

    @staticmethod
    def node_bl(r: int, c: int) -> str:
        """BL node at row r, column c."""
        return f"bl_{r}_{c}"

    @staticmethod
    def node_sl(r: int, c: int) -> str:
        """SL node at row r, column c."""
        return f"sl_{r}_{c}"

    @staticmethod
    def node_mid(r: int, c: int) -> str:
        """MTJ bottom electrode / transistor drain node."""
        return f"mid_{r}_{c}"

    # -- states --------------------------------------------------------------
    def full_states(self, states, selected_row: int) -> np.ndarray:
        """(rows, n_cols) int8 array of states, reference columns filled in.

        Parameters
        ----------
        states : array_like
            (cols,) states of the selected row (other rows P) or (rows, cols).
        selected_row : int
            Selected row index.
        """
        self.check_row(selected_row)
        s = parse_state(states, "states") if not np.isscalar(states) else None
        if s is None:
            raise ParameterError("states", states, f"an array of 0/1 of shape ({self.cols},) or "
                                 f"({self.rows}, {self.cols})")
        s = np.asarray(s)
        full = np.zeros((self.rows, self.n_cols), dtype=np.int8)
        if s.shape == (self.cols,):
            full[selected_row, : self.cols] = s
        elif s.shape == (self.rows, self.cols):
            full[:, : self.cols] = s
        else:
            raise ParameterError("states", f"array of shape {s.shape}",
                                 f"shape ({self.cols},) or ({self.rows}, {self.cols})")
        for k, st in enumerate(self.ref_cols):
            full[:, self.cols + k] = st
        return full

    def check_row(self, selected_row) -> int:
        """Validate a row index; return it as int."""
        if isinstance(selected_row, bool) or not isinstance(selected_row, (int, np.integer)) \
                or not 0 <= selected_row < self.rows:
            raise ParameterError("selected_row", selected_row, f"an integer in [0, {self.rows - 1}]")
        return int(selected_row)

    # -- graph -------------------------------------------------------------
    @cached_property
    def graph(self):
        """The array as a :class:`networkx.MultiGraph` (checked for connectivity)."""
        import networkx as nx

        g = nx.MultiGraph()
        g.add_node("0")
        w = self.wires

        def add(name, kind, nodes, **attrs):
            a, b = (nodes[0], nodes[2]) if kind == "nmos" else nodes
            g.add_edge(a, b, key=name, kind=kind, nodes=tuple(nodes), **attrs)

        for r in range(self.rows):
            add(f"vwl{r}", "vsrc", (f"wl_{r}", "0"), role="wl", row=r)
        for c in range(self.n_cols):
            add(f"vbl{c}", "vsrc", (f"bld_{c}", "0"), role="bl", col=c)
            add(f"vsl{c}", "vsrc", (f"sld_{c}", "0"), role="sl", col=c)
            for r in range(self.rows):
                bl, sl, mid = self.node_bl(r, c), self.node_sl(r, c), self.node_mid(r, c)
                bl_prev = f"bld_{c}" if r == 0 else self.node_bl(r - 1, c)
                sl_prev = f"sld_{c}" if r == 0 else self.node_sl(r - 1, c)
                add(f"rbl_{r}_{c}", "res", (bl_prev, bl), value=w.r_bl, row=r, col=c, line="bl")
                add(f"rsl_{r}_{c}", "res", (sl_prev, sl), value=w.r_sl, row=r, col=c, line="sl")
                if w.c_bl > 0:
                    add(f"cbl_{r}_{c}", "cap", (bl, "0"), value=w.c_bl, row=r, col=c)
                if w.c_sl > 0:
                    add(f"csl_{r}_{c}", "cap", (sl, "0"), value=w.c_sl, row=r, col=c)
                add(f"xmtj_{r}_{c}", "mtj", (bl, mid), row=r, col=c)
                add(f"m_{r}_{c}", "nmos", (mid, f"wl_{r}", sl, "0"), row=r, col=c)
                add(f"rlk_{r}_{c}", "leak", (mid, sl), row=r, col=c)
        check_connectivity(g)
        return g

    def check(self) -> None:
        """Run :func:`check_connectivity` on the graph (raises NetlistError)."""
        check_connectivity(self.graph)

    # -- netlists ----------------------------------------------------------
    def netlist(self, selected_row: int = 0, states=None, dialect: str = "ngspice", *, v_read: float = 0.1,
                temperature: float | None = None, samples=None, **kwargs) -> str:
        """Netlist text of a read of ``selected_row``; see :func:`mramsim.circuit.netlist.array_netlist`."""
        return array_netlist(self, selected_row=selected_row, states=states, dialect=dialect, v_read=v_read,
                             temperature=temperature, samples=samples, **kwargs)

    def write_netlist(self, path, selected_row: int = 0, states=None, dialect: str = "ngspice", **kwargs):
        """Write :meth:`netlist` to ``path``; return the path."""
        from pathlib import Path

        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.netlist(selected_row, states, dialect, **kwargs))
        return p
