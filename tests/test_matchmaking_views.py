"""/partnersuche/ and /api/v1/partnersuche/ on the real register: results, reasons, the map,
name resolution, bad input (always a 400 with a reason, never a 500) and the OpenAPI
document."""

import math
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from boerse.models import BoerseEntry, EntryKind, EntryStatus
from cooperations.models import TaskArea
from register.models import Municipality

pytestmark = pytest.mark.django_db

PAGE = "/partnersuche/"
API = "/api/v1/partnersuche/"
PLACES = "/api/v1/partnersuche/orte/"
ERWITTE, ANROECHTE, LIPPSTADT, SOEST_KREIS = "05974016", "05974004", "05974028", "05974"


@pytest.fixture
def spec():
    from tests.test_api_contract import openapi_document

    return openapi_document()


def validate_response(spec, schema_name, body):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    OAS31Validator(schema).validate(body)


def area(slug):
    return TaskArea.objects.get(slug=slug)


@pytest.fixture
def standesamt(make_profile):
    return make_profile(
        "Standesamt Hellweg",
        partners=[(ERWITTE, "lead"), (ANROECHTE, "member")],
        task_areas=[area("standesamt")],
    )


@pytest.fixture
def boerse_request(db):
    user = get_user_model().objects.create_user("poster", password="x")
    entry = BoerseEntry.objects.create(
        kind=EntryKind.REQUEST,
        title="Gemeinsame Beihilfestelle",
        description="Wir suchen Partner.",
        municipality=Municipality.objects.get(ags=LIPPSTADT),
        created_by=user,
        expires_on=timezone.localdate() + timedelta(days=30),
        status=EntryStatus.APPROVED,
        published_at=timezone.now(),
    )
    entry.task_areas.set([area("personal-beihilfe")])
    return entry


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (params, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def reasons(result):
    return {c["name"]: c["reason"] for c in result["components"]}


# --- results ---------------------------------------------------------------------------------


def test_api_ranks_with_explained_components(client, standesamt, spec):
    body = get_json(client, API, q="Erwitte", aufgabe="standesamt", anzahl=5)
    validate_response(spec, "PartnerResponse", body)
    assert body["query"] == {
        "key": ERWITTE,
        "name": "Erwitte",
        "kind": "kreisangehörige Stadt",
        "level": "gemeinde",
    }
    assert body["task_areas"] == [{"slug": "standesamt", "name": "Standesamt"}]
    assert len(body["results"]) == 5
    # Anröchte is Erwitte's partner in the Standesamt: listed apart, never suggested.
    assert ANROECHTE not in [r["key"] for r in body["results"]]
    (partner,) = body["existing_partners"]
    assert partner["key"] == ANROECHTE and partner["cooperations"] == ["Standesamt Hellweg"]
    assert partner["url"] == f"http://testserver/gemeinden/{ANROECHTE}/"
    first = body["results"][0]
    assert first["rank"] == 1
    why = reasons(first)
    assert why["border"].startswith("grenzt an Erwitte (") and "gemeinsame Grenze" in why["border"]
    assert why["region"] == "ebenfalls im Kreis Soest"
    assert first["score"] == pytest.approx(sum(c["points"] for c in first["components"]), abs=0.01)
    assert first["url"].startswith("http://testserver/")
    assert [r["rank"] for r in body["results"]] == [1, 2, 3, 4, 5]
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert body["sort"] == "punkte"


def test_partner_in_another_task_area_is_still_suggested_with_the_tie(client, standesamt, spec):
    body = get_json(client, API, q="Erwitte", aufgabe="abwasser", anzahl=5)
    validate_response(spec, "PartnerResponse", body)
    assert body["existing_partners"] == []
    anroechte = next(r for r in body["results"] if r["key"] == ANROECHTE)
    assert reasons(anroechte)["ties"] == "bereits Partner im „Standesamt Hellweg“"


def test_sort_by_distance_after_a_radius(client, standesamt, spec):
    by_score = get_json(client, API, q="Erwitte", umkreis=15, anzahl=8)
    body = get_json(client, API, q="Erwitte", umkreis=15, anzahl=8, sortierung="entfernung")
    validate_response(spec, "PartnerResponse", body)
    assert body["sort"] == "entfernung"
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances) and max(distances) <= 15
    assert {r["key"] for r in body["results"]} == {r["key"] for r in by_score["results"]}
    assert [r["rank"] for r in body["results"]] == list(range(1, len(distances) + 1))
    html = client.get(PAGE, {"q": "Erwitte", "umkreis": 15, "sortierung": "entfernung"})
    text = html.content.decode()
    assert "Nach Entfernung sortiert, die nächste zuerst" in text
    assert '<option value="entfernung" selected>' in text
    bad = client.get(PAGE, {"q": "Erwitte", "sortierung": "zufall"})
    assert bad.status_code == 400
    assert "Unbekannte Reihenfolge „zufall“" in bad.content.decode()


