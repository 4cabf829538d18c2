"""The policy texts, and the words of the clauses the rules cite."""

from __future__ import annotations

import pytest

from plugins import policy
from plugins.catalogue import RULES


def test_a_2010_clause_is_its_paragraph():
    (clause,) = policy.clauses("2010(十八)")
    assert clause.document == "国办发〔2010〕8号" and clause.ref == "(十八)"
    assert clause.text is not None
    assert clause.text.startswith("(十八)妥善做好撤销驻京办事机构的工作")
    assert "防止国有资产流失" in clause.text and "(十九)" not in clause.text


def test_two_2010_clauses_in_one_citation():
    refs = [(c.ref, (c.text or "")[:5]) for c in policy.clauses("2010(六)(七)")]
    assert refs == [("(六)", "(六)撤销"), ("(七)", "(七)撤销")]


def test_a_2015_item_runs_to_the_next_numbered_line():
    (clause,) = policy.clauses("2015 三(二)2")
    assert clause.document == "咸政办函〔2015〕58号" and clause.ref == "三(二)2"
    assert clause.text is not None
    assert clause.text.startswith("2、精简整合环节")
    assert "划转、拍卖、有偿转让" in clause.text  # its second line
    assert "人数不得超过3人" in clause.text  # and its third
    assert "建章立制" not in clause.text  # the next item is not


def test_a_2015_section_holds_its_items():
    (clause,) = policy.clauses("2015 二(二)")
    assert clause.text is not None
    assert clause.text.startswith("(二)整合驻外省省会城市办事机构")
    assert "4、从事对口援助" in clause.text and "(三)" not in clause.text


def test_a_run_of_items_and_a_second_citation():
    found = policy.clauses("2010(五); 2015 二(一)1-2, 二(二)4")
    assert [c.label for c in found] == [
        "国办发〔2010〕8号 (五)",
        "咸政办函〔2015〕58号 二(一)1",
        "咸政办函〔2015〕58号 二(一)2",
        "咸政办函〔2015〕58号 二(二)4",
    ]
    assert all(c.text for c in found)


@pytest.mark.parametrize("spec", ["2015 九(一)1", "2010(三十)", "2015 二(二)9"])
def test_a_clause_not_in_the_text_has_no_words(spec):
    assert [c.text for c in policy.clauses(spec)] == [None]


def test_another_text_is_kept_without_words():
    found = policy.clauses("2015 二(二)2; 条例 arts. 25–26")
    assert [(c.label, c.text is None) for c in found] == [
        ("咸政办函〔2015〕58号 二(二)2", False),
        ("条例 arts. 25–26", True),
    ]
    assert policy.clauses("—") == []


def test_every_rule_quotes_words_for_each_policy_clause():
    bundled = ("国办发〔2010〕8号", "咸政办函〔2015〕58号")
    for rule in RULES.values():
        found, _ = policy.quoted(rule.code, rule.clause)
        quoted = [c for c in found if c.document in bundled]
        # every LO and LD rule cites a bundled text; LI-301 and LI-302 cite none
        assert bool(quoted) is (rule.family != "LI"), rule.code
        for clause in quoted:
            assert clause.text, (rule.code, clause.label)


@pytest.mark.parametrize(
    "code, words",
    [
        ("LD-202", "拍卖"),
        ("LD-203", "划转"),
        ("LO-103", "实行整合"),
        ("LO-107", "不得超过3人"),
        ("LO-110", "不得超标准接待"),
        ("LD-207", "挪用、私分、侵吞"),
        ("LO-111", "核实登记"),
    ],
)
def test_what_a_rule_quotes_says_what_it_enforces(code, words):
    rule = RULES[code]
    found, _ = policy.quoted(code, rule.clause)
    assert any(words in (c.text or "") for c in found), code


def test_the_disposal_rules_quote_the_disposal_step_and_say_why():
    rule = RULES["LD-202"]
    assert "2015 二(二)2" in rule.clause  # SPEC's citation is kept
    found, note = policy.quoted("LD-202", rule.clause)
    assert [c.label for c in found] == [
        "国办发〔2010〕8号 (十八)",
        "咸政办函〔2015〕58号 三(二)2",
    ]
    assert note is not None and "三(二)2" in note
    assert policy.quoted("LO-103", RULES["LO-103"].clause)[1] is None
    found, _ = policy.quoted("LD-211", RULES["LD-211"].clause)
    assert [c.label for c in found] == ["咸政办函〔2015〕58号 三(二)2", "条例 arts. 25–26"]
