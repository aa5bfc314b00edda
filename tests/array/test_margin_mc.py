"""The Monte Carlo block of read_margin: compiled normals and margin sums, planar evaluation, sub-blocks."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.array.margin import montecarlo, read_margin
from mramsim.array.margin.evaluate import (ReadContext, evaluate_reads, fixed_reference, plane_layout,
                                           read_signals)
from mramsim.array.read import ReadScheme, split_u
from mramsim.array.solver import default_solver, newton, read_currents
from mramsim.array.variation import Variation, cell_scales
from mramsim.circuit.graph import Array1T1MTJ

VAR = Variation(ra_sigma=0.03, ra_die_sigma=0.015, tmr_sigma=0.03, vth_sigma=0.015, cd_sigma=0.75e-9)


def _kern():
    pytest.importorskip("numba")
    k = newton.compiled_kernels()
    assert k, "numba installed but the kernels module did not import"
    return k


@pytest.mark.parametrize("shape", [(7, 5, 1), (33, 16, 6), (4, 48, 14)])
def test_compiled_normals_are_numpys_stream(shape):
    """normals_planar draws numpy's standard_normal numbers in numpy's order and leaves the generator as numpy does."""
    k = _kern()
    n, nc, d = shape
    pos = np.random.default_rng(0).permutation(d).astype(np.int64)
    a, b = np.random.default_rng(123), np.random.default_rng(123)
    planes = np.full((d, n + 3, nc), np.nan)
    k.normals_planar(a, planes, pos, 1, n + 1)          # samples 1 .. n of the planes
    u = b.standard_normal(shape)
    for j in range(d):
        np.testing.assert_array_equal(planes[pos[j], 1:n + 1], u[..., j])
    assert np.isnan(planes[:, 0]).all() and np.isnan(planes[:, n + 1:]).all()
    assert a.standard_normal() == b.standard_normal()   # same state afterwards
    # the numpy path of the Monte Carlo block draws the same planes
    c = np.random.default_rng(123)
    planes_np = np.full((d, n + 3, nc), np.nan)
    montecarlo._draw_planes(c, planes_np, pos, 1, n + 1, rows=3)
    np.testing.assert_array_equal(planes_np, planes)


@pytest.mark.parametrize("q", [1, -1])
@pytest.mark.parametrize("fixed", [True, False])
@pytest.mark.parametrize("with_sa", [True, False])
def test_margin_stats_equal_numpy(q, fixed, with_sa):
    """The fused margin pass gives numpy's margins (same operations), failures and per-column sums."""
    k = _kern()
    rng = np.random.default_rng(4)
    ns, nc = 40, 24
    s_p, s_ap = 1e-5 + 1e-6 * rng.standard_normal((2, ns, nc))
    s_ref = 1e-5 if fixed else 1e-5 + 1e-6 * rng.standard_normal((ns, nc))
    sa = rng.standard_normal((ns, nc))
    c = 2e-7
    m_p, m_ap = np.empty((ns, nc)), np.empty((ns, nc))
    acc = np.zeros((4, nc))
    half = ns // 2   # two sub-blocks accumulate into the same sums
    fails = np.zeros(2, int)
    for sl in (slice(0, half), slice(half, ns)):
        sr = np.full((1, 1), s_ref) if fixed else s_ref[sl]
        fails += k.margin_stats(s_p[sl], s_ap[sl], sr, fixed, sa[sl] if with_sa else np.zeros((1, 1)), with_sa, c, q,
                                m_p[sl], m_ap[sl], acc)
    ref_p, ref_ap = (s_p - s_ref, s_ref - s_ap) if q == 1 else (s_ref - s_p, s_ap - s_ref)
    if with_sa:
        ref_p = ref_p + c * sa
        ref_ap = ref_ap - c * sa
    np.testing.assert_array_equal(m_p, ref_p)
    np.testing.assert_array_equal(m_ap, ref_ap)
    assert list(fails) == [np.count_nonzero(ref_p < 0), np.count_nonzero(ref_ap < 0)]
    assert 0 < fails[0] < ns * nc
    for i, m in enumerate((ref_p, ref_ap)):
        np.testing.assert_allclose(acc[2 * i], m.sum(axis=0), rtol=1e-13, atol=0)
        np.testing.assert_allclose(acc[2 * i + 1], (m * m).sum(axis=0), rtol=1e-13, atol=0)


