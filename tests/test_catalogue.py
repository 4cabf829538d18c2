"""The catalogue, the rule table of the ledger language and the tests stay in step.

The rule table is section 3 of ``docs/ledger-language.md``, in the repository: a
markdown table whose columns are code, name, what is a violation, and clause. Each name
and each "what" cell holds the Chinese, then ``<br>``, then the English.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from plugins import engine
from plugins import rules
from plugins import settings
from plugins import vocabulary
from plugins.catalogue import RULES
from plugins.catalogue import Rule
from plugins.catalogue import violation

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGE = DOCS / "ledger-language.md"
CODE = re.compile(r"\b(L[ODI]-\d{3})\b")
COLUMNS = ("code", "name", "what is a violation", "clause")
BREAK = re.compile(r"<br\s*/?>")


def cells(line: str) -> list[str] | None:
    """The cells of a markdown table row, or None for a line that is not one."""
    line = line.strip()
    if len(line) < 2 or not (line.startswith("|") and line.endswith("|")):
        return None
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line[1:-1])]


def markdown_table(text: str, is_header: Any) -> tuple[list[str], list[list[str]]] | None:
    """The header and rows of the one table in ``text`` whose header passes ``is_header``.

    None where there is no such table; AssertionError where there are several.
    """
    lines = text.splitlines()
    found = [i for i, line in enumerate(lines) if (row := cells(line)) and is_header(row)]
    assert len(found) <= 1, f"{len(found)} tables have this header"
    if not found:
        return None
    start = found[0]
    separator = cells(lines[start + 1]) if start + 1 < len(lines) else None
    assert separator and all(re.fullmatch(r":?-+:?", c) for c in separator), lines[start]
    rows = []
    for line in lines[start + 2 :]:
        row = cells(line)
        if row is None:
            break
        rows.append(row)
    return cells(lines[start]) or [], rows


@dataclasses.dataclass(frozen=True)
class TableRule:
    """One row of the rule table."""

    code: str
    zh_name: str
    name: str
    zh_what: str
    what: str
    clause: str


def _is_rule_header(row: list[str]) -> bool:
    return len(row) == len(COLUMNS) and all(
        cell.lower().endswith(column) for cell, column in zip(row, COLUMNS, strict=True)
    )


def rule_table(text: str) -> tuple[dict[str, TableRule], list[str]]:
    """The rule table of the ledger language: code -> row, and what is malformed in it."""
    table = markdown_table(text, _is_rule_header)
    if table is None:
        return {}, [f"no table with the columns {', '.join(COLUMNS)}"]
    problems = []
    found: dict[str, TableRule] = {}
    for row in table[1]:
        if len(row) != len(COLUMNS):
            problems.append(f"not {len(COLUMNS)} cells: {row}")
            continue
        code, name, what, clause = row
        names, whats = BREAK.split(name), BREAK.split(what)
        if not CODE.fullmatch(code):
            problems.append(f"not a rule code: {code!r}")
        elif code in found:
            problems.append(f"{code} twice")
        elif len(names) != 2 or len(whats) != 2:
            problems.append(f"{code}: name and what are not Chinese<br>English")
        else:
            found[code] = TableRule(
                code,
                names[0].strip(),
                names[1].strip(),
                whats[0].strip(),
                whats[1].strip(),
                clause,
            )
    return found, problems


def cjk(text: str) -> int:
    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def meaning(rule: Rule) -> str:
    """The rule's 含义 line, without its label: what `liaison explain` says it means."""
    return rule.explanation_zh.split("\n")[0].removeprefix("含义：")


def table_problems(text: str, catalogue: dict[str, Rule] = RULES) -> list[str]:
    """Where the rule table of ``text`` and ``catalogue`` differ; nothing if in step."""
    table, problems = rule_table(text)
    for code in catalogue.keys() - table.keys():
        problems.append(f"{code} is catalogued but not in the table")
    for code in table.keys() - catalogue.keys():
        problems.append(f"{code} is in the table but not catalogued")
    if not problems and list(table) != list(catalogue):
        problems.append("the table is not in the catalogue's order")
    for code in table.keys() & catalogue.keys():
        row, rule = table[code], catalogue[code]
        if row.name != rule.name:
            problems.append(
                f"{code}: name {row.name!r} in the table, {rule.name!r} in code"
            )
        if row.zh_name != rule.zh:
            problems.append(f"{code}: Chinese name {row.zh_name!r}, {rule.zh!r} in code")
        if row.clause != rule.clause:
            problems.append(f"{code}: clause {row.clause!r}, {rule.clause!r} in code")
        if row.zh_what != meaning(rule):
            problems.append(f"{code}: the Chinese of what is a violation is not its 含义")
        if not row.what or cjk(row.what):
            problems.append(f"{code}: what is a violation has no English: {row.what!r}")
    return sorted(problems)


