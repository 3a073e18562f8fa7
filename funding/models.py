"""Funding programmes (Förderprogramme) as pages: an index and one page per programme."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class FundingIndexPage(Page):
    intro = RichTextField("Einleitung", blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["kooperationsatlas.HomePage"]
    subpage_types = ["funding.FundingProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = "Förderprogramme (Übersicht)"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = (
            FundingProgrammePage.objects.child_of(self).live().public().order_by("title")
        )
        return context


class FundingProgrammePage(Page):
    provider = models.CharField("Fördergeber", max_length=300, blank=True)
    summary = models.TextField("Kurzbeschreibung", blank=True)
    eligible_applicants = RichTextField("Antragsberechtigt", blank=True, features=TEXT_FEATURES)
    funded = RichTextField("Was gefördert wird", blank=True, features=TEXT_FEATURES)
    amounts = RichTextField("Förderhöhe", blank=True, features=TEXT_FEATURES)
    max_amount_eur = models.DecimalField(
        "Höchstbetrag in EUR",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Der Betrag, auf den sich die Angabe darunter bezieht; Einzelheiten unter "
        "„Förderhöhe“.",
    )
    max_amount_label = models.CharField(
        "Bezug des Höchstbetrags",
        max_length=200,
        blank=True,
        help_text="Zum Beispiel „Festbetrag für zwei NRW-Partner“.",
    )
    funding_rate_max_percent = models.DecimalField(
        "Höchste Förderquote in %", max_digits=5, decimal_places=2, null=True, blank=True
    )
    conditions = RichTextField("Voraussetzungen", blank=True, features=TEXT_FEATURES)
    deadlines = RichTextField("Fristen", blank=True, features=TEXT_FEATURES)
    application_to = models.CharField("Antrag bei", max_length=300, blank=True)
    link = models.URLField("Link zum Programm", blank=True)
    legal_basis = models.CharField("Rechtsgrundlage", max_length=300, blank=True)
    rules_date = models.DateField("Stand der Regeln", null=True, blank=True)
    last_reviewed = models.DateField("Zuletzt geprüft", null=True, blank=True)
    has_check = models.BooleanField(
        "Förder-Check verlinken",
        default=False,
        help_text="Zeigt den Link zum Förder-Check (gilt für die Förderrichtlinie IKZ NRW).",
    )

    content_panels = Page.content_panels + [
        FieldPanel("provider"),
        FieldPanel("summary"),
        FieldPanel("eligible_applicants"),
        FieldPanel("funded"),
        MultiFieldPanel(
            [
                FieldPanel("amounts"),
                FieldPanel("max_amount_eur"),
                FieldPanel("max_amount_label"),
                FieldPanel("funding_rate_max_percent"),
            ],
            heading="Förderhöhe",
        ),
        FieldPanel("conditions"),
        FieldPanel("deadlines"),
        FieldPanel("application_to"),
        FieldPanel("link"),
        MultiFieldPanel(
            [FieldPanel("legal_basis"), FieldPanel("rules_date"), FieldPanel("last_reviewed")],
            heading="Grundlage",
        ),
        FieldPanel("has_check"),
    ]
    parent_page_types = ["funding.FundingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "Förderprogramm"
        verbose_name_plural = "Förderprogramme"
