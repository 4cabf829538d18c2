"""Violations show in Fava itself, beside their entries."""

from __future__ import annotations

import textwrap

from fava.application import create_app

LEDGER = textwrap.dedent(
    """
    option "operating_currency" "CNY"
    plugin "plugins.rules" "{'as-of': '2016-06-01'}"
    2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      kind: "government"
      host: "武汉"
      program: "HB-2015"
    2015-07-25 custom "registration" "XN-WH"
      staff: 6
    2015-07-30 custom "decision" "XN-WH" "retain"
      approval: "鄂政函〔2015〕12号"
    2015-09-01 custom "window" "XN-WH" "XN"
      staff: {staff}
    """
)


def errors_of(tmp_path, staff):
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER.replace("{staff}", str(staff)), encoding="utf-8")
    app = create_app([path], load=True)
    app.testing = True
    with app.test_client() as client:
        slug = client.get("/").headers["Location"].strip("/").split("/")[0]
        response = client.get(f"/{slug}/api/errors")
        assert response.status_code == 200
        return response.get_json()["data"]


def test_a_violation_is_listed_on_favas_errors_page_at_its_entry(tmp_path):
    [error] = errors_of(tmp_path, staff=4)
    assert error["type"] == "PolicyViolation"
    assert error["message"].startswith("[LO-107 window-overstaffed]")
    assert error["source"]["lineno"] == 17
    assert error["source"]["filename"].endswith("main.beancount")


def test_a_clean_ledger_has_no_errors_in_fava(tmp_path):
    assert errors_of(tmp_path, staff=3) == []
