"""Page routing below the home page, through Wagtail's public ``route()``.

Wagtail finds the page for a URL by walking the tree from the site's root page, one query
for each level's child and one for its specific type: five or six queries for a profile.
``HomePage.route`` (``site/models.py``) calls ``route_below`` instead, which reads the
candidates of every level at once (the pages below the root whose slug is one of the
path's, at the depth of that slug: one query on Wagtail's indexed ``slug`` and ``path``),
picks the chain Wagtail's walk would take (each page a child of the one before) and loads
the last page with one query: two queries for any page, without a memo. Where a page on
the way routes itself (a page type with its own ``route()``, e.g. a routable page), that
page's ``route()`` gets the rest of the path, as in Wagtail's walk; the last page's own
``route()`` decides as well (Wagtail's answers 404 for a page that is not live).
Everything after routing (Site lookup, view restrictions, the ``before_serve_page`` hooks,
``serve``) is Wagtail's own.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page


def route_below(root, request, path_components):
    """What ``root.route(request, path_components)`` returns with Wagtail's walk."""
    depth = root.depth
    rows = list(Page.objects.filter(
        path__startswith=root.path,
        depth__gt=depth,
        depth__lte=depth + len(path_components),
        slug__in=set(path_components),
    ).values_list("path", "depth", "slug", "content_type_id", "pk"))
    by_level = {(row[1], row[2]): [] for row in rows}
    for row in rows:
        by_level[row[1], row[2]].append(row)
    parent_path = root.path
    for level, slug in enumerate(path_components, start=1):
        children = [
            row for row in by_level.get((depth + level, slug), ()) if row[0].startswith(parent_path)
        ]
        if not children:
            raise Http404
        path, _depth, _slug, content_type_id, pk = children[0]
        model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
        last = level == len(path_components)
        if last or routes_itself(model):
            page = model.objects.get(pk=pk)
            return page.route(request, path_components[level:])
        parent_path = path
    raise Http404  # not reached: path_components is not empty


def routes_itself(model):
    """Whether pages of ``model`` route their sub-paths with a ``route()`` of their own."""
    return getattr(model, "route", Page.route) is not Page.route
