"""Shape helpers of :class:`mramsim.compact.model.CompactMTJ` (kept apart to hold model.py small).

* :func:`magnon_F` -- the smooth magnon emission factor (Zhang, Levy, Marley,
  Parkin, PRL 79, 3744 (1997), doi:10.1103/PhysRevLett.79.3744);
* :func:`variation_multipliers` -- the equations of
  :meth:`CompactMTJ.variation_scales` (Simmons, J. Appl. Phys. 34, 1793
  (1963), doi:10.1063/1.1702682: R ~ exp(2 kappa d)/A).
"""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError

__all__ = ["MAGNON_C", "magnon_F", "variation_multipliers", "SENSITIVITY_KEYS", "PARAMETER_UNITS",
           "NUMERIC_PARAMETERS"]

#: Keys of :attr:`CompactMTJ.sensitivities` used by :meth:`CompactMTJ.variation_scales`.
SENSITIVITY_KEYS = ("dlnRP_dthickness", "dlnTMR_dthickness", "dlnRP_danneal", "dlnTMR_danneal")

#: Units of the numeric parameters (for reports and card headers).
PARAMETER_UNITS = {
    "r_p0": "ohm", "tmr0": "-", "area": "m^2", "vh_pos": "V", "vh_neg": "V", "b1": "1/V",
    "b2": "1/V^2", "b3": "1/V^3", "b4": "1/V^4", "tc_rp": "1/K", "tc2_rp": "1/K^2",
    "tc_rp_bias": "1/(V^2 K)", "tc_tmr": "1/K", "tc2_tmr": "1/K^2", "p_nom": "-", "tc_vbias": "1/K",
    "tmr_q": "-", "tmr_g": "-", "q_mag": "-", "v_mag": "V", "n_mag": "-", "v_c": "V", "v_w": "V", "t_nom": "K",
}

#: Numeric model parameters, in the order the exporters write them.
NUMERIC_PARAMETERS = tuple(PARAMETER_UNITS)

#: Constants (c1, c2, g0) of the smooth magnon emission factor :func:`magnon_F`.
MAGNON_C = (-1.0084, 3.333, 1.4107)


def magnon_F(z):
    r"""Smooth magnon emission factor and its derivative, (F(z), dF/dz).

    :math:`F(z) = z^{3/2}(1 + c_1 z + c_2 z^2)/(5/2 + z^{3/2}(g_0 + g_1 z + c_2 z^2))`,
    :math:`g_1 = c_1 + \tfrac35 c_2`: :math:`\tfrac25 z^{3/2}` at small z,
    :math:`1 - \tfrac{3}{5z}` at large z (Zhang 1997's limits), within 0.012 of
    Zhang's piecewise factor everywhere; increasing, numerator and denominator > 0.
    """
    c1, c2, g0 = MAGNON_C
    g1 = c1 + 0.6 * c2
    s = np.sqrt(z)
    z15 = z * s
    pz = 1.0 + z * (c1 + c2 * z)
    qz = g0 + z * (g1 + c2 * z)
    den = 2.5 + z15 * qz
    dnum = s * (1.5 * pz + z * (c1 + 2.0 * c2 * z))
    dden = s * (1.5 * qz + z * (g1 + 2.0 * c2 * z))
    num = z15 * pz
    return num / den, (dnum * den - num * dden) / (den * den)


def variation_multipliers(sensitivities: dict, dd, da, dta):
    """(r_scale, tmr_scale) for thickness [m], relative area [-] and anneal [K] changes (no checks).

    ``k_R = exp(S_Rd dd + S_Ra dta)/(1 + da)``, ``k_tau = exp(S_td dd + S_ta dta)``
    with the physics sensitivities ``sensitivities`` (keys as
    :data:`mramsim.compact.model.SENSITIVITY_KEYS`).
    """

    def sens(key, delta, what):
        if key in sensitivities:
            return sensitivities[key] * delta
        if np.any(delta != 0):
            raise ParameterError(
                f"CompactMTJ.sensitivities[{key!r}]", None,
                "a physics sensitivity (fit from an RVTable that carries it)",
                hint=f"needed for a non-zero {what}")
        return np.zeros(np.shape(delta))

    ln_r = sens("dlnRP_dthickness", dd, "d_thickness") + sens("dlnRP_danneal", dta, "d_anneal")
    ln_t = sens("dlnTMR_dthickness", dd, "d_thickness") + sens("dlnTMR_danneal", dta, "d_anneal")
    r_scale = np.exp(ln_r) / (1.0 + da)
    tmr_scale = np.exp(ln_t)
    return r_scale, tmr_scale
