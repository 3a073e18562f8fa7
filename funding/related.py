"""Which funding programmes fit a cooperation profile. No web code.

The rule is deliberately simple (documented in docs/guides.md):

* Only register partners count: a municipality or a Kreis, in NRW (Landesschlüssel "05")
  or in another Land. Other organisations are not counted, because their seat is not known.
* A programme with the Förder-Check ("Förder-Check verlinken", i.e. the Förderrichtlinie
  IKZ NRW) fits when the profile meets the check's partner condition: at least two NRW
  partners, or one NRW partner with partners outside NRW. The reason is the check's own.
  The other conditions (costs, duration, savings, application before the start) are not
  on a profile and are left to the Förder-Check.
* Any other published programme has no rule the atlas can check; it is listed for every
  profile with at least one register partner, with the note that its conditions must be
  checked in the programme itself.

``funding_for(profile)`` returns ``FundingMatch`` items (programme, reason, checked),
programmes with a met rule first. Three queries, whatever the number of programmes.
"""

from dataclasses import dataclass
from decimal import Decimal

from .check import PARTNERS, CheckInput, run_check
from .models import FundingProgrammePage

NRW = "05"
UNCHECKED_REASON = (
    "Für dieses Programm ist keine Prüfregel hinterlegt; die Voraussetzungen bitte beim "
    "Programm nachlesen."
)


@dataclass(frozen=True)
class FundingMatch:
    programme: FundingProgrammePage
    reason: str
    checked: bool


def partner_counts(profile):
    """(partners in NRW, register partners outside NRW) of a profile."""
    nrw = other = 0
    partners = profile.partners.select_related("municipality__state", "county__state").defer(
        "municipality__boundary"
    )
    for partner in partners:
        body = partner.municipality or partner.county
        if body is None:
            continue
        if body.state.key == NRW:
            nrw += 1
        else:
            other += 1
    return nrw, other


def funding_for(profile, counts=None):
    """The programmes that may fit ``profile``; ``counts``: its ``partner_counts`` if the
    caller has the partners loaded already."""
    nrw, other = counts or partner_counts(profile)
    if nrw + other == 0:
        return []
    partner_condition = run_check(
        CheckInput(
            partners_nrw=nrw,
            partners_other=other,
            eligible_costs=Decimal(0),
            duration_years=Decimal(0),
            applied_before_start=False,
        )
    ).condition(PARTNERS)

    checked, unchecked = [], []
    for programme in FundingProgrammePage.objects.live().public().order_by("title"):
        if programme.has_check:
            if partner_condition.passed:
                checked.append(FundingMatch(programme, partner_condition.reason, True))
        else:
            unchecked.append(FundingMatch(programme, UNCHECKED_REASON, False))
    return checked + unchecked
