"""What each profile lacks, for the editorial team: one function, shown in the Wagtail admin
("Steckbrief-Qualität") and printed by ``manage.py profile_quality``."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from .models import CORE_SECTIONS, SECTIONS, CooperationPage, has_text, split_keys

REVIEW_MAX_AGE = timedelta(days=365)


@dataclass
class ProfileGaps:
    page: CooperationPage
    gaps: list[str] = field(default_factory=list)


def profile_gaps(today=None, profiles=None):
    """[ProfileGaps] for every profile (live or not) that lacks something, by title.

    A profile lacks: a source for a filled section (or names a source key not listed on
    it), Anlass/Ziel/Umsetzung, any result (no Ergebnisse text and no figure), a review
    date, or a review within the last year."""
    today = today or date.today()
    if profiles is None:
        profiles = CooperationPage.objects.order_by("title")
    profiles = profiles.prefetch_related("sources", "figures")
    headings = dict(SECTIONS)
    report = []
    for page in profiles:
        keys = {source.key for source in page.sources.all() if source.key}
        gaps = []
        for name, heading in SECTIONS:
            if not has_text(getattr(page, name)):
                if name in CORE_SECTIONS:
                    gaps.append(f"{heading} fehlt")
                continue
            cited = split_keys(getattr(page, f"{name}_sources"))
            if not cited:
                gaps.append(f"{heading} ohne Quelle")
            for key in cited:
                if key not in keys:
                    gaps.append(f"{heading} nennt unbekannte Quelle „{key}“")
        figures = list(page.figures.all())
        if not has_text(page.results) and not figures:
            gaps.append(f"kein Ergebnis ({headings['results']} und Kennzahlen leer)")
        for figure in figures:
            if figure.source not in keys:
                gaps.append(f"Kennzahl „{figure.label}“ ohne gültige Quelle")
        if page.last_reviewed is None:
            gaps.append("kein Prüfdatum")
        elif today - page.last_reviewed > REVIEW_MAX_AGE:
            gaps.append(f"zuletzt geprüft am {page.last_reviewed:%d.%m.%Y}, vor über einem Jahr")
        if gaps:
            report.append(ProfileGaps(page, gaps))
    return report
