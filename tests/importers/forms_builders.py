"""Builders for ``test_real_forms``: registers as county offices keep them, and what the
import booked, read back from the output loaded with the ledger.

Every form is built by the test that reads it: xlsx with openpyxl (number formats,
merges, several sheets, and the XML patched where openpyxl cannot write what Excel
writes: cached formula results, East Asian date formats), CSV and tab-separated text with
the csv module in the encodings Excel saves, HTML tables and SpreadsheetML 2003 as web
systems export them. (xls and ods are the committed fixtures of ``forms/``: the packages
that write them are not the project's.)
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import zipfile
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from tests.importers.conftest import LEDGER
from tests.importers.conftest import load_together

BOOKED = datetime.date(2015, 7, 31)
"""The booking date the tests give with ``--date``."""

AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

MORE_OFFICES = """
2015-01-01 custom "government" "XN-TC" "通城县人民政府"
  level: "county"
  parent: "XN"
2015-01-01 custom "government" "XN-XA" "咸宁市咸安区人民政府"
  level: "county"
  parent: "XN"
2015-01-01 custom "office" "XN-TC-WH" "通城县人民政府驻武汉办事处"
  government: "XN-TC"
  host: "武汉"
2015-01-01 custom "office" "XN-XA-WH" "咸宁市咸安区人民政府驻武汉办事处"
  government: "XN-XA"
  host: "武汉"

2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:JY-V-0001 CNY
  asset-id: "JY-V-0001"
  name: "别克GL8 鄂L12345"
  acquired: 2011-05-01
  original-cost: 280000.00 CNY
2015-01-01 open Assets:Office:XN-JY-WH:Equipment:JY-E-0011 CNY
  asset-id: "JY-E-0011"
  name: "联想台式电脑 启天M4350"
2015-01-01 open Assets:Office:XN-JY-WH:Equipment:JY-E-0012 CNY
  asset-id: "JY-E-0012"
  name: "联想台式电脑 启天M4350"
2015-01-01 open Assets:Office:XN-JY-WH:Equipment:JY-E-0020 CNY
  asset-id: "JY-E-0020"
  name: "格力柜式空调 KFR-72LW"
2015-01-02 * "期初" "别克GL8 鄂L12345"
  Assets:Office:XN-JY-WH:Vehicles:JY-V-0001   150000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets
2015-01-02 * "期初" "联想台式电脑"
  Assets:Office:XN-JY-WH:Equipment:JY-E-0011   4200.00 CNY
  Assets:Office:XN-JY-WH:Equipment:JY-E-0012   4200.00 CNY
  Equity:Office:XN-JY-WH:NetAssets
2015-01-02 * "期初" "格力柜式空调"
  Assets:Office:XN-JY-WH:Equipment:JY-E-0020   6800.00 CNY
  Equity:Office:XN-JY-WH:NetAssets
"""
"""The conftest ledger, plus 通城县 and 咸安区 (whose name begins 咸宁市 like the city's
office) and the assets the disposal results dispose of."""

BOOKS = LEDGER + MORE_OFFICES


# --- xlsx -------------------------------------------------------------------------------


@dataclasses.dataclass
class Sheet:
    """One worksheet: rows from A1, merged ranges, and number formats by cell."""

    name: str
    rows: Sequence[Sequence[Any]]
    merges: Sequence[str] = ()
    formats: Mapping[str, str] = dataclasses.field(default_factory=dict)


def write_book(path: Path, *sheets: Sheet) -> Path:
    """An xlsx workbook as Excel users make them: dates formatted as dates, amounts as
    ``#,##0.00``, ranges merged after the values are written."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        for r, row in enumerate(spec.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(r, c, value)
                if isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                elif isinstance(value, float):
                    cell.number_format = AMOUNT_FORMAT
        for ref, number_format in spec.formats.items():
            sheet[ref].number_format = number_format
        for ref in spec.merges:
            sheet.merge_cells(ref)
    workbook.save(path)
    return path


