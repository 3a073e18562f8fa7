"""Grouped checkboxes instead of Ctrl/Cmd multi-select lists (Börse form, report form,
saved searches): with JavaScript a filter field narrows the list; without it the groups
work alone. Keyboard only, as a person without a mouse would use them."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def areas(page):
    return page.get_by_role("group", name=re.compile("^Aufgabenbereiche"))


def test_filter_narrows_the_task_areas_and_keeps_what_is_ticked(page, login):
    login(page, "kommune", next_url="/boerse/neu/")
    total = areas(page).get_by_role("checkbox").count()
    assert total > 40

    # Keyboard only: into the filter, type, Tab to the one match, Space ticks it.
    page.get_by_label("Aufgabenbereiche filtern").focus()
    page.keyboard.type("standes")
    expect(page.get_by_text(f"1 von {total} Aufgabenbereiche passen.")).to_be_visible()
    visible = areas(page).get_by_role("checkbox").filter(visible=True)
    expect(visible).to_have_count(1)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Standesamt"
    page.keyboard.press("Space")
    # Enter in the filter does not send the form.
    page.get_by_label("Aufgabenbereiche filtern").press("Enter")
    expect(page).to_have_url(re.compile(r"/boerse/neu/$"))

    page.get_by_label("Aufgabenbereiche filtern").fill("")
    expect(areas(page).get_by_role("checkbox").filter(visible=True)).to_have_count(total)
    expect(areas(page).get_by_label("Standesamt")).to_be_checked()

    # Umlauts and case do not matter; a Land's name shows all its Kreise.
    kreise = page.get_by_label("Kreise filtern")
    kreise.fill("munchen")
    expect(page.get_by_text(re.compile(r"^2 von \d+ Kreise passen\.$"))).to_be_visible()
    kreise.fill("xyz")
    expect(page.get_by_text("Keine Kreise passen zu „xyz“.")).to_be_visible()
    kreise.fill("Saarland")
    saarland = page.get_by_role("group", name="Saarland")
    expect(saarland.get_by_role("checkbox").filter(visible=True)).to_have_count(6)


def test_without_javascript_the_groups_work_alone(open_page, login):
    page = open_page(javascript=False)
    login(page, "kommune", next_url="/boerse/neu/")
    expect(page.get_by_label("Aufgabenbereiche filtern")).to_have_count(0)
    page.get_by_role("radio", name="Angebot (wir bieten)").check()
    page.get_by_label(re.compile("^Titel")).fill("Gemeinsame Vollstreckung angeboten")
    page.get_by_label(re.compile("^Beschreibung")).fill("Wir übernehmen die Vollstreckung.")
    areas(page).get_by_role("group", name="Finanzen").get_by_label(
        "Steuern und Vollstreckung"
    ).check()
    # The Kreise are folded by Land; opening "Nordrhein-Westfalen" shows its Kreise.
    page.locator("summary", has_text="Nordrhein-Westfalen").click()
    page.get_by_role("group", name="Nordrhein-Westfalen").get_by_label("Kreis Soest").check()
    page.get_by_label(re.compile("^Gültig bis")).fill("2099-01-01")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    # The date is too far ahead: the form comes back with the error and keeps the ticks.
    expect(page.get_by_role("alert")).to_contain_text("Gültig bis")
    expect(
        areas(page).get_by_role("group", name="Finanzen").get_by_label("Steuern und Vollstreckung")
    ).to_be_checked()
    expect(page.locator("summary", has_text="Nordrhein-Westfalen")).to_contain_text(
        "(1 ausgewählt)"
    )
    expect(page.get_by_label("Kreis Soest")).to_be_checked()
