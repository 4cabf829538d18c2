"""The 清理规范 page's own texts, by language: Chinese, and English when Fava's is English.

The page (``reports.dashboard``), its templates, its script (``Dashboard.js``) and the
upload's answers (``reports.dashboard_upload``) say what they say through :class:`Texts`:
``t("截至日期")``, ``t("{n} 项", n=3)``. The Chinese is the key; ``ENGLISH`` holds the
English of each. The page follows Fava's language (:func:`page_language`): English for
``en``, Chinese otherwise and by default. The rules' messages and explanations, the
report's words (levels, decisions, phases) and the importer's summary stay as the
catalogue, the reports and the importer write them.
"""

from __future__ import annotations

import re
from typing import Any

LANGUAGES = ("zh", "en")
"""The page's languages; Chinese is the default and the key of every text."""

ENGLISH: dict[str, str] = {
    # the page
    "清理规范工作看板": "Liaison offices: the program at a glance",
    "截至日期": "As of",
    "重新判定": "Judge again",
    "按 {date} 判定各项期限（{source}）": "Deadlines judged at {date} ({source})",
    "恢复默认日期": "Back to the default date",
    "页面指定": "asked on the page",
    "账本 plugin 设置 as-of": "the ledger's plugin setting as-of",
    "今天": "today",
    "as_of 应为 YYYY-MM-DD 格式的日期：{text}，已改用默认日期": (
        "as_of must be a date written YYYY-MM-DD: {text}; the default date is used"
    ),
    "fava-extension 配置：{problem}": "fava-extension config: {problem}",
    "本账本的 plugin 设置": "This ledger's plugin setting ",
    "停用了规则 {codes}": "disables the rules {codes}",
    "只启用规则 {codes}": "enables only the rules {codes}",
    "；看板与 Fava 的 Errors 页一致，": "; the page agrees with Fava's Errors page, and ",
    "仍检查全部规则。": " still checks every rule.",
    "、": ", ",
    # the cards
    "驻外机构": "liaison offices",
    "已撤销 / 方案应撤销": "abolished / to abolish",
    "撤销机构资产处置进度（按价值）": "abolished offices' assets disposed of (by value)",
    "{n} 项": "{n}",
    "撤销机构剩余资产": "left at abolished offices:",
    "元": "yuan",
    "撤销机构资金与应缴财政款余额": "cash and proceeds due held by abolished offices",
    "违规事项": "violations",
    "Beancount 错误": "Beancount errors",
    # phases and deadlines
    "工作阶段与期限": "Phases and deadlines",
    "（{document}）": " ({document})",
    "{name} {start} — {end}：{state}": "{name} {start} — {end}: {state}",
    "截至 {date}": "as of {date}",
    "阶段": "Phase",
    "起止": "From — to",
    "截至日状态": "At the as-of date",
    "完成情况": "Progress",
    "期限": "Deadline",
    "日期": "Date",
    "禁止新设机构": "no new offices from",
    "核实登记截止": "registration by",
    "撤并决定截止": "decisions by",
    "资产处置截止": "disposals by",
    "企业脱钩截止": "enterprises delinked by",
    "已过 {n} 天": "{n} days past",
    "当日截止": "due today",
    "还有 {n} 天": "{n} days left",
    "账本没有声明清理规范方案（": "The ledger declares no program (",
    "）。": ").",
    # the offices
    "各机构清理规范进度": "The offices' progress",
    "机构代码": "Office",
    "机构名称 / 派出地政府": "Name / dispatching government",
    "级别/类型 / 方案要求": "Level, kind / the program requires",
    "决定": "Decision",
    "核实登记": "Registered",
    "状态": "Status",
    "项数 · 账面价值（元）": "count · book value (yuan)",
    "清理前资产": "Assets at the start",
    "已处置": "Disposed of",
    "剩余": "Left",
    "处置进度": "Disposal progress",
    "银行存款": "Cash",
    "应缴财政款": "Due to the treasury",
    "违规": "Violations",
    "批准文号 {approval}": "approval {approval}",
    "未登记": "not registered",
    "已处置 {percent}": "disposed of {percent}",
    "无实物资产": "no physical assets",
    "合计": "Total",
    "{n} 个机构": "{n} offices",
    "处置完毕": "all disposed of",
    "应撤销而决定保留": "to abolish, but retained",
    "应撤销，尚未决定": "to abolish: no decision yet",
    "未决定": "no decision",
    "保留": "retained",
    "待处置：": "to dispose of: ",
    "资产 {n} 项": "{n} assets",
    "资金": "cash",
    "offices-note": (
        "Asset columns give the count, then the book value; assets at the start ="
        " disposed of + left (land, buildings, vehicles, equipment, enterprises, at book"
        " value); progress is by value; a grey bar is a retained office. Due to the"
        " treasury is disposal proceeds not yet remitted. The page ignores Fava's time,"
        " account and filter selection."
    ),
    "账本没有声明驻外机构（": "The ledger declares no office (",
    # the violations
    "违规事项（按规则、机构）": "Violations (by rule, then office)",
    "：含义、依据与改正方法": ": what it means, why, and how to fix it",
    "中文": "Chinese",
    "政策原文": "The policy's words",
    "（原文未收录）": "(the text is not bundled)",
    "注：": "Note: ",
    "（不属于某一机构）": "(no office)",
    "在编辑器中打开 {where}": "open {where} in the editor",
    "截至 {date} 没有违规事项（no violations）。": "As of {date}: no violations.",
    # the upload
    "导入资产清查登记表": "Import an inventory register",
    "upload-help": (
        "Upload an inventory register as the office keeps it (xlsx, xls, ods, or csv in"
        " UTF-8 or GBK; a title, a fill line, 合计 rows, amounts in 万元 and one sheet"
        " per office are all fine; the column names are listed in the README's section"
        " on importing). Each row becomes an "
    ),
    "upload-help-2": " with the asset's metadata and an opening entry, appended to ",
    "upload-help-3": (
        ". Asset ids already in the books are skipped; every total row is checked; if"
        " any row is wrong nothing is written, and every problem is listed by file,"
        " sheet, row and column."
    ),
    "注意：该文件未被账本 include，导入的条目不会出现在 Fava 中。": (
        "Note: the ledger does not include this file; what is imported will not show"
        " in Fava."
    ),
    "Fava 以只读模式（--read-only）运行：不能导入。": (
        "Fava runs read-only (--read-only): nothing can be imported."
    ),
    "无登记日期的行记于": "Rows without a registration date are booked on",
    "（留空：该机构的核实登记日期）": "(empty: the office's registration date)",
    "导入": "Import",
    # the upload's answers
    "配置应为字典，例如 {example}：{config}": (
        "the config must be a dict, for example {example}: {config}"
    ),
    "未知配置项 {key}（可用：{keys}）": "unknown config key {key} (known: {keys})",
    "'import-into' 应为文件路径：{value}": "'import-into' must be a file path: {value}",
    "没有收到文件：请选择资产清查登记表（xlsx 或 csv）": (
        "No file received: choose an inventory register (xlsx or csv)"
    ),
    "登记日期应为 YYYY-MM-DD：{text}": "The registration date must be YYYY-MM-DD: {text}",
    "导入失败，未写入任何内容": "The import failed; nothing was written",
    "导入失败": "The import failed",
    "{target} 未被账本 include：新条目已写入该文件，但不会出现在 Fava 中": (
        "the ledger does not include {target}: the new entries were written to it, but"
        " will not show in Fava"
    ),
    "upload-too-large": (
        "The upload is over the {mb} MB limit; nothing was written. Split the register,"
        " or import it with liaison import"
    ),
    "upload-cross-site": (
        "An upload from another site ({origin}) is refused; nothing was written. Upload"
        " on this Fava's 清理规范 page"
    ),
    "{file}：{rows} 行，新增 {new} 项，账本已有 {skipped} 项（跳过）；": (
        "{file}: {rows} rows, {new} new, {skipped} already in the books (skipped); "
    ),
    "{entries} 条分录已追加到": "{entries} entries appended to",
    "。": ".",
    "文件名超过 {n} 字节，按 {name} 导入": (
        "The file name is over {n} bytes; it is imported as {name}"
    ),
    "{file} 未能导入，{target} 未作任何改动。": (
        "{file} was not imported; {target} is unchanged."
    ),
    "登记表": "The register",
    "返回清理规范看板": "Back to the 清理规范 page",
    # the page's script (Dashboard.js)
    "Fava 以只读模式运行：不能导入。": "Fava runs read-only: nothing can be imported.",
    "导入请求失败（HTTP {status}）。": "The import request failed (HTTP {status}).",
    "新增 {new} 项，{entries} 条分录已追加到 {target}": (
        "{new} new, {entries} entries appended to {target}"
    ),
    "没有新的条目": "nothing new",
    "{file}：{rows} 行；{added}；账本已有 {skipped} 项（跳过）。": (
        "{file}: {rows} rows; {added}; {skipped} already in the books (skipped)."
    ),
    "刷新看板": "Reload the page",
    "{file} 未能导入，{target} 未作任何改动：": (
        "{file} was not imported; {target} is unchanged:"
    ),
    "正在导入……": "Importing…",
    "导入请求失败：{error}": "The import request failed: {error}",
}
"""The page's own texts in English, keyed by the Chinese (the page's words, not the
rules' or the importer's: a violation, an explanation, a phase and an import's summary
read as the rules, the catalogue and the importer write them). A few long texts that
hold markup in Chinese are keyed by a name (``upload-help``), their Chinese in
``CHINESE``."""

