"""Engine registry. The embedded engine always exists (and is always kept up to date, so
it can take over); Elasticsearch joins when ELASTICSEARCH_URL is set."""

from functools import lru_cache

from django.conf import settings


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
    """Every engine that must follow content changes."""
    engines = [embedded_engine()]
    if settings.ELASTICSEARCH_URL:
        engines.append(elasticsearch_engine(settings.ELASTICSEARCH_URL))
    return engines
