"""Inline SVG maps of municipality boundaries: no JavaScript, no map tiles, no third party.

GeoJSON Polygon/MultiPolygon geometries (WGS84) are drawn with an equirectangular
projection whose x axis is scaled by the cosine of a latitude, so shapes keep their
proportions at NRW latitudes. Coordinates are rounded to whole units of the viewBox and
written as relative path steps to keep the HTML small.

Two ways to project:

* ``Projection`` fits a set of geometries into a viewBox of SIZE units (the state maps of
  the dashboard and the partner search, each projected once per process).
* ``render_map`` (the local maps of profiles, municipalities and Kreise) draws on a fixed
  grid with zoom levels a factor of √2 apart (``grid_level``), and the viewBox is the
  section of the grid the shapes cover. A boundary's path data on a level is then the same
  on every map, so it is computed once per process and content generation
  (``caching.in_process``) instead of once per page: drawing it was most of the cost of a
  map.
"""

import math
from dataclasses import dataclass

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from register.models import register_url

register = template.Library()

SIZE = 800  # the longer side of the viewBox
PADDING = 4


# The fixed grid of ``render_map``: x = (lon - GRID_LON) · cos(GRID_LAT) · scale,
# y = (GRID_NORTH - lat) · scale, with scale = 2^(level / 2) units per degree of latitude.
GRID_LAT = 51.5  # the middle of NRW, where the boundaries are
GRID_X_FACTOR = math.cos(math.radians(GRID_LAT))
GRID_LON = 5.0
GRID_NORTH = 56.0


@dataclass
class Shape:
    geometry: dict
    name: str
    url: str = ""
    highlighted: bool = False
    key: object = None  # e.g. the municipality's pk: path data is memoised under it


def rings(geometry):
    """All linear rings (outer and holes) of a Polygon or MultiPolygon, as [(lon, lat), …]."""
    if not geometry:
        return []
    coordinates = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return list(coordinates)
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


class Projection:
    """Maps (lon, lat) into a viewBox of SIZE units on its longer side, north up."""

    def __init__(self, geometries, size=SIZE, padding=PADDING):
        points = [point for geometry in geometries for ring in rings(geometry) for point in ring]
        if not points:
            raise ValueError("no coordinates to project")
        lons = [point[0] for point in points]
        lats = [point[1] for point in points]
        self.min_lon, self.max_lat = min(lons), max(lats)
        min_lat = min(lats)
        self.x_factor = math.cos(math.radians((min_lat + self.max_lat) / 2))
        span_x = (max(lons) - self.min_lon) * self.x_factor
        span_y = self.max_lat - min_lat
        self.scale = (size - 2 * padding) / max(span_x, span_y, 1e-9)
        self.padding = padding
        self.width = round(span_x * self.scale) + 2 * padding
        self.height = round(span_y * self.scale) + 2 * padding

    def __call__(self, lon, lat):
        x = self.padding + (lon - self.min_lon) * self.x_factor * self.scale
        y = self.padding + (self.max_lat - lat) * self.scale
        return round(x), round(y)


def path_data(geometry, project):
    """SVG path data: one closed subpath per ring, absolute start, relative integer steps."""
    return _path_data(
        geometry,
        project.min_lon,
        project.max_lat,
        project.x_factor * project.scale,
        project.scale,
        project.padding,
    )[0]


