"""A wafer anneal map: radial anneal-temperature profile -> die TMR / RA -> read margin.

A 300 mm wafer annealed 1 h with the center at 400 C and the edge 25 C cooler
(a radial profile ``T(r) = T_c + (T_e - T_c) (r/R)^2``). The die-level R_P and
TMR come from the annealing physics (:class:`mramsim.AnnealMap`, which solves
the device at a few anneal temperatures and interpolates). The script draws
the anneal temperature and TMR over the wafer and compares the read margin of
a uniformly annealed wafer with the mapped one (dies sampled uniformly over
the wafer area in the Monte Carlo).

Usage::

    python examples/wafer_anneal_map.py --out out/wafer_map [--quick]

Writes ``wafer_anneal_map.png`` and ``wafer_anneal_map.json``.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

import mramsim as ms
from mramsim.constants import T0_CELSIUS
from mramsim.run import build
from mramsim.run.config import load_config

HERE = Path(__file__).resolve().parent


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", type=Path, default=HERE / "read_margin.toml")
    p.add_argument("--out", type=Path, default=Path("out/wafer_map"))
    p.add_argument("--center-C", type=float, default=400.0)
    p.add_argument("--edge-C", type=float, default=375.0)
    p.add_argument("--executor", default="serial")
    p.add_argument("--quick", action="store_true", help="small array, few samples (a smoke run)")
    a = p.parse_args(argv)
    cfg = load_config(a.config)
    n = cfg.montecarlo.n_samples
    if a.quick:
        n = 256
        cfg = cfg.replace(array=cfg.array.model_copy(update={"rows": 32, "cols": 32}),
                          device=cfg.device.model_copy(update={"n_v": 21, "n_t": 3}))
    a.out.mkdir(parents=True, exist_ok=True)

    stack = build.build_stack(cfg.stack)
    anneal = ms.Anneal(temperature=a.center_C + T0_CELSIUS, time=cfg.anneal.time, cap=cfg.anneal.cap)
    amap = ms.AnnealMap(t_center=anneal.temperature, t_edge=a.edge_C + T0_CELSIUS, stack=stack,
                        time=anneal.time, cap=anneal.cap, wafer_radius=0.15, profile_exponent=2.0,
                        grid_points=7 if a.quick else 13)

    # the compact model is fitted at the wafer-center anneal; the map scales R_P and TMR per die
    V, T = cfg.device.grid()
    cm = ms.fit_compact(ms.MTJDevice(stack, anneal=anneal).rv_table(V=V, T=T))
    arr = build.build_array(cfg, cm)
    read = build.build_read(cfg)
    var_uniform = build.build_variation(cfg, stack, anneal)
    var_mapped = replace(var_uniform, anneal=amap)
    from mramsim.parallel.executor import open_executor

    with open_executor(a.executor) as ex:
        kw = dict(n_samples=n, seed=cfg.montecarlo.seed, executor=ex)
        res_u = ms.read_margin(arr, var_uniform, read, **kw)
        res_m = ms.read_margin(arr, var_mapped, read, **kw)

    # maps over the wafer
    x = np.linspace(-0.15, 0.15, 121)
    X, Y = np.meshgrid(x, x)
    R = np.hypot(X, Y)
    inside = R <= 0.15
    t_map = np.where(inside, amap.temperature_at(np.minimum(R, 0.15)), np.nan)
    r_scale, tmr_scale = amap.scales_at(np.where(inside, t_map, anneal.temperature))
    tmr0 = float(np.asarray(cm.tmr(read.v_read, read.temperature)))
    tmr_map = np.where(inside, tmr0 * tmr_scale, np.nan)

    from mramsim.plotting._mpl import pyplot

    plt = pyplot()
    fig, axs = plt.subplots(1, 3, figsize=(16, 4.4), layout="constrained")
    ext = [-150, 150, -150, 150]
    im = axs[0].imshow(t_map - T0_CELSIUS, extent=ext, origin="lower", cmap="inferno")
    fig.colorbar(im, ax=axs[0], label="anneal temperature [C]")
    im = axs[1].imshow(100 * tmr_map, extent=ext, origin="lower", cmap="viridis")
    fig.colorbar(im, ax=axs[1], label="TMR at read [%]")
    for ax in axs[:2]:
        ax.set_xlabel("x [mm]")
        ax.set_ylabel("y [mm]")
    labels = ["uniform", "mapped"]
    bers = [res_u.ber, res_m.ber]
    lo = [res_u.ber_ci[0], res_m.ber_ci[0]]
    hi = [res_u.ber_ci[1], res_m.ber_ci[1]]
    axs[2].bar(labels, np.maximum(bers, 1e-300), yerr=[np.subtract(bers, lo), np.subtract(hi, bers)],
               color=["C0", "C3"], log=True)
    axs[2].set_ylabel("bit error rate (95% CI)")
    axs[2].set_title("read margin: uniform vs mapped anneal")
    fig.suptitle(f"wafer anneal map: center {a.center_C:.0f} C, edge {a.edge_C:.0f} C")
    fig.savefig(a.out / "wafer_anneal_map.png", dpi=110, bbox_inches="tight")

    out = {
        "center_C": a.center_C, "edge_C": a.edge_C,
        "tmr_center": float(tmr_map[60, 60]),
        "tmr_edge": float(tmr0 * amap.scales_at(amap.temperature_at(0.15))[1]),
        "uniform": {"ber": res_u.ber, "ber_ci": list(res_u.ber_ci), "margin_sigma": res_u.margin_sigma},
        "mapped": {"ber": res_m.ber, "ber_ci": list(res_m.ber_ci), "margin_sigma": res_m.margin_sigma},
    }
    (a.out / "wafer_anneal_map.json").write_text(json.dumps(out, indent=1, default=float))
    print(json.dumps(out, indent=1, default=float))
    print("figure:", a.out / "wafer_anneal_map.png")


if __name__ == "__main__":
    main()
