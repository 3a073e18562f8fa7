"""The index follows the content: exactly the affected profiles are updated, after commit."""

import io
import logging

import pytest
from django.core.management import call_command
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from cooperations.models import CooperationIndexPage, CooperationPage, Motive, TaskArea
from search.contract import SearchQuery
from search.engines import embedded_engine
from search.models import IndexedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(monkeypatch):
    """The embedded engine as the only index engine, recording what it is asked to do."""
    engine = embedded_engine()
    calls = []
    index_documents, delete_documents = engine.index_documents, engine.delete_documents

    def recording_index(documents):
        calls.append(("index", sorted(document["id"] for document in documents)))
        index_documents(documents)

    def recording_delete(page_ids):
        calls.append(("delete", sorted(page_ids)))
        delete_documents(page_ids)

    monkeypatch.setattr(engine, "index_documents", recording_index)
    monkeypatch.setattr(engine, "delete_documents", recording_delete)
    monkeypatch.setattr("search.indexing.index_engines", lambda: [engine])
    monkeypatch.setattr(engine, "calls", calls, raising=False)
    return engine


@pytest.fixture
def profiles(make_profile, engine, django_capture_on_commit_callbacks):
    """Three published, indexed profiles; the recorded calls start empty."""
    standesamt = TaskArea.objects.get(slug="standesamt")
    bauhof = TaskArea.objects.get(slug="bauhof")
    with django_capture_on_commit_callbacks(execute=True):
        pages = {
            "standesamt": make_profile(
                "Testfall Standesamt West",
                summary="Testdaten: ein gemeinsames Standesamt.",
                task_areas=[standesamt],
                motives=[Motive.objects.get(slug="effizienz")],
            ),
            "bauhof": make_profile(
                "Testfall Bauhof Ost",
                summary="Testdaten: ein gemeinsamer Bauhof.",
                task_areas=[bauhof],
            ),
            "ordnung": make_profile(
                "Testfall Ordnungsamt Süd",
                summary="Testdaten: ein gemeinsames Ordnungsamt.",
                task_areas=[TaskArea.objects.get(slug="ordnungsamt")],
            ),
        }
    assert IndexedDocument.objects.count() == 3
    engine.calls.clear()
    return pages


def stored(page):
    return IndexedDocument.objects.get(page_id=page.pk)


def touched(engine):
    return {page_id for _, page_ids in engine.calls for page_id in page_ids}


def found(engine, text):
    return [hit.page_id for hit in engine.search(SearchQuery(text=text)).hits]


def test_publishing_indexes_exactly_the_new_profile(
    engine, profiles, make_profile, django_capture_on_commit_callbacks
):
    unindexed = make_profile("Testfall Ohne Commit")  # its commit never happens in a test
    with django_capture_on_commit_callbacks(execute=True):
        page = make_profile("Testfall Abfallwirtschaft", summary="Testdaten: Abfall.")
    assert engine.calls == [("index", [page.pk])]
    assert stored(page).document["title"] == "Testfall Abfallwirtschaft"
    assert not IndexedDocument.objects.filter(page_id=unindexed.pk).exists()
    assert found(engine, "Abfallwirtschaft") == [page.pk]


def test_republishing_replaces_the_document(engine, profiles, django_capture_on_commit_callbacks):
    page = profiles["bauhof"]
    others_before = {p.pk: stored(p).indexed_at for p in profiles.values() if p is not page}
    page.title = "Testfall Betriebshof Ost"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert engine.calls == [("index", [page.pk])]
    assert found(engine, "Betriebshof") == [page.pk]
    assert found(engine, "Bauhof") == [page.pk]  # still in the summary
    assert {pk: IndexedDocument.objects.get(page_id=pk).indexed_at for pk in others_before} == (
        others_before
    )


def test_a_draft_revision_changes_nothing(engine, profiles, django_capture_on_commit_callbacks):
    page = profiles["bauhof"]
    page.title = "Testfall Entwurfstitel"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    assert engine.calls == []
    assert stored(page).document["title"] == "Testfall Bauhof Ost"


def test_unpublishing_removes_exactly_that_profile(
    engine, profiles, django_capture_on_commit_callbacks
):
    page = profiles["standesamt"]
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert engine.calls == [("delete", [page.pk])]
    assert set(IndexedDocument.objects.values_list("page_id", flat=True)) == {
        profiles["bauhof"].pk,
        profiles["ordnung"].pk,
    }
    assert found(engine, "Standesamt") == []


def test_deleting_removes_the_profile(engine, profiles, django_capture_on_commit_callbacks):
    page = profiles["ordnung"]
    page_id = page.pk
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert touched(engine) == {page_id}
    assert not IndexedDocument.objects.filter(page_id=page_id).exists()
    assert IndexedDocument.objects.count() == 2


