"""Write-path physics against published closed forms.

- Butler et al., IEEE Trans. Magn. 48, 4684 (2012): at large current the WER is set by the
  thermal initial distribution and the deterministic trajectory; it decays as
  exp(-2 (i - 1) t / tau_D) (linearised: WER ~ 1 - exp(-(pi^2 Delta/4) exp(-2 (i-1) t/tau_D))).
- Brown, Phys. Rev. 130, 1677 (1963): high-barrier escape rate of the axially symmetric
  macrospin, tau = tau0 exp(Delta) with tau0 = tau_D sqrt(pi/Delta), relative error O(1/Delta).
- Thermally activated switching under sub-critical current: for the perpendicular macrospin
  the barrier is Delta (1 - I/I_c0)^2 (k = 2; e.g. Taniguchi & Imamura, PRB 83, 054432 (2011)).
"""
import numpy as np
import pytest

from mramsim.physics.switching import brown_tau0, closed_form_wer, fp_wer


def test_fp_approaches_butler_closed_form_at_large_current():
    delta = 60.0
    ratios = []
    for i in (3.0, 10.0, 30.0):
        t_end = 12.0 / (i - 1)
        s = fp_wer(t_end, i, delta, n_cells=1600, n_steps=1600)
        tau = t_end * np.array([0.5, 0.7, 0.9])
        w = s.at(tau)
        assert np.all((w > 1e-10) & (w < 1e-2))
        ratios.append(w / closed_form_wer(tau, i, delta))
    ratios = np.array(ratios)
    # thermal diffusion during the pulse matters less and less as i grows
    assert np.all(np.diff(ratios.mean(axis=1)) > 0)
    assert np.all(np.abs(ratios[-1] - 1) < 0.06)


@pytest.mark.parametrize("i", [2.0, 3.0, 5.0, 10.0])
def test_fp_wer_decay_rate_is_2_i_minus_1(i):
    delta = 60.0
    t_end = 14.0 / (i - 1)
    s = fp_wer(t_end, i, delta, n_cells=1600, n_steps=1600)
    tau = t_end * np.array([0.5, 1.0])
    w = s.at(tau)
    rate = -np.diff(np.log(w))[0] / np.diff(tau)[0]
    assert rate == pytest.approx(2 * (i - 1), rel=0.015)


@pytest.mark.parametrize("delta", [20.0, 25.0, 30.0])
def test_fp_retention_matches_brown_and_disturb(delta):
    from mramsim.array.disturb import retention_failure

    s = fp_wer(400.0, 0.0, delta, n_cells=800, n_steps=400, richardson=False)
    p = -np.expm1(np.log(s.wer))  # switched fraction
    rate = (p[400] - p[200]) / (s.tau[400] - s.tau[200])
    tau0 = brown_tau0(delta, 1.0)  # in units of tau_D
    assert rate * tau0 * np.exp(delta) == pytest.approx(1.0, abs=1.5 / delta)
    # same numbers through the array layer's Néel-Brown law (growth of P_fail over 200 tau_D)
    dp = retention_failure(400.0, delta, tau0) - retention_failure(200.0, delta, tau0)
    assert (p[400] - p[200]) == pytest.approx(dp, rel=1.5 / delta)


def test_subcritical_barrier_exponent_is_two():
    """d ln(rate)/d i = 2 Delta (1 - i) for k = 2 (56 at i = 0.3, Delta = 40); k = 1 would give Delta = 40."""
    delta = 40.0
    i = np.array([0.2, 0.4])
    rates = []
    for x in i:
        s = fp_wer(400.0, x, delta, n_cells=800, n_steps=400, richardson=False)
        p = -np.expm1(np.log(s.wer))
        rates.append((p[400] - p[200]) / 200.0)
    slope = np.diff(np.log(rates))[0] / np.diff(i)[0]
    assert slope == pytest.approx(2 * delta * (1 - i.mean()), rel=0.1)
    assert abs(slope - delta) > 0.25 * delta
