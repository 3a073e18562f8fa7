"""Test campaigns for the Erhebung tests (tests build their own campaigns and answers)."""

from datetime import timedelta

from django.utils import timezone

from cooperations.taxonomy import TaskArea
from register.models import County
from surveys.models import Campaign

AREAS = ["standesamt", "bauhof", "vergabe-beschaffung"]


def make_campaign(areas=AREAS, **fields):
    """An open campaign (started yesterday, deadline in ten days) asking Kreis Soest and its
    municipalities about ``areas``; ``fields`` override."""
    today = timezone.localdate()
    fields.setdefault("title", "Erhebung Test")
    fields.setdefault("description", "Testerhebung.")
    fields.setdefault("starts_on", today - timedelta(days=1))
    fields.setdefault("deadline", today + timedelta(days=10))
    fields.setdefault("scope", Campaign.Scope.COUNTY)
    fields.setdefault("contact_email", "erhebung@land.example")
    if fields["scope"] == Campaign.Scope.COUNTY:
        fields.setdefault("county", County.objects.get(key="05974"))
    campaign = Campaign.objects.create(**fields)
    campaign.task_areas.set(TaskArea.objects.filter(slug__in=areas))
    return campaign
