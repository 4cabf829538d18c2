"""Registers and disposal results as county offices and trading centres really send them.

Each form is built here (``forms_builders``), run end to end through ``liaison import``,
and judged by what was booked: the output loaded with the ledger must open exactly the
expected accounts, each with exactly its opening amount in yuan, its metadata and its
office, and nothing else; or, for a refusal, exit 2, the exact location and the Chinese
message, and the output untouched.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from tests.importers.conftest import run_cli
from tests.importers.forms_builders import BOOKED
from tests.importers.forms_builders import BOOKS
from tests.importers.forms_builders import Sheet
from tests.importers.forms_builders import assert_inventory
from tests.importers.forms_builders import assert_refused
from tests.importers.forms_builders import booked
from tests.importers.forms_builders import cache_formula_results
from tests.importers.forms_builders import patch_zip
from tests.importers.forms_builders import plain_meta
from tests.importers.forms_builders import postings_of
from tests.importers.forms_builders import use_builtin_formats
from tests.importers.forms_builders import write_book
from tests.importers.forms_builders import write_excel_csv
from tests.importers.forms_builders import write_html_xls
from tests.importers.forms_builders import write_spreadsheetml
from tests.importers.forms_builders import write_unicode_text

D = datetime.date
JY = "Assets:Office:XN-JY-WH"
WH = "Assets:Office:XN-WH"
TC = "Assets:Office:XN-TC-WH"
XA = "Assets:Office:XN-XA-WH"
PREVIOUSLY = (
    '; 咸宁市驻外机构清理：已导入的记录\n2015-07-01 note Equity:Transfers:XN-JGSW "旧"\n'
)

HEADER = [
    "序号",
    "资产编号",
    "资产名称",
    "资产类别",
    "取得日期",
    "原值",
    "账面净值",
    "评估价值",
    "用途",
]
"""A register's columns A–I as the 2015 form has them (用途 last)."""

FOOTER = ["单位负责人：王建国", None, None, "财务负责人：李红", None, None, "填表人：张敏"]


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """The conftest ledger with 通城县, 咸安区 and the assets disposal results name."""
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS, encoding="utf-8")
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "imported.beancount"


def imports(capsys, kind, path, ledger, out, *extra):
    """``liaison import KIND PATH --ledger L --output O`` (inventory: ``--date`` 7-31)."""
    args = ["import", kind, path, "--ledger", ledger, "--output", out, *extra]
    if kind == "inventory" and "--date" not in extra:
        args += ["--date", BOOKED.isoformat()]
    return run_cli(capsys, *args)


def refusing(capsys, kind, path, ledger, out, *extra):
    """Run an import over an output that already holds entries; (code, err, before)."""
    out.write_text(PREVIOUSLY, encoding="utf-8")
    before = out.read_bytes()
    code, stdout, err = imports(capsys, kind, path, ledger, out, *extra)
    assert stdout == ""
    return code, err, before


def money(amount: str) -> str:
    return f"{amount} CNY"


# --- 1, 2: the fill line, whole and split -------------------------------------------------


def test_fill_line_whole_with_total_and_footer(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "嘉鱼县驻汉办资产清查登记表.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                [
                    "填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元    "
                    "填报日期：2015年7月25日"
                ],
                HEADER,
                [
                    1,
                    "JY-V-0002",
                    "丰田凯美瑞 鄂L6A288",
                    "车辆",
                    D(2012, 3, 15),
                    259800.0,
                    98000.0,
                    86000.0,
                    "公务用车",
                ],
                [
                    2,
                    "JY-E-0101",
                    "联想启天M4350台式计算机",
                    "设备",
                    D(2014, 6, 10),
                    5480.0,
                    2192.0,
                    1500.0,
                    "办公",
                ],
                [
                    3,
                    "JY-B-0002",
                    "武昌区中南路7号办公用房",
                    "房屋",
                    D(2003, 9, 1),
                    1850000.0,
                    1233333.33,
                    2650000.0,
                    "办公",
                ],
                [4, "JY-R-0002", "应收武汉某酒店押金", "债权", None, None, 20000.0],
                ["合计", None, None, None, None, 2115280.0, 1353525.33, 2737500.0],
                [],
                FOOTER,
            ],
            merges=["A1:I1", "A2:I2", "A8:E8"],
        ),
    )
    code, stdout, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert stdout == ""
    assert "第 8 行合计：与第 4–7 行之和相符" in err
    assert "机构由填报单位「嘉鱼县人民政府驻武汉办事处」确定为 XN-JY-WH" in err
    assert "新增 4 行" in err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0002": (
                "98000.00",
                {
                    "asset-id": "JY-V-0002",
                    "name": "丰田凯美瑞 鄂L6A288",
                    "acquired": D(2012, 3, 15),
                    "original-cost": money("259800.00"),
                    "appraisal": money("86000.00"),
                    "use": "公务用车",
                },
            ),
            f"{JY}:Equipment:JY-E-0101": (
                "2192.00",
                {
                    "asset-id": "JY-E-0101",
                    "name": "联想启天M4350台式计算机",
                    "acquired": D(2014, 6, 10),
                    "original-cost": money("5480.00"),
                    "appraisal": money("1500.00"),
                    "use": "办公",
                },
            ),
            f"{JY}:Buildings:JY-B-0002": (
                "1233333.33",
                {
                    "asset-id": "JY-B-0002",
                    "name": "武昌区中南路7号办公用房",
                    "acquired": D(2003, 9, 1),
                    "original-cost": money("1850000.00"),
                    "appraisal": money("2650000.00"),
                    "use": "办公",
                },
            ),
            f"{JY}:Receivables:JY-R-0002": (
                "20000.00",
                {"asset-id": "JY-R-0002", "name": "应收武汉某酒店押金"},
            ),
        },
    )


WANYUAN_ROWS = [
    [
        1,
        "JY-V-0003",
        "别克GL8商务车 鄂L3B726",
        "车辆",
        "GL8 2.4L",
        D(2011, 5, 1),
        28.5,
        15.2,
        12.6,
    ],
    [
        2,
        "JY-E-0102",
        "佳能复印机",
        "设备",
        "iR-ADV 4525",
        D(2013, 2, 1),
        0.6512,
        0.2605,
        0.15,
    ],
    [
        3,
        "JY-B-0003",
        "洪山区珞喻路办公楼",
        "房屋",
        None,
        D(2002, 6, 1),
        265.1234,
        198.84,
        310.5,
    ],
]
WANYUAN_TOTAL = [
    "合计",
    None,
    None,
    None,
    None,
    None,
    28.5 + 0.6512 + 265.1234,
    15.2 + 0.2605 + 198.84,
    12.6 + 0.15 + 310.5,
]
WANYUAN_BOOKED = {
    f"{JY}:Vehicles:JY-V-0003": (
        "152000.00",
        {
            "asset-id": "JY-V-0003",
            "name": "别克GL8商务车 鄂L3B726",
            "specification": "GL8 2.4L",
            "acquired": D(2011, 5, 1),
            "original-cost": money("285000.00"),
            "appraisal": money("126000.00"),
        },
    ),
    f"{JY}:Equipment:JY-E-0102": (
        "2605.00",
        {
            "asset-id": "JY-E-0102",
            "name": "佳能复印机",
            "specification": "iR-ADV 4525",
            "acquired": D(2013, 2, 1),
            "original-cost": money("6512.00"),
            "appraisal": money("1500.00"),
        },
    ),
    f"{JY}:Buildings:JY-B-0003": (
        "1988400.00",
        {
            "asset-id": "JY-B-0003",
            "name": "洪山区珞喻路办公楼",
            "acquired": D(2002, 6, 1),
            "original-cost": money("2651234.00"),
            "appraisal": money("3105000.00"),
        },
    ),
}
WANYUAN_HEADER = [
    "序号",
    "资产编号",
    "资产名称",
    "资产类别",
    "规格型号",
    "取得日期",
    "原值",
    "账面净值",
    "评估价值",
]


def test_fill_line_split_over_cells_in_wanyuan(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "登记表（万元）.xlsx",
        Sheet(
            "资产清查登记表",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                [
                    "填报单位：",
                    "嘉鱼县人民政府驻武汉办事处",
                    None,
                    None,
                    None,
                    "金额单位：",
                    "万元",
                    "填报日期：",
                    "2015年7月25日",
                ],
                WANYUAN_HEADER,
                *WANYUAN_ROWS,
                WANYUAN_TOTAL,
                [],
                FOOTER,
            ],
            merges=["A1:I1", "B2:E2", "A7:F7"],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "金额单位：万元（已换算为元）" in err
    assert "第 7 行合计：与第 4–6 行之和相符" in err
    assert_inventory(booked(books, out), WANYUAN_BOOKED)


# --- 3, 4: units in the header --------------------------------------------------------


def test_units_in_the_header_scale_each_column(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "通城县.xlsx",
        Sheet(
            "Sheet1",
            [
                ["通城县人民政府驻武汉办事处资产清查登记表"],
                [
                    "机构代码",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "原值（万元）",
                    "账面净值（万元）",
                    "评估价值（元）",
                ],
                [
                    "XN-TC-WH",
                    "TC-V-0002",
                    "东风日产天籁 鄂L5C033",
                    "车辆",
                    23.98,
                    9.592,
                    85000.0,
                ],
                ["XN-TC-WH", "TC-E-0002", "索尼投影仪", "设备", 0.88, 0.352, 2600.0],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{TC}:Vehicles:TC-V-0002": (
                "95920.00",
                {
                    "asset-id": "TC-V-0002",
                    "name": "东风日产天籁 鄂L5C033",
                    "original-cost": money("239800.00"),
                    "appraisal": money("85000.00"),
                },
            ),
            f"{TC}:Equipment:TC-E-0002": (
                "3520.00",
                {
                    "asset-id": "TC-E-0002",
                    "name": "索尼投影仪",
                    "original-cost": money("8800.00"),
                    "appraisal": money("2600.00"),
                },
            ),
        },
        also_opened=["Equity:Office:XN-TC-WH:NetAssets"],
    )


def test_units_yuan_in_the_header_are_not_scaled(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "通城县（元）.xlsx",
        Sheet(
            "Sheet1",
            [
                [
                    "机构代码",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "原值(元)",
                    "账面净值(元)",
                ],
                ["XN-TC-WH", "TC-V-0003", "长安之星 鄂L2K519", "车辆", 28.5, 15.2],
                ["XN-TC-WH", "TC-V-0004", "五菱荣光 鄂L6J702", "车辆", 52800.0, 21120.5],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "金额单位：元" in err
    assert_inventory(
        booked(books, out),
        {
            f"{TC}:Vehicles:TC-V-0003": (
                "15.20",
                {
                    "asset-id": "TC-V-0003",
                    "name": "长安之星 鄂L2K519",
                    "original-cost": money("28.50"),
                },
            ),
            f"{TC}:Vehicles:TC-V-0004": (
                "21120.50",
                {
                    "asset-id": "TC-V-0004",
                    "name": "五菱荣光 鄂L6J702",
                    "original-cost": money("52800.00"),
                },
            ),
        },
        also_opened=["Equity:Office:XN-TC-WH:NetAssets"],
    )


def test_fill_line_unit_against_header_unit_is_refused(tmp_path, capsys, books, out):
    header = list(HEADER)
    header[5] = "原值（元）"
    path = write_book(
        tmp_path / "矛盾.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：万元"],
                header,
                [
                    1,
                    "JY-V-0008",
                    "别克君威 鄂L1H023",
                    "车辆",
                    D(2012, 1, 5),
                    189800.0,
                    9.49,
                    8.0,
                    "公务用车",
                ],
            ],
        ),
    )
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (
                f"{path}:3:F: [原值（元）] ",
                "金额单位矛盾：表格上方写明金额单位为万元，而该列表头写明为元",
            )
        ],
        count=1,
    )


