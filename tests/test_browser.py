"""The sample archive as a visitor's browser sees it (Playwright driving Debian's Chromium)."""

from __future__ import annotations

import pytest
from conftest import REPO
from pypdf import PdfReader

from projarchive.files import human_size

pytestmark = pytest.mark.browser


def test_project_page_shows_the_finished_banner_to_a_visitor(sample, browser, serve):
    assert sample.ok, sample.output
    base = serve(sample.site)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "projects/take-ten-people/")
    banner = page.get_by_role("region", name="This project has now finished. We've left it here for reference.")
    assert banner.is_visible()
    assert "It ended on 31 March 2010." in banner.inner_text()
    pdf = REPO / "resources/take-ten-people/toolbox.pdf"
    pages = len(PdfReader(pdf).pages)
    facts = f"PDF, {human_size(pdf.stat().st_size)}, {pages} page{'s' if pages != 1 else ''}"
    toolbox = page.get_by_role("link", name="Toolbox", exact=True)  # its title; the facts describe it
    assert toolbox.is_visible()
    assert page.locator("#" + toolbox.get_attribute("aria-describedby")).inner_text() == facts
    with page.expect_download() as download:
        toolbox.click()
    assert download.value.suggested_filename == "take-ten-people-toolbox.pdf"  # not a bare toolbox.pdf
    assert errors == []
    page.close()
