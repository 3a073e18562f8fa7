"""Keeping every search engine in step with the content.

``update_profiles(page_ids)`` re-reads exactly those profiles after the transaction
commits: what is live and public is (re)indexed, everything else is removed from the
index. Every engine in ``engines.index_engines()`` gets the change.

The embedded engine (the site's own database) is updated right after the commit. An
external engine (Elasticsearch) is updated by a background task (``update_external``):
the profiles are first recorded as ``PendingIndexUpdate`` and the task removes the rows
when the engine took the change. While such rows exist the engine's index counts as
stale and searches use the embedded engine, so neither a queued task nor a worker that is
down can make a search show an unpublished or restricted profile. The engine is asked
with a short timeout and no retries (``ELASTICSEARCH_UPDATE_TIMEOUT``); when it fails or
hangs, the failure is logged, the circuit breaker of the search service opens (the next
updates don't wait for it either) and the rows stay. The next successful update retries
the pending profiles (up to ``REPAIR_BATCH`` at a time), a deferred ``repair_task`` tries
again with growing pauses where the task backend can defer, and ``manage.py
repair_search_index`` retries all of them (docs/operations.md).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from cooperations.models import CooperationModel, CooperationPage, LegalForm, Motive, TaskArea

from .documents import build_document, indexable_profiles
from .engines import embedded_engine, engine_named, index_engines
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
# Deferred repairs after a failed update: first after the breaker's pause, then twice as
# long each time, at most this many times (then repair_search_index or the next update).
REPAIR_ATTEMPTS = 6
QUEUED = "ausstehend: Aktualisierung eingereiht"


def sync_profiles(page_ids):
    """(Re)index the indexable ones among ``page_ids``, remove the others: the embedded
    engine now, external engines through a background task."""
    for engine in index_engines():
        if engine is embedded_engine():
            apply(engine, page_ids)  # the site's own database: an error is a real bug
        else:
            PendingIndexUpdate.record(engine.name, page_ids, QUEUED)
            update_external.enqueue(engine.name, page_ids)


@task()
def update_external(engine_name, page_ids):
    """The background task of an external engine's update; True if it took the change."""
    engine = engine_named(engine_name)
    if engine is None:  # no longer configured: repair_search_index drops its rows
        return False
    return sync_external(engine, page_ids)


@task()
def repair_task(engine_name, attempt=1):
    """Retry the pending profiles of an external engine; deferred again if it still fails."""
    engine = engine_named(engine_name)
    if engine is None:
        return 0
    try:
        return repair(engine, batch=REPAIR_BATCH)
    except Exception:
        logger.warning("Deferred repair of %s failed (attempt %d)", engine_name, attempt)
        schedule_repair(engine_name, attempt + 1)
        return 0


def schedule_repair(engine_name, attempt=1):
    """Defer ``repair_task`` (where the backend can defer), at most REPAIR_ATTEMPTS times."""
    if attempt > REPAIR_ATTEMPTS or not repair_task.get_backend().supports_defer:
        return False
    pause = settings.ELASTICSEARCH_BREAKER_SECONDS * 2 ** (attempt - 1)
    run_after = timezone.now() + timedelta(seconds=pause)
    repair_task.using(run_after=run_after).enqueue(engine_name, attempt)
    return True


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
        schedule_repair(engine.name)
        return False
    resolved(engine, page_ids, started)
    if pending:
        repair(engine, pending)
    return True


def repair(engine, page_ids=None, *, batch=None):
    """Bring the pending profiles of ``engine`` (or ``page_ids`` of them; at most ``batch``,
    the oldest first) up to date. Returns how many were repaired; raises if the engine
    still fails."""
    if page_ids is None:
        pending = PendingIndexUpdate.objects.filter(engine=engine.name).order_by(
            "failed_at", "page_id"
        )
        page_ids = list(pending.values_list("page_id", flat=True)[:batch])
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
