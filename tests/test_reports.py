"""Reports ("Kooperation melden"): form, draft in the workflow, status, mails, privacy."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from accounts.models import MunicipalAccount
from cooperations.models import CooperationPage, PartnerRole
from cooperations.taxonomy import TaskArea
from kooperationsatlas.editorial import APPROVAL_TASK, WORKFLOW
from register.models import County, Municipality
from reports.models import Report
from reports.services import plain_text_to_richtext

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE = "05974016", "05974004"
NEW_URL = "/konto/meldungen/neu/"


def make_user(username, *, ags=None, county_key=None, verified=True):
    user = User.objects.create_user(
        username, f"{username}@kommune.example", "pw", first_name=username.capitalize()
    )
    if ags or county_key:
        MunicipalAccount.objects.create(
            user=user,
            municipality=Municipality.objects.get(ags=ags) if ags else None,
            county=County.objects.get(key=county_key) if county_key else None,
            verified=verified,
        )
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reporter(site_tree):
    return make_user("erwitte", ags=ERWITTE)


@pytest.fixture
def moderator(db):
    user = make_user("moderatorin")
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


def form_data(**overrides):
    data = {
        "title": "Gemeinsame Beihilfestelle Zwölfling",
        "summary": "Erwitte und Anröchte bearbeiten die Beihilfe gemeinsam.",
        "occasion": "",
        "goal": "",
        "description": "Erster Absatz.\n\nZweiter Absatz.",
        "task_areas": [str(TaskArea.objects.get(slug="personal-beihilfe").pk)],
        "legal_form": "",
        "cooperation_model": "",
        "phase": "regelbetrieb",
        "start_year": "2019",
        "partners": f"{ERWITTE} Erwitte; federführend\n{ANROECHTE}",
        "organisations": "",
        "sources": "https://example.org/ratsbeschluss",
        "contact_name": "Erika Muster",
        "contact_email": "erika@kommune.example",
    }
    data.update(overrides)
    return data


MARKER = "Beihilfestelle Zw"  # ASCII: JSON escapes the umlaut
PUBLIC_LISTINGS = [
    "/api/v1/steckbriefe/",
    "/feeds/steckbriefe.atom",
    "/feeds/steckbriefe.rss",
    "/daten/steckbriefe.json",
    "/kooperationen/",
]


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def submit(client, **overrides):
    return client.post(NEW_URL, form_data(**overrides))


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def approve_as_moderator(page, moderator):
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    return login(moderator).post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
        {"comment": ""},
    )


# --- who may report --------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(site_tree):
    for url in (NEW_URL, "/konto/meldungen/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith("/konto/anmelden/")


def test_users_without_municipal_account_are_refused(site_tree):
    client = login(make_user("privat"))
    response = client.get(NEW_URL)
    assert response.status_code == 403
    assert "keiner Gemeinde und keinem Kreis zugeordnet" in response.content.decode()
    response = submit(client)
    assert response.status_code == 403
    assert not Report.objects.exists()
    assert not CooperationPage.objects.filter(title__contains="Zwölfling").exists()


def test_unverified_accounts_are_refused(site_tree):
    client = login(make_user("neu", ags=ERWITTE, verified=False))
    response = submit(client)
    assert response.status_code == 403
    assert "noch nicht bestätigt" in response.content.decode()
    assert not Report.objects.exists()


def test_form_preselects_the_own_municipality_and_contact(reporter):
    response = login(reporter).get(NEW_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{ERWITTE} Erwitte" in html
    assert "erwitte@kommune.example" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_county_account_gets_its_kreis_preselected(site_tree):
    user = make_user("kreis", county_key="05974")
    html = login(user).get(NEW_URL).content.decode()
    assert "05974 Kreis Soest" in html


# --- a valid report becomes a draft in the workflow ------------------------------------


def test_valid_report_creates_an_unpublished_draft_in_the_workflow(reporter, moderator):
    client = login(reporter)
    response = submit(client)

    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == f"/konto/meldungen/{report.pk}/"
    page = report.page
    assert report.reporter == reporter
    assert report.contact_email == "erika@kommune.example"
    assert report.published_notified_at is None
    assert not page.live
    assert page.live_revision is None
    assert page.first_published_at is None
    assert page.owner == reporter
    assert page.get_parent().specific_class.__name__ == "CooperationIndexPage"
    assert page.latest_revision.user == reporter
    assert page.workflow_in_progress
    assert page.get_workflow().name == WORKFLOW
    assert page.current_workflow_task.name == APPROVAL_TASK
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.requested_by == reporter

    partners = {(p.municipality.ags, p.role) for p in page.partners.all()}
    assert partners == {(ERWITTE, PartnerRole.LEAD), (ANROECHTE, PartnerRole.MEMBER)}
    assert [s.url for s in page.sources.all()] == ["https://example.org/ratsbeschluss"]
    assert [a.slug for a in page.task_areas.all()] == ["personal-beihilfe"]
    assert page.start_year == 2019 and page.phase == "regelbetrieb"
    assert page.implementation == "<p>Erster Absatz.</p><p>Zweiter Absatz.</p>"
    # The contact for questions is not part of the profile.
    assert not page.contacts.exists()

    # The moderators see it; the public does not.
    anonymous = Client()
    assert anonymous.get(f"/kooperationen/{page.slug}/").status_code == 404
    assert page.slug not in anonymous.get("/suche/", {"q": "Zwölfling"}).content.decode()
    assert anonymous.get("/api/v1/suche/", {"q": "Zwölfling"}).json()["total"] == 0
    for url in PUBLIC_LISTINGS:
        assert MARKER not in body(anonymous.get(url)), url
    admin = login(moderator).get(reverse("wagtailadmin_home"))
    assert "Gemeinsame Beihilfestelle Zwölfling" in admin.content.decode()


def test_list_and_detail_show_the_status(reporter):
    client = login(reporter)
    submit(client)
    report = Report.objects.get()
    listing = client.get("/konto/meldungen/").content.decode()
    assert "Gemeinsame Beihilfestelle Zwölfling" in listing
    assert "in Prüfung" in listing
    detail = client.get(f"/konto/meldungen/{report.pk}/").content.decode()
    assert "in Prüfung" in detail
    assert "Anröchte" in detail


def test_slugs_stay_unique_for_equal_titles(reporter):
    client = login(reporter)
    submit(client)
    submit(client)
    slugs = sorted(r.page.slug for r in Report.objects.all())
    assert slugs == [
        "gemeinsame-beihilfestelle-zwoelfling",
        "gemeinsame-beihilfestelle-zwoelfling-2",
    ]


def test_partners_by_name_and_organisations(reporter):
    response = submit(
        login(reporter),
        partners="Erwitte\nKreis Soest; abgebend",
        organisations="Kommunales Rechenzentrum Beispiel; Dienstleister",
    )
    assert response.status_code == 302
    page = Report.objects.get().page
    assert {(p.name, p.role) for p in page.partners.all()} == {
        ("Erwitte", PartnerRole.MEMBER),
        ("Kreis Soest", PartnerRole.DELEGATING),
        ("Kommunales Rechenzentrum Beispiel", PartnerRole.PROVIDER),
    }


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"partners": f"{ERWITTE}\n05999999"},
            "keine Gemeinde mit dem Gemeindeschlüssel (AGS) 05999999",
        ),
        ({"partners": f"{ERWITTE}\n99999"}, "keinen Kreis mit dem Kreisschlüssel 99999"),
        ({"partners": f"{ERWITTE}\n0597401"}, "8 Ziffern (Gemeinde, AGS) oder 5 Ziffern"),
        (
            {"partners": f"{ERWITTE}\nGibtesnichtheim"},
            "„Gibtesnichtheim“: Im Register gibt es keine",
        ),
        ({"partners": f"{ERWITTE}\nSoest"}, "„Soest“: Der Name ist nicht eindeutig"),
        ({"partners": f"{ERWITTE}; Chef"}, "unbekannte Rolle „Chef“"),
        ({"partners": ERWITTE}, "mindestens 2 Partner; angegeben: 1"),
        ({"partners": f"{ERWITTE}\nErwitte"}, "mehrfach in der Liste: Erwitte (AGS 05974016)"),
        ({"sources": "ftp://example.org/datei"}, "nur http:// und https:// sind erlaubt"),
        ({"sources": "javascript:alert(1)"}, "keine gültige Internetadresse"),
        ({"sources": ""}, "Bitte mindestens eine Quelle angeben."),
        ({"start_year": "1850"}, "Das Startjahr muss zwischen 1900 und"),
        ({"start_year": "3000"}, "Das Startjahr muss zwischen 1900 und"),
        ({"task_areas": []}, "Bitte mindestens einen Aufgabenbereich auswählen."),
        ({"contact_email": "keine-adresse"}, "Bitte eine gültige E-Mail-Adresse angeben"),
        ({"title": ""}, "Bitte einen Titel angeben."),
    ],
)
def test_bad_input_rerenders_with_the_error_and_the_input(reporter, overrides, message):
    response = submit(login(reporter), **overrides)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'class="error-summary"' in html
    assert 'href="#id_' in html  # the summary links to the fields
    assert "Erwitte und Anröchte bearbeiten die Beihilfe gemeinsam." in html
    assert not Report.objects.exists()
    assert not CooperationPage.objects.filter(title__contains="Zwölfling").exists()


def test_user_input_is_stored_as_text_and_escaped(reporter):
    evil = '<script>alert("x")</script>'
    response = submit(login(reporter), title=f"Titel {evil}", description=f"Text {evil}\nZeile 2")
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.page.implementation == (
        "<p>Text &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br/>Zeile 2</p>"
    )
    html = login(reporter).get(f"/konto/meldungen/{report.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_plain_text_to_richtext():
    assert plain_text_to_richtext("") == ""
    assert plain_text_to_richtext("a & b\r\nc\r\n\r\n\r\nd") == "<p>a &amp; b<br/>c</p><p>d</p>"


# --- privacy ---------------------------------------------------------------------------


def test_other_accounts_cannot_see_a_report(reporter):
    submit(login(reporter))
    report = Report.objects.get()
    other = login(make_user("anroechte", ags=ANROECHTE))
    assert other.get(f"/konto/meldungen/{report.pk}/").status_code == 404
    assert "Zwölfling" not in other.get("/konto/meldungen/").content.decode()
    assert login(reporter).get(f"/konto/meldungen/{report.pk}/").status_code == 200


# --- moderation and mails --------------------------------------------------------------


def test_reporter_gets_exactly_one_mail_when_the_moderation_publishes(
    reporter, moderator, django_capture_on_commit_callbacks
):
    submit(login(reporter))
    report = Report.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = approve_as_moderator(report.page, moderator)
    assert response.status_code == 302

    report.refresh_from_db()
    assert report.page.live
    assert report.published_notified_at is not None
    received = mails_to(reporter.email)
    assert len(received) == 1
    assert "veröffentlicht" in received[0].subject
    assert report.page.get_url() in received[0].body
    assert received[0].body.startswith("Guten Tag")

    # Publishing again (an edit) does not mail again.
    with django_capture_on_commit_callbacks(execute=True):
        report.page.save_revision(user=moderator).publish(user=moderator)
    assert len(mails_to(reporter.email)) == 1

    # Now it is public: the same listings that did not show the draft show it.
    anonymous = Client()
    for url in PUBLIC_LISTINGS:
        assert MARKER in body(anonymous.get(url)), url

    listing = login(reporter).get("/konto/meldungen/").content.decode()
    assert "veröffentlicht" in listing
    assert "Steckbrief ansehen" in listing


def test_rejection_is_shown_and_mailed(reporter, moderator, django_capture_on_commit_callbacks):
    submit(login(reporter))
    report = Report.objects.get()
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(report.page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=(report.page.pk, "reject", task_state.pk),
            ),
            {"comment": "Bitte einen Ratsbeschluss als Quelle angeben."},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert not report.page.live
    assert report.published_notified_at is None
    received = mails_to(reporter.email)
    assert len(received) == 1
    assert "Bitte einen Ratsbeschluss als Quelle angeben." in received[0].body

    detail = login(reporter).get(f"/konto/meldungen/{report.pk}/").content.decode()
    assert "zurückgewiesen" in detail
    assert "Bitte einen Ratsbeschluss als Quelle angeben." in detail


def test_deleted_draft_shows_as_rejected(reporter):
    submit(login(reporter))
    report = Report.objects.get()
    report.page.delete()
    report.refresh_from_db()
    assert report.page is None
    listing = login(reporter).get("/konto/meldungen/").content.decode()
    assert "Gemeinsame Beihilfestelle Zwölfling" in listing
    assert "abgelehnt" in listing


def test_moderation_sees_reports_with_contact_in_the_admin(reporter, moderator):
    submit(login(reporter))
    listing = login(moderator).get("/admin/snippets/reports/report/")
    assert listing.status_code == 200
    assert "erika@kommune.example" in listing.content.decode()
    report = Report.objects.get()
    edit = login(moderator).get(f"/admin/snippets/reports/report/edit/{report.pk}/")
    assert edit.status_code in (302, 403)

    editor = make_user("redakteurin")
    editor.groups.add(Group.objects.get(name="Redaktion"))
    assert login(editor).get("/admin/snippets/reports/report/").status_code in (302, 403)
