"""The map of the suggestions: zoomed to the query and its suggestions, numbered markers.

The map shows the section of NRW that holds the query and the suggestions (plus a margin),
drawn on the fixed grid of the local maps (``register_maps.grid_level``/``grid_path``): a
boundary's path data on a zoom level is computed once per process and content generation
(``caching.in_process``).
Suggestions are filled, the query is outlined, every suggestion in the section carries its
number in a marker; markers that would overlap are pushed apart (a short line leads back to
the centre), so each number stays readable. Plain inline SVG: no JavaScript, no tiles.
"""

import math
import threading

import numpy as np
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kooperationsatlas import caching
from register.models import Municipality
from register.templatetags.register_maps import (
    GRID_LON,
    GRID_NORTH,
    GRID_X_FACTOR,
    geographic_bounds,
    grid_level,
    grid_path,
)

MAP_SIZE = 560  # the longer side of the viewBox, in units
MARGIN = 0.12  # of the section's span on each side, so border shapes show some context
MIN_SPAN_DEG = 0.12  # latitude degrees: a section never zooms closer than about 13 km
MARKER_RADIUS = 10  # units; the viewBox is about MAP_SIZE on its longer side at every zoom
MARKER_GAP = 2
RELAX_ROUNDS = 400  # at most; a few dozen suffice for the densest lists


class BaseMap:
    """All NRW boundaries with their geographic bounds; path data per zoom level on demand."""

    def __init__(self, rows):
        self.geometries = {ags: geometry for ags, _, geometry in rows}
        self.names = {ags: name for ags, name, _ in rows}
        self.bounds = {ags: geographic_bounds(geometry) for ags, _, geometry in rows}
        self.levels = {}  # level -> {ags: (path data, box)}
        self._lock = threading.Lock()

    def drawn(self, level, keys):
        """{ags: finished <path> element} on ``level`` ("" for a shape too small to draw)."""
        with self._lock:
            paths = self.levels.setdefault(level, {})
            for ags in keys:
                if ags not in paths:
                    data, _ = grid_path(self.geometries[ags], level)
                    paths[ags] = (
                        format_html('<path d="{}"><title>{}</title></path>', data, self.names[ags])
                        if data
                        else ""
                    )
            return {ags: paths[ags] for ags in keys}


def base_map(request=None):
    """The ``BaseMap`` of all boundaries (None without any), kept per process and content
    generation."""

    def build():
        rows = list(
            Municipality.objects.filter(boundary__isnull=False)
            .order_by("ags")
            .values_list("ags", "name", "boundary")
        )
        return BaseMap(rows) if rows else None

    return caching.in_process(("matchmaking-base-map",), build, request)


def _keys_of(bodies, body):
    return [bodies.keys[m] for m in bodies.members.get(body, (body,))]


def _section(base, keys, points):
    """(min lon, min lat, max lon, max lat) around the shapes and points, with a margin."""
    corners = [base.bounds[k] for k in keys] + [(lon, lat, lon, lat) for lon, lat in points]
    west = min(c[0] for c in corners)
    south = min(c[1] for c in corners)
    east = max(c[2] for c in corners)
    north = max(c[3] for c in corners)
    span_y = max(north - south, (east - west) * GRID_X_FACTOR, MIN_SPAN_DEG)
    margin_y = span_y * MARGIN
    margin_x = margin_y / GRID_X_FACTOR
    middle_lat, middle_lon = (south + north) / 2, (west + east) / 2
    half_y = max(north - south, MIN_SPAN_DEG) / 2 + margin_y
    half_x = max(east - west, MIN_SPAN_DEG / GRID_X_FACTOR) / 2 + margin_x
    return middle_lon - half_x, middle_lat - half_y, middle_lon + half_x, middle_lat + half_y


def _grid_point(lon, lat, level):
    scale = 2 ** (level / 2)
    return (lon - GRID_LON) * GRID_X_FACTOR * scale, (GRID_NORTH - lat) * scale


def spread_markers(anchors, radius=MARKER_RADIUS, gap=MARKER_GAP, rounds=RELAX_ROUNDS):
    """Marker centres near their anchors with no two closer than 2·radius + gap.

    Every round pushes each overlapping pair apart along the line between them by 0.9 of the
    overlap, a marker's pushes summed and divided by the square root of its overlapping
    neighbours (all pairs at once, numpy: fast convergence, no marker flung far from its
    anchor), until none overlaps; anchors that coincide start a hair apart in a fixed
    direction per index. Deterministic for the same input."""
    if not anchors:
        return []
    least = 2 * radius + gap
    count = len(anchors)
    angles = np.arange(count) * 2.399963  # golden angle: distinct directions
    positions = np.array(anchors, dtype=float) + 0.01 * np.column_stack(
        (np.cos(angles), np.sin(angles))
    )
    for _ in range(rounds):
        delta = positions[:, None, :] - positions[None, :, :]  # i - j
        distance = np.hypot(delta[..., 0], delta[..., 1])
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(least - distance, 0, None)
        if not overlap.any():
            break
        unit = delta / np.maximum(distance, 1e-9)[..., None]
        push = (overlap * 0.9 + 0.01 * (overlap > 0))[..., None] * unit
        # Averaged over the overlapping neighbours: a crowded marker is not flung away.
        crowd = np.maximum((overlap > 0).sum(axis=1), 1)[:, None]
        positions += push.sum(axis=1) / np.sqrt(crowd)
    return [(float(x), float(y)) for x, y in positions]


