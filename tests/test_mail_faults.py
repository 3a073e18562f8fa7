"""Faults: a line break in a Börse title, a mail server that hangs (issue 17).

Every mail goes through kooperationsatlas.mail: subjects are flattened to one line, the
mail is sent by a background task after the commit, and a failure is logged and kept
queued for a retry, never raised into the approval, the interest message or the
maintenance command."""

import time
from io import StringIO

import pytest
from django.core import mail as outbox
from django.core.management import call_command

from boerse.models import EntryKind, EntryStatus, InterestMessage
from kooperationsatlas import mail
from kooperationsatlas.models import OutgoingMail
from tests.hung_peer import hung_peer
from tests.mails import committed
from tests.test_boerse import approve_via_queue, login, make_entry, make_user

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE = "05974016", "05974004"
INJECTED = "Beihilfe\r\nBcc: opfer@example.org\nSubject: gefälscht"


@pytest.fixture
def erwitte():
    return make_user("erwitte", ags=ERWITTE)


@pytest.fixture
def anroechte():
    return make_user("anroechte", ags=ANROECHTE)


@pytest.fixture
def moderator():
    from django.contrib.auth.models import Group

    user = make_user("moderatorin")
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


def test_subjects_are_flattened_to_one_line():
    assert mail.subject_line(INJECTED) == "Beihilfe Bcc: opfer@example.org Subject: gefälscht"
    assert mail.subject_line("  a \t b\u2028c ") == "a b c"
    long = mail.subject_line("x" * 500)
    assert len(long) == mail.SUBJECT_MAX_LENGTH and long.endswith("…")


def test_a_line_break_in_a_title_breaks_no_approval_interest_or_maintenance(
    erwitte, anroechte, moderator
):
    offer = make_entry(anroechte, status=EntryStatus.SUBMITTED, title=INJECTED, days=5)
    make_entry(erwitte, kind=EntryKind.REQUEST, title=f"Gesucht: {INJECTED}")
    response = approve_via_queue(moderator, offer)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == EntryStatus.APPROVED
    # the match notices went out to both owners, with a one-line subject
    assert {tuple(m.to) for m in outbox.outbox} == {(anroechte.email,), (erwitte.email,)}

    with committed():
        response = login(erwitte).post(f"/boerse/{offer.pk}/interesse/", {"message": "Hallo"})
    assert response.status_code == 302
    assert InterestMessage.objects.get().delivered_at is not None

    out = StringIO()
    with committed():
        call_command("boerse_maintenance", stdout=out)  # the reminder for the title: no error
    assert "Erinnerungen versendet: 1" in out.getvalue()
    for message in outbox.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        headers = message.message()
        assert headers["Bcc"] is None
        assert "opfer@example.org" not in headers.get_all("To", [])
    assert len(outbox.outbox) == 4  # two match notices, the interest, the reminder
    assert not OutgoingMail.objects.exists()


def test_a_hung_mail_server_costs_at_most_the_timeout(erwitte, anroechte, settings):
    entry = make_entry(anroechte)
    with hung_peer() as (host, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
        settings.EMAIL_TIMEOUT = 0.5
        started = time.monotonic()
        with committed():  # the immediate task backend sends in this process
            response = login(erwitte).post(
                f"/boerse/{entry.pk}/interesse/", {"message": "Hallo"}, follow=True
            )
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "an die Kommune weitergeleitet" in response.content.decode()
    queued = OutgoingMail.objects.get()  # kept for the next attempt
    assert queued.attempts == 1 and "timed out" in queued.last_error.lower()
    assert elapsed < 30  # bounded by the timeouts; without them it would hang for good


def test_the_default_mail_timeout_is_set():
    from django.conf import settings

    assert 0 < settings.EMAIL_TIMEOUT <= 30
