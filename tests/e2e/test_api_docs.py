"""The interactive API documentation (/api/docs): Swagger UI from the site's own static
files, under the site's strict Content-Security-Policy, with no request to another host."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_api_docs_render_every_operation_from_the_site_alone(open_page, live_site):
    page = open_page()
    requested, violations = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    page.goto("/api/docs")
    for path in ("/api/v1/suche/", "/api/v1/partnersuche/", "/api/v1/steckbriefe/{id}/"):
        expect(page.get_by_text(path, exact=True).first).to_be_visible()
    host = urlsplit(live_site).netloc
    assert {urlsplit(url).netloc for url in requested if url.startswith("http")} == {host}
    assert not violations, violations


def test_without_javascript_the_docs_point_to_the_document(open_page):
    page = open_page(javascript=False)
    page.goto("/api/docs")
    link = page.get_by_role("link", name="OpenAPI-Beschreibung (JSON)")
    expect(link).to_be_visible()
    assert link.get_attribute("href") == "/api/openapi.json"
