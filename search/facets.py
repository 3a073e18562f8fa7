"""The search facets, defined once.

Each facet says how to read its values from a profile (used by ``documents.build_document``)
and how to label them (used by the results, the search form and the API). Hierarchical
facets store a term and all its ancestors, so filtering on a parent finds its children.
"""

import contextlib
import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from cooperations.models import (
    CooperationModel,
    LegalForm,
    Motive,
    Phase,
    TaskArea,
)
from register.constants import SIZE_CLASSES, size_class  # noqa: F401  (facet values)
from register.models import AdministrativeDistrict, County, State

PARTNER_COUNT_CLASSES = [
    ("1", "1 Partner", 1, 1),
    ("2", "2 Partner", 2, 2),
    ("3-5", "3 bis 5 Partner", 3, 5),
    ("6-10", "6 bis 10 Partner", 6, 10),
    ("ab-11", "11 und mehr Partner", 11, None),
]

START_YEAR_BUCKETS = [
    ("bis-1999", "vor 2000", None, 1999),
    ("2000-2009", "2000 bis 2009", 2000, 2009),
    ("2010-2019", "2010 bis 2019", 2010, 2019),
    ("ab-2020", "ab 2020", 2020, None),
]


def partner_count_class(count):
    for key, _, lower, upper in PARTNER_COUNT_CLASSES:
        if count >= lower and (upper is None or count <= upper):
            return key
    return None


def start_year_bucket(year):
    for key, _, lower, upper in START_YEAR_BUCKETS:
        if (lower is None or year >= lower) and (upper is None or year <= upper):
            return key
    return None


@dataclass(frozen=True)
class FacetLabel:
    label: str
    parent: str | None = None
    depth: int = 0
    order: tuple = ()


@dataclass(frozen=True)
class Facet:
    key: str  # the URL parameter
    label: str
    values_of: Callable  # (page, partners) -> list[str]
    labels_for: Callable  # (values) -> dict[value, FacetLabel]
    hierarchical: bool = False
    # Show values in this order instead of by count (e.g. size classes).
    ordered: bool = False


# --- value extraction --------------------------------------------------------------------


def _with_ancestors(terms):
    values = []
    for term in terms:
        for node in term.ancestors_and_self():
            if node.slug not in values:
                values.append(node.slug)
    return values


def _register_bodies(partners):
    return [partner.body for partner in partners if partner.body is not None]


def _states(page, partners):
    return sorted({body.state.key for body in _register_bodies(partners)})


def _districts(page, partners):
    return sorted({body.district.key for body in _register_bodies(partners) if body.district_id})


def _counties(page, partners):
    keys = set()
    for partner in partners:
        if partner.county_id:
            keys.add(partner.county.key)
        elif partner.municipality_id:
            keys.add(partner.municipality.county.key)
    return sorted(keys)


def _size_classes(page, partners):
    return sorted({size_class(body.population) for body in _register_bodies(partners)})


def _partner_count(page, partners):
    key = partner_count_class(len(partners))
    return [key] if key else []


def _start_year(page, partners):
    key = start_year_bucket(page.start_year) if page.start_year else None
    return [key] if key else []


# --- labels ------------------------------------------------------------------------------

# While a view answers a request: that request (its content generation names the cache
# entries of the labels); None otherwise (then every call reads the database).
_labels_scope = contextvars.ContextVar("search_labels_scope", default=None)


@contextlib.contextmanager
def labels_remembered(request):
    """Within this block, the labels of every facet are read from one cache entry per facet
    and content generation (``kooperationsatlas.caching.entry``) instead of on every call:
    they depend only on published content (taxonomy terms, register, tags), and every
    change to that starts a new generation. Without the page cache, nothing is kept."""
    token = _labels_scope.set(request)
    try:
        yield
    finally:
        _labels_scope.reset(token)


def _labels(name, values, all_labels, some_labels):
    """``{value: FacetLabel}`` of those ``values`` that are known.

    ``all_labels()`` labels every value there is (kept as a cache entry); ``some_labels(values)``
    the given ones only (for when nothing is kept). Both agree value by value.
    """
    from kooperationsatlas import caching

    request = _labels_scope.get()
    if request is None or caching.timeout() <= 0 or caching.request_generation(request) is None:
        return some_labels(values)
    labels = caching.entry(request, f"search-facet-labels:{name}", all_labels)
    return {value: labels[value] for value in values if value in labels}


def _term_chain(term, by_pk):
    """``term.ancestors_and_self()`` from terms already loaded (no query per parent)."""
    chain, seen = [], set()
    while term is not None and term.pk not in seen:
        seen.add(term.pk)
        chain.append(term)
        term = by_pk.get(term.parent_id) if term.parent_id is not None else None
    return list(reversed(chain))


