"""A partner completes its profile in the browser: the municipal account of Erwitte (a
partner of the Standesamt Hellweg) proposes a text, the moderation approves it in the
Wagtail admin, the text is published and the revision history shows both revisions.
The admin needs JavaScript, so this journey runs with it."""

import re

import pytest
from playwright.sync_api import expect

from .test_journeys import admin_login

pytestmark = pytest.mark.e2e

PROFILE = "/kooperationen/standesamt-hellweg/"
TEXT = "Testergänzung der Browser-Tests: ein gemeinsamer Terminkalender half allen drei Ämtern."


def test_partner_proposes_moderator_approves_published_with_history(page, login, open_page):
    partner = page
    login(partner, "kommune", next_url=PROFILE)
    partner.goto(PROFILE)
    partner.get_by_role("link", name="Steckbrief ergänzen").click()
    expect(partner).to_have_url(re.compile(r"/steckbriefe/\d+/ergaenzen/$"))
    page_id = re.search(r"/steckbriefe/(\d+)/", partner.url).group(1)
    expect(partner.get_by_role("heading", level=1)).to_have_text("Steckbrief ergänzen")
    # Prefilled with the current content.
    expect(partner.get_by_label("Ziel", exact=True)).not_to_have_value("")
    partner.get_by_label("Erfolgsfaktoren", exact=True).fill(TEXT)
    partner.get_by_role("button", name="Ergänzung zur Prüfung senden").click()
    expect(partner.get_by_role("status")).to_contain_text("liegt der Moderation zur Prüfung vor")

    visitor = open_page()
    visitor.goto(PROFILE)
    expect(visitor.get_by_text(TEXT)).to_have_count(0)  # not public before approval

    moderator = open_page()
    admin_login(moderator, "moderation")
    moderator.goto(f"/admin/pages/{page_id}/edit/")
    moderator.get_by_role("button", name="Mehr Aktionen").click()
    moderator.get_by_role("button", name=re.compile("^(Freigeben|Genehmigen)")).first.click()
    expect(moderator.get_by_role("status")).to_contain_text("Standesamt Hellweg")

    visitor.goto(PROFILE)
    expect(visitor.get_by_role("heading", level=2, name="Erfolgsfaktoren")).to_be_visible()
    expect(visitor.get_by_text(TEXT)).to_be_visible()

    moderator.goto(f"/admin/pages/{page_id}/history/")
    history = moderator.get_by_role("main")
    expect(history).to_contain_text("Kommune")  # the partner's revision
    expect(history).to_contain_text(re.compile("Veröffentlicht|veröffentlicht"))