@pytest.mark.parametrize("read", [ReadScheme(v_read=0.15, sa_offset_sigma=5e-3),
                                  ReadScheme(v_read=0.15, reference="averaged", n_ref_pairs=3, sensing="voltage",
                                             sa_offset_sigma=5e-3),
                                  ReadScheme(v_read=0.15, reference="fixed")])
def test_evaluate_reads_equals_cell_by_cell_solves(read):
    """Stacked planar evaluation = each cell's scales and read_currents solve (checked entry), then the margins."""
    arr = Array1T1MTJ(12, 20)
    ctx = ReadContext(arr=arr, var=VAR, read=read, selected_row=11, solver=default_solver())
    ctx = ctx.replace(s_ref_fixed=fixed_reference(ctx))
    u = np.random.default_rng(9).standard_normal((13, arr.cols, len(ctx.names)))
    out = evaluate_reads(ctx, u, return_signals=True)
    cells, die, sa = split_u(u, VAR, read)
    key = "i_cell" if read.sensing == "current" else "v_mtj"

    def signal(name, state):
        r, t, v = (np.broadcast_to(x, u.shape[:2]) for x in cell_scales(cells[name], die, VAR, arr.mtj))
        sol = read_currents(arr, selected_row=11, states=np.full(arr.cols, state), v_read=read.v_read,
                            r_scale=r, tmr_scale=t, vth_shift=v)
        return np.asarray(getattr(sol, key))

    s_p, s_ap = signal("cell", 0), signal("cell", 1)
    np.testing.assert_allclose(out["s_p"], s_p, rtol=1e-12, atol=0)
    np.testing.assert_allclose(out["s_ap"], s_ap, rtol=1e-12, atol=0)
    n = read.n_ref_cells
    if n:
        s_ref = 0.5 * (np.mean([signal(f"refP{i}", 0) for i in range(n)], axis=0)
                       + np.mean([signal(f"refAP{i}", 1) for i in range(n)], axis=0))
    else:
        s_ref = np.full(s_p.shape, ctx.s_ref_fixed)
    np.testing.assert_allclose(out["s_ref"], s_ref, rtol=1e-12, atol=0)
    q = read.polarity
    delta = 0.0 if sa is None else read.sa_offset_sigma * read.offset_scale() * sa
    scale = np.max(np.abs(s_p))
    np.testing.assert_allclose(out["m_p"], q * (s_p - s_ref) + delta, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(out["m_ap"], -q * (s_ap - s_ref) - delta, rtol=0, atol=1e-12 * scale)
    r, t, v = cell_scales(cells["cell"], die, VAR, arr.mtj)
    np.testing.assert_array_equal(out["r_scale"], r)
    np.testing.assert_array_equal(out["vth_shift"], v)


def test_plane_layout_stacks_the_cells_of_each_state():
    """Every u column has its own plane; each local variable's planes run refP.., cell, refAP.. in order."""
    read = ReadScheme(v_read=0.15, reference="averaged", n_ref_pairs=2, sa_offset_sigma=1e-3)
    lay = plane_layout(VAR, read)
    assert sorted(lay.pos) == list(range(lay.n_planes)) == list(range(len(lay.names)))
    where = dict(zip(lay.names, lay.pos))
    groups = ["refP0", "refP1", "cell", "refAP0", "refAP1"]
    for v, sl in lay.local.items():
        assert [where[f"{g}.{v}"] for g in groups] == list(range(sl.start, sl.stop))
    assert lay.state_rows(0) == slice(0, 3) and lay.state_rows(1) == slice(2, 5) and lay.cell == 2
    assert where["sa.offset"] == lay.sa and where["die.ra_die"] == lay.die["ra_die"]


def test_read_signals_planes_match_u():
    """read_signals on planes filled from u gives evaluate_reads' signals of that u (bit for bit)."""
    arr = Array1T1MTJ(8, 16)
    read = ReadScheme(v_read=0.15, sa_offset_sigma=5e-3)
    ctx = ReadContext(arr=arr, var=VAR, read=read, selected_row=7, solver=read_currents)
    lay = plane_layout(VAR, read)
    u = np.random.default_rng(2).standard_normal((64, arr.cols, len(ctx.names)))
    planes = np.empty((lay.n_planes, 64, arr.cols))
    planes[lay.pos] = np.moveaxis(u, -1, 0)
    sig = read_signals(ctx, planes, lay)
    out = evaluate_reads(ctx, u, return_signals=True)
    for k in ("s_p", "s_ap", "s_ref"):
        np.testing.assert_array_equal(sig[k], out[k])
    np.testing.assert_array_equal(sig["sa"], u[..., ctx.names.index("sa.offset")])


@pytest.fixture(scope="module")
def arr():
    return Array1T1MTJ(16, 256)


def _mc(arr, read, **kw):
    return read_margin(arr, VAR, read, n_samples=700, seed=5, method="mc", selected_row=15, block_size=256,
                       n_keep=300, **kw)


@pytest.mark.parametrize("read", [ReadScheme(v_read=0.15, sa_offset_sigma=2e-2),
                                  ReadScheme(v_read=0.15, reference="fixed", sensing="voltage", sa_offset_sigma=1e-2)])
def test_sub_block_size_does_not_change_the_result(arr, read, monkeypatch):
    """Monte Carlo blocks drawn and evaluated in sub-blocks of one solver chunk give the same numbers."""
    ctx = ReadContext(arr=arr, var=VAR, read=read, selected_row=15, solver=read_currents)
    a = _mc(arr, read)
    assert montecarlo._sub_rows(ctx) == 256                   # the default: the whole block at once
    monkeypatch.setattr(montecarlo, "SUB_BLOCK_CELLS", 1)     # one solver chunk (64 samples x 256 cols) at once
    assert montecarlo._sub_rows(ctx) == 64
    b = _mc(arr, read)
    assert a.mc["p"]["fails"] > 0 and a.mc["ap"]["fails"] > 0
    assert a.mc == b.mc
    for k in ("s_p", "s_ap", "s_ref", "m_p", "m_ap"):
        np.testing.assert_array_equal(a.samples[k], b.samples[k])


def test_compiled_and_numpy_monte_carlo_agree(arr, monkeypatch):
    """The compiled path (normals, Newton, margin pass) and the numpy path give the same Monte Carlo."""
    _kern()
    read = ReadScheme(v_read=0.15, sa_offset_sigma=2e-2)
    a = _mc(arr, read)
    monkeypatch.setattr(newton, "_NUMBA", False)
    b = _mc(arr, read)
    scale = float(np.max(np.abs(a.samples["s_p"])))
    for st in ("p", "ap"):
        x, y = a.mc[st], b.mc[st]
        assert x["fails"] == y["fails"] > 0
        assert x["mean"] == pytest.approx(y["mean"], rel=1e-10)
        assert x["std"] == pytest.approx(y["std"], rel=1e-10)
        assert [(w["sample"], w["col"]) for w in x["worst"]] == [(w["sample"], w["col"]) for w in y["worst"]]
        np.testing.assert_allclose([w["margin"] for w in x["worst"]], [w["margin"] for w in y["worst"]],
                                   rtol=0, atol=1e-12 * scale)
        assert [w["r_scale"] for w in x["worst"]] == [w["r_scale"] for w in y["worst"]]
    for k in ("s_p", "s_ap", "s_ref"):
        np.testing.assert_allclose(a.samples[k], b.samples[k], rtol=1e-12, atol=0)
