"""The ``liaison`` command line (SPEC section 6).

``check``, ``explain`` and ``import`` (whose work is ``importers.pipeline``) live here;
``report``, ``export`` and ``consolidate`` by ``reports.command``; ``new`` writes a ledger
skeleton (``reports.skeleton``); ``demo`` starts Fava on the bundled example.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

from plugins.rules import RULES
from plugins.rules import Rule

if TYPE_CHECKING:
    from reports import ledger as ledger_lib

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_UNUSABLE = 2

FIELDS = (
    "code",
    "name",
    "clause",
    "office",
    "account",
    "date",
    "filename",
    "lineno",
    "message",
)

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "main.beancount"


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} 不是日期，应写作 2016-12-31 这样的格式"
        ) from exc


def rule_code(text: str) -> str:
    code = text.strip().upper()
    if code not in RULES and code != "BEANCOUNT":
        raise argparse.ArgumentTypeError(
            f"没有规则 {text!r}；`liaison explain` 列出全部规则代码"
        )
    return code


# --- check ---------------------------------------------------------------------------


def violation_rows(loaded: ledger_lib.Loaded) -> list[dict[str, Any]]:
    """Every violation and Beancount error as the rows of ``--format json|csv``."""
    rows = []
    for error in loaded.beancount_errors:
        source = error.source or {}
        entry = getattr(error, "entry", None)
        rows.append(
            {
                "code": "BEANCOUNT",
                "name": type(error).__name__,
                "clause": "",
                "office": None,
                "account": getattr(entry, "account", None),
                "date": _date_of(entry),
                "filename": source.get("filename"),
                "lineno": source.get("lineno"),
                "message": str(error.message).strip(),
            }
        )
    for v in loaded.violations:
        rule = RULES[v.code]
        rows.append(
            {
                "code": v.code,
                "name": rule.name,
                "clause": rule.clause,
                "office": v.office,
                "account": v.account,
                "date": _date_of(v.entry),
                "filename": v.source.get("filename"),
                "lineno": v.source.get("lineno"),
                "message": v.message,
            }
        )
    return rows


def _date_of(entry: Any) -> str | None:
    date = getattr(entry, "date", None)
    return date.isoformat() if isinstance(date, datetime.date) else None


def cmd_check(args: argparse.Namespace) -> int:
    from reports import ledger as ledger_lib  # deferred, as each command's own work is

    try:
        loaded = ledger_lib.load(args.ledger, args.as_of)
    except ledger_lib.LedgerUnreadable as exc:
        print(f"liaison check: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    rows = violation_rows(loaded)
    if args.rule:
        wanted = set(args.rule)
        rows = [r for r in rows if r["code"] in wanted]
    out = sys.stdout
    if args.format == "json":
        json.dump(
            {
                "ledger": str(args.ledger),
                "sha256": loaded.sha256,
                "as_of": loaded.as_of.isoformat(),
                "violations": rows,
            },
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
    elif args.format == "csv":
        from reports.files import csv_text

        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_text(v) for k, v in row.items()} for row in rows)
    else:
        for row in rows:
            where = f"{row['filename']}:{row['lineno']}" if row["filename"] else "?"
            out.write(f"{where}: {row['message']}\n")
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["code"]] = counts.get(row["code"], 0) + 1
        summary = ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items()))
        out.write(
            f"\n{args.ledger}（sha256 {loaded.sha256[:12]}…）截至 {loaded.as_of}："
            + (f"{len(rows)} 项违规：{summary}\n" if rows else "没有违规事项\n")
        )
    return EXIT_VIOLATIONS if rows else EXIT_OK


# --- explain -------------------------------------------------------------------------


WIDTH = 88
"""The width ``liaison explain`` wraps to, in terminal columns."""

_NO_LINE_START = frozenset("，。、；：！？）〕」』》〉】”’％,.;:!?)]}%")
_NO_LINE_END = frozenset("（〔「『《〈【“‘([{")


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: wide and fullwidth characters (CJK)
    take two, every other character one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _may_break(before: str, after: str) -> bool:
    """Whether a line may end between two characters with no space between them.

    Chinese breaks between any two characters, and between Chinese and other text,
    but never before closing punctuation, after opening punctuation, or between a
    digit and a Chinese character (``58号``, ``3人`` stay whole); other text breaks
    only at spaces, so metadata keys and account names are never cut.
    """
    if not (_wide(before) or _wide(after)):
        return False
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    return not (before.isdigit() or after.isdigit())


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` as the pieces no line may split, each with the spaces before it."""
    pieces: list[tuple[str, str]] = []
    space = current = ""
    for ch in text:
        if ch.isspace():
            if current:
                pieces.append((space, current))
                space = current = ""
            space += " "
            continue
        if current and _may_break(current[-1], ch):
            pieces.append((space, current))
            space = current = ""
        current += ch
    if current:
        pieces.append((space, current))
    return pieces


