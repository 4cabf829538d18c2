"""How fast ``liaison consolidate`` sums the nation: 1,000 and 10,000 localities.

    chrt -f 10 python benchmarks/rollup_bench.py [--sizes 1000 10000] [--runs 3]
                                                 [--dir /tmp/liaison-rollup-bench]

Generates the exports once (kept in ``--dir`` for the next run), then prints, for each
size: the consolidation from scratch (no store), the refresh after one locality sends a
new export (the store beside the output keeps the rest), each the median of ``--runs``
runs, wall and CPU time, and the growth from the smallest size to the largest. The
targets (issue 11): under 10 s from scratch and under 2 s to refresh at 10,000
localities, on a 2-core machine, growing linearly. The machine is shared: run it at
real-time priority (``chrt -f 10``, as root) for figures less disturbed by the others,
and read the CPU time beside the wall time.

The exports are made by ``liaison export``'s own code (``reports.export.tables``) from
three ledgers (the sample of the tests at two dates and the example ledger), then
placed in 31 provinces of 11 prefectures each: every locality's ``rollup.parquet`` is
rewritten with its own locality, prefecture, province and ledger digest; its five
detail tables are copies of the template's (the roll-up does not read them). Each
timing is the whole command, ``liaison consolidate … --by province``, in a new process,
so it includes Python's start and imports (about half a second here, most of it pandas)
and writing the html report (the refresh also writing the xlsx, which the officials
ask for); beside it, in this process, the work alone (reading, hashing, collecting,
summing) and the time to write the report as html and as xlsx.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 "
    "湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆"
).split()
PREFECTURES_PER_PROVINCE = 11


def templates(work: Path) -> list[Path]:
    """Three real exports, made by ``liaison export``'s code."""
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    from reports import export as export_lib
    from reports import ledger as ledger_lib
    from tests.reports.conftest import SAMPLE

    sample = work / "sample.beancount"
    sample.write_text('option "operating_currency" "CNY"\n' + SAMPLE, encoding="utf-8")
    made = []
    for index, (path, as_of) in enumerate(
        [
            (sample, "2015-08-21"),
            (sample, "2016-12-31"),
            (ROOT / "ledger" / "main.beancount", None),
        ]
    ):
        import datetime

        date = datetime.date.fromisoformat(as_of) if as_of else None
        loaded = ledger_lib.load(path, date)
        tables = export_lib.tables(
            loaded.books,
            loaded.violations,
            ledger=str(path),
            sha256=loaded.sha256,
            locality=export_lib.locality_of(loaded.books, loaded.options),
        )
        folder = work / f"template-{index}"
        export_lib.export(tables, folder)
        made.append(folder)
    return made


def locality_export(template: Path, folder: Path, number: int, bump: int = 0) -> None:
    """The template's export as locality ``number`` (its place, name and digest),
    ``rollup.parquet`` written as ``liaison export`` writes it."""
    from reports.export import ROLLUP_WRITE
    from reports.exportformat import SOURCE_KEY

    province = PROVINCES[number % len(PROVINCES)]
    prefecture = (number // len(PROVINCES)) % PREFECTURES_PER_PROVINCE
    code = f"P{number % len(PROVINCES):02d}-{prefecture:02d}"
    locality = f"{province}第{prefecture + 1}市第{number}地区"
    digest = hashlib.sha256(f"{locality}:{bump}".encode()).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    for part in template.iterdir():
        if part.name != "rollup.parquet":
            shutil.copyfile(part, folder / part.name)
    table = pq.read_table(template / "rollup.parquet")
    n = table.num_rows
    values = {
        "locality": locality,
        "ledger": f"{locality}.beancount",
        "ledger_sha256": digest,
        "prefecture": code,
        "prefecture_name": f"{province}第{prefecture + 1}市",
        "province": province,
    }
    for name, value in values.items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), pa.repeat(value, n))
    if bump:
        index = table.schema.get_field_index("items")
        items = pa.array([i + bump for i in table.column("items").to_pylist()], pa.int64())
        table = table.set_column(index, table.schema.field(index), items)
    meta = dict(table.schema.metadata or {})
    source = json.loads(meta[SOURCE_KEY])
    source.update(locality=locality, ledger=values["ledger"], ledger_sha256=digest)
    meta[SOURCE_KEY] = json.dumps(source, ensure_ascii=False).encode()
    pq.write_table(
        table.replace_schema_metadata(meta), folder / "rollup.parquet", **ROLLUP_WRITE
    )


def generate(base: Path, size: int) -> list[Path]:
    folder = base / f"n{size}"
    done = folder / ".complete-2"  # 2: rollup.parquet written as export writes it now
    folders = [folder / f"l{i:05d}" for i in range(size)]
    if done.exists():
        return folders
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    made = templates(folder)
    started = time.perf_counter()
    for i, target in enumerate(folders):
        locality_export(made[i % len(made)], target, i)
    done.write_text("ok")
    print(f"  generated {size:,} exports in {time.perf_counter() - started:.1f} s")
    return folders


