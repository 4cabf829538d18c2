"""The ``liaison`` command line (SPEC section 6): every subcommand's arguments, here.

Each command reads its arguments here and does its work where that work belongs:

- ``check``: ``reports.ledger`` loads and judges the books, ``reports.check`` prints;
- ``explain``: ``reports.explain``;
- ``import``: ``importers.pipeline``;
- ``report``: ``reports.builders`` makes the report, ``reports.writers`` writes it;
- ``export``: ``reports.export``; ``consolidate``: ``reports.rollup`` (and
  ``reports.writers``);
- ``verify``: ``reports.verify``;
- ``new``: ``reports.skeleton``;
- ``demo`` and ``serve``: Fava (``reports.serve``).

Exit 0 when done (``check``: no violation), 1 for violations (``check``) or a report
not drawn from the books (``verify``), 2 on bad usage or an input or output that
cannot be used, with a Chinese message naming it. Each command imports its own work
when it runs: ``liaison check`` must not wait for pandas, openpyxl or DuckDB.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

from reports.serve import EXAMPLE

if TYPE_CHECKING:
    from reports import ledger as ledger_lib
    from reports.tables import Report
    from reports.writers import TitleBlock

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_UNUSABLE = 2

KIND_HELP = {
    "disposal": "资产处置明细表：每项已处置的资产一行",
    "progress": "清理规范工作进度：机构、阶段、违规事项",
    "registration": "附表一 核实登记表：每个机构一行",
    "reconciliation": "资金、往来款项和债权债务：每个撤销机构",
    "reception": "公务接待信息公开：按机构和年度",
}
"""The kinds ``liaison report`` makes (``reports.builders.KINDS``), with their help."""


# --- argument types ------------------------------------------------------------------


def iso_date(text: str) -> datetime.date:
    """An ``--as-of`` date: ``2016-12-31``."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} 不是日期，应写作 2016-12-31 这样的格式"
        ) from exc


def import_date(text: str) -> datetime.date:
    """An import's ``--date``: the booking date of rows that give none."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"日期应写作 2015-07-25 这样的格式：{text!r}"
        ) from exc


def rule_code(text: str) -> str:
    from plugins.catalogue import RULES

    code = text.strip().upper()
    if code not in RULES and code != "BEANCOUNT":
        raise argparse.ArgumentTypeError(
            f"没有规则 {text!r}；`liaison explain` 列出全部规则代码"
        )
    return code


# --- the commands --------------------------------------------------------------------


def _fail(command: str, message: str) -> int:
    print(f"liaison {command}: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _load(command: str, args: argparse.Namespace) -> ledger_lib.Loaded | None:
    """The books of ``args.ledger`` judged at ``args.as_of``, or None after saying why
    they cannot be read. Reports and exports also warn of Beancount's own errors."""
    from reports import ledger as ledger_lib

    try:
        loaded = ledger_lib.load(args.ledger, args.as_of)
    except ledger_lib.LedgerUnreadable as exc:
        _fail(command, str(exc))
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(command, f"{args.ledger}：无法读取账本：{exc}")
        return None
    if loaded.beancount_errors and command != "check":
        print(
            f"liaison {command}: 提醒：{args.ledger} 有 "
            f"{len(loaded.beancount_errors)} 个 Beancount 错误；"
            "`liaison check` 可列出",
            file=sys.stderr,
        )
    return loaded


