"""``liaison check``, ``explain`` and ``serve`` as SPEC section 6 describes them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from beancount import loader

from plugins.catalogue import RULES
from reports import check
from reports import cli
from reports import explain
from reports import terminal

LEDGER = textwrap.dedent(
    """
    option "operating_currency" "CNY"
    {plugin}
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
      established: 1998-03-01
    2015-07-30 custom "decision" "XN-WH" "retain"
      approval: "鄂政函〔2015〕12号"
    2015-09-01 custom "window" "XN-WH" "XN"
      staff: {staff}
    2016-03-01 custom "audit" "XN-WH" "2015"
      report: "咸审〔2016〕5号"
    """
)


def write(tmp_path: Path, staff: int = 3, plugin: str = "") -> Path:
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER.format(staff=staff, plugin=plugin), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_ledger_exits_0(tmp_path, capsys):
    ledger = write(tmp_path)
    code, out, _ = run(capsys, "check", str(ledger), "--as-of", "2016-06-30")
    assert code == 0, out
    assert "没有违规事项" in out


def test_violation_exits_1_and_text_names_file_line_and_code(tmp_path, capsys):
    ledger = write(tmp_path, staff=4)
    code, out, _ = run(capsys, "check", str(ledger), "--as-of", "2016-06-30")
    assert code == 1
    line = next(x for x in out.splitlines() if "LO-107" in x)
    assert line.startswith(f"{ledger}:")
    assert "[LO-107 window-overstaffed]" in line


def test_json_has_the_contract_fields_and_the_ledgers_sha256(tmp_path, capsys):
    ledger = write(tmp_path, staff=4)
    code, out, _ = run(
        capsys, "check", str(ledger), "--as-of", "2016-06-30", "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert report["ledger"] == str(ledger)
    # the digest of all the books (here one file), as the README defines it
    line = f"{ledger.name}\t{hashlib.sha256(ledger.read_bytes()).hexdigest()}\n"
    assert report["sha256"] == hashlib.sha256(line.encode("utf-8")).hexdigest()
    assert report["as_of"] == "2016-06-30"
    [violation] = report["violations"]
    assert set(violation) == set(check.FIELDS)
    assert violation["code"] == "LO-107"
    assert violation["name"] == "window-overstaffed"
    assert violation["clause"] == RULES["LO-107"].clause
    assert violation["office"] == "XN-WH"
    assert violation["date"] == "2015-09-01"
    assert violation["lineno"] == 18


def test_csv_has_a_header_and_one_row_per_violation(tmp_path, capsys):
    ledger = write(tmp_path, staff=5)
    code, out, _ = run(
        capsys, "check", str(ledger), "--as-of", "2016-06-30", "--format", "csv"
    )
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == ["LO-107"]
    assert rows[0]["filename"] == str(ledger)


def test_rule_filter_keeps_only_the_named_codes(tmp_path, capsys):
    ledger = write(tmp_path, staff=4)
    code, out, _ = run(
        capsys,
        "check",
        str(ledger),
        "--as-of",
        "2016-06-30",
        "--rule",
        "LO-110",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["violations"] == []
    code, out, _ = run(
        capsys,
        "check",
        str(ledger),
        "--as-of",
        "2016-06-30",
        "--rule",
        "lo-107",
        "--format",
        "json",
    )
    assert code == 1
    assert [v["code"] for v in json.loads(out)["violations"]] == ["LO-107"]


def test_as_of_moves_deadlines(tmp_path, capsys):
    """The 2016 audit is due 180 days after 2016-12-31: missing at 2017-07-01 only."""
    ledger = write(tmp_path)
    assert run(capsys, "check", str(ledger), "--as-of", "2017-06-29")[0] == 0
    code, out, _ = run(
        capsys, "check", str(ledger), "--as-of", "2017-07-01", "--format", "json"
    )
    assert code == 1
    assert {v["code"] for v in json.loads(out)["violations"]} == {"LO-108"}


def test_entries_after_the_as_of_date_are_not_judged_and_a_note_says_so(tmp_path, capsys):
    """Judged at 2015-08-31, the window of 2015-09-01 (4 staff) and the audit of
    2016-03-01 are not in the books yet: no LO-107, exit 0, and a note on stderr, in
    every format; the JSON says the same beside the SPEC's fields."""
    ledger = write(tmp_path, staff=4)
    note = (
        "注意：账本中有 2 条记录晚于截至日期 2015-08-31（最早的是 2015-09-01），未参与判定"
    )
    code, out, err = run(capsys, "check", str(ledger), "--as-of", "2015-08-31")
    assert code == 0 and "没有违规事项" in out
    assert note in err and note not in out
    code, out, err = run(
        capsys, "check", str(ledger), "--as-of", "2015-08-31", "--format", "json"
    )
    report = json.loads(out)
    assert code == 0 and report["violations"] == [] and note in err
    assert {"ledger", "sha256", "as_of", "violations"} < set(report)
    assert report["entries_after_as_of"] == {"count": 2, "first_date": "2015-09-01"}
    code, out, err = run(
        capsys, "check", str(ledger), "--as-of", "2015-08-31", "--format", "csv"
    )
    assert (code, out.splitlines()[1:]) == (0, []) and note in err
    # on the window's own day it is judged; the audit is still to come
    code, out, err = run(
        capsys, "check", str(ledger), "--as-of", "2015-09-01", "--format", "json"
    )
    report = json.loads(out)
    assert code == 1 and [v["code"] for v in report["violations"]] == ["LO-107"]
    assert report["entries_after_as_of"] == {"count": 1, "first_date": "2016-03-01"}
    assert "1 条记录晚于截至日期 2015-09-01（最早的是 2016-03-01）" in err
    # nothing later: no note
    code, out, err = run(
        capsys, "check", str(ledger), "--as-of", "2016-06-30", "--format", "json"
    )
    assert code == 1 and err == ""
    assert json.loads(out)["entries_after_as_of"] == {"count": 0, "first_date": None}


