"""``liaison new``: a ledger skeleton for a new program that loads clean (SPEC section 6).

::

    liaison new DIR --program capital-2015|beijing-2010 --government CODE NAME
                [--level LEVEL] [--province PROVINCE]

writes, into a folder that does not exist yet (or is empty)::

    DIR/main.beancount       title, currency, the plugin, Fava's options (Chinese, the
                             import config and folder), the 清理规范 extension, the
                             program and the government declared, its treasury opened
    DIR/offices.beancount    a commented template of one office's declaration
    DIR/registers.beancount  empty: where imported registers are appended
    DIR/imports/README.md    the folder Fava's Import page lists

With no office declared, no rule has anything to judge: the skeleton is clean at any
as-of date, today's included. Once an office is declared, the program's deadlines apply
to it (at today's date, for a past program, as soon as they have passed).

The folder is built beside DIR under a temporary name and renamed into place, so a
failure leaves nothing behind. Nothing is written when DIR exists and is not empty, the
code is not an ASCII code, or the name cannot be written in a Beancount string.

This module imports only the standard library at import time: ``liaison`` builds its
parser from :data:`PROGRAMS` and :data:`LEVELS` on every command.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from pathlib import Path
from typing import Any

LEVELS = (
    "province",
    "sub-provincial",
    "planned-city",
    "sez",
    "xpcc",
    "prefecture",
    "county",
)
"""The government levels of SPEC 2.1 (``plugins.settings.LEVELS``; a test keeps them
equal, so that ``liaison --help`` need not import pydantic)."""

LEVEL_ZH = {
    "province": "省级",
    "sub-provincial": "副省级市",
    "planned-city": "计划单列市",
    "sez": "经济特区",
    "xpcc": "新疆生产建设兵团",
    "prefecture": "地级",
    "county": "县级",
}

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]*")
"""A government's code (SPEC 2): ASCII capitals, digits and hyphens."""

MAIN = "main.beancount"
OFFICES = "offices.beancount"
REGISTERS = "registers.beancount"
IMPORTS = "imports"
IMPORTS_README = f"{IMPORTS}/README.md"


@dataclasses.dataclass(frozen=True)
class Program:
    """What a preset's skeleton declares: the program's code, title and document."""

    preset: str
    year: int
    title: str
    document: str
    host: str | None  # the host city of all its offices; None: the province's capital

    def code(self, government: str) -> str:
        return "BJ-2010" if self.preset == "beijing-2010" else f"{government}-{self.year}"


PROGRAMS = {
    "capital-2015": Program(
        "capital-2015",
        2015,
        "咸宁市清理规范驻省会城市办事机构实施方案",
        "咸政办函〔2015〕58号",
        None,
    ),
    "beijing-2010": Program(
        "beijing-2010",
        2010,
        "关于加强和规范各地政府驻北京办事机构管理的意见",
        "国办发〔2010〕8号",
        "北京",
    ),
}
"""The presets of SPEC section 4, with the document each comes from (plugins/policy/)."""

CAPITALS = {
    "北京": ("北京", "BJ"),
    "天津": ("天津", "TJ"),
    "上海": ("上海", "SH"),
    "重庆": ("重庆", "CQ"),
    "河北": ("石家庄", "SJZ"),
    "山西": ("太原", "TY"),
    "内蒙古": ("呼和浩特", "HHHT"),
    "辽宁": ("沈阳", "SY"),
    "吉林": ("长春", "CC"),
    "黑龙江": ("哈尔滨", "HEB"),
    "江苏": ("南京", "NJ"),
    "浙江": ("杭州", "HZ"),
    "安徽": ("合肥", "HF"),
    "福建": ("福州", "FZ"),
    "江西": ("南昌", "NC"),
    "山东": ("济南", "JN"),
    "河南": ("郑州", "ZZ"),
    "湖北": ("武汉", "WH"),
    "湖南": ("长沙", "CS"),
    "广东": ("广州", "GZ"),
    "广西": ("南宁", "NN"),
    "海南": ("海口", "HK"),
    "四川": ("成都", "CD"),
    "贵州": ("贵阳", "GY"),
    "云南": ("昆明", "KM"),
    "西藏": ("拉萨", "LS"),
    "陕西": ("西安", "XA"),
    "甘肃": ("兰州", "LZ"),
    "青海": ("西宁", "XN"),
    "宁夏": ("银川", "YC"),
    "新疆": ("乌鲁木齐", "WLMQ"),
}
"""A province's capital and its code, for the template office of ``capital-2015``."""


