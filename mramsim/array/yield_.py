r"""Die yield of a memory macro with correlated bits: conditioning on the shared variables.

Bits of one die are not independent: they share the die-level parameters
(``die.*``: RA spread, anneal-map position) and, in a real macro, the
periphery -- a sense amplifier with a static offset serves a set of columns,
a reference pair serves a group of columns. Given those *shared* variables
the bits are independent, so (hierarchical model die -> periphery -> bit)

.. math::
    Y = E_{\text{shared}}\Big[\prod_{\text{words } w} \big(1 - P(\#\text{errors}_w > t \mid \text{shared})\big)\Big],

with the word count a Poisson binomial of the bits' conditional error
probabilities (:func:`mramsim.array.ecc.word_failure_probability_pb`) and the
product taken in log space. The outer expectation is a composite Simpson
quadrature over the die variables (one or two of them, no shared periphery)
or a Monte Carlo over die and periphery (Rao-Blackwellised: every sample
contributes its exact conditional pass probability).

The conditional bit error probability integrates the per-read variables
(data cell, and with the flat model the reference cells and the offset) by
*line sampling* (Koutsourelakis, Pradlwarter & Schueller, Prob. Eng. Mech.
19, 309 (2004)): along the unit direction ``alpha`` of the design point
(:func:`mramsim.array.margin.design_point`) the margin is tabulated on a grid
of ``lambda`` and the Gaussian mass of ``{m < 0}`` summed over the grid
intervals (crossings interpolated linearly; every sign change counted, so
failure on both sides of the line is kept); the orthogonal complement is
averaged over ``n_lines`` common random lines (exact with one per-read
variable). Discrete defects of the data cell and of per-read reference cells
are explicit strata with their own probabilities.

Bits of a die: ``W = ceil(n_bits / k)`` words of ``n = k + r`` bits, laid out
row by row; a row of the die is the same row of ``n_sub`` tiles (``arr`` is
one tile), its words are consecutive bits of that wide row.

Column redundancy (``spares``): the die has ``N = W k / R`` data columns
(``R`` rows, no check bits) and ``s`` spare columns next to them in the wide
row, every column as error-prone as its position. A column is bad when any
of its ``R`` bits is wrong (raw bits, repair at test, no ECC credit); repair
replaces bad data columns by good spares, so the die passes when at most
``s`` of the ``N + s`` columns are bad. Given the shared variables the
columns are independent, ``P(bad_c) = 1 - prod_r (1 - p_rc)``, and the
count is a Poisson binomial:

.. math::
    Y_s = E_{\text{shared}}\big[P(\#\text{bad columns} \le s \mid \text{shared})\big]

(reported as entries ``'spares<s>'`` beside the codes).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from ..errors import ConvergenceError, ParameterError
from .ecc import ECC, ecc_preset, word_failure_probability_pb
from .margin.evaluate import ReadContext, evaluate_reads, fixed_reference, nominal_reads
from .margin.tails import design_point, narrow_context
from .read import ReadScheme
from .solver import default_solver
from .variation import Variation
from .yield_result import BruteForceYield, CodeYield, Sharing, YieldResult

__all__ = ["read_yield", "simulate_dies", "line_mass", "Sharing", "YieldResult", "CodeYield", "BruteForceYield"]

_U_DEF = 40.0     # |u| that fixes a defect indicator on (-) or off (+)


# ----------------------------------------------------------------------------- layout of the variables
@dataclass
class _Layout:
    names: list
    local: list        # per-read continuous
    defects: list      # per-read defect indicators
    die: list
    sa: list           # shared SA offset (hierarchical)
    ref: list          # shared reference-cell variables (hierarchical), continuous
    ref_def: list      # shared reference-cell defect indicators


def _layout(ctx, sharing: Sharing):
    names = ctx.names
    lay = _Layout(names, [], [], [], [], [], [])
    for j, n in enumerate(names):
        who, what = n.split(".", 1)
        if who == "die":
            lay.die.append(j)
        elif who == "sa":
            (lay.sa if sharing.cols_per_sa else lay.local).append(j)
        elif who.startswith("ref"):
            if sharing.cols_per_ref:
                (lay.ref_def if what == "defect" else lay.ref).append(j)
            else:
                (lay.defects if what == "defect" else lay.local).append(j)
        else:
            (lay.defects if what == "defect" else lay.local).append(j)
    return lay


def _strata(lay, rate):
    """(fixed values of the per-read defect indicators, probability): none or one defect at a time.

    Two or more defects in one read (probability <= C(m,2) rate^2) are
    counted as failures (an upper bound, added as the stratum ``None``).
    """
    m = len(lay.defects)
    if m == 0 or rate == 0:
        return [({j: _U_DEF for j in lay.defects}, 1.0)], 0.0
    out = [({j: _U_DEF for j in lay.defects}, (1 - rate) ** m)]
    for k in lay.defects:
        out.append(({j: (-_U_DEF if j == k else _U_DEF) for j in lay.defects}, rate * (1 - rate) ** (m - 1)))
    rest = max(0.0, 1.0 - sum(w for _, w in out))
    return out, rest


# ----------------------------------------------------------------------------- line sampling
def _phi_mass(lo, hi):
    """Standard normal mass of [lo, hi] (lo <= hi), accurate in both tails."""
    return np.where(lo > 0, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))


def line_mass(m, lam):
    r"""Gaussian mass of ``{lambda: m(lambda) < 0}`` from a margin tabulated on the grid ``lam`` [-].

    ``m`` (..., G). Linear interpolation of each sign change; outside the
    grid the end values are continued.
    """
    lam = np.asarray(lam, float)
    if lam.size == 1:
        return (m[..., 0] < 0).astype(float)
    neg = m < 0
    g0, g1 = m[..., :-1], m[..., 1:]
    n0, n1 = neg[..., :-1], neg[..., 1:]
    a, b = lam[:-1], lam[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        c = a + (b - a) * np.clip(g0 / (g0 - g1), 0.0, 1.0)
    lo = np.where(n0, a, c)
    hi = np.where(n1, b, c)
    inside = np.where(n0 | n1, _phi_mass(lo, np.maximum(hi, lo)), 0.0).sum(axis=-1)
    return inside + neg[..., 0] * ndtr(lam[0]) + neg[..., -1] * ndtr(-lam[-1])


def _direction(ctx, lay, state, fixed0):
    """Unit direction of the per-read design point in the local variables (first variable if none)."""
    nl = len(lay.local)
    e = np.zeros(nl)
    e[0] = 1.0
    if nl == 1:
        return e
    nom = nominal_reads(ctx)
    col = int(np.argmin(nom[f"m_{state}"][0]))
    dctx, dcol = narrow_context(ctx, col, nom)
    try:
        u, beta = design_point(dctx, dcol, state=state, fixed=fixed0)
    except ConvergenceError:
        return e
    v = u[lay.local]
    nv = np.linalg.norm(v)
    return v / nv if nv > 0 and np.isfinite(beta) else e


# ----------------------------------------------------------------------------- conditional bit error
class _Engine:
    """Conditional per-bit error probabilities given shared variables (die, periphery)."""

    def __init__(self, ctx, sharing, n_lines, grid, seed):
        self.ctx = ctx
        self.lay = _layout(ctx, sharing)
        self.sharing = sharing
        self.d = len(ctx.names)
        self.lam = np.linspace(-grid[0], grid[0], grid[1]) if self.lay.local else np.zeros(1)
        rng = np.random.default_rng([int(seed), 11])
        self.strata, self.rest = _strata(self.lay, ctx.var.defect_rate)
        fixed0 = {j: 0.0 for j in self.lay.die + self.lay.sa + self.lay.ref}
        fixed0.update({j: _U_DEF for j in self.lay.defects + self.lay.ref_def})
        self.alpha = {}
        self.perp = {}
        nl = len(self.lay.local)
        for st in ("p", "ap"):
            if nl == 0:
                continue
            a = _direction(ctx, self.lay, st, fixed0)
            nlines = 1 if nl == 1 else n_lines
            v = rng.standard_normal((nlines, nl)) if nl > 1 else np.zeros((1, 1))
            self.alpha[st] = a
            self.perp[st] = v - (v @ a)[:, None] * a[None]

    def p_bit(self, row, shared, chunk=1 << 18):
        """Per-bit error probability (equiprobable data) for shared rows ``shared`` (S, cols, d) [-].

        ``shared`` holds the die, periphery and (flat model: ignored) values;
        the per-read columns are filled here. Returns (S, cols).
        """
        ctx = self.ctx.replace(selected_row=int(row))
        S, C, _ = shared.shape
        G = self.lam.size
        out = np.zeros((S, C))
        for st in ("p", "ap"):
            acc = np.zeros((S, C))
            lines = self.perp.get(st, np.zeros((1, 0)))
            L = lines.shape[0]
            for fixed, wt in self.strata:
                if wt <= 0:
                    continue
                per = max(1, chunk // max(1, L * G * C))
                for s0 in range(0, S, per):
                    s1 = min(S, s0 + per)
                    u = np.repeat(shared[s0:s1, None, None], L, axis=1)
                    u = np.repeat(u, G, axis=2)                          # (s, L, G, C, d)
                    if self.lay.local:
                        loc = lines[:, None, :] + self.lam[None, :, None] * self.alpha[st][None, None, :]
                        u[..., self.lay.local] = loc[None, :, :, None, :]
                    for j, val in fixed.items():
                        u[..., j] = val
                    m = evaluate_reads(ctx, u.reshape(-1, C, self.d))[f"m_{st}"].reshape(s1 - s0, L, G, C)
                    mass = line_mass(np.moveaxis(m, 2, -1), self.lam)   # (s, L, C)
                    acc[s0:s1] += wt * mass.mean(axis=1)
            out += 0.5 * np.minimum(acc + self.rest, 1.0)
        return out


# ----------------------------------------------------------------------------- the die
def _row_classes(rows, max_rows):
    if rows <= max_rows:
        return np.arange(rows), np.full(rows, 1.0 / rows)
    r = np.unique(np.linspace(0, rows - 1, max_rows).round().astype(int))
    return r, np.full(r.size, 1.0 / r.size)


def _codes(ecc, k):
    items = ecc if isinstance(ecc, (list, tuple)) else [ecc]
    out = []
    for e in items:
        out.append(e if isinstance(e, ECC) else ecc_preset(e, k))
    return out


def _die_nodes(nd, n_quad):
    """Composite Simpson nodes on [-8, 8]^nd with weights phi (normalised), and the coarse-rule weights."""
    if nd == 0:
        return np.zeros((1, 0)), np.ones(1), np.ones(1)
    n = n_quad if n_quad % 2 == 1 else n_quad + 1
    z = np.linspace(-8.0, 8.0, n)
    h = z[1] - z[0]
    w = np.ones(n)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    w *= h / 3 * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    wc = np.zeros(n)                       # Simpson on every other node (error estimate)
    idx = np.arange(0, n, 2)
    wcc = np.ones(idx.size)
    wcc[1:-1:2], wcc[2:-1:2] = 4.0, 2.0
    wc[idx] = wcc * 2 * h / 3 * np.exp(-0.5 * z[idx] ** 2) / math.sqrt(2 * math.pi)
    grids = np.meshgrid(*([z] * nd), indexing="ij")
    nodes = np.stack([g.ravel() for g in grids], axis=-1)
    W = np.ones(nodes.shape[0])
    Wc = np.ones(nodes.shape[0])
    for k in range(nd):
        ii = np.meshgrid(*([np.arange(n)] * nd), indexing="ij")[k].ravel()
        W *= w[ii]
        Wc *= wc[ii]
    return nodes, W / W.sum(), Wc / Wc.sum()


def _word_positions(words_per_row, n, cols):
    n_sub = max(1, math.ceil(words_per_row * n / cols))
    return n_sub, np.arange(words_per_row * n).reshape(words_per_row, n)


def _spares(spares):
    items = [spares] if isinstance(spares, (int, np.integer)) and not isinstance(spares, bool) else list(spares)
    return [_check_int("spares", s, 0) for s in items]


def _data_columns(n_bits, k, rows):
    """Data columns of the die: ``ceil(n_bits / k) k / rows`` (the words must spread evenly over the rows)."""
    bits = math.ceil(n_bits / k) * k
    if bits % rows:
        raise ParameterError("n_bits", n_bits, f"data bits (whole words of {k}) divisible by the {rows} rows")
    return bits // rows


def _check_int(field, v, lo):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise ParameterError(field, v, f"an integer >= {lo}")
    return int(v)


def _setup(arr, var, read, n_bits, ecc, k, sharing, solver):
    if not isinstance(var, Variation):
        raise ParameterError("var", var, "a Variation")
    if not isinstance(read, ReadScheme):
        raise ParameterError("read", read, "a ReadScheme")
    n_bits = _check_int("n_bits", n_bits, 1)
    sharing = Sharing() if sharing is None else sharing
    if not isinstance(sharing, Sharing):
        raise ParameterError("sharing", sharing, "a Sharing or None")
    codes = _codes(ecc, k)
    solver = default_solver() if solver is None else solver
    ctx = ReadContext(arr=arr, var=var, read=read, selected_row=0, solver=solver)
    ctx = ctx.replace(s_ref_fixed=fixed_reference(ctx))
    return ctx, n_bits, sharing, codes


def _shared_samples(lay, d, C, n_sub, z, sharing, rng):
    """(S * n_sub, C, d) shared values: die ``z`` (S, nd); periphery drawn per group (once per chip)."""
    S = z.shape[0]
    u = np.zeros((S, n_sub, C, d))
    if lay.die:
        u[..., lay.die] = z[:, None, None, :]
    cols = np.arange(C)
    if lay.sa:
        g = cols // sharing.cols_per_sa
        sa = rng.standard_normal((S, n_sub, g.max() + 1))
        u[..., lay.sa[0]] = sa[:, :, g]
    if lay.ref or lay.ref_def:
        g = cols // sharing.cols_per_ref
        idx = lay.ref + lay.ref_def
        rv = rng.standard_normal((S, n_sub, g.max() + 1, len(idx)))
        u[..., idx] = rv[:, :, g, :]
    return u.reshape(S * n_sub, C, d)


def read_yield(arr, var: Variation, read: ReadScheme, n_bits: int, ecc=("none", "secded"), *, k: int = 64,
               sharing: Sharing | None = None, n_dies: int = 0, n_quad: int = 65, n_lines: int = 8,
               grid=(8.0, 129), max_rows: int = 8, seed: int = 0, solver=None, spares=()) -> YieldResult:
    """Die yield of ``n_bits`` data bits read with ``read``, by conditioning on the shared variables.

    Parameters
    ----------
    arr : Array1T1MTJ
        One tile of the macro (rows, cols; IR drop included).
    var : Variation
    read : ReadScheme
    n_bits : int
        Data bits per die [-].
    ecc : str, ECC or sequence of them
        Codes ('none', 'secded', 'bch2'..'bch4' or :class:`ECC`); every one
        is evaluated on the same conditional bit error probabilities.
    k : int
        Data bits per word for presets [-].
    sharing : Sharing, optional
        Periphery sharing (default: the flat model, fresh reference cells and
        offset per read).
    n_dies : int
        Monte Carlo dies over the shared variables [-]; 0: quadrature over
        the die variables when there is no shared periphery and at most two
        die variables, else 512 dies.
    n_quad : int
        Simpson nodes per die variable [-].
    n_lines : int
        Lines of the line sampling over the per-read variables [-].
    grid : (float, int)
        Half-range [-] and points of the ``lambda`` grid along a line.
    max_rows : int
        Rows evaluated (evenly spaced, each standing for its share) [-].
    seed : int
        Seed of the lines and the Monte Carlo [-].
    solver : callable, optional
    spares : int or sequence of int
        Spare columns ``s`` [-]: each adds the entry ``'spares<s>'`` (column
        repair of raw bit errors, module docstring; ``word_failure`` then is
        the mean column failure, ``words_per_die`` the data columns).

    Returns
    -------
    YieldResult
    """
    t0 = time.perf_counter()
    ctx, n_bits, sharing, codes = _setup(arr, var, read, n_bits, ecc, k, sharing, solver)
    n_dies = _check_int("n_dies", n_dies, 0)
    seed = _check_int("seed", seed, 0)
    eng = _Engine(ctx, sharing, _check_int("n_lines", n_lines, 1), (float(grid[0]), int(grid[1])), seed)
    lay = eng.lay
    C, d = arr.cols, eng.d
    rows, wrow = _row_classes(arr.rows, _check_int("max_rows", max_rows, 1))
    periphery = bool(lay.sa or lay.ref or lay.ref_def)
    geo = []
    for code in codes:
        W = math.ceil(n_bits / code.k)
        wpr = max(1, round(W / arr.rows))
        n_sub, pos = _word_positions(wpr, code.n, C)
        geo.append((code, W, n_sub, pos))
    spares = _spares(spares)
    n_cols = _data_columns(n_bits, codes[0].k, arr.rows) if spares else 0
    if spares:
        geo_n_sub = max(max(g[2] for g in geo), math.ceil((n_cols + max(spares)) / C))
    else:
        geo_n_sub = max(g[2] for g in geo)
    n_sub_max = geo_n_sub if periphery else 1
    rng = np.random.default_rng([seed, 12])
    if not periphery and len(lay.die) <= 2 and n_dies == 0:
        z, w, wc = _die_nodes(len(lay.die), n_quad)
        integration = "quadrature"
    else:
        S = n_dies or 512
        z = rng.standard_normal((S, len(lay.die)))
        w = wc = np.full(S, 1.0 / S)
        integration = "monte-carlo"
    S = z.shape[0]
    shared = _shared_samples(lay, d, C, n_sub_max, z, sharing, rng)
    p = np.empty((S, rows.size, n_sub_max, C))
    for i, r in enumerate(rows):
        p[:, i] = eng.p_bit(r, shared).reshape(S, n_sub_max, C)
    ber_rows = np.einsum("s,srjc->r", w, p) / (n_sub_max * C)
    out = []
    for code, W, n_sub, pos in geo:
        j = (pos // C) % n_sub_max
        c = pos % C
        pw = p[:, :, j, c]                                   # (S, R, words per row, n)
        q = word_failure_probability_pb(pw, code.t)          # (S, R, wpr)
        with np.errstate(divide="ignore"):
            logpass = W * np.einsum("r,srw->s", wrow, np.log1p(-np.minimum(q, 1.0))) / q.shape[-1]
        loss = -np.expm1(logpass)
        y = float(1.0 - w @ loss)
        if integration == "quadrature":
            err = abs(float(wc @ loss) - float(w @ loss)) + 1e-15
            ci = (max(0.0, y - err), min(1.0, y + err))
        else:
            sd = float(np.std(loss, ddof=1)) if S > 1 else 0.0
            half = 1.959963984540054 * sd / math.sqrt(S)
            ci = (max(0.0, y - half), min(1.0, y + half))
        wf = float(np.einsum("s,r,srw->", w, wrow, q) / q.shape[-1])
        out.append(CodeYield(code=code.to_dict(), die_yield=y, die_yield_ci=ci, word_failure=wf,
                             failing_words_per_die=wf * W, die_failure=float(w @ loss), words_per_die=int(W)))
    for sp in spares:
        cpos = np.arange(n_cols + sp)
        pc = p[:, :, (cpos // C) % n_sub_max, cpos % C]                 # (S, R classes, N + s)
        log_ok = arr.rows * np.einsum("r,src->sc", wrow, np.log1p(-np.minimum(pc, 1.0)))
        qc = -np.expm1(log_ok)                                           # column bad (S, N + s)
        loss = word_failure_probability_pb(qc, sp)                       # more than s bad columns
        y = float(1.0 - w @ loss)
        if integration == "quadrature":
            err = abs(float(wc @ loss) - float(w @ loss)) + 1e-15
            ci = (max(0.0, y - err), min(1.0, y + err))
        else:
            sd = float(np.std(loss, ddof=1)) if S > 1 else 0.0
            half = 1.959963984540054 * sd / math.sqrt(S)
            ci = (max(0.0, y - half), min(1.0, y + half))
        qm = float(np.mean(w @ qc))
        out.append(CodeYield(code={"name": f"spares{sp}", "k": codes[0].k, "check_bits": 0, "t": 0, "spares": sp},
                             die_yield=y, die_yield_ci=ci, word_failure=qm, failing_words_per_die=qm * (n_cols + sp),
                             die_failure=float(w @ loss), words_per_die=int(n_cols)))
    return YieldResult(n_bits=n_bits, codes=out, ber=float(np.dot(ber_rows, wrow)),
                       ber_by_row={"rows": rows.tolist(), "ber": ber_rows.tolist()}, integration=integration,
                       n_shared=int(S), sharing=sharing.to_dict(),
                       inputs={"seed": seed, "grid": [float(grid[0]), int(grid[1])], "n_lines": n_lines,
                               "n_quad": n_quad, "max_rows": max_rows, "k": k, "spares": list(spares)},
                       seconds=time.perf_counter() - t0)


def simulate_dies(arr, var: Variation, read: ReadScheme, n_bits: int, ecc=("none", "secded"), *, k: int = 64,
                  sharing: Sharing | None = None, n_dies: int = 1000, seed: int = 0, solver=None,
                  spares=()) -> BruteForceYield:
    """Brute-force whole-die Monte Carlo: every bit of every die simulated (the reference for :func:`read_yield`).

    Each die draws its die variables and (hierarchical sharing) its
    periphery once; every bit draws its own per-read variables and a random
    data value; a word fails with more than ``t`` wrong bits, a die with any
    failing word. The layout is that of :func:`read_yield` (``ceil(n_bits/k)``
    words spread evenly over the rows, which must divide them). ``spares``:
    column repair as in :func:`read_yield` (entries ``'spares<s>'``; the
    spare columns are simulated as the next columns of the wide row).
    """
    from .margin.montecarlo import clopper_pearson

    t0 = time.perf_counter()
    ctx, n_bits, sharing, codes = _setup(arr, var, read, n_bits, ecc, k, sharing, solver)
    lay = _layout(ctx, sharing)
    C, d, R = arr.cols, len(ctx.names), arr.rows
    geo = []
    for code in codes:
        W = math.ceil(n_bits / code.k)
        if W % R:
            raise ParameterError("n_bits", n_bits, f"a multiple of {R} words of {code.k} bits (rows x k)")
        n_sub, pos = _word_positions(W // R, code.n, C)
        geo.append((code, n_sub, pos))
    n_sub = max(g[1] for g in geo)
    spares = _spares(spares)
    n_cols = _data_columns(n_bits, codes[0].k, R) if spares else 0
    if spares:
        n_sub = max(n_sub, math.ceil((n_cols + max(spares)) / C))
    rng = np.random.default_rng([int(seed), 13])
    fails = {c.name: 0 for c in codes}
    fails.update({f"spares{sp}": 0 for sp in spares})
    nerr = nbits = 0
    shared_idx = lay.die + lay.sa + lay.ref + lay.ref_def
    for _ in range(_check_int("n_dies", n_dies, 1)):
        z = rng.standard_normal((1, len(lay.die)))
        sh = _shared_samples(lay, d, C, n_sub, z, sharing, rng)       # (n_sub, C, d)
        errs = np.empty((R, n_sub * C), bool)
        for r in range(R):
            u = rng.standard_normal((n_sub, C, d))
            u[..., shared_idx] = sh[..., shared_idx]
            m = evaluate_reads(ctx.replace(selected_row=r), u)
            data = rng.random((n_sub, C)) < 0.5
            errs[r] = np.where(data, m["m_ap"] < 0, m["m_p"] < 0).ravel()
        for code, ns, pos in geo:
            cnt = errs[:, pos].sum(axis=-1)                           # (R, words per row)
            fails[code.name] += int(np.any(cnt > code.t))
        for sp in spares:
            bad = int(errs[:, :n_cols + sp].any(axis=0).sum())
            fails[f"spares{sp}"] += int(bad > sp)
        nerr += int(errs.sum())
        nbits += errs.size
    ys = {n: 1.0 - f / n_dies for n, f in fails.items()}
    cis = {n: tuple(1.0 - x for x in reversed(clopper_pearson(f, n_dies))) for n, f in fails.items()}
    return BruteForceYield(n_dies=int(n_dies), fails=fails, die_yield=ys, die_yield_ci=cis, ber=nerr / nbits,
                           seconds=time.perf_counter() - t0)
