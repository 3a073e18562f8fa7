"""The engine-neutral search contract: a validated query goes in, results come out.

Every engine (embedded on SQLite or PostgreSQL, Elasticsearch) takes a ``SearchQuery``
and returns ``SearchResults``; the search page and the JSON endpoint only see these types.
"""

from dataclasses import dataclass, field
from typing import Protocol

from register.constants import MAX_RADIUS_KM  # noqa: F401  (part of the contract)

SORTS = {
    "relevanz": "Relevanz",
    "neueste": "Neueste zuerst",
    "name": "Name (A–Z)",
    "partner": "Anzahl der Partner",
}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 1000  # deeper pages are refused: nobody reads them, and they cost the engine


@dataclass(frozen=True)
class GeoFilter:
    """Profiles with at least one partner within ``radius_km`` of a municipality's centre."""

    ags: str
    latitude: float
    longitude: float
    radius_km: float
    name: str = ""


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    # facet key -> selected values; within a facet values are ORed, across facets ANDed
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    start_year_min: int | None = None
    start_year_max: int | None = None
    geo: GeoFilter | None = None
    sort: str = "relevanz"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def effective_sort(self):
        """Relevance needs a text; without one, newest first."""
        if self.sort == "relevanz" and not self.text.strip():
            return "neueste"
        return self.sort

    @property
    def offset(self):
        return (self.page - 1) * self.page_size

    def selected(self, facet_key):
        return self.filters.get(facet_key, ())


@dataclass
class Hit:
    page_id: int
    title: str
    url: str
    summary: str
    # Safe HTML: the text escaped, matches wrapped in <mark>. Empty when nothing to show.
    highlight: str = ""
    score: float | None = None
    document: dict = field(default_factory=dict)  # the search document (see documents.py)
    distance_km: float | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    depth: int = 0  # 0 = top level of a hierarchical facet
    parent: str | None = None


@dataclass
class FacetResult:
    key: str
    label: str
    values: list[FacetValue]
    hierarchical: bool = False

    @property
    def selected_values(self):
        return [value for value in self.values if value.selected]


@dataclass(frozen=True)
class PartialMatch:
    """All words together found nothing: the hits are for ``matched``, without ``missing``
    (the words as typed)."""

    matched: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: list[FacetResult]
    suggestion: str | None = None  # "Meinten Sie …?"
    engine: str = ""
    notices: list[str] = field(default_factory=list)  # shown to the user (e.g. fallback)
    took_ms: float | None = None
    partial: PartialMatch | None = None  # set by service.search(relax=True)

    @property
    def num_pages(self):
        return max(1, -(-self.total // self.query.page_size))

    def facet(self, key):
        return next((facet for facet in self.facets if facet.key == key), None)


class SearchEngine(Protocol):
    """What every engine offers. Documents come from ``documents.build_document``."""

    name: str

    def search(self, query: SearchQuery) -> SearchResults: ...

    def total(self, query: SearchQuery) -> int:
        """``search(query).total``, without hits, facet counts or suggestion."""
        ...

    def index_documents(self, documents: list[dict]) -> None: ...

    def delete_documents(self, page_ids: list[int]) -> None: ...

    def rebuild(self, documents, *, total: int | None = None, progress: bool = False) -> int: ...

    def count(self) -> int: ...
