"""``liaison verify``: a report or export drawn from exactly these books, or not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reports import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "ledger"


KINDS = ("disposal", "progress", "registration", "reconciliation", "reception")
FORMATS = ("xlsx", "csv", "html")


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """A copy of the example, a report of each kind and format and an export from it."""
    folder = tmp_path_factory.mktemp("verify")
    shutil.copytree(EXAMPLE, folder / "ledger")
    main = folder / "ledger" / "main.beancount"
    outputs = {}
    for kind in KINDS:
        for suffix in FORMATS:
            out = folder / f"{kind}.{suffix}"
            assert cli.main(["report", kind, str(main), "--output", str(out)]) == 0
            outputs[f"{kind}.{suffix}"] = out
    outputs.update({suffix: outputs[f"disposal.{suffix}"] for suffix in FORMATS})
    exported = folder / "export"
    assert cli.main(["export", str(main), "--output", str(exported)]) == 0
    outputs["export"] = exported
    return main, outputs


@pytest.mark.parametrize("kind", [f"{k}.{f}" for k in KINDS for f in FORMATS] + ["export"])
def test_drawn_from_these_books(drawn, kind, capsys):
    main, outputs = drawn
    assert cli.main(["verify", str(outputs[kind]), str(main)]) == 0
    assert "出自这套账本" in capsys.readouterr().out


@pytest.mark.parametrize("kind", [f"{k}.{f}" for k in KINDS for f in FORMATS] + ["export"])
def test_an_edit_in_an_included_file_is_found(drawn, kind, tmp_path, capsys):
    main, outputs = drawn
    books = tmp_path / "ledger"
    shutil.copytree(main.parent, books)
    edited = books / "xianning" / "xn-tc-wh.beancount"
    edited.write_text(edited.read_text("utf-8").replace("73500.00", "83500.00"), "utf-8")
    assert cli.main(["verify", str(outputs[kind]), str(books / "main.beancount")]) == 1
    said = capsys.readouterr().out
    assert "不是从这套账本的现状生成的" in said and "现在的 SHA-256 为" in said


def test_a_copy_of_the_books_elsewhere_verifies(drawn, tmp_path, capsys):
    main, outputs = drawn
    shutil.copytree(main.parent, tmp_path / "elsewhere")
    copy = tmp_path / "elsewhere" / "main.beancount"
    assert cli.main(["verify", str(outputs["xlsx"]), str(copy)]) == 0


def test_what_states_no_digest_is_unreadable(drawn, tmp_path, capsys):
    main, _ = drawn
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    assert cli.main(["verify", str(other), str(main)]) == 2
    assert "没有账本的 SHA-256" in capsys.readouterr().err
    assert cli.main(["verify", str(main), str(main)]) == 2
    assert cli.main(["verify", str(tmp_path / "none.xlsx"), str(main)]) == 2
    assert cli.main(["verify", str(tmp_path), str(main)]) == 2
