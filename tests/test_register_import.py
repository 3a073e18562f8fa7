"""The register import: real data, idempotence, updates, validation and atomicity.

The session fixture has already imported the real register; tests that import modified
copies (written to tmp_path) run inside the test transaction and are rolled back.
"""

import csv
import io
import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from wagtail.search.backends import get_search_backend

from register.importer import (
    BOUNDARIES_FILE,
    DATA_DIR,
    MUNICIPALITIES_FILE,
    NEIGHBOURS_FILE,
    REGIONS_FILE,
    RegisterImportError,
    import_register,
)
from register.models import AdministrativeDistrict, County, Municipality, Neighbourhood, State

pytestmark = pytest.mark.django_db

ERWITTE = "05974016"
KOELN = "05315000"
MODELS = (State, AdministrativeDistrict, County, Municipality, Neighbourhood)


def snapshot():
    """Every column of every register row, keyed by model."""
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in MODELS}


@pytest.fixture
def data_dir(tmp_path):
    """A copy of register/data to modify."""
    target = tmp_path / "data"
    target.mkdir()
    for name in (MUNICIPALITIES_FILE, BOUNDARIES_FILE, NEIGHBOURS_FILE, REGIONS_FILE):
        shutil.copy(DATA_DIR / name, target / name)
    return target


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def edit_municipality(data_dir, target, **changes):
    """Set columns of one row in the municipality CSV; return its line number (header = 1)."""
    path = data_dir / MUNICIPALITIES_FILE
    rows = read_csv(path)
    header = rows[0]
    for index, row in enumerate(rows):
        if row[0] == target:
            for column, value in changes.items():
                row[header.index(column)] = value
            write_csv(path, rows)
            return index + 1
    raise AssertionError(f"{target} not in file")


def remove_municipality(data_dir, ags):
    """Drop a municipality, its boundary and its borders from the copies."""
    path = data_dir / MUNICIPALITIES_FILE
    write_csv(path, [row for row in read_csv(path) if row[0] != ags])
    path = data_dir / NEIGHBOURS_FILE
    write_csv(path, [row for row in read_csv(path) if ags not in (row[0], row[2])])
    edit_geojson(
        data_dir,
        lambda features: features.remove(
            next(f for f in features if f["properties"]["ags"] == ags)
        ),
    )


def edit_geojson(data_dir, change):
    path = data_dir / BOUNDARIES_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["features"])
    path.write_text(json.dumps(data), encoding="utf-8")


# The real register ---------------------------------------------------------------------------


def test_counts():
    assert Municipality.objects.count() == 10_751
    assert State.objects.count() == 16
    nrw = State.objects.get(key="05")
    assert nrw.name == "Nordrhein-Westfalen"
    assert nrw.municipalities.count() == 396
    assert nrw.municipalities.exclude(boundary=None).count() == 396
    assert Municipality.objects.exclude(boundary=None).count() == 396
    assert nrw.counties.count() == 53
    assert nrw.districts.count() == 5
    assert Neighbourhood.objects.count() == 2_160


def test_municipality_spot_checks():
    erwitte = Municipality.objects.get(ags=ERWITTE)
    assert erwitte.name == "Erwitte"
    assert erwitte.population == 16_300
    assert erwitte.kind == Municipality.Kind.KREISANGEHOERIGE_STADT
    assert erwitte.county.key == "05974"
    assert erwitte.district.name == "Regierungsbezirk Arnsberg"
    assert erwitte.boundary["type"] in ("Polygon", "MultiPolygon")
    assert sorted(erwitte.neighbours.values_list("name", flat=True)) == [
        "Anröchte",
        "Bad Sassendorf",
        "Geseke",
        "Lippstadt",
        "Rüthen",
    ]
    assert Municipality.objects.get(ags=KOELN).neighbours.count() == 12
    # Known gap: no centre point yet (see SOURCES.md).
    obergeckler = Municipality.objects.get(ags="07232503")
    assert obergeckler.latitude is None and obergeckler.longitude is None


