r"""Coherent, symmetry-filtered tunnelling with interface disorder.

The model (after Butler et al. 2001 and Mathon & Umerski 2001, reduced to a
channel-resolved WKB form) has three ingredients.

**Channel transmission.** Each symmetry channel :math:`s` of the (001) problem
(Delta1, Delta5, Delta2, Delta2') decays in the barrier with its own
:math:`\kappa_s(E, k_\parallel)`: the channel sees the trapezoidal barrier of
:mod:`mramsim.physics.tunneling` raised by ``Barrier.channel_offsets[s]``, and a
transverse wave vector adds :math:`k_\parallel^2` to :math:`\kappa^2`. With
:math:`X_s(E, V)` the WKB exponent at :math:`k_\parallel = 0` and
:math:`\bar\kappa_s = X_s/2d` the mean decay constant,

.. math::
    \int\frac{d^2k_\parallel}{(2\pi)^2}\, e^{-2d\sqrt{\bar\kappa_s^2 + k_\parallel^2}}
    = e^{-X_s}\,\Big(\frac{\bar\kappa_s}{4\pi d} + \frac{1}{8\pi d^2}\Big)
    \equiv e^{-X_s} F_s ,

exact for a rectangular barrier (substitute :math:`q^2 = \bar\kappa^2 + k^2`);
its leading term is the Gaussian integral
:math:`\int d^2k\,e^{-d k^2/\kappa}/(2\pi)^2 = \kappa/4\pi d`. The channel
conductance per area and per unit channel weight is the Landauer integral

.. math::
    \tau_s(V, T) = \frac{e}{h}\int dE\; \frac{f(E-\mu_L) - f(E-\mu_R)}{V}\;
    e^{-X_s(E,V)}\, F_s(E,V)      \quad [\mathrm{S/m^2}]

(the V -> 0 limit uses :math:`e\,(-\partial f/\partial E)`).

**Symmetry and spin.** The coherent part conserves k-parallel and symmetry:
spin band :math:`\sigma` of the left electrode couples to band :math:`\sigma'`
of the right through channel s with weight
:math:`w^L_{\sigma s} w^R_{\sigma' s}`. In P the pairs are (up, up) and
(down, down); in AP (up, down) and (down, up). bcc Fe/CoFe has no minority
Delta1 weight, so the slow Delta1 channel is blocked in AP. The diffuse part
(k-parallel and symmetry not conserved) is Julliere-like: the product of the
total spin-resolved DOS (normalised per electrode, :math:`N_\uparrow + N_\downarrow = 1`)
with a spin-independent transmission built from the spin-averaged channel
weights :math:`\bar w_s = (w_{\uparrow s} + w_{\downarrow s})/2`:

.. math::
    G_{\sigma\sigma'} = \sum_s \Big[ a\,\eta_s\, w^L_{\sigma s} w^R_{\sigma' s}
    + (1 - a\,\eta_s)\, 4 N^L_\sigma N^R_{\sigma'}\, \bar w^L_s \bar w^R_s \Big]\tau_s

where :math:`a` is the coherent fraction (crystallinity, diffuse fraction) and
:math:`\eta_s` the disorder factor below. For :math:`a = 0` the P/AP ratio is
exactly Julliere's :math:`(1 + P_1P_2)/(1 - P_1P_2)` with the DOS polarizations;
for unpolarized electrodes the coherent and diffuse parts carry the same
conductance, so coherence changes TMR, not the overall resistance scale.

**Disorder.** Interface roughness with lateral correlation length
:math:`\xi` scatters k-parallel with a Gaussian kernel of width
:math:`1/\xi` (variance :math:`1/\xi^2` per component). The coherent
transmission of channel s is, in k-parallel, a Gaussian of variance
:math:`\bar\kappa_s/2d` per component; the convolution keeps the total but
lowers the fraction that stays at its own :math:`k_\parallel` (and so keeps its
symmetry) to

.. math::
    \eta_s = \frac{\bar\kappa_s/2d}{\bar\kappa_s/2d + 1/\xi^2}
           = \frac{1}{1 + 2d/(\bar\kappa_s\,\xi^2)} .

The scattered rest mixes symmetry channels and joins the diffuse part.
Shorter :math:`\xi` or a larger diffuse fraction moves TMR monotonically to
the Julliere value.

References
----------
W. H. Butler, X.-G. Zhang, T. C. Schulthess, J. M. MacLaren, Phys. Rev. B 63,
054416 (2001). doi:10.1103/PhysRevB.63.054416
J. Mathon, A. Umerski, Phys. Rev. B 63, 220403(R) (2001). doi:10.1103/PhysRevB.63.220403
M. Julliere, Phys. Lett. 54A, 225 (1975). doi:10.1016/0375-9601(75)90174-7
R. Tsu, L. Esaki, Appl. Phys. Lett. 22, 562 (1973). doi:10.1063/1.1654509
"""
from __future__ import annotations