def test_beancount_errors_are_listed_with_code_beancount(tmp_path, capsys):
    ledger = write(tmp_path)
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write(
            '2016-01-01 * "no such account"\n  Assets:Nowhere  1.00 CNY\n  Equity:Nowhere\n'
        )
    code, out, _ = run(
        capsys, "check", str(ledger), "--as-of", "2016-06-30", "--format", "json"
    )
    assert code == 1
    codes = [v["code"] for v in json.loads(out)["violations"]]
    assert "BEANCOUNT" in codes


def test_every_rule_runs_even_when_the_ledger_disables_it(tmp_path, capsys):
    ledger = write(
        tmp_path, staff=4, plugin="plugin \"plugins.rules\" \"{'disable': ['LO-107']}\""
    )
    code, out, _ = run(
        capsys, "check", str(ledger), "--as-of", "2016-06-30", "--format", "json"
    )
    assert code == 1
    assert [v["code"] for v in json.loads(out)["violations"]] == ["LO-107"]


def test_ledger_config_as_of_is_used_without_the_flag(tmp_path, capsys):
    ledger = write(tmp_path, plugin="plugin \"plugins.rules\" \"{'as-of': '2016-06-30'}\"")
    code, out, _ = run(capsys, "check", str(ledger), "--format", "json")
    assert json.loads(out)["as_of"] == "2016-06-30"
    assert code == 0


@pytest.mark.parametrize("as_of", [None, "2016-06-30", "2016-07-01"])
def test_a_ledger_with_the_plugin_lists_each_violation_once(tmp_path, capsys, as_of):
    """The plugin's run (its date) or the command's own (another date): LO-107 once."""
    plugin = "plugin \"plugins.rules\" \"{'as-of': '2016-06-30'}\""
    argv = ["check", "--format", "json"] + (["--as-of", as_of] if as_of else [])
    code, out, _ = run(capsys, *argv, str(write(tmp_path, staff=4, plugin=plugin)))
    assert code == 1
    assert json.loads(out)["as_of"] == (as_of or "2016-06-30")
    assert [v["code"] for v in json.loads(out)["violations"]] == ["LO-107"]
    # and the same books with a window of 3 are clean, on the same path
    code, out, _ = run(capsys, *argv, str(write(tmp_path, staff=3, plugin=plugin)))
    assert (code, json.loads(out)["violations"]) == (0, [])


def test_missing_ledger_and_bad_usage_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.beancount"))
    assert code == 2
    assert "nope.beancount" in err
    assert run(capsys, "check", str(tmp_path), "--format", "xml")[0] == 2
    assert run(capsys, "check", str(tmp_path), "--as-of", "2016-13-01")[0] == 2
    assert run(capsys, "check", str(tmp_path), "--rule", "XX-999")[0] == 2
    assert run(capsys, "check", str(tmp_path))[0] == 2  # a folder, not a file


def test_explain_prints_what_why_fix(capsys):
    code, out, _ = run(capsys, "explain", "LD-202")
    assert code == 0
    assert out.startswith("LD-202 below-appraisal")
    for part in ("What:", "Why:", "Fix:", "price-approval"):
        assert part in out
    code, out, _ = run(capsys, "explain")
    assert code == 0
    assert len(out.splitlines()) == len(RULES)
    assert run(capsys, "explain", "XX-1")[0] == 2