@pytest.mark.parametrize(
    "unit",
    ["万元（保留两位小数）", "万元。", "万 元"],
    ids=["with-a-note", "with-a-full-stop", "spaced-out"],
)
def test_fill_line_unit_is_never_misread(tmp_path, capsys, books, out, unit):
    """A fill line that states 金额单位 in words the import does not take whole must not
    leave the amounts read as 元 (ten thousand times too small): the amounts are booked
    in 万元, or the file is refused at the fill line naming 金额单位."""
    path = write_book(
        tmp_path / "金额单位.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                [f"填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：{unit}"],
                SHORT_HEADER,
                [
                    1,
                    "JY-V-0019",
                    "别克GL8 鄂L12348",
                    "车辆",
                    D(2011, 5, 1),
                    28.5,
                    15.2,
                    12.6,
                ],
            ],
        ),
    )
    out.write_text(PREVIOUSLY, encoding="utf-8")
    before = out.read_bytes()
    code, _, err = imports(capsys, "inventory", path, books, out)
    if code == 2:
        assert_refused(code, err, out, before, [(f"{path}:2: ", "金额单位")])
        return
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0019": (
                "152000.00",
                {
                    "asset-id": "JY-V-0019",
                    "name": "别克GL8 鄂L12348",
                    "acquired": D(2011, 5, 1),
                    "original-cost": money("285000.00"),
                    "appraisal": money("126000.00"),
                },
            )
        },
    )


# --- 5, 6: totals ---------------------------------------------------------------------


def test_total_that_is_not_the_sum_is_refused(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "合计不符.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                HEADER,
                [
                    1,
                    "JY-B-0006",
                    "武昌区中南路办公用房",
                    "房屋",
                    D(2003, 9, 1),
                    2400000.0,
                    1850000.0,
                    2650000.0,
                    "办公",
                ],
                [
                    2,
                    "JY-B-0007",
                    "汉阳区职工宿舍",
                    "房屋",
                    D(1998, 4, 1),
                    900000.0,
                    650000.0,
                    880000.0,
                    "宿舍",
                ],
                [
                    3,
                    "JY-V-0009",
                    "丰田考斯特 鄂L0K887",
                    "车辆",
                    D(2010, 10, 1),
                    498000.0,
                    149000.0,
                    160000.0,
                    "接待",
                ],
                ["合计", None, None, None, None, 3798000.0, 2650000.0, 3690000.0],
            ],
        ),
    )
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (
                f"{path}:7:G: [账面净值] ",
                "合计为 2,650,000.00 元，而它所合计的第 4–6 行之和为 2,649,000.00 元，"
                "二者不符，相差 1,000.00 元",
            )
        ],
        count=1,
    )


def test_total_above_the_rows_it_sums(tmp_path, capsys, books, out):
    """Finance bureaus' forms put 合计 first, above the rows it sums (财政部's asset
    report tables do): it is checked against the rows below, and the rows are booked."""
    path = write_book(
        tmp_path / "合计在上.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                SHORT_HEADER,
                ["合计", None, None, None, None, 115280.0, 50192.0, 41500.0],
                [
                    1,
                    "JY-V-0020",
                    "大众桑塔纳 鄂L1C606",
                    "车辆",
                    D(2010, 3, 1),
                    109800.0,
                    48000.0,
                    40000.0,
                ],
                [
                    2,
                    "JY-E-0122",
                    "联想台式计算机",
                    "设备",
                    D(2014, 6, 10),
                    5480.0,
                    2192.0,
                    1500.0,
                ],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    (line,) = [x for x in err.splitlines() if "第 4 行合计：" in x]
    assert "第 5–6 行" in line and line.endswith("之和相符")
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0020": (
                "48000.00",
                {
                    "asset-id": "JY-V-0020",
                    "name": "大众桑塔纳 鄂L1C606",
                    "acquired": D(2010, 3, 1),
                    "original-cost": money("109800.00"),
                    "appraisal": money("40000.00"),
                },
            ),
            f"{JY}:Equipment:JY-E-0122": (
                "2192.00",
                {
                    "asset-id": "JY-E-0122",
                    "name": "联想台式计算机",
                    "acquired": D(2014, 6, 10),
                    "original-cost": money("5480.00"),
                    "appraisal": money("1500.00"),
                },
            ),
        },
    )


def _subtotal_form(path: Path, second_subtotal: float) -> Path:
    return write_book(
        path,
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                HEADER,
                ["一、固定资产"],
                [
                    1,
                    "JY-V-0005",
                    "江淮瑞风商务车 鄂L7D512",
                    "车辆",
                    D(2013, 6, 18),
                    186000.0,
                    93000.0,
                    80000.0,
                    "公务用车",
                ],
                [
                    2,
                    "JY-E-0105",
                    "格力空调 KFR-50LW",
                    "设备",
                    D(2012, 7, 2),
                    8999.0,
                    3599.6,
                    2000.0,
                    "办公",
                ],
                [None, None, "小计", None, None, 194999.0, 96599.6, 82000.0],
                ["二、往来款项"],
                [
                    3,
                    "JY-R-0003",
                    "应收湖北某商贸公司房租",
                    "其他应收款",
                    None,
                    None,
                    45000.0,
                ],
                [4, "JY-P-0002", "应付物业管理费", "其他应付款", None, None, 12600.5],
                [None, None, "小计", None, None, None, second_subtotal],
                [None, None, "合计", None, None, 194999.0, 154200.1, 82000.0],
                [],
                FOOTER,
            ],
            merges=["A4:I4", "A8:I8"],
        ),
    )


def test_subtotals_and_total_all_correct(tmp_path, capsys, books, out):
    path = _subtotal_form(tmp_path / "小计.xlsx", 57600.5)
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 7 行小计：与第 5–6 行之和相符" in err
    assert "第 11 行小计：与第 9–10 行之和相符" in err
    assert "第 12 行合计：与" in err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0005": (
                "93000.00",
                {
                    "asset-id": "JY-V-0005",
                    "name": "江淮瑞风商务车 鄂L7D512",
                    "acquired": D(2013, 6, 18),
                    "original-cost": money("186000.00"),
                    "appraisal": money("80000.00"),
                    "use": "公务用车",
                },
            ),
            f"{JY}:Equipment:JY-E-0105": (
                "3599.60",
                {
                    "asset-id": "JY-E-0105",
                    "name": "格力空调 KFR-50LW",
                    "acquired": D(2012, 7, 2),
                    "original-cost": money("8999.00"),
                    "appraisal": money("2000.00"),
                    "use": "办公",
                },
            ),
            f"{JY}:Receivables:JY-R-0003": (
                "45000.00",
                {"asset-id": "JY-R-0003", "name": "应收湖北某商贸公司房租"},
            ),
            "Liabilities:Office:XN-JY-WH:Payables:JY-P-0002": (
                "-12600.50",
                {"asset-id": "JY-P-0002", "name": "应付物业管理费"},
            ),
        },
    )


def test_subtotal_off_by_a_fen_is_refused_at_its_row(tmp_path, capsys, books, out):
    path = _subtotal_form(tmp_path / "小计差一分.xlsx", 57600.51)
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (
                f"{path}:11:G: [账面净值] ",
                "小计为 57,600.51 元，而它所合计的第 9–10 行之和为 57,600.50 元，二者不符，"
                "相差 0.01 元",
            )
        ],
        count=1,
    )


# --- 7, 8: two-row header, units row, 栏次 ---------------------------------------------


