"""Taxonomies editors maintain as snippets: task areas and legal forms (hierarchical),
cooperation models and motives (flat)."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Term(index.Indexed, models.Model):
    """A taxonomy term with a stable slug (used in URLs, facets and exports)."""

    name = models.CharField("Bezeichnung", max_length=150)
    slug = models.SlugField("Kürzel", max_length=150, unique=True, allow_unicode=False)
    description = models.TextField("Beschreibung", blank=True)
    sort_order = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class HierarchicalTerm(Term):
    """A term with an optional parent; a filter on a parent includes its children."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="Übergeordneter Begriff",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta(Term.Meta):
        abstract = True

    def __str__(self):
        return " › ".join(term.name for term in self.ancestors_and_self())

    def ancestors_and_self(self):
        """From the root down to this term."""
        chain, term, seen = [], self, set()
        while term is not None and term.pk not in seen:
            seen.add(term.pk)
            chain.append(term)
            term = term.parent
        return list(reversed(chain))

    def descendants_and_self(self):
        """This term and every term below it (breadth first)."""
        found, frontier = [self], [self]
        model = type(self)
        while frontier:
            frontier = list(model.objects.filter(parent__in=frontier))
            found.extend(frontier)
        return found

    def clean(self):
        super().clean()
        term = self.parent
        while term is not None:
            if term.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": "Ein Begriff kann nicht unter sich selbst stehen."}
                )
            term = term.parent


class TaskArea(HierarchicalTerm):
    """Aufgabenbereich, e.g. Innere Verwaltung › Personal › Beihilfe."""

    class Meta(HierarchicalTerm.Meta):
        verbose_name = "Aufgabenbereich"
        verbose_name_plural = "Aufgabenbereiche"


class LegalForm(HierarchicalTerm):
    """Rechtsform, e.g. Öffentlich-rechtliche Vereinbarung › delegierend (GkG NRW)."""

    legal_basis = models.CharField("Rechtsgrundlage", max_length=200, blank=True)

    panels = HierarchicalTerm.panels + [FieldPanel("legal_basis")]

    class Meta(HierarchicalTerm.Meta):
        verbose_name = "Rechtsform"
        verbose_name_plural = "Rechtsformen"


class CooperationModel(Term):
    """Kooperationsmodell, e.g. Dienstleistungszentrum or Kompetenzzentrum."""

    class Meta(Term.Meta):
        verbose_name = "Kooperationsmodell"
        verbose_name_plural = "Kooperationsmodelle"


class Motive(Term):
    """Motiv: Effizienz; Kompetenz & Kapazitäten; Innovation."""

    class Meta(Term.Meta):
        verbose_name = "Motiv"
        verbose_name_plural = "Motive"


def terms_by_pk():
    """{model: {pk: term}} of all four taxonomies, the parents of hierarchical terms linked
    in Python (so ``str()`` and ``ancestors_and_self()`` need no query): four queries. Pages
    read it from a cache entry per content generation (``terms``); terms are few."""
    found = {}
    for model in (TaskArea, LegalForm, CooperationModel, Motive):
        terms = {term.pk: term for term in model.objects.all()}
        if issubclass(model, HierarchicalTerm):
            for term in terms.values():
                term.parent = terms.get(term.parent_id)
        found[model] = terms
    return found


def terms(request):
    """``terms_by_pk()``, a cache entry per content generation: profiles, lists and the
    search all show terms with their parents."""
    from kooperationsatlas import caching

    return caching.entry(request, "taxonomy-terms", terms_by_pk)


def pick(terms, pks):
    """The terms of ``terms`` ({pk: term}) with the given pks, in the taxonomy's order."""
    return sorted(
        (terms[pk] for pk in set(pks) if pk in terms), key=lambda term: (term.sort_order, term.name)
    )


def find_term(terms, text):
    """The term of ``terms`` with the slug ``text``, else with the name ``text`` (case
    and surrounding space ignored), else None: what a URL parameter for a term accepts."""
    text = " ".join(str(text).split())
    terms = list(terms)
    for term in terms:
        if term.slug == text:
            return term
    wanted = text.casefold()
    return next((term for term in terms if term.name.casefold() == wanted), None)