def columns(line: str) -> int:
    """The terminal columns of ``line``: CJK (east-asian wide or fullwidth) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def flat(text: str) -> str:
    return "".join(text.split())


def test_explain_prints_the_chinese_then_the_english(capsys):
    rule = RULES["LD-202"]
    code, out, _ = run(capsys, "explain", "LD-202")
    assert code == 0
    lines = out.splitlines()
    assert lines.index("中文说明") < lines.index("English")
    zh, en = out.split("\nEnglish\n")
    for paragraph in rule.explanation_zh.split("\n"):
        assert flat(paragraph) in flat(zh)
    for paragraph in rule.explanation.split("\n"):
        assert flat(paragraph) in flat(en)
    assert "含义：" in zh and "What:" not in zh
    assert "  改正：记录 `appraisal:`" in zh  # indented as the English is
    # another rule's explanation is not this one's
    _, other, _ = run(capsys, "explain", "LO-101")
    assert flat(rule.explanation_zh.split("\n")[0]) not in flat(other)
    assert flat(RULES["LO-101"].explanation_zh.split("\n")[0]) in flat(other)


def test_explain_wraps_every_line_to_88_terminal_columns(capsys):
    assert explain.WIDTH == 88
    widest = 0
    for rule in RULES.values():
        _, out, _ = run(capsys, "explain", rule.code)
        lines = out.splitlines()
        wide = [line for line in lines if columns(line) > explain.WIDTH]
        assert wide == [], rule.code
        chinese = lines[lines.index("中文说明") + 1 : lines.index("English")]
        widest = max(widest, *(columns(line) for line in chinese))
    assert widest >= explain.WIDTH - 2  # the Chinese fills its lines, it is not cut at half
    # a wrap that counted characters, not columns, would print these on one line each
    fits_by_characters = [
        paragraph
        for rule in RULES.values()
        for paragraph in rule.explanation_zh.split("\n")
        if len("  " + paragraph) <= explain.WIDTH < columns("  " + paragraph)
    ]
    assert len(fits_by_characters) > 10


def test_wrap_breaks_chinese_between_characters_by_columns():
    lines = terminal.wrap("汉" * 30, 20, "  ", "    ")
    assert lines == [
        "  " + "汉" * 9,
        "    " + "汉" * 8,
        "    " + "汉" * 8,
        "    " + "汉" * 5,
    ]
    assert terminal.display_width("汉字 ab") == 7
    # no line starts with a closing mark: the character before it goes along
    lines = terminal.wrap("汉" * 10 + "，" + "字" * 5, 20)
    assert lines == ["汉" * 9, "汉，" + "字" * 5]
    # metadata keys and numbers stay whole
    lines = terminal.wrap("须有 `price-approval:` 和 `appraisal:`", 24)
    assert lines == ["须有 `price-approval:`", "和 `appraisal:`"]
    assert terminal.wrap("咸政办函〔2015〕58号", 14) == ["咸政办函", "〔2015〕58号"]
    assert terminal.wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


@pytest.fixture
def load_cache(monkeypatch):
    """Beancount's pickle cache on, for every load however quick."""
    monkeypatch.setattr(loader, "PICKLE_CACHE_THRESHOLD", 0)
    loader.initialize(use_cache=True)
    yield
    loader.initialize(use_cache=os.getenv("BEANCOUNT_DISABLE_LOAD_CACHE") is None)


def test_cached_run_from_another_day_does_not_leak(tmp_path, capsys, load_cache):
    """With the loader's cache holding the plugin's run, each --as-of is judged anew."""
    ledger = write(tmp_path, plugin='plugin "plugins.rules"')

    def check(as_of: str) -> set[str]:
        _, out, _ = run(capsys, "check", str(ledger), "--as-of", as_of, "--format", "json")
        return {v["code"] for v in json.loads(out)["violations"]}

    assert check("2017-07-01") == {"LO-108"}
    assert (tmp_path / ".main.beancount.picklecache").exists()
    assert check("2016-06-30") == set()
    assert check("2017-07-01") == {"LO-108"}


def test_a_bad_plugin_config_is_reported_at_the_plugin_line(tmp_path, capsys):
    ledger = write(tmp_path, plugin="plugin \"plugins.rules\" \"{'colour': 'red'}\"")
    code, out, _ = run(
        capsys, "check", str(ledger), "--as-of", "2016-06-30", "--format", "json"
    )
    assert code == 1
    [error] = json.loads(out)["violations"]
    assert error["code"] == "LI-302"
    assert "未知的键 'colour'" in error["message"]
    assert error["lineno"] == 3


