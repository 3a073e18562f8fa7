"""The search page (/suche/); the JSON operation (/api/v1/suche/) is in ``api.py``.

Both read the request only through ``SearchForm`` and search only through
``service.search``. A page number beyond the last page shows the last page, with a notice
(the URL keeps the requested number; the pagination marks the page actually shown).
"""

import logging
import re
from dataclasses import dataclass, field, replace

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from kooperationsatlas import links
from kooperationsatlas.numbers import de_number

from .contract import MAX_RADIUS_KM, SORTS
from .facets import FACETS, labels_remembered
from .forms import (
    DEFAULT_RADIUS_KM,
    PAGE,
    PLACE,
    RADIUS,
    TEXT,
    YEAR_FROM,
    YEAR_TO,
    SearchForm,
    query_string,
    tidy,
)
from .service import search, total

logger = logging.getLogger(__name__)

RESULTS_ANCHOR = "#treffer"
RANGE_FACET = "startjahr"  # its fieldset also holds the year range inputs
FACET_VISIBLE = 8  # values of a flat facet shown before "weitere anzeigen"
MAX_RELAXATIONS = 8
UNAVAILABLE = (
    "Die Suche ist gerade nicht verfügbar. Bitte versuchen Sie es in einigen Minuten erneut."
)
# Fields with an input on the page; their errors are shown next to the input.
PAGE_FIELDS = (TEXT, YEAR_FROM, YEAR_TO, PLACE, RADIUS)

_MARK_RE = re.compile(r"(</?mark>)")


class SearchUnavailable(Exception):
    pass


def run_search(query):
    """service.search, plus: a page beyond the last one shows the last one."""
    try:
        results = search(query, relax=True)
        if query.page > 1 and query.page > results.num_pages:
            if results.total:
                last = results.num_pages
                results = search(replace(query, page=last), relax=True)
                results.notices.insert(
                    0,
                    f"Seite {query.page} gibt es nicht; angezeigt wird die letzte Seite ({last}).",
                )
            else:
                results.query = replace(query, page=1)
    except Exception as error:  # the user never sees an engine error
        logger.exception("Search failed for %r", query)
        raise SearchUnavailable from error
    return results


def safe_highlight(html):
    """Engine highlights are escaped text with <mark>; keep those tags, defuse any other."""
    parts = _MARK_RE.split(html or "")
    return mark_safe(
        "".join(
            part
            if part in ("<mark>", "</mark>")
            else part.replace("<", "&lt;").replace(">", "&gt;")
            for part in parts
        )
    )


def hit_data(hit, request=None):
    document = hit.document or {}
    display = document.get("display") or {}
    return {
        "id": hit.page_id,
        "title": hit.title,
        "url": links.absolute_url(hit.url, request) if request is not None else hit.url,
        "summary": hit.summary,
        "highlight": safe_highlight(hit.highlight),
        "task_areas": list(display.get("task_areas") or []),
        "legal_form": display.get("legal_form") or None,
        "cooperation_model": display.get("cooperation_model") or None,
        "phase": display.get("phase") or None,
        "start_year": display.get("start_year") or document.get("start_year"),
        "partners": list(display.get("partners") or []),
        "partner_count": document.get("partner_count"),
        "distance_km": round(hit.distance_km, 1) if hit.distance_km is not None else None,
    }


def _with_more_partners(data):
    data["more_partners"] = max(0, (data["partner_count"] or 0) - len(data["partners"]))
    return data


def page_url(query, place, anchor=RESULTS_ANCHOR):
    return reverse("search:page") + query_string(query, place) + anchor


# --- selected filters ------------------------------------------------------------------


@dataclass
class Selection:
    """One selected filter: its label and the query without it."""

    kind: str
    label: str
    without: object  # SearchQuery
    url: str = ""
    count: int | None = None


def _without_value(filters, key, value):
    remaining = {k: v for k, v in filters.items() if k != key}
    kept = tuple(item for item in filters.get(key, ()) if item != value)
    if kept:
        remaining[key] = kept
    return remaining


def selections(query, labels, place):
    base = replace(query, page=1)
    items = []
    for facet in FACETS:
        for value in query.selected(facet.key):
            label = labels.get(facet.key, {}).get(value, value)
            without = replace(base, filters=_without_value(query.filters, facet.key, value))
            items.append(Selection("facet", f"{facet.label}: {label}", without))
    if query.start_year_min is not None:
        items.append(
            Selection(
                "year", f"Startjahr ab {query.start_year_min}", replace(base, start_year_min=None)
            )
        )
    if query.start_year_max is not None:
        items.append(
            Selection(
                "year", f"Startjahr bis {query.start_year_max}", replace(base, start_year_max=None)
            )
        )
    if query.geo is not None:
        radius = de_number(query.geo.radius_km)
        items.append(
            Selection("geo", f"Umkreis: {radius} km um {query.geo.name}", replace(base, geo=None))
        )
    for item in items:
        item.url = page_url(item.without, place)
    return items


