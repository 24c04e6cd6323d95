"""Regenerate docs/rapport.png: the example's report as a web page, as a reader sees it.

    python3 docs/tools/rapport_png.py            # needs kpb installed and chromium

Computes fixtures/exempelkommun (2022 and 2024, then `kpb jamfor 2022 2024`) in a temporary
copy, renders ut/2024/rapport.html in headless Chromium at 1366 px and writes the screenshot
over docs/rapport.png, so the picture in the README always shows what kpb writes today.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "0123456789abcdef" * 4  # a key for the picture only: the figures do not depend on it


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("rapport_png: chromium saknas (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "exempelkommun"
        shutil.copytree(ROOT / "fixtures" / "exempelkommun", project,
                        ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key", ".kpb-*"))
        env = {**os.environ, "KPB_PSEUDONYM_NYCKEL": KEY}
        for command in (["compute", "2022"], ["compute", "2024"], ["jamfor", "2022", "2024"]):
            subprocess.run([sys.executable, "-c", "from kpb.cli import main; main()", *command,
                            "--project", str(project), "--tyst"], env=env, check=True)
        page = project / "ut" / "2024" / "rapport.html"
        target = ROOT / "docs" / "rapport.png"
        subprocess.run([browser, "--headless", "--no-sandbox", "--hide-scrollbars",
                        "--window-size=1366,1600", f"--screenshot={target}", page.as_uri()],
                       check=True, capture_output=True)
    print(f"skrev {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
