"""The reports' figures, asserted on small ledgers (SPEC section 6; issue 4, 1-5 and 7)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from reports import builders
from reports import tables
from tests.reports.conftest import books_of
from tests.reports.conftest import row_of

D = Decimal
HEAD = """
2015-07-20 custom "program" "HB-2015" "实施方案"
  preset: "capital-2015"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  host: "武汉"
  program: "HB-2015"
2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
2015-07-30 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"
2015-01-01 open Assets:Treasury:XN-JY CNY
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:DueToTreasury CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
"""


# --- disposal ------------------------------------------------------------------------


def test_disposal_rows_carry_every_figure(sample_books):
    books, violations = sample_books("2015-09-15")
    report = builders.build("disposal", books, violations)
    detail = report.main
    assert report.title == "资产处置明细表"
    assert [c.header for c in detail.columns][:5] == [
        "机构代码",
        "资产编号",
        "资产名称",
        "资产类别",
        "会计科目",
    ]

    land = row_of(detail, asset_id="JY-L-0001")
    assert land["category"] == "土地"
    assert land["account_code"] == "1701 无形资产"
    assert land["carrying"] == D("800000.00")
    assert land["appraisal"] == D("900000.00")
    assert land["appraisal_date"] == datetime.date(2015, 8, 1)
    assert land["method"] == "有偿转让"
    assert land["proceeds"] == D("850000.00")
    assert land["below"] == "是（已批准 咸政函〔2015〕30号）"
    assert land["approval"] == "咸国资〔2015〕12号"
    assert land["remitted"] == D("500000.00")
    assert land["remitted_on"] == "2015-09-10 500,000.00"
    assert land["outstanding"] == D("350000.00")

    car = row_of(detail, asset_id="JY-V-0001")
    assert (car["account_code"], car["method"], car["below"]) == (
        "1601 固定资产",
        "拍卖",
        "否",
    )
    assert car["counterparty"] == "咸宁市公共资源交易中心"
    assert (car["proceeds"], car["remitted"], car["outstanding"]) == (
        D("121000.00"),
        D("121000.00"),
        D("0.00"),
    )
    assert car["remitted_on"] == "2015-08-25 121,000.00"

    building = row_of(detail, asset_id="JY-B-0001")
    assert building["method"] == "划转"
    assert building["counterparty"] == "咸宁市机关事务管理局"
    assert building["proceeds"] is None and building["remitted"] is None

    lines = list(detail.rows())
    kinds = [k for k, _ in lines]
    assert kinds == ["row", "row", "row", "subtotal", "total"]
    subtotal, total = lines[-2][1], lines[-1][1]
    assert subtotal["office"] == "小计：嘉鱼县人民政府驻武汉办事处"
    assert total["office"] == "合计"
    assert total["carrying"] == D("3350000.00")
    assert total["proceeds"] == D("971000.00")
    assert total["remitted"] == D("621000.00")
    assert total["outstanding"] == D("350000.00")


def test_disposal_summaries_by_office_and_method(sample_books):
    books, violations = sample_books("2015-09-15")
    report = builders.build("disposal", books, violations)
    by_method = report.tables[2]
    assert [r["method"] for r in by_method.frame.to_dict("records")] == [
        "划转",
        "拍卖",
        "有偿转让",
    ]
    assert row_of(by_method, method="划转")["carrying"] == D("2400000.00")
    total = list(by_method.rows())[-1][1]
    assert (total["count"], total["carrying"]) == (3, D("3350000.00"))
    by_office = report.tables[1]
    assert row_of(by_office, office="XN-JY-WH", method="拍卖")["proceeds"] == D("121000.00")


def test_disposal_report_stops_at_the_as_of_date(sample_books):
    books, violations = sample_books("2015-08-16")
    detail = builders.build("disposal", books, violations).main
    assert list(detail.frame["asset_id"]) == ["JY-B-0001"]


def test_remittances_are_matched_oldest_proceeds_first(books_doc):
    """
    2015-01-01 custom "program" "HB-2015" "实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
    2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县驻汉办"
      government: "XN-JY"
    2015-07-30 custom "decision" "XN-JY-WH" "abolish"
      approval: "A1"
    2015-01-01 open Assets:Treasury:XN-JY CNY
    2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V1 CNY
      asset-id: "V1"
    2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V2 CNY
      asset-id: "V2"
    2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
    2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
    2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
    2015-01-01 * "期初"
      Assets:Office:XN-JY-WH:Vehicles:V1   100.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:V2   200.00 CNY
      Equity:Office:XN-JY-WH:NetAssets
    2015-08-02 * "拍卖 V1"
      disposal: "拍卖"
      approval: "A2"
      appraisal: 100.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:V1  -100.00 CNY
      Assets:Office:XN-JY-WH:Cash          100.00 CNY
    2015-08-03 * "拍卖 V2"
      disposal: "auction"
      approval: "A3"
      appraisal: 250.00 CNY
      Assets:Office:XN-JY-WH:Vehicles:V2  -200.00 CNY
      Expenses:Office:XN-JY-WH:Disposal    -40.00 CNY
      Assets:Office:XN-JY-WH:Cash          240.00 CNY
    2015-08-10 * "上缴国库"
      Assets:Office:XN-JY-WH:Cash         -150.00 CNY
      Assets:Treasury:XN-JY                150.00 CNY
    2015-08-20 * "上缴国库"
      Assets:Office:XN-JY-WH:Cash         -150.00 CNY
      Assets:Treasury:XN-JY                150.00 CNY
    """
    books, violations = books_doc("2015-12-31")
    detail = builders.build("disposal", books, violations).main
    first = row_of(detail, asset_id="V1")
    second = row_of(detail, asset_id="V2")
    assert (first["remitted"], first["remitted_on"]) == (D("100.00"), "2015-08-10 100.00")
    assert second["proceeds"] == D("240.00")
    assert second["below"] == "是"  # 240 < 250, no price-approval
    assert second["remitted"] == D("200.00")
    assert second["remitted_on"] == "2015-08-10 50.00；2015-08-20 150.00"
    assert second["outstanding"] == D("40.00")

    books, violations = books_doc("2015-08-15")
    second = row_of(builders.build("disposal", books, violations).main, asset_id="V2")
    assert (second["remitted"], second["outstanding"]) == (D("50.00"), D("190.00"))


def test_one_sale_of_two_assets_shares_appraisal_and_proceeds(books_doc):
    """
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
    2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县驻汉办"
      government: "XN-JY"
    2015-01-01 open Assets:Office:XN-JY-WH:Equipment:E1 CNY
    2015-01-01 open Assets:Office:XN-JY-WH:Equipment:E2 CNY
    2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
    2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
    2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
    2015-01-01 * "期初"
      Assets:Office:XN-JY-WH:Equipment:E1   100.00 CNY
      Assets:Office:XN-JY-WH:Equipment:E2   200.00 CNY
      Equity:Office:XN-JY-WH:NetAssets
    2015-08-02 * "有偿转让 两台设备"
      disposal: "sale"
      approval: "A"
      appraisal: 301.00 CNY
      Assets:Office:XN-JY-WH:Equipment:E1  -100.00 CNY
      Assets:Office:XN-JY-WH:Equipment:E2  -200.00 CNY
      Expenses:Office:XN-JY-WH:Disposal     -1.00 CNY
      Assets:Office:XN-JY-WH:Cash          301.00 CNY
    """
    books, violations = books_doc("2015-12-31")
    detail = builders.build("disposal", books, violations).main
    e1, e2 = row_of(detail, asset_id="E1"), row_of(detail, asset_id="E2")
    assert (e1["proceeds"], e2["proceeds"]) == (D("100.33"), D("200.67"))
    assert e1["appraisal"] + e2["appraisal"] == D("301.00")
    assert e1["below"] == e2["below"] == "否"
    assert e1["account_code"] == "1601 固定资产"


def test_an_asset_leaving_an_abolished_office_without_method_is_listed(books_doc):
    """
    2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
      level: "county"
    2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县驻汉办"
      government: "XN-JY"
    2015-07-30 custom "decision" "XN-JY-WH" "abolish"
    2015-01-01 open Assets:Office:XN-JY-WH:Enterprises:H1 CNY
      asset-id: "H1"
      name: "某宾馆"
    2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
    2015-01-01 open Equity:Other CNY
    2015-01-01 * "期初"
      Assets:Office:XN-JY-WH:Enterprises:H1   500.00 CNY
      Equity:Office:XN-JY-WH:NetAssets
    2015-06-01 * "before abolition: not a disposal row"
      Assets:Office:XN-JY-WH:Enterprises:H1  -100.00 CNY
      Equity:Other                            100.00 CNY
    2015-08-02 * "送出"
      Assets:Office:XN-JY-WH:Enterprises:H1  -400.00 CNY
      Equity:Other                            400.00 CNY
    """
    books, violations = books_doc("2015-12-31")
    detail = builders.build("disposal", books, violations).main
    row = row_of(detail, asset_id="H1")
    assert (row["method"], row["carrying"]) == ("未注明", D("400.00"))
    assert row["account_code"] == "1501 长期股权投资"
    assert "LD-201" in row["violations"]


def test_an_empty_ledger_gives_empty_reports():
    """One office declared, registered and decided, nothing held or booked: each report
    lists that office (or nothing) with every amount and count zero."""
    books, violations = books_of(HEAD, "2015-12-31")
    assert {v.code for v in violations} == {"LD-210"}  # accounts not closed: no figure
    per_office = {"progress", "registration", "reconciliation"}
    for kind in builders.KINDS:
        report = builders.build(kind, books, violations)
        assert report.tables and report.main.columns, kind
        rows = list(report.main.rows())
        lines = [values for role, values in rows if role == "row"]
        totals = [values for role, values in rows if role == "total"]
        if kind in per_office:
            assert lines and {r["office"] for r in lines} == {"XN-JY-WH"}, kind
        else:
            assert lines == [] and len(totals) == 1, kind
        figures = [
            value
            for values in lines + totals
            for key, value in values.items()
            if isinstance(value, int | D) and key not in ("seq", "staff", "violation_count")
        ]
        assert figures and all(value == 0 for value in figures), (kind, figures)
        if kind == "progress":  # the two LD-210 findings, counted against the office
            assert [r["violation_count"] for r in lines + totals] == [2, 2]


def test_unknown_kind_is_refused(sample_books):
    books, violations = sample_books()
    with pytest.raises(ValueError, match="unknown report"):
        builders.build("balance", books, violations)


# --- progress ------------------------------------------------------------------------


def test_progress_counts_and_phases_mid_disposal(sample_books):
    books, violations = sample_books("2015-08-21")
    report = builders.build("progress", books, violations)
    county = row_of(report.main, office="XN-JY-WH")
    assert county["level"] == "县级政府"
    assert county["class"] == "应撤销"
    assert (county["decision"], county["decision_date"]) == (
        "撤销",
        datetime.date(2015, 8, 10),
    )
    assert county["registered"] == datetime.date(2015, 7, 25)
    assert (county["start_count"], county["start_value"]) == (3, D("3350000.00"))
    assert (county["disposed_count"], county["disposed_value"]) == (2, D("2550000.00"))
    assert (county["left_count"], county["left_value"]) == (1, D("800000.00"))
    assert county["cash"] == D("171000.00")
    assert county["due"] == D("121000.00")
    city = row_of(report.main, office="XN-WH")
    assert (city["decision"], city["approval"]) == ("保留", "鄂政办函〔2015〕70号")
    assert city["start_count"] == 0 and city["done"] is None

    phases = {r["phase"]: r for r in report.tables[1].frame.to_dict("records")}
    assert list(phases) == ["动员部署", "核实登记", "精简整合", "建章立制", "检查总结"]
    assert phases["核实登记"]["start"] == datetime.date(2015, 7, 20)
    assert phases["核实登记"]["end"] == datetime.date(2015, 7, 31)
    assert phases["精简整合"]["end"] == datetime.date(2015, 8, 31)
    assert phases["建章立制"]["start"] == datetime.date(2015, 9, 1)
    assert phases["建章立制"]["end"] == datetime.date(2015, 9, 20)
    assert phases["检查总结"]["start"] == datetime.date(2015, 9, 21)
    assert phases["检查总结"]["end"] == datetime.date(2015, 10, 20)
    assert phases["核实登记"]["state"] == "已结束"
    assert phases["精简整合"]["state"] == "进行中（第21天/共31天）"
    assert phases["建章立制"]["state"] == "未开始"
    assert "2/2" in phases["核实登记"]["progress"]
    assert "已处置 2/3 项" in phases["精简整合"]["progress"]
    total = list(report.main.rows())[-1][1]
    assert total["done"] == D("2550000") / D("3350000")
    timeline = report.charts[0]
    assert isinstance(timeline, tables.Timeline)
    assert timeline.marker == datetime.date(2015, 8, 21)


def test_progress_lists_violations_per_office(sample_books):
    books, violations = sample_books("2016-12-31")
    report = builders.build("progress", books, violations)
    city = row_of(report.main, office="XN-WH")
    assert "LO-110×2" in city["violations"]
    assert city["violation_count"] == len([v for v in violations if v.office == "XN-WH"])
    assert len(report.tables[2].frame) == len(violations)


def test_beijing_2010_has_its_six_months(books_doc):
    """
    2010-01-19 custom "program" "BJ-2010" "关于加强和规范各地政府驻北京办事机构管理的意见"
      preset: "beijing-2010"
      document: "国办发〔2010〕8号"
    2010-01-01 custom "government" "JY" "嘉鱼县人民政府"
      level: "county"
    2010-01-01 custom "office" "JY-BJ" "嘉鱼县人民政府驻北京联络处"
      government: "JY"
      host: "北京"
    """
    books, violations = books_doc("2010-04-01")
    phases = builders.build("progress", books, violations).tables[1].frame
    first = phases.iloc[0]
    assert first["phase"].startswith("清理撤销")
    assert (first["start"], first["end"]) == (
        datetime.date(2010, 1, 19),
        datetime.date(2010, 7, 19),
    )
    assert first["state"].startswith("进行中")
    audits = phases.iloc[1]
    assert audits["phase"] == "年度审计（保留机构）" and audits["state"] == "未开始"
    books, violations = books_doc("2016-12-31")
    audits = builders.build("progress", books, violations).tables[1].frame.iloc[1]
    assert audits["state"] == "进行中（长期：每年审计）"  # no day count of an open end


# --- registration --------------------------------------------------------------------


def test_registration_lists_every_office_and_its_fields(sample_books, books_doc):
    books, violations = sample_books("2015-09-15")
    table = builders.build("registration", books, violations).main
    county = row_of(table, office="XN-JY-WH")
    assert (county["staff"], county["established"]) == (6, datetime.date(1998, 3, 1))
    assert county["registered"] == datetime.date(2015, 7, 25)
    assert (county["land"], county["buildings"], county["vehicles"]) == (1, 1, 1)
    assert county["assets_value"] == D("3350000.00")
    assert county["proposal"] == "撤销"
    assert county["remark"] == ""
    assert list(table.rows())[-1][1]["staff"] == 18


def test_registration_marks_late_and_missing(books_doc):
    """
    2015-07-20 custom "program" "HB-2015" "实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "A" "甲办"
      government: "XN"
    2015-01-01 custom "office" "B" "乙办"
      government: "XN"
    2015-08-05 custom "registration" "A"
      staff: 4
      head: "张三"
    """
    books, violations = books_doc("2015-09-01")
    table = builders.build("registration", books, violations).main
    assert row_of(table, office="A")["remark"].startswith("逾期登记")
    assert row_of(table, office="A")["meta:head"] == "张三"
    assert row_of(table, office="B")["remark"] == "未核实登记"
    assert "head" in [c.header for c in table.columns]


# --- reconciliation ------------------------------------------------------------------


def test_reconciliation_balances_at_decision_and_as_of(sample_books):
    books, violations = sample_books("2015-09-15")
    report = builders.build("reconciliation", books, violations)
    claims = report.main
    cash = row_of(claims, subject="1002 银行存款")
    assert cash["decision_date"] == datetime.date(2015, 8, 10)
    assert (cash["opening"], cash["increase"], cash["decrease"], cash["closing"]) == (
        D("50000.00"),
        D("991000.00"),
        D("631000.00"),
        D("410000.00"),
    )
    assert cash["state"] == "未结清"
    receivable = row_of(claims, subject="1218 其他应收款")
    assert (receivable["opening"], receivable["closing"]) == (D("20000.00"), D("0"))
    assert receivable["state"] == "已结清"
    payable = row_of(claims, subject="2307 其他应付款")
    assert (payable["opening"], payable["decrease"], payable["closing"]) == (
        D("10000.00"),
        D("10000.00"),
        D("0"),
    )
    due = row_of(claims, subject="2103 应缴财政款")
    assert (due["opening"], due["increase"], due["decrease"], due["closing"]) == (
        D("0"),
        D("971000.00"),
        D("621000.00"),
        D("350000.00"),
    )
    assert all(r["office"] == "XN-JY-WH" for r in claims.frame.to_dict("records"))

    assets = report.tables[1]
    land = row_of(assets, category="土地")
    assert land["subject"] == "1701 无形资产"
    assert (land["opening"], land["disposed"], land["proceeds"], land["left"]) == (
        D("800000.00"),
        D("800000.00"),
        D("850000.00"),
        D("0.00"),
    )
    assert row_of(assets, category="房屋")["disposed_count"] == 1
    movements = report.tables[2].frame
    assert len(movements) == 12
    assert set(movements["office"]) == {"XN-JY-WH"}


def test_reconciliation_with_no_abolished_office_says_so(sample_books):
    books, violations = sample_books("2015-08-01")
    report = builders.build("reconciliation", books, violations)
    assert report.main.frame.empty
    assert report.notes == ["截至日没有撤销或整合的机构。"]


# --- reception -----------------------------------------------------------------------


def test_reception_per_office_and_year(sample_books):
    books, violations = sample_books("2016-12-31")
    report = builders.build("reception", books, violations)
    row = row_of(report.main, office="XN-WH", year=2016)
    assert row["spending"] == D("3260.00")
    assert (row["events"], row["guests"]) == (3, 18)
    assert row["per_person"] == D("164.44")  # 2,960.00 over 18 guests who were counted
    assert row["standard"] == D("150")
    assert (row["over_events"], row["over_amount"], row["no_guests"]) == (2, D("500.00"), 1)
    events = report.tables[1]
    over = row_of(events, date=datetime.date(2016, 6, 1))
    assert (over["amount"], over["guests"], over["per_person"], over["over"]) == (
        D("2000.00"),
        10,
        D("200.00"),
        D("500.00"),
    )
    assert over["reason"] == "超过标准"
    assert row_of(events, date=datetime.date(2016, 7, 1))["reason"] == "未注明人数"
    chart = report.charts[0]
    assert chart.reference == D("150")


def test_reception_splits_years_and_totals_the_average(books_doc):
    """
    2015-01-01 custom "program" "P" "方案"
      preset: "capital-2015"
      reception-per-person: 100 CNY
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁驻汉办"
      government: "XN"
    2015-01-01 open Assets:Office:XN-WH:Cash CNY
    2015-01-01 open Expenses:Office:XN-WH:Reception CNY
    2015-03-01 * "接待"
      guests: 4
      Expenses:Office:XN-WH:Reception   400.00 CNY
      Assets:Office:XN-WH:Cash
    2016-03-01 * "接待"
      guests: 2
      Expenses:Office:XN-WH:Reception   100.00 CNY
      Assets:Office:XN-WH:Cash
    """
    books, violations = books_doc("2016-12-31")
    table = builders.build("reception", books, violations).main
    assert row_of(table, year=2015)["per_person"] == D("100.00")
    assert row_of(table, year=2016)["per_person"] == D("50.00")
    assert row_of(table, year=2015)["over_events"] == 0
    lines = list(table.rows())
    assert [k for k, _ in lines] == ["row", "row", "subtotal", "total"]
    assert lines[-1][1]["per_person"] == D("83.33")  # 500 over 6
