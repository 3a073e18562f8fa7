"""Kooperationsbörse: lifecycle, permissions, matching, interest messages, bad input."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import MunicipalAccount
from boerse.models import BoerseEntry, EntryKind, EntryMatch, EntryStatus, InterestMessage
from boerse.services import match_entry
from boerse.signals import entry_approved
from cooperations.taxonomy import TaskArea
from kooperationsatlas.models import OutgoingMail
from register.models import County, Municipality
from tests.mails import committed

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, MUENSTER = "05974016", "05974004", "05515000"
PASSWORD = "ein-sicheres-passwort-1"


def make_user(username, *, ags=None, county_key=None, verified=True):
    user = User.objects.create_user(
        username,
        f"{username}@poster.example",
        PASSWORD,
        first_name=username.capitalize(),
        last_name="Muster",
    )
    if ags or county_key:
        MunicipalAccount.objects.create(
            user=user,
            municipality=Municipality.objects.get(ags=ags) if ags else None,
            county=County.objects.get(key=county_key) if county_key else None,
            function="Organisation",
            verified=verified,
        )
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def erwitte():
    return make_user("erwitte", ags=ERWITTE)


@pytest.fixture
def anroechte():
    return make_user("anroechte", ags=ANROECHTE)


@pytest.fixture
def moderator():
    user = make_user("moderatorin")
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


@pytest.fixture
def approvals():
    """Collects the entries for which entry_approved was sent."""
    seen = []

    def receiver(sender, entry, **kwargs):
        seen.append(entry.pk)

    entry_approved.connect(receiver, dispatch_uid="test-approvals")
    yield seen
    entry_approved.disconnect(dispatch_uid="test-approvals")


def area(slug):
    return TaskArea.objects.get(slug=slug)


def form_data(**overrides):
    data = {
        "kind": "angebot",
        "title": "Wir bieten Beihilfebearbeitung",
        "description": "Unsere Beihilfestelle übernimmt die Bearbeitung für Nachbarkommunen.",
        "task_areas": [str(area("personal-beihilfe").pk)],
        "region_radius_km": "30",
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "action": "submit",
    }
    data.update(overrides)
    return data


def make_entry(
    user,
    *,
    status=EntryStatus.APPROVED,
    kind=EntryKind.OFFER,
    areas=("personal-beihilfe",),
    radius=30,
    counties=(),
    days=90,
    title=None,
):
    account = user.municipal_account
    entry = BoerseEntry.objects.create(
        kind=kind,
        title=title or f"{kind} von {account.body}",
        description="Beschreibung",
        municipality=account.municipality,
        county=account.county,
        created_by=user,
        region_radius_km=radius,
        expires_on=timezone.localdate() + timedelta(days=days),
        status=status,
        published_at=timezone.now() if status == EntryStatus.APPROVED else None,
    )
    entry.task_areas.set([area(slug) for slug in areas])
    entry.region_counties.set(County.objects.filter(key__in=counties))
    return entry


def approve_via_queue(moderator, entry, note="Passt."):
    with committed():
        return login(moderator).post(
            f"/boerse/moderation/{entry.pk}/", {"decision": "freigeben", "note": note}
        )


# --- lifecycle -------------------------------------------------------------------------


def test_lifecycle_draft_submitted_approved_expired_renewed(erwitte, moderator, approvals):
    owner = login(erwitte)
    anonymous = Client()

    # Draft: only the owner sees it.
    response = owner.post("/boerse/neu/", form_data(action="draft"))
    assert response.status_code == 302
    entry = BoerseEntry.objects.get()
    assert entry.status == EntryStatus.DRAFT
    assert entry.municipality.ags == ERWITTE and entry.created_by == erwitte
    assert "Beihilfebearbeitung" not in anonymous.get("/boerse/").content.decode()
    assert anonymous.get(f"/boerse/{entry.pk}/").status_code == 404
    assert owner.get(f"/boerse/{entry.pk}/").status_code == 200

    # Submitted: in the moderation queue, still not public.
    assert owner.post(f"/boerse/{entry.pk}/einreichen/").status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert anonymous.get(f"/boerse/{entry.pk}/").status_code == 404
    assert "Beihilfebearbeitung" in login(moderator).get("/boerse/moderation/").content.decode()

    # Approved: public, signal sent exactly once.
    assert approve_via_queue(moderator, entry, "Gern veröffentlicht.").status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert entry.moderated_by == moderator and entry.moderation_note == "Gern veröffentlicht."
    assert entry.published_at is not None
    assert approvals == [entry.pk]
    assert "Beihilfebearbeitung" in anonymous.get("/boerse/").content.decode()
    assert anonymous.get(f"/boerse/{entry.pk}/").status_code == 200
    # A second approval is refused and sends nothing.
    assert approve_via_queue(moderator, entry).status_code == 400
    assert approvals == [entry.pk]

    # Soon expiring: the maintenance command reminds once.
    BoerseEntry.objects.filter(pk=entry.pk).update(
        expires_on=timezone.localdate() + timedelta(days=5)
    )
    mail.outbox.clear()
    with committed():
        call_command("boerse_maintenance", stdout=StringIO())
        call_command("boerse_maintenance", stdout=StringIO())
    reminders = [m for m in mail.outbox if "läuft am" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == [erwitte.email]
    assert f"/boerse/{entry.pk}/verlaengern/" in reminders[0].body
    entry.refresh_from_db()
    assert entry.reminder_sent_at is not None

    # Expired: no longer public, reported by the command.
    BoerseEntry.objects.filter(pk=entry.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert "Beihilfebearbeitung" not in anonymous.get("/boerse/").content.decode()
    assert anonymous.get(f"/boerse/{entry.pk}/").status_code == 404
    out = StringIO()
    call_command("boerse_maintenance", stdout=out)
    assert f"#{entry.pk} Wir bieten Beihilfebearbeitung" in out.getvalue()
    assert "Abgelaufen" in owner.get("/konto/").content.decode()

    # Renewed: public again, still approved, reminder reset.
    assert owner.get(f"/boerse/{entry.pk}/verlaengern/").status_code == 200
    new_date = timezone.localdate() + timedelta(days=200)
    response = owner.post(f"/boerse/{entry.pk}/verlaengern/", {"expires_on": new_date.isoformat()})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.expires_on == new_date
    assert entry.reminder_sent_at is None
    assert anonymous.get(f"/boerse/{entry.pk}/").status_code == 200
    assert approvals == [entry.pk]  # renewing is no new approval


def test_renewal_bounds(erwitte):
    entry = make_entry(erwitte, days=3)
    owner = login(erwitte)
    url = f"/boerse/{entry.pk}/verlaengern/"
    too_late = timezone.localdate() + timedelta(days=400)
    response = owner.post(url, {"expires_on": too_late.isoformat()})
    assert response.status_code == 400
    assert "höchstens zwölf Monate" in response.content.decode()
    past = timezone.localdate() - timedelta(days=1)
    assert owner.post(url, {"expires_on": past.isoformat()}).status_code == 400
    entry.refresh_from_db()
    assert entry.expires_on == timezone.localdate() + timedelta(days=3)
    # An entry far from expiry cannot be renewed yet; a draft never.
    assert owner.get(f"/boerse/{make_entry(erwitte, days=200).pk}/verlaengern/").status_code == 400
    draft = make_entry(erwitte, status=EntryStatus.DRAFT, days=3)
    assert owner.get(f"/boerse/{draft.pk}/verlaengern/").status_code == 400


def test_editing_an_approved_entry_sends_it_back_to_moderation(erwitte):
    entry = make_entry(erwitte, title="Alter Titel")
    response = login(erwitte).post(
        f"/boerse/{entry.pk}/bearbeiten/", form_data(title="Neuer Titel", action="draft")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Neuer Titel" and entry.status == EntryStatus.SUBMITTED
    assert Client().get(f"/boerse/{entry.pk}/").status_code == 404


def test_withdraw(erwitte):
    entry = make_entry(erwitte)
    assert login(erwitte).post(f"/boerse/{entry.pk}/zurueckziehen/").status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    assert Client().get(f"/boerse/{entry.pk}/").status_code == 404


# --- unapproved entries are never public -------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.REJECTED, EntryStatus.WITHDRAWN],
)
def test_unapproved_entries_are_never_public(erwitte, anroechte, status, site_tree):
    entry = make_entry(erwitte, status=status, title="Geheimer Entwurf Xylophon")
    for client in (Client(), login(anroechte)):
        assert "Xylophon" not in client.get("/boerse/").content.decode()
        assert client.get(f"/boerse/{entry.pk}/").status_code == 404
        assert (
            "Xylophon"
            not in client.get("/api/v1/suche/", {"q": "Geheimer Entwurf"}).content.decode()
        )
        assert "Xylophon" not in client.get("/suche/", {"q": "Geheimer Entwurf"}).content.decode()
    assert not BoerseEntry.objects.public().filter(pk=entry.pk).exists()


def test_rejection_tells_the_owner(erwitte, moderator, approvals):
    entry = make_entry(erwitte, status=EntryStatus.SUBMITTED, title="Abzulehnen")
    client = login(moderator)
    # A rejection needs a reason.
    response = client.post(f"/boerse/moderation/{entry.pk}/", {"decision": "ablehnen", "note": ""})
    assert response.status_code == 400
    assert "Bitte begründen" in response.content.decode()
    with committed():
        response = client.post(
            f"/boerse/moderation/{entry.pk}/",
            {"decision": "ablehnen", "note": "Bitte Region <genauer> angeben."},
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED
    assert approvals == []
    (message,) = mail.outbox
    assert message.to == [erwitte.email]
    assert "Bitte Region <genauer> angeben." in message.body
    assert Client().get(f"/boerse/{entry.pk}/").status_code == 404
    # The owner sees the note, escaped.
    page = login(erwitte).get(f"/boerse/{entry.pk}/").content.decode()
    assert "Bitte Region &lt;genauer&gt; angeben." in page


# --- accounts may act only for their own body --------------------------------------------


def test_account_cannot_post_for_another_municipality(erwitte):
    client = login(erwitte)
    page = client.get("/boerse/neu/").content.decode()
    assert 'name="municipality"' not in page and 'name="county"' not in page
    assert "Erwitte" in page
    anroechte = Municipality.objects.get(ags=ANROECHTE)
    data = form_data(municipality=str(anroechte.pk), county="05974", created_by="1")
    assert client.post("/boerse/neu/", data).status_code == 302
    entry = BoerseEntry.objects.get()
    assert entry.municipality.ags == ERWITTE and entry.county is None
    assert entry.created_by == erwitte


def test_account_cannot_edit_another_municipalitys_entry(erwitte, anroechte):
    entry = make_entry(anroechte, status=EntryStatus.DRAFT, title="Anröchter Entwurf")
    client = login(erwitte)
    assert client.get(f"/boerse/{entry.pk}/").status_code == 404
    assert client.get(f"/boerse/{entry.pk}/bearbeiten/").status_code == 404
    response = client.post(f"/boerse/{entry.pk}/bearbeiten/", form_data(title="Gekapert"))
    assert response.status_code == 404
    assert client.post(f"/boerse/{entry.pk}/einreichen/").status_code == 404
    public = make_entry(anroechte, days=3)
    assert client.post(f"/boerse/{public.pk}/zurueckziehen/").status_code == 404
    renew = {"expires_on": (timezone.localdate() + timedelta(days=100)).isoformat()}
    assert client.post(f"/boerse/{public.pk}/verlaengern/", renew).status_code == 404
    entry.refresh_from_db()
    public.refresh_from_db()
    assert entry.title == "Anröchter Entwurf" and entry.status == EntryStatus.DRAFT
    assert public.status == EntryStatus.APPROVED
    assert public.expires_on == timezone.localdate() + timedelta(days=3)


def test_county_account_posts_for_its_county():
    user = make_user("kreis", county_key="05974")
    assert login(user).post("/boerse/neu/", form_data()).status_code == 302
    entry = BoerseEntry.objects.get()
    assert entry.county.key == "05974" and entry.municipality is None
    assert entry.status == EntryStatus.SUBMITTED


def test_unverified_accounts_and_users_without_account_cannot_post():
    for user in (make_user("neu", ags=ERWITTE, verified=False), make_user("ohnekonto")):
        client = login(user)
        assert client.get("/boerse/neu/").status_code == 403
        assert client.post("/boerse/neu/", form_data()).status_code == 403
    assert not BoerseEntry.objects.exists()


def test_unverified_account_cannot_edit_its_old_entries():
    user = make_user("neu", ags=ERWITTE, verified=False)
    entry = make_entry(user, status=EntryStatus.DRAFT)
    client = login(user)
    assert client.post(f"/boerse/{entry.pk}/bearbeiten/", form_data()).status_code == 403
    assert client.post(f"/boerse/{entry.pk}/einreichen/").status_code == 403


def test_anonymous_users_are_sent_to_login(anroechte):
    client = Client()
    response = client.get("/boerse/neu/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/anmelden/?next=/boerse/neu/")
    assert client.post("/boerse/neu/", form_data()).status_code == 302
    entry = make_entry(anroechte)
    response = client.post(f"/boerse/{entry.pk}/interesse/", {"message": "Hallo"})
    assert response.status_code == 302 and response.url.startswith("/konto/anmelden/")
    assert not InterestMessage.objects.exists()
    assert not BoerseEntry.objects.exclude(pk=entry.pk).exists()
    assert "Melden Sie sich an" in client.get(f"/boerse/{entry.pk}/").content.decode()


def test_moderation_queue_only_for_moderators(erwitte, moderator):
    entry = make_entry(erwitte, status=EntryStatus.SUBMITTED, title="Wartet")
    response = Client().get("/boerse/moderation/")
    assert response.status_code == 302 and response.url.startswith("/konto/anmelden/")
    assert login(erwitte).get("/boerse/moderation/").status_code == 403
    assert approve_via_queue(erwitte, entry).status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    response = login(moderator).get("/boerse/moderation/")
    assert response.status_code == 200 and "Wartet" in response.content.decode()
    # Moderators may look at unapproved entries.
    assert login(moderator).get(f"/boerse/{entry.pk}/").status_code == 200


def test_moderation_group_has_the_permissions():
    group = Group.objects.get(name="Moderation")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "moderate_boerseentry",
        "view_municipalaccount",
        "add_municipalaccount",
        "change_municipalaccount",
    } <= codenames


def test_forms_need_csrf_tokens(erwitte):
    client = Client(enforce_csrf_checks=True)
    client.force_login(erwitte)
    assert client.post("/boerse/neu/", form_data()).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in client.get("/boerse/neu/").content.decode()


# --- interest messages -------------------------------------------------------------------


def test_interest_message_goes_to_the_poster_without_revealing_addresses(erwitte, anroechte):
    entry = make_entry(anroechte, title="Anröchte bietet Beihilfe")
    sender = login(erwitte)
    page = sender.get(f"/boerse/{entry.pk}/").content.decode()
    assert anroechte.email not in page
    with committed():
        response = sender.post(
            f"/boerse/{entry.pk}/interesse/",
            {"message": "Wir hätten Interesse. Rückruf unter 02943 1234."},
            follow=True,
        )
    assert response.status_code == 200
    assert anroechte.email not in response.content.decode()
    interest = InterestMessage.objects.get()
    assert interest.sender == erwitte and interest.entry == entry
    assert interest.delivered_at is not None
    (message,) = mail.outbox
    assert message.to == [anroechte.email]
    assert message.reply_to == [] and "Reply-To" not in message.message()
    assert erwitte.email not in message.message().as_string()
    assert "Erwitte Muster" in message.body and "Erwitte" in message.body
    assert "Rückruf unter 02943 1234." in message.body


def test_poster_sees_received_interest_on_the_entry_page_others_do_not(erwitte, anroechte):
    entry = make_entry(anroechte, title="Anröchte bietet Beihilfe")
    sender = login(erwitte)
    with committed():
        sender.post(
            f"/boerse/{entry.pk}/interesse/",
            {"message": "Wir hätten Interesse. Rückruf unter 02943 1234."},
        )
    poster_page = login(anroechte).get(f"/boerse/{entry.pk}/").content.decode()
    assert "Eingegangene Interessenbekundungen (1)" in poster_page
    assert "Rückruf unter 02943 1234." in poster_page
    assert "Erwitte Muster, Erwitte" in poster_page
    # Without the sender's consent the address is neither on the page nor in the mail.
    assert erwitte.email not in poster_page
    assert "E-Mail-Adresse nicht freigegeben" in poster_page
    assert erwitte.email not in mail.outbox[0].body
    # The sender, other accounts and visitors never see the received messages.
    for client in (sender, Client(), login(make_user("dritte", ags=MUENSTER))):
        page = client.get(f"/boerse/{entry.pk}/").content.decode()
        assert "Eingegangene Interessenbekundungen" not in page
        assert "Rückruf unter 02943 1234." not in page


def test_sender_may_share_the_address_with_the_poster(erwitte, anroechte):
    entry = make_entry(anroechte)
    with committed():
        login(erwitte).post(
            f"/boerse/{entry.pk}/interesse/",
            {"message": "Bitte melden Sie sich.", "share_contact": "on"},
        )
    interest = InterestMessage.objects.get()
    assert interest.share_contact is True
    (message,) = mail.outbox
    assert erwitte.email in message.body
    assert message.reply_to == []  # the address is in the text, the mail stays the platform's
    poster_page = login(anroechte).get(f"/boerse/{entry.pk}/").content.decode()
    assert f'href="mailto:{erwitte.email}"' in poster_page


def test_interest_bad_input_and_own_entry(erwitte, anroechte):
    entry = make_entry(anroechte)
    client = login(erwitte)
    response = client.post(f"/boerse/{entry.pk}/interesse/", {"message": ""})
    assert response.status_code == 400
    assert "Bitte eine Nachricht schreiben." in response.content.decode()
    response = client.post(f"/boerse/{entry.pk}/interesse/", {"message": "x" * 3001})
    assert response.status_code == 400
    assert "x" * 3001 in response.content.decode()  # what was typed is kept
    own = login(anroechte).post(f"/boerse/{entry.pk}/interesse/", {"message": "Hallo"})
    assert own.status_code == 400
    draft = make_entry(anroechte, status=EntryStatus.DRAFT)
    assert client.post(f"/boerse/{draft.pk}/interesse/", {"message": "Hallo"}).status_code == 404
    assert not InterestMessage.objects.exists() and not mail.outbox


# --- matching ---------------------------------------------------------------------------


def test_matching_offer_and_request_creates_one_match_and_two_mails(erwitte, anroechte, moderator):
    offer = make_entry(erwitte, kind=EntryKind.OFFER, areas=["personal-beihilfe"], radius=20)
    # Parent task area, ~6 km apart, both radii cover the other.
    request = make_entry(
        anroechte,
        status=EntryStatus.SUBMITTED,
        kind=EntryKind.REQUEST,
        areas=["innere-verwaltung"],
        radius=10,
    )
    assert approve_via_queue(moderator, request).status_code == 302
    match = EntryMatch.objects.get()
    assert (match.offer, match.request) == (offer, request)
    assert match.notified_at is not None
    mails = [m for m in mail.outbox if m.subject.startswith("Passender Börsen-Eintrag")]
    assert sorted(m.to[0] for m in mails) == sorted([erwitte.email, anroechte.email])
    # Running the matching again changes nothing and sends nothing.
    with committed():
        assert match_entry(request) == [] and match_entry(offer) == []
    assert EntryMatch.objects.count() == 1
    assert len([m for m in mail.outbox if m.subject.startswith("Passender")]) == 2


def test_matching_needs_opposite_kinds_shared_areas_and_overlapping_regions(erwitte, moderator):
    muenster = make_user("muenster", ags=MUENSTER)
    anroechte = make_user("anroechte", ags=ANROECHTE)
    make_entry(erwitte, kind=EntryKind.OFFER, areas=["personal-beihilfe"], radius=20)
    make_entry(erwitte, kind=EntryKind.OFFER, areas=["abfall"], radius=200, title="Abfall")
    # Münster is ~55 km from Erwitte: outside both radii, different Kreis.
    far = make_entry(
        muenster,
        status=EntryStatus.SUBMITTED,
        kind=EntryKind.REQUEST,
        areas=["personal-beihilfe"],
        radius=10,
    )
    # Same kind as the offer: no match.
    same_kind = make_entry(
        anroechte,
        status=EntryStatus.SUBMITTED,
        kind=EntryKind.OFFER,
        areas=["personal-beihilfe"],
        radius=50,
    )
    for entry in (far, same_kind):
        approve_via_queue(moderator, entry)
    assert not EntryMatch.objects.exists()
    # Listing the Kreis Soest as region makes Münster's request overlap.
    far.region_counties.set([County.objects.get(key="05974")])
    matched = {m.offer.municipality.ags for m in match_entry(far)}
    assert matched == {ERWITTE, ANROECHTE}  # both Beihilfe offers; not the Abfall one


def test_matching_by_radius_alone_is_mutual(erwitte):
    muenster = make_user("muenster", ags=MUENSTER)
    make_entry(erwitte, kind=EntryKind.OFFER, radius=100)
    narrow = make_entry(muenster, kind=EntryKind.REQUEST, radius=10)
    assert match_entry(narrow) == []
    narrow.region_radius_km = 100
    narrow.save()
    assert len(match_entry(narrow)) == 1


# --- public list ------------------------------------------------------------------------


def test_list_filters(erwitte):
    muenster = make_user("muenster", ags=MUENSTER)
    make_entry(erwitte, kind=EntryKind.OFFER, areas=["personal-beihilfe"], title="Beihilfe-Angebot")
    make_entry(muenster, kind=EntryKind.REQUEST, areas=["abfall"], title="Abfall-Gesuch")
    client = Client()

    def titles(**params):
        response = client.get("/boerse/", params)
        assert response.status_code == 200
        page = response.content.decode()
        return {t for t in ("Beihilfe-Angebot", "Abfall-Gesuch") if t in page}

    assert titles() == {"Beihilfe-Angebot", "Abfall-Gesuch"}
    assert titles(art="gesuch") == {"Abfall-Gesuch"}
    assert titles(aufgabe="innere-verwaltung") == {"Beihilfe-Angebot"}  # parent includes child
    assert titles(kreis="05974") == {"Beihilfe-Angebot"}
    assert titles(land="05") == {"Beihilfe-Angebot", "Abfall-Gesuch"}
    assert titles(land="09") == set()


@pytest.mark.parametrize(
    "params",
    [{"art": "tausch"}, {"aufgabe": "gibt-es-nicht"}, {"land": "99"}, {"kreis": "<b>x</b>"}],
)
def test_list_bad_filters_answer_400(params):
    response = Client().get("/boerse/", params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben" in page
    assert "<b>x</b>" not in page


def test_list_bad_page_number_is_harmless():
    assert Client().get("/boerse/", {"seite": "abc"}).status_code == 200


# --- bad input on the entry form -----------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"expires_on": "2020-01-01"}, "Das Datum muss in der Zukunft liegen."),
        ({"expires_on": "31.02.2027"}, "Bitte ein gültiges Datum eingeben"),
        ({"region_radius_km": "-5"}, "Der Umkreis darf nicht negativ sein."),
        ({"region_radius_km": "301"}, "höchstens 300 km"),
        ({"region_radius_km": "zehn"}, "Bitte eine ganze Zahl eingeben."),
        ({"task_areas": ["999999"]}, "Unbekannter Aufgabenbereich: 999999."),
        ({"task_areas": ["abc"]}, "Unbekannter Aufgabenbereich"),
        ({"task_areas": []}, "Bitte mindestens einen Aufgabenbereich auswählen."),
        ({"description": "D" * 10_000}, "höchstens 5000 Zeichen"),
        ({"region_radius_km": "", "region_counties": []}, "Bitte einen Umkreis oder"),
        ({"region_counties": ["99999999"]}, "Unbekannter Kreis"),
        ({"kind": "tausch"}, "tausch"),
    ],
)
def test_bad_input_rerenders_the_form_with_error_and_input(erwitte, overrides, error):
    data = form_data(title="Mein <em>Titel</em>", **overrides)
    response = login(erwitte).post("/boerse/neu/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert 'value="Mein &lt;em&gt;Titel&lt;/em&gt;"' in page  # kept, escaped
    if len(data["description"]) == 10_000:
        assert "D" * 10_000 in page
    assert not BoerseEntry.objects.exists()


def test_expiry_more_than_twelve_months_ahead_is_refused(erwitte):
    late = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = login(erwitte).post("/boerse/neu/", form_data(expires_on=late))
    assert response.status_code == 400
    assert "höchstens zwölf Monate" in response.content.decode()


def test_user_input_is_escaped(erwitte, anroechte):
    entry = make_entry(anroechte, title="<script>alert(1)</script>")
    entry.description = "<img src=x onerror=alert(1)>"
    entry.save()
    page = Client().get(f"/boerse/{entry.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert "<script>alert(1)</script>" not in Client().get("/boerse/").content.decode()


def test_unknown_entry_is_404():
    assert Client().get("/boerse/999999/").status_code == 404


def test_failed_mails_stay_queued_and_are_retried(erwitte, anroechte, monkeypatch):
    import smtplib

    from django.core.mail import EmailMessage

    def broken_send(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("down")

    entry = make_entry(anroechte, days=5, title="Bald ablaufend")
    monkeypatch.setattr(EmailMessage, "send", broken_send)
    with committed():
        response = login(erwitte).post(
            f"/boerse/{entry.pk}/interesse/", {"message": "Hallo aus Erwitte"}, follow=True
        )
        call_command("boerse_maintenance", stdout=StringIO())
    assert response.status_code == 200
    assert "an die Kommune weitergeleitet" in response.content.decode()
    # Both mails are queued with the server's error; the actions are done once.
    queued = OutgoingMail.objects.order_by("pk")
    assert [m.attempts for m in queued] == [1, 1]
    assert all("SMTPServerDisconnected" in m.last_error for m in queued)
    entry.refresh_from_db()
    assert entry.reminder_sent_at is not None
    assert InterestMessage.objects.get().delivered_at is not None
    assert mail.outbox == []

    monkeypatch.undo()  # the server is back and the pause has passed
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    call_command("retry_mail", stdout=StringIO())
    assert sum("Interesse an Ihrem" in m.subject for m in mail.outbox) == 1
    assert sum("läuft am" in m.subject for m in mail.outbox) == 1
    assert len(mail.outbox) == 2 and all(m.to == [anroechte.email] for m in mail.outbox)
    assert not OutgoingMail.objects.exists()
    with committed():
        call_command("boerse_maintenance", stdout=StringIO())
    call_command("retry_mail", stdout=StringIO())
    assert len(mail.outbox) == 2


def test_interest_url_after_login_leads_back_to_the_form(erwitte, anroechte):
    entry = make_entry(anroechte)
    response = login(erwitte).get(f"/boerse/{entry.pk}/interesse/")
    assert response.status_code == 302
    assert response.url == f"/boerse/{entry.pk}/#interest-heading"
