"""Which guides fit a cooperation profile.

A published, public guide fits a profile when at least one of these holds:

1. its legal forms include the profile's legal form or one of that form's ancestors
   (a guide on "Öffentlich-rechtliche Vereinbarung" fits a profile that is "… › delegierend");
2. its task areas include one of the profile's task areas or one of their ancestors
   (a guide on "Innere Verwaltung" fits a profile in "Innere Verwaltung › Archiv");
3. it is marked "Für alle Kooperationen".

Guides that match on the legal form or a task area come first (more specific reasons
first), then the general ones; ties by title. Each returned guide carries ``match_reasons``
(plain German). A fixed number of queries, whatever the number of guides.
"""

from django.db.models import Q

from .models import GuidePage


def _ancestors(term):
    """The term and its ancestors, walking already loaded parents (select_related)."""
    return term.ancestors_and_self() if term is not None else []


def guides_for(profile, limit=None):
    legal_forms = _ancestors(profile.legal_form)
    task_areas = {}
    for area in profile.task_areas.select_related("parent__parent"):
        for term in _ancestors(area):
            task_areas[term.pk] = term
    legal_ids = {term.pk for term in legal_forms}

    condition = Q(applies_to_all=True)
    if legal_ids:
        condition |= Q(legal_forms__in=legal_ids)
    if task_areas:
        condition |= Q(task_areas__in=list(task_areas))
    guides = (
        GuidePage.objects.live()
        .public()
        .filter(condition)
        .distinct()
        .prefetch_related("legal_forms", "task_areas")
        .order_by("title")
    )

    matched = []
    for guide in guides:
        reasons, rank = [], 2
        forms = [term for term in guide.legal_forms.all() if term.pk in legal_ids]
        if forms:
            reasons.append("Rechtsform: " + ", ".join(term.name for term in forms))
            rank = 0
        areas = [term for term in guide.task_areas.all() if term.pk in task_areas]
        if areas:
            reasons.append("Aufgabenbereich: " + ", ".join(term.name for term in areas))
            rank = min(rank, 1)
        if guide.applies_to_all:
            reasons.append("für alle Kooperationen")
        guide.match_reasons = reasons
        matched.append((rank, guide))
    matched.sort(key=lambda item: item[0])  # stable: titles stay sorted within a rank
    result = [guide for _, guide in matched]
    return result[:limit] if limit else result
