"""Answering an Erhebung: drafts, submitting, partners, deadlines, invitations, coordinator."""

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import MunicipalAccount
from cooperations.taxonomy import LegalForm, TaskArea
from kooperationsatlas.editorial import SURVEY_GROUP
from register.models import County, Municipality
from surveys.models import Campaign, Invitation, Reminder, Response, TaskAnswer

from .mails import committed
from .survey_world import make_campaign
from .users import make_user

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, LIPPSTADT, SOEST, KOELN = (
    "05974016",
    "05974004",
    "05974028",
    "05974040",
    "05315000",
)


def area(slug):
    return TaskArea.objects.get(slug=slug)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def complete_answers(campaign, **overrides):
    """POST data answering every task area of ``campaign`` with "allein"."""
    data = {}
    for task_area in campaign.task_areas.all():
        data[f"a{task_area.pk}-status"] = "allein"
    data.update(overrides)
    return data


def neighbour_value(response_html, ags):
    return f"m{Municipality.objects.get(ags=ags).pk}"


@pytest.fixture
def campaign(db):
    return make_campaign()


@pytest.fixture
def erwitte(db):
    return make_user("erwitte", ags=ERWITTE)


@pytest.fixture
def anroechte(db):
    return make_user("anroechte", ags=ANROECHTE)


@pytest.fixture
def coordinator(db):
    return make_user("koordination", group=SURVEY_GROUP)


# --- the form ----------------------------------------------------------------------------------


