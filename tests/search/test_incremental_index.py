"""The facet index of the embedded engine follows changes incrementally: after any add,
update or delete it equals a facet index read whole, in the process that wrote and in
other processes (here: other engine instances, each with its own in-memory index), and
it falls back to reading everything when the change log cannot tell what changed."""

import random

import pytest
from django.db import connection, transaction

from search.contract import GeoFilter, SearchQuery
from search.engines.embedded import EmbeddedEngine
from search.engines.facet_index import FacetIndex
from search.models import IndexChange, IndexVersion

LANDS = ["05", "06", "09", "03"]
PHASES = ["planung", "umsetzung", "regelbetrieb"]
TAGS = ["digitalisierung", "fachkraeftemangel", "klimaschutz", "bauhof"]
PLACES = [(51.57, 8.11), (51.40, 8.06), (51.96, 7.63), (50.94, 6.96), (51.57, 8.11)]
WORDS = ["Standesamt", "Bauhof", "Kläranlage", "Vergabestelle", "Personalabrechnung"]


def random_document(rng, page_id):
    published = None if rng.random() < 0.15 else f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-01"
    return {
        "id": page_id,
        "title": f"{rng.choice(WORDS)} {rng.choice(['Nord', 'Süd', 'Ämter', 'Ost'])}",
        "url": f"/kooperationen/test-{page_id}/",
        "summary": "",
        "body": " ".join(rng.sample(WORDS, 2)),
        "partners": [],
        "keywords": [],
        "published_at": f"{published}T12:00:00+00:00" if published else None,
        "start_year": rng.choice([None, 1999, 2015, 2020, 2024]),
        "partner_count": rng.randint(1, 6),
        "locations": rng.sample(PLACES, rng.randint(0, 3)),
        "facets": {
            "land": rng.sample(LANDS, rng.randint(1, 2)),
            "phase": [rng.choice(PHASES)],
            **({"schlagwort": rng.sample(TAGS, rng.randint(1, 2))} if rng.random() < 0.6 else {}),
        },
        "display": {},
    }


def snapshot(index):
    """Everything a facet index says, by page id (slots are internal)."""

    def pages(bits):
        return sorted(index.ids[slot] for slot in index.iter_positions(bits))

    return {
        "all": pages(index.all),
        "facets": {
            key: {value: pages(bits) for value, bits in values.items() if bits}
            for key, values in index.facets.items()
            if any(values.values())
        },
        "years": {year: pages(bits) for year, bits in index.years.items() if bits},
        "points": [
            (lat, lon, sorted(index.ids[slot] for slot in positions))
            for lat, lon, positions in index.points
        ],
        "orders": {
            sort: [index.ids[slot] for slot in order] for sort, order in index.orders.items()
        },
        "counts": index.unfiltered_counts(),
    }


QUERIES = [
    SearchQuery(),
    SearchQuery(sort="name"),
    SearchQuery(sort="partner", page_size=5, page=2),
    SearchQuery(text="Standesamt"),
    SearchQuery(text="Bauhof", filters={"land": ("05", "09")}, sort="name"),
    SearchQuery(filters={"phase": ("umsetzung",), "schlagwort": ("klimaschutz",)}),
    SearchQuery(start_year_min=2015, start_year_max=2020),
    SearchQuery(geo=GeoFilter("05974040", 51.57, 8.11, 25, "Soest")),
]


def answers(engine):
    return [
        (
            results.total,
            [hit.page_id for hit in results.hits],
            [(f.key, [(v.value, v.count) for v in f.values]) for f in results.facets],
        )
        for results in map(engine.search, QUERIES)
    ]


