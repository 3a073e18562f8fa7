"""An Erhebung answered end to end in the browser by keyboard: a verified municipal account
answers the test campaign of the served site (sitebuilder.py), corrects an error through
the error summary, saves a draft, submits and gets the confirmation page and mail.

After signing in, only Tab, Shift+Tab, arrow keys, Space, Enter and typing are used; every
focused element must show its focus. Once with JavaScript (the "gemeinsam" fields appear
when chosen), once without (they are always shown), and at phone width (390 px) without
horizontal scrolling.
"""

import re

import pytest
from playwright.sync_api import expect

from .sitebuilder import SURVEY_TITLE
from .test_keyboard import focused, tab_until

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390


def open_campaign_by_keyboard(page):
    """From /erhebungen/ to the test campaign's questionnaire: Tab to its link, Enter."""
    page.goto("/erhebungen/")
    tab_until(page, lambda info: info["tag"] == "a" and info["text"] == SURVEY_TITLE)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(SURVEY_TITLE)


def radio(label):
    return lambda info: info["type"] == "radio" and info["label"] == label


def choose(page, label):
    """In a focused radio group: arrow down until ``label`` is focused (and so checked)."""
    for _ in range(6):
        info = focused(page)
        if info["label"] == label:
            page.keyboard.press("Space")
            assert focused(page)["checked"]
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"Option {label!r} nicht erreicht; zuletzt {focused(page)}")


def no_horizontal_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


RUNS = [
    pytest.param("erhebung1", True, 1280, id="js-desktop"),
    pytest.param("erhebung2", False, 1280, id="nojs-desktop"),
    pytest.param("erhebung3", True, PHONE_WIDTH, id="js-phone"),
]


@pytest.mark.parametrize("username, javascript, width", RUNS)
def test_answer_survey_by_keyboard(open_page, login, sent_mails, username, javascript, width):
    page = open_page(javascript=javascript, width=width)
    login(page, username)
    open_campaign_by_keyboard(page)
    assert no_horizontal_scroll(page)
    fieldsets = page.locator("fieldset.survey-area")
    expect(fieldsets).to_have_count(4)  # three task areas and "Weitere Fragen"
    first_area = fieldsets.nth(0)
    joint_fields = first_area.locator(".survey-joint")
    if javascript:
        expect(joint_fields).to_be_hidden()
    else:
        expect(joint_fields).to_be_visible()

    # First task area: "Gemeinsam" (Tab into the group, arrow down from "allein").
    tab_until(page, radio("Erledigen wir allein"))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    info = focused(page)
    assert info["label"] == "Gemeinsam mit anderen Kommunen" and info["checked"]
    expect(joint_fields).to_be_visible()
    # A neighbour ticked with Space, one more partner typed, the year typed.
    neighbour = tab_until(page, lambda i: i["type"] == "checkbox")["label"]
    page.keyboard.press("Space")
    tab_until(page, lambda i: i["tag"] == "textarea" and i["name"].endswith("-partners"))
    page.keyboard.type("05974040")
    tab_until(page, lambda i: i["name"].endswith("-since_year"))
    page.keyboard.type("2015")
    # "Weiß nicht" is preselected: Tab lands on it; "Ja" is reached with the arrow keys.
    tab_until(page, lambda i: i["name"].endswith("-shared_service_centre"))
    choose(page, "Ja")

    # Second task area: "allein"; the third is left open on purpose.
    tab_until(page, radio("Erledigen wir allein"))
    page.keyboard.press("Space")

    # Submitting now fails: the error summary names the open task area and links to it.
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Absenden")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#fehler")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Bitte eine Antwort wählen.")
    assert no_horizontal_scroll(page)
    if javascript:
        assert focused(page) is None or page.evaluate("document.activeElement.id") == "fehler"
    link = tab_until(page, lambda i: i["tag"] == "a" and i["href"].startswith("#id_a"))
    assert "Wie erledigen Sie diese Aufgabe?" in link["text"]
    target = link["href"][1:]
    page.keyboard.press("Enter")
    # The link leads to the open question; the input was kept.
    expect(page).to_have_url(re.compile(f"#{re.escape(target)}$"))
    expect(page.locator(f"#{target}")).to_be_in_viewport()
    group = target.removeprefix("id_").removesuffix("_group")  # "a31-status"
    first = page.locator("fieldset.survey-area").nth(0)
    expect(first.get_by_label(neighbour, exact=True)).to_be_checked()
    # From the link's target, Tab reaches that group; "Interesse" with the arrow keys.
    tab_until(page, lambda i: i["type"] == "radio" and i["name"] == group, limit=1)
    choose(page, "Interesse an Zusammenarbeit")

    # Save a draft first (the button before "Absenden"), then submit.
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Entwurf speichern")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Ihr Entwurf ist gespeichert")
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Absenden")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank!")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Gemeinsam mit anderen Kommunen")
    expect(main).to_contain_text(neighbour)
    expect(main).to_contain_text("Soest")
    expect(main).to_contain_text("Seit: 2015")
    expect(main).to_contain_text("Interesse an Zusammenarbeit")
    assert no_horizontal_scroll(page)
    mails = [
        m for m in sent_mails(to=f"{username}@example.org")
        if " ".join(str(m["Subject"]).split()) == f"Eingangsbestätigung: {SURVEY_TITLE}"
    ]
    assert mails, "keine Eingangsbestätigung im Server-Log"
    assert "vielen Dank! Die Angaben von" in mails[-1].get_content()

    # Submitted: changes are possible until the deadline, submitted again as a whole.
    tab_until(page, lambda i: i["tag"] == "a" and i["text"] == "Angaben ändern")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Änderungen absenden")).to_be_visible()
    expect(page.get_by_role("button", name="Entwurf speichern")).to_have_count(0)
