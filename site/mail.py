"""The one place the site sends mail from: queued with the action, sent by a background task.

Every mail of the platform (Börse, saved searches, reports, accounts, proposals,
accessibility feedback) goes through ``send``: it stores the mail as an ``OutgoingMail`` in
the current transaction and enqueues ``deliver`` after the commit (a rolled-back action
sends nothing). The task sends with ``EMAIL_TIMEOUT``; a mail server that is down, slow or
refuses the message never turns the action into an error: the mail stays queued with the
error and is tried again with growing pauses, up to ``MAIL_MAX_ATTEMPTS`` times (on a
backend without deferred tasks, the immediate one of ``make run``, by ``manage.py
retry_mail``; ``retry_mail --all`` also sends the given-up ones). Titles typed by users
end up in subjects; a line break there would be a header injection, which Django refuses
with ``BadHeaderError``, so subjects are flattened to one line first.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 200
# Pause before the next attempt after the n-th failure: 1, 5, 25 minutes, … at most 6 hours.
RETRY_BASE_SECONDS = 60
RETRY_FACTOR = 5
RETRY_MAX_SECONDS = 6 * 60 * 60


def subject_line(text):
    """``text`` on one line (line breaks and runs of white space become one space),
    at most SUBJECT_MAX_LENGTH characters."""
    flat = " ".join(str(text).split())
    if len(flat) > SUBJECT_MAX_LENGTH:
        flat = flat[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return flat


def send(subject, body, to, *, reply_to=None, headers=None):
    """Queue one plain-text mail from DEFAULT_FROM_EMAIL to the addresses ``to``; it is sent
    after the current transaction commits.

    Returns True if it was queued, False if there was no recipient."""
    from .models import OutgoingMail

    recipients = [address for address in to if address]
    if not recipients:
        return False
    message = OutgoingMail.objects.create(
        subject=subject_line(subject),
        body=body,
        to=recipients,
        reply_to=[address for address in reply_to or () if address],
        headers=dict(headers or {}),
    )
    transaction.on_commit(lambda: enqueue(message.pk), robust=True)
    return True


def retry_pause(attempts):
    """The pause after the ``attempts``-th failed attempt."""
    seconds = RETRY_BASE_SECONDS * RETRY_FACTOR ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, RETRY_MAX_SECONDS))


def enqueue(mail_id, run_after=None):
    """Enqueue ``deliver`` for one queued mail, deferred to ``run_after`` where the task
    backend supports it. Returns False if it cannot be deferred (retry_mail sends it)."""
    job = deliver
    if run_after is not None:
        if not job.get_backend().supports_defer:
            return False
        job = job.using(run_after=run_after)
    job.enqueue(mail_id)
    return True


def deliver_now(message):
    """One attempt at sending ``message`` (an OutgoingMail); True if the server took it.
    Deleted when sent; after a failure the error and the next attempt are recorded."""
    from .models import OutgoingMail

    # Claim this attempt: of two concurrent tasks for the same mail only one sends it.
    claimed = OutgoingMail.objects.filter(pk=message.pk, attempts=message.attempts).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    attempts = message.attempts + 1
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=message.to,
            reply_to=message.reply_to or None,
            headers=message.headers or None,
        ).send()
    except Exception as error:  # BadHeaderError, SMTP errors, timeouts, refused connections …
        next_attempt = timezone.now() + retry_pause(attempts)
        OutgoingMail.objects.filter(pk=message.pk).update(
            next_attempt_at=next_attempt, last_error=repr(error)[:500]
        )
        if attempts >= settings.MAIL_MAX_ATTEMPTS:
            logger.error(
                "Mail %s %r to %d recipient(s) given up after %d attempts",
                message.pk, message.subject, len(message.to), attempts, exc_info=True,
            )
        else:
            logger.warning(
                "Mail %s %r to %d recipient(s) not sent (attempt %d), retried from %s",
                message.pk, message.subject, len(message.to), attempts, next_attempt,
                exc_info=True,
            )
            enqueue(message.pk, run_after=next_attempt)
        return False
    OutgoingMail.objects.filter(pk=message.pk).delete()
    return True


@task()
def deliver(mail_id):
    """The background task: send the queued mail ``mail_id`` if it is still queued."""
    from .models import OutgoingMail

    message = OutgoingMail.objects.filter(pk=mail_id).first()
    if message is None:  # sent meanwhile
        return False
    return deliver_now(message)


def due(*, everything=False):
    """Queued mails whose next attempt is due and that are not given up; with
    ``everything`` every queued mail (the mail server was repaired)."""
    from django.db.models import Q

    from .models import OutgoingMail

    if everything:
        return OutgoingMail.objects.all()
    return OutgoingMail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()),
        attempts__lt=settings.MAIL_MAX_ATTEMPTS,
    )