def relaxations(query, items, place):
    """For an empty result: how many profiles each single removal would find."""
    options = list(items)
    if query.text:
        options.insert(
            0, Selection("text", f"Suchbegriff „{query.text}“", replace(query, text="", page=1))
        )
        options[0].url = page_url(options[0].without, place)
    for item in options[:MAX_RELAXATIONS]:
        item.count = total(replace(item.without, page=1, page_size=1))
    return [item for item in options[:MAX_RELAXATIONS] if item.count]


# --- facets for the template -----------------------------------------------------------


@dataclass
class Option:
    key: str
    value: str
    label: str
    count: int | None
    selected: bool
    depth: int
    id: str
    children: list = field(default_factory=list)

    @property
    def open(self):
        return any(child.selected or child.open for child in self.children)


def options_html(options):
    """The checkboxes of ``options`` (with their sub-values) as safe HTML, for
    templates/search/facet.html.

    Built here rather than with one template include per value: a facet group can list
    hundreds of values (Kreise), and those includes cost most of the page's rendering time.
    Each option is::

        <li>
          <input type="checkbox" id="…" name="…" value="…"[ checked]>
          <label for="…">label[ <span class="facet-count">(count…)</span>]</label>
          [<details class="facet-children"[ open]> <summary>…</summary>
             <ul class="facet-values">…the children…</ul></details>]
        </li>

    with the whitespace of the template include it replaces, so the page is byte for byte
    what it was (test_facet_checkboxes_markup in tests/test_search_page.py pins it).
    """
    return mark_safe("".join(_option_html(option) for option in options))


def _option_html(option):
    option_id = conditional_escape(option.id)
    label = conditional_escape(option.label)
    parts = [
        '\n<li>\n  <input type="checkbox" id="',
        option_id,
        '" name="',
        conditional_escape(option.key),
        '" value="',
        conditional_escape(option.value),
        '" checked>' if option.selected else '">',
        '\n  <label for="',
        option_id,
        '">',
        label,
    ]
    if option.count is not None:
        parts += [
            ' <span class="facet-count">(',
            de_number(option.count),
            '<span class="visually-hidden"> Treffer</span>)</span>',
        ]
    parts.append("</label>\n  ")
    if option.children:
        number = len(option.children)
        parts += [
            '\n    <details class="facet-children" open>'
            if option.open
            else '\n    <details class="facet-children">',
            f"\n      <summary>{number} ",
            "Unterkategorie" if number == 1 else "Unterkategorien",
            '<span class="visually-hidden"> von ',
            label,
            '</span></summary>\n      <ul class="facet-values">\n        ',
            *map(_option_html, option.children),
            "\n      </ul>\n    </details>\n  ",
        ]
    parts.append("\n</li>\n")
    return "".join(parts)


def facet_groups(facet_results):
    """FacetResults → dicts for templates/search/facet.html (trees for hierarchical ones)."""
    groups = []
    for result in facet_results:
        options = [
            Option(
                result.key,
                value.value,
                value.label,
                value.count,
                value.selected,
                value.depth,
                f"f-{result.key}-{index}",
            )
            for index, value in enumerate(result.values)
        ]
        if not options and result.key != RANGE_FACET:
            continue
        parents = {value.value: value.parent for value in result.values}
        if result.hierarchical:
            by_value = {option.value: option for option in options}
            roots = []
            for option in options:
                parent = by_value.get(parents.get(option.value))
                (parent.children if parent else roots).append(option)
            visible, more = roots, []
        else:
            visible, more = options[:FACET_VISIBLE], options[FACET_VISIBLE:]
            if len(more) == 1:  # "1 weiterer" is not worth a toggle
                visible, more = options, []
        groups.append(
            {
                "key": result.key,
                "label": result.label,
                "hierarchical": result.hierarchical,
                "options": visible,
                "options_html": options_html(visible),
                "more": more,
                "more_html": options_html(more),
                "more_open": any(option.selected for option in more),
                "selected_count": sum(option.selected for option in options),
            }
        )
    return groups