def patch_zip(path: Path, member: str, edit: Callable[[str], str]) -> None:
    """Rewrite one member of a zip (an xlsx part) through ``edit``."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    names = [info.filename for info, _ in items]
    assert member in names, (member, names)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in items:
            if info.filename == member:
                content = edit(content.decode("utf-8")).encode("utf-8")
            archive.writestr(info, content)


def cache_formula_results(
    path: Path, sheet_number: int, results: Mapping[str, Any]
) -> None:
    """Store a result for formulas openpyxl wrote without one, as Excel does on saving:
    ``<c r="G9"><f>SUM(G4:G8)</f><v></v></c>`` gets ``<v>…</v>``."""

    def edit(xml: str) -> str:
        for ref, value in results.items():
            pattern = re.compile(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*(?:/>|></v>)')
            xml, count = pattern.subn(lambda m, v=value: f"{m[1]}{m[2]}<v>{v}</v>", xml)
            assert count == 1, (ref, xml)
        return xml

    patch_zip(path, f"xl/worksheets/sheet{sheet_number}.xml", edit)


def use_builtin_formats(path: Path, replace: Mapping[int, int]) -> None:
    """Point the cell styles using built-in number format ``a`` at built-in ``b``: the
    East Asian date formats (31 ``yyyy"年"m"月"d"日"``, 57 ``yyyy"年"m"月"``) that
    openpyxl does not write but Chinese Excel does."""

    def edit(xml: str) -> str:
        for old, new in replace.items():
            xml, count = re.subn(rf'<xf numFmtId="{old}"', f'<xf numFmtId="{new}"', xml)
            assert count >= 1, (old, xml)
        return xml

    patch_zip(path, "xl/styles.xml", edit)


# --- Text -------------------------------------------------------------------------------


def _field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}/{value.month}/{value.day}"
    return str(value)


def excel_text(
    rows: Sequence[Sequence[Any]], delimiter: str = ",", width: int | None = None
) -> str:
    """Rows as Excel saves a sheet as text: every row padded to the used range's width
    (``,,,,`` for an empty row), CRLF, dates as ``2015/7/25``."""
    width = width or max(len(row) for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        cells = [_field(v) for v in row]
        writer.writerow(cells + [""] * (width - len(cells)))
    return buffer.getvalue()


def write_excel_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str) -> Path:
    """``CSV（逗号分隔）`` (GBK on Chinese Windows) or ``CSV UTF-8`` (with BOM)."""
    path.write_bytes(excel_text(rows).encode(encoding))
    return path


def write_unicode_text(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """Excel's ``Unicode 文本``: tab-separated, UTF-16 little-endian with a BOM."""
    path.write_bytes(excel_text(rows, "\t").encode("utf-16"))
    return path


# --- Markup -----------------------------------------------------------------------------


def write_html_xls(
    path: Path, rows: Sequence[Sequence[Any]], spans: Mapping[tuple[int, int], int] = ()
) -> Path:
    """A web system's "Excel" export: an HTML table in GBK named .xls.

    ``spans`` gives a ``colspan`` by ``(row, column)`` (0-based); the cells it covers are
    left out, as HTML does.
    """
    spans = dict(spans)
    lines = [
        "<html>",
        '<head><meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        '<meta charset="gbk"><title>资产清查登记表</title></head>',
        "<body>",
        '<table border="1" cellspacing="0">',
    ]
    for r, row in enumerate(rows):
        cells = []
        skip = 0
        for c, value in enumerate(row):
            if skip:
                skip -= 1
                continue
            span = spans.get((r, c), 1)
            attr = f' colspan="{span}"' if span > 1 else ""
            skip = span - 1
            cells.append(f"<td{attr}>{escape(_field(value))}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</table>", "</body>", "</html>"]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return path


def write_spreadsheetml(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    across: Mapping[tuple[str, int], int] = (),
) -> Path:
    """Excel's ``XML 电子表格 2003``, as systems export it named .xls.

    ``across`` merges a row's first cell over that many more columns, by
    ``(sheet, row)`` (0-based).
    """
    across = dict(across)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?mso-application progid="Excel.Sheet"?>',
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"',
        ' xmlns:o="urn:schemas-microsoft-com:office:office"',
        ' xmlns:x="urn:schemas-microsoft-com:office:excel"',
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
        '<Styles><Style ss:ID="d"><NumberFormat ss:Format="Short Date"/></Style></Styles>',
    ]
    for name, rows in sheets.items():
        parts.append(f'<Worksheet ss:Name="{escape(name)}"><Table>')
        for r, row in enumerate(rows):
            cells = []
            index_next = False
            for c, value in enumerate(row):
                if value is None:
                    index_next = True
                    continue
                attrs = f' ss:Index="{c + 1}"' if index_next else ""
                index_next = False
                merge = across.get((name, r))
                if merge and c == 0:
                    attrs += f' ss:MergeAcross="{merge}"'
                if isinstance(value, datetime.date):
                    attrs += ' ss:StyleID="d"'
                    content = (
                        f'<Data ss:Type="DateTime">{value.isoformat()}T00:00:00.000</Data>'
                    )
                elif isinstance(value, int | float):
                    content = f'<Data ss:Type="Number">{value!r}</Data>'
                else:
                    content = f'<Data ss:Type="String">{escape(str(value))}</Data>'
                cells.append(f"<Cell{attrs}>{content}</Cell>")
            parts.append("<Row>" + "".join(cells) + "</Row>")
        parts.append("</Table></Worksheet>")
    parts.append("</Workbook>")
    path.write_bytes("\n".join(parts).encode("utf-8"))
    return path


# --- What was booked --------------------------------------------------------------------


