"""Macrospin switching: parameters, closed forms, Fokker-Planck WER solver (numerics).

Every FP check compares with an independent quantity (an ODE integration, a conservation
law, a refined grid); the physics cross-checks (LLGS, Butler, Brown) are in
tests/physics/test_switching_llgs.py and tests/validation/test_switching_refs.py.
"""
import numpy as np
import pytest
from scipy import constants as c
from scipy.integrate import solve_ivp

from mramsim.errors import ParameterError
from mramsim.physics.switching import (FreeLayer, WERResult, fp_wer, precessional_switching_time,
                                       retention_failure, retention_time, slonczewski_g, switching_regime,
                                       thermal_switching_probability, write_error_rate,
                                       zero_temperature_switching_time)
from mramsim.physics.switching.macrospin import critical_angle


@pytest.mark.parametrize("field,value", [("ms", -1.0), ("hk", 0.0), ("thickness", -1e-9), ("diameter", 0.0),
                                         ("alpha", 0.0), ("polarization", 1.0), ("geometry", "tilted"),
                                         ("t_curie", 200.0), ("n", 0.5)])
def test_free_layer_validation_names_field(field, value):
    with pytest.raises(ParameterError) as exc:
        FreeLayer(**{field: value})
    assert exc.value.field == f"FreeLayer.{field}"
    assert exc.value.value == value


def test_ic0_perpendicular_equals_delta_form():
    fl = FreeLayer()
    T = 300.0
    expect = 4 * c.e * fl.alpha * fl.delta(T) * c.k * T / (c.hbar * fl.eta("P"))
    assert fl.ic0(T) == pytest.approx(expect, rel=1e-12)


def test_ic0_geometry_and_direction_ordering():
    perp = FreeLayer()
    inpl = FreeLayer(geometry="in_plane")
    # the in-plane layer also fights its demagnetising field
    assert inpl.ic0() > 3 * perp.ic0()
    # Slonczewski: AP -> P switching is more efficient (g(pi) > g(0))
    assert perp.ic0(start="AP") < perp.ic0(start="P")


def test_delta_temperature_dependence_bloch():
    fl = FreeLayer(t_curie=800.0)
    T = np.array([250.0, 300.0, 350.0, 400.0])
    d = fl.delta(T)
    assert np.all(np.diff(d) < 0)
    m = (1 - (T / 800.0) ** 1.5) / (1 - (fl.t_ref / 800.0) ** 1.5)
    np.testing.assert_allclose(d, fl.delta() * fl.t_ref / T * m**2, rtol=1e-12)


def test_slonczewski_g_limits():
    # g(theta, P) -> (1+P)^3 (3 + cos)/(4 P^1.5) - 4 inverse; at P -> 1, g(0) = 1/4
    assert slonczewski_g(1.0, 1 - 1e-9) == pytest.approx(0.25, rel=1e-6)
    g = slonczewski_g(np.linspace(-1, 1, 11), 0.5)
    assert np.all(np.diff(g) < 0)  # largest at antiparallel


def test_zero_temperature_time_matches_ode():
    for i in (1.3, 2.0, 5.0):
        for m0 in (0.5, 0.99, 0.9999):
            sol = solve_ivp(lambda t, m: (1 - m**2) * (m - i), (0, 100), [m0], rtol=1e-11, atol=1e-14,
                            events=lambda t, m: m[0])
            assert zero_temperature_switching_time(m0, i) == pytest.approx(sol.t_events[0][0], rel=1e-7)


def test_critical_angle_inverts_switching_time():
    tau = np.array([0.5, 2.0, 6.0])
    u = critical_angle(tau, 3.0)
    # rtol: 1 - u rounds u (~1e-11 at tau = 6) to ~1e-5 relative
    np.testing.assert_allclose(zero_temperature_switching_time(1 - u, 3.0), tau, rtol=1e-5)


def test_sun_precessional_is_linearised_exact():
    # small theta0: exact time = ln(sqrt(2)/theta0)/(i-1) + O(1); Sun's ln(pi/(2 theta0))/(i-1)
    for i in (1.5, 3.0):
        for delta in (1e3, 1e5):
            th0 = 1 / np.sqrt(2 * delta)
            exact = zero_temperature_switching_time(np.cos(th0), i)
            sun = precessional_switching_time(i, delta, 1.0)
            assert abs(sun - exact) * (i - 1) < 0.5
    assert np.isinf(precessional_switching_time(0.9, 60.0, 1.0))


def test_regimes():
    assert list(switching_regime([0.5, 1.5, 3.0])) == ["thermal", "crossover", "precessional"]