CHINESE: dict[str, str] = {
    "offices-note": (
        "资产列为“项数 账面价值”；清理前资产 = 已处置 + 剩余（土地、房屋、车辆、设备、"
        "企业，按账面价值）；处置进度按价值计；灰色进度条为保留机构。应缴财政款为尚未上缴"
        "国库的处置收入。看板不受 Fava 的时间、账户和过滤条件影响。"
    ),
    "upload-too-large": (
        "上传的内容超过 {mb} MB 的上限，未写入任何内容；请拆分后再上传，"
        "或用 liaison import 导入"
    ),
    "upload-cross-site": (
        "拒绝来自其他网站的上传请求（{origin}），未写入任何内容；"
        "请在本 Fava 的清理规范页面上传"
    ),
    "upload-help": (
        "上传资产清查登记表：单位保存的原表即可（xlsx、xls、ods，或 UTF-8/GBK 编码的 csv；"
        "标题行、填报单位行、合计行、以万元为单位、每个机构一个工作表都可以；可用的列名见 "
        "README 的“导入”一节）。每行生成带资产元数据的 "
    ),
    "upload-help-2": " 和期初分录，追加到 ",
    "upload-help-3": (
        "。账本已有的资产编号跳过；合计行逐一核对；任何一行有误则整份不写入，并列出文件、"
        "工作表、行、列。"
    ),
}
"""The Chinese of the texts keyed by a name: those too long for a key, or holding
markup between their parts."""

