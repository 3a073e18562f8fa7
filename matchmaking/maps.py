"""The NRW map of the suggestions, drawn with the register's SVG map helpers.

All 396 NRW boundaries form the base layer; projecting them is the expensive part, so the
base is built once per snapshot version and kept per process. Suggestions are filled and
carry their rank as a numbered marker, the query is outlined.
"""

import math
import threading

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from register.models import Municipality
from register.templatetags.register_maps import Projection, path_data

MARKERS = 10  # numbered markers for the best ten; more would hide each other at state scale
_lock = threading.Lock()
_cache = {"version": None, "base": None}


class BaseMap:
    def __init__(self, rows):
        # 560 units: enough for a state map, and half the path data of the 800 default.
        self.projection = Projection([geometry for _, _, geometry in rows], size=560)
        self.paths = {ags: path_data(geometry, self.projection) for ags, _, geometry in rows}
        self.names = {ags: name for ags, name, _ in rows}
        # Each boundary as its finished <path> element: the layers only pick and join them.
        self.elements = {
            ags: format_html('<path d="{}"><title>{}</title></path>', path, self.names[ags])
            for ags, path in self.paths.items()
            if path
        }


def base_map(version):
    with _lock:
        if _cache["version"] != version or _cache["base"] is None:
            rows = list(
                Municipality.objects.filter(boundary__isnull=False)
                .order_by("ags")
                .values_list("ags", "name", "boundary")
            )
            _cache["base"] = BaseMap(rows) if rows else None
            _cache["version"] = version
        return _cache["base"]


def _keys_of(bodies, body):
    return [bodies.keys[m] for m in bodies.members.get(body, (body,))]


def render_suggestion_map(snapshot, query, suggestions, title):
    """An inline <svg>, or "" if neither the query nor any suggestion lies in NRW."""
    base = base_map(snapshot.version)
    if base is None:
        return ""
    bodies = snapshot.bodies
    query_keys = set(_keys_of(bodies, query)) & base.paths.keys()
    suggested = {}
    for suggestion in suggestions:
        for key in _keys_of(bodies, suggestion.body):
            if key in base.paths and key not in query_keys:
                suggested.setdefault(key, suggestion.rank)
    if not query_keys and not suggested:
        return ""

    elements = base.elements

    def layer(css_class, keys):
        paths = "".join([elements[k] for k in keys if k in elements])
        return format_html('<g class="{}">{}</g>', css_class, mark_safe(paths))

    context = [k for k in base.paths if k not in suggested and k not in query_keys]
    markers = []
    for suggestion in suggestions[:MARKERS]:
        if not any(k in base.paths for k in _keys_of(bodies, suggestion.body)):
            continue
        lat, lon = bodies.lat[suggestion.body], bodies.lon[suggestion.body]
        if math.isnan(lat):
            continue
        x, y = base.projection(math.degrees(lon), math.degrees(lat))
        markers.append(
            format_html(
                '<g class="map-marker"><circle cx="{}" cy="{}" r="8"></circle>'
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central">{}</text>'
                "</g>",
                x,
                y,
                x,
                y,
                suggestion.rank,
            )
        )
    in_map = [s for s in suggestions if any(k in base.paths for k in _keys_of(bodies, s.body))]
    description = (
        f"Karte von Nordrhein-Westfalen. Gesucht wird für {bodies.names[query]}"
        + (" (umrandet)" if query_keys else " (liegt außerhalb von NRW)")
        + f". Eingefärbt, die ersten {MARKERS} nummeriert: "
        + (", ".join(f"{s.rank}. {s.name}" for s in in_map) or "keine Vorschläge in NRW")
        + "."
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="map map--partners" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="partnerkarte-title partnerkarte-desc" fill-rule="evenodd">'
        '<title id="partnerkarte-title">{}</title><desc id="partnerkarte-desc">{}</desc>'
        "{}{}{}{}</svg>",
        base.projection.width,
        base.projection.height,
        title,
        description,
        layer("map-context", context),
        layer("map-highlight", [k for k in base.paths if k in suggested]),
        layer("map-query", [k for k in base.paths if k in query_keys]),
        mark_safe("".join(markers)),
    )


def nrw_share(snapshot, suggestions):
    """How many suggestions lie outside the map (for a visible note)."""
    base = _cache["base"]
    if base is None:
        return 0
    bodies = snapshot.bodies
    return sum(1 for s in suggestions if not any(k in base.paths for k in _keys_of(bodies, s.body)))