def test_form_has_one_fieldset_per_task_area_with_neighbours(campaign, erwitte):
    page = client_for(erwitte).get(f"/erhebungen/{campaign.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="survey-area"') == 4  # three task areas and "Weitere Fragen"
    assert "<legend>Standesamt</legend>" in html or "Standesamt</legend>" in html
    assert "Für: <strong>Erwitte</strong>" in html
    for name in ("Anröchte", "Bad Sassendorf", "Geseke", "Lippstadt", "Rüthen", "Kreis Soest"):
        assert name in html
    bauhof = area("bauhof").pk
    assert f'id="id_a{bauhof}-status_0"' in html
    assert 'name="action" value="entwurf"' in html
    assert not Response.objects.exists()  # looking creates nothing


def test_draft_is_saved_partially_and_kept_for_changes(campaign, erwitte):
    client = client_for(erwitte)
    standesamt, bauhof = area("standesamt").pk, area("bauhof").pk
    lippstadt = Municipality.objects.get(ags=LIPPSTADT)
    data = {
        "action": "entwurf",
        f"a{standesamt}-status": "gemeinsam",
        f"a{standesamt}-neighbours": [f"m{lippstadt.pk}"],
        f"a{standesamt}-partners": "05974040 Soest\nKreis Soest",
        f"a{standesamt}-legal_form": str(LegalForm.objects.get(slug="zweckverband").pk),
        f"a{standesamt}-since_year": "2015",
        f"a{standesamt}-shared_service_centre": "ja",
        # bauhof: "allein", but partner fields filled: ignored
        f"a{bauhof}-status": "allein",
        f"a{bauhof}-partners": "05974004",
    }
    answer = client.post(f"/erhebungen/{campaign.pk}/", data)
    assert answer.status_code == 302 and answer["Location"] == f"/erhebungen/{campaign.pk}/"
    response = Response.objects.get()
    assert response.status == Response.Status.DRAFT and response.submitted_at is None
    assert response.municipality.ags == ERWITTE
    joint = response.answers.get(task_area__slug="standesamt")
    assert joint.status == TaskAnswer.Status.JOINT
    assert {m.ags for m in joint.partner_municipalities.all()} == {LIPPSTADT, SOEST}
    assert [c.key for c in joint.partner_counties.all()] == ["05974"]
    assert joint.legal_form.slug == "zweckverband" and joint.since_year == 2015
    assert joint.shared_service_centre is True
    alone = response.answers.get(task_area__slug="bauhof")
    assert alone.status == "allein" and not alone.partner_municipalities.exists()
    assert response.answers.get(task_area__slug="vergabe-beschaffung").status == ""

    # The saved draft comes back: the neighbour ticked, the others as lines.
    html = client.get(f"/erhebungen/{campaign.pk}/").content.decode()
    assert "Ihr Entwurf ist gespeichert" in html
    assert f'value="m{lippstadt.pk}" id="id_a{standesamt}-neighbours_3" checked' in html
    assert "05974040 Soest" in html
    assert "Entwurf, zuletzt gespeichert" in html
    assert not mail.outbox  # a draft sends nothing


def test_submit_requires_every_answer_and_keeps_the_input(campaign, erwitte):
    client = client_for(erwitte)
    standesamt, bauhof = area("standesamt").pk, area("bauhof").pk
    data = {
        "action": "absenden",
        f"a{standesamt}-status": "gemeinsam",  # without a partner
        f"a{standesamt}-since_year": "abc",
        f"a{bauhof}-status": "allein",
        f"a{bauhof}-since_year": "abc",  # not "gemeinsam": the partner fields are not read
        "z-remarks": "Unsere Anmerkung",
    }
    page = client.post(f"/erhebungen/{campaign.pk}/", data)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'class="error-summary"' in html
    vergabe = area("vergabe-beschaffung").pk
    assert f'href="#id_a{vergabe}-status_group"' in html
    assert f'id="id_a{vergabe}-status_group"' in html
    question = "Wie erledigen Sie diese Aufgabe?"
    assert f"Vergabe und Beschaffung – {question}: Bitte eine Antwort wählen." in html
    assert f'href="#id_a{standesamt}-partners"' in html
    assert f'href="#id_a{standesamt}-since_year"' in html
    assert f'href="#id_a{bauhof}-since_year"' not in html
    assert "Unsere Anmerkung" in html  # kept
    assert f'id="id_a{bauhof}-status_0" checked' in html
    assert not Response.objects.exists()  # nothing saved
    assert not mail.outbox


def test_unknown_partner_and_year_out_of_range_are_explained(campaign, erwitte):
    standesamt = area("standesamt").pk
    data = complete_answers(
        campaign,
        action="entwurf",
        **{
            f"a{standesamt}-status": "gemeinsam",
            f"a{standesamt}-partners": "Atlantis\n0597",
            f"a{standesamt}-since_year": "1850",
            f"a{standesamt}-legal_form": "99999999999999999999",
        },
    )
    html = client_for(erwitte).post(f"/erhebungen/{campaign.pk}/", data).content.decode()
    assert "„Atlantis“: Im Register gibt es keine Gemeinde und keinen Kreis" in html
    assert "Ein Schlüssel hat 8 Ziffern (Gemeinde, AGS) oder 5 Ziffern (Kreis), nicht 4" in html
    assert "Das Jahr muss zwischen 1900" in html
    assert "Unbekannte Rechtsform." in html
    assert not Response.objects.exists()


def test_submit_sends_confirmation_and_stays_changeable_until_the_deadline(campaign, erwitte):
    client = client_for(erwitte)
    standesamt = area("standesamt").pk
    data = complete_answers(
        campaign,
        action="absenden",
        **{
            f"a{standesamt}-status": "gemeinsam",
            f"a{standesamt}-other_partners": "Kommunales Rechenzentrum",
        },
    )
    with committed():
        answer = client.post(f"/erhebungen/{campaign.pk}/", data)
    assert answer["Location"] == f"/erhebungen/{campaign.pk}/bestaetigung/"
    response = Response.objects.get()
    assert response.is_submitted and response.submitted_by == erwitte
    first_submitted = response.submitted_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erwitte@example.org"]
    assert message.reply_to == ["erhebung@land.example"]
    assert message.subject == "Eingangsbestätigung: Erhebung Test"
    assert "Erwitte" in message.body and f"/erhebungen/{campaign.pk}/bestaetigung/" in message.body

    confirmation = client.get(f"/erhebungen/{campaign.pk}/bestaetigung/").content.decode()
    assert "Vielen Dank!" in confirmation and "Kommunales Rechenzentrum" in confirmation

    # A submitted response offers no draft any more; a change is submitted again, complete.
    html = client.get(f"/erhebungen/{campaign.pk}/").content.decode()
    assert 'value="entwurf"' not in html and "Änderungen absenden" in html
    bauhof = area("bauhof").pk
    incomplete = dict(data, **{f"a{bauhof}-status": "", "action": "entwurf"})
    assert client.post(f"/erhebungen/{campaign.pk}/", incomplete).status_code == 400
    changed = dict(data, **{f"a{bauhof}-status": "geplant"})
    assert client.post(f"/erhebungen/{campaign.pk}/", changed).status_code == 302
    response.refresh_from_db()
    assert response.is_submitted and response.submitted_at >= first_submitted
    assert response.answers.get(task_area__slug="bauhof").status == "geplant"
    assert Response.objects.count() == 1


def test_deadline_and_start_are_enforced(campaign, erwitte):
    client = client_for(erwitte)
    data = complete_answers(campaign, action="entwurf")
    assert client.post(f"/erhebungen/{campaign.pk}/", data).status_code == 302
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.starts_on = campaign.deadline - timedelta(days=5)
    campaign.save()
    late = client.post(f"/erhebungen/{campaign.pk}/", dict(data, action="absenden"))
    assert late.status_code == 403
    assert "Frist dieser Erhebung ist am" in late.content.decode()
    assert Response.objects.get().status == Response.Status.DRAFT
    closed = client.get(f"/erhebungen/{campaign.pk}/")
    assert closed.status_code == 200 and "abgelaufen" in closed.content.decode()
    assert 'name="action"' not in closed.content.decode()

    future = make_campaign(starts_on=timezone.localdate() + timedelta(days=3))
    page = client.get(f"/erhebungen/{future.pk}/")
    assert page.status_code == 403 and "beginnt am" in page.content.decode()


def test_example_campaign_can_be_looked_at_but_not_answered(erwitte):
    example = make_campaign(is_example=True, title="Beispiel: Erhebung")
    client = client_for(erwitte)
    page = client.get(f"/erhebungen/{example.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Antworten können nicht gespeichert werden" in html and 'name="action"' not in html
    post = client.post(f"/erhebungen/{example.pk}/", complete_answers(example, action="absenden"))
    assert post.status_code == 403
    assert not Response.objects.exists()


def test_unknown_action_is_a_400(campaign, erwitte):
    page = client_for(erwitte).post(f"/erhebungen/{campaign.pk}/", {"action": "löschen"})
    assert page.status_code == 400 and "Unbekannte Aktion" in page.content.decode()


# --- who may answer and read -------------------------------------------------------------------


def test_bodies_outside_the_campaign_and_unverified_accounts_are_refused(campaign):
    koeln = make_user("koeln", ags=KOELN)
    assert client_for(koeln).get(f"/erhebungen/{campaign.pk}/").status_code == 403
    unverified = make_user("unbestaetigt", ags=LIPPSTADT)
    MunicipalAccount.objects.filter(user=unverified).update(verified=False)
    assert client_for(unverified).get(f"/erhebungen/{campaign.pk}/").status_code == 403
    anonymous = Client().get(f"/erhebungen/{campaign.pk}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/konto/anmelden/")


def test_a_body_never_sees_another_bodys_answers(campaign, erwitte, anroechte):
    secret = "Geheime Anmerkung Erwitte"
    data = complete_answers(campaign, action="entwurf", **{"z-remarks": secret})
    client_for(erwitte).post(f"/erhebungen/{campaign.pk}/", data)
    other = client_for(anroechte)
    for url in (f"/erhebungen/{campaign.pk}/", "/erhebungen/"):
        assert secret not in other.get(url).content.decode()
    assert other.get(f"/erhebungen/{campaign.pk}/bestaetigung/").status_code == 302
    for url in ("fortschritt/", "antworten.csv", "antworten.xlsx", "einladungen/"):
        assert other.get(f"/erhebungen/{campaign.pk}/{url}").status_code == 403


def test_a_kreis_answers_for_itself_with_its_municipalities_as_choices(campaign):
    user = make_user("kreis")
    MunicipalAccount.objects.create(
        user=user, county=County.objects.get(key="05974"), verified=True
    )
    html = client_for(user).get(f"/erhebungen/{campaign.pk}/").content.decode()
    assert "Für: <strong>Kreis Soest</strong>" in html
    assert "Gemeinden im Kreis" in html and "Nachbarkreise" in html
    data = complete_answers(campaign, action="absenden")
    assert client_for(user).post(f"/erhebungen/{campaign.pk}/", data).status_code == 302
    assert Response.objects.get().county.key == "05974"


def test_an_account_of_a_kreisfreie_stadt_answers_as_the_city(db):
    """An account made for Köln's Kreis row answers as the municipality Köln, once."""
    campaign = make_campaign(scope=Campaign.Scope.LIST, county=None)
    campaign.counties.set([County.objects.get(key="05315")])
    user = make_user("koeln")
    MunicipalAccount.objects.create(
        user=user, county=County.objects.get(key="05315"), verified=True
    )
    assert [m.ags for m in campaign.target_municipalities()] == [KOELN]
    assert not campaign.target_counties().exists()
    data = complete_answers(campaign, action="absenden")
    assert client_for(user).post(f"/erhebungen/{campaign.pk}/", data).status_code == 302
    assert Response.objects.get().municipality.ags == KOELN
    coordinator = make_user("koordination", group=SURVEY_GROUP)
    html = client_for(coordinator).get(f"/erhebungen/{campaign.pk}/fortschritt/").content
    assert "<strong>1 von 1</strong>" in html.decode()


def test_twenty_municipal_accounts_answer(db):
    """Twenty verified accounts of twenty municipalities answer through the test client."""
    arnsberg = make_campaign(
        scope=Campaign.Scope.DISTRICT,
        county=None,
        district=County.objects.get(key="05974").district,
        ask_cooperation_interest=True,
    )
    municipalities = list(arnsberg.target_municipalities().order_by("ags")[:20])
    statuses = ["allein", "gemeinsam", "geplant", "interesse", "entfaellt"]
    standesamt = area("standesamt").pk
    for number, municipality in enumerate(municipalities):
        user = make_user(f"kommune{number}", ags=municipality.ags)
        client = client_for(user)
        status = statuses[number % len(statuses)]
        data = complete_answers(
            arnsberg,
            action="entwurf" if number % 4 == 3 else "absenden",
            **{f"a{standesamt}-status": status, "z-cooperation_interest": "ja"},
        )
        if status == "gemeinsam":
            partner = municipalities[(number + 1) % 20]
            data[f"a{standesamt}-partners"] = partner.ags
        with committed():
            assert client.post(f"/erhebungen/{arnsberg.pk}/", data).status_code == 302, number
    responses = Response.objects.filter(campaign=arnsberg)
    assert responses.count() == 20
    assert responses.submitted().count() == 15
    assert set(responses.values_list("municipality__ags", flat=True)) == {
        m.ags for m in municipalities
    }
    answers = TaskAnswer.objects.filter(response__campaign=arnsberg, task_area_id=standesamt)
    assert answers.filter(status="gemeinsam").count() == 4
    for answer in answers.filter(status="gemeinsam"):
        assert answer.partner_municipalities.count() == 1
    assert len(mail.outbox) == 15
    assert responses.filter(cooperation_interest="ja").count() == 20


# --- invitations -------------------------------------------------------------------------------


def test_invitation_link_is_single_use(campaign):
    body = Municipality.objects.get(ags=ANROECHTE)
    invitation, token = Invitation.issue(campaign, body, "rathaus@anroechte.example")
    url = f"/erhebungen/einladung/{token}/"
    visitor = Client()
    landing = visitor.get(url)
    assert landing.status_code == 200 and "Fragebogen öffnen" in landing.content.decode()
    assert visitor.get(url).status_code == 200  # looking (a mail scanner) does not use it up
    assert visitor.get(f"/erhebungen/{campaign.pk}/").status_code == 302  # not yet redeemed

    redeemed = visitor.post(url)
    assert redeemed.status_code == 302 and redeemed["Location"] == f"/erhebungen/{campaign.pk}/"
    invitation.refresh_from_db()
    assert invitation.redeemed_at is not None
    page = visitor.get(f"/erhebungen/{campaign.pk}/")
    assert page.status_code == 200 and "Für: <strong>Anröchte</strong>" in page.content.decode()
    complete = complete_answers(campaign, action="absenden")
    with committed():
        answer = visitor.post(f"/erhebungen/{campaign.pk}/", complete)
    assert answer.status_code == 302
    response = Response.objects.get()
    assert response.municipality == body and response.invitation == invitation
    assert response.submitted_by is None
    assert mail.outbox[-1].to == ["rathaus@anroechte.example"]
    assert visitor.get(f"/erhebungen/{campaign.pk}/bestaetigung/").status_code == 200

    # Used: a second browser (or the same one) cannot use the link again.
    for client in (Client(), visitor):
        again = client.post(url)
        assert again.status_code == 400 and "bereits verwendet" in again.content.decode()
    stranger = Client()
    assert stranger.get(f"/erhebungen/{campaign.pk}/").status_code == 302  # to the login


def test_invitation_expiry_and_unknown_tokens(campaign):
    body = Municipality.objects.get(ags=ANROECHTE)
    invitation, token = Invitation.issue(campaign, body, "rathaus@anroechte.example")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    for method in ("get", "post"):
        page = getattr(Client(), method)(f"/erhebungen/einladung/{token}/")
        assert page.status_code == 400 and "abgelaufen" in page.content.decode()
    assert Invitation.objects.get().redeemed_at is None
    unknown = Client().get("/erhebungen/einladung/gefaelscht/")
    assert unknown.status_code == 400 and "ungültig" in unknown.content.decode()
    assert Client().get("/erhebungen/einladung/" + "x" * 300 + "/").status_code == 400


def test_invitation_session_ends_with_the_deadline(campaign):
    body = Municipality.objects.get(ags=ANROECHTE)
    _, token = Invitation.issue(campaign, body, "rathaus@anroechte.example")
    visitor = Client()
    visitor.post(f"/erhebungen/einladung/{token}/")
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()
    complete = complete_answers(campaign, action="absenden")
    late = visitor.post(f"/erhebungen/{campaign.pk}/", complete)
    assert late.status_code == 403 and not Response.objects.exists()


def test_coordinator_invites_a_body_by_mail(campaign, coordinator):
    client = client_for(coordinator)
    url = f"/erhebungen/{campaign.pk}/einladungen/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"body": KOELN, "email": "kein-mail"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "wird in dieser Erhebung nicht befragt" in html and "gültige E-Mail-Adresse" in html
    assert not Invitation.objects.exists()
    with committed():
        good = client.post(url, {"body": ANROECHTE, "email": "rathaus@anroechte.example"})
    assert good.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.municipality.ags == ANROECHTE and invitation.created_by == coordinator
    message = mail.outbox[-1]
    assert message.to == ["rathaus@anroechte.example"]
    link = next(line for line in message.body.splitlines() if "/erhebungen/einladung/" in line)
    token = link.rsplit("/einladung/", 1)[1].strip("/")
    assert Invitation.hash_token(token) == invitation.token_hash
    assert token not in client.get(url).content.decode()


# --- coordinator: progress and raw answers -----------------------------------------------------


def submit(user, campaign, **overrides):
    data = complete_answers(campaign, action="absenden", **overrides)
    assert client_for(user).post(f"/erhebungen/{campaign.pk}/", data).status_code == 302


def test_progress_counts_per_kreis_and_district_and_lists_who_is_missing(
    campaign, erwitte, anroechte, coordinator
):
    submit(erwitte, campaign)
    data = complete_answers(campaign, action="entwurf")
    client_for(anroechte).post(f"/erhebungen/{campaign.pk}/", data)
    page = client_for(coordinator).get(f"/erhebungen/{campaign.pk}/fortschritt/")
    assert page.status_code == 200
    html = page.content.decode()
    asked = campaign.target_count()
    assert asked == 15  # 14 municipalities and the Kreis
    assert f"<strong>1 von {asked}</strong>" in html
    assert "1 Entwurf noch nicht abgesendet" in html
    assert "Arnsberg" in html and "Kreis Soest" in html
    assert f"Noch nicht abgesendet ({asked - 1})" in html
    missing = html.split('id="offen"')[1]
    assert "Anröchte" in missing and "Erwitte" not in missing and "Entwurf" in missing


def test_raw_answers_as_csv_and_xlsx_for_the_coordinator_only(
    campaign, erwitte, anroechte, coordinator
):
    standesamt = area("standesamt").pk
    submit(
        erwitte,
        campaign,
        **{
            f"a{standesamt}-status": "gemeinsam",
            f"a{standesamt}-partners": ANROECHTE,
            f"a{standesamt}-other_partners": "=HYPERLINK(\"http://evil.example\")",
            "z-remarks": "@Anmerkung",
        },
    )
    client_for(anroechte).post(
        f"/erhebungen/{campaign.pk}/", complete_answers(campaign, action="entwurf")
    )
    client = client_for(coordinator)
    export = client.get(f"/erhebungen/{campaign.pk}/antworten.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # Erwitte's three task areas; Anröchte's draft is not exported
    assert {row["Schlüssel"] for row in rows} == {ERWITTE}
    joint = next(row for row in rows if row["Aufgabenbereich (Kürzel)"] == "standesamt")
    assert joint["Antwort (Code)"] == "gemeinsam" and joint["Partner (Schlüssel)"] == ANROECHTE
    assert joint["Partner"] == "Anröchte" and joint["Regierungsbezirk"] == "Arnsberg"
    assert joint["Beteiligte außerhalb des Registers"].startswith("'=")
    assert joint["Anmerkungen"] == "'@Anmerkung"

    workbook = client.get(f"/erhebungen/{campaign.pk}/antworten.xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Erhebung" and len(values) == 4
    assert all(not str(cell).startswith("=") for row in values for cell in row if cell)

    for user in (erwitte, make_user("redakteur", group="Redaktion")):
        for url in ("antworten.csv", "antworten.xlsx", "fortschritt/", "einladungen/"):
            assert client_for(user).get(f"/erhebungen/{campaign.pk}/{url}").status_code == 403
    assert Client().get(f"/erhebungen/{campaign.pk}/antworten.csv").status_code == 302


def test_campaign_list_for_accounts_and_coordinators(campaign, erwitte, coordinator):
    other = make_campaign(scope=Campaign.Scope.LIST, county=None, title="Erhebung Köln")
    other.municipalities.set([Municipality.objects.get(ags=KOELN)])
    html = client_for(erwitte).get("/erhebungen/").content.decode()
    assert "Erhebung Test" in html and "Erhebung Köln" not in html
    assert "Noch nicht begonnen" in html and "Koordination" not in html
    coordination = client_for(coordinator).get("/erhebungen/").content.decode()
    assert "Koordination" in coordination and "Erhebung Köln" in coordination
    assert f"/erhebungen/{other.pk}/fortschritt/" in coordination


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_go_once_to_bodies_that_have_not_submitted(erwitte, anroechte):
    campaign = make_campaign(deadline=timezone.localdate() + timedelta(days=5), reminder_days=7)
    submit(erwitte, campaign)
    lippstadt = make_user("lippstadt", ags=LIPPSTADT)
    client_for(lippstadt).post(
        f"/erhebungen/{campaign.pk}/", complete_answers(campaign, action="entwurf")
    )
    Invitation.issue(campaign, Municipality.objects.get(ags=SOEST), "rathaus@soest.example")
    not_due = make_campaign(deadline=timezone.localdate() + timedelta(days=30), reminder_days=7)
    make_campaign(deadline=timezone.localdate() + timedelta(days=2), is_example=True)
    mail.outbox.clear()

    out = StringIO()
    with committed():
        call_command("send_survey_reminders", stdout=out)
    assert "1 Erhebung(en)" in out.getvalue()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == [
        "anroechte@example.org",
        "lippstadt@example.org",
        "rathaus@soest.example",
    ]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "ein Entwurf ist gespeichert" in by_address["lippstadt@example.org"].body
    assert f"/erhebungen/{campaign.pk}/" in by_address["anroechte@example.org"].body
    assert "Link aus Ihrer Einladung" in by_address["rathaus@soest.example"].body
    assert Reminder.objects.filter(campaign=campaign).count() == 3
    assert not Reminder.objects.filter(campaign=not_due).exists()

    mail.outbox.clear()
    with committed():
        call_command("send_survey_reminders", stdout=StringIO())
    assert mail.outbox == []  # once per body and campaign


def test_group_members_manage_campaigns_in_the_admin(coordinator):
    client = client_for(coordinator)
    listing = client.get("/admin/snippets/surveys/campaign/")
    assert listing.status_code == 200
    assert "Erhebungen: Fortschritt" in client.get("/admin/").content.decode()
    add = "/admin/snippets/surveys/campaign/add/"
    assert client.get(add).status_code == 200
    today = timezone.localdate()
    data = {
        "title": "Erhebung Kreis Soest",
        "description": "Wer macht was?",
        "starts_on": today.isoformat(),
        "deadline": (today + timedelta(days=30)).isoformat(),
        "contact_email": "",
        "scope": "liste",
        "listed_bodies": f"{ERWITTE}\nKreis Soest\n05315",
        "task_areas": [str(area("standesamt").pk)],
        "reminder_days": "7",
    }
    created = client.post(add, data)
    assert created.status_code == 302, created.context["form"].errors
    campaign = Campaign.objects.get(title="Erhebung Kreis Soest")
    assert {m.ags for m in campaign.target_municipalities()} == {ERWITTE, KOELN}
    assert [c.key for c in campaign.target_counties()] == ["05974"]
    bad = client.post(add, dict(data, title="Kaputt", listed_bodies="Atlantis"))
    assert bad.status_code == 200 and "Atlantis" in bad.content.decode()
    assert not Campaign.objects.filter(title="Kaputt").exists()
    editor = make_user("redaktion", group="Redaktion")
    assert client_for(editor).get(add).status_code in (302, 403)
    assert "Erhebungen: Fortschritt" not in client_for(editor).get("/admin/").content.decode()
    assert Group.objects.get(name=SURVEY_GROUP).user_set.filter(pk=coordinator.pk).exists()


def test_consent_to_be_named_is_asked_and_saved(campaign, erwitte):
    """Without the tick the answers stay in the figures only; with it, interest may be
    named (potential map, partner search)."""
    client = client_for(erwitte)
    html = client.get(f"/erhebungen/{campaign.pk}/").content.decode()
    assert 'name="z-interest_public"' in html and "Interesse darf genannt werden" in html
    client.post(f"/erhebungen/{campaign.pk}/", complete_answers(campaign, action="entwurf"))
    assert Response.objects.get().interest_public is False
    data = complete_answers(campaign, action="entwurf", **{"z-interest_public": "on"})
    client.post(f"/erhebungen/{campaign.pk}/", data)
    assert Response.objects.get().interest_public is True
    html = client.get(f"/erhebungen/{campaign.pk}/").content.decode()
    tag = html.split('name="z-interest_public"')[1].split(">")[0]
    assert " checked" in tag
