"""Keeping every search engine in step with the content.

``update_profiles(page_ids)`` re-reads exactly those profiles after the transaction
commits: what is live and public is (re)indexed, everything else is removed from the
index. Every engine in ``engines.index_engines()`` gets the change.

Publishing never depends on a search server: an external engine (Elasticsearch) is asked
with a short timeout and no retries (``ELASTICSEARCH_UPDATE_TIMEOUT``); when it fails or
hangs, the failure is logged, the circuit breaker of the search service opens (the next
publishes don't wait for it either) and the profiles are recorded as
``PendingIndexUpdate``. While such rows exist the engine's index counts as stale and
searches use the embedded engine. The next successful update retries the pending profiles
(up to ``REPAIR_BATCH`` at a time); ``manage.py repair_search_index`` retries all of them
(docs/operations.md).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cooperations.models import CooperationModel, CooperationPage, LegalForm, Motive, TaskArea

from .documents import build_document, indexable_profiles
from .engines import embedded_engine, index_engines
from .models import PendingIndexUpdate

logger = logging.getLogger(__name__)

# How a profile refers to each taxonomy.
TERM_LOOKUPS = {
    TaskArea: "task_areas__in",
    LegalForm: "legal_form__in",
    CooperationModel: "cooperation_model__in",
    Motive: "motives__in",
}


def update_profiles(page_ids):
    """Bring the index entries of ``page_ids`` up to date once the transaction commits."""
    page_ids = sorted({int(page_id) for page_id in page_ids if page_id is not None})
    if page_ids:
        transaction.on_commit(lambda: sync_profiles(page_ids))


# Pending profiles retried along with a successful live update.
REPAIR_BATCH = 200


def sync_profiles(page_ids):
    """(Re)index the indexable ones among ``page_ids``, remove the others. Now."""
    for engine in index_engines():
        if engine is embedded_engine():
            apply(engine, page_ids)  # the site's own database: an error is a real bug
        else:
            sync_external(engine, page_ids)


def apply(engine, page_ids):
    """Index the indexable profiles among ``page_ids`` in ``engine``, remove the others."""
    pages = indexable_profiles().filter(pk__in=page_ids)
    documents = [build_document(page) for page in pages]
    gone = sorted(set(page_ids) - {document["id"] for document in documents})
    if documents:
        engine.index_documents(documents)
    if gone:
        engine.delete_documents(gone)


def sync_external(engine, page_ids, *, batch=REPAIR_BATCH):
    """``apply`` for an engine that may be down; True if it took the change. A failure is
    logged and recorded, never raised. After a success, pending profiles are retried."""
    from .service import breaker

    if breaker.is_open(engine.name):
        PendingIndexUpdate.record(engine.name, page_ids, "übersprungen: Suchmaschine gestört")
        logger.warning(
            "Search engine %s is skipped after a recent failure; profiles %s recorded as pending",
            engine.name,
            page_ids,
        )
        return False
    pending = list(
        PendingIndexUpdate.objects.filter(engine=engine.name)
        .exclude(page_id__in=page_ids)
        .order_by("failed_at", "page_id")
        .values_list("page_id", flat=True)[:batch]
    )
    started = timezone.now()
    try:
        apply(engine, page_ids)
    except Exception as error:
        PendingIndexUpdate.record(engine.name, page_ids, repr(error))
        breaker.trip(engine.name, settings.ELASTICSEARCH_BREAKER_SECONDS)
        logger.exception(
            "Search engine %s could not update profiles %s; recorded as pending "
            "(manage.py repair_search_index or rebuild_search_index when it is back)",
            engine.name,
            page_ids,
        )
        return False
    resolved(engine, page_ids, started)
    if pending:
        repair(engine, pending)
    return True


def repair(engine, page_ids=None):
    """Bring the pending profiles of ``engine`` (or ``page_ids`` of them) up to date.
    Returns how many were repaired; raises if the engine still fails."""
    if page_ids is None:
        page_ids = list(
            PendingIndexUpdate.objects.filter(engine=engine.name).values_list("page_id", flat=True)
        )
    if not page_ids:
        return 0
    started = timezone.now()
    try:
        apply(engine, page_ids)
    except Exception as error:
        PendingIndexUpdate.record(engine.name, page_ids, repr(error))
        raise
    resolved(engine, page_ids, started)
    return len(page_ids)


def resolved(engine, page_ids=None, since=None):
    """Forget the pending rows ``engine`` has now caught up with (all, or ``page_ids``);
    a row recorded after ``since`` (a failure meanwhile) stays."""
    rows = PendingIndexUpdate.objects.filter(engine=engine.name)
    if page_ids is not None:
        rows = rows.filter(page_id__in=page_ids)
    if since is not None:
        rows = rows.filter(failed_at__lte=since)
    rows.delete()


def profiles_below(page, *, inclusive=True):
    """Ids of the profiles at or below ``page`` (a move or slug change changes their URLs)."""
    return list(
        CooperationPage.objects.descendant_of(page, inclusive=inclusive).values_list(
            "pk", flat=True
        )
    )


def profiles_using_term(term):
    """Ids of the live profiles that use a taxonomy term or any term below it (their
    documents store the term's slug and its ancestors)."""
    terms = term.descendants_and_self() if hasattr(term, "descendants_and_self") else [term]
    lookup = TERM_LOOKUPS[type(term)]
    pages = CooperationPage.objects.filter(live=True, **{lookup: terms})
    return sorted(set(pages.values_list("pk", flat=True)))


def profiles_with_tag(tag):
    return sorted(
        set(CooperationPage.objects.filter(live=True, tags=tag).values_list("pk", flat=True))
    )
