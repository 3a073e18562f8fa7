"""The JSON APIs against their OpenAPI document, with schemathesis (issue 17: it found
contract mismatches: empty numeric parameters accepted, undocumented 400s, HTML 404s).

Runs in-process against the WSGI application (no network, no server): schemathesis reads
/api/openapi.json, generates valid and invalid requests for every operation and checks
that no answer is a 5xx, that every status code and content type is documented, that every
body matches its schema and that invalid requests are refused. Hypothesis drives the
generation (derandomized, so a run is repeatable)."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db

EXAMPLES = 30


@pytest.fixture
def api_schema(site_tree):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from kooperationsatlas.wsgi import application

    # As Django's test client does: the WSGI handler would close the test's database
    # connection (and with it its transaction) at the end of every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def openapi_document():
    """The document as served (JSON types only), built by the one API."""
    from kooperationsatlas.urls import api

    return json.loads(json.dumps(api.get_openapi_schema()))


# Every JSON operation of the site (search, partner search, open data, survey results).
OPERATIONS = {
    "GET /api/v1/suche/",
    "GET /api/v1/partnersuche/",
    "GET /api/v1/partnersuche/orte/",
    "GET /api/v1/steckbriefe/",
    "GET /api/v1/steckbriefe/{id}/",
    "GET /api/v1/gemeinden/",
    "GET /api/v1/gemeinden/{ags}/",
    "GET /api/v1/kreise/",
    "GET /api/v1/kreise/{key}/",
    "GET /api/v1/erhebungen/",
    "GET /api/v1/erhebungen/{pk}/",
}


def operations(api_schema):
    found = [result.ok() for result in api_schema.get_all_operations()]
    assert {operation.label for operation in found} == OPERATIONS
    return found


def only_single_array_values(problem):
    """A "violation" schemathesis reports for a repeatable query parameter sent once
    (``?schlagwort=x``): on the wire that is an array of one value, valid by the document."""
    violations = [line for line in problem.splitlines() if "violates" in line]
    return bool(violations) and all("was array, became string" in v for v in violations)


def failures_of(operation, mode):
    failures = []

    @given(operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            # Not checked: that every schema-valid request is accepted. A well-formed
            # slug or key can still be unknown (400 with the reason, as documented).
            case.call_and_validate(excluded_checks=[positive_data_acceptance])
        except BaseException as error:  # collected: one report for every operation
            problems = [str(e) for e in getattr(error, "exceptions", [error])]
            problems = [p for p in problems if not only_single_array_values(p)]
            if not problems:
                return
            details = "\n".join(problems)
            failures.append(f"{operation.label} [{mode.value}]: {details}"[:3000])
            raise

    try:
        run()
    except BaseException as error:
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
    return failures


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_keeps_its_contract(api_schema, mode):
    generation_mode = schemathesis.GenerationMode(mode)
    failures = []
    for operation in operations(api_schema):
        failures.extend(failures_of(operation, generation_mode)[:1])
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/suche/?pro_seite=", "pro_seite"),
        ("/api/v1/partnersuche/?q=Erwitte&anzahl=", "anzahl"),
        ("/api/v1/steckbriefe/?page=", "page"),
        ("/api/v1/gemeinden/?page_size=", "page_size"),
        ("/api/v1/kreise/?page=", "page"),
    ],
)
def test_an_empty_number_parameter_is_refused_with_a_reason(client, url, name):
    response = client.get(url)
    assert response.status_code == 400
    assert "leer" in response.json()["errors"][name][0]


def test_an_overlong_place_is_refused_as_documented(client):
    response = client.get("/api/v1/partnersuche/orte/", {"q": "x" * 201})
    assert response.status_code == 400
    assert response.json()["errors"]["q"] == ["„Namensanfang“: höchstens 200 Zeichen."]


# --- what every operation shares ------------------------------------------------------------

GETS = [
    "/api/v1/suche/?q=Standesamt",
    "/api/v1/suche/?seite=0",
    "/api/v1/partnersuche/?q=Erwitte&anzahl=1",
    "/api/v1/partnersuche/orte/?q=Erw",
    "/api/v1/steckbriefe/",
    "/api/v1/gemeinden/05974016/",
    "/api/v1/kreise/00000/",
    "/api/openapi.json",
]


@pytest.mark.parametrize("url", GETS)
def test_every_get_under_api_may_be_read_from_any_origin(client, site_tree, url):
    response = client.get(url)
    assert response["Access-Control-Allow-Origin"] == "*", response.status_code
    assert response["Content-Type"] == "application/json"
    head = client.head(url)
    assert head.status_code == response.status_code
    assert head["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/suche/?seite=abc", "seite"),
        ("/api/v1/partnersuche/?q=Erwitte&umkreis=weit", "umkreis"),
        ("/api/v1/steckbriefe/?startjahr_von=1", "startjahr_von"),
        ("/api/v1/gemeinden/?pro_seite=1000", "pro_seite"),
    ],
)
def test_a_parameter_of_the_wrong_type_is_a_400_in_german_never_a_422(client, url, name):
    response = client.get(url)
    assert response.status_code == 400
    (reason,) = response.json()["errors"][name]
    assert reason.startswith("„") and ("muss" in reason or "zwischen" in reason), reason
    assert response["Cache-Control"] == "no-store"


def test_old_and_new_pagination_names_mean_the_same(client, site_tree):
    for path in ("/api/v1/gemeinden/", "/api/v1/kreise/", "/api/v1/suche/"):
        old = client.get(path, {"page": 2, "page_size": 3}).json()
        new = client.get(path, {"seite": 2, "pro_seite": 3}).json()
        assert old == new, path
        assert new["page_size"] == 3
        # The search shows its last page for one behind it; the lists answer the page asked.
        assert new["page"] == (1 if path == "/api/v1/suche/" else 2)


def test_the_interactive_docs_are_served_from_the_site_itself(client):
    from django.contrib.staticfiles import finders

    from tests.test_pages import Page, assert_no_third_party_requests

    response = client.get("/api/docs")
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert '<html lang="de">' in page.html
    assert_no_third_party_requests(page)
    scripts = [attrs["src"] for tag, attrs in page.tags if tag == "script" and "src" in attrs]
    styles = [attrs["href"] for tag, attrs in page.tags if tag == "link"]
    assert len(scripts) == 2 and scripts[0].endswith("swagger-ui-bundle.js")
    for url in scripts + styles:
        assert finders.find(url.removeprefix("/static/")), url  # from the installed package
    assert 'href="/api/openapi.json"' in page.html  # the way without JavaScript
