"""Benchmark the importers on a large inventory register (issue 3, item 7).

    .venv/bin/python benchmarks/import_bench.py [--rows 100000] [--repeat 3]
        [--formats csv,xlsx] [--keep DIR]

Writes a register of ``--rows`` rows as CSV (GBK) and as xlsx, then prints one table:

* bare read: the csv module over the file decoded as GBK (the encoding known); openpyxl
  read-only, values only. The floor: what reading the file costs and nothing else.
* import: what ``liaison import inventory`` does (``command.convert_file``), output to
  /dev/null, against a ledger holding 1,000 of the ids with the same values (skipped).
  A CSV register takes the columnar path (importers/columnar.py: Arrow parses, checks
  and writes a block of rows at a time, two blocks side by side); xlsx takes the exact
  path (typed rows through the pydantic models' validators, directives, rendering).
* csv, exact path: the CSV register through the exact path alone, which is what a CSV
  file costs that the columnar path declines (an odd cell, a problem).
* csv, as Excel: the same rows as Excel saves them as CSV (amounts ``"100,000.00"``,
  quoted; dates ``2015/7/25``), which the columnar path takes too.
* rows/s and us/row (best of ``--repeat``, alternated), the ratio to the bare read and
  the target (ratio <= 2: conversion and dedup cost no more than the read).

Then peak memory of the import of a quarter, half and all of the rows, each in a fresh
process: Python's (tracemalloc) plus Arrow's memory pool (which tracemalloc does not
see), and the bytes a row it grows by (the slope between half and all). The rows are
streamed a block at a time; what grows is the ids kept to refuse an id repeated within
the file (about 14 bytes a row in Arrow arrays on the columnar path, about 100 in a dict
on the exact path). The bare read's peak is shown beside it: openpyxl holds an xlsx
file's shared strings (every distinct text of the sheet) whatever reads it.

For CSV, the exact path's cost by stage, us/row (each stage's time is the pipeline up to
it minus the pipeline up to the one before).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from importers import command  # noqa: E402
from importers import convert  # noqa: E402
from importers import rows as rows_lib  # noqa: E402

HEADER = [
    "机构代码",
    "资产编号",
    "资产名称",
    "资产类别",
    "取得日期",
    "原值",
    "账面净值",
    "评估价值",
    "用途",
    "登记日期",
]
CATEGORIES = ["车辆", "设备", "房屋", "土地", "债权", "债务", "资金", "企业"]
HELD = 1000


def row(i: int) -> list[str]:
    return [
        f"XN-{i % 7:02d}-WH",
        f"JY-{i:07d}",
        f"资产{i} 别克GL8 鄂L{i % 100000:05d}",
        CATEGORIES[i % len(CATEGORIES)],
        f"20{i % 15 + 1:02d}-0{i % 9 + 1}-1{i % 9}",
        f"{100000 + i}.00",
        f"{50000 + i % 1000}.{i % 100:02d}",
        f"{60000 + i}" if i % 3 else "",
        "办公" if i % 2 else "",
        "2015-07-25",
    ]


def as_excel_writes(cells: list[str]) -> list[str]:
    """The row as Excel saves it as CSV: amounts 100,000.00 (quoted), dates 2015/7/25."""
    cells = list(cells)
    for k in (5, 6, 7):
        if cells[k]:
            whole, dot, fen = cells[k].partition(".")
            cells[k] = f"{int(whole):,}{dot}{fen}"
    for k in (4, 9):
        year, month, day = cells[k].split("-")
        cells[k] = f"{year}/{int(month)}/{int(day)}"
    return cells


def write_csv(path: Path, n: int, excel: bool = False) -> None:
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow(as_excel_writes(row(i)) if excel else row(i))


def write_xlsx(path: Path, n: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("附表一")
    sheet.append(HEADER)
    for i in range(n):
        text = row(i)
        cells: list[object] = list(text)
        cells[4] = datetime.date.fromisoformat(text[4])
        cells[5] = float(text[5])
        cells[6] = float(text[6])
        cells[7] = int(text[7]) if text[7] else None
        cells[9] = datetime.date(2015, 7, 25)
        sheet.append(cells)
    workbook.save(path)


def bare_read(path: Path) -> int:
    if path.suffix == ".csv":
        with open(path, encoding="gbk", newline="") as handle:
            return sum(1 for _ in csv.reader(handle)) - 1
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True)) - 1
    finally:
        workbook.close()


def ledger_index() -> convert.LedgerIndex:
    """A ledger holding the first HELD ids of the register, with the same values."""
    problems: list[rows_lib.Problem] = []
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "held.csv"
        write_csv(small, HELD)
        typed = rows_lib.read_rows(small, rows_lib.INVENTORY, problems)
        entries = list(
            convert.inventory_entries(
                typed, convert.LedgerIndex.empty(), problems, filename="x"
            )
        )
    assert not problems, problems[:3]
    index = convert.LedgerIndex.from_entries(entries, check_offices=False)
    index.offices = {f"XN-{k:02d}-WH" for k in range(7)}
    return index


def run_import(path: Path, index: convert.LedgerIndex) -> int:
    """What ``liaison import inventory`` does (``command.convert_file``), to /dev/null.

    A CSV register takes the columnar path (importers/columnar.py); xlsx, and any CSV
    the columnar path declines, the exact path.
    """
    problems: list[rows_lib.Problem] = []
    with open(os.devnull, "w", encoding="utf-8") as sink:
        stats = command.convert_file(sink, "inventory", path, index, problems)
    assert not problems, [str(p) for p in problems[:3]]
    assert stats.skipped == min(HELD, stats.rows), stats
    return stats.rows


def run_exact(path: Path, index: convert.LedgerIndex, upto: str = "write") -> int:
    """The exact path alone (what a declined file costs); ``upto`` stops early.

    Stages: ``detect`` (the encoding), ``read`` (raw rows), ``typed``, ``convert``,
    ``write`` (render and write: the whole import).
    """
    problems: list[rows_lib.Problem] = []
    if upto == "detect":
        rows_lib.detect_encoding(path)
        return 0
    table = rows_lib.open_table(path, problems)
    if upto == "read":
        return sum(1 for _ in table.rows) - 1
    typed = rows_lib.typed_rows(table, rows_lib.INVENTORY)
    if upto == "typed":
        return sum(1 for _ in typed)
    stats = convert.Stats()
    entries = convert.inventory_entries(
        typed,
        index,
        problems,
        filename=str(path),
        columns=table.columns,
        stats=stats,
        file_ids=table.ids,
    )
    if upto == "convert":
        for _ in entries:
            pass
    else:
        with open(os.devnull, "w", encoding="utf-8") as sink:
            command._write_entries(sink, entries)
    assert not problems, [str(p) for p in problems[:3]]
    assert stats.skipped == min(HELD, stats.rows), stats
    return stats.rows


def timed(fn: Callable[..., int], *args: Any) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def best_of(repeat: int, *runs: tuple[Callable[..., int], tuple[Any, ...]]) -> list[float]:
    """The best time of each run, the runs alternated so that load hits them alike."""
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for i, (fn, args) in enumerate(runs):
            best[i] = min(best[i], timed(fn, *args)[0])
    return best


def peak_memory(what: str, path: Path) -> tuple[int, int]:
    """Peak memory of one run in a fresh process: Python's (tracemalloc), Arrow's pool."""
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return figures["python"], figures["arrow"]


def child(what: str, path: Path) -> None:
    """``--child``: run one import or bare read, print its peaks as JSON."""
    import json

    index = ledger_index() if what != "bare" else None
    fn: dict[str, Callable[..., int]] = {"import": run_import, "exact": run_exact}
    if what == "import":
        from importers import columnar  # noqa: F401 - its modules' memory is not the run's
    gc.collect()
    tracemalloc.start()
    if what == "bare":
        bare_read(path)
    else:
        fn[what](path, index)
    python = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    arrow = 0
    if "pyarrow" in sys.modules:
        arrow = sys.modules["pyarrow"].default_memory_pool().max_memory()
    print(json.dumps({"python": python, "arrow": arrow}))


def _speed_line(label: str, path: Path, n: int, bare: float, full: float) -> str:
    ratio = full / bare
    return (
        f"{label:<16}{path.stat().st_size / 2**20:6.1f}  "
        f"{n / bare:>11,.0f}{bare / n * 1e6:>8.2f}  "
        f"{n / full:>11,.0f}{full / n * 1e6:>8.2f}  "
        f"{ratio:>6.2f}  <= 2    {'met' if ratio <= 2 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both")
    parser.add_argument("--keep", type=Path, help="write the registers here and keep them")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    n = args.rows
    sizes = (n // 4, n // 2, n)
    index = ledger_index()
    writers = {"csv": write_csv, "xlsx": write_xlsx}
    formats = [f.strip().lstrip(".") for f in args.formats.split(",") if f.strip()]
    print(
        f"{n:,} rows; the ledger holds {HELD:,} of them (identical, skipped); "
        f"best of {args.repeat}\n"
    )
    speed: list[str] = []
    memory: list[str] = []
    breakdown: list[str] = []
    for suffix in formats:
        paths = {}
        for count in sizes:
            paths[count] = folder / f"register-{count}.{suffix}"
            if not paths[count].exists():
                writers[suffix](paths[count], count)
        path = paths[n]
        assert bare_read(path) == n
        assert run_import(path, index) == n
        runs: list[tuple[Callable[..., int], tuple[Any, ...]]] = [
            (bare_read, (path,)),
            (run_import, (path, index)),
        ]
        labels = [suffix]
        if suffix == "csv":  # what a CSV file the columnar path declines costs
            runs.append((run_exact, (path, index)))
            labels.append("csv, exact path")
        times = best_of(args.repeat, *runs)
        bare = times[0]
        for label, full in zip(labels, times[1:], strict=True):
            speed.append(_speed_line(label, path, n, bare, full))
        if (
            suffix == "csv"
        ):  # the same rows as Excel writes them: quoted 1,234.50, 2015/7/25
            excel = folder / f"register-{n}-excel.csv"
            if not excel.exists():
                write_csv(excel, n, excel=True)
            assert run_import(excel, index) == n
            bare, full = best_of(
                args.repeat, (bare_read, (excel,)), (run_import, (excel, index))
            )
            speed.append(_speed_line("csv, as Excel", excel, n, bare, full))
        for what in ("import", "bare"):
            peaks = [peak_memory(what, paths[count]) for count in sizes]
            totals = [p + a for p, a in peaks]
            slope = (totals[2] - totals[1]) / (sizes[2] - sizes[1])
            memory.append(
                f"{suffix:<5}{what:<7}"
                + "".join(f"{t / 2**20:>10.1f}" for t in totals)
                + f"{slope:>11.0f}{peaks[2][1] / 2**20:>11.1f}"
            )
        if suffix == "csv":
            stages = ["detect", "read", "typed", "convert", "write"]
            times = best_of(args.repeat, *((run_exact, (path, index, s)) for s in stages))
            before = times[0]  # read includes detection; so on down the pipeline
            breakdown.append(f"  detect encoding  {times[0] / n * 1e6:6.2f}")
            names = {
                "read": "csv read",
                "typed": "typed rows",
                "convert": "convert+dedup",
                "write": "render+write",
            }
            for stage, t in zip(stages[1:], times[1:], strict=True):
                breakdown.append(f"  {names[stage]:<15}  {(t - before) / n * 1e6:6.2f}")
                before = t
            breakdown.append(f"  {'exact path':<15}  {times[-1] / n * 1e6:6.2f}")
    print(
        "                      file  ------- bare read  ---------- import\n"
        "                       MiB       rows/s  us/row       rows/s  us/row   ratio"
        "  target\n" + "\n".join(speed)
    )
    print(
        "\npeak memory in MiB by rows (Python's, tracemalloc, plus Arrow's pool; each in "
        "a fresh process);\ngrowth a row (slope between the last two), and Arrow's part "
        "of the largest\n"
        f"{'':12}{sizes[0]:>10,}{sizes[1]:>10,}{sizes[2]:>10,}  bytes/row  Arrow MiB\n"
        + "\n".join(memory)
    )
    if breakdown:
        print(
            "\nthe exact path on the csv register, by stage, us/row\n"
            + "\n".join(breakdown)
        )
    if args.keep is None:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