def test_page_lists_existing_partners_apart(client, standesamt):
    html = client.get(PAGE, {"q": "Erwitte", "aufgabe": "standesamt"}).content.decode()
    section = html[html.index('id="bestehende-partner"') :]
    assert "Bereits Partner in dieser Aufgabe (1)" in section
    assert f'href="/gemeinden/{ANROECHTE}/">Anröchte</a>' in section
    assert "„Standesamt Hellweg“" in section
    cards = html[html.index('class="partner-list"') :]
    assert "Anröchte" not in cards.split("</ol>")[0]


def test_boerse_request_is_a_reason(client, boerse_request):
    body = get_json(client, API, q=ERWITTE, aufgabe="personal-beihilfe", anzahl=10)
    lippstadt = next(r for r in body["results"] if r["key"] == LIPPSTADT)
    assert reasons(lippstadt)["boerse"] == (
        "sucht in der Börse Partner für Personal und Beihilfe („Gemeinsame Beihilfestelle“)"
    )
    # Another area: the entry does not count.
    body = get_json(client, API, q=ERWITTE, aufgabe="abwasser", anzahl=10)
    lippstadt = next(r for r in body["results"] if r["key"] == LIPPSTADT)
    assert reasons(lippstadt)["boerse"] is None


def test_expired_boerse_entry_is_not_read(client, boerse_request):
    boerse_request.expires_on = timezone.localdate() - timedelta(days=1)
    boerse_request.save()
    body = get_json(client, API, q=ERWITTE, aufgabe="personal-beihilfe", anzahl=10)
    lippstadt = next(r for r in body["results"] if r["key"] == LIPPSTADT)
    assert reasons(lippstadt)["boerse"] is None


def test_snapshot_follows_publishing(client, make_profile):
    body = get_json(client, API, q=ERWITTE, anzahl=3)
    assert reasons(body["results"][0])["ties"] is None
    make_profile("Bauhof Ost", partners=[(ERWITTE, "lead"), ("05974036", "member")])
    body = get_json(client, API, q=ERWITTE, anzahl=3)
    assert any(reasons(r)["ties"] == "bereits Partner im „Bauhof Ost“" for r in body["results"])


