"""Guides ("Leitfäden"), the FAQ and the glossary.

Page tree: HomePage › GuideIndexPage (/leitfaeden/) › GuidePage | FaqPage | GlossaryPage.
Glossary terms are snippets (``GlossaryTerm``) shown on the glossary page, one anchor each.
Which guides fit a profile is decided in ``guides/related.py``.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cooperations.taxonomy import LegalForm, TaskArea

from .blocks import anchor, faq_body_blocks, guide_body_blocks

INTRO_FEATURES = ["bold", "italic", "link"]


class Topic(models.TextChoices):
    """Topics that group the guides on the index page, in this order."""

    VORGEHEN = "vorgehen", "Vorgehen und Projektorganisation"
    RECHT = "recht", "Recht und Rechtsformen"
    STEUERN = "steuern", "Steuern und Finanzen"
    DATENSCHUTZ = "datenschutz", "Datenschutz"
    FOERDERUNG = "foerderung", "Förderung"
    SONSTIGES = "sonstiges", "Weitere Themen"


class GuideIndexPage(Page):
    """Lists the published guides grouped by topic and links the FAQ and the glossary."""

    intro = RichTextField("Einleitung", blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["kooperationsatlas.HomePage"]
    subpage_types = ["guides.GuidePage", "guides.FaqPage", "guides.GlossaryPage"]
    max_count = 1

    class Meta:
        verbose_name = "Übersicht Leitfäden"

    def guides(self):
        return GuidePage.objects.child_of(self).live().public().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        by_topic = {}
        for guide in self.guides():
            by_topic.setdefault(guide.topic, []).append(guide)
        context["topics"] = [
            {"key": key, "label": label, "guides": by_topic[key]}
            for key, label in Topic.choices
            if key in by_topic
        ]
        context["faq_page"] = FaqPage.objects.child_of(self).live().public().first()
        context["glossary_page"] = GlossaryPage.objects.child_of(self).live().public().first()
        return context


class GuidePage(Page):
    """One guide: a summary, topic relations for matching, a structured body."""

    summary = models.TextField("Kurzfassung", max_length=600)
    topic = models.CharField("Thema", max_length=20, choices=Topic.choices)
    applies_to_all = models.BooleanField(
        "Für alle Kooperationen",
        default=False,
        help_text="Wird auf jedem Steckbrief als passender Leitfaden angezeigt.",
    )
    legal_forms = ParentalManyToManyField(
        LegalForm,
        blank=True,
        verbose_name="Rechtsformen",
        help_text="Passt zu Steckbriefen mit dieser Rechtsform oder einer Unterform davon.",
    )
    task_areas = ParentalManyToManyField(
        TaskArea,
        blank=True,
        verbose_name="Aufgabenbereiche",
        help_text="Passt zu Steckbriefen mit diesem Aufgabenbereich oder einem Unterbereich.",
    )
    body = StreamField(guide_body_blocks(), verbose_name="Inhalt", blank=True)
    last_reviewed = models.DateField("Zuletzt geprüft", null=True, blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("topic"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("applies_to_all"),
                FieldPanel("legal_forms", widget=forms.CheckboxSelectMultiple),
                FieldPanel("task_areas", widget=forms.CheckboxSelectMultiple),
            ],
            heading="Einordnung und Zuordnung zu Steckbriefen",
        ),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]
    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "Leitfaden"
        verbose_name_plural = "Leitfäden"

    def toc(self):
        """(anchor, label) of the H2 headings and the phases, in order."""
        entries = []
        for block in self.body:
            if block.block_type == "heading" and block.value["level"] == "h2":
                entries.append((anchor(block.value["text"]), block.value["text"]))
            elif block.block_type == "phase":
                entries.append((anchor(block.value["name"], "phase-"), block.value["name"]))
            elif block.block_type == "sources":
                entries.append(("quellen", "Quellen"))
        return entries


class FaqPage(Page):
    intro = RichTextField("Einleitung", blank=True, features=INTRO_FEATURES)
    body = StreamField(faq_body_blocks(), verbose_name="Fragen und Antworten", blank=True)

    search_fields = Page.search_fields + [index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "Häufige Fragen (FAQ)"

    def questions(self):
        return [block.value for block in self.body if block.block_type == "faq"]


def sort_key(text):
    """Alphabetical key ignoring case, accents and leading signs: "§ 2b UStG" -> "2b ustg"."""
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return text.lstrip(" §.-–\"'„“(")


class GlossaryTerm(index.Indexed, models.Model):
    """One glossary entry; its anchor on the glossary page is ``#begriff-<slug>``."""

    term = models.CharField("Begriff", max_length=150, unique=True)
    slug = models.SlugField(
        "Kürzel (Anker)",
        max_length=150,
        unique=True,
        help_text="Ergibt den Link …/glossar/#begriff-<Kürzel>; nach dem Veröffentlichen "
        "nicht mehr ändern.",
    )
    definition = RichTextField("Erklärung", features=INTRO_FEATURES + ["ul"])
    source_title = models.CharField("Quelle (Titel)", max_length=300, blank=True)
    source_url = models.URLField("Quelle (Adresse)", max_length=500, blank=True)

    panels = [
        FieldPanel("term"),
        FieldPanel("slug"),
        FieldPanel("definition"),
        MultiFieldPanel([FieldPanel("source_title"), FieldPanel("source_url")], heading="Quelle"),
    ]
    search_fields = [
        index.SearchField("term"),
        index.AutocompleteField("term"),
        index.SearchField("definition"),
    ]

    class Meta:
        verbose_name = "Glossarbegriff"
        verbose_name_plural = "Glossarbegriffe"
        ordering = ["term"]

    def __str__(self):
        return self.term

    @property
    def anchor(self):
        return f"begriff-{self.slug}"

    @property
    def letter(self):
        """The group on the glossary page: A–Z, or "#" for digits and signs."""
        first = sort_key(self.term)[:1].upper()
        return first if "A" <= first <= "Z" else "#"

    def clean(self):
        super().clean()
        if self.source_url and not self.source_title:
            raise ValidationError({"source_title": "Bitte der Quelle einen Titel geben."})


class GlossaryPage(Page):
    """All glossary terms, alphabetical, grouped by initial letter, one anchor per term."""

    intro = RichTextField("Einleitung", blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "Glossar"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        terms = sorted(GlossaryTerm.objects.all(), key=lambda term: sort_key(term.term))
        groups = {}
        for term in terms:
            groups.setdefault(term.letter, []).append(term)
        context["groups"] = [
            {
                "letter": letter,
                "anchor": "buchstabe-ziffern" if letter == "#" else f"buchstabe-{letter.lower()}",
                "label": "Ziffern und Zeichen" if letter == "#" else letter,
                "terms": groups[letter],
            }
            for letter in sorted(groups, key=lambda letter: (letter != "#", letter))
        ]
        return context