class Refused(Exception):
    """``liaison new`` will not write: the message says why, in Chinese."""


@dataclasses.dataclass(frozen=True)
class Government:
    code: str
    name: str
    level: str = "prefecture"
    province: str | None = None


# --- what is written (pure) ----------------------------------------------------------


def files(
    preset: str,
    government: Government,
    import_config: str | None = None,
) -> dict[str, str]:
    """The skeleton's files, by their path inside DIR, for ``preset`` and ``government``.

    Args:
        preset: A key of :data:`PROGRAMS`.
        government: The dispatching government whose bureau keeps the books.
        import_config: The path written as Fava's ``import-config``; default, the
            installed ``importers/config.py`` (:func:`installed_import_config`).
    Raises:
        Refused: an unknown program, a code that is not an ASCII code, a name or
            province that cannot be written in a Beancount string.
    """
    program = PROGRAMS.get(preset)
    if program is None:
        raise Refused(f"没有方案预设 {preset!r}；可用：{'、'.join(PROGRAMS)}")
    _check(government)
    from plugins.settings import PRESETS  # pydantic: only when a skeleton is written

    settings = PRESETS[preset]
    config = import_config if import_config is not None else installed_import_config()
    return {
        MAIN: _main(program, settings, government, config),
        OFFICES: _offices(program, settings, government),
        REGISTERS: _registers(),
        IMPORTS_README: _imports_readme(),
    }


def _check(government: Government) -> None:
    if not CODE.fullmatch(government.code):
        raise Refused(
            f"政府代码 {government.code!r} 不可用：代码只能由大写英文字母、数字和"
            "连字符组成，以字母或数字开头，如 XN、XN-JY"
        )
    for label, text in (("政府名称", government.name), ("省份", government.province)):
        if text is None:
            continue
        if not text.strip():
            raise Refused(f"{label}不能为空")
        if any(ch in text for ch in '"\\') or any(ord(ch) < 32 for ch in text):
            raise Refused(f"{label} {text!r} 不能含有引号、反斜杠或换行")
    if government.level not in LEVELS:
        raise Refused(f"没有级别 {government.level!r}；可用：{'、'.join(LEVELS)}")


def installed_import_config() -> str:
    """The absolute path of the installed ``importers/config.py``, which Fava runs by
    path: written into the skeleton, it works wherever the ledger's folder lies."""
    import importlib.util

    spec = importlib.util.find_spec("importers.config")
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve().as_posix()
    here = Path(__file__).resolve().parent.parent / "importers" / "config.py"
    return here.as_posix()  # pragma: no cover - the package is always installed


def start_date(program: Program) -> datetime.date:
    """The date the skeleton's government, treasury and template office start: the
    first day of the program's year, before its ``ban-from`` (LO-104)."""
    return datetime.date(program.year, 1, 1)


def _title(government: Government) -> str:
    return f"{government.name}清理规范驻外办事机构账本"


