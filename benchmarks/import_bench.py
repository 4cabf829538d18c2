"""End-to-end benchmark: ``liaison import inventory`` against ``bean-check``.

    .venv/bin/python benchmarks/import_bench.py [--rows 5000] [--repeat 5] [--tidy]
    .venv/bin/python benchmarks/import_bench.py --profile [xlsx|csv]

Copies the example ledger (ledger/) to a temporary folder and writes a register of
``--rows`` assets of its offices as an office keeps it (title, fill line, header, rows
with 序号, 规格型号, 存放地点, 备注 and the form's categories, 合计 row, signatures), as
xlsx (sheet 登记表) and as the same cells in a GBK CSV. ``--tidy``: the same assets under
the header alone, with SPEC's category words (设备, 车辆, 房屋): what a tidy file costs.

Then times, alternated (a, b, c, a, b, c, ...) ``--repeat`` times, each a fresh process
with ``BEANCOUNT_DISABLE_LOAD_CACHE=1``: (a) ``bean-check main.beancount``; (b) ``liaison
import inventory`` of the xlsx file ``--ledger main.beancount --output imported.beancount``
(deleted before every run, so each run does the whole import); (c) the same with the CSV.
It prints best and median wall time, the child's peak RSS (``os.wait4``) and the ratios
import/bean-check. Target: each ratio <= 2.0, i.e. a register costs at most one more load
of the books. It also checks, once a format, that the output opens every id and, with
bean-check on main.beancount plus an include of it, that it adds no Beancount error and
leaves the example's 7 planned violations as they are (bean-check exits 1 on the example);
the rules' findings on the imported assets are listed (six of the offices are abolished,
so each of their assets is LD-205 never disposed of and LD-210 account not closed).

``--profile`` runs one import in-process under cProfile (``reports.cli.main``) instead and
prints the top 25 entries by cumulative time. No test times anything: timings live here.
The exit status is 1 when a command or a check fails (a missed target is only reported).
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import csv
import datetime
import importlib
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0
DATE = "2015-07-25"
OFFICES = ("XN-JY-WH", "XN-TC-WH", "XN-WH", "XN-CB-WH", "XN-CY-WH", "XN-TS-WH", "XN-XA-WH")
COLUMNS = (
    "序号 机构代码 资产编号 资产名称 规格型号 资产类别 "
    "取得日期 原值 账面净值 评估价值 存放地点 备注"
).split()
TIDY = [c for c in COLUMNS if c not in ("序号", "规格型号", "存放地点", "备注")]
KINDS = (  # category on the form, SPEC's word, name, 规格型号
    ("通用设备", "设备", "联想台式计算机 {i}", "ThinkCentre M8400t"),
    ("交通运输设备", "车辆", "别克GL8 鄂L5{j:04d}", "GL8 2.4L 商务车"),
    ("房屋及构筑物", "房屋", "办公用房 {i}号", "砖混结构 120平方米"),
    ("专用设备", "设备", "档案密集架 {i}", "MJJ-2000"),
    ("家具、用具、装具及动植物", "设备", "实木办公桌 {i}", "1600×800"),
)
FOOTER = "单位负责人：张三  财务负责人：李四  填表人：王五"
Cell = str | int | Decimal | datetime.date | None
CENT = Decimal("0.01")


def tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else shutil.which(name) or name


def declared_offices(folder: Path) -> list[str]:
    """OFFICES that the ledger in ``folder`` declares (``custom "office"``)."""
    pattern = re.compile(r'^\d{4}-\d\d-\d\d custom "office" "([^"]+)"', re.M)
    found = {m for f in folder.rglob("*.beancount") for m in pattern.findall(f.read_text())}
    return [code for code in OFFICES if code in found]


def register(n: int, offices: list[str], tidy: bool) -> list[list[Cell]]:
    """The register's cells, row by row, as an office keeps it (or tidy)."""
    rows: list[list[Cell]] = []
    totals = [Decimal(0)] * 3
    for i in range(1, n + 1):
        form_word, spec_word, name, model = KINDS[(i - 1) % len(KINDS)]
        cost = (Decimal(100_000 + (i * 7919) % 9_000_000) / 100).quantize(CENT)
        book = (cost * Decimal(30 + i % 70) / 100).quantize(CENT)  # <= cost
        appraisal = (book * Decimal("1.1")).quantize(CENT) if i % 10 == 0 else None
        for k, value in enumerate((cost, book, appraisal)):
            totals[k] += value or 0
        acquired = datetime.date(2005 + i % 10, i % 12 + 1, i % 28 + 1)
        row: list[Cell] = [i, offices[(i - 1) % len(offices)], f"BENCH-{i:06d}"]
        row += [name.format(i=i, j=i % 10_000), model, spec_word if tidy else form_word]
        row += [acquired, cost, book, appraisal, "办公楼3楼", None]
        rows.append([row[COLUMNS.index(c)] for c in TIDY] if tidy else row)
    if tidy:
        return [list(TIDY), *rows]
    blank: list[Cell] = [None] * len(COLUMNS)
    fill = list(blank)
    fill[0] = "填报单位：咸宁市财政局"
    fill[5] = "金额单位：元"
    fill[8] = "填报日期：2015年7月25日"
    total = ["合计", *blank[1:7], *totals, None, None]
    title = ["咸宁市驻武汉办事机构资产清查登记表", *blank[1:]]
    return [title, fill, list(COLUMNS), *rows, total, blank, [FOOTER, *blank[1:]]]