def test_two_row_header_with_merged_group(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "通城县驻汉办.xlsx",
        Sheet(
            "附表一",
            [
                ["通城县人民政府驻武汉办事处资产清查登记表"],
                [
                    "填报单位：通城县人民政府驻武汉办事处",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "填报日期：2015年7月28日",
                ],
                [
                    "序号",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "规格型号",
                    "取得日期",
                    "价值（万元）",
                    None,
                    None,
                    "备注",
                ],
                [None, None, None, None, None, None, "原值", "账面净值", "评估价值"],
                [
                    1,
                    "TC-V-0001",
                    "丰田普拉多 鄂LA0917",
                    "车辆",
                    "GRJ150L",
                    D(2010, 8, 20),
                    45.8,
                    13.74,
                    16.2,
                    "拟公开拍卖",
                ],
                [
                    2,
                    "TC-E-0001",
                    "海尔中央空调",
                    "设备",
                    "RFC335MXSAVA",
                    D(2012, 4, 12),
                    3.56,
                    1.424,
                    0.8,
                ],
                [
                    3,
                    "TC-B-0001",
                    "江汉区新华路办公用房",
                    "房屋",
                    None,
                    D(2004, 11, 30),
                    128.6,
                    86.162,
                    215.0,
                    "房产证：武房权证汉字第0412号",
                ],
            ],
            merges=[
                "A1:J1",
                "A3:A4",
                "B3:B4",
                "C3:C4",
                "D3:D4",
                "E3:E4",
                "F3:F4",
                "G3:I3",
                "J3:J4",
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{TC}:Vehicles:TC-V-0001": (
                "137400.00",
                {
                    "asset-id": "TC-V-0001",
                    "name": "丰田普拉多 鄂LA0917",
                    "specification": "GRJ150L",
                    "acquired": D(2010, 8, 20),
                    "original-cost": money("458000.00"),
                    "appraisal": money("162000.00"),
                    "note": "拟公开拍卖",
                },
            ),
            f"{TC}:Equipment:TC-E-0001": (
                "14240.00",
                {
                    "asset-id": "TC-E-0001",
                    "name": "海尔中央空调",
                    "specification": "RFC335MXSAVA",
                    "acquired": D(2012, 4, 12),
                    "original-cost": money("35600.00"),
                    "appraisal": money("8000.00"),
                },
            ),
            f"{TC}:Buildings:TC-B-0001": (
                "861620.00",
                {
                    "asset-id": "TC-B-0001",
                    "name": "江汉区新华路办公用房",
                    "acquired": D(2004, 11, 30),
                    "original-cost": money("1286000.00"),
                    "appraisal": money("2150000.00"),
                    "note": "房产证：武房权证汉字第0412号",
                },
            ),
        },
        also_opened=["Equity:Office:XN-TC-WH:NetAssets"],
    )


def test_units_row_and_column_numbers_row(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "咸安区.xlsx",
        Sheet(
            "附表1",
            [
                ["咸宁市咸安区人民政府驻武汉办事处资产清查登记表"],
                [
                    "序号",
                    "机构代码",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "取得日期",
                    "原值",
                    "账面净值",
                    "评估价值",
                ],
                [None, None, None, None, None, None, "（万元）", "（万元）", "（万元）"],
                ["甲", "乙", "丙", "丁", "戊", "己", 1, 2, 3],
                [
                    1,
                    "XN-XA-WH",
                    "XA-V-0001",
                    "大众帕萨特 鄂L8E260",
                    "车辆",
                    D(2012, 9, 15),
                    24.6,
                    11.07,
                    9.5,
                ],
                [
                    2,
                    "XN-XA-WH",
                    "XA-E-0001",
                    "惠普LaserJet M1136打印机",
                    "设备",
                    D(2014, 3, 3),
                    0.168,
                    0.0672,
                    0.03,
                ],
            ],
            merges=["A1:I1"],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "数据 2 行" in err
    assert_inventory(
        booked(books, out),
        {
            f"{XA}:Vehicles:XA-V-0001": (
                "110700.00",
                {
                    "asset-id": "XA-V-0001",
                    "name": "大众帕萨特 鄂L8E260",
                    "acquired": D(2012, 9, 15),
                    "original-cost": money("246000.00"),
                    "appraisal": money("95000.00"),
                },
            ),
            f"{XA}:Equipment:XA-E-0001": (
                "672.00",
                {
                    "asset-id": "XA-E-0001",
                    "name": "惠普LaserJet M1136打印机",
                    "acquired": D(2014, 3, 3),
                    "original-cost": money("1680.00"),
                    "appraisal": money("300.00"),
                },
            ),
        },
        also_opened=["Equity:Office:XN-XA-WH:NetAssets"],
    )


# --- 9, 10: one sheet per office, offices named on the fill line ------------------------

SHORT_HEADER = [
    "序号",
    "资产编号",
    "资产名称",
    "资产类别",
    "取得日期",
    "原值",
    "账面净值",
    "评估价值",
]


def _workbook_per_office(path: Path, city_total: float = 3257400.0) -> Path:
    return write_book(
        path,
        Sheet(
            "封面",
            [
                ["咸宁市驻武汉办事机构资产清查登记表"],
                [],
                ["填报单位（盖章）：咸宁市机关事务管理局"],
                ["报送日期：2015年7月25日"],
            ],
        ),
        Sheet(
            "嘉鱼县",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县驻汉办", None, None, None, None, None, "金额单位：元"],
                SHORT_HEADER,
                [
                    1,
                    "JY-V-0006",
                    "别克君越 鄂L9F188",
                    "车辆",
                    D(2013, 1, 8),
                    239900.0,
                    119950.0,
                    100000.0,
                ],
                [
                    2,
                    "JY-E-0106",
                    "海信液晶电视 LED55K370",
                    "设备",
                    D(2014, 11, 20),
                    5999.0,
                    4199.3,
                    2500.0,
                ],
                ["合计", None, None, None, None, 245899.0, 124149.3, 102500.0],
            ],
            merges=["A1:H1"],
        ),
        Sheet(
            "咸宁市",
            [
                ["咸宁市人民政府驻武汉办事处资产清查登记表"],
                [
                    "填报单位：咸宁市人民政府驻武汉办事处",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "金额单位：元",
                ],
                SHORT_HEADER,
                [
                    1,
                    "WH-V-0001",
                    "奥迪A6L 鄂LA0001",
                    "车辆",
                    D(2010, 4, 16),
                    458000.0,
                    137400.0,
                    120000.0,
                ],
                [
                    2,
                    "WH-L-0001",
                    "武昌区水果湖土地使用权",
                    "土地使用权",
                    D(1998, 5, 1),
                    1200000.0,
                    960000.0,
                    3500000.0,
                ],
                [
                    3,
                    "WH-B-0001",
                    "武昌区水果湖办公楼",
                    "房屋",
                    D(1998, 5, 1),
                    3600000.0,
                    2160000.0,
                    5200000.0,
                ],
                ["合计", None, None, None, None, 5258000.0, city_total, 8820000.0],
                [],
                ["单位负责人：", None, None, "填表人："],
            ],
            merges=["A1:H1"],
        ),
        Sheet(
            "填表说明",
            [
                ["填表说明："],
                ["1．资产编号按资产卡片编号填写；"],
                ["2．金额单位为元，保留两位小数；"],
                ["3．资产类别按《固定资产分类与代码》（GB/T 14885）填写。"],
            ],
        ),
    )


JIAYU_SHEET = {
    f"{JY}:Vehicles:JY-V-0006": (
        "119950.00",
        {
            "asset-id": "JY-V-0006",
            "name": "别克君越 鄂L9F188",
            "acquired": D(2013, 1, 8),
            "original-cost": money("239900.00"),
            "appraisal": money("100000.00"),
        },
    ),
    f"{JY}:Equipment:JY-E-0106": (
        "4199.30",
        {
            "asset-id": "JY-E-0106",
            "name": "海信液晶电视 LED55K370",
            "acquired": D(2014, 11, 20),
            "original-cost": money("5999.00"),
            "appraisal": money("2500.00"),
        },
    ),
}
CITY_SHEET = {
    f"{WH}:Vehicles:WH-V-0001": (
        "137400.00",
        {
            "asset-id": "WH-V-0001",
            "name": "奥迪A6L 鄂LA0001",
            "acquired": D(2010, 4, 16),
            "original-cost": money("458000.00"),
            "appraisal": money("120000.00"),
        },
    ),
    f"{WH}:Land:WH-L-0001": (
        "960000.00",
        {
            "asset-id": "WH-L-0001",
            "name": "武昌区水果湖土地使用权",
            "acquired": D(1998, 5, 1),
            "original-cost": money("1200000.00"),
            "appraisal": money("3500000.00"),
        },
    ),
    f"{WH}:Buildings:WH-B-0001": (
        "2160000.00",
        {
            "asset-id": "WH-B-0001",
            "name": "武昌区水果湖办公楼",
            "acquired": D(1998, 5, 1),
            "original-cost": money("3600000.00"),
            "appraisal": money("5200000.00"),
        },
    ),
}


def test_one_sheet_per_office(tmp_path, capsys, books, out):
    path = _workbook_per_office(tmp_path / "咸宁市驻汉机构资产清查.xlsx")
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "跳过的工作表（没有登记表）：封面、填表说明" in err
    assert "工作表「嘉鱼县」：数据 2 行" in err
    assert "工作表「咸宁市」：数据 3 行" in err
    assert "机构由填报单位「嘉鱼县驻汉办」确定为 XN-JY-WH" in err
    assert "机构由填报单位「咸宁市人民政府驻武汉办事处」确定为 XN-WH" in err
    assert_inventory(
        booked(books, out),
        {**JIAYU_SHEET, **CITY_SHEET},
        also_opened=["Equity:Office:XN-WH:NetAssets"],
    )


def test_one_sheet_chosen(tmp_path, capsys, books, out):
    path = _workbook_per_office(tmp_path / "咸宁市驻汉机构资产清查.xlsx")
    code, _, err = imports(capsys, "inventory", path, books, out, "--sheet", "咸宁市")
    assert code == 0, err
    assert "新增 3 行" in err
    assert_inventory(
        booked(books, out), CITY_SHEET, also_opened=["Equity:Office:XN-WH:NetAssets"]
    )


def test_problem_in_one_sheet_of_several_names_the_sheet(tmp_path, capsys, books, out):
    path = _workbook_per_office(tmp_path / "咸宁市驻汉机构资产清查.xlsx", 3257400.5)
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (
                f"{path}[咸宁市]:7:G: [账面净值] ",
                "合计为 3,257,400.50 元，而它所合计的第 4–6 行之和为 3,257,400.00 元",
            )
        ],
        count=1,
    )


