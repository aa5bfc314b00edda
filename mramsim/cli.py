"""The ``mramsim`` command line: a thin layer over the public API.

Unit conversions happen here (e.g. ``--anneal-temp 400C``), nowhere deeper.
Each sub-command has one ``_cmd_<name>`` function; objects come from
:mod:`mramsim.run.build` (the same path as the flow).

Exit codes: 0 ok; 1 error (one line naming what is wrong; ``--debug`` shows the
traceback); 2 usage (a bad command line); 130 interrupted (Ctrl-C: finished
work is kept, the same command resumes it).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import MramsimError, ParameterError

__all__ = ["main", "parse_temperature", "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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


def _anneal_temp(text):
    """``--anneal-temp``: a temperature, or 'none' (as deposited) -> kelvin or None."""
    return None if str(text).strip().lower() in ("none", "no", "off", "") else parse_temperature(text)


def _out_dir(path: Path) -> Path:
    """``--out``: create the folder and check that it is writable (one-line errors otherwise)."""
    import tempfile

    if path.exists() and not path.is_dir():
        raise ParameterError("--out", str(path), "a folder (this is a file)")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ParameterError("--out", str(path), f"a writable folder ({exc.strerror or exc})") from None
    return path


def _executor(text):
    """``--executor``: checked like ``[run] executor``."""
    if text is None:
        return None
    from .run.config import check_executor

    try:
        return check_executor(text)
    except ValueError:
        from .parallel.executor import EXECUTORS

        raise ParameterError("--executor", text, ", ".join(EXECUTORS) + " or a Dask address tcp://host:port") from None


def _agg():
    """Plots from the command line go to files: matplotlib's non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")


# -- sub-commands -------------------------------------------------------------
def _cmd_device(args) -> int:
    """R(V,T) table (CSV + JSON) and device plots (PNG) for a preset and anneal."""
    from .run.build import preset_device

    device = preset_device(args.preset, _anneal_temp(args.anneal_temp), float(args.anneal_time), args.cap)
    stack, anneal = device.stack, device.anneal
    table = device.rv_table()
    out = _out_dir(Path(args.out))
    _agg()
    table.to_csv(out / f"{stack.name}_rv.csv")
    table.to_json(out / f"{stack.name}_rv.json")

    from .plotting import device as dplot
    from .plotting._mpl import pyplot

    plt = pyplot()
    panels = {
        "rv": lambda ax: dplot.plot_rv(table, ax=ax),
        "tmr_bias": lambda ax: dplot.plot_tmr_bias(table, ax=ax),
        "tmr_temperature": lambda ax: dplot.plot_tmr_temperature(device, ax=ax),
        "thickness": lambda ax: dplot.plot_thickness(stack, anneal, ax=ax),
        "anneal": lambda ax: dplot.plot_anneal(stack, ax=ax),
    }
    for key, draw in panels.items():
        fig, ax = plt.subplots(figsize=(6, 4.2))
        draw(ax)
        fig.tight_layout()
        fig.savefig(out / f"{stack.name}_{key}.png", dpi=100)
        plt.close(fig)
    tmr0 = float(device.tmr(0.0, 300.0))
    print(f"{stack.name}: TMR(0 V, 300 K) = {100 * tmr0:.0f} %, "
          f"R_P = {float(device.resistance('P', 0.0, 300.0)):.4g} ohm; wrote {out}")
    return 0


def _cmd_export(args) -> int:
    from ._text import check_name
    from .compact.export import DIALECTS, write_cards
    from .errors import UnknownNameError
    from .run.build import preset_compact

    if args.dialect != "all" and args.dialect not in DIALECTS:
        raise UnknownNameError("--dialect", args.dialect, list(DIALECTS) + ["all"])
    check_name("--preset", args.preset)
    if args.check:
        from .compact.export import stale_cards

        stale = stale_cards(args.out)
        for name in stale:
            print(f"stale: {Path(args.out) / name}")
        print(f"{len(stale)} stale card(s) in {args.out}" if stale else f"cards in {args.out} are current")
        return 1 if stale else 0
    anneal_t = parse_temperature(args.anneal_temp)
    out = _out_dir(Path(args.out))
    cm = preset_compact(args.preset, anneal_temperature=anneal_t, cap=args.cap)
    paths = write_cards(cm, args.preset, args.dialect, out)
    print(f"{args.preset}: {cm.fit_report}")
    for path in paths:
        print(f"wrote {path}")
    return 0


