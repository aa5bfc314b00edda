"""Published / derived MRAM numbers (REFERENCES.md, section "MRAM").

Sources: Néel-Brown retention tau = tau0 exp(Delta) (Brown, Phys. Rev. 130,
1677 (1963)); thermally activated read disturb
P = 1 - exp(-(t/tau0) exp(-Delta (1 - I/Ic0))) (Koch, Katine & Sun, PRL 92,
088302 (2004)). The numbers are those listed in REFERENCES.md:
tau0 = 1 ns, Delta = 40 -> 7.46 years; Delta = 60, t = 10 ns, I/Ic0 = 0.3 ->
5.75e-18 (1e-3 relative).
"""
import pytest

from mramsim.array.disturb import YEAR, retention_time, switching_probability


def test_retention_delta40_is_7p46_years():
    tau = retention_time(40.0, tau0=1e-9)
    assert tau / YEAR == pytest.approx(7.46, abs=0.005)


def test_read_disturb_delta60_10ns_0p3():
    p = switching_probability(10e-9, 60.0, 0.3, tau0=1e-9, k=1)
    assert p == pytest.approx(5.75e-18, rel=1e-3)