def test_hidden_sheet_is_not_booked_unseen(tmp_path, capsys, books, out):
    """A workbook that keeps last year's register on a hidden sheet: what the accountant
    cannot see is not booked without a word. Either the hidden sheet is skipped and
    named, or the import is refused naming it; never are its rows silently booked."""
    path = write_book(
        tmp_path / "隐藏工作表.xlsx",
        Sheet(
            "2015年",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                SHORT_HEADER,
                [1, "JY-E-0123", "联想台式计算机", "设备", D(2014, 6, 10), 5480.0, 2192.0],
            ],
        ),
        Sheet(
            "2014年（旧表）",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                SHORT_HEADER,
                [1, "JY-E-0009", "旧台式计算机", "设备", D(2008, 1, 1), 4800.0, 240.0],
            ],
        ),
    )

    def hide(xml: str) -> str:
        # openpyxl writes state="visible" on every sheet: make the old one hidden
        return re.sub(
            r'(<sheet [^>]*name="2014年（旧表）"[^>]*?)state="visible"',
            r'\1state="hidden"',
            xml,
        )

    patch_zip(path, "xl/workbook.xml", hide)
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert "2014年（旧表）" in err
    if code == 2:
        assert "未写入任何文件" in err and not out.exists()
        return
    assert code == 0, err
    assert "JY-E-0009" not in out.read_text(encoding="utf-8")
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Equipment:JY-E-0123": (
                "2192.00",
                {
                    "asset-id": "JY-E-0123",
                    "name": "联想台式计算机",
                    "acquired": D(2014, 6, 10),
                    "original-cost": money("5480.00"),
                },
            )
        },
    )


def _fill_line_form(path: Path, office: str) -> Path:
    return write_book(
        path,
        Sheet(
            "附表1",
            [
                ["资产清查登记表"],
                [f"填报单位：{office}    金额单位：元"],
                SHORT_HEADER,
                [
                    1,
                    "XX-V-0001",
                    "东风本田思域 鄂L3C118",
                    "车辆",
                    D(2012, 2, 1),
                    129800.0,
                    51920.0,
                    45000.0,
                ],
            ],
        ),
    )


def test_fill_line_naming_no_office_is_refused(tmp_path, capsys, books, out):
    path = _fill_line_form(tmp_path / "赤壁市.xlsx", "赤壁市人民政府驻武汉办事处")
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (
                f"{path}:2: ",
                "填报单位「赤壁市人民政府驻武汉办事处」与账本中任何机构的名称都不符",
            )
        ],
        count=1,
    )


def test_fill_line_naming_several_offices_is_refused(tmp_path, capsys, books, out):
    path = _fill_line_form(tmp_path / "咸宁市.xlsx", "咸宁市")
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (f"{path}:2: ", "填报单位「咸宁市」与账本中多个机构的名称相符"),
            (f"{path}:2: ", "XN-WH 咸宁市人民政府驻武汉办事处"),
            (f"{path}:2: ", "XN-XA-WH 咸宁市咸安区人民政府驻武汉办事处"),
        ],
        count=1,
    )


@pytest.mark.parametrize(
    "fill_line",
    [
        "填报单位：嘉鱼县人民政府驻武汉办事处（盖章）    金额单位：元",
        "填报单位（盖章）：嘉鱼县人民政府驻武汉办事处    金额单位：元",
    ],
    ids=["stamp-after-the-name", "stamp-after-the-label"],
)
def test_fill_line_with_the_stamp(tmp_path, capsys, books, out, fill_line):
    """Forms ask for the stamp on the fill line, after the name or after the label."""
    path = write_book(
        tmp_path / "盖章.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                [fill_line],
                SHORT_HEADER,
                [
                    1,
                    "JY-E-0120",
                    "联想台式计算机",
                    "设备",
                    D(2014, 6, 10),
                    5480.0,
                    2192.0,
                    1500.0,
                ],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Equipment:JY-E-0120": (
                "2192.00",
                {
                    "asset-id": "JY-E-0120",
                    "name": "联想台式计算机",
                    "acquired": D(2014, 6, 10),
                    "original-cost": money("5480.00"),
                    "appraisal": money("1500.00"),
                },
            )
        },
    )


# --- 11, 12: group titles, blank rows -------------------------------------------------

GROUPED = {
    f"{JY}:Vehicles:JY-V-0007": (
        "62000.00",
        {
            "asset-id": "JY-V-0007",
            "name": "雪佛兰科鲁兹 鄂L5G371",
            "acquired": D(2011, 7, 1),
            "original-cost": money("124000.00"),
        },
    ),
    f"{JY}:Equipment:JY-E-0107": (
        "1450.00",
        {
            "asset-id": "JY-E-0107",
            "name": "爱普生投影仪",
            "acquired": D(2013, 4, 9),
            "original-cost": money("5800.00"),
        },
    ),
    f"{WH}:Vehicles:WH-V-0002": (
        "88000.00",
        {
            "asset-id": "WH-V-0002",
            "name": "帕杰罗 鄂L8A008",
            "acquired": D(2011, 3, 1),
            "original-cost": money("352000.00"),
        },
    ),
    f"{WH}:Equipment:WH-E-0001": (
        "3300.00",
        {
            "asset-id": "WH-E-0001",
            "name": "美的柜式空调",
            "acquired": D(2012, 6, 1),
            "original-cost": money("8250.00"),
        },
    ),
}


def _grouped_rows(blank: bool) -> list[list]:
    gap = [[]] if blank else []
    return [
        ["咸宁市驻武汉办事机构资产清查登记表"],
        ["金额单位：元"],
        ["序号", "资产编号", "资产名称", "资产类别", "取得日期", "原值", "账面净值"],
        *gap,
        ["一、嘉鱼县人民政府驻武汉办事处"],
        [1, "JY-V-0007", "雪佛兰科鲁兹 鄂L5G371", "车辆", D(2011, 7, 1), 124000.0, 62000.0],
        [2, "JY-E-0107", "爱普生投影仪", "设备", D(2013, 4, 9), 5800.0, 1450.0],
        *gap,
        *gap,
        ["二、咸宁市人民政府驻武汉办事处"],
        [1, "WH-V-0002", "帕杰罗 鄂L8A008", "车辆", D(2011, 3, 1), 352000.0, 88000.0],
        *gap,
        [2, "WH-E-0001", "美的柜式空调", "设备", D(2012, 6, 1), 8250.0, 3300.0],
        *gap,
        ["合计", None, None, None, None, 490050.0, 154750.0],
    ]


def test_group_titles_name_the_offices(tmp_path, capsys, books, out):
    rows = _grouped_rows(blank=False)
    path = write_book(
        tmp_path / "分组.xlsx", Sheet("Sheet1", rows, merges=["A1:G1", "A4:G4", "A7:G7"])
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "分组标题确定的机构：XN-JY-WH、XN-WH" in err
    assert_inventory(
        booked(books, out), GROUPED, also_opened=["Equity:Office:XN-WH:NetAssets"]
    )


def test_blank_rows_between_groups_are_read_past(tmp_path, capsys, books, out):
    rows = _grouped_rows(blank=True)
    path = write_book(tmp_path / "空行.xlsx", Sheet("Sheet1", rows))
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "数据 4 行" in err
    (line,) = [x for x in err.splitlines() if "第 15 行合计：" in x]
    assert "第 6–13 行" in line and line.endswith("之和相符")
    assert_inventory(
        booked(books, out), GROUPED, also_opened=["Equity:Office:XN-WH:NetAssets"]
    )


def test_blank_row_in_a_csv_with_office_codes_is_read_past(tmp_path, capsys, books, out):
    """What ``tests/importers/bad/blank-row-middle.csv`` was refused for, now read."""
    rows = [
        [
            "机构代码",
            "资产编号",
            "资产名称",
            "资产类别",
            "取得日期",
            "原值",
            "账面净值",
            "评估价值",
            "用途",
            "登记日期",
        ],
        [
            "XN-JY-WH",
            "JY-V-0010",
            "别克GL8 鄂L12346",
            "车辆",
            "2011-05-01",
            "280000.00",
            "150000.00",
            "120000.00",
            "办公",
            "2015-07-25",
        ],
        [],
        [
            "XN-WH",
            "WH-V-0003",
            "别克GL8 鄂L12347",
            "车辆",
            "2011-05-01",
            "280000.00",
            "150000.00",
            "120000.00",
            "办公",
            "2015-07-25",
        ],
    ]
    path = write_excel_csv(tmp_path / "空行.csv", rows, "gbk")
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    car = {
        "acquired": D(2011, 5, 1),
        "original-cost": money("280000.00"),
        "appraisal": money("120000.00"),
        "use": "办公",
    }
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0010": (
                "150000.00",
                {"asset-id": "JY-V-0010", "name": "别克GL8 鄂L12346", **car},
            ),
            f"{WH}:Vehicles:WH-V-0003": (
                "150000.00",
                {"asset-id": "WH-V-0003", "name": "别克GL8 鄂L12347", **car},
            ),
        },
        also_opened=["Equity:Office:XN-WH:NetAssets"],
        date=D(2015, 7, 25),
    )


def test_numbered_rows_of_the_printed_form_left_empty(tmp_path, capsys, books, out):
    """A form printed with 序号 1–6 and filled in for two assets: rows holding nothing
    but their number hold no asset, and are read past like blank rows."""
    path = write_book(
        tmp_path / "空白序号.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                SHORT_HEADER,
                [
                    1,
                    "JY-V-0018",
                    "东风雪铁龙 鄂L3E447",
                    "车辆",
                    D(2011, 11, 1),
                    135800.0,
                    45266.67,
                    40000.0,
                ],
                [2, "JY-E-0121", "联想台式计算机", "设备", D(2014, 6, 10), 5480.0, 2192.0],
                [3],
                [4],
                [5],
                [6],
                ["合计", None, None, None, None, 141280.0, 47458.67, 40000.0],
                FOOTER,
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "数据 2 行" in err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0018": (
                "45266.67",
                {
                    "asset-id": "JY-V-0018",
                    "name": "东风雪铁龙 鄂L3E447",
                    "acquired": D(2011, 11, 1),
                    "original-cost": money("135800.00"),
                    "appraisal": money("40000.00"),
                },
            ),
            f"{JY}:Equipment:JY-E-0121": (
                "2192.00",
                {
                    "asset-id": "JY-E-0121",
                    "name": "联想台式计算机",
                    "acquired": D(2014, 6, 10),
                    "original-cost": money("5480.00"),
                },
            ),
        },
    )


