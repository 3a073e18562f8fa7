"""Aggregated survey results that anyone may see: counts of bodies per task area,
Regierungsbezirk and answer, with small cells suppressed.

What counts: submitted answers (``Response.objects.countable()``: no drafts, no example
campaigns) of campaigns that have started (running or closed). What is published: per
task area and Regierungsbezirk, how many bodies cooperate, plan to, or are interested;
per Regierungsbezirk how many bodies were asked and how many answered. Suppression
(docs/survey.md, "Ergebnisse"):

- a count of 1 to ``SUPPRESSION_THRESHOLD`` - 1 bodies is not shown;
- a Regierungsbezirk with fewer than ``SUPPRESSION_THRESHOLD`` answering bodies shows no
  count at all (not even 0: with one answer, a 0 would tell that body's answer);
- no sum over the published cells is published (no Land total of a status, no "alone"
  count beside them), so a suppressed cell cannot be worked out by subtraction.

Every view of the results (dashboard, map, CSV, JSON, API) reads ``campaign_results`` and
nothing else, and none takes a filter that narrows the bodies counted.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from register.models import AdministrativeDistrict

from .models import Campaign, Response, TaskAnswer

SUPPRESSION_THRESHOLD = 3  # fewer bodies than this in a cell: not shown
SUPPRESSED_TEXT = f"weniger als {SUPPRESSION_THRESHOLD}"
NO_DISTRICT = "ohne"  # column key of bodies in a Land without Regierungsbezirke

# The answers published, in this order, with the words the results use.
SHOWN = (
    (TaskAnswer.Status.JOINT, "kooperieren", "Kooperieren bereits"),
    (TaskAnswer.Status.PLANNED, "planen", "Planen eine Zusammenarbeit"),
    (TaskAnswer.Status.INTERESTED, "interessiert", "Haben Interesse an Zusammenarbeit"),
)
SHOWN_STATUSES = tuple(status for status, _, _ in SHOWN)


def result_campaigns(now=None):
    """Campaigns whose results may be shown: real (not examples) and started."""
    today = timezone.localdate(now or timezone.now())
    return Campaign.objects.filter(is_example=False, starts_on__lte=today).order_by(
        "-starts_on", "-pk"
    )


def latest_campaign(now=None):
    return result_campaigns(now).first()


@dataclass(frozen=True)
class Cell:
    count: int | None  # None: suppressed

    @property
    def suppressed(self):
        return self.count is None


def cell(count, answered):
    """A published count: suppressed below the threshold, or when too few answered."""
    if answered < SUPPRESSION_THRESHOLD:
        return Cell(None)
    if 0 < count < SUPPRESSION_THRESHOLD:
        return Cell(None)
    return Cell(count)


@dataclass(frozen=True)
class Column:
    key: str  # Regierungsbezirk key or NO_DISTRICT
    name: str
    district_id: int | None
    asked: int
    answered: int

    @property
    def too_few(self):
        return self.answered < SUPPRESSION_THRESHOLD


@dataclass(frozen=True)
class Row:
    task_area_id: int
    slug: str
    name: str
    depth: int  # 0 top-level, 1 below, …
    cells: dict  # status -> [Cell per column]


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    columns: tuple
    rows: tuple
    asked: int
    answered: int
    as_of: object  # date: the deadline, or today while the campaign runs

    @property
    def response_rate(self):
        """Answered / asked in percent (one decimal), None if nobody was asked."""
        return round(100 * self.answered / self.asked, 1) if self.asked else None

    @property
    def running(self):
        return self.campaign.is_open()

    def row(self, slug):
        return next((row for row in self.rows if row.slug == slug), None)

    def records(self):
        """One flat record per task area, Regierungsbezirk and published answer (exports)."""
        for row in self.rows:
            for position, column in enumerate(self.columns):
                for status, key, label in SHOWN:
                    found = row.cells[status][position]
                    yield {
                        "aufgabenbereich": row.slug,
                        "aufgabenbereich_name": row.name,
                        "regierungsbezirk": column.key,
                        "regierungsbezirk_name": column.name,
                        "antwort": key,
                        "antwort_text": label,
                        "anzahl": found.count,
                        "unterdrueckt": found.suppressed,
                        "befragt": column.asked,
                        "geantwortet": column.answered,
                    }


def _depth(area):
    depth, parent = 0, area.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def _per_district(queryset, field):
    return {
        district: n
        for district, n in queryset.values_list(field).annotate(n=Count("id")).order_by()
    }


def campaign_results(campaign, now=None):
    """The published results of one campaign (``CampaignResults``)."""
    now = now or timezone.now()
    responses = Response.objects.countable().filter(campaign=campaign)
    if campaign.is_example or not campaign.has_started(now):
        responses = responses.none()
    district_of = {
        response: municipality_district or county_district
        for response, municipality_district, county_district in responses.values_list(
            "id", "municipality__district_id", "county__district_id"
        )
    }
    answered = Counter(district_of.values())
    counts = Counter(
        (area, district_of[response], status)
        for response, area, status in TaskAnswer.objects.filter(
            response__in=responses, status__in=SHOWN_STATUSES
        ).values_list("response_id", "task_area_id", "status")
    )

    asked = Counter(_per_district(campaign.target_municipalities(), "district_id"))
    asked.update(_per_district(campaign.target_counties(), "district_id"))
    district_ids = sorted(set(asked) | set(answered), key=lambda d: (d is None, d or 0))
    districts = AdministrativeDistrict.objects.in_bulk([d for d in district_ids if d])
    columns = tuple(
        Column(
            key=districts[d].key if d else NO_DISTRICT,
            name=districts[d].short_name if d else "ohne Regierungsbezirk",
            district_id=d,
            asked=asked.get(d, 0),
            answered=answered.get(d, 0),
        )
        for d in district_ids
    )
    columns = tuple(sorted(columns, key=lambda c: (c.district_id is None, c.key)))

    rows = tuple(
        Row(
            task_area_id=area.pk,
            slug=area.slug,
            name=area.name,
            depth=_depth(area),
            cells={
                status: [
                    cell(counts.get((area.pk, column.district_id, status), 0), column.answered)
                    for column in columns
                ]
                for status in SHOWN_STATUSES
            },
        )
        for area in campaign.asked_task_areas()
    )
    deadline = campaign.deadline
    return CampaignResults(
        campaign=campaign,
        columns=columns,
        rows=rows,
        asked=sum(asked.values()),
        answered=len(district_of),
        as_of=min(timezone.localdate(now), deadline),
    )
