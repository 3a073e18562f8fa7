"""Alerts: saved partner searches matched when a profile, offer or request is published."""

import io
import logging
import math
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from alerts.forms import SavedSearchForm
from alerts.matching import (
    OFFER,
    PROFILE,
    REQUEST,
    Candidate,
    distance_km,
    entry_candidate,
    match,
    profile_candidate,
)
from alerts.models import AlertDelivery, SavedSearch
from alerts.notify import notify_profile, saved_search_from_token, unsubscribe_token
from boerse.models import BoerseEntry, EntryKind, EntryStatus
from boerse.signals import entry_approved
from cooperations.models import TaskArea
from kooperationsatlas.models import OutgoingMail
from register.models import County, Municipality
from search.documents import indexable_profiles
from tests.test_pages import Page, assert_accessible_structure, assert_no_third_party_requests

pytestmark = pytest.mark.django_db

ERWITTE, LIPPSTADT, KOELN = "05974016", "05974028", "05315000"
KREIS_SOEST, KOELN_STADT = "05974", "05315"
BASE_URL = "https://atlas.example"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE_URL


@pytest.fixture
def term():
    return lambda slug: TaskArea.objects.get(slug=slug)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "ines", email="ines@example.org", password="geheim", first_name="Ines", last_name="Berg"
    )


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(
        "otto", email="otto@example.org", password="geheim"
    )


@pytest.fixture
def saved_search(user):
    """make_search(text=…, task_areas=[…], near=AGS, radius=…, counties=[…], **flags)."""

    def make(*, owner=None, task_areas=(), counties=(), near=None, radius=None, **fields):
        fields.setdefault("name", "Meine Suche")
        search = SavedSearch.objects.create(
            user=owner or user,
            near_municipality=Municipality.objects.get(ags=near) if near else None,
            radius_km=radius,
            **fields,
        )
        search.task_areas.set(task_areas)
        search.counties.set(County.objects.filter(key__in=counties))
        return search

    return make


def candidate_of(page):
    return profile_candidate(indexable_profiles().get(pk=page.pk))


def make_entry(owner, *, kind=EntryKind.OFFER, status=EntryStatus.APPROVED, **fields):
    task_areas = fields.pop("task_areas", [])
    region_counties = fields.pop("region_counties", [])
    fields.setdefault("municipality", Municipality.objects.get(ags=LIPPSTADT))
    entry = BoerseEntry.objects.create(
        kind=kind,
        title=fields.pop("title", "Wir bieten: Standesamt für Nachbargemeinden"),
        description=fields.pop("description", "Unser Standesamt übernimmt Trauungen."),
        created_by=owner,
        expires_on=timezone.localdate() + timedelta(days=90),
        status=status,
        published_at=timezone.now() if status == EntryStatus.APPROVED else None,
        **fields,
    )
    entry.task_areas.set(task_areas)
    entry.region_counties.set(County.objects.filter(key__in=region_counties))
    return entry


# --- matching rules -------------------------------------------------------------------------


def test_task_area_parent_matches_child_but_not_the_other_way(make_profile, saved_search, term):
    child_profile = make_profile("Standesamt Nord", task_areas=[term("standesamt")])
    parent_profile = make_profile("Bürgerdienste Süd", task_areas=[term("buergerdienste-ordnung")])
    parent_search = saved_search(task_areas=[term("buergerdienste-ordnung")])
    child_search = saved_search(task_areas=[term("standesamt")])
    sibling_search = saved_search(task_areas=[term("ordnungsamt")])

    assert match(parent_search, candidate_of(child_profile)) == [
        "Aufgabenbereich: Bürgerdienste und Ordnung"
    ]
    assert match(child_search, candidate_of(child_profile)) == ["Aufgabenbereich: Standesamt"]
    assert match(child_search, candidate_of(parent_profile)) is None
    assert match(sibling_search, candidate_of(child_profile)) is None


