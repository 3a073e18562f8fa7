"""Municipalities and Kreise outside NRW, where no boundaries exist, get a point map from
the register's centre coordinates, with the partners of their cooperations marked."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_municipality_outside_nrw_shows_itself_and_its_partners(open_page, width):
    page = open_page(javascript=False, width=width)
    page.goto("/gemeinden/06438002/")  # Dreieich, Kreis Offenbach (Hessen)
    card = page.get_by_role("img", name="Karte: Dreieich und die Gemeinden – Kreis Offenbach")
    expect(card).to_be_visible()
    expect(card.locator(".map-point--self")).to_have_count(1)
    # The demo profiles name partners of Dreieich in the same Kreis: diamonds with names.
    partners = card.locator(".map-point--partner")
    assert partners.count() >= 1
    expect(card.locator("text.map-point-label--self")).to_have_text("Dreieich")
    box = card.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_kreis_outside_nrw_gets_a_point_map(page):
    page.goto("/kreise/06438/")
    card = page.get_by_role("img", name="Karte: Gemeinden – Kreis Offenbach")
    expect(card).to_be_visible()
    expect(card.locator(".map-point")).to_have_count(13)
    expect(page.get_by_text("Gemeindegrenzen liegen bisher nur")).to_have_count(0)