def _cmd_calibrate(args) -> int:
    """Diagnosis report + model cards from a measurement file (mramsim.measure.calibrate)."""
    from .measure.calibrate import calibrate

    out = _out_dir(Path(args.out))
    _agg()
    area = None if args.area_um2 is None else float(args.area_um2) * 1e-12
    res = calibrate(args.data, out, dialect=args.dialect, r_series=args.r_series, area=area,
                    mass_ratio=args.mass_ratio, t_ref=parse_temperature(args.t_ref), name=args.name)
    for flag in res.diagnosis.flags:
        print(f"flag: {flag}")
    print(f"compact fit: {res.fit_report}")
    print(f"report: {res.report_path}")
    for path in res.card_paths:
        print(f"wrote {path}")
    return 0


def _array_of(args, target, rows=None, cols=None):
    """(array, v_read [V], temperature [K]) of a config file, or of ``--preset`` and the options."""
    from .run import build

    if target is not None:
        from .run.config import load_config

        cfg = load_config(target)
        arr = build.build_array(cfg, build.compact_from_config(cfg), rows=rows, cols=cols)
        return arr, cfg.read.v_read, cfg.read.temperature
    from .circuit.graph import Array1T1MTJ

    cm = build.preset_compact(args.preset, _anneal_temp(args.anneal_temp), cap=args.cap)
    return Array1T1MTJ(rows or args.rows, cols or args.cols, mtj=cm, v_wl=args.v_wl), args.v_read, \
        parse_temperature(args.temp)


def _cmd_netlist(args) -> int:
    from .circuit.netlist import write_example_netlists

    if args.check:
        import tempfile

        from .circuit.netlist import same_netlist

        arr, v_read, temp = _array_of(args, args.config)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_example_netlists(tmp, arr, v_read=v_read, temperature=temp)
            stale = [p.name for p in fresh if not (Path(args.out) / p.name).is_file()
                     or not same_netlist((Path(args.out) / p.name).read_text(), p.read_text())]
        for name in stale:
            print(f"stale: {Path(args.out) / name}")
        print(f"{len(stale)} stale netlist(s) in {args.out}" if stale else f"netlists in {args.out} are current")
        return 1 if stale else 0
    out = _out_dir(Path(args.out))
    arr, v_read, temp = _array_of(args, args.config)
    for path in write_example_netlists(out, arr, v_read=v_read, temperature=temp):
        print(path)
    return 0


def _cmd_check_spice(args) -> int:
    import numpy as np

    from .array.crosscheck import spice_cross_check
    from .circuit.netlist import checkerboard
    from .constants import T0_CELSIUS

    target = args.target
    if target is not None:
        if target.is_dir():
            target = target / "config.toml"
        if not target.is_file():
            raise ParameterError("check-spice target", str(args.target),
                                 "a TOML config file or a run output folder holding config.toml")
    if args.seed < 0:
        raise ParameterError("--seed", args.seed, "an integer >= 0")
    if not args.tolerance > 0:
        raise ParameterError("--tolerance", args.tolerance, "a number > 0")
    arr, v_read, temp = _array_of(args, target, args.rows, args.cols)
    row = arr.rows - 1
    states = checkerboard(arr.rows, arr.cols)
    runs = [("nominal", None)]
    if args.mc:
        rng = np.random.default_rng(args.seed)
        runs.append((f"Monte Carlo sample (seed {args.seed})",
                     {"r_scale": rng.lognormal(0.0, 0.05, arr.cols), "tmr_scale": rng.normal(1.0, 0.05, arr.cols),
                      "vth_shift": rng.normal(0.0, 0.02, arr.cols)}))
    print(f"check-spice: {arr.rows}x{arr.cols} array, read of row {row} (far), checkerboard states, "
          f"v_read = {v_read:g} V, T = {temp - T0_CELSIUS:g} C")
    worst = 0.0
    for label, smp in runs:
        r = spice_cross_check(arr, selected_row=row, states=states, v_read=v_read, temperature=temp, samples=smp)
        print(f"{label}: ngspice {r.t_ngspice:.2f} s, solver {r.t_solver * 1e3:.2f} ms")
        print("  col  state  I_ngspice [uA]  I_solver [uA]  rel diff")
        for c in range(arr.cols):
            print(f"  {c:3d}  {'AP' if states[row, c] else 'P ':>5}  {r.i_ngspice[c] * 1e6:14.6f}  "
                  f"{r.i_solver[c] * 1e6:13.6f}  {r.rel_diff[c]:.2e}")
        print(f"  max relative difference: {r.max_rel_diff:.3e}")
        worst = max(worst, r.max_rel_diff)
    ok = worst <= args.tolerance
    print(f"{'PASS' if ok else 'FAIL'}: max relative difference {worst:.3e} "
          f"{'<=' if ok else '>'} tolerance {args.tolerance:g}")
    if not ok:
        print(f"mramsim: error: check-spice FAIL: max relative difference {worst:.3e} > tolerance "
              f"{args.tolerance:g}", file=sys.stderr)
    return 0 if ok else 1


