"""The config's tables, one declaration per key; a table builds the class it configures once, so that the class's
own checks run at load time (mapped back to the key), and takes its defaults and limits from it."""
from __future__ import annotations

import inspect
import math
import re
from dataclasses import replace
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, Strict, model_validator

from ...array.ecc import ECC_PRESETS
from ...array.read import REFERENCES, SENSING, ReadScheme
from ...array.variation import AnnealMap, Variation
from ...circuit.elements import AccessNMOS, Wires
from ...compact.export import DIALECTS
from ...compact.fit import fit_compact
from ...materials import Barrier, Electrode
from ...parallel.executor import EXECUTORS
from ...physics.device import T_RANGE, V_MAX
from ...physics.switching.macrospin import FreeLayer
from ...stack import CAPS, PRESETS, Anneal
from ._keys import Floats, KeyProblem, Name, Section, key, mirror, one_of, rejected_by, si

DEFAULT_PRESET = "cofeb_mgo"  #: the preset of a config without ``[stack] preset`` and without an explicit stack
_FIT = inspect.signature(fit_compact).parameters
_T_LO_C, _T_HI_C = T_RANGE[0] - 273.15, T_RANGE[1] - 273.15
Opt = Optional[float]
_DASK_ADDRESS = re.compile(r"(tcp|tls|ucx)://[A-Za-z0-9_.\-\[\]:]+:\d{1,5}")


def check_executor(v: str) -> str:
    """An executor name of :data:`mramsim.parallel.executor.EXECUTORS` or a Dask address ``tcp://host:port``."""
    if v in EXECUTORS or _DASK_ADDRESS.fullmatch(v):
        return v
    raise KeyProblem((), f"{v!r} is not an executor; allowed: " + ", ".join(repr(e) for e in EXECUTORS)
                     + " or a Dask scheduler address 'tcp://host:port'")


class RunConfig(Section):
    """How to run: report title, executor, progress bars."""
    name: str = key("name", "mramsim study", doc="title of the report")
    executor: Annotated[str, AfterValidator(check_executor)] = key(
        "executor", "serial", doc="serial | processes | dask | tcp://scheduler:port")
    progress: bool = key("progress", True, doc="tqdm progress bars")


BarrierConfig = mirror("BarrierConfig", Barrier, "name height_eV thickness_nm mass_ratio asymmetry_eV channel_offsets_eV",
                       "Fields of :class:`mramsim.Barrier` to set (SI; None: the preset's or the class's value).",
                       optional=True, builds=False)
ElectrodeConfig = mirror("ElectrodeConfig", Electrode, "name dos_up dos_down velocity_up_m_per_s velocity_down_m_per_s "
                         "weights_up weights_down fermi_energy_eV spin_wave_alpha_per_K1p5 boron_fraction",
                         "Fields of :class:`mramsim.Electrode` to set (SI).", optional=True, builds=False)


class StackConfig(Section):
    """The stack: ``preset`` plus overrides, or explicit ([stack.barrier], [stack.left], [stack.right]) (SI)."""
    preset: Annotated[Optional[str], one_of(PRESETS)] = key(
        "preset", None, doc=f"base preset (default {DEFAULT_PRESET!r} unless the stack is explicit)")
    thickness: Opt = key("thickness_nm", doc="barrier thickness")
    diameter: Opt = key("diameter_nm", lo=0, lo_open=True, doc="circular junction diameter")
    area: Opt = key("area_nm2", lo=0, lo_open=True, doc="junction area")
    r_series: Opt = key("r_series_ohm")
    correlation_length: Opt = key("correlation_length_nm")
    diffuse_fraction: Opt = key("diffuse_fraction")
    crystalline_as_grown: Opt = key("crystalline_as_grown")
    coherent_barrier: Optional[bool] = key("coherent_barrier")
    measurement: Optional[str] = key("measurement", None, doc="a measurement file (CSV/TSV, docs/measure.md; relative "
                                     "to the config): the R(V,T) table is resampled from it, not computed")
    barrier: BarrierConfig = key("barrier", BarrierConfig(), doc="barrier fields")
    left: ElectrodeConfig = key("left", ElectrodeConfig(), doc="reference electrode")
    right: ElectrodeConfig = key("right", ElectrodeConfig(), doc="free electrode")

    @model_validator(mode="before")
    @classmethod
    def _default_preset(cls, data):
        if isinstance(data, dict) and "preset" not in data and not all(t in data for t in ("barrier", "left", "right")):
            data = {**data, "preset": DEFAULT_PRESET}
        return data

    @model_validator(mode="after")
    def _whole(self):
        if self.diameter is not None and self.area is not None:
            raise KeyProblem("area_nm2", "give either stack.diameter_nm or stack.area_nm2, not both")
        if self.thickness is not None and self.barrier.thickness is not None:
            raise KeyProblem(("barrier", "thickness_nm"), "also given as stack.thickness_nm; give it once")
        for sub, attr in () if self.preset else (("barrier", "height"), ("barrier", "thickness"), ("left", "dos_up"),
                                                 ("left", "dos_down"), ("right", "dos_up"), ("right", "dos_down")):
            if getattr(getattr(self, sub), attr) is None and not (attr == "thickness" and self.thickness is not None):
                raise KeyProblem((sub, getattr(self, sub).alias(attr)), "is required for an explicit stack (no stack.preset)")
        if self.preset is None and self.junction_area is None:
            raise KeyProblem("diameter_nm", "is required for an explicit stack (or stack.area_nm2)")
        return self

    junction_area = property(lambda self: self.area if self.diameter is None else math.pi * (0.5 * self.diameter) ** 2,
                             doc="Area from ``area`` or ``diameter`` [m^2], None when not given.")
    label = property(lambda self: self.preset or "custom", doc="The preset's name or 'custom'.")


