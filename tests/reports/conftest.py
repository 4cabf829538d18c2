"""Fixtures for the reports: a small ledger in SPEC section 2's language, and helpers.

``SAMPLE`` is 咸宁 in 2015: the city's office in Wuhan (retained with approval) and
嘉鱼县's office (abolished on 2015-08-10), whose building is transferred, whose car is
auctioned above its appraisal and whose land-use right is sold below it (approved);
proceeds are remitted in part; the city office's reception has one event within the
150-yuan standard, one over it and one with no guests.
"""

from __future__ import annotations

import datetime
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from plugins import engine
from tests.conftest import load_text

SAMPLE = """
2015-07-20 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
  preset: "capital-2015"
  document: "咸政办函〔2015〕58号"
  reception-per-person: 150 CNY

2015-01-01 custom "government" "XN" "咸宁市人民政府"
  level: "prefecture"
  province: "湖北"
2015-01-01 custom "government" "XN-JY" "嘉鱼县人民政府"
  level: "county"
  province: "湖北"
  parent: "XN"

2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
  government: "XN"
  kind: "government"
  host: "武汉"
  program: "HB-2015"
2015-01-01 custom "office" "XN-JY-WH" "嘉鱼县人民政府驻武汉办事处"
  government: "XN-JY"
  kind: "government"
  host: "武汉"
  program: "HB-2015"

2015-07-25 custom "registration" "XN-JY-WH"
  staff: 6
  established: 1998-03-01
2015-07-28 custom "registration" "XN-WH"
  staff: 12
  established: 1990-05-01

2015-07-30 custom "decision" "XN-WH" "retain"
  approval: "鄂政办函〔2015〕70号"
2015-08-10 custom "decision" "XN-JY-WH" "abolish"
  approval: "咸政办函〔2015〕58号"

2015-01-01 open Assets:Treasury:XN-JY CNY
2015-01-01 open Equity:Transfers:XN-JGSW CNY
2015-01-01 open Assets:Office:XN-JY-WH:Vehicles:V0001 CNY
  asset-id: "JY-V-0001"
  name: "别克GL8 鄂L12345"
  acquired: 2011-05-01
  original-cost: 280000.00 CNY
2015-01-01 open Assets:Office:XN-JY-WH:Buildings:B0001 CNY
  asset-id: "JY-B-0001"
  name: "武昌区办公楼"
2015-01-01 open Assets:Office:XN-JY-WH:Land:L0001 CNY
  asset-id: "JY-L-0001"
  name: "武昌区土地使用权"
2015-01-01 open Assets:Office:XN-JY-WH:Cash CNY
2015-01-01 open Assets:Office:XN-JY-WH:Receivables CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:Payables CNY
2015-01-01 open Liabilities:Office:XN-JY-WH:DueToTreasury CNY
2015-01-01 open Equity:Office:XN-JY-WH:NetAssets CNY
2015-01-01 open Expenses:Office:XN-JY-WH:Disposal CNY
2015-01-01 open Assets:Office:XN-WH:Cash CNY
2015-01-01 open Equity:Office:XN-WH:NetAssets CNY
2015-01-01 open Expenses:Office:XN-WH:Reception CNY

2015-01-01 * "期初" "嘉鱼驻汉办期初余额"
  Assets:Office:XN-JY-WH:Vehicles:V0001      150000.00 CNY
  Assets:Office:XN-JY-WH:Buildings:B0001    2400000.00 CNY
  Assets:Office:XN-JY-WH:Land:L0001          800000.00 CNY
  Assets:Office:XN-JY-WH:Cash                 50000.00 CNY
  Assets:Office:XN-JY-WH:Receivables          20000.00 CNY
  Liabilities:Office:XN-JY-WH:Payables       -10000.00 CNY
  Equity:Office:XN-JY-WH:NetAssets

2015-01-01 * "期初" "咸宁驻汉办期初余额"
  Assets:Office:XN-WH:Cash                   100000.00 CNY
  Equity:Office:XN-WH:NetAssets

2015-08-15 * "无偿划转" "房屋划转市机关事务管理局"
  disposal: "transfer"
  approval: "咸国资〔2015〕9号"
  recipient: "咸宁市机关事务管理局"
  Assets:Office:XN-JY-WH:Buildings:B0001  -2400000.00 CNY
  Equity:Transfers:XN-JGSW                  2400000.00 CNY

2015-08-20 * "咸宁市公共资源交易中心" "拍卖 鄂L12345"
  disposal: "auction"
  approval: "咸机管〔2015〕21号"
  appraisal: 120000.00 CNY
  appraisal-date: 2015-07-28
  Assets:Office:XN-JY-WH:Vehicles:V0001        -150000.00 CNY
  Expenses:Office:XN-JY-WH:Disposal             150000.00 CNY
  Assets:Office:XN-JY-WH:Cash                   121000.00 CNY
  Liabilities:Office:XN-JY-WH:DueToTreasury    -121000.00 CNY

2015-08-22 * "武汉某置业有限公司" "有偿转让 土地使用权"
  disposal: "有偿转让"
  approval: "咸国资〔2015〕12号"
  price-approval: "咸政函〔2015〕30号"
  appraisal: 900000.00 CNY
  appraisal-date: 2015-08-01
  Assets:Office:XN-JY-WH:Land:L0001            -800000.00 CNY
  Expenses:Office:XN-JY-WH:Disposal             800000.00 CNY
  Assets:Office:XN-JY-WH:Cash                   850000.00 CNY
  Liabilities:Office:XN-JY-WH:DueToTreasury    -850000.00 CNY

2015-08-25 * "上缴国库" "拍卖收入上缴"
  Liabilities:Office:XN-JY-WH:DueToTreasury     121000.00 CNY
  Assets:Office:XN-JY-WH:Cash                  -121000.00 CNY

2015-08-28 * "某公司" "收回借款"
  Assets:Office:XN-JY-WH:Cash                    20000.00 CNY
  Assets:Office:XN-JY-WH:Receivables            -20000.00 CNY

2015-08-29 * "某物业" "支付欠款"
  Liabilities:Office:XN-JY-WH:Payables           10000.00 CNY
  Assets:Office:XN-JY-WH:Cash                   -10000.00 CNY

2015-09-10 * "上缴国库" "转让收入上缴（部分）"
  Liabilities:Office:XN-JY-WH:DueToTreasury     500000.00 CNY
  Assets:Office:XN-JY-WH:Cash                  -500000.00 CNY

2016-05-12 * "某酒店" "公务接待"
  guests: 8
  Expenses:Office:XN-WH:Reception    960.00 CNY
  Assets:Office:XN-WH:Cash          -960.00 CNY

2016-06-01 * "某酒店" "公务接待"
  guests: 10
  Expenses:Office:XN-WH:Reception   2000.00 CNY
  Assets:Office:XN-WH:Cash         -2000.00 CNY

2016-07-01 * "某餐厅" "工作餐"
  Expenses:Office:XN-WH:Reception    300.00 CNY
  Assets:Office:XN-WH:Cash          -300.00 CNY
"""

