"""Search benchmark: the embedded engine against the plain Wagtail way, on synthetic profiles.

Run: .venv/bin/python benchmarks/search.py [--sizes 10000,100000] [--postgres URL [--skip-sqlite]]
     [--repeat R] [--publish-rounds P]

For each database a worker process gets a throw-away database (SQLite in a temporary
folder; on PostgreSQL the database ``kooperationsatlas_bench_<pid>`` next to the one in URL,
created and dropped here, never URL's own database), migrates it, imports the real
register and adds synthetic profiles (benchmarks/synthetic.py). var/ is never touched.

* Up to --page-limit profiles (default 10,000) are real, live CooperationPages with
  Wagtail's own search index filled; their search index is built with
  ``manage.py rebuild_search_index`` (timed: the full reindex).
* Larger sizes add the remaining profiles as search documents only (the same generator
  and ``build_document`` on unsaved pages), indexed with ``engine.rebuild``: the engine
  never reads pages while searching, so its latency is the same.
* A fixed mix of 40 queries (text; text + two filters; filters only; geo), each with all
  facet counts, runs once as warm-up and then --repeat times, timed server-side around
  ``search.service.search``.
* The baseline, at the sizes in --baseline-sizes on SQLite: the same mix the plain way,
  Wagtail's ``.search()`` (WAGTAILSEARCH_BACKENDS, the database backend) on
  ``CooperationPage.objects.live().public()`` plus one ORM count query per facet value.

* After the mix, --publish-rounds profiles are published (a new revision, as an editor
  publishes: signals, index update after the commit), each followed by the first search in
  this process and in a second process started beforehand (``--follower``), both catching
  up through the change log, and, as the baseline, by the first search of an engine that
  reads its facet index whole (what every process did after any change before).

Prints median and p95 per category and engine, the ratio to the baseline, and PASS/FAIL
per target, for SQLite and PostgreSQL. Exit code 0 unless something fails; the figures
are not a test.
"""

import argparse
import io
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "kooperationsatlas_bench"
CATEGORIES = [
    ("text", "Text"),
    ("text_filters", "Text + 2 Filter"),
    ("filters", "Nur Filter"),
    ("geo", "Geo (25 km)"),
]
TARGET_MEDIAN_10K_MS = 30
TARGET_P95_10K_MS = 80
TARGET_SPEEDUP_10K = 3
TARGET_MEDIAN_100K_MS = 150
TARGET_REINDEX_10K_S = 30
TARGET_AFTER_PUBLISH_100K_MS = 100


# --- the query mix -----------------------------------------------------------------------

# (category, text, filters, extra); extra: "geo": (AGS, radius km), "years": (min, max).
# Filter values are facet values (search/facets.py); tags are given by name.
QUERY_MIX = [
    ("text", "Standesamt", {}, {}),
    ("text", "Personalabrechnung", {}, {}),
    ("text", "Zweckverband Abwasser", {}, {}),
    ("text", "Beihilfe", {}, {}),
    ("text", "Vergabestelle", {}, {}),
    ("text", "Rechnungsprüfung", {}, {}),
    ("text", "Dienstleistungszentrum", {}, {}),
    ("text", "Bauhof Winterdienst", {}, {}),
    ("text", "Kläranlage", {}, {}),
    ("text", "interkommunales Gewerbegebiet", {}, {}),
    ("text_filters", "Standesamt", {"land": ["05"], "phase": ["regelbetrieb"]}, {}),
    (
        "text_filters",
        "Personalabrechnung",
        {"rechtsform": ["oeffentlich-rechtliche-vereinbarung"], "groesse": ["10000-20000"]},
        {},
    ),
    ("text_filters", "Abwasser", {"rechtsform": ["zweckverband"], "land": ["09"]}, {}),
    (
        "text_filters",
        "Vergabestelle",
        {"modell": ["gemeinsame-beschaffung"], "startjahr": ["ab-2020"]},
        {},
    ),
    (
        "text_filters",
        "IT-Sicherheit",
        {"aufgabe": ["innere-verwaltung"], "regierungsbezirk": ["053"]},
        {},
    ),
    ("text_filters", "Beihilfe", {"motiv": ["effizienz"], "partnerzahl": ["3-5"]}, {}),
    ("text_filters", "Rechnungsprüfung", {"kreis": ["05974"], "foerderung": ["nein"]}, {}),
    ("text_filters", "Bauhof", {"land": ["08"], "groesse": ["unter-10000"]}, {}),
    ("text_filters", "Klimaschutz", {"foerderung": ["ja"], "phase": ["umsetzung"]}, {}),
    ("text_filters", "Feuerwehr", {"schlagwort": ["Digitalisierung"], "land": ["05"]}, {}),
    ("filters", "", {"aufgabe": ["standesamt"], "land": ["05"]}, {}),
    ("filters", "", {"rechtsform": ["zweckverband"], "groesse": ["unter-10000"]}, {}),
    ("filters", "", {"modell": ["dienstleistungszentrum"], "phase": ["regelbetrieb"]}, {}),
    ("filters", "", {"aufgabe": ["finanzen"], "regierungsbezirk": ["055"]}, {}),
    ("filters", "", {"kreis": ["05958"], "motiv": ["kompetenz-kapazitaeten"]}, {}),
    ("filters", "", {"motiv": ["innovation"], "startjahr": ["ab-2020"]}, {}),
    ("filters", "", {"foerderung": ["ja"], "land": ["09"]}, {}),
    ("filters", "", {"partnerzahl": ["6-10"], "aufgabe": ["innere-verwaltung"]}, {}),
    (
        "filters",
        "",
        {"schlagwort": ["Fachkräftemangel"], "rechtsform": ["oeffentlich-rechtliche-vereinbarung"]},
        {},
    ),
    ("filters", "", {"land": ["05", "06"], "phase": ["umsetzung"]}, {"years": (2010, 2019)}),
    ("geo", "", {}, {"geo": ("05974040", 25)}),  # Soest
    ("geo", "", {}, {"geo": ("05958004", 25)}),  # Arnsberg
    ("geo", "", {"aufgabe": ["personal-beihilfe"]}, {"geo": ("05515000", 25)}),  # Münster
    ("geo", "", {}, {"geo": ("05711000", 25)}),  # Bielefeld
    ("geo", "", {"rechtsform": ["zweckverband"]}, {"geo": ("05315000", 25)}),  # Köln
    ("geo", "", {}, {"geo": ("05774032", 25)}),  # Paderborn
    ("geo", "Standesamt", {}, {"geo": ("05334002", 25)}),  # Aachen
    ("geo", "", {"phase": ["regelbetrieb"]}, {"geo": ("08311000", 25)}),  # Freiburg
    ("geo", "", {}, {"geo": ("16051000", 25)}),  # Erfurt
    ("geo", "", {"land": ["03"]}, {"geo": ("03355022", 25)}),  # Lüneburg
]