def _path_data(geometry, west, north, x_scale, y_scale, offset=0):
    """(path data, (min x, min y, max x, max y)) of ``geometry`` with x = offset + (lon -
    west) · x_scale, y = offset + (north - lat) · y_scale, rounded; the bounds are None when
    every ring collapsed to a dot or a line at that scale."""
    parts, xs, ys = [], [], []
    # The loop runs for every point of a boundary (hundreds): kept plain and inlined.
    for ring in rings(geometry):
        points = []
        last = None
        for point in ring:
            projected = (
                round(offset + (point[0] - west) * x_scale),
                round(offset + (north - point[1]) * y_scale),
            )
            if projected != last:
                points.append(projected)
                last = projected
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()  # "z" closes the ring
        if len(points) < 3:
            continue  # collapsed to a dot or a line at this scale
        (x, y), steps = points[0], []
        for px, py in points[1:]:
            steps.append(f"{px - x},{py - y}")
            x, y = px, py
        parts.append(f"M{points[0][0]},{points[0][1]}l{' '.join(steps)}z")
        xs += (min(p[0] for p in points), max(p[0] for p in points))
        ys += (min(p[1] for p in points), max(p[1] for p in points))
    if not parts:
        return "", None
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


def grid_level(bounds, size=SIZE, padding=PADDING):
    """The finest grid level on which ``bounds`` (min lon, min lat, max lon, max lat) fit
    into ``size`` units on the longer side."""
    min_lon, min_lat, max_lon, max_lat = bounds
    span = max((max_lon - min_lon) * GRID_X_FACTOR, max_lat - min_lat, 1e-9)
    return math.floor(2 * math.log2((size - 2 * padding) / span))


def grid_path(geometry, level):
    """(path data, bounds) of ``geometry`` on a grid level (see ``_path_data``)."""
    scale = 2 ** (level / 2)
    return _path_data(geometry, GRID_LON, GRID_NORTH, GRID_X_FACTOR * scale, scale)


def geographic_bounds(geometry):
    points = [point for ring in rings(geometry) for point in ring]
    lons = [point[0] for point in points]
    lats = [point[1] for point in points]
    return min(lons), min(lats), max(lons), max(lats)


def _memoised(memo, key, compute, *args):
    """``compute(*args)``, kept in ``memo`` under ``key`` unless ``key[0]`` (the shape's key)
    is None."""
    if memo is None or key[0] is None:
        return compute(*args)
    if key not in memo:
        memo[key] = compute(*args)
    return memo[key]


def render_map(shapes, title, description="", map_id="karte", paths=None):
    """An inline <svg> for the shapes, or "" if none of them has coordinates.

    ``paths``: a dict kept by the caller in which bounds and path data of shapes with a
    ``key`` are stored (``boundary_map`` passes one kept per process and generation)."""
    shapes = [shape for shape in shapes if rings(shape.geometry)]
    if not shapes:
        return ""
    corners = [
        _memoised(paths, (shape.key, "bounds"), geographic_bounds, shape.geometry)
        for shape in shapes
    ]
    level = grid_level(
        (
            min(c[0] for c in corners),
            min(c[1] for c in corners),
            max(c[2] for c in corners),
            max(c[3] for c in corners),
        )
    )
    drawn = [
        (shape, _memoised(paths, (shape.key, level), grid_path, shape.geometry, level))
        for shape in shapes
    ]
    drawn = [(shape, d, box) for shape, (d, box) in drawn if d]
    if not drawn:
        return ""
    min_x = min(box[0] for _, _, box in drawn) - PADDING
    min_y = min(box[1] for _, _, box in drawn) - PADDING
    width = max(box[2] for _, _, box in drawn) + PADDING - min_x
    height = max(box[3] for _, _, box in drawn) + PADDING - min_y
    map_id = slugify(map_id) or "karte"
    layers = []
    for css_class, highlighted in (("map-context", False), ("map-highlight", True)):
        items = []
        for shape, d, _box in drawn:
            if shape.highlighted != highlighted:
                continue
            path = format_html('<path d="{}"><title>{}</title></path>', d, shape.name)
            if shape.url:
                # Pointer shortcut only: the page lists the same links as text, so the shapes
                # stay out of the tab order; the svg is a labelled group, since an image
                # (role="img") may not contain links.
                path = format_html('<a href="{}" tabindex="-1">{}</a>', shape.url, path)
            items.append(path)
        if items:
            layers.append(format_html('<g class="{}">{}</g>', css_class, mark_safe("".join(items))))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="{} {} {} {}" '
        'role="group" aria-labelledby="{}-title {}-desc" fill-rule="evenodd">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        min_x,
        min_y,
        width,
        height,
        map_id,
        map_id,
        map_id,
        title,
        map_id,
        description or _describe([shape for shape, _d, _box in drawn]),
        mark_safe("".join(layers)),
    )


