"""Wagtail's page routing from a map of URL paths, kept per content generation.

To find the page for a URL, Wagtail walks the tree from the site's root page, one query
for each level's child and one for its specific type: five or six queries for a profile,
on every request that the page cache does not answer. ``serve`` instead looks the path up
in a map {path below the site root: (content type, page id)} of all live pages, built
with one query per process and content generation (``caching.remember``: every publish,
unpublish, move or deletion starts a new one), loads the page with one query and hands it
to Wagtail's own view through the attribute Wagtail reads first
(``request._wagtail_route_for_request``); the Site for the host comes from the page
cache middleware's memo (``caching.remember_wagtail_site``). The result is what Wagtail's
walk returns: the live page whose ``url_path`` is the site root's plus the path (Wagtail
checks ``live`` only on the last page). Everything after routing (view restrictions, the
``before_serve_page`` hooks, ``serve``) stays Wagtail's. Paths not in the map, and pages
below a page type with its own ``route()`` (routable pages), are routed by Wagtail.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from . import caching

# Wagtail's serve pattern (WAGTAIL_APPEND_SLASH), without its own "_util/" views.
SERVE_PATTERN = r"^(?!_util/)((?:[\w\-]+/)*)$"


def serve(request, path):
    if not hasattr(request, "_wagtail_route_for_request"):
        page = page_for_path(request, path)
        if page is not None:
            if not restricts(request, page):
                # Wagtail's view-restriction hook would read the restrictions of the page and
                # its ancestors again (two queries); the memo already says there are none.
                page.get_view_restrictions = PageViewRestriction.objects.none
            request._wagtail_route_for_request = RouteResult(page)
    return wagtail_serve(request, path)


def view_restrictions(request):
    """((path, depth) of every page with a view restriction, whether any page is an alias),
    remembered per content generation: saving or deleting a restriction and moving a page
    start a new one."""

    def lookup():
        return (
            tuple(PageViewRestriction.objects.values_list("page__path", "page__depth")),
            Page.objects.filter(alias_of__isnull=False).exists(),
        )

    return caching.remember(request, ("view-restrictions",), lookup)


def restricts(request, page):
    """Whether a view restriction may apply to ``page`` (on it or an ancestor; an alias
    takes its source's, so with aliases Wagtail decides)."""
    restricted, aliases = view_restrictions(request)
    return aliases or any(page.path.startswith(path) for path, _depth in restricted)


def public(request, pages):
    """``pages.public()``, Wagtail's filter (not in or below a restricted page), from the
    memo instead of a query for the restrictions on every call."""
    restricted, _aliases = view_restrictions(request)
    private = Q()
    for path, depth in restricted:
        private |= Q(path__startswith=path, depth__gte=depth)
    return pages.exclude(private) if private else pages


def page_for_path(request, path):
    """The live page at ``path`` (below the request's site root) from the route map, or
    None when the map does not know it (then Wagtail routes as usual)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    routes = caching.remember(request, ("page-routes", site.pk), lambda: route_map(site))
    found = routes.get(path)
    if found is None:
        return None
    content_type_id, page_id = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    # No ordering (``first()`` would add one): there is one row or none.
    return next(iter(model.objects.filter(pk=page_id, live=True)), None)


def route_map(site):
    """{path below the site root ("" for the root, else "a/b/"): (content type id, id)}
    of the live pages Wagtail's own walk would find."""
    root_path = site.root_page.url_path
    rows = list(
        Page.objects.filter(url_path__startswith=root_path).values_list(
            "url_path", "content_type_id", "pk", "live"
        )
    )
    own_routing = tuple(
        url_path
        for url_path, content_type_id, _pk, _live in rows
        if _routes_itself(content_type_id)
    )
    return {
        url_path[len(root_path) :]: (content_type_id, pk)
        for url_path, content_type_id, pk, live in rows
        if live and not url_path.startswith(own_routing)
    }


def _routes_itself(content_type_id):
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model is not None and getattr(model, "route", Page.route) is not Page.route
