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
from dataclasses import replace

from django.conf import settings

from .analysis import TOKEN_RE, clean_text, normalise, stopwords
from .contract import PartialMatch
from .engines import embedded_engine, primary_engine

MAX_WORDS = 8  # partial matching tries at most this many words

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


def search(query, *, relax=False):
    """Search with the configured engine; on any engine failure use the embedded one.

    ``relax`` (the search page and the API, not figures or alerts): when all words
    together find nothing, search for most of them instead (``relaxed_words``) and say so
    in ``results.partial`` and a notice; a "Meinten Sie …?" that would find nothing is
    dropped."""
    results = _answer(query, lambda engine: engine.search(query), lambda: _fallback(query))
    if not relax:
        return results
    if results.total == 0:
        relaxed = relaxed_words(query)
        if relaxed is not None:
            matched, missing = relaxed
            suggestion = results.suggestion
            results = search(replace(query, text=" ".join(matched)))
            results.query = query
            results.partial = PartialMatch(tuple(matched), tuple(missing))
            results.suggestion = suggestion
            results.notices.insert(0, partial_notice(matched, missing))
    if results.suggestion and not total(replace(query, text=results.suggestion, page=1)):
        results.suggestion = None
    return results


def partial_notice(matched, missing):
    quoted = ", ".join(f"„{word}“" for word in matched)
    left_out = ", ".join(f"„{word}“" for word in missing)
    return f"Keine Treffer, die alle Suchwörter enthalten. Treffer für {quoted}, ohne {left_out}."


def relaxed_words(query):
    """(words kept, words left out) for a query whose words together find nothing: the
    most words that still find something, the words with most hits kept on a tie; None
    when no word or only one is given, or no word finds anything. Counts only (``total``),
    so each try is cheap on every engine."""
    words = query_words(query.text)
    if len(words) < 2:
        return None
    alone = {word: total(replace(query, text=word, page=1)) for word in words}
    kept = [word for word in words if alone[word]]
    if not kept:
        return None
    while len(kept) > 1 and not total(replace(query, text=" ".join(kept), page=1)):
        # Leave out the word whose absence finds most (the rarest one on a tie).
        counts = {
            word: total(replace(query, text=" ".join(w for w in kept if w != word), page=1))
            for word in kept
        }
        kept.remove(max(kept, key=lambda word: (counts[word], -alone[word])))
    return kept, [word for word in words if word not in kept]


def query_words(text):
    """The words of a query as typed, without stop words and repeats, at most MAX_WORDS."""
    found = []
    for match in TOKEN_RE.finditer(clean_text(text)):
        word = match.group()
        if normalise(word.lower()) not in stopwords() and word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def total(query):
    """``search(query).total``: how many profiles ``query`` finds, counted by the engine
    without building a page of results (no hits, no facet counts)."""
    return _answer(
        query, lambda engine: engine.total(query), lambda: embedded_engine().total(query)
    )
