"""Compiled (numba) backward-Euler march of the Fokker-Planck cell probabilities (imported lazily by
:mod:`.fokker_planck`).

Each step solves the tridiagonal system ``(I - dtau Q) p^{n+1} = p^n`` by the Thomas algorithm
(Conte & de Boor, *Elementary Numerical Analysis*, 3rd ed., section 3.3 (1980)), with the
elimination factors of the constant matrix computed once per march. ``I - dtau Q`` is column
diagonally dominant (``Q`` is a generator: non-negative off-diagonals, columns summing to zero), so
elimination without pivoting is stable, and LAPACK's banded solver (``scipy.linalg.solve_banded``,
the reference) would not pivot either: the two agree to rounding.
"""
import numpy as np
from numba import njit


@njit(cache=True)
def march(ab, p0, n_steps, upper, out):
    """Backward-Euler march; ``ab`` is ``I - dtau Q`` in ``solve_banded((1, 1), ...)`` storage
    (row 0: super-diagonal at ``[0, 1:]``, row 1: diagonal, row 2: sub-diagonal at ``[2, :-1]``).
    ``out[k]`` = sum of ``p`` over the cells where ``upper`` after ``k`` steps (``out`` has
    ``n_steps + 1`` entries); negative round-off is clipped to 0 after each step, and the total
    probability, which the scheme conserves exactly (the columns of ``Q`` sum to zero), is restored
    after each step: otherwise its round-off drift (~1e-14 per step) would swamp a switched fraction
    ``1 - P(upper)`` of 1e-10 over a few hundred steps."""
    n = p0.size
    cp = np.empty(n)     # c'_i = c_i / (b_i - a_i c'_{i-1})
    inv = np.empty(n)    # 1 / (b_i - a_i c'_{i-1})
    inv[0] = 1.0 / ab[1, 0]
    cp[0] = ab[0, 1] * inv[0] if n > 1 else 0.0
    for i in range(1, n):
        inv[i] = 1.0 / (ab[1, i] - ab[2, i - 1] * cp[i - 1])
        cp[i] = ab[0, i + 1] * inv[i] if i < n - 1 else 0.0
    p = p0.copy()
    s = 0.0
    mass = 0.0
    for i in range(n):
        mass += p[i]
        if upper[i]:
            s += p[i]
    out[0] = s
    for k in range(n_steps):
        p[0] = p[0] * inv[0]
        for i in range(1, n):
            p[i] = (p[i] - ab[2, i - 1] * p[i - 1]) * inv[i]
        for i in range(n - 2, -1, -1):
            p[i] -= cp[i] * p[i + 1]
        s = 0.0
        tot = 0.0
        for i in range(n):
            if p[i] < 0.0:
                p[i] = 0.0
            tot += p[i]
            if upper[i]:
                s += p[i]
        scale = mass / tot   # the scheme conserves probability; remove the round-off drift of the step
        for i in range(n):
            p[i] *= scale
        out[k + 1] = s * scale
    return out