def test_neighbourhoods_are_stored_in_both_directions():
    border = Neighbourhood.objects.get(municipality__ags="05111000", neighbour__ags="05112000")
    reverse = Neighbourhood.objects.get(municipality__ags="05112000", neighbour__ags="05111000")
    assert str(border.shared_border_km) == str(reverse.shared_border_km) == "9.282"


@pytest.mark.parametrize(
    "key, name, display_name, kind",
    [
        ("05974", "Soest", "Kreis Soest", "Kreis"),
        ("05334", "Städteregion Aachen", "Städteregion Aachen", "Städteregion"),
        ("05382", "Rhein-Sieg-Kreis", "Rhein-Sieg-Kreis", "Kreis"),
        ("05315", "Köln, Stadt", "Köln", "kreisfreie Stadt"),
        ("09676", "Miltenberg", "Landkreis Miltenberg", "Landkreis"),
        ("09461", "Bamberg", "Bamberg", "kreisfreie Stadt"),
        ("09471", "Bamberg", "Landkreis Bamberg", "Landkreis"),
        ("01058", "Rendsburg-Eckernförde", "Kreis Rendsburg-Eckernförde", "Kreis"),
        ("06438", "Offenbach", "Kreis Offenbach", "Kreis"),
        ("06633", "Kassel", "Landkreis Kassel", "Landkreis"),
        ("03241", "Region Hannover", "Region Hannover", "Region"),
        ("10041", "Regionalverband Saarbrücken", "Regionalverband Saarbrücken", "Regionalverband"),
        ("13072", "Landkreis Rostock", "Landkreis Rostock", "Landkreis"),
        ("03358", "Heidekreis", "Heidekreis", "Kreis"),
    ],
)
def test_county_names_and_kinds(key, name, display_name, kind):
    county = County.objects.get(key=key)
    assert (county.name, county.display_name, county.kind) == (name, display_name, kind)


def test_county_figures_are_sums_of_its_municipalities():
    soest = County.objects.get(key="05974")
    members = Municipality.objects.filter(county=soest)
    assert members.count() == 14
    assert soest.population == sum(m.population for m in members) == 300_297
    assert soest.area_km2 == sum(m.area_km2 for m in members)
    assert str(soest.population_date) == "2024-12-31"
    assert soest.district.key == "059"
    koeln = County.objects.get(key="05315")
    assert koeln.is_kreisfreie_stadt
    assert koeln.population == Municipality.objects.get(ags=KOELN).population == 1_024_621


def test_states_without_regierungsbezirke_have_no_district():
    assert not AdministrativeDistrict.objects.filter(state__key="01").exists()
    assert Municipality.objects.get(ags="01001000").district is None
    assert County.objects.get(key="01001").district is None


def test_imported_rows_are_in_the_search_index():
    # bulk_create skips the save signals, so the importer indexes explicitly.
    results = get_search_backend().search("Erwitte", Municipality)
    assert ERWITTE in [m.ags for m in results]
    assert "05974" in [c.key for c in get_search_backend().search("Soest", County)]


# Idempotence and updates ----------------------------------------------------------------------


def test_second_run_changes_nothing():
    before = snapshot()
    report = import_register(progress=False)
    assert report.changed == 0
    for counts in report.counts.values():
        assert (counts.created, counts.updated, counts.deleted) == (0, 0, 0)
    assert report.counts["Gemeinden"].unchanged == 10_751
    assert report.counts["Nachbarschaften"].unchanged == 2_160
    assert snapshot() == before
    assert "Register unverändert." in report.summary()