def test_snapshot_is_kept_until_the_content_changes(client, make_profile):
    """The snapshot is built once per process and content generation; publishing (in any
    process) starts a new one, so the change shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = get_json(client, API, q=ERWITTE, anzahl=3)
    assert reasons(body["results"][0])["ties"] is None
    with CaptureQueriesContext(connection) as queries:
        get_json(client, API, q=ERWITTE, anzahl=4)  # another URL: a page-cache miss
    assert not [q["sql"] for q in queries if "cooperations_cooperationpartner" in q["sql"]]
    make_profile("Bauhof Ost", partners=[(ERWITTE, "lead"), ("05974036", "member")])
    body = get_json(client, API, q=ERWITTE, anzahl=5)
    assert any(reasons(r)["ties"] == "bereits Partner im „Bauhof Ost“" for r in body["results"])


def test_kreis_query_and_radius(client):
    body = get_json(client, API, q=SOEST_KREIS, umkreis="30")
    assert body["query"]["level"] == "kreis" and body["query"]["name"] == "Kreis Soest"
    assert body["radius_km"] == 30
    assert body["results"] and all(r["distance_km"] <= 30 for r in body["results"])
    inside = [r for r in body["results"] if reasons(r)["region"] == "gehört zum Kreis Soest"]
    assert inside


def test_kreisfreie_stadt_key_means_the_city(client):
    body = get_json(client, API, q="05315", anzahl=1)
    assert body["query"]["key"] == "05315000" and body["query"]["name"] == "Köln"


def test_weights_are_applied(client):
    body = get_json(
        client,
        API,
        q=ERWITTE,
        anzahl=3,
        gewicht_entfernung="0",
        gewicht_grenze="0",
        gewicht_region="0",
        gewicht_art="0",
        gewicht_groesse="1",
    )
    assert body["weights"]["distance"] == 0 and body["weights"]["size"] == 1
    for result in body["results"]:
        assert result["score"] == pytest.approx(
            next(c["value"] for c in result["components"] if c["name"] == "size"), abs=0.001
        )


def test_page_lists_suggestions_with_reasons_and_map(client, standesamt):
    response = client.get(PAGE, {"q": "Erwitte", "aufgabe": "standesamt"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vorschläge für" in html and "Anröchte" in html
    assert "Bereits Partner in dieser Aufgabe" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map map--partners"' in html
    assert 'class="map-query"' in html and 'class="map-marker"' in html
    assert 'value="standesamt" checked' in html
    assert "Dieselben Vorschläge als JSON" in html


def markers(html):
    """{rank: (cx, cy)} of the numbered markers and the map's viewBox."""
    svg = html[html.index('class="map map--partners"') :]
    svg = svg[: svg.index("</svg>")]
    box = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg)[1].split()]
    found = {}
    for group in re.finditer(r'<g class="map-marker" data-rank="(\d+)">(.*?)</g>', svg):
        circle = re.search(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)">', group[2])
        found[int(group[1])] = (float(circle[1]), float(circle[2]), float(circle[3]))
        assert re.search(rf"<text [^>]*>{group[1]}</text>", group[2])
        assert f"<title>{group[1]}. " in group[2]
    return box, found


def test_map_is_zoomed_to_the_suggestions_with_markers_that_do_not_overlap(client, standesamt):
    near = client.get(PAGE, {"q": "Erwitte", "umkreis": 20, "anzahl": 20}).content.decode()
    box, found = markers(near)
    assert len(found) == len(re.findall(r'class="partner-card"', near)) > 10
    # A section around Erwitte, not all of NRW (396 municipalities): only the boundaries
    # that reach into the section are drawn.
    svg = near[near.index('class="map map--partners"') : near.index("</svg>")]
    assert 20 < svg.count("<path ") < 120
    assert max(box[2], box[3]) <= 560
    ranks = sorted(found)
    for i in ranks:
        x, y, r = found[i]
        assert box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]
        for j in ranks:
            if j > i:
                other_x, other_y, _ = found[j]
                assert math.hypot(x - other_x, y - other_y) >= 2 * r, (i, j)


