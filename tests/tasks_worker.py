"""The database task backend end to end, in a process of its own (tests/test_tasks.py).

Run as ``python -m tests.tasks_worker <DATABASE_URL>`` with DJANGO_SETTINGS_MODULE set: on
an empty database (a SQLite file or a PostgreSQL database made for it) it creates the
tables from the models, switches to production's task backend (django-tasks-db) and
really commits: mails queued in a committed and in a rolled-back transaction, a mail the
server refuses, then the worker command ``db_worker --batch`` once. Prints JSON with what
it saw. The pytest database cannot be used: its transaction never commits, and the worker
closes connections between tasks.
"""

import json
import os
import sys


def main(url):
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()

    from django.apps import apps
    from django.core import mail as outbox
    from django.core.mail import EmailMessage
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import override_settings
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from kooperationsatlas import mail
    from kooperationsatlas.models import OutgoingMail

    setup_test_environment()  # the locmem mail backend with its outbox
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)
    call_command("createcachetable", verbosity=0)

    send = EmailMessage.send

    def refusing_send(message, fail_silently=False):
        if "abgelehnt" in message.subject:
            raise ConnectionRefusedError("Mailserver lehnt ab")
        return send(message, fail_silently)

    EmailMessage.send = refusing_send
    seen = {}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with transaction.atomic():
            mail.send("Zugestellt", "Text", ["a@example.org"])
            mail.send("Wird abgelehnt", "Text", ["b@example.org"])
        try:
            with transaction.atomic():
                mail.send("Zurückgerollt", "Text", ["c@example.org"])
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
        seen["queued_tasks"] = DBTaskResult.objects.count()
        seen["sent_before_worker"] = len(outbox.outbox)
        seen["queued_mails_before_worker"] = sorted(
            OutgoingMail.objects.values_list("subject", flat=True)
        )
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
        seen["sent"] = [(m.subject, m.to) for m in outbox.outbox]
        seen["results"] = sorted(
            DBTaskResult.objects.values_list("status", flat=True).order_by("status")
        )
        refused = OutgoingMail.objects.get()
        seen["refused"] = {
            "subject": refused.subject,
            "attempts": refused.attempts,
            "error": refused.last_error,
            "retry_in_future": refused.next_attempt_at > timezone.now(),
        }
        retry = DBTaskResult.objects.filter(status="READY").get()
        seen["retry_deferred_to_next_attempt"] = retry.run_after == refused.next_attempt_at
    print(json.dumps(seen))


if __name__ == "__main__":
    main(*sys.argv[1:])