def _number(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_suggestion_map(snapshot, query, suggestions, title, request=None):
    """An inline <svg>, or "" if neither the query nor any suggestion lies in NRW."""
    base = base_map(request)
    if base is None:
        return ""
    bodies = snapshot.bodies
    query_keys = [k for k in _keys_of(bodies, query) if k in base.geometries]
    suggested = {}  # ags -> rank of the suggestion it belongs to
    in_map = []
    for suggestion in suggestions:
        keys = [k for k in _keys_of(bodies, suggestion.body) if k in base.geometries]
        if keys:
            in_map.append(suggestion)
        for key in keys:
            if key not in query_keys:
                suggested.setdefault(key, suggestion.rank)
    if not query_keys and not suggested:
        return ""

    points = {}
    for suggestion in in_map:
        lat, lon = bodies.lat[suggestion.body], bodies.lon[suggestion.body]
        if not math.isnan(lat):
            points[suggestion.rank] = (math.degrees(lon), math.degrees(lat))
    west, south, east, north = _section(base, query_keys + list(suggested), list(points.values()))
    level = grid_level((west, south, east, north), size=MAP_SIZE, padding=0)
    min_x, min_y = _grid_point(west, north, level)
    max_x, max_y = _grid_point(east, south, level)

    visible = [
        ags
        for ags, (w, s, e, n) in base.bounds.items()
        if w <= east and e >= west and s <= north and n >= south
    ]
    paths = base.drawn(level, visible)

    def layer(css_class, keys):
        items = [paths[k] for k in keys if paths.get(k)]
        return format_html('<g class="{}">{}</g>', css_class, mark_safe("".join(items)))

    query_set = set(query_keys)
    context = [k for k in visible if k not in suggested and k not in query_set]

    ranked = [s for s in in_map if s.rank in points]
    anchors = [_grid_point(*points[s.rank], level) for s in ranked]
    centres = spread_markers(anchors)
    markers = []
    for suggestion, (ax, ay), (cx, cy) in zip(ranked, anchors, centres, strict=True):
        leader = ""
        if math.hypot(cx - ax, cy - ay) > MARKER_RADIUS / 2:
            leader = format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}"></line><circle class="map-marker__anchor" '
                'cx="{}" cy="{}" r="2.5"></circle>',
                _number(ax),
                _number(ay),
                _number(cx),
                _number(cy),
                _number(ax),
                _number(ay),
            )
        markers.append(
            format_html(
                '<g class="map-marker" data-rank="{}"><title>{}. {}</title>{}'
                '<circle cx="{}" cy="{}" r="{}"></circle>'
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central">{}</text>'
                "</g>",
                suggestion.rank,
                suggestion.rank,
                suggestion.name,
                leader,
                _number(cx),
                _number(cy),
                MARKER_RADIUS,
                _number(cx),
                _number(cy),
                suggestion.rank,
            )
        )
    description = (
        f"Kartenausschnitt mit {bodies.names[query]}"
        + (" (umrandet)" if query_keys else " (liegt außerhalb von NRW)")
        + " und den Vorschlägen, eingefärbt und mit ihrer Nummer markiert: "
        + (", ".join(f"{s.rank}. {s.name}" for s in in_map) or "keine Vorschläge in NRW")
        + "."
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="map map--partners" '
        'viewBox="{} {} {} {}" role="img" aria-labelledby="partnerkarte-title '
        'partnerkarte-desc" fill-rule="evenodd">'
        '<title id="partnerkarte-title">{}</title><desc id="partnerkarte-desc">{}</desc>'
        '{}{}{}<g class="map-markers">{}</g></svg>',
        _number(min_x),
        _number(min_y),
        _number(max_x - min_x),
        _number(max_y - min_y),
        title,
        description,
        layer("map-context", context),
        layer("map-highlight", [k for k in visible if k in suggested]),
        layer("map-query", [k for k in visible if k in query_set]),
        mark_safe("".join(markers)),
    )


def nrw_share(snapshot, suggestions, request=None):
    """How many suggestions lie outside the map (for a visible note)."""
    base = base_map(request)
    if base is None:
        return 0
    bodies = snapshot.bodies
    return sum(
        1 for s in suggestions if not any(k in base.geometries for k in _keys_of(bodies, s.body))
    )
