"""Property tests: no valid input gives NaN/inf, every invalid one a MramsimError.

"Valid" is what each function or record documents as its allowed range; the
strategies below sample those ranges (log-uniformly across decades where the
range is wide) and their complements. Seeds are fixed by hypothesis'
derandomize setting so the suite is reproducible.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mramsim.constants import eV
from mramsim.errors import MramsimError
from mramsim.materials import Barrier, Electrode
from mramsim.physics import polarization as pol
from mramsim.physics import simmons as sm
from mramsim.physics import tunneling as tn
from mramsim.stack import CAPS, Anneal, Stack

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=60, deadline=None, derandomize=True)

finite = st.floats(allow_nan=False, allow_infinity=False)
nonfinite = st.sampled_from([math.nan, math.inf, -math.inf])


def log_uniform(lo, hi):
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda x: 10.0**x).filter(lambda v: lo <= v <= hi)


def outside(lo, hi, lo_open=False, hi_open=False):
    """Finite floats outside [lo, hi] (or the open variant), plus non-finite values.

    The filters are two-statement functions on purpose: hypothesis rewrites a
    one-line comparison filter into strategy bounds, and a bound of 0 then
    admits -0.0, which compares equal to 0 and is valid.
    """
    def is_below(v):
        below = v < lo or (lo_open and v == lo)
        return below

    def is_above(v):
        above = v > hi or (hi_open and v == hi)
        return above

    return st.one_of(finite.filter(is_below), finite.filter(is_above), nonfinite)


def _negative(v):
    neg = v < 0
    return neg


def _nonpositive(v):
    nonpos = v <= 0
    return nonpos


def all_finite(*arrays):
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in arrays)


# -- records ------------------------------------------------------------------------------
positive = st.floats(min_value=0.0, exclude_min=True, allow_infinity=False, allow_nan=False)
weights = st.lists(st.floats(0.0, 1e6), min_size=4, max_size=4)


@FAST
@given(up=positive, down=positive, vu=positive, vd=positive, wu=weights, wd=weights)
def test_electrode_valid_gives_finite_properties(up, down, vu, vd, wu, wd):
    el = Electrode(name="h", dos_up=up, dos_down=down, velocity_up=vu, velocity_down=vd,
                   weights_up=wu, weights_down=wd)
    assert math.isfinite(el.polarization) and -1.0 <= el.polarization <= 1.0
    assert all_finite(el.channel_weights)


@FAST
@given(field=st.sampled_from(["dos_up", "dos_down", "velocity_up", "velocity_down", "fermi_energy"]),
       bad=st.one_of(finite.filter(_nonpositive), nonfinite))
def test_electrode_invalid_raises(field, bad):
    args = dict(name="h", dos_up=0.7, dos_down=0.3)
    args[field] = bad
    with pytest.raises(MramsimError, match=field):
        Electrode(**args)


@FAST
@given(w=st.one_of(st.lists(finite, max_size=3), st.lists(finite, min_size=5, max_size=6),
                   st.lists(finite, min_size=4, max_size=4).filter(lambda l: min(l) < 0)))
def test_electrode_bad_weights_raise(w):
    with pytest.raises(MramsimError, match="weights_up"):
        Electrode(name="h", dos_up=0.7, dos_down=0.3, weights_up=w)


@FAST
@given(h=log_uniform(0.01 * eV, 20 * eV), d=log_uniform(0.2e-9, 10e-9), m=log_uniform(0.01, 10.0),
       a=st.floats(-1.9, 1.9))
def test_barrier_valid_gives_positive_heights(h, d, m, a):
    b = Barrier(name="b", height=h, thickness=d, mass_ratio=m, asymmetry=a * h)
    assert b.phi1 > 0 and b.phi2 > 0 and all_finite(b.phi1, b.phi2)


@FAST
@given(field=st.sampled_from(["height", "thickness", "mass_ratio"]), data=st.data())
def test_barrier_invalid_raises(field, data):
    lo, hi = {"height": (0.01 * eV, 20 * eV), "thickness": (0.2e-9, 10e-9), "mass_ratio": (0.01, 10.0)}[field]
    bad = data.draw(outside(lo, hi))
    args = dict(name="b", height=1 * eV, thickness=1e-9)
    args[field] = bad
    with pytest.raises(MramsimError, match=field):
        Barrier(**args)


@FAST
@given(area=log_uniform(1e-18, 1e-6), rs=st.floats(0, 1e6), xi=log_uniform(0.1e-9, 1e-3),
       f=st.floats(0, 1), c=st.floats(0, 1), name=st.sampled_from(Stack.preset_names()))
def test_stack_valid(area, rs, xi, f, c, name):
    s = Stack.preset(name).replace(area=area, r_series=rs, correlation_length=xi, diffuse_fraction=f,
                                   crystalline_as_grown=c)
    assert all_finite(s.area, s.r_series, s.thickness)


@FAST
@given(field=st.sampled_from(["area", "r_series", "correlation_length", "diffuse_fraction", "crystalline_as_grown"]),
       data=st.data())
def test_stack_invalid_raises(field, data):
    lo, hi = {"area": (1e-18, 1e-6), "r_series": (0.0, math.inf), "correlation_length": (0.1e-9, 1e-3),
              "diffuse_fraction": (0.0, 1.0), "crystalline_as_grown": (0.0, 1.0)}[field]
    bad = data.draw(outside(lo, hi) if hi < math.inf else st.one_of(finite.filter(_negative), nonfinite))
    with pytest.raises(MramsimError, match=field):
        Stack.preset("cofeb_mgo").replace(**{field: bad})


@FAST
@given(name=st.text(max_size=12).filter(lambda s: s not in Stack.preset_names()))
def test_stack_unknown_preset_raises(name):
    with pytest.raises(MramsimError, match="cofeb_mgo"):
        Stack.preset(name)


@FAST
@given(T=st.floats(250.0, 1100.0), t=st.floats(0.0, 1e7, exclude_min=True), cap=st.sampled_from(CAPS))
def test_anneal_valid(T, t, cap):
    a = Anneal(temperature=T, time=t, cap=cap)
    assert (a.temperature, a.time, a.cap) == (T, t, cap)


@FAST
@given(data=st.data(), which=st.sampled_from(["temperature", "time", "cap"]))
def test_anneal_invalid_raises(data, which):
    args = dict(temperature=673.15, time=3600.0, cap="Ta")
    if which == "temperature":
        args[which] = data.draw(outside(250.0, 1100.0))
    elif which == "time":
        args[which] = data.draw(outside(0.0, 1e7, lo_open=True))
    else:
        args[which] = data.draw(st.one_of(st.text(max_size=4).filter(lambda s: s not in CAPS), st.integers()))
    with pytest.raises(MramsimError, match=which):
        Anneal(**args)


# -- polarization functions ----------------------------------------------------------------
resist = log_uniform(*pol.MAGNITUDE_RANGE)
pvalue = st.floats(-1.0, 1.0, exclude_min=True, exclude_max=True)


@FAST
@given(rp=resist, rap=resist, rs=st.one_of(st.just(0.0), resist))
def test_tmr_functions_valid_are_finite(rp, rap, rs):
    assert all_finite(pol.tmr_resistance(rp, rap), pol.tmr_conductance(rp, rap), pol.tmr_julliere_ratio(rp, rap),
                      pol.apparent_tmr(rp, rap, rs))


@FAST
@given(bad=outside(*pol.MAGNITUDE_RANGE), func=st.sampled_from(
    [pol.tmr_resistance, pol.tmr_conductance, pol.tmr_julliere_ratio, lambda a, b: pol.apparent_tmr(a, b, 0.0)]))
def test_tmr_functions_invalid_raise(bad, func):
    with pytest.raises(MramsimError):
        func(bad, 1.0)
    with pytest.raises(MramsimError):
        func(1.0, bad)


@FAST
@given(p1=pvalue, p2=pvalue, definition=st.sampled_from(sorted(pol.TMR_DEFINITIONS)))
def test_julliere_valid_is_finite(p1, p2, definition):
    assert all_finite(pol.julliere_tmr(p1, p2, definition))


@FAST
@given(bad=outside(-1.0, 1.0, lo_open=True, hi_open=True), p=pvalue)
def test_julliere_invalid_raises(bad, p):
    with pytest.raises(MramsimError, match="p1"):
        pol.julliere_tmr(bad, p)
    with pytest.raises(MramsimError, match="p2"):
        pol.julliere_tmr(p, bad)


@FAST
@given(t=st.floats(0.0, 1e300), tj=st.floats(0.0, 1.0, exclude_max=True))
def test_inverse_julliere_valid(t, tj):
    p = pol.polarization_from_tmr(t)
    pj = pol.polarization_from_tmr(tj, "julliere")
    assert all_finite(p, pj) and 0 <= p <= 1 and 0 <= pj < 1


@FAST
@given(bad=st.one_of(finite.filter(_negative), nonfinite))
def test_inverse_julliere_invalid(bad):
    with pytest.raises(MramsimError, match="tmr"):
        pol.polarization_from_tmr(bad)


dos = st.floats(0.0, 1e300)
vel = st.floats(0.0, 1e300, exclude_min=True)


@FAST
@given(nu=dos, nd=dos, vu=vel, vd=vel, n=st.sampled_from([0, 1, 2]))
def test_transport_polarization_valid(nu, nd, vu, vd, n):
    if nu == 0 and nd == 0:
        with pytest.raises(MramsimError):
            pol.transport_polarization(nu, nd, vu, vd, n)
        return
    p = pol.transport_polarization(nu, nd, vu, vd, n)
    assert all_finite(p) and -1 <= p <= 1


@FAST
@given(bad=st.one_of(finite.filter(_negative), nonfinite), pos=st.integers(0, 3))
def test_transport_polarization_invalid(bad, pos):
    args = [0.6, 0.4, 1e6, 1e6]
    args[pos] = bad
    with pytest.raises(MramsimError):
        pol.transport_polarization(*args)


@FAST
@given(a=log_uniform(1e-6, 1e6), b=log_uniform(1e-6, 1e6), c=log_uniform(1e-6, 1e6), d=log_uniform(1e-6, 1e6))
def test_julliere_from_dos_valid(a, b, c, d):
    assert all_finite(pol.julliere_tmr_from_dos(a, b, c, d))


@FAST
@given(V=st.lists(st.floats(-10, 10), min_size=4, max_size=30, unique=True),
       I=st.lists(st.floats(-1e3, 1e3), min_size=30, max_size=30),
       method=st.sampled_from(["gradient", "spline"]))
def test_static_differential_never_nan(V, I, method):
    V = np.sort(np.array(V))
    if np.any(np.diff(V) <= 0):  # equal after rounding: invalid grid
        with pytest.raises(MramsimError):
            pol.static_resistance(V, np.array(I[: V.size]), method)
        return
    I = np.array(I[: V.size])
    for f in (pol.static_resistance, pol.differential_resistance):
        try:
            out = f(V, I, method)
        except MramsimError:
            continue
        assert all_finite(out)


# -- tunnelling functions ---------------------------------------------------------------------
phi_s = log_uniform(*sm.BARRIER_HEIGHT_RANGE)
d_s = log_uniform(*sm.THICKNESS_RANGE)
m_s = log_uniform(*sm.MASS_RATIO_RANGE)
V_s = st.floats(-sm.BIAS_RANGE, sm.BIAS_RANGE)


@FAST
@given(V=V_s, p1=phi_s, p2=phi_s, d=d_s, m=m_s)
def test_closed_forms_valid_are_finite(V, p1, p2, d, m):
    assert all_finite(sm.simmons_low_voltage_current_density(V, p1, p2, d, m),
                      sm.simmons_low_voltage_conductance_density(p1, p2, d, m),
                      sm.bdr_conductance_ratio(V, p1, p2, d, m), sm.bdr_conductance_density(V, p1, p2, d, m),
                      sm.decay_constant(p1, m))
    if abs(V) * eV < min(p1, p2):
        assert all_finite(sm.simmons_intermediate_current_density(V, p1, p2, d, m),
                          sm.simmons_intermediate_conductance_density(V, p1, p2, d, m))
    else:
        with pytest.raises(MramsimError, match="V"):
            sm.simmons_intermediate_current_density(V, p1, p2, d, m)


@FAST
@given(which=st.sampled_from(["V", "phi1", "phi2", "d", "mass_ratio"]), data=st.data())
def test_closed_forms_invalid_raise(which, data):
    lo, hi = {"V": (-sm.BIAS_RANGE, sm.BIAS_RANGE), "phi1": sm.BARRIER_HEIGHT_RANGE,
              "phi2": sm.BARRIER_HEIGHT_RANGE, "d": sm.THICKNESS_RANGE, "mass_ratio": sm.MASS_RATIO_RANGE}[which]
    args = dict(V=0.01, phi1=1 * eV, phi2=1 * eV, d=1e-9, mass_ratio=1.0)
    args[which] = data.draw(outside(lo, hi))
    for f in (sm.simmons_low_voltage_current_density, sm.simmons_intermediate_current_density,
              sm.bdr_conductance_ratio, sm.bdr_conductance_density):
        with pytest.raises(MramsimError, match=which):
            f(**args)


@SETTINGS
@given(V=V_s, T=log_uniform(*tn.ENGINE_TEMPERATURE_RANGE), p1=phi_s, p2=phi_s, d=d_s, m=m_s)
def test_engine_valid_is_finite(V, T, p1, p2, d, m):
    G = tn.tsu_esaki_conductance_density(V, T, p1, p2, d, m)
    J = tn.tsu_esaki_current_density(V, T, p1, p2, d, m)
    assert all_finite(G, J) and G >= 0


@FAST
@given(which=st.sampled_from(["V", "T", "phi1", "phi2", "d", "mass_ratio"]), data=st.data())
def test_engine_invalid_raises(which, data):
    lo, hi = {"V": (-sm.BIAS_RANGE, sm.BIAS_RANGE), "T": tn.ENGINE_TEMPERATURE_RANGE,
              "phi1": sm.BARRIER_HEIGHT_RANGE, "phi2": sm.BARRIER_HEIGHT_RANGE, "d": sm.THICKNESS_RANGE,
              "mass_ratio": sm.MASS_RATIO_RANGE}[which]
    args = dict(V=0.1, T=300.0, phi1=1 * eV, phi2=1 * eV, d=1e-9, mass_ratio=1.0)
    args[which] = data.draw(outside(lo, hi))
    with pytest.raises(MramsimError, match=which):
        tn.tsu_esaki_current_density(**args)
