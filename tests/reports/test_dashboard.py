"""The 清理规范 dashboard (``reports.dashboard``) through Fava itself: the page, its
figures and links, and the inventory upload (SPEC section 6).

Each ``doc_fava`` test's docstring is its ledger, written to a file because Fava loads
files; the ``fava-extension`` line is added to it.
"""

from __future__ import annotations

import html
import io
import json
import re
import textwrap
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from beancount import loader
from fava.application import create_app
from markupsafe import escape

from plugins.catalogue import RULES
from plugins.catalogue import PolicyViolation
from reports import dashboard
from reports import dashboard_page
from reports import dashboard_texts
from reports import ledger as ledger_lib
from reports.cli import EXAMPLE
from reports.dashboard_html import explanation_html

EXTENSION = '2010-01-01 custom "fava-extension" "reports.dashboard"'
HEADER = [
    "机构代码",
    "资产编号",
    "资产名称",
    "资产类别",
    "取得日期",
    "原值",
    "账面净值",
    "登记日期",
]


class Fava:
    """A Fava test client on one ledger, with the dashboard's addresses."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        app = create_app([path], load=True, read_only=read_only)
        app.testing = True
        self.client = app.test_client()
        slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
        self.page_url = f"/{slug}/extension/Dashboard/"
        self.upload_url = f"{self.page_url}import_register"

    def page(self, query: str = "") -> str:
        response = self.client.get(self.page_url + query)
        assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
        return response.get_data(as_text=True)

    def upload(self, name: str, content: bytes, **form: str):
        return self.client.post(
            self.upload_url,
            data={"file": (io.BytesIO(content), name), **form},
            content_type="multipart/form-data",
        )


def write_ledger(folder: Path, text: str, extension: str = EXTENSION) -> Path:
    path = folder / "main.beancount"
    path.write_text(textwrap.dedent(text).lstrip() + "\n" + extension + "\n", "utf-8")
    return path


@pytest.fixture
def doc_fava(request: pytest.FixtureRequest, tmp_path: Path):
    """Fava on the test's docstring ledger; ``doc_fava(read_only=True)`` too."""

    def make(*, read_only: bool = False, extension: str = EXTENSION) -> Fava:
        text = request.function.__doc__ or ""
        return Fava(write_ledger(tmp_path, text, extension), read_only=read_only)

    return make


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "附表一"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def source_links(page: str) -> set[tuple[str, int]]:
    """The (file, line) of every editor link on the page, as Fava's Errors page makes
    them: ``/<slug>/editor/?file_path=FILE&line=N``."""
    links = set()
    for href in re.findall(r'href="([^"]+)"', page):
        url = urlsplit(html.unescape(href))
        if url.path.endswith("/editor/"):
            query = parse_qs(url.query)
            links.add((query["file_path"][0], int(query["line"][0])))
    return links


