"""Page routing below the home page (HomePage.route, kooperationsatlas.routing) agrees with
Wagtail's walk, in two queries, through Wagtail's public ``route()`` only."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from cooperations.models import CooperationIndexPage
from kooperationsatlas import routing

pytestmark = pytest.mark.django_db


def walk(home, path):
    """Wagtail's own walk (Page.route of the base class) from the home page."""
    components = [part for part in path.split("/") if part]
    try:
        return Page.route(home, RequestFactory().get("/" + path), components)
    except Http404:
        return None


def ours(home, path):
    components = [part for part in path.split("/") if part]
    try:
        return home.route(RequestFactory().get("/" + path), components)
    except Http404:
        return None


def test_every_page_is_found_as_wagtail_finds_it(site_tree, make_profile):
    home, index = site_tree
    make_profile("Standesamt Eins")
    make_profile("Standesamt Zwei")
    make_profile("Entwurf", publish=False)
    paths = [page.url_path[len(home.url_path) :] for page in Page.objects.descendant_of(home)]
    paths += ["gibt-es-nicht/", "kooperationen/gibt-es-nicht/", "standesamt-eins/"]
    assert len(paths) >= 7
    found = 0
    for path in paths:
        theirs = walk(home, path)
        result = ours(home, path)
        if theirs is None:
            assert result is None, path  # the draft (not live), unknown paths: 404
        else:
            found += 1
            assert type(result.page) is type(theirs.page), path
            assert (result.page.pk, result.args, result.kwargs) == (
                theirs.page.pk,
                theirs.args,
                theirs.kwargs,
            ), path
    assert found >= 3


def test_a_profile_is_routed_with_two_queries(make_profile, django_assert_num_queries):
    page = make_profile("Standesamt Weg")
    home = page.get_parent().get_parent().specific
    components = [part for part in page.url.split("/") if part]
    with django_assert_num_queries(2):  # the candidates of every level, the page
        result = home.route(RequestFactory().get(page.url), components)
    assert result.page.pk == page.pk and type(result.page) is type(page.specific)


def test_publish_unpublish_and_move_change_the_route_at_once(client, site_tree, make_profile):
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


def test_a_page_type_with_its_own_route_gets_the_rest_of_the_path(
    monkeypatch, site_tree, make_profile
):
    home, _index = site_tree
    page = make_profile("Standesamt Sonderweg")
    seen = []

    def own_route(self, request, path_components):
        seen.append((self.pk, list(path_components)))
        return Page.route(self, request, path_components)

    monkeypatch.setattr(CooperationIndexPage, "route", own_route, raising=False)
    assert routing.routes_itself(CooperationIndexPage)
    path = page.url[1:]
    assert ours(home.specific, path).page.pk == page.pk
    assert seen == [(page.get_parent().pk, [page.slug])]


def test_the_utility_views_of_wagtail_are_still_served(client, site_tree):
    response = client.get("/_util/login/")
    assert response.status_code == 200