def _describe(shapes):
    highlighted = [shape.name for shape in shapes if shape.highlighted]
    context = [shape.name for shape in shapes if not shape.highlighted]
    text = []
    if highlighted:
        text.append("Hervorgehoben: " + ", ".join(highlighted) + ".")
    if context:
        text.append("Umgebung: " + ", ".join(context) + ".")
    return " ".join(text)


def boundaries(request, municipalities):
    """{pk: GeoJSON geometry} of those ``municipalities`` that have a boundary.

    Boundaries are the largest field of the register (about 5 KB of JSON each) and the same
    few hundred are drawn on page after page: the queries that feed the maps leave them out
    (``defer("boundary")``); a boundary already loaded on the object is used as it is, the
    others come from all boundaries, read at once and kept per process and content
    generation (``caching.in_process``: parsing them per page cost a profile page about
    2 ms, a Kreis page more)."""
    from kooperationsatlas import caching
    from register.models import Municipality

    def all_boundaries():
        return dict(
            Municipality.objects.filter(boundary__isnull=False)
            .order_by()
            .values_list("pk", "boundary")
        )

    found, wanted = {}, []
    for municipality in municipalities:
        if "boundary" in vars(municipality):
            found[municipality.pk] = municipality.boundary
        else:
            wanted.append(municipality.pk)
    if wanted:
        known = caching.in_process(("municipality-boundaries",), all_boundaries, request)
        found.update((pk, known.get(pk)) for pk in wanted)
    return {pk: geometry for pk, geometry in found.items() if geometry}


def _shapes(municipalities, geometries, highlighted, link):
    return [
        Shape(
            geometry=geometries[municipality.pk],
            name=municipality.name,
            url=municipality.get_absolute_url() if link else "",
            highlighted=highlighted,
            key=municipality.pk,
        )
        for municipality in municipalities
        if municipality.pk in geometries
    ]


@register.simple_tag(takes_context=True)
def boundary_map(
    context,
    highlighted,
    around=None,
    *,
    title,
    description="",
    map_id="karte",
    link_highlighted=True,
    link_context=True,
):
    """{% boundary_map municipalities neighbours title="…" %}: municipalities with a boundary
    are drawn (highlighted vs. context) and linked to their pages."""
    if not hasattr(highlighted, "__iter__"):
        highlighted = [highlighted]  # a single municipality
    highlighted = list(highlighted or ())
    seen = {municipality.pk for municipality in highlighted}
    around = [municipality for municipality in around or () if municipality.pk not in seen]
    from kooperationsatlas import caching

    request = context.get("request")
    geometries = boundaries(request, highlighted + around)
    shapes = _shapes(around, geometries, False, link_context)
    shapes += _shapes(highlighted, geometries, True, link_highlighted)
    paths = caching.in_process(("municipality-map-paths",), dict, request)
    return render_map(shapes, title, description, map_id, paths=paths)


@register.simple_tag
def partner_municipalities(partners):
    """The municipalities a profile's partners stand for: the partner municipalities and all
    municipalities of partner Kreise, each once, in partner order."""
    from register.models import Municipality

    found, seen = [], set()
    county_ids = []
    for partner in partners:
        if partner.municipality_id and partner.municipality_id not in seen:
            seen.add(partner.municipality_id)
            found.append(partner.municipality)
        elif partner.county_id:
            county_ids.append(partner.county_id)
    if county_ids:
        for municipality in (
            Municipality.objects.filter(county_id__in=county_ids, boundary__isnull=False)
            .defer("boundary")
            .order_by("name")
        ):
            if municipality.pk not in seen:
                seen.add(municipality.pk)
                found.append(municipality)
    return found


