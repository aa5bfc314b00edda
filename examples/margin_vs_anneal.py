"""Read margin vs anneal temperature, for a Ta and a Pt cap.

For each anneal temperature the whole chain runs again -- tunnelling physics
of the annealed stack -> R(V,T) table -> fitted compact model -> 1T-1MTJ
array -> read-margin Monte Carlo -- so the BER follows the anneal through
the physics (boron out-diffusion, crystallization, cap interdiffusion), not
through a hand-set TMR. The base study (array, variation, read scheme) is
``examples/read_margin.toml``.

Usage::

    python examples/margin_vs_anneal.py --out out/margin_vs_anneal [--quick]
        [--executor processes]

Writes ``margin_vs_anneal.json`` and ``margin_vs_anneal.png`` to ``--out``.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import mramsim as ms
from mramsim.constants import T0_CELSIUS
from mramsim.run import build
from mramsim.run.config import load_config

HERE = Path(__file__).resolve().parent


def study(cfg, caps, temps_c, n_samples, executor):
    """BER, margin, TMR and RA at the read conditions per (cap, anneal temperature)."""
    stack = build.build_stack(cfg.stack)
    V, T = cfg.device.grid()
    read = build.build_read(cfg)
    rows = []
    for cap in caps:
        for tc in temps_c:
            anneal = ms.Anneal(temperature=tc + T0_CELSIUS, time=cfg.anneal.time, cap=cap)
            dev = ms.MTJDevice(stack, anneal=anneal)
            tab = dev.rv_table(V=V, T=T)
            cm = ms.fit_compact(tab)
            arr = build.build_array(cfg, cm)
            var = build.build_variation(cfg, stack, anneal)
            res = ms.read_margin(arr, var, read, n_samples=n_samples, seed=cfg.montecarlo.seed, executor=executor)
            rp = float(np.asarray(cm.resistance("P", read.v_read, read.temperature)))
            rap = float(np.asarray(cm.resistance("AP", read.v_read, read.temperature)))
            rows.append({
                "cap": cap, "anneal_C": tc, "tmr_read": (rap - rp) / rp, "r_p_ohm": rp,
                "ra_p_ohm_um2": rp * cm.area / 1e-12, "ber": res.ber, "ber_ci": list(res.ber_ci),
                "margin_sigma": res.margin_sigma, "beta": res.beta, "method": res.method,
                "yield": res.yield_(array_bits=cfg.array.bits),
            })
            print(f"{cap} {tc:5.0f} C  TMR {100 * rows[-1]['tmr_read']:6.1f} %  BER {res.ber:.3g}  "
                  f"margin {res.margin_sigma:.2f} sigma", flush=True)
    return rows


def plot(rows, path):
    from mramsim.plotting._mpl import pyplot

    plt = pyplot()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    for k, cap in enumerate(sorted({r["cap"] for r in rows})):
        rs = [r for r in rows if r["cap"] == cap]
        x = [r["anneal_C"] for r in rs]
        a1.plot(x, [100 * r["tmr_read"] for r in rs], "o-", color=f"C{k}", label=f"{cap} cap")
        ber = np.maximum([r["ber"] for r in rs], 1e-300)
        a2.semilogy(x, ber, "o-", color=f"C{k}", label=f"{cap} cap")
        lo = np.maximum([r["ber_ci"][0] for r in rs], 1e-300)
        hi = np.maximum([r["ber_ci"][1] for r in rs], 1e-300)
        a2.fill_between(x, lo, hi, color=f"C{k}", alpha=0.2)
    a1.set_xlabel("anneal temperature [C]")
    a1.set_ylabel("TMR at read bias and temperature [%]")
    a1.legend()
    a2.set_xlabel("anneal temperature [C]")
    a2.set_ylabel("bit error rate (95% CI shaded)")
    a2.legend()
    fig.suptitle("read margin vs anneal: physics -> compact model -> array")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", type=Path, default=HERE / "read_margin.toml")
    p.add_argument("--out", type=Path, default=Path("out/margin_vs_anneal"))
    p.add_argument("--executor", default="serial")
    p.add_argument("--quick", action="store_true", help="few points, small array, few samples (a smoke run)")
    a = p.parse_args(argv)
    cfg = load_config(a.config)
    temps = [300, 325, 350, 375, 400, 425, 450]
    n = cfg.sweeps.n_samples
    if a.quick:
        temps, n = [425], 128
        cfg = cfg.replace(array=cfg.array.model_copy(update={"rows": 16, "cols": 16}),
                          device=cfg.device.model_copy(update={"n_v": 21, "n_t": 3}))
    a.out.mkdir(parents=True, exist_ok=True)
    from mramsim.parallel.executor import open_executor

    with open_executor(a.executor) as ex:  # one pool / cluster for every point
        rows = study(cfg, ("Ta", "Pt"), temps, n, ex)
    (a.out / "margin_vs_anneal.json").write_text(json.dumps(rows, indent=1, default=float))
    print("figure:", plot(rows, a.out / "margin_vs_anneal.png"))


if __name__ == "__main__":
    main()
