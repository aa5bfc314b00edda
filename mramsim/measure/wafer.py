r"""Wafer maps -> die-to-die sigmas, a radial anneal profile and their correlation.

Model of a die value y (RA or TMR) at radius r on the wafer:

.. math::
    y(r) = y_0\,\bigl(1 + c\,\rho^2\bigr)\,(1 + \epsilon),\qquad \rho = r / r_{ref}

(the radial term is the anneal / deposition profile, centre to edge), and
:math:`\epsilon` the die-to-die random part. :func:`wafer_statistics` fits
:math:`y_0, c` with their standard errors, and reports the total and the random
(profile-removed) relative sigmas, the RA-TMR correlation of the random parts,
and, with a thickness column, :math:`d\ln RA/dd` and the thickness sigma.

The sigmas are plain numbers meant for :class:`mramsim.array.variation.Variation`
(``ra_sigma``, ``tmr_sigma``, ``thickness_sigma``): measure/ does not build it
(it sits below array); the run layer passes them on.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from .extract import _fit

__all__ = ["WaferStatistics", "wafer_statistics"]


@dataclass(frozen=True)
class WaferStatistics:
    """Wafer-map summary.

    ``*_sigma_total``: relative spread of the raw map [-]; ``ra_sigma``, ``tmr_sigma``: sigma of
    ln RA / ln TMR after removing the radial profile [-]; ``*_radial``: the profile coefficient c
    with its standard error; thickness sigma [m]; dlnRA/dd [1/m].
    """

    n_dies: int
    r_ref: float
    ra0: float
    ra_radial: float
    ra_radial_se: float
    tmr0: float
    tmr_radial: float
    tmr_radial_se: float
    ra_sigma_total: float
    ra_sigma: float
    tmr_sigma_total: float
    tmr_sigma: float
    ra_tmr_correlation: float
    thickness_sigma: float = float("nan")
    dlnra_dthickness: float = float("nan")

    def variation_kwargs(self) -> dict:
        """Die-to-die sigmas as :class:`mramsim.array.variation.Variation` keywords.

        ``ra_die_sigma`` (sigma of ln RA) and ``tmr_sigma`` (sigma of ln TMR) of the random
        part, the radial profile removed (it belongs to an anneal map). The thickness
        sigma is *not* included: RA already carries it (pass it instead of ``ra_die_sigma``
        if you prefer the physics route, not both).
        """
        return {"ra_die_sigma": self.ra_sigma, "tmr_sigma": self.tmr_sigma}

    def to_json(self, path=None) -> str:
        text = json.dumps(asdict(self), indent=1)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "WaferStatistics":
        s = str(path_or_text)
        return cls(**json.loads(s if s.lstrip().startswith("{") else Path(s).read_text()))


def _radial(rho, y, name):
    y0 = float(np.median(y))

    def resid(x):
        return x[0] * (1 + x[1] * rho**2) / y - 1.0

    res = _fit(f"radial profile of {name}", resid, [y0, 0.0], ["y0", "c"], ["", "-"], [0.0, -0.99], [np.inf, 10.0],
               scale=[y0, 1.0])
    return res, y / (res["y0"] * (1 + res["c"] * rho**2)) - 1.0


def wafer_statistics(wafer_map, r_ref: float | None = None) -> WaferStatistics:
    """Summarise a :class:`~mramsim.measure.io.WaferMap` (see the module doc).

    Parameters
    ----------
    wafer_map : WaferMap
    r_ref : float, optional
        Reference radius [m] of rho (default: the largest die radius).
    """
    r = wafer_map.radius
    if r.size < 5:
        raise ParameterError("wafer_map", r.size, ">= 5 dies")
    r_ref = float(np.max(r)) if r_ref is None else float(r_ref)
    rho = r / r_ref
    ra_fit, ra_eps = _radial(rho, wafer_map.ra, "RA")
    tmr_fit, tmr_eps = _radial(rho, wafer_map.tmr, "TMR")
    rel = lambda y: float(np.std(y, ddof=1) / np.mean(y))  # noqa: E731
    th_sigma = dlnra = float("nan")
    if wafer_map.thickness is not None:
        d = np.asarray(wafer_map.thickness, float)
        th_sigma = float(np.std(d, ddof=1))
        dlnra = float(np.polyfit(d, np.log(wafer_map.ra), 1)[0])
    return WaferStatistics(
        n_dies=int(r.size), r_ref=r_ref, ra0=ra_fit["y0"], ra_radial=ra_fit["c"], ra_radial_se=ra_fit.stderr["c"],
        tmr0=tmr_fit["y0"], tmr_radial=tmr_fit["c"], tmr_radial_se=tmr_fit.stderr["c"],
        ra_sigma_total=rel(wafer_map.ra), ra_sigma=float(np.std(np.log1p(ra_eps), ddof=3)),
        tmr_sigma_total=rel(wafer_map.tmr), tmr_sigma=float(np.std(np.log1p(tmr_eps), ddof=3)),
        ra_tmr_correlation=float(np.corrcoef(ra_eps, tmr_eps)[0, 1]), thickness_sigma=th_sigma,
        dlnra_dthickness=dlnra)
