"""The HTML report in a real browser: it renders, its own script runs, nothing from a model does.

Needs Debian's `chromium` (installed by .ci/run); skipped with a reason when it is not installed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_support import FIXTURES, SCENARIOS, audited, populate

from biotm.report import html
from biotm.report.grouping import groups
from biotm.result import AuditResult

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium not installed (.ci/run installs it)")

#: A payload that would mark the page if it ever ran.
MARK_SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','script')</script>"
MARK_IMG = "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">"


@dataclass(frozen=True)
class Page:
    dom: str
    console: list[str]


def load(path: Path, profile: Path) -> Page:
    """Open `path` headless and offline, return the DOM after scripts ran and the console messages."""
    assert BROWSER is not None
    run = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return Page(run.stdout, console)


def root_tag(dom: str) -> str:
    """The opening <html …> tag of a dumped DOM, where both the report and a payload put their marks."""
    start = dom.index("<html")
    return dom[start : dom.index(">", start) + 1]


def hostile_model(tmp: Path) -> Path:
    """The minimal fixture with marking payloads in every kind of free text."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    quoted_script, quoted_img = (p.replace("'", "''") for p in (MARK_SCRIPT, MARK_IMG))
    text = text.replace("  name: minimal", f"  name: 'minimal {quoted_script}'\n  description: '{quoted_img}'")
    for element in ("customer", "matcher", "archive", "sdk_cloud"):
        payload = quoted_script if element in ("customer", "archive") else quoted_img
        text = text.replace(f"  - id: {element}\n", f"  - id: {element}\n    name: '{payload}'\n"
                            f"    description: '{quoted_img}'\n")
    text = text.replace("  - id: vendor\n", f"  - id: vendor\n    name: '{quoted_img}'\n")
    text = text.replace("  - id: liveness\n", f"  - id: liveness\n    name: '{quoted_script}'\n")
    path = tmp / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:
    tmp = tmp_path_factory.mktemp("browser")
    result = populate(audited(hostile_model(tmp)))
    marked = {"evidence": f"{MARK_SCRIPT} {MARK_IMG}", "title": MARK_IMG}
    evidence = [f.model_copy(update=marked) for f in result.findings]
    report = html.render(result.model_copy(update={"findings": evidence}))
    assert "data-pwned" in report  # the payloads are in the page, as escaped text
    # The same page with the payloads pasted in raw, as if escaping had failed: only the CSP stands.
    injected = report.replace("<main>", "<main>" + MARK_SCRIPT + MARK_IMG.removeprefix('">'), 1)
    out = {}
    for name, text in (("hostile", report), ("injected", injected)):
        path = tmp / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        out[name] = load(path, tmp / f"profile-{name}")
    return out


def test_report_renders_diagram_and_findings_and_runs_its_own_script(pages: dict[str, Page]) -> None:
    dom = pages["hostile"].dom
    assert 'data-biotm-script="ran"' in dom  # the CSP hash admits the report's own script
    assert re.search(r'<svg[^>]*class="dfd"', dom)
    assert len(re.findall(r'<g [^>]*class="(?:node )?element ', dom)) == 5
    assert len(re.findall(r'<g [^>]*class="(?:edge )?flow ', dom)) == 4
    assert len(re.findall(r'<article class="finding" id="', dom)) == 6 + 1  # six findings and one chain
    assert re.search(r'<th aria-sort|<th><button type="button">', dom)  # the sort buttons were added
    assert "data-pwned" not in root_tag(dom)  # no payload ran
    assert "&lt;script&gt;document.documentElement" in dom  # the payload is shown as text
    assert pages["hostile"].console == []  # no console errors or CSP reports on a normal report


def test_csp_blocks_markup_that_escaped_escaping(pages: dict[str, Page]) -> None:
    page = pages["injected"]
    html_tag = root_tag(page.dom)
    assert "data-pwned" not in html_tag
    assert 'data-biotm-script="ran"' in html_tag
    blocked = " ".join(page.console)
    assert "Executing inline script violates the following Content Security Policy" in blocked
    assert "Executing inline event handler violates the following Content Security Policy" in blocked


