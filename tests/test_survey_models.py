"""Erhebungen: who is asked, one response per body, invitations, the group, the example."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from cooperations.taxonomy import TaskArea
from kooperationsatlas.editorial import SURVEY_GROUP
from register.models import AdministrativeDistrict, County, Municipality, State
from surveys.models import Campaign, Invitation, Response, TaskAnswer, body_kwargs, end_of_day

from .survey_world import make_campaign

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, KOELN = "05974016", "05974004", "05315000"


def test_state_scope_asks_every_nrw_municipality_and_kreis_once():
    campaign = make_campaign(scope=Campaign.Scope.STATE, state=State.objects.get(key="05"))
    municipalities = campaign.target_municipalities()
    counties = campaign.target_counties()
    assert municipalities.count() == Municipality.objects.filter(state__key="05").count() == 396
    # Kreise only; the 22 kreisfreie Städte answer as municipalities.
    assert not counties.filter(kind=County.Kind.KREISFREIE_STADT).exists()
    assert counties.count() == County.objects.filter(state__key="05").count() - 22
    assert campaign.asks(municipality=Municipality.objects.get(ags=KOELN))
    assert not campaign.asks(county=County.objects.get(key="05315"))
    assert campaign.target_count() == municipalities.count() + counties.count()
    campaign.include_counties = False
    assert campaign.target_counties().count() == 0


def test_district_and_county_scopes():
    arnsberg = AdministrativeDistrict.objects.get(key="059")
    campaign = make_campaign(scope=Campaign.Scope.DISTRICT, district=arnsberg)
    assert set(campaign.target_municipalities().values_list("district_id", flat=True)) == {
        arnsberg.pk
    }
    assert campaign.asks(county=County.objects.get(key="05974"))
    assert not campaign.asks(county=County.objects.get(key="05566"))  # Steinfurt, Münster

    soest = make_campaign()
    names = set(soest.target_municipalities().values_list("name", flat=True))
    assert {"Erwitte", "Anröchte", "Soest"} <= names
    assert soest.target_municipalities().count() == 14
    assert list(soest.target_counties()) == [County.objects.get(key="05974")]


def test_list_scope_maps_a_kreisfreie_stadt_to_its_municipality():
    campaign = make_campaign(scope=Campaign.Scope.LIST)
    campaign.municipalities.set([Municipality.objects.get(ags=ERWITTE)])
    campaign.counties.set(County.objects.filter(key__in=["05315", "05974"]))
    assert set(campaign.target_municipalities().values_list("ags", flat=True)) == {
        ERWITTE,
        KOELN,
    }
    assert list(campaign.target_counties().values_list("key", flat=True)) == ["05974"]
    assert body_kwargs(County.objects.get(key="05315"))["municipality"].ags == KOELN


def test_campaign_validation_and_period():
    campaign = Campaign(
        title="x",
        description="y",
        starts_on=date(2026, 3, 1),
        deadline=date(2026, 2, 1),
        scope=Campaign.Scope.DISTRICT,
    )
    with pytest.raises(ValidationError) as error:
        campaign.clean()
    assert set(error.value.message_dict) == {"deadline", "district"}
    campaign.deadline = date(2026, 3, 31)
    last_moment = end_of_day(date(2026, 3, 31))
    assert campaign.is_open(last_moment)
    assert not campaign.is_open(last_moment + timedelta(microseconds=1))
    assert not campaign.is_open(end_of_day(date(2026, 2, 28)))
    campaign.is_example = True
    assert not campaign.accepts_answers(last_moment)


def test_one_response_per_body_and_exactly_one_body():
    campaign = make_campaign()
    erwitte = Municipality.objects.get(ags=ERWITTE)
    Response.objects.create(campaign=campaign, municipality=erwitte)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Response.objects.create(campaign=campaign, municipality=erwitte)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Response.objects.create(
            campaign=campaign, municipality=erwitte, county=County.objects.get(key="05974")
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Response.objects.create(campaign=campaign)
    county = Response.objects.create(campaign=campaign, county=County.objects.get(key="05974"))
    assert county.body_name == "Kreis Soest"


def test_one_answer_per_task_area_and_countable_responses():
    campaign = make_campaign()
    response = Response.objects.create(
        campaign=campaign, municipality=Municipality.objects.get(ags=ERWITTE)
    )
    area = TaskArea.objects.get(slug="bauhof")
    TaskAnswer.objects.create(response=response, task_area=area, status="allein")
    with transaction.atomic(), pytest.raises(IntegrityError):
        TaskAnswer.objects.create(response=response, task_area=area, status="geplant")
    assert not Response.objects.countable().exists()  # a draft
    response.status = Response.Status.SUBMITTED
    response.save()
    assert list(Response.objects.countable()) == [response]
    campaign.is_example = True
    campaign.save()
    assert not Response.objects.countable().exists()


def test_invitation_stores_only_a_hash_and_expires_with_the_campaign():
    campaign = make_campaign()
    body = Municipality.objects.get(ags=ANROECHTE)
    invitation, token = Invitation.issue(campaign, body, "buergermeister@anroechte.example")
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert Invitation.for_token(token) == invitation
    assert Invitation.for_token(token + "x") is None
    assert Invitation.for_token("") is None
    assert invitation.expires_at == campaign.closes_at  # 30 days would be after the deadline
    assert not invitation.is_expired() and not invitation.is_redeemed
    assert invitation.is_expired(campaign.closes_at + timedelta(seconds=1))
    short, _ = Invitation.issue(campaign, body, "a@b.example", valid_days=2)
    assert short.expires_at < campaign.closes_at


def test_group_erhebung_may_manage_and_coordinate_campaigns():
    group = Group.objects.get(name=SURVEY_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "access_admin",
        "add_campaign",
        "change_campaign",
        "delete_campaign",
        "coordinate_campaign",
    } <= codenames
    assert "view_response" not in codenames and "change_response" not in codenames


def test_example_campaign_is_labelled_and_has_no_answers():
    out = StringIO()
    call_command("setup_survey_example", stdout=out)
    call_command("setup_survey_example", stdout=out)
    campaign = Campaign.objects.get(is_example=True)
    assert campaign.title.startswith("Beispiel")
    assert "Beispiel" in campaign.description
    assert campaign.task_areas.count() == 6
    assert not campaign.responses.exists()
    assert not campaign.accepts_answers()
    assert "angelegt" in out.getvalue() and "vorhanden" in out.getvalue()


# --- the questionnaire's forms ------------------------------------------------------------


def test_neighbour_choices_of_a_municipality_and_of_a_kreis():
    from surveys.forms import neighbour_choices

    erwitte = Municipality.objects.get(ags=ERWITTE)
    groups = dict(neighbour_choices(municipality=erwitte))
    assert [label for _, label in groups["Nachbargemeinden"]] == [
        "Anröchte",
        "Bad Sassendorf",
        "Geseke",
        "Lippstadt",
        "Rüthen",
    ]
    assert groups["Kreis"] == [(f"c{erwitte.county_id}", "Kreis Soest")]
    koeln = dict(neighbour_choices(municipality=Municipality.objects.get(ags=KOELN)))
    assert "Kreis" not in koeln  # a kreisfreie Stadt is its own Kreis
    soest = dict(neighbour_choices(county=County.objects.get(key="05974")))
    assert len(soest["Gemeinden im Kreis"]) == 14
    neighbours = {label for _, label in soest["Nachbarkreise und kreisfreie Städte"]}
    assert {"Kreis Paderborn", "Hamm", "Hochsauerlandkreis"} <= neighbours
    assert "Kreis Soest" not in neighbours


def test_task_answer_form_resolves_partners_and_drops_the_own_body():
    from surveys.forms import TaskAnswerForm, neighbour_choices

    erwitte = Municipality.objects.get(ags=ERWITTE)
    lippstadt = Municipality.objects.get(ags="05974028")
    form = TaskAnswerForm(
        {
            "status": "gemeinsam",
            "neighbours": [f"m{lippstadt.pk}"],
            "partners": f"{ERWITTE}\nKreis Soest\n05974040 Soest",
            "since_year": "2019",
            "shared_service_centre": "nein",
        },
        area=TaskArea.objects.get(slug="bauhof"),
        neighbours=neighbour_choices(municipality=erwitte),
        own=("m", erwitte.pk),
        submitting=True,
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert {m.ags for m in data["partner_municipalities"]} == {"05974028", "05974040"}
    assert [c.key for c in data["partner_counties"]] == ["05974"]
    assert data["since_year"] == 2019 and data["shared_service_centre"] is False


def test_task_answer_form_reads_partner_fields_only_for_joint():
    from surveys.forms import TaskAnswerForm

    area = TaskArea.objects.get(slug="bauhof")
    alone = TaskAnswerForm(
        {"status": "allein", "partners": "Atlantis", "since_year": "abc"},
        area=area,
        submitting=True,
    )
    assert alone.is_valid(), alone.errors
    assert alone.cleaned_data["partner_municipalities"] == []
    assert alone.cleaned_data["since_year"] is None
    joint = TaskAnswerForm({"status": "gemeinsam"}, area=area, submitting=True)
    assert not joint.is_valid() and "partners" in joint.errors
    draft = TaskAnswerForm({"status": "gemeinsam"}, area=area, submitting=False)
    assert draft.is_valid()  # a draft may leave the partners open
    missing = TaskAnswerForm({}, area=area, submitting=True)
    assert missing.errors["status"] == ["Bitte eine Antwort wählen."]
    unknown = TaskAnswerForm({"status": "vielleicht"}, area=area)
    assert unknown.errors["status"] == ["Bitte eine der Antworten wählen."]


def test_extra_questions_only_those_the_campaign_asks():
    from surveys.forms import ExtraQuestionsForm

    campaign = make_campaign(ask_staff_shortage=True)
    form = ExtraQuestionsForm({}, campaign=campaign)
    assert "staff_shortage" in form.fields and "remarks" in form.fields
    assert "digitalisation" not in form.fields and "cooperation_interest" not in form.fields
    too_long = ExtraQuestionsForm({"remarks": "x" * 2001}, campaign=campaign)
    assert not too_long.is_valid() and "2000" in too_long.errors["remarks"][0]