def _cmd_margin(args) -> int:
    from .run.flow import run_flow

    _agg()
    res = run_flow(args.config, _out_dir(args.out), executor=_executor(args.executor),
                   progress=False if args.quiet else None, stages=("margin", "sweeps"))
    mg = res.results.get("margin") or {}
    if mg:
        lo, hi = mg.get("ber_ci", (float("nan"), float("nan")))
        print(f"BER {mg.get('ber'):.3g} (95% CI {lo:.3g} - {hi:.3g}), margin {mg.get('margin_sigma', float('nan')):.2f} "
              f"sigma, yield of {mg.get('array_bits')} bits {mg.get('yield', float('nan')):.4g}")
    print(f"report: {res.report_path}")
    for stage, st in res.status.items():
        if not (st in ("done", "cached") or st.startswith("skipped")):
            print(f"mramsim: stage {stage}: {st}", file=sys.stderr)
    return _flow_exit(res)


def _cmd_run(args) -> int:
    from .run.flow import run_flow

    _agg()
    res = run_flow(args.config, _out_dir(args.out), executor=_executor(args.executor),
                   progress=False if args.quiet else None)
    print(f"report: {res.report_path}")
    print(f"results: {res.results_path}")
    for stage, st in res.status.items():
        if not (st in ("done", "cached") or st.startswith("skipped")):
            print(f"mramsim: stage {stage}: {st}", file=sys.stderr)
    return _flow_exit(res)


def _flow_exit(res) -> int:
    """0 for a complete flow; else 1 with a closing error line (never a silent exit 1)."""
    if res.complete:
        return EXIT_OK
    print(f"mramsim: error: the flow did not complete (stages: "
          f"{', '.join(f'{k}={v}' for k, v in res.status.items()) or 'none'}); see {res.report_path}",
          file=sys.stderr)
    return EXIT_ERROR