import numpy as np

from ..constants import e, h, k_B, m_e
from .tunneling import energy_nodes, fermi_dirac, fermi_window, wkb_exponent

__all__ = [
    "window_per_volt",
    "k_parallel_integral",
    "disorder_coherence",
    "broadened_k_transmission",
    "channel_conductances",
    "channel_integrands",
    "spin_mix",
    "spin_pair_conductances",
    "delta1_interference",
]

#: Gauss-Legendre order per energy panel used by the device model (11 panels, see
#: :func:`mramsim.physics.tunneling.energy_nodes` with ``inner_kT``).
DEVICE_ORDER = 16
#: Inner Fermi-edge panel borders [kT] used by the device model.
DEVICE_INNER_KT = 4.0


def window_per_volt(E, V, T):
    r"""Bias window per volt :math:`[f(E-\mu_L) - f(E-\mu_R)]/V` [1/V].

    For :math:`|eV| < 10^{-4} k_BT` the V -> 0 limit
    :math:`e f(1-f)/k_BT = -e\,\partial f/\partial E` is returned, so the
    zero-bias conductance is exact.

    Parameters
    ----------
    E : array_like
        Energy from the mean chemical potential [J].
    V : array_like
        Bias [V].
    T : array_like
        Temperature [K], > 0.
    """
    E = np.asarray(E, float)
    V = np.asarray(V, float)
    T = np.asarray(T, float)
    kT = k_B * T
    small = np.abs(e * V) < 1e-4 * kT
    Vsafe = np.where(small, 1.0, V)
    full = fermi_window(E, V, T) / Vsafe
    f = fermi_dirac(E, T)
    lim = e * f * (1.0 - f) / kT
    return np.where(small, lim, full)


def k_parallel_integral(kappa, d):
    r"""Transverse integral :math:`F = \kappa/(4\pi d) + 1/(8\pi d^2)` [1/m^2].

    .. math::
        \int\frac{d^2k}{(2\pi)^2} e^{-2d\sqrt{\kappa^2 + k^2}} = e^{-2\kappa d}\,F(\kappa, d)

    exact for a rectangular barrier; the first term alone is the Gaussian
    (small-k) approximation :math:`\int d^2k\, e^{-d k^2/\kappa}/(2\pi)^2`.

    Parameters
    ----------
    kappa : array_like
        Mean decay constant at k-parallel = 0 [1/m], >= 0.
    d : array_like
        Barrier thickness [m], > 0.
    """
    kappa = np.asarray(kappa, float)
    return kappa / (4.0 * np.pi * d) + 1.0 / (8.0 * np.pi * d * d)


def disorder_coherence(kappa, d, xi):
    r"""Fraction :math:`\eta` of a channel's transmission that keeps k-parallel [-].

    .. math::
        \eta = \frac{1}{1 + 2d/(\kappa\,\xi^2)}

    the peak reduction of the k-resolved transmission (a Gaussian of variance
    :math:`\kappa/2d` per component) convolved with a Gaussian disorder kernel
    of width :math:`1/\xi`; see :func:`broadened_k_transmission`.

    Parameters
    ----------
    kappa : array_like
        Decay constant [1/m].
    d : array_like
        Barrier thickness [m].
    xi : array_like
        Disorder correlation length [m], > 0.
    """
    kappa = np.maximum(np.asarray(kappa, float), 1e-30)
    return 1.0 / (1.0 + 2.0 * d / (kappa * np.asarray(xi, float) ** 2))


def broadened_k_transmission(k, kappa, d, xi):
    r"""k-parallel resolved coherent transmission after disorder broadening [-].

    .. math::
        T(k) = e^{-2\kappa d}\,\eta\,\exp\!\big(-\eta\,d k^2/\kappa\big)

    the 2-D convolution of :math:`e^{-2\kappa d} e^{-d k^2/\kappa}` with the
    normalised Gaussian kernel :math:`(\xi^2/2\pi) e^{-k^2\xi^2/2}`. The
    k-integral is conserved; the peak drops by :math:`\eta` (see
    :func:`disorder_coherence`). ``xi = inf`` returns the unbroadened form.

    Parameters
    ----------
    k : array_like
        Magnitude of k-parallel [1/m].
    kappa : float
        Decay constant at k = 0 [1/m].
    d : float
        Barrier thickness [m].
    xi : float
        Correlation length [m].
    """
    k = np.asarray(k, float)
    eta = 1.0 if np.isinf(xi) else disorder_coherence(kappa, d, xi)
    return np.exp(-2.0 * kappa * d) * eta * np.exp(-eta * d * k * k / kappa)


