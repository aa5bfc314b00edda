"""Array1T1MTJ topology: element counts, connectivity checks, validation."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.circuit.elements import AccessNMOS, Wires
from mramsim.circuit.graph import Array1T1MTJ, check_connectivity
from mramsim.errors import NetlistError, ParameterError


def _kinds(g):
    out = {}
    for _u, _v, _k, d in g.edges(keys=True, data=True):
        out[d["kind"]] = out.get(d["kind"], 0) + 1
    return out


def test_element_and_node_counts():
    R, C = 3, 4
    arr = Array1T1MTJ(R, C, wires=Wires(c_bl=1e-16, c_sl=2e-16), ref_cols=("P", "AP"))
    g = arr.graph
    n = C + 2
    assert _kinds(g) == {"vsrc": R + 2 * n, "res": 2 * R * n, "cap": 2 * R * n, "mtj": R * n,
                         "nmos": R * n, "leak": R * n}
    # nodes: ground, R word lines, per column 2 drivers + 3 per cell
    assert g.number_of_nodes() == 1 + R + n * (2 + 3 * R)
    assert arr.n_cols == n and arr.ref_cols == (0, 1)


def test_cell_wiring_follows_the_1t1mtj_order():
    arr = Array1T1MTJ(2, 2)
    g = arr.graph
    d = g.get_edge_data("bl_1_0", "mid_1_0")["xmtj_1_0"]
    assert d["kind"] == "mtj" and d["nodes"] == ("bl_1_0", "mid_1_0")       # BL -> MTJ -> drain
    m = g.get_edge_data("mid_1_0", "sl_1_0")["m_1_0"]
    assert m["nodes"] == ("mid_1_0", "wl_1", "sl_1_0", "0")                 # d, g, s, b
    # drivers at row 0: the first segment joins the driver node to row 0
    assert "rbl_0_0" in g.get_edge_data("bld_0", "bl_0_0")
    assert "rsl_1_1" in g.get_edge_data("sl_0_1", "sl_1_1")


def test_floating_node_is_named():
    g = Array1T1MTJ(1, 1).graph.copy()
    # an island: two resistors in parallel between isl_a and isl_b, only a capacitor to the array
    for key in ("r1", "r2"):
        g.add_edge("isl_a", "isl_b", key=key, kind="res", nodes=("isl_a", "isl_b"), value=1.0)
    g.add_edge("isl_a", "bl_0_0", key="cx", kind="cap", nodes=("isl_a", "bl_0_0"), value=1e-15)
    with pytest.raises(NetlistError, match="'isl_[ab]' is floating: no DC path to ground"):
        check_connectivity(g)


def test_dangling_node_is_named():
    g = Array1T1MTJ(1, 1).graph.copy()
    g.add_edge("bl_0_0", "stub", key="rx", kind="res", nodes=("bl_0_0", "stub"), value=1.0)
    with pytest.raises(NetlistError, match="'stub' is dangling"):
        check_connectivity(g)


def test_element_on_missing_node_is_named():
    g = Array1T1MTJ(1, 1).graph.copy()
    d = g.get_edge_data("mid_0_0", "sl_0_0")["m_0_0"]
    d["nodes"] = ("mid_0_0", "wl_7", "sl_0_0", "0")
    with pytest.raises(NetlistError, match="m_0_0.*'wl_7'"):
        check_connectivity(g)


def test_unknown_kind_is_named():
    g = Array1T1MTJ(1, 1).graph.copy()
    g.add_edge("bl_0_0", "0", key="qx", kind="bjt", nodes=("bl_0_0", "0"))
    with pytest.raises(NetlistError, match="qx"):
        check_connectivity(g)


@pytest.mark.parametrize("kw,field", [
    ({"rows": 0}, "rows"), ({"cols": -2}, "cols"), ({"rows": 1.5}, "rows"), ({"rows": True}, "rows"),
    ({"v_wl": 0.0}, "v_wl"), ({"ref_cols": ("X",)}, "ref_cols"), ({"access": "nmos"}, "access"),
    ({"wires": 1.0}, "wires"), ({"mtj": 5.0}, "mtj"),
])
def test_array_validation_names_field(kw, field):
    args = {"rows": 2, "cols": 2}
    args.update(kw)
    with pytest.raises(ParameterError, match=field):
        Array1T1MTJ(**args)


def test_full_states_shapes_and_errors():
    arr = Array1T1MTJ(3, 2, ref_cols=("AP",))
    f = arr.full_states([1, 0], 2)
    assert f.shape == (3, 3)
    np.testing.assert_array_equal(f[:, :2], [[0, 0], [0, 0], [1, 0]])
    np.testing.assert_array_equal(f[:, 2], [1, 1, 1])
    f2 = arr.full_states(np.ones((3, 2), int), 0)
    assert f2[:, :2].sum() == 6
    with pytest.raises(ParameterError, match="states"):
        arr.full_states([0, 1, 1], 0)
    with pytest.raises(ParameterError, match="states"):
        arr.full_states([0, 2], 0)
    with pytest.raises(ParameterError, match="selected_row"):
        arr.full_states([0, 1], 3)


def test_access_is_used():
    acc = AccessNMOS(W=1e-6)
    assert Array1T1MTJ(1, 1, access=acc).access is acc


def test_array_is_immutable_and_replace_rebuilds_the_circuit():
    import dataclasses

    from mramsim.errors import UnknownNameError

    arr = Array1T1MTJ(2, 2)
    g = arr.graph
    assert arr.graph is g                          # cached per instance
    for field, value in (("wires", Wires(50.0, 50.0)), ("rows", 3), ("mtj", None), ("v_wl", 1.0)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(arr, field, value)
    assert arr.wires == Wires() and arr.rows == 2 and arr.graph is g
    new = arr.replace(wires=Wires(50.0, 50.0))
    assert new.wires == Wires(50.0, 50.0) and arr.wires == Wires()
    assert {d["value"] for *_e, d in new.graph.edges(keys=True, data=True) if d["kind"] == "res"} == {50.0}
    text = new.netlist(0, [0, 1])
    res = [ln.split() for ln in text.split("\n") if ln.startswith(("rbl_", "rsl_"))]
    assert len(res) == 8 and all(float(r[3]) == 50.0 for r in res)
    assert "r_bl = 50 ohm" in text
    old = [ln.split() for ln in arr.netlist(0, [0, 1]).split("\n") if ln.startswith(("rbl_", "rsl_"))]
    assert all(float(r[3]) == 1.0 for r in old)
    with pytest.raises(ParameterError, match="Array1T1MTJ.rows"):
        arr.replace(rows=0)
    with pytest.raises(UnknownNameError, match="wire"):
        arr.replace(wire=Wires())


def test_pickled_array_leaves_the_cached_graph_behind():
    import pickle

    arr = Array1T1MTJ(2, 3, ref_cols=("AP",))
    _ = arr.graph
    back = pickle.loads(pickle.dumps(arr))
    assert "graph" not in vars(back)
    assert (back.rows, back.cols, back.ref_cols, back.wires) == (2, 3, (1,), arr.wires)
    assert sorted(back.graph.edges(keys=True)) == sorted(arr.graph.edges(keys=True))
