"""rapport.html rendered by headless Chromium: every chart drew and nothing was fetched.

A copy of the page gets a small script that measures each chart after layout (getBBox needs
a real renderer) and lists every resource the page tried to load; `--dump-dom` hands the
result back. Network is cut with host resolver rules. Without Chromium the test skips on a
developer machine; in CI (the CI environment variable set) a missing Chromium is a failure.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from builders import copy_project, run

PROBE = """
<script>
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg')].map(svg => {
    const box = svg.getBBox();
    const marks = [...svg.querySelectorAll('rect.stapel, polyline.kurva')]
      .filter(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; }).length;
    return {width: box.width, height: box.height, marks: marks};
  });
  const fetched = performance.getEntriesByType('resource').map(r => r.name);
  const broken = [...document.images].filter(i => !i.complete || !i.naturalWidth).length;
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({charts, fetched, broken});
  document.body.appendChild(out);
});
</script>
"""


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if path := shutil.which(name):
            return path
    return None


def headless(*args: str) -> subprocess.CompletedProcess:
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium saknas i CI: .ci/run ska installera paketet chromium")
        pytest.skip("Chromium är inte installerat (CI installerar det)")
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--virtual-time-budget=5000", *args],
        capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    project = copy_project("exempelkommun", tmp_path_factory.mktemp("browser"))
    result = run("compute", "2024", "--project", str(project), "--tyst")
    assert result.exit_code == 0, result.output
    return project / "ut/2024/rapport.html"


def test_every_chart_draws_and_nothing_is_fetched(page, tmp_path):
    probed = tmp_path / "probe.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    result = headless("--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stderr[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert len(probe["charts"]) == page.read_text(encoding="utf-8").count("<svg") == 2
    for chart in probe["charts"]:
        assert chart["width"] > 100 and chart["height"] > 100 and chart["marks"] > 0, chart
    assert probe["charts"][0]["marks"] == 12  # one bar per insats of exempelkommun
    assert probe["fetched"] == [] and probe["broken"] == 0


def test_screenshot_is_not_blank(page, tmp_path):
    shot = tmp_path / "rapport.png"
    headless(f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000  # a blank page is a few kB
