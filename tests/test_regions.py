"""Named regions: the real file, membership, validation with named entries, atomicity."""

import json
import shutil

import pytest

from register.importer import (
    BOUNDARIES_FILE,
    DATA_DIR,
    MUNICIPALITIES_FILE,
    NEIGHBOURS_FILE,
    REGIONS_FILE,
    RegisterImportError,
    import_register,
)
from register.models import County, Municipality, Region
from register.regions import regions_by_municipality, regions_for, regions_for_county

pytestmark = pytest.mark.django_db


def names(regions):
    return {r.name for r in regions}


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    target.mkdir()
    for name in (MUNICIPALITIES_FILE, BOUNDARIES_FILE, NEIGHBOURS_FILE, REGIONS_FILE):
        shutil.copy(DATA_DIR / name, target / name)
    return target


def edit_regions(data_dir, change):
    path = data_dir / REGIONS_FILE
    entries = json.loads(path.read_text(encoding="utf-8"))
    change(entries)
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


def test_every_region_has_members_a_definition_and_a_source():
    assert Region.objects.count() >= 16
    for region in Region.objects.all():
        assert region.counties.exists() or region.municipalities.exists(), region
        assert region.definition
        assert region.sources and all(s["url"].startswith("http") for s in region.sources)


@pytest.mark.parametrize(
    "ags, expected, not_expected",
    [
        # Erwitte, Kreis Soest: Südwestfalen and the Sauerland (Sauerland-Tourismus counts
        # the Kreis Soest), Westfalen-Lippe through the Regierungsbezirk Arnsberg.
        ("05974016", {"Südwestfalen", "Sauerland", "Westfalen-Lippe"}, {"Ruhrgebiet"}),
        ("05124000", {"Bergisches Städtedreieck", "Bergisches Land", "Rheinland"}, {"Eifel"}),
        ("05711000", {"Ostwestfalen-Lippe", "Westfalen-Lippe"}, {"Münsterland"}),
        ("05970040", {"Siegerland", "Südwestfalen"}, {"Wittgensteiner Land"}),  # Siegen
        ("05970004", {"Wittgensteiner Land"}, {"Siegerland"}),  # Bad Berleburg
        ("05334020", {"Eifel", "Region Aachen", "Rheinisches Revier"}, set()),  # Monschau
        ("05334002", {"Region Aachen"}, {"Eifel"}),  # Aachen itself is not Eifel
        ("06635022", {"Sauerland"}, {"Westfalen-Lippe"}),  # Willingen (Upland), Hessen
        ("05913000", {"Ruhrgebiet", "Westfalen-Lippe"}, {"Rheinland"}),  # Dortmund
        ("05112000", {"Ruhrgebiet", "Niederrhein", "Rheinland"}, set()),  # Duisburg
    ],
)
def test_membership(ags, expected, not_expected):
    municipality = Municipality.objects.get(ags=ags)
    found = names(regions_for(municipality))
    assert expected <= found
    assert not (not_expected & found)
    assert names(regions_by_municipality([municipality])[municipality.pk]) == found


def test_regions_by_municipality_matches_one_by_one(django_assert_max_num_queries):
    sample = list(Municipality.objects.filter(ags__startswith="05").order_by("ags")[::25])
    with django_assert_max_num_queries(2):
        batch = regions_by_municipality(sample)
    for municipality in sample:
        assert names(batch[municipality.pk]) == names(regions_for(municipality))


def test_regions_for_county_counts_only_whole_kreise():
    soest = County.objects.get(key="05974")
    assert {"Südwestfalen", "Sauerland", "Westfalen-Lippe"} <= names(regions_for_county(soest))
    siegen_wittgenstein = County.objects.get(key="05970")
    assert "Siegerland" not in names(regions_for_county(siegen_wittgenstein))


def test_search_terms_include_aliases():
    owl = Region.objects.get(slug="ostwestfalen-lippe")
    assert "OWL" in owl.search_terms and "Ostwestfalen-Lippe" in owl.search_terms


def test_second_import_changes_nothing():
    assert import_register(progress=False).changed == 0


def test_changed_definition_and_members_are_updated(data_dir):
    def change(entries):
        ruhr = next(e for e in entries if e["slug"] == "ruhrgebiet")
        ruhr["definition"] = "Geändert."
        ruhr["counties"].remove("05978")  # Kreis Unna

    edit_regions(data_dir, change)
    import_register(data_dir, progress=False)
    ruhr = Region.objects.get(slug="ruhrgebiet")
    assert ruhr.definition == "Geändert."
    assert not ruhr.counties.filter(key="05978").exists()
    assert ruhr.counties.filter(key="05913").exists()


def test_removed_region_is_deleted(data_dir):
    edit_regions(data_dir, lambda entries: entries.remove(entries[0]))
    report = import_register(data_dir, progress=False)
    assert report.counts["Regionen"].deleted == 1
    assert not Region.objects.filter(slug="ruhrgebiet").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda e: e[0]["counties"].append("05999"),
            "regions.json, Region 1 (Ruhrgebiet), Feld counties: Schlüssel '05999' steht nicht",
        ),
        (
            lambda e: e[1].update(sources=[]),
            "regions.json, Region 2 (Münsterland), Feld sources: mindestens eine Quelle",
        ),
        (
            lambda e: e[2].update(slug="Ost West"),
            "regions.json, Region 3 (Ostwestfalen-Lippe), Feld slug: 'Ost West' ist kein Kürzel",
        ),
        (
            lambda e: e[3].update(counties=[], districts=[], municipalities=[]),
            "Region 4 (Südwestfalen), Feld counties: die Region hat keine Mitglieder",
        ),
        (lambda e: e[4].update(area=1), "Region 5 (Sauerland), Feld area: unbekanntes Feld"),
        (
            lambda e: e[5].update(slug=e[0]["slug"]),
            "Region 6 (Siegerland), Feld slug: 'ruhrgebiet' kommt doppelt vor",
        ),
    ],
)
def test_malformed_regions_file_aborts_and_changes_nothing(data_dir, change, message):
    before = list(Region.objects.order_by("pk").values_list("slug", "definition"))
    edit_regions(data_dir, change)
    with pytest.raises(RegisterImportError) as error:
        import_register(data_dir, progress=False)
    assert message in str(error.value)
    assert list(Region.objects.order_by("pk").values_list("slug", "definition")) == before


def test_broken_json_names_the_file(data_dir):
    (data_dir / REGIONS_FILE).write_text("[{", encoding="utf-8")
    with pytest.raises(RegisterImportError, match="regions.json: kein gültiges JSON"):
        import_register(data_dir, progress=False)