def test_radius_boundary_is_inclusive(saved_search):
    search = saved_search(near=ERWITTE, radius=10)
    centre = Municipality.objects.get(ags=ERWITTE)
    # Points due north of Erwitte's centre, just inside and just outside 10 km.
    inside = centre.latitude + math.degrees(9.99 / 6371.0088)
    outside = centre.latitude + math.degrees(10.01 / 6371.0088)
    assert distance_km(centre.latitude, centre.longitude, inside, centre.longitude) < 10
    assert distance_km(centre.latitude, centre.longitude, outside, centre.longitude) > 10

    def candidate(lat):
        return Candidate(PROFILE, "Test", "Test", locations=[(lat, centre.longitude)])

    assert match(search, candidate(inside)) == [
        "Region: 10 km von Erwitte entfernt (Umkreis 10 km)"
    ]
    assert match(search, candidate(outside)) is None


def test_radius_uses_every_partner_location(make_profile, saved_search):
    erwitte, lippstadt = (Municipality.objects.get(ags=ags) for ags in (ERWITTE, LIPPSTADT))
    distance = distance_km(
        erwitte.latitude, erwitte.longitude, lippstadt.latitude, lippstadt.longitude
    )
    # Cologne is far away; Lippstadt, the second partner, is close to Erwitte.
    profile = make_profile("Verbund", partners=[(KOELN, "lead"), (LIPPSTADT, "member")])
    assert match(saved_search(near=ERWITTE, radius=math.ceil(distance)), candidate_of(profile))
    assert (
        match(saved_search(near=ERWITTE, radius=math.floor(distance)), candidate_of(profile))
        is None
    )


def test_county_matches_municipality_and_kreis_partners(make_profile, saved_search):
    in_soest = make_profile("Erwitte allein", partners=[(ERWITTE, "lead")])
    kreis_partner = make_profile("Kreis Soest", partners=[(KREIS_SOEST, "lead")])
    in_cologne = make_profile("Köln allein", partners=[(KOELN, "lead")])
    soest = saved_search(counties=[KREIS_SOEST])

    assert match(soest, candidate_of(in_soest)) == ["Region: Kreis Soest"]
    assert match(soest, candidate_of(kreis_partner)) == ["Region: Kreis Soest"]
    assert match(soest, candidate_of(in_cologne)) is None


def test_region_holds_when_radius_or_county_matches(make_profile, saved_search):
    cologne = make_profile("Köln allein", partners=[(KOELN, "lead")])
    search = saved_search(near=ERWITTE, radius=5, counties=[KOELN_STADT])
    assert match(search, candidate_of(cologne))
    assert match(saved_search(near=ERWITTE, radius=5), candidate_of(cologne)) is None


def test_text_uses_the_german_analysis(make_profile, saved_search):
    profile = make_profile(
        "Gemeinsames Standesamt", summary="Zwei Gemeinden teilen sich die Eheschließungen."
    )
    body_only = make_profile("Verbund", summary="Trauungen im gemeinsamen Standesamtsbezirk.")

    assert match(saved_search(text="Standesämter"), candidate_of(profile)) == [
        "Suchbegriff: „Standesämter“"
    ]
    assert match(saved_search(text="standesamt gemeinden"), candidate_of(profile))
    # Every word must occur.
    assert match(saved_search(text="Standesämter Bauhof"), candidate_of(profile)) is None
    assert match(saved_search(text="Bauhof"), candidate_of(profile)) is None
    # Compound parts of the summary are found too.
    assert match(saved_search(text="Standesamt"), candidate_of(body_only))


def test_all_given_criteria_must_hold(make_profile, saved_search, term):
    profile = make_profile(
        "Standesamt", task_areas=[term("standesamt")], partners=[(ERWITTE, "lead")]
    )
    candidate = candidate_of(profile)
    assert match(saved_search(task_areas=[term("standesamt")], text="Bauhof"), candidate) is None
    assert (
        match(saved_search(task_areas=[term("standesamt")], counties=[KOELN_STADT]), candidate)
        is None
    )
    assert match(
        saved_search(task_areas=[term("standesamt")], counties=[KREIS_SOEST], text="Standesamt"),
        candidate,
    ) == ["Aufgabenbereich: Standesamt", "Region: Kreis Soest", "Suchbegriff: „Standesamt“"]


