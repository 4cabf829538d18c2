"""The importers through Fava itself: its Import page's API, on a ledger whose
``import-config`` option points at ``importers/config.py``.

Upload → list (identify) → extract → add entries, as the Import page does it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from fava.application import create_app

from importers import config as config_module
from plugins.catalogue import PolicyViolation
from tests.importers.conftest import DISPOSAL_HEADER
from tests.importers.conftest import INVENTORY_HEADER
from tests.importers.conftest import INVENTORY_ROWS
from tests.importers.conftest import LEDGER
from tests.importers.conftest import csv_bytes
from tests.importers.conftest import write_xlsx

CONFIG = Path(config_module.__file__).resolve()


@pytest.fixture
def fava(tmp_path):
    ledger = tmp_path / "main.beancount"
    ledger.write_text(
        LEDGER
        + f'\n2010-01-01 custom "fava-option" "import-config" "{CONFIG}"\n'
        + '2010-01-01 custom "fava-option" "import-dirs" "imports"\n',
        encoding="utf-8",
    )
    (tmp_path / "imports").mkdir()
    app = create_app([ledger], load=True)
    app.testing = True
    client = app.test_client()
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    return client, f"/{slug}/api", ledger


def _ok(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["data"]


def _upload(client, api, name, content: bytes) -> str:
    response = client.put(
        f"{api}/upload_import_file",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    return _ok(response)


def _importers_of(client, api) -> dict[str, list[str]]:
    files = _ok(client.get(f"{api}/imports"))
    return {f["basename"]: [i["importer_name"] for i in f["importers"]] for f in files}


def _extract(client, api, filename: str, importer: str):
    return client.get(
        f"{api}/extract", query_string={"filename": filename, "importer": importer}
    )


def test_fava_loads_the_import_config_without_errors(fava):
    client, api, _ = fava
    errors = _ok(client.get(f"{api}/errors"))
    assert [e for e in errors if "import" in e["message"].lower()] == []


def test_inventory_register_uploaded_and_extracted_in_fava(fava, tmp_path):
    client, api, _ = fava
    rows = [INVENTORY_HEADER, *[r[:9] + ["2015-07-25"] for r in INVENTORY_ROWS]]
    _upload(client, api, "资产清查登记表.csv", csv_bytes(rows, "gbk"))
    write_xlsx(tmp_path / "imports" / "register.xlsx", rows)
    (tmp_path / "imports" / "notes.txt").write_text("not a register", encoding="utf-8")
    listed = _importers_of(client, api)
    assert listed["资产清查登记表.csv"] == ["liaison.inventory"]
    assert listed["register.xlsx"] == ["liaison.inventory"]
    assert listed["notes.txt"] == []

    for name in ("资产清查登记表.csv", "register.xlsx"):
        path = str(tmp_path / "imports" / name)
        entries = _ok(_extract(client, api, path, "liaison.inventory"))
        opens = {e["account"]: e for e in entries if e["t"] == "Open"}
        car = opens["Assets:Office:XN-JY-WH:Vehicles:JY-V-0001"]
        assert car["meta"]["asset-id"] == "JY-V-0001"
        assert car["meta"]["name"] == "别克GL8 鄂L12345"
        assert "Equity:Office:XN-WH:NetAssets" in opens  # the ledger lacks it
        opening = [
            e
            for e in entries
            if e["t"] == "Transaction" and e["meta"].get("asset-id") == "JY-P-0001"
        ]
        assert [(p["account"], p["amount"]) for p in opening[0]["postings"]] == [
            ("Liabilities:Office:XN-JY-WH:Payables:JY-P-0001", "-8000.00 CNY"),
            ("Equity:Office:XN-JY-WH:NetAssets", "8000.00 CNY"),
        ]


def test_rows_the_ledger_holds_come_out_marked_duplicate(fava, tmp_path):
    client, api, _ = fava
    rows = [
        INVENTORY_HEADER,
        [
            "XN-JY-WH",
            "JY-B-0001",
            "办公楼",
            "房屋",
            "2001-03-01",
            "3000000",
            "2400000",
            "",
            "",
            "2015-01-01",
        ],
        INVENTORY_ROWS[0],
    ]
    path = tmp_path / "imports" / "reg.csv"
    path.write_bytes(csv_bytes(rows))
    entries = _ok(_extract(client, api, str(path), "liaison.inventory"))
    marked = {
        e["meta"].get("asset-id"): e["meta"].get("__duplicate__", False)
        for e in entries
        if e["t"] == "Open" and "asset-id" in e["meta"]
    }
    assert marked == {"JY-B-0001": True, "JY-V-0001": False}


def test_bad_register_is_refused_whole_in_fava(fava, tmp_path):
    client, api, _ = fava
    rows = [
        INVENTORY_HEADER,
        INVENTORY_ROWS[0],
        ["XN-ZZ", "X-1", "甲", "车辆", "", "", "-1", "", "", "2015-07-25"],
    ]
    path = tmp_path / "imports" / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    response = _extract(client, api, str(path), "liaison.inventory")
    assert response.status_code != 200
    text = response.get_json()["error"]  # the JSON escapes the Chinese; decoded here
    assert "bad.csv:3:G" in text and "是负数" in text
    assert "未导入任何内容" in text


def test_disposal_extracted_and_saved_through_fava(fava, tmp_path):
    client, api, ledger = fava
    rows = [
        DISPOSAL_HEADER,
        [
            "JY-B-0001",
            "划转",
            "2015-08-15",
            "咸国资〔2015〕9号",
            "",
            "",
            "咸宁市机关事务管理局",
        ],
    ]
    _upload(client, api, "results.csv", csv_bytes(rows, "gbk"))
    assert _importers_of(client, api)["results.csv"] == ["liaison.disposals"]
    path = str(tmp_path / "imports" / "results.csv")
    entries = _ok(_extract(client, api, path, "liaison.disposals"))
    assert [e["t"] for e in entries] == ["Transaction"]
    transfer = entries[0]
    assert transfer["meta"]["disposal"] == "transfer"
    assert transfer["meta"]["recipient"] == "咸宁市机关事务管理局"
    assert [(p["account"], p["amount"]) for p in transfer["postings"]] == [
        ("Assets:Office:XN-JY-WH:Buildings:JY-B-0001", "-2400000.00 CNY"),
        ("Equity:Transfers:XN-JGSW", "2400000.00 CNY"),
    ]
    # the Import page's Save button
    _ok(client.put(f"{api}/add_entries", json={"entries": entries}))
    loaded, errors, _ = loader.load_file(str(ledger))
    assert [e for e in errors if not isinstance(e, PolicyViolation)] == []
    saved = [e for e in loaded if isinstance(e, data.Transaction) and "disposal" in e.meta]
    assert saved[0].meta["recipient"] == "咸宁市机关事务管理局"
    # and now the same file is a duplicate
    again = _ok(_extract(client, api, path, "liaison.disposals"))
    assert again[0]["meta"].get("__duplicate__") is True


@pytest.mark.xfail(
    strict=True,
    reason="Fava 1.30's Import page saves only Transaction, Balance and Note entries; "
    "an inventory's `open` directives must be imported with `liaison import inventory`",
)
def test_fava_cannot_save_the_opens_of_an_inventory(fava, tmp_path):
    client, api, _ = fava
    path = tmp_path / "imports" / "reg.csv"
    path.write_bytes(csv_bytes([INVENTORY_HEADER, INVENTORY_ROWS[0]]))
    entries = _ok(_extract(client, api, str(path), "liaison.inventory"))
    _ok(client.put(f"{api}/add_entries", json={"entries": entries}))
