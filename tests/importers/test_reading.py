"""The file's part of an import, read in a child process (``importers.reading``).

The child must hand back exactly what reading in line gives (the forms and every
problem, once), and a child that fails must cost nothing but time: the file is then read
in line, with the same result.
"""

from __future__ import annotations

import datetime
import os
import signal

import pytest

from importers import forms
from importers import reading as reading_lib
from importers.reading import Reading
from importers.reading import read_forms
from tests.importers.forms_builders import Sheet
from tests.importers.forms_builders import write_book

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")

HEADER = ["资产编号", "资产名称", "资产类别", "取得日期", "账面净值（万元）"]


def _workbook(path):
    """Two offices' sheets (one with a total, one with an amount merged over two rows)
    and a cover: forms, a skipped sheet and a problem."""
    jiayu = Sheet(
        "嘉鱼县",
        [
            ["资产清查登记表"],
            ["填报单位：嘉鱼县人民政府驻武汉办事处", None, None, "填报日期：2015年7月25日"],
            HEADER,
            ["JY-1", "别克GL8", "车辆", datetime.date(2012, 5, 1), 15.0],
            ["JY-2", "联想台式电脑", "设备", datetime.date(2013, 1, 1), 0.42],
            ["合计", None, None, None, 15.42],
        ],
    )
    city = Sheet(
        "咸宁市",
        [
            ["填报单位：咸宁市人民政府驻武汉办事处"],
            HEADER,
            ["WH-1", "办公楼", "房屋", datetime.date(2001, 1, 1), 265.0],
            ["WH-2", "办公楼附楼", "房屋", datetime.date(2001, 1, 1), None],
        ],
        merges=["E3:E4"],  # one amount merged over two assets: refused, cells told
    )
    cover = Sheet("封面", [["咸宁市驻汉机构资产清查"], ["2015年7月"]])
    return write_book(path, cover, jiayu, city)


def test_the_child_gives_what_reading_in_line_gives(tmp_path):
    path = _workbook(tmp_path / "登记表.xlsx")
    in_line: list = []
    expected = read_forms("inventory", path, in_line, label="登记表.xlsx")
    assert [layout.sheet.name for layout in expected.layouts] == ["嘉鱼县", "咸宁市"]
    assert expected.skipped == ["封面"]

    problems: list = ["before"]
    found = Reading("inventory", path, label="登记表.xlsx").result(problems)

    assert found == expected
    assert len(in_line) == 1 and "合并" in in_line[0].message, in_line
    assert problems == ["before", *in_line]
    # the merged cells, told once, are still the one REPORTED after the pickle
    city = found.layouts[1]
    assert [row.cells[4] for row in city.data] == [forms.REPORTED, forms.REPORTED]
    assert all(row.cells[4] is forms.REPORTED for row in city.data)


def test_a_problem_comes_back_once(tmp_path):
    path = tmp_path / "登记表.csv"
    path.write_text("资产编号,资产名称\nA-1,桌子\n", encoding="utf-8")
    in_line: list = []
    read_forms("inventory", path, in_line)
    assert [p.message[:6] for p in in_line] == ["缺少必填的列"] * 2

    problems: list = []
    Reading("inventory", path).result(problems)
    assert problems == in_line


def test_a_sheet_named_and_missing(tmp_path):
    path = _workbook(tmp_path / "登记表.xlsx")
    problems: list = []
    found = Reading("inventory", path, sheet="通城县").result(problems)
    assert found.layouts == []
    listed = "没有这个工作表；工作表有：封面、嘉鱼县、咸宁市"
    assert [p.message for p in problems] == [listed]


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_child_that_fails_costs_only_time(tmp_path, monkeypatch, how):
    path = _workbook(tmp_path / "登记表.xlsx")
    expected_problems: list = []
    expected = read_forms("inventory", path, expected_problems)
    parent = os.getpid()
    real = reading_lib.read_forms

    def failing_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise MemoryError
        return real(*args, **kwargs)

    monkeypatch.setattr(reading_lib, "read_forms", failing_in_the_child)
    reading = Reading("inventory", path)
    assert reading._child is not None
    pid = reading._child[0]
    problems: list = []
    assert reading.result(problems) == expected
    assert problems == expected_problems
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_a_server_reads_in_line(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "登记表.xlsx")

    def no_fork():
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    reading = Reading("inventory", path, fork=False)
    assert reading._child is None
    assert reading.result([]).skipped == ["封面"]


def test_no_process_to_spare_reads_in_line(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "登记表.xlsx")

    def no_process():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_process)
    reading = Reading("inventory", path)
    assert reading._child is None
    assert [layout.sheet.name for layout in reading.result([]).layouts] == [
        "嘉鱼县",
        "咸宁市",
    ]