def _term_labels(model, hierarchical):
    def labels_of(values):
        """Labels of ``values`` (None: of every term), from one query."""
        terms = list(model.objects.all())
        by_slug = {term.slug: term for term in terms}
        by_pk = {term.pk: term for term in terms}
        result = {}
        for slug in by_slug if values is None else values:
            term = by_slug.get(slug)
            if term is None:
                continue
            if hierarchical:
                chain = _term_chain(term, by_pk)
                result[slug] = FacetLabel(
                    term.name,
                    parent=by_pk[term.parent_id].slug if term.parent_id else None,
                    depth=len(chain) - 1,
                    order=tuple((node.sort_order, node.name) for node in chain),
                )
            else:
                result[slug] = FacetLabel(term.name, order=(term.sort_order, term.name))
        return result

    def labels_for(values):
        return _labels(
            f"{model._meta.label}:{'tree' if hierarchical else 'flat'}",
            values,
            lambda: labels_of(None),
            labels_of,
        )

    return labels_for


def _choice_labels(choices):
    positions = {value: position for position, (value, _) in enumerate(choices)}
    names = dict(choices)

    def labels_for(values):
        return {
            value: FacetLabel(names[value], order=(positions[value],))
            for value in values
            if value in names
        }

    return labels_for


def _register_labels(model, name_attr="name"):
    def labels_of(queryset):
        return {
            obj.key: FacetLabel(getattr(obj, name_attr), order=(getattr(obj, name_attr),))
            for obj in queryset
        }

    def labels_for(values):
        return _labels(
            model._meta.label,
            values,
            lambda: labels_of(model.objects.all()),
            lambda values: labels_of(model.objects.filter(key__in=list(values))),
        )

    return labels_for


def _fixed_labels(classes):
    return _choice_labels([(entry[0], entry[1]) for entry in classes])


def _tag_labels(values):
    from taggit.models import Tag

    def labels_of(queryset):
        return {slug: FacetLabel(name, order=(name,)) for slug, name in queryset}

    return _labels(
        "tags",
        values,
        lambda: labels_of(Tag.objects.values_list("slug", "name")),
        lambda values: labels_of(
            Tag.objects.filter(slug__in=list(values)).values_list("slug", "name")
        ),
    )


FACETS = [
    Facet(
        "aufgabe",
        "Aufgabenbereich",
        lambda page, partners: _with_ancestors(page.task_areas.all()),
        _term_labels(TaskArea, hierarchical=True),
        hierarchical=True,
    ),
    Facet(
        "rechtsform",
        "Rechtsform",
        lambda page, partners: _with_ancestors([page.legal_form] if page.legal_form else []),
        _term_labels(LegalForm, hierarchical=True),
        hierarchical=True,
    ),
    Facet(
        "modell",
        "Kooperationsmodell",
        lambda page, partners: [page.cooperation_model.slug] if page.cooperation_model else [],
        _term_labels(CooperationModel, hierarchical=False),
    ),
    Facet(
        "phase",
        "Phase",
        lambda page, partners: [page.phase] if page.phase else [],
        _choice_labels(Phase.choices),
        ordered=True,
    ),
    Facet(
        "motiv",
        "Motiv",
        lambda page, partners: [motive.slug for motive in page.motives.all()],
        _term_labels(Motive, hierarchical=False),
    ),
    Facet("land", "Bundesland", _states, _register_labels(State)),
    Facet(
        "regierungsbezirk",
        "Regierungsbezirk",
        _districts,
        _register_labels(AdministrativeDistrict, "short_name"),
    ),
    Facet("kreis", "Kreis", _counties, _register_labels(County, "display_name")),
    Facet("groesse", "Größe der Partner", _size_classes, _fixed_labels(SIZE_CLASSES), ordered=True),
    Facet(
        "partnerzahl",
        "Anzahl der Partner",
        _partner_count,
        _fixed_labels(PARTNER_COUNT_CLASSES),
        ordered=True,
    ),
    Facet(
        "startjahr",
        "Startjahr",
        _start_year,
        _fixed_labels(START_YEAR_BUCKETS),
        ordered=True,
    ),
    Facet(
        "foerderung",
        "Förderung erhalten",
        lambda page, partners: ["ja" if page.funding.all() else "nein"],
        _choice_labels([("ja", "ja"), ("nein", "nein")]),
        ordered=True,
    ),
    Facet(
        "schlagwort",
        "Schlagwort",
        lambda page, partners: sorted(tag.slug for tag in page.tags.all()),
        _tag_labels,
    ),
]

FACETS_BY_KEY = {facet.key: facet for facet in FACETS}
