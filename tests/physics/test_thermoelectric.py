"""Tunnelling magneto-Seebeck (Walter et al., Nat. Mater. 10, 742 (2011), shape reference).
Checks (derived): Sommerfeld S proportional to T at low T; S < 0 when G rises with energy
(tunnelling below the barrier); identical energy-independent electrodes on a barrier without
symmetry filtering give S_P = S_AP; MgO symmetry filtering and a spin-dependent DOS slope make
S_P != S_AP."""
import dataclasses

import pytest

import mramsim as ms
from mramsim.constants import eV
from mramsim.physics.thermoelectric import SeebeckResult, seebeck

DEV = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), ms.Anneal(673.15, 3600.0, "Ta"))


def test_sommerfeld_linear_in_t_and_sign():
    s50, s100 = seebeck(DEV, 50.0), seebeck(DEV, 100.0)
    assert s50.s_p < 0 and s50.s_ap < 0
    assert s100.s_p / s50.s_p == pytest.approx(2.0, rel=0.05)


def test_alox_identical_electrodes_has_no_tms():
    r = seebeck(ms.MTJDevice(ms.Stack.preset("cofe_alox")), 300.0)
    assert r.s_p == pytest.approx(r.s_ap, rel=1e-9) and abs(r.tms) < 1e-9


def test_mgo_and_dos_slope_give_tms():
    r = seebeck(DEV, 300.0)
    assert abs(r.tms) > 1e-3
    st = DEV.stack
    el = dataclasses.replace(st.left, dos_slope_down=2.0 / eV)
    r2 = seebeck(ms.MTJDevice(st.replace(left=el, right=el), DEV.anneal), 300.0)
    assert abs(r2.tms) > 2 * abs(r.tms)
    assert SeebeckResult.from_json(r2.to_json()) == r2
