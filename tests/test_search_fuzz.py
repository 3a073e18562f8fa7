"""Property test: whatever the query string, the search page answers 200 or 400 (never
500). The JSON operations are checked by schemathesis over the OpenAPI document
(tests/test_api_contract.py)."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.facets import FACETS
from search.forms import (
    PAGE,
    PAGE_SIZE,
    PLACE,
    RADIUS,
    SORT,
    TEXT,
    YEAR_FROM,
    YEAR_TO,
)
from tests import test_search_page

pytestmark = pytest.mark.django_db

# The page tests' fixtures: four indexed profiles.
profiles = test_search_page.profiles
search_index = test_search_page.search_index

KNOWN_KEYS = [facet.key for facet in FACETS] + [
    TEXT,
    PAGE,
    PAGE_SIZE,
    SORT,
    YEAR_FROM,
    YEAR_TO,
    PLACE,
    RADIUS,
]
REAL_VALUES = [
    "standesamt",
    "buergerdienste-ordnung",
    "05",
    "05974",
    "ab-2020",
    "ja",
    "relevanz",
    "name",
    "Erwitte",
    "Neustadt",
    "05974016",
    "25",
    "2010",
]

# Surrogate-free Unicode, control characters and odd marks included.
unicode_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
odd_text = st.sampled_from(
    ["\x00", "\u200f", "\u202e", "\ufeff", "e\u0301", "🏛️👨‍👩‍👧", "\U0010fffd", "\r\n", "%", "&"]
)
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["", " 7 ", "+3", "-0", "1e309", "0x1F", "١٢", "１２", "12,5", "1.000", "9" * 5000]
    ),
)
long_text = st.integers(min_value=400, max_value=12_000).map(lambda n: "ä" * n)
values = st.one_of(
    st.sampled_from(REAL_VALUES),
    unicode_text,
    odd_text,
    numbers,
    long_text,
    st.lists(odd_text, max_size=4).map("".join),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), unicode_text)
query_strings = st.lists(st.tuples(keys, values), max_size=8).map(urlencode)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(query=query_strings)
def test_search_page_never_fails(client, profiles, query):
    response = client.get("/suche/?" + query)
    assert response.status_code in {200, 400}, (query, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "\x00" not in body
    if response.status_code == 400:
        assert 'class="error-summary"' in body
