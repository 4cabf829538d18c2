"""``liaison new``: a ledger skeleton for a new program that loads clean (SPEC section 6).

The skeleton declares a program and a government and no office, so no rule has anything
to judge: it is clean at the program's start and today alike. Uncommenting the template
office loads without a Beancount error; from then on the program's deadlines apply to
the office (clean at the program's start; at today's date the registration and the
decision it still lacks are reported, which is the bureau's to-do list).
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import re
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from fava.application import create_app

from plugins import policy
from plugins import settings
from plugins import vocabulary
from reports import cli
from reports import skeleton

FILES = {"main.beancount", "offices.beancount", "registers.beancount", "imports"}

CASES = {
    # program: (government code, name, level, province, the template office)
    "capital-2015": ("XN", "咸宁市人民政府", "prefecture", "湖北", "XN-WH"),
    "beijing-2010": ("XN-JY", "嘉鱼县人民政府", "county", None, "XN-JY-BJ"),
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def argv(
    folder: Path | str,
    program: str = "capital-2015",
    code: str = "XN",
    name: str = "咸宁市人民政府",
    *more: str,
) -> list[str]:
    return ["new", str(folder), "--program", program, "--government", code, name, *more]


def new(capsys, folder: Path, program: str) -> Path:
    code, name, level, province, _ = CASES[program]
    more = ["--level", level] + (["--province", province] if province else [])
    status, out, err = run(capsys, *argv(folder, program, code, name, *more))
    assert (status, err) == (0, ""), err
    assert "已生成账本框架" in out
    return folder / "main.beancount"


def program_date(program: str) -> datetime.date:
    return settings.PRESETS[program]["ban-from"]


def uncomment_template(folder: Path) -> None:
    offices = folder / "offices.beancount"
    text = offices.read_text(encoding="utf-8")
    offices.write_text(re.sub(r"(?m)^; ", "", text), encoding="utf-8")


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- what is written ------------------------------------------------------------------


@pytest.mark.parametrize("program", CASES)
def test_the_skeleton_loads_with_no_error_at_all(tmp_path, capsys, program):
    main = new(capsys, tmp_path / "books", program)
    assert {p.name for p in main.parent.iterdir()} == FILES
    assert (main.parent / "imports" / "README.md").is_file()

    entries, errors, options = loader.load_file(str(main))

    assert errors == []  # Beancount's own errors and PolicyViolations alike
    code, name, level, province, _ = CASES[program]
    assert options["title"] == f"{name}清理规范驻外办事机构账本"
    assert options["operating_currency"] == ["CNY"]
    assert ("plugins.rules", None) in options["plugin"]
    included = {Path(f).name for f in options["include"]}
    assert included == {"main.beancount", "offices.beancount", "registers.beancount"}
    customs = [e for e in entries if isinstance(e, data.Custom)]
    [declared] = [e for e in customs if e.type == "program"]
    assert declared.date == program_date(program)
    assert declared.meta["preset"] == program
    assert declared.meta["document"] in {number for number, _ in policy.DOCUMENTS.values()}
    assert [v.value for v in declared.values][1] == skeleton.PROGRAMS[program].title
    [government] = [e for e in customs if e.type == "government"]
    assert [v.value for v in government.values] == [code, name]
    assert government.meta["level"] == level
    assert government.meta.get("province") == province
    assert not [e for e in customs if e.type == "office"]
    opened = [e.account for e in entries if isinstance(e, data.Open)]
    assert opened == [f"Assets:Treasury:{code}"]


@pytest.mark.parametrize("program", CASES)
def test_liaison_check_is_clean_at_the_programs_start_and_today(tmp_path, capsys, program):
    main = new(capsys, tmp_path / "books", program)
    start = program_date(program).isoformat()
    status, out, _ = run(capsys, "check", str(main), "--as-of", start)
    assert status == 0, out
    assert f"截至 {start}：没有违规事项" in out
    # No office, so no deadline has anything to judge: today is clean too.
    status, out, _ = run(capsys, "check", str(main))
    assert status == 0, out


def test_the_fava_options_and_the_extension_line(tmp_path, capsys):
    main = new(capsys, tmp_path / "books", "capital-2015")
    text = main.read_text(encoding="utf-8")
    config = Path(importlib.util.find_spec("importers.config").origin).resolve()
    assert f'custom "fava-option" "import-config" "{config.as_posix()}"' in text
    assert 'custom "fava-option" "import-dirs" "imports"' in text
    assert 'custom "fava-option" "language" "zh"' in text
    assert (
        'custom "fava-extension" "reports.dashboard" '
        "\"{'import-into': 'registers.beancount'}\"" in text
    )
    assert text.startswith("; 咸宁市人民政府清理规范驻外办事机构账本\n")


@pytest.mark.parametrize("program", CASES)
def test_fava_serves_the_dashboard_in_chinese(tmp_path, capsys, program):
    main = new(capsys, tmp_path / "books", program)
    app = create_app([main], load=True)
    app.testing = True
    client = app.test_client()
    [(slug, ledger)] = app.config["LEDGERS"].ledgers_by_slug.items()
    assert ledger.fava_options.language == "zh"
    page = client.get(f"/{slug}/extension/Dashboard/")
    assert page.status_code == 200, page.get_data(as_text=True)[-2000:]
    assert "清理规范" in page.get_data(as_text=True)
    errors = client.get(f"/{slug}/api/errors")
    assert errors.status_code == 200
    assert errors.get_json()["data"] == []  # the import config loaded, no rule fired
    imports = client.get(f"/{slug}/api/imports")
    assert imports.status_code == 200
    names = [f["basename"] for f in imports.get_json()["data"]]
    assert names == ["README.md"]  # the imports/ folder is the one Fava lists


# --- the template office --------------------------------------------------------------


@pytest.mark.parametrize("program", CASES)
def test_the_template_office_uncommented_loads(tmp_path, capsys, program):
    main = new(capsys, tmp_path / "books", program)
    uncomment_template(main.parent)

    entries, errors, _ = loader.load_file(str(main))

    office = CASES[program][-1]
    declared = [e for e in entries if isinstance(e, data.Custom) and e.type == "office"]
    assert [e.values[0].value for e in declared] == [office]
    assert [e for e in errors if type(e).__name__ != "PolicyViolation"] == []
    start = program_date(program).isoformat()
    status, out, _ = run(capsys, "check", str(main), "--as-of", start)
    assert status == 0, out
    # Today, the office's registration and decision are overdue: the to-do list.
    status, out, _ = run(capsys, "check", str(main), "--format", "csv")
    assert status == 1
    codes = {line.split(",")[0] for line in out.splitlines()[1:]}
    decision = "LO-101" if CASES[program][2] == "county" else "LO-102"
    assert codes == {"LO-111", decision}


def test_the_template_uses_the_provinces_capital(tmp_path, capsys):
    main = new(capsys, tmp_path / "books", "capital-2015")
    offices = (main.parent / "offices.beancount").read_text(encoding="utf-8")
    assert '; 2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"' in offices
    assert ';   host: "武汉"' in offices
    assert ';   program: "XN-2015"' in offices


# --- refusals -------------------------------------------------------------------------


def test_a_folder_that_is_not_empty_is_refused(tmp_path, capsys):
    books = tmp_path / "books"
    books.mkdir()
    (books / "main.beancount").write_text("; 已有的账本\n", encoding="utf-8")
    before = listing(tmp_path)
    status, out, err = run(capsys, *argv(books))
    assert (status, out) == (2, "")
    assert "已存在且不是空文件夹" in err and "没有写入任何文件" in err
    assert listing(tmp_path) == before
    assert (books / "main.beancount").read_text(encoding="utf-8") == "; 已有的账本\n"


def test_a_file_in_the_way_is_refused(tmp_path, capsys):
    books = tmp_path / "books"
    books.write_text("x", encoding="utf-8")
    status, _, err = run(capsys, *argv(books))
    assert status == 2 and "不是文件夹" in err
    assert listing(tmp_path) == ["books"]


@pytest.mark.parametrize("code", ["xn", "咸宁", "XN JY", "XN_JY", "", "XN\n", "X-Ñ"])
def test_a_code_that_is_not_an_ascii_code_is_refused(tmp_path, capsys, code):
    status, out, err = run(capsys, *argv(tmp_path / "books", code=code))
    assert (status, out) == (2, "")
    assert "政府代码" in err and "不可用" in err
    assert listing(tmp_path) == []


def test_a_code_read_as_an_option_is_refused(tmp_path, capsys):
    status, out, err = run(capsys, *argv(tmp_path / "b", code="-XN"))
    assert (status, out) == (2, "")
    assert "参数 --government 后面需要 2 个值" in err
    assert listing(tmp_path) == []
    with pytest.raises(skeleton.Refused, match="政府代码"):
        skeleton.files("capital-2015", skeleton.Government("-XN", "咸宁市人民政府"))


def test_an_unknown_program_is_refused(tmp_path, capsys):
    status, out, err = run(capsys, *argv(tmp_path / "books", "capital-2016"))
    assert (status, out) == (2, "")
    assert "--program" in err and "不可用" in err and "capital-2015" in err
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name", ['咸宁"市', "咸宁\\市", "   "])
def test_a_name_beancount_cannot_hold_is_refused(tmp_path, capsys, name):
    status, _, err = run(capsys, *argv(tmp_path / "b", "beijing-2010", name=name))
    assert status == 2 and "政府名称" in err
    assert listing(tmp_path) == []


def test_a_failure_while_writing_leaves_nothing(tmp_path, capsys, monkeypatch):
    written = []
    real = Path.write_text

    def fail_on_the_third(self, *args, **kwargs):
        written.append(self)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fail_on_the_third)
    status, out, err = run(capsys, *argv(tmp_path / "books"))
    assert (status, out) == (2, "")
    assert "No space left on device" in err
    assert listing(tmp_path) == []


# --- where it may write ---------------------------------------------------------------


def test_an_empty_folder_is_filled_in_place(tmp_path, capsys, monkeypatch):
    books = tmp_path / "books"
    books.mkdir()
    inode = books.stat().st_ino
    monkeypatch.chdir(books)
    more = ("--level", "province")
    status, out, _ = run(capsys, *argv(".", "beijing-2010", "HB", "湖北省人民政府", *more))
    assert status == 0
    assert books.stat().st_ino == inode  # the shell's working folder stays the same
    assert {p.name for p in books.iterdir()} == FILES
    assert listing(tmp_path).count("books") == 1 and len(os.listdir(tmp_path)) == 1
    assert "liaison check main.beancount" in out
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == []


def test_missing_parent_folders_are_made(tmp_path, capsys):
    main = new(capsys, tmp_path / "a" / "b" / "books", "beijing-2010")
    assert main.is_file()
    assert os.listdir(tmp_path / "a" / "b") == ["books"]


def test_what_it_prints(tmp_path, capsys):
    books = tmp_path / "books"
    status, out, _ = run(capsys, *argv(books, "capital-2015", "XN", "咸宁市人民政府"))
    assert status == 0
    for line in (
        f"liaison check {books}/main.beancount",
        f"fava {books}/main.beancount",
        f"liaison import inventory 登记表.xlsx --ledger {books}/main.beancount "
        f"--output {books}/registers.beancount",
    ):
        assert line in out
    assert "liaison demo" not in out


# --- the parser -----------------------------------------------------------------------


def test_new_is_listed_and_its_help_is_chinese(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0 and re.search(r"^\s+new\s+为新方案生成", out, re.M)
    status, out, _ = run(capsys, "new", "--help")
    assert status == 0
    assert "用法：liaison new" in out and "--government CODE NAME" in out
    assert "默认 prefecture" in out


def test_the_levels_and_programs_are_the_rules_own():
    assert skeleton.LEVELS == vocabulary.LEVELS
    assert set(skeleton.PROGRAMS) == set(settings.PRESETS)
    for name, program in skeleton.PROGRAMS.items():
        number, _ = policy.DOCUMENTS[str(program.year)]
        assert program.document == number
        assert program.year == settings.PRESETS[name]["ban-from"].year