# --- 13: descriptive columns ------------------------------------------------------------


def test_descriptive_columns_are_kept_as_metadata(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "明细.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处固定资产明细表"],
                [
                    "填报单位：嘉鱼县人民政府驻武汉办事处",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "金额单位：万元",
                ],
                [
                    "序号",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "规格型号",
                    "数量",
                    "计量单位",
                    "取得日期",
                    "原值",
                    "累计折旧",
                    "账面净值",
                    "使用部门",
                    "存放地点",
                    "产权证号",
                    "备注",
                ],
                [
                    1,
                    "JY-E-0108",
                    "戴尔笔记本电脑",
                    "通用设备",
                    "Latitude E5450",
                    2,
                    "台",
                    D(2015, 1, 10),
                    1.18,
                    0.295,
                    0.885,
                    "综合科",
                    "办事处二楼办公室",
                    None,
                    "其中1台在维修",
                ],
                [
                    2,
                    "JY-B-0005",
                    "武昌区中北路办公楼",
                    "房屋及构筑物",
                    "框架结构",
                    1260.5,
                    "平方米",
                    D(2003, 9, 1),
                    265.1234,
                    66.2808,
                    198.8426,
                    "办事处",
                    "武昌区中北路108号",
                    "武房权证昌字第2003012345号",
                ],
                [
                    3,
                    "JY-F-0001",
                    "会议桌椅",
                    "家具、用具、装具及动植物",
                    "1.8m×0.9m",
                    12,
                    "套",
                    D(2012, 5, 20),
                    2.4,
                    1.44,
                    0.96,
                    "办公室",
                    "三楼会议室",
                ],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "未使用的列：产权证号（N 列）" in err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Equipment:JY-E-0108": (
                "8850.00",
                {
                    "asset-id": "JY-E-0108",
                    "name": "戴尔笔记本电脑",
                    "acquired": D(2015, 1, 10),
                    "original-cost": money("11800.00"),
                    "specification": "Latitude E5450",
                    "quantity": "2",
                    "department": "综合科",
                    "location": "办事处二楼办公室",
                    "accumulated-depreciation": money("2950.00"),
                    "note": "其中1台在维修",
                },
            ),
            f"{JY}:Buildings:JY-B-0005": (
                "1988426.00",
                {
                    "asset-id": "JY-B-0005",
                    "name": "武昌区中北路办公楼",
                    "acquired": D(2003, 9, 1),
                    "original-cost": money("2651234.00"),
                    "specification": "框架结构",
                    "quantity": "1260.5",
                    "department": "办事处",
                    "location": "武昌区中北路108号",
                    "accumulated-depreciation": money("662808.00"),
                },
            ),
            f"{JY}:Equipment:JY-F-0001": (
                "9600.00",
                {
                    "asset-id": "JY-F-0001",
                    "name": "会议桌椅",
                    "acquired": D(2012, 5, 20),
                    "original-cost": money("24000.00"),
                    "specification": "1.8m×0.9m",
                    "quantity": "12",
                    "department": "办公室",
                    "location": "三楼会议室",
                    "accumulated-depreciation": money("14400.00"),
                },
            ),
        },
    )


# --- 14, 15, 16: values as Excel holds them --------------------------------------------


def test_floats_as_excel_holds_them(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "浮点.xlsx",
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                ["序号", "资产编号", "资产名称", "资产类别", "原值", "账面净值"],
                [1, "JY-E-0109", "会议室音响系统", "设备", 28600.0, 11440.009999999998],
                [
                    2,
                    "JY-R-0004",
                    "应收银行存款利息",
                    "其他应收款",
                    None,
                    0.30000000000000004,
                ],
                [
                    "合计",
                    None,
                    None,
                    None,
                    28600.0,
                    11440.009999999998 + 0.30000000000000004,
                ],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 5 行合计：与第 3–4 行之和相符" in err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Equipment:JY-E-0109": (
                "11440.01",
                {
                    "asset-id": "JY-E-0109",
                    "name": "会议室音响系统",
                    "original-cost": money("28600.00"),
                },
            ),
            f"{JY}:Receivables:JY-R-0004": (
                "0.30",
                {"asset-id": "JY-R-0004", "name": "应收银行存款利息"},
            ),
        },
    )


def test_dates_in_chinese_formats(tmp_path, capsys, books, out):
    chinese_day = 'yyyy"年"m"月"d"日"'
    path = write_book(
        tmp_path / "日期格式.xlsx",
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处"],
                [
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "取得日期",
                    "原值",
                    "账面净值",
                    "登记日期",
                ],
                [
                    "JY-V-0011",
                    "现代索纳塔 鄂L4D650",
                    "车辆",
                    D(2011, 5, 1),
                    189900.0,
                    75960.0,
                    D(2015, 7, 25),
                ],
                [
                    "JY-E-0111",
                    "东芝复印机",
                    "设备",
                    D(2013, 2, 15),
                    23500.0,
                    9400.0,
                    D(2015, 7, 25),
                ],
                [
                    "JY-E-0112",
                    "保险柜",
                    "设备",
                    D(2014, 6, 10),
                    3600.0,
                    2160.0,
                    datetime.datetime(2015, 7, 25),
                ],
            ],
            formats={
                "D3": "d-mmm",  # built-in 16, patched to 31 below
                "D4": "mmm-yy",  # built-in 17, patched to 57 below
                "D5": chinese_day,
                "G3": "d-mmm",
                "G4": "mmm-yy",
                "G5": chinese_day,
            },
        ),
    )
    use_builtin_formats(path, {16: 31, 17: 57})
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0011": (
                "75960.00",
                {
                    "asset-id": "JY-V-0011",
                    "name": "现代索纳塔 鄂L4D650",
                    "acquired": D(2011, 5, 1),
                    "original-cost": money("189900.00"),
                },
            ),
            f"{JY}:Equipment:JY-E-0111": (
                "9400.00",
                {
                    "asset-id": "JY-E-0111",
                    "name": "东芝复印机",
                    "acquired": D(2013, 2, 15),
                    "original-cost": money("23500.00"),
                },
            ),
            f"{JY}:Equipment:JY-E-0112": (
                "2160.00",
                {
                    "asset-id": "JY-E-0112",
                    "name": "保险柜",
                    "acquired": D(2014, 6, 10),
                    "original-cost": money("3600.00"),
                },
            ),
        },
        date=D(2015, 7, 25),
    )


def test_amounts_written_as_text(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "文本金额.xlsx",
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                ["资产编号", "资产名称", "资产类别", "原值", "账面净值", "评估价值"],
                [
                    "JY-V-0012",
                    "依维柯 鄂L0M316",
                    "车辆",
                    "￥２８０，０００．００",
                    "¥1,234.50",
                    " ￥-   ",
                ],
                [
                    "JY-B-0008",
                    "青山区和平大道门面房",
                    "房屋",
                    "1,234,567.89",
                    "987,654.32",
                    "¥1,500,000.00",
                ],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0012": (
                "1234.50",
                {
                    "asset-id": "JY-V-0012",
                    "name": "依维柯 鄂L0M316",
                    "original-cost": money("280000.00"),
                    "appraisal": money("0.00"),
                },
            ),
            f"{JY}:Buildings:JY-B-0008": (
                "987654.32",
                {
                    "asset-id": "JY-B-0008",
                    "name": "青山区和平大道门面房",
                    "original-cost": money("1234567.89"),
                    "appraisal": money("1500000.00"),
                },
            ),
        },
    )


# --- 17, 18: the words in use -----------------------------------------------------------


def test_categories_in_the_words_registers_use(tmp_path, capsys, books, out):
    rows = [
        ("JY-E-0201", "联想ThinkCentre台式机", "通用设备", D(2014, 3, 1), 4800.0, 1920.0),
        ("JY-E-0202", "车载GPS监控终端", "专用设备", D(2013, 5, 1), 12000.0, 4800.0),
        (
            "JY-V-0201",
            "本田雅阁 鄂L2G066",
            "交通运输设备",
            D(2012, 10, 1),
            219800.0,
            87920.0,
        ),
        (
            "JY-E-0203",
            "实木办公桌",
            "家具、用具、装具及动植物",
            D(2010, 6, 1),
            3200.0,
            640.0,
        ),
        (
            "JY-B-0201",
            "汉口青年路宿舍楼",
            "房屋及构筑物",
            D(1999, 12, 1),
            860000.0,
            430000.0,
        ),
        (
            "JY-Q-0001",
            "嘉鱼县驻汉宾馆有限公司股权",
            "长期投资",
            D(2005, 1, 1),
            500000.0,
            500000.0,
        ),
        ("JY-R-0201", "应收武汉嘉鱼商会会费", "应收款项", None, None, 3000.0),
        ("JY-R-0202", "职工借款", "其他应收款", None, None, 1500.0),
        ("JY-P-0201", "应付湖北某装饰公司工程款", "应付款项", None, None, 56000.0),
        ("JY-P-0202", "代收职工住房公积金", "其他应付款", None, None, 8420.5),
        ("JY-C-0001", "中国工商银行武汉中南路支行", "银行存款", None, None, 186532.17),
        ("JY-C-0002", "库存现金", "货币资金", None, None, 2380.6),
    ]
    path = write_book(
        tmp_path / "分类.xlsx",
        Sheet(
            "Sheet1",
            [
                [
                    "机构代码",
                    "资产编号",
                    "资产名称",
                    "资产分类",
                    "取得时间",
                    "账面原值",
                    "账面净值",
                ],
                *(["XN-JY-WH", *row] for row in rows),
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    expected_accounts = {
        "JY-E-0201": (f"{JY}:Equipment:JY-E-0201", "1920.00"),
        "JY-E-0202": (f"{JY}:Equipment:JY-E-0202", "4800.00"),
        "JY-V-0201": (f"{JY}:Vehicles:JY-V-0201", "87920.00"),
        "JY-E-0203": (f"{JY}:Equipment:JY-E-0203", "640.00"),
        "JY-B-0201": (f"{JY}:Buildings:JY-B-0201", "430000.00"),
        "JY-Q-0001": (f"{JY}:Enterprises:JY-Q-0001", "500000.00"),
        "JY-R-0201": (f"{JY}:Receivables:JY-R-0201", "3000.00"),
        "JY-R-0202": (f"{JY}:Receivables:JY-R-0202", "1500.00"),
        "JY-P-0201": ("Liabilities:Office:XN-JY-WH:Payables:JY-P-0201", "-56000.00"),
        "JY-P-0202": ("Liabilities:Office:XN-JY-WH:Payables:JY-P-0202", "-8420.50"),
        "JY-C-0001": (f"{JY}:Cash:JY-C-0001", "186532.17"),
        "JY-C-0002": (f"{JY}:Cash:JY-C-0002", "2380.60"),
    }
    expected = {}
    for asset_id, name, _, acquired, cost, _ in rows:
        account, amount = expected_accounts[asset_id]
        meta = {"asset-id": asset_id, "name": name}
        if acquired is not None:
            meta["acquired"] = acquired
            meta["original-cost"] = money(f"{cost:.2f}")
        expected[account] = (amount, meta)
    assert_inventory(booked(books, out), expected)


def test_intangible_assets_are_refused_row_by_row(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "无形资产.xlsx",
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                [],
                [
                    "序号",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "取得日期",
                    "原值",
                    "账面净值",
                ],
                [
                    1,
                    "JY-L-0001",
                    "武昌区中南路土地使用权",
                    "土地使用权",
                    D(2003, 9, 1),
                    800000.0,
                    640000.0,
                ],
                [
                    2,
                    "JY-I-0001",
                    "办公软件（用友U8财务软件）",
                    "无形资产",
                    D(2012, 3, 1),
                    38000.0,
                    7600.0,
                ],
                [3, "JY-I-0002", "金蝶K3", "软件", D(2013, 3, 1), 12000.0, 4800.0],
            ],
        ),
    )
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (f"{path}:5:D: [资产类别] ", "无形资产（土地使用权除外）不能记入本账本"),
            (f"{path}:6:D: [资产类别] ", "软件（无形资产）不能记入本账本"),
        ],
        count=2,
    )
    assert f"{path}:4:" not in err


