"""Every plot function draws on the axes it is given and returns them (Agg backend)."""
from __future__ import annotations

import types

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # chosen by the test, never by mramsim
import matplotlib.pyplot as plt  # noqa: E402

import mramsim as ms  # noqa: E402
from mramsim.array.sweeps import ShmooResult, SweepResult  # noqa: E402
from mramsim.plotting import device as pdev  # noqa: E402
from mramsim.plotting import margin as pmar  # noqa: E402
from mramsim.plotting import report as prep  # noqa: E402


@pytest.fixture(scope="module")
def device():
    return ms.MTJDevice(ms.Stack.preset("cofeb_mgo"), anneal=ms.Anneal(temperature=673.15, time=3600.0, cap="Ta"))


@pytest.fixture(scope="module")
def table(device):
    return device.rv_table(V=np.linspace(-0.4, 0.4, 17), T=np.array([250.0, 300.0, 350.0]))


@pytest.fixture(scope="module")
def margin_result():
    from mramsim.array.margin import read_margin
    from mramsim.array.read import ReadScheme
    from mramsim.array.variation import Variation

    arr = ms.Array1T1MTJ(rows=16, cols=8)
    return read_margin(arr, Variation(ra_sigma=0.05), ReadScheme(v_read=0.15), n_samples=200, seed=1,
                       method="mc", ir_rows=4)


def _drew(ax):
    return bool(ax.lines or ax.images or ax.patches or ax.collections)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _check(out, ax):
    assert out is ax
    assert _drew(ax)


def test_device_plots(ax, device, table):
    _check(pdev.plot_rv(table, ax=ax), ax)
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize("name", ["plot_tmr_bias", "plot_tmr"])
def test_tmr_bias(ax, table, name):
    _check(getattr(pdev, name)(table, ax=ax), ax)
    assert len(ax.lines) == table.T.size


def test_tmr_temperature(ax, device):
    _check(pdev.plot_tmr_temperature(device, ax=ax, T=np.linspace(100.0, 400.0, 5), V=(0.0, 0.3)), ax)
    assert len(ax.lines) == 2


def test_thickness_and_anneal(device):
    fig, (a, b) = plt.subplots(1, 2)
    try:
        _check(pdev.plot_thickness(device.stack, device.anneal, ax=a, thickness=[1.0e-9, 1.4e-9]), a)
        _check(pdev.plot_anneal(device.stack, ax=b, temps_c=[300.0, 400.0], caps=("Ta",)), b)
    finally:
        plt.close(fig)


def test_report_plots_are_the_device_plots():
    assert prep.plot_rv is pdev.plot_rv and prep.plot_tmr is pdev.plot_tmr_bias
    from mramsim.run import report as run_report

    assert run_report.plot_fit is prep.plot_fit and run_report.plot_sweep is prep.plot_sweep


def test_plot_fit(ax, table):
    # a model 1 % above the table in AP, exact in P: the error curves sit at 1 % and 0 %
    cm = types.SimpleNamespace(
        resistance=lambda s, V, T: (table.r_ap * 1.01 if s == "AP" else table.r_p) + 0 * V * T,
        fit_report=types.SimpleNamespace(window_v=0.3),
    )
    _check(prep.plot_fit(table, cm, ax=ax), ax)
    ys = np.concatenate([ln.get_ydata() for ln in ax.lines if len(ln.get_ydata()) == table.V.size])
    assert np.allclose(np.unique(np.round(ys, 9)), [0.0, 1.0])


def test_flow_sweep(ax):
    sweep = {"values": [0.1, 0.15, 0.2],
             "points": [{"ber": 1e-3, "ber_ci": [5e-4, 2e-3], "margin_sigma": 3.0},
                        {"ber": 1e-5, "ber_ci": [1e-6, 3e-5], "margin_sigma": 4.0},
                        {"ber": 0.0, "ber_ci": [0.0, 1e-6], "margin_sigma": 5.0}]}
    _check(prep.plot_sweep("v_read", sweep, ax=ax), ax)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [100.0, 150.0, 200.0])  # mV


def test_margin_plots(margin_result):
    fig, axes = plt.subplots(2, 2)
    try:
        a = axes.ravel()
        _check(pmar.plot_signal_histograms(margin_result, ax=a[0]), a[0])
        _check(pmar.plot_margin_histograms(margin_result, ax=a[1]), a[1])
        _check(pmar.plot_ir_map(margin_result, ax=a[2]), a[2])
        fig2, axes2 = plt.subplots(2, 2)
        assert pmar.plot_read_margin(margin_result, axes=axes2) is axes2
        assert all(_drew(x) for x in axes2.ravel())
        plt.close(fig2)
    finally:
        plt.close(fig)


def test_sweep_result_and_shmoo(ax):
    sw = SweepResult(param="temperature", values=[300.15, 350.15], ber=[1e-4, 0.0], ber_lo=[5e-5, 0.0],
                     ber_hi=[2e-4, 1e-5], margin_sigma=[4.0, 5.0])
    _check(pmar.plot_sweep(sw, ax=ax), ax)
    fig, ax2 = plt.subplots()
    try:
        _check(pmar.plot_sweep(sw, ax=ax2, what="sigma"), ax2)
        sh = ShmooResult(v_read=[0.1, 0.2, 0.3], ber_read=[1e-3, 1e-8, 1e-10], ber_read_lo=[5e-4, 1e-9, 0.0],
                         ber_read_hi=[2e-3, 1e-7, 1e-9], p_disturb=[1e-12, 1e-10, 1e-6],
                         ber_total=[1e-3, 1e-8, 1e-6], target=1e-7, window=(0.2, 0.2), disturb={})
        ax2.clear()
        _check(pmar.plot_shmoo(sh, ax=ax2), ax2)
    finally:
        plt.close(fig)


def test_device_summary_takes_and_returns_a_figure(device, table):
    fig = plt.figure()
    try:
        assert pdev.plot_device_summary(device, table=table, fig=fig) is fig
        assert sum(_drew(a) for a in fig.axes) >= 5
    finally:
        plt.close(fig)


def test_importing_plotting_leaves_the_backend_alone():
    import subprocess
    import sys

    code = ("import os, matplotlib; matplotlib.use('ps'); os.environ.pop('DISPLAY', None); "
            "from mramsim.plotting._mpl import get_ax; get_ax(); print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().lower() == "ps"
