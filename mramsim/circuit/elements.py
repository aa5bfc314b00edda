r"""Bit-cell elements of a 1T-1MTJ array: the access NMOS and the wires.

Access transistor
-----------------
Level-1 (Shichman-Hodges) MOSFET, the equations of SPICE's ``LEVEL=1`` model
with ``GAMMA = 0`` (no body effect), so the same parameters go into the
netlist's ``.model`` card and into the Python solver and the two agree to
round-off. With :math:`V_{GST} = V_{GS} - V_{TO}` and
:math:`\beta = K_P\,W/L` (forward mode, :math:`V_{DS} \ge 0`):

.. math::
    I_D = \begin{cases}
      0 & V_{GST} \le 0 \quad\text{(cut-off)}\\
      \beta\,V_{DS}\,(V_{GST} - V_{DS}/2)\,(1 + \lambda V_{DS}) & 0 < V_{DS} < V_{GST}
        \quad\text{(linear)}\\
      \tfrac{\beta}{2}\,V_{GST}^2\,(1 + \lambda V_{DS}) & V_{DS} \ge V_{GST}
        \quad\text{(saturation)}
    \end{cases}

For :math:`V_{DS} < 0` drain and source swap roles (the device is symmetric):
:math:`I_D(V_{GS}, V_{DS}) = -I_D(V_{GS} - V_{DS}, -V_{DS})`, as in SPICE.

References: H. Shichman and D. A. Hodges, "Modeling and simulation of
insulated-gate field-effect transistor switching circuits", IEEE J. Solid-State
Circuits 3, 285-289 (1968), DOI 10.1109/JSSC.1968.1049902; the ``mos1`` model
of ngspice (H. Vogt et al., *Ngspice User's Manual* v39, 2023, section 11.2).

Off-state leakage is an explicit drain-source conductance ``G_OFF`` (a
resistor ``1/G_OFF`` in the netlist), present in every cell, on or off. The
model has no bulk junctions (the solver has none; the netlist's ``.model``
switches ngspice's off), so a cut-off cell carries exactly ``G_OFF`` times its
drain-source voltage in both.

Temperature model (explicit, applied in Python; the netlist receives the
already-scaled values and sets the model's ``TNOM`` equal to the simulation
temperature so that ngspice applies no scaling of its own):

.. math::
    K_P(T) = K_P\,(T/T_{NOM})^{B_{EX}},\qquad
    V_{TO}(T) = V_{TO} + T_{CV}\,(T - T_{NOM}),\qquad
    G_{OFF}(T) = G_{OFF}\,\exp\big(T_{CG}\,(T - T_{NOM})\big)

``B_EX = -1.5`` is the phonon-limited mobility exponent that SPICE's level-1
model itself uses (P. Antognetti and G. Massobrio, *Semiconductor Device
Modeling with SPICE*, 2nd ed., McGraw-Hill 1993, ch. 4); ``T_CV`` of about
-1 mV/K is the typical threshold temperature coefficient of bulk NMOS
(S. M. Sze and K. K. Ng, *Physics of Semiconductor Devices*, 3rd ed., Wiley
2007, section 6.2); the exponential leakage coefficient ``T_CG`` is empirical
(0.03 /K doubles the leakage every ~23 K).

Wires
-----
:class:`Wires` holds the resistance and capacitance of one cell-pitch segment
of bit line (BL) and source line (SL).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._text import check_name
from .._validation import check_nonnegative, check_positive, check_range, check_temperature
from ..constants import T0_CELSIUS, T_NOM
from ..errors import NetlistError, ParameterError

__all__ = ["AccessNMOS", "Wires", "level1_ids", "level1_ids_derivs"]


def _fmt(x: float) -> str:
    return f"{float(x):.15g}"


# -- pure functions ------------------------------------------------------------
def level1_ids_derivs(vgs, vds, vto, beta, lam):
    r"""Level-1 drain current and its derivatives, both polarities of ``vds``.

    Parameters
    ----------
    vgs : array_like
        Gate-source voltage [V].
    vds : array_like
        Drain-source voltage [V] (negative: source and drain swap roles).
    vto : array_like
        Threshold voltage [V].
    beta : array_like
        Gain factor :math:`K_P W/L` [A/V^2].
    lam : float
        Channel-length modulation :math:`\lambda` [1/V].

    Returns
    -------
    ids, gm, gds : ndarray
        Drain current (drain -> source) [A], :math:`\partial I_D/\partial V_{GS}`
        [S] and :math:`\partial I_D/\partial V_{DS}` [S].

    Notes
    -----
    Shichman-Hodges equations (see the module docstring); in reverse mode
    (:math:`V_{DS} < 0`) the roles of drain and source swap:
    :math:`V_{GST} = V_{GS} - V_{DS} - V_{TO}` and the current changes sign.
    """
    vgs = np.asarray(vgs, float)
    vds = np.asarray(vds, float)
    rev = vds < 0.0
    vd = np.abs(vds)                      # |V_DS| in the device's own frame
    vgst = np.where(rev, vgs - vds, vgs) - vto
    on = vgst > 0.0
    sat = vd >= vgst
    k = 1.0 + lam * vd
    # currents and derivatives in the device frame (forward: I = f(vgst, vd))
    f_lin = beta * vd * (vgst - 0.5 * vd)
    f_sat = 0.5 * beta * vgst * vgst
    f = np.where(sat, f_sat, f_lin)
    df_dvgst = np.where(sat, beta * vgst, beta * vd)
    df_dvd = np.where(sat, 0.0, beta * (vgst - vd))
    i_dev = np.where(on, f * k, 0.0)
    g_vgst = np.where(on, df_dvgst * k, 0.0)
    g_vd = np.where(on, df_dvd * k + f * lam, 0.0)
    # back to the terminal frame
    # forward: vgst = vgs - vto, vd = vds -> gm = g_vgst, gds = g_vd
    # reverse: vgst = vgs - vds - vto, vd = -vds, I = -i_dev
    #   dI/dvgs = -g_vgst ; dI/dvds = -(g_vgst*(-1) + g_vd*(-1)) = g_vgst + g_vd
    ids = np.where(rev, -i_dev, i_dev)
    gm = np.where(rev, -g_vgst, g_vgst)
    gds = np.where(rev, g_vgst + g_vd, g_vd)
    return ids, gm, gds


def level1_ids(vgs, vds, vto, beta, lam):
    """Level-1 drain current [A] (drain -> source); see :func:`level1_ids_derivs`.

    Parameters
    ----------
    vgs, vds : array_like
        Gate-source and drain-source voltages [V].
    vto : array_like
        Threshold voltage [V].
    beta : array_like
        Gain factor K_P W / L [A/V^2].
    lam : float
        Channel-length modulation [1/V].
    """
    return level1_ids_derivs(vgs, vds, vto, beta, lam)[0]


# -- classes -------------------------------------------------------------------
@dataclass(frozen=True)
class AccessNMOS:
    """Level-1 access NMOS with explicit off-state leakage and temperature model.

    Parameters
    ----------
    W : float
        Channel width [m].
    L : float
        Channel length [m].
    VTO : float
        Zero-bias threshold voltage at TNOM [V] (> 0: the unselected cells
        must be off with the word line at 0 V).
    KP : float
        Transconductance parameter mu_n C_ox at TNOM [A/V^2].
    LAMBDA : float
        Channel-length modulation [1/V].
    G_OFF : float
        Off-state drain-source leakage conductance at TNOM [S].
    TNOM : float
        Temperature at which VTO, KP and G_OFF are given [K].
    TCV : float
        Threshold temperature coefficient [V/K].
    BEX : float
        Mobility temperature exponent of KP [-].
    TCG : float
        Exponential temperature coefficient of G_OFF [1/K].
    name : str
        ``.model`` name used in netlists.
    """

    W: float = 0.3e-6
    L: float = 0.1e-6
    VTO: float = 0.4
    KP: float = 3.0e-4
    LAMBDA: float = 0.05
    G_OFF: float = 1.0e-9
    TNOM: float = T_NOM
    TCV: float = -1.0e-3
    BEX: float = -1.5
    TCG: float = 0.03
    name: str = "nacc"

    def __post_init__(self):
        check_positive("AccessNMOS.W", self.W, "m")
        check_positive("AccessNMOS.L", self.L, "m")
        check_range("AccessNMOS.VTO", self.VTO, 0.0, 5.0, lo_open=True, unit="V")
        check_positive("AccessNMOS.KP", self.KP, "A/V^2")
        check_range("AccessNMOS.LAMBDA", self.LAMBDA, 0.0, 1.0, unit="1/V")
        check_range("AccessNMOS.G_OFF", self.G_OFF, 0.0, 1e-3, lo_open=True, unit="S")
        check_temperature("AccessNMOS.TNOM", self.TNOM)
        check_range("AccessNMOS.TCV", self.TCV, -0.02, 0.02, unit="V/K")
        check_range("AccessNMOS.BEX", self.BEX, -5.0, 5.0)
        check_range("AccessNMOS.TCG", self.TCG, -1.0, 1.0, unit="1/K")
        try:
            check_name("AccessNMOS.name", self.name)
        except NetlistError:
            raise ParameterError("AccessNMOS.name", self.name,
                                 "a SPICE-safe identifier [A-Za-z_][A-Za-z0-9_]{0,63}, not a keyword") from None

    # -- temperature -------------------------------------------------------
    def vto(self, T, vth_shift=0.0):
        """Threshold voltage V_TO(T) + vth_shift [V].

        Parameters
        ----------
        T : array_like
            Temperature [K].
        vth_shift : array_like
            Per-device threshold shift (variation) [V].
        """
        check_temperature("temperature", T)
        return self.VTO + self.TCV * (np.asarray(T, float) - self.TNOM) + vth_shift

    def kp(self, T):
        """K_P(T) = K_P (T/TNOM)^BEX [A/V^2]; ``T`` [K]."""
        check_temperature("temperature", T)
        return self.KP * (np.asarray(T, float) / self.TNOM) ** self.BEX

    def beta(self, T):
        """Gain factor K_P(T) W / L [A/V^2]; ``T`` [K]."""
        return self.kp(T) * self.W / self.L

    def g_off(self, T):
        """Leakage conductance G_OFF exp(TCG (T - TNOM)) [S]; ``T`` [K]."""
        check_temperature("temperature", T)
        return self.G_OFF * np.exp(self.TCG * (np.asarray(T, float) - self.TNOM))

    # -- currents ------------------------------------------------------------
    def ids(self, vgs, vds, T, vth_shift=0.0):
        """Channel current (no leakage), drain -> source [A].

        Parameters
        ----------
        vgs, vds : array_like
            Gate-source and drain-source voltages [V].
        T : float
            Temperature [K].
        vth_shift : array_like
            Threshold shift [V].
        """
        return level1_ids(vgs, vds, self.vto(T, vth_shift), self.beta(T), self.LAMBDA)

    def current(self, vgs, vds, T, vth_shift=0.0):
        """Total drain -> source current, channel plus leakage G_OFF(T) V_DS [A].

        Parameters
        ----------
        vgs, vds : array_like
            Gate-source and drain-source voltages [V].
        T : float
            Temperature [K].
        vth_shift : array_like
            Threshold shift [V].
        """
        return self.ids(vgs, vds, T, vth_shift) + self.g_off(T) * np.asarray(vds, float)

    # -- netlist -----------------------------------------------------------
    def model_card(self, T, *, vth_shift: float = 0.0, name: str | None = None) -> str:
        """The ngspice ``.model`` line with the parameters already scaled to ``T``.

        ``TNOM`` in the card equals ``T`` (in degC), so ngspice's own level-1
        temperature scaling is the identity; GAMMA = 0, LD = 0, no series
        resistances, so its equations are exactly :func:`level1_ids_derivs`.
        The bulk junctions are switched off (``IS=0 JS=0``: no saturation
        current, which ngspice would otherwise default to 1e-14 A per
        junction; ``CBD=0 CBS=0 CJ=0 CJSW=0``: no junction capacitance), as
        the Python solver has none. ngspice still puts its ``gmin`` across each
        junction; the array netlist sets it far below ``G_OFF``.

        Parameters
        ----------
        T : float
            Simulation temperature [K].
        vth_shift : float
            Threshold shift written into VTO [V].
        name : str, optional
            Model name (default ``self.name``; checked with :func:`mramsim._text.check_name`).
        """
        name = self.name if name is None else check_name("name", name)
        vto = float(self.vto(T, vth_shift))
        kp = float(self.kp(T))
        t_c = float(T) - T0_CELSIUS
        return (f".model {name} nmos (LEVEL=1 VTO={_fmt(vto)} KP={_fmt(kp)} "
                f"LAMBDA={_fmt(self.LAMBDA)} GAMMA=0 PHI=0.6 LD=0 RD=0 RS=0 "
                f"IS=0 JS=0 CBD=0 CBS=0 CJ=0 CJSW=0 TNOM={_fmt(t_c)})")


@dataclass(frozen=True)
class Wires:
    """Bit-line and source-line wire segments, one per cell pitch.

    Parameters
    ----------
    r_bl : float
        BL resistance per segment [ohm] (> 0; use e.g. 1e-3 for near-ideal).
    r_sl : float
        SL resistance per segment [ohm] (> 0).
    c_bl : float
        BL capacitance to ground per segment [F] (0: none written).
    c_sl : float
        SL capacitance to ground per segment [F].
    """

    r_bl: float = 1.0
    r_sl: float = 1.0
    c_bl: float = 0.0
    c_sl: float = 0.0

    def __post_init__(self):
        check_range("Wires.r_bl", self.r_bl, 0.0, 1e6, lo_open=True, unit="ohm")
        check_range("Wires.r_sl", self.r_sl, 0.0, 1e6, lo_open=True, unit="ohm")
        check_nonnegative("Wires.c_bl", self.c_bl, "F")
        check_nonnegative("Wires.c_sl", self.c_sl, "F")
