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


def operations(api_schema):
    found = [result.ok() for result in api_schema.get_all_operations()]
    assert len(found) >= 8  # search, partner search, places, open data lists and details
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
