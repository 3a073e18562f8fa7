"""Storage of the embedded search engine (see search/engines/embedded.py, docs/search.md).

``IndexedDocument`` holds one search document per profile with its analysed text. The
full-text structures live beside it and are created per database by migration 0002:
SQLite an FTS5 table (+ fts5vocab), PostgreSQL a generated tsvector column with a GIN
index and a vocabulary table with a trigram index. ``IndexVersion`` tells every process
when its in-memory facet index is out of date.
"""

import uuid

from django.db import connections, models, router
from django.db.models import F
from django.utils import timezone


class IndexedDocument(models.Model):
    """A profile as the embedded engine indexed it: ``documents.build_document`` plus
    what searching needs without parsing the whole document."""

    # Not a foreign key: the index must be able to outlive (and then drop) a page.
    page_id = models.IntegerField("Seiten-ID", primary_key=True)
    document = models.JSONField("Suchdokument")
    # Analysed index terms (analysis chain), space-separated: the full-text input.
    title_terms = models.TextField(blank=True)
    extra_terms = models.TextField(blank=True)  # partners
    body_terms = models.TextField(blank=True)
    # task areas, forms, tags and the partners' places: ranked below the profile's text
    meta_terms = models.TextField(blank=True, default="")
    title_key = models.TextField(blank=True)  # sort key for "name"
    published_at = models.DateTimeField(null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    partner_count = models.PositiveIntegerField(default=0)
    # {"facets": {key: [values]}, "locations": [[lat, lon], ...]}: what the facet index reads.
    filter_data = models.JSONField(default=dict)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "atlas_search_document"
        verbose_name = "Indexiertes Suchdokument"
        verbose_name_plural = "Indexierte Suchdokumente"

    def __str__(self):
        return self.document.get("title", str(self.page_id))


class IndexVersion(models.Model):
    """A single row, changed with every change to the index (in the same transaction).

    ``stamp`` is random rather than a counter: a rolled-back transaction could otherwise
    reuse a number a process has already cached.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "atlas_search_version"
        verbose_name = "Indexversion"
        verbose_name_plural = "Indexversion"

    def __str__(self):
        return f"Suchindex Version {self.version}"

    @classmethod
    def bump(cls):
        """A new stamp, and a new page-cache generation: cached search pages are stale."""
        from kooperationsatlas import caching

        caching.bump()
        stamp = uuid.uuid4().hex
        updated = cls.objects.filter(pk=1).update(
            version=F("version") + 1, stamp=stamp, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.create(pk=1, version=1, stamp=stamp)
        return stamp

    @classmethod
    def current_stamp(cls):
        """The stamp of the row, "" without one. Read before every search, so as one plain
        primary-key query: a queryset would cost several times the read itself."""
        connection = connections[router.db_for_read(cls)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('stamp')} FROM {quote(cls._meta.db_table)} "
                f"WHERE {quote(cls._meta.pk.column)} = %s",
                [1],
            )
            row = cursor.fetchone()
        return (row[0] if row else "") or ""


class SynonymGroup(models.Model):
    """Words and phrases that mean the same for the search, added by editors (the curated
    thesaurus is in search/data/synonyms.txt; see search/thesaurus.py)."""

    terms = models.TextField(
        "Begriffe",
        help_text=(
            "Gleichbedeutende Wörter oder Wortgruppen, durch Kommas getrennt, z. B. "
            "„Schwimmbad, Hallenbad, Bäder“. Abkürzungen in Großbuchstaben (IKZ, AöR) "
            "werden nicht als Tippfehler gedeutet. Die Suche kennt die Gruppe nach dem "
            "Speichern sofort."
        ),
    )
    note = models.CharField("Anmerkung", max_length=200, blank=True)

    class Meta:
        db_table = "atlas_search_synonym_group"
        ordering = ["terms"]
        verbose_name = "Synonymgruppe"
        verbose_name_plural = "Synonymgruppen"

    def __str__(self):
        return self.terms[:80]

    def clean(self):
        from django.core.exceptions import ValidationError

        from .thesaurus import parse_group

        if parse_group(self.terms) is None:
            raise ValidationError(
                {"terms": "Bitte mindestens zwei verschiedene Begriffe, durch Kommas getrennt."}
            )
