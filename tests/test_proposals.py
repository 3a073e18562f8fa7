"""Partners complete their own profile: only verified accounts of partners may propose; a
proposal is a revision in the moderation workflow; the proposer is told on publication."""

from decimal import Decimal

import pytest
from django.core import mail
from wagtail.models import Revision, WorkflowState

from accounts.models import MunicipalAccount
from cooperations.models import CooperationPage, ProfileProposal
from register.models import Municipality

from .users import make_user

ERWITTE, ANROECHTE, LIPPSTADT = "05974016", "05974004", "05974028"

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(make_profile):
    return make_profile(
        "Standesamt Test",
        partners=[(ERWITTE, "lead"), (ANROECHTE, "member")],
        occasion="<p>Alter Anlass.</p>",
    )


def url(page):
    return f"/steckbriefe/{page.pk}/ergaenzen/"


VALID = {
    "occasion": "Alter Anlass.",
    "goal": "Ein gemeinsames Standesamt für drei Kommunen.",
    "figure_kind": "cost_eur",
    "figure_label": "Kosten der Einrichtung",
    "figure_value": "50.000",
    "figure_unit": "EUR",
    "figure_year": "2023",
    "figure_source_url": "https://example.org/haushalt",
    "figure_source_title": "Haushaltsplan 2023",
    "contact_name": "Erika Muster",
    "contact_function": "Standesamtsleitung",
    "contact_email": "erika@example.org",
    "contact_consent": "on",
}


def test_partner_sees_the_link_and_a_prefilled_form(client, profile):
    client.force_login(make_user("erwitte", ags=ERWITTE))
    html = client.get(profile.url).content.decode()
    assert f'href="{url(profile)}">Steckbrief ergänzen</a>' in html
    response = client.get(url(profile))
    assert response.status_code == 200
    assert "Alter Anlass." in response.content.decode()


@pytest.mark.parametrize(
    "who",
    ["anonymous", "no account", "other municipality", "unverified partner", "editor"],
)
def test_nobody_else_can_propose(client, profile, who):
    if who == "anonymous":
        response = client.get(url(profile))
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
        return
    if who == "no account":
        user = make_user("ohne")
    elif who == "other municipality":
        user = make_user("lippstadt", ags=LIPPSTADT)
    elif who == "unverified partner":
        user = make_user("unbestaetigt")
        MunicipalAccount.objects.create(
            user=user, municipality=Municipality.objects.get(ags=ERWITTE), verified=False
        )
    else:
        user = make_user("redaktion", group="Redaktion")
    client.force_login(user)
    assert "Steckbrief ergänzen" not in client.get(profile.url).content.decode()
    for response in (client.get(url(profile)), client.post(url(profile), VALID)):
        assert response.status_code == 403
        assert "nur bestätigte kommunale Konten der Partner" in response.content.decode()
    assert not ProfileProposal.objects.exists()


def test_unknown_or_draft_profile_is_404(client, make_profile):
    client.force_login(make_user("erwitte", ags=ERWITTE))
    draft = make_profile("Entwurf", publish=False)
    assert client.get(url(draft)).status_code == 404
    assert client.get("/steckbriefe/999999/ergaenzen/").status_code == 404


def test_proposal_is_a_revision_in_the_workflow_and_not_public(client, profile):
    user = make_user("erwitte", ags=ERWITTE)
    client.force_login(user)
    response = client.post(url(profile), VALID)
    assert response.status_code == 200
    assert "liegt der Moderation zur Prüfung vor" in response.content.decode()
    proposal = ProfileProposal.objects.get()
    assert proposal.proposer == user and proposal.revision.user == user
    page = CooperationPage.objects.get(pk=profile.pk)
    assert page.goal == ""  # the live page is unchanged
    assert page.workflow_in_progress
    assert WorkflowState.objects.get(object_id=str(page.pk)).requested_by == user
    draft = page.get_latest_revision_as_object()
    assert draft.goal == "<p>Ein gemeinsames Standesamt für drei Kommunen.</p>"
    assert draft.occasion == "<p>Alter Anlass.</p>"  # unchanged: keeps its sources
    source_keys = {source.key: source for source in draft.sources.all()}
    text_source = source_keys[draft.goal_sources]
    assert text_source.title == "Angaben von Erwitte" and text_source.publisher == "Erwitte"
    figure = draft.figures.get() if hasattr(draft.figures, "get") else draft.figures.all()[0]
    assert figure.value == Decimal("50000") and figure.year == 2023
    assert source_keys[figure.source].url == "https://example.org/haushalt"
    contact = draft.contacts.all()[0]
    assert contact.name == "Erika Muster" and contact.public_display
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 2
    # A second proposal waits until the first is decided.
    assert client.post(url(profile), VALID).status_code == 409


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"figure_source_url": ""}, "figure_source_url", "ihre Quelle"),
        ({"contact_consent": ""}, "contact_consent", "nur mit ihrer Einwilligung"),
        ({"figure_value": "viel"}, "figure_value", "Zahl"),
    ],
)
def test_bad_input_is_400_with_reason(client, profile, changes, field, message):
    client.force_login(make_user("erwitte", ags=ERWITTE))
    response = client.post(url(profile), {**VALID, **changes})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not ProfileProposal.objects.exists()


def test_nothing_changed_is_400(client, profile):
    client.force_login(make_user("erwitte", ags=ERWITTE))
    response = client.post(url(profile), {"occasion": "Alter Anlass."})
    assert response.status_code == 400
    assert "Sie haben nichts geändert." in response.content.decode()


def test_proposer_is_told_once_when_published(client, profile, django_capture_on_commit_callbacks):
    user = make_user("erwitte", ags=ERWITTE)
    client.force_login(user)
    client.post(url(profile), VALID)
    proposal = ProfileProposal.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal.revision.publish()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erwitte@example.org"]
    assert "Ihre Ergänzung ist veröffentlicht: Standesamt Test" in message.subject
    page = CooperationPage.objects.get(pk=profile.pk)
    assert page.goal == "<p>Ein gemeinsames Standesamt für drei Kommunen.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert len(mail.outbox) == 1
