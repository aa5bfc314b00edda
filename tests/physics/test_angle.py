"""Angular dependence G(theta) (Slonczewski, PRB 39, 6995 (1989)).
Cos-law number: G0 (1 + 0.09 cos theta) gives (G_P - G_AP)/G_AP = 2*0.09/0.91 = 0.1978
(derived; Miyazaki & Tezuka 1995 style)."""
import numpy as np
import pytest

import mramsim as ms
from mramsim.physics.angle import effective_polarization_sq, slonczewski_conductance, tmr_from_cosine_amplitude

DEV = ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), ms.Anneal(673.15, 3600.0, "Ta"))


def test_cos_law_number():
    g0 = 2.0
    g_p, g_ap = g0 * 1.09, g0 * 0.91
    assert (g_p - g_ap) / g_ap == pytest.approx(0.1978, abs=1e-4)
    assert tmr_from_cosine_amplitude(0.09) == pytest.approx(0.1978, abs=1e-4)
    assert effective_polarization_sq(g_p, g_ap) == pytest.approx(0.09, rel=1e-12)
    th = np.linspace(0, np.pi, 7)
    np.testing.assert_allclose(slonczewski_conductance(g_p, g_ap, th), g0 * (1 + 0.09 * np.cos(th)), rtol=1e-12)


@pytest.mark.parametrize("V", [0.0, 0.2, -0.4])
def test_device_end_points_are_p_and_ap(V):
    assert float(DEV.resistance_angle(0.0, V, 300.0)) == pytest.approx(float(DEV.resistance("P", V, 300.0)), rel=1e-12)
    assert float(DEV.resistance_angle(np.pi, V, 300.0)) == pytest.approx(float(DEV.resistance("AP", V, 300.0)), rel=1e-12)


def test_junction_conductance_linear_in_cos_theta_with_bias_dependent_p_eff():
    th = np.linspace(0.0, np.pi, 13)
    for V in (0.0, 0.3):
        g = DEV.junction_conductance_angle(th, V, 300.0)
        c = np.polyfit(np.cos(th), g, 2)
        assert abs(c[0]) < 1e-9 * g.mean()
        rp, rap = DEV.junction_resistances(V, 300.0)
        p2 = effective_polarization_sq(1 / rp, 1 / rap)
        assert c[1] / c[2] == pytest.approx(float(p2), rel=1e-9)
    # P_eff falls with bias (TMR falls)
    p0 = effective_polarization_sq(*[1 / r for r in DEV.junction_resistances(0.0, 300.0)])
    p3 = effective_polarization_sq(*[1 / r for r in DEV.junction_resistances(0.3, 300.0)])
    assert p3 < p0


def test_resistance_not_linear_in_cos_and_monotone():
    th = np.linspace(0.0, np.pi, 19)
    r = DEV.resistance_angle(th, 0.1, 300.0)
    assert np.all(np.diff(r) > 0)
    # 1/G(theta): at 90 degrees R is below the mean of R_P and R_AP
    assert r[9] < 0.5 * (r[0] + r[-1])
    assert DEV.conductance(0.1, 300.0, theta=np.pi / 2) == pytest.approx(1 / r[9], rel=1e-12)