def build_queries():
    """The mix as (category, SearchQuery) pairs; needs the register (geo centres)."""
    from django.utils.text import slugify

    from register.models import Municipality
    from search.contract import GeoFilter, SearchQuery

    queries = []
    for category, text, filters, extra in QUERY_MIX:
        filters = {
            key: tuple(slugify(value) if key == "schlagwort" else value for value in values)
            for key, values in filters.items()
        }
        geo = None
        if "geo" in extra:
            ags, radius = extra["geo"]
            place = Municipality.objects.get(ags=ags)
            geo = GeoFilter(ags, place.latitude, place.longitude, radius, place.name)
        year_min, year_max = extra.get("years", (None, None))
        queries.append(
            (
                category,
                SearchQuery(
                    text=text,
                    filters=filters,
                    geo=geo,
                    start_year_min=year_min,
                    start_year_max=year_max,
                ),
            )
        )
    return queries


# --- the baseline: the plain way -----------------------------------------------------------


class PlainSearch:
    """The same search without a search engine, as a developer would first write it.

    Text: Wagtail's ``.search()`` with the configured backend (the database backend:
    SQLite FTS5 / PostgreSQL full text over Wagtail's own index). Filters: ORM conditions
    (subqueries over the relation tables, so no DISTINCT is needed); the text search runs
    on ``filter(pk__in=<filtered>)``, since Wagtail only filters on FilterFields. Facets:
    one ORM count query per facet value offered in the filter sidebar, each under all
    other selections (disjunctive, as the engine counts). The options (all taxonomy terms,
    Länder, Regierungsbezirke, Kreise, size classes, …, tags in use) are loaded once.
    """

    def __init__(self):
        from django.db.models import Count
        from taggit.models import Tag

        from cooperations.models import (
            CooperationFunding,
            CooperationModel,
            CooperationPage,
            CooperationPartner,
            CooperationTag,
            LegalForm,
            Motive,
            Phase,
            TaskArea,
        )
        from register.geo import county_centre
        from register.models import AdministrativeDistrict, County, Municipality, State
        from search import facets

        self.CooperationPage = CooperationPage
        self.Partner = CooperationPartner
        self.Municipality = Municipality
        self.County = County
        self.Count = Count
        self.task_through = CooperationPage.task_areas.through
        self.motive_through = CooperationPage.motives.through
        self.funded = CooperationFunding.objects.values("page_id")
        self.tagged = CooperationTag.objects

        def tree(model):
            return {
                term.slug: [node.pk for node in term.descendants_and_self()]
                for term in model.objects.all()
            }

        self.task_areas = tree(TaskArea)
        self.legal_forms = tree(LegalForm)
        self.models = dict(CooperationModel.objects.values_list("slug", "pk"))
        self.motives = dict(Motive.objects.values_list("slug", "pk"))
        self.states = dict(State.objects.values_list("key", "pk"))
        self.districts = dict(AdministrativeDistrict.objects.values_list("key", "pk"))
        self.counties = dict(County.objects.values_list("key", "pk"))
        self.county_centres = {}
        for county_id in self.counties.values():
            centre = county_centre(county_id)
            if centre:
                self.county_centres[county_id] = centre
        self.sizes = {key: lower for key, _label, lower in facets.SIZE_CLASSES}
        self.size_upper = {}
        bounds = [lower for _key, _label, lower in facets.SIZE_CLASSES] + [None]
        for (key, _label, _lower), upper in zip(facets.SIZE_CLASSES, bounds[1:], strict=True):
            self.size_upper[key] = upper
        self.partner_counts = {key: (lo, hi) for key, _l, lo, hi in facets.PARTNER_COUNT_CLASSES}
        self.years = {key: (lo, hi) for key, _l, lo, hi in facets.START_YEAR_BUCKETS}
        tag_ids = CooperationTag.objects.values("tag_id")
        self.tags = dict(Tag.objects.filter(pk__in=tag_ids).values_list("slug", "pk"))
        self.options = {
            "aufgabe": list(self.task_areas),
            "rechtsform": list(self.legal_forms),
            "modell": list(self.models),
            "phase": [value for value, _label in Phase.choices],
            "motiv": list(self.motives),
            "land": list(self.states),
            "regierungsbezirk": list(self.districts),
            "kreis": list(self.counties),
            "groesse": list(self.sizes),
            "partnerzahl": list(self.partner_counts),
            "startjahr": list(self.years),
            "foerderung": ["ja", "nein"],
            "schlagwort": list(self.tags),
        }

    def option_count(self):
        return sum(len(values) for values in self.options.values())

    # conditions

    def _pages_with_partner(self, condition):
        from django.db.models import Q

        return Q(pk__in=self.Partner.objects.filter(condition).values("page_id"))

    def condition(self, key, values):
        """A Q for "any of ``values``" of facet ``key``."""
        from django.db.models import Q

        if key == "aufgabe":
            ids = [pk for value in values for pk in self.task_areas.get(value, [])]
            return Q(
                pk__in=self.task_through.objects.filter(taskarea_id__in=ids).values(
                    "cooperationpage_id"
                )
            )
        if key == "rechtsform":
            ids = [pk for value in values for pk in self.legal_forms.get(value, [])]
            return Q(legal_form_id__in=ids)
        if key == "modell":
            return Q(cooperation_model_id__in=[self.models.get(v) for v in values])
        if key == "phase":
            return Q(phase__in=values)
        if key == "motiv":
            ids = [self.motives.get(v) for v in values]
            return Q(
                pk__in=self.motive_through.objects.filter(motive_id__in=ids).values(
                    "cooperationpage_id"
                )
            )
        if key in ("land", "regierungsbezirk", "kreis"):
            lookup = {
                "land": self.states,
                "regierungsbezirk": self.districts,
                "kreis": self.counties,
            }[key]
            ids = [lookup.get(v) for v in values]
            column = {"land": "state_id", "regierungsbezirk": "district_id", "kreis": "county_id"}[
                key
            ]
            # Foreign keys through subqueries, so the indexes on them are used.
            municipalities = self.Municipality.objects.filter(**{f"{column}__in": ids})
            if key == "kreis":
                counties = ids
            else:
                counties = self.County.objects.filter(**{f"{column}__in": ids}).values("pk")
            return self._pages_with_partner(
                Q(municipality_id__in=municipalities.values("pk")) | Q(county_id__in=counties)
            )
        if key == "groesse":
            condition = Q()
            for value in values:
                bounds = {"population__gte": self.sizes[value]}
                if self.size_upper[value] is not None:
                    bounds["population__lt"] = self.size_upper[value]
                condition |= Q(
                    municipality_id__in=self.Municipality.objects.filter(**bounds).values("pk")
                ) | Q(county_id__in=self.County.objects.filter(**bounds).values("pk"))
            return self._pages_with_partner(condition)
        if key == "partnerzahl":
            condition = Q()
            for value in values:
                low, high = self.partner_counts[value]
                counted = self.Partner.objects.values("page_id").annotate(n=self.Count("pk"))
                counted = counted.filter(n__gte=low)
                if high is not None:
                    counted = counted.filter(n__lte=high)
                condition |= Q(pk__in=counted.values("page_id"))
            return condition
        if key == "startjahr":
            condition = Q()
            for value in values:
                low, high = self.years[value]
                bound = Q(start_year__isnull=False)
                if low is not None:
                    bound &= Q(start_year__gte=low)
                if high is not None:
                    bound &= Q(start_year__lte=high)
                condition |= bound
            return condition
        if key == "foerderung":
            condition = Q(pk__in=[])  # matches nothing
            if "ja" in values:
                condition |= Q(pk__in=self.funded)
            if "nein" in values:
                condition |= ~Q(pk__in=self.funded)
            return condition
        if key == "schlagwort":
            ids = [self.tags.get(v) for v in values]
            return Q(pk__in=self.tagged.filter(tag_id__in=ids).values("content_object_id"))
        raise KeyError(key)

    def geo_condition(self, geo):
        from register.geo import EARTH_RADIUS_KM, distance_km

        lat, lon, radius = geo.latitude, geo.longitude, geo.radius_km
        dlat = math.degrees(radius / EARTH_RADIUS_KM)
        dlon = dlat / max(0.01, math.cos(math.radians(lat)))
        candidates = self.Municipality.objects.filter(
            latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
        ).values_list("pk", "latitude", "longitude")
        municipalities = [
            pk for pk, m_lat, m_lon in candidates if distance_km(lat, lon, m_lat, m_lon) <= radius
        ]
        counties = [
            pk
            for pk, (c_lat, c_lon) in self.county_centres.items()
            if distance_km(lat, lon, c_lat, c_lon) <= radius
        ]
        from django.db.models import Q

        return self._pages_with_partner(
            Q(municipality_id__in=municipalities) | Q(county_id__in=counties)
        )

    # searching

    def search(self, query):
        """(total, hits, {facet: {value: count}}) of ``query``."""
        from django.db.models import Q

        base = self.CooperationPage.objects.live().public()
        common = []
        if query.start_year_min is not None:
            common.append(Q(start_year__gte=query.start_year_min))
        if query.start_year_max is not None:
            common.append(Q(start_year__lte=query.start_year_max))
        if query.geo is not None:
            common.append(self.geo_condition(query.geo))
        selections = {
            key: self.condition(key, values) for key, values in query.filters.items() if values
        }
        text = query.text.strip()

        # The text search runs once; its matches restrict the hits and every count.
        matches = None
        if text:
            found = base.only("pk").search(text, order_by_relevance=False)
            matches = [page.pk for page in found]

        def filtered(without=None):
            conditions = [c for key, c in selections.items() if key != without]
            queryset = base.filter(*common, *conditions)
            if matches is not None:
                queryset = queryset.filter(pk__in=matches)
            return queryset

        if text:
            # Ranked by Wagtail, which filters only on FilterFields: hence pk__in.
            results = self.CooperationPage.objects.filter(pk__in=filtered().values("pk")).search(
                text
            )
            hits = list(results[: query.page_size])
        else:
            hits = list(filtered().order_by("-first_published_at", "title")[: query.page_size])
        total = filtered().count()

        counts = {}
        for key, values in self.options.items():
            queryset = filtered(without=key)
            counts[key] = {}
            for value in values:
                number = queryset.filter(self.condition(key, [value])).count()
                if number:
                    counts[key][value] = number
        return total, hits, counts


