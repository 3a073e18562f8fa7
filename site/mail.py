"""The one place the site sends mail from: subjects flattened, failures logged, never raised.

Every mail of the platform (Börse, saved searches, reports, accessibility feedback) goes
through ``send``. Titles typed by users end up in subjects; a line break there would be a
header injection, which Django refuses with ``BadHeaderError``, so subjects are flattened
to one line first. A mail server that is down, slow (``EMAIL_TIMEOUT``) or refuses a
message must never turn the action that sends it (an approval, a publication, a
maintenance run) into an error: ``send`` logs and returns False, and the callers record
what was not delivered so it is retried.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 200


def subject_line(text):
    """``text`` on one line (line breaks and runs of white space become one space),
    at most SUBJECT_MAX_LENGTH characters."""
    flat = " ".join(str(text).split())
    if len(flat) > SUBJECT_MAX_LENGTH:
        flat = flat[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return flat


def send(subject, body, to, *, reply_to=None, headers=None):
    """Send one plain-text mail from DEFAULT_FROM_EMAIL to the addresses ``to``.

    Returns True if the mail server took it, False (logged with the recipients' count, not
    their addresses) if there was no recipient or sending failed for any reason."""
    recipients = [address for address in to if address]
    if not recipients:
        return False
    try:
        EmailMessage(
            subject=subject_line(subject),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
            reply_to=[address for address in reply_to or () if address] or None,
            headers=headers,
        ).send()
    except Exception:  # BadHeaderError, SMTP errors, timeouts, refused connections …
        logger.exception("Mail %r to %d recipient(s) not sent", subject_line(subject), len(to))
        return False
    return True
