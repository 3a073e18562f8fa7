"""Cooperation profiles ("Steckbriefe") and their index page."""

import re
from functools import cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Q
from django.template.loader import get_template
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from register.models import NO_BODY, ONE_BODY, BodyReference

from . import taxonomy
from .taxonomy import CooperationModel, LegalForm, Motive, TaskArea

__all__ = [
    "CooperationModel",
    "CooperationIndexPage",
    "CooperationPage",
    "LegalForm",
    "Motive",
    "TaskArea",
]

NOT_KNOWN = "nicht bekannt"


class Phase(models.TextChoices):
    INITIALISIERUNG = "initialisierung", "Initialisierung"
    KONZEPTION = "konzeption", "Konzeption"
    UMSETZUNGSVORBEREITUNG = "umsetzungsvorbereitung", "Umsetzungsvorbereitung"
    UMSETZUNG = "umsetzung", "Umsetzung"
    REGELBETRIEB = "regelbetrieb", "Regelbetrieb"
    BEENDET = "beendet", "beendet"


class PartnerRole(models.TextChoices):
    LEAD = "lead", "federführend / Sitz"
    MEMBER = "member", "Mitglied"
    PROVIDER = "provider", "Dienstleister / aufnehmend"
    DELEGATING = "delegating", "abgebend"
    OTHER = "other", "sonstige Beteiligte"


class FigureKind(models.TextChoices):
    SAVINGS_EUR_PER_YEAR = "savings_eur_per_year", "Einsparung pro Jahr"
    SAVINGS_PERCENT = "savings_percent", "Einsparung in Prozent"
    COST_EUR = "cost_eur", "Kosten"
    FUNDING_EUR = "funding_eur", "Förderung"
    STAFF_FTE = "staff_fte", "Personal"
    POPULATION_SERVED = "population_served", "Versorgte Einwohner"
    CASES_PER_YEAR = "cases_per_year", "Fälle pro Jahr"
    OTHER = "other", "Sonstige Kennzahl"


# The text sections of a profile, in reading order: (field, heading). Each has a field
# "<field>_sources" with the keys of the sources (CooperationSource.key) it rests on.
SECTIONS = (
    ("occasion", "Anlass"),
    ("goal", "Ziel"),
    ("implementation", "Umsetzung"),
    ("results", "Ergebnisse"),
    ("success_factors", "Erfolgsfaktoren"),
    ("pitfalls", "Stolpersteine"),
)
# Single facts with a source key field "<field>_source".
SOURCED_FACTS = (("legal_form", "Rechtsform"), ("phase", "Phase"), ("start_year", "Startjahr"))


def split_keys(value):
    """Source keys from a field like "s1, s2" (comma or space separated), in order."""
    return [key for key in re.split(r"[\s,;]+", value or "") if key]


CORE_SECTIONS = ("occasion", "goal", "implementation")
# Figures kept as page fields since the first version (search facets, inventory).
PAGE_FIGURE_FIELDS = ("savings_percent", "savings_eur_per_year", "staff_fte", "population_served")


def has_text(html):
    """True if rich text contains visible text (editors may leave "<p></p>")."""
    return bool(html and strip_tags(str(html)).strip())


def citation_numbers(sources):
    """{source key: its number in the list of sources (1, 2, …)}."""
    return {source.key: number for number, source in enumerate(sources, 1) if source.key}


def refs(numbers, keys):
    """[(number, key)] of the keys that name a listed source, in citation order."""
    return sorted({(numbers[key], key) for key in keys if key in numbers})


def source_keys_field(label):
    return models.CharField(
        label,
        max_length=200,
        blank=True,
        help_text="Kürzel der Quellen (Feld „Kürzel“ unter Quellen), z. B. „s1, s2“.",
    )


