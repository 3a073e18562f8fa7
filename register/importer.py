"""Import the municipality register from the open data files in ``register/data``.

The files are read and validated completely before the database is touched; the writes run
in one transaction. Existing rows are compared in memory, so only new, changed and vanished
rows cause queries (bulk_create / bulk_update / delete) and a second run changes nothing.
"""

import csv
import json
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError
from tqdm import tqdm
from wagtail.search.backends import get_search_backends

from register.models import (
    AdministrativeDistrict,
    County,
    Municipality,
    Neighbourhood,
    Region,
    State,
)

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_FILE = "municipalities_de.csv"
BOUNDARIES_FILE = "municipalities_nrw.geojson"
NEIGHBOURS_FILE = "municipality_neighbours_nrw.csv"
REGIONS_FILE = "regions.json"

MUNICIPALITY_COLUMNS = [
    "ags",
    "ars",
    "name",
    "kind",
    "county",
    "district",
    "state",
    "population",
    "population_date",
    "area_km2",
    "lat",
    "lon",
    "name_official",
    "gv_type",
    "postcode",
]
NEIGHBOUR_COLUMNS = ["ags_a", "ags_b", "shared_border_km"]

# Länder whose Kreise are officially called "Kreis X"; elsewhere "Landkreis X".
KREIS_STATES = {"05", "01"}  # Nordrhein-Westfalen, Schleswig-Holstein
# Hessian Landkreise whose official name is "Kreis X" although Hessen otherwise says "Landkreis".
KREIS_EXCEPTIONS = {"06431", "06433", "06438"}  # Bergstraße, Groß-Gerau, Offenbach
# Names that already state the kind, checked in this order ("Region" is a prefix of
# "Regionalverband", and "Landkreis" contains "kreis").
NAMED_KINDS = [
    ("Landkreis ", County.Kind.LANDKREIS),
    ("Städteregion ", County.Kind.STAEDTEREGION),
    ("Regionalverband ", County.Kind.REGIONALVERBAND),
    ("Region ", County.Kind.REGION),
]

BATCH_SIZE = 500
DIGITS = {n: re.compile(rf"[0-9]{{{n}}}") for n in (5, 8, 12)}
INTEGER = re.compile(r"-?[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class RegisterImportError(Exception):
    """A data file is missing or malformed, or the import would break a reference."""


@dataclass
class ModelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self):
        return self.created + self.updated + self.deleted


@dataclass
class ImportReport:
    """Per model (verbose_name_plural): how many rows were created, updated, unchanged, deleted."""

    counts: dict[str, ModelCounts] = field(default_factory=dict)

    @property
    def changed(self):
        return sum(c.changed for c in self.counts.values())

    def summary(self):
        lines = ["Register importiert." if self.changed else "Register unverändert."]
        for label, c in self.counts.items():
            lines.append(
                f"  {label}: {c.created} neu, {c.updated} geändert, "
                f"{c.unchanged} unverändert, {c.deleted} gelöscht"
            )
        return "\n".join(lines)


