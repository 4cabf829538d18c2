"""``liaison import`` you can trust: two at once lose nothing, a killed one leaves the books
as they were or as after, and no file makes it take minutes or all the memory.

The processes that race and are killed here are forked from a fork server that has the
importer loaded (``FORK``): each import then costs its own work only, some 0.3 s for the
5,000 rows of the register that is killed 30 times. The limits of ``importers.limits``
are lowered (monkeypatched) to test each refusal on a small file; where a file past the
real limit is cheap to make (a sparse one, a zip of a few KB that asks calamine for a
grid of 17 billion cells), it is tested as well.
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
import random
import re
import signal
import struct
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from beancount import loader  # noqa: F401  (loaded in the fork server, with the rest)

from importers import convert  # noqa: F401
from importers import limits
from importers import markup
from importers import pipeline
from importers import sheets
from importers.problems import Problem
from plugins import engine  # noqa: F401
from plugins import reader  # noqa: F401
from reports import cli
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import load_together
from tests.importers.conftest import run_cli
from tests.importers.conftest import write_csv
from tests.importers.conftest import write_xlsx

FORMS = Path(__file__).parent / "forms"


# --- processes ---------------------------------------------------------------------------


def _fork_context() -> Any:
    """Children forked from a server that has imported this module (and so the importer,
    Beancount's loader and the rules an import's load may run: a fresh clone has no
    bytecode, and each child would compile them again): not from pytest's process,
    which holds Fava's threads by now."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


FORK = _fork_context()


