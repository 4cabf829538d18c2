"""The 清理规范 page's contents without Fava: ``reports.dashboard_page.build_page`` on the
books and violations of one run of the rules.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest

from plugins import engine
from reports import dashboard_page
from tests.conftest import load_text
from tests.reports.test_dashboard import SMALL


def run(text: str, as_of: datetime.date | None = None):
    entries, _, options = load_text(textwrap.dedent(text))
    return engine.run(entries, options, engine.plugin_config(options), as_of=as_of)


def test_the_page_modules_import_neither_fava_nor_flask():
    code = (
        "import sys\n"
        "from reports import dashboard_html, dashboard_page, dashboard_run\n"
        "from reports import dashboard_texts, dashboard_upload\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fava', 'flask')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_build_page_of_the_small_ledger(monkeypatch):
    books, violations = run(SMALL)

    def no_run(*args, **kwargs):
        raise AssertionError("build_page ran the rules")

    monkeypatch.setattr(engine, "run", no_run)
    page = dashboard_page.build_page(
        books, violations, title="嘉鱼", as_of_source="config", only=None
    )
    assert page.as_of == datetime.date(2015, 9, 15)
    assert page.as_of_source == "账本 plugin 设置 as-of"
    assert page.title == "嘉鱼"
    assert page.violation_count == 3
    assert [(r.code, r.count) for r in page.rules] == [("LD-205", 1), ("LD-206", 2)]
    assert [o.office for o in page.rules[1].offices] == ["XN-JY-WH"]
    rows = {row.office: row for row in page.offices}
    assert set(rows) == {"XN-WH", "XN-JY-WH"}
    county = rows["XN-JY-WH"]
    assert (county.status, county.tone) == ("待处置：资产 1 项、资金、应缴财政款", "busy")
    assert (county.start_value, county.disposed_value, county.left_value) == (
        Decimal("2550000.00"),
        Decimal("150000.00"),
        Decimal("2400000.00"),
    )
    assert (county.cash, county.due) == (Decimal("100000.00"), Decimal("100000.00"))
    assert county.account == "Assets:Office:XN-JY-WH"
    assert (rows["XN-WH"].status, rows["XN-WH"].tone) == ("保留", "kept")
    assert page.total is not None and page.total.violation_count == 3
    assert page.must_abolish == 1
    assert page.abolished_left == (1, Decimal("2400000.00"), Decimal("200000.00"))
    [program] = page.programs
    assert program.code == "HB-2015"
    assert [d.key for d in program.deadlines if d.passed] == [
        "ban-from",
        "register-by",
        "decide-by",
        "dispose-by",
    ]
    assert page.disabled == () and page.only == ()


def test_build_page_of_a_clean_ledger_shows_no_violations():
    text = """
    option "operating_currency" "CNY"
    2015-07-20 custom "program" "HB-2015" "实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
      program: "HB-2015"
    2015-07-24 custom "registration" "XN-WH"
      staff: 12
    """
    books, violations = run(text, as_of=datetime.date(2015, 7, 26))
    assert violations == []
    page = dashboard_page.build_page(books, violations, as_of_source="request")
    assert page.as_of_source == "页面指定"
    assert page.violation_count == 0 and page.rules == ()
    assert [row.office for row in page.offices] == ["XN-WH"]
    assert page.offices[0].violation_count == 0


@pytest.mark.parametrize("config", [{"disable": ["LD-206"]}, {"only": ["LD-205"]}])
def test_build_page_names_the_rules_the_plugin_config_leaves_out(config):
    books, violations = run(SMALL)
    parsed = engine.Config.parse(config)
    page = dashboard_page.build_page(
        books,
        [v for v in violations if parsed.wants(v.code)],
        disabled=parsed.disabled,
        only=parsed.only,
    )
    assert [r.code for r in page.rules] == ["LD-205"]
    assert page.disabled == tuple(sorted(config.get("disable", ())))
    assert page.only == tuple(sorted(config.get("only", ())))