def test_empty_saved_search_matches_nothing(make_profile, saved_search):
    profile = make_profile("Irgendwas")
    assert match(saved_search(), candidate_of(profile)) is None


def test_include_flags(make_profile, saved_search, user, other_user, term):
    profile = make_profile("Standesamt", task_areas=[term("standesamt")])
    offer = make_entry(other_user, task_areas=[term("standesamt")])
    request = make_entry(other_user, kind=EntryKind.REQUEST, task_areas=[term("standesamt")])
    areas = [term("standesamt")]
    only_requests = saved_search(task_areas=areas, include_profiles=False, include_offers=False)
    everything = saved_search(task_areas=areas)

    assert entry_candidate(offer).kind == OFFER
    assert entry_candidate(request).kind == REQUEST
    assert match(only_requests, candidate_of(profile)) is None
    assert match(only_requests, entry_candidate(offer)) is None
    assert match(only_requests, entry_candidate(request))
    assert all(
        match(everything, c)
        for c in (candidate_of(profile), entry_candidate(offer), entry_candidate(request))
    )


def test_entry_region_uses_poster_and_region_counties(saved_search, other_user, term):
    entry = make_entry(other_user, region_counties=[KOELN_STADT])
    candidate = entry_candidate(entry)
    assert candidate.counties == {KREIS_SOEST, KOELN_STADT}
    assert match(saved_search(counties=[KOELN_STADT]), candidate)
    assert match(saved_search(near=ERWITTE, radius=20), candidate)
    assert match(saved_search(near=KOELN, radius=20), candidate) is None
    kreis_entry = make_entry(
        other_user, municipality=None, county=County.objects.get(key=KREIS_SOEST)
    )
    assert match(saved_search(near=ERWITTE, radius=30), entry_candidate(kreis_entry))


# --- notifications on publishing -----------------------------------------------------------


def test_publishing_a_matching_profile_sends_one_email(
    make_profile, saved_search, user, term, django_capture_on_commit_callbacks
):
    search = saved_search(name="Standesamt Soest", task_areas=[term("buergerdienste-ordnung")])
    saved_search(name="Nur Köln", counties=[KOELN_STADT])  # does not match
    with django_capture_on_commit_callbacks(execute=True):
        page = make_profile("Standesamt Erwitte", task_areas=[term("standesamt")])

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.org"]
    assert "Standesamt Erwitte" in message.subject
    assert f"{BASE_URL}{page.url}" in message.body
    assert "Aufgabenbereich: Bürgerdienste und Ordnung" in message.body
    assert "„Standesamt Soest“" in message.body
    assert f"{BASE_URL}/benachrichtigungen/" in message.body
    # The token is signed with a timestamp, so it is read back rather than recomputed.
    link = re.search(rf"{BASE_URL}/benachrichtigungen/abmelden/([^/\s]+)/", message.body)
    assert saved_search_from_token(link.group(1)) == search
    assert message.extra_headers["List-Unsubscribe"] == f"<{link.group(0)}>"
    assert AlertDelivery.objects.get().saved_search == search
    search.refresh_from_db()
    assert search.last_notified_at is not None


def test_republishing_does_not_send_again(
    make_profile, saved_search, user, term, django_capture_on_commit_callbacks
):
    search = saved_search(task_areas=[term("standesamt")])
    with django_capture_on_commit_callbacks(execute=True):
        page = make_profile("Standesamt", task_areas=[term("standesamt")])
    assert len(mail.outbox) == 1

    # Even a saved search created after the first publication is not told on a re-publish.
    saved_search(name="Später", text="Standesamt")
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Standesamt (geändert)"
        page.save_revision().publish()
    assert len(mail.outbox) == 1
    # And running the notification again for the same object sends nothing either.
    assert notify_profile(page.pk) == 1  # only the new search, once
    assert notify_profile(page.pk) == 0
    assert AlertDelivery.objects.filter(saved_search=search).count() == 1