def test_the_ledger_language_is_in_the_repository():
    assert LANGUAGE.is_file(), LANGUAGE
    table, problems = rule_table(LANGUAGE.read_text(encoding="utf-8"))
    assert problems == []
    assert len(table) == 26


def test_the_rule_table_and_the_catalogue_agree_code_by_code():
    """Every code in the table is catalogued with the same names, clause and meaning,
    and every catalogued code is in the table, in the catalogue's order."""
    assert table_problems(LANGUAGE.read_text(encoding="utf-8")) == []


def test_a_table_out_of_step_with_the_catalogue_is_caught():
    text = LANGUAGE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| LD-205 |"))
    assert table_problems(text.replace(row + "\n", "")) == [
        "LD-205 is catalogued but not in the table"
    ]
    assert table_problems(text.replace(row, row.replace("LD-205", "LD-299"))) == [
        "LD-205 is catalogued but not in the table",
        "LD-299 is in the table but not catalogued",
    ]
    renamed = dict(RULES, **{"LD-205": dataclasses.replace(RULES["LD-205"], name="late")})
    assert table_problems(text, renamed) == [
        "LD-205: name 'disposal-overdue' in the table, 'late' in code"
    ]
    recited = dict(RULES, **{"LD-205": dataclasses.replace(RULES["LD-205"], clause="—")})
    assert table_problems(text, recited) == [
        "LD-205: clause '2010(十八); 2015 三(二)2', '—' in code"
    ]
    assert table_problems(text.replace(row, row.replace("资产逾期未处置", "逾期"))) == [
        "LD-205: Chinese name '逾期', '资产逾期未处置' in code"
    ]
    assert table_problems(text.replace(row, row.replace("仍有余额", "有余额"))) == [
        "LD-205: the Chinese of what is a violation is not its 含义"
    ]
    assert table_problems(text.replace("what is a violation |", "what |")) == sorted(
        ["no table with the columns code, name, what is a violation, clause"]
        + [f"{code} is catalogued but not in the table" for code in RULES]
    )


def _shows(cell: str, value: Any) -> bool:
    """Whether a cell of the presets table states a preset's ``value``."""
    if isinstance(value, frozenset):
        named = set(re.findall(r"`([a-z-]+)`", cell))
        return named & (set(vocabulary.LEVELS) | set(vocabulary.KINDS)) == value
    if isinstance(value, bool):
        return cell.startswith("开" if value else "关")
    if isinstance(value, datetime.date):
        return re.match(rf"{value.isoformat()}(?!\d)", cell) is not None
    if isinstance(value, int | Decimal):
        return re.match(rf"{value}(?![\d.])", cell) is not None
    if value is None:
        return cell.startswith("未设定")
    raise TypeError(value)


def test_the_presets_table_states_every_setting_of_both_programs():
    def is_header(row: list[str]) -> bool:
        return row[0].endswith("setting") and len(row) == 1 + len(settings.PRESETS)

    table = markdown_table(LANGUAGE.read_text(encoding="utf-8"), is_header)
    assert table is not None, "no presets table"
    header, rows = table
    presets = [next(p for p in settings.PRESETS if p in cell) for cell in header[1:]]
    assert sorted(presets) == sorted(settings.PRESETS)
    stated = {}
    for row in rows:
        named = re.findall(r"`([a-z-]+)`", row[0])
        [key] = [k for k in named if k in settings.SETTING_KEYS]
        stated[key] = dict(zip(presets, row[1:], strict=True))
    assert set(stated) == settings.SETTING_KEYS
    for key, by_preset in stated.items():
        for preset, cell in by_preset.items():
            assert _shows(cell, settings.PRESETS[preset][key]), (key, preset, cell)
    assert not _shows("2015-08-30", datetime.date(2015, 8, 31))
    assert not _shows("`county`", frozenset({"county", "department"}))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a markdown file's headings (outside code blocks)."""
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6}\s+(.*)", line)):
            found.add(slug(match.group(1)))
    return found


def test_links_in_the_documents_lead_to_files_and_headings_in_the_repository():
    assert slug("3. 规则 · Rules") == "3-规则--rules"
    documents = sorted(DOCS.glob("*.md"))
    assert LANGUAGE in documents
    for document in documents:
        text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path, _, anchor = unquote(target).partition("#")
            file = (document.parent / path).resolve() if path else document
            assert file.is_relative_to(ROOT), (document.name, target)
            assert file.exists(), (document.name, target)
            if anchor:
                assert anchor in anchors(file), (document.name, target)


