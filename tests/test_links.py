"""Absolute URLs from one place (kooperationsatlas.links), robots.txt and ASCII slugs.

Every absolute link (sitemap, feeds, iCalendar, JSON API, mails) is on the request's host,
or on SITE_BASE_URL when that is set, never on the Wagtail Site record's host
(``localhost`` on a fresh install).
"""

import re
from datetime import timedelta
from html import unescape as html_unescape

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from wagtail.admin.widgets import SlugInput

from events.management.commands.setup_events import ensure_event_index
from events.models import EventPage
from kooperationsatlas import links, slugs

HOST = "www.atlas-nrw.test"


@pytest.fixture
def public_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    settings.SITE_BASE_URL = ""
    return HOST


@pytest.fixture
def profile(make_profile):
    return make_profile("Gemeinsames Standesamt Lippstadt-Erwitte")


@pytest.fixture
def event(site_tree):
    index, _ = ensure_event_index()
    start = timezone.now() + timedelta(days=3)
    event = EventPage(title="Fachtag Zusammenarbeit", start=start, kind="webinar", online=True)
    event.live = False
    index.add_child(instance=event)
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def locations(text):
    return re.findall(r"<loc>([^<]+)</loc>", text)


def test_sitemap_uses_the_request_host_for_wagtail_pages_and_register(client, profile, public_host):
    text = client.get("/sitemap.xml", HTTP_HOST=HOST).content.decode()
    found = locations(text)
    assert f"https://{HOST}{profile.url}" not in found  # plain http request
    assert f"http://{HOST}{profile.url}" in found
    assert f"http://{HOST}/suche/" in found
    assert f"http://{HOST}/gemeinden/05974016/" in found
    # No location on another host (Wagtail's Site record says "localhost").
    assert all(url.startswith(f"http://{HOST}/") for url in found), [
        url for url in found if not url.startswith(f"http://{HOST}/")
    ][:5]


def test_configured_base_url_wins_everywhere(client, settings, profile, event, public_host):
    settings.SITE_BASE_URL = "https://kooperationsatlas.example.org"
    base = settings.SITE_BASE_URL
    sitemap = locations(client.get("/sitemap.xml", HTTP_HOST=HOST).content.decode())
    assert f"{base}{profile.url}" in sitemap
    assert f"{base}/gemeinden/05974016/" in sitemap
    assert all(url.startswith(base + "/") for url in sitemap)

    rss = client.get("/feeds/steckbriefe.rss", HTTP_HOST=HOST).content.decode()
    assert f"<link>{base}{profile.url}</link>" in rss
    assert f"<link>{base}/suche/</link>" in rss
    assert HOST not in rss

    calendar = Calendar.from_ical(
        client.get(f"/veranstaltungen/{event.pk}.ics", HTTP_HOST=HOST).content
    )
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["URL"]) == f"{base}{event.url}"
    assert str(vevent["UID"]) == f"veranstaltung-{event.pk}@kooperationsatlas.example.org"

    robots = client.get("/robots.txt", HTTP_HOST=HOST).content.decode()
    assert f"Sitemap: {base}/sitemap.xml" in robots


def test_feeds_and_icalendar_use_the_request_host(client, profile, event, public_host):
    atom = client.get("/feeds/steckbriefe.atom", HTTP_HOST=HOST).content.decode()
    assert f'href="http://{HOST}{profile.url}"' in atom
    assert "localhost" not in atom

    calendar = Calendar.from_ical(
        client.get("/veranstaltungen/kalender.ics", HTTP_HOST=HOST).content
    )
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["URL"]) == f"http://{HOST}{event.url}"
    assert str(vevent["UID"]) == f"veranstaltung-{event.pk}@{HOST}"


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_accounts(client, public_host):
    response = client.get("/robots.txt", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /konto/" in lines
    assert f"Sitemap: http://{HOST}/sitemap.xml" in lines


def test_mails_without_a_request_use_the_configured_base(settings):
    settings.SITE_BASE_URL = "https://kooperationsatlas.example.org"
    assert links.absolute_url("/boerse/3/") == "https://kooperationsatlas.example.org/boerse/3/"
    settings.SITE_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "https://redaktion.example.org/"
    assert links.absolute_url("/boerse/3/") == "https://redaktion.example.org/boerse/3/"
    assert links.absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_boerse_mail_links_use_the_configured_base(settings):
    from boerse.services import site_url

    settings.SITE_BASE_URL = "https://kooperationsatlas.example.org"
    assert site_url("/boerse/7/") == "https://kooperationsatlas.example.org/boerse/7/"
    assert not mail.outbox


# --- slugs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title,slug",
    [
        ("Gemeinsamer Bauhof Gesekerüthen", "gemeinsamer-bauhof-gesekeruethen"),
        ("Straßenbau Ölbachtal", "strassenbau-oelbachtal"),
        ("ÄÖÜ äöü ß", "aeoeue-aeoeue-ss"),
        ("Café Région", "cafe-region"),
    ],
)
def test_slugify_transliterates_german_letters(title, slug):
    assert slugs.slugify(title) == slug


def test_unicode_slugs_are_off(settings):
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False


def test_admin_slug_field_carries_the_german_replacements(admin_client, site_tree):
    _, index = site_tree
    response = admin_client.get(f"/admin/pages/add/cooperations/cooperationpage/{index.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    widget = re.search(r'<input[^>]*name="slug"[^>]*>', html).group(0)
    # WAGTAIL_ALLOW_UNICODE_SLUGS = False: the attribute is left out (false).
    assert "data-w-slug-allow-unicode-value" not in widget
    formatters = html_unescape(re.search(r'data-w-slug-formatters-value="([^"]*)"', widget)[1])
    assert '[["\\u00fc", "gu"], "ue"]' in formatters.replace(",", ", ").replace(",  ", ", ")
    assert '"ss"' in formatters
    assert isinstance(slugs.GermanSlugInput(), SlugInput)


def test_report_draft_gets_an_ascii_slug(site_tree):
    from reports.services import unique_slug

    _, index = site_tree
    assert unique_slug(index, "Gemeinsamer Bauhof Gesekerüthen") == (
        "gemeinsamer-bauhof-gesekeruethen"
    )
