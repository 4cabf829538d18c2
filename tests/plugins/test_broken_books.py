"""Broken books are findings, never crashes: each at its entry, in the plugin (so
bean-check and Fava) and in ``liaison check``, and the reports still render."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from beancount import loader

from plugins.catalogue import PolicyViolation
from reports import cli
from tests.conftest import assert_findings

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

PROGRAM = """\
2015-07-20 custom "program" "HB-2015" "方案"
  preset: "capital-2015"
"""


def _ledger(tmp_path: Path, text: str, plugin: str = 'plugin "plugins.rules"') -> Path:
    path = tmp_path / "main.beancount"
    path.write_text(f"{plugin}\n{text}", encoding="utf-8")
    return path


def _ours(path: Path, expect: list[str], beancounts: int = 0) -> list[PolicyViolation]:
    """The rules' findings when Beancount loads ``path`` with its plugin line.

    Fails unless they are of exactly the codes ``expect``s (never a crashed rule) and
    Beancount's own errors number ``beancounts``: a plugin that could not even be
    imported is an error of Beancount's, and fails the test too.
    """
    _, errors, _ = loader.load_file(str(path))
    ours = [e for e in errors if isinstance(e, PolicyViolation)]
    others = [e.message for e in errors if not isinstance(e, PolicyViolation)]
    assert len(others) == beancounts, others
    assert all("beancount.ops.pad" in message for message in others), others
    assert_findings(ours, expect)
    return ours


# Beancount's own pad plugin fails on a custom directive with no values
PAD_FAILS = 1


def test_a_custom_office_with_no_values_is_a_finding(tmp_path, capsys):
    path = _ledger(tmp_path, PROGRAM + '2015-01-01 custom "office"\n')
    found = _ours(path, ["LI-302"], PAD_FAILS)
    assert [(e.code, e.source["lineno"]) for e in found] == [("LI-302", 4)]
    assert '`custom "office"` 缺少机构代码' in found[0].message
    assert cli.main(["check", str(path), "--as-of", "2015-08-01"]) == 1
    out = capsys.readouterr().out
    # Beancount's own pad plugin fails on such a directive (listed as BEANCOUNT, with
    # its traceback); no frame of ours is in the output
    assert "缺少机构代码" in out and "/plugins/" not in out
    # bean-check prints every error's entry: a custom with no values crashed its printer
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "bean-check"), str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"},
    )
    assert checked.returncode == 1
    assert "[LI-302 bad-metadata]" in checked.stderr + checked.stdout
    assert "/plugins/" not in checked.stderr + checked.stdout  # no traceback of ours


def test_a_deadline_at_the_end_of_the_calendar_is_a_finding(tmp_path, capsys):
    text = PROGRAM + "  dispose-by: 9999-12-31\n"
    path = _ledger(tmp_path, text)
    found = _ours(path, ["LI-302"])
    assert len(found) == 1
    expected = "dispose-by 的值 9999-12-31 无效：应为 1900 至 2100 年之间的日期"
    assert expected in found[0].message
    assert cli.main(["check", str(path), "--as-of", "9999-12-31"]) == 1
    out = tmp_path / "progress.html"
    assert cli.main(["report", "progress", str(path), "--output", str(out)]) == 0
    assert out.is_file()


def test_a_program_within_the_calendar_is_clean(tmp_path, capsys):
    path = _ledger(tmp_path, PROGRAM + "  dispose-by: 2015-09-30\n  close-grace: 120\n")
    assert _ours(path, []) == []


def test_a_config_that_filters_out_its_own_error_still_shows_it(tmp_path):
    plugin = "plugin \"plugins.rules\" \"{'only': ['LD-2O2']}\""
    path = _ledger(tmp_path, PROGRAM, plugin)
    found = _ours(path, ["LI-302"])
    assert [(e.code, e.source["lineno"]) for e in found] == [("LI-302", 1)]
    assert "'LD-2O2' 不存在" in found[0].message


def test_a_config_naming_real_rules_filters_as_asked(tmp_path):
    plugin = "plugin \"plugins.rules\" \"{'only': ['LD-202']}\""
    path = _ledger(tmp_path, PROGRAM + '2015-01-01 custom "office"\n', plugin)
    # the LI-302 on the office is not among the rules asked for
    assert _ours(path, [], PAD_FAILS) == []
    # and with LI-302 among them it is
    plugin = "plugin \"plugins.rules\" \"{'only': ['LD-202', 'LI-302']}\""
    path = _ledger(tmp_path, PROGRAM + '2015-01-01 custom "office"\n', plugin)
    assert len(_ours(path, ["LI-302"], PAD_FAILS)) == 1


DISPOSAL = (
    PROGRAM
    + """\
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  host: "武汉"
  program: "HB-2015"
2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V1 CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
2015-01-02 * "期初"
  Assets:Office:XN-JY-WH:Vehicles:V1  1000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets
2015-08-20 * "交易中心" "拍卖"
  disposal: "gift"
  appraisal: "五万元"
  Assets:Office:XN-JY-WH:Vehicles:V1  -1000.00 CNY
  Expenses:Office:XN-JY-WH:Disposal  1000.00 CNY
"""
)


def test_bad_metadata_on_a_disposal_names_its_office(tmp_path):
    """The transaction's accounts name the office: LI-302 says which, so the JSON's
    office and the 清理规范 page can group it."""
    # no approval (LD-204); the office is neither decided nor registered (LO-101, LO-111)
    expect = ["LD-204", "LI-302", "LO-101", "LO-111"]
    found = _ours(_ledger(tmp_path, DISPOSAL), expect)
    found = [e for e in found if e.code == "LI-302"]
    assert sorted((e.office, e.source["lineno"]) for e in found) == [
        ("XN-JY-WH", 16),
        ("XN-JY-WH", 16),
    ]
    assert {e.message.split("：")[1].split(" ")[0] for e in found} == {
        "`disposal:`",
        "`appraisal:`",
    }