# What a reference to the contract outside the repository looks like.
OUTSIDE = re.compile(r"\.\./shared|\bshared/(?:SPEC|policy)|\bSPEC\.md\b|/wor[k]/")
TEXT_FILES = {".py", ".md", ".toml", ".beancount", ".txt", ".js", ".html", ".cfg", ".ini"}
TEXT_NAMES = {"Makefile", "run"}


def _repository_texts() -> dict[Path, str]:
    texts = {}
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if any(
            (part.startswith(".") and part != ".ci")
            or part == "__pycache__"
            or part.endswith(".egg-info")
            for part in parts
        ):
            continue
        if path.is_file() and (path.suffix in TEXT_FILES or path.name in TEXT_NAMES):
            texts[path] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def test_no_file_refers_to_anything_outside_the_repository():
    texts = _repository_texts()
    assert LANGUAGE in texts and ROOT / "Makefile" in texts
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: "
        f"{match.group()}"
        for path, text in texts.items()
        for match in OUTSIDE.finditer(text)
    ]
    assert found == []
    # each example is put together here, so that this file itself passes
    for example in (["..", "/shared/x"], ["/wo", "rk/x"], ["in SPEC", ".md,"]):
        assert OUTSIDE.search("".join(example)), example


def test_every_rule_is_explained_and_documented_in_the_plugin_docstring():
    doc = rules.__doc__ or ""
    for rule in RULES.values():
        assert f"{rule.code} {rule.name}" in doc
        for part in ("What:", "Why:", "Fix:"):
            assert part in rule.explanation, (rule.code, part)
        assert rule.zh and not rule.zh.isascii(), rule.code


ZH_PARTS = ("含义：", "依据：", "改正：")
DOCUMENTS = {"2010": "国办发〔2010〕8号", "2015": "咸政办函〔2015〕58号"}
SETTINGS = re.compile(
    r"\b(?:ban-from|register-by|decide-by|dispose-by|delink-by|close-grace|audit-grace|"
    r"loss-tolerance|remit-within|appraisal-valid|reception-per-person|as-of)\b"
)
NUMERAL = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 to 99 in Chinese numerals: 25 -> 二十五."""
    tens, units = divmod(n, 10)
    head = "" if not tens else ("十" if tens == 1 else NUMERAL[tens - 1] + "十")
    return head + (NUMERAL[units - 1] if units else "")


def citations(clause: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each reference of a rule's ``clause``, and the pattern that finds it in Chinese.

    ``2010(十八)`` is written 国办发〔2010〕8号第(十八)条, and several at once
    第(六)(七)条; ``2015 二(二)2`` is written 咸政办函〔2015〕58号 二(二)2, and a later
    reference of the same group just 二(二)4; ``条例 arts. 25–26`` is written
    《行政事业性国有资产管理条例》第二十五条、第二十六条.
    """
    section = rf"\([{NUMERAL}]+\)"
    found = []
    for group in clause.split(";"):
        group = group.strip()
        if group.startswith("2010"):
            for ref in re.findall(section, group):
                lead = re.escape(DOCUMENTS["2010"]) + "第"
                pattern = rf"{lead}(?:{section})*{re.escape(ref)}(?:{section})*条"
                found.append((f"2010{ref}", re.compile(pattern)))
        elif group.startswith("2015"):
            for i, ref in enumerate(r.strip() for r in group[4:].split(",")):
                lead = re.escape(DOCUMENTS["2015"]) + r"\s*" if i == 0 else ""
                pattern = rf"{lead}(?<![{NUMERAL})]){re.escape(ref)}(?![\d(])"
                found.append((f"2015 {ref}", re.compile(pattern)))
        elif group.startswith("条例"):
            numbers = [int(n) for n in re.findall(r"\d+", group)]
            articles = "、".join(f"第{chinese_number(n)}条" for n in numbers)
            found.append((group, re.compile(f"行政事业性国有资产管理条例》?{articles}")))
    return found