def run_cli(folders: list[Path], output: Path, store: Path | None) -> tuple[float, float]:
    """The whole command in a new process; the directories are passed in a file's
    worth of arguments (10,000 folders fit Linux's argument limit)."""
    command = [
        sys.executable,
        "-m",
        "reports.cli",
        "consolidate",
        *map(str, folders),
        "--output",
        str(output),
        "--by",
        "province",
    ]
    if store is not None:
        command += ["--store", str(store)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"consolidate failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def in_process(
    folders: list[Path], output: Path, store: Path | None
) -> tuple[float, float, float]:
    """Seconds to sum (read, hash, collect, SQL), to write html, to write xlsx."""
    from reports import rollup
    from reports import writers

    started = time.perf_counter()
    result = rollup.query(folders, by="province", store=store)
    work = time.perf_counter() - started
    report = rollup.build(result)
    block = rollup.title_block(result)
    started = time.perf_counter()
    writers.write(report, output.with_suffix(".html"), block)
    html = time.perf_counter() - started
    started = time.perf_counter()
    writers.write(report, output.with_suffix(".xlsx"), block)
    return work, html, time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench(base: Path, size: int, runs: int) -> dict[str, float]:
    print(f"{size:,} localities")
    folders = generate(base, size)
    out = base / f"n{size}-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    store = out / "store.duckdb"
    scratch_work, html, xlsx = in_process(folders, out / "in-process", None)
    walls, cpus = [], []
    for _ in range(runs):
        store.unlink(missing_ok=True)
        wall, cpu = run_cli(folders, out / "national.html", store)  # fills the store
        walls.append(wall)
        cpus.append(cpu)
    scratch, scratch_cpu = median(walls), median(cpus)
    print(
        f"  from scratch: {scratch:.2f} s, {scratch_cpu:.2f} s of CPU (the command, html, "
        f"median of {runs}: {', '.join(f'{w:.2f}' for w in walls)}; in process: read, "
        f"hash, collect and sum {scratch_work:.2f} s, write html {html:.2f} s, "
        f"xlsx {xlsx:.2f} s)"
    )
    templates_ = sorted((base / f"n{size}").glob("template-*"))
    middle = size // 2
    walls, cpus = [], []
    for bump in range(1, runs + 1):
        locality_export(templates_[0], folders[middle], middle, bump=bump)  # a new export
        wall, cpu = run_cli(folders, out / "national.html", store)
        walls.append(wall)
        cpus.append(cpu)
    refresh, refresh_cpu = median(walls), median(cpus)
    locality_export(templates_[0], folders[middle], middle, bump=runs + 1)
    refresh_xlsx, refresh_xlsx_cpu = run_cli(folders, out / "national.xlsx", store)
    locality_export(templates_[0], folders[middle], middle, bump=runs + 2)
    refresh_work, html, _ = in_process(folders, out / "in-process", store)
    print(
        f"  refresh after one locality's new export: {refresh:.2f} s, {refresh_cpu:.2f} s "
        f"of CPU (the command, html, median of {runs}: "
        f"{', '.join(f'{w:.2f}' for w in walls)}; in process: sum {refresh_work:.2f} s, "
        f"write html {html:.2f} s); writing xlsx: {refresh_xlsx:.2f} s, "
        f"{refresh_xlsx_cpu:.2f} s of CPU"
    )
    locality_export(templates_[0], folders[middle], middle)  # as generated
    return {
        "scratch": scratch,
        "scratch_cpu": scratch_cpu,
        "refresh": refresh,
        "refresh_cpu": refresh_cpu,
        "work": scratch_work,
        "refresh_work": refresh_work,
        "xlsx": xlsx,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/liaison-rollup-bench"))
    parser.add_argument("--runs", type=int, default=3, help="runs of each command")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    realtime = os.sched_getscheduler(0) in (os.SCHED_FIFO, os.SCHED_RR)
    priority = "real-time priority" if realtime else "normal priority (try chrt -f 10)"
    print(f"{os.cpu_count()} cores, load {load:.1f}, {priority}; exports under {args.dir}")
    figures = {size: bench(args.dir, size, args.runs) for size in args.sizes}
    small, large = min(figures), max(figures)
    if small != large:
        for key, label in (
            ("scratch", "command"),
            ("scratch_cpu", "command's CPU"),
            ("work", "work alone"),
        ):
            ratio = figures[large][key] / figures[small][key]
            print(
                f"growth {small:,} → {large:,} ({label}): × {ratio:.1f} "
                f"for × {large / small:.0f} localities"
            )
    worst = figures[large]
    scratch_met = "met" if worst["scratch"] < 10 else "NOT met"
    refresh_met = "met" if worst["refresh"] < 2 else "NOT met"
    print(f"load at the end {os.getloadavg()[0]:.1f} (a load above 2 slows every figure)")
    print(
        f"targets at {large:,}: from scratch {worst['scratch']:.2f} s (< 10 s "
        f"{scratch_met}), refresh {worst['refresh']:.2f} s (< 2 s {refresh_met}; "
        f"the sum alone {worst['refresh_work']:.2f} s); the xlsx of {large:,} sources "
        f"written in {worst['xlsx']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
