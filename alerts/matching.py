"""Does a published object match a saved search? Decided here and nowhere else.

A published profile or Börse entry is first turned into a ``Candidate`` (task-area slugs
with their ancestors, locations, Kreis keys, text terms); ``match`` then checks a saved
search against it and returns the reasons (shown in the email) or None.

Rules (see docs/alerts.md): every criterion the search sets must hold; task areas match a
term or any term below it; the region (radius and/or Kreise) holds when any of its places
matches; the text matches like the site search (German analysis, every word required).
A search without task areas, region and text matches nothing.
"""

from dataclasses import dataclass, field

from register.geo import county_centre, distance_km
from search.analysis import index_terms, query_clauses

PROFILE, OFFER, REQUEST = "profile", "offer", "request"
KIND_LABELS = {PROFILE: "Steckbrief", OFFER: "Angebot", REQUEST: "Gesuch"}
KIND_FLAGS = {PROFILE: "include_profiles", OFFER: "include_offers", REQUEST: "include_requests"}


@dataclass
class Candidate:
    """What matching needs to know about one published object."""

    kind: str  # PROFILE, OFFER or REQUEST
    title: str
    text: str
    task_areas: set[str] = field(default_factory=set)  # slugs incl. ancestors
    locations: list[tuple[float, float]] = field(default_factory=list)
    counties: set[str] = field(default_factory=set)  # Kreis keys
    creator_id: int | None = None

    _terms: frozenset | None = field(default=None, repr=False)

    @property
    def terms(self):
        if self._terms is None:
            self._terms = frozenset(index_terms(self.text))
        return self._terms

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def _with_ancestors(terms):
    return {node.slug for term in terms for node in term.ancestors_and_self()}


def profile_candidate(page):
    """A candidate from a live profile (best loaded through search.documents)."""
    from search.documents import build_document

    document = build_document(page)
    return Candidate(
        kind=PROFILE,
        title=page.title,
        text="\n".join(
            part for part in (document["title"], document["summary"], document["body"]) if part
        ),
        task_areas=set(document["facets"]["aufgabe"]),
        locations=[tuple(location) for location in document["locations"]],
        counties=set(document["facets"]["kreis"]),
        creator_id=page.owner_id,
    )


def entry_candidate(entry):
    """A candidate from a Börse entry: the poster's place and Kreis plus its region Kreise."""
    from boerse.models import EntryKind

    locations, counties = [], {county.key for county in entry.region_counties.all()}
    if entry.municipality_id:
        municipality = entry.municipality
        counties.add(municipality.county_key)
        if municipality.latitude is not None:
            locations.append((municipality.latitude, municipality.longitude))
    elif entry.county_id:
        counties.add(entry.county.key)
        centre = county_centre(entry.county_id)
        if centre:
            locations.append(centre)
    return Candidate(
        kind=OFFER if entry.kind == EntryKind.OFFER else REQUEST,
        title=entry.title,
        text=f"{entry.title}\n{entry.description}",
        task_areas=_with_ancestors(entry.task_areas.select_related("parent__parent")),
        locations=locations,
        counties=counties,
        creator_id=entry.created_by_id,
    )


def text_matches(text, terms):
    """Every clause of the query has an alternative whose terms all occur in ``terms``."""
    clauses = query_clauses(text)
    return bool(clauses) and all(
        any(all(term in terms for term in alternative) for alternative in clause.alternatives)
        for clause in clauses
    )


def match(saved_search, candidate):
    """The reasons (German, for the email) why ``candidate`` matches, or None."""
    if not getattr(saved_search, KIND_FLAGS[candidate.kind]):
        return None
    reasons, criteria = [], 0

    areas = list(saved_search.task_areas.all())
    if areas:
        criteria += 1
        hits = [area.name for area in areas if area.slug in candidate.task_areas]
        if not hits:
            return None
        reasons.append("Aufgabenbereich: " + ", ".join(hits))

    region = _region_reason(saved_search, candidate)
    if region is not None:
        criteria += 1
        if not region:
            return None
        reasons.append(region)

    text = saved_search.text.strip()
    if text:
        criteria += 1
        if not text_matches(text, candidate.terms):
            return None
        reasons.append(f"Suchbegriff: „{text}“")

    return reasons if criteria else None


def _region_reason(saved_search, candidate):
    """None without a region; "" when it does not match; else the reason."""
    centre = saved_search.near_municipality
    radius = saved_search.radius_km
    counties = list(saved_search.counties.all())
    use_radius = centre is not None and radius and centre.latitude is not None
    if not use_radius and not counties:
        return None
    if use_radius:
        distances = [
            distance_km(centre.latitude, centre.longitude, lat, lon)
            for lat, lon in candidate.locations
        ]
        nearest = min(distances, default=None)
        if nearest is not None and nearest <= radius:
            return f"Region: {nearest:.0f} km von {centre.name} entfernt (Umkreis {radius} km)"
    hits = [county.display_name for county in counties if county.key in candidate.counties]
    if hits:
        return "Region: " + ", ".join(hits)
    return ""
