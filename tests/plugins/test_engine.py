"""The engine: the plugin's config, and a rule that fails.

A rule that raises must not take the others with it: it becomes one LI-302 marked
``internal`` (its message unchanged: ``规则 … 无法判定本账本（内部错误，请报告）``), and the
tests' helper refuses such a finding whatever codes a test expects.
"""

from __future__ import annotations

import datetime

import pytest

from plugins import engine
from plugins import rules
from plugins.catalogue import RULES
from tests.conftest import assert_findings
from tests.conftest import check_text
from tests.conftest import load_text

WINDOW = """
2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
  preset: "capital-2015"
2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  host: "武汉"
  program: "HB-2015"
2015-07-25 custom "registration" "XN-WH"
  staff: 12
2015-07-30 custom "decision" "XN-WH" "retain"
  approval: "鄂政办函〔2015〕31号"
2015-09-01 custom "window" "XN-WH" "XN"
  staff: 4
"""


def test_config_unknown_keys_bad_codes_and_dates_are_reported_not_raised():
    config = engine.Config.parse(
        "{'disable': ['LO-110', 'XX-1'], 'as-of': '2016-02-30', 'colour': 1}"
    )
    assert config.disabled == {"LO-110"}
    assert config.as_of is None
    assert len(config.errors) == 3
    assert any("'XX-1' 不存在" in e for e in config.errors)
    assert any("'as-of' 应为日期" in e for e in config.errors)
    assert any("未知的键 'colour'" in e for e in config.errors)
    assert engine.Config.parse("not a literal").errors[0].startswith("插件配置不是合法")
    assert engine.Config.parse("[1, 2]").errors == ["插件配置应为字典（dict），实际为 list"]


def test_every_rule_has_its_finder_named_for_it():
    """``grep find_office_must_abolish`` leads from LO-101's name to its code."""
    assert set(engine.FINDERS) | {"LI-301", "LI-302"} == set(RULES)
    for code, find in engine.FINDERS.items():
        name = RULES[code].name
        assert find.__name__ == "find_" + name.replace("-", "_"), code
        assert (find.__doc__ or "").startswith(f"{code}:"), code


def _boom(books):
    raise ZeroDivisionError("a bug in a rule")


def test_a_rule_that_raises_is_an_internal_li302_and_the_others_survive(monkeypatch):
    entries, errors, options = load_text(WINDOW)
    assert errors == []
    monkeypatch.setitem(engine.FINDERS, "LO-101", _boom)
    _, found = engine.run(entries, options, None, as_of=datetime.date(2015, 9, 2))
    crashed = [v for v in found if v.internal]
    assert [(v.code, v.entry) for v in crashed] == [("LI-302", None)]
    assert "规则 LO-101 无法判定本账本（内部错误，请报告）" in crashed[0].message
    assert "ZeroDivisionError: a bug in a rule" in crashed[0].message
    assert [v.code for v in found if not v.internal] == ["LO-107"]  # the window survives


def test_the_plugin_never_raises_even_when_the_reader_does(monkeypatch):
    entries, _, options = load_text(WINDOW)

    def broken_read(*args, **kwargs):
        raise RuntimeError("the reader broke")

    monkeypatch.setattr(engine.reader, "read", broken_read)
    returned, found = rules.check(entries, options, None)
    assert returned is entries
    assert [(v.code, v.internal) for v in found] == [("LI-302", True)]
    assert "驻外机构规则无法读取本账本（内部错误，请报告）" in found[0].message


def test_the_helper_fails_on_a_crashed_rule_whatever_is_expected(monkeypatch):
    monkeypatch.setitem(engine.FINDERS, "LO-107", _boom)
    for expect in ([], ["LI-302"], ["LO-107"], ["LI-302", "LO-107"]):
        with pytest.raises(AssertionError, match="the rules failed"):
            check_text(WINDOW, "2015-09-02", expect=expect)


def test_the_helper_fails_on_what_is_not_expected_and_on_what_is_missing():
    found = check_text(WINDOW, "2015-09-02", expect=["LO-107"])
    assert [v.code for v in found] == ["LO-107"]
    with pytest.raises(AssertionError, match="unexpected findings"):
        check_text(WINDOW, "2015-09-02")  # a near miss that is not one
    with pytest.raises(AssertionError, match="codes not found"):
        check_text(WINDOW, "2015-09-02", expect=["LO-107", "LO-108"])
    unknown = "LO-" + "170"  # put together: no test may name a code the catalogue lacks
    with pytest.raises(AssertionError, match="not rule codes"):
        check_text(WINDOW, "2015-09-02", expect=[unknown])
    with pytest.raises(AssertionError, match="Beancount complained"):
        assert_findings([*found, _NotOurs("a Beancount error")], ["LO-107"])


class _NotOurs:
    def __init__(self, message: str) -> None:
        self.message = message
        self.code = "LO-107"
