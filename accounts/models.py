"""Municipal accounts: a user acts for exactly one municipality or Kreis."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class MunicipalAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipal_account",
        verbose_name="Benutzer",
    )
    municipality = models.ForeignKey(
        "register.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name="Gemeinde",
    )
    county = models.ForeignKey(
        "register.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name="Kreis",
    )
    function = models.CharField("Funktion", max_length=200, blank=True)
    verified = models.BooleanField(
        "Bestätigt",
        default=False,
        help_text="Von der Moderation geprüft; nur bestätigte Konten dürfen veröffentlichen.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Kommunales Konto"
        verbose_name_plural = "Kommunale Konten"
        constraints = [
            models.CheckConstraint(
                name="account_for_exactly_one_body",
                condition=Q(municipality__isnull=False, county__isnull=True)
                | Q(municipality__isnull=True, county__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.body})"

    @property
    def body(self):
        """The municipality or Kreis this account acts for."""
        return self.municipality or self.county

    def acts_for(self, *, municipality=None, county=None):
        if municipality is not None:
            return self.municipality_id == municipality.pk
        if county is not None:
            return self.county_id == county.pk
        return False