def test_changed_population_updates_that_row_and_its_kreis(data_dir):
    edit_municipality(data_dir, ERWITTE, population="16400")
    before = snapshot()
    report = import_register(data_dir, progress=False)

    assert (report.counts["Gemeinden"].updated, report.counts["Gemeinden"].unchanged) == (1, 10_750)
    assert report.counts["Kreise"].updated == 1  # the population sum of Kreis Soest
    assert report.changed == 2
    assert Municipality.objects.get(ags=ERWITTE).population == 16_400
    assert County.objects.get(key="05974").population == 300_297 + 100

    after = snapshot()
    changed = {name: [row for row in after[name] if row not in before[name]] for name in after}
    assert [row[0] for row in changed["Municipality"]] == [Municipality.objects.get(ags=ERWITTE).pk]
    assert [row[0] for row in changed["County"]] == [County.objects.get(key="05974").pk]
    assert not any(changed[name] for name in ("State", "AdministrativeDistrict", "Neighbourhood"))


def test_changed_border_length_updates_both_directions(data_dir):
    path = data_dir / NEIGHBOURS_FILE
    rows = read_csv(path)
    assert rows[1][:3] == ["05111000", "Düsseldorf", "05112000"]
    rows[1][4] = "10.5"
    write_csv(path, rows)
    report = import_register(data_dir, progress=False)
    assert report.counts["Nachbarschaften"].updated == 2
    assert report.changed == 2
    assert set(
        Neighbourhood.objects.filter(
            municipality__ags__in=["05111000", "05112000"],
            neighbour__ags__in=["05111000", "05112000"],
        ).values_list("shared_border_km", flat=True)
    ) == {Decimal("10.5")}


def test_boundary_removed_and_restored(data_dir):
    edit_geojson(
        data_dir,
        lambda features: features.remove(
            next(f for f in features if f["properties"]["ags"] == ERWITTE)
        ),
    )
    original = Municipality.objects.get(ags=ERWITTE).boundary
    report = import_register(data_dir, progress=False)
    assert (report.changed, report.counts["Gemeinden"].updated) == (1, 1)
    assert Municipality.objects.get(ags=ERWITTE).boundary is None
    assert Municipality.objects.filter(boundary__isnull=True, state__key="05").count() == 1

    report = import_register(progress=False)
    assert (report.changed, report.counts["Gemeinden"].updated) == (1, 1)
    assert Municipality.objects.get(ags=ERWITTE).boundary == original
    assert import_register(progress=False).changed == 0


def test_vanished_municipality_is_deleted(data_dir):
    remove_municipality(data_dir, ERWITTE)
    report = import_register(data_dir, progress=False)
    assert report.counts["Gemeinden"].deleted == 1
    assert report.counts["Nachbarschaften"].deleted == 10  # 5 borders, both directions
    assert not Municipality.objects.filter(ags=ERWITTE).exists()
    assert County.objects.get(key="05974").population == 300_297 - 16_300
    assert Neighbourhood.objects.count() == 2_150


def test_vanished_but_referenced_municipality_aborts_and_changes_nothing(data_dir, make_profile):
    make_profile("Gemeinsamer Bauhof", partners=[(ERWITTE, "lead")])
    remove_municipality(data_dir, ERWITTE)
    # A valid change earlier in the same run must be rolled back too.
    edit_municipality(data_dir, KOELN, population="1")
    before = snapshot()
    with pytest.raises(RegisterImportError) as excinfo:
        import_register(data_dir, progress=False)
    assert "05974016 (Erwitte)" in str(excinfo.value)
    assert "Import abgebrochen" in str(excinfo.value)
    assert snapshot() == before
    assert Municipality.objects.get(ags=KOELN).population == 1_024_621


# Validation -----------------------------------------------------------------------------------


def _set(target, **changes):
    return lambda d: edit_municipality(d, target, **changes)


def _append_copy_of(ags):
    def change(d):
        path = d / MUNICIPALITIES_FILE
        rows = read_csv(path)
        rows.append(next(row for row in rows if row[0] == ags))
        write_csv(path, rows)
        return len(rows)

    return change


def _drop_column(column):
    def change(d):
        path = d / MUNICIPALITIES_FILE
        rows = read_csv(path)
        index = rows[0].index(column)
        write_csv(path, [row[:index] + row[index + 1 :] for row in rows])
        return 1

    return change


