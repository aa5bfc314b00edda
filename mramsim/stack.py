"""The junction stack (electrodes, barrier, geometry) and its anneal.

``Stack.preset(name)`` returns a calibrated stack; presets are data in
:data:`PRESETS`, each with citation keys into :data:`mramsim.materials.CITATIONS`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ._validation import check_choice, check_nonnegative, check_positive, check_range, check_scalars, check_str
from .constants import eV
from .errors import ParameterError, UnknownNameError
from .materials import Barrier, Electrode

__all__ = ["Stack", "Anneal", "PRESETS", "CAPS"]

#: Cap / boron-sink layers known to the annealing model.
CAPS = ("Ta", "W", "Mo", "Pt")


@dataclass(frozen=True)
class Anneal:
    """A post-deposition anneal.

    Parameters
    ----------
    temperature : float
        Anneal temperature [K]; allowed 250-1100 K.
    time : float
        Anneal time at temperature [s]; allowed (0, 1e7] s.
    cap : str
        Cap / boron-sink layer next to the free CoFeB: one of :data:`CAPS`.
    """

    temperature: float
    time: float = 3600.0
    cap: str = "Ta"

    def __post_init__(self):
        check_scalars("Anneal", self, ("temperature", "time"))
        check_range("Anneal.temperature", self.temperature, 250.0, 1100.0, unit="K")
        check_range("Anneal.time", self.time, 0.0, 1e7, lo_open=True, unit="s")
        check_choice("Anneal.cap", self.cap, CAPS)


@dataclass(frozen=True)
class Stack:
    """A magnetic tunnel junction stack.

    Parameters
    ----------
    name : str
        Label (the preset name for presets).
    left, right : Electrode
        Reference (left) and free (right) electrodes.
    barrier : Barrier
        The tunnel barrier.
    area : float
        Junction area [m^2].
    r_series : float
        Series (lead + electrode) resistance [ohm], >= 0.
    correlation_length : float
        Lateral correlation length xi of interface disorder [m] (perfect
        interface: large). Broadens k-parallel by ~1/xi.
    diffuse_fraction : float
        Fraction of the tunnelling that is diffuse (symmetry and k-parallel
        not conserved) for a fully crystallized stack [0, 1].
    crystalline_as_grown : float
        Crystalline fraction of the electrode/barrier interfaces before any
        anneal [0, 1]: 1 for epitaxial Fe/MgO/Fe, 0 for amorphous CoFeB.
    coherent_barrier : bool
        Whether the barrier is crystalline and can filter by symmetry
        (MgO(001): True; amorphous AlOx: False).
    magnon_coupling : float
        Dimensionless strength q_m of magnon-assisted (spin-flip) tunnelling:
        the spin-flip to spin-conserving conductance ratio once the bias
        exceeds the magnon cut-off (Zhang et al. 1997) [-], >= 0.
    si_ratio : float
        Spin-independent (hopping) conductance at T_NOM as a fraction of the
        unpolarized direct-tunnelling conductance; scales as T^(4/3)
        (Shang et al. 1998) [-], >= 0.
    citations : tuple of str
        Keys into :data:`mramsim.materials.CITATIONS`.
    crystallization_spread : float
        Width sigma_T of the distribution of local crystallization
        temperatures [K] (0: a single JMAK temperature, a step-like onset);
        see :func:`mramsim.physics.annealing.crystalline_fraction_spread`.
    cap_onset_shift : float
        Shift of the cap's interdiffusion onset temperature by this stack [K]
        (a diffusion barrier between cap and CoFeB raises it).
    boron_sink_scale : float
        Factor on the cap's boron sink strength for this stack [-].
    """

    name: str
    left: Electrode
    barrier: Barrier
    right: Electrode
    area: float
    r_series: float = 0.0
    correlation_length: float = 20e-9
    diffuse_fraction: float = 0.05
    crystalline_as_grown: float = 0.0
    coherent_barrier: bool = True
    magnon_coupling: float = 0.2
    si_ratio: float = 0.0
    citations: tuple = ()
    crystallization_spread: float = 0.0
    cap_onset_shift: float = 0.0
    boron_sink_scale: float = 1.0

    def __post_init__(self):
        check_str("Stack.name", self.name)
        if not isinstance(self.left, Electrode):
            raise ParameterError("Stack.left", self.left, "an Electrode")
        if not isinstance(self.right, Electrode):
            raise ParameterError("Stack.right", self.right, "an Electrode")
        if not isinstance(self.barrier, Barrier):
            raise ParameterError("Stack.barrier", self.barrier, "a Barrier")
        check_scalars("Stack", self, ("area", "r_series", "correlation_length", "diffuse_fraction",
                                      "crystalline_as_grown", "magnon_coupling", "si_ratio"))
        check_range("Stack.area", self.area, 1e-18, 1e-6, unit="m^2")
        check_nonnegative("Stack.r_series", self.r_series, "ohm")
        check_range("Stack.correlation_length", self.correlation_length, 0.1e-9, 1e-3, unit="m")
        check_range("Stack.diffuse_fraction", self.diffuse_fraction, 0.0, 1.0)
        check_range("Stack.crystalline_as_grown", self.crystalline_as_grown, 0.0, 1.0)
        check_range("Stack.magnon_coupling", self.magnon_coupling, 0.0, 10.0)
        check_range("Stack.si_ratio", self.si_ratio, 0.0, 100.0)
        check_range("Stack.crystallization_spread", self.crystallization_spread, 0.0, 200.0, unit="K")
        check_range("Stack.cap_onset_shift", self.cap_onset_shift, -300.0, 300.0, unit="K")
        check_range("Stack.boron_sink_scale", self.boron_sink_scale, 0.0, 100.0, lo_open=True)

    @property
    def thickness(self) -> float:
        """Barrier thickness [m]."""
        return self.barrier.thickness

    def with_thickness(self, thickness: float) -> "Stack":
        """Copy with another barrier thickness [m]."""
        return replace(self, barrier=replace(self.barrier, thickness=thickness))

    def replace(self, **changes) -> "Stack":
        """Copy with fields changed (validated again)."""
        return replace(self, **changes)

    @classmethod
    def preset(cls, name: str) -> "Stack":
        """A named, calibrated stack: one of :data:`PRESETS`.

        Raises
        ------
        UnknownNameError
            If ``name`` is not a preset; the message lists the valid names.
        """
        try:
            factory = PRESETS[name]
        except (KeyError, TypeError):
            raise UnknownNameError("Stack.preset", name, PRESETS) from None
        return factory()

    @staticmethod
    def preset_names() -> tuple:
        """Names accepted by :meth:`preset`."""
        return tuple(PRESETS)


def _circle(diameter: float) -> float:
    return math.pi * (0.5 * diameter) ** 2


# --- presets ---------------------------------------------------------------
# Electrode numbers: DOS at E_F and symmetry-channel content after Butler et al.
# (2001) for bcc Fe(001) (majority band carries Delta1, minority does not);
# CoFe(B) after crystallization behaves like bcc Fe/CoFe. Effective barrier
# heights and masses are the usual fitted values for MgO (~0.4-0.9 eV, m* ~0.3-0.4)
# and AlOx (~1.5-2.5 eV, m* ~0.4). Calibration (docs/physics_device.md):
# cofeb_mgo after 400 C / 1 h / Ta: RA ~11 ohm um^2, TMR ~220 % at 300 K,
# V_h ~0.4 V; fe_mgo_fe: ~200 % at 300 K (Yuasa 2004: 180 %); cofe_alox:
# Julliere-like ~37 %, V_h ~0.27 V. Channel offsets of MgO: Delta1 decays
# slowest (Butler 2001); magnon_coupling sets V_h (Zhang 1997).


def _cofe(name="CoFe(B)", boron=0.0, citation="butler2001", magnon_cutoff=0.3 * eV):
    return Electrode(
        name=name,
        dos_up=0.72,
        dos_down=0.28,
        velocity_up=0.8e6,
        velocity_down=0.5e6,
        weights_up=(1.0, 0.45, 0.0, 0.25),
        weights_down=(0.0, 0.55, 0.5, 0.35),
        fermi_energy=3.0 * eV,
        spin_wave_alpha=2.0e-5,
        boron_fraction=boron,
        magnon_cutoff=magnon_cutoff,
        citation=citation,
    )


def _fe():
    return Electrode(
        name="Fe(001)",
        dos_up=0.70,
        dos_down=0.30,
        velocity_up=0.8e6,
        velocity_down=0.5e6,
        weights_up=(1.0, 0.45, 0.0, 0.25),
        weights_down=(0.0, 0.55, 0.5, 0.35),
        fermi_energy=3.0 * eV,
        spin_wave_alpha=1.5e-5,
        magnon_cutoff=0.3 * eV,
        citation="butler2001",
    )


def _preset_cofeb_mgo() -> Stack:
    mgo = Barrier(
        name="MgO(001)",
        height=0.55 * eV,
        thickness=1.0e-9,
        mass_ratio=0.35,
        asymmetry=0.05 * eV,
        channel_offsets=(0.0, 0.6 * eV, 1.0 * eV, 0.8 * eV),
        citation="butler2001",
        # sputtered, textured MgO: ~1 ML thickness roughness averages the 0.3 nm oscillation away
        interference_amplitude=0.12,
        interference_period=0.3e-9,
        thickness_roughness=0.25e-9,
    )
    return Stack(
        name="cofeb_mgo",
        left=_cofe("CoFeB (ref)", boron=0.2, citation="ikeda2008"),
        barrier=mgo,
        right=_cofe("CoFeB (free)", boron=0.2, citation="ikeda2008"),
        area=_circle(60e-9),
        r_series=100.0,
        correlation_length=3e-9,
        diffuse_fraction=0.02,
        crystalline_as_grown=0.0,
        coherent_barrier=True,
        magnon_coupling=0.42,
        si_ratio=0.06,
        citations=("ikeda2008", "parkin2004", "butler2001", "kim2023"),
        crystallization_spread=25.0,
    )


def _preset_cofeb_mgo_psv() -> Stack:
    """Pseudo-spin-valve CoFeB/MgO(2.1 nm)/CoFeB with Ta diffusion suppressed.

    Calibrated to Hayakawa et al. 2006 (472 % RT / 804 % 5 K after 450 C) and
    Ikeda et al. 2008 (604 % RT / 1144 % 5 K after 525 C): a nearly fully
    coherent interface (diffuse fraction 0.5 %, xi = 8 nm), a diffusion
    barrier that delays Ta interdiffusion by 200 K, and a broad distribution
    of local crystallization temperatures (85 K) so TMR keeps rising from
    450 to 525 C as the last grains crystallize.
    """
    mgo = replace(_preset_cofeb_mgo().barrier, name="MgO(001) 2.1 nm", thickness=2.1e-9)  # same MgO, thicker
    el = replace(_cofe("CoFeB (PSV)", boron=0.2, citation="ikeda2008"), spin_wave_alpha=1.0e-5)
    return Stack(
        name="cofeb_mgo_psv",
        left=el,
        barrier=mgo,
        right=el,
        area=1e-12,
        r_series=5.0,
        correlation_length=8e-9,
        diffuse_fraction=0.005,
        crystalline_as_grown=0.0,
        coherent_barrier=True,
        magnon_coupling=0.42,
        si_ratio=0.02,
        citations=("ikeda2008", "hayakawa2006", "butler2001"),
        crystallization_spread=85.0,
        cap_onset_shift=200.0,
    )


def _preset_fe_mgo_fe() -> Stack:
    mgo = Barrier(
        name="MgO(001) epitaxial",
        height=0.75 * eV,
        thickness=2.0e-9,
        mass_ratio=0.35,
        asymmetry=0.0,
        channel_offsets=(0.0, 0.35 * eV, 0.9 * eV, 0.6 * eV),
        citation="butler2001",
        # Yuasa 2004: TMR oscillates with t_MgO, period ~0.3 nm; the phase puts a maximum at 2.0 nm
        interference_amplitude=0.12,
        interference_period=0.3e-9,
        interference_phase=2.0 * math.pi / 3.0,
        thickness_roughness=0.05e-9,
    )
    return Stack(
        name="fe_mgo_fe",
        left=_fe(),
        barrier=mgo,
        right=_fe(),
        area=1e-12,
        r_series=5.0,
        correlation_length=50e-9,
        diffuse_fraction=0.4,
        crystalline_as_grown=1.0,
        coherent_barrier=True,
        magnon_coupling=0.3,
        si_ratio=0.0,
        citations=("butler2001", "yuasa2004"),
    )


def _preset_cofe_alox() -> Stack:
    alox = Barrier(
        name="AlOx (amorphous)",
        height=2.0 * eV,
        thickness=1.2e-9,
        mass_ratio=0.4,
        asymmetry=0.3 * eV,
        channel_offsets=(0.0, 0.0, 0.0, 0.0),
        citation="gallagher1997",
    )
    return Stack(
        name="cofe_alox",
        left=_cofe("CoFe", boron=0.0, citation="moodera1995", magnon_cutoff=0.25 * eV),
        barrier=alox,
        right=_cofe("CoFe", boron=0.0, citation="moodera1995", magnon_cutoff=0.25 * eV),
        area=1e-12,
        r_series=5.0,
        correlation_length=1e-9,
        diffuse_fraction=1.0,
        crystalline_as_grown=0.0,
        coherent_barrier=False,
        magnon_coupling=0.9,
        si_ratio=0.05,
        citations=("moodera1995", "gallagher1997", "julliere1975"),
    )


#: Registry of presets: name -> factory.
PRESETS = {
    "cofeb_mgo": _preset_cofeb_mgo,
    "fe_mgo_fe": _preset_fe_mgo_fe,
    "cofe_alox": _preset_cofe_alox,
    "cofeb_mgo_psv": _preset_cofeb_mgo_psv,
}
