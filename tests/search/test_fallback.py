"""Elasticsearch down: the embedded engine answers in bounded time and the page says so.

The Elasticsearch URL points to a closed local port (nothing listens on port 9), so every
request meets a real connection refusal; no server is faked.
"""

import time

import pytest

from search import service
from search.contract import SearchQuery
from search.engines import elasticsearch_engine, embedded_engine, primary_engine

CLOSED_PORT = "http://127.0.0.1:9"
TIMEOUT = 1.0
MARGIN = 1.5  # the embedded engine's own work on a small test database


@pytest.fixture
def elasticsearch_down(settings):
    settings.ELASTICSEARCH_URL = CLOSED_PORT
    settings.ELASTICSEARCH_TIMEOUT = TIMEOUT
    settings.ELASTICSEARCH_BREAKER_SECONDS = 30
    elasticsearch_engine.cache_clear()
    service.breaker.reset()
    yield elasticsearch_engine(CLOSED_PORT)
    elasticsearch_engine.cache_clear()
    service.breaker.reset()


@pytest.fixture
def indexed_profiles(make_profile):
    from search.documents import build_document, indexable_profiles

    pages = [
        make_profile(
            "Standesamt Hellweg",
            partners=[("05974016", "lead"), ("05974004", "member")],
            summary="Drei Kommunen haben ihre Standesämter zusammengelegt.",
            phase="umsetzung",
        ),
        make_profile(
            "Gemeinsame Vergabestelle",
            partners=[("05754008", "lead")],
            summary="Eine Vergabestelle für mehrere Gemeinden.",
            phase="regelbetrieb",
        ),
    ]
    embedded_engine().rebuild([build_document(page) for page in indexable_profiles()])
    return pages


def _search(query):
    started = time.monotonic()
    results = service.search(query)
    return results, time.monotonic() - started


@pytest.mark.django_db
def test_search_falls_back_with_notice(elasticsearch_down, indexed_profiles):
    assert primary_engine() is elasticsearch_down
    assert elasticsearch_down.timeout == TIMEOUT

    results, elapsed = _search(SearchQuery(text="Standesamt"))

    assert elapsed < TIMEOUT + MARGIN
    assert results.engine == embedded_engine().name
    assert service.FALLBACK_NOTICE in results.notices
    assert [hit.title for hit in results.hits] == ["Standesamt Hellweg"]
    assert results.total == 1
    # The facets still come with the results.
    assert results.facet("phase") is not None


@pytest.mark.django_db
def test_fallback_covers_filters_and_paging(elasticsearch_down, indexed_profiles):
    query = SearchQuery(filters={"phase": ("regelbetrieb",)}, sort="name", page=1, page_size=1)
    results, elapsed = _search(query)
    assert elapsed < TIMEOUT + MARGIN
    assert [hit.title for hit in results.hits] == ["Gemeinsame Vergabestelle"]
    assert results.notices.count(service.FALLBACK_NOTICE) == 1


@pytest.mark.django_db
def test_circuit_breaker_skips_elasticsearch(elasticsearch_down, indexed_profiles, monkeypatch):
    attempts = []
    search_elasticsearch = elasticsearch_down.search

    def counted(query):
        attempts.append(query)
        return search_elasticsearch(query)

    monkeypatch.setattr(elasticsearch_down, "search", counted)
    query = SearchQuery(text="Vergabestelle")

    first, _ = _search(query)
    assert len(attempts) == 1
    assert service.breaker.is_open(elasticsearch_down.name)

    # Open breaker: straight to the embedded engine, Elasticsearch is not asked.
    second, elapsed = _search(query)
    assert len(attempts) == 1
    assert elapsed < TIMEOUT + MARGIN
    for results in (first, second):
        assert results.engine == embedded_engine().name
        assert service.FALLBACK_NOTICE in results.notices
        assert [hit.title for hit in results.hits] == ["Gemeinsame Vergabestelle"]


@pytest.mark.django_db
def test_breaker_closes_after_cooldown(elasticsearch_down, indexed_profiles, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(service.breaker, "clock", lambda: now[0])
    attempts = []
    search_elasticsearch = elasticsearch_down.search
    monkeypatch.setattr(
        elasticsearch_down, "search", lambda q: attempts.append(q) or search_elasticsearch(q)
    )

    service.search(SearchQuery(text="Standesamt"))
    now[0] += 29
    service.search(SearchQuery(text="Standesamt"))
    assert len(attempts) == 1
    now[0] += 2  # past ELASTICSEARCH_BREAKER_SECONDS: Elasticsearch is tried again
    results = service.search(SearchQuery(text="Standesamt"))
    assert len(attempts) == 2
    assert service.FALLBACK_NOTICE in results.notices
    assert service.breaker.is_open(elasticsearch_down.name)


@pytest.mark.django_db
def test_malformed_url_falls_back_too(settings, indexed_profiles):
    settings.ELASTICSEARCH_URL = "elasticsearch:9200"  # no scheme: the client refuses it
    elasticsearch_engine.cache_clear()
    try:
        results = service.search(SearchQuery(text="Standesamt"))
    finally:
        elasticsearch_engine.cache_clear()
    assert results.engine == embedded_engine().name
    assert service.FALLBACK_NOTICE in results.notices


@pytest.mark.django_db
def test_embedded_engine_alone_has_no_notice(settings, indexed_profiles):
    settings.ELASTICSEARCH_URL = ""
    service.breaker.reset()
    results = service.search(SearchQuery(text="Standesamt"))
    assert results.engine == embedded_engine().name
    assert service.FALLBACK_NOTICE not in results.notices


@pytest.mark.django_db
def test_search_page_and_api_show_the_notice(client, elasticsearch_down, indexed_profiles):
    from django.urls import reverse

    page = client.get(reverse("search:page"), {"q": "Standesamt"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Ersatzbetrieb" in content
    assert "Standesamt Hellweg" in content

    api = client.get(reverse("api:search"), {"q": "Standesamt"})
    assert api.status_code == 200
    assert service.FALLBACK_NOTICE in str(api.json())


@pytest.mark.django_db
def test_total_falls_back_too(elasticsearch_down, indexed_profiles):
    """``service.total`` asks the engine's ``total`` (contract) and falls back alike."""
    assert service.total(SearchQuery(text="Standesamt")) == 1
    assert service.breaker.is_open(elasticsearch_down.name)
    assert service.total(SearchQuery(filters={"phase": ("regelbetrieb",)})) == 1
