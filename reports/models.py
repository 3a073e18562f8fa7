"""Reports ("Meldungen"): a municipal account proposes a cooperation profile.

The profile itself is a draft CooperationPage in the moderation workflow; this model keeps
who reported it, the contact for questions (never published) and whether the reporter was
told about the publication.
"""

from django.conf import settings
from django.db import models

from register.models import BodyReference


class Report(BodyReference):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cooperation_reports",
        verbose_name="Meldende Person",
    )
    page = models.ForeignKey(
        "cooperations.CooperationPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="Steckbrief (Entwurf)",
    )
    title = models.CharField(
        "Titel bei der Meldung",
        max_length=255,
        help_text="Bleibt erhalten, auch wenn die Redaktion den Steckbrief löscht.",
    )
    contact_name = models.CharField("Ansprechperson für Rückfragen", max_length=200)
    contact_email = models.EmailField("E-Mail für Rückfragen")
    created_at = models.DateTimeField("Gemeldet am", auto_now_add=True)
    published_notified_at = models.DateTimeField(
        "Über Veröffentlichung informiert am", null=True, blank=True
    )

    class Meta(BodyReference.Meta):
        verbose_name = "Meldung einer Kooperation"
        verbose_name_plural = "Meldungen von Kooperationen"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title