def test_land_use_right_is_land(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "土地.xlsx",
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                [
                    "序号",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "取得日期",
                    "原值",
                    "账面净值",
                ],
                [
                    1,
                    "JY-L-0001",
                    "武昌区中南路土地使用权",
                    "土地使用权",
                    D(2003, 9, 1),
                    800000.0,
                    640000.0,
                ],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Land:JY-L-0001": (
                "640000.00",
                {
                    "asset-id": "JY-L-0001",
                    "name": "武昌区中南路土地使用权",
                    "acquired": D(2003, 9, 1),
                    "original-cost": money("800000.00"),
                },
            )
        },
    )


def test_land_use_right_kept_under_intangibles_is_land(tmp_path, capsys, books, out):
    """政府会计制度 keeps land use rights under 无形资产; the refusal of 无形资产
    itself says "土地使用权除外", so a row classed 无形资产—土地使用权 is land, not
    refused."""
    path = write_book(
        tmp_path / "无形资产-土地使用权.xlsx",
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                ["资产编号", "资产名称", "资产类别", "账面净值"],
                ["JY-L-0002", "汉阳区土地使用权", "无形资产—土地使用权", 520000.0],
            ],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Land:JY-L-0002": (
                "520000.00",
                {"asset-id": "JY-L-0002", "name": "汉阳区土地使用权"},
            )
        },
    )


# --- 19, 20: formulas and merged cells ---------------------------------------------------


def test_formula_without_a_stored_result_is_refused(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "公式.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                HEADER,
                [
                    1,
                    "JY-V-0013",
                    "荣威950 鄂L1N880",
                    "车辆",
                    D(2013, 8, 1),
                    230000.0,
                    115000.0,
                    100000.0,
                    "公务用车",
                ],
                [
                    2,
                    "JY-E-0113",
                    "松下摄像机",
                    "设备",
                    D(2014, 1, 1),
                    12800.0,
                    "=F5*0.4",
                    3000.0,
                    "宣传",
                ],
            ],
        ),
    )
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [(f"{path}:5:G: [账面净值] ", "是公式，但文件中没有保存它的计算结果")],
        count=1,
    )


def _formula_total_form(path: Path, total_book_value: str) -> Path:
    write_book(
        path,
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                HEADER,
                [
                    1,
                    "JY-V-0014",
                    "奇瑞东方之子 鄂L7P221",
                    "车辆",
                    D(2010, 12, 1),
                    156000.0,
                    "=F4*0.25",
                    40000.0,
                    "公务用车",
                ],
                [
                    2,
                    "JY-E-0114",
                    "方正台式电脑",
                    "设备",
                    D(2014, 9, 1),
                    4980.0,
                    2988.0,
                    1000.0,
                    "办公",
                ],
                [
                    3,
                    "JY-E-0115",
                    "美的冰箱",
                    "设备",
                    D(2013, 7, 1),
                    3299.0,
                    1319.6,
                    500.0,
                    "后勤",
                ],
                [
                    "合计",
                    None,
                    None,
                    None,
                    None,
                    "=SUM(F4:F6)",
                    "=SUM(G4:G6)",
                    "=SUM(H4:H6)",
                ],
            ],
        ),
    )
    cache_formula_results(
        path,
        1,
        {"G4": "39000", "F7": "164279", "G7": total_book_value, "H7": "41500"},
    )
    return path


def test_formulas_with_stored_results_are_read_and_checked(tmp_path, capsys, books, out):
    path = _formula_total_form(tmp_path / "公式合计.xlsx", "43307.599999999999")
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 7 行合计：与第 4–6 行之和相符" in err
    equipment = {"use": "办公"}
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0014": (
                "39000.00",
                {
                    "asset-id": "JY-V-0014",
                    "name": "奇瑞东方之子 鄂L7P221",
                    "acquired": D(2010, 12, 1),
                    "original-cost": money("156000.00"),
                    "appraisal": money("40000.00"),
                    "use": "公务用车",
                },
            ),
            f"{JY}:Equipment:JY-E-0114": (
                "2988.00",
                {
                    "asset-id": "JY-E-0114",
                    "name": "方正台式电脑",
                    "acquired": D(2014, 9, 1),
                    "original-cost": money("4980.00"),
                    "appraisal": money("1000.00"),
                    **equipment,
                },
            ),
            f"{JY}:Equipment:JY-E-0115": (
                "1319.60",
                {
                    "asset-id": "JY-E-0115",
                    "name": "美的冰箱",
                    "acquired": D(2013, 7, 1),
                    "original-cost": money("3299.00"),
                    "appraisal": money("500.00"),
                    "use": "后勤",
                },
            ),
        },
    )


def test_stored_formula_total_that_is_wrong_is_refused(tmp_path, capsys, books, out):
    path = _formula_total_form(tmp_path / "公式合计不符.xlsx", "43307.7")
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (
                f"{path}:7:G: [账面净值] ",
                "合计为 43,307.70 元，而它所合计的第 4–6 行之和为 43,307.60 元",
            )
        ],
        count=1,
    )


def test_merged_office_column_is_filled_down(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "合并机构代码.xlsx",
        Sheet(
            "附表1",
            [
                ["咸宁市驻武汉办事机构资产清查登记表"],
                ["金额单位：元"],
                [],
                [
                    "机构代码",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "存放地点",
                    "原值",
                    "账面净值",
                ],
                [
                    "XN-TC-WH",
                    "TC-E-0003",
                    "联想扬天台式机",
                    "设备",
                    "办公室",
                    4500.0,
                    1800.0,
                ],
                [None, "TC-E-0004", "联想扬天台式机", None, None, 4500.0, 1800.0],
                [
                    None,
                    "TC-V-0005",
                    "江铃全顺 鄂L3M905",
                    "车辆",
                    "地下车库",
                    168000.0,
                    67200.0,
                ],
                ["XN-XA-WH", "XA-E-0002", "得力碎纸机", "设备", "档案室", 980.0, 392.0],
                [None, "XA-E-0003", "得力碎纸机", None, None, 980.0, 392.0],
            ],
            merges=["A5:A7", "D5:D6", "E5:E6", "A8:A9", "D8:D9", "E8:E9"],
        ),
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err

    def pc(asset_id: str, office: str, place: str) -> tuple[str, dict]:
        return (
            {"XN-TC-WH": "1800.00", "XN-XA-WH": "392.00"}[office],
            {
                "asset-id": asset_id,
                "name": "联想扬天台式机" if office == "XN-TC-WH" else "得力碎纸机",
                "location": place,
                "original-cost": money("4500.00" if office == "XN-TC-WH" else "980.00"),
            },
        )

    assert_inventory(
        booked(books, out),
        {
            f"{TC}:Equipment:TC-E-0003": pc("TC-E-0003", "XN-TC-WH", "办公室"),
            f"{TC}:Equipment:TC-E-0004": pc("TC-E-0004", "XN-TC-WH", "办公室"),
            f"{TC}:Vehicles:TC-V-0005": (
                "67200.00",
                {
                    "asset-id": "TC-V-0005",
                    "name": "江铃全顺 鄂L3M905",
                    "location": "地下车库",
                    "original-cost": money("168000.00"),
                },
            ),
            f"{XA}:Equipment:XA-E-0002": pc("XA-E-0002", "XN-XA-WH", "档案室"),
            f"{XA}:Equipment:XA-E-0003": pc("XA-E-0003", "XN-XA-WH", "档案室"),
        },
        also_opened=[
            "Equity:Office:XN-TC-WH:NetAssets",
            "Equity:Office:XN-XA-WH:NetAssets",
        ],
    )


def test_merged_amount_over_two_rows_is_refused(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "合并金额.xlsx",
        Sheet(
            "附表1",
            [
                ["咸宁市驻武汉办事机构资产清查登记表"],
                ["金额单位：元"],
                [],
                [
                    "机构代码",
                    "资产编号",
                    "资产名称",
                    "资产类别",
                    "存放地点",
                    "原值",
                    "账面净值",
                ],
                ["XN-TC-WH", "TC-E-0005", "格力空调", "设备", "会议室", 7600.0, 6080.0],
                ["XN-TC-WH", "TC-E-0006", "格力空调", "设备", "会议室", 7600.0],
                ["XN-TC-WH", "TC-E-0007", "文件柜", "设备", "档案室", 1200.0, 480.0],
            ],
            merges=["G5:G6"],
        ),
    )
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [(f"{path}:5:G:", "合并单元格 G5:G6；金额和资产编号不能跨行合并")],
        count=1,
    )


