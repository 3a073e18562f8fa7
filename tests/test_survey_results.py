"""Published survey results: what counts, the suppression, the pages, the downloads and the
API all show the same suppressed figures, and no parameter narrows them."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from cooperations.taxonomy import TaskArea
from register.models import Municipality, State
from surveys.models import Campaign, Response, TaskAnswer
from surveys.results import SUPPRESSION_THRESHOLD, campaign_results

pytestmark = pytest.mark.django_db

JOINT, PLANNED, INTERESTED, ALONE = (
    TaskAnswer.Status.JOINT,
    TaskAnswer.Status.PLANNED,
    TaskAnswer.Status.INTERESTED,
    TaskAnswer.Status.ALONE,
)
# Kreis Soest (Regierungsbezirk Arnsberg) and Kreis Lippe (Detmold)
ARNSBERG = ["05974016", "05974004", "05974008", "05974044", "05974036"]
DETMOLD = ["05766008", "05766020"]


def make_campaign(title="Erhebung IKZ 2026", **fields):
    today = timezone.localdate()
    fields.setdefault("starts_on", today - timedelta(days=20))
    fields.setdefault("deadline", today + timedelta(days=10))
    campaign = Campaign.objects.create(
        title=title,
        description="Test.",
        scope=Campaign.Scope.STATE,
        state=State.objects.get(key="05"),
        **fields,
    )
    campaign.task_areas.set(TaskArea.objects.filter(slug__in=["standesamt", "bauhof"]))
    return campaign


def answer(campaign, ags, statuses, submitted=True):
    response = Response.objects.create(
        campaign=campaign,
        municipality=Municipality.objects.get(ags=ags),
        status=Response.Status.SUBMITTED if submitted else Response.Status.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )
    for slug, status in statuses.items():
        TaskAnswer.objects.create(
            response=response, task_area=TaskArea.objects.get(slug=slug), status=status
        )
    return response


@pytest.fixture
def campaign():
    campaign = make_campaign()
    # Arnsberg: five answers; Standesamt 3 cooperate, 1 interested, 1 alone.
    statuses = [JOINT, JOINT, JOINT, INTERESTED, ALONE]
    for ags, status in zip(ARNSBERG, statuses, strict=True):
        answer(campaign, ags, {"standesamt": status, "bauhof": PLANNED})
    # Detmold: two answers only.
    for ags in DETMOLD:
        answer(campaign, ags, {"standesamt": JOINT, "bauhof": JOINT})
    # A draft never counts.
    answer(campaign, "05974028", {"standesamt": INTERESTED}, submitted=False)
    return campaign


def cells(results, slug, district_key, status):
    row = results.row(slug)
    position = [c.key for c in results.columns].index(district_key)
    return row.cells[status][position]


def test_counts_and_suppression(campaign):
    results = campaign_results(campaign)
    assert SUPPRESSION_THRESHOLD == 3
    assert results.answered == 7  # the draft is not counted
    assert results.asked == campaign.target_count()
    arnsberg = next(c for c in results.columns if c.key == "059")
    assert (arnsberg.answered, arnsberg.too_few) == (5, False)
    assert cells(results, "standesamt", "059", JOINT).count == 3
    assert cells(results, "standesamt", "059", PLANNED).count == 0  # 0 is shown
    assert cells(results, "standesamt", "059", INTERESTED).suppressed  # one body
    assert cells(results, "bauhof", "059", PLANNED).count == 5
    # Detmold: two answers, so not even a count of 2 or 0 is shown.
    detmold = next(c for c in results.columns if c.key == "057")
    assert detmold.too_few
    for status in (JOINT, PLANNED, INTERESTED):
        assert cells(results, "standesamt", "057", status).suppressed
    # every Regierungsbezirk of NRW is a column; none answered in Köln
    assert [c.key for c in results.columns] == ["051", "053", "055", "057", "059"]
    assert cells(results, "standesamt", "053", JOINT).suppressed
    assert results.response_rate == round(100 * 7 / results.asked, 1)


def test_a_third_answer_lifts_the_suppression(campaign):
    draft = Response.objects.get(campaign=campaign, municipality__ags="05974028")
    draft.status, draft.submitted_at = Response.Status.SUBMITTED, timezone.now()
    draft.save()
    draft.answers.filter(task_area__slug="standesamt").update(status=INTERESTED)
    answer(campaign, "05974040", {"standesamt": INTERESTED})
    results = campaign_results(campaign)
    assert cells(results, "standesamt", "059", INTERESTED).count == 3


def test_example_and_future_campaigns_have_no_results(campaign, client):
    example = make_campaign("Beispiel", is_example=True)
    answer(example, ARNSBERG[0], {"standesamt": JOINT})
    future = make_campaign("Später", starts_on=timezone.localdate() + timedelta(days=3))
    assert client.get(f"/bestandsaufnahme/erhebung/{example.pk}/").status_code == 404
    assert client.get(f"/bestandsaufnahme/erhebung/{future.pk}/").status_code == 404
    assert client.get(f"/daten/erhebung-{example.pk}.csv").status_code == 404
    assert client.get(f"/api/v1/erhebungen/{future.pk}/").status_code == 404
    listed = client.get("/api/v1/erhebungen/").json()["results"]
    assert [c["id"] for c in listed] == [campaign.pk]


def test_closed_campaigns_still_count(campaign):
    campaign.starts_on = timezone.localdate() - timedelta(days=60)
    campaign.deadline = timezone.localdate() - timedelta(days=30)
    campaign.save()
    results = campaign_results(campaign)
    assert results.answered == 7 and not results.running
    assert results.as_of == campaign.deadline


def test_pages_show_the_suppressed_matrix(campaign, client):
    for url in ("/bestandsaufnahme/erhebung/", f"/bestandsaufnahme/erhebung/{campaign.pk}/"):
        html = client.get(url).content.decode()
        assert "Erhebung IKZ 2026" in html
        assert "weniger als 3" in html and "Summen" in html
    dashboard = client.get("/bestandsaufnahme/").content.decode()
    assert "Ergebnisse der Erhebung" in dashboard and "weniger als 3" in dashboard


def test_area_page_map_and_table(campaign, client):
    response = client.get(f"/bestandsaufnahme/erhebung/{campaign.pk}/standesamt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "3 von 5 antwortenden Körperschaften kooperieren" in html
    assert "nicht gezeigt (weniger als 3 Antworten)" in html  # Detmold
    soest_city = "Erwitte: 3 von 5"
    assert soest_city in html  # each municipality takes its Regierungsbezirk's class
    assert client.get(f"/bestandsaufnahme/erhebung/{campaign.pk}/abwasser/").status_code == 404


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_downloads_and_api_carry_the_same_suppression(campaign, client):
    rows = read_csv(client.get(f"/daten/erhebung-{campaign.pk}.csv"))
    by_key = {(r["aufgabenbereich"], r["regierungsbezirk"], r["antwort"]): r for r in rows}
    assert by_key[("standesamt", "059", "kooperieren")]["anzahl"] == "3"
    interested = by_key[("standesamt", "059", "interessiert")]
    assert (interested["anzahl"], interested["unterdrueckt"]) == ("", "ja")
    assert by_key[("standesamt", "057", "kooperieren")]["anzahl"] == ""
    assert rows[0]["erhebung"] == "Erhebung IKZ 2026" and rows[0]["ruecklaufquote_prozent"]

    document = json.loads(client.get(f"/daten/erhebung-{campaign.pk}.json").content)
    api = client.get(f"/api/v1/erhebungen/{campaign.pk}/").json()
    assert document == api
    assert api["erhebung"]["geantwortet"] == 7
    assert api["unterdrueckung"]["schwelle"] == SUPPRESSION_THRESHOLD
    found = {
        (r["aufgabenbereich"], r["regierungsbezirk"], r["antwort"]): r["anzahl"]
        for r in api["ergebnisse"]
    }
    assert found[("standesamt", "059", "interessiert")] is None
    assert found[("standesamt", "057", "kooperieren")] is None
    # Nothing published is below the threshold, anywhere.
    for r in api["ergebnisse"]:
        assert r["anzahl"] is None or r["anzahl"] == 0 or r["anzahl"] >= SUPPRESSION_THRESHOLD


@pytest.mark.parametrize(
    "params",
    [
        "?regierungsbezirk=057",
        "?kreis=05766",
        "?aufgabe=standesamt&regierungsbezirk=057",
        "?schwelle=1",
        "?gemeinde=05766008",
    ],
)
def test_no_parameter_narrows_or_unsuppresses(campaign, client, params):
    base = f"/api/v1/erhebungen/{campaign.pk}/"
    assert client.get(base + params).json() == client.get(base).json()
    page = f"/bestandsaufnahme/erhebung/{campaign.pk}/standesamt/"
    assert client.get(page + params).content == client.get(page).content
    csv_url = f"/daten/erhebung-{campaign.pk}.csv"
    assert read_csv(client.get(csv_url + params)) == read_csv(client.get(csv_url))


def test_no_campaign_yet(client):
    html = client.get("/bestandsaufnahme/erhebung/").content.decode()
    assert "Es gibt noch keine Erhebung mit Ergebnissen." in html
    assert "Ergebnisse der Erhebung</h2>" not in client.get("/bestandsaufnahme/").content.decode()
