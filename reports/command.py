"""``liaison report``, ``liaison export`` and ``liaison consolidate`` (SPEC section 6).

::

    liaison report KIND LEDGER --output FILE.(xlsx|csv|html) [--as-of DATE]
    liaison export LEDGER --output DIR [--as-of DATE]
    liaison consolidate DIR... --output FILE.(xlsx|csv|html)

Exit 0 when the file is written; 2 on bad usage, a ledger or export that cannot be
read, or an output that cannot be written (with a message naming it). A ledger with
violations still gets its report: the report lists them.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from reports import ledger as ledger_lib

# builders, writers and export (pandas, openpyxl, pyarrow, duckdb) are imported by the
# commands that use them: `liaison check` must not wait a second and a half for them.

EXIT_OK = 0
EXIT_UNUSABLE = 2

KIND_HELP = {
    "disposal": "资产处置明细表：每项已处置的资产一行",
    "progress": "清理规范工作进度：机构、阶段、违规事项",
    "registration": "附表一 核实登记表：每个机构一行",
    "reconciliation": "资金、往来款项和债权债务：每个撤销机构",
    "reception": "公务接待信息公开：按机构和年度",
}


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} 不是日期（not a date），应写作 2016-12-31 这样的格式"
        ) from exc


def register(sub: Any) -> None:
    """Add the ``report``, ``export`` and ``consolidate`` commands."""
    kinds = "；".join(f"{k}（{v}）" for k, v in KIND_HELP.items())
    report = sub.add_parser(
        "report",
        help="生成报表（xlsx、csv 或 html）",
        description=f"生成账本的报表，注明账本的 SHA-256 和截至日期。KIND：{kinds}。",
    )
    report.add_argument("kind", choices=tuple(KIND_HELP), metavar="KIND", help="报表种类")
    report.add_argument("ledger", type=Path, metavar="LEDGER", help="账本主文件")
    report.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="FILE",
        help="FILE.xlsx、FILE.csv 或 FILE.html（格式由扩展名决定）",
    )
    report.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="报表截至这一天（默认：账本 plugin 设置的 as-of，否则今天）",
    )
    report.set_defaults(func=cmd_report)

    export = sub.add_parser(
        "export",
        help="把一个地方的机构、资产、处置、上缴和违规导出为 parquet（供汇总）",
    )
    export.add_argument("ledger", type=Path, metavar="LEDGER", help="账本主文件")
    export.add_argument(
        "--output", "-o", type=Path, required=True, metavar="DIR", help="写入这个文件夹"
    )
    export.add_argument("--as-of", type=_date, metavar="DATE", help="截至这一天")
    export.set_defaults(func=cmd_export)

    consolidate = sub.add_parser(
        "consolidate",
        help="把多个地方的导出汇总为一份报表（DuckDB）",
    )
    consolidate.add_argument(
        "directories", nargs="+", type=Path, metavar="DIR", help="liaison export 的文件夹"
    )
    consolidate.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="FILE",
        help="FILE.xlsx、FILE.csv 或 FILE.html",
    )
    consolidate.set_defaults(func=cmd_consolidate)


def _fail(command: str, message: str) -> int:
    print(f"liaison {command}: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _load(command: str, args: argparse.Namespace) -> ledger_lib.Loaded | None:
    from reports import ledger as ledger_lib  # deferred: building the parser loads nothing

    try:
        loaded = ledger_lib.load(args.ledger, args.as_of)
    except ledger_lib.LedgerUnreadable as exc:
        _fail(command, str(exc))
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(command, f"{args.ledger}：无法读取账本：{exc}")
        return None
    if loaded.beancount_errors:
        print(
            f"liaison {command}: 提醒：{args.ledger} 有 "
            f"{len(loaded.beancount_errors)} 个 Beancount 错误；"
            "`liaison check` 可列出",
            file=sys.stderr,
        )
    return loaded


def _check_output(command: str, output: Path) -> str | None:
    """The output's format, or None after printing why it is unusable."""
    from reports import writers

    kind = writers.format_of(output)
    if kind is None:
        _fail(command, f"{output}：输出文件的扩展名应为 .xlsx、.csv 或 .html")
        return None
    if not output.parent.is_dir():
        _fail(command, f"{output}：文件夹 {output.parent} 不存在")
        return None
    return kind


def cmd_report(args: argparse.Namespace) -> int:
    from reports import builders
    from reports import writers

    if _check_output("report", args.output) is None:
        return EXIT_UNUSABLE
    loaded = _load("report", args)
    if loaded is None:
        return EXIT_UNUSABLE
    report = builders.build(args.kind, loaded.books, loaded.violations)
    block = writers.title_block(str(args.ledger), loaded.sha256, loaded.as_of)
    try:
        writers.write(report, args.output, block)
    except OSError as exc:
        return _fail("report", f"{args.output}：无法写入：{exc.strerror or exc}")
    print(
        f"{args.output}: {report.title}, {len(report.main.frame)} row(s), "
        f"as of {loaded.as_of}, ledger sha256 {loaded.sha256[:12]}…"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from reports import export as export_lib

    if args.output.exists() and not args.output.is_dir():
        return _fail("export", f"{args.output}：不是文件夹")
    loaded = _load("export", args)
    if loaded is None:
        return EXIT_UNUSABLE
    tables = export_lib.tables(
        loaded.books,
        loaded.violations,
        ledger=str(args.ledger),
        sha256=loaded.sha256,
        locality=export_lib.locality_of(loaded.books, loaded.options),
    )
    try:
        written = export_lib.export(tables, args.output)
    except OSError as exc:
        return _fail("export", f"{args.output}：无法写入：{exc.strerror or exc}")
    counts = ", ".join(f"{p.stem} {tables[p.stem].num_rows}" for p in written)
    print(f"{args.output}: {counts} (as of {loaded.as_of})")
    return EXIT_OK


def cmd_consolidate(args: argparse.Namespace) -> int:
    from reports import export as export_lib
    from reports import writers

    if _check_output("consolidate", args.output) is None:
        return EXIT_UNUSABLE
    try:
        result = export_lib.query(args.directories)
    except export_lib.ExportError as exc:
        return _fail("consolidate", str(exc))
    report = export_lib.build_consolidated(result)
    block = export_lib.consolidate_block(result)
    try:
        writers.write(report, args.output, block)
    except OSError as exc:
        return _fail("consolidate", f"{args.output}：无法写入：{exc.strerror or exc}")
    print(f"{args.output}: {report.title}, {len(result['sources'])} source(s)")
    return EXIT_OK
