"""Legal pages (Impressum, Datenschutz, Barrierefreiheit) and the accessibility feedback."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from kooperationsatlas.models import SiteSettings
from legal.models import AccessibilityFeedback, LegalPage, LegalSettings
from tests.mails import committed

pytestmark = pytest.mark.django_db

FEEDBACK_URL = "/barrierefreiheit/rueckmeldung/"


@pytest.fixture
def legal_pages(site_tree):
    call_command("load_legal_pages", stdout=StringIO())
    return {page.slug: page for page in LegalPage.objects.all()}


@pytest.fixture
def settings_filled(legal_pages):
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    site_settings.operator = "Betreiber Testname"
    site_settings.contact_email = "kontakt@betreiber.example"
    site_settings.save()
    legal = LegalSettings.for_site(site)
    legal.address = "Teststraße 1\n12345 Testort"
    legal.represented_by = "Vertretung Testname"
    legal.content_responsible = "Verantwortlich Testname, Teststraße 1"
    legal.vat_id = "DE000000000"
    legal.data_protection_officer = "Datenschutz Testname, datenschutz@betreiber.example"
    legal.server_logs = "Der Webserver protokolliert Testangaben sieben Tage lang."
    legal.enforcement_procedure = "Abweichender Testtext zum Durchsetzungsverfahren."
    legal.save()
    return site_settings, legal


def html(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text(url):
    """Visible text, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(url)).split())


# --- the command ---------------------------------------------------------------------


def test_command_creates_the_three_pages_once_and_keeps_edits(site_tree):
    home, _ = site_tree
    out = StringIO()
    call_command("load_legal_pages", stdout=out)
    assert "3 angelegt" in out.getvalue()
    pages = LegalPage.objects.child_of(home)
    assert sorted(p.slug for p in pages) == ["barrierefreiheit", "datenschutz", "impressum"]
    assert all(p.live for p in pages)
    legal = LegalSettings.for_site(Site.objects.get(is_default_site=True))
    assert legal.accessibility_statement_date == timezone.localdate()

    imprint = LegalPage.objects.get(slug="impressum")
    imprint.body = "<p>Von der Redaktion geändert.</p>"
    imprint.save_revision().publish()
    legal.accessibility_statement_date = timezone.localdate().replace(year=2020)
    legal.save()

    out = StringIO()
    call_command("load_legal_pages", stdout=out)
    assert "0 angelegt, 3 vorhanden" in out.getvalue()
    assert LegalPage.objects.count() == 3
    imprint.refresh_from_db()
    assert imprint.body == "<p>Von der Redaktion geändert.</p>"
    legal.refresh_from_db()
    assert legal.accessibility_statement_date.year == 2020


def test_footer_links_to_the_legal_pages(legal_pages):
    page = html("/")
    for url in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        assert f'href="{url}"' in page


# --- empty settings: "nicht hinterlegt", never invented data --------------------------


@pytest.mark.parametrize("url", ["/impressum/", "/datenschutz/", "/barrierefreiheit/"])
def test_pages_say_nicht_hinterlegt_when_settings_are_empty(legal_pages, url):
    page = text(url)
    assert "nicht hinterlegt" in page
    assert "Angaben unvollständig" in page
    assert "muss sie ergänzen" in page


def test_impressum_with_empty_settings_names_each_missing_detail(legal_pages):
    page = text("/impressum/")
    for label in (
        "Betreiber",
        "Anschrift",
        "Vertreten durch",
        "E-Mail",
        "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV",
    ):
        assert f"{label} nicht hinterlegt" in page


def test_pages_show_the_settings_when_set(settings_filled):
    imprint = text("/impressum/")
    assert "Angaben unvollständig" not in imprint
    for value in (
        "Betreiber Testname",
        "Teststraße 1 12345 Testort",
        "Vertretung Testname",
        "kontakt@betreiber.example",
        "Verantwortlich Testname",
        "DE000000000",
    ):
        assert value in imprint
    privacy = text("/datenschutz/")
    assert "Angaben unvollständig" not in privacy
    assert "Datenschutz Testname" in privacy
    assert "sieben Tage" in privacy
    statement = text("/barrierefreiheit/")
    assert "Angaben unvollständig" not in statement
    assert "Abweichender Testtext zum Durchsetzungsverfahren." in statement
    assert "lbbp.nrw.de" not in statement
    assert timezone.localdate().strftime("%d.%m.%Y") in statement


def test_privacy_statement_describes_this_software(legal_pages):
    page = text("/datenschutz/")
    for fact in (
        "csrftoken",
        "sessionid",
        "keine Analyse- oder Tracking-Werkzeuge",
        "keine Anfragen an Server Dritter",
        "Kooperationsbörse",
        "Gespeicherte Suchen",
        "Meldungen von Kooperationen",
        "Rückmeldungen zur Barrierefreiheit",
        "Art. 6 Abs. 1",
        "Art. 15 DSGVO",
        "Art. 21",
        "LDI NRW",
    ):
        assert fact in page, fact
    assert 'href="https://www.ldi.nrw.de"' in html("/datenschutz/")