# --- 21, 22: disposal results from the trading centre -----------------------------------


def test_trading_centre_results_in_wanyuan(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "成交结果.xlsx",
        Sheet(
            "成交结果",
            [
                ["咸宁市公共资源交易中心国有资产处置成交结果汇总表"],
                [
                    "填报单位：咸宁市公共资源交易中心    金额单位：万元    "
                    "填报日期：2015年9月10日"
                ],
                [
                    "序号",
                    "标的名称",
                    "资产编号",
                    "处置方式",
                    "成交日期",
                    "评估价",
                    "成交价",
                    "买受人",
                    "批准文号",
                ],
                [
                    1,
                    "嘉鱼县驻汉办办公楼",
                    "JY-B-0001",
                    "公开拍卖",
                    D(2015, 8, 20),
                    250.0,
                    265.1234,
                    "武汉鑫源置业有限公司",
                    "咸机管〔2015〕21号",
                ],
                [
                    2,
                    "别克GL8 鄂L12345",
                    "JY-V-0001",
                    "协议转让",
                    D(2015, 8, 25),
                    12.0,
                    12.35,
                    "咸宁市通达运输有限公司",
                    "咸机管〔2015〕22号",
                ],
                [
                    3,
                    "联想台式电脑 启天M4350",
                    "JY-E-0011",
                    "调拨",
                    D(2015, 9, 1),
                    0.21,
                    "—",
                    "咸宁市机关事务管理局",
                    "咸机管〔2015〕23号",
                ],
                ["合计", None, None, None, None, 262.21, 277.4734],
                [],
                ["经办人：刘洋", None, None, "审核人：陈刚"],
            ],
            merges=["A1:I1", "A2:I2"],
        ),
    )
    code, stdout, err = run_cli(
        capsys, "import", "disposals", path, "--ledger", books, "--output", out
    )
    assert code == 0, err
    assert "第 7 行合计：与第 4–6 行之和相符" in err
    result = booked(books, out)
    assert set(result.opens) == {
        "Expenses:Office:XN-JY-WH:Disposal",
        f"{JY}:Cash",
        "Liabilities:Office:XN-JY-WH:DueToTreasury",
    }
    assert {a: o.date for a, o in result.opens.items()} == dict.fromkeys(
        result.opens, D(2015, 8, 20)
    )
    assert len(result.transactions) == 3
    auction, sale, transfer = sorted(result.transactions, key=lambda t: t.date)
    assert (auction.date, auction.payee) == (D(2015, 8, 20), "武汉鑫源置业有限公司")
    assert plain_meta(auction.meta) == {
        "disposal": "auction",
        "approval": "咸机管〔2015〕21号",
        "appraisal": money("2500000.00"),
        "asset-id": "JY-B-0001",
    }
    assert postings_of(auction) == [
        (f"{JY}:Buildings:JY-B-0001", "-2400000.00"),
        ("Expenses:Office:XN-JY-WH:Disposal", "2400000.00"),
        (f"{JY}:Cash", "2651234.00"),
        ("Liabilities:Office:XN-JY-WH:DueToTreasury", "-2651234.00"),
    ]
    assert (sale.date, sale.payee) == (D(2015, 8, 25), "咸宁市通达运输有限公司")
    assert plain_meta(sale.meta) == {
        "disposal": "sale",
        "approval": "咸机管〔2015〕22号",
        "appraisal": money("120000.00"),
        "asset-id": "JY-V-0001",
    }
    assert postings_of(sale) == [
        (f"{JY}:Vehicles:JY-V-0001", "-150000.00"),
        ("Expenses:Office:XN-JY-WH:Disposal", "150000.00"),
        (f"{JY}:Cash", "123500.00"),
        ("Liabilities:Office:XN-JY-WH:DueToTreasury", "-123500.00"),
    ]
    assert transfer.date == D(2015, 9, 1)
    assert plain_meta(transfer.meta) == {
        "disposal": "transfer",
        "approval": "咸机管〔2015〕23号",
        "appraisal": money("2100.00"),
        "recipient": "咸宁市机关事务管理局",
        "asset-id": "JY-E-0011",
    }
    assert postings_of(transfer) == [
        (f"{JY}:Equipment:JY-E-0011", "-4200.00"),
        ("Equity:Transfers:XN-JGSW", "4200.00"),
    ]


def _by_name(path: Path, name: str) -> Path:
    return write_book(
        path,
        Sheet(
            "Sheet1",
            [
                ["咸宁市公共资源交易中心成交确认书汇总"],
                ["金额单位：元"],
                [
                    "序号",
                    "标的名称",
                    "交易方式",
                    "成交时间",
                    "评估价格",
                    "成交价格",
                    "竞买人",
                ],
                [1, name, "网络竞价", D(2015, 9, 8), 2000.0, 2350.0, "张建华"],
            ],
        ),
    )


def test_result_naming_the_lot_only(tmp_path, capsys, books, out):
    path = _by_name(tmp_path / "成交确认书.xlsx", "格力柜式空调 KFR-72LW")
    code, _, err = run_cli(
        capsys, "import", "disposals", path, "--ledger", books, "--output", out
    )
    assert code == 0, err
    result = booked(books, out)
    assert set(result.opens) == {
        "Expenses:Office:XN-JY-WH:Disposal",
        f"{JY}:Cash",
        "Liabilities:Office:XN-JY-WH:DueToTreasury",
    }
    (sale,) = result.transactions
    assert (sale.date, sale.payee) == (D(2015, 9, 8), "张建华")
    assert plain_meta(sale.meta) == {
        "disposal": "sale",
        "appraisal": money("2000.00"),
        "asset-id": "JY-E-0020",
    }
    assert postings_of(sale) == [
        (f"{JY}:Equipment:JY-E-0020", "-6800.00"),
        ("Expenses:Office:XN-JY-WH:Disposal", "6800.00"),
        (f"{JY}:Cash", "2350.00"),
        ("Liabilities:Office:XN-JY-WH:DueToTreasury", "-2350.00"),
    ]


def test_result_naming_a_lot_two_assets_share_is_refused(tmp_path, capsys, books, out):
    path = _by_name(tmp_path / "成交确认书.xlsx", "联想台式电脑 启天M4350")
    out.write_text(PREVIOUSLY, encoding="utf-8")
    before = out.read_bytes()
    code, _, err = run_cli(
        capsys, "import", "disposals", path, "--ledger", books, "--output", out
    )
    assert_refused(
        code,
        err,
        out,
        before,
        [
            (f"{path}:4:B: [标的名称] ", "账本中有 2 项资产名为 '联想台式电脑 启天M4350'"),
            (f"{path}:4:B: [标的名称] ", "请在文件中加上资产编号"),
        ],
        count=1,
    )


# --- 23, 24: xls, ods, HTML and Unicode text -------------------------------------------

FORMS = Path(__file__).parent / "forms"

TONGCHENG_ROWS = [
    ["通城县人民政府驻武汉办事处资产清查登记表"],
    ["填报单位：通城县人民政府驻武汉办事处", None, None, None, None, "金额单位：万元"],
    [
        "序号",
        "资产编号",
        "资产名称",
        "资产类别",
        "取得日期",
        "原值",
        "账面净值",
        "评估价值",
    ],
    [1, "TC-V-0011", "丰田汉兰达 鄂L9A661", "车辆", D(2011, 9, 9), 28.5, 11.4, 10.6],
    [2, "TC-E-0011", "格力中央空调", "设备", D(2012, 5, 2), 0.6512, 0.3256, 0.2],
    [
        3,
        "TC-B-0011",
        "江岸区解放大道办公用房",
        "房屋",
        D(2001, 3, 1),
        265.1234,
        159.07,
        320.0,
    ],
    [
        "合计",
        None,
        None,
        None,
        None,
        28.5 + 0.6512 + 265.1234,
        11.4 + 0.3256 + 159.07,
        10.6 + 0.2 + 320.0,
    ],
]
TONGCHENG_BOOKED = {
    f"{TC}:Vehicles:TC-V-0011": (
        "114000.00",
        {
            "asset-id": "TC-V-0011",
            "name": "丰田汉兰达 鄂L9A661",
            "acquired": D(2011, 9, 9),
            "original-cost": money("285000.00"),
            "appraisal": money("106000.00"),
        },
    ),
    f"{TC}:Equipment:TC-E-0011": (
        "3256.00",
        {
            "asset-id": "TC-E-0011",
            "name": "格力中央空调",
            "acquired": D(2012, 5, 2),
            "original-cost": money("6512.00"),
            "appraisal": money("2000.00"),
        },
    ),
    f"{TC}:Buildings:TC-B-0011": (
        "1590700.00",
        {
            "asset-id": "TC-B-0011",
            "name": "江岸区解放大道办公用房",
            "acquired": D(2001, 3, 1),
            "original-cost": money("2651234.00"),
            "appraisal": money("3200000.00"),
        },
    ),
}
COVER = [["咸宁市驻武汉办事机构资产清查登记表"], ["报送单位（盖章）：通城县人民政府"]]


