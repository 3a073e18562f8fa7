"""Background work: mails queued with the action, sent by a task after the commit, retried
(kooperationsatlas.mail, manage.py retry_mail), and the database backend's worker."""

import json
import os
import smtplib
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail as outbox
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kooperationsatlas import mail
from kooperationsatlas.models import OutgoingMail
from tests.mails import committed

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing_server(monkeypatch):
    """A mail server that refuses every message until ``monkeypatch.undo()``."""

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Verbindung verloren")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)


def test_the_immediate_backend_delivers_after_the_commit():
    with committed():
        assert mail.send("Betreff\nmit Umbruch", "Text", ["a@example.org", ""]) is True
        # Queued in the transaction; nothing is sent before the commit.
        queued = OutgoingMail.objects.get()
        assert queued.subject == "Betreff mit Umbruch" and queued.to == ["a@example.org"]
        assert outbox.outbox == []
    (message,) = outbox.outbox
    assert message.subject == "Betreff mit Umbruch" and message.to == ["a@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert not OutgoingMail.objects.exists()


def test_a_rolled_back_action_sends_nothing():
    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        mail.send("Zurückgerollt", "Text", ["a@example.org"])
        raise RuntimeError("Aktion gescheitert")
    assert callbacks == []
    assert outbox.outbox == [] and not OutgoingMail.objects.exists()


def test_no_recipient_queues_nothing():
    with committed() as callbacks:
        assert mail.send("Betreff", "Text", ["", None]) is False
    assert callbacks == [] and not OutgoingMail.objects.exists()


def test_a_refused_mail_is_kept_with_growing_pauses_then_given_up(refusing_server, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    with committed():
        mail.send("Wichtig", "Text", ["a@example.org"])
    queued = OutgoingMail.objects.get()
    assert queued.attempts == 1 and "Verbindung verloren" in queued.last_error
    first_pause = queued.next_attempt_at - timezone.now()
    assert mail.retry_pause(1).total_seconds() - 5 < first_pause.total_seconds()
    assert list(mail.due()) == []  # not before the pause

    pauses = []
    for attempt in (2, 3):
        OutgoingMail.objects.update(next_attempt_at=timezone.now())  # the pause has passed
        call_command("retry_mail", stdout=StringIO())
        queued.refresh_from_db()
        assert queued.attempts == attempt
        pauses.append(mail.retry_pause(attempt))
    assert mail.retry_pause(1) < pauses[0] < pauses[1] <= mail.retry_pause(99)
    # Given up after MAIL_MAX_ATTEMPTS: retry_mail leaves it unless asked.
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    assert list(mail.due()) == []
    assert list(mail.due(everything=True)) == [queued]
    assert outbox.outbox == []


def test_a_given_up_mail_is_sent_when_asked(refusing_server, monkeypatch, settings):
    settings.MAIL_MAX_ATTEMPTS = 1
    with committed():
        mail.send("Wichtig", "Text", ["a@example.org"])
    monkeypatch.undo()
    out = StringIO()
    call_command("retry_mail", stdout=out)
    assert "versendet: 0" in out.getvalue() and outbox.outbox == []
    call_command("retry_mail", "--all", stdout=out)
    assert [m.subject for m in outbox.outbox] == ["Wichtig"]
    assert not OutgoingMail.objects.exists()


def test_two_deliveries_of_one_mail_send_it_once():
    with committed():
        mail.send("Einmal", "Text", ["a@example.org"])
        stale = OutgoingMail.objects.get()
    # A second task for the same mail (a retry racing the first) finds it gone or claimed.
    assert mail.deliver.call(stale.pk) is False
    assert mail.deliver_now(stale) is False
    assert len(outbox.outbox) == 1


def postgres_database(url):
    """A fresh PostgreSQL database beside the test database, dropped afterwards."""
    import psycopg
    from django.db import connection

    name = f"{connection.settings_dict['NAME']}_worker_{uuid.uuid4().hex[:8]}"
    params = {
        key: value
        for key, value in {
            "host": connection.settings_dict["HOST"],
            "port": connection.settings_dict["PORT"],
            "user": connection.settings_dict["USER"],
            "password": connection.settings_dict["PASSWORD"],
        }.items()
        if value
    }
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
    admin.execute(f'CREATE DATABASE "{name}"')
    return admin, name, url.rsplit("/", 1)[0] + "/" + name


def run_worker_scenario(url, module="tests.tasks_worker"):
    """``python -m module url`` with the test settings; its last line of output as JSON."""
    process = subprocess.run(
        [sys.executable, "-m", module, url],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kooperationsatlas.settings.test"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_the_database_backend_worker_sends_and_defers_retries(tmp_path):
    """Production's backend on the database the suite runs on (SQLite or PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        admin, name, url = postgres_database(os.environ["DATABASE_URL"])
    else:
        admin, url = None, f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    try:
        seen = run_worker_scenario(url)
    finally:
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    # Two tasks for the committed mails, none for the rolled-back one; nothing sent yet.
    assert seen["queued_tasks"] == 2
    assert seen["sent_before_worker"] == 0
    assert seen["queued_mails_before_worker"] == ["Wird abgelehnt", "Zugestellt"]
    # The worker ran both: one mail went out, the refused one waits with a deferred retry.
    assert seen["sent"] == [["Zugestellt", ["a@example.org"]]]
    assert seen["results"] == ["READY", "SUCCESSFUL", "SUCCESSFUL"]
    assert seen["refused"]["subject"] == "Wird abgelehnt"
    assert seen["refused"]["attempts"] == 1
    assert "Mailserver lehnt ab" in seen["refused"]["error"]
    assert seen["refused"]["retry_in_future"] is True
    assert seen["retry_deferred_to_next_attempt"] is True
