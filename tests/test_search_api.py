"""The JSON endpoint /api/v1/suche/ (same parameters, same form as the page) and its
OpenAPI document at /api/openapi.json."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from search.contract import SORTS
from search.facets import FACETS
from tests import test_search_page

pytestmark = pytest.mark.django_db

API = "/api/v1/suche/"
ERWITTE = test_search_page.ERWITTE
# The page tests' fixtures: four indexed profiles.
profiles = test_search_page.profiles
search_index = test_search_page.search_index


@pytest.fixture(scope="module")
def spec():
    from tests.test_api_contract import openapi_document

    return openapi_document()


def validate_response(spec, schema_name, data):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    OAS31Validator(schema).validate(data)


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response, response.json()


# --- results ---------------------------------------------------------------------------


def test_results_with_hits_facets_and_absolute_urls(client, profiles, spec):
    response, data = get_json(client, API, q="Standesamt")

    validate_response(spec, "SearchResponse", data)
    assert data["total"] == 1 and data["page"] == 1 and data["num_pages"] == 1
    assert data["engine"]
    hit = data["hits"][0]
    assert hit["title"] == "Standesamt Hellweg"
    assert hit["url"].startswith("http://testserver/") and hit["url"].endswith("/")
    assert hit["id"] == profiles["standesamt"].pk
    assert hit["task_areas"] == ["Standesamt"]
    assert hit["legal_form"] == "Zweckverband"
    assert hit["cooperation_model"] == "Dienstleistungszentrum (Shared-Service-Center)"
    assert hit["phase"] == "Regelbetrieb"
    assert hit["start_year"] == 2023
    assert hit["partners"] == ["Erwitte", "Anröchte"] and hit["partner_count"] == 2
    assert hit["distance_km"] is None
    assert [facet["key"] for facet in data["facets"]] == [facet.key for facet in FACETS]
    aufgabe = next(facet for facet in data["facets"] if facet["key"] == "aufgabe")
    assert aufgabe["hierarchical"] is True
    standesamt = next(value for value in aufgabe["values"] if value["value"] == "standesamt")
    assert standesamt == {
        "value": "standesamt",
        "label": "Standesamt",
        "count": 1,
        "selected": False,
        "depth": 1,
        "parent": "buergerdienste-ordnung",
    }
    assert data["query"]["text"] == "Standesamt"
    assert data["query"]["effective_sort"] == "relevanz"
    assert data["links"]["html"] == "http://testserver/suche/?q=Standesamt"
    assert data["links"]["next"] is None and data["links"]["prev"] is None
    # Short public caching: results change only when editors publish.
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_same_parameters_as_the_page(client, profiles, spec):
    _, data = get_json(
        client,
        API + "?aufgabe=standesamt&aufgabe=bauhof&startjahr_von=2010&sortierung=name",
    )
    validate_response(spec, "SearchResponse", data)
    assert [hit["title"] for hit in data["hits"]] == [
        "Bauhof Lippstadt und Geseke",
        "Standesamt Hellweg",
    ]
    assert data["query"]["filters"] == {"aufgabe": ["standesamt", "bauhof"]}
    assert data["query"]["start_year_min"] == 2010 and data["query"]["sort"] == "name"
    selected = [
        value["value"] for facet in data["facets"] for value in facet["values"] if value["selected"]
    ]
    assert sorted(selected) == ["bauhof", "standesamt"]


def test_geo_and_pagination_links(client, profiles, spec):
    _, data = get_json(client, API, ort="Erwitte", umkreis="12,5", pro_seite=1, sortierung="name")

    validate_response(spec, "SearchResponse", data)
    assert data["total"] == 2 and data["num_pages"] == 2
    assert data["query"]["geo"]["ags"] == ERWITTE
    assert data["query"]["geo"]["radius_km"] == 12.5
    assert data["hits"][0]["distance_km"] is not None
    next_url = data["links"]["next"]
    assert next_url.startswith("http://testserver/api/v1/suche/?")
    assert ("seite", "2") in parse_qsl(urlsplit(next_url).query)
    assert ("ort", "Erwitte") in parse_qsl(urlsplit(next_url).query)
    _, second = get_json(client, next_url)
    assert second["page"] == 2 and second["links"]["prev"] and second["links"]["next"] is None


def test_page_beyond_the_last_returns_the_last_with_a_notice(client, profiles):
    _, data = get_json(client, API, pro_seite=3, seite=9)
    assert data["page"] == 2 and len(data["hits"]) == 1
    assert "Seite 9 gibt es nicht; angezeigt wird die letzte Seite (2)." in data["notices"]


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "x" * 10_000}, "q", "Der Suchbegriff ist zu lang (höchstens 500 Zeichen)."),
        ({"seite": str(10**9)}, "seite", "„Seite“ muss zwischen 1 und 1.000 liegen"),
        ({"seite": "9" * 20_000}, "seite", "„Seite“ muss zwischen 1 und 1.000 liegen"),
        ({"seite": "-1"}, "seite", "„Seite“ muss zwischen 1 und 1.000 liegen"),
        ({"startjahr_von": "abc"}, "startjahr_von", "„Startjahr von“ muss eine ganze Zahl sein"),
        ({"umkreis": "-5"}, "umkreis", "„Umkreis in km“ muss zwischen 1 und 300 liegen."),
        ({"umkreis": "0,5", "ort": "Erwitte"}, "umkreis", "zwischen 1 und 300"),
        ({"pro_seite": ""}, "pro_seite", "der Parameter ist leer"),
        ({"page": "0"}, "page", "„Seite“ muss zwischen 1 und 1.000 liegen."),
        ({"ort": "Xyzdorf"}, "ort", "Keine Gemeinde namens „Xyzdorf“ gefunden."),
    ],
)
def test_bad_input_is_a_400_with_errors_per_parameter(
    client, profiles, spec, params, field, message
):
    _, data = get_json(client, API, status=400, **params)

    validate_response(spec, "SearchError", data)
    assert list(data["errors"]) == [field]
    assert any(message in error for error in data["errors"][field]), data


def test_ambiguous_place_lists_candidates(client, profiles, spec):
    _, data = get_json(client, API, status=400, ort="Neuenkirchen")

    validate_response(spec, "SearchError", data)
    candidates = data["candidates"]["ort"]
    assert len(candidates) == 11
    assert {
        "ags": "05566060",
        "name": "Neuenkirchen",
        "kreis": "Kreis Steinfurt",
        "land": "Nordrhein-Westfalen",
    } in candidates
    _, chosen = get_json(client, API, ort="05566060")
    assert chosen["query"]["geo"]["name"] == "Neuenkirchen"


def test_notices_for_ignored_input(client, profiles, spec):
    _, data = get_json(
        client, API + "?aufgabe=standesamt&aufgabe=nope&sortierung=zufall&q=Stan%00desamt&x=1"
    )
    validate_response(spec, "SearchResponse", data)
    assert data["query"]["filters"] == {"aufgabe": ["standesamt"]}
    assert data["query"]["sort"] == "relevanz"
    assert data["query"]["text"] == "Stan desamt"
    assert "Unbekannter Filterwert ignoriert: Aufgabenbereich „nope“." in data["notices"]
    assert "Unsichtbare Steuerzeichen im Suchbegriff wurden entfernt." in data["notices"]
    assert any("Die Sortierung „zufall“ gibt es nicht" in notice for notice in data["notices"])


@pytest.mark.parametrize("text", ["\u202eStandesamt", "🏛️ Standesamt", "Standesa\u0301mt", "\ufffd"])
def test_odd_unicode_is_a_200(client, profiles, spec, text):
    _, data = get_json(client, API, q=text)
    validate_response(spec, "SearchResponse", data)


def test_only_get(client, profiles):
    assert client.post(API).status_code == 405


# --- OpenAPI ---------------------------------------------------------------------------


def test_openapi_document_is_valid_and_served(client, spec):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    served = response.json()
    assert served == spec
    validate_spec(served)  # raises on an invalid document
    assert served["openapi"].startswith("3.1")


def test_openapi_lists_every_parameter(spec):
    operation = spec["paths"][API]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    for facet in FACETS:
        parameter = parameters[facet.key]
        assert parameter["in"] == "query" and parameter.get("explode", True) is True
        assert parameter["schema"]["type"] == "array"
        assert facet.label in parameter["description"]
    for name in ("q", "seite", "pro_seite", "sortierung", "startjahr_von", "startjahr_bis"):
        assert name in parameters
    # every value is described; no enum, because an unknown value is ignored, not refused
    assert all(f"`{key}`" in parameters["sortierung"]["description"] for key in SORTS)
    assert "enum" not in parameters["sortierung"]["schema"]
    radius = parameters["umkreis"]["schema"]
    radius = next(s for s in radius.get("anyOf", [radius]) if s.get("type") == "number")
    assert radius["maximum"] == 300
    assert parameters["seite"]["schema"]["maximum"] == 1000
    assert "`page`" in parameters["seite"]["description"]  # the alias is documented
    assert set(operation["responses"]) >= {"200", "400"}
    facet_keys = spec["components"]["schemas"]["Facet"]["properties"]["key"]["enum"]
    assert facet_keys == [facet.key for facet in FACETS]


def test_an_engine_failure_is_a_503_in_json(client, profiles, spec, monkeypatch):
    from search import views

    def broken(query):
        raise RuntimeError("engine down")

    monkeypatch.setattr(views, "search", broken)
    response, data = get_json(client, API, status=503, q="Standesamt")
    validate_response(spec, "Error", data)
    assert response["Cache-Control"] == "no-store"


def test_partial_match_when_all_words_find_nothing(client, profiles, spec):
    _, data = get_json(client, API, q="Standesamt Wolkenkuckucksheim")
    validate_response(spec, "SearchResponse", data)
    assert [hit["title"] for hit in data["hits"]] == ["Standesamt Hellweg"]
    assert data["partial"] == {"matched": ["Standesamt"], "missing": ["Wolkenkuckucksheim"]}
    assert data["notices"][0] == (
        "Keine Treffer, die alle Suchwörter enthalten. Treffer für „Standesamt“, "
        "ohne „Wolkenkuckucksheim“."
    )
    assert data["query"]["text"] == "Standesamt Wolkenkuckucksheim"
    _, data = get_json(client, API, q="Standesamt")
    assert data["partial"] is None


def test_region_of_a_partner_finds_the_profile(client, profiles):
    # Erwitte and Anröchte are in the Kreis Soest (Regierungsbezirk Arnsberg): the
    # profile is found through its partners' places, without the word in its text.
    for text in ("Kreis Soest", "Regierungsbezirk Arnsberg", "Sauerland"):
        _, data = get_json(client, API, q=text)
        titles = [hit["title"] for hit in data["hits"]]
        assert "Standesamt Hellweg" in titles, text
        assert "Archivverbund München" not in titles