def _main(
    program: Program,
    settings: dict[str, Any],
    government: Government,
    import_config: str,
) -> str:
    gov = government
    start = start_date(program)
    code = program.code(gov.code)
    province = f'\n  province: "{gov.province.strip()}"' if gov.province else ""
    about = _comment(
        f"本文件是账本的主文件，由 `liaison new` 生成。{gov.name}（{gov.code}）按"
        f"《{program.title}》（{program.document}，预设 {program.preset}）清理规范驻外"
        "办事机构：各机构的土地、房屋、车辆、设备、所办企业、资金、债权债务，撤并决定和"
        "每一笔资产处置，都记在这本账中。账本语言见 liaison-ledger 的 "
        "docs/ledger-language.md（下称“账本语言”）。",
        ";",
    )
    later = settings["dispose-by"] + datetime.timedelta(days=30)
    return f"""\
; {_title(gov)}
;
{about}
;
; 接下来（命令在本文件夹中运行）：
;   1. 在 offices.beancount 中声明每个办事机构（文件中有样板）。所属下级政府
;      派出的机构，先在本文件中声明该政府（custom "government"，写明
;      parent: "{gov.code}"）并开设其国库账户。
;   2. 记录每个机构的核实登记（custom "registration"）和保留、撤销或合并决定
;      （custom "decision"），以及此后的每一笔资产处置（账本语言 2.3 节）。
;   3. 导入资产清查登记表（--dry-run 先看将记什么）：
;        liaison import inventory 登记表.xlsx --ledger main.beancount \\
;            --output registers.beancount
;      也可以把登记表放进 imports/ 文件夹，在 Fava 的“清理规范”页面上传。
;   4. 检查：liaison check main.beancount（审计人员运行的也是这一命令）。
;   5. 查看：fava main.beancount（左侧栏“清理规范”页面）。
;
; 规则按今天判定各项期限。重演已经过去的方案时，可以在 plugin 行固定判定日，例如
;   plugin "plugins.rules" "{{'as-of': '{program.year + 1}-12-31'}}"

option "title" "{_title(gov)}"
option "operating_currency" "CNY"

plugin "plugins.rules"

; Fava：界面用中文；“清理规范”页面上传的登记表追加到 registers.beancount；导入页面列出
; imports/ 文件夹中的文件。import-config 是生成本账本时所安装的 liaison-ledger 中
; importers/config.py 的绝对路径：Fava 按路径运行它，所以账本放在哪个文件夹都能用；
; liaison-ledger 改装到别处后，请改为新的路径。
{start} custom "fava-option" "language" "zh"
{start} custom "fava-option" "import-config" "{import_config}"
{start} custom "fava-option" "import-dirs" "{IMPORTS}"
{start} custom "fava-extension" "reports.dashboard" "{{'import-into': '{REGISTERS}'}}"

; 方案。预设 {program.preset} 的各项期限见账本语言第 4 节：禁止新设 {settings["ban-from"]}，
; 核实登记和撤并决定截止 {settings["decide-by"]}，资产处置截止 {settings["dispose-by"]}。
; 本地方案的期限不同的，在方案下逐项覆盖，如 dispose-by: {later}。
; 方案名称和文号取自预设所依据的文件；本地另有实施方案的，改为本地方案的名称和文号。
{settings["ban-from"]} custom "program" "{code}" "{program.title}"
  preset: "{program.preset}"
  document: "{program.document}"

; 派出地政府（级别：{LEVEL_ZH[gov.level]}）及其国库：撤销机构的处置收入和结余资金上缴于此。
{start} custom "government" "{gov.code}" "{gov.name}"
  level: "{gov.level}"{province}

{start} open Assets:Treasury:{gov.code} CNY
  name: "{gov.name}国库"

include "{OFFICES}"
include "{REGISTERS}"
"""


def _template_office(program: Program, government: Government) -> tuple[str, str, str, str]:
    """The template office's code, name, host and host province ("" where unknown)."""
    if program.host is not None:
        return f"{government.code}-BJ", f"{government.name}驻北京办事处", "北京", "北京"
    province = (government.province or "").strip()
    for key, (capital, short) in CAPITALS.items():
        if province.startswith(key):
            return (
                f"{government.code}-{short}",
                f"{government.name}驻{capital}办事处",
                capital,
                key,
            )
    return f"{government.code}-01", f"{government.name}驻省会城市办事处", "（驻在城市）", ""