def channel_conductances(V, T, phi1, phi2, d, mass_ratio, offsets, xi=np.inf, order=DEVICE_ORDER,
                         inner_kT=DEVICE_INNER_KT, moment=0):
    r"""Per-channel conductances :math:`\tau_s` and their coherent parts :math:`\tau^\eta_s`.

    .. math::
        \tau_s = \frac{e}{h}\int dE\,\frac{W(E,V,T)}{V}\,e^{-X_s}F_s,\qquad
        \tau^\eta_s = \frac{e}{h}\int dE\,\frac{W}{V}\,\eta_s\,e^{-X_s}F_s

    with :math:`X_s` = :func:`mramsim.physics.tunneling.wkb_exponent` of the
    barrier raised by ``offsets[s]``, :math:`F_s` = :func:`k_parallel_integral`
    of :math:`\bar\kappa_s = X_s/2d`, :math:`\eta_s` = :func:`disorder_coherence`
    and the energy nodes of :func:`mramsim.physics.tunneling.energy_nodes`.

    Parameters
    ----------
    V, T : array_like
        Bias [V] and temperature [K]; broadcast to shape S.
    phi1, phi2 : float
        Zero-bias barrier heights at the left / right interface [J].
    d : float
        Barrier thickness [m].
    mass_ratio : float
        Tunnelling mass m*/m_e [-].
    offsets : sequence of 4 float
        Extra barrier height per symmetry channel [J].
    xi : float
        Disorder correlation length [m] (inf: no broadening).
    order : int
        Gauss-Legendre order per energy panel.
    inner_kT : float or None
        Extra Fermi-edge panel borders [kT] (see ``energy_nodes``).
    moment : int
        Weight the window by E^moment [J^moment] (0: conductance).

    Returns
    -------
    tau, tau_eta : ndarray, shape S + (4,)
        Conductance per area and unit channel weight [S/m^2].
    """
    E, base, eta, win = channel_integrands(V, T, phi1, phi2, d, mass_ratio, offsets, xi, order, inner_kT, moment)
    tau = np.einsum("...sn,...n->...s", base, win)
    if eta is None:
        tau_eta = tau.copy()
    else:
        tau_eta = np.einsum("...sn,...n->...s", base * eta, win)
    return tau, tau_eta


def channel_integrands(V, T, phi1, phi2, d, mass_ratio, offsets, xi=np.inf, order=DEVICE_ORDER,
                       inner_kT=DEVICE_INNER_KT, moment=0):
    r"""Energy-resolved pieces of :func:`channel_conductances`.

    .. math::
        \tau_s = \sum_n \mathrm{win}_n\,\mathrm{base}_{sn},\quad
        \mathrm{base}_{sn} = e^{-X_s(E_n)}F_s(E_n),\quad
        \mathrm{win}_n = \frac{e}{h}\,w_n\,\frac{f(E_n-\mu_L)-f(E_n-\mu_R)}{V}

    Returns
    -------
    E : ndarray, shape S + (n,)
        Energy nodes from the mean chemical potential [J].
    base : ndarray, shape S + (4, n)
        Channel transmission integrated over k-parallel [1/m^2].
    eta : ndarray, shape S + (4, n), or None
        Disorder coherence factor (None when xi is infinite).
    win : ndarray, shape S + (n,)
        Window per volt x quadrature weight x e/h [S/m^2 per unit base*m^2].
    """
    V, T = np.broadcast_arrays(np.asarray(V, float), np.asarray(T, float))
    kT = k_B * T
    e_low = -0.5 * e * np.abs(V) - 36.0 * kT
    E, w = energy_nodes(V, T, phi1, phi2, e_low, order=order, inner_kT=inner_kT)  # S + (n,)
    Vb, Tb = V[..., None], T[..., None]
    win = window_per_volt(E, Vb, Tb) * w * (e / h)  # S + (n,)
    if moment:  # Onsager moments int E^k G(E) (-df/dE) dE (thermoelectric.py)
        win = win * E**moment
    off = np.asarray(offsets, float)
    X = wkb_exponent(E[..., None, :], Vb[..., None], phi1 + off[:, None], phi2 + off[:, None], d,
                     mass_ratio * m_e)  # S + (4, n)
    kappa = X / (2.0 * d)
    base = np.exp(-X) * k_parallel_integral(kappa, d)
    eta = None if np.isinf(xi) else disorder_coherence(kappa, d, xi)
    return E, base, eta, win