class CooperationIndexPage(Page):
    """Lists the published profiles below it."""

    intro = RichTextField("Einleitung", blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cooperations.CooperationPage"]
    max_count = 1
    page_size = 20

    class Meta:
        verbose_name = "Übersicht Kooperationen"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        profiles = CooperationPage.objects.live().public().descendant_of(self)
        profiles = profiles.order_by("title")
        page_obj = Paginator(profiles, self.page_size).get_page(request.GET.get("page"))
        page_obj.object_list = profile_entries(request, page_obj.object_list, heading="h2")
        context["page_obj"] = page_obj
        return context


class CooperationTag(TaggedItemBase):
    content_object = ParentalKey(
        "cooperations.CooperationPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CooperationPage(Page):
    """A structured best-practice profile of one real cooperation."""

    summary = models.TextField("Kurzbeschreibung", max_length=1000)
    start_year = models.PositiveSmallIntegerField("Startjahr", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("Endjahr", null=True, blank=True)
    phase = models.CharField("Phase", max_length=30, choices=Phase.choices, blank=True)
    status_note = models.CharField(
        "Stand laut Quelle",
        max_length=200,
        blank=True,
        help_text="Wortlaut des Stands, wie die Quelle ihn angibt (z. B. „geplant“).",
    )
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Rechtsform",
    )
    legal_form_note = models.CharField("Hinweis zur Rechtsform", max_length=300, blank=True)
    cooperation_model = models.ForeignKey(
        CooperationModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Kooperationsmodell",
    )
    task_areas = ParentalManyToManyField(TaskArea, blank=True, verbose_name="Aufgabenbereiche")
    motives = ParentalManyToManyField(Motive, blank=True, verbose_name="Motive")

    legal_form_source = models.CharField("Quelle der Rechtsform", max_length=20, blank=True)
    phase_source = models.CharField("Quelle der Phase", max_length=20, blank=True)
    start_year_source = models.CharField("Quelle des Startjahrs", max_length=20, blank=True)

    occasion = RichTextField("Anlass", blank=True)
    occasion_sources = source_keys_field("Quellen zum Anlass")
    goal = RichTextField("Ziel", blank=True)
    goal_sources = source_keys_field("Quellen zum Ziel")
    implementation = RichTextField("Umsetzung", blank=True)
    implementation_sources = source_keys_field("Quellen zur Umsetzung")

    results = RichTextField("Ergebnisse", blank=True)
    results_sources = source_keys_field("Quellen zu den Ergebnissen")
    savings_percent = models.DecimalField(
        "Einsparung (%)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    savings_eur_per_year = models.DecimalField(
        "Einsparung (EUR/Jahr)", max_digits=12, decimal_places=0, null=True, blank=True
    )
    staff_fte = models.DecimalField(
        "Personal (VZÄ)", max_digits=7, decimal_places=1, null=True, blank=True
    )
    population_served = models.PositiveIntegerField("Versorgte Einwohner", null=True, blank=True)

    success_factors = RichTextField("Erfolgsfaktoren", blank=True)
    success_factors_sources = source_keys_field("Quellen zu den Erfolgsfaktoren")
    pitfalls = RichTextField("Stolpersteine", blank=True)
    pitfalls_sources = source_keys_field("Quellen zu den Stolpersteinen")
    transferability = RichTextField("Übertragbarkeit", blank=True)
    open_questions = models.TextField(
        "Was die Quellen nicht sagen",
        blank=True,
        help_text="Offene oder unsichere Angaben, damit Leser sie einordnen können.",
    )

    tags = ClusterTaggableManager(through=CooperationTag, blank=True, verbose_name="Schlagwörter")
    last_reviewed = models.DateField("Zuletzt geprüft", null=True, blank=True)
    review_note = models.TextField(
        "Was geprüft wurde",
        blank=True,
        help_text="Welche Quellen bei der letzten Prüfung gelesen wurden und was sie nicht sagen.",
    )
    # SHA-256 of the enrichment file the demo loader last applied (cooperations/enrichment.py);
    # not shown to editors.
    enrichment_digest = models.CharField(max_length=64, blank=True, editable=False)

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("occasion"),
        index.SearchField("goal"),
        index.SearchField("implementation"),
        index.SearchField("results"),
        index.FilterField("start_year"),
        index.FilterField("phase"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("start_year"),
                        FieldPanel("start_year_source"),
                        FieldPanel("end_year"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("phase"), FieldPanel("phase_source"), FieldPanel("status_note")]
                ),
                FieldRowPanel([FieldPanel("legal_form"), FieldPanel("legal_form_source")]),
                FieldPanel("legal_form_note"),
                FieldPanel("cooperation_model"),
                FieldPanel("task_areas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("motives", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Einordnung",
        ),
        InlinePanel("partners", heading="Partner", label="Partner", min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("occasion"),
                FieldPanel("occasion_sources"),
                FieldPanel("goal"),
                FieldPanel("goal_sources"),
                FieldPanel("implementation"),
                FieldPanel("implementation_sources"),
            ],
            heading="Anlass, Ziel, Umsetzung",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("savings_percent"), FieldPanel("savings_eur_per_year")]),
                FieldRowPanel([FieldPanel("staff_fte"), FieldPanel("population_served")]),
                FieldPanel("results"),
                FieldPanel("results_sources"),
            ],
            heading="Ergebnisse",
        ),
        InlinePanel("figures", heading="Kennzahlen", label="Kennzahl"),
        InlinePanel("facts", heading="Fakten laut Quellen", label="Fakt"),
        MultiFieldPanel(
            [
                FieldPanel("success_factors"),
                FieldPanel("success_factors_sources"),
                FieldPanel("pitfalls"),
                FieldPanel("pitfalls_sources"),
                FieldPanel("transferability"),
                FieldPanel("open_questions"),
            ],
            heading="Erfahrungen",
        ),
        InlinePanel("funding", heading="Erhaltene Förderung", label="Förderung"),
        InlinePanel("documents", heading="Dokumente", label="Dokument"),
        InlinePanel("images", heading="Bilder", label="Bild"),
        InlinePanel("office_contacts", heading="Kontakt der Dienststelle", label="Kontakt"),
        InlinePanel("contacts", heading="Ansprechpersonen", label="Ansprechperson"),
        InlinePanel("sources", heading="Quellen", label="Quelle", min_num=1),
        MultiFieldPanel(
            [FieldPanel("last_reviewed"), FieldPanel("review_note")], heading="Prüfung"
        ),
    ]

    parent_page_types = ["cooperations.CooperationIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "Kooperations-Steckbrief"
        verbose_name_plural = "Kooperations-Steckbriefe"

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "Das Endjahr liegt vor dem Startjahr."})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One query per relation: the partner rows are loaded once for the table, the
        # Länder, the map and the funding rule.
        partners = list(
            self.partners.select_related(
                "municipality__county",
                "municipality__state",
                "municipality__district",
                "county__state",
                "county__district",
            ).defer("municipality__boundary")  # the map reads boundaries from its memo
        )
        context["partners"] = partners
        term_ids, lists = self.outline(request)
        # The terms from the taxonomies' memo, with their parents (their names show the
        # path "Innere Verwaltung › Archiv"); pick() sorts them.
        terms = taxonomy.terms(request)
        context["task_areas"] = taxonomy.pick(terms[TaskArea], term_ids["task_areas"])
        context["motives"] = taxonomy.pick(terms[Motive], term_ids["motives"])
        self.use_terms(terms)
        for name, has_rows in lists.items():
            context[name] = list(getattr(self, name).all()) if has_rows else []
        context["NOT_KNOWN"] = NOT_KNOWN
        numbers = citation_numbers(context["sources"])
        context["citations"] = numbers
        context["sections"] = self.filled_sections(numbers)
        context["fact_refs"] = {
            name: refs(numbers, [getattr(self, f"{name}_source")]) for name, _ in SOURCED_FACTS
        }
        for partner in partners:
            partner.refs = refs(numbers, [partner.role_source])
        for item in context["figures"] + context["office_contacts"]:
            item.refs = refs(numbers, [item.source])
        context["unknown"] = self.unknown_labels(context["figures"], context["motives"])
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            from django.urls import reverse

            from .proposals import can_propose

            context["can_propose"] = can_propose(request.user, self)
            context["propose_url"] = reverse("cooperations:propose", args=[self.pk])
        from funding.related import NRW, funding_for
        from guides.related import guides_for, published_guides
        from kooperationsatlas import caching

        # Cache entries: without them, guides and programmes cost an uncached profile
        # about 5 ms and 5 queries (docs/load.md).
        context["related_guides"] = guides_for(
            self,
            guides=caching.entry(request, "published-guides", published_guides),
            task_areas=context["task_areas"],
        )
        bodies = [partner.body for partner in partners if partner.body is not None]
        nrw = sum(body.state.key == NRW for body in bodies)
        counts = (nrw, len(bodies) - nrw)
        context["related_funding"] = caching.entry(
            request, "funding:{}:{}".format(*counts), lambda: funding_for(self, counts=counts)
        )
        return context

    # The lists the page shows: {context name: the reverse relation whose rows they are}.
    LISTED_CHILDREN = {
        "facts": "facts",
        "funding": "funding",
        "documents": "documents",
        "images": "images",
        "contacts": "contacts",
        "office_contacts": "office_contacts",
        "figures": "figures",
        "sources": "sources",
        "tags": "tagged_items",
    }
    TERM_RELATIONS = ("task_areas", "motives")

    def outline(self, request):
        """({"task_areas": pks, "motives": pks}, {listed child relation: has rows}).

        Most profiles have no documents, images, contacts or funding: one statement reads
        the pks of the page's terms and which of its lists have rows at all, so only
        those lists are queried (instead of two queries for the terms and one per list).
        A plain statement, because compiling as many ORM subqueries would cost what it
        saves. A preview's terms and rows are the editor's unsaved ones, in memory."""
        if getattr(request, "is_preview", False):
            # "id", not "pk": an in-memory choice (modelcluster) knows only real field names.
            term_ids = {
                name: list(getattr(self, name).values_list("id", flat=True))
                for name in self.TERM_RELATIONS
            }
            return term_ids, dict.fromkeys(self.LISTED_CHILDREN, True)
        sql, count = self._outline_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk] * count)
            rows = cursor.fetchall()
        term_ids = {name: [pk for kind, pk in rows if kind == name] for name in self.TERM_RELATIONS}
        listed = {name for name, _ in rows}
        return term_ids, {name: name in listed for name in self.LISTED_CHILDREN}

    @classmethod
    @cache
    def _outline_sql(cls):
        """The statement of ``outline`` and its number of parameters, built once from the
        relations' tables and columns."""
        selects = []
        for name in cls.TERM_RELATIONS:
            field = cls._meta.get_field(name)
            selects.append(
                f"SELECT '{name}', {field.m2m_reverse_name()} "
                f"FROM {field.remote_field.through._meta.db_table} "
                f"WHERE {field.m2m_column_name()} = %s"
            )
        for name, relation in cls.LISTED_CHILDREN.items():
            rel = cls._meta.get_field(relation)
            table, column = rel.related_model._meta.db_table, rel.field.column
            selects.append(
                f"SELECT '{name}', NULL WHERE EXISTS (SELECT 1 FROM {table} WHERE {column} = %s)"
            )
        return " UNION ALL ".join(selects), len(selects)

    def use_terms(self, terms):
        """Legal form and cooperation model from ``terms`` (``taxonomy.terms``) instead of a
        query each."""
        if self.legal_form_id in terms[LegalForm]:
            self.legal_form = terms[LegalForm][self.legal_form_id]
        if self.cooperation_model_id in terms[CooperationModel]:
            self.cooperation_model = terms[CooperationModel][self.cooperation_model_id]

    def filled_sections(self, numbers):
        """The text sections that have text, in reading order: dicts with ``name``,
        ``heading``, ``text`` and ``refs`` (see ``refs``)."""
        return [
            {
                "name": name,
                "heading": heading,
                "text": getattr(self, name),
                "refs": refs(numbers, split_keys(getattr(self, f"{name}_sources"))),
            }
            for name, heading in SECTIONS
            if has_text(getattr(self, name))
        ]

    def figure_kinds(self, figures):
        """The figure kinds the profile has: its figure rows and the page's own fields."""
        kinds = {figure.kind for figure in figures}
        kinds |= {kind for kind in PAGE_FIGURE_FIELDS if getattr(self, kind) is not None}
        return kinds

    def unknown_labels(self, figures, motives):
        """What the sources do not say, as the short labels of the line "Nicht bekannt: …"."""
        kinds = self.figure_kinds(figures)
        checks = [
            ("Rechtsform", self.legal_form_id),
            ("Phase", self.phase),
            ("Startjahr", self.start_year),
            ("Motive", motives),
            *((heading, has_text(getattr(self, name))) for name, heading in SECTIONS),
            ("Kosten", kinds & {FigureKind.COST_EUR}),
            ("Einsparung", kinds & {FigureKind.SAVINGS_EUR_PER_YEAR, FigureKind.SAVINGS_PERCENT}),
            ("Personal", kinds & {FigureKind.STAFF_FTE}),
        ]
        return [label for label, value in checks if not value]

    def badges(self, has_figures):
        """Short labels of what a rich profile offers, for lists ("mit Ergebnissen")."""
        labels = []
        if all(has_text(getattr(self, name)) for name in CORE_SECTIONS):
            labels.append("mit Anlass, Ziel und Umsetzung")
        if has_text(self.results):
            labels.append("mit Ergebnissen")
        if has_figures or any(getattr(self, kind) is not None for kind in PAGE_FIGURE_FIELDS):
            labels.append("mit Kennzahlen")
        if has_text(self.success_factors) or has_text(self.pitfalls):
            labels.append("mit Erfahrungen")
        return labels

    @property
    def states(self):
        """The Länder of the register partners, sorted by name."""
        return sorted({p.state.name for p in self.partners.all() if p.state}, key=str)


