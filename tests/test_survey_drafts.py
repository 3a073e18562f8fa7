"""Cooperations reported by both partners become draft profiles in moderation, once."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import WorkflowState

from cooperations.models import CooperationPage
from cooperations.taxonomy import LegalForm
from register.models import County, Municipality
from surveys.drafts import reported_cooperations
from surveys.models import ReportedCooperation, TaskAnswer

from .test_survey_results import JOINT, answer, make_campaign

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, BAD_SASSENDORF, WARSTEIN = "05974016", "05974004", "05974008", "05974044"


def name_partners(response, slug, *keys, legal_form=None, since=None):
    task_answer = response.answers.get(task_area__slug=slug)
    for key in keys:
        if len(key) == 8:
            task_answer.partner_municipalities.add(Municipality.objects.get(ags=key))
        else:
            task_answer.partner_counties.add(County.objects.get(key=key))
    task_answer.legal_form = legal_form
    task_answer.since_year = since
    task_answer.save()


@pytest.fixture
def reports():
    campaign = make_campaign()
    form = LegalForm.objects.order_by("pk").first()
    erwitte = answer(campaign, ERWITTE, {"standesamt": JOINT, "bauhof": JOINT})
    anroechte = answer(campaign, ANROECHTE, {"standesamt": JOINT, "bauhof": JOINT})
    warstein = answer(campaign, WARSTEIN, {"bauhof": JOINT})
    answer(campaign, BAD_SASSENDORF, {"standesamt": TaskAnswer.Status.ALONE})
    # Standesamt: Erwitte and Anröchte name each other (same legal form, one states a year).
    name_partners(erwitte, "standesamt", ANROECHTE, legal_form=form, since=2019)
    name_partners(anroechte, "standesamt", ERWITTE, "05974", legal_form=form)
    # Bauhof: Erwitte names Warstein, Warstein does not name Erwitte: no match.
    name_partners(erwitte, "bauhof", WARSTEIN)
    name_partners(warstein, "bauhof", ANROECHTE)
    name_partners(anroechte, "bauhof", BAD_SASSENDORF)
    return campaign, form


def test_only_mutual_reports_match(reports):
    campaign, form = reports
    found = reported_cooperations(campaign)
    assert [(r.task_area.slug, r.key) for r in found] == [("standesamt", f"{ANROECHTE},{ERWITTE}")]
    assert found[0].legal_form == form
    assert found[0].since_year == 2019  # only one states a year: no disagreement


def test_a_draft_in_moderation_once(reports, site_tree):
    campaign, form = reports
    out = StringIO()
    call_command("propose_reported_cooperations", stdout=out)
    assert "1 neue Entwürfe" in out.getvalue()
    row = ReportedCooperation.objects.get()
    page = CooperationPage.objects.get(pk=row.page_id)
    assert not page.live and page.title == "Standesamt: Anröchte und Erwitte"
    assert {p.municipality.ags for p in page.partners.all()} == {ERWITTE, ANROECHTE}
    assert page.legal_form == form and page.start_year == 2019
    assert [a.slug for a in page.task_areas.all()] == ["standesamt"]
    # in the editors' moderation workflow, like a report
    assert page.get_workflow() is not None
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # again: nothing new, also after the editors deleted the draft
    call_command("propose_reported_cooperations", stdout=StringIO())
    page.delete()
    out = StringIO()
    call_command("propose_reported_cooperations", stdout=out)
    assert "0 neue Entwürfe, 1 schon früher vorgeschlagen" in out.getvalue()
    assert CooperationPage.objects.filter(title__startswith="Standesamt:").count() == 0


def test_drafts_are_not_counted(reports):
    campaign, _ = reports
    from surveys.models import Response

    Response.objects.filter(campaign=campaign, municipality__ags=ANROECHTE).update(
        status=Response.Status.DRAFT
    )
    assert reported_cooperations(campaign) == []


def test_unknown_campaign_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--campaign 999999"):
        call_command("propose_reported_cooperations", "--campaign", "999999")


def test_coordinator_action_proposes_once_others_are_refused(reports, site_tree):
    from django.test import Client

    from kooperationsatlas.editorial import SURVEY_GROUP

    from .users import make_user

    campaign, _ = reports
    url = f"/erhebungen/{campaign.pk}/entwuerfe-vorschlagen/"
    municipal = Client()
    municipal.force_login(make_user("kommune", ags=WARSTEIN))
    assert municipal.post(url).status_code == 403
    assert not ReportedCooperation.objects.exists()
    coordinator = Client()
    coordinator.force_login(make_user("koordination", group=SURVEY_GROUP))
    assert coordinator.get(url).status_code == 405  # an action, never a link
    page = coordinator.post(url, follow=True)
    assert "1 neue Steckbrief-Entwürfe in der Moderation." in page.content.decode()
    progress_page = coordinator.get(f"/erhebungen/{campaign.pk}/fortschritt/")
    assert "Entwürfe vorschlagen" in progress_page.content.decode()
    again = coordinator.post(url, follow=True).content.decode()
    assert "0 neue Steckbrief-Entwürfe in der Moderation, 1 schon früher vorgeschlagen." in again
    assert ReportedCooperation.objects.count() == 1
