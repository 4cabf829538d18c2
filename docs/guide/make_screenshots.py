"""Make the screenshots of the guide (docs/guide/README.md) from the example ledger.

Run from the project folder:

    .venv/bin/python docs/guide/make_screenshots.py

It needs headless Chromium at /usr/bin/chromium and a CJK font (`make browser` installs
both on Debian when run as root). It copies ledger/ to a temporary folder, starts Fava on
it on a free localhost port, screenshots the 清理规范 page, Fava's
errors page and the balance sheet, renders two html reports (progress, disposal) with
`liaison report` and screenshots them, stops Fava, and writes the PNGs into
docs/guide/images/.
Nothing outside docs/guide/images/ and the temporary folder is written.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")
IMAGES = Path(__file__).resolve().parent / "images"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def wait_for(base: str, fava: subprocess.Popen[bytes], seconds: float = 90) -> str:
    """Wait until Fava answers; return the ledger's slug.

    The slug is the redirect of / minus /income_statement/.
    """
    opener = urllib.request.build_opener(NoRedirect)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if fava.poll() is not None:
            raise SystemExit(f"Fava stopped (exit {fava.returncode})")
        try:
            opener.open(base + "/", timeout=5)
        except urllib.error.HTTPError as e:
            if e.code in (301, 302, 303, 307, 308):
                location = e.headers["Location"]
                path = location.split("://", 1)[-1]
                path = path[path.find("/") :] if "://" in location else location
                slug = path.strip("/").split("/")[0]
                if slug:
                    return slug
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("Fava did not answer in time")


def shoot(url: str, out: Path, height: int, profile: Path, width: int = 1400) -> None:
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--virtual-time-budget=8000",
        "--hide-scrollbars",
        f"--screenshot={out}",
        url,
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    if not out.exists():
        raise SystemExit(f"Chromium wrote no {out}")
    print(f"{out.relative_to(ROOT)}  {out.stat().st_size // 1024} KB  ({width}x{height})")


def main() -> int:
    if not CHROMIUM.exists():
        print("no /usr/bin/chromium: run `make browser` (as root) first", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    with tempfile.TemporaryDirectory(prefix="liaison-shots-") as tmp_name:
        tmp = Path(tmp_name)
        books = tmp / "ledger"
        shutil.copytree(ROOT / "ledger", books)
        # The example's import settings point at ../importers and ../imports.
        (tmp / "imports").mkdir()
        os.symlink(ROOT / "importers", tmp / "importers")
        profile = tmp / "chromium-profile"
        port = free_port()
        fava = subprocess.Popen(
            [
                str(BIN / "fava"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "main.beancount",
            ],
            cwd=books,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            slug = wait_for(base, fava)
            shoot(
                f"{base}/{slug}/extension/Dashboard/",
                IMAGES / "dashboard.png",
                1500,
                profile,
            )
            shoot(f"{base}/{slug}/errors/", IMAGES / "errors.png", 1000, profile)
            shoot(
                f"{base}/{slug}/balance_sheet/", IMAGES / "balance-sheet.png", 900, profile
            )
        finally:
            fava.terminate()
            try:
                fava.wait(timeout=10)
            except subprocess.TimeoutExpired:
                fava.kill()
                fava.wait()
        for kind, height in (("progress", 1000), ("disposal", 1000)):
            html = tmp / f"{kind}.html"
            subprocess.run(
                [
                    str(BIN / "liaison"),
                    "report",
                    kind,
                    str(books / "main.beancount"),
                    "--output",
                    str(html),
                ],
                check=True,
                env=env,
                cwd=ROOT,
            )
            shoot(html.as_uri(), IMAGES / f"report-{kind}.png", height, profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
