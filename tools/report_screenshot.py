"""Regenerate docs/report_screenshot.png: the first screen of the TA24 Finnish report, for the README.

Renders the report from the serving file (run `python3 tasks.py refresh` first), lets headless
Chromium photograph the top of the page, and reduces the PNG to a palette so it stays small in git.

    python3 tasks.py screenshot            # or: .venv/bin/python tools/report_screenshot.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from ingestion.errors import SettingsError
from ingestion.settings import Settings
from serving.report.render import CHROMIUM_BATCH_FLAGS, build_report, chromium_binary

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "report_screenshot.png"
WIDTH, HEIGHT = 1100, 1500
MAX_BYTES = 300_000


def screenshot(html: Path, png: Path, profile: Path) -> None:
    """Headless Chromium's `--screenshot` of the page's first WIDTH × HEIGHT pixels."""
    chromium = chromium_binary()
    if chromium is None:
        raise SettingsError("The screenshot needs Chromium on PATH (e.g. `apt-get install chromium`).")
    done = subprocess.run(
        [
            chromium,
            *CHROMIUM_BATCH_FLAGS,
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0 or not png.exists():
        raise SettingsError(f"Chromium could not photograph {html}: {done.stderr.strip()[-300:]}")


def shrink(source: Path, target: Path) -> int:
    """Save `source` as a 64-colour palette PNG at `target` (text and flat charts survive it); its size."""
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    """Render TA24 (or --area) in Finnish for the latest month and write the PNG into docs/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", default="TA24")
    parser.add_argument("--lang", default="fi")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="tilannekuva-shot-") as tmp:
        folder = Path(tmp)
        html, _ = build_report(settings.serving_path, args.area, None, args.lang, folder / "report.html")
        raw = folder / "raw.png"
        screenshot(html, raw, folder / "profile")
        size = shrink(raw, args.out)
    print(f"{args.out} ({size // 1000} kB)")
    if size > MAX_BYTES:
        print(f"warning: larger than {MAX_BYTES // 1000} kB; keep the README light", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