def _offices(program: Program, settings: dict[str, Any], government: Government) -> str:
    gov = government
    start = start_date(program)
    office, name, host, host_province = _template_office(program, gov)
    host_line = f'\n;   host-province: "{host_province}"' if host_province else ""
    level = gov.level
    if level in settings["abolished"]:
        rule = "以及部门、开发区设立的机构，都应予撤销（LO-101）"
        decision = f'{settings["decide-by"]} custom "decision" "{office}" "abolish"'
        decision += '\n;;     approval: "（撤销决定的文号）"'
    elif level in settings["kept-without-approval"]:
        rule = "无需批准即可保留；部门、开发区设立的机构应予撤销（LO-101）"
        decision = f'{settings["decide-by"]} custom "decision" "{office}" "retain"'
    else:
        rule = (
            "经批准方可保留，保留决定须写明批准文号（LO-102）；部门、开发区设立的机构"
            "应予撤销（LO-101）"
        )
        decision = f'{settings["decide-by"]} custom "decision" "{office}" "retain"'
        decision += '\n;;     approval: "（批准保留的文号）"'
    todo = _comment(
        f"声明机构之后，须在 {settings['register-by']}（register-by）前记录核实登记"
        f"（附表一），在 {settings['decide-by']}（decide-by）前记录决定。按本方案，"
        f"{LEVEL_ZH[level]}政府设立的机构{rule}。"
        "写法如下（括号中的值请换成实际的）：",
        ";;",
    )
    return f"""\
;; 办事机构 · offices
;;
;; 在本文件中声明{gov.name}（{gov.code}）及所属下级政府、部门派出的每一个驻外办事机构：
;; custom "office" 机构代码 "机构名称"（账本语言 2.1 节）。机构代码用 ASCII，如 {office}。
;; 声明的日期是开始为该机构记账的日期；机构在方案的禁止新设日
;; {settings["ban-from"]}（ban-from）之前已经存在的，声明日期应早于这一天，
;; 否则按违规新设机构判定（LO-104）。
;;
;; 机构多时，可以像示例账本那样每个机构一个文件：把该机构的声明、核实登记、决定和处置记在
;; offices/{office.lower()}.beancount 这样的文件中，并在 main.beancount 中加一行
;; include "offices/{office.lower()}.beancount"。
;;
;; 下面是一个机构声明的样板。它已被注释，所以账本目前没有任何机构，载入时没有任何错误。
;; 改成实际的代码、名称和驻在城市，再去掉各行行首的「; 」，即生效。

; {start} custom "office" "{office}" "{name}"
;   government: "{gov.code}"  ; 派出地政府的代码
;   kind: "government"  ; government 政府 | department 部门 | devzone 开发区 | aid 援助
;   host: "{host}"  ; 驻在城市{host_line}
;   program: "{program.code(gov.code)}"

{todo}
;;
;;   {settings["register-by"]} custom "registration" "{office}"
;;     staff: 6                     ; 人数
;;     established: {program.year - 10}-01-01     ; 设立日期
;;
;;   {decision}
;;
;; 机构的资产、债权和债务从资产清查登记表导入（见 main.beancount 的说明），
;; 不必手工开设账户。
"""


def _comment(text: str, prefix: str) -> str:
    """``text`` as comment lines of at most 88 columns, each starting ``prefix``."""
    from reports.terminal import wrap

    return "\n".join(wrap(text, 88, f"{prefix} ", f"{prefix} "))


def _registers() -> str:
    return f"""\
; 资产清查登记表的导入目标。命令行导入
;   liaison import inventory 登记表.xlsx --ledger {MAIN} --output {REGISTERS}
; 和在 Fava“清理规范”页面上传的登记表（main.beancount 中 reports.dashboard 的
; import-into），都追加到本文件。同一登记表导入两次不会重复记账。
"""


def _imports_readme() -> str:
    return f"""\
# imports/ · 待导入文件夹

把资产清查登记表和处置结果（xlsx、xls、ods、CSV）放在这里，Fava 的导入页面就会列出它们
（{MAIN} 的 `import-dirs` 指向这个文件夹）。登记表的分录含有 `open`，Fava 的导入页面不能
保存：登记表请在“清理规范”页面上传，或在命令行导入：

```
liaison import inventory imports/登记表.xlsx --ledger {MAIN} --output {REGISTERS}
```

这里的文件是输入，不是账本：原件另行保存。
"""


