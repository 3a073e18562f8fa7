"""Emails to the owners of saved searches when a matching object is published.

A profile's first publication or a Börse entry's approval enqueues a background task after
the commit (see ``register``) that matches the object against the saved searches. Each
(saved search, object) pair is recorded in AlertDelivery together with its queued mail in
one transaction, so nobody is told twice and no alert is dropped: a mail the server does
not take stays queued and is retried (``kooperationsatlas.mail``). Nothing here may break
publishing: every error is logged and swallowed.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tasks import task

from kooperationsatlas import links, mail

from .matching import KIND_FLAGS, entry_candidate, match, profile_candidate
from .models import AlertDelivery, SavedSearch

logger = logging.getLogger(__name__)

TOKEN_SALT = "alerts.unsubscribe"


# --- unsubscribe tokens ------------------------------------------------------------------


def unsubscribe_token(saved_search):
    """A signed, URL-safe token naming the saved search and its owner."""
    return signing.dumps([saved_search.pk, saved_search.user_id], salt=TOKEN_SALT)


def saved_search_from_token(token):
    """The saved search a token names, or None for a forged, broken or stale token."""
    try:
        pk, user_id = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(user_id, int):
        return None
    return SavedSearch.objects.filter(pk=pk, user_id=user_id).first()


# --- links -------------------------------------------------------------------------------


def absolute_url(path):
    """``path`` on the public host (kooperationsatlas.links)."""
    return links.absolute_url(path)


def _entry_url(entry):
    try:
        return absolute_url(entry.get_absolute_url())
    except NoReverseMatch:  # the Börse pages are not wired up
        return absolute_url("/")


# --- signal receivers --------------------------------------------------------------------


def page_published_receiver(sender, instance, **kwargs):
    from cooperations.models import CooperationPage

    if not isinstance(instance, CooperationPage) or not instance.live:
        return
    # Only the first publication: later publications keep first_published_at.
    if instance.first_published_at is None or (
        instance.first_published_at != instance.last_published_at
    ):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: notify_profile_task.enqueue(page_id), robust=True)


def entry_approved_receiver(sender, entry, **kwargs):
    entry_id = entry.pk
    transaction.on_commit(lambda: notify_entry_task.enqueue(entry_id), robust=True)


def register():
    """Connect the receivers (AlertsConfig.ready)."""
    from wagtail.signals import page_published

    from boerse.signals import entry_approved

    page_published.connect(page_published_receiver, dispatch_uid="alerts_page_published")
    entry_approved.connect(entry_approved_receiver, dispatch_uid="alerts_entry_approved")


# --- notifying ---------------------------------------------------------------------------


def notify_profile(page_id):
    """Alert the saved searches matching a live, public profile. Returns emails sent."""
    from search.documents import indexable_profiles

    try:
        page = indexable_profiles().select_related("owner").filter(pk=page_id).first()
        if page is None:  # unpublished again, private or deleted meanwhile
            return 0
        return _deliver(page, profile_candidate(page), absolute_url(page.get_url() or "/"))
    except Exception:
        logger.exception("Alerts for profile %s failed", page_id)
        return 0


def notify_entry(entry_id):
    """Alert the saved searches matching an approved, current Börse entry."""
    from boerse.models import BoerseEntry

    try:
        entry = (
            BoerseEntry.objects.select_related("municipality__county", "county")
            .filter(pk=entry_id)
            .first()
        )
        if entry is None or not entry.is_public:
            return 0
        return _deliver(entry, entry_candidate(entry), _entry_url(entry))
    except Exception:
        logger.exception("Alerts for Börse entry %s failed", entry_id)
        return 0


@task()
def notify_profile_task(page_id):
    return notify_profile(page_id)


@task()
def notify_entry_task(entry_id):
    return notify_entry(entry_id)


def candidate_searches(candidate, content_type, object_id):
    """Active saved searches that may match: prefiltered in SQL, decided by ``match``."""
    areas = SavedSearch.task_areas.through.objects.filter(savedsearch_id=OuterRef("pk"))
    counties = SavedSearch.counties.through.objects.filter(savedsearch_id=OuterRef("pk"))
    delivered = AlertDelivery.objects.filter(
        saved_search_id=OuterRef("pk"), content_type=content_type, object_id=object_id
    )
    searches = (
        SavedSearch.objects.filter(
            active=True, user__is_active=True, **{KIND_FLAGS[candidate.kind]: True}
        )
        .exclude(user__email="")
        .filter(~Exists(areas) | Exists(areas.filter(taskarea__slug__in=candidate.task_areas)))
        # A radius is checked in Python; Kreise can be checked here.
        .filter(
            Q(near_municipality__isnull=False)
            | ~Exists(counties)
            | Exists(counties.filter(county__key__in=candidate.counties))
        )
        .filter(~Exists(delivered))
        .select_related("user", "near_municipality")
        .prefetch_related("task_areas", "counties")
        .order_by("pk")
    )
    if candidate.creator_id:
        searches = searches.exclude(user_id=candidate.creator_id)
    return searches


def _deliver(obj, candidate, url):
    content_type = ContentType.objects.get_for_model(obj)
    sent = 0
    for saved_search in candidate_searches(candidate, content_type, obj.pk):
        reasons = match(saved_search, candidate)
        if reasons and _send(saved_search, content_type, obj.pk, candidate, reasons, url):
            sent += 1
    return sent


def _send(saved_search, content_type, object_id, candidate, reasons, url):
    """Record the delivery and queue its mail in one transaction; False if it was
    delivered before (or by a concurrent run) or the mail could not be queued."""
    try:
        with transaction.atomic():
            delivery, created = AlertDelivery.objects.get_or_create(
                saved_search=saved_search, content_type=content_type, object_id=object_id
            )
            if not created:
                return False
            if not _mail(saved_search, candidate, reasons, url):
                logger.error("Alert email for saved search %s not queued", saved_search.pk)
                delivery.delete()
                return False
    except IntegrityError:  # a concurrent run got there first
        return False
    SavedSearch.objects.filter(pk=saved_search.pk).update(last_notified_at=timezone.now())
    return True


def _mail(saved_search, candidate, reasons, url):
    user = saved_search.user
    unsubscribe_url = absolute_url(
        reverse("alerts:unsubscribe", args=[unsubscribe_token(saved_search)])
    )
    context = {
        "name": user.get_full_name() or user.get_username(),
        "saved_search": saved_search,
        "kind": candidate.kind_label,
        "title": candidate.title,
        "url": url,
        "reasons": reasons,
        "manage_url": absolute_url(reverse("alerts:list")),
        "unsubscribe_url": unsubscribe_url,
    }
    subject = f"Neu im Kooperationsatlas: {candidate.kind_label} „{candidate.title}“"
    return mail.send(
        subject,
        render_to_string("alerts/email/alert.txt", context),
        [user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )
