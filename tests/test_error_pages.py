"""Faults: CSRF-failure and oversize-request pages were English and unstyled; JSON paths
answered HTML errors (issue 17). German pages in the site's style, JSON under /api/."""

import pytest
from django.test import Client

from tests.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def test_a_csrf_failure_is_a_german_page_in_the_sites_style(csrf_client, site_tree):
    response = csrf_client.post("/konto/anmelden/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Das Formular konnte nicht angenommen werden" in page
    assert "Cookie" in page and "neu" in page
    assert 'href="/static/css/site.css"' in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page


def test_a_csrf_failure_with_a_stale_token_names_the_reason(csrf_client, site_tree):
    csrf_client.get("/konto/anmelden/")  # sets the cookie
    response = csrf_client.post(
        "/konto/anmelden/", {"username": "x", "password": "y", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    assert "passt nicht (mehr)" in response.content.decode()


def test_a_csrf_failure_under_api_is_json(csrf_client):
    # The API's operations take no POST (405, below); any other path under /api/ is
    # checked for CSRF like the rest of the site.
    response = csrf_client.post("/api/v1/gibt-es-nicht/", {"q": "x"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "CSRF" in response.json()["errors"]["__all__"][0]


def test_an_oversize_request_is_a_german_413(settings, site_tree):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    user = make_user("gross", ags="05974016")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.post("/benachrichtigungen/neu/", {"name": "x" * 5000})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Anfrage zu groß" in page and '<html lang="de">' in page
    assert 'href="/static/css/site.css"' in page


def test_too_many_fields_is_a_german_400(settings, site_tree):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = Client(raise_request_exception=False)
    response = client.post("/konto/anmelden/", {f"f{n}": "1" for n in range(20)})
    assert response.status_code == 400
    assert "mehr Felder oder Dateien" in response.content.decode()


def test_an_oversize_request_under_api_is_json(settings, csrf_client, site_tree):
    csrf_client.get("/konto/anmelden/")  # the CSRF cookie: the check then reads the body
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = csrf_client.post("/api/v1/gibt-es-nicht/", {"q": "x" * 1000})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "größer" in response.json()["errors"]["__all__"][0]


@pytest.mark.parametrize(
    "url", ["/api/v1/gibt-es-nicht/", "/api/v1/steckbriefe/abc/", "/api/", "/api/v1/suche/x/"]
)
def test_unknown_json_api_paths_answer_json_404(url):
    response = Client().get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "errors": {"__all__": ["Unter dieser Adresse gibt es keine Ressource."]}
    }


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_another_method_than_get_is_a_json_405(csrf_client, method):
    response = getattr(csrf_client, method)("/api/v1/suche/")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
    assert response.json() == {"errors": {"__all__": ["Nur GET (und HEAD) ist erlaubt."]}}


def test_unknown_html_paths_still_answer_the_sites_404(site_tree):
    response = Client().get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