# --- writing the folder --------------------------------------------------------------


def create(directory: Path | str, preset: str, government: Government) -> list[str]:
    """Write the skeleton into ``directory``, all of it or nothing.

    Returns:
        The files written, by their path inside ``directory``.
    Raises:
        Refused: ``directory`` exists and is not an empty folder, or :func:`files`
            refuses, or the folder cannot be written (nothing is left behind).
    """
    target = Path(os.path.abspath(directory))
    _check_target(target, str(directory))
    contents = files(preset, government)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging(target)
    except OSError as exc:
        why = exc.strerror or exc
        raise Refused(f"无法在 {target.parent} 中建立文件夹：{why}") from exc
    try:
        for name, text in contents.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if target.is_dir():
            _move_contents(staging, target)
        else:
            os.rename(staging, target)
    except OSError as exc:
        raise Refused(f"无法写入 {directory}：{exc.strerror or exc}") from exc
    finally:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return list(contents)


def _check_target(target: Path, shown: str) -> None:
    if target.is_dir():
        if any(target.iterdir()):
            raise Refused(
                f"{shown} 已存在且不是空文件夹；请指定一个新的或空的文件夹，"
                "以免覆盖已有的账本"
            )
    elif target.exists() or target.is_symlink():
        raise Refused(f"{shown} 已存在且不是文件夹")


def _staging(target: Path) -> Path:
    """A new, empty folder beside ``target`` (hidden), to build the skeleton in."""
    import secrets

    for _ in range(100):
        path = target.with_name(f".{target.name}.new-{secrets.token_hex(4)}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{target.parent} 中无法取得临时文件夹名")  # pragma: no cover


def _move_contents(staging: Path, target: Path) -> None:
    """Move the built files into the existing, empty ``target``, main file last; on
    failure, move back what was moved (the folder may be the shell's working folder,
    so it is filled rather than replaced)."""
    names = sorted(os.listdir(staging), key=lambda name: name == MAIN)
    moved: list[str] = []
    try:
        for name in names:
            if (target / name).exists():
                raise FileExistsError(f"{target / name} 已存在")
            os.rename(staging / name, target / name)
            moved.append(name)
    except OSError:
        for name in reversed(moved):
            os.rename(target / name, staging / name)
        raise


# --- what ``liaison new`` says -------------------------------------------------------


def report(directory: str, preset: str, government: Government) -> str:
    """What ``liaison new`` prints once the skeleton is written: the files and the
    next steps, with ``directory`` as the user wrote it."""
    program = PROGRAMS[preset]
    main = _shell(_inside(directory, MAIN))
    registers = _shell(_inside(directory, REGISTERS))
    lines = [
        f"已生成账本框架 {directory}（{government.name} {government.code}，"
        f"方案预设 {preset}：{program.document}）：",
        f"  {MAIN:<22}主文件：标题、插件、Fava 中文界面与“清理规范”页面、"
        "方案与政府声明、国库账户",
        f"  {OFFICES:<22}办事机构声明（内有一个已注释的样板）",
        f"  {REGISTERS:<22}登记表的导入目标（目前为空）",
        f"  {IMPORTS_README:<22}待导入文件夹：放在这里的登记表出现在 Fava 的导入页面",
        "",
        "账本现在没有任何机构，载入时没有任何错误或违规。接下来：",
        f"  1. 在 {_inside(directory, OFFICES)} 中声明办事机构"
        "（照样板改写后去掉行首的「; 」）",
        "  2. 记录每个机构的核实登记（registration）和保留、撤销或合并决定（decision）",
        "  3. 导入资产清查登记表：",
        f"       liaison import inventory 登记表.xlsx --ledger {main} --output {registers}",
        f"  4. 检查：liaison check {main}",
        f"  5. 查看：fava {main}",
    ]
    return "\n".join(lines)


def _inside(directory: str, name: str) -> str:
    return os.path.normpath(os.path.join(directory, name))


def _shell(path: str) -> str:
    import shlex

    return shlex.quote(path)