def _truncate_row(ags):
    def change(d):
        path = d / MUNICIPALITIES_FILE
        rows = read_csv(path)
        line = next(i for i, row in enumerate(rows) if row[0] == ags)
        rows[line] = rows[line][:7]
        write_csv(path, rows)
        return line + 1

    return change


def _neighbour_line(**changes):
    def change(d):
        path = d / NEIGHBOURS_FILE
        rows = read_csv(path)
        header = rows[0]
        for column, value in changes.items():
            rows[5][header.index(column)] = value
        write_csv(path, rows)
        return 6

    return change


MUNICIPALITY_ERRORS = [
    (_set(ERWITTE, population="abc"), "population: 'abc' ist keine ganze Zahl"),
    (_set(ERWITTE, population="-5"), "population: '-5' darf nicht negativ sein"),
    (_set(ERWITTE, population="16.300"), "population: '16.300' ist keine ganze Zahl"),
    (_set(ERWITTE, ags="5974016"), "ags: '5974016' ist kein 8-stelliger Schlüssel"),
    (_set(ERWITTE, ars="05974001601"), "ars: '05974001601' ist kein 12-stelliger Schlüssel"),
    (_set(ERWITTE, ars="059740016017"), "ars: '059740016017' passt nicht zum AGS 05974016"),
    (_set(ERWITTE, name=""), "name: darf nicht leer sein"),
    (_set(ERWITTE, kind="Dorf"), "kind: 'Dorf' ist keine bekannte Art"),
    (
        _set(ERWITTE, population_date="31.12.2024"),
        "population_date: '31.12.2024' ist kein Datum (JJJJ-MM-TT)",
    ),
    (
        _set(ERWITTE, population_date="2024-02-30"),
        "population_date: '2024-02-30' ist kein Datum (JJJJ-MM-TT)",
    ),
    (_set(ERWITTE, area_km2="88,5"), "area_km2: '88,5' ist keine Zahl"),
    (_set(ERWITTE, area_km2="-1"), "area_km2: '-1' darf nicht negativ sein"),
    (_set(ERWITTE, area_km2="88.123"), "area_km2: '88.123' hat mehr als 2 Nachkommastellen"),
    (_set(ERWITTE, lat="91.5"), "lat: '91.5' liegt nicht zwischen -90 und 90"),
    (_set(ERWITTE, lon="abc"), "lon: 'abc' ist keine Zahl"),
    (_set(ERWITTE, county="Lippstadt"), "county: 'Lippstadt' widerspricht 'Soest'"),
    (
        _set(ERWITTE, kind="kreisfreie Stadt"),
        "kind: kreisfreie Stadt 05974016 ist nicht die einzige Gemeinde im Kreis 05974",
    ),
    (_append_copy_of(ERWITTE), "ags: '05974016' ist doppelt (schon in Zeile"),
    (_drop_column("population"), "population: Spalte fehlt"),
    (_truncate_row(ERWITTE), "population: Wert fehlt"),
]


@pytest.mark.parametrize("change, problem", MUNICIPALITY_ERRORS)
def test_malformed_municipality_file_aborts_and_changes_nothing(data_dir, change, problem):
    line = change(data_dir)
    before = snapshot()
    with pytest.raises(RegisterImportError) as excinfo:
        import_register(data_dir, progress=False)
    assert str(excinfo.value).startswith(f"municipalities_de.csv, Zeile {line}, Feld {problem}")
    assert snapshot() == before