def spin_mix(up, down, m):
    r"""Mix the two spin bands: :math:`u' = (1-m)u + m d`, :math:`d' = (1-m)d + m u`.

    Applied to the DOS it turns a polarization P into :math:`(1 - 2m)P`; with
    :math:`m = \alpha T^{3/2}/2` this is Shang's :math:`P(T) = P_0(1 - \alpha T^{3/2})`
    (see :func:`mramsim.physics.spinflip.shang_mixing`).

    Parameters
    ----------
    up, down : array_like
        Majority and minority quantity (DOS or channel weights), broadcastable.
    m : array_like
        Mixing fraction in [0, 1/2] [-].
    """
    up = np.asarray(up, float)
    down = np.asarray(down, float)
    m = np.asarray(m, float)
    return (1.0 - m) * up + m * down, (1.0 - m) * down + m * up


def spin_pair_conductances(tau, tau_eta, a, wL, wR, nL, nR):
    r"""Spin-resolved conductances :math:`G_{\sigma\sigma'}` per area [S/m^2].

    .. math::
        G_{\sigma\sigma'} = \sum_s \big[a\,\tau^\eta_s\, w^L_{\sigma s} w^R_{\sigma' s}
        + (\tau_s - a\,\tau^\eta_s)\,4 N^L_\sigma N^R_{\sigma'}\,\bar w^L_s \bar w^R_s\big]

    Parameters
    ----------
    tau, tau_eta : ndarray, shape S + (4,)
        From :func:`channel_conductances` [S/m^2].
    a : array_like
        Coherent fraction, broadcastable to S [-].
    wL, wR : ndarray, shape S' + (2, 4)
        Channel weights [spin (up, down), channel] of the left / right electrode,
        broadcastable to S + (2, 4) [-].
    nL, nR : ndarray, shape S' + (2,)
        Spin DOS (up, down), normalised to sum 1 per electrode [-].

    Returns
    -------
    ndarray, shape S + (2, 2)
        :math:`G[\sigma_L, \sigma_R]`; P = G[0,0] + G[1,1], AP = G[0,1] + G[1,0].
    """
    a = np.asarray(a, float)[..., None, None, None]
    wL = np.asarray(wL, float)
    wR = np.asarray(wR, float)
    nL = np.asarray(nL, float)
    nR = np.asarray(nR, float)
    te = tau_eta[..., None, None, :]
    t = tau[..., None, None, :]
    coh = wL[..., :, None, :] * wR[..., None, :, :]  # (2,2,4)
    wbar = 0.25 * (wL[..., 0, :] + wL[..., 1, :]) * (wR[..., 0, :] + wR[..., 1, :])  # (4,)
    nn = 4.0 * nL[..., :, None] * nR[..., None, :]  # (2,2)
    diff = nn[..., None] * wbar[..., None, None, :]
    return np.sum(a * te * coh + (t - a * te) * diff, axis=-1)


def delta1_interference(d, amplitude, period, phase=0.0, roughness=0.0):
    r"""Thickness oscillation factor of the coherent Delta1 transmission [-].

    In MgO(001) the Delta1 evanescent states at E_F include, besides the
    slowest-decaying one at :math:`k_\parallel = 0` (real :math:`\kappa_1`),
    a pair at complex :math:`k_z = \pm q + i\kappa_2` (Butler et al. 2001,
    complex band structure of MgO). Matching both at the two interfaces gives
    an amplitude :math:`t \propto e^{-\kappa_1 d} + c\,e^{-\kappa_2 d}\cos(qd + \varphi')`,
    whose cross term oscillates with thickness with period
    :math:`\Lambda = 2\pi/q` in the transmission. Folding the slowly varying
    ratio of decays into the amplitude,

    .. math::
        T_{\Delta_1}^{coh}(d) = T_{\Delta_1}(d)\,\Big[1 + A\,
        e^{-2\pi^2\sigma_d^2/\Lambda^2}\cos(2\pi d/\Lambda + \varphi)\Big]

    where the Gaussian factor is the average of the cosine over thickness
    fluctuations of rms :math:`\sigma_d`. Only the coherent
    (k-parallel- and phase-conserving) part oscillates, so the amplitude of the
    TMR oscillation scales with the coherent fraction and disorder coherence
    and vanishes in the amorphous (Julliere) limit. Yuasa et al. (2004)
    observe :math:`\Lambda \approx 0.3` nm in Fe/MgO/Fe.

    Parameters
    ----------
    d : array_like
        Barrier thickness [m].
    amplitude : float
        A [-], in [0, 1).
    period : float
        Lambda [m].
    phase : float
        phi [rad].
    roughness : float
        sigma_d [m].

    References
    ----------
    W. H. Butler et al., Phys. Rev. B 63, 054416 (2001). S. Yuasa et al., Nat. Mater. 3, 868 (2004).
    """
    d = np.asarray(d, float)
    damp = np.exp(-2.0 * (np.pi * roughness / period) ** 2)
    return 1.0 + amplitude * damp * np.cos(2.0 * np.pi * d / period + phase)