def test_thermal_law_identical_to_array_disturb():
    from mramsim.array import disturb

    t = np.array([0.0, 1e-9, 1e-6, 1.0, 3e8])
    for delta in (20.0, 60.0):
        for x in (0.0, 0.3, 0.9, 1.2):
            for k in (1, 2):
                np.testing.assert_array_equal(thermal_switching_probability(t, delta, x, tau0=2e-9, k=k),
                                              disturb.switching_probability(t, delta, x, tau0=2e-9, k=k))
    assert retention_time(45.0, 1e-9) == disturb.retention_time(45.0, 1e-9)
    np.testing.assert_array_equal(retention_failure(t, 40.0), disturb.retention_failure(t, 40.0))
    with pytest.raises(ParameterError):
        thermal_switching_probability(1e-9, 40.0, k=3)


def test_fp_starts_at_one_and_is_monotone_and_positive():
    s = fp_wer(6.0, 2.5, 50, n_cells=200, n_steps=300)
    assert s.wer[0] == pytest.approx(1.0, abs=1e-14)
    assert np.all(np.diff(s.wer) <= 1e-15)
    assert np.all(s.wer > 0)


def test_fp_below_critical_current_does_not_switch():
    s = fp_wer(50.0, 0.3, 60, n_cells=200, n_steps=100)  # barrier Delta (1 - i)^2 = 29.4
    assert s.wer[-1] > 1 - 1e-9


def test_fp_grid_and_step_convergence_at_1e12():
    """WER ~ 1e-12: the default grid is within 5 % of a grid twice as fine, and the time-step error is small."""
    a = fp_wer(8.0, 3.0, 60, n_cells=800, n_steps=800)
    b = fp_wer(8.0, 3.0, 60, n_cells=1600, n_steps=1600)
    assert 1e-13 < b.wer[-1] < 1e-11
    assert abs(a.wer[-1] / b.wer[-1] - 1) < 0.05
    # Richardson: halving the step again changes the extrapolated value far less than the raw one did
    c2 = fp_wer(8.0, 3.0, 60, n_cells=800, n_steps=1600)
    assert abs(c2.wer[-1] / a.wer[-1] - 1) < 0.2 * a.dt_error[-1]


@pytest.mark.parametrize("i, delta, start, dtau, n", [(1.5, 40.0, "P", 0.05, 400), (3.0, 60.0, "AP", 0.5, 120),
                                                       (0.8, 30.0, "P", 0.2, 50)])
def test_fp_compiled_march_equals_lapack_march(i, delta, start, dtau, n):
    """The compiled Thomas march gives LAPACK's banded solve step by step, down to the deep tail."""
    from mramsim.physics.switching import fokker_planck as fp

    ab, m_c, w = fp._generator(i, delta, 300, "slonczewski", 0.6, start)
    p0, upper = fp._initial(delta, m_c, w), m_c > 0.0
    ref = fp._march_reference(ab, p0, dtau, n, upper)
    got = fp._march(ab, p0, dtau, n, upper)
    assert ref.min() > 0.0 and got.shape == ref.shape
    # both eliminate without pivoting (column diagonally dominant), so they differ by round-off only:
    # ~n_cells x n_steps x eps relative at worst
    np.testing.assert_allclose(got, ref, rtol=300 * n * np.finfo(float).eps, atol=0.0)


def test_fp_bad_inputs():
    with pytest.raises(ParameterError):
        fp_wer(1.0, 2.0, 60, n_cells=201)
    with pytest.raises(ParameterError):
        fp_wer(1.0, 2.0, 1.0)
    with pytest.raises(ParameterError):
        fp_wer(1.0, 2.0, 60, efficiency="linear")


def test_write_error_rate_result_and_json(tmp_path):
    fl = FreeLayer()
    i = 2.0 * fl.ic0(300.0)
    r = write_error_rate(fl, i, [2e-9, 5e-9, 10e-9], 300.0, n_cells=200, n_steps=200)
    assert np.all(np.diff(r.wer) < 0)
    assert r.mean_time > 0 and r.sigma_time > 0
    # hotter: lower Delta and I_c0 -> the same current writes better
    r_hot = write_error_rate(fl, i, [10e-9], 360.0, n_cells=200, n_steps=200)
    assert r_hot.wer[0] < r.wer[-1]
    back = WERResult.from_json(r.to_json(tmp_path / "wer.json"))
    np.testing.assert_array_equal(back.wer, r.wer)
    assert back.settings == r.settings