def test_draft_and_non_matching_profiles_send_nothing(
    make_profile, saved_search, term, django_capture_on_commit_callbacks
):
    saved_search(task_areas=[term("standesamt")])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_profile("Entwurf Standesamt", task_areas=[term("standesamt")], publish=False)
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        make_profile("Bauhof", task_areas=[term("bauhof")])
    assert mail.outbox == []
    assert not AlertDelivery.objects.exists()


def test_no_alert_for_own_profile_or_inactive_search(
    make_profile, saved_search, user, other_user, term, django_capture_on_commit_callbacks
):
    saved_search(task_areas=[term("standesamt")])  # user's, who creates the profile
    saved_search(owner=other_user, task_areas=[term("standesamt")], active=False)
    with django_capture_on_commit_callbacks(execute=True):
        make_profile("Mein Standesamt", task_areas=[term("standesamt")], owner=user)
    assert mail.outbox == []


def test_each_matching_search_gets_its_own_email(
    make_profile, saved_search, user, other_user, term, django_capture_on_commit_callbacks
):
    saved_search(task_areas=[term("standesamt")])
    saved_search(owner=other_user, text="Standesämter")
    with django_capture_on_commit_callbacks(execute=True):
        make_profile("Standesamt", task_areas=[term("standesamt")])
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "otto@example.org"]


