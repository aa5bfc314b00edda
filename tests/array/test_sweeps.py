"""Sweeps, shmoo and the read-margin study (mramsim.array.sweeps)."""
import json

import numpy as np
import pytest

import mramsim as ms
from mramsim.array.disturb import DisturbModel
from mramsim.array.read import ReadScheme
from mramsim.array.sweeps import margin_study, shmoo, sweep_read_margin
from mramsim.array.variation import AnnealMap, Variation
from mramsim.errors import ParameterError, UnknownNameError

VAR = Variation(ra_sigma=0.05, tmr_sigma=0.05, vth_sigma=0.03)
READ = ReadScheme(v_read=0.15, sa_offset_sigma=5e-3)


@pytest.fixture(scope="module")
def arr():
    return ms.Array1T1MTJ(rows=16, cols=8)


def _is_kw():
    return dict(method="is", selected_row=15, is_rel_ci=0.1)


def test_ber_falls_with_read_voltage_and_tmr(arr):
    sw = sweep_read_margin(arr, VAR, READ, "v_read", [0.08, 0.12, 0.16], seed=1, **_is_kw())
    assert all(nxt < prev for nxt, prev in zip(sw.ber_hi[1:], sw.ber_lo[:-1]))
    st = sweep_read_margin(arr, VAR, READ, "tmr", [1.0, 1.5, 2.0], seed=1, **_is_kw())
    assert all(b < a for a, b in zip(st.ber_lo[:-1], st.ber_hi[1:]))
    assert st.param == "tmr" and len(st.results) == 3


def test_ber_rises_as_the_anneal_moves_off_the_optimum(arr):
    """Die TMR/R_P from the annealing physics (MTJDevice): TMR peaks at an optimum
    anneal; under- and over-annealed wafers read worse."""
    stack = ms.Stack.preset("cofeb_mgo")
    probe = AnnealMap(t_center=573.15, t_edge=773.15, stack=stack, t_reference=673.15, grid_points=41)
    temps, _, tmr_scale = probe.grid
    t_opt = float(temps[np.argmax(tmr_scale)])
    var = Variation(ra_sigma=0.05, tmr_sigma=0.05, vth_sigma=0.03, anneal=probe)
    vals = [t_opt - 80.0, t_opt - 40.0, t_opt, t_opt + 40.0, t_opt + 80.0]
    sw = sweep_read_margin(arr, var, READ, "anneal_temperature", vals, seed=2, **_is_kw())
    b = np.asarray(sw.ber)
    i = 2
    assert b[i] == b.min()
    assert b[i - 1] > b[i] and b[i - 2] > b[i - 1]  # under-annealed side
    assert b[i + 1] > b[i] and b[i + 2] > b[i + 1]  # over-annealed side


def test_shmoo_has_a_window_between_misread_and_disturb(arr):
    model = DisturbModel(delta=60.0, ic0=45e-6, t_read=10e-9)
    v = [0.06, 0.1, 0.15, 0.25, 0.4]
    sh = shmoo(arr, VAR, READ, v, model, target=1e-7, seed=3, **_is_kw())
    assert sh.ber_read[0] > sh.target > sh.p_disturb[0]  # misread limits low V_read
    assert np.all(np.diff(sh.p_disturb) > 0)  # disturb grows with the read current
    assert sh.p_disturb[-1] > sh.target and sh.p_disturb[-1] > sh.ber_read[-1]  # disturb limits high V_read
    assert sh.window is not None and v[0] < sh.window[0] <= sh.window[1] < v[-1]


def test_margin_study_writes_json_and_figures(arr, tmp_path):
    pytest.importorskip("matplotlib")
    out = margin_study(arr, VAR, READ, out_dir=tmp_path / "m", n_samples=200, seed=4, v_read=[0.1, 0.15],
                       temperature=[300.15, 398.15], disturb=DisturbModel(ic0=45e-6), selected_row=15,
                       method="mc")
    files = out["files"]
    for key in ("read_margin", "summary", "sweep_v_read", "sweep_temperature", "shmoo", "read_margin_png",
                "shmoo_png", "ir_drop_png", "v_read_png"):
        assert (tmp_path / "m" / files[key].split("/")[-1]).exists(), key
    summary = json.loads((tmp_path / "m" / "summary.json").read_text())
    assert summary["seed"] == 4 and 0 <= summary["ber"] <= 1 and 0 <= summary["yield"] <= 1
    sweep = json.loads((tmp_path / "m" / "sweep_temperature.json").read_text())
    assert sweep["values"] == [300.15, 398.15]


def test_bad_sweep_arguments(arr):
    with pytest.raises(UnknownNameError):
        sweep_read_margin(arr, VAR, READ, "voltage", [0.1])
    with pytest.raises(ParameterError, match="values"):
        sweep_read_margin(arr, VAR, READ, "v_read", [])
    with pytest.raises(ParameterError, match="anneal"):
        sweep_read_margin(arr, VAR, READ, "anneal_temperature", [673.15])
