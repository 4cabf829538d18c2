"""Benchmark the importers on a large inventory register (issue 3, item 7).

    .venv/bin/python benchmarks/import_bench.py [--rows 100000] [--keep DIR]

Writes a register of ``--rows`` rows as CSV (GBK) and as xlsx, then for each prints:

* the bare read: the csv module over the decoded file; openpyxl read-only, values only;
* the import: encoding detection, typed rows (pydantic), conversion to directives, dedup
  against a ledger holding 1,000 of the ids with the same values, and rendering to text
  (written to /dev/null), in rows/s, and its ratio to the bare read (target: ≤ 2);
* the peak Python memory (tracemalloc) of the import of registers of a quarter, half and
  all of the rows, against their file sizes: flat means the rows are streamed, not held
  (what does grow is the set of ids, for refusing an id repeated within the file).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def write_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow(row(i))


def write_xlsx(path: Path, n: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("附表一")
    sheet.append(HEADER)
    for i in range(n):
        cells: list[object] = row(i)
        cells[4] = datetime.date.fromisoformat(cells[4])  # type: ignore[arg-type]
        cells[5] = float(cells[5])  # type: ignore[arg-type]
        cells[6] = float(cells[6])  # type: ignore[arg-type]
        cells[7] = int(cells[7]) if cells[7] else None  # type: ignore[arg-type,call-overload]
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
    """What ``liaison import inventory`` does, writing to /dev/null."""
    problems: list[rows_lib.Problem] = []
    table = rows_lib.open_table(path, problems)
    typed = rows_lib.typed_rows(table, rows_lib.INVENTORY)
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
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for entry in entries:
            sink.write(convert.render(entry))
    assert not problems, [str(p) for p in problems[:3]]
    assert stats.skipped == min(HELD, stats.rows), stats
    return stats.rows


def timed(fn, *args) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the registers here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    n = args.rows
    index = ledger_index()
    print(f"{n:,} rows; the ledger holds {HELD:,} of them (identical, skipped)")
    for suffix, writer in ((".csv", write_csv), (".xlsx", write_xlsx)):
        paths = {}
        for count in (n // 4, n // 2, n):
            paths[count] = folder / f"register-{count}{suffix}"
            if not paths[count].exists():
                writer(paths[count], count)
        path = paths[n]
        size = path.stat().st_size
        bare, count = timed(bare_read, path)
        assert count == n, count
        full, count = timed(run_import, path, index)
        assert count == n, count
        print(
            f"\n{path.name}  {size / 2**20:.1f} MiB\n"
            f"  bare read   {bare:7.2f} s  {n / bare:>10,.0f} rows/s\n"
            f"  import      {full:7.2f} s  {n / full:>10,.0f} rows/s   "
            f"ratio {full / bare:.2f}"
        )
        for count, each in paths.items():
            gc.collect()
            tracemalloc.start()
            run_import(each, index)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"  peak memory, {count:>7,} rows: {peak / 2**20:6.1f} MiB "
                f"(file {each.stat().st_size / 2**20:.1f} MiB)"
            )
    if args.keep is None:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