# --- the worker --------------------------------------------------------------------------


def percentile(samples, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(samples):
    return {
        "median": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "n": len(samples),
    }


class QueryCounter:
    """Counts the SQL statements (installed with connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def time_mix(run, queries, indices, repeat):
    """Time ``run`` on the queries at ``indices``, round-robin, ``repeat`` rounds.

    Returns ({index: [ms, …]}, SQL statements per search, {index: result of round 1}).
    """
    from django.db import connection

    samples = {index: [] for index in indices}
    first = {}
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for round_number in range(repeat):
            for index in indices:
                started = time.perf_counter()
                result = run(queries[index][1])
                samples[index].append((time.perf_counter() - started) * 1000)
                if round_number == 0:
                    first[index] = result
    return samples, counter.count / max(1, repeat * len(indices)), first


def engine_counts(results):
    return {
        facet.key: {value.value: value.count for value in facet.values if value.count}
        for facet in results.facets
    }


def compare(engine_results, plain_results, queries):
    """Totals and facet counts of engine and baseline for the queries without text (the
    text analysis differs on purpose: German stemming and compounds vs. Wagtail's FTS)."""
    checked = equal = 0
    mismatches, text_totals = [], []
    for index, (total, _hits, counts) in plain_results.items():
        query = queries[index][1]
        results = engine_results[index]
        if query.text:
            text_totals.append((query.text, results.total, total))
            continue
        checked += 1
        if results.total == total and engine_counts(results) == counts:
            equal += 1
        else:
            mismatches.append((index, dict(query.filters), results.total, total))
    return {
        "checked": checked,
        "equal": equal,
        "mismatches": mismatches[:5],
        "text_totals": text_totals,
    }


def baseline_indices(queries, per_category):
    chosen = []
    for key, _label in CATEGORIES:
        in_category = [i for i, (category, _q) in enumerate(queries) if category == key]
        chosen += in_category[:per_category]
    return chosen


# --- first search after publishing -------------------------------------------------------

# One query per category, in turn: the first search after each publish.
PUBLISH_QUERIES = [0, 10, 20, 30]


def publish_profile(round_number):
    """Publish a new revision of a live profile page, as an editor does (signals, index
    update after the commit). Returns the page id."""
    from cooperations.models import CooperationPage

    page = CooperationPage.objects.live().order_by("pk")[round_number].specific
    page.summary = f"{page.summary.split(' [Rev')[0]} [Rev {round_number + 1}]"
    page.save_revision().publish()
    return page.pk


def follower(args):
    """A second process: reads its facet index, then, for every line on stdin (a query
    index), times that search and prints the milliseconds."""
    setup_django()
    from search import service

    queries = build_queries()
    for _category, query in queries:
        service.search(query)  # reads the facet index, warms up
    print("bereit", flush=True)
    for line in sys.stdin:
        query = queries[int(line)][1]
        started = time.perf_counter()
        service.search(query)
        print(f"{(time.perf_counter() - started) * 1000:.3f}", flush=True)


def time_publishing(queries, rounds, say):
    """Publish a profile, then time the first search in this process and in another one
    (both catch up with the change); as the baseline, the first search of a process that
    reads its facet index whole (what every process did after any change before)."""
    from search import service
    from search.engines.embedded import EmbeddedEngine

    other = subprocess.Popen(
        [sys.executable, __file__, "--follower"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        if other.stdout.readline().strip() != "bereit":
            raise RuntimeError("the second process did not start")
        out = {"rounds": []}
        for round_number in range(rounds):
            index = PUBLISH_QUERIES[round_number % len(PUBLISH_QUERIES)]
            query = queries[index][1]
            t0 = time.perf_counter()
            publish_profile(round_number)
            publish_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            service.search(query)
            same_ms = (time.perf_counter() - t0) * 1000
            other.stdin.write(f"{index}\n")
            other.stdin.flush()
            other_ms = float(other.stdout.readline())
            t0 = time.perf_counter()
            EmbeddedEngine().search(query)  # a fresh facet index, read whole
            whole_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            service.search(query)
            steady_ms = (time.perf_counter() - t0) * 1000
            out["rounds"].append(
                {
                    "query": index,
                    "publish_ms": publish_ms,
                    "same_ms": same_ms,
                    "other_ms": other_ms,
                    "whole_ms": whole_ms,
                    "steady_ms": steady_ms,
                }
            )
            say(
                f"Veröffentlicht ({publish_ms:.0f} ms), erste Suche: dieser Prozess "
                f"{same_ms:.1f} ms, anderer Prozess {other_ms:.1f} ms; "
                f"Facettenindex ganz gelesen {whole_ms:.0f} ms, danach {steady_ms:.1f} ms"
            )
        return out
    finally:
        other.stdin.close()
        other.wait(timeout=60)


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "kooperationsatlas.settings.dev"
    os.environ["DEBUG"] = "0"  # no query log: it would slow down the baseline's many queries
    os.environ.pop("ELASTICSEARCH_URL", None)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()


def worker(args):
    setup_django()

    import django
    import wagtail
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Page

    from benchmarks import synthetic
    from kooperationsatlas.setup import ensure_site_tree
    from register.importer import import_register
    from search import service
    from search.documents import indexable_profiles
    from search.engines import embedded_engine
    from search.models import IndexedDocument

    out = {
        "vendor": connection.vendor,
        "engine": embedded_engine().name,
        "versions": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
        },
        "sizes": [],
    }

    def say(message):
        print(f"[{connection.vendor}] {message}", flush=True)

    def rebuild_from_pages():
        started = time.perf_counter()
        call_command("rebuild_search_index", no_progress=True, stdout=io.StringIO())
        return time.perf_counter() - started

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    import_register(progress=False)
    ensure_site_tree()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            out["versions"]["sqlite"] = cursor.fetchone()[0]
        else:
            cursor.execute("show server_version")
            out["versions"]["postgresql"] = cursor.fetchone()[0]
    say(f"Datenbank bereit (Migrationen, Register): {time.perf_counter() - started:.1f} s")

    register = synthetic.Register.load()
    queries = build_queries()
    out["queries"] = [
        [
            category,
            query.text,
            {k: list(v) for k, v in query.filters.items()},
            query.geo.name if query.geo else None,
        ]
        for category, query in queries
    ]
    all_indices = list(range(len(queries)))
    pages = 0  # synthetic pages created so far
    plain = None

    for size in args.sizes:
        entry = {"n": size}
        page_target = min(size, args.page_limit)
        if page_target > pages:
            t0 = time.perf_counter()
            new_ids = synthetic.create_pages(
                register,
                synthetic.generate_specs(
                    register, page_target - pages, first=pages + 1, seed=args.seed
                ),
            )
            entry["create_pages_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            synthetic.index_wagtail_search(new_ids)
            entry["wagtail_index_s"] = time.perf_counter() - t0
            say(
                f"N={size}: {len(new_ids)} Seiten angelegt in {entry['create_pages_s']:.1f} s, "
                f"Wagtail-Suchindex {entry['wagtail_index_s']:.1f} s"
            )
            pages = page_target
        live = indexable_profiles().count()
        if live != pages:
            raise RuntimeError(f"{live} indexable profiles, expected {pages}")
        entry["pages"] = pages

        if size == pages:
            entry["mode"] = "pages"
            entry["reindex_s"] = rebuild_from_pages()
            say(f"N={size}: rebuild_search_index {entry['reindex_s']:.1f} s")
        else:
            entry["mode"] = "pages+documents"
            if IndexedDocument.objects.count() != pages:
                rebuild_from_pages()
            # The profiles that are pages as indexed from them, then documents only.
            stored = list(
                IndexedDocument.objects.order_by("page_id").values_list("document", flat=True)
            )
            first_id = Page.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
            specs = synthetic.generate_specs(
                register, size - pages, first=pages + 1, seed=args.seed
            )
            documents = itertools.chain(
                stored, synthetic.synthetic_documents(register, specs, first_id=first_id)
            )
            t0 = time.perf_counter()
            count = embedded_engine().rebuild(documents, total=size)
            entry["documents_index_s"] = time.perf_counter() - t0
            if count != size:
                raise RuntimeError(f"indexed {count} documents, expected {size}")
            say(
                f"N={size}: {size - pages} Suchdokumente ohne Seiten erzeugt, alle {size} mit "
                f"engine.rebuild indexiert: {entry['documents_index_s']:.1f} s"
            )

        t0 = time.perf_counter()
        service.search(queries[0][1])
        entry["first_search_ms"] = (time.perf_counter() - t0) * 1000
        for _category, query in queries:  # warm-up
            service.search(query)
        samples, per_search, engine_results = time_mix(
            service.search, queries, all_indices, args.repeat
        )
        entry["engine"] = samples
        entry["engine_sql_per_search"] = per_search
        total = summary([s for values in samples.values() for s in values])
        say(f"N={size}: Engine Median {total['median']:.1f} ms, p95 {total['p95']:.1f} ms")

        # One profile re-indexed (as on publishing).
        document = IndexedDocument.objects.order_by("page_id").values_list("document", flat=True)[0]
        t0 = time.perf_counter()
        embedded_engine().index_documents([document])
        entry["single_update_ms"] = (time.perf_counter() - t0) * 1000
        service.search(queries[0][1])
        entry["publish"] = time_publishing(queries, args.publish_rounds, say)

        if (
            size in args.baseline_sizes
            and entry["mode"] == "pages"
            and (connection.vendor == "sqlite" or args.baseline_postgres)
        ):
            if plain is None:
                plain = PlainSearch()
            indices = baseline_indices(queries, args.baseline_queries)
            entry["baseline_options"] = plain.option_count()
            t0 = time.perf_counter()
            plain.search(queries[indices[-1]][1])  # warm-up
            samples, per_search, plain_results = time_mix(
                plain.search, queries, indices, args.baseline_repeat
            )
            entry["baseline"] = samples
            entry["baseline_sql_per_search"] = per_search
            entry["check"] = compare(engine_results, plain_results, queries)
            total = summary([s for values in samples.values() for s in values])
            say(
                f"N={size}: Baseline ({len(indices)} Anfragen) Median {total['median']:.0f} ms, "
                f"p95 {total['p95']:.0f} ms ({time.perf_counter() - t0:.0f} s)"
            )
        out["sizes"].append(entry)
    connection.close()
    Path(args.json).write_text(json.dumps(out))


# --- the parent: databases, workers, report ------------------------------------------------


def bench_url(url):
    parts = urlsplit(url)
    if parts.path.strip("/").startswith(BENCH_DB_NAME):
        raise SystemExit(f"Bitte die URL einer anderen Datenbank angeben, nicht {BENCH_DB_NAME}.")
    return urlunsplit(parts._replace(path=f"/{bench_db_name()}"))


def bench_db_name():
    """One database per run (two runs on one server must not drop each other's)."""
    return f"{BENCH_DB_NAME}_{os.getpid()}"


def pg_admin(url, statement):
    """Run ``statement`` on the server's maintenance database ``postgres`` (falls back to
    the database in ``url``, only to create or drop the benchmark database)."""
    import psycopg

    try:
        conn = psycopg.connect(
            urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True
        )
    except psycopg.OperationalError:
        conn = psycopg.connect(url, autocommit=True)
    with conn:
        conn.execute(statement)


def run_worker(args, db_url=None):
    with tempfile.TemporaryDirectory(prefix="kooperationsatlas-bench-") as var_dir:
        result_file = Path(var_dir) / "result.json"
        env = dict(os.environ, KOOPERATIONSATLAS_VAR_DIR=var_dir)
        env.pop("DATABASE_URL", None)
        if db_url:
            env["DATABASE_URL"] = db_url
        command = [
            sys.executable,
            __file__,
            "--worker",
            "--sizes",
            ",".join(map(str, args.sizes)),
            "--repeat",
            str(args.repeat),
            "--baseline-repeat",
            str(args.baseline_repeat),
            "--baseline-sizes",
            ",".join(map(str, args.baseline_sizes)),
            "--baseline-queries",
            str(args.baseline_queries),
            "--page-limit",
            str(args.page_limit),
            "--seed",
            str(args.seed),
            "--publish-rounds",
            str(args.publish_rounds),
            "--json",
            str(result_file),
        ]
        if args.baseline_postgres:
            command.append("--baseline-postgres")
        subprocess.run(command, env=env, check=True, cwd=ROOT)
        return json.loads(result_file.read_text())


def fmt(value, unit="ms"):
    return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def german(number):
    return f"{number:,}".replace(",", ".")


def query_label(query):
    category, text, filters, place = query
    parts = [f"„{text}“"] if text else []
    parts += [f"{key}={'|'.join(values)}" for key, values in filters.items()]
    if place:
        parts.append(f"25 km um {place}")
    return " + ".join(parts)


def pooled(samples, indices):
    return [ms for index in indices for ms in samples[str(index)]]


def category_indices(result, key=None, within=None):
    return [
        index
        for index, query in enumerate(result["queries"])
        if (key is None or query[0] == key) and (within is None or str(index) in within)
    ]


def print_size(label, result, entry):
    mode = (
        "alle als Seiten"
        if entry["mode"] == "pages"
        else f"{german(entry['pages'])} als Seiten, der Rest nur als Suchdokumente"
    )
    print(f"\n{label}, N = {german(entry['n'])} ({mode})")
    if "reindex_s" in entry:
        print(
            f"  rebuild_search_index (voller Neuaufbau aus den Seiten): {entry['reindex_s']:.1f} s"
        )
    if "documents_index_s" in entry:
        print(f"  Suchdokumente erzeugen + engine.rebuild: {entry['documents_index_s']:.1f} s")
    print(f"  erste Suche danach (lädt den Facettenindex): {fmt(entry['first_search_ms'])}")
    print(f"  ein Steckbrief neu indexiert (index_documents): {fmt(entry['single_update_ms'])}")
    publish = entry.get("publish")
    if publish and publish["rounds"]:
        rounds = publish["rounds"]
        print(
            f"  erste Suche nach dem Veröffentlichen eines Steckbriefs ({len(rounds)}×, "
            f"Median / Maximum):"
        )
        for key, row_label in [
            ("same_ms", "dieser Prozess"),
            ("other_ms", "anderer Prozess"),
            ("whole_ms", "Baseline: Facettenindex ganz gelesen"),
            ("steady_ms", "dieselbe Suche danach"),
            ("publish_ms", "das Veröffentlichen selbst"),
        ]:
            values = [r[key] for r in rounds]
            print(
                f"    {row_label:<38} {fmt(statistics.median(values)):>9} "
                f"{fmt(max(values)):>9}"
            )
    engine = entry["engine"]
    rounds = len(engine["0"])
    print(
        f"  {'Kategorie':<16} {'Median':>9} {'p95':>9}   (Engine, {rounds} Runden, "
        f"{entry['engine_sql_per_search']:.1f} SQL-Abfragen je Suche)"
    )
    for key, row_label in [*CATEGORIES, (None, "Gesamt")]:
        stats = summary(pooled(engine, category_indices(result, key)))
        print(f"  {row_label:<16} {fmt(stats['median']):>9} {fmt(stats['p95']):>9}")
    if "baseline" not in entry:
        return
    baseline = entry["baseline"]
    print(
        f"  Baseline (Wagtail .search() + je Facettenwert eine ORM-Zählung; "
        f"{len(baseline)} der {len(engine)} Anfragen, {entry['baseline_sql_per_search']:.0f} "
        f"SQL-Abfragen je Suche, {entry['baseline_options']} Facettenwerte):"
    )
    print(
        f"  {'Kategorie':<16} {'Baseline Median':>16} {'p95':>9} {'Engine Median':>14} "
        f"{'Faktor':>7}"
    )
    for key, row_label in [*CATEGORIES, (None, "Gesamt")]:
        indices = category_indices(result, key, within=baseline)
        b = summary(pooled(baseline, indices))
        e = summary(pooled(engine, indices))
        print(
            f"  {row_label:<16} {fmt(b['median']):>16} {fmt(b['p95']):>9} "
            f"{fmt(e['median']):>14} {b['median'] / e['median']:>6.0f}×"
        )
    for index in category_indices(result, within=baseline):
        b = statistics.median(baseline[str(index)])
        e = statistics.median(engine[str(index)])
        print(f"    {fmt(b):>9} / {fmt(e):>8}  {query_label(result['queries'][index])}")
    check = entry["check"]
    print(
        f"  Kontrolle ohne Text: Trefferzahl und alle Facettenzahlen gleich bei "
        f"{check['equal']} von {check['checked']} Anfragen"
    )
    for mismatch in check["mismatches"]:
        print(f"    abweichend: {mismatch}")
    totals = ", ".join(f"„{t}“ {e}/{b}" for t, e, b in check["text_totals"])
    print(f"  Treffer bei Text (Engine/Wagtail, andere Textanalyse): {totals}")


def overall(result, entry):
    return summary(pooled(entry["engine"], category_indices(result)))


def speedup(result, entry):
    indices = category_indices(result, within=entry["baseline"])
    baseline = summary(pooled(entry["baseline"], indices))["median"]
    return baseline / summary(pooled(entry["engine"], indices))["median"]


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report_targets(result):
    sizes = {entry["n"]: entry for entry in result["sizes"]}
    lines = []
    if 10_000 in sizes:
        entry = sizes[10_000]
        e = overall(result, entry)
        lines.append(
            f"{verdict(e['median'] <= TARGET_MEDIAN_10K_MS)}  N=10.000 Median "
            f"{fmt(e['median'])} (Ziel ≤ {TARGET_MEDIAN_10K_MS} ms)"
        )
        lines.append(
            f"{verdict(e['p95'] <= TARGET_P95_10K_MS)}  N=10.000 p95 "
            f"{fmt(e['p95'])} (Ziel ≤ {TARGET_P95_10K_MS} ms)"
        )
        if "baseline" in entry:
            ratio = speedup(result, entry)
            lines.append(
                f"{verdict(ratio >= TARGET_SPEEDUP_10K)}  N=10.000 {ratio:.0f}× so "
                f"schnell wie die Baseline (Median; Ziel ≥ {TARGET_SPEEDUP_10K}×)"
            )
        if "reindex_s" in entry:
            lines.append(
                f"{verdict(entry['reindex_s'] <= TARGET_REINDEX_10K_S)}  voller Neuaufbau "
                f"10.000 Steckbriefe {entry['reindex_s']:.1f} s (Ziel ≤ {TARGET_REINDEX_10K_S} s)"
            )
    if 100_000 in sizes:
        e = overall(result, sizes[100_000])
        lines.append(
            f"{verdict(e['median'] <= TARGET_MEDIAN_100K_MS)}  N=100.000 Median "
            f"{fmt(e['median'])} (Ziel ≤ {TARGET_MEDIAN_100K_MS} ms)"
        )
        rounds = sizes[100_000].get("publish", {}).get("rounds")
        if rounds:
            for key, where in [("same_ms", "dieser Prozess"), ("other_ms", "anderer Prozess")]:
                slowest = max(r[key] for r in rounds)
                lines.append(
                    f"{verdict(slowest <= TARGET_AFTER_PUBLISH_100K_MS)}  N=100.000 erste Suche "
                    f"nach dem Veröffentlichen, {where}: höchstens {fmt(slowest)} in "
                    f"{len(rounds)} Runden (Ziel ≤ {TARGET_AFTER_PUBLISH_100K_MS} ms)"
                )
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])

    def sizes(text):
        return sorted({int(part.replace("_", "")) for part in text.split(",") if part})

    parser.add_argument("--sizes", type=sizes, default=[10_000, 100_000])
    parser.add_argument("--postgres", metavar="URL", help="also on PostgreSQL (server URL)")
    parser.add_argument(
        "--skip-sqlite", action="store_true", help="only PostgreSQL (with --postgres)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds of the mix")
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument(
        "--baseline-queries", type=int, default=10, help="baseline queries per category (10: all)"
    )
    parser.add_argument("--baseline-sizes", type=sizes, default=[10_000])
    parser.add_argument(
        "--baseline-postgres", action="store_true", help="run the baseline on PostgreSQL too"
    )
    parser.add_argument(
        "--page-limit",
        type=int,
        default=10_000,
        help="profiles beyond this are search documents only",
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--save-json", metavar="PATH", help="write all samples to PATH")
    parser.add_argument(
        "--publish-rounds",
        type=int,
        default=8,
        help="profiles published, each followed by a timed first search",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--follower", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed is None:
        sys.path.insert(0, str(ROOT))
        from benchmarks.synthetic import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    if args.follower:
        follower(args)
        return 0
    begun = time.perf_counter()
    print(
        f"{date.today()}, Python {platform.python_version()}, {os.cpu_count()} Kerne, "
        f"Größen {args.sizes}, {args.repeat} Runden"
    )
    results = [] if args.skip_sqlite and args.postgres else [("SQLite", run_worker(args))]
    if args.postgres:
        url = bench_url(args.postgres)
        pg_admin(args.postgres, f"DROP DATABASE IF EXISTS {bench_db_name()}")
        pg_admin(args.postgres, f"CREATE DATABASE {bench_db_name()}")
        try:
            results.append(("PostgreSQL", run_worker(args, url)))
        finally:
            pg_admin(args.postgres, f"DROP DATABASE IF EXISTS {bench_db_name()} WITH (FORCE)")

    print("\n" + "=" * 78)
    for label, result in results:
        versions = ", ".join(f"{k} {v}" for k, v in result["versions"].items())
        print(f"\n{label} ({result['engine']}; {versions})")
        for entry in result["sizes"]:
            print_size(label, result, entry)
    for label, result in results:
        lines = report_targets(result)
        if lines:
            print(f"\nZiele, {label}:")
            for line in lines:
                print(f"  {line}")
    if args.save_json:
        Path(args.save_json).write_text(json.dumps(dict(results), indent=1))
    print(f"\nGesamtlaufzeit {time.perf_counter() - begun:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
