"""Keeping every search engine in step with the content.

``update_profiles(page_ids)`` re-reads exactly those profiles after the transaction
commits: what is live and public is (re)indexed, everything else is removed from the
index. Every engine in ``engines.index_engines()`` gets the change; Elasticsearch failures
are logged, never raised, so publishing does not depend on a search server (its index is
repaired by ``manage.py rebuild_search_index``).
"""

import logging

from django.db import transaction

from cooperations.models import CooperationModel, CooperationPage, LegalForm, Motive, TaskArea

from .documents import build_document, indexable_profiles
from .engines import embedded_engine, index_engines

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


def sync_profiles(page_ids):
    """(Re)index the indexable ones among ``page_ids``, remove the others. Now."""
    pages = indexable_profiles().filter(pk__in=page_ids)
    documents = [build_document(page) for page in pages]
    gone = sorted(set(page_ids) - {document["id"] for document in documents})
    for engine in index_engines():
        try:
            if documents:
                engine.index_documents(documents)
            if gone:
                engine.delete_documents(gone)
        except Exception:
            if engine is embedded_engine():
                raise  # the site's own database: a real bug, not an outage
            logger.exception(
                "Search engine %s could not update profiles %s; "
                "run manage.py rebuild_search_index when it is back",
                engine.name,
                page_ids,
            )


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