def import_register(
    data_dir=DATA_DIR,
    *,
    municipalities=None,
    boundaries=None,
    neighbours=None,
    regions=None,
    progress=True,
    stdout=None,
):
    """Import (or update) the register and return an ImportReport.

    ``municipalities``, ``boundaries``, ``neighbours`` and ``regions`` default to the four
    files in ``data_dir``. Progress bars go to stderr; the summary is written to ``stdout``
    if given.
    Raises RegisterImportError (database unchanged) for a malformed file or when a vanished
    municipality or Kreis is still referenced.

    Derived rows:

    - State: key = AGS[:2]. AdministrativeDistrict: key = AGS[:3], only where ``district``
      is non-empty. County: key = AGS[:5], ``name`` = the ``county`` column.
    - County kind and display_name, first rule that applies:
      1. its only municipality is a kreisfreie Stadt: kind "kreisfreie Stadt", display_name
         the city's short name (``Köln, Stadt`` → "Köln");
      2. the name starts with Landkreis/Städteregion/Regionalverband/Region: that kind, the
         name unchanged ("Städteregion Aachen", "Region Hannover", "Landkreis Rostock");
      3. the name contains "kreis" ("Rhein-Sieg-Kreis", "Hochsauerlandkreis",
         "Eifelkreis Bitburg-Prüm"): kind "Kreis", the name unchanged;
      4. in NRW and Schleswig-Holstein, and for the Hessian Kreise Bergstraße, Groß-Gerau and
         Offenbach (official names "Kreis …"): kind "Kreis", display_name "Kreis X";
      5. otherwise kind "Landkreis", display_name "Landkreis X" ("Landkreis Miltenberg").
      Population and area are the sums over its municipalities, population_date the latest.
    - Municipality.boundary: the GeoJSON geometry of the feature with that AGS, else None.
    - Neighbourhood: each pair of the neighbours file in both directions.
    - Region: each entry of the regions file; its ``districts`` become their Kreise, its
      ``counties`` and ``municipalities`` are taken as they are.
    """
    data_dir = Path(data_dir)
    paths = {
        "municipalities": Path(municipalities or data_dir / MUNICIPALITIES_FILE),
        "boundaries": Path(boundaries or data_dir / BOUNDARIES_FILE),
        "neighbours": Path(neighbours or data_dir / NEIGHBOURS_FILE),
        "regions": Path(regions or data_dir / REGIONS_FILE),
    }
    rows = read_municipalities(paths["municipalities"], progress)
    geometries = read_boundaries(paths["boundaries"], rows, paths["municipalities"].name, progress)
    pairs = read_neighbours(paths["neighbours"], rows, paths["municipalities"].name, progress)
    region_entries = read_regions(paths["regions"], rows)

    report = ImportReport()
    with transaction.atomic():
        _Writer(report, progress).write(rows, geometries, pairs, region_entries)
    if stdout is not None:
        stdout.write(report.summary())
    return report


# Reading and validation -----------------------------------------------------------------


class _Location:
    """Builds error messages that name file, line and field."""

    def __init__(self, path, line):
        self.path, self.line = path, line

    def error(self, field_name, problem):
        return RegisterImportError(
            f"{self.path.name}, Zeile {self.line}, Feld {field_name}: {problem}"
        )


