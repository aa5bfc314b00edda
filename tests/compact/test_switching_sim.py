"""Switching compact model in transient: VACASK (OpenVAF) and ngspice vs the Python model.

Each netlist holds many independent cells (one current-pulse source each), so one run covers
both write directions and several amplitudes/widths. The reference is the Python model's own
integration of the same state equation with the same waveform (:meth:`SwitchingMTJ.simulate`),
which is not produced by the simulators.
"""
from __future__ import annotations

import numpy as np
import pytest

from mramsim.compact.switching import fit_switching
from mramsim.physics.switching.macrospin import FreeLayer

DELAY, RISE = 1e-9, 10e-12


@pytest.fixture(scope="module")
def sw(preset_fit):
    return fit_switching(preset_fit("cofeb_mgo"), FreeLayer())


def _cases(sw, amps, widths):
    """(x0, current [A], width [s]) per cell: P->AP with +i I_c0^P, AP->P with -i I_c0^AP."""
    out = []
    for i in amps:
        for w in widths:
            out.append((0, i * sw.ic0_p, w))
            out.append((1, -i * sw.ic0_ap, w))
    return out


def _pulse(I, w):
    def f(t):
        if t < DELAY:
            return 0.0
        if t < DELAY + RISE:
            return I * (t - DELAY) / RISE
        if t < DELAY + RISE + w:
            return I
        if t < DELAY + 2 * RISE + w:
            return I * (1.0 - (t - DELAY - RISE - w) / RISE)
        return 0.0
    return f


def _crossing(t, y, level=0.5):
    k = np.flatnonzero((y[:-1] < level) & (y[1:] >= level))
    if k.size == 0:
        return np.nan
    k = k[0]
    return t[k] + (level - y[k]) * (t[k + 1] - t[k]) / (y[k + 1] - y[k])


def _python(sw, x0, I, w, t_end):
    t, x = sw.simulate(_pulse(I, w), t_end, x0, max_step=2 * RISE)
    prog = np.abs(x - x0)
    return _crossing(t, prog), prog[-1]


def _ngspice_run(sw, cases, t_end, max_step="10p"):
    from mramsim.circuit.sim.ngspice import run_ngspice

    lines = ["switching transient", sw.to_ngspice()]
    for k, (x0, I, w) in enumerate(cases):
        lines.append(f"I{k} 0 n{k} PULSE(0 {I!r} {DELAY!r} {RISE!r} {RISE!r} {w!r} 1)")
        lines.append(f"X{k} n{k} 0 {sw.name} x0={x0}")
    lines += [".options reltol=1e-6", f".tran 5p {t_end!r} 0 {max_step}",
              ".save " + " ".join(f"v(x{k}.xs)" for k in range(len(cases))), ".end"]
    vec = run_ngspice("\n".join(lines) + "\n", timeout=600).vectors
    return vec["time"], [vec[f"v(x{k}.xs)"] for k in range(len(cases))]


def _vacask_run(sw, cases, t_end, tmp_path):
    from mramsim.circuit.sim.vacask import compile_va, run_vacask

    osdi = compile_va(sw.to_verilog_a(), tmp_path)
    lines = ["switching transient", "ground 0", f'load "{osdi}"', "model isource isource", f"model sw {sw.name}"]
    for k, (x0, I, w) in enumerate(cases):
        lines.append(f'i{k} (0 n{k}) isource type="pulse" val0=0 val1={I!r} delay={DELAY!r} rise={RISE!r} '
                     f"fall={RISE!r} width={w!r}")
        lines.append(f"x{k} (n{k} 0) sw x0={x0}")
    lines += ["control", "  abort always", '  options reltol=1e-6 rawfile="binary"', "  save default",
              f"  analysis tran1 tran stop={t_end!r} step=10p maxstep=10p", "endc", ""]
    vec = run_vacask("\n".join(lines), timeout=600)["tran1"]
    return vec["time"], [vec[f"x{k}:xs"] for k in range(len(cases))]


def _check_times(sw, run):
    """Both directions, three amplitudes: the crossing time within 5 % of the Python model's."""
    cases = _cases(sw, (1.5, 2.5, 4.0), (40e-9,))
    t, xs = run(cases, 20e-9)
    for (x0, I, w), x in zip(cases, xs):
        t_py, _ = _python(sw, x0, I, w, 20e-9)
        t_sim = _crossing(t, x)
        assert np.isfinite(t_py) and np.isfinite(t_sim)
        assert abs((t_sim - DELAY) / (t_py - DELAY) - 1.0) < 0.05, (x0, I, t_sim, t_py)
        # the constant-current closed form of the same model
        assert abs((t_py - DELAY - RISE / 2) / sw.switching_time(I) - 1.0) < 0.01


def _check_sweep(sw, run):
    """Amplitudes x widths, both directions: the run converges and every cell ends where Python says."""
    cases = _cases(sw, (0.5, 1.3, 2.0, 8.0), (0.3e-9, 2e-9, 10e-9))
    t, xs = run(cases, 14e-9)
    n_switched = 0
    for (x0, I, w), x in zip(cases, xs):
        assert np.all(np.isfinite(x))
        _, end_py = _python(sw, x0, I, w, 14e-9)
        assert abs(x[-1] - end_py) < 0.02, (x0, I, w, x[-1], end_py)
        n_switched += end_py > 0.5
    assert 0 < n_switched < len(cases)  # the sweep spans switched and unswitched cells


def test_ngspice_switching_time(sw, ngspice):
    _check_times(sw, lambda c, te: _ngspice_run(sw, c, te))


def test_vacask_switching_time(sw, vacask, tmp_path):
    _check_times(sw, lambda c, te: _vacask_run(sw, c, te, tmp_path))


def test_ngspice_sweep_converges(sw, ngspice):
    _check_sweep(sw, lambda c, te: _ngspice_run(sw, c, te, "50p"))


def test_vacask_sweep_converges(sw, vacask, tmp_path):
    _check_sweep(sw, lambda c, te: _vacask_run(sw, c, te, tmp_path))
