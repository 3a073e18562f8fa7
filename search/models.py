"""Storage of the embedded search engine (see search/engines/embedded.py, docs/search.md).

``IndexedDocument`` holds one search document per profile with its analysed text. The
full-text structures live beside it and are created per database by migration 0002:
SQLite an FTS5 table (+ fts5vocab), PostgreSQL a generated tsvector column with a GIN
index and a vocabulary table with a trigram index. ``IndexVersion`` tells every process
when its in-memory facet index is out of date, ``IndexChange`` which documents changed, so
that it can catch up without reading every document again.
"""

import json
import uuid

from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone


class IndexedDocument(models.Model):
    """A profile as the embedded engine indexed it: ``documents.build_document`` plus
    what searching needs without parsing the whole document."""

    # The index's rows are written many at a time; ``IndexVersion.bump`` starts the new
    # page-cache generation once per change (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    # Not a foreign key: the index must be able to outlive (and then drop) a page.
    page_id = models.IntegerField("Seiten-ID", primary_key=True)
    document = models.JSONField("Suchdokument")
    # Analysed index terms (analysis chain), space-separated: the full-text input.
    title_terms = models.TextField(blank=True)
    extra_terms = models.TextField(blank=True)  # partners, their places, the summary
    body_terms = models.TextField(blank=True)
    # task areas, forms and tags: ranked below the profile's text
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

    ``version`` counts the changes; each one is also written to ``IndexChange``. The
    UPDATE of this row locks it until the writing transaction ends, so the versions of
    concurrent writers are committed in their order: whoever sees version v sees every
    change up to v. ``stamp`` is random: a rolled-back transaction can reuse a version
    number that a process saw inside it (a test transaction, an outer ``atomic``), never
    its stamp.
    """

    # The index's rows are written many at a time; ``IndexVersion.bump`` starts the new
    # page-cache generation once per change (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

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
    def bump(cls, page_ids=None):
        """A new version and stamp, logged with the documents ``page_ids`` that changed
        (None: any document may have changed, as after a rebuild), and a new page-cache
        generation: cached search pages are stale. Returns the stamp."""
        from kooperationsatlas import caching

        caching.bump()
        stamp = uuid.uuid4().hex
        with transaction.atomic(using=router.db_for_write(cls)):
            updated = cls.objects.filter(pk=1).update(
                version=F("version") + 1, stamp=stamp, changed_at=timezone.now()
            )
            if not updated:
                cls.objects.create(pk=1, version=1, stamp=stamp)
            version = cls.objects.filter(pk=1).values_list("version", flat=True).get()
            IndexChange.log(version, stamp, page_ids)
        return stamp

    @classmethod
    def current(cls):
        """(version, stamp) of the row, (0, "") without one. Read before every search, so
        as one plain primary-key query: a queryset would cost several times the read."""
        connection = connections[router.db_for_read(cls)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('version')}, {quote('stamp')} FROM {quote(cls._meta.db_table)} "
                f"WHERE {quote(cls._meta.pk.column)} = %s",
                [1],
            )
            row = cursor.fetchone()
        return (row[0], row[1] or "") if row else (0, "")

    @classmethod
    def current_stamp(cls):
        return cls.current()[1]


class IndexChange(models.Model):
    """The change log of the index: which documents each version changed.

    A process whose facet index is at version v applies the documents of versions v+1 …
    current instead of reading all documents. Only the last ``KEEP`` versions are kept; a
    process further behind (or facing a rebuild in between) reads everything.
    """

    # The index's rows are written many at a time; ``IndexVersion.bump`` starts the new
    # page-cache generation once per change (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    KEEP = 1000  # versions kept in the log
    PRUNE_EVERY = 100  # versions between two prunings

    version = models.PositiveBigIntegerField(primary_key=True)
    stamp = models.CharField(max_length=32)
    # Page ids of the changed documents (indexed or removed); null: everything (rebuild).
    page_ids = models.JSONField(null=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "atlas_search_change"
        verbose_name = "Änderung des Suchindex"
        verbose_name_plural = "Änderungen des Suchindex"

    def __str__(self):
        return f"Suchindex Version {self.version}"

    @classmethod
    def log(cls, version, stamp, page_ids):
        if page_ids is None:
            cls.objects.filter(version__lt=version).delete()  # nobody can use them any more
        elif version % cls.PRUNE_EVERY == 0:
            cls.objects.filter(version__lte=version - cls.KEEP).delete()
        cls.objects.create(
            version=version,
            stamp=stamp,
            page_ids=None if page_ids is None else sorted({int(p) for p in page_ids}),
        )

    @classmethod
    def changed_pages(cls, version, stamp, until):
        """The page ids changed after the index version (version, stamp) up to version
        ``until``, or None when the log cannot tell: (version, stamp) was never committed
        (rolled back), versions are missing (pruned) or one of them was a rebuild."""
        if until <= version:
            return None
        connection = connections[router.db_for_read(cls)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('version')}, {quote('stamp')}, {quote('page_ids')} "
                f"FROM {quote(cls._meta.db_table)} "
                f"WHERE {quote('version')} BETWEEN %s AND %s ORDER BY {quote('version')}",
                [version, until],
            )
            rows = cursor.fetchall()
        if len(rows) != until - version + 1 or rows[0][0] != version or rows[0][1] != stamp:
            return None
        changed = set()
        for _, _, page_ids in rows[1:]:
            if isinstance(page_ids, str):
                page_ids = json.loads(page_ids)
            if page_ids is None:
                return None
            changed.update(page_ids)
        return changed


class PendingIndexUpdate(models.Model):
    """A profile whose entry in an external engine (Elasticsearch) could not be updated.

    Written when a live update fails or is skipped (engine down or hung); while any row of
    an engine exists its index is stale, so searches use the embedded engine, which is
    always current. The next successful update, ``manage.py repair_search_index`` or
    ``rebuild_search_index`` brings the profiles up to date and removes the rows."""

    # The index's rows are written many at a time; ``IndexVersion.bump`` starts the new
    # page-cache generation once per change (kooperationsatlas.caching.is_watched).
    shown_on_public_pages = False

    engine = models.CharField("Suchmaschine", max_length=40)
    # Not a foreign key: a deleted page must still be removed from the index.
    page_id = models.BigIntegerField("Seiten-ID")
    failed_at = models.DateTimeField("letzter Fehlschlag", default=timezone.now)
    error = models.CharField("Fehler", max_length=500, blank=True)

    class Meta:
        db_table = "atlas_search_pending"
        constraints = [
            models.UniqueConstraint(fields=["engine", "page_id"], name="search_pending_unique")
        ]
        verbose_name = "Ausstehende Index-Aktualisierung"
        verbose_name_plural = "Ausstehende Index-Aktualisierungen"

    def __str__(self):
        return f"{self.engine}: Seite {self.page_id}"

    @classmethod
    def record(cls, engine, page_ids, error=""):
        """Mark ``page_ids`` as not updated in ``engine`` (idempotent)."""
        now, error = timezone.now(), str(error)[:500]
        existing = set(
            cls.objects.filter(engine=engine, page_id__in=page_ids).values_list(
                "page_id", flat=True
            )
        )
        cls.objects.filter(engine=engine, page_id__in=existing).update(failed_at=now, error=error)
        cls.objects.bulk_create(
            [
                cls(engine=engine, page_id=page_id, failed_at=now, error=error)
                for page_id in page_ids
                if page_id not in existing
            ],
            ignore_conflicts=True,  # a concurrent failure recorded it meanwhile
        )

    @classmethod
    def is_stale(cls, engine):
        return cls.objects.filter(engine=engine).exists()


class SynonymGroup(models.Model):
    """Words and phrases that mean the same for the search, added by editors (the curated
    thesaurus is in search/data/synonyms.txt; see search/thesaurus.py)."""

    terms = models.TextField(
        "Begriffe",
        help_text=(
            "Gleichbedeutende Wörter oder Wortgruppen, durch Kommas getrennt, z. B. "
            "„Schwimmbad, Hallenbad, Freibad“. Abkürzungen in Großbuchstaben (IKZ, AöR) "
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
