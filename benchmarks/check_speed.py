"""What the rules cost: plain bean-check against bean-check with the rules, at two sizes.

    python benchmarks/check_speed.py                 # S = 200 offices, 2S = 400, best of 5
    python benchmarks/check_speed.py --offices 100 --runs 3

For each size it generates one compliant ledger (benchmarks/generate_ledger.py) in two
copies that differ only in the line ``plugin "plugins.rules" ...``, then times, best of
``--runs`` alternated runs, with Beancount's load cache disabled:

- ``plain``: ``bean-check`` on the copy without the plugin line (Beancount's own load);
- ``rules``: ``bean-check`` on the copy with the plugin line (load + every rule);
- ``liaison``: ``liaison check`` on the same copy with the plugin line (the auditor's
  command: the load, in which the plugin reads the books and runs every rule once,
  the books' SHA-256 and the report; nothing is read or run a second time).

It prints the seconds and the ratios rules/plain (target <= 1.10), liaison/rules
(``liaison check`` against ``bean-check`` on the same file, target <= 1.05) and 2S/S
(target <= 2.2). On a shared machine a whole process's wall time swings by tenths of a
second, so it also loads both copies alternately inside one process (after the imports)
and prints that ratio: the cost of the rules themselves, without start-up and noise.
Every run must exit 0: a generated ledger that fails its own checks is a bug, and the
script stops rather than time it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_RULES = 1.10
TARGET_LIAISON = 1.05
TARGET_DOUBLE = 2.2


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_ledger", HERE / "generate_ledger.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(
            f"check_speed: {name} not found next to {sys.executable} or on PATH"
        )
    return found


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"check_speed: {' '.join(command)} exited {done.returncode}:\n"
            f"{(done.stdout + done.stderr)[-2000:]}"
        )
    return elapsed


IN_PROCESS = """
import re, sys, time
from beancount import loader
import plugins.rules, plugins.engine, plugins.offices, plugins.disposals
plain, rules, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
best = {"plain": float("inf"), "rules": float("inf"), "own": float("inf")}
for run in range(runs):
    for kind, path in (("plain", plain), ("rules", rules))[:: 1 if run % 2 else -1]:
        lines = []
        start = time.perf_counter()
        loader.load_file(path, log_timings=lines.append)
        best[kind] = min(best[kind], time.perf_counter() - start)
        for line in lines:
            found = re.match(r"Operation: 'plugins.rules'\\s+Time:\\s+(\\d+) ms", line)
            if found:
                best["own"] = min(best["own"], int(found.group(1)) / 1000)
