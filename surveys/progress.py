"""How far a campaign is: response rates per Kreis and Regierungsbezirk, who has not answered.

A body counts as answered once its response is submitted. A Kreis that is asked itself
counts under its own Kreis; a kreisfreie Stadt is its own Kreis.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from .models import Response
from .services import account_addresses


@dataclass
class Rate:
    name: str
    asked: int = 0
    submitted: int = 0
    drafts: int = 0

    @property
    def percent(self):
        return round(100 * self.submitted / self.asked) if self.asked else 0


@dataclass
class Missing:
    """A body that has not submitted."""

    kind: str  # "Gemeinde" or "Kreis"
    key: str
    name: str
    county: str
    district: str
    draft: bool
    has_account: bool
    invitation: str  # "", "offen", "eingelöst", "abgelaufen"


@dataclass
class Progress:
    total: Rate
    by_district: list = field(default_factory=list)
    by_county: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def _invitation_states(campaign, now):
    """{("m"|"c", pk): state} of the newest invitation per body."""
    states = {}
    for invitation in campaign.invitations.order_by("created_at"):
        key = ("m", invitation.municipality_id) if invitation.municipality_id else (
            "c",
            invitation.county_id,
        )
        if invitation.is_redeemed:
            states[key] = "eingelöst"
        elif invitation.is_expired(now):
            states[key] = "abgelaufen"
        else:
            states[key] = "offen"
    return states


def compute(campaign, now=None):
    now = now or timezone.now()
    municipalities = list(
        campaign.target_municipalities().select_related("county", "district").order_by("name")
    )
    counties = list(campaign.target_counties().select_related("district").order_by("display_name"))
    status = {}
    for municipality_id, county_id, state in Response.objects.filter(
        campaign=campaign
    ).values_list("municipality_id", "county_id", "status"):
        key = ("m", municipality_id) if municipality_id else ("c", county_id)
        status[key] = state
    with_account = set(account_addresses())
    invitations = _invitation_states(campaign, now)

    total = Rate("Insgesamt")
    districts, kreise = {}, {}
    missing = []
    bodies = [("m", m, m.county, m.district) for m in municipalities]
    bodies += [("c", c, c, c.district) for c in counties]
    for kind, body, county, district in bodies:
        district_name = district.short_name if district else "ohne Regierungsbezirk"
        rates = [
            total,
            districts.setdefault(district_name, Rate(district_name)),
            kreise.setdefault(county.pk, Rate(county.display_name)),
        ]
        state = status.get((kind, body.pk))
        for rate in rates:
            rate.asked += 1
            if state == Response.Status.SUBMITTED:
                rate.submitted += 1
            elif state == Response.Status.DRAFT:
                rate.drafts += 1
        if state != Response.Status.SUBMITTED:
            missing.append(
                Missing(
                    kind="Gemeinde" if kind == "m" else "Kreis",
                    key=body.ags if kind == "m" else body.key,
                    name=body.name if kind == "m" else body.display_name,
                    county=county.display_name,
                    district=district_name,
                    draft=state == Response.Status.DRAFT,
                    has_account=(kind, body.pk) in with_account,
                    invitation=invitations.get((kind, body.pk), ""),
                )
            )
    return Progress(
        total=total,
        by_district=sorted(districts.values(), key=lambda r: r.name),
        by_county=sorted(kreise.values(), key=lambda r: r.name),
        missing=sorted(missing, key=lambda m: (m.district, m.county, m.kind != "Kreis", m.name)),
    )
