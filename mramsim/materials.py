"""Electrode and barrier records, and the named presets with their citations.

An :class:`Electrode` carries what the tunnelling models need at the Fermi
level: spin-resolved densities of states (Julliere), Fermi velocities (transport
polarization with N v^n weighting) and, per spin band, weights over the barrier
symmetry channels ``CHANNELS`` (coherent, symmetry-filtered tunnelling).
A :class:`Barrier` carries the potential profile (heights, thickness,
effective mass) and, per symmetry channel, an extra decay offset.

Energies are in joules inside; presets are written in eV and converted with
:data:`mramsim.constants.eV` once, here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    check_nonnegative,
    check_positive,
    check_scalar,
    check_scalars,
    check_str,
    check_range,
)
from .constants import eV
from .errors import ParameterError

__all__ = ["CHANNELS", "CITATIONS", "Electrode", "Barrier"]

#: Symmetry channels of the (001) tunnelling problem, in this order everywhere.
CHANNELS = ("delta1", "delta5", "delta2", "delta2p")

#: Citation keys used by presets and docstrings.
CITATIONS = {
    "julliere1975": "M. Julliere, Phys. Lett. 54A, 225 (1975). doi:10.1016/0375-9601(75)90174-7",
    "simmons1963": "J. G. Simmons, J. Appl. Phys. 34, 1793 (1963). doi:10.1063/1.1702682",
    "brinkman1970": "W. F. Brinkman, R. C. Dynes, J. M. Rowell, J. Appl. Phys. 41, 1915 (1970). doi:10.1063/1.1659141",
    "tsu1973": "R. Tsu, L. Esaki, Appl. Phys. Lett. 22, 562 (1973). doi:10.1063/1.1654509",
    "mazin1999": "I. I. Mazin, Phys. Rev. Lett. 83, 1427 (1999). doi:10.1103/PhysRevLett.83.1427",
    "butler2001": "W. H. Butler et al., Phys. Rev. B 63, 054416 (2001). doi:10.1103/PhysRevB.63.054416",
    "mathon2001": "J. Mathon, A. Umerski, Phys. Rev. B 63, 220403 (2001). doi:10.1103/PhysRevB.63.220403",
    "heiliger2008": "C. Heiliger et al., Phys. Rev. B 77, 134403 (2008)",
    "parkin2004": "S. S. P. Parkin et al., Nat. Mater. 3, 862 (2004). doi:10.1038/nmat1256",
    "yuasa2004": "S. Yuasa et al., Nat. Mater. 3, 868 (2004). doi:10.1038/nmat1257",
    "hayakawa2006": "J. Hayakawa et al., Appl. Phys. Lett. 89, 232510 (2006)",
    "ikeda2008": "S. Ikeda et al., Appl. Phys. Lett. 93, 082508 (2008). doi:10.1063/1.2976435",
    "shang1998": "C. H. Shang et al., Phys. Rev. B 58, R2917 (1998). doi:10.1103/PhysRevB.58.R2917",
    "zhang1997": "S. Zhang et al., Phys. Rev. Lett. 79, 3744 (1997). doi:10.1103/PhysRevLett.79.3744",
    "kim2023": "Kim et al., Nanomaterials 13, 2591 (2023)",
    "simmons2014": "CoFeB crystallization kinetics, J. Appl. Phys. 116 (2014)",
    "moodera1995": "J. S. Moodera et al., Phys. Rev. Lett. 74, 3273 (1995). doi:10.1103/PhysRevLett.74.3273",
    "gallagher1997": "W. J. Gallagher et al., J. Appl. Phys. 81, 3741 (1997)",
}


def _weights(field_name: str, w) -> tuple:
    allowed = f"{len(CHANNELS)} finite real weights, one per channel {CHANNELS}"
    try:
        if isinstance(w, (str, bytes)) or np.ndim(w) != 1:
            raise ParameterError(field_name, w, allowed)
        w = tuple(check_scalar(field_name, x, allowed) for x in w)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ParameterError):
            raise
        raise ParameterError(field_name, w, allowed) from None
    if len(w) != len(CHANNELS):
        raise ParameterError(field_name, w, f"{len(CHANNELS)} weights, one per channel {CHANNELS}")
    check_nonnegative(field_name, w)
    return w


@dataclass(frozen=True)
class Electrode:
    r"""A ferromagnetic electrode at its Fermi level.

    Parameters
    ----------
    name : str
        Label.
    dos_up, dos_down : float
        Spin-resolved density of states at E_F, majority and minority [arbitrary,
        only ratios matter]. DOS polarization P = (N_up - N_down)/(N_up + N_down).
    velocity_up, velocity_down : float
        Fermi velocities of the two spin bands [m/s] (transport polarization).
    weights_up, weights_down : tuple of 4 float
        Coupling weight of each spin band to the barrier symmetry channels
        ``CHANNELS`` = (Delta1, Delta5, Delta2, Delta2') at E_F [dimensionless].
        bcc Fe / CoFe: the minority band has no Delta1 weight (Butler 2001).
    fermi_energy : float
        Fermi energy above the band bottom [J] (free-electron supply function).
    spin_wave_alpha : float
        Shang et al. (1998) spin-wave parameter alpha in P(T) = P0 (1 - alpha T^1.5) [K^-1.5].
    boron_fraction : float
        Boron atomic fraction as deposited (0.2 for Co40Fe40B20; 0 for Fe, CoFe) [-].
    magnon_cutoff : float
        Cut-off energy E_m of the magnon density of states used by the
        magnon-assisted (Zhang et al. 1997) bias term [J].
    citation : str
        Key into :data:`CITATIONS`.
    dos_slope_up, dos_slope_down : float
        Logarithmic energy slope of each spin band's DOS near E_F,
        :math:`N_\sigma(\epsilon) = N_\sigma(0)\,e^{\beta_\sigma\epsilon}` [1/J]
        (0: energy independent). Fe/Co have a minority d-band peak just
        above E_F (beta_down > 0), so P falls for hot electrons.
    band_edges : tuple of (spin, channel, energy, weight_change)
        Symmetry-resolved band edges: the weight of ``channel`` (name in
        ``CHANNELS``) in band ``spin`` ('up'/'down') changes by
        ``weight_change`` [-] across ``energy`` [J] above E_F, smoothed by
        ``edge_width``: :math:`w(\epsilon) = w + \Delta w\,
        \sigma((\epsilon - E_{edge})/\delta)` (clipped at 0). Example: the
        minority Delta1 band of bcc Fe/CoFe starts above E_F
        (Butler et al. 2001), ``("down", "delta1", E_edge, +w)``.
    edge_width : float
        Smoothing width delta of the band edges [J].
    """

    name: str
    dos_up: float
    dos_down: float
    velocity_up: float = 1.0e6
    velocity_down: float = 1.0e6
    weights_up: tuple = (1.0, 0.5, 0.0, 0.3)
    weights_down: tuple = (0.0, 0.6, 0.6, 0.3)
    fermi_energy: float = 3.0 * eV
    spin_wave_alpha: float = 2.0e-5
    boron_fraction: float = 0.0
    magnon_cutoff: float = 0.1 * eV
    citation: str = ""
    dos_slope_up: float = 0.0
    dos_slope_down: float = 0.0
    band_edges: tuple = ()
    edge_width: float = 0.05 * eV

    def __post_init__(self):
        check_str("Electrode.name", self.name)
        check_scalars(f"Electrode({self.name})", self, ("dos_up", "dos_down", "velocity_up", "velocity_down",
                                                       "fermi_energy", "spin_wave_alpha", "boron_fraction",
                                                       "magnon_cutoff"))
        check_positive(f"Electrode({self.name}).dos_up", self.dos_up)
        check_positive(f"Electrode({self.name}).dos_down", self.dos_down)
        check_positive(f"Electrode({self.name}).velocity_up", self.velocity_up, "m/s")
        check_positive(f"Electrode({self.name}).velocity_down", self.velocity_down, "m/s")
        object.__setattr__(self, "weights_up", _weights(f"Electrode({self.name}).weights_up", self.weights_up))
        object.__setattr__(self, "weights_down", _weights(f"Electrode({self.name}).weights_down", self.weights_down))
        check_positive(f"Electrode({self.name}).fermi_energy", self.fermi_energy, "J")
        check_range(f"Electrode({self.name}).spin_wave_alpha", self.spin_wave_alpha, 0.0, 1e-3, unit="K^-1.5")
        check_range(f"Electrode({self.name}).boron_fraction", self.boron_fraction, 0.0, 0.5)
        check_range(f"Electrode({self.name}).magnon_cutoff", self.magnon_cutoff, 1e-3 * eV, 2.0 * eV, unit="J")
        check_range(f"Electrode({self.name}).dos_slope_up", self.dos_slope_up, -20.0 / eV, 20.0 / eV, unit="1/J")
        check_range(f"Electrode({self.name}).dos_slope_down", self.dos_slope_down, -20.0 / eV, 20.0 / eV, unit="1/J")
        check_range(f"Electrode({self.name}).edge_width", self.edge_width, 1e-3 * eV, 1.0 * eV, unit="J")
        edges = []
        allowed = "tuples (spin 'up'/'down', channel in CHANNELS, energy [J] in [-2, 2] eV, weight change)"
        for item in tuple(self.band_edges):
            try:
                spin, chan, energy, dw = item
                energy, dw = float(energy), float(dw)
            except (TypeError, ValueError):
                raise ParameterError(f"Electrode({self.name}).band_edges", item, allowed) from None
            if spin not in ("up", "down") or chan not in CHANNELS or not (-2 * eV <= energy <= 2 * eV) \
                    or not np.isfinite(dw):
                raise ParameterError(f"Electrode({self.name}).band_edges", item, allowed)
            edges.append((spin, chan, energy, dw))
        object.__setattr__(self, "band_edges", tuple(edges))

    @property
    def energy_dependent(self) -> bool:
        """True when DOS slopes or band edges make the electrode energy dependent."""
        return bool(self.band_edges) or self.dos_slope_up != 0.0 or self.dos_slope_down != 0.0

    @property
    def polarization(self) -> float:
        """DOS spin polarization (N_up - N_down)/(N_up + N_down) [-]."""
        return (self.dos_up - self.dos_down) / (self.dos_up + self.dos_down)

    @property
    def channel_weights(self) -> np.ndarray:
        """Weights as an array of shape (2, 4): [spin (up, down), channel]."""
        return np.array([self.weights_up, self.weights_down], dtype=float)


@dataclass(frozen=True)
class Barrier:
    """A tunnel barrier: trapezoidal potential with symmetry-dependent decay.

    Parameters
    ----------
    name : str
        Label.
    height : float
        Mean barrier height above E_F at zero bias, phi [J].
    thickness : float
        Barrier thickness d [m].
    mass_ratio : float
        Tunnelling effective mass m*/m_e [-].
    asymmetry : float
        Height difference phi2 - phi1 between the right and left interfaces [J];
        phi1 = height - asymmetry/2, phi2 = height + asymmetry/2.
    channel_offsets : tuple of 4 float
        Extra effective barrier height seen by each symmetry channel
        (Delta1, Delta5, Delta2, Delta2') [J]. Zero for all channels means
        no symmetry filtering (amorphous AlOx); in MgO(001) Delta1 decays
        slowest (Butler 2001), so its offset is 0 and the others are positive.
    citation : str
        Key into :data:`CITATIONS`.
    interference_amplitude : float
        Relative amplitude A of the Delta1 interference with the complex-k
        evanescent state (thickness oscillation of TMR, Yuasa 2004) [-], >= 0.
    interference_period : float
        Oscillation period Lambda in thickness [m] (MgO: ~0.3 nm).
    interference_phase : float
        Phase phi of the oscillation [rad].
    thickness_roughness : float
        rms thickness fluctuation sigma_d over the junction [m]; averages the
        oscillation by exp(-2 (pi/Lambda)^2 sigma_d^2).
    """

    name: str
    height: float
    thickness: float
    mass_ratio: float = 1.0
    asymmetry: float = 0.0
    channel_offsets: tuple = (0.0, 0.0, 0.0, 0.0)
    citation: str = ""
    interference_amplitude: float = 0.0
    interference_period: float = 0.3e-9
    interference_phase: float = 0.0
    thickness_roughness: float = 0.0

    def __post_init__(self):
        check_str("Barrier.name", self.name)
        check_scalars(f"Barrier({self.name})", self, ("height", "thickness", "mass_ratio", "asymmetry"))
        check_range(f"Barrier({self.name}).height", self.height, 0.01 * eV, 20 * eV, unit="J")
        check_range(f"Barrier({self.name}).thickness", self.thickness, 0.2e-9, 10e-9, unit="m")
        check_range(f"Barrier({self.name}).mass_ratio", self.mass_ratio, 0.01, 10.0)
        check_range(
            f"Barrier({self.name}).asymmetry", self.asymmetry, -1.9 * self.height, 1.9 * self.height, unit="J"
        )
        object.__setattr__(
            self, "channel_offsets", _weights(f"Barrier({self.name}).channel_offsets", self.channel_offsets)
        )
        check_range(f"Barrier({self.name}).interference_amplitude", self.interference_amplitude, 0.0, 0.9)
        check_range(f"Barrier({self.name}).interference_period", self.interference_period, 0.05e-9, 5e-9, unit="m")
        check_range(f"Barrier({self.name}).interference_phase", self.interference_phase, -10.0, 10.0, unit="rad")
        check_range(f"Barrier({self.name}).thickness_roughness", self.thickness_roughness, 0.0, 1e-9, unit="m")

    @property
    def phi1(self) -> float:
        """Left-interface barrier height [J]."""
        return self.height - 0.5 * self.asymmetry

    @property
    def phi2(self) -> float:
        """Right-interface barrier height [J]."""
        return self.height + 0.5 * self.asymmetry
