"""AccessNMOS (level-1) and Wires: equations, regions, temperature model, ngspice identity."""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.circuit.elements import AccessNMOS, Wires, level1_ids, level1_ids_derivs
from mramsim.constants import T0_CELSIUS
from mramsim.errors import ParameterError


def test_regions_match_hand_formulas():
    beta, vto, lam = 2e-3, 0.4, 0.05
    # cut-off
    assert level1_ids(0.3, 0.2, vto, beta, lam) == 0.0
    # linear: vgst = 0.8, vds = 0.1
    lin = beta * 0.1 * (0.8 - 0.05) * (1 + lam * 0.1)
    assert level1_ids(1.2, 0.1, vto, beta, lam) == pytest.approx(lin, rel=1e-14)
    # saturation: vgst = 0.3 < vds = 0.5
    sat = 0.5 * beta * 0.3**2 * (1 + lam * 0.5)
    assert level1_ids(0.7, 0.5, vto, beta, lam) == pytest.approx(sat, rel=1e-14)


def test_continuous_at_saturation_edge_and_symmetric_in_reverse():
    beta, vto, lam = 1e-3, 0.5, 0.1
    vgs = 1.1
    edge = vgs - vto
    lo = level1_ids(vgs, edge * (1 - 1e-9), vto, beta, lam)
    hi = level1_ids(vgs, edge * (1 + 1e-9), vto, beta, lam)
    assert lo == pytest.approx(hi, rel=1e-7)
    # reverse mode: swapping drain and source negates the current
    vds = np.linspace(0.01, 0.9, 30)
    fwd = level1_ids(vgs, vds, vto, beta, lam)
    rev = level1_ids(vgs - vds, -vds, vto, beta, lam)   # source and drain exchanged
    np.testing.assert_allclose(rev, -fwd, rtol=1e-14)


def test_derivatives_match_finite_differences():
    rng = np.random.default_rng(3)
    vgs = rng.uniform(-0.2, 1.5, 400)
    vds = rng.uniform(-1.0, 1.0, 400)
    vto, beta, lam = 0.4, 1.5e-3, 0.07
    _, gm, gds = level1_ids_derivs(vgs, vds, vto, beta, lam)
    h = 1e-7
    gm_fd = (level1_ids(vgs + h, vds, vto, beta, lam) - level1_ids(vgs - h, vds, vto, beta, lam)) / (2 * h)
    gds_fd = (level1_ids(vgs, vds + h, vto, beta, lam) - level1_ids(vgs, vds - h, vto, beta, lam)) / (2 * h)
    # away from region boundaries (kinks in the second derivative) the match is tight
    np.testing.assert_allclose(gm, gm_fd, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(gds, gds_fd, rtol=1e-5, atol=1e-9)


def test_temperature_model():
    m = AccessNMOS()
    assert m.kp(m.TNOM) == pytest.approx(m.KP)
    assert m.vto(m.TNOM) == pytest.approx(m.VTO)
    T = 398.15
    assert m.kp(T) == pytest.approx(m.KP * (T / m.TNOM) ** -1.5)
    assert m.vto(T) == pytest.approx(m.VTO + m.TCV * (T - m.TNOM))
    assert m.g_off(T) == pytest.approx(m.G_OFF * np.exp(m.TCG * (T - m.TNOM)))
    assert m.kp(T) < m.KP and m.vto(T) < m.VTO and m.g_off(T) > m.G_OFF
    # total current includes the leakage conductance
    assert m.current(0.0, 0.3, T) == pytest.approx(m.g_off(T) * 0.3)


def test_model_card_carries_scaled_values():
    m = AccessNMOS()
    T = 398.15
    card = m.model_card(T, vth_shift=0.01, name="nx")
    assert card.startswith(".model nx nmos (LEVEL=1")
    fields = dict(tok.split("=") for tok in card.strip(")").split("(")[1].split())
    assert float(fields["VTO"]) == pytest.approx(float(m.vto(T)) + 0.01, rel=1e-13)
    assert float(fields["KP"]) == pytest.approx(float(m.kp(T)), rel=1e-13)
    assert float(fields["TNOM"]) == pytest.approx(T - T0_CELSIUS)
    assert fields["GAMMA"] == "0"


@pytest.mark.parametrize("field,value", [("W", 0.0), ("L", -1e-7), ("VTO", 0.0), ("KP", -1.0),
                                         ("LAMBDA", -0.1), ("G_OFF", 0.0), ("TNOM", 0.0), ("name", "a b")])
def test_access_validation_names_field(field, value):
    with pytest.raises(ParameterError, match=f"AccessNMOS.{field}"):
        AccessNMOS(**{field: value})


@pytest.mark.parametrize("field,value", [("r_bl", 0.0), ("r_sl", -1.0), ("c_bl", -1e-15), ("c_sl", float("nan"))])
def test_wires_validation_names_field(field, value):
    with pytest.raises(ParameterError, match=f"Wires.{field}"):
        Wires(**{field: value})


def test_level1_identical_to_ngspice(ngspice, tmp_path):
    """One transistor swept through cut-off, linear, saturation and reverse at 125 C."""
    from mramsim.circuit.sim.ngspice import run_ngspice

    m = AccessNMOS(LAMBDA=0.08)
    T = 398.15
    net = "\n".join([
        "level-1 identity check",
        ".options reltol=1e-7 abstol=1e-16 vntol=1e-10 gmin=1e-15",
        m.model_card(T),
        "vd d 0 DC 0",
        "vg g 0 DC 0.9",
        f"m1 d g 0 0 {m.name} W={m.W} L={m.L}",
        f".temp {T - T0_CELSIUS}",
        ".dc vd -0.2 1.0 0.05",   # not below -0.2 V: the drain-bulk diode would conduct
        ".end",
    ])
    res = run_ngspice(net, workdir=tmp_path)
    vds = res["v-sweep"]
    i_spice = -res["i(vd)"]
    i_py = m.ids(0.9, vds, T)   # gate 0.9 V, source and bulk at 0
    on = np.abs(i_py) > 1e-9
    assert on.sum() > 20 and np.any(vds < 0) and np.any(vds > 0.9 - float(m.vto(T)))  # all regions
    np.testing.assert_allclose(i_spice[on], i_py[on], rtol=2e-6)
    # ngspice applied no scaling of its own: with the nominal KP the currents would differ by (T/TNOM)^1.5
    assert abs(float(m.kp(T)) / m.KP - 1) > 0.3