AnnealConfig = mirror("AnnealConfig", Anneal, "temperature_C time_s cap", "Anneal temperature, time and cap (SI), "
                      "checked by :class:`mramsim.Anneal`.", cap={"type": Annotated[str, one_of(CAPS)]})


class DeviceConfig(Section):
    """R(V,T) grid: n_v biases in [-v_max, v_max], n_t temperatures in [t_min, t_max] (limits of the physics)."""
    v_max: float = key("v_max_V", 0.6, 0, V_MAX, lo_open=True, doc="table covers [-v_max, v_max]")
    n_v: int = key("n_v", 61, lo=3, hi=1001)
    t_min: float = key("t_min_C", si(-40.0, "C"), _T_LO_C, _T_HI_C, doc="lowest table temperature")
    t_max: float = key("t_max_C", si(125.0, "C"), _T_LO_C, _T_HI_C, doc="highest table temperature")
    n_t: int = key("n_t", 8, lo=1, hi=200)

    @model_validator(mode="after")
    def _order(self):
        if self.n_t > 1 and self.t_max <= self.t_min:
            raise KeyProblem("t_max_C", f"must be above device.t_min_C ({self.t_min - 273.15:g} C)")
        return self

    def grid(self):
        """(V [V], T [K]) arrays of the table."""
        import numpy as np
        V = np.linspace(-self.v_max, self.v_max, self.n_v)
        return V, np.linspace(self.t_min, self.t_max, self.n_t) if self.n_t > 1 else np.array([self.t_min])


class CompactConfig(Section):
    """Options of :func:`mramsim.fit_compact` and the fit's acceptance target [-]."""
    name: Name = key("name", _FIT["name"].default, doc="subcircuit name (a netlist identifier)")
    max_rel_error: float = key("max_rel_error", 0.02, lo=0, hi=1, lo_open=True,
                               doc="acceptance target of the fit (reported pass/fail)")
    v_window: float = key("v_window_V", _FIT["v_window"].default, 0, V_MAX, lo_open=True,
                          doc="fit points with |V| <= v_window (capped at device.v_max_V)")
    tmr_temperature: Literal["auto", "exp", "shang"] = key("tmr_temperature", _FIT["tmr_temperature"].default,
                                                           doc="TMR temperature law of the fit")
    magnon: bool = key("magnon", _FIT["magnon"].default, doc="fit the magnon spin-flip mixing term")


class ExportConfig(Section):
    """Dialects to write (the exporters' registry) and whether to add the statistical variant."""
    dialects: tuple[Annotated[str, Strict(), one_of(DIALECTS)], ...] = key("dialects", ("ngspice",), strict=False,
                                                                         min_length=1)
    statistical: bool = key("statistical", False, doc="also write the Monte Carlo variant")


AccessConfig = mirror("AccessConfig", AccessNMOS, "w_nm l_nm vto_V kp_A_per_V2 lambda_per_V g_off_S tnom_C tcv_V_per_K "
                      "bex tcg_per_K", "Fields of :class:`mramsim.AccessNMOS` to set (SI; None: the class default).",
                      optional=True)
WiresConfig = mirror("WiresConfig", Wires, "r_bl_ohm r_sl_ohm c_bl_F c_sl_F",
                     "Fields of :class:`mramsim.Wires` to set (per cell pitch, SI).", optional=True)