def chinese_problems(rule: Rule) -> list[str]:
    """What is wrong with a rule's Chinese explanation; nothing, for a good one."""
    text = rule.explanation_zh
    paragraphs = text.split("\n")
    if len(paragraphs) != 3 or any(
        not p.startswith(part) for p, part in zip(paragraphs, ZH_PARTS, strict=False)
    ):
        return [f"not three lines {'、'.join(ZH_PARTS)}: {text!r}"]
    problems = []
    for paragraph in paragraphs:
        if cjk(paragraph[3:]) < 5:
            problems.append(f"trivial: {paragraph!r}")
        if paragraph.count("`") % 2:
            problems.append(f"unpaired backtick: {paragraph!r}")
    # what the ledger must say is written as the English writes it
    english = rule.explanation
    for snippet in dict.fromkeys(
        re.findall(r"`[^`]+`", english) + SETTINGS.findall(english)
    ):
        if snippet not in text:
            problems.append(f"lost {snippet}")
    for label, pattern in citations(rule.clause):
        if not pattern.search(paragraphs[1]):
            problems.append(f"依据 does not cite {label}")
    return problems


def test_every_rule_is_explained_in_chinese_what_why_and_how_to_fix():
    for rule in RULES.values():
        assert chinese_problems(rule) == [], rule.code


def test_a_chinese_explanation_that_lacks_something_is_caught():
    rule = RULES["LD-202"]
    zh = rule.explanation_zh

    def problems(text: str) -> list[str]:
        return chinese_problems(dataclasses.replace(rule, explanation_zh=text))

    assert problems(zh) == []
    assert problems(zh.replace("\n改正：", "改正："))  # two lines
    assert problems(zh.replace("依据：", "理由："))
    assert problems(zh.split("\n改正：")[0] + "\n改正：见上。")  # trivial, snippets lost
    assert problems(zh.replace("`price-approval:`", "价格批准")) == [
        "lost `price-approval:`"
    ]
    assert problems(zh.replace("loss-tolerance", "容差")) == ["lost loss-tolerance"]
    assert problems(zh.replace("第(十八)条", "第十八条")) == [
        "依据 does not cite 2010(十八)"
    ]
    assert problems(zh.replace(" 二(二)2", " 二(二)3")) == [
        "依据 does not cite 2015 二(二)2"
    ]
    assert problems(zh.replace("咸政办函〔2015〕58号", "该方案")) == [
        "依据 does not cite 2015 二(二)2"
    ]


def test_citations_are_found_as_written_and_not_inside_others():
    def cited(text: str, clause: str) -> list[str]:
        return [label for label, pattern in citations(clause) if pattern.search(text)]

    both = "2010(六)(七); 2015 二(一)1-2"
    assert cited("国办发〔2010〕8号第(六)(七)条；咸政办函〔2015〕58号 二(一)1-2", both) == [
        "2010(六)",
        "2010(七)",
        "2015 二(一)1-2",
    ]
    assert cited("国办发〔2010〕8号第(七)条", both) == ["2010(七)"]
    assert cited("咸政办函〔2015〕58号 二(四)2、三(三) 要求", "2015 二(四)2, 三(三)") == [
        "2015 二(四)2",
        "2015 三(三)",
    ]
    assert cited("咸政办函〔2015〕58号 二(四)2、三(三)2", "2015 二(四)2, 三(三)") == [
        "2015 二(四)2"
    ]
    assert cited("咸政办函〔2015〕58号 二(二)12", "2015 二(二)1") == []
    assert chinese_number(25) == "二十五" and chinese_number(10) == "十"
    assert cited("《行政事业性国有资产管理条例》第二十五条、第二十六条", "条例 arts. 25–26")
    assert citations("—") == []


@pytest.mark.parametrize("code", ["LD-201", "LD-202", "LD-203", "LD-204", "LD-213"])
def test_disposal_rules_point_from_the_cited_clause_to_the_one_that_words_it(code):
    """The rule table cites 2015 二(二)2 (consolidating offices); the plan states the
    duty to dispose of assets, and to get it approved, in 三(二)2 (docs/readings.md)."""
    rule = RULES[code]
    assert "2015 二(二)2" in rule.clause
    assert "worded in 三(二)2" in rule.explanation.split("\n")[1]
    assert "原文见 三(二)2" in rule.explanation_zh.split("\n")[1]


def test_messages_carry_the_code_the_name_and_the_chinese_name():
    error = violation("LD-202", None, "below")
    assert error.message == "[LD-202 below-appraisal] 低于评估价处置：below"


def test_every_rule_has_a_finder_or_is_raised_by_the_model():
    found = set(engine.FINDERS)
    assert found | {"LI-301", "LI-302"} == set(RULES)


def _test_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.name != "test_catalogue.py"
    }


def test_every_code_is_expected_by_some_test_and_no_test_expects_an_unknown_code():
    sources = _test_sources()
    mentioned = set()
    for text in sources.values():
        mentioned |= set(CODE.findall(text))
    assert mentioned - set(RULES) == set(), "tests expect codes the catalogue lacks"
    assert set(RULES) - mentioned == set(), "codes no test raises"
