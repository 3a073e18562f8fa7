"""Kooperationsbörse: offers ("wir bieten …") and requests ("wir suchen Partner für …")."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from register.models import BodyReference


class EntryKind(models.TextChoices):
    OFFER = "angebot", "Angebot (wir bieten)"
    REQUEST = "gesuch", "Gesuch (wir suchen Partner)"


class EntryStatus(models.TextChoices):
    DRAFT = "entwurf", "Entwurf"
    SUBMITTED = "eingereicht", "Zur Freigabe eingereicht"
    APPROVED = "freigegeben", "Freigegeben"
    REJECTED = "abgelehnt", "Abgelehnt"
    WITHDRAWN = "zurueckgezogen", "Zurückgezogen"


class BoerseEntryQuerySet(models.QuerySet):
    def public(self):
        """Approved and not yet expired: the only entries anyone but owner and moderators sees."""
        return self.filter(status=EntryStatus.APPROVED, expires_on__gte=timezone.localdate())

    def expired(self):
        return self.filter(status=EntryStatus.APPROVED, expires_on__lt=timezone.localdate())


class BoerseEntry(BodyReference):
    # Approved entries appear in the partner search and the sitemap: saving one makes the
    # cached pages stale (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = True

    kind = models.CharField("Art", max_length=10, choices=EntryKind.choices)
    title = models.CharField("Titel", max_length=200)
    description = models.TextField("Beschreibung", max_length=5000)
    task_areas = models.ManyToManyField(
        "cooperations.TaskArea", related_name="boerse_entries", verbose_name="Aufgabenbereiche"
    )
    # The body that posts: exactly one municipality or Kreis (BodyReference).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="boerse_entries",
        verbose_name="Angelegt von",
    )
    # Where partners are sought or the service is offered: a radius around the poster
    # and/or a list of Kreise.
    region_radius_km = models.PositiveSmallIntegerField("Umkreis (km)", null=True, blank=True)
    region_counties = models.ManyToManyField(
        "register.County", blank=True, related_name="+", verbose_name="Kreise"
    )
    expires_on = models.DateField("Gültig bis")
    status = models.CharField(
        "Status", max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Moderiert von",
    )
    moderated_at = models.DateTimeField("Moderiert am", null=True, blank=True)
    moderation_note = models.TextField("Hinweis der Moderation", blank=True)
    published_at = models.DateTimeField("Erstmals freigegeben am", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("Erinnerung gesendet am", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BoerseEntryQuerySet.as_manager()

    class Meta(BodyReference.Meta):
        ordering = ["-published_at", "-created_at"]
        verbose_name = "Börsen-Eintrag"
        verbose_name_plural = "Börsen-Einträge"
        permissions = [("moderate_boerseentry", "Kann Börsen-Einträge moderieren")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("boerse:detail", args=[self.pk])

    @property
    def is_public(self):
        return self.status == EntryStatus.APPROVED and self.expires_on >= timezone.localdate()

    @property
    def is_expired(self):
        return self.status == EntryStatus.APPROVED and self.expires_on < timezone.localdate()


class InterestMessage(models.Model):
    """An expression of interest, delivered to the poster by the platform.

    The poster sees it on the entry's page and in the mail; the sender's e-mail address only
    if the sender chose to share it (``share_contact``)."""

    # Seen only by the people involved: saving one leaves the cached pages as they are
    # (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    entry = models.ForeignKey(
        BoerseEntry, on_delete=models.CASCADE, related_name="interest_messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField("Nachricht", max_length=3000)
    share_contact = models.BooleanField(
        "E-Mail-Adresse weitergeben",
        default=False,
        help_text="Die Absenderin oder der Absender erlaubt, die E-Mail-Adresse der Kommune "
        "des Eintrags zu zeigen.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Interessenbekundung"
        verbose_name_plural = "Interessenbekundungen"

    def __str__(self):
        return f"Interesse an {self.entry}"


class EntryMatch(models.Model):
    """An offer and a request that fit each other; both owners are told once."""

    # Seen only by the people involved: saving one leaves the cached pages as they are
    # (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    offer = models.ForeignKey(BoerseEntry, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(BoerseEntry, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Passende Einträge"
        verbose_name_plural = "Passende Einträge"
        constraints = [
            models.UniqueConstraint(fields=["offer", "request"], name="unique_entry_match")
        ]

    def __str__(self):
        return f"{self.offer} ↔ {self.request}"