print(best["plain"], best["rules"], best["own"])
"""


def _in_process(
    plain: Path, rules: Path, runs: int, env: dict[str, str]
) -> tuple[float, float, float]:
    """Best load of each copy inside one process, and the plugin's own best time."""
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(plain), str(rules), str(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    plain_s, rules_s, own_s = (float(x) for x in done.stdout.split())
    return plain_s, rules_s, own_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--offices", type=int, default=200, help="S, in offices (2S is double)"
    )
    parser.add_argument("--runs", type=int, default=5, help="alternated runs; best is kept")
    parser.add_argument("--seed", type=int, default=20150720)
    parser.add_argument("--no-liaison", action="store_true", help="skip `liaison check`")
    parser.add_argument("--workdir", help="keep the generated ledgers here")
    args = parser.parse_args(argv)

    generate_ledger = _generator()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="liaison-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    bean_check = _tool("bean-check")
    liaison = _tool("liaison")

    sizes = {"S": args.offices, "2S": 2 * args.offices}
    commands: dict[str, dict[str, list[str]]] = {}
    txns: dict[str, int] = {}
    for label, count in sizes.items():
        plain = workdir / f"province-{count}-plain.beancount"
        rules = workdir / f"province-{count}-rules.beancount"
        plain_text = generate_ledger.generate(count, args.seed, plugin=False)
        rules_text = generate_ledger.generate(count, args.seed, plugin=True)
        plain.write_text(plain_text, encoding="utf-8")
        rules.write_text(rules_text, encoding="utf-8")
        txns[label] = sum(
            1 for line in plain_text.splitlines() if line[:4].isdigit() and " * " in line
        )
        commands[label] = {
            "plain": [bean_check, str(plain)],
            "rules": [bean_check, str(rules)],
        }
        if not args.no_liaison:
            # the same file as `rules`, judged at its plugin's own as-of date
            commands[label]["liaison"] = [liaison, "check", str(rules)]
        print(
            f"{label}: {count} offices, {txns[label]} transactions -> {workdir}", flush=True
        )

    kinds = list(commands["S"])
    best: dict[str, dict[str, float]] = {label: {} for label in sizes}
    for run in range(args.runs):
        for label in sizes:
            # rotate the order every run, so no variant always goes first (cold caches)
            order = kinds[run % len(kinds) :] + kinds[: run % len(kinds)]
            for kind in order:
                seconds = _time(commands[label][kind], env)
                previous = best[label].get(kind)
                best[label][kind] = seconds if previous is None else min(previous, seconds)
        shown = "  ".join(
            f"{label} {kind} {best[label][kind]:.2f}s" for label in sizes for kind in kinds
        )
        print(f"run {run + 1}/{args.runs}: best so far  {shown}", flush=True)

    print()
    header = f"{'size':<4} {'offices':>7} {'txns':>7}" + "".join(
        f" {kind + ' s':>10}" for kind in kinds
    )
    header += f" {'rules/plain':>12}"
    if "liaison" in kinds:
        header += f" {'liaison/rules':>14}"
    print(header)
    for label, count in sizes.items():
        row = f"{label:<4} {count:>7} {txns[label]:>7}" + "".join(
            f" {best[label][kind]:>10.2f}" for kind in kinds
        )
        row += f" {best[label]['rules'] / best[label]['plain']:>12.3f}"
        if "liaison" in kinds:
            row += f" {best[label]['liaison'] / best[label]['rules']:>14.3f}"
        print(row)
    doubling = "  ".join(
        f"{kind} {best['2S'][kind] / best['S'][kind]:.3f}" for kind in kinds
    )
    print(f"2S/S  {doubling}")
    print()
    inside: dict[str, float] = {}
    for label in sizes:
        plain_s, rules_s, own_s = _in_process(
            Path(commands[label]["plain"][1]),
            Path(commands[label]["rules"][1]),
            args.runs,
            env,
        )
        inside[label] = rules_s / plain_s
        print(
            f"{label:<4} in one process: load {plain_s:.2f}s, with the rules "
            f"{rules_s:.2f}s, rules/plain {inside[label]:.3f}; the plugin's own time "
            f"(Beancount's log_timings) {own_s:.2f}s = {own_s / plain_s:.1%} of the load"
        )
    worst_rules = max(best[label]["rules"] / best[label]["plain"] for label in sizes)
    worst_double = max(best["2S"][kind] / best["S"][kind] for kind in kinds)
    worst_inside = max(inside.values())
    if "liaison" in kinds:
        worst_liaison = max(
            best[label]["liaison"] / best[label]["rules"] for label in sizes
        )
        print(
            f"target: liaison check / bean-check on the same file <= {TARGET_LIAISON} "
            f"(worst {worst_liaison:.3f}, "
            f"{'met' if worst_liaison <= TARGET_LIAISON else 'MISSED'})"
        )
    print(
        f"targets: rules/plain <= {TARGET_RULES} (worst {worst_rules:.3f} per process, "
        f"{'met' if worst_rules <= TARGET_RULES else 'MISSED'}; worst {worst_inside:.3f} "
        f"in one process, {'met' if worst_inside <= TARGET_RULES else 'MISSED'}); "
        f"2S/S <= {TARGET_DOUBLE} (worst {worst_double:.3f}, "
        f"{'met' if worst_double <= TARGET_DOUBLE else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