def write_xlsx(path: Path, cells: list[list[Cell]]) -> None:
    import openpyxl

    # Not write_only: that mode leaves out <dimension>, which Excel always writes, and
    # openpyxl's read-only reader then parses the whole sheet once more to size it.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "登记表"
    for row in cells:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    workbook.save(path)


def as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}/{value.month}/{value.day}"
    return str(value)


def write_csv(path: Path, cells: list[list[Cell]]) -> None:
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows([as_text(v) for v in row] for row in cells)


LAUNCHER = """\
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
elapsed = time.perf_counter() - start
child.returncode = code = os.waitstatus_to_exitcode(status)
print(elapsed, code, usage.ru_maxrss)
"""


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, int, str]:
    """Wall seconds, exit code, peak RSS (KiB) and stderr of one child process.

    A small launcher times it and waits for it (``os.wait4``): on Linux a child's
    ru_maxrss starts at its parent's peak, and this script's (the registers) would hide
    bean-check's.
    """
    launch = [sys.executable, "-I", "-S", "-c", LAUNCHER, *command]
    done = subprocess.run(launch, env=env, cwd=cwd, capture_output=True, check=False)
    err = done.stderr.decode("utf-8", "replace")
    try:
        elapsed, code, rss = done.stdout.split()
    except ValueError:
        raise SystemExit(f"import_bench: the launcher failed:\n{err}") from None
    return float(elapsed), int(code), int(rss), err


RULE = re.compile(r"\[(L[A-Z]-\d+) ")


def error_heads(text: str, main: Path, both: Path) -> list[str]:
    """bean-check's errors, a line each (their context lines are indented)."""
    lines = text.replace(str(both), str(main)).splitlines()
    return sorted(line for line in lines if line and not line[0].isspace())


def check_output(
    folder: Path, output: Path, n: int, env: dict[str, str], check: str
) -> list[str]:
    """What one import's output holds and what it changes in bean-check's report."""
    from beancount.core import data
    from beancount.parser import parser

    entries, errors, _ = parser.parse_file(str(output))
    ids = {e.meta.get("asset-id") for e in entries if isinstance(e, data.Open)}
    found = [f"{len(ids):,} opens of the {n:,} ids, {len(errors)} parse errors"]
    if ids != {f"BENCH-{i:06d}" for i in range(1, n + 1)} or errors:
        found.append("FAILED: the output does not open exactly the generated ids")
    # main.beancount's own text plus the include: Beancount v3 ignores an included
    # file's options and plugins, so a file including main.beancount skips the rules.
    main, both = folder / "main.beancount", folder / "with-import.beancount"
    both.write_text(main.read_text() + f'\ninclude "{output}"\n')
    alone, joint = (run([check, str(f)], env, folder) for f in (main, both))
    both.unlink()
    before, after = error_heads(alone[3], main, both), error_heads(joint[3], main, both)
    own = [line for line in after if not line.startswith(str(output))]
    added = Counter(
        m.group(1) if (m := RULE.search(line)) else "Beancount error"
        for line in after
        if line.startswith(str(output))
    )
    found.append(
        f"bean-check: {len(before)} error(s) alone (exit {alone[1]}), {len(after)} with "
        f"the output included (exit {joint[1]}); on the imported entries: "
        + (", ".join(f"{code} x{k:,}" for code, k in sorted(added.items())) or "none")
    )
    # The rules' findings on imported assets are the rules at work (an abolished
    # office's assets must be disposed of); a Beancount error, or a change in the
    # findings on the example's own entries, is the output not fitting the ledger.
    if own != before or "Beancount error" in added:
        found.append("FAILED: the output does not load cleanly with the ledger:")
        found += sorted(set(own) ^ set(before))[:10]
        found += [line for line in after if RULE.search(line) is None][:10]
    return found


def profile(argv: list[str]) -> None:
    """Run one import in-process under cProfile; print the top 25 by cumulative time."""
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    sys.path.insert(0, str(ROOT))
    profiler = cProfile.Profile()
    code = profiler.runcall(lambda: importlib.import_module("reports.cli").main(argv))
    print(f"exit status {code}")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def readers(path: Path, repeat: int) -> None:
    """The choice of xlsx reader: openpyxl (read-only, values) against python-calamine.

    Each reads every cell of the register, best of ``repeat`` in this process; calamine
    also through ``sheets.read_sheets``, which adds what the form reader needs (merged
    ranges, formulas without a stored value, error cells) and the cells as lists.
    """
    sys.path.insert(0, str(ROOT))
    import openpyxl
    import python_calamine

    from importers import sheets

    def with_openpyxl() -> None:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        book.close()

    def with_calamine() -> None:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def with_sheets() -> None:
        sheets.read_sheets(path, [])

    print(
        f"xlsx readers on {path.name} ({path.stat().st_size / 2**10:.0f} KiB), best of "
        f"{repeat}:"
    )
    for label, read in (
        ("openpyxl read-only", with_openpyxl),
        ("python-calamine", with_calamine),
        ("sheets.read_sheets", with_sheets),
    ):
        best = min(_timed(read) for _ in range(repeat))
        print(f"  {label:<20}{best * 1000:8.1f} ms")