@pytest.fixture
def loads(monkeypatch):
    """Counts the facet indexes read whole."""
    calls = []
    load = FacetIndex.load.__func__

    def counted(cls, version, stamp):
        calls.append(version)
        return load(cls, version, stamp)

    monkeypatch.setattr(FacetIndex, "load", classmethod(counted))
    return calls


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_every_change_the_index_equals_one_read_whole(db, seed, loads):
    rng = random.Random(seed)
    writer, other = EmbeddedEngine(), EmbeddedEngine()
    writer.rebuild([random_document(rng, page_id) for page_id in range(1, 31)])
    writer.facet_index(), other.facet_index()
    assert len(loads) == 2
    next_id = 31
    for _ in range(40):
        action = rng.random()
        if action < 0.35:
            documents = [random_document(rng, next_id + i) for i in range(rng.randint(1, 3))]
            next_id += len(documents)
            writer.index_documents(documents)
        elif action < 0.7:
            ids = rng.sample(sorted(writer.facet_index().page_ids()), 2)
            writer.index_documents([random_document(rng, page_id) for page_id in ids])
        else:
            writer.delete_documents(rng.sample(sorted(writer.facet_index().page_ids()), 2))
        # the writer's process and another one: incrementally, each its own copy
        expected = snapshot(FacetIndex.load(*IndexVersion.current()))
        assert snapshot(writer.facet_index()) == expected
        if rng.random() < 0.5:  # the other process does not search after every change
            assert snapshot(other.facet_index()) == expected
    fresh = EmbeddedEngine()
    assert answers(other) == answers(fresh) == answers(writer)
    assert len(loads) == 2 + 40 + 1  # the expected snapshots, one fresh engine: no reload


def test_a_second_process_applies_the_published_change(db, loads):
    rng = random.Random(7)
    writer, other = EmbeddedEngine(), EmbeddedEngine()
    writer.rebuild([random_document(rng, page_id) for page_id in range(1, 11)])
    before = other.facet_index()
    published = {**random_document(rng, 11), "title": "Neue Vergabestelle"}
    published["facets"] = {"land": ["16"], "phase": ["planung"]}
    writer.index_documents([published])
    results = other.search(SearchQuery(text="Vergabestelle", filters={"land": ("16",)}))
    assert [hit.title for hit in results.hits] == ["Neue Vergabestelle"]
    assert {v.value: v.count for v in results.facet("land").values}["16"] == 1
    assert other.facet_index() is not before
    assert snapshot(before)["all"] == list(range(1, 11))  # the old index stays as it was
    writer.delete_documents([11])
    assert other.search(SearchQuery(filters={"land": ("16",)})).total == 0
    assert loads == [1]  # only the first read was whole


def test_a_rebuild_makes_every_process_read_whole(db, loads):
    rng = random.Random(3)
    engine, other = EmbeddedEngine(), EmbeddedEngine()
    engine.rebuild([random_document(rng, page_id) for page_id in range(1, 6)])
    other.facet_index()
    engine.rebuild([random_document(rng, page_id) for page_id in range(20, 23)])
    assert sorted(other.facet_index().page_ids()) == [20, 21, 22]
    assert len(loads) == 2
    assert list(IndexChange.objects.values_list("page_ids", flat=True)) == [None]


