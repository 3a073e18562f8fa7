"""Legal pages (Impressum, Datenschutz, Barrierefreiheit), the operator's legal data and the
accessibility feedback (BITV NRW).

Nothing about the operator is invented: what is not entered in the settings is shown as
"nicht hinterlegt" together with a notice that the operator must complete it.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

NOT_SET = "nicht hinterlegt"


class LegalKind(models.TextChoices):
    IMPRINT = "impressum", "Impressum"
    PRIVACY = "datenschutz", "Datenschutzerklärung"
    ACCESSIBILITY = "barrierefreiheit", "Erklärung zur Barrierefreiheit"


class AccessibilityStatus(models.TextChoices):
    FULL = "vollstaendig", "vollständig vereinbar"
    PARTIAL = "teilweise", "teilweise vereinbar"
    NONE = "nicht", "nicht vereinbar"


@register_setting(icon="doc-full")
class LegalSettings(BaseSiteSetting):
    """Legal data of the operator that SiteSettings (operator, contact e-mail) does not hold."""

    address = models.TextField(
        "Anschrift des Betreibers",
        blank=True,
        help_text="Ladungsfähige Anschrift (Straße, Hausnummer, PLZ, Ort).",
    )
    represented_by = models.CharField(
        "Vertreten durch",
        max_length=300,
        blank=True,
        help_text="Vertretungsberechtigte Person(en), z. B. Bürgermeisterin oder Landrat.",
    )
    phone = models.CharField("Telefon", max_length=50, blank=True)
    content_responsible = models.TextField(
        "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV",
        blank=True,
        help_text="Name und Anschrift der verantwortlichen Person.",
    )
    vat_id = models.CharField(
        "Umsatzsteuer-Identifikationsnummer",
        max_length=50,
        blank=True,
        help_text="Nach § 27a UStG, falls vorhanden.",
    )
    supervisory_authority = models.TextField(
        "Zuständige Aufsichtsbehörde",
        blank=True,
        help_text="Bei öffentlichen Stellen: die Aufsichtsbehörde des Betreibers.",
    )
    data_protection_officer = models.TextField(
        "Datenschutzbeauftragte Person (Kontakt)",
        blank=True,
        help_text="Kontaktdaten der oder des Datenschutzbeauftragten (Art. 37–39 DSGVO).",
    )
    server_logs = models.TextField(
        "Server-Protokolle (Webserver, Hosting)",
        blank=True,
        help_text="Was der Webserver des Betreibers protokolliert (z. B. IP-Adresse, Zeit, "
        "Adresse, Browser), wie lange, und wer das Hosting übernimmt.",
    )
    accessibility_status = models.CharField(
        "Stand der Vereinbarkeit (Barrierefreiheit)",
        max_length=20,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.PARTIAL,
        help_text="„vollständig vereinbar“ nur nach einer Prüfung aller Anforderungen.",
    )
    accessibility_statement_date = models.DateField(
        "Erklärung zur Barrierefreiheit erstellt am",
        null=True,
        blank=True,
        help_text="Setzt „manage.py load_legal_pages“ beim ersten Lauf auf den Tag des Laufs.",
    )
    accessibility_review_date = models.DateField(
        "Erklärung zuletzt überprüft am", null=True, blank=True
    )
    enforcement_procedure = models.TextField(
        "Durchsetzungsverfahren (abweichender Text)",
        blank=True,
        help_text="Leer lassen für den Standardtext (Ombudsstelle für barrierefreie "
        "Informationstechnik des Landes Nordrhein-Westfalen).",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("represented_by"),
                FieldPanel("phone"),
                FieldPanel("content_responsible"),
                FieldPanel("vat_id"),
                FieldPanel("supervisory_authority"),
            ],
            heading="Impressum",
        ),
        MultiFieldPanel(
            [FieldPanel("data_protection_officer"), FieldPanel("server_logs")],
            heading="Datenschutz",
        ),
        MultiFieldPanel(
            [
                FieldPanel("accessibility_status"),
                FieldPanel("accessibility_statement_date"),
                FieldPanel("accessibility_review_date"),
                FieldPanel("enforcement_procedure"),
            ],
            heading="Barrierefreiheit",
        ),
    ]

    class Meta:
        verbose_name = "Rechtliche Angaben"


class LegalPage(Page):
    """Impressum, Datenschutzerklärung or Erklärung zur Barrierefreiheit.

    The page shows the operator's data from the settings (by ``kind``) and the editable body.
    """

    kind = models.CharField(
        "Art",
        max_length=20,
        choices=LegalKind.choices,
        help_text="Bestimmt, welche Angaben aus den Einstellungen die Seite zeigt.",
    )
    body = RichTextField(
        "Inhalt",
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
    )

    content_panels = Page.content_panels + [FieldPanel("kind"), FieldPanel("body")]
    parent_page_types = ["kooperationsatlas.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "Rechtliche Seite"
        verbose_name_plural = "Rechtliche Seiten"

    def get_context(self, request, *args, **kwargs):
        from kooperationsatlas.models import SiteSettings

        from .content import legal_facts

        context = super().get_context(request, *args, **kwargs)
        site_settings = SiteSettings.for_request(request)
        legal = LegalSettings.for_request(request)
        context.update(legal_facts(self.kind, site_settings, legal))
        context["NOT_SET"] = NOT_SET
        return context


class AccessibilityFeedback(models.Model):
    """A barrier reported through the feedback form (BITV NRW)."""

    # A snippet for the editors, never shown on a public page: a report sent through the
    # public form must not empty the page cache (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    page_url = models.CharField("Betroffene Seite", max_length=1000, blank=True)
    description = models.TextField("Beschreibung der Barriere", max_length=5000)
    name = models.CharField("Name", max_length=200, blank=True)
    email = models.EmailField("E-Mail", blank=True)
    created_at = models.DateTimeField("Eingegangen am", auto_now_add=True)
    forwarded_to = models.EmailField("Weitergeleitet an", blank=True)

    class Meta:
        verbose_name = "Rückmeldung zur Barrierefreiheit"
        verbose_name_plural = "Rückmeldungen zur Barrierefreiheit"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} – {self.description[:60]}"