def test_explain_quotes_the_policy_clauses_a_rule_cites(capsys):
    _, out, _ = run(capsys, "explain", "LO-107")
    assert "\n政策原文\n" in out
    quoted = flat(out.split("\n政策原文\n")[1])
    assert "咸政办函〔2015〕58号三(二)2" in quoted and "人数不得超过3人" in quoted
    assert "注：" not in quoted
    _, out, _ = run(capsys, "explain", "LD-202")
    quoted = flat(out.split("\n政策原文\n")[1])
    assert "国办发〔2010〕8号(十八)" in quoted and "防止国有资产流失" in quoted
    assert "采取划转、拍卖、有偿转让等方式进行处置" in quoted  # 三(二)2, not 二(二)2
    assert "保留一个办事机构" not in quoted
    assert "注：SPEC引咸政办函〔2015〕58号二(二)2" in quoted
    _, out, _ = run(capsys, "explain", "LI-301")  # cites no clause
    assert "政策原文" not in out


def test_usage_errors_and_help_speak_chinese(capsys):
    """argparse's own English (usage:, required, invalid choice) reads in Chinese, says
    how to see the usage, and exits 2."""
    code, _, err = run(capsys, "report", "disposal", "x.beancount")
    assert code == 2
    assert err.startswith("用法：liaison report")
    assert "liaison report：缺少必需的参数：--output/-o" in err
    assert "运行 `liaison report --help` 查看用法" in err
    code, _, err = run(capsys, "frob")
    assert code == 2
    assert "liaison：参数 COMMAND 的值 'frob' 不可用；可选：'check'" in err
    code, _, err = run(capsys, "check", "x", "--as-of", "2016-13-01")
    assert "参数 --as-of：'2016-13-01' 不是日期，应写作 2016-12-31 这样的格式" in err
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith("用法：liaison")
    assert "显示本帮助并退出" in out and "对账本运行全部规则" in out
    assert "导入资产清查登记表或处置结果" in out


def test_the_sha256_covers_every_file_of_the_books(tmp_path, capsys):
    """An edit in an included file changes the digest; so does renaming one; copying
    the folder elsewhere does not."""
    books = tmp_path / "books"
    (books / "offices").mkdir(parents=True)
    main = write(books, staff=4)
    (books / "offices" / "extra.beancount").write_text(
        '2015-01-01 custom "fava-option" "language" "zh"\n', encoding="utf-8"
    )
    main.write_text(
        main.read_text("utf-8") + '\ninclude "offices/extra.beancount"\n', "utf-8"
    )

    def digest(path):
        code, out, _ = run(capsys, "check", str(path), "--format", "json")
        return json.loads(out)["sha256"]

    first = digest(main)
    lines = sorted(
        f"{p.relative_to(books).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
        for p in (main, books / "offices" / "extra.beancount")
    )
    assert first == hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    copy = tmp_path / "copy"
    shutil.copytree(books, copy)
    assert digest(copy / main.name) == first
    (books / "offices" / "extra.beancount").write_text(
        '2015-01-01 custom "fava-option" "language" "en"\n', encoding="utf-8"
    )
    assert digest(main) != first


def _fava_args(monkeypatch) -> list[list[str]]:
    from fava.cli import main as fava_main

    called: list[list[str]] = []
    monkeypatch.setattr(fava_main, "main", lambda args, **_: called.append(list(args)))
    return called


def test_serve_audit_is_read_only_and_local(monkeypatch, capsys, tmp_path):
    called = _fava_args(monkeypatch)
    ledger = write(tmp_path)
    assert run(capsys, "serve", str(ledger), "--audit")[0] == 0
    assert called == [["--read-only", "--host", "127.0.0.1", "--port", "5000", str(ledger)]]


def test_serve_without_audit_writes_and_binds_where_told(monkeypatch, capsys, tmp_path):
    called = _fava_args(monkeypatch)
    ledger = write(tmp_path)
    code, _, err = run(capsys, "serve", str(ledger), "--host", "0.0.0.0", "--port", "5080")
    assert code == 0
    assert called == [["--host", "0.0.0.0", "--port", "5080", str(ledger)]]
    assert "只读" not in err


def test_serve_a_missing_ledger(monkeypatch, capsys, tmp_path):
    called = _fava_args(monkeypatch)
    code, _, err = run(capsys, "serve", str(tmp_path / "none.beancount"), "--audit")
    assert code == 2 and called == []
    assert "账本文件不存在" in err


def test_the_program_exits_with_the_commands_status(tmp_path):
    """``liaison`` (``reports.cli.run``) ends the process with ``main``'s status."""

    def liaison(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "reports.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    shown = liaison("explain", "LD-202")
    assert (shown.returncode, shown.stderr) == (0, "")
    assert "LD-202" in shown.stdout
    missing = liaison("check", str(tmp_path / "无此账本.beancount"))
    assert missing.returncode == 2
    assert "无此账本.beancount" in missing.stderr
