"""The inline SVG maps: projection, path data and markup (no database needed)."""

import math
import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from register.templatetags.register_maps import (
    Projection,
    Shape,
    boundary_map,
    grid_level,
    path_data,
    render_map,
    rings,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[7.0, 51.0], [8.0, 51.0], [8.0, 52.0], [7.0, 52.0], [7.0, 51.0]]],
}
# Two squares side by side, the eastern one with a hole.
MULTI = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[8.0, 51.0], [9.0, 51.0], [9.0, 52.0], [8.0, 52.0], [8.0, 51.0]]],
        [
            [[9.0, 51.0], [10.0, 51.0], [10.0, 52.0], [9.0, 52.0], [9.0, 51.0]],
            [[9.4, 51.4], [9.6, 51.4], [9.6, 51.6], [9.4, 51.6], [9.4, 51.4]],
        ],
    ],
}


SQUARE_BOUNDS = (7.0, 51.0, 8.0, 52.0)


def numbers(d):
    return [int(n) for n in re.findall(r"-?\d+", d)]


def test_rings_of_polygon_and_multipolygon():
    assert len(rings(SQUARE)) == 1
    assert len(rings(MULTI)) == 3
    assert rings(None) == []
    assert rings({"type": "Point", "coordinates": [7, 51]}) == []


def test_projection_corrects_longitude_by_cosine_of_mean_latitude():
    projection = Projection([SQUARE], size=800, padding=0)
    # One degree of longitude at 51.5° N is cos(51.5°) ≈ 0.62 of a degree of latitude.
    assert projection.height == 800
    assert projection.width == round(800 * math.cos(math.radians(51.5)))
    # North is up: the north-west corner is the origin, the south-east corner the far end.
    assert projection(7.0, 52.0) == (0, 0)
    assert projection(8.0, 51.0) == (projection.width, 800)


def test_projection_fits_the_longer_side_and_keeps_padding():
    wide = {"type": "Polygon", "coordinates": [[[6, 51], [9, 51], [9, 51.5], [6, 51]]]}
    projection = Projection([wide], size=800, padding=4)
    assert projection.width == 800
    assert projection.height < projection.width
    assert projection(6.0, 51.5) == (4, 4)


def test_projection_without_points_fails():
    with pytest.raises(ValueError):
        Projection([None, {"type": "Polygon", "coordinates": []}])


def test_path_data_is_closed_relative_and_integer():
    projection = Projection([SQUARE], size=800, padding=0)
    d = path_data(SQUARE, projection)
    assert d.startswith("M0,800l")  # south-west corner first, as in the ring
    assert d.endswith("z")
    assert d.count("M") == 1
    # The closing point is left to "z": start + 3 relative steps.
    values = numbers(d)
    assert len(values) == 2 + 3 * 2
    steps = list(zip(values[2::2], values[3::2], strict=True))
    assert steps[0] == (projection.width, 0)  # east along the southern edge
    assert steps[1] == (0, -800)  # straight north


def test_path_data_has_a_subpath_per_ring_including_holes():
    projection = Projection([MULTI])
    d = path_data(MULTI, projection)
    assert d.count("M") == 3
    assert d.count("z") == 3


def test_path_data_drops_repeated_points_and_collapsed_rings():
    tiny = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[7.0, 51.0], [8.0, 51.0], [8.0, 52.0], [7.0, 52.0], [7.0, 51.0]]],
            # Smaller than one unit of the viewBox: collapses to a point, left out.
            [[[7.5, 51.5], [7.50001, 51.5], [7.50001, 51.50001], [7.5, 51.5]]],
        ],
    }
    projection = Projection([tiny], size=100, padding=0)
    assert path_data(tiny, projection).count("M") == 1
    dense = {
        "type": "Polygon",
        "coordinates": [[[7.0, 51.0], [7.000001, 51.0], [8.0, 51.0], [8.0, 52.0], [7.0, 51.0]]],
    }
    assert len(numbers(path_data(dense, Projection([dense], size=100)))) == 2 + 2 * 2