def office_row(page: str, office: str) -> str:
    """The text of the office's row in the office table, tags removed."""
    match = re.search(rf'<tr id="office-{re.escape(office)}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {office}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return " | ".join(" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells)


def violations_section(page: str) -> str:
    start = page.index('<section id="liaison-violations">')
    return page[start : page.index("</section>", start)]


def rule_block(section: str, code: str) -> str:
    """The rule's block in the violations section: its heading, explanation, items."""
    start = section.index(f'<div class="rule" id="rule-{code}">')
    end = section.find('<div class="rule"', start + 1)
    return section[start : end if end >= 0 else len(section)]


# --- the example ledger ----------------------------------------------------------------


def test_example_ledger_page_lists_every_office_and_links_every_violation():
    loaded = ledger_lib.load(EXAMPLE)
    assert loaded.violations, "the example ledger plans some violations"
    page = Fava(EXAMPLE).page()

    assert "清理规范工作看板" in page
    for office in loaded.books.offices:
        assert f'id="office-{office}"' in page
    for program in loaded.books.programs.values():
        assert program.title in page
    links = source_links(page)
    section = violations_section(page)
    for violation in loaded.violations:
        assert f'id="rule-{violation.code}"' in section
        assert (violation.source["filename"], violation.source["lineno"]) in links
    assert f'<b class="bad">{len(loaded.violations)}</b>' in page
    # the catalogue's explanation, as `liaison explain` prints it, shown inline
    assert "<code>liaison explain LD-202</code>" in section
    assert "price-approval" in section
    assert "截至 2016-12-31" in page  # the ledger's plugin config's as-of


def test_example_ledger_page_explains_each_rule_in_chinese_with_the_english_beneath():
    loaded = ledger_lib.load(EXAMPLE)
    section = violations_section(Fava(EXAMPLE).page())
    codes = sorted({v.code for v in loaded.violations})
    assert "LD-202" in codes and "LO-101" not in codes
    for code in codes:
        block = rule_block(section, code)
        chinese = str(explanation_html(RULES[code].explanation_zh))
        english = str(escape(RULES[code].explanation))
        assert chinese in block, code
        assert english in block, code
        assert block.index(chinese) < block.index("<summary>English</summary>")
        assert block.index("<summary>English</summary>") < block.index(english)
    ld202 = rule_block(section, "LD-202")
    assert "<b>含义：</b>拍卖或有偿转让" in ld202
    assert "<code>price-approval:</code>" in ld202
    # each rule shows its own explanation, and rules without violations none
    assert str(explanation_html(RULES["LD-202"].explanation_zh)) not in rule_block(
        section, "LD-204"
    )
    assert str(explanation_html(RULES["LO-101"].explanation_zh)) not in section
    assert RULES["LO-101"].explanation_zh[3:20] not in section  # 方案撤销这一级别…


def test_explanation_html_escapes_all_but_its_own_markup():
    assert str(explanation_html("含义：<x> & `a<b>` 余下\nWhy: `c`")) == (
        "<p><b>含义：</b>&lt;x&gt; &amp; <code>a&lt;b&gt;</code> 余下</p>"
        "<p><b>Why:</b> <code>c</code></p>"
    )
    assert (
        str(explanation_html("依据：单个 ` 反引号")) == "<p><b>依据：</b>单个 ` 反引号</p>"
    )


# --- figures on a small ledger ---------------------------------------------------------

SMALL = """
    option "title" "嘉鱼县驻汉办清理"
    option "operating_currency" "CNY"
    plugin "plugins.rules" "{'as-of': '2015-09-15'}"

    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
      document: "咸政办函〔2015〕58号"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
      parent: "XN"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      host: "武汉"
      program: "HB-2015"
    2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
      government: "XN-JY"
      host: "武汉"
      program: "HB-2015"
    2015-07-24 custom "registration" "XN-WH"
      staff: 12
    2015-07-25 custom "registration" "XN-JY-WH"
      staff: 6
    2015-07-28 custom "decision" "XN-WH" "retain"
      approval: "鄂政办函〔2015〕71号"
    2015-07-28 custom "decision" "XN-JY-WH" "abolish"
      approval: "嘉政办发〔2015〕22号"

    2015-01-01 open Assets:Treasury:XN-JY CNY
    2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
    2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
    2015-01-01 open Liabilities:Office:XN-JY-WH:DueToTreasury CNY
    2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
    2015-01-01 open Assets:Office:XN-JY-WH:Buildings:JY-B-0001 CNY
      asset-id: "JY-B-0001"
      name: "办公楼"
    2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:JY-V-0001 CNY
      asset-id: "JY-V-0001"
      name: "别克GL8 鄂L12345"

    2015-01-02 * "期初" "资产入账"
      Assets:Office:XN-JY-WH:Buildings:JY-B-0001   2400000.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:JY-V-0001     150000.00 CNY
      Equity:Office:XN-JY-WH:NetAssets

    2015-08-20 * "咸宁市公共资源交易中心" "拍卖 鄂L12345"
      disposal: "auction"
      approval: "咸机管〔2015〕21号"
      appraisal: 120000.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:JY-V-0001        -150000.00 CNY
      Expenses:Office:XN-JY-WH:Disposal                 150000.00 CNY
      Assets:Office:XN-JY-WH:Cash                       121000.00 CNY
      Liabilities:Office:XN-JY-WH:DueToTreasury        -121000.00 CNY

    2015-08-25 * "上缴国库" "拍卖收入部分上缴"
      Liabilities:Office:XN-JY-WH:DueToTreasury          21000.00 CNY
      Assets:Office:XN-JY-WH:Cash                       -21000.00 CNY
"""


@pytest.fixture
def small(tmp_path: Path) -> Fava:
    return Fava(write_ledger(tmp_path, SMALL))


def test_small_ledger_status_and_progress_figures(small):
    page = small.page()

    county = office_row(page, "XN-JY-WH")
    assert county.split(" | ") == [
        "XN-JY-WH",
        "嘉鱼县人民政府驻武汉办事处 嘉鱼县人民政府",
        "县级政府 应撤销",
        "撤销 2015-07-28",
        "2015-07-25",
        "待处置：资产 1 项、资金、应缴财政款",
        "2 2,550,000.00",  # at the start: the building and the car
        "1 150,000.00",  # the car, auctioned
        "1 2,400,000.00",  # the building, still held
        "5.9%",
        "100,000.00",  # of the 121,000.00 proceeds, 21,000.00 remitted
        "100,000.00",
        "3",  # LD-205 (the building), LD-206 twice (Cash, DueToTreasury)
    ]
    city = office_row(page, "XN-WH")
    assert city.split(" | ")[2:8] == [
        "地市级政府 经批准可保留",
        "保留 2015-07-28",
        "2015-07-24",
        "保留",
        "0 0.00",
        "0 0.00",
    ]
    assert "无实物资产" in city
    assert "截至 2015-09-15" in page
    assert "账本 plugin 设置 as-of" in page


def test_small_ledger_phases_and_deadlines(small):
    page = small.page()
    assert "咸宁市清理规范驻省会城市办事机构实施方案（咸政办函〔2015〕58号）" in page
    for phase in ("动员部署", "核实登记", "精简整合", "建章立制", "检查总结"):
        assert phase in page
    # dispose-by 2015-08-31 is 15 days before the as-of date; delink-by 35 days after
    assert re.search(r"资产处置截止.*?2015-08-31</td><td[^>]*>已过 15 天", page, re.S)
    assert re.search(r"企业脱钩截止.*?2015-10-20</td><td[^>]*>还有 35 天", page, re.S)
    assert 'class="phase current' in page  # 检查总结 runs on 2015-09-15


def test_small_ledger_violations_grouped_by_rule_then_office_with_links(small):
    page = small.page()
    section = violations_section(page)
    path = str(small.path)
    # LD-205 at the building's open (line 35), LD-206 at Cash and DueToTreasury
    assert re.findall(r'id="rule-(L[DOI]-\d+)"', section) == ["LD-205", "LD-206"]
    ld206 = section[section.index('id="rule-LD-206"') :]
    assert '<span class="count">2 项</span>' in ld206
    assert "嘉鱼县人民政府驻武汉办事处" in ld206
    entries, errors, _ = loader.load_file(path)
    expected = {
        (e.source["filename"], e.source["lineno"])
        for e in errors
        if isinstance(e, PolicyViolation)
    }
    assert len(expected) == 3
    assert expected <= source_links(section)
    assert "main.beancount:35" in section


def test_as_of_in_the_address_overrides_the_ledger_config(small):
    page = small.page("?as_of=2015-08-22")
    assert "截至 2015-08-22" in page
    assert "页面指定" in page
    county = office_row(page, "XN-JY-WH").split(" | ")
    assert county[9:13] == ["5.9%", "121,000.00", "121,000.00", "0"]
    assert "no violations" in page

    bad = small.page("?as_of=someday")
    assert "as_of 应为 YYYY-MM-DD" in bad
    assert "截至 2015-09-15" in bad


def test_clean_ledger_shows_no_violations(doc_fava):
    """
    option "operating_currency" "CNY"
    plugin "plugins.rules" "{'as-of': '2015-07-26'}"
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
    page = doc_fava().page()
    assert 'id="office-XN-WH"' in page
    assert "no violations" in page
    assert 'id="rule-' not in page
    assert '<b class="good">0</b>' in page


# --- the upload ------------------------------------------------------------------------

REGISTER = [
    HEADER,
    [
        "XN-JY-WH",
        "JY-V-0002",
        "大众帕萨特 鄂L2T067",
        "车辆",
        "2012-03-01",
        210000,
        98000.5,
        "",
    ],
    ["XN-JY-WH", "JY-E-0001", "复印机", "设备", "2013-02-01", 30000, 12000, "2015-07-25"],
]


def test_upload_appends_an_xlsx_register_to_the_ledger(small):
    before = small.path.read_text(encoding="utf-8")
    response = small.upload("资产清查登记表.xlsx", xlsx_bytes(REGISTER), date="2015-07-25")
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert result["ok"] is True
    assert (result["rows"], result["new"], result["skipped"]) == (2, 2, 0)
    assert result["entries"] >= 4  # two opens, two opening transactions
    assert result["file"] == "资产清查登记表.xlsx"
    assert result["target"] == "main.beancount"

    after = small.path.read_text(encoding="utf-8")
    assert after.startswith(before)
    added = after[len(before) :]
    assert "; liaison import inventory 资产清查登记表.xlsx" in added
    assert "open Assets:Office:XN-JY-WH:Vehicles:JY-V-0002" in added
    assert 'asset-id: "JY-V-0002"' in added
    assert 'name: "大众帕萨特 鄂L2T067"' in added
    assert "98000.50 CNY" in added
    assert "open Assets:Office:XN-JY-WH:Equipment:JY-E-0001" in added
    _, errors, _ = loader.load_file(str(small.path))
    assert [e for e in errors if not isinstance(e, PolicyViolation)] == []

    # the same register again adds nothing
    again = small.upload("资产清查登记表.xlsx", xlsx_bytes(REGISTER), date="2015-07-25")
    assert again.status_code == 200
    assert (again.get_json()["new"], again.get_json()["skipped"]) == (0, 2)
    assert small.path.read_text(encoding="utf-8") == after


def test_upload_takes_a_register_as_an_office_keeps_it(small):
    """The upload runs the same import as the CLI: a title, a fill line in 万元 naming
    the office, no office column, a 合计 row; the page gets the summary to show."""
    rows = [
        ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
        ["填报单位：嘉鱼县驻汉办", None, None, "金额单位：万元"],
        ["资产编号", "资产名称", "资产类别", "取得日期", "原值", "账面净值", "登记日期"],
        ["JY-V-0002", "大众帕萨特 鄂L2T067", "交通运输设备", "2012-03-01", 21, 9.85, ""],
        ["JY-E-0001", "复印机", "通用设备", "2013-02-01", 3, 1.2, ""],
        ["合计", None, None, None, 24, 11.05, None],
        ["单位负责人：张三", None, None, "填表人：王五"],
    ]
    response = small.upload("登记表.xlsx", xlsx_bytes(rows), date="2015-07-25")
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert (result["rows"], result["new"], result["skipped"]) == (2, 2, 0)
    summary = "\n".join(result["summary"])
    assert "金额单位：万元（已换算为元）" in summary
    assert "机构由填报单位「嘉鱼县驻汉办」确定为 XN-JY-WH" in summary
    assert "第 6 行合计：与第 4–5 行之和相符" in summary
    added = small.path.read_text(encoding="utf-8")
    assert re.search(r"  Assets:Office:XN-JY-WH:Vehicles:JY-V-0002 +98500\.00 CNY", added)
    assert re.search(r"  Assets:Office:XN-JY-WH:Equipment:JY-E-0001 +12000\.00 CNY", added)
    assert "original-cost: 210000.00 CNY" in added


def test_upload_refuses_a_bad_register_and_writes_nothing(small):
    before = small.path.read_bytes()
    rows = [
        HEADER,
        ["XN-JY-WH", "JY-V-0002", "大众帕萨特", "车辆", "2012-03-01", 210000, "九万八", ""],
        ["XN-XX-WH", "JY-E-0001", "复印机", "设备", "2013-02-01", 30000, 12000, ""],
    ]
    response = small.upload("登记表.xlsx", xlsx_bytes(rows), date="2015-07-25")
    assert response.status_code == 400
    result = response.get_json()
    assert result["ok"] is False
    errors = "\n".join(result["errors"])
    assert "登记表.xlsx:2:G" in errors  # the amount that is not a number
    assert "登记表.xlsx:3:A" in errors  # the undeclared office
    assert "liaison-upload-" not in errors  # the file by its own name, not the temp path
    assert "未写入任何文件" in result["message"]
    assert small.path.read_bytes() == before


def test_upload_without_a_file_or_with_a_bad_date_is_refused(small):
    before = small.path.read_bytes()
    response = small.client.post(
        small.upload_url, data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "没有收到文件" in response.get_json()["errors"][0]
    response = small.upload("r.xlsx", xlsx_bytes(REGISTER), date="25/07/2015")
    assert response.status_code == 400
    assert "登记日期" in response.get_json()["errors"][0]
    assert small.path.read_bytes() == before


def test_a_browser_form_post_without_script_gets_a_page(small):
    response = small.client.post(
        small.upload_url,
        data={"file": (io.BytesIO(xlsx_bytes(REGISTER)), "r.xlsx"), "date": "2015-07-25"},
        content_type="multipart/form-data",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "新增 2 项" in text
    assert "返回清理规范看板" in text


def test_upload_into_the_configured_file(tmp_path):
    path = write_ledger(
        tmp_path,
        SMALL,
        '2010-01-01 custom "fava-extension" "reports.dashboard" '
        "\"{'import-into': 'registers.beancount'}\"",
    )
    fava = Fava(path)
    assert "<code>registers.beancount</code>" in fava.page()
    before = path.read_bytes()
    response = fava.upload("r.xlsx", xlsx_bytes(REGISTER), date="2015-07-25")
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert result["target"] == "registers.beancount"
    assert [w for w in result["warnings"] if "include" in w] == [
        "registers.beancount 未被账本 include：新条目已写入该文件，但不会出现在 Fava 中"
    ]
    assert path.read_bytes() == before
    assert 'asset-id: "JY-V-0002"' in (tmp_path / "registers.beancount").read_text("utf-8")


def test_read_only_fava_refuses_the_upload(tmp_path):
    path = write_ledger(tmp_path, SMALL)
    before = path.read_bytes()
    fava = Fava(path, read_only=True)
    page = fava.page()
    assert "只读模式" in page
    assert 'id="liaison-import-form"' not in page
    response = fava.upload("r.xlsx", xlsx_bytes(REGISTER), date="2015-07-25")
    assert response.status_code == 401
    assert path.read_bytes() == before


def test_the_extension_module_serves_its_script(small):
    slug_root = small.page_url.split("/extension/")[0]
    response = small.client.get(f"{slug_root}/extension_js_module/Dashboard.js")
    assert response.status_code == 200
    assert b"import_register" in response.data


def test_example_ledger_page_quotes_the_policy_each_rule_cites():
    section = violations_section(Fava(EXAMPLE).page())
    ld202 = rule_block(section, "LD-202")
    assert "<b>政策原文</b>" in ld202
    assert "<cite>咸政办函〔2015〕58号 三(二)2</cite>" in ld202
    assert "采取划转、拍卖、有偿转让等方式进行处置" in ld202
    assert "注：SPEC 引" in ld202
    lo107 = rule_block(section, "LO-107")
    assert "<cite>咸政办函〔2015〕58号 三(二)2</cite>" in lo107
    assert "人数不得超过3人" in lo107 and "注：SPEC 引" not in lo107
    assert "防止国有资产流失" not in lo107  # 2010(十八) is LD-202's, not LO-107's


# --- the page's language ----------------------------------------------------------------

TEMPLATES = Path(dashboard.__file__).parent / "templates"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LANGUAGE_EN = '2010-01-01 custom "fava-option" "language" "en"'
LANGUAGE_ZH = '2010-01-01 custom "fava-option" "language" "zh"'


def english(tmp_path: Path, text: str = SMALL) -> Fava:
    return Fava(write_ledger(tmp_path, text, EXTENSION + "\n" + LANGUAGE_EN))


def test_the_page_is_in_english_when_favas_language_is_english(tmp_path):
    page = english(tmp_path).page()
    for text in (
        '<div class="liaison" lang="en">',
        "<h2>Liaison offices: the program at a glance</h2>",
        '<button type="submit">Judge again</button>',
        "Deadlines judged at 2015-09-15 (the ledger&#39;s plugin setting as-of)",
        "<h3>Phases and deadlines</h3>",
        "<th>Phase</th><th>From — to</th><th>At the as-of date</th><th>Progress</th>",
        "<h3>The offices&#39; progress</h3>",
        "<th>Office</th><th>Name / dispatching government</th>",
        "Violations (by rule, then office)",
        "<h3>Import an inventory register</h3>",
        '<button type="submit">Import</button>',
        "Rows without a registration date are booked on",
    ):
        assert text in page, text
    # the page's own words about the offices and deadlines
    county = office_row(page, "XN-JY-WH").split(" | ")
    assert county[5] == "to dispose of: 1 assets, cash, due to the treasury"
    assert office_row(page, "XN-WH").split(" | ")[5] == "retained"
    assert re.search(r"disposals by.*?2015-08-31</td><td[^>]*>15 days past", page, re.S)
    assert re.search(
        r"enterprises delinked by.*?2015-10-20</td><td[^>]*>35 days left", page, re.S
    )
    assert '<span class="count">2</span>' in page  # LD-206, twice
    # the catalogue's English first, its Chinese folded beneath; the rules' own
    # messages and the report's words (levels, decisions, phases) as they are written
    ld206 = rule_block(violations_section(page), "LD-206")
    english_text = str(escape(RULES["LD-206"].explanation))
    assert ld206.index(english_text) < ld206.index("<summary>Chinese</summary>")
    assert "资金未上缴国库" in ld206
    assert "县级政府 应撤销" in office_row(page, "XN-JY-WH")
    # nothing of the page's own Chinese is left
    assert "清理规范工作看板" not in page
    for chinese in (
        "截至日期",
        "重新判定",
        "各机构清理规范进度",
        "导入资产清查登记表",
        "已过",
    ):
        assert chinese not in page, chinese


def test_the_page_is_in_chinese_by_default_and_when_fava_says_chinese(tmp_path):
    chinese = Fava(write_ledger(tmp_path, SMALL, EXTENSION + "\n" + LANGUAGE_ZH))
    # the ledger's language wins over the browser's
    for page in (
        chinese.page(),
        chinese.client.get(chinese.page_url, headers={"Accept-Language": "en"}).get_data(
            as_text=True
        ),
    ):
        assert '<div class="liaison" lang="zh-CN">' in page
        assert "<h2>清理规范工作看板</h2>" in page
        assert "Judge again" not in page and "Phases and deadlines" not in page
    # without a language option, the request's locale as Fava chooses it; none: Chinese
    plain = Fava(write_ledger(tmp_path, SMALL))
    assert "<h2>清理规范工作看板</h2>" in plain.page()
    for accept, title in (
        ("en-US,en;q=0.9", "Liaison offices: the program at a glance"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "清理规范工作看板"),
        ("de-DE", "清理规范工作看板"),
    ):
        response = plain.client.get(plain.page_url, headers={"Accept-Language": accept})
        assert f"<h2>{title}</h2>" in response.get_data(as_text=True), accept


def test_the_example_ledger_page_is_in_chinese():
    page = Fava(EXAMPLE).page()
    assert '<div class="liaison" lang="zh-CN">' in page
    assert "<h2>清理规范工作看板</h2>" in page


def test_the_uploads_own_messages_follow_the_language(tmp_path):
    fava = english(tmp_path)
    before = fava.path.read_bytes()
    response = fava.client.post(
        fava.upload_url, data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    result = response.get_json()
    assert result["errors"] == [
        "No file received: choose an inventory register (xlsx or csv)"
    ]
    assert result["message"] == "The import failed; nothing was written"
    response = fava.upload("r.xlsx", xlsx_bytes(REGISTER), date="25/07/2015")
    assert response.get_json()["errors"] == [
        "The registration date must be YYYY-MM-DD: '25/07/2015'"
    ]
    response = fava.client.post(
        fava.upload_url,
        data={"file": (io.BytesIO(xlsx_bytes(REGISTER)), "r.xlsx")},
        content_type="multipart/form-data",
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert response.get_json()["message"].startswith(
        "An upload from another site (http://evil.example) is refused"
    )
    assert fava.path.read_bytes() == before
    # a plain form post gets its page in English; the import's summary is the importer's
    response = fava.client.post(
        fava.upload_url,
        data={"file": (io.BytesIO(xlsx_bytes(REGISTER)), "r.xlsx"), "date": "2015-07-25"},
        content_type="multipart/form-data",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "r.xlsx: 2 rows, 2 new, 0 already in the books (skipped); " in text
    assert "Back to the 清理规范 page" in text
    assert "返回清理规范看板" not in text


def test_the_uploads_include_warning_follows_the_language(tmp_path):
    path = write_ledger(
        tmp_path,
        SMALL,
        '2010-01-01 custom "fava-extension" "reports.dashboard" '
        "\"{'import-into': 'registers.beancount'}\"\n" + LANGUAGE_EN,
    )
    fava = Fava(path)
    assert "Note: the ledger does not include this file" in fava.page()
    response = fava.upload("r.xlsx", xlsx_bytes(REGISTER), date="2015-07-25")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [w for w in response.get_json()["warnings"] if "include" in w] == [
        "the ledger does not include registers.beancount: the new entries were written"
        " to it, but will not show in Fava"
    ]


def test_the_script_gets_its_words_in_the_pages_language(tmp_path):
    page = english(tmp_path).page()
    match = re.search(r"data-texts='([^']*)'", page)
    assert match
    texts = json.loads(html.unescape(match.group(1)))
    assert set(texts) == set(dashboard_texts.SCRIPT_TEXTS)
    assert texts["正在导入……"] == "Importing…"
    script = (Path(dashboard.__file__).parent / "Dashboard.js").read_text("utf-8")
    # every Chinese string the script shows is one it is handed
    shown = set(re.findall(r'"([^"]*[\u4e00-\u9fff][^"]*)"', script))
    assert shown == set(dashboard_texts.SCRIPT_TEXTS)


def template_texts() -> set[str]:
    """Every text the page's templates and modules (``reports/dashboard*.py``) hand to
    ``t``."""
    sources = [p.read_text("utf-8") for p in TEMPLATES.glob("*.html")]
    for module in Path(dashboard.__file__).parent.glob("dashboard*.py"):
        sources.append(module.read_text("utf-8"))
    found = set()
    for source in sources:
        found |= set(re.findall(r'\bt\(\s*"([^"]+)"', source))
        found |= set(re.findall(r"\bt\(\s*'([^']+)'", source))
    return found


def test_every_text_of_the_page_has_its_english():
    texts = template_texts()
    assert len(texts) > 60
    # the texts the page computes: statuses, deadline labels, the as-of's source
    texts |= {label for _, label in dashboard_page.DEADLINES}
    texts |= set(dashboard_page.AS_OF_SOURCES.values())
    texts |= {"处置完毕", "应撤销而决定保留", "应撤销，尚未决定", "未决定", "保留"}
    texts |= {"待处置：", "资产 {n} 项", "资金", "应缴财政款", "（不属于某一机构）"}
    texts |= set(dashboard_texts.SCRIPT_TEXTS)
    missing = sorted(t for t in texts if t not in dashboard_texts.ENGLISH)
    assert missing == []
    assert set(dashboard_texts.CHINESE) <= set(dashboard_texts.ENGLISH)
    for text, translation in dashboard_texts.ENGLISH.items():
        # English, but for the page's name and a form's own words (合计 rows, 万元)
        assert not CJK.search(re.sub("清理规范|合计|万元", "", translation)), text
        # the same {names} in both
        chinese = dashboard_texts.CHINESE.get(text, text)
        assert set(re.findall(r"\{(\w+)\}", chinese)) == set(
            re.findall(r"\{(\w+)\}", translation)
        ), text


def test_no_fixed_text_in_the_templates_bypasses_the_table():
    """Everything Chinese in a template stands inside an expression (``t(...)``, data)."""
    for path in TEMPLATES.glob("*.html"):
        source = path.read_text("utf-8")
        literal = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "", source, flags=re.S)
        assert not CJK.search(literal), (path.name, CJK.findall(literal)[:10])


def test_texts_status_days_and_ticks():
    en, zh = dashboard_texts.Texts("en"), dashboard_texts.Texts("zh")
    assert en.status("待处置：资产 3 项、资金") == "to dispose of: 3 assets, cash"
    assert zh.status("待处置：资产 3 项、资金") == "待处置：资产 3 项、资金"
    assert en.status("应撤销，尚未决定") == "to abolish: no decision yet"
    assert (en.days(2), en.days(0), en.days(-3)) == (
        "2 days past",
        "due today",
        "3 days left",
    )
    assert (zh.days(2), zh.days(0), zh.days(-3)) == ("已过 2 天", "当日截止", "还有 3 天")
    assert (en.tick("8月"), en.tick("2016-01"), zh.tick("8月")) == ("Aug", "2016-01", "8月")
    assert [dashboard_texts.page_language(x) for x in ("en", "en_US", "en-GB", "EN")] == [
        "en"
    ] * 4
    assert [
        dashboard_texts.page_language(x) for x in ("zh", "zh_Hant_TW", "de", "", None)
    ] == ["zh"] * 5
    assert dashboard_texts.Texts("fr").language == "zh"
