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
    """The example's report with every sheet it can have: after `kpb jamfor 2022 2024` the
    comparison, its flows and its shifts are in it too."""
    project = copy_project("exempelkommun", tmp_path_factory.mktemp("browser"))
    for year in ("2022", "2024"):  # kpb jamfor rewrites the report of 2024
        result = run("compute", year, "--project", str(project), "--tyst",
                     *(["--utan-rapport"] if year == "2022" else []))
        assert result.exit_code == 0, result.output
    result = run("jamfor", "2022", "2024", "--project", str(project), "--tyst")
    assert result.exit_code == 0, result.output
    page = project / "ut/2024/rapport.html"
    assert 'id="byten"' in page.read_text(encoding="utf-8")
    return page


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


# -- the page fits the screen and the printed A4 page ----------------------------------------

FIT = """
<script>
window.addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll('section')].map(section => {
    const table = section.querySelector('table');
    const heads = [...table.querySelectorAll('th')];
    const out = heads.filter(th => th.getBoundingClientRect().right > width + 0.5)
      .map(th => th.textContent);
    const svg = section.querySelector('figure svg');
    const chart = svg ? svg.getBoundingClientRect().right <= width + 0.5 : true;
    return {id: section.id, headers: heads.length, right: table.getBoundingClientRect().right,
            outside: out, chart: chart};
  });
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({width, scroll: document.documentElement.scrollWidth, tables});
  document.body.appendChild(out);
});
</script>
"""
A4_LANDSCAPE_PX = 1047  # 297 mm less the 2 × 10 mm margins of the print stylesheet, at 96 dpi


def fit(page: Path, tmp_path: Path, width: int, as_printed: bool) -> dict:
    """The layout of every table at a window `width`; with `as_printed` the page's print
    rules apply on screen too (Chromium lays out the printed page the same way)."""
    html = page.read_text(encoding="utf-8")
    if as_printed:
        rules = re.search(r"@media print \{(.*)\}\s*\"?\s*</style>", html, re.S).group(1)
        rules = re.sub(r"@page \{[^}]*\}", "", rules).rsplit("}", 1)[0]
        html = html.replace("</style>", f"</style><style>{rules}</style>")
    probed = tmp_path / f"fit-{width}.html"
    probed.write_text(html.replace("</body>", FIT + "</body>"), encoding="utf-8")
    result = headless("--dump-dom", f"--window-size={width},900", probed.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.parametrize("width, as_printed", [(1366, False), (1024, False), (700, False),
                                               (A4_LANDSCAPE_PX, True)])
def test_no_table_scrolls_sideways_or_loses_a_column(page, tmp_path, width, as_printed):
    layout = fit(page, tmp_path, width, as_printed)
    assert layout["scroll"] <= layout["width"], layout  # no sideways scroll at all
    for table in layout["tables"]:
        assert table["outside"] == [] and table["chart"], table


def test_printed_pdf_holds_every_column_header(page, tmp_path):
    """Printed to A4 landscape: every word of every column header of every table is in the
    PDF's text (a column cut at the page edge would be missing)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) saknas")
    pdf = tmp_path / "rapport.pdf"
    headless("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    words = set(re.findall(r"\w+", text.replace("-\n", "")))
    html = page.read_text(encoding="utf-8")
    headers = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", html)]
    assert len(headers) > 100
    missing = {h for h in headers if not set(re.findall(r"\w+", h.replace("&amp;", "&")))
               <= words}
    assert missing == set()
    sections = html.count("<section")
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= sections  # a page break between sections