# What a list entry (includes/profile_item.html) shows of a profile, and Wagtail needs for
# its URL.
PROFILE_ENTRY_FIELDS = (
    "title", "url_path", "summary", "legal_form", "cooperation_model", "phase", "start_year",
    "occasion", "goal", "implementation", "results", "success_factors", "pitfalls",
    *PAGE_FIGURE_FIELDS,
)  # fmt: skip


def profile_entries(request, profiles, heading="h2"):
    """The list entries of ``profiles`` (a query set, in list order) as HTML from
    ``includes/profile_item.html``, with ``heading`` (h2/h3) for their titles.

    An entry depends only on its profile and published content, so it is kept as a cache
    entry per content generation and shared by every list it appears in (municipality and
    Kreis pages, the profile index): per list only the pks are read, and the profiles not
    stored yet are loaded and rendered together."""
    from kooperationsatlas import caching

    pks = list(profiles.values_list("pk", flat=True))

    def render(missing):
        template = get_template("includes/profile_item.html")
        loaded = CooperationPage.objects.filter(pk__in=missing).only(*PROFILE_ENTRY_FIELDS)
        with_figures = set(
            CooperationFigure.objects.filter(page_id__in=missing).values_list("page_id", flat=True)
        )
        # A plain context: the entry needs no context processor, only the request for
        # {% pageurl %} (the host is part of the key, as a URL may depend on the site).
        return {
            profile.pk: template.render(
                {
                    "profile": profile,
                    "badges": profile.badges(profile.pk in with_figures),
                    "heading": heading,
                    "request": request,
                }
            )
            for profile in with_terms(request, loaded)
        }

    entries = caching.entries(request, f"profile-entry:{heading}:{request.get_host()}", pks, render)
    return [entries[pk] for pk in pks if pk in entries]


