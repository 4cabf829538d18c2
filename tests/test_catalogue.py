"""The catalogue, SPEC's rule table and the tests stay in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugins import engine
from plugins import rules
from plugins.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "SPEC.md"
CODE = re.compile(r"\b(L[ODI]-\d{3})\b")


def spec_table() -> dict[str, tuple[str, str]]:
    """SPEC §3's table: code -> (name, clause)."""
    if not SPEC.is_file():
        pytest.skip(f"SPEC.md not beside the repository ({SPEC})")
    table = {}
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and CODE.fullmatch(cells[0]):
            table[cells[0]] = (cells[1], cells[3])
    return table


def test_every_spec_code_is_catalogued_with_its_name_and_clause():
    table = spec_table()
    assert len(table) == 26
    assert set(table) == set(RULES)
    for code, (name, clause) in table.items():
        assert RULES[code].name == name, code
        assert RULES[code].clause == clause, code


def test_every_rule_is_explained_and_documented_in_the_plugin_docstring():
    doc = rules.__doc__ or ""
    for rule in RULES.values():
        assert f"{rule.code} {rule.name}" in doc
        for part in ("What:", "Why:", "Fix:"):
            assert part in rule.explanation, (rule.code, part)
        assert rule.zh and not rule.zh.isascii(), rule.code


def test_messages_carry_the_code_the_name_and_the_chinese_name():
    error = rules.violation("LD-202", None, "below")
    assert error.message == "[LD-202 below-appraisal] 低于评估价处置：below"


def test_every_rule_has_a_finder_or_is_raised_by_the_model():
    found = set(engine.finders())
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