def test_render_map_markup():
    svg = str(
        render_map(
            [
                Shape(SQUARE, "Westheim", url="/gemeinden/05000001/"),
                Shape(MULTI, "Osthausen & Co", highlighted=True),
            ],
            title="Karte: Testkreis",
            map_id="Test Karte",
        )
    )
    assert svg.startswith("<svg")
    assert 'role="group"' in svg
    assert 'aria-labelledby="test-karte-title test-karte-desc"' in svg
    assert '<title id="test-karte-title">Karte: Testkreis</title>' in svg
    # The description is generated from the names, highlighted first.
    assert (
        '<desc id="test-karte-desc">Hervorgehoben: Osthausen &amp; Co. Umgebung: Westheim.</desc>'
        in svg
    )
    # Context below highlight; links only where a url is given, kept out of the tab order.
    assert svg.index('class="map-context"') < svg.index('class="map-highlight"')
    assert '<a href="/gemeinden/05000001/" tabindex="-1"><path d="M' in svg
    assert "<title>Westheim</title>" in svg
    assert svg.count("<a ") == 1
    # viewBox: the section of the grid both shapes cover, three degrees of longitude
    # (x cos 51.5°) by one of latitude, on the finest level that fits into 800 units.
    x, y, width, height = map(int, re.search(r'viewBox="(\d+) (\d+) (\d+) (\d+)"', svg).groups())
    scale = 2 ** (17 / 2)  # 792 / (3 cos 51.5°) = 424 units per degree: level 17 (362)
    assert (x, y) == (round(2 * math.cos(math.radians(51.5)) * scale) - 4, round(4 * scale) - 4)
    cos = math.cos(math.radians(51.5))
    assert (width, height) == (round(3 * cos * scale) + 8, round(scale) + 8)
    assert 560 < width <= 800
    # Small output: no floating point coordinates, no scripts.
    assert not re.search(r'd="[^"]*\.\d', svg)
    assert "<script" not in svg


def test_grid_level_is_the_finest_that_fits():
    # A municipality (0.1° by 0.1°) gets a finer grid than the whole state (3° by 2°), and
    # every level keeps the longer side between 792 / √2 and 792 units.
    small, state = (7.0, 51.0, 7.1, 51.1), (6.0, 50.5, 9.0, 52.5)
    assert grid_level(small) > grid_level(state)
    for bounds in (small, state, SQUARE_BOUNDS):
        span = max((bounds[2] - bounds[0]) * math.cos(math.radians(51.5)), bounds[3] - bounds[1])
        assert 792 / math.sqrt(2) < span * 2 ** (grid_level(bounds) / 2) <= 792


def test_render_map_memoises_path_data_per_key_and_level():
    paths = {}
    home = Shape(SQUARE, "Mitte", key=1)
    first = str(render_map([home], title="Karte", paths=paths))
    level = grid_level(SQUARE_BOUNDS)
    assert paths[(1, level)][0] in first
    # The memo is what the next map uses: a stale entry would show (it never is stale in
    # use: the memo lasts one content generation).
    paths[(1, level)] = ("M0,0l1,0 0,1z", (0, 0, 1, 1))
    assert 'd="M0,0l1,0 0,1z"' in str(render_map([home], title="Karte", paths=paths))
    # Shapes without a key are drawn afresh; the same shape on the same level looks the same.
    assert str(render_map([Shape(SQUARE, "Mitte")], title="Karte")) == first


def test_render_map_without_geometry_is_empty():
    assert render_map([Shape(None, "Irgendwo")], title="Karte") == ""
    assert render_map([], title="Karte") == ""


def place(pk, name, geometry, ags="05000000"):
    return SimpleNamespace(
        pk=pk, name=name, boundary=geometry, get_absolute_url=lambda: f"/gemeinden/{ags}/"
    )