@pytest.fixture(scope="module")
def scenario_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[AuditResult, Page]]:
    """Every shipped scenario's HTML report loaded in the browser (a few at a time, to keep CI short)."""
    from concurrent.futures import ThreadPoolExecutor

    tmp = tmp_path_factory.mktemp("scenarios")
    results = {path.name: audited(path) for path in sorted(SCENARIOS.glob("*.yaml"))}
    for name, result in results.items():
        (tmp / f"{name}.html").write_text(html.render(result), encoding="utf-8")
    with ThreadPoolExecutor(max_workers=4) as pool:
        loaded = pool.map(lambda name: load(tmp / f"{name}.html", tmp / f"profile-{name}"), results)
        return {name: (results[name], page) for name, page in zip(results, loaded, strict=True)}


def test_every_scenario_report_renders_without_console_errors(
    scenario_pages: dict[str, tuple[AuditResult, Page]],
) -> None:
    assert scenario_pages, "no scenarios shipped"
    for name, (result, page) in scenario_pages.items():
        dom = page.dom
        assert 'data-biotm-script="ran"' in root_tag(dom), name
        assert len(re.findall(r'<g [^>]*class="(?:node )?element ', dom)) == len(result.model.elements), name
        assert len(re.findall(r'<g [^>]*class="(?:edge )?flow ', dom)) == len(result.model.flows), name
        articles = len(re.findall(r'<article class="finding" id="', dom))
        assert articles == len(groups(result)) + min(len(result.chains), html.CHAIN_LIMIT), name
        assert page.console == [], (name, page.console)


def test_the_2000_element_model_report_stays_small_and_opens(tmp_path: Path) -> None:
    """Issue 19: the generated national model's HTML was 20 MB with 7,371 cards; grouped it must be under 2 MB."""
    import time

    from biotm.generate import dump_yaml, national_model
    from biotm.model import load_bytes
    from biotm.pipeline import AuditOptions, audit
    from biotm.report.grouping import groups

    loaded = load_bytes(dump_yaml(national_model(2000, seed=1)).encode(), "big.yaml")
    result = audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))
    page = html.render(result)
    assert len(page.encode("utf-8")) < 2_000_000
    found = groups(result)
    assert len(found) < len(result.findings) / 20
    assert page.count('<article class="finding" id="') == len(found) + min(len(result.chains), html.CHAIN_LIMIT)
    path = tmp_path / "big.html"
    path.write_text(page, encoding="utf-8")
    start = time.perf_counter()
    loaded_page = load(path, tmp_path / "profile")
    print(f"2,000-element report: {len(page) / 1e6:.2f} MB, opened in {time.perf_counter() - start:.1f} s")
    assert 'data-biotm-script="ran"' in root_tag(loaded_page.dom)
    assert loaded_page.console == []


def test_print_stylesheet_prints_the_diagram_on_a_landscape_page(tmp_path: Path) -> None:
    """Chromium's print-to-PDF of a scenario report: A4 pages, the diagram alone on a landscape one."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils not installed (.ci/run installs it)")
    from report_support import TODAY

    from biotm.report import ReportOptions

    result = audited(SCENARIOS / "china-sim-registration.yaml")
    page = tmp_path / "r.html"
    page.write_text(html.render_with(result, ReportOptions(date=TODAY)), encoding="utf-8")
    assert BROWSER is not None
    out = tmp_path / "r.pdf"
    subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={out}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "60", str(out)], capture_output=True, text=True,
                          check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert 5 < len(sizes) < 60
    landscape = [i for i, (w, h) in enumerate(sizes) if float(w) > float(h)]
    assert len(landscape) == 1  # the diagram page
    text = subprocess.run(["pdftotext", "-f", str(landscape[0] + 1), "-l", str(landscape[0] + 1), str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Data-flow diagram" in text
