"""The reader: what the metadata says, typed; what it cannot read, a finding."""

from __future__ import annotations

import datetime

from plugins import engine
from plugins import reader
from plugins.vocabulary import Category
from plugins.vocabulary import Kind
from plugins.vocabulary import Role
from tests.conftest import assert_findings
from tests.conftest import load_text

D = datetime.date


def test_open_metadata_overrides_the_name():
    entries, errors, options = load_text(
        """
        2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
        2015-01-01 open Assets:Fixed:Car CNY
          office: "XN-WH"
          category: "Vehicles"
        """
    )
    assert not errors
    books = reader.read(entries, options, as_of=D(2016, 1, 1))
    assert books.role("Assets:Fixed:Car") == Role(Kind.OFFICE, "XN-WH", Category.VEHICLES)
    assert books.accounts_of("XN-WH") == ["Assets:Fixed:Car"]


def test_unreadable_values_are_li_302_at_their_entry_and_read_as_absent():
    entries, errors, options = load_text(
        """
        2015-01-01 custom "government" "XN" "咸宁市人民政府"
          level: "city"
        2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
          government: "XN"
          kind: 3
        """
    )
    books, violations = engine.run(entries, options, {"as-of": "2016-01-01"})
    assert_findings(violations, ["LI-302"])
    assert sorted(v.entry.type for v in violations) == ["government", "office"]
    assert "`level:` 的值 'city' 无法识别" in violations[0].message
    assert "`kind:` 应为带引号的文本，实际为 3" in violations[1].message
    assert books.governments["XN"].level is None
    assert books.offices["XN-WH"].kind == "government"


def test_no_gc_pauses_the_collector_and_restores_it():
    import gc

    assert gc.isenabled()
    with reader.no_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with reader.no_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