SCRIPT_TEXTS = (
    "Fava 以只读模式运行：不能导入。",
    "导入请求失败（HTTP {status}）。",
    "新增 {new} 项，{entries} 条分录已追加到 {target}",
    "没有新的条目",
    "{file}：{rows} 行；{added}；账本已有 {skipped} 项（跳过）。",
    "刷新看板",
    "{file} 未能导入，{target} 未作任何改动：",
    "登记表",
    "正在导入……",
    "导入请求失败：{error}",
)
"""The texts ``Dashboard.js`` shows, handed to it on the page (``data-texts``)."""

_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def page_language(locale: str | None) -> str:
    """The page's language for a Fava locale: ``en`` for English (``en``, ``en_US``,
    ``en-GB``), else Chinese (``zh``), which is also the language of every other locale
    and of none."""
    primary = re.split(r"[-_]", (locale or "").strip(), maxsplit=1)[0].lower()
    return "en" if primary == "en" else "zh"


class Texts:
    """The page's own texts in one language: ``t("截至日期")``, ``t("{n} 项", n=3)``.

    The Chinese is the key; a text without an English translation stays Chinese (a
    test keeps every text the page uses translated).
    """

    def __init__(self, language: str = "zh") -> None:
        self.language = language if language in LANGUAGES else "zh"

    @property
    def html_lang(self) -> str:
        return "en" if self.language == "en" else "zh-CN"

    def __call__(self, text: str, /, **values: Any) -> str:
        table = ENGLISH if self.language == "en" else CHINESE
        text = table.get(text, text)
        return text.format(**values) if values else text

    def days(self, days: int) -> str:
        """How far the as-of date is from a deadline (``Deadline.days``)."""
        if days > 0:
            return self("已过 {n} 天", n=days)
        if days == 0:
            return self("当日截止")
        return self("还有 {n} 天", n=-days)

    def status(self, status: str) -> str:
        """An office's status (``dashboard_page.status_of``) in the page's language."""
        if self.language == "zh":
            return status
        if status.startswith("待处置："):
            parts = []
            for part in status.removeprefix("待处置：").split("、"):
                match = re.fullmatch(r"资产 (\d+) 项", part)
                text = self("资产 {n} 项", n=match.group(1)) if match else self(part)
                parts.append(text[:1].lower() + text[1:])  # 应缴财政款 is also a heading
            return self("待处置：") + self("、").join(parts)
        return self(status)

    def tick(self, label: str) -> str:
        """A timeline label (``dashboard_page._ticks``): ``8月`` is ``Aug`` in English."""
        match = re.fullmatch(r"(\d{1,2})月", label)
        if self.language == "en" and match:
            return _MONTHS[int(match.group(1)) - 1]
        return label

    def script(self) -> dict[str, str]:
        """The texts of the page's script, by their Chinese."""
        return {text: self(text) for text in SCRIPT_TEXTS}
