"""Compiled (numba) kernel of the stochastic LLGS macrospin ensemble (imported lazily by :mod:`.llgs`).

Reduced units: time ``t' = gamma mu0 H_k t / (1 + alpha^2)``, field ``h = H / H_k``. Landau-Lifshitz form

    dm/dt' = -m x h - alpha m x (m x h) + alpha i s(m_z) m x (m x z),   h = m_z z + h_th,

with the thermal field ``h_th`` white, per component variance ``alpha / (Delta (1 + alpha^2) dt')``
(Brown 1963). Heun's predictor-corrector with the same noise in both stages (Stratonovich),
then renormalisation. Each trajectory has its own random stream (xorshift64* seeded through
splitmix64 from a ``SeedSequence`` word; Gaussians by Box-Muller), so results do not depend on threads.
"""
import numpy as np
from numba import njit, prange


_M1 = np.uint64(2685821657736338717)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _next(x):
    """xorshift64* step: new state and a uniform in [0, 1)."""
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    return x, ((x * _M1) >> np.uint64(11)) * _INV53


@njit(cache=True, inline="always")
def _gauss_pair(x):
    """Box-Muller: new state and two independent standard normals."""
    x, u1 = _next(x)
    x, u2 = _next(x)
    r = np.sqrt(-2.0 * np.log(1.0 - u1))
    return x, r * np.cos(2.0 * np.pi * u2), r * np.sin(2.0 * np.pi * u2)


@njit(cache=True)
def _splitmix(z):
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return z | np.uint64(1)


@njit(cache=True, inline="always")
def _rhs(mx, my, mz, hx, hy, hz, alpha, ai_s):
    # h_eff = (hx, hy, hz + mz); precession + damping; STT along z
    hz = hz + mz
    cx = my * hz - mz * hy
    cy = mz * hx - mx * hz
    cz = mx * hy - my * hx
    # m x (m x h) = m (m.h) - h
    mh = mx * hx + my * hy + mz * hz
    dx = mx * mh - hx
    dy = my * mh - hy
    dz = mz * mh - hz
    # m x (m x z) = m mz - z
    sx = mx * mz
    sy = my * mz
    sz = mz * mz - 1.0
    return (-cx - alpha * dx + ai_s * sx, -cy - alpha * dy + ai_s * sy, -cz - alpha * dz + ai_s * sz)


@njit(cache=True, parallel=True)
def run_ensemble(seeds, delta, alpha, i_ic0, c_pol, sgn, dt, n_steps, out_every):
    """Integrate ``len(seeds)`` trajectories; return m_z at every ``out_every`` steps and first-passage steps."""
    n = seeds.shape[0]
    n_out = n_steps // out_every + 1
    mz_out = np.empty((n, n_out))
    t_first = np.full(n, -1, dtype=np.int64)
    sigma = np.sqrt(alpha / (delta * (1.0 + alpha * alpha) * dt))
    s_ref = c_pol * (3.0 + sgn) - 4.0
    for k in prange(n):
        x = _splitmix(seeds[k])
        # Boltzmann start in the upper well: rho ∝ exp(Delta (m^2 - 1)) on [0, 1]
        while True:
            # proposal density ∝ exp(-Delta (1 - m)); ratio exp(-Delta (1 - m) m) <= 1 on [0, 1]
            x, u = _next(x)
            mz = 1.0 + np.log(1.0 - u) / delta
            x, u = _next(x)
            if mz > 0.0 and u < np.exp(-delta * (1.0 - mz) * mz):
                break
        x, u = _next(x)
        ph = 2.0 * np.pi * u
        st = np.sqrt(max(0.0, 1.0 - mz * mz))
        mx = st * np.cos(ph)
        my = st * np.sin(ph)
        mz_out[k, 0] = mz
        crossed = False
        j = 1
        spare = 0.0
        have = False
        for step in range(1, n_steps + 1):
            x, g1, g2 = _gauss_pair(x)
            if have:
                g3 = spare
                have = False
            else:
                x, g3, spare = _gauss_pair(x)
                have = True
            hx = sigma * g1
            hy = sigma * g2
            hz = sigma * g3
            ai = alpha * i_ic0 * s_ref / (c_pol * (3.0 + sgn * mz) - 4.0)
            fx, fy, fz = _rhs(mx, my, mz, hx, hy, hz, alpha, ai)
            px = mx + fx * dt
            py = my + fy * dt
            pz = mz + fz * dt
            ai2 = alpha * i_ic0 * s_ref / (c_pol * (3.0 + sgn * pz) - 4.0)
            gx, gy, gz = _rhs(px, py, pz, hx, hy, hz, alpha, ai2)
            mx += 0.5 * (fx + gx) * dt
            my += 0.5 * (fy + gy) * dt
            mz += 0.5 * (fz + gz) * dt
            inv = 1.0 / np.sqrt(mx * mx + my * my + mz * mz)
            mx *= inv
            my *= inv
            mz *= inv
            if not crossed and mz < 0.0:
                crossed = True
                t_first[k] = step
            if step % out_every == 0:
                mz_out[k, j] = mz
                j += 1
    return mz_out, t_first
