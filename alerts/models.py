"""Saved partner-search profiles, matched when a profile, offer or request is published."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class SavedSearch(models.Model):
    # A user's own search and its mails: no public page shows them
    # (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField("Name", max_length=200)
    text = models.CharField("Suchbegriff", max_length=300, blank=True)
    task_areas = models.ManyToManyField(
        "cooperations.TaskArea", blank=True, related_name="+", verbose_name="Aufgabenbereiche"
    )
    near_municipality = models.ForeignKey(
        "register.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Umkreis um",
    )
    radius_km = models.PositiveSmallIntegerField("Umkreis (km)", null=True, blank=True)
    counties = models.ManyToManyField(
        "register.County", blank=True, related_name="+", verbose_name="Kreise"
    )
    include_profiles = models.BooleanField("Neue Steckbriefe", default=True)
    include_offers = models.BooleanField("Neue Angebote", default=True)
    include_requests = models.BooleanField("Neue Gesuche", default=True)
    active = models.BooleanField("Aktiv", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Suchauftrag"
        verbose_name_plural = "Suchaufträge"

    def __str__(self):
        return self.name


class AlertDelivery(models.Model):
    """One email about one published object for one saved search: never sent twice."""

    shown_on_public_pages = False  # written while mailing (kooperationsatlas.caching.is_watched)

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="deliveries"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "content_type", "object_id"], name="unique_alert_delivery"
            )
        ]

    def __str__(self):
        return f"{self.saved_search} → {self.content_type.model} {self.object_id}"