def test_failed_alert_mail_is_kept_and_sent_on_retry(
    make_profile, saved_search, term, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    search = saved_search(task_areas=[term("standesamt")])

    def broken_send(self, fail_silently=False):
        raise OSError("SMTP nicht erreichbar")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    with (
        caplog.at_level(logging.WARNING, logger="kooperationsatlas.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = make_profile("Standesamt", task_areas=[term("standesamt")])
    assert page.live
    assert "not sent (attempt 1)" in caplog.text
    # The alert is not dropped: its delivery and its mail stay, with the error.
    assert AlertDelivery.objects.filter(saved_search=search).exists()
    queued = OutgoingMail.objects.get()
    assert queued.attempts == 1 and "SMTP nicht erreichbar" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    assert mail.outbox == []

    monkeypatch.undo()  # the mail server is back, and the pause has passed
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    call_command("retry_mail", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [[search.user.email]]
    assert "Standesamt" in mail.outbox[0].subject
    assert not OutgoingMail.objects.exists()


def test_approved_boerse_entry_triggers_alert(
    saved_search, user, other_user, term, django_capture_on_commit_callbacks
):
    saved_search(
        name="Gesuche Standesamt", task_areas=[term("standesamt")], near=ERWITTE, radius=25
    )
    entry = make_entry(
        other_user,
        kind=EntryKind.REQUEST,
        task_areas=[term("standesamt")],
        title="Partner für Standesamt gesucht",
    )
    with django_capture_on_commit_callbacks(execute=True):
        entry_approved.send(sender=BoerseEntry, entry=entry)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.org"]
    assert "Gesuch" in message.subject and "Partner für Standesamt gesucht" in message.subject
    assert BASE_URL in message.body
    assert "km von Erwitte entfernt (Umkreis 25 km)" in message.body

    # The signal again (e.g. a second approval) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        entry_approved.send(sender=BoerseEntry, entry=entry)
    assert len(mail.outbox) == 1


def test_unapproved_or_own_entry_triggers_nothing(
    saved_search, user, other_user, term, django_capture_on_commit_callbacks
):
    saved_search(task_areas=[term("standesamt")])
    submitted = make_entry(
        other_user, status=EntryStatus.SUBMITTED, task_areas=[term("standesamt")]
    )
    own = make_entry(user, task_areas=[term("standesamt")])
    with django_capture_on_commit_callbacks(execute=True):
        entry_approved.send(sender=BoerseEntry, entry=submitted)
        entry_approved.send(sender=BoerseEntry, entry=own)
    assert mail.outbox == []


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_list_needs_login(client):
    response = client.get("/benachrichtigungen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/?next=/benachrichtigungen/")


def test_list_shows_only_own_searches(logged_in, saved_search, other_user):
    saved_search(name="Meine Standesamtsuche", text="Standesamt")
    saved_search(owner=other_user, name="Ottos Suche", text="Bauhof")
    response = logged_in.get("/benachrichtigungen/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Meine Standesamtsuche" in content
    assert "Ottos Suche" not in content


def test_create_saved_search(logged_in, user, term):
    form = logged_in.get("/benachrichtigungen/neu/")
    assert form.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    response = logged_in.post(
        "/benachrichtigungen/neu/",
        {
            "name": "Standesamt in der Nähe",
            "text": "Standesamt",
            "task_areas": [term("standesamt").pk],
            "ort": "Erwitte",
            "radius_km": "25",
            "counties": [County.objects.get(key=KREIS_SOEST).pk],
            "include_profiles": "on",
            "include_requests": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/benachrichtigungen/"
    search = SavedSearch.objects.get(user=user)
    assert search.near_municipality.ags == ERWITTE
    assert search.radius_km == 25
    assert [t.slug for t in search.task_areas.all()] == ["standesamt"]
    assert [c.key for c in search.counties.all()] == [KREIS_SOEST]
    assert (search.include_profiles, search.include_offers, search.include_requests) == (
        True,
        False,
        True,
    )
    assert "Standesamt in der Nähe" in logged_in.get("/benachrichtigungen/").content.decode()


def test_municipality_by_ags_and_edit_keeps_it(logged_in, saved_search):
    search = saved_search(text="Bauhof")
    url = f"/benachrichtigungen/{search.pk}/bearbeiten/"
    response = logged_in.post(
        url,
        {
            "name": "Bauhof",
            "text": "Bauhof",
            "ort": LIPPSTADT,
            "radius_km": "300",
            "include_offers": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    search.refresh_from_db()
    assert (search.near_municipality.ags, search.radius_km) == (LIPPSTADT, 300)
    # The edit form shows the municipality so that saving it again keeps it.
    assert 'value="Lippstadt (Kreis Soest)"' in logged_in.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Leer"}, "Bitte mindestens ein Kriterium angeben"),
        ({"name": "Weit", "ort": "Erwitte", "radius_km": "500"}, "300"),
        ({"name": "Null", "ort": "Erwitte", "radius_km": "0"}, "1"),
        ({"name": "Text", "ort": "Erwitte", "radius_km": "zehn"}, "ganze Zahl"),
        ({"name": "Ohne km", "ort": "Erwitte"}, "Bitte den Umkreis in km angeben"),
        ({"name": "Ohne Ort", "radius_km": "10"}, "Bitte die Gemeinde angeben"),
        ({"name": "Unbekannt", "ort": "Atlantis", "radius_km": "10"}, "Keine Gemeinde namens"),
        ({"name": "AGS", "ort": "99999999", "radius_km": "10"}, "keine Gemeinde mit dem"),
        ({"name": "Mehrdeutig", "ort": "Neuenkirchen", "radius_km": "10"}, "mehrere Gemeinden"),
        ({"name": "Zeichen", "text": "!!! ???"}, "keine Wörter"),
        ({"name": "Aufgabe", "task_areas": ["999999"]}, "Aufgabenbereiche"),
        ({"name": "Aufgabe", "task_areas": ["abc"]}, "Aufgabenbereiche"),
        ({"name": "Kreis", "counties": ["abc"]}, "Kreise"),
        ({"name": "", "text": "Bauhof"}, "Name"),
        ({"name": "Nichts", "text": "Bauhof", "include_profiles": ""}, "Steckbriefe, Angebote"),
    ],
)
def test_bad_input_is_shown_with_what_was_typed(logged_in, user, data, message):
    data = {"include_profiles": "on", "active": "on", **data}
    if data["include_profiles"] == "":
        del data["include_profiles"]
    response = logged_in.post("/benachrichtigungen/neu/", data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Der Suchauftrag konnte nicht gespeichert werden" in content
    assert message in content
    for key in ("ort", "radius_km", "text"):
        if data.get(key):
            assert f'value="{data[key]}"' in content
    assert not SavedSearch.objects.filter(user=user).exists()


def test_form_refuses_empty_search():
    form = SavedSearchForm(data={"name": "Leer", "include_profiles": "on"})
    assert not form.is_valid()
    assert "Bitte mindestens ein Kriterium angeben" in str(form.non_field_errors())


def test_other_users_searches_are_404(client, saved_search, other_user):
    search = saved_search(text="Standesamt")
    client.force_login(other_user)
    assert client.get(f"/benachrichtigungen/{search.pk}/bearbeiten/").status_code == 404
    assert (
        client.post(
            f"/benachrichtigungen/{search.pk}/bearbeiten/",
            {"name": "Gekapert", "text": "x", "include_profiles": "on"},
        ).status_code
        == 404
    )
    assert client.get(f"/benachrichtigungen/{search.pk}/loeschen/").status_code == 404
    assert client.post(f"/benachrichtigungen/{search.pk}/loeschen/").status_code == 404
    assert client.post(f"/benachrichtigungen/{search.pk}/aktiv/").status_code == 404
    search.refresh_from_db()
    assert (search.name, search.active) == ("Meine Suche", True)


def test_toggle_and_delete(logged_in, saved_search):
    search = saved_search(text="Standesamt")
    assert logged_in.get(f"/benachrichtigungen/{search.pk}/aktiv/").status_code == 405
    assert logged_in.post(f"/benachrichtigungen/{search.pk}/aktiv/").status_code == 302
    search.refresh_from_db()
    assert not search.active
    logged_in.post(f"/benachrichtigungen/{search.pk}/aktiv/")
    search.refresh_from_db()
    assert search.active

    confirm = logged_in.get(f"/benachrichtigungen/{search.pk}/loeschen/")
    assert "Endgültig löschen" in confirm.content.decode()
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    assert logged_in.post(f"/benachrichtigungen/{search.pk}/loeschen/").status_code == 302
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_forms_need_csrf(user, saved_search):
    search = saved_search(text="Standesamt")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(f"/benachrichtigungen/{search.pk}/aktiv/").status_code == 403
    assert (
        client.post(f"/benachrichtigungen/abmelden/{unsubscribe_token(search)}/").status_code == 403
    )
    search.refresh_from_db()
    assert search.active


def test_unsubscribe_with_token_from_the_email(
    make_profile, saved_search, term, django_capture_on_commit_callbacks
):
    search = saved_search(name="Standesamt", task_areas=[term("standesamt")])
    with django_capture_on_commit_callbacks(execute=True):
        make_profile("Standesamt", task_areas=[term("standesamt")])
    link = re.search(rf"{BASE_URL}(/benachrichtigungen/abmelden/\S+/)", mail.outbox[0].body)
    client = Client()  # not logged in

    page = client.get(link[1])
    assert page.status_code == 200
    assert "Ja, abbestellen" in page.content.decode()
    search.refresh_from_db()
    assert search.active  # GET alone changes nothing

    done = client.post(link[1])
    assert done.status_code == 200
    assert "Sie erhalten keine E-Mails mehr" in done.content.decode()
    search.refresh_from_db()
    assert not search.active


def test_forged_unsubscribe_token_is_refused(client, saved_search, other_user):
    search = saved_search(text="Standesamt")
    victim = saved_search(owner=other_user, text="Bauhof")
    token = unsubscribe_token(search)
    forged = [
        "kaputt",
        token[:-2] + ("xy" if not token.endswith("xy") else "ab"),
        signing.dumps([victim.pk, victim.user_id], salt="falsch"),
        signing.dumps([victim.pk, search.user_id], salt="alerts.unsubscribe", key="anderer"),
        token.replace(
            token.split(":")[0], signing.dumps([victim.pk, victim.user_id]).split(":")[0]
        ),
    ]
    for bad in forged:
        assert client.get(f"/benachrichtigungen/abmelden/{bad}/").status_code == 400
        assert client.post(f"/benachrichtigungen/abmelden/{bad}/").status_code == 400
    victim.refresh_from_db()
    assert victim.active
    # A valid token for a deleted search is refused too.
    search.delete()
    assert client.get(f"/benachrichtigungen/abmelden/{token}/").status_code == 400


def test_pages_are_accessible_and_work_without_javascript(logged_in, saved_search, term):
    search = saved_search(
        name="Standesamt",
        task_areas=[term("standesamt")],
        near=ERWITTE,
        radius=20,
        counties=[KREIS_SOEST],
    )
    token = unsubscribe_token(search)
    pages = {
        "/benachrichtigungen/": 200,
        "/benachrichtigungen/neu/": 200,
        f"/benachrichtigungen/{search.pk}/bearbeiten/": 200,
        f"/benachrichtigungen/{search.pk}/loeschen/": 200,
        f"/benachrichtigungen/abmelden/{token}/": 200,
        "/benachrichtigungen/abmelden/kaputt/": 400,
    }
    for url, status in pages.items():
        response = logged_in.get(url)
        assert response.status_code == status, url
        page = Page(response.content.decode())
        assert_accessible_structure(page)
        assert_no_third_party_requests(page)
        # Scripts only as progressive enhancement from the site itself, never inline.
        scripts = re.findall(r"<script\b[^>]*>", page.html)
        assert all(re.search(r'src="/static/js/[a-z]+\.js"', tag) for tag in scripts), scripts
    invalid = logged_in.post(
        "/benachrichtigungen/neu/", {"name": "x", "ort": "Atlantis", "radius_km": "999"}
    )
    page = Page(invalid.content.decode())
    assert_accessible_structure(page)
    assert 'href="#id_ort"' in page.html and 'href="#id_radius_km"' in page.html
    # The edit form shows what is saved: the checked task area and Kreis.
    edit = logged_in.get(f"/benachrichtigungen/{search.pk}/bearbeiten/").content.decode()
    assert f'value="{term("standesamt").pk}" checked' in edit
    assert f'value="{County.objects.get(key=KREIS_SOEST).pk}" checked' in edit


def test_new_search_prefilled_from_search_parameters(logged_in, term):
    response = logged_in.get(
        "/benachrichtigungen/neu/",
        {
            "q": "Standesamt",
            "aufgabe": ["standesamt", "gibt-es-nicht"],
            "kreis": KREIS_SOEST,
            "ort": "Erwitte",
            "umkreis": "abc",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_text" name="text" value="Standesamt"' in content
    assert f'value="{term("standesamt").pk}" checked' in content
    assert f'value="{County.objects.get(key=KREIS_SOEST).pk}" checked' in content
    assert 'name="ort" value="Erwitte"' in content
    assert 'name="radius_km" value=""' in content


def test_search_page_offers_to_save_the_search_as_a_suchauftrag(client, db):
    from kooperationsatlas.setup import ensure_site_tree

    ensure_site_tree()
    html = client.get("/suche/", {"q": "Standesamt", "kreis": "05974"}).content.decode()
    assert (
        '<a href="/benachrichtigungen/neu/?q=Standesamt&amp;kreis=05974">'
        "Diese Suche speichern und bei neuen Treffern benachrichtigt werden</a>"
    ) in html
