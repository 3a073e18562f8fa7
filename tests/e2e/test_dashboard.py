"""The Bestandsaufnahme as a person sees it at desktop width: the matrix of task areas and
Regierungsbezirke fits its column, and the Kreis figure lists kreisfreie Städte apart
instead of bars that can only say "1 von 1 (100,0 %)"."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_heat_table_fits_its_column_at_1280(page):
    page.goto("/bestandsaufnahme/")
    table = page.locator("table.heatmap")
    expect(table).to_be_visible()
    region = page.get_by_role(
        "region", name="Kooperationen nach Aufgabenbereich und Regierungsbezirk (Zahl der"
    )
    sizes = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] <= sizes[1], f"Die Tabelle ist {sizes[0]} px breit, ihre Spalte {sizes[1]} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_kreisfreie_staedte_are_listed_apart(page):
    page.goto("/bestandsaufnahme/")
    figure = page.locator("section#kreise")
    expect(figure.get_by_role("heading", name="Kreise (31)")).to_be_visible()
    expect(figure.get_by_role("heading", name="Kreisfreie Städte (22)")).to_be_visible()
    chart = figure.locator("svg.chart-svg")
    # No bar for a city that is its own Kreis: the chart holds the 31 Kreise only.
    expect(chart.locator("g.chart-bar")).to_have_count(31)
    expect(chart).not_to_contain_text("Köln")
    expect(chart).not_to_contain_text(re.compile(r"(^|[^0-9])1 von 1 \("))
    cities = figure.get_by_role("list", name="Partner in mindestens einer Kooperation")
    expect(cities.get_by_role("link", name="Köln", exact=True)).to_be_visible()
    expect(figure).to_contain_text("Partner in mindestens einer Kooperation ist:")