def test_empty_page_is_a_form_with_navigation(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/partnersuche/"' in html and 'name="q"' in html
    assert '<a href="/partnersuche/" aria-current="page">Partnersuche</a>' in html
    assert "Vorschläge für" not in html


def test_places_autocomplete(client):
    body = get_json(client, PLACES, q="Erwit")
    assert body["results"][0]["key"] == ERWITTE
    assert get_json(client, PLACES, q="E")["results"] == []


# --- names and bad input -----------------------------------------------------------------------


def test_ambiguous_name_offers_candidates(client, spec):
    body = get_json(client, API, status=400, q="Soest")
    validate_response(spec, "PartnerError", body)
    assert "mehrdeutig" in body["errors"]["q"][0]
    keys = {c["key"] for c in body["candidates"]["q"]}
    assert keys == {"05974040", SOEST_KREIS}

    response = client.get(PAGE, {"q": "Soest", "aufgabe": "standesamt"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "mehrdeutig" in html
    assert "/partnersuche/?q=05974040&amp;aufgabe=standesamt" in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "99999999"}, "q", "keine Gemeinde mit dem Gemeindeschlüssel 99999999"),
        ({"q": "99999"}, "q", "keinen Kreis mit dem Kreisschlüssel 99999"),
        ({"q": "Xyzzyhausen"}, "q", "Keine Gemeinde und kein Kreis namens „Xyzzyhausen“"),
        ({}, "q", "Bitte „Gemeinde oder Kreis“ angeben."),
        ({"q": "   "}, "q", "Bitte eine Gemeinde oder einen Kreis angeben."),
        ({"q": ERWITTE, "umkreis": "-5"}, "umkreis", "zwischen 1 und 300 liegen"),
        ({"q": ERWITTE, "umkreis": "100000"}, "umkreis", "zwischen 1 und 300 liegen"),
        ({"q": ERWITTE, "umkreis": "nah"}, "umkreis", "muss eine Zahl sein"),
        ({"q": ERWITTE, "umkreis": "inf"}, "umkreis", "Umkreis"),
        ({"q": ERWITTE, "umkreis": "nan"}, "umkreis", "Umkreis"),
        ({"q": ERWITTE, "aufgabe": "raumfahrt"}, "aufgabe", "Unbekannter Aufgabenbereich"),
        ({"q": ERWITTE, "anzahl": "0"}, "anzahl", "zwischen 1 und 100 liegen"),
        ({"q": ERWITTE, "anzahl": "5000"}, "anzahl", "zwischen 1 und 100 liegen"),
        ({"q": ERWITTE, "gewicht_entfernung": "-1"}, "gewicht_entfernung", "zwischen 0 und 10"),
        ({"q": ERWITTE, "gewicht_boerse": "1e9"}, "gewicht_boerse", "zwischen 0 und 10"),
        ({"q": ERWITTE, "sortierung": "zufall"}, "sortierung", "erlaubt sind"),
        ({"q": "x" * 300}, "q", "höchstens 200 Zeichen"),
    ],
)
def test_bad_input_is_a_400_with_reason(client, spec, params, field, message):
    body = get_json(client, API, status=400, **params)
    validate_response(spec, "PartnerError", body)
    assert message in " ".join(body["errors"][field])
    response = client.get(PAGE, params or {"q": ""})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_task_areas_by_slug_or_name(client, standesamt):
    """The partner search takes "Standesamt" as well as "standesamt" (page and API)."""
    by_slug = get_json(client, API, q="Erwitte", aufgabe="standesamt", anzahl=5)
    by_name = get_json(client, API, q="Erwitte", aufgabe="Standesamt", anzahl=5)
    assert by_name["task_areas"] == [{"slug": "standesamt", "name": "Standesamt"}]
    assert by_name["results"] == by_slug["results"]
    assert client.get(PAGE, {"q": "Erwitte", "aufgabe": " standesAMT "}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "05974016", "umkreis": "1,5e400"},
        {"q": "%", "aufgabe": ["", "%"]},
        {"q": "Erwitte", "anzahl": "1.5"},
        {"q": "Erwitte", "gewicht_grenze": "0x10"},
        {"q": "Bad", "umkreis": "0"},
    ],
)
def test_garbage_never_a_500(client, params):
    assert client.get(API, params).status_code == 400
    assert client.get(PAGE, params).status_code == 400


def test_non_get_is_refused(client):
    assert client.post(API, {"q": ERWITTE}).status_code == 405


# --- OpenAPI -----------------------------------------------------------------------------------


def test_openapi_describes_the_partner_search(client):
    document = client.get("/api/openapi.json").json()
    validate_spec(document)
    operation = document["paths"]["/api/v1/partnersuche/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "aufgabe", "umkreis", "anzahl", "gewicht_entfernung", "gewicht_boerse"} <= names
    assert set(operation["responses"]) == {"200", "400"}
    assert "/api/v1/suche/" in document["paths"]  # the search part is still there
    assert "/api/v1/partnersuche/orte/" in document["paths"]
