"""Physical constants, all taken from :mod:`scipy.constants` (CODATA).

Nothing here is hand-typed except unit conversions that are definitions.
"""
from scipy import constants as _c

#: Elementary charge [C]
e = _c.e
#: Reduced Planck constant [J s]
hbar = _c.hbar
#: Planck constant [J s]
h = _c.h
#: Electron rest mass [kg]
m_e = _c.m_e
#: Boltzmann constant [J/K]
k_B = _c.k
#: Conductance quantum e^2/h per spin [S]
G0_PER_SPIN = _c.e**2 / _c.h
#: One electronvolt [J]
eV = _c.electron_volt
#: Zero degrees Celsius [K]
T0_CELSIUS = _c.zero_Celsius
#: Room temperature reference used for fitted models [K] (27 C, SPICE's TNOM)
T_NOM = _c.zero_Celsius + 27.0
#: One micrometre squared [m^2] (for RA in ohm um^2 at the edges)
UM2 = _c.micro**2
