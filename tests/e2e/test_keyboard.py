"""Keyboard only: the search and the Förder-Check with Tab, Shift+Tab, Enter, Space and
typing, never the mouse. Every element that receives focus must show it (an outline or a
box-shadow in its computed style, and a box on the screen)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.type || "",
    name: el.getAttribute("name") || "",
    href: el.getAttribute("href") || "",
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 80),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    checked: !!el.checked,
    inHits: !!el.closest("ol.search-hits"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def assert_focus_visible(info):
    assert info is not None, "Kein Element hat den Fokus"
    assert info["outline"] or info["shadow"], f"Fokus nicht sichtbar auf {info}"
    assert info["onScreen"], f"Fokussiertes Element nicht im Bild: {info}"


def tab_until(page, wanted, *, key="Tab", limit=250):
    """Press Tab (or Shift+Tab) until wanted(info) is true, checking the focus each step."""
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        assert_focus_visible(info)
        if wanted(info):
            return info
    raise AssertionError(f"Nach {limit}× {key} nicht erreicht; zuletzt fokussiert: {info}")


def test_search_by_keyboard(page, javascript):
    page.goto("/suche/")

    page.keyboard.press("Tab")
    info = focused(page)
    assert info["text"] == "Zum Inhalt springen", f"Erstes Tab-Ziel: {info}"
    assert_focus_visible(info)

    tab_until(page, lambda f: f["id"] == "id_q")
    page.keyboard.type("Standesamt")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"q=Standesamt"))
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Steckbriefe für „Standesamt“"))
    ).to_be_visible()
    if javascript:
        # search.js moves the focus to the results heading, which screen readers then read.
        assert focused(page)["id"] == "treffer"

    # To the Regierungsbezirk "Arnsberg": the form's action ends in #treffer, so the focus
    # (JavaScript) or the start of sequential navigation (without) is at the results
    # heading, after the filters: backwards with Shift+Tab.
    arnsberg = tab_until(
        page,
        lambda f: f["name"] == "regierungsbezirk" and f["label"].startswith("Arnsberg"),
        key="Shift+Tab",
    )
    assert not arnsberg["checked"]
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_until(page, lambda f: f["tag"] == "button" and f["text"] == "Filter anwenden")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"regierungsbezirk=059"))

    # On to the first hit (from the results heading with JavaScript, from the top without).
    hit = tab_until(page, lambda f: f["inHits"] and f["tag"] == "a")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(hit["href"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(hit["text"])


def test_funding_check_by_keyboard(page, javascript):
    page.goto("/foerderung/check/")
    fields = [
        ("id_nrw", "3"),
        ("id_kosten", "300.000"),
        ("id_beantragt", "210.000"),
        ("id_laufzeit", "5"),
        ("id_einsparung", "20"),
    ]
    for field_id, value in fields:
        tab_until(page, lambda f, field_id=field_id: f["id"] == field_id)
        page.keyboard.type(value)
    # The radio group "vor Projektbeginn": Tab enters it on "Ja", Space selects it.
    yes = tab_until(page, lambda f: f["name"] == "vor_beginn")
    assert yes["id"] == "id_vor_beginn_0"
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    # Arrow keys move within the group: to "Nein" and back to "Ja".
    page.keyboard.press("ArrowDown")
    assert focused(page)["id"] == "id_vor_beginn_1"
    page.keyboard.press("ArrowUp")
    assert focused(page)["id"] == "id_vor_beginn_0" and focused(page)["checked"]
    tab_until(page, lambda f: f["tag"] == "button" and f["text"] == "Förderung prüfen")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    result = page.get_by_role("region", name="Ergebnis")
    expect(result).to_contain_text("Höchstmögliche Förderung: 210.000 EUR")
    expect(result).to_contain_text("Alle geprüften Voraussetzungen sind erfüllt")
    # Shift+Tab from the result goes back into the form, focus still visible.
    tab_until(
        page, lambda f: f["tag"] == "button" and f["text"] == "Förderung prüfen", key="Shift+Tab"
    )
