"""The search form: GET parameters in, one validated ``SearchQuery`` out.

The search page and the JSON endpoint both use ``SearchForm``; nothing else reads
``request.GET``. Invalid numbers, a too long text or an unresolvable place make the form
invalid (HTTP 400 with the reason). Unknown facet values, an unknown sort and control
characters are dropped, and ``form.notices`` says so. Unknown parameters are ignored.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError

from kooperationsatlas.numbers import de_number
from register.lookup import find_places

from .analysis import clean_text
from .contract import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_RADIUS_KM,
    SORTS,
    GeoFilter,
    SearchQuery,
)
from .facets import FACETS

# GET parameter names (besides the facet keys).
TEXT = "q"
PAGE = "seite"
PAGE_SIZE = "pro_seite"
SORT = "sortierung"
YEAR_FROM = "startjahr_von"
YEAR_TO = "startjahr_bis"
PLACE = "ort"
RADIUS = "umkreis"

DEFAULT_SORT = "relevanz"
MAX_TEXT_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_VALUES_PER_FACET = 50
MAX_VALUE_LENGTH = 100
YEAR_MIN, YEAR_MAX = 1900, 2100
DEFAULT_RADIUS_KM = 25
MAX_PLACE_CANDIDATES = 20

# Whitespace controls become a plain space without a notice; other controls get one.
_WHITESPACE_CONTROLS = set("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")

CONTROL_NOTICE = "Unsichtbare Steuerzeichen im Suchbegriff wurden entfernt."


def tidy(value):
    """NFKC, controls replaced by spaces, runs of whitespace collapsed, trimmed."""
    return " ".join(clean_text(value).split())


def has_invisible_characters(value):
    return any(
        unicodedata.category(char) in _INVISIBLE and char not in _WHITESPACE_CONTROLS
        for char in value
    )


def shorten(value, length=40):
    return value if len(value) <= length else value[: length - 1] + "…"


def quoted(value):
    return f"„{shorten(value)}“"


class TextField(forms.Field):
    """Free text; unlike CharField, NUL characters are cleaned, not refused."""

    widget = forms.TextInput

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)


class MultiValueField(forms.Field):
    """A repeated GET parameter (?aufgabe=a&aufgabe=b) as a list of strings."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(item) for item in value]


class NumberField(forms.Field):
    """A whole (or, with ``decimals``, decimal) number within [min_value, max_value].

    Messages name the field so a JSON client sees the reason, too.
    """

    widget = forms.NumberInput

    def __init__(self, *, min_value, max_value, decimals=False, range_message=None, **kwargs):
        self.min_value, self.max_value, self.decimals = min_value, max_value, decimals
        self.range_message = range_message
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = tidy(str(value))
        if not text:
            return None
        pattern = _DECIMAL_RE if self.decimals else _INTEGER_RE
        if not pattern.fullmatch(text):
            kind = "eine Zahl" if self.decimals else "eine ganze Zahl"
            raise ValidationError(
                f"„{self.label}“ muss {kind} sein, nicht {quoted(text)}.", code="invalid"
            )
        digits = text.lstrip("+-").split(".")[0].split(",")[0].lstrip("0")
        if len(digits) > 9:  # far out of any range; avoids huge int/float conversions
            raise ValidationError(self._range_error(), code="range")
        number = float(text.replace(",", ".")) if self.decimals else int(text)
        if not self.min_value <= number <= self.max_value:
            raise ValidationError(self._range_error(), code="range")
        return number

    def _range_error(self):
        if self.range_message:
            return self.range_message
        return (
            f"„{self.label}“ muss zwischen {de_number(self.min_value)} "
            f"und {de_number(self.max_value)} liegen."
        )


@dataclass(frozen=True)
class PlaceCandidate:
    ags: str
    name: str
    county: str
    state: str

    def as_dict(self):
        return {"ags": self.ags, "name": self.name, "kreis": self.county, "land": self.state}