@dataclass(frozen=True)
class Place:
    """A municipality as a map needs it (not a model instance)."""

    pk: int
    name: str
    url: str

    def get_absolute_url(self):
        return self.url


@register.simple_tag(takes_context=True)
def surrounding_municipalities(context, municipalities):
    """Municipalities that border the given ones from outside, by name: context for a map
    (one query for the borders)."""
    from register.models import Municipality, Neighbourhood

    ids = set(boundaries(context.get("request"), municipalities))
    if not ids:
        return []
    bordering = Neighbourhood.objects.filter(neighbour_id__in=ids).values("municipality_id")
    rows = (
        Municipality.objects.filter(pk__in=bordering)
        .exclude(pk__in=ids)
        .values_list("pk", "name", "ags")
    )
    places = [Place(pk, name, register_url("register:municipality", ags)) for pk, name, ags in rows]
    return sorted(places, key=lambda place: place.name)


# --- point maps: where no boundaries exist (outside NRW) ------------------------------

POINT_PADDING = 90  # room for the labels around the outermost points
POINT_KINDS = ("other", "partner", "self")  # drawing order: the marked ones on top


@dataclass(frozen=True)
class Point:
    """A municipality on a point map: its centre from the register and what it is there
    ("self": the page's own municipality, "partner": a partner in one of its
    cooperations or a partner of the Kreis's, "other": context)."""

    name: str
    lon: float
    lat: float
    kind: str = "other"


def render_point_map(points, title, description, map_id="punktkarte"):
    """An inline <svg> with the points (register centre coordinates), or "" without any.

    The projection is the same equirectangular one as the boundary maps; "self" is a large
    circle, a partner a diamond, the others small grey dots, so the marks differ in shape
    as well as colour, and the marked ones carry their names."""
    points = [point for point in points if point.lon is not None and point.lat is not None]
    if not points:
        return ""
    min_lon, max_lon = min(p.lon for p in points), max(p.lon for p in points)
    min_lat, max_lat = min(p.lat for p in points), max(p.lat for p in points)
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span = max((max_lon - min_lon) * x_factor, max_lat - min_lat, 0.05)
    scale = (SIZE - 2 * POINT_PADDING) / span
    width = round((max_lon - min_lon) * x_factor * scale) + 2 * POINT_PADDING
    height = round((max_lat - min_lat) * scale) + 2 * POINT_PADDING

    def at(point):
        return (
            round(POINT_PADDING + (point.lon - min_lon) * x_factor * scale),
            round(POINT_PADDING + (max_lat - point.lat) * scale),
        )

    marks, labels = [], []
    for kind in POINT_KINDS:
        for point in sorted((p for p in points if p.kind == kind), key=lambda p: p.name):
            x, y = at(point)
            if kind == "self":
                mark = format_html('<circle cx="{}" cy="{}" r="14"></circle>', x, y)
            elif kind == "partner":
                mark = format_html('<path d="M{},{}l12,12l-12,12l-12,-12z"></path>', x, y - 12)
            else:
                mark = format_html('<circle cx="{}" cy="{}" r="5"></circle>', x, y)
            marks.append(
                format_html(
                    '<g class="map-point map-point--{}">{}<title>{}</title></g>',
                    kind,
                    mark,
                    point.name,
                )
            )
            if kind != "other":
                labels.append(
                    format_html(
                        '<text class="map-point-label map-point-label--{}" x="{}" y="{}" '
                        'text-anchor="middle">{}</text>',
                        kind,
                        x,
                        y - 20,
                        point.name,
                    )
                )
    map_id = slugify(map_id) or "punktkarte"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="map map--points" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        width,
        height,
        map_id,
        map_id,
        map_id,
        title,
        map_id,
        description,
        mark_safe("".join(marks)),
        mark_safe("".join(labels)),
    )
