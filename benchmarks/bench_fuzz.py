"""Fuzz benchmark: many generated inputs to the public API, the config and the CLI.

Draws inputs with the strategies of ``tests/fuzz/fuzz_cases.py`` (hypothesis,
derandomized: the same inputs every run) and counts, per input class:

* tried       -- inputs run,
* named       -- a mramsim error (MramsimError) naming what is wrong: fine,
* traceback   -- any other exception (a bug),
* silent      -- a result with NaN/inf, or returned after a numpy overflow /
  invalid warning (a silently wrong answer; a bug),
* code exec   -- a netlist-injection payload (``shell touch <file>`` smuggled
  in a name, provenance or title) that created its file when the netlist was
  run through ngspice (a security bug).

Targets: 0 tracebacks, 0 silent, 0 code executions. Prints one reproducer per
failing class (the first few). Run:
``PYTHONPATH=. .venv/bin/python benchmarks/bench_fuzz.py [--n 100] [--only case,...]``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
os.chdir(ROOT)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fuzz_cases as cases  # noqa: E402


#: classes whose valid calls take ~0.1-1 s (fit, Monte Carlo): fewer inputs
SLOW = {"fit_compact", "read_margin"}


def _settings(n):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), phases=["generate"])


def run_api(name, n, counts, examples, valid=False):
    strategy, func = (cases.VALID_CASES if valid else cases.CASES)[name]
    label = name + (" (in-range)" if valid else "")

    @_settings(n)
    @given(strategy)
    def probe(d):
        shown = repr(d)[:300]
        kind, detail = cases.classify(name, func, dict(d))
        counts[label]["tried"] += 1
        counts[label][kind] += 1
        if kind in ("traceback", "silent") and len(examples[label]) < 3:
            examples[label].append(f"{kind}: {detail[:200]}\n      input: {shown}")
        if name == "netlist_injection" and kind == "ok":
            text = func(dict(d))
            if cases.injected_lines(text):
                counts[label]["silent"] += 1
                examples[label].append(f"injected line in {d['dialect']}: {cases.injected_lines(text)[0]!r}")

    probe()


def run_config(n, counts, examples, tmp):
    @_settings(n)
    @given(cases.config_text())
    def probe(data):
        kind, detail = cases.classify("config", cases.load_config_bytes, data, tmp)
        counts["config"]["tried"] += 1
        counts["config"][kind] += 1
        if kind in ("traceback", "silent") and len(examples["config"]) < 3:
            examples["config"].append(f"{kind}: {detail[:200]}\n      input: {data[:300]!r}")

    probe()


def run_cli(n, counts, examples, tmp):
    cases.make_cli_fixture(tmp)

    @_settings(n)
    @given(cases.cli_argv(tmp))
    def probe(argv):
        counts["cli"]["tried"] += 1
        try:
            rc, out, err = cases.run_cli(argv)
        except BaseException as exc:  # noqa: BLE001
            counts["cli"]["traceback"] += 1
            if len(examples["cli"]) < 3:
                examples["cli"].append(f"raised {type(exc).__name__}: {exc}\n      argv: {argv!r}")
            return
        problem = cases.cli_problem(argv, rc, out, err)
        if problem:
            counts["cli"]["traceback" if "traceback" in problem or "exit code " in problem[:10] else "silent"] += 1
            if len(examples["cli"]) < 3:
                examples["cli"].append(f"{problem}\n      argv: {argv!r}")
        else:
            counts["cli"]["named" if rc else "ok"] += 1

    probe()


def run_code_exec(n, counts, examples, tmp):
    """Payloads in model name / provenance / netlist title, run through ngspice: no file may appear."""
    ngspice = shutil.which("ngspice")
    if ngspice is None:
        print("  (ngspice not found: code-execution class skipped)")
        return
    import dataclasses

    from mramsim.circuit.netlist import array_netlist

    i = 0
    for payload in cases.INJECTIONS:
        for where in ("provenance", "title", "stack_name"):
            if i >= n:
                return
            i += 1
            sentinel = Path(tmp) / f"pwned_{i}"
            text_payload = payload.replace(cases.SENTINEL, str(sentinel))
            counts["code_exec"]["tried"] += 1
            try:
                cm = cases.compact()
                arr = cases.tiny_array()
                title = None
                if where == "provenance":
                    arr = arr.replace(mtj=dataclasses.replace(cm, provenance={"preset": text_payload}))
                elif where == "stack_name":
                    arr = arr.replace(mtj=dataclasses.replace(cm, provenance={"stack": text_payload,
                                                                               "source": text_payload}))
                else:
                    title = text_payload
                net = array_netlist(arr, title=title)
            except Exception as exc:  # noqa: BLE001
                from mramsim.errors import MramsimError

                counts["code_exec"]["named" if isinstance(exc, MramsimError) else "traceback"] += 1
                continue
            path = Path(tmp) / f"inj_{i}.cir"
            path.write_text(net)
            try:
                subprocess.run([ngspice, "-b", str(path)], cwd=tmp, capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                pass
            if sentinel.exists():
                counts["code_exec"]["exec"] += 1
                examples["code_exec"].append(f"{where}: {text_payload!r} created {sentinel}")
            else:
                counts["code_exec"]["ok"] += 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="inputs per API class (config and CLI: 3x)")
    ap.add_argument("--only", default="", help="comma-separated classes")
    args = ap.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    counts = defaultdict(Counter)
    examples = defaultdict(list)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for name in cases.CASES:
            if not only or name in only:
                n = max(4, args.n // 8) if name in SLOW else args.n
                t = time.time()
                run_api(name, n, counts, examples)
                run_api(name, n, counts, examples, valid=True)
                print(f"  {name:<20s} {time.time() - t:6.1f} s", file=sys.stderr)
        if not only or "config" in only:
            run_config(3 * args.n, counts, examples, tmp)
        if not only or "cli" in only:
            run_cli(3 * args.n, counts, examples, tmp)
        if not only or "code_exec" in only:
            run_code_exec(len(cases.INJECTIONS) * 3, counts, examples, tmp)
    cols = ("tried", "ok", "named", "traceback", "silent", "exec")
    print(f"{'class':<31s}" + "".join(f"{c:>10s}" for c in cols))
    total = Counter()
    for name, c in counts.items():
        total.update(c)
        print(f"{name:<31s}" + "".join(f"{c[k]:>10d}" for k in cols))
    print(f"{'TOTAL':<31s}" + "".join(f"{total[k]:>10d}" for k in cols))
    print(f"inputs tried {total['tried']}, named errors {total['named']}, tracebacks {total['traceback']}, "
          f"silent wrong/non-finite {total['silent']}, code executions {total['exec']} "
          f"({time.time() - t0:.0f} s)")
    for name, ex in examples.items():
        for e in ex:
            print(f"[{name}] {e}")
    bad = total["traceback"] + total["silent"] + total["exec"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
