r"""Error-correcting codes for memory words: presets, word failure, die yield.

A word stores ``k`` data bits plus ``r`` check bits, ``n = k + r`` bits read
together; a code correcting ``t`` errors fails when more than ``t`` of the
``n`` bits are wrong. With independent bit errors of probability ``p``

.. math:: P_{word} = P(\mathrm{Binom}(n, p) > t) = \sum_{j=t+1}^{n} \binom{n}{j} p^j (1-p)^{n-j},

computed as a log-sum-exp of binomial log-pmfs so tiny probabilities keep
their digits; bits of unequal probability (a Poisson-binomial count) use the
exact recursion over bits of :func:`word_failure_probability_pb`. A die of
``W`` words passes with ``Y = (1 - P_word)^W = exp(W log1p(-P_word))``.

Check bits: Hamming SEC-DED needs ``r = m + 1`` with ``2^m >= k + m + 1``
(64 -> 72); a binary BCH code over GF(2^m) correcting ``t`` errors needs
``r = m t`` with ``k + m t <= 2^m - 1`` (Lin & Costello, *Error Control
Coding*, 2nd ed., Prentice Hall 2004, ch. 4 and 6).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import logsumexp
from scipy.stats import binom

from ..errors import ParameterError, UnknownNameError

__all__ = ["ECC", "ECC_PRESETS", "ecc_preset", "word_failure_probability", "log_word_failure_probability",
           "word_failure_probability_pb", "die_yield"]

ECC_PRESETS = ("none", "secded", "bch2", "bch3", "bch4")


def _int(field, v, lo):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise ParameterError(field, v, f"an integer >= {lo}")
    return int(v)


@dataclass(frozen=True)
class ECC:
    """A word code: ``name``, ``k`` data bits, ``check_bits`` r, ``t`` correctable errors [-]."""

    name: str
    k: int
    check_bits: int
    t: int

    def __post_init__(self):
        _int("ECC.k", self.k, 1)
        _int("ECC.check_bits", self.check_bits, 0)
        _int("ECC.t", self.t, 0)

    @property
    def n(self) -> int:
        """Bits per word, data plus check [-]."""
        return self.k + self.check_bits

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        return cls(**d)


def ecc_preset(name: str, k: int = 64) -> ECC:
    """The code ``name`` ('none', 'secded', 'bch2', 'bch3', 'bch4') for ``k`` data bits."""
    k = _int("k", k, 1)
    if name not in ECC_PRESETS:
        raise UnknownNameError("ecc", name, ECC_PRESETS)
    if name == "none":
        return ECC("none", k, 0, 0)
    if name == "secded":
        m = 1
        while 2 ** m < k + m + 1:
            m += 1
        return ECC("secded", k, m + 1, 1)
    t = int(name[3:])
    m = 2
    while k + m * t > 2 ** m - 1:
        m += 1
    return ECC(name, k, m * t, t)


def log_word_failure_probability(p_bit, n: int, t: int):
    """``log P(Binom(n, p_bit) > t)`` [-], elementwise in ``p_bit`` (-inf where it is 0)."""
    n = _int("n", n, 1)
    t = _int("t", t, 0)
    p = np.asarray(p_bit, float)
    if np.any((p < 0) | (p > 1)) or np.any(~np.isfinite(p)):
        raise ParameterError("p_bit", p_bit, "probabilities in [0, 1]")
    if t >= n:
        return np.full(p.shape, -np.inf)[()]
    j = np.arange(t + 1, n + 1).reshape((-1,) + (1,) * p.ndim)
    with np.errstate(divide="ignore"):
        lp = binom.logpmf(j, n, p[None])
    return logsumexp(lp, axis=0)[()]


def word_failure_probability(p_bit, n: int, t: int):
    """``P(Binom(n, p_bit) > t)``: probability that a word of ``n`` bits has more than ``t`` errors [-]."""
    return np.exp(log_word_failure_probability(p_bit, n, t))[()]


def word_failure_probability_pb(p_bits, t: int):
    """More than ``t`` errors among bits of unequal error probabilities (Poisson binomial) [-].

    ``p_bits`` (..., n): the last axis is the word's bits. Exact recursion
    over the bits on the probabilities of 0..t errors.
    """
    t = _int("t", t, 0)
    p = np.asarray(p_bits, float)
    if p.ndim < 1:
        raise ParameterError("p_bits", p_bits, "an array (..., n)")
    ok = np.zeros(p.shape[:-1] + (t + 1,))
    ok[..., 0] = 1.0
    fail = np.zeros(p.shape[:-1])
    for i in range(p.shape[-1]):
        pi = p[..., i, None]
        fail = fail + ok[..., t] * pi[..., 0]      # the (t+1)-th error: no cancellation for tiny rates
        shifted = np.concatenate([np.zeros(ok.shape[:-1] + (1,)), ok[..., :-1]], axis=-1)
        ok = ok * (1.0 - pi) + shifted * pi
    return np.clip(fail, 0.0, 1.0)


def die_yield(p_bit, n_bits: int, ecc: ECC | str = "none", *, k: int = 64):
    """Die yield with independent bit errors: ``(1 - P_word)^W``, ``W = ceil(n_bits / k)`` words [-].

    Parameters
    ----------
    p_bit : float or array_like
        Per-bit error probability [-].
    n_bits : int
        Data bits of the die [-].
    ecc : ECC or str
        Code (or preset name, then ``k`` data bits per word).
    """
    n_bits = _int("n_bits", n_bits, 1)
    code = ecc if isinstance(ecc, ECC) else ecc_preset(ecc, k)
    words = math.ceil(n_bits / code.k)
    lq = log_word_failure_probability(p_bit, code.n, code.t)
    q = np.exp(lq)
    return np.exp(words * np.log1p(-np.minimum(q, 1.0)))[()]
