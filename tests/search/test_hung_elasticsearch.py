"""Fault: a hung Elasticsearch made publishing fail and left its index stale (issue 17).

Elasticsearch is a TCP peer that accepts connections and never answers (tests/hung_peer.py),
so the client must give up by its own timeout. Publishing and unpublishing succeed, the
failed update is recorded as pending, searches use the embedded engine meanwhile, and the
repair path re-syncs exactly the pending profiles."""

import io
import logging
import time

import pytest
from django.core.management import CommandError, call_command

from cooperations.models import CooperationPage
from search import indexing, service
from search.contract import SearchQuery
from search.engines import elasticsearch_engine, embedded_engine
from search.models import IndexedDocument, PendingIndexUpdate
from tests.hung_peer import hung_peer

pytestmark = pytest.mark.django_db

UPDATE_TIMEOUT = 0.5


@pytest.fixture
def hung_elasticsearch(settings):
    with hung_peer() as (host, port):
        url = f"http://{host}:{port}"
        settings.ELASTICSEARCH_URL = url
        settings.ELASTICSEARCH_TIMEOUT = UPDATE_TIMEOUT
        settings.ELASTICSEARCH_UPDATE_TIMEOUT = UPDATE_TIMEOUT
        settings.ELASTICSEARCH_BREAKER_SECONDS = 30
        elasticsearch_engine.cache_clear()
        service.breaker.reset()
        yield elasticsearch_engine(url)
        elasticsearch_engine.cache_clear()
        service.breaker.reset()


def pending(engine="elasticsearch"):
    return set(PendingIndexUpdate.objects.filter(engine=engine).values_list("page_id", flat=True))


def test_publishing_and_unpublishing_succeed_and_are_recorded_as_pending(
    hung_elasticsearch, make_profile, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.ERROR, logger="search.indexing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        started = time.monotonic()
        page = make_profile("Standesamt Hängepartie")
        first_publish = time.monotonic() - started
    assert CooperationPage.objects.get(pk=page.pk).live
    # the embedded engine is current, Elasticsearch is marked stale for this profile
    assert IndexedDocument.objects.filter(page_id=page.pk).exists()
    assert pending() == {page.pk}
    assert "could not update profiles" in caplog.text
    # bounded by the update timeout (no retries), not by a worker timeout
    assert first_publish < 20

    # The breaker is open now: the next change does not wait for the hung server at all,
    # it is recorded at once.
    other = make_profile("Bauhof Hängepartie")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()  # republish
        other.unpublish()
    assert not CooperationPage.objects.get(pk=other.pk).live
    assert pending() == {page.pk, other.pk}

    # While the index is stale, searches use the embedded engine, which is current, even
    # once the breaker has closed again: the stale index is not even asked.
    service.breaker.reset()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="search.service"):
        results = service.search(SearchQuery(text="Hängepartie"))
    assert service.FALLBACK_NOTICE in results.notices
    assert [hit.page_id for hit in results.hits] == [page.pk]
    assert "failed" not in caplog.text  # Elasticsearch was not tried


def test_the_repair_command_reports_a_still_hung_server(
    hung_elasticsearch, make_profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_profile("Standesamt Reparatur")
    assert pending() == {page.pk}
    with pytest.raises(CommandError) as failed:
        call_command("repair_search_index", stdout=io.StringIO())
    assert "weiterhin nicht erreichbar" in str(failed.value)
    assert "1 Steckbriefe stehen aus" in str(failed.value)
    assert pending() == {page.pk}  # still recorded


def test_repair_re_syncs_exactly_the_pending_profiles(make_profile):
    """``repair`` with a working engine (the embedded one standing in for a recovered
    Elasticsearch): the pending profiles are applied — published ones indexed, unpublished
    ones removed — and only their rows are forgotten."""
    engine = embedded_engine()
    live = make_profile("Standesamt Nachtrag")
    gone = make_profile("Bauhof Zurückgezogen")
    indexing.apply(engine, [gone.pk])  # indexed while live; the new one was missed
    assert not IndexedDocument.objects.filter(page_id=live.pk).exists()
    CooperationPage.objects.filter(pk=gone.pk).update(live=False)
    PendingIndexUpdate.record(engine.name, [live.pk, gone.pk], "Timeout")
    PendingIndexUpdate.record("elasticsearch", [live.pk], "Timeout")  # another engine
    assert indexing.repair(engine) == 2
    assert IndexedDocument.objects.filter(page_id=live.pk).exists()
    assert not IndexedDocument.objects.filter(page_id=gone.pk).exists()
    assert pending(engine.name) == set()
    assert pending() == {live.pk}


def test_a_successful_update_also_repairs_pending_profiles(make_profile):
    engine = embedded_engine()
    missed = make_profile("Standesamt Verpasst")
    assert not IndexedDocument.objects.filter(page_id=missed.pk).exists()
    PendingIndexUpdate.record(engine.name, [missed.pk], "Timeout")
    now = make_profile("Bauhof Jetzt")
    assert indexing.sync_external(engine, [now.pk]) is True
    assert IndexedDocument.objects.filter(page_id=missed.pk).exists()
    assert pending(engine.name) == set()


def test_the_repair_command_forgets_engines_no_longer_configured(settings, make_profile):
    settings.ELASTICSEARCH_URL = ""
    page = make_profile("Standesamt Ohne Elasticsearch")
    PendingIndexUpdate.record("elasticsearch", [page.pk], "Timeout")
    out = io.StringIO()
    call_command("repair_search_index", stdout=out)
    assert "1 Einträge für nicht mehr genutzte Suchmaschinen entfernt." in out.getvalue()
    assert pending() == set()