def with_terms(request, profiles):
    """``profiles`` as a list, each with the terms a list entry shows
    (``includes/profile_item.html``) from the taxonomies' memo: ``listed_task_areas``,
    ``legal_form`` and ``cooperation_model``. One query for the task areas of all of them,
    instead of joins and a prefetch per list."""
    profiles = list(profiles)
    terms = taxonomy.terms(request)
    area_ids = {}
    rows = CooperationPage.task_areas.through.objects.filter(
        cooperationpage_id__in=[profile.pk for profile in profiles]
    ).values_list("cooperationpage_id", "taskarea_id")
    for page_id, area_id in rows:
        area_ids.setdefault(page_id, []).append(area_id)
    for profile in profiles:
        profile.listed_task_areas = taxonomy.pick(terms[TaskArea], area_ids.get(profile.pk, ()))
        profile.use_terms(terms)
    return profiles


class CooperationPartner(BodyReference, Orderable):
    """One party to a cooperation: a municipality, a Kreis (BodyReference), or another
    organisation."""

    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="partners")
    organisation = models.CharField(
        "Andere Organisation",
        max_length=200,
        blank=True,
        help_text="Nur für Beteiligte außerhalb des Registers (z. B. GPA, IT-Dienstleister).",
    )
    role = models.CharField("Rolle", max_length=20, choices=PartnerRole.choices)
    role_source = models.CharField(
        "Quelle der Rolle", max_length=20, blank=True, help_text="Kürzel der Quelle"
    )
    note = models.CharField("Hinweis", max_length=300, blank=True)

    panels = [
        FieldPanel("municipality"),
        FieldPanel("county"),
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("role_source")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "Partner"
        verbose_name_plural = "Partner"
        # A body without organisation, or an organisation without body.
        constraints = [
            models.CheckConstraint(
                name="partner_is_exactly_one_kind",
                condition=ONE_BODY & Q(organisation="") | NO_BODY & ~Q(organisation=""),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        chosen = [bool(self.municipality_id), bool(self.county_id), bool(self.organisation)]
        if sum(chosen) != 1:
            raise ValidationError(
                "Bitte genau eines wählen: eine Gemeinde, einen Kreis "
                "oder eine andere Organisation."
            )

    @property
    def name(self):
        return self.body_name or self.organisation

    @property
    def state(self):
        body = self.body
        return body.state if body else None


class CooperationFact(Orderable):
    """A statement or figure exactly as a source gives it."""

    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="facts")
    text = models.TextField("Fakt")

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class CooperationFunding(Orderable):
    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="funding")
    programme = models.CharField("Förderprogramm", max_length=300)
    amount_eur = models.DecimalField(
        "Betrag (EUR)", max_digits=12, decimal_places=0, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField("Jahr", null=True, blank=True)
    note = models.CharField("Hinweis", max_length=300, blank=True)

    panels = [
        FieldPanel("programme"),
        FieldPanel("amount_eur"),
        FieldPanel("year"),
        FieldPanel("note"),
    ]

    def __str__(self):
        return self.programme


class CooperationDocument(Orderable):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Vereinbarung / Vertrag"
        STATUTES = "statutes", "Satzung"
        REPORT = "report", "Bericht"
        OTHER = "other", "Sonstiges"

    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name="Dokument"
    )
    kind = models.CharField("Art", max_length=20, choices=Kind.choices, default=Kind.OTHER)

    panels = [FieldPanel("document"), FieldPanel("kind")]


class CooperationImage(Orderable):
    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name="Bild"
    )
    caption = models.CharField("Bildunterschrift", max_length=300, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class ContactPerson(Orderable):
    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("Name", max_length=200)
    function = models.CharField("Funktion", max_length=200, blank=True)
    organisation = models.CharField("Organisation", max_length=200, blank=True)
    email = models.EmailField("E-Mail", blank=True)
    phone = models.CharField("Telefon", max_length=50, blank=True)
    public_display = models.BooleanField(
        "Öffentliche Anzeige erlaubt",
        default=False,
        help_text="Nur ankreuzen, wenn die Person der öffentlichen Anzeige zugestimmt hat.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("function"),
        FieldPanel("organisation"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("public_display"),
    ]

    def __str__(self):
        return self.name


class CooperationSource(Orderable):
    """Where a statement on the profile comes from: a web page or a named document."""

    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(
        "Kürzel",
        max_length=20,
        blank=True,
        help_text="Kürzel (z. B. „s1“), mit dem Abschnitte und Kennzahlen die Quelle nennen.",
    )
    title = models.CharField("Titel", max_length=400, blank=True)
    publisher = models.CharField("Herausgeber", max_length=300, blank=True)
    url = models.URLField("Adresse", max_length=1000, blank=True)
    document_reference = models.CharField("Dokument (ohne Adresse)", max_length=500, blank=True)
    published = models.CharField(
        "Datum der Quelle", max_length=50, blank=True, help_text="wie in der Quelle angegeben"
    )
    accessed = models.DateField("Abgerufen am", null=True, blank=True)

    panels = [
        FieldPanel("key"),
        FieldPanel("title"),
        FieldPanel("publisher"),
        FieldPanel("url"),
        FieldPanel("document_reference"),
        FieldPanel("published"),
        FieldPanel("accessed"),
    ]

    def __str__(self):
        return self.title or self.url or self.document_reference

    def clean(self):
        super().clean()
        if not (self.url or self.document_reference):
            raise ValidationError("Bitte eine Adresse oder ein Dokument angeben.")


class CooperationFigure(Orderable):
    """A structured figure (savings, staff, costs, service figures) with its source."""

    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField("Art", max_length=30, choices=FigureKind.choices)
    label = models.CharField("Bezeichnung", max_length=300)
    value = models.DecimalField("Wert", max_digits=16, decimal_places=2)
    unit = models.CharField("Einheit", max_length=50, help_text="z. B. EUR, %, VZÄ, Einwohner")
    year = models.PositiveSmallIntegerField("Bezugsjahr", null=True, blank=True)
    source = models.CharField("Quelle", max_length=20, help_text="Kürzel der Quelle")

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("label")]),
        FieldRowPanel([FieldPanel("value"), FieldPanel("unit"), FieldPanel("year")]),
        FieldPanel("source"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "Kennzahl"
        verbose_name_plural = "Kennzahlen"

    def __str__(self):
        return self.label


class OfficeContact(Orderable):
    """The public contact of an office as a public source names it (never a private person)."""

    page = ParentalKey(CooperationPage, on_delete=models.CASCADE, related_name="office_contacts")
    office = models.CharField("Dienststelle", max_length=300)
    email = models.EmailField("E-Mail", blank=True)
    phone = models.CharField("Telefon", max_length=50, blank=True)
    url = models.URLField("Internetseite", max_length=1000, blank=True)
    source = models.CharField("Quelle", max_length=20, blank=True, help_text="Kürzel der Quelle")

    panels = [
        FieldPanel("office"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("url"),
        FieldPanel("source"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "Kontakt der Dienststelle"
        verbose_name_plural = "Kontakte der Dienststellen"

    def __str__(self):
        return self.office


class ProfileProposal(models.Model):
    """A partner's proposed changes to its profile: a revision in the moderation workflow.

    Keeps who proposed it and whether they were told that it is published
    (``cooperations/proposals.py``)."""

    # In the moderation workflow until an editor publishes the revision (which sends
    # Wagtail's page_published): no public page shows it (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    page = models.ForeignKey(
        CooperationPage,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name="Steckbrief",
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile_proposals",
        verbose_name="Vorgeschlagen von",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="Revision",
    )
    created_at = models.DateTimeField("Vorgeschlagen am", auto_now_add=True)
    published_notified_at = models.DateTimeField(
        "Über Veröffentlichung informiert am", null=True, blank=True
    )

    class Meta:
        verbose_name = "Ergänzung eines Steckbriefs"
        verbose_name_plural = "Ergänzungen von Steckbriefen"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.page} ({self.proposer})"