def _timed(read: Any) -> float:
    start = time.perf_counter()
    read()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, help="register rows (5000)")
    parser.add_argument("--repeat", type=int, default=5, help="alternated runs (5)")
    parser.add_argument("--tidy", action="store_true", help="header row only, SPEC words")
    parser.add_argument("--profile", nargs="?", const="xlsx", choices=("xlsx", "csv"))
    parser.add_argument(
        "--readers", action="store_true", help="openpyxl against python-calamine"
    )
    args = parser.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        folder = Path(tmp) / "ledger"
        shutil.copytree(ROOT / "ledger", folder)
        offices = declared_offices(folder)
        assert offices, "none of the offices is declared in the example ledger"
        assert "BENCH-" not in "".join(f.read_text() for f in folder.rglob("*.beancount"))
        cells = register(n, offices, args.tidy)
        files = {"xlsx": Path(tmp) / "register.xlsx", "csv": Path(tmp) / "register.csv"}
        write_xlsx(files["xlsx"], cells)
        write_csv(files["csv"], cells)
        ledger, output = folder / "main.beancount", folder / "imported.beancount"
        options = ["--ledger", str(ledger), "--output", str(output), "--date", DATE]
        imports = {
            fmt: [tool("liaison"), "import", "inventory", str(path), *options]
            for fmt, path in files.items()
        }
        if args.profile:
            profile(imports[args.profile][1:])
            return 0
        if args.readers:
            readers(files["xlsx"], args.repeat)
            return 0
        check = tool("bean-check")
        commands = {"bean-check": [check, str(ledger)]}
        commands |= {f"import {fmt}": command for fmt, command in imports.items()}
        env = {**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
        # as on a user's machine, the project's bytecode is cached: compiled once here,
        # even where PYTHONDONTWRITEBYTECODE is set (this sandbox sets it, and then every
        # run would compile the project's modules again, bean-check's plugin included)
        compileall.compile_dir(ROOT / "plugins", quiet=1)
        compileall.compile_dir(ROOT / "importers", quiet=1)
        compileall.compile_dir(ROOT / "reports", quiet=1)
        print(
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.platform()}\n"
            f"register: {n:,} rows, {'tidy' if args.tidy else 'as an office keeps it'}, "
            f"offices {', '.join(offices)}\n"
            + "".join(
                f"  {p.name:<14}{p.stat().st_size / 2**10:9.1f} KiB\n"
                for p in files.values()
            )
            + f"{args.repeat} runs each, alternated, BEANCOUNT_DISABLE_LOAD_CACHE=1, "
            "bytecode compiled\n"
        )
        times: dict[str, list[float]] = {label: [] for label in commands}
        peaks: dict[str, int] = dict.fromkeys(commands, 0)
        failed: dict[str, str] = {}
        kept: dict[str, Path] = {}
        for _ in range(args.repeat):
            for label, command in commands.items():
                output.unlink(missing_ok=True)
                elapsed, code, rss, err = run(command, env, folder)
                times[label].append(elapsed)
                peaks[label] = max(peaks[label], rss)
                if code in ((0, 1) if label == "bean-check" else (0,)):  # 1: violations
                    if label != "bean-check" and label not in kept:
                        kept[label] = output.rename(Path(tmp) / f"{label[7:]}.beancount")
                elif label not in failed:
                    failed[label] = f"exit {code}"
                    print(f"{label} FAILED (exit {code}); its stderr:\n{err[-3000:]}")
        base = times["bean-check"]
        base_best, base_median = min(base), statistics.median(base)
        print(
            f"{'':<13}{'best s':>8}{'median s':>10}{'peak MiB':>10}"
            f"{'best/bc':>9}{'median/bc':>11}  target <= {TARGET}"
        )
        for label, spent in times.items():
            best, median = min(spent), statistics.median(spent)
            line = f"{label:<13}{best:8.3f}{median:10.3f}{peaks[label] / 1024:10.1f}"
            if label != "bean-check":
                ratios = best / base_best, median / base_median
                line += f"{ratios[0]:9.2f}{ratios[1]:11.2f}  "
                if label in failed:
                    line += f"FAILED ({failed[label]})"
                else:
                    line += "met" if max(ratios) <= TARGET else "NOT met"
            print(line)
        if "exit 2" in failed.values():  # 2: the file refused
            print(
                "\nthe importer refused the register: "
                "the times above are the time to refuse it"
            )
        ok = not failed
        for label, path in kept.items():
            found = check_output(folder, path, n, env, check)
            ok = ok and not any(line.startswith("FAILED") for line in found)
            print(f"\n{label} output check:\n  " + "\n  ".join(found))
        if not kept:
            print("\nno import succeeded: the output checks were skipped")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