FIXTURE_BOOKED = {
    f"{TC}:Vehicles:TC-V-0101": (
        "162000.00",
        {
            "asset-id": "TC-V-0101",
            "name": "别克GL8 鄂L55501",
            "acquired": D(2012, 3, 15),
            "original-cost": money("285000.00"),
            "appraisal": money("150000.00"),
        },
    ),
    f"{TC}:Equipment:TC-E-0101": (
        "2600.00",
        {
            "asset-id": "TC-E-0101",
            "name": "联想台式计算机",
            "acquired": D(2014, 6, 1),
            "original-cost": money("6500.00"),
        },
    ),
    f"{TC}:Buildings:TC-B-0101": (
        "1805000.00",
        {
            "asset-id": "TC-B-0101",
            "name": "办事处办公用房",
            "acquired": D(2003, 9, 1),
            "original-cost": money("2650000.00"),
            "appraisal": money("2400000.00"),
            "note": "鄂房权证字第0088号",
        },
    ),
}
"""What ``forms/register.xls`` and ``register.ods`` hold (``forms/make_fixtures.py``):
the 通城县 register in 万元: 28.5/16.2/15, 0.65/0.26, 265/180.5/240; 合计
294.15/196.96/255."""


def test_xls_workbook(capsys, books, out):
    path = FORMS / "register.xls"
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "跳过的工作表（没有登记表）：封面、填表说明" in err
    assert "工作表「通城县」：数据 3 行，金额单位：万元（已换算为元）" in err
    assert "第 7 行合计：与第 4–6 行之和相符" in err
    assert_inventory(
        booked(books, out), FIXTURE_BOOKED, also_opened=["Equity:Office:XN-TC-WH:NetAssets"]
    )


def test_xls_workbook_one_sheet(capsys, books, out):
    path = FORMS / "register.xls"
    code, _, err = imports(capsys, "inventory", path, books, out, "--sheet", "通城县")
    assert code == 0, err
    assert "跳过" not in err
    assert_inventory(
        booked(books, out), FIXTURE_BOOKED, also_opened=["Equity:Office:XN-TC-WH:NetAssets"]
    )


def test_ods_workbook(capsys, books, out):
    path = FORMS / "register.ods"
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 7 行合计：与第 4–6 行之和相符" in err
    assert_inventory(
        booked(books, out), FIXTURE_BOOKED, also_opened=["Equity:Office:XN-TC-WH:NetAssets"]
    )


HTML_ROWS = [
    ["通城县人民政府驻武汉办事处资产清查登记表"],
    [
        "填报单位：通城县人民政府驻武汉办事处",
        None,
        None,
        None,
        None,
        "金额单位：元",
        None,
        "填报日期：2015-07-25",
    ],
    [
        "资产编号",
        "资产名称",
        "资产类别",
        "规格型号",
        "取得日期",
        "原值",
        "账面净值",
        "评估价值",
    ],
    [
        "TC-V-0021",
        "丰田卡罗拉 鄂L6B903",
        "车辆",
        "1.6L GL",
        "2012/8/20",
        "126,800.00",
        "50,720.00",
        "48,000.00",
    ],
    [
        "TC-E-0021",
        "戴尔服务器",
        "设备",
        "PowerEdge R720",
        "2013/11/5",
        "38,600.00",
        "15,440.00",
        "6,000.00",
    ],
    ["合计", None, None, None, None, "165,400.00", "66,160.00", "54,000.00"],
]
HTML_BOOKED = {
    f"{TC}:Vehicles:TC-V-0021": (
        "50720.00",
        {
            "asset-id": "TC-V-0021",
            "name": "丰田卡罗拉 鄂L6B903",
            "specification": "1.6L GL",
            "acquired": D(2012, 8, 20),
            "original-cost": money("126800.00"),
            "appraisal": money("48000.00"),
        },
    ),
    f"{TC}:Equipment:TC-E-0021": (
        "15440.00",
        {
            "asset-id": "TC-E-0021",
            "name": "戴尔服务器",
            "specification": "PowerEdge R720",
            "acquired": D(2013, 11, 5),
            "original-cost": money("38600.00"),
            "appraisal": money("6000.00"),
        },
    ),
}


def test_html_table_saved_as_xls(tmp_path, capsys, books, out):
    path = write_html_xls(
        tmp_path / "资产清查登记表.xls", HTML_ROWS, spans={(0, 0): 8, (1, 0): 5, (5, 0): 5}
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 6 行合计：与第 4–5 行之和相符" in err
    assert_inventory(
        booked(books, out), HTML_BOOKED, also_opened=["Equity:Office:XN-TC-WH:NetAssets"]
    )


def test_unicode_text_export(tmp_path, capsys, books, out):
    path = write_unicode_text(tmp_path / "资产清查登记表.txt", HTML_ROWS)
    assert path.read_bytes()[:2] == b"\xff\xfe"
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 6 行合计：与第 4–5 行之和相符" in err
    assert_inventory(
        booked(books, out), HTML_BOOKED, also_opened=["Equity:Office:XN-TC-WH:NetAssets"]
    )


def test_spreadsheetml_2003_saved_as_xls(tmp_path, capsys, books, out):
    path = write_spreadsheetml(
        tmp_path / "资产清查登记表.xls",
        {"封面": COVER, "通城县": TONGCHENG_ROWS},
        across={("通城县", 0): 7},
    )
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "跳过的工作表（没有登记表）：封面" in err
    assert_inventory(
        booked(books, out),
        TONGCHENG_BOOKED,
        also_opened=["Equity:Office:XN-TC-WH:NetAssets"],
    )


# --- 25: --dry-run ------------------------------------------------------------------------


def _small_register(path: Path) -> Path:
    return write_book(
        path,
        Sheet(
            "附表1",
            [
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                HEADER,
                [
                    1,
                    "JY-V-0015",
                    "丰田凯美瑞 鄂L6A289",
                    "车辆",
                    D(2012, 3, 15),
                    259800.0,
                    98000.0,
                    86000.0,
                    "公务用车",
                ],
                [2, "JY-E-0116", "联想台式计算机", "设备", D(2014, 6, 10), 5480.0, 2192.0],
            ],
        ),
    )


def test_dry_run_writes_nothing(tmp_path, capsys, books, out):
    path = _small_register(tmp_path / "试算.xlsx")
    code, stdout, err = imports(capsys, "inventory", path, books, out, "--dry-run")
    assert (code, stdout) == (0, ""), err
    assert not out.exists()
    assert "XN-JY-WH 嘉鱼县人民政府驻武汉办事处 车辆：新增 1 行 98,000.00" in err
    assert "XN-JY-WH 嘉鱼县人民政府驻武汉办事处 设备：新增 1 行 2,192.00" in err
    assert "合计：新增 100,192.00" in err
    assert "试算" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.beancount", "试算.xlsx"]

    out.write_text(PREVIOUSLY, encoding="utf-8")
    before = out.read_bytes()
    code, stdout, err = imports(capsys, "inventory", path, books, out, "--dry-run")
    assert (code, stdout) == (0, ""), err
    assert "试算" in err and "新增 2 行" in err
    assert out.read_bytes() == before


# --- 26, 27: the footer, and CSV as Excel saves it --------------------------------------


def test_asset_row_below_the_signatures_is_refused(tmp_path, capsys, books, out):
    path = write_book(
        tmp_path / "签字栏.xlsx",
        Sheet(
            "附表1",
            [
                ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
                ["填报单位：嘉鱼县人民政府驻武汉办事处    金额单位：元"],
                HEADER,
                [
                    1,
                    "JY-V-0016",
                    "别克凯越 鄂L2F570",
                    "车辆",
                    D(2010, 6, 1),
                    119800.0,
                    29950.0,
                    30000.0,
                    "公务用车",
                ],
                [
                    2,
                    "JY-E-0117",
                    "理光传真机",
                    "设备",
                    D(2012, 2, 1),
                    2600.0,
                    780.0,
                    200.0,
                    "办公",
                ],
                ["合计", None, None, None, None, 122400.0, 30730.0, 30200.0],
                [],
                FOOTER,
                [
                    3,
                    "JY-E-0118",
                    "佳能数码相机",
                    "设备",
                    D(2013, 10, 1),
                    5200.0,
                    2080.0,
                    800.0,
                    "宣传",
                ],
            ],
        ),
    )
    code, err, before = refusing(capsys, "inventory", path, books, out)
    assert_refused(
        code,
        err,
        out,
        before,
        [(f"{path}:9: ", "签字栏（第 8 行）之后还有资产行")],
        count=1,
    )


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"], ids=["gbk", "utf-8-bom"])
def test_csv_as_excel_saves_a_form(tmp_path, capsys, books, out, encoding):
    rows = [
        ["嘉鱼县人民政府驻武汉办事处资产清查登记表"],
        ["填报单位：嘉鱼县人民政府驻武汉办事处", None, None, None, None, "金额单位：元"],
        HEADER,
        [
            "1",
            "JY-V-0017",
            "长城哈弗H6 鄂L5K128",
            "车辆",
            D(2013, 4, 2),
            "129,800.00",
            "64,900.00",
            "60,000.00",
            "公务用车",
        ],
        [
            "2",
            "JY-E-0119",
            "联想ThinkPad T440",
            "设备",
            D(2014, 7, 15),
            "8,999.00",
            "4,499.50",
            "1,500.00",
            "办公",
        ],
        ["合计", None, None, None, None, "138,799.00", "69,399.50", "61,500.00"],
        [],
        FOOTER,
        [],
        [],
    ]
    path = write_excel_csv(tmp_path / "登记表.csv", rows, encoding)
    text = path.read_bytes()
    assert text.endswith(b",,,,,,,,\r\n,,,,,,,,\r\n")
    code, _, err = imports(capsys, "inventory", path, books, out)
    assert code == 0, err
    assert "第 6 行合计：与第 4–5 行之和相符" in err
    assert_inventory(
        booked(books, out),
        {
            f"{JY}:Vehicles:JY-V-0017": (
                "64900.00",
                {
                    "asset-id": "JY-V-0017",
                    "name": "长城哈弗H6 鄂L5K128",
                    "acquired": D(2013, 4, 2),
                    "original-cost": money("129800.00"),
                    "appraisal": money("60000.00"),
                    "use": "公务用车",
                },
            ),
            f"{JY}:Equipment:JY-E-0119": (
                "4499.50",
                {
                    "asset-id": "JY-E-0119",
                    "name": "联想ThinkPad T440",
                    "acquired": D(2014, 7, 15),
                    "original-cost": money("8999.00"),
                    "appraisal": money("1500.00"),
                    "use": "办公",
                },
            ),
        },
    )
