"""Börse rules: who may do what, moderation, offer/request matching and the mails."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from cooperations.taxonomy import TaskArea
from kooperationsatlas import links, mail
from register.constants import MAX_RADIUS_KM  # noqa: F401  (the form's limit)
from register.geo import county_centre, distance_km

from .models import BoerseEntry, EntryKind, EntryMatch, EntryStatus
from .signals import entry_approved

logger = logging.getLogger(__name__)

MODERATE_PERMISSION = "boerse.moderate_boerseentry"
MAX_VALIDITY_DAYS = 365  # an entry runs for at most twelve months from today
RENEW_WINDOW_DAYS = 30  # renewal opens this many days before expiry


def reminder_days():
    return int(getattr(settings, "BOERSE_REMINDER_DAYS", 14))


def site_url(path):
    return links.absolute_url(path)


# --- accounts and permissions ---------------------------------------------------------


def account_of(user):
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.municipal_account
    except ObjectDoesNotExist:
        return None


def can_post(user):
    account = account_of(user)
    return account is not None and account.verified and user.is_active


def is_moderator(user):
    return bool(user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION))


def body_filter(account):
    """Q for the entries posted for the account's body."""
    return account.body_filter()


def acts_for_entry(user, entry):
    account = account_of(user)
    return account is not None and account.same_body(entry)


def can_view(user, entry):
    return entry.is_public or acts_for_entry(user, entry) or is_moderator(user)


def can_renew(entry, today=None):
    today = today or timezone.localdate()
    return entry.status == EntryStatus.APPROVED and entry.expires_on <= today + timedelta(
        days=max(RENEW_WINDOW_DAYS, reminder_days())
    )


# --- mail ------------------------------------------------------------------------------


def send_mail_to(user, subject, template, context):
    """Plain-text mail from the platform; no Reply-To, so no address is passed on.

    Returns False if the user has no address; otherwise the mail is queued and sent (and
    retried) by a background task (``kooperationsatlas.mail``).
    """
    if not user.email:
        return False
    body = render_to_string(template, {**context, "recipient": user})
    return mail.send(subject, body, [user.email])


def display_name(user):
    return user.get_full_name() or user.get_username()


def deliver_interest(interest):
    """Mail an interest message to the poster; records delivered_at once it is queued."""
    entry, sender = interest.entry, interest.sender
    sent = send_mail_to(
        entry.created_by,
        f"Interesse an Ihrem Börsen-Eintrag: {entry.title}",
        "boerse/email/interest.txt",
        {
            "entry": entry,
            "interest": interest,
            "sender_name": display_name(sender),
            "sender_account": account_of(sender),
            "url": site_url(entry.get_absolute_url()),
        },
    )
    if sent:
        interest.delivered_at = timezone.now()
        type(interest).objects.filter(pk=interest.pk).update(delivered_at=interest.delivered_at)
    return sent


# --- moderation ------------------------------------------------------------------------


def approve(entry, moderator, note=""):
    """Approve a submitted entry; sends entry_approved once. False if it was not submitted."""
    now = timezone.now()
    updated = BoerseEntry.objects.filter(pk=entry.pk, status=EntryStatus.SUBMITTED).update(
        status=EntryStatus.APPROVED,
        moderated_by=moderator,
        moderated_at=now,
        moderation_note=note,
        reminder_sent_at=None,
        updated_at=now,
    )
    if not updated:
        return False
    BoerseEntry.objects.filter(pk=entry.pk, published_at__isnull=True).update(published_at=now)
    entry.refresh_from_db()
    entry_approved.send(sender=BoerseEntry, entry=entry)
    return True


def reject(entry, moderator, note):
    now = timezone.now()
    updated = BoerseEntry.objects.filter(pk=entry.pk, status=EntryStatus.SUBMITTED).update(
        status=EntryStatus.REJECTED,
        moderated_by=moderator,
        moderated_at=now,
        moderation_note=note,
        updated_at=now,
    )
    if not updated:
        return False
    entry.refresh_from_db()
    send_mail_to(
        entry.created_by,
        f"Ihr Börsen-Eintrag wurde nicht freigegeben: {entry.title}",
        "boerse/email/rejected.txt",
        {"entry": entry, "note": note, "url": site_url(entry.get_absolute_url())},
    )
    return True


# --- matching --------------------------------------------------------------------------


def poster_position(entry):
    """Centre of the posting municipality, or the mean centre of the Kreis's municipalities."""
    if entry.municipality_id:
        m = entry.municipality
        if m.latitude is None or m.longitude is None:
            return None
        return m.latitude, m.longitude
    return county_centre(entry.county_id)


def region_county_ids(entry):
    """The Kreise of the region, plus the poster's own Kreis."""
    ids = set(entry.region_counties.values_list("pk", flat=True))
    ids.add(entry.municipality.county_id if entry.municipality_id else entry.county_id)
    return ids


def related_task_area_ids(entry):
    """The entry's task areas with their ancestors and descendants."""
    ids = set()
    for area in entry.task_areas.all():
        ids.update(term.pk for term in area.ancestors_and_self())
        ids.update(term.pk for term in area.descendants_and_self())
    return ids


def regions_overlap(a, b):
    if region_county_ids(a) & region_county_ids(b):
        return True
    radii = [(a, a.region_radius_km), (b, b.region_radius_km)]
    if not any(radius for _, radius in radii):
        return False
    pos_a, pos_b = poster_position(a), poster_position(b)
    if pos_a is None or pos_b is None:
        return False
    distance = distance_km(*pos_a, *pos_b)
    # Each poster that states a radius must have the other one inside it.
    return all(distance <= radius for _, radius in radii if radius)


def find_matches(entry):
    """Public entries of the opposite kind that fit this one."""
    areas = related_task_area_ids(entry)
    if not areas:
        return []
    opposite = EntryKind.REQUEST if entry.kind == EntryKind.OFFER else EntryKind.OFFER
    candidates = (
        BoerseEntry.objects.public()
        .filter(kind=opposite, task_areas__in=TaskArea.objects.filter(pk__in=areas))
        .exclude(pk=entry.pk)
        .select_related("municipality", "county", "created_by")
        .distinct()
    )
    return [c for c in candidates if not entry.same_body(c) and regions_overlap(entry, c)]


def notify_match(match):
    """Tell both owners about a match once (the queued mails are retried if the server
    fails)."""
    offer, request = match.offer, match.request
    sent = [
        send_mail_to(
            own.created_by,
            f"Passender Börsen-Eintrag: {theirs.title}",
            "boerse/email/match.txt",
            {"own": own, "other": theirs, "url": site_url(theirs.get_absolute_url())},
        )
        for own, theirs in ((offer, request), (request, offer))
    ]
    if all(sent):
        EntryMatch.objects.filter(pk=match.pk).update(notified_at=timezone.now())
    return all(sent)


def match_entry(entry):
    """Record the matches of a newly approved entry and tell both owners once."""
    created = []
    for other in find_matches(entry):
        offer, request = (entry, other) if entry.kind == EntryKind.OFFER else (other, entry)
        match, _ = EntryMatch.objects.get_or_create(offer=offer, request=request)
        if match.notified_at is None:
            notify_match(match)
            created.append(match)
    return created