def _child(args: list[str], start: Any = None) -> None:
    """In a child: ``liaison <args>``, quietly, once ``start`` is set; exits with its
    status."""
    if start is not None:
        start.wait()
    with (
        contextlib.redirect_stderr(io.StringIO()),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = cli.main(args)
    raise SystemExit(code)


def _register(path: Path, prefix: str, count: int, office: str = "XN-WH") -> Path:
    rows = [INVENTORY_HEADER]
    rows += [
        [office, f"{prefix}-{i:05d}", "电脑", "设备", "", "", "10", "", "", "2015-07-25"]
        for i in range(count)
    ]
    return write_csv(path, rows)


def _import_args(register: Path, ledger: Path, out: Path) -> list[str]:
    return [
        "import",
        "inventory",
        str(register),
        "--ledger",
        str(ledger),
        "--output",
        str(out),
    ]


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- two imports at once ------------------------------------------------------------------


def test_two_imports_into_one_output_at_once_lose_nothing(tmp_path, ledger):
    """Two processes import two registers into one output at the same moment, ten times:
    each time both registers are in the output, every asset once (without the lock, the
    second to finish replaced the output with what it had read before the first wrote,
    in 10 rounds of 10), and the books load without a Beancount error."""
    first = _register(tmp_path / "first.csv", "A", 300)
    second = _register(tmp_path / "second.csv", "B", 300, office="XN-JY-WH")
    out = tmp_path / "imported.beancount"
    ids = sorted([f"A-{i:05d}" for i in range(300)] + [f"B-{i:05d}" for i in range(300)])
    for _ in range(10):
        out.write_text("; 此前导入的内容\n", encoding="utf-8")
        start = FORK.Event()
        children = [
            FORK.Process(target=_child, args=(_import_args(register, ledger, out), start))
            for register in (first, second)
        ]
        for child in children:
            child.start()
        start.set()
        for child in children:
            child.join(60)
        assert [child.exitcode for child in children] == [0, 0]
        text = out.read_text(encoding="utf-8")
        assert text.startswith("; 此前导入的内容\n")
        opened = re.findall(r" open Assets:Office:[^:]+:Equipment:(\S+) ", text)
        assert sorted(opened) == ids
        assert text.count("; liaison import inventory") == 2
        assert load_together(ledger, out)[1] == []
        assert _temporaries(tmp_path) == []


def test_the_second_import_waits_then_gives_up(tmp_path, ledger, capsys, monkeypatch):
    """While another holds the output's lock (its folder's), an import waits
    ``LOCK_TIMEOUT``, then refuses and writes nothing."""
    import fcntl

    monkeypatch.setattr(pipeline, "LOCK_TIMEOUT", 0.3)
    register = _register(tmp_path / "reg.csv", "A", 3)
    out = tmp_path / "imported.beancount"
    out.write_text("; 不变\n", encoding="utf-8")
    folder = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        began = time.monotonic()
        code, stdout, err = run_cli(capsys, *_import_args(register, ledger, out))
        waited = time.monotonic() - began
    finally:
        os.close(folder)
    assert code == 2
    assert f"liaison import inventory: 另一个导入正在写入 {out}；请稍后再试" in err
    assert waited >= 0.3
    assert out.read_text(encoding="utf-8") == "; 不变\n"
    # and once it is free, the same import goes through
    code, _, err = run_cli(capsys, *_import_args(register, ledger, out))
    assert code == 0, err


def test_leftovers_of_killed_imports_are_deleted_and_nothing_else(tmp_path, ledger, capsys):
    register = _register(tmp_path / "reg.csv", "A", 3)
    out = tmp_path / "imported.beancount"
    kept = [
        ".imported.beancount.bak",  # not a temporary file of an import
        ".other.beancount.4242.tmp",  # another output's
        ".imported.beancount.x.4242.tmp",
        "imported.beancount.4242.tmp",
    ]
    gone = [".imported.beancount.4242.tmp", ".imported.beancount.k3j_x9a2.tmp"]
    for name in kept + gone:
        (tmp_path / name).write_text("half an import", encoding="utf-8")
    code, _, err = run_cli(capsys, *_import_args(register, ledger, out))
    assert code == 0, err
    for name in gone:
        assert not (tmp_path / name).exists(), name
    for name in kept:
        assert (tmp_path / name).exists(), name


# --- killed at any moment -----------------------------------------------------------------

KILLS = 30


def test_a_killed_import_leaves_the_books_as_before_or_as_after(tmp_path, ledger, capsys):
    """An import of 5,000 rows is killed (SIGKILL) 30 times at random moments of its run,
    two at a time in two folders: the output is each time byte for byte as before or as
    after a whole import, and the next import that runs to its end leaves no temporary
    file behind."""
    register = _register(tmp_path / "big.csv", "E", 5000)
    earlier = _register(tmp_path / "earlier.csv", "W", 2000, office="XN-JY-WH")
    lanes = [tmp_path / "lane1", tmp_path / "lane2"]
    for lane in lanes:
        lane.mkdir()
    # the books before: an earlier import; after: this one on top of it
    out = lanes[0] / "imported.beancount"
    assert run_cli(capsys, *_import_args(earlier, ledger, out))[0] == 0
    before = out.read_bytes()
    assert run_cli(capsys, *_import_args(register, ledger, out))[0] == 0
    after = out.read_bytes()
    assert len(after) > len(before) > 0
    for lane in lanes:
        (lane / "imported.beancount").write_bytes(before)

    def start(lane: Path) -> Any:
        child = FORK.Process(
            target=_child,
            args=(_import_args(register, ledger, lane / "imported.beancount"),),
        )
        child.start()
        return child

    # how long a whole import takes, two at a time as the killed ones run (the fork
    # server started first: it is no part of an import)
    warm = FORK.Process(target=_child, args=(["explain", "LD-202"],))
    warm.start()
    warm.join(60)
    began = time.monotonic()
    children = [start(lane) for lane in lanes]
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    duration = time.monotonic() - began
    for lane in lanes:
        assert (lane / "imported.beancount").read_bytes() == after
        (lane / "imported.beancount").write_bytes(before)

    chance = random.Random(20150725)
    delays = {
        lane: [chance.uniform(0, duration) for _ in range(KILLS // 2)] for lane in lanes
    }
    outcomes = {"before": 0, "after": 0}
    leftovers = 0
    # each folder's import is killed at its moment, and the next one started at once
    running = {lane: (start(lane), time.monotonic() + delays[lane].pop()) for lane in lanes}
    while running:
        lane, (child, moment) = min(running.items(), key=lambda item: item[1][1])
        time.sleep(max(0.0, moment - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):  # it finished before
            os.kill(child.pid, signal.SIGKILL)
        child.join(60)
        books = (lane / "imported.beancount").read_bytes()
        assert books in (before, after), "the books cut short"
        outcomes["after" if books == after else "before"] += 1
        leftovers += len(_temporaries(lane))
        if books == after:
            (lane / "imported.beancount").write_bytes(before)
        if delays[lane]:
            running[lane] = (start(lane), time.monotonic() + delays[lane].pop())
        else:
            del running[lane]
    assert sum(outcomes.values()) == KILLS
    assert outcomes["before"] > 0
    assert leftovers > 0, "no kill fell while the temporary file was being written"
    for lane in lanes:  # the next import, run to its end, tidies up
        child = start(lane)
        child.join(60)
        assert child.exitcode == 0
        assert (lane / "imported.beancount").read_bytes() == after
        assert _temporaries(lane) == []


# --- the limits ---------------------------------------------------------------------------


def _refused(path: Path, label: str | None = None) -> list[str]:
    """Every problem of a file that must be refused whole, as printed."""
    problems: list[Problem] = []
    assert sheets.read_sheets(path, problems, label) == []
    assert problems
    return [str(p) for p in problems]


@contextlib.contextmanager
def _at_most(seconds: float) -> Iterator[None]:
    """Not a benchmark: a guard against the quadratic (minutes), with room to spare."""
    began = time.monotonic()
    yield
    assert time.monotonic() - began < seconds


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * (1536 * 1024 // 4))  # 1.5 MB
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024 * 1024)
    assert _refused(path) == [
        f"{path}: 文件有 1.5 MB，超过导入文件 1 MB 的上限；请按机构或工作表拆分后再导入"
    ]


def test_a_file_of_250_mb_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as handle:  # sparse: nothing of it is written, or read
        handle.truncate(250 * 1024 * 1024)
    with _at_most(1):
        assert _refused(path) == [
            f"{path}: 文件有 250.0 MB，超过导入文件 200 MB 的上限；"
            "请按机构或工作表拆分后再导入"
        ]


def _workbook(
    path: Path, extra: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """A small xlsx with more parts added."""
    write_xlsx(path, [INVENTORY_HEADER])
    with zipfile.ZipFile(path, "a") as archive:
        for name, data in extra.items():
            archive.writestr(name, data, compress_type=method)
    return path


def test_a_zip_of_too_many_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 20)
    path = _workbook(tmp_path / "parts.xlsx", {f"x/{i}.xml": b"" for i in range(20)})
    count = len(zipfile.ZipFile(path).infolist())
    assert _refused(path) == [
        f"{path}: 工作簿由 {count} 个部件组成，超过 20 个的上限，"
        "不是 Excel、WPS 或 LibreOffice 保存的工作簿；请另存为 .xlsx 后再导入"
    ]


def test_a_zip_of_10_001_parts_is_refused_from_its_end_record(tmp_path):
    path = _workbook(tmp_path / "parts.xlsx", {f"{i}": b"" for i in range(10_001)})
    with _at_most(5):
        (message,) = _refused(path)
    assert "超过 10000 个的上限" in message


def test_a_workbook_expanding_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    noise = random.Random(7).randbytes(1024 * 1024)  # does not compress: no ratio
    path = _workbook(tmp_path / "big.xlsx", {"xl/media/image1.bin": noise})
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert _refused(path) == [
        f"{path}: 工作簿解压后有 {total / 1024 / 1024:.1f} MB，超过 1 MB 的上限；"
        "请拆分后再导入"
    ]


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = _workbook(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet9.xml": bytes(8 << 20)})
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet9.xml")
    ratio = info.file_size // info.compress_size
    assert ratio > 100
    assert _refused(path) == [
        f"{path}: 工作簿中的 xl/worksheets/sheet9.xml 解压后是压缩时的 {ratio} 倍，"
        "超过 100 倍的上限（可能是恶意构造的文件），未读取"
    ]


def test_a_part_compressed_otherwise(tmp_path):
    path = _workbook(tmp_path / "bz.xlsx", {"x.xml": b"<x/>"}, zipfile.ZIP_BZIP2)
    assert _refused(path) == [
        f"{path}: 工作簿中的 x.xml 使用了不支持的压缩方式；"
        "请在 Excel 或 WPS 中另存为 .xlsx 后再导入"
    ]


ROWS_REFUSED = "表格超过 5 行的上限；请按机构拆分后再导入"


def _xml2003(path: Path, rows: int, name: str = "登记表") -> Path:
    body = "".join(
        f'<Row><Cell><Data ss:Type="String">{i}</Data></Cell></Row>' for i in range(rows)
    )
    path.write_text(
        '<?xml version="1.0"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="{name}"><Table>{body}</Table></Worksheet></Workbook>',
        encoding="utf-8",
    )
    return path


def test_a_sheet_past_the_row_limit_in_every_format(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    rows = [["资产编号", "资产名称"]] + [[f"A-{i}", "电脑"] for i in range(5)]
    csv_path = write_csv(tmp_path / "six.csv", rows)
    assert _refused(csv_path) == [f"{csv_path}: {ROWS_REFUSED}"]
    xlsx = write_xlsx(tmp_path / "six.xlsx", rows)
    assert _refused(xlsx) == [f"{xlsx}[附表一]: {ROWS_REFUSED}"]
    html = tmp_path / "six.xls"
    html.write_text("<table>" + "<tr><td>x</td></tr>" * 6 + "</table>", encoding="utf-8")
    assert _refused(html) == [f"{html}: {ROWS_REFUSED}"]
    xml = _xml2003(tmp_path / "six.xml", 6)
    assert _refused(xml) == [f"{xml}[登记表]: {ROWS_REFUSED}"]
    # the xls and ods fixtures: a register of 9 rows on their second sheet
    for name in ("register.xls", "register.ods"):
        (message,) = _refused(FORMS / name)
        assert message == f"{FORMS / name}[通城县]: {ROWS_REFUSED}"


def test_a_csv_of_200_001_rows(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"1\n" * 200_001)
    with _at_most(10):
        assert _refused(path) == [f"{path}: 表格超过 200000 行的上限；请按机构拆分后再导入"]


def _sheet_xml(cells: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def _xlsx_with(path: Path, cells: str) -> Path:
    """An xlsx whose only sheet's cells are ``cells`` (XML), as a hand could write it."""
    write_xlsx(path, [["x"]])
    with zipfile.ZipFile(path) as source:
        parts = [(i, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in parts:
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _sheet_xml(cells)
            target.writestr(item, data)
    return path


TEXT = "<is><t>x</t></is>"


@pytest.mark.parametrize(
    ("cells", "refusal"),
    [
        # A1 and XFD1048576: calamine asked for a grid of 17 billion cells, aborting
        (
            f'<row r="1"><c r="A1" t="inlineStr">{TEXT}</c></row>'
            f'<row r="1048576"><c r="XFD1048576" t="inlineStr">{TEXT}</c></row>',
            "表格超过 200000 行的上限；请按机构拆分后再导入",
        ),
        (
            f'<row r="1"><c r="A1" t="inlineStr">{TEXT}</c>'
            f'<c r="XFE1" t="inlineStr">{TEXT}</c></row>',
            "表格超过 16384 列的上限",
        ),
        (  # 200,000 rows × 100 columns: 800 MB of grid, from a file of 2 KB
            f'<row r="1"><c r="A1" t="inlineStr">{TEXT}</c></row>'
            f'<row r="200000"><c r="CV200000" t="inlineStr">{TEXT}</c></row>',
            "表格超过 10000000 个单元格（行数 × 列数）的上限；请拆分后再导入",
        ),
        (  # written otherwise than <c r="B7" (spaces, no row, a prefix): read by expat
            f'<row r = "1"><c r = "A1" t="inlineStr">{TEXT}</c></row>'
            f'<x:c xmlns:x="urn:x" r="XFD1048576" t="inlineStr">{TEXT}</x:c>',
            "表格超过 200000 行的上限；请按机构拆分后再导入",
        ),
        (  # cells without a reference follow the last one
            f'<row r="300000"><c t="inlineStr">{TEXT}</c></row>',
            "表格超过 200000 行的上限；请按机构拆分后再导入",
        ),
    ],
)
def test_an_xlsx_of_a_few_cells_asking_for_a_huge_grid(tmp_path, cells, refusal):
    path = _xlsx_with(tmp_path / "sparse.xlsx", cells)
    assert path.stat().st_size < 8192
    with _at_most(5):
        assert _refused(path) == [f"{path}[附表一]: {refusal}"]


def test_an_xlsx_s_empty_cells_far_away_are_no_grid(tmp_path):
    """calamine reads cells that hold a value; a border at XFD1048576 is no reason to
    refuse a register (Excel keeps styled empty cells)."""
    path = _xlsx_with(
        tmp_path / "styled.xlsx",
        f'<row r="1"><c r="A1" t="inlineStr">{TEXT}</c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
    )
    problems: list[Problem] = []
    (sheet,) = sheets.read_sheets(path, problems)
    assert problems == []
    assert sheet.rows == [["x"]]


def test_an_xlsx_cell_repeating_its_reference(tmp_path):
    """calamine takes the last of two ``r`` attributes; expat refuses the XML."""
    path = _xlsx_with(
        tmp_path / "twice.xlsx",
        f'<row r="1"><c r="A1" r="XFD9" t="inlineStr">{TEXT}</c></row>',
    )
    assert _refused(path) == [
        f"{path}[附表一]: 无法确定工作表的大小（文件结构异常）；"
        "请在 Excel 或 WPS 中另存为 .xlsx 后再导入"
    ]


ODS_CELL = (
    '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
)


def test_an_ods_repeating_a_cell_past_the_limits(tmp_path):
    wide = ODS_CELL.replace(
        "<table:table-cell ", '<table:table-cell table:number-columns-repeated="20000" '
    )
    for name, row, refusal in (
        (
            "rows.ods",
            '<table:table-row table:number-rows-repeated="1000000">'
            f"{ODS_CELL}</table:table-row>",
            "表格超过 200000 行的上限；请按机构拆分后再导入",
        ),
        (
            "cols.ods",
            f"<table:table-row>{wide}</table:table-row>",
            "表格超过 16384 列的上限",
        ),
    ):
        path = _ods(tmp_path / name, row)
        with _at_most(5):
            assert _refused(path) == [f"{path}[S]: {refusal}"]


def test_an_ods_s_empty_rows_to_the_last_are_no_grid(tmp_path):
    """LibreOffice repeats an empty row to row 1048576 after the last used one."""
    path = _ods(
        tmp_path / "tail.ods",
        f"<table:table-row>{ODS_CELL}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
    )
    problems: list[Problem] = []
    (sheet,) = sheets.read_sheets(path, problems)
    assert (problems, sheet.rows) == ([], [["x"]])


def _ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_an_xls_naming_column_65000_is_refused_before_calamine_opens_it(tmp_path):
    """calamine reads every sheet of an xls as it opens it; a cell record naming column
    65000 asked it for 4 billion cells, and the process aborted."""
    data = bytearray((FORMS / "errors.xls").read_bytes())
    stream = sheets._ole_stream(bytes(data), ("Workbook",))
    assert stream is not None
    at = 0
    while True:  # the first LABELSST record: a cell at (row, col) of the first sheet
        kind, length = struct.unpack_from("<HH", stream, at)
        if kind == 0x00FD:
            record = stream[at : at + 4 + length]
            break
        at += 4 + length
    patched = bytearray(record)
    struct.pack_into("<HH", patched, 4, 9, 65000)
    where = data.find(record)
    data[where : where + len(record)] = patched
    path = tmp_path / "wide.xls"
    path.write_bytes(bytes(data))
    assert _refused(path) == [f"{path}[成新率]: 表格超过 16384 列的上限"]


def test_a_sheet_past_the_column_and_cell_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_COLUMNS", 3)
    wide = write_csv(tmp_path / "wide.csv", [["a", "b", "c"], ["a", "b", "c", "d"]])
    assert _refused(wide) == [f"{wide}:2: 表格超过 3 列的上限"]
    xlsx = write_xlsx(tmp_path / "wide.xlsx", [["a", "b", "c", "d"]])
    assert _refused(xlsx) == [f"{xlsx}[附表一]: 表格超过 3 列的上限"]
    monkeypatch.setattr(limits, "MAX_COLUMNS", 16384)
    monkeypatch.setattr(limits, "MAX_CELLS", 20)
    many = write_csv(tmp_path / "many.csv", [["a"] * 5] * 5)
    assert _refused(many) == [
        f"{many}: 表格超过 20 个单元格（行数 × 列数）的上限；请拆分后再导入"
    ]


def test_a_csv_line_of_16_385_fields_is_refused_before_it_is_split(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("资产编号,资产名称\n" + "," * 16384 + "\n", encoding="utf-8")
    assert _refused(path) == [f"{path}:2: 表格超过 16384 列的上限"]


def test_a_record_s_fields_are_counted_across_its_lines_and_outside_quotes(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(limits, "MAX_COLUMNS", 4)
    fine = tmp_path / "fine.csv"
    fine.write_text('a,"b,,,,,,\n,,,,",c,d\n', encoding="utf-8")
    problems: list[Problem] = []
    assert sheets.read_sheets(fine, problems)[0].rows == [["a", "b,,,,,,\n,,,,", "c", "d"]]
    assert problems == []
    wide = tmp_path / "wide.csv"
    wide.write_text('a,b,"c\nd",e,f\n', encoding="utf-8")
    assert _refused(wide) == [f"{wide}:1: 表格超过 4 列的上限"]


def test_a_cell_past_the_length_limit_names_its_row_and_column(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 10)
    refusal = "单元格超过 10 个字符的上限；请缩短后再导入"
    rows = [["资产编号", "资产名称", "备注"], ["A-1", "电脑", "十一个字的备注说明文字"]]
    csv_path = write_csv(tmp_path / "long.csv", rows)
    assert _refused(csv_path) == [f"{csv_path}:2:C: {refusal}"]
    xlsx = write_xlsx(tmp_path / "long.xlsx", [*rows, ["A-2", "一二三四五六七八九十〇"]])
    assert _refused(xlsx) == [
        f"{xlsx}[附表一]:2:C: {refusal}",
        f"{xlsx}[附表一]:3:B: {refusal}",
    ]
    xml = _xml2003(tmp_path / "named.xml", 1, name="一个超过十个字的工作表名称")
    assert _refused(xml) == [
        f"{xml}: 工作表名称超过 10 个字符的上限（开头为 '一个超过十个字的工作表名称'）；"
        "请改短后再导入"
    ]


def test_cells_of_10_001_and_of_200_000_characters(tmp_path):
    """The second is past the csv module's own limit (131,072): refused all the same,
    and its column found by reading the record again."""
    path = tmp_path / "long.csv"
    path.write_text(
        f'资产编号,资产名称,备注\nA-1,{"电" * 10_001},\nA-2,电脑,"{"备" * 200_000}"\n',
        encoding="utf-8",
    )
    refusal = "单元格超过 10000 个字符的上限；请缩短后再导入"
    assert _refused(path) == [f"{path}:3:C: {refusal}"]
    path.write_text(f"资产编号,资产名称,备注\nA-1,{'电' * 10_001},\n", encoding="utf-8")
    assert _refused(path) == [f"{path}:2:B: {refusal}"]


def test_a_50_mb_line_and_a_file_of_nul_bytes_are_refused_within_seconds(tmp_path):
    """Read in blocks and one line at a time: linear in the file, never quadratic."""
    refusal = "单元格超过 10000 个字符的上限；请缩短后再导入"
    for name, data, expected in (
        ("letters.csv", b"a" * 50_000_000, f":1:A: {refusal}"),
        ("gbk.csv", "资产".encode("gbk") * 2_500_000, f":1:A: {refusal}"),
        ("commas.csv", b"," * 50_000_000, ":1: 表格超过 16384 列的上限"),
        ("quoted.csv", b'"' + b"," * 10_000_000 + b'"', f":1:A: {refusal}"),
        (
            "nul.csv",
            bytes(50_000_000),
            ": 含有 NUL 字节，不是 CSV 文本（可能是 UTF-16 编码或二进制文件）",
        ),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        with _at_most(10):
            assert _refused(path) == [f"{path}{expected}"], name
        path.unlink()


def test_html_that_never_closes_its_comments_is_read_in_linear_time(tmp_path):
    """html.parser of Python 3.11.7 took 22 s over 200 KB of ``<!--``, 82 s over 400 KB."""
    table = "<table><tr><td>资产编号</td><td>A-1</td></tr></table>"
    for tail in ("<!--" * 250_000, "</" * 500_000, "<![CDATA[" * 100_000 + ">"):
        path = tmp_path / "page.xls"
        path.write_text(table + tail, encoding="utf-8")
        problems: list[Problem] = []
        with _at_most(10):
            found = sheets.read_sheets(path, problems)
        assert problems == []
        assert found[0].rows[0] == ["资产编号", "A-1"]


def test_an_html_table_s_spans_are_counted_as_the_cells_they_cover(tmp_path, monkeypatch):
    """A row of spans reaching down 65,534 rows, then rows of one empty cell each: every
    cell walks past the spans above it. Counted, it is refused, not walked for minutes."""
    monkeypatch.setattr(limits, "MAX_CELLS", 100_000)
    spans = '<td rowspan="65534" colspan="1000">x</td>' * 16
    path = tmp_path / "spans.xls"
    path.write_text(
        f"<table><tr>{spans}</tr>" + "<tr><td></td></tr>" * 50_000 + "</table>",
        encoding="utf-8",
    )
    with _at_most(10):
        assert _refused(path) == [
            f"{path}: 表格超过 100000 个单元格（行数 × 列数）的上限；请拆分后再导入"
        ]
    html = markup._defuse("<p>a</p><!-- b --><!-- c")
    assert html == "<p>a</p><!-- b -->&lt;!-- c"


def test_merged_ranges_are_cut_to_the_rows_of_the_sheet(tmp_path, capsys, ledger):
    """A range merged down past the last row (the office, merged into the blank rows
    under the register) is read over the rows there are."""
    rows = [
        ["机构代码", "资产编号", "资产名称", "资产类别", "账面净值", "登记日期"],
        ["XN-WH", "WH-1", "电脑", "设备", 10, "2015-07-25"],
        [None, "WH-2", "打印机", "设备", 20, "2015-07-25"],
    ]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merges=["A2:A9"])
    problems: list[Problem] = []
    (sheet,) = sheets.read_sheets(path, problems)
    assert sheet.merged == [(2, 0, 3, 0)]
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(capsys, *_import_args(path, ledger, out))
    assert code == 0, err
    assert 'asset-id: "WH-2"' in out.read_text(encoding="utf-8")


def test_merged_ranges_covering_more_cells_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 50)
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [[f"r{i}"] for i in range(20)],
        merges=["A1:C10", "B12:D20"],
    )
    assert _refused(path) == [
        f"{path}[附表一]: 合并单元格共覆盖 57 个单元格，超过 50 个的上限"
    ]


def test_at_most_200_problems_are_listed(tmp_path, capsys, ledger):
    rows = [INVENTORY_HEADER]
    rows += [
        ["XN-WH", f"E-{i:03d}", "电脑", "设备", "", "", "-1", "", "", "2015-07-25"]
        for i in range(250)
    ]
    register = write_csv(tmp_path / "bad.csv", rows)
    out = tmp_path / "imported.beancount"
    code, _, err = run_cli(capsys, *_import_args(register, ledger, out))
    assert code == 2
    lines = err.splitlines()
    listed = [line for line in lines if line.startswith(f"{register}:")]
    assert len(listed) == 200
    assert listed[0].startswith(f"{register}:2:G:")
    assert listed[-1].startswith(f"{register}:201:G:")
    assert lines[-2:] == [
        "……另有 50 个问题未列出",
        f"liaison import inventory: {register} 中有 250 个问题；未写入任何文件",
    ]
    assert not out.exists()
    assert pipeline.listed(["a"] * 201) == ["a"] * 200 + ["……另有 1 个问题未列出"]
    assert pipeline.listed(["a"] * 200) == ["a"] * 200


def test_the_limits_are_documented_with_their_values():
    doc = sheets.__doc__ or ""
    for value in ("200 MB", "10,000 parts", "500 MB", "100 times", "200,000", "16,384"):
        assert value in doc, value
    assert "10,000,000" in doc and "10,000 characters" in doc
    assert (limits.MAX_FILE_BYTES, limits.MAX_UNZIPPED_BYTES) == (200 << 20, 500 << 20)
    assert (limits.MAX_ROWS, limits.MAX_COLUMNS, limits.MAX_CELLS) == (
        200_000,
        16_384,
        10_000_000,
    )
    assert (limits.MAX_CELL_CHARS, limits.MAX_ZIP_MEMBERS, limits.MAX_ZIP_RATIO) == (
        10_000,
        10_000,
        100,
    )
    assert (pipeline.MAX_LISTED, pipeline.LOCK_TIMEOUT) == (200, 60.0)


def test_csv_module_limit_is_left_as_it_was():
    """The reader refuses long fields itself; it changes no global of the csv module."""
    assert csv.field_size_limit() == 131072
