"""The example Erhebung a fresh installation shows: a definition only, never answers.

It is flagged ``is_example`` (it cannot be answered and no evaluation counts it) and says
so in its title and description. Task areas are chosen by their stable slugs; the period
starts on the day the command first runs.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cooperations.taxonomy import TaskArea
from register.models import State

from .models import Campaign

TITLE = "Beispiel: Bestandsaufnahme interkommunale Zusammenarbeit NRW"
DESCRIPTION = (
    "Dies ist eine Beispiel-Erhebung zum Ausprobieren des Fragebogens. Sie kann nicht "
    "beantwortet werden und erscheint in keiner Auswertung.\n\n"
    "Eine echte Erhebung fragt alle Gemeinden und Kreise eines Gebiets, wie sie ausgewählte "
    "Aufgaben erledigen: allein, gemeinsam mit anderen Kommunen, ob eine Zusammenarbeit "
    "geplant ist oder ob Interesse daran besteht."
)
TASK_AREA_SLUGS = [
    "personal-beihilfe",
    "it-rechenzentrum",
    "vergabe-beschaffung",
    "standesamt",
    "kasse-finanzwesen",
    "bauhof",
]
PERIOD_DAYS = 56
NRW_KEY = "05"


@transaction.atomic
def ensure_example_campaign(today=None):
    """Create the example campaign if there is none. Returns (campaign, created)."""
    existing = Campaign.objects.filter(is_example=True, title=TITLE).first()
    if existing is not None:
        return existing, False
    today = today or timezone.localdate()
    campaign = Campaign.objects.create(
        title=TITLE,
        description=DESCRIPTION,
        starts_on=today,
        deadline=today + timedelta(days=PERIOD_DAYS),
        scope=Campaign.Scope.STATE,
        state=State.objects.get(key=NRW_KEY),
        include_counties=True,
        ask_digitalisation=True,
        ask_staff_shortage=True,
        ask_cooperation_interest=True,
        is_example=True,
    )
    campaign.task_areas.set(TaskArea.objects.filter(slug__in=TASK_AREA_SLUGS))
    return campaign, True