class SearchForm(forms.Form):
    q = TextField(label="Suchbegriff", required=False)
    seite = NumberField(
        label="Seite",
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        range_message=(
            f"„Seite“ muss zwischen 1 und {de_number(MAX_PAGE)} liegen; "
            f"weiter als Seite {de_number(MAX_PAGE)} wird nicht geblättert."
        ),
    )
    pro_seite = NumberField(
        label="Treffer pro Seite", required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )
    sortierung = TextField(label="Sortierung", required=False)
    startjahr_von = NumberField(
        label="Startjahr von", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    startjahr_bis = NumberField(
        label="Startjahr bis", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    ort = TextField(label="Gemeinde", required=False)
    umkreis = NumberField(
        label="Umkreis in km",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        decimals=True,
        range_message=f"Der Umkreis muss zwischen 1 und {MAX_RADIUS_KM} km liegen.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            self.fields[facet.key] = MultiValueField(label=facet.label, required=False)
        self.notices = []
        # facet key -> {value: label} of the accepted values
        self.filter_labels = {}
        self.place_candidates = []
        self.place_input = ""
        self.municipality = None

    # --- fields ---------------------------------------------------------------------

    def clean_q(self):
        raw = self.cleaned_data.get("q", "")
        if has_invisible_characters(raw):
            self.notices.append(CONTROL_NOTICE)
        text = tidy(raw)
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(
                f"Der Suchbegriff ist zu lang (höchstens {MAX_TEXT_LENGTH} Zeichen).",
                code="max_length",
            )
        return text

    def clean_sortierung(self):
        raw = tidy(self.cleaned_data.get("sortierung", ""))
        if not raw:
            return DEFAULT_SORT
        if raw not in SORTS:
            self.notices.append(
                f"Die Sortierung {quoted(raw)} gibt es nicht; "
                f"sortiert wird nach „{SORTS[DEFAULT_SORT]}“."
            )
            return DEFAULT_SORT
        return raw

    def clean_ort(self):
        raw = tidy(self.cleaned_data.get("ort", ""))
        if len(raw) > 200:
            raise ValidationError("Der Name der Gemeinde ist zu lang.", code="max_length")
        self.place_input = raw
        return raw

    def clean(self):
        cleaned = super().clean()
        self._clean_facets(cleaned)
        year_from, year_to = cleaned.get(YEAR_FROM), cleaned.get(YEAR_TO)
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error(YEAR_TO, "„Startjahr bis“ darf nicht vor „Startjahr von“ liegen.")
        if cleaned.get(PLACE) and RADIUS not in self.errors:
            self._resolve_place(cleaned[PLACE])
        elif cleaned.get(RADIUS) is not None and not cleaned.get(PLACE):
            self.notices.append("Der Umkreis wirkt nur zusammen mit einer Gemeinde; ignoriert.")
        return cleaned

    def _clean_facets(self, cleaned):
        unknown = []
        for facet in FACETS:
            values = []
            for raw in cleaned.get(facet.key) or []:
                value = tidy(raw)
                if value and value not in values:
                    values.append(value)
            if len(values) > MAX_VALUES_PER_FACET:
                self.notices.append(
                    f"Beim Filter „{facet.label}“ werden höchstens {MAX_VALUES_PER_FACET} "
                    "Werte berücksichtigt; weitere wurden ignoriert."
                )
                values = values[:MAX_VALUES_PER_FACET]
            plausible = [value for value in values if len(value) <= MAX_VALUE_LENGTH]
            labels = facet.labels_for(plausible) if plausible else {}
            known = [value for value in values if value in labels]
            unknown += [f"{facet.label} {quoted(value)}" for value in values if value not in labels]
            cleaned[facet.key] = tuple(known)
            self.filter_labels[facet.key] = {value: labels[value].label for value in known}
        if len(unknown) == 1:
            self.notices.append(f"Unbekannter Filterwert ignoriert: {unknown[0]}.")
        elif unknown:
            listed = ", ".join(unknown[:5])
            if len(unknown) > 5:
                listed += f" und {len(unknown) - 5} weitere"
            self.notices.append(f"Unbekannte Filterwerte ignoriert: {listed}.")

    def _resolve_place(self, text):
        """Key, name or the start of a name (register.lookup) → one municipality; otherwise
        an error, with candidates."""
        places = find_places(text, counties=False, prefix=True, limit=MAX_PLACE_CANDIDATES)
        matches = places.municipalities
        if not matches:
            if places.by_key:
                self.add_error(PLACE, f"Es gibt keine Gemeinde mit dem Gemeindeschlüssel {text}.")
            else:
                self.add_error(
                    PLACE,
                    f"Keine Gemeinde namens {quoted(text)} gefunden. Bitte den Namen prüfen "
                    "oder den achtstelligen Gemeindeschlüssel (AGS) angeben.",
                )
            return
        if len(matches) > 1:
            self._ambiguous(text, matches, exact=places.exact)
            return
        municipality = matches[0]
        if municipality.latitude is None or municipality.longitude is None:
            self.add_error(
                PLACE,
                f"Für {municipality.name} ist kein Mittelpunkt bekannt; bitte eine "
                "Nachbargemeinde wählen.",
            )
            return
        self.municipality = municipality

    def _ambiguous(self, text, matches, *, exact):
        self.place_candidates = [
            PlaceCandidate(m.ags, m.name, m.county.display_name, m.state.name)
            for m in matches[:MAX_PLACE_CANDIDATES]
        ]
        more = " (hier die ersten zwanzig)" if len(matches) > MAX_PLACE_CANDIDATES else ""
        if exact:
            message = f"Es gibt mehrere Gemeinden namens {quoted(text)}. "
        else:
            message = f"Mehrere Gemeinden beginnen mit {quoted(text)}{more}. "
        self.add_error(
            PLACE, message + "Bitte eine auswählen oder den Gemeindeschlüssel (AGS) angeben."
        )

    # --- result ---------------------------------------------------------------------

    @property
    def search_query(self):
        """The validated query. Only call after ``is_valid()`` returned True."""
        data = self.cleaned_data
        geo = None
        if self.municipality is not None:
            geo = GeoFilter(
                ags=self.municipality.ags,
                latitude=self.municipality.latitude,
                longitude=self.municipality.longitude,
                radius_km=float(data.get(RADIUS) or DEFAULT_RADIUS_KM),
                name=self.municipality.name,
            )
        return SearchQuery(
            text=data.get(TEXT, ""),
            filters={facet.key: data[facet.key] for facet in FACETS if data.get(facet.key)},
            start_year_min=data.get(YEAR_FROM),
            start_year_max=data.get(YEAR_TO),
            geo=geo,
            sort=data.get(SORT) or DEFAULT_SORT,
            page=data.get(PAGE) or 1,
            page_size=data.get(PAGE_SIZE) or DEFAULT_PAGE_SIZE,
        )

    def error_dict(self):
        """{parameter: [messages]} for the JSON 400 answer."""
        return {field: list(messages) for field, messages in self.errors.items()}


# --- URLs ---------------------------------------------------------------------------


def format_number(number):
    """12.0 -> "12", 12.5 -> "12.5" (a URL value, not a display value)."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def query_params(query, place=None):
    """The canonical GET parameters of a query, as (name, value) pairs.

    ``place`` is what the user typed for the municipality (defaults to its AGS). Defaults
    (page 1, the default sort and page size) are left out, so URLs stay short.
    """
    params = []
    if query.text:
        params.append((TEXT, query.text))
    for facet in FACETS:
        params += [(facet.key, value) for value in query.selected(facet.key)]
    if query.start_year_min is not None:
        params.append((YEAR_FROM, str(query.start_year_min)))
    if query.start_year_max is not None:
        params.append((YEAR_TO, str(query.start_year_max)))
    if query.geo is not None:
        params.append((PLACE, place or query.geo.ags))
        params.append((RADIUS, format_number(query.geo.radius_km)))
    if query.sort != DEFAULT_SORT:
        params.append((SORT, query.sort))
    if query.page_size != DEFAULT_PAGE_SIZE:
        params.append((PAGE_SIZE, str(query.page_size)))
    if query.page != 1:
        params.append((PAGE, str(query.page)))
    return params


def query_string(query, place=None):
    params = query_params(query, place)
    return "?" + urlencode(params) if params else ""