def wrap(
    text: str, width: int = WIDTH, initial_indent: str = "", subsequent_indent: str = ""
) -> list[str]:
    """``text`` in lines of at most ``width`` columns (:func:`display_width`).

    Like ``textwrap.wrap`` for English (it breaks at spaces, and never at hyphens), and
    for Chinese, which has no spaces, between characters as Chinese typesetting does.
    Spaces where a line breaks are dropped; a piece wider than a whole line is cut
    wherever it must be.
    """
    lines: list[str] = []
    line, used, empty = initial_indent, display_width(initial_indent), True
    for space, piece in _pieces(text):
        size = display_width(piece)
        gap = "" if empty else space
        if not empty and used + len(gap) + size > width:
            lines.append(line)
            line, used, empty = subsequent_indent, display_width(subsequent_indent), True
            gap = ""
        if used + len(gap) + size <= width:
            line, used, empty = line + gap + piece, used + len(gap) + size, False
            continue
        for ch in piece:  # wider than a whole line
            if not empty and used + display_width(ch) > width:
                lines.append(line)
                line, used = subsequent_indent, display_width(subsequent_indent)
            line, used, empty = line + ch, used + display_width(ch), False
    if not empty:
        lines.append(line)
    return lines


def cmd_explain(args: argparse.Namespace) -> int:
    if not args.code:
        for each in RULES.values():
            print(f"{each.code}  {each.name:<28} {each.zh}  {each.title}")
        return EXIT_OK
    rule = RULES.get(args.code.strip().upper())
    if rule is None:
        print(
            f"liaison explain: 没有规则 {args.code!r}；不带参数运行 `liaison explain` "
            "可列出全部规则",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    print(explanation_text(rule))
    return EXIT_OK


def explanation_text(rule: Rule, width: int = WIDTH) -> str:
    """What ``liaison explain CODE`` prints: the rule's heading and title, then its
    explanation in Chinese and in English, each paragraph wrapped to ``width`` columns."""
    lines = wrap(f"{rule.code} {rule.name} {rule.zh}  ({rule.clause})", width, "", "    ")
    lines += wrap(rule.title, width, "  ", "    ")
    for heading, explanation in (
        ("中文说明", rule.explanation_zh),
        ("English", rule.explanation),
    ):
        lines += ["", heading]
        for paragraph in explanation.split("\n"):
            lines += wrap(paragraph, width, "  ", "    ")
    from plugins import policy

    quotes, note = policy.quoted(rule.code, rule.clause)
    if quotes:
        lines += ["", "政策原文"]
        for clause in quotes:
            lines += wrap(clause.label, width, "  ", "    ")
            for paragraph in (clause.text or "（原文未收录）").split("\n"):
                lines += wrap(paragraph, width, "    ", "    ")
        if note:
            lines += wrap(f"注：{note}", width, "  ", "    ")
    return "\n".join(lines)


# --- demo ----------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    ledger = Path(args.ledger) if args.ledger else EXAMPLE
    return _fava("demo", ledger, args.host, args.port, read_only=False)


def cmd_serve(args: argparse.Namespace) -> int:
    return _fava("serve", args.ledger, args.host, args.port, read_only=args.audit)


def _fava(command: str, ledger: Path, host: str, port: int, *, read_only: bool) -> int:
    """Fava on ``ledger`` (its 清理规范 page comes with the ledger's extension line)."""
    if not ledger.is_file():
        print(f"liaison {command}: {ledger}：账本文件不存在", file=sys.stderr)
        return EXIT_UNUSABLE
    argv = ["--host", host, "--port", str(port), str(ledger)]
    if read_only:
        # no endpoint that writes: Fava refuses every PUT, POST and DELETE (the
        # 清理规范 upload included) with 401
        argv.insert(0, "--read-only")
    mode = "（只读）" if read_only else ""
    print(f"Fava 已打开 {ledger}{mode}：http://{host}:{port}/", file=sys.stderr)
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    from fava.cli import main as fava_main

    try:
        fava_main.main(args=argv, prog_name="fava", standalone_mode=True)
    except KeyboardInterrupt:
        pass
    return EXIT_OK


# --- new -----------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from reports import skeleton

    code, name = args.government
    government = skeleton.Government(code, name.strip(), args.level, args.province)
    try:
        skeleton.create(args.dir, args.program, government)
    except skeleton.Refused as exc:
        print(f"liaison new: {exc}；没有写入任何文件", file=sys.stderr)
        return EXIT_UNUSABLE
    print(skeleton.report(str(args.dir), args.program, government))
    return EXIT_OK


def _new_parser(sub: Any) -> None:
    """``liaison new DIR --program PRESET --government CODE NAME`` (SPEC section 6): the
    work is ``reports.skeleton``; only the arguments are read here."""
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


# --- import ---------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    # deferred: check and explain need none of it. The file is read on a thread from
    # the start, while the importer's modules and the books load (``sheets.Reading``).
    # An import makes objects and no cycles: the collector is paused throughout, as
    # for reading a ledger (``model.no_gc``).
    from importers import sheets

    reading = sheets.Reading(args.file, str(args.file))  # first: it reads meanwhile
    from plugins import model

    with model.no_gc():
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


def _import_parser(sub: Any) -> None:
    """``liaison import inventory|disposals`` (SPEC section 6): the work is
    ``importers.pipeline.run``; only the arguments are read here."""
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


def import_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"日期应写作 2015-07-25 这样的格式：{text!r}"
        ) from exc


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
    parser = ChineseArgumentParser(
        prog="liaison",
        description="清理规范驻京、驻省会城市办事机构的账本、规则与报表"
        "（Ledger, rules and reports for abolishing and regulating liaison offices）。",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, title="命令"
    )

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

    explain = sub.add_parser(
        "explain",
        help="规则的含义、依据和改正方法",
        description="不带 CODE 时列出全部规则；带 CODE 时说明该规则的含义、依据和改正方法，"
        "并引用所依据的政策原文。",
    )
    explain.add_argument("code", nargs="?", metavar="CODE", help="规则代码，如 LD-202")
    explain.set_defaults(func=cmd_explain)

    demo = sub.add_parser(
        "demo",
        help="用 Fava 打开随附的示例账本",
        description="用 Fava 打开随附的示例账本（咸宁市示例方案）。",
    )
    demo.add_argument("ledger", nargs="?", help=argparse.SUPPRESS)
    demo.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    demo.add_argument("--port", type=int, default=5000, help="端口（默认 5000）")
    demo.set_defaults(func=cmd_demo)

    from reports import command as report_command

    _import_parser(sub)
    report_command.register(sub)
    _new_parser(sub)
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
    return parser


def cmd_verify(args: argparse.Namespace) -> int:
    from reports import verify

    return verify.run(args.file, args.ledger, sys.stdout, sys.stderr)


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
