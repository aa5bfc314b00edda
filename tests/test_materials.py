"""Electrode and Barrier records, CHANNELS and CITATIONS."""
import dataclasses
import re

import numpy as np
import pytest

from mramsim.constants import eV
from mramsim.errors import ParameterError
from mramsim.materials import CHANNELS, CITATIONS, Barrier, Electrode


def test_channels_order():
    assert CHANNELS == ("delta1", "delta5", "delta2", "delta2p")


def test_citations_have_authors_journal_and_year():
    for key, text in CITATIONS.items():
        year = re.search(r"\((19|20)\d\d\)", text)
        assert year, f"{key}: no year in {text!r}"
        assert key[-4:] == year.group(0)[1:5], f"{key}: key year differs from citation"


def test_electrode_polarization_and_weights():
    el = Electrode(name="Fe", dos_up=0.7, dos_down=0.3, weights_up=[1, 0.5, 0, 0.3], weights_down=(0, 0.6, 0.6, 0.3))
    assert el.polarization == pytest.approx(0.4)
    w = el.channel_weights
    assert w.shape == (2, len(CHANNELS)) and w[0, 0] == 1.0 and w[1, 0] == 0.0
    assert isinstance(el.weights_up, tuple)  # normalised to a tuple of floats
    with pytest.raises(dataclasses.FrozenInstanceError):
        el.dos_up = 1.0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(dos_up=0.0), "dos_up"),
        (dict(dos_down=-0.1), "dos_down"),
        (dict(velocity_up=0.0), "velocity_up"),
        (dict(weights_up=(1.0, 0.5, 0.0)), "weights_up"),
        (dict(weights_down=(0.0, -0.1, 0.5, 0.3)), "weights_down"),
        (dict(fermi_energy=0.0), "fermi_energy"),
        (dict(spin_wave_alpha=1.0), "spin_wave_alpha"),
        (dict(boron_fraction=0.9), "boron_fraction"),
        (dict(dos_up=np.nan), "dos_up"),
    ],
)
def test_electrode_validation_names_field(kwargs, field):
    args = dict(name="X", dos_up=0.7, dos_down=0.3)
    args.update(kwargs)
    with pytest.raises(ParameterError) as info:
        Electrode(**args)
    assert info.value.field == f"Electrode(X).{field}"
    assert f"Electrode(X).{field}" in str(info.value)


def test_barrier_interface_heights():
    b = Barrier(name="MgO", height=0.55 * eV, thickness=1e-9, asymmetry=0.1 * eV)
    assert b.phi1 == pytest.approx(0.5 * eV) and b.phi2 == pytest.approx(0.6 * eV)
    assert b.phi1 + b.phi2 == pytest.approx(2 * b.height)
    assert b.channel_offsets == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(height=0.0), "height"),
        (dict(height=25 * eV), "height"),
        (dict(thickness=0.1e-9), "thickness"),
        (dict(thickness=1.0), "thickness"),  # 1 m: someone meant nm
        (dict(mass_ratio=0.0), "mass_ratio"),
        (dict(asymmetry=2.0 * eV), "asymmetry"),  # would make phi1 negative
        (dict(channel_offsets=(0.0, 0.1 * eV)), "channel_offsets"),
    ],
)
def test_barrier_validation_names_field(kwargs, field):
    args = dict(name="B", height=1.0 * eV, thickness=1e-9)
    args.update(kwargs)
    with pytest.raises(ParameterError) as info:
        Barrier(**args)
    assert info.value.field == f"Barrier(B).{field}"


def test_barrier_asymmetry_keeps_both_heights_positive():
    # the allowed asymmetry range (|dphi| < 1.9 phi) keeps phi1, phi2 > 0
    b = Barrier(name="B", height=1.0 * eV, thickness=1e-9, asymmetry=1.9 * eV)
    assert b.phi1 > 0 and b.phi2 > 0
