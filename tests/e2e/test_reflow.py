"""Reflow at phone width (WCAG 1.4.10): every page type at 390 and 320 px wide.

The document must not scroll sideways (document.documentElement.scrollWidth ≤ the
viewport). Content that may be wider than the screen — a wide table — scrolls inside its
own region, which must be labelled and reachable with the keyboard (role="region", a
name, tabindex="0"). The main menu folds into "Menü" on small screens, without JavaScript.
"""

import re

import pytest
from playwright.sync_api import expect

from .test_accessibility import PAGES

pytestmark = pytest.mark.e2e

PHONE_WIDTHS = [390, 320]

# What sticks out of the viewport without a scroll container of its own around it, and
# every scroll container that scrolls sideways, with what makes it a labelled region.
MEASURE = """() => {
  const viewport = document.documentElement.clientWidth;
  const scrolls = (el) => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
  const inScrollBox = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) return true;
    }
    return false;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className
      ? "." + el.className.split(" ").join(".") : "");
  const outside = [];
  const regions = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > viewport + 1 && !inScrollBox(el)) {
      outside.push(describe(el) + " (rechts bei " + Math.round(box.right) + " px)");
    }
    const style = getComputedStyle(el).overflowX;
    if ((style === "auto" || style === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      regions.push({
        element: describe(el),
        role: el.getAttribute("role") || "",
        named: !!(el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")),
        tabindex: el.getAttribute("tabindex"),
      });
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: viewport,
    outside: outside.slice(0, 8),
    regions: regions,
  };
}"""


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_reflows_without_horizontal_scrolling(name, width, open_page, login):
    page = open_page(width=width)
    PAGES[name](page, login)
    expect(page.get_by_role("main")).to_be_visible()
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["viewport"], (
        f"{page.url} ist bei {width} px {found['scrollWidth']} px breit; "
        f"ragt hinaus: {found['outside']}"
    )
    for region in found["regions"]:
        assert region["role"] == "region" and region["named"] and region["tabindex"] == "0", (
            f"{page.url}: {region['element']} scrollt seitlich, ist aber kein benannter, "
            f"per Tastatur erreichbarer Bereich: {region}"
        )


NAV_LINKS = 12


def menu_links(page):
    return page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link")


def test_menu_folds_on_phones_and_opens_without_javascript(open_page):
    page = open_page(javascript=False, width=390)
    page.goto("/partnersuche/")
    toggle = page.locator(".main-nav summary")
    expect(toggle).to_be_visible()
    expect(toggle).to_contain_text("Menü")
    # The current area is named on the closed menu.
    expect(toggle).to_contain_text("Partnersuche")
    expect(menu_links(page).first).to_be_hidden()
    # The whole header, menu included, fits in the top quarter of a phone screen.
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 260, f"Kopfbereich {header['height']} px hoch"

    # Keyboard only: Tab to "Menü", Enter opens it, the next Tab reaches the first link.
    page.locator("body").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        raise AssertionError("„Menü“ ist mit der Tabulatortaste nicht erreichbar")
    page.keyboard.press("Enter")
    expect(menu_links(page)).to_have_count(NAV_LINKS)
    for index in range(NAV_LINKS):
        expect(menu_links(page).nth(index)).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Start"
    menu_links(page).filter(has_text="Bestandsaufnahme").click()
    expect(page).to_have_url(re.compile(r"/bestandsaufnahme/$"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_menu_is_a_plain_list_on_wide_screens(open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto("/")
    expect(page.locator(".main-nav summary")).to_be_hidden()
    # The menu is in the page once: the same links serve phones and wide screens.
    expect(menu_links(page)).to_have_count(NAV_LINKS)
    for index in range(NAV_LINKS):
        expect(menu_links(page).nth(index)).to_be_visible()
    boxes = [menu_links(page).nth(i).bounding_box() for i in range(NAV_LINKS)]
    rows = {round(box["y"]) for box in boxes}
    assert len(rows) <= 2, f"Die Hauptnavigation braucht {len(rows)} Zeilen"
