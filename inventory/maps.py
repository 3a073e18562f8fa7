"""The choropleth map of the NRW municipalities, drawn from the register's boundaries.

Projection and path data come from ``register.templatetags.register_maps`` (the same code
as every other map of the site). Projecting the 396 boundaries takes a while, so the path
data is computed once per process and content generation (``caching.in_process``; a
register change starts a new generation).
"""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kooperationsatlas import caching
from register.models import Municipality
from register.templatetags.register_maps import Projection, path_data

from .figures import MAP_CLASSES, map_class

# Sequential blues from light to dark; the count is also in each area's <title>, in the
# legend's words and in the table below the map, so colour never carries it alone.
CLASS_COLOURS = {"0": "#eef2f5", "1": "#a6cbe3", "2": "#4a8dbf", "3": "#0b3d6b"}
LINE_COLOUR = "#7d8b97"


class BoundaryPaths:
    """Path data per AGS for all municipalities with a boundary, in one projection."""

    def __init__(self, rows):
        rows = [(ags, name, boundary) for ags, name, boundary in rows if boundary]
        self.paths = []
        if not rows:
            self.width = self.height = 0
            return
        project = Projection([boundary for _, _, boundary in rows])
        self.width, self.height = project.width, project.height
        for ags, name, boundary in rows:
            d = path_data(boundary, project)
            if d:
                self.paths.append((ags, name, d))


def boundary_paths(request=None):
    """The ``BoundaryPaths`` of the current register, kept per process and content
    generation."""

    def build():
        rows = (
            Municipality.objects.filter(boundary__isnull=False)
            .order_by("ags")
            .values_list("ags", "name", "boundary")
        )
        return BoundaryPaths(list(rows))

    return caching.in_process(("inventory-boundary-paths",), build, request)


def cooperations_text(count):
    return "1 Kooperation" if count == 1 else f"{count} Kooperationen"


def choropleth(counts, *, map_id, title, description):
    """``counts``: {ags: number of cooperations}. Returns "" without boundaries."""
    return class_map(
        lambda ags: (map_class(counts.get(ags, 0)), cooperations_text(counts.get(ags, 0))),
        CLASS_COLOURS,
        map_id=map_id,
        title=title,
        description=description,
    )


def class_map(classify, colours, *, map_id, title, description):
    """The NRW municipalities coloured by class: ``classify(ags)`` gives (css suffix, text
    for the area's title), ``colours`` {suffix: colour}. Returns "" without boundaries."""
    paths = boundary_paths()
    if not paths.paths:
        return ""
    url_pattern = reverse("register:municipality", args=["00000000"])
    items = []
    for ags, name, d in paths.paths:
        suffix, text = classify(ags)
        # Pointer shortcut only: the table lists the same municipalities as links, so the
        # 396 areas stay out of the tab order.
        items.append(
            format_html(
                '<a href="{}" tabindex="-1"><path class="choropleth-c{}" fill="{}" d="{}">'
                "<title>{}: {}</title></path></a>",
                url_pattern.replace("00000000", ags),
                suffix,
                colours[suffix],
                d,
                name,
                text,
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" viewBox="0 0 {} {}" '
        'role="group" aria-labelledby="{}-title {}-desc" fill-rule="evenodd">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<g class="choropleth-areas" stroke="{}" stroke-width="0.6">{}</g></svg>',
        paths.width,
        paths.height,
        map_id,
        map_id,
        map_id,
        title,
        map_id,
        description,
        LINE_COLOUR,
        mark_safe("".join(items)),
    )


def legend_items():
    """(css suffix, label, colour) of the map classes."""
    return [(suffix, label, CLASS_COLOURS[suffix]) for suffix, label, _, _ in MAP_CLASSES]
