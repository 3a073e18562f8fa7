"""Page routing from the route map (kooperationsatlas.routing) agrees with Wagtail's walk."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from cooperations.models import CooperationIndexPage
from kooperationsatlas import caching, routing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300  # the map is remembered only with the page cache on


def wagtail_route(path):
    request = RequestFactory().get("/" + path)
    result = Page.route_for_request(request, path)
    return result and result[0]


def test_every_live_page_is_found_as_wagtail_finds_it(site_tree, make_profile):
    home, index = site_tree
    make_profile("Standesamt Eins")
    make_profile("Standesamt Zwei")
    make_profile("Entwurf", publish=False)
    paths = [""] + [
        page.url_path[len(home.url_path) :] for page in Page.objects.descendant_of(home)
    ]
    assert len(paths) >= 5
    for path in paths:
        request = RequestFactory().get("/" + path)
        ours, theirs = routing.page_for_path(request, path), wagtail_route(path)
        if theirs is None:
            assert ours is None, path  # the draft: not live, not routed
        else:
            assert (type(ours), ours.pk) == (type(theirs), theirs.pk), path
    assert routing.page_for_path(RequestFactory().get("/gibt-es-nicht/"), "gibt-es-nicht/") is None


def test_one_query_for_a_profile_once_the_map_is_built(
    client, make_profile, django_assert_max_num_queries
):
    page = make_profile("Standesamt Weg")
    path = page.url[1:]
    routing.page_for_path(RequestFactory().get(page.url), path)  # builds the map
    request = RequestFactory().get(page.url)
    request.page_cache_generation = caching.generation()  # read by the cache middleware
    with django_assert_max_num_queries(2):  # the site, the page
        found = routing.page_for_path(request, path)
    assert found.pk == page.pk and isinstance(found, type(page.specific))


def test_publish_unpublish_and_move_change_the_map_at_once(client, site_tree, make_profile):
    _, index = site_tree
    page = make_profile("Standesamt Wandel")
    assert client.get(page.url).status_code == 200
    page.unpublish()
    assert client.get(page.url).status_code == 404
    page.save_revision().publish()
    assert client.get(page.url).status_code == 200
    page.slug = "standesamt-neu"
    page.save_revision().publish()
    assert client.get(page.url).status_code == 404
    page.refresh_from_db()
    assert page.url.endswith("/standesamt-neu/")
    assert client.get(page.url).status_code == 200


def test_view_restrictions_still_apply(client, make_profile):
    page = make_profile("Standesamt Geschlossen")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_pages_below_a_page_type_with_its_own_route_are_left_to_wagtail(
    monkeypatch, site_tree, make_profile
):
    page = make_profile("Standesamt Sonderweg")
    path = page.url[1:]
    request = RequestFactory().get(page.url)
    assert routing.page_for_path(request, path).pk == page.pk
    monkeypatch.setattr(CooperationIndexPage, "route", lambda self, *a, **k: None, raising=False)
    caching.bump()  # a code change comes with a restart; here: a new generation
    assert routing.page_for_path(RequestFactory().get(page.url), path) is None


def test_the_utility_views_of_wagtail_are_not_taken_for_pages(client, site_tree):
    response = client.get("/_util/login/")
    assert response.status_code == 200
