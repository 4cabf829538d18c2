"""The 清理规范 upload takes registers from its own page only, and of a bounded size.

Fava has no login: any page the user opens in the same browser could post a register to
their Fava. A request whose ``Origin`` is another site's, or that the browser marks
``Sec-Fetch-Site: cross-site``, is refused with 403 before its body is read; a body over
``MAX_UPLOAD_BYTES`` with 413. Both in Chinese, and the books byte for byte as they were.
"""

from __future__ import annotations

import io

import pytest

from reports import dashboard_upload
from tests.reports.test_dashboard import REGISTER
from tests.reports.test_dashboard import SMALL
from tests.reports.test_dashboard import Fava
from tests.reports.test_dashboard import write_ledger
from tests.reports.test_dashboard import xlsx_bytes


@pytest.fixture
def small(tmp_path) -> Fava:
    return Fava(write_ledger(tmp_path, SMALL))


def _post(fava: Fava, content: bytes, name: str = "r.xlsx", **headers: str):
    return fava.client.post(
        fava.upload_url,
        data={"file": (io.BytesIO(content), name), "date": "2015-07-25"},
        content_type="multipart/form-data",
        headers=headers,
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://localhost:8080"},  # another port is another origin
        {"Origin": "https://localhost"},
        {"Origin": "null"},  # a sandboxed frame, a file:// page
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_post_from_another_site_is_refused_and_writes_nothing(small, headers):
    before = small.path.read_bytes()
    response = _post(small, xlsx_bytes(REGISTER), **headers)
    assert response.status_code == 403
    result = response.get_json()
    assert result["ok"] is False
    assert result["message"].startswith("拒绝来自其他网站的上传请求")
    assert result["message"].endswith("未写入任何内容；请在本 Fava 的清理规范页面上传")
    assert result["errors"] == [result["message"]]
    assert small.path.read_bytes() == before


def test_the_refusal_names_the_origin(small):
    response = _post(small, xlsx_bytes(REGISTER), Origin="http://evil.example")
    assert response.get_json()["message"] == (
        "拒绝来自其他网站的上传请求（http://evil.example），未写入任何内容；"
        "请在本 Fava 的清理规范页面上传"
    )


def test_a_browser_form_from_another_site_gets_a_page_and_nothing_is_written(small):
    before = small.path.read_bytes()
    response = small.client.post(
        small.upload_url,
        data={"file": (io.BytesIO(xlsx_bytes(REGISTER)), "r.xlsx"), "date": "2015-07-25"},
        content_type="multipart/form-data",
        headers={
            "Origin": "http://evil.example",
            "Sec-Fetch-Site": "cross-site",
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        },
    )
    assert response.status_code == 403
    assert "拒绝来自其他网站的上传请求" in response.get_data(as_text=True)
    assert small.path.read_bytes() == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},
        {"Origin": "http://LOCALHOST:80"},  # the same origin, written otherwise
        {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        {},  # curl, a script: no Origin
    ],
)
def test_a_post_from_the_page_itself_still_imports(small, headers):
    before = small.path.read_text(encoding="utf-8")
    response = _post(small, xlsx_bytes(REGISTER), **headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["new"] == 2
    after = small.path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert 'asset-id: "JY-V-0002"' in after[len(before) :]


def test_an_upload_over_20_mb_is_refused_with_413(small):
    before = small.path.read_bytes()
    content = xlsx_bytes(REGISTER) + bytes(20 * 1024 * 1024)
    response = _post(small, content, Origin="http://localhost")
    assert response.status_code == 413
    result = response.get_json()
    assert result["message"] == (
        "上传的内容超过 20 MB 的上限，未写入任何内容；"
        "请拆分后再上传，或用 liaison import 导入"
    )
    assert result["errors"] == [result["message"]]
    assert small.path.read_bytes() == before


def test_the_size_limit_counts_the_whole_request(small, monkeypatch):
    monkeypatch.setattr(dashboard_upload, "MAX_UPLOAD_BYTES", 2000)
    before = small.path.read_bytes()
    response = _post(small, bytes(3000))
    assert response.status_code == 413
    assert small.path.read_bytes() == before
    # a body of no stated length is cut off by the form parser at the limit
    body = b"".join(
        [
            b"--X\r\n",
            b'Content-Disposition: form-data; name="file"; filename="r.xlsx"\r\n\r\n',
            bytes(3000),
            b"\r\n--X--\r\n",
        ]
    )
    response = small.client.post(
        small.upload_url,
        input_stream=io.BytesIO(body),
        content_type="multipart/form-data; boundary=X",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "超过" in response.get_json()["message"]
    assert small.path.read_bytes() == before


def test_the_problems_of_an_upload_are_listed_200_at_most(small):
    header = ["机构代码", "资产编号", "资产名称", "资产类别", "账面净值", "登记日期"]
    rows = [header] + [
        ["XN-JY-WH", f"JY-E-{i:04d}", "电脑", "设备", -1, "2015-07-25"] for i in range(250)
    ]
    before = small.path.read_bytes()
    response = _post(small, xlsx_bytes(rows), name="坏表.xlsx")
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert len(errors) == 201
    assert all(e.startswith("坏表.xlsx:") for e in errors[:200])
    assert errors[-1] == "……另有 50 个问题未列出"
    assert small.path.read_bytes() == before


# --- a file name longer than the file system takes ----------------------------------


def test_a_file_name_over_255_bytes_is_imported_under_a_shortened_name(small):
    name = "嘉鱼县人民政府驻武汉办事处" * 7 + "资产清查登记表.xlsx"  # 103 characters
    assert len(name.encode("utf-8")) == 299
    before = small.path.read_text(encoding="utf-8")
    response = _post(small, xlsx_bytes(REGISTER), name=name)
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert (result["rows"], result["new"]) == (2, 2)
    shown = result["file"]
    assert shown == dashboard_upload.stored_name(name)
    assert len(shown.encode("utf-8")) <= 255
    assert shown.endswith("….xlsx") and name.startswith(shown.removesuffix("….xlsx"))
    assert result["warnings"][0] == f"文件名超过 255 字节，按 {shown} 导入"
    after = small.path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert f"; liaison import inventory {shown}" in after[len(before) :]
    assert 'asset-id: "JY-V-0002"' in after[len(before) :]


def test_a_file_name_within_255_bytes_is_kept_and_not_warned_of(small):
    name = "2015" + "嘉鱼县人民政府驻武汉办事处" * 5 + "表" * 10 + "资产清查登记表.xlsx"
    assert len(name.encode("utf-8")) == 255
    response = _post(small, xlsx_bytes(REGISTER), name=name)
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert result["file"] == name
    assert not [w for w in result["warnings"] if "文件名" in w]


def test_stored_name_cuts_on_a_character_and_keeps_the_suffix():
    stored = dashboard_upload.stored_name
    assert stored("r.xlsx") == "r.xlsx"
    assert stored("表" * 85) == "表" * 85  # exactly 255 bytes
    cut = stored("表" * 86)  # no suffix: cut, marked
    assert cut == "表" * 84 + "…" and len(cut.encode("utf-8")) == 255
    for name in ("表" * 90 + ".csv", "a" + "表" * 90 + ".xlsx", "x" * 300 + ".CSV"):
        cut = stored(name)
        suffix = "." + name.rsplit(".", 1)[1]
        assert cut.endswith("…" + suffix), name
        assert len(cut.encode("utf-8")) <= 255
        assert name.startswith(cut.removesuffix("…" + suffix))
