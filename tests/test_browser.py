"""The editors' page in a real browser: Debian's chromium driven by Playwright (executable_path;
Playwright cannot download its own browser here) against a real `newsbrief serve`.

`make test-web` runs it (it installs chromium when it is missing and the user is root). Set
NEWSBRIEF_SCREENSHOT to keep the page's screenshot somewhere (the README's is made so).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import SEED_FILES, _free_port
from test_serve import create_token, serving

pytestmark = pytest.mark.web
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(tmp_path):
    """A signed-in browser page on a fresh server: (page, base URL)."""
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed: `apt-get install chromium` (make test-web does it as root)")
    from playwright.sync_api import sync_playwright

    port = _free_port()
    token = create_token(tmp_path)["Authorization"].removeprefix("Bearer ")
    with serving(tmp_path, port, {}), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        base = f"http://127.0.0.1:{port}"
        page.goto(base + "/login")
        page.get_by_label("API token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/")
        yield page, base
        browser.close()


def test_paste_brief_highlight_override(page, tmp_path):
    page, base = page
    page.get_by_label("Pasted articles").fill("\n---\n".join(path.read_text() for path in SEED_FILES))
    page.get_by_role("button", name="Brief", exact=True).click()
    page.wait_for_selector("#figures", timeout=120_000)  # the progress page gives way to the brief

    # The figures table: Apple's 2% at the close, from one source.
    rows = page.locator("#figures tbody tr")
    assert rows.count() >= 6
    apple = rows.filter(has_text="Apple").filter(has_text="close").first
    assert "2%" in apple.inner_text() and "single source" in apple.inner_text()
    assert apple.locator("button.figure").inner_text() == "more than +2%"  # the figure alone: entity and metric have columns
    page.get_by_role("button", name="entity").click()
    assert page.locator("#figures th").first.get_attribute("aria-sort") == "ascending"

    # Key points carry verdict badges in words, and the outlets that report them.
    points = page.locator("ol.points > li")
    assert points.count() >= 3 and "confirmed" in points.first.locator(".badge").inner_text()
    assert "2 families" in points.first.inner_text()

    # Choose a point: its quotes are marked inside the source articles.
    claim = points.first.locator("button.claim")
    claim.click()
    marks = page.locator(".article-text mark")
    assert marks.count() == 2  # the point's own sentence, and the other family's
    assert claim.get_attribute("aria-pressed") == "true"
    # one mark is the point's own sentence (its article may come second on the page)
    assert claim.inner_text().split()[:3] in [marks.nth(i).inner_text().split()[:3] for i in range(marks.count())]

    # Override it with a reason: the point then shows the machine's verdict and the editor's.
    points.first.locator("summary").click()
    points.first.get_by_label("Verdict").select_option("conflicting")
    points.first.get_by_label("Reason (required)").fill("the agency denied it on the phone")
    points.first.get_by_role("button", name="Save override").click()
    page.wait_for_selector("li.overridden")
    overridden = page.locator("li.overridden").first
    text = overridden.inner_text()
    assert "machine:" in text and "editor:" in text and "conflicting" in text and "denied it on the phone" in text

    shot = Path(os.environ.get("NEWSBRIEF_SCREENSHOT") or tmp_path / "brief.png")
    claim = page.locator("ol.points > li").nth(1).locator("button.claim")
    claim.click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000

    # The story list links to it; the printable view is the self-contained rendering.
    page.goto(base + "/")
    page.get_by_role("link", name="Apple Taps Alibaba for AI in China").click()
    assert page.locator("li.overridden").count() == 1
    page.get_by_role("link", name="Printable view").click()
    assert "editor:" in page.locator("body").inner_text()