class ArrayConfig(Section):
    """Array size, bits for yield scaling, read row, word-line voltage [V], access NMOS, wires."""
    rows: int = key("rows", 64, lo=1, hi=65536)
    cols: int = key("cols", 64, lo=1, hi=65536)
    array_bits: Optional[int] = key("array_bits", lo=1, doc="bits the yield is scaled to (default rows*cols)")
    selected_row: Optional[int] = key("selected_row", lo=0, doc="row read in the netlist (default: far row)")
    v_wl: float = key("v_wl_V", 1.2, 0, 10.0, lo_open=True, doc="selected word-line voltage")
    access: AccessConfig = key("access", AccessConfig(), doc="access NMOS (level-1)")
    wires: WiresConfig = key("wires", WiresConfig(), doc="bit/source-line wires")

    @model_validator(mode="after")
    def _row(self):
        if self.selected_row is not None and self.selected_row >= self.rows:
            raise KeyProblem("selected_row", f"{self.selected_row} is out of range; allowed: [0, {self.rows - 1}]")
        return self

    bits = property(lambda self: self.rows * self.cols if self.array_bits is None else self.array_bits,
                    doc="Bits the yield is scaled to [-].")
    read_row = property(lambda self: self.rows - 1 if self.selected_row is None else self.selected_row,
                        doc="Row read in netlists: ``selected_row`` or the far (last) row.")


AnnealMapConfig = mirror(
    "AnnealMapConfig", AnnealMap, "t_center=center_temperature_C t_edge=edge_temperature_C "
    "wafer_diameter=wafer_diameter_mm profile_exponent grid_points", "Radial wafer anneal map (fields of "
    ":class:`mramsim.AnnealMap`; time and cap from [anneal]).", builds=False,
    wafer_diameter={"type": float, "default": 2 * AnnealMap.wafer_radius, "lo": 0, "hi": 1000, "lo_open": True})
VariationConfig = mirror(
    "VariationConfig", Variation, "ra_sigma ra_die_sigma thickness_sigma_nm cd_sigma_nm tmr_sigma vth_sigma_V "
    "defect_rate defect_tmr cd_nm anneal_map=anneal_map", "Fields of :class:`mramsim.Variation` (SI), a wafer anneal map.",
    cd_sigma={"lo": 0, "hi": 1e3}, cd={"lo": 0, "lo_open": True}, _unchecked=("anneal_map", "cd_sigma"),  # cd_sigma:
    anneal_map={"type": Optional[AnnealMapConfig], "default": None, "doc": "radial wafer anneal-temperature map"})  # vs CD


class ReadConfig(mirror("ReadKeys", ReadScheme, "v_read_V sensing reference r_ref_ohm v_ref_V n_ref_pairs "
                        "sa_offset_sigma_V r_sense_ohm temperature_C", "", sensing={"type": Annotated[str, one_of(SENSING)]},
                        reference={"type": Annotated[str, one_of(REFERENCES)]},
                        sa_offset_sigma={"default": 5e-3})):  # a study default, unlike ReadScheme's ideal SA
    """Fields of :class:`mramsim.ReadScheme` (SI), checked by it."""

    def build(self, **changes):
        """The :class:`mramsim.ReadScheme` (with ``changes`` applied, e.g. for sweeps)."""
        return ReadScheme(**{**dict(self.__dict__), **changes})


class MonteCarloConfig(Section):
    """Monte Carlo size (rows read; each read covers every column), seed and block size [-]."""
    n_samples: int = key("n_samples", 100_000, lo=1)
    seed: int = key("seed", 1, lo=0)
    block_size: Optional[int] = key("block_size", None, lo=1, hi=10_000_000,
                                    doc="rows per random block (default: read_margin's choice)")


class SweepsConfig(Section):
    """Read bias, read temperature and anneal temperature sweeps (SI; checked by ReadScheme and Anneal)."""
    v_read: Floats = key("v_read_V", (), strict=False)
    temperature: Floats = key("temperature_C", (), strict=False)
    anneal_temperature: Floats = key("anneal_temperature_C", (), strict=False)
    n_samples: int = key("n_samples", 20_000, lo=1, doc="Monte Carlo samples per sweep point")

    @model_validator(mode="after")
    def _check(self):
        for attr, cls, arg in (("v_read", ReadScheme, "v_read"), ("temperature", ReadScheme, "temperature"),
                               ("anneal_temperature", Anneal, "temperature")):
            for x in getattr(self, attr):
                with rejected_by(SweepsConfig, attr_map={arg: attr}):
                    cls(**{arg: x})
        return self


