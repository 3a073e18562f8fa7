"""Municipal accounts: a user acts for exactly one municipality or Kreis."""

from django.conf import settings
from django.db import models

from register.models import BodyReference


class MunicipalAccount(BodyReference):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipal_account",
        verbose_name="Benutzer",
    )
    function = models.CharField("Funktion", max_length=200, blank=True)
    verified = models.BooleanField(
        "Bestätigt",
        default=False,
        help_text="Von der Moderation geprüft; nur bestätigte Konten dürfen veröffentlichen.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(BodyReference.Meta):
        verbose_name = "Kommunales Konto"
        verbose_name_plural = "Kommunale Konten"

    def __str__(self):
        return f"{self.user} ({self.body})"



class AccessRequest(BodyReference):
    """A municipal employee asks for an account; the moderation verifies and decides.

    Approving creates (or activates) the user and a verified ``MunicipalAccount`` for the
    chosen body and tells the requester by e-mail (``accounts/services.py``).
    """

    class Status(models.TextChoices):
        OPEN = "offen", "Offen"
        APPROVED = "genehmigt", "Genehmigt"
        REJECTED = "abgelehnt", "Abgelehnt"

    name = models.CharField("Name", max_length=150)
    email = models.EmailField("Dienstliche E-Mail-Adresse", max_length=254)
    function = models.CharField("Funktion oder Dienststelle", max_length=200, blank=True)
    phone = models.CharField("Telefon (dienstlich)", max_length=50, blank=True)
    message = models.TextField("Nachricht an die Moderation", max_length=2000, blank=True)
    status = models.CharField(
        "Entscheidung", max_length=20, choices=Status.choices, default=Status.OPEN
    )
    identity_checked = models.BooleanField(
        "Identität und Dienststelle geprüft",
        default=False,
        help_text="Vor der Genehmigung: z. B. Rückruf über die Zentrale der Kommune oder "
        "Abgleich mit dem Verzeichnis der Verwaltung.",
    )
    note = models.TextField(
        "Hinweis an die antragstellende Person",
        blank=True,
        help_text="Wird mit der Entscheidung per E-Mail geschickt; bei einer Ablehnung "
        "erforderlich.",
    )
    account = models.ForeignKey(
        MunicipalAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Angelegtes Konto",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Entschieden von",
    )
    decided_at = models.DateTimeField("Entschieden am", null=True, blank=True)
    created_at = models.DateTimeField("Eingegangen am", auto_now_add=True)

    class Meta(BodyReference.Meta):
        ordering = ["-created_at"]
        verbose_name = "Zugangsantrag"
        verbose_name_plural = "Zugangsanträge"

    def __str__(self):
        return f"{self.name} ({self.body})"