def test_error_message_format_example(data_dir):
    line = edit_municipality(data_dir, ERWITTE, population="abc")
    with pytest.raises(RegisterImportError) as excinfo:
        import_register(data_dir, progress=False)
    assert str(excinfo.value) == (
        f"municipalities_de.csv, Zeile {line}, Feld population: 'abc' ist keine ganze Zahl"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            _neighbour_line(ags_b="05999999"),
            "Zeile 6, Feld ags_b: '05999999' ist nicht in municipalities_de.csv",
        ),
        (
            _neighbour_line(shared_border_km="x"),
            "Zeile 6, Feld shared_border_km: 'x' ist keine Zahl",
        ),
        (
            _neighbour_line(shared_border_km="0"),
            "Zeile 6, Feld shared_border_km: '0' muss größer als 0 sein",
        ),
        (
            _neighbour_line(ags_a="05111000", ags_b="05112000"),
            "Zeile 6, Feld ags_b: Paar 05111000/05112000 ist doppelt (schon in Zeile 2)",
        ),
    ],
)
def test_malformed_neighbours_file_aborts_and_changes_nothing(data_dir, change, message):
    change(data_dir)
    before = snapshot()
    with pytest.raises(RegisterImportError) as excinfo:
        import_register(data_dir, progress=False)
    assert str(excinfo.value) == f"municipality_neighbours_nrw.csv, {message}"
    assert snapshot() == before


def _feature(number, change):
    return lambda d: edit_geojson(d, lambda features: change(features[number - 1]))


def _truncate_geojson(d):
    path = d / BOUNDARIES_FILE
    path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")


@pytest.mark.parametrize(
    "change, message",
    [
        (_truncate_geojson, "Zeile 1, Spalte 5001: kein gültiges JSON"),
        (
            _feature(3, lambda f: f["properties"].pop("ags")),
            "Feature 3, Feld properties.ags: fehlt",
        ),
        (
            _feature(3, lambda f: f["properties"].update(ags="05999999")),
            "Feature 3 (AGS 05999999), Feld properties.ags: '05999999' ist nicht in "
            "municipalities_de.csv",
        ),
        (
            _feature(3, lambda f: f["properties"].update(ags="05111000")),
            "Feature 3 (AGS 05111000), Feld properties.ags: doppelt (schon in Feature 1)",
        ),
        (
            _feature(3, lambda f: f.update(geometry={"type": "Point", "coordinates": [7, 51]})),
            "Feature 3 (AGS 05113000), Feld geometry.type: 'Point' ist kein Polygon oder "
            "MultiPolygon",
        ),
    ],
)
def test_malformed_boundaries_file_aborts_and_changes_nothing(data_dir, change, message):
    # The GeoJSON is a single line, so features are located by their number.
    change(data_dir)
    before = snapshot()
    with pytest.raises(RegisterImportError) as excinfo:
        import_register(data_dir, progress=False)
    assert str(excinfo.value).startswith(f"municipalities_nrw.geojson, {message}")
    assert snapshot() == before


def test_missing_file(tmp_path):
    with pytest.raises(RegisterImportError, match="Datei nicht gefunden"):
        import_register(municipalities=tmp_path / "fehlt.csv", progress=False)


# Management command -----------------------------------------------------------------------------


def test_command_prints_summary():
    out = io.StringIO()
    call_command("import_register", "--no-progress", stdout=out)
    assert "Register unverändert." in out.getvalue()
    assert "Gemeinden: 0 neu, 0 geändert, 10751 unverändert, 0 gelöscht" in out.getvalue()


def test_command_turns_import_error_into_command_error(data_dir):
    line = edit_municipality(data_dir, ERWITTE, population="abc")
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_register",
            "--no-progress",
            "--municipalities",
            str(data_dir / MUNICIPALITIES_FILE),
        )
    assert str(excinfo.value) == (
        f"municipalities_de.csv, Zeile {line}, Feld population: 'abc' ist keine ganze Zahl"
    )
    assert snapshot() == before


def test_command_accepts_a_data_dir(data_dir):
    edit_municipality(data_dir, ERWITTE, population="16400")
    out = io.StringIO()
    call_command("import_register", "--no-progress", "--data-dir", str(data_dir), stdout=out)
    assert "Gemeinden: 0 neu, 1 geändert, 10750 unverändert, 0 gelöscht" in out.getvalue()
    assert Municipality.objects.get(ags=ERWITTE).population == 16_400
