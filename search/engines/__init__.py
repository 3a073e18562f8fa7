"""Engine registry. The embedded engine always exists (and is always kept up to date, so
it can take over); Elasticsearch joins when ELASTICSEARCH_URL is set."""

import logging
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def embedded_engine():
    from .embedded import EmbeddedEngine

    return EmbeddedEngine()


@lru_cache(maxsize=4)
def elasticsearch_engine(url):
    from .elastic import ElasticsearchEngine

    return ElasticsearchEngine(url)


def primary_engine():
    if settings.ELASTICSEARCH_URL:
        return elasticsearch_engine(settings.ELASTICSEARCH_URL)
    return embedded_engine()


def index_engines():
    """Every engine that must follow content changes.

    An Elasticsearch engine that cannot even be set up (e.g. a malformed URL) is skipped
    with a log entry: publishing must never fail because of the external engine.
    """
    engines = [embedded_engine()]
    if settings.ELASTICSEARCH_URL:
        try:
            engines.append(elasticsearch_engine(settings.ELASTICSEARCH_URL))
        except Exception:
            logger.exception("Elasticsearch is not usable; only the embedded index is updated")
    return engines


def engine_named(name):
    """The index engine called ``name`` (as background tasks name it), or None if it is no
    longer configured."""
    return next((engine for engine in index_engines() if engine.name == name), None)