def test_moving_a_profile_updates_its_url(
    engine, profiles, site_tree, django_capture_on_commit_callbacks
):
    home, _ = site_tree
    # A second overview page: max_count only limits editors in the admin.
    second = home.add_child(instance=CooperationIndexPage(title="Weitere", slug="weitere"))
    page = profiles["bauhof"]
    with django_capture_on_commit_callbacks(execute=True):
        page.move(second, pos="last-child")
    assert engine.calls == [("index", [page.pk])]
    assert stored(page).document["url"] == "/weitere/testfall-bauhof-ost/"


def test_changing_the_overview_slug_updates_every_profile_below(
    engine, profiles, site_tree, django_capture_on_commit_callbacks
):
    _, index = site_tree
    index.slug = "steckbriefe"
    with django_capture_on_commit_callbacks(execute=True):
        index.save_revision().publish()
    assert touched(engine) == {page.pk for page in profiles.values()}
    assert stored(profiles["standesamt"]).document["url"].startswith("/steckbriefe/")


def test_privacy_removes_and_restores(engine, profiles, django_capture_on_commit_callbacks):
    page = profiles["bauhof"]
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.LOGIN
        )
    assert engine.calls == [("delete", [page.pk])]
    assert not IndexedDocument.objects.filter(page_id=page.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert engine.calls[-1] == ("index", [page.pk])
    assert IndexedDocument.objects.filter(page_id=page.pk).exists()


def test_renaming_a_term_updates_the_profiles_using_it(
    engine, profiles, django_capture_on_commit_callbacks
):
    term = TaskArea.objects.get(slug="standesamt")
    term.name = "Personenstandswesen und Trauungen"
    with django_capture_on_commit_callbacks(execute=True):
        term.save()
    assert engine.calls == [("index", [profiles["standesamt"].pk])]
    assert (
        "Personenstandswesen und Trauungen" in stored(profiles["standesamt"]).document["keywords"]
    )
    assert found(engine, "Trauungen") == [profiles["standesamt"].pk]


def test_changing_a_parent_term_updates_the_profiles_below_it(
    engine, profiles, django_capture_on_commit_callbacks
):
    parent = TaskArea.objects.get(slug="buergerdienste-ordnung")
    parent.slug = "buergerdienste"
    with django_capture_on_commit_callbacks(execute=True):
        parent.save()
    # Standesamt and Ordnungsamt are below it, Bauhof is not.
    assert touched(engine) == {profiles["standesamt"].pk, profiles["ordnung"].pk}
    assert "buergerdienste" in stored(profiles["ordnung"]).document["facets"]["aufgabe"]
    results = engine.search(SearchQuery(filters={"aufgabe": ("buergerdienste",)}))
    assert results.total == 2


def test_deleting_a_term_updates_the_profiles_that_used_it(
    engine, profiles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Motive.objects.get(slug="effizienz").delete()
    assert engine.calls == [("index", [profiles["standesamt"].pk])]
    assert stored(profiles["standesamt"]).document["facets"]["motiv"] == []


def test_renaming_a_tag_updates_the_profiles_with_it(
    engine, profiles, django_capture_on_commit_callbacks
):
    page = profiles["ordnung"]
    page.tags.add("Testschlagwort")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    engine.calls.clear()
    tag = Tag.objects.get(name="Testschlagwort")
    tag.name = "Umbenanntes Testschlagwort"
    with django_capture_on_commit_callbacks(execute=True):
        tag.save()
    assert engine.calls == [("index", [page.pk])]
    assert "Umbenanntes Testschlagwort" in stored(page).document["keywords"]


class BrokenEngine:
    name = "kaputt"

    def index_documents(self, documents):
        raise ConnectionError("Elasticsearch ist nicht erreichbar")

    def delete_documents(self, page_ids):
        raise ConnectionError("Elasticsearch ist nicht erreichbar")


def test_a_failing_external_engine_never_breaks_publishing(
    engine, make_profile, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    broken = BrokenEngine()
    monkeypatch.setattr("search.indexing.index_engines", lambda: [engine, broken])
    # The update of an external engine runs as a task, which finds the engine by name.
    monkeypatch.setattr(
        "search.indexing.engine_named", lambda name: broken if name == broken.name else None
    )
    with (
        caplog.at_level(logging.ERROR, logger="search.indexing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = make_profile("Testfall Trotzdem veröffentlicht")
    assert CooperationPage.objects.get(pk=page.pk).live
    assert engine.calls == [("index", [page.pk])]  # the embedded engine is up to date
    assert "kaputt" in caplog.text and "rebuild_search_index" in caplog.text


def test_rebuild_command_indexes_every_published_profile(
    engine, profiles, make_profile, monkeypatch
):
    monkeypatch.setattr(
        "search.management.commands.rebuild_search_index.index_engines", lambda: [engine]
    )
    draft = make_profile("Testfall Entwurf", publish=False)
    IndexedDocument.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)
    assert set(IndexedDocument.objects.values_list("page_id", flat=True)) == {
        page.pk for page in profiles.values()
    }
    assert draft.pk not in set(IndexedDocument.objects.values_list("page_id", flat=True))
    assert f"{engine.name}: 3 Steckbriefe indexiert." in out.getvalue()
    assert found(engine, "Standesamt") == [profiles["standesamt"].pk]