def _open_csv(path, required_columns):
    """Yield (location, row) for each data row after checking the header."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            for column in required_columns:
                if column not in header:
                    raise _Location(path, 1).error(column, "Spalte fehlt")
            for row in reader:
                location = _Location(path, reader.line_num)
                if None in row:
                    raise location.error(header[-1], "zu viele Werte in der Zeile")
                for column in required_columns:
                    if row[column] is None:
                        raise location.error(column, "Wert fehlt (zu wenige Werte in der Zeile)")
                yield location, {k: v.strip() for k, v in row.items()}
    except FileNotFoundError:
        raise RegisterImportError(f"{path}: Datei nicht gefunden") from None
    except UnicodeDecodeError as e:
        raise RegisterImportError(f"{path.name}: keine gültige UTF-8-Datei ({e})") from None
    except csv.Error as e:
        raise RegisterImportError(f"{path.name}: kein gültiges CSV ({e})") from None


def _digits(location, row, column, n):
    value = row[column]
    if not DIGITS[n].fullmatch(value):
        raise location.error(column, f"'{value}' ist kein {n}-stelliger Schlüssel")
    return value


def _text(location, row, column, max_length):
    value = row[column]
    if not value:
        raise location.error(column, "darf nicht leer sein")
    if len(value) > max_length:
        raise location.error(column, f"'{value}' ist länger als {max_length} Zeichen")
    return value


def _integer(location, row, column):
    value = row[column]
    if not INTEGER.fullmatch(value):
        raise location.error(column, f"'{value}' ist keine ganze Zahl")
    if int(value) < 0:
        raise location.error(column, f"'{value}' darf nicht negativ sein")
    return int(value)


def _date(location, row, column):
    value = row[column]
    try:
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass  # e.g. 2024-02-30
    raise location.error(column, f"'{value}' ist kein Datum (JJJJ-MM-TT)")


def _decimal(location, row, column, places, max_digits, positive=False):
    value = row[column]
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise location.error(column, f"'{value}' ist keine Zahl") from None
    if not number.is_finite():
        raise location.error(column, f"'{value}' ist keine Zahl")
    if number < 0:
        raise location.error(column, f"'{value}' darf nicht negativ sein")
    if positive and number == 0:
        raise location.error(column, f"'{value}' muss größer als 0 sein")
    if number.as_tuple().exponent < -places:
        raise location.error(column, f"'{value}' hat mehr als {places} Nachkommastellen")
    if number >= 10 ** (max_digits - places):
        raise location.error(column, f"'{value}' ist zu groß")
    return number


def _coordinate(location, row, column, limit):
    value = row[column]
    if not value:
        return None  # a few municipalities have no centre point yet
    try:
        number = float(value)
    except ValueError:
        raise location.error(column, f"'{value}' ist keine Zahl") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise location.error(column, f"'{value}' liegt nicht zwischen -{limit} und {limit}")
    return number


def read_municipalities(path, progress=False):
    """Parse and validate the municipality CSV: {ags: dict of field values + line}."""
    rows = {}
    ars_lines = {}
    kinds = set(Municipality.Kind.values)
    for location, row in tqdm(
        _open_csv(path, MUNICIPALITY_COLUMNS),
        desc="Gemeinden lesen",
        unit=" Zeilen",
        disable=not progress,
    ):
        ags = _digits(location, row, "ags", 8)
        if ags in rows:
            raise location.error("ags", f"'{ags}' ist doppelt (schon in Zeile {rows[ags]['line']})")
        ars = _digits(location, row, "ars", 12)
        if ars[:5] != ags[:5] or ars[9:] != ags[5:]:
            raise location.error("ars", f"'{ars}' passt nicht zum AGS {ags}")
        if ars in ars_lines:
            raise location.error("ars", f"'{ars}' ist doppelt (schon in Zeile {ars_lines[ars]})")
        ars_lines[ars] = location.line
        kind = row["kind"]
        if kind not in kinds:
            raise location.error(
                "kind", f"'{kind}' ist keine bekannte Art (erlaubt: {', '.join(sorted(kinds))})"
            )
        postcode = row["postcode"]
        if postcode and not DIGITS[5].fullmatch(postcode):
            raise location.error("postcode", f"'{postcode}' ist keine 5-stellige Postleitzahl")
        rows[ags] = {
            "line": location.line,
            "county_name": _text(location, row, "county", 140),  # room for "Landkreis "
            "district_name": row["district"] and _text(location, row, "district", 100),
            "state_name": _text(location, row, "state", 100),
            "values": {
                "ars": ars,
                "name": _text(location, row, "name", 150),
                "name_official": _text(location, row, "name_official", 200),
                "kind": kind,
                "gv_type": _text(location, row, "gv_type", 50),
                "population": _integer(location, row, "population"),
                "population_date": _date(location, row, "population_date"),
                "area_km2": _decimal(location, row, "area_km2", 2, 9),
                "latitude": _coordinate(location, row, "lat", 90),
                "longitude": _coordinate(location, row, "lon", 180),
                "postcode": postcode,
            },
        }
    if not rows:
        raise _Location(path, 2).error("ags", "die Datei enthält keine Gemeinden")
    _check_hierarchy(path, rows)
    return rows


def _check_hierarchy(path, rows):
    """One name per Land, Regierungsbezirk and Kreis; a kreisfreie Stadt is its own Kreis."""
    seen = {}  # (column, key) -> (value, line)
    county_sizes = {}
    for ags, row in rows.items():
        county_sizes[ags[:5]] = county_sizes.get(ags[:5], 0) + 1
        for column, key, value in [
            ("state", ags[:2], row["state_name"]),
            ("district", ags[:3], row["district_name"]),
            ("county", ags[:5], row["county_name"]),
        ]:
            first = seen.setdefault((column, key), (value, row["line"]))
            if first[0] != value:
                raise _Location(path, row["line"]).error(
                    column, f"'{value}' widerspricht '{first[0]}' (Zeile {first[1]}) für {key}"
                )
    for ags, row in rows.items():
        if (
            row["values"]["kind"] == Municipality.Kind.KREISFREIE_STADT
            and county_sizes[ags[:5]] > 1
        ):
            raise _Location(path, row["line"]).error(
                "kind", f"kreisfreie Stadt {ags} ist nicht die einzige Gemeinde im Kreis {ags[:5]}"
            )


def read_boundaries(path, rows, municipalities_name, progress=False):
    """Parse and validate the GeoJSON: {ags: geometry dict}.

    The file is one line of JSON, so features are located by number (1-based), not by line.
    """
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise RegisterImportError(f"{path}: Datei nicht gefunden") from None
    except UnicodeDecodeError as e:
        raise RegisterImportError(f"{path.name}: keine gültige UTF-8-Datei ({e})") from None
    except json.JSONDecodeError as e:
        raise RegisterImportError(
            f"{path.name}, Zeile {e.lineno}, Spalte {e.colno}: kein gültiges JSON ({e.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise RegisterImportError(f"{path.name}, Feld type: keine GeoJSON-FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise RegisterImportError(f"{path.name}, Feld features: keine Liste von Features")

    geometries, numbers = {}, {}
    for number, feature in enumerate(
        tqdm(features, desc="Grenzen lesen", unit=" Features", disable=not progress), start=1
    ):
        where = f"{path.name}, Feature {number}"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        ags = properties.get("ags") if isinstance(properties, dict) else None
        if not ags:
            raise RegisterImportError(f"{where}, Feld properties.ags: fehlt")
        where = f"{where} (AGS {ags})"
        if ags not in rows:
            raise RegisterImportError(
                f"{where}, Feld properties.ags: '{ags}' ist nicht in {municipalities_name}"
            )
        if ags in geometries:
            raise RegisterImportError(
                f"{where}, Feld properties.ags: doppelt (schon in Feature {numbers[ags]})"
            )
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            raise RegisterImportError(
                f"{where}, Feld geometry.type: {kind!r} ist kein Polygon oder MultiPolygon"
            )
        if not isinstance(geometry.get("coordinates"), list) or not geometry["coordinates"]:
            raise RegisterImportError(f"{where}, Feld geometry.coordinates: fehlt oder leer")
        geometries[ags] = {"type": kind, "coordinates": geometry["coordinates"]}
        numbers[ags] = number
    return geometries


def read_neighbours(path, rows, municipalities_name, progress=False):
    """Parse and validate the neighbour pairs: {(ags_a, ags_b): km} with ags_a < ags_b."""
    pairs, lines = {}, {}
    for location, row in tqdm(
        _open_csv(path, NEIGHBOUR_COLUMNS),
        desc="Nachbarschaften lesen",
        unit=" Zeilen",
        disable=not progress,
    ):
        for column in ("ags_a", "ags_b"):
            if row[column] not in rows:
                raise location.error(column, f"'{row[column]}' ist nicht in {municipalities_name}")
        if row["ags_a"] == row["ags_b"]:
            raise location.error("ags_b", f"'{row['ags_b']}' ist gleich ags_a")
        pair = tuple(sorted((row["ags_a"], row["ags_b"])))
        if pair in pairs:
            raise location.error(
                "ags_b", f"Paar {pair[0]}/{pair[1]} ist doppelt (schon in Zeile {lines[pair]})"
            )
        pairs[pair] = _decimal(location, row, "shared_border_km", 3, 8, positive=True)
        lines[pair] = location.line
    return pairs


# Derivation -------------------------------------------------------------------------------


REGION_FIELDS = {
    "slug",
    "name",
    "aliases",
    "definition",
    "sources",
    "districts",
    "counties",
    "municipalities",
}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def read_regions(path, rows):
    """Validate the regions file against the municipality rows; return its entries.

    Each entry: slug, name, aliases (list), definition, sources (publisher, title, url),
    and members as ``districts`` (3-digit keys), ``counties`` (5-digit) and/or
    ``municipalities`` (AGS). Errors name the file, the entry and the field.
    """
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegisterImportError(f"{path}: Datei nicht gefunden") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RegisterImportError(f"{path.name}: kein gültiges JSON ({e})") from None
    if not isinstance(entries, list):
        raise RegisterImportError(f"{path.name}: erwartet wird eine Liste von Regionen")
    districts = {ags[:3] for ags, row in rows.items() if row["district_name"]}
    counties = {ags[:5] for ags in rows}
    seen = set()
    for number, entry in enumerate(entries, start=1):

        def error(field_name, problem, number=number, entry=entry):
            name = entry.get("name") if isinstance(entry, dict) else None
            label = f"Region {number}" + (f" ({name})" if name else "")
            return RegisterImportError(f"{path.name}, {label}, Feld {field_name}: {problem}")

        if not isinstance(entry, dict):
            raise error("-", "erwartet wird ein Objekt")
        for unknown in sorted(set(entry) - REGION_FIELDS):
            raise error(unknown, "unbekanntes Feld")
        for name in ("slug", "name", "definition"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                raise error(name, "Text fehlt")
        if not SLUG.fullmatch(entry["slug"]):
            raise error("slug", f"{entry['slug']!r} ist kein Kürzel (a-z, 0-9, -)")
        if entry["slug"] in seen:
            raise error("slug", f"{entry['slug']!r} kommt doppelt vor")
        seen.add(entry["slug"])
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise error("aliases", "erwartet wird eine Liste von Namen")
        sources = entry.get("sources")
        if not isinstance(sources, list) or not sources:
            raise error("sources", "mindestens eine Quelle nötig")
        for source in sources:
            for name in ("publisher", "title", "url"):
                if not isinstance(source, dict) or not source.get(name):
                    raise error(f"sources.{name}", "Angabe fehlt")
            if not source["url"].startswith(("https://", "http://")):
                raise error("sources.url", f"{source['url']!r} ist keine Web-Adresse")
        members = 0
        for name, known in (
            ("districts", districts),
            ("counties", counties),
            ("municipalities", rows),
        ):
            keys = entry.get(name, [])
            if not isinstance(keys, list):
                raise error(name, "erwartet wird eine Liste von Schlüsseln")
            for key in keys:
                if key not in known:
                    raise error(name, f"Schlüssel {key!r} steht nicht im Gemeinde-Register")
            members += len(keys)
        if not members:
            raise error("counties", "die Region hat keine Mitglieder")
    return entries


def county_kind_and_display_name(key, name, municipalities):
    """Kind and display name of a Kreis-level unit (rules in import_register's docstring)."""
    if len(municipalities) == 1 and municipalities[0]["kind"] == Municipality.Kind.KREISFREIE_STADT:
        return County.Kind.KREISFREIE_STADT, municipalities[0]["name"]
    for prefix, kind in NAMED_KINDS:
        if name.startswith(prefix):
            return kind, name
    if "kreis" in name.lower():
        return County.Kind.KREIS, name
    if key[:2] in KREIS_STATES or key in KREIS_EXCEPTIONS:
        return County.Kind.KREIS, f"Kreis {name}"
    return County.Kind.LANDKREIS, f"Landkreis {name}"


# Writing ----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, report, progress):
        self.report, self.progress = report, progress
        self.to_index = {}  # model -> created or updated objects for the search index
        self.vanished = {}  # model -> existing objects whose key is no longer in the files

    def write(self, rows, geometries, pairs, region_entries):
        states = self.sync(
            State, "key", {ags[:2]: {"name": row["state_name"]} for ags, row in rows.items()}
        )
        districts = self.sync(
            AdministrativeDistrict,
            "key",
            {
                ags[:3]: {"name": row["district_name"], "state_id": states[ags[:2]].pk}
                for ags, row in rows.items()
                if row["district_name"]
            },
        )
        counties = self.sync(County, "key", self.county_values(rows, states, districts))
        municipalities = self.sync(
            Municipality,
            "ags",
            {
                ags: {
                    **row["values"],
                    "county_id": counties[ags[:5]].pk,
                    "district_id": districts[ags[:3]].pk if row["district_name"] else None,
                    "state_id": states[ags[:2]].pk,
                    "boundary": geometries.get(ags),
                }
                for ags, row in rows.items()
            },
        )
        self.sync_neighbourhoods(pairs, municipalities)
        self.sync_regions(region_entries, counties, municipalities)
        # Vanished rows go last and bottom-up: their children have moved or gone by now.
        for model in (Municipality, County, AdministrativeDistrict, State):
            self.delete_vanished(model)
        self.update_search_index()

    def county_values(self, rows, states, districts):
        members = {}
        for ags, row in rows.items():
            members.setdefault(ags[:5], []).append(row)
        values = {}
        for key, group in members.items():
            name, district_name = group[0]["county_name"], group[0]["district_name"]
            municipalities = [row["values"] for row in group]
            kind, display_name = county_kind_and_display_name(key, name, municipalities)
            values[key] = {
                "name": name,
                "display_name": display_name,
                "kind": kind,
                "state_id": states[key[:2]].pk,
                "district_id": districts[key[:3]].pk if district_name else None,
                "population": sum(m["population"] for m in municipalities),
                "population_date": max(m["population_date"] for m in municipalities),
                "area_km2": sum((m["area_km2"] for m in municipalities), Decimal(0)),
            }
        return values

    def counts(self, model):
        return self.report.counts.setdefault(str(model._meta.verbose_name_plural), ModelCounts())

    def sync(self, model, key_field, desired):
        """Create and update rows of model to match desired {key: field values}.

        Returns {key: object} for the desired keys; vanished keys are kept for delete_vanished.
        """
        counts = self.counts(model)
        existing = {getattr(obj, key_field): obj for obj in model.objects.all()}
        to_create, to_update, changed_fields = [], [], set()
        for key, values in tqdm(
            desired.items(),
            desc=str(model._meta.verbose_name_plural),
            unit=" Zeilen",
            disable=not self.progress,
        ):
            obj = existing.get(key)
            if obj is None:
                to_create.append(model(**{key_field: key}, **values))
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                changed_fields.update(changed)
                to_update.append(obj)
        model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        counts.unchanged += len(desired) - len(to_create) - len(to_update)
        self.to_index[model] = to_create + to_update
        self.vanished[model] = [obj for key, obj in existing.items() if key not in desired]
        objects = {getattr(obj, key_field): obj for obj in to_create}
        return {key: objects.get(key) or existing[key] for key in desired}

    def sync_neighbourhoods(self, pairs, municipalities):
        desired = {}
        for (a, b), km in pairs.items():
            a_id, b_id = municipalities[a].pk, municipalities[b].pk
            desired[a_id, b_id] = desired[b_id, a_id] = km
        counts = self.counts(Neighbourhood)
        existing = {(o.municipality_id, o.neighbour_id): o for o in Neighbourhood.objects.all()}
        to_create, to_update = [], []
        for (a, b), km in tqdm(
            desired.items(), desc="Nachbarschaften", unit=" Zeilen", disable=not self.progress
        ):
            obj = existing.pop((a, b), None)
            if obj is None:
                to_create.append(
                    Neighbourhood(municipality_id=a, neighbour_id=b, shared_border_km=km)
                )
            elif obj.shared_border_km != km:
                obj.shared_border_km = km
                to_update.append(obj)
        # What is left in existing is no longer a border.
        Neighbourhood.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
        Neighbourhood.objects.bulk_update(to_update, ["shared_border_km"], batch_size=BATCH_SIZE)
        Neighbourhood.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        counts.unchanged += len(desired) - len(to_create) - len(to_update)
        counts.deleted += len(existing)

    def sync_regions(self, entries, counties, municipalities):
        """Regions by slug; their members are replaced with what the file says."""
        regions = self.sync(
            Region,
            "slug",
            {
                entry["slug"]: {
                    "name": entry["name"],
                    "aliases": entry.get("aliases", []),
                    "definition": entry["definition"],
                    "sources": entry["sources"],
                }
                for entry in entries
            },
        )
        for entry in entries:
            region = regions[entry["slug"]]
            county_keys = set(entry.get("counties", []))
            county_keys |= {k for k in counties if k[:3] in set(entry.get("districts", []))}
            region.counties.set([counties[k] for k in sorted(county_keys)])
            region.municipalities.set([municipalities[a] for a in entry.get("municipalities", [])])
        vanished = self.vanished.pop(Region)
        Region.objects.filter(pk__in=[r.pk for r in vanished]).delete()
        self.counts(Region).deleted += len(vanished)

    def delete_vanished(self, model):
        vanished = self.vanished[model]
        if not vanished:
            return
        try:
            # Queryset delete sends post_delete, which removes the rows from the search index.
            model.objects.filter(pk__in=[obj.pk for obj in vanished]).delete()
        except ProtectedError as e:
            by_pk = {obj.pk: obj for obj in vanished}
            referenced = {
                by_pk[getattr(ref, f.attname)]
                for ref in e.protected_objects
                for f in ref._meta.concrete_fields
                if f.related_model is model and getattr(ref, f.attname) in by_pk
            }
            names = ", ".join(sorted(_describe(obj) for obj in referenced))
            raise RegisterImportError(
                f"{model._meta.verbose_name_plural} fehlen in den Daten, werden aber noch "
                f"verwendet (z. B. als Kooperationspartner): {names}. "
                "Import abgebrochen, nichts geändert."
            ) from None
        self.counts(model).deleted += len(vanished)

    def update_search_index(self):
        """bulk_create/bulk_update skip the signals that keep the search index current."""
        for model in (County, Municipality):
            objects = self.to_index.get(model)
            if not objects or not getattr(model, "search_auto_update", True):
                continue
            for backend in get_search_backends(with_auto_update=True):
                try:
                    backend.add_bulk(model, objects)
                except Exception:
                    if not backend.catch_indexing_errors:
                        raise
                    logger.exception("Suchindex für %s nicht aktualisiert", model.__name__)


def _describe(obj):
    if isinstance(obj, Municipality):
        return f"{obj.ags} ({obj.name})"
    return f"{obj.key} ({obj.display_name if isinstance(obj, County) else obj.name})"