class YieldConfig(Section):
    """Die yield of the macro (:func:`mramsim.array.yield_.read_yield`): codes, sharing, integration sizes."""
    enabled: bool = key("enabled", False, doc="compute the die yield in the margin stage")
    ecc: tuple[Annotated[str, one_of(ECC_PRESETS)], ...] = key("ecc", ("none", "secded"), strict=False,
                                                                doc="codes: " + ", ".join(ECC_PRESETS))
    k: int = key("data_bits_per_word", 64, lo=1, hi=4096)
    cols_per_sa: Optional[int] = key("cols_per_sa", None, lo=1, doc="columns per sense amplifier (static offset)")
    cols_per_ref: Optional[int] = key("cols_per_ref", None, lo=1, doc="columns per reference pair")
    n_quad: int = key("n_quad", 33, lo=3, hi=401, doc="Simpson nodes per die variable")
    n_lines: int = key("n_lines", 4, lo=1, hi=1024, doc="line-sampling lines over the per-read variables")
    grid_points: int = key("grid_points", 49, lo=9, hi=1025, doc="points along a line")
    max_rows: int = key("max_rows", 4, lo=1, hi=4096, doc="rows evaluated")
    n_dies: int = key("n_dies", 0, lo=0, doc="Monte Carlo dies over shared variables (0: quadrature if possible)")


class FreeLayerConfig(mirror("FreeLayerKeys", FreeLayer, "ms_A_per_m hk_A_per_m thickness_nm diameter_nm alpha "
                             "polarization geometry t_curie_K n=barrier_ms_exponent", "",
                             diameter={"default": None, "doc": "pillar diameter (default: the [stack] junction's)"})):
    """Fields of :class:`mramsim.physics.switching.FreeLayer` (SI, at its ``t_ref``), checked by it."""

    def build(self, stack) -> FreeLayer:
        """The free layer; diameter omitted: the junction diameter ``sqrt(4 A / pi)`` of ``stack`` (one pillar)."""
        return FreeLayer(**{"diameter": math.sqrt(4.0 * stack.area / math.pi), **self.given()})


class WriteConfig(Section):
    """Read/write error budget shmoo (:func:`mramsim.array.budget.error_budget`, its grid limits) and die yield
    without / with ``ecc`` (write variation: :class:`mramsim.array.write.WriteVariation` defaults)."""
    enabled: bool = key("enabled", False, doc="compute the error budget in the margin stage")
    v_read: Floats = key("v_read_V", (0.05, 0.1, 0.2), 0, 1.5, lo_open=True, strict=False, min_length=1)
    v_write: Floats = key("v_write_V", (0.9, 1.1), 0, 5, lo_open=True, strict=False, min_length=1)
    pulse_width: Floats = key("pulse_width_s", (5e-9, 10e-9, 20e-9), 0, 1e-6, lo_open=True, strict=False, min_length=1)
    temperature: Floats = key("temperature_C", (), -273.15, 326.85, lo_open=True, strict=False,
                              doc="empty: the read temperature")
    retention_time: float = key("retention_time_s", 10 * 365.25 * 86400.0, lo=0, lo_open=True,
                                doc="storage time of the retention term")
    n_reads: int = key("n_reads", 1, lo=1, doc="reads of a stored bit (read disturb)")
    ecc: Annotated[str, one_of(ECC_PRESETS)] = key("ecc", "secded")
    n_write: int = key("n_write", 500, lo=10, hi=10**6, doc="importance samples per write corner")
    free_layer: FreeLayerConfig = key("free_layer", FreeLayerConfig(), doc="free layer of the write error")


class SpiceCheckConfig(Section):
    """ngspice cross-check of a rows x cols array; tolerance on cell current [-]."""
    enabled: bool = key("enabled", True)
    rows: int = key("rows", 8, lo=1, hi=256)
    cols: int = key("cols", 8, lo=1, hi=256)
    tolerance: float = key("tolerance", 1e-3, lo=0, hi=1, lo_open=True, doc="max relative current error")


def build_stack(st: StackConfig):
    """The :class:`mramsim.Stack` of a [stack] table (a preset with overrides, or explicit)."""
    from ...stack import Stack
    kw = {("area" if k == "junction_area" else k): getattr(st, k) for k in ("r_series", "correlation_length",
          "diffuse_fraction", "crystalline_as_grown", "coherent_barrier", "junction_area") if getattr(st, k) is not None}
    bar, left, right = {**st.barrier.given(), **({"thickness": st.thickness} if st.thickness is not None else {})}, \
        st.left.given(), st.right.given()
    if st.preset is None:
        return Stack(name="custom", left=Electrode(**{"name": "left", **left}),
                     barrier=Barrier(**{"name": "barrier", **bar}), right=Electrode(**{"name": "right", **right}), **kw)
    base = Stack.preset(st.preset)
    return replace(base, barrier=replace(base.barrier, **bar) if bar else base.barrier,
                   left=replace(base.left, **left) if left else base.left,
                   right=replace(base.right, **right) if right else base.right, **kw)