def test_boundary_map_tag_links_and_deduplicates():
    home = place(1, "Mitte", SQUARE, "05000001")
    neighbour = place(2, "Nachbar", MULTI, "05000002")
    elsewhere = place(3, "Ohne Grenze", None)
    svg = str(
        boundary_map({}, home, [neighbour, home, elsewhere], title="Karte", link_highlighted=False)
    )
    assert svg.count("<path") == 2
    assert '<a href="/gemeinden/05000002/" tabindex="-1">' in svg
    assert "/gemeinden/05000001/" not in svg
    assert "Ohne Grenze" not in svg


def test_boundary_map_tag_in_a_template():
    template = Template(
        "{% load register_maps %}"
        '{% boundary_map places title="Karte der Orte" map_id="orte" as svg %}'
        "{% if svg %}<figure>{{ svg }}</figure>{% else %}keine Karte{% endif %}"
    )
    html = template.render(Context({"places": [place(1, "Mitte", SQUARE)]}))
    assert html.startswith('<figure><svg xmlns="http://www.w3.org/2000/svg"')
    assert "&lt;" not in html  # rendered as markup, not escaped
    assert template.render(Context({"places": [place(1, "Leer", None)]})) == "keine Karte"


# --- point maps outside NRW (no boundaries there) ---


@pytest.mark.django_db
def test_municipality_outside_nrw_gets_a_point_map_with_its_partners(client, make_profile):
    make_profile(
        "Gemeinsame Vollstreckung Dreieich und Neu-Isenburg",
        partners=[("06438002", "lead"), ("06438009", "member")],
    )
    html = client.get("/gemeinden/06438002/").content.decode()
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="map map--points"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg
    assert "Karte: Dreieich und die Gemeinden – Kreis Offenbach" in svg
    assert "Partner in Kooperationen: Neu-Isenburg." in svg
    # Dreieich as the large circle, Neu-Isenburg as a diamond, the rest of the Kreis as dots.
    assert svg.count('class="map-point map-point--self"') == 1
    assert svg.count('class="map-point map-point--partner"') == 1
    assert svg.count('class="map-point map-point--other"') == 13 - 2
    assert ">Neu-Isenburg</text>" in svg and ">Dreieich</text>" in svg
    assert "Gemeindegrenzen und Nachbarschaften liegen bisher nur" not in html


@pytest.mark.django_db
def test_a_point_map_reads_the_municipalities_of_its_kreis_at_once(
    client, site_tree, django_assert_max_num_queries
):
    """A Kreis with 107 municipalities (Bernkastel-Wittlich): the map's context is one query,
    not one per municipality (a deferred Kreis column costs a query per row). Measured
    uncached: a query string of its own."""
    with django_assert_max_num_queries(40):
        html = client.get("/gemeinden/07231001/", {"ungecacht": 1}).content.decode()
    assert html.count("map-point--other") > 100


@pytest.mark.django_db
def test_kreisfreie_stadt_outside_nrw_shows_its_surroundings(client):
    html = client.get("/gemeinden/09162000/").content.decode()
    assert "Karte: München und die Gemeinden im Umkreis von 25 km" in html
    assert html.count("map-point--other") > 10


@pytest.mark.django_db
def test_kreis_outside_nrw_marks_its_partner_municipalities(client, make_profile):
    make_profile("Kooperation im Kreis Offenbach", partners=[("06438012", "lead")])
    html = client.get("/kreise/06438/").content.decode()
    assert "Karte: Gemeinden – Kreis Offenbach" in html
    assert html.count('class="map-point map-point--partner"') == 1
    assert ">Rödermark</text>" in html


@pytest.mark.django_db
def test_nrw_municipalities_keep_their_boundary_map(client):
    html = client.get("/gemeinden/05974016/").content.decode()
    assert "map--points" not in html and 'class="map-highlight"' in html