CHROMIUM = Path("/usr/bin/chromium")


def books_of(text: str, as_of: str | datetime.date) -> tuple[Any, list[Any]]:
    """The books and violations of a ledger given as text, at ``as_of``."""
    entries, errors, options = load_text(text)
    assert not errors, [e.message for e in errors]
    if isinstance(as_of, str):
        as_of = datetime.date.fromisoformat(as_of)
    return engine.run(entries, options, None, as_of=as_of)


@pytest.fixture
def sample_books():
    """The sample's books and violations at an as-of date."""

    def make(as_of: str = "2015-09-15"):
        return books_of(SAMPLE, as_of)

    return make


@pytest.fixture
def sample_ledger(tmp_path: Path) -> Path:
    """The sample written to a file, as the command line reads it."""
    path = tmp_path / "main.beancount"
    path.write_text('option "operating_currency" "CNY"\n' + SAMPLE, encoding="utf-8")
    return path


def screenshot(html: Path, png: Path, tmp: Path, blank: bool = False) -> None:
    """Render ``html`` in headless Chromium to ``png`` (1600×1100), no network;
    ``blank``: the page is meant to be empty (its picture compresses to little)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium to render html")
    profile = tmp / "chromium-profile"
    profile.mkdir(exist_ok=True)
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        "--window-size=1600,1100",
        html.resolve().as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert png.is_file(), "chromium wrote no picture"
    assert blank or png.stat().st_size > 10_000, "chromium drew next to nothing"


def ink(png: Path, rows: int = 250) -> float:
    """The share of the pixels in a screenshot's top ``rows`` rows (title, source block,
    the first table) that are not near-white: what was drawn there.

    Decodes the PNG Chromium writes (8-bit RGB or RGBA, not interlaced): a blank page
    is 0.0, a report's top some per cent.
    """
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
    offset, chunks, header = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, "an unexpected PNG"
    size = 4 if color == 6 else 3
    stride = width * size
    raw = zlib.decompress(b"".join(chunks))
    previous = bytearray(stride)
    drawn = 0
    rows = min(rows, height)
    for y in range(rows):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):  # undo the scanline's filter (PNG spec, section 9)
            left = line[i - size] if i >= size else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - size] if i >= size else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        for x in range(0, stride, size):
            if min(line[x], line[x + 1], line[x + 2]) < 200:
                drawn += 1
        previous = line
    return drawn / (width * rows)


def keep_png(png: Path) -> Path:
    """Copy a rendered picture to ``build/report-png/`` for a person to look at."""
    out = Path(__file__).resolve().parents[2] / "build" / "report-png"
    out.mkdir(parents=True, exist_ok=True)
    target = out / png.name
    shutil.copyfile(png, target)
    return target


@pytest.fixture
def books_doc(request: pytest.FixtureRequest):
    """The books and violations of the ledger in the test's docstring, at ``as_of``."""

    def run(as_of: str):
        return books_of(request.function.__doc__ or "", as_of)

    return run


def row_of(table: Any, **match: Any) -> dict[str, Any]:
    """The one row of a report table whose columns have the given values."""
    rows = [
        r
        for r in table.frame.to_dict("records")
        if all(r.get(k) == v for k, v in match.items())
    ]
    assert len(rows) == 1, (match, table.frame.to_dict("records"))
    return rows[0]
