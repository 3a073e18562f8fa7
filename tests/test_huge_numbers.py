"""Fault: ids ≥ 2^63 (and other huge numbers) answered 500 (issue 17).

SQLite raises OverflowError, PostgreSQL "bigint out of range" for such numbers; the site
must refuse them first, with a reason: 404 for ids in URLs, 400 for form fields."""

import importlib

import pytest
from django import forms
from django.test import Client

from kooperationsatlas import ids
from tests.users import make_user

pytestmark = pytest.mark.django_db

ERWITTE = "05974016"
HUGE = [str(2**63), str(2**64 + 1), "9" * 40, str(10**18)]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("number", HUGE)
def test_open_data_api_answers_a_json_404(client, number):
    response = client.get(f"/api/v1/steckbriefe/{number}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"]["__all__"]


@pytest.mark.parametrize("number", HUGE)
def test_ics_answers_404(client, site_tree, number):
    response = client.get(f"/veranstaltungen/{number}.ics")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/boerse/{n}/",
        "/boerse/{n}/interesse/",
        "/boerse/moderation/{n}/",
        "/konto/meldungen/{n}/",
        "/benachrichtigungen/{n}/bearbeiten/",
    ],
)
def test_other_id_urls_answer_404(client, site_tree, url):
    user = make_user("riesig", ags=ERWITTE, is_staff=True)
    client.force_login(user)
    response = client.get(url.format(n=2**63))
    assert response.status_code == 404


def test_the_largest_ids_still_reach_the_views(client):
    # 18 digits: still an id (no such profile, the view's own JSON 404)
    response = client.get(f"/api/v1/steckbriefe/{10**18 - 1}/")
    assert response.status_code == 404
    assert "Steckbrief" in response.json()["errors"]["__all__"][0]


@pytest.mark.parametrize("number", [*HUGE, "-" + str(2**63), "1e5", "0x10", "١٢"])
def test_multi_select_fields_refuse_huge_numbers_with_400(client, number):
    user = make_user("auswahl", ags=ERWITTE)
    client.force_login(user)
    response = client.post(
        "/benachrichtigungen/neu/",
        {
            "name": "Test",
            "task_areas": [number],
            "include_profiles": "on",
        },
    )
    assert response.status_code == 400
    assert "keine gültige Auswahl" in response.content.decode()


@pytest.mark.parametrize("number", HUGE)
def test_boerse_and_report_forms_refuse_huge_numbers(client, number):
    from django.utils import timezone

    user = make_user("boerse", ags=ERWITTE)
    client.force_login(user)
    response = client.post(
        "/boerse/neu/",
        {
            "kind": "angebot",
            "title": "Test",
            "description": "Beschreibung",
            "task_areas": [number],
            "region_counties": [number],
            "expires_on": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
            "action": "draft",
        },
    )
    assert response.status_code == 400
    assert "Unbekannter Aufgabenbereich" in response.content.decode()
    response = client.post("/konto/meldungen/neu/", {"title": "Test", "task_areas": [number]})
    assert response.status_code == 400


PROJECT_FORM_MODULES = [
    "alerts.forms",
    "boerse.forms",
    "reports.forms",
    "legal.forms",
    "search.forms",
    "matchmaking.forms",
    "funding.forms",
    "accounts.forms",
]


def project_forms():
    for name in PROJECT_FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
            ):
                yield value


def test_every_model_choice_field_of_the_project_checks_ids_first():
    """A regression net: a new form choosing by primary key uses the id-checking fields."""
    checked = 0
    for form_class in project_forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.to_field_name is None:
                assert isinstance(field, ids.IdChoiceMixin), f"{form_class.__name__}.{name}"
                checked += 1
    assert checked >= 5


def test_is_id():
    assert ids.is_id("0") and ids.is_id(10**18 - 1) and ids.is_id("000123")
    assert not ids.is_id(10**18) and not ids.is_id("-1") and not ids.is_id("1.0")
    assert not ids.is_id("") and not ids.is_id("١٢") and not ids.is_id(" 1")
