"""Open data: downloads (/daten/*.csv|json), the read-only API (/api/v1/steckbriefe|gemeinden|
kreise/), the feeds, the sitemap and their OpenAPI description."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from cooperations.models import (
    ContactPerson,
    CooperationModel,
    CooperationPage,
    LegalForm,
    TaskArea,
)
from register.attribution import LICENCE_URL, REGISTER_ATTRIBUTION
from register.models import County, Municipality

LIPPSTADT = "05974028"
ERWITTE = "05974016"
KREIS_SOEST = "05974"
MUENSTER = "05515000"
MUNICH = "09162000"

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(make_profile):
    """make_profile plus task areas, legal form, model and contacts, then published."""

    def make(
        title, *, task_areas=(), legal_form=None, model=None, contacts=(), publish=True, **fields
    ):
        page = make_profile(title, publish=False, **fields)
        if legal_form:
            page.legal_form = LegalForm.objects.get(slug=legal_form)
        if model:
            page.cooperation_model = CooperationModel.objects.get(slug=model)
        page.task_areas.set(TaskArea.objects.filter(slug__in=task_areas))
        for name, public in contacts:
            page.contacts.add(
                ContactPerson(
                    name=name, email=f"{name.split()[0].lower()}@example.org", public_display=public
                )
            )
        page.save()
        revision = page.save_revision()
        if publish:
            revision.publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def profiles(profile):
    standesamt = profile(
        "Gemeinsames Standesamt Lippstadt-Erwitte",
        partners=[(LIPPSTADT, "lead"), (ERWITTE, "delegating")],
        task_areas=["standesamt"],
        legal_form="oeffentlich-rechtliche-vereinbarung-delegierend",
        model="gemeinsame-einrichtung",
        phase="regelbetrieb",
        start_year=2015,
        savings_percent=Decimal("12.5"),
        contacts=[("Otto Offen", True), ("Paula Privat", False)],
    )
    it = profile(
        "IT-Kooperation Münster",
        partners=[(MUENSTER, "lead"), ("Landschaftsverband Westfalen-Lippe", "member")],
        task_areas=["it-rechenzentrum"],
        legal_form="zweckverband",
        model="dienstleistungszentrum",
        phase="umsetzung",
        start_year=2020,
    )
    bavaria = profile(
        "Kreisweite Beschaffung München",
        partners=[(MUNICH, "lead")],
        task_areas=["vergabe-beschaffung"],
        model="gemeinsame-beschaffung",
        phase="konzeption",
        start_year=2023,
    )
    kreis = profile(
        "Kreis Soest Klimaschutz",
        partners=[(KREIS_SOEST, "lead")],
        task_areas=["klimaschutz"],
        start_year=2010,
    )
    draft = profile(
        "Geheimer Entwurf Beihilfe",
        partners=[(LIPPSTADT, "lead")],
        task_areas=["standesamt"],
        phase="regelbetrieb",
        start_year=2016,
        contacts=[("Doris Draft", True)],
        publish=False,
    )
    return {"standesamt": standesamt, "it": it, "bavaria": bavaria, "kreis": kreis, "draft": draft}


def _stream(response):
    return b"".join(response.streaming_content).decode("utf-8")


def _csv(response):
    text = _stream(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _json(response):
    return json.loads(_stream(response))


def _ids(payload):
    return {item["id"] for item in payload["results"]}


# --- downloads ------------------------------------------------------------------------------


def test_profile_exports_equal_the_database(client, profiles):
    published = CooperationPage.objects.live().public()
    response = client.get("/daten/steckbriefe.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="steckbriefe.csv"'
    rows = _csv(response)
    assert len(rows) == published.count() == 4
    by_id = {int(row["id"]): row for row in rows}
    row = by_id[profiles["standesamt"].pk]
    page = profiles["standesamt"]
    assert row["title"] == page.title
    assert row["summary"] == page.summary
    assert row["start_year"] == "2015" and row["phase"] == "regelbetrieb"
    assert row["legal_form"] == "oeffentlich-rechtliche-vereinbarung-delegierend"
    assert row["cooperation_model"] == "gemeinsame-einrichtung"
    assert row["task_areas"] == "standesamt"
    assert row["partner_ags"] == f"{LIPPSTADT} | {ERWITTE}"
    assert row["partner_county_keys"] == f"{KREIS_SOEST} | {KREIS_SOEST}"
    assert row["partner_roles"] == "lead | delegating"
    assert row["savings_percent"] == "12.5"
    assert row["sources"] == "https://example.org/quelle"
    assert row["first_published_at"] == page.first_published_at.isoformat()
    assert row["url"].endswith(page.url)
    organisation_row = by_id[profiles["it"].pk]
    assert organisation_row["partner_names"] == "Münster | Landschaftsverband Westfalen-Lippe"
    assert organisation_row["partner_ags"] == f"{MUENSTER} | "

    response = client.get("/daten/steckbriefe.json")
    assert response["Content-Disposition"] == 'attachment; filename="steckbriefe.json"'
    data = _json(response)
    assert data["count"] == len(data["steckbriefe"]) == published.count()
    record = {item["id"]: item for item in data["steckbriefe"]}[page.pk]
    assert record["title"] == page.title
    assert record["figures"]["savings_percent"] == 12.5
    assert [p["ags"] for p in record["partners"]] == [LIPPSTADT, ERWITTE]
    assert record["partners"][0]["role"] == "lead"
    assert record["task_areas"] == [{"slug": "standesamt", "name": "Standesamt"}]
    assert record["sources"][0]["url"] == "https://example.org/quelle"
    kreis = {item["id"]: item for item in data["steckbriefe"]}[profiles["kreis"].pk]
    assert kreis["partners"][0] == {
        "name": "Kreis Soest",
        "kind": "kreis",
        "ags": None,
        "county_key": KREIS_SOEST,
        "state_key": "05",
        "role": "lead",
        "role_label": "federführend / Sitz",
        "role_source": None,
    }


def test_drafts_and_private_contacts_are_in_no_export(client, profiles):
    for url in ("/daten/steckbriefe.csv", "/daten/steckbriefe.json"):
        text = _stream(client.get(url))
        assert "Geheimer Entwurf" not in text and "Doris Draft" not in text
        assert "Paula Privat" not in text and "paula@example.org" not in text
        assert "Otto Offen" in text and "otto@example.org" in text


def test_unpublished_profile_leaves_the_exports(client, profiles):
    profiles["it"].unpublish()
    data = _json(client.get("/daten/steckbriefe.json"))
    assert profiles["it"].pk not in {item["id"] for item in data["steckbriefe"]}
    assert client.get(f"/api/v1/steckbriefe/{profiles['it'].pk}/").status_code == 404


def test_municipality_exports_equal_the_register(client, django_assert_max_num_queries):
    response = client.get("/daten/gemeinden.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="gemeinden.csv"'
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]
    assert '</daten/>; rel="describedby"' in response["Link"]
    rows = _csv(response)
    assert len(rows) == Municipality.objects.count() == 10751
    assert len({row["ags"] for row in rows}) == len(rows)
    lippstadt = Municipality.objects.select_related("county", "state", "district").get(
        ags=LIPPSTADT
    )
    row = next(row for row in rows if row["ags"] == LIPPSTADT)
    assert row["name"] == lippstadt.name and row["ars"] == lippstadt.ars
    assert row["county_key"] == KREIS_SOEST
    assert row["county_name"] == lippstadt.county.display_name
    assert row["state_key"] == "05" and row["state_name"] == lippstadt.state.name
    assert row["district_name"] == lippstadt.district.name
    assert int(row["population"]) == lippstadt.population
    assert row["population_date"] == lippstadt.population_date.isoformat()
    assert Decimal(row["area_km2"]) == lippstadt.area_km2
    assert float(row["latitude"]) == lippstadt.latitude
    assert row["postcode"] == lippstadt.postcode
    assert sum(int(row["population"]) for row in rows) == sum(
        Municipality.objects.values_list("population", flat=True)
    )

    response = client.get("/daten/gemeinden.json")
    assert response["Content-Disposition"] == 'attachment; filename="gemeinden.json"'
    data = _json(response)
    assert data["quelle"] == REGISTER_ATTRIBUTION
    assert data["lizenz"]["url"] == LICENCE_URL
    assert data["count"] == len(data["gemeinden"]) == 10751
    record = next(item for item in data["gemeinden"] if item["ags"] == LIPPSTADT)
    assert record["population"] == lippstadt.population
    assert record["area_km2"] == float(lippstadt.area_km2)
    assert record["longitude"] == lippstadt.longitude


def test_county_exports_equal_the_register(client):
    response = client.get("/daten/kreise.csv")
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]
    rows = _csv(response)
    assert len(rows) == County.objects.count()
    soest = County.objects.get(key=KREIS_SOEST)
    row = next(row for row in rows if row["key"] == KREIS_SOEST)
    assert row["display_name"] == soest.display_name and row["kind"] == soest.kind
    assert int(row["population"]) == soest.population
    data = _json(client.get("/daten/kreise.json"))
    assert data["quelle"] == REGISTER_ATTRIBUTION
    assert data["count"] == len(data["kreise"]) == County.objects.count()


def test_data_page_links_the_downloads_and_shows_the_attribution(client):
    html = client.get("/daten/").content.decode()
    for url in (
        "/daten/steckbriefe.csv",
        "/daten/steckbriefe.json",
        "/daten/gemeinden.csv",
        "/daten/gemeinden.json",
        "/daten/kreise.csv",
        "/daten/kreise.json",
        "/api/v1/steckbriefe/",
        "/api/openapi.json",
        "/feeds/steckbriefe.atom",
    ):
        assert f'href="{url}"' in html, url
    assert "Statistisches Bundesamt (Destatis)" in html
    assert 'rel="alternate" type="application/atom+xml"' in html


def test_downloads_answer_head_requests(client):
    response = client.head("/daten/kreise.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kreise.csv"'


# --- API: profiles ----------------------------------------------------------------------------


def test_api_lists_published_profiles_only(client, profiles):
    data = client.get("/api/v1/steckbriefe/").json()
    assert data["total"] == 4
    assert profiles["draft"].pk not in _ids(data)
    assert "Paula Privat" not in json.dumps(data, ensure_ascii=False)
    assert client.get(f"/api/v1/steckbriefe/{profiles['draft'].pk}/").status_code == 404
    assert client.get("/api/v1/steckbriefe/999999/").json()["errors"]
    detail = client.get(f"/api/v1/steckbriefe/{profiles['standesamt'].pk}/").json()
    assert detail["title"] == profiles["standesamt"].title
    assert [contact["name"] for contact in detail["contacts"]] == ["Otto Offen"]


def test_api_pagination(client, profile):
    for number in range(7):
        profile(f"Kooperation {number}", start_year=2000 + number)
    first = client.get("/api/v1/steckbriefe/?page_size=3").json()
    assert (first["total"], first["page"], first["page_size"], first["num_pages"]) == (7, 1, 3, 3)
    assert len(first["results"]) == 3 and first["links"]["prev"] is None
    # The links use the one convention (seite, pro_seite); page and page_size still work.
    assert "seite=2" in first["links"]["next"] and "pro_seite=3" in first["links"]["next"]
    second = client.get(first["links"]["next"]).json()
    last = client.get("/api/v1/steckbriefe/?page_size=3&page=3").json()
    assert len(second["results"]) == 3 and len(last["results"]) == 1
    assert last["links"]["next"] is None and "seite=2" in last["links"]["prev"]
    assert client.get("/api/v1/steckbriefe/?pro_seite=3&seite=3").json() == last
    seen = _ids(first) | _ids(second) | _ids(last)
    assert len(seen) == 7
    # Behind the last page: 200, empty results, the correct total; prev leads back.
    beyond = client.get("/api/v1/steckbriefe/?page_size=3&page=9").json()
    assert beyond["results"] == [] and beyond["total"] == 7
    assert "seite=3" in beyond["links"]["prev"] and beyond["links"]["next"] is None
    assert client.get("/api/v1/steckbriefe/?page_size=100").json()["page_size"] == 100
    default = client.get("/api/v1/steckbriefe/").json()
    assert default["page_size"] == 20 and len(default["results"]) == 7


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("land=05", {"standesamt", "it", "kreis"}),
        ("land=09", {"bavaria"}),
        (f"kreis={KREIS_SOEST}", {"standesamt", "kreis"}),  # member municipality or the Kreis
        ("kreis=05515", {"it"}),
        ("aufgabe=standesamt", {"standesamt"}),
        ("aufgabe=innere-verwaltung", {"it", "bavaria"}),  # a parent finds its children
        ("rechtsform=oeffentlich-rechtliche-vereinbarung", {"standesamt"}),
        ("rechtsform=zweckverband", {"it"}),
        ("modell=gemeinsame-beschaffung", {"bavaria"}),
        ("phase=regelbetrieb", {"standesamt"}),
        ("startjahr_von=2016", {"it", "bavaria"}),
        ("startjahr_bis=2015", {"standesamt", "kreis"}),
        ("startjahr_von=2015&startjahr_bis=2020", {"standesamt", "it"}),
        ("land=05&phase=umsetzung", {"it"}),
        ("aufgabe=jugendamt", set()),
        # By name as well as by slug or key:
        ("aufgabe=Standesamt", {"standesamt"}),
        ("land=Nordrhein-Westfalen", {"standesamt", "it", "kreis"}),
        ("kreis=Kreis%20Soest", {"standesamt", "kreis"}),
    ],
)
def test_api_filters(client, profiles, query, expected):
    data = client.get(f"/api/v1/steckbriefe/?{query}").json()
    assert _ids(data) == {profiles[name].pk for name in expected}
    assert data["total"] == len(expected)


def test_api_filter_changed_since(client, profiles):
    CooperationPage.objects.filter(pk=profiles["it"].pk).update(
        last_published_at=timezone.now() - datetime.timedelta(days=400)
    )
    since = (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    data = client.get(f"/api/v1/steckbriefe/?geaendert_seit={since}").json()
    assert _ids(data) == {profiles[name].pk for name in ("standesamt", "bavaria", "kreis")}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("land=99", "land"),
        ("kreis=00000", "kreis"),
        ("aufgabe=gibtsnicht", "aufgabe"),
        ("rechtsform=gibtsnicht", "rechtsform"),
        ("modell=gibtsnicht", "modell"),
        ("phase=fertig", "phase"),
        ("startjahr_von=zwanzig", "startjahr_von"),
        ("startjahr_von=99999", "startjahr_von"),
        ("startjahr_von=2020&startjahr_bis=2010", "startjahr_bis"),
        ("geaendert_seit=gestern", "geaendert_seit"),
        ("geaendert_seit=2024-13-45", "geaendert_seit"),
        ("land=05&land=09", "land"),
        ("sortierung=neu", "sortierung"),
        ("aufgabe=" + "x" * 500, "aufgabe"),
        ("q=%00", "q"),
    ],
)
def test_api_bad_input_is_400_json(client, profiles, query, field):
    response = client.get(f"/api/v1/steckbriefe/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["errors"]


def test_api_is_read_only(client):
    assert client.post("/api/v1/steckbriefe/").status_code == 405
    assert client.post("/api/v1/gemeinden/").status_code == 405


# --- API: register ----------------------------------------------------------------------------


def test_api_municipalities(client):
    data = client.get("/api/v1/gemeinden/?page_size=100").json()
    assert data["total"] == Municipality.objects.count()
    assert data["num_pages"] == 108 and len(data["results"]) == 100
    assert data["quelle"] == REGISTER_ATTRIBUTION
    soest = client.get(f"/api/v1/gemeinden/?kreis={KREIS_SOEST}&page_size=100").json()
    assert soest["total"] == Municipality.objects.filter(county__key=KREIS_SOEST).count() == 14
    assert {item["county_key"] for item in soest["results"]} == {KREIS_SOEST}
    nrw = client.get("/api/v1/gemeinden/?land=05").json()
    assert nrw["total"] == Municipality.objects.filter(state__key="05").count() == 396
    lipp = client.get("/api/v1/gemeinden/?q=lippst").json()
    assert [item["ags"] for item in lipp["results"]] == [LIPPSTADT]
    assert (
        client.get("/api/v1/gemeinden/?land=05&q=Lipp").json()["total"]
        == Municipality.objects.filter(state__key="05", name__istartswith="Lipp").count()
    )
    last = client.get("/api/v1/gemeinden/?land=05&page=20").json()
    assert len(last["results"]) == 396 - 19 * 20 and last["links"]["next"] is None
    detail = client.get(f"/api/v1/gemeinden/{LIPPSTADT}/").json()
    assert detail["name"] == "Lippstadt" and detail["quelle"] == REGISTER_ATTRIBUTION
    assert detail["url"] == f"/gemeinden/{LIPPSTADT}/"
    assert client.get("/api/v1/gemeinden/00000000/").status_code == 404
    for query in ("land=xx", "kreis=1", "page_size=500", "foo=bar", "q=Lipp%00", "q=a%0Ab"):
        assert client.get(f"/api/v1/gemeinden/?{query}").status_code == 400, query


def test_api_counties(client):
    data = client.get("/api/v1/kreise/?land=05&page_size=100").json()
    assert data["total"] == County.objects.filter(state__key="05").count() == 53
    assert data["lizenz"]["url"] == LICENCE_URL
    assert (
        client.get("/api/v1/kreise/?q=Kreis%20So").json()["total"]
        == County.objects.filter(display_name__istartswith="Kreis So").count()
    )
    detail = client.get(f"/api/v1/kreise/{KREIS_SOEST}/").json()
    assert detail["display_name"] == "Kreis Soest" and detail["quelle"] == REGISTER_ATTRIBUTION
    assert client.get("/api/v1/kreise/99999/").status_code == 404
    assert client.get("/api/v1/kreise/?kreis=05974").status_code == 400
    assert client.get("/api/v1/kreise/?q=%00").status_code == 400
    assert client.get("/api/v1/steckbriefe/?land=0%005").status_code == 400


# --- OpenAPI --------------------------------------------------------------------------------


def _validator(document, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return OAS31Validator(schema)


def test_openapi_document_validates_and_describes_the_responses(client, profiles):
    document = client.get("/api/openapi.json").json()
    validate_spec(document)
    for path in (
        "/api/v1/steckbriefe/",
        "/api/v1/steckbriefe/{id}/",
        "/api/v1/gemeinden/",
        "/api/v1/gemeinden/{ags}/",
        "/api/v1/kreise/",
        "/api/v1/kreise/{key}/",
    ):
        assert path in document["paths"], path
    names = {p["name"] for p in document["paths"]["/api/v1/steckbriefe/"]["get"]["parameters"]}
    assert names == {
        "land",
        "kreis",
        "aufgabe",
        "rechtsform",
        "modell",
        "phase",
        "startjahr_von",
        "startjahr_bis",
        "geaendert_seit",
        "seite",
        "pro_seite",
    }
    checks = [
        ("/api/v1/steckbriefe/", "ProfilePage"),
        (f"/api/v1/steckbriefe/{profiles['standesamt'].pk}/", "Profile"),
        (f"/api/v1/steckbriefe/{profiles['it'].pk}/", "Profile"),
        ("/api/v1/gemeinden/?land=05", "MunicipalityPage"),
        (f"/api/v1/gemeinden/{LIPPSTADT}/", "MunicipalityWithLicence"),
        ("/api/v1/kreise/", "CountyPage"),
        (f"/api/v1/kreise/{KREIS_SOEST}/", "CountyWithLicence"),
        ("/api/v1/steckbriefe/?page=0", "Error"),
        ("/api/v1/kreise/00000/", "Error"),
    ]
    for url, schema in checks:
        _validator(document, schema).validate(client.get(url).json())


# --- feeds and sitemap ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/feeds/steckbriefe.rss", "/feeds/steckbriefe.atom"])
def test_feeds_list_published_profiles(client, profiles, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("standesamt", "it", "bavaria", "kreis"):
        assert profiles[name].title in text
        assert profiles[name].url in text
    assert profiles["standesamt"].summary in text
    assert "Geheimer Entwurf" not in text
    if url.endswith(".atom"):
        assert response["Content-Type"].startswith("application/atom+xml")
        assert "<updated>" in text
    else:
        assert response["Content-Type"].startswith("application/rss+xml")
        assert "<pubDate>" in text


def test_sitemap_lists_pages_register_and_static_views_but_no_drafts(client, profiles):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    assert profiles["standesamt"].url in text
    assert profiles["draft"].slug not in text
    for path in (
        "/suche/",
        "/partnersuche/",
        "/boerse/",
        "/daten/",
        f"/gemeinden/{LIPPSTADT}/",
        f"/kreise/{KREIS_SOEST}/",
    ):
        assert f"{path}</loc>" in text, path
    assert text.count("/gemeinden/") == Municipality.objects.count()