def test_a_version_seen_inside_a_rolled_back_transaction_is_not_trusted(db, loads):
    rng = random.Random(5)
    engine, other = EmbeddedEngine(), EmbeddedEngine()
    engine.rebuild([random_document(rng, page_id) for page_id in range(1, 6)])
    other.facet_index()
    version = IndexVersion.current()[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        engine.index_documents([random_document(rng, 99)])
        assert other.facet_index().slot(99) is not None  # seen inside the transaction
        raise RuntimeError("rolled back")
    engine.index_documents([random_document(rng, 6)])  # the same version number again
    assert IndexVersion.current()[0] == version + 1
    index = other.facet_index()
    assert sorted(index.page_ids()) == [1, 2, 3, 4, 5, 6]
    assert snapshot(index) == snapshot(FacetIndex.load(*IndexVersion.current()))


def test_a_process_further_behind_than_the_log_reads_whole(db, loads, monkeypatch):
    monkeypatch.setattr(IndexChange, "KEEP", 3)
    monkeypatch.setattr(IndexChange, "PRUNE_EVERY", 1)
    rng = random.Random(11)
    engine, other = EmbeddedEngine(), EmbeddedEngine()
    engine.rebuild([random_document(rng, page_id) for page_id in range(1, 6)])
    other.facet_index()
    for page_id in range(6, 12):
        engine.index_documents([random_document(rng, page_id)])
    assert IndexChange.objects.count() == 3
    assert sorted(other.facet_index().page_ids()) == list(range(1, 12))
    assert len(loads) == 2


def test_many_changes_at_once_are_read_whole(db, loads, monkeypatch):
    monkeypatch.setattr("search.engines.embedded.MAX_CHANGES", 2)
    rng = random.Random(13)
    engine = EmbeddedEngine()
    engine.rebuild([random_document(rng, page_id) for page_id in range(1, 61)])
    engine.facet_index()
    engine.index_documents([random_document(rng, page_id) for page_id in range(1, 5)])
    assert snapshot(engine.facet_index()) == snapshot(FacetIndex.load(*IndexVersion.current()))
    assert len(loads) == 3  # the first, instead of 4 > max(2, 60 // 20) changes, the check


def test_removed_documents_leave_holes_until_a_whole_read(db, monkeypatch, loads):
    monkeypatch.setattr("search.engines.embedded.MAX_CHANGES", 2)
    rng = random.Random(17)
    engine = EmbeddedEngine()
    engine.rebuild([random_document(rng, page_id) for page_id in range(1, 9)])
    slot_of_4 = engine.facet_index().slot(4)
    engine.delete_documents([2])
    assert engine.facet_index().holes == 1
    engine.index_documents([random_document(rng, 4), random_document(rng, 12)])
    index = engine.facet_index()
    assert (len(index.ids), index.holes, index.slot(2), index.slot(4)) == (9, 1, None, slot_of_4)
    assert index.slot(12) == 8  # a new slot: slots are never reused
    assert sorted(index.page_ids()) == [1, 3, 4, 5, 6, 7, 8, 12]
    engine.delete_documents([5])
    assert engine.facet_index().holes == 2
    engine.delete_documents([6])  # 3 holes > max(2, 6 // 4): read whole, without holes
    index = engine.facet_index()
    assert (len(index.ids), index.holes) == (6, 0)
    assert snapshot(index) == snapshot(FacetIndex.load(*IndexVersion.current()))
    assert len(loads) == 3


def test_the_log_names_the_changed_documents(db):
    engine = EmbeddedEngine()
    rng = random.Random(19)
    engine.rebuild([random_document(rng, 1)])
    version, stamp = IndexVersion.current()
    engine.index_documents([random_document(rng, 2), random_document(rng, 1)])
    engine.delete_documents([1, 77])
    assert IndexChange.changed_pages(version, stamp, version + 2) == {1, 2, 77}  # as asked
    assert IndexChange.changed_pages(version, "anderer", version + 2) is None
    assert IndexChange.changed_pages(version, stamp, version + 3) is None  # not there yet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST storage: PostgreSQL only")
def test_postgres_keeps_the_search_vector_in_the_row(db):
    # Migration 0006: out of line, every @@ and ts_rank of a search fetched it from the
    # TOAST table again. A migration that recreates the column must set MAIN again.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'atlas_search_document'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"


def test_a_version_without_changed_documents_keeps_the_facet_index(db, loads):
    rng = random.Random(23)
    engine = EmbeddedEngine()
    engine.rebuild([random_document(rng, page_id) for page_id in range(1, 4)])
    before = engine.facet_index()
    IndexVersion.bump(page_ids=[])  # e.g. an editor saved a synonym group
    after = engine.facet_index()
    assert after.stamp != before.stamp and after.page_ids() == before.page_ids()
    assert loads == [before.version]