def cmd_check(args: argparse.Namespace) -> int:
    from reports import check

    loaded = _load("check", args)
    if loaded is None:
        return EXIT_UNUSABLE
    found = check.rows(loaded)
    if args.rule:
        wanted = set(args.rule)
        found = [r for r in found if r["code"] in wanted]
    check.write(sys.stdout, args.format, str(args.ledger), loaded, found)
    return EXIT_VIOLATIONS if found else EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from plugins.catalogue import RULES
    from reports import explain

    if not args.code:
        print("\n".join(explain.rule_list()))
        return EXIT_OK
    rule = RULES.get(args.code.strip().upper())
    if rule is None:
        print(
            f"liaison explain: 没有规则 {args.code!r}；不带参数运行 `liaison explain` "
            "可列出全部规则",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    print(explain.explanation_text(rule))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    # The file is read in a child process from the start, while the importer's modules
    # and the books load (``importers.reading``): first, while this process is small and
    # has no thread. An import makes objects and no cycles: the collector is paused
    # throughout, as for reading a ledger (``reader.no_gc``).
    from importers.reading import Reading

    reading = Reading(args.kind, args.file, label=str(args.file), sheet=args.sheet)
    from plugins import reader

    with reader.no_gc():
        from importers import pipeline

        return pipeline.run(
            args.kind,
            args.file,
            ledger=args.ledger,
            output=args.output,
            sheet=args.sheet,
            dry_run=args.dry_run,
            default_date=args.date,
            reading=reading,
        )


def _output_format(command: str, output: Path) -> str | None:
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


def _written(command: str, report: Report, output: Path, block: TitleBlock) -> bool:
    """Write the report (``reports.writers``); False after saying why it could not be."""
    from reports import writers

    try:
        writers.write(report, output, block)
    except OSError as exc:
        _fail(command, f"{output}：无法写入：{exc.strerror or exc}")
        return False
    return True


def cmd_report(args: argparse.Namespace) -> int:
    if _output_format("report", args.output) is None:
        return EXIT_UNUSABLE
    loaded = _load("report", args)
    if loaded is None:
        return EXIT_UNUSABLE
    from reports import builders
    from reports import writers

    report = builders.build(args.kind, loaded.books, loaded.violations)
    block = writers.title_block(str(args.ledger), loaded.sha256, loaded.as_of)
    if not _written("report", report, args.output, block):
        return EXIT_UNUSABLE
    print(
        f"{args.output}: {report.title}, {len(report.main.frame)} row(s), "
        f"as of {loaded.as_of}, ledger sha256 {loaded.sha256[:12]}…"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.output.exists() and not args.output.is_dir():
        return _fail("export", f"{args.output}：不是文件夹")
    loaded = _load("export", args)
    if loaded is None:
        return EXIT_UNUSABLE
    from reports import export as export_lib

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
    if _output_format("consolidate", args.output) is None:
        return EXIT_UNUSABLE
    from reports import rollup

    store = args.store or args.output.parent / rollup.STORE_NAME
    try:
        result = rollup.query(
            args.directories,
            by=args.by,
            engine=args.engine,
            store=None if args.engine != "duckdb" else store,
        )
    except rollup.ExportError as exc:
        return _fail("consolidate", str(exc))
    for note in result["notes"]:
        print(f"liaison consolidate: 提醒：{note}", file=sys.stderr)
    report = rollup.build(result)
    if not _written("consolidate", report, args.output, rollup.title_block(result)):
        return EXIT_UNUSABLE
    print(
        f"{args.output}: {report.title}, {len(result['sources'])} source(s), "
        f"{len(result['groups'])} group(s) by {args.by} on {args.engine}"
    )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from reports import verify

    return verify.run(args.file, args.ledger, sys.stdout, sys.stderr)


def cmd_new(args: argparse.Namespace) -> int:
    from reports import skeleton

    code, name = args.government
    government = skeleton.Government(code, name.strip(), args.level, args.province)
    try:
        skeleton.create(args.dir, args.program, government)
    except skeleton.Refused as exc:
        return _fail("new", f"{exc}；没有写入任何文件")
    print(skeleton.report(str(args.dir), args.program, government))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    ledger = Path(args.ledger) if args.ledger else EXAMPLE
    return _fava("demo", ledger, args.host, args.port, read_only=False)


def cmd_serve(args: argparse.Namespace) -> int:
    return _fava("serve", args.ledger, args.host, args.port, read_only=args.audit)


def _fava(command: str, ledger: Path, host: str, port: int, *, read_only: bool) -> int:
    if not ledger.is_file():
        return _fail(command, f"{ledger}：账本文件不存在")
    from reports import serve

    serve.fava(ledger, host, port, read_only=read_only)
    return EXIT_OK


# --- the parser ----------------------------------------------------------------------

_ARGPARSE = (
    (re.compile(r"the following arguments are required: (.*)"), "缺少必需的参数：{0}"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
        "参数 {0} 的值 {1} 不可用；可选：{2}",
    ),
    (re.compile(r"argument (\S+): invalid \S+ value: (.*)"), "参数 {0} 的值 {1} 无效"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面需要一个值"),
    (re.compile(r"argument (\S+): expected (\d+) arguments"), "参数 {0} 后面需要 {1} 个值"),
    (re.compile(r"argument (\S+): (.*)"), "参数 {0}：{1}"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
)
"""argparse's own messages (English) and how the command line says them."""


class _Formatter(argparse.HelpFormatter):
    def add_usage(
        self, usage: Any, actions: Any, groups: Any, prefix: str | None = None
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse, speaking Chinese: its headings, its help line and its usage errors.

    A usage error names what is wrong in Chinese and says how to see the usage, exit 2.
    Subcommands' parsers are of this class too (argparse makes them of the parent's).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument(
            "-h",
            "--help",
            action="help",
            default=argparse.SUPPRESS,
            help="显示本帮助并退出",
        )

    def error(self, message: str) -> NoReturn:
        for pattern, said in _ARGPARSE:
            match = pattern.fullmatch(message)
            if match:
                message = said.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{message}\n运行 `{self.prog} --help` 查看用法\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``liaison`` parser: each subcommand's arguments, in the order of its help."""
    parser = ChineseArgumentParser(
        prog="liaison",
        description="清理规范驻京、驻省会城市办事机构的账本、规则与报表"
        "（Ledger, rules and reports for abolishing and regulating liaison offices）。",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, title="命令"
    )
    _check_parser(sub)
    _explain_parser(sub)
    _demo_parser(sub)
    _import_parser(sub)
    _report_parser(sub)
    _export_parser(sub)
    _consolidate_parser(sub)
    _new_parser(sub)
    _verify_parser(sub)
    _serve_parser(sub)
    return parser


def _check_parser(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="对账本运行全部规则（审计用）",
        description="对账本运行全部规则，不论账本是否声明了插件；同时列出 Beancount 自身的"
        "错误（代码 BEANCOUNT）。退出码：0 无违规，1 有违规，2 账本无法读取或用法有误。",
    )
    check.add_argument("ledger", type=Path, metavar="LEDGER", help="账本主文件")
    check.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="按这一天判定各项期限（默认：账本 plugin 设置的 as-of，否则今天）",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="输出格式（默认 text）",
    )
    check.add_argument(
        "--rule",
        type=rule_code,
        action="append",
        metavar="CODE",
        help="只报告这条规则（可重复；BEANCOUNT 表示 Beancount 自身的错误）",
    )
    check.set_defaults(func=cmd_check)


def _explain_parser(sub: Any) -> None:
    explain = sub.add_parser(
        "explain",
        help="规则的含义、依据和改正方法",
        description="不带 CODE 时列出全部规则；带 CODE 时说明该规则的含义、依据和改正方法，"
        "并引用所依据的政策原文。",
    )
    explain.add_argument("code", nargs="?", metavar="CODE", help="规则代码，如 LD-202")
    explain.set_defaults(func=cmd_explain)


def _demo_parser(sub: Any) -> None:
    demo = sub.add_parser(
        "demo",
        help="用 Fava 打开随附的示例账本",
        description="用 Fava 打开随附的示例账本（咸宁市示例方案）。",
    )
    demo.add_argument("ledger", nargs="?", help=argparse.SUPPRESS)
    demo.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    demo.add_argument("--port", type=int, default=5000, help="端口（默认 5000）")
    demo.set_defaults(func=cmd_demo)


def _import_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "import",
        help="导入资产清查登记表或处置结果（xlsx、xls、ods、CSV）",
        description="把资产清查登记表或处置结果变成账本分录。单位保存的原表即可："
        "标题行、填报单位行、一行或两行表头、合计行（逐一核对）、以元、千元或万元为单位、"
        "每个机构一个工作表。任何一处有问题则列出全部问题，不写入任何文件。",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    inventory = kinds.add_parser(
        "inventory",
        help="资产清查登记表：每行一项资产、债权或债务",
        description="每一行生成一个带资产元数据的 open 和一笔记入 "
        "Equity:Office:<机构>:NetAssets 的期初分录。",
    )
    disposals = kinds.add_parser(
        "disposals",
        help="处置结果：拍卖、有偿转让、无偿划转",
        description="每一行生成一笔《政府会计制度》记法的处置分录。",
    )
    for kind, command in (("inventory", inventory), ("disposals", disposals)):
        command.add_argument(
            "file",
            type=Path,
            metavar="FILE",
            help="xlsx、xls、ods、CSV/TSV（UTF-8 或 GBK），或网上系统导出的 .xls",
        )
        command.add_argument(
            "--ledger",
            type=Path,
            metavar="LEDGER",
            required=kind == "disposals",
            help="分录所记入的账本：机构、资产编号和账面价值都与它核对",
        )
        command.add_argument(
            "--output", type=Path, metavar="FILE", help="追加到这个文件（不指定则打印）"
        )
        command.add_argument(
            "--sheet",
            metavar="NAME",
            help="只导入这个工作表（默认：每个含登记表的工作表）",
        )
        command.add_argument(
            "--dry-run",
            action="store_true",
            help="只打印将记入什么（按机构和类别），不写入任何文件",
        )
        command.set_defaults(func=cmd_import, date=None)
    inventory.add_argument(
        "--date",
        type=import_date,
        metavar="DATE",
        help="没有登记日期的行的记账日期（默认：该机构在账本中的核实登记日期）",
    )


def _report_parser(sub: Any) -> None:
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
        type=iso_date,
        metavar="DATE",
        help="报表截至这一天（默认：账本 plugin 设置的 as-of，否则今天）",
    )
    report.set_defaults(func=cmd_report)


def _export_parser(sub: Any) -> None:
    export = sub.add_parser(
        "export",
        help="把一个地方的机构、资产、处置、上缴和违规导出为 parquet（供汇总）",
    )
    export.add_argument("ledger", type=Path, metavar="LEDGER", help="账本主文件")
    export.add_argument(
        "--output", "-o", type=Path, required=True, metavar="DIR", help="写入这个文件夹"
    )
    export.add_argument("--as-of", type=iso_date, metavar="DATE", help="截至这一天")
    export.set_defaults(func=cmd_export)


def _consolidate_parser(sub: Any) -> None:
    from reports.exportformat import BY  # the standard library only
    from reports.exportformat import ENGINES
    from reports.exportformat import STORE_NAME

    consolidate = sub.add_parser(
        "consolidate",
        help="把多个地方的导出汇总为一份报表（按地区、地级市、省或全国；DuckDB 或 Spark）",
        description=(
            "汇总各地 liaison export 的导出：机构按决定和状态、资产处置按方式和价值、"
            "处置收入应缴和已缴、违规按规则，分组并合计，列出每份来源的 SHA-256。"
            "不是导出的文件夹、旧版本的导出、同一地区两份不同的导出、金额不是十进制数的"
            "导出，一律拒绝（退出码 2，不写任何文件）。"
        ),
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
    consolidate.add_argument(
        "--by",
        choices=BY,
        default="locality",
        help="汇总层级：locality 地区（默认）、prefecture 地级市、province 省、nation 全国",
    )
    consolidate.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="duckdb：本机内嵌（默认）；spark：PySpark（本机或 spark-submit 指定的集群）",
    )
    consolidate.add_argument(
        "--store",
        type=Path,
        metavar="FILE",
        help=(
            f"DuckDB 汇总缓存，按每份导出的 SHA-256 保存已读入的数据，"
            f"再次汇总时只读新的导出（默认：输出文件旁的 {STORE_NAME}）"
        ),
    )
    consolidate.set_defaults(func=cmd_consolidate)


def _new_parser(sub: Any) -> None:
    from reports import skeleton  # the standard library only: cheap for every command

    new = sub.add_parser(
        "new",
        help="为新方案生成一个能无错载入的账本框架",
        description="在一个新的（或空的）文件夹中生成账本框架：main.beancount（中文标题、"
        "插件、Fava 中文界面和“清理规范”页面、方案和派出地政府的声明、国库账户）、"
        "offices.beancount（已注释的办事机构声明样板）、"
        "registers.beancount（登记表的导入目标）和 imports/ 文件夹。框架没有任何机构，"
        "载入时没有任何错误或违规。文件夹已存在且不为空、政府代码不合规或方案未知时拒绝，"
        "退出码 2，不写入任何文件。",
    )
    new.add_argument(
        "dir", type=Path, metavar="DIR", help="要生成的账本文件夹（须不存在或为空）"
    )
    new.add_argument(
        "--program",
        required=True,
        choices=tuple(skeleton.PROGRAMS),
        metavar="PRESET",
        help="方案预设：capital-2015（驻省会城市办事机构，咸政办函〔2015〕58号）或 "
        "beijing-2010（驻京办，国办发〔2010〕8号）",
    )
    new.add_argument(
        "--government",
        required=True,
        nargs=2,
        metavar=("CODE", "NAME"),
        help="派出地政府的代码（ASCII，如 XN）和名称（如 咸宁市人民政府）",
    )
    new.add_argument(
        "--level",
        choices=skeleton.LEVELS,
        default="prefecture",
        metavar="LEVEL",
        help="派出地政府的级别：" + " | ".join(skeleton.LEVELS) + "（默认 prefecture）",
    )
    new.add_argument("--province", metavar="PROVINCE", help="派出地政府所在的省份，如 湖北")
    new.set_defaults(func=cmd_new)


def _verify_parser(sub: Any) -> None:
    verify = sub.add_parser(
        "verify",
        help="核验报表或导出是否正是从这套账本生成的",
        description="读出报表（xlsx、csv、html）或导出文件夹写明的账本 SHA-256 和截至日期，"
        "与账本（主文件和它 include 的每一个文件）现在的 SHA-256 对照。"
        "退出码：0 出自这套账本；1 不是（写明两个 SHA-256）；2 文件或账本无法读取。",
    )
    verify.add_argument("file", type=Path, metavar="FILE", help="报表文件或导出文件夹")
    verify.add_argument("ledger", type=Path, metavar="LEDGER", help="账本主文件")
    verify.set_defaults(func=cmd_verify)


def _serve_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="用 Fava 打开账本（--audit：只读，供审计）",
        description="用 Fava 打开账本和清理规范页面。--audit：只读，没有任何可写入的入口"
        "（上传也被拒绝），默认只监听本机 127.0.0.1；要在局域网中给审计人员使用，"
        "请放在带登录验证的反向代理之后（见 README）。",
    )
    serve.add_argument("ledger", type=Path, metavar="LEDGER", help="账本主文件")
    serve.add_argument("--audit", action="store_true", help="只读：不能修改、不能上传")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=5000, help="端口（默认 5000）")
    serve.set_defaults(func=cmd_serve)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK


def run() -> NoReturn:
    """The ``liaison`` program: ``main``, then the process ends.

    The collector's objects are frozen first: Python's shutdown otherwise walks every
    object the command made once more, some 30 ms of an import's 0.5 s (and 0.15 s of
    a national roll-up's), to free memory the process is about to give back whole.
    Callers in a process that goes on (the tests) call ``main``.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