def _printable(text: str) -> str:
    """``text`` on one printable line: line breaks and control characters shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2 (no SystemExit from inside main)
        raise _UsageError(f"{self.prog}: {_printable(message)} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="mramsim", description="MRAM device-to-array simulation",
                epilog="exit codes: 0 ok, 1 error, 2 usage, 130 interrupted (finished work is kept; "
                       "rerun the same command to resume)")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    d = sub.add_parser("device", help="R(V,T) table and plots for a stack")
    d.add_argument("--preset", default="cofeb_mgo")
    d.add_argument("--anneal-temp", default="400C", help="anneal temperature, e.g. 400C or 673K")
    d.add_argument("--anneal-time", type=float, default=3600.0, help="anneal time [s]")
    d.add_argument("--cap", default="Ta")
    d.add_argument("--out", required=True, type=Path)
    d.set_defaults(func=_cmd_device)

    e = sub.add_parser("export", help="fit a compact model and write model cards")
    e.add_argument("--preset", default="cofeb_mgo")
    e.add_argument("--dialect", default="ngspice", help="ngspice|hspice|spectre|spectre-ahdl|xyce|verilog-a|all")
    e.add_argument("--anneal-temp", default="400C")
    e.add_argument("--cap", default="Ta")
    e.add_argument("--out", required=True, type=Path)
    e.add_argument("--check", action="store_true",
                   help="write nothing: list the cards in --out that differ from a fresh export (exit 1 if any)")
    e.set_defaults(func=_cmd_export)

    n = sub.add_parser("netlist", help="write array netlists")
    n.add_argument("--config", type=Path)
    n.add_argument("--out", required=True, type=Path)
    n.add_argument("--rows", type=int, default=16, help="word lines (without --config)")
    n.add_argument("--cols", type=int, default=16, help="bit lines (without --config)")
    n.add_argument("--preset", default="cofeb_mgo", help="stack preset of the MTJ (without --config)")
    n.add_argument("--anneal-temp", default="400C", help="anneal temperature, e.g. 400C, or 'none'")
    n.add_argument("--cap", default="Ta")
    n.add_argument("--v-read", type=float, default=0.15, help="read voltage [V]")
    n.add_argument("--v-wl", type=float, default=1.2, help="word-line voltage [V]")
    n.add_argument("--temp", default="27C", help="temperature, e.g. 27C or 300.15K")
    n.add_argument("--check", action="store_true",
                   help="write nothing: list the netlists in --out that differ from fresh ones (exit 1 if any)")
    n.set_defaults(func=_cmd_netlist)

    c = sub.add_parser("check-spice", help="cross-check the array solver against ngspice")
    c.add_argument("target", nargs="?", type=Path, help="a config file or a run output folder")
    c.add_argument("--rows", type=int, default=16)
    c.add_argument("--cols", type=int, default=16)
    c.add_argument("--preset", default="cofeb_mgo", help="stack preset of the MTJ (without target)")
    c.add_argument("--anneal-temp", default="400C", help="anneal temperature, e.g. 400C, or 'none'")
    c.add_argument("--cap", default="Ta")
    c.add_argument("--v-read", type=float, default=0.15, help="read voltage [V] (without target)")
    c.add_argument("--v-wl", type=float, default=1.2, help="word-line voltage [V] (without target)")
    c.add_argument("--temp", default="27C", help="temperature, e.g. 27C or 300.15K (without target)")
    c.add_argument("--mc", action="store_true", help="also check one Monte Carlo sample")
    c.add_argument("--seed", type=int, default=1, help="seed of the Monte Carlo sample")
    c.add_argument("--tolerance", type=float, default=1e-3, help="max relative difference allowed")
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

    cal = sub.add_parser("calibrate", help="diagnose a measurement file; fit and write model cards from it")
    cal.add_argument("data", type=Path, help="long-format CSV/TSV (see docs/measure.md)")
    cal.add_argument("--out", required=True, type=Path)
    cal.add_argument("--dialect", default="ngspice", help="ngspice|hspice|spectre|spectre-ahdl|xyce|verilog-a|all")
    cal.add_argument("--r-series", type=float, default=None, help="known series resistance [ohm] (default: fitted)")
    cal.add_argument("--area-um2", type=float, default=None, help="junction area [um^2] (default: the file's)")
    cal.add_argument("--mass-ratio", type=float, default=1.0, help="assumed m*/m_e for the BDR thickness")
    cal.add_argument("--t-ref", default="300K", help="temperature of the BDR and V_h fits, e.g. 300K or 27C")
    cal.add_argument("--name", default=None, help="subcircuit name (default: from the file name)")
    cal.set_defaults(func=_cmd_calibrate)
    return p


def main(argv=None) -> int:
    """Run the command line; return the exit code (0 ok, 1 error, 2 usage, 130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # argparse's --help: it printed the help; return, never exit from inside main
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.version:
        from ._version import __version__

        print(__version__)
        return EXIT_OK
    if not getattr(args, "command", None):
        parser.print_help()
        print("mramsim: error: no command given (see mramsim --help)", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        kept = f"finished stages and Monte Carlo blocks are kept in {out}" if out else "nothing was written"
        print(f"mramsim: interrupted; {kept}; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # one line per failure; the traceback only with --debug
        if args.debug:
            raise
        if isinstance(exc, MramsimError):
            msg = str(exc).splitlines()[0]
        elif isinstance(exc, OSError):
            msg = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        else:
            msg = f"internal error {type(exc).__name__}: {exc} (rerun with --debug for the traceback)"
        print(f"mramsim: error: {_printable(msg)}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