def test_accessibility_statement_structure(legal_pages):
    page = text("/barrierefreiheit/")
    assert "teilweise vereinbar" in page
    assert "Nicht barrierefreie Inhalte" in page
    assert "axe-core" in page
    assert "externe Stelle hat nicht stattgefunden" in page
    assert (
        "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in page
    )
    assert f'href="{FEEDBACK_URL}"' in html("/barrierefreiheit/")


def test_legal_pages_load_nothing_from_other_hosts(legal_pages):
    for url in ("/impressum/", "/datenschutz/", "/barrierefreiheit/", FEEDBACK_URL):
        page = html(url)
        # src/href of resources (scripts, styles, images, fonts) stay on this host.
        for attribute in re.findall(
            r'<(?:script|link|img|iframe)[^>]*(?:src|href)="([^"]+)"', page
        ):
            assert not attribute.startswith(("http://", "https://", "//")), (url, attribute)
        assert "style=" not in page


# --- the feedback form -----------------------------------------------------------------


def test_feedback_form_prefills_the_page(site_tree):
    page = html(f"{FEEDBACK_URL}?seite=/suche/")
    assert 'value="/suche/"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_feedback_is_stored_and_mailed(settings_filled):
    with committed():
        response = Client().post(
            FEEDBACK_URL,
            {
                "page_url": "/suche/",
                "description": "Der Filter lässt sich nicht mit der Tastatur öffnen.",
                "name": "Erika",
                "email": "erika@example.org",
            },
        )
    assert response.status_code == 302
    assert response.url == "/barrierefreiheit/rueckmeldung/danke/"
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page_url == "/suche/"
    assert feedback.forwarded_to == "kontakt@betreiber.example"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kontakt@betreiber.example"]
    assert message.reply_to == ["erika@example.org"]
    assert "nicht mit der Tastatur" in message.body
    assert "Vielen Dank" in html(response.url)


def test_feedback_without_contact_address_is_stored_but_not_mailed(site_tree):
    response = Client().post(FEEDBACK_URL, {"description": "Kontrast zu schwach."})
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().forwarded_to == ""
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data, error",
    [
        ({"description": "   "}, "Bitte beschreiben Sie die Barriere."),
        ({"description": "x", "email": "keine-adresse"}, "Bitte eine gültige E-Mail-Adresse"),
        ({"description": "x", "page_url": "javascript:alert(1)"}, "mit / oder http(s)://"),
    ],
)
def test_feedback_errors_keep_the_input(site_tree, data, error):
    data = {"name": "Erika <b>Muster</b>", **data}
    response = Client().post(FEEDBACK_URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert error in page
    assert 'class="error-summary"' in page
    assert 'value="Erika &lt;b&gt;Muster&lt;/b&gt;"' in page
    assert "<b>Muster</b>" not in page
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_needs_csrf(site_tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post(FEEDBACK_URL, {"description": "Test"})
    assert response.status_code == 403
    assert not AccessibilityFeedback.objects.exists()


# --- the admin -------------------------------------------------------------------------


def test_editors_see_feedback_read_only(site_tree):
    AccessibilityFeedback.objects.create(description="Bild ohne Alternativtext")
    editor = User.objects.create_user("redakteurin", password="pw")
    editor.groups.add(Group.objects.get(name="Redaktion"))
    client = Client()
    client.force_login(editor)
    listing = client.get("/admin/snippets/legal/accessibilityfeedback/")
    assert listing.status_code == 200
    assert "Bild ohne Alternativtext" in listing.content.decode()
    assert client.get("/admin/snippets/legal/accessibilityfeedback/add/").status_code in (302, 403)
    feedback = AccessibilityFeedback.objects.get()
    edit = client.get(f"/admin/snippets/legal/accessibilityfeedback/edit/{feedback.pk}/")
    assert edit.status_code in (302, 403)

    outsider = User.objects.create_user("niemand", password="pw")
    client.force_login(outsider)
    assert client.get("/admin/snippets/legal/accessibilityfeedback/").status_code in (302, 403)


def test_moderation_may_delete_feedback_editors_may_not(site_tree):
    feedback = AccessibilityFeedback.objects.create(description="Erledigt")
    url = f"/admin/snippets/legal/accessibilityfeedback/delete/{feedback.pk}/"
    editor = User.objects.create_user("redakteurin", password="pw")
    editor.groups.add(Group.objects.get(name="Redaktion"))
    client = Client()
    client.force_login(editor)
    client.post(url)
    assert AccessibilityFeedback.objects.filter(pk=feedback.pk).exists()

    moderator = User.objects.create_user("moderatorin", password="pw")
    moderator.groups.add(Group.objects.get(name="Moderation"))
    client.force_login(moderator)
    response = client.post(url)
    assert response.status_code == 302
    assert not AccessibilityFeedback.objects.filter(pk=feedback.pk).exists()
