"""Events: pages, upcoming/past lists, iCalendar per event and the feed.

All events here are fictional test data; the site ships no events.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from events.management.commands.setup_events import ensure_event_index
from events.models import EventIndexPage, EventPage

LONG_DESCRIPTION = (
    "<p>Testveranstaltung (fiktiv): Über die Zusammenarbeit von Gemeinden, Städten und "
    "Kreisen; Fragen zu Zweckvereinbarungen, Gebühren und Datenschutz. Äußerst "
    "ausführliche Beschreibung mit Umlauten – äöü ÄÖÜ ß – damit die Zeile gefaltet wird.</p>"
    "<p>Zweiter Absatz &amp; Schluss.</p>"
)
EXPECTED_DESCRIPTION = (
    "Testveranstaltung (fiktiv): Über die Zusammenarbeit von Gemeinden, Städten und "
    "Kreisen; Fragen zu Zweckvereinbarungen, Gebühren und Datenschutz. Äußerst "
    "ausführliche Beschreibung mit Umlauten – äöü ÄÖÜ ß – damit die Zeile gefaltet wird.\n"
    "Zweiter Absatz & Schluss."
)


@pytest.fixture
def event_index(site_tree):
    index, _ = ensure_event_index()
    return index


@pytest.fixture
def make_event(event_index):
    def make(title, start, *, publish=True, **fields):
        fields.setdefault("kind", "webinar")
        fields.setdefault("online", True)
        event = EventPage(title=title, start=start, live=False, **fields)
        event_index.add_child(instance=event)
        revision = event.save_revision()
        if publish:
            revision.publish()
        event.refresh_from_db()
        return event

    return make


def hours(n):
    return timezone.now() + datetime.timedelta(hours=n)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar, body


def test_upcoming_and_past_split_and_ordering(make_event, event_index, rf):
    later = make_event("Test-Webinar später", hours(48))
    soon = make_event("Test-Webinar bald", hours(2))
    running = make_event("Test-Workshop läuft", hours(-1), end=hours(1), kind="workshop")
    old = make_event("Test-Konferenz alt", hours(-72), kind="conference")
    older = make_event("Test-Konferenz älter", hours(-24 * 30), end=hours(-24 * 30 + 3))
    make_event("Test-Entwurf", hours(5), publish=False)

    context = event_index.get_context(rf.get("/veranstaltungen/"))
    assert list(context["upcoming_page"]) == [running, soon, later]
    assert list(context["past_page"]) == [old, older]


def test_all_day_event_is_upcoming_until_its_day_ends(make_event, event_index, rf):
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    event = make_event("Test-Fachtag heute", today, all_day=True, place_name="Testhalle")
    assert event.ends_at > timezone.now()
    context = event_index.get_context(rf.get("/veranstaltungen/"))
    assert list(context["upcoming_page"]) == [event]


def test_index_renders_and_paginates(client, make_event, event_index):
    event = make_event(
        "Test-Workshop Bauhof",
        timezone.make_aware(datetime.datetime(2099, 3, 3, 10, 0)),
        end=timezone.make_aware(datetime.datetime(2099, 3, 3, 12, 0)),
        kind="workshop",
        online=False,
        place_name="Rathaus Testdorf",
    )
    make_event("Test-Webinar vorbei", hours(-5))
    make_event("Test-Entwurf unsichtbar", hours(5), publish=False)
    response = client.get(event_index.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kommende Veranstaltungen" in html and "Vergangene Veranstaltungen" in html
    assert html.index("Test-Workshop Bauhof") < html.index("Vergangene Veranstaltungen")
    assert html.index("Test-Webinar vorbei") > html.index("Vergangene Veranstaltungen")
    assert "Test-Entwurf unsichtbar" not in html
    # 3 March 2099 is a Tuesday.
    assert '<time datetime="2099-03-03T10:00+01:00">Di. 3. März 2099, 10:00</time>' in html
    assert '–<time datetime="2099-03-03T12:00+01:00">12:00</time> Uhr' in html
    assert "/veranstaltungen/kalender.ics" in html

    detail = client.get(event.url)
    assert detail.status_code == 200
    assert f"/veranstaltungen/{event.pk}.ics" in detail.content.decode()

    EventIndexPage.page_size = 1
    try:
        for n in range(3):
            make_event(f"Test-Reihe {n}", hours(10 + n))
        second = client.get(event_index.url, {"seite": 2, "archiv": 1})
        assert second.status_code == 200
        text = second.content.decode()
        assert "Test-Reihe 1" in text
        assert "Test-Reihe 0" not in text and "Test-Workshop Bauhof" not in text
        assert "Test-Webinar vorbei" in text
        assert "Seite 2 von 4" in text
        # Each list pages with its own parameter and keeps the other list's page.
        assert 'href="?seite=3&amp;archiv=1" rel="next"' in text
    finally:
        EventIndexPage.page_size = 10


def test_german_date_formats(make_event):
    from events.templatetags.events import event_when

    start = timezone.make_aware(datetime.datetime(2099, 3, 3, 10, 0))
    event = make_event("Test-Konferenz", start, end=start + datetime.timedelta(days=1, hours=6))
    assert str(event_when(event)) == (
        '<time datetime="2099-03-03T10:00+01:00">Di. 3. März 2099, 10:00</time> Uhr – '
        '<time datetime="2099-03-04T16:00+01:00">Mi. 4. März 2099, 16:00</time> Uhr'
    )
    event.all_day = True
    assert str(event_when(event)) == (
        '<time datetime="2099-03-03">Di. 3. März 2099</time> – '
        '<time datetime="2099-03-04">Mi. 4. März 2099</time>'
    )


def test_event_ical_parses_with_uid_dtstart_summary_and_escaping(client, make_event):
    start = timezone.make_aware(datetime.datetime(2099, 3, 3, 10, 0))
    event = make_event(
        "Test-Webinar: Gebühren, Beiträge; Umlagen",
        start,
        end=start + datetime.timedelta(hours=2),
        description=LONG_DESCRIPTION,
        place_name="Bürgerhaus Testdorf",
        address="Hauptstraße 1\n12345 Testdorf",
        registration_url="https://example.org/anmeldung",
    )
    calendar, body = parse(client.get(f"/veranstaltungen/{event.pk}.ics"))
    assert (
        f"veranstaltung-{event.pk}.ics"
        in client.get(f"/veranstaltungen/{event.pk}.ics")["Content-Disposition"]
    )
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"veranstaltung-{event.pk}@testserver"
    assert vevent.decoded("DTSTART") == datetime.datetime(2099, 3, 3, 9, 0, tzinfo=datetime.UTC)
    assert vevent.decoded("DTEND") == datetime.datetime(2099, 3, 3, 11, 0, tzinfo=datetime.UTC)
    assert "DTSTAMP" in vevent
    assert str(vevent["SUMMARY"]) == "Test-Webinar: Gebühren, Beiträge; Umlagen"
    assert str(vevent["DESCRIPTION"]).startswith(EXPECTED_DESCRIPTION)
    assert "Anmeldung: https://example.org/anmeldung" in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == (
        "Bürgerhaus Testdorf, Hauptstraße 1, 12345 Testdorf und online"
    )
    assert str(vevent["URL"]).endswith(event.url)
    # Raw form: UTC times, escaped TEXT, folded long lines (UTF-8 kept intact).
    raw = body.decode("utf-8")
    assert "DTSTART:20990303T090000Z\r\n" in raw
    assert "SUMMARY:Test-Webinar: Gebühren\\, Beiträge\\; Umlagen\r\n" in raw
    unfolded = raw.replace("\r\n ", "")
    assert "Kreisen\\; Fragen" in unfolded
    assert "wird.\\nZweiter Absatz & Schluss." in unfolded
    assert "\r\n " in raw  # the description was folded


def test_all_day_event_uses_date_values(client, make_event):
    start = timezone.make_aware(datetime.datetime(2099, 5, 4, 0, 0))
    event = make_event(
        "Test-Fachtag",
        start,
        end=timezone.make_aware(datetime.datetime(2099, 5, 5, 0, 0)),
        all_day=True,
    )
    calendar, body = parse(client.get(f"/veranstaltungen/{event.pk}.ics"))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == datetime.date(2099, 5, 4)
    assert vevent.decoded("DTEND") == datetime.date(2099, 5, 6)  # exclusive
    assert b"DTSTART;VALUE=DATE:20990504\r\n" in body


def test_feed_lists_upcoming_published_events_only(client, make_event):
    soon = make_event("Test-Webinar bald", hours(3))
    later = make_event("Test-Workshop später", hours(30), kind="workshop")
    past = make_event("Test-Konferenz vorbei", hours(-30), kind="conference")
    draft = make_event("Test-Entwurf", hours(4), publish=False)
    unpublished = make_event("Test-Zurückgezogen", hours(6))
    unpublished.unpublish()

    calendar, _ = parse(client.get("/veranstaltungen/kalender.ics"))
    uids = [str(vevent["UID"]) for vevent in calendar.walk("VEVENT")]
    assert uids == [
        f"veranstaltung-{soon.pk}@testserver",
        f"veranstaltung-{later.pk}@testserver",
    ]
    assert client.get(f"/veranstaltungen/{draft.pk}.ics").status_code == 404
    assert client.get(f"/veranstaltungen/{unpublished.pk}.ics").status_code == 404
    # A past event keeps its own file.
    parse(client.get(f"/veranstaltungen/{past.pk}.ics"))


def test_empty_feed_parses(client, event_index):
    calendar, _ = parse(client.get("/veranstaltungen/kalender.ics"))
    assert calendar.walk("VEVENT") == []


def test_end_before_start_is_rejected(make_event):
    start = hours(24)
    event = EventPage(title="Test", kind="webinar", online=True, start=start, end=hours(23))
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "end" in error.value.message_dict
    event.end = start
    with pytest.raises(ValidationError):
        event.clean()
    event.end = hours(25)
    event.clean()
    # All-day: the end day may be the start day, but not before it.
    event.all_day = True
    event.end = start
    event.clean()
    event.end = start - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        event.clean()


def test_place_or_online_required():
    event = EventPage(title="Test", kind="workshop", online=False, start=hours(24))
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "place_name" in error.value.message_dict


def test_setup_events_is_idempotent(site_tree):
    home, _ = site_tree
    call_command("setup_events")
    call_command("setup_events")
    (index,) = EventIndexPage.objects.all()
    assert index.live and index.title == "Veranstaltungen"
    assert index.get_parent().pk == home.pk
    assert index.url == "/veranstaltungen/"
    assert not EventPage.objects.exists()


def test_admin_forms_render(client, django_user_model, make_event, event_index):
    event = make_event("Test-Webinar Admin", hours(24))
    admin = django_user_model.objects.create_superuser("redaktion-test", "r@example.org", "pw")
    client.force_login(admin)
    assert client.get(f"/admin/pages/{event.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/events/eventpage/{event_index.pk}/").status_code == 200