def selected_only_groups(filter_labels):
    """The chosen filter values without counts (for the page re-rendered on errors)."""
    groups = []
    for facet in FACETS:
        labels = filter_labels.get(facet.key) or {}
        options = [
            Option(facet.key, value, label, None, True, 0, f"f-{facet.key}-{index}")
            for index, (value, label) in enumerate(labels.items())
        ]
        if options or facet.key == RANGE_FACET:
            groups.append(
                {
                    "key": facet.key,
                    "label": facet.label,
                    "hierarchical": False,
                    "options": options,
                    "options_html": options_html(options),
                    "more": [],
                    "more_html": "",
                    "more_open": False,
                    "selected_count": len(options),
                }
            )
    return groups


# --- pagination ------------------------------------------------------------------------


def page_links(query, num_pages, place, on_each_side=2):
    """[(number or None for a gap, url)] around the current page."""
    current = query.page
    wanted = {1, num_pages} | set(range(current - on_each_side, current + on_each_side + 1))
    numbers = sorted(n for n in wanted if 1 <= n <= num_pages)
    links, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            links.append((None, ""))
        links.append((number, page_url(replace(query, page=number), place)))
        previous = number
    return links


# --- views -----------------------------------------------------------------------------


def error_messages(form):
    """[(field id or "", label, message)] for the error summary."""
    items = []
    for name, messages in form.errors.items():
        target = f"id_{name}" if name in PAGE_FIELDS else ""
        label = form.fields[name].label if name in form.fields else ""
        items += [(target, label, message) for message in messages]
    return items


def typed_values(form):
    """What was typed into the page's inputs, without control characters."""
    return {name: tidy(str(form[name].value() or "")) for name in PAGE_FIELDS}


def invalid_form_context(request, form, url, anchor=""):
    """What a page built on the search form shows when the form is invalid: the error
    summary, the selected filters, and links for each place the input could mean."""
    params = request.GET.copy()
    params.pop(PAGE, None)
    candidates = []
    for candidate in form.place_candidates:
        params[PLACE] = candidate.ags
        candidates.append((candidate, f"{url}?{params.urlencode()}{anchor}"))
    return {
        "invalid": True,
        "error_items": error_messages(form),
        "facet_groups": selected_only_groups(form.filter_labels),
        "place_candidates": candidates,
    }


@require_safe
def search_page(request):
    with labels_remembered(request):
        return _search_page(request)


def _search_page(request):
    form = SearchForm(request.GET)
    context = {
        "form": form,
        "values": typed_values(form),
        "sorts": SORTS,
        "notices": form.notices,
        "max_radius": MAX_RADIUS_KM,
        "default_radius": DEFAULT_RADIUS_KM,
    }
    if not form.is_valid():
        context.update(invalid_form_context(request, form, reverse("search:page"), RESULTS_ANCHOR))
        context.update(
            current_sort=form.cleaned_data.get("sortierung") or "relevanz",
            has_text=bool(form.cleaned_data.get(TEXT) or form[TEXT].value()),
        )
        return render(request, "search/search.html", context, status=400)

    query = form.search_query
    place = form.place_input
    try:
        results = run_search(query)
        shown = results.query
        items = selections(shown, form.filter_labels, place)
        relaxed = relaxations(shown, items, place) if results.total == 0 else []
    except Exception as error:
        if not isinstance(error, SearchUnavailable):
            logger.exception("Search failed for %r", query)
        context.update(unavailable=UNAVAILABLE, current_sort=query.sort)
        return render(request, "search/search.html", context, status=503)

    no_filters = replace(shown, filters={}, start_year_min=None, start_year_max=None, geo=None)
    context.update(
        query=shown,
        results=results,
        notices=form.notices + results.notices,
        hits=[_with_more_partners(hit_data(hit)) for hit in results.hits],
        facet_groups=facet_groups(results.facets),
        selections=items,
        relaxations=relaxed,
        clear_filters_url=page_url(replace(no_filters, page=1), place),
        # The cleaned query only: ignored parameters must not reach the alert form.
        save_search_url=reverse("alerts:create") + query_string(replace(shown, page=1), place),
        suggestion_url=(
            page_url(replace(shown, text=results.suggestion, page=1), place)
            if results.suggestion
            else ""
        ),
        pages=page_links(shown, results.num_pages, place) if results.num_pages > 1 else [],
        previous_url=(
            page_url(replace(shown, page=shown.page - 1), place) if shown.page > 1 else ""
        ),
        next_url=(
            page_url(replace(shown, page=shown.page + 1), place)
            if shown.page < results.num_pages
            else ""
        ),
        current_sort=shown.sort,
        has_text=bool(shown.text),
        first_number=shown.offset + 1,
        last_number=shown.offset + len(results.hits),
    )
    return render(request, "search/search.html", context)
