"""The one entry point for searching: picks the engine and falls back when it fails.

When Elasticsearch is configured but down or slow, the search still answers: the client
gives up after ELASTICSEARCH_TIMEOUT seconds (no retries), the embedded engine answers,
and the page says so. A circuit breaker then sends the next searches straight to the
embedded engine for ELASTICSEARCH_BREAKER_SECONDS, so a dead server costs one timeout,
not one per request; the first search after that tries Elasticsearch again. While live
updates of its index failed and are not repaired (``search.indexing``), the index is stale
and the embedded engine answers as well.
"""

import logging
import threading
import time

from django.conf import settings

from .engines import embedded_engine, primary_engine

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = (
    "Die Suche läuft gerade im Ersatzbetrieb über die Datenbank des Portals; "
    "Treffer und Reihenfolge können leicht abweichen."
)


class CircuitBreaker:
    """Open (skip the engine) for ``cooldown`` seconds after a failure."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._open_until = {}
        self._lock = threading.Lock()

    def is_open(self, name):
        with self._lock:
            return self.clock() < self._open_until.get(name, float("-inf"))

    def trip(self, name, cooldown):
        with self._lock:
            self._open_until[name] = self.clock() + cooldown

    def reset(self, name=None):
        with self._lock:
            if name is None:
                self._open_until.clear()
            else:
                self._open_until.pop(name, None)


breaker = CircuitBreaker()


def _fallback(query):
    results = embedded_engine().search(query)
    if FALLBACK_NOTICE not in results.notices:
        results.notices.append(FALLBACK_NOTICE)
    return results


def index_is_stale(engine):
    """Whether live updates of ``engine`` failed and are not repaired yet: then it may
    still list an unpublished or restricted profile, and the embedded engine answers."""
    from .models import PendingIndexUpdate

    return PendingIndexUpdate.is_stale(engine.name)


def _answer(query, ask, fallback):
    """``ask(engine)`` with the configured engine; ``fallback()`` when it fails."""
    try:
        engine = primary_engine()
    except Exception:  # e.g. a malformed ELASTICSEARCH_URL: a setup error, not the user's
        logger.exception("Search engine could not be set up; the embedded engine answers")
        return fallback()
    if engine.name == embedded_engine().name:
        return ask(engine)
    if breaker.is_open(engine.name) or index_is_stale(engine):
        return fallback()
    try:
        return ask(engine)
    except Exception:  # the user never sees an engine error
        cooldown = settings.ELASTICSEARCH_BREAKER_SECONDS
        logger.warning(
            "Search engine %s failed; the embedded engine answers for the next %g s",
            engine.name,
            cooldown,
            exc_info=True,
        )
        breaker.trip(engine.name, cooldown)
        return fallback()


def search(query):
    """Search with the configured engine; on any engine failure use the embedded one."""
    return _answer(query, lambda engine: engine.search(query), lambda: _fallback(query))


def total(query):
    """``search(query).total``: how many profiles ``query`` finds, counted by the engine
    without building a page of results (no hits, no facet counts)."""
    return _answer(
        query, lambda engine: engine.total(query), lambda: embedded_engine().total(query)
    )
