"""The engine registry: the embedded index always follows content, whatever Elasticsearch does."""

import pytest

from search.engines import embedded_engine, index_engines, primary_engine
from search.indexing import sync_profiles

pytestmark = pytest.mark.django_db


def test_without_elasticsearch_only_the_embedded_engine_is_used(settings):
    settings.ELASTICSEARCH_URL = ""
    assert primary_engine() is embedded_engine()
    assert index_engines() == [embedded_engine()]


def test_a_malformed_elasticsearch_url_never_breaks_publishing(settings, make_profile):
    settings.ELASTICSEARCH_URL = "kein-gültiger-url"
    page = make_profile("Testverbund Abwasser")

    assert index_engines() == [embedded_engine()]
    sync_profiles([page.pk])  # what publishing runs after commit

    ids = {hit.page_id for hit in embedded_engine().search(_query("Testverbund")).hits}
    assert page.pk in ids


def _query(text):
    from search.contract import SearchQuery

    return SearchQuery(text=text)
