"""The one place lookup: turning typed text into municipalities and Kreise of the register.

Used by the search's place filter, saved searches, the partner search and reports (and the
API through them). ``find_places(text)`` tries, in this order, and stops at the first try
that finds anything:

1. a key: 8 digits are an AGS (a municipality), 5 digits a Kreisschlüssel (a Kreis);
2. the exact name, ignoring case: a municipality's name, a Kreis's name or display name
   ("Soest", "Kreis Soest"); "Stadt X" and "Gemeinde X" also name the municipality X;
   "X (Kreis Y)", as candidates are written, names X in the Kreis Y;
3. the same with German letters folded: "Muenster" and "MÜNSTER" find Münster,
   "Strasse" finds "Straße";
4. with ``prefix=True``: names starting with the text (also folded).

What a caller makes of none, one or several matches (an error, candidates to choose from)
is its own business; the messages differ per form.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace

from .models import County, Municipality, State

AGS_RE = re.compile(r"\d{8}")
COUNTY_KEY_RE = re.compile(r"\d{5}")
NAME_WITH_COUNTY_RE = re.compile(r"(?P<name>.+?)\s*\((?P<county>[^()]+)\)")
# "Stadt Erwitte", "Gemeinde Anröchte": the municipality's name follows.
MUNICIPALITY_WORDS = ("stadt ", "gemeinde ")
MAX_MATCHES = 20

# Folding, the same in Python and in SQL (REPLACE and LOWER exist in SQLite and PostgreSQL;
# SQLite's LOWER only lowers ASCII, so the capital umlauts are replaced first).
FOLDS = (("Ä", "ae"), ("Ö", "oe"), ("Ü", "ue"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))


def fold(text):
    """``text`` lower-cased with umlauts and ß written out: "Münster" → "muenster"."""
    for letter, replacement in FOLDS:
        text = text.replace(letter, replacement)
    return " ".join(text.casefold().split())


def folded(field_name):
    """The SQL expression of ``fold`` (without the white-space rule) for a column."""
    expression = field_name
    for letter, replacement in FOLDS:
        expression = Replace(expression, Value(letter), Value(replacement))
    return Lower(expression)


@dataclass
class Places:
    """What a text names: municipalities and Kreise (each at most MAX_MATCHES + 1, so a
    caller can tell "more than it shows"). ``exact`` is False for prefix matches, ``by_key``
    True when the text was a key."""

    municipalities: list = field(default_factory=list)
    counties: list = field(default_factory=list)
    exact: bool = True
    by_key: bool = False

    def __bool__(self):
        return bool(self.municipalities or self.counties)

    @property
    def all(self):
        return [*self.municipalities, *self.counties]

    def without_city_counties(self):
        """The same, without a kreisfreie Stadt's Kreis when its municipality (one body,
        AGS = key + "000") is found too: "Köln" is one place, not two."""
        city_keys = {m.ags[:5] for m in self.municipalities if m.county.is_kreisfreie_stadt}
        counties = [c for c in self.counties if c.key not in city_keys]
        return Places(self.municipalities, counties, self.exact, self.by_key)

    @property
    def single(self):
        """The one municipality or Kreis named, or None if none or several."""
        found = self.all
        return found[0] if len(found) == 1 else None


def find_places(text, *, municipalities=True, counties=True, prefix=False, limit=MAX_MATCHES):
    """The municipalities and Kreise ``text`` names (see the module's docstring)."""
    text = " ".join(str(text).split())
    if not text:
        return Places()
    m_rows = Municipality.objects.select_related("county", "state").order_by("name", "ags")
    c_rows = County.objects.select_related("state").order_by("display_name", "key")
    if AGS_RE.fullmatch(text):
        found = list(m_rows.filter(ags=text)) if municipalities else []
        return Places(municipalities=found, by_key=True)
    if COUNTY_KEY_RE.fullmatch(text):
        found = list(c_rows.filter(key=text)) if counties else []
        return Places(counties=found, by_key=True)

    def query(m_filter, c_filter, exact):
        return Places(
            municipalities=list(m_rows.filter(m_filter)[: limit + 1]) if municipalities else [],
            counties=list(c_rows.filter(c_filter)[: limit + 1]) if counties else [],
            exact=exact,
        )

    names = [text]
    lowered = text.casefold()
    for word in MUNICIPALITY_WORDS:
        if lowered.startswith(word) and len(text) > len(word):
            names.append(text[len(word) :])
    named = NAME_WITH_COUNTY_RE.fullmatch(text)

    # Exact, ignoring case.
    m_filter = Q(name__iexact=text)
    for name in names[1:]:
        m_filter |= Q(name__iexact=name)
    if named:
        m_filter |= Q(name__iexact=named["name"], county__display_name__iexact=named["county"])
    places = query(m_filter, Q(display_name__iexact=text) | Q(name__iexact=text), True)
    if places:
        return places

    # Exact, folded.
    m_rows = m_rows.annotate(folded_name=folded("name"))
    c_rows = c_rows.annotate(
        folded_name=folded("name"), folded_display_name=folded("display_name")
    )
    m_filter = Q(folded_name__in=[fold(name) for name in names])
    if named:
        m_rows = m_rows.annotate(folded_county=folded("county__display_name"))
        m_filter |= Q(folded_name=fold(named["name"]), folded_county=fold(named["county"]))
    folded_text = fold(text)
    c_filter = Q(folded_display_name=folded_text) | Q(folded_name=folded_text)
    places = query(m_filter, c_filter, True)
    if places or not prefix:
        return places

    # Names starting with the text, folded.
    m_filter = Q()
    for name in names:
        m_filter |= Q(folded_name__startswith=fold(name))
    c_filter = Q(folded_display_name__startswith=folded_text) | Q(
        folded_name__startswith=folded_text
    )
    return query(m_filter, c_filter, False)


def find_state(text):
    """The Land with the key (``05``) or the name (``Nordrhein-Westfalen``) ``text``."""
    text = " ".join(str(text).split())
    return State.objects.filter(Q(key=text) | Q(name__iexact=text)).first()
