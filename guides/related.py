"""Which guides fit a cooperation profile.

A published, public guide fits a profile when at least one of these holds:

1. its legal forms include the profile's legal form or one of that form's ancestors
   (a guide on "Öffentlich-rechtliche Vereinbarung" fits a profile that is "… › delegierend");
2. its task areas include one of the profile's task areas or one of their ancestors
   (a guide on "Innere Verwaltung" fits a profile in "Innere Verwaltung › Archiv");
3. it is marked "Für alle Kooperationen".

Guides that match on the legal form or a task area come first (more specific reasons
first), then the general ones; ties by title. Each returned guide carries ``match_reasons``
(plain German). A fixed number of queries, whatever the number of guides; none when the
caller passes the candidates and task areas it already has.
"""

import copy

from .models import GuidePage


def _ancestors(term):
    """The term and its ancestors, walking already loaded parents (select_related)."""
    return term.ancestors_and_self() if term is not None else []


def published_guides():
    """All live, public guides with their legal forms and task areas, by title: the
    candidates for every profile (a few dozen at most), in three queries."""
    return list(
        GuidePage.objects.live()
        .public()
        .prefetch_related("legal_forms", "task_areas")
        .order_by("title")
    )


def guides_for(profile, limit=None, *, guides=None, task_areas=None):
    """The guides that fit ``profile``, best first, each with ``match_reasons``.

    ``guides`` (default: ``published_guides()``) and ``task_areas`` (default: the
    profile's, with their parents) let a caller pass what it has already loaded; the
    returned guides are copies, so a shared list of candidates is never changed."""
    if guides is None:
        guides = published_guides()
    if task_areas is None:
        task_areas = profile.task_areas.select_related("parent__parent")
    legal_ids = {term.pk for term in _ancestors(profile.legal_form)}
    area_terms = {term.pk: term for area in task_areas for term in _ancestors(area)}

    matched = []
    for guide in guides:
        forms = [term for term in guide.legal_forms.all() if term.pk in legal_ids]
        areas = [term for term in guide.task_areas.all() if term.pk in area_terms]
        if not (forms or areas or guide.applies_to_all):
            continue
        reasons, rank = [], 2
        if forms:
            reasons.append("Rechtsform: " + ", ".join(term.name for term in forms))
            rank = 0
        if areas:
            reasons.append("Aufgabenbereich: " + ", ".join(term.name for term in areas))
            rank = min(rank, 1)
        if guide.applies_to_all:
            reasons.append("für alle Kooperationen")
        guide = copy.copy(guide)
        guide.match_reasons = reasons
        matched.append((rank, guide))
    matched.sort(key=lambda item: item[0])  # stable: titles stay sorted within a rank
    result = [guide for _, guide in matched]
    return result[:limit] if limit else result
