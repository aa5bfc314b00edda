"""The ``mramsim`` command line: a thin layer over the public API.

Unit conversions happen here (e.g. ``--anneal-temp 400C``), nowhere deeper.
Each sub-command has one ``_cmd_<name>`` function.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import MramsimError, ParameterError

__all__ = ["main", "parse_temperature"]


def parse_temperature(text: str) -> float:
    """'400C', '673.15K' or '673.15' (kelvin) -> kelvin [K]."""
    from .constants import T0_CELSIUS

    s = str(text).strip()
    try:
        if s[-1] in "cC":
            return float(s[:-1]) + T0_CELSIUS
        if s[-1] in "kK":
            return float(s[:-1])
        return float(s)
    except (ValueError, IndexError):
        raise ParameterError("temperature", text, "a number with unit C or K, e.g. 400C or 673.15K") from None


# -- sub-commands -------------------------------------------------------------
def _cmd_device(args) -> int:
    raise MramsimError("'mramsim device' is not available yet")


def _cmd_export(args) -> int:
    raise MramsimError("'mramsim export' is not available yet")


def _cmd_netlist(args) -> int:
    raise MramsimError("'mramsim netlist' is not available yet")


def _cmd_check_spice(args) -> int:
    raise MramsimError("'mramsim check-spice' is not available yet")


def _cmd_margin(args) -> int:
    from .run.flow import run_flow

    res = run_flow(args.config, args.out, executor=args.executor, progress=False if args.quiet else None,
                   stages=("margin", "sweeps"))
    mg = res.results.get("margin") or {}
    if mg:
        lo, hi = mg.get("ber_ci", (float("nan"), float("nan")))
        print(f"BER {mg.get('ber'):.3g} (95% CI {lo:.3g} - {hi:.3g}), margin {mg.get('margin_sigma', float('nan')):.2f} "
              f"sigma, yield of {mg.get('array_bits')} bits {mg.get('yield', float('nan')):.4g}")
    print(f"report: {res.report_path}")
    for stage, st in res.status.items():
        if not (st in ("done", "cached") or st.startswith("skipped")):
            print(f"mramsim: stage {stage}: {st}", file=sys.stderr)
    return 0 if res.complete else 1


def _cmd_run(args) -> int:
    from .run.flow import run_flow

    res = run_flow(args.config, args.out, executor=args.executor, progress=False if args.quiet else None)
    print(f"report: {res.report_path}")
    print(f"results: {res.results_path}")
    for stage, st in res.status.items():
        if not (st in ("done", "cached") or st.startswith("skipped")):
            print(f"mramsim: stage {stage}: {st}", file=sys.stderr)
    return 0 if res.complete else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mramsim", description="MRAM device-to-array simulation")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command")

    d = sub.add_parser("device", help="R(V,T) table and plots for a stack")
    d.add_argument("--preset", default="cofeb_mgo")
    d.add_argument("--anneal-temp", default="400C", help="anneal temperature, e.g. 400C or 673K")
    d.add_argument("--anneal-time", type=float, default=3600.0, help="anneal time [s]")
    d.add_argument("--cap", default="Ta")
    d.add_argument("--out", required=True, type=Path)
    d.set_defaults(func=_cmd_device)

    e = sub.add_parser("export", help="fit a compact model and write model cards")
    e.add_argument("--preset", default="cofeb_mgo")
    e.add_argument("--dialect", default="ngspice", help="ngspice|hspice|spectre|xyce|verilog-a|all")
    e.add_argument("--anneal-temp", default="400C")
    e.add_argument("--cap", default="Ta")
    e.add_argument("--out", required=True, type=Path)
    e.set_defaults(func=_cmd_export)

    n = sub.add_parser("netlist", help="write array netlists")
    n.add_argument("--config", type=Path)
    n.add_argument("--out", required=True, type=Path)
    n.set_defaults(func=_cmd_netlist)

    c = sub.add_parser("check-spice", help="cross-check the array solver against ngspice")
    c.add_argument("target", nargs="?", type=Path, help="a config file or a run output folder")
    c.add_argument("--rows", type=int, default=16)
    c.add_argument("--cols", type=int, default=16)
    c.set_defaults(func=_cmd_check_spice)

    m = sub.add_parser("margin", help="read-margin Monte Carlo and BER")
    m.add_argument("--config", required=True, type=Path)
    m.add_argument("--out", required=True, type=Path)
    m.add_argument("--executor", default=None, help="serial|processes|dask|tcp://host:port (overrides the config)")
    m.add_argument("--quiet", action="store_true", help="no progress output")
    m.set_defaults(func=_cmd_margin)

    r = sub.add_parser("run", help="the whole device-to-array flow")
    r.add_argument("config", type=Path)
    r.add_argument("--out", required=True, type=Path)
    r.add_argument("--executor", default=None, help="serial|processes|dask|tcp://host:port (overrides the config)")
    r.add_argument("--quiet", action="store_true", help="no progress output")
    r.set_defaults(func=_cmd_run)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(__version__)
        return 0
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MramsimError as exc:
        print(f"mramsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mramsim: interrupted (finished work is kept in the output folder)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