@dataclasses.dataclass
class Booked:
    """The entries the output file adds to the ledger, loaded together with it."""

    entries: list[Any]
    opens: dict[str, data.Open]
    transactions: list[data.Transaction]

    def assets(self) -> dict[str, data.Open]:
        """The accounts the output opens for an asset, claim or debt (with asset-id)."""
        return {a: o for a, o in self.opens.items() if "asset-id" in o.meta}


def booked(ledger: Path, out: Path) -> Booked:
    """Load ``out`` with ``ledger``: Beancount must find nothing wrong."""
    entries, errors = load_together(ledger, out)
    assert errors == [], errors
    mine = str(out.resolve())
    own = [e for e in entries if e.meta and e.meta.get("filename") == mine]
    assert own, f"nothing loaded from {mine}"
    opens = {e.account: e for e in own if isinstance(e, data.Open)}
    transactions = [e for e in own if isinstance(e, data.Transaction)]
    return Booked(entries, opens, transactions)


def plain(value: Any) -> Any:
    """A metadata value as the tests write it: amounts as ``"285000.00 CNY"``, numbers
    as their digits (so that 285000 and 285000.00 differ)."""
    if isinstance(value, Amount):
        return f"{value.number} {value.currency}"
    if isinstance(value, Decimal):
        return str(value)
    return value


def plain_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata as written in the ledger: without the location and Beancount's own
    ``__tolerances__`` and the like."""
    hidden = ("filename", "lineno")
    return {k: plain(v) for k, v in meta.items() if k not in hidden and k[:2] != "__"}


def assert_inventory(
    result: Booked,
    expected: Mapping[str, tuple[str | None, Mapping[str, Any]]],
    *,
    also_opened: Sequence[str] = (),
    date: datetime.date = BOOKED,
) -> None:
    """Exactly these asset accounts, opened on ``date`` with exactly this metadata, each
    with exactly one opening transaction of this amount (in yuan, as written in the
    ledger) against its own office's NetAssets; ``also_opened`` are the only other
    accounts opened; no other transaction."""
    assets = result.assets()
    same(set(assets), set(expected), "asset accounts opened")
    same(set(result.opens), set(expected) | set(also_opened), "accounts opened")
    for account, (amount, meta) in expected.items():
        opened = assets[account]
        same(plain_meta(opened.meta), dict(meta), f"metadata of {account}")
        same(opened.date, date, f"open date of {account}")
        same(opened.currencies, ["CNY"], f"currencies of {account}")
        touching = [
            t for t in result.transactions if any(p.account == account for p in t.postings)
        ]
        if amount is None:
            same(touching, [], f"transactions of {account}")
            continue
        same(len(touching), 1, f"number of transactions of {account}")
        (opening,) = touching
        office = account.split(":")[2]
        postings = [
            (p.account, str(p.units.number), p.units.currency) for p in opening.postings
        ]
        opening_postings = [
            (account, amount, "CNY"),
            (f"Equity:Office:{office}:NetAssets", str(-Decimal(amount)), "CNY"),
        ]
        same(postings, opening_postings, f"opening of {account}")
        same(opening.date, date, f"opening date of {account}")
        same(opening.meta["asset-id"], meta["asset-id"], f"asset-id of {account}'s opening")
    for transaction in result.transactions:
        assert any(p.account in expected for p in transaction.postings), transaction


def same(actual: Any, expected: Any, what: str) -> None:
    """``actual == expected``, saying both when not (this module's asserts are not
    rewritten by pytest)."""
    assert actual == expected, f"{what}:\n  got      {actual!r}\n  expected {expected!r}"


def postings_of(transaction: data.Transaction) -> list[tuple[str, str]]:
    return [(p.account, str(p.units.number)) for p in transaction.postings]


def assert_refused(
    code: int,
    err: str,
    out: Path,
    before: bytes | None,
    expected: Sequence[tuple[str, str]],
    count: int | None = None,
) -> None:
    """Exit 2; for each ``(prefix, fragment)`` a line of stderr starts with ``prefix``
    (the location: ``path:row:column:`` or ``path[sheet]:row:``) and holds ``fragment``;
    the output is byte-for-byte what it was (absent if it was), and no temporary file is
    left beside it; ``count`` problems in all, if given."""
    assert code == 2, f"exit {code}, expected 2:\n{err}"
    lines = err.splitlines()
    for prefix, fragment in expected:
        located = [line for line in lines if line.startswith(prefix)]
        assert any(fragment in line for line in located), (prefix, fragment, err)
    assert "未写入任何文件" in err, err
    if before is None:
        assert not out.exists(), out.read_text(encoding="utf-8")
    else:
        assert out.read_bytes() == before
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert leftovers == []
    if count is not None:
        assert f"中有 {count} 个问题" in err, err
