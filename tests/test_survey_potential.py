"""The potential map and survey interest in the partner suggestions: only bodies that
agreed to be named appear by name; groups of neighbours; suggestions per Kreis."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boerse.models import BoerseEntry, EntryStatus
from cooperations.taxonomy import TaskArea
from matchmaking import data, score
from register.models import Municipality

from .test_survey_results import ALONE, INTERESTED, PLANNED, answer, make_campaign
from .users import make_user

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, BAD_SASSENDORF, WARSTEIN, RUETHEN = (
    "05974016",
    "05974004",
    "05974008",
    "05974044",
    "05974040",
)


def consent(response):
    response.interest_public = True
    response.save()
    return response


@pytest.fixture
def interest():
    campaign = make_campaign()
    # Three neighbours interested and named; Warstein interested but did not agree.
    consent(answer(campaign, ERWITTE, {"standesamt": INTERESTED}))
    consent(answer(campaign, ANROECHTE, {"standesamt": PLANNED}))
    consent(answer(campaign, BAD_SASSENDORF, {"standesamt": INTERESTED}))
    answer(campaign, WARSTEIN, {"standesamt": INTERESTED})
    consent(answer(campaign, RUETHEN, {"standesamt": ALONE}))
    return campaign


def test_survey_component_only_for_named_interest(interest):
    snapshot = data.build_snapshot()
    index = snapshot.bodies.index
    standesamt = TaskArea.objects.get(slug="standesamt").pk
    scorer = score.Scorer(snapshot, index["05974036"], task_areas=[standesamt])  # Lippstadt
    assert scorer.values["survey"][index[ERWITTE]] == 1.0
    assert scorer.reason("survey", index[ERWITTE]) == (
        "hat Interesse an Zusammenarbeit bei Standesamt (Erhebung „Erhebung IKZ 2026“)"
    )
    assert scorer.reason("survey", index[ANROECHTE]) == (
        "plant eine Zusammenarbeit bei Standesamt (Erhebung „Erhebung IKZ 2026“)"
    )
    assert scorer.values["survey"][index[WARSTEIN]] == 0.0  # no consent
    assert scorer.reason("survey", index[WARSTEIN]) == ""
    assert scorer.values["survey"][index[RUETHEN]] == 0.0  # "alone" is no interest
    bauhof = TaskArea.objects.get(slug="bauhof").pk
    other = score.Scorer(snapshot, index["05974036"], task_areas=[bauhof])
    assert other.values["survey"][index[ERWITTE]] == 0.0  # another task area


def test_without_survey_data_the_component_is_zero(client):
    snapshot = data.build_snapshot()
    assert snapshot.interests == ()
    response = client.get(f"/api/v1/partnersuche/?q={ERWITTE}&aufgabe=standesamt").json()
    for result in response["results"]:
        survey = next(c for c in result["components"] if c["name"] == "survey")
        assert survey["value"] == 0 and not survey["reason"]


def test_potential_page_names_consenting_neighbours(interest, client):
    BoerseEntry.objects.create(
        kind="gesuch",
        title="Partner fürs Standesamt gesucht",
        description="Wir suchen Partner.",
        municipality=Municipality.objects.get(ags=ERWITTE),
        created_by=make_user("erwitte", ags=ERWITTE),
        expires_on=timezone.localdate() + timedelta(days=30),
        status=EntryStatus.APPROVED,
    ).task_areas.add(TaskArea.objects.get(slug="standesamt"))
    response = client.get("/bestandsaufnahme/potenzial/standesamt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Potenzial: drei benachbarte Gemeinden haben Interesse an einer Zusammenarbeit bei "
        "„Standesamt“ angegeben: Anröchte, Bad Sassendorf und Erwitte." in html
    )
    assert "Partner fürs Standesamt gesucht" in html  # contact through the Börse
    assert "Warstein" not in html.split('id="gruppen"')[1].split('id="kreise"')[0]
    assert "Warstein: Interesse" not in html and "<svg" in html
    assert "@" not in html.split('id="gruppen"')[1].split('id="kreise"')[0]  # no addresses


def test_potential_suggestions_per_kreis(interest, client):
    html = client.get("/bestandsaufnahme/potenzial/standesamt/?kreis=05974").content.decode()
    section = html.split('id="kreis"')[1]
    assert "Kreis Soest: Partnervorschläge für Standesamt" in section
    assert "Warstein" in section  # listed as a municipality, its suggestions below
    assert "Interesse laut Erhebung" in section  # the named ones are marked
    assert "ebenfalls im Kreis Soest" in section  # reasons come with the suggestions
    bad = client.get("/bestandsaufnahme/potenzial/standesamt/?kreis=99999")
    assert bad.status_code == 400 and "Unbekannter Kreis" in bad.content.decode()
    assert client.get("/bestandsaufnahme/potenzial/gibt-es-nicht/").status_code == 404
