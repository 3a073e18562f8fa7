"""Send the queued mails whose next attempt is due, now, in this process.

The background task retries a failed mail by itself where the task backend can defer
(production's database backend); this command is for the immediate backend (``make run``)
and, with ``--all``, for every queued mail at once, also those given up after
MAIL_MAX_ATTEMPTS attempts, e.g. after the mail server was repaired. Safe to run
repeatedly (e.g. from cron).
"""

from django.core.management.base import BaseCommand

from kooperationsatlas import mail


class Command(BaseCommand):
    help = "Versendet wartende E-Mails, deren nächster Versuch fällig ist."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Alle wartenden E-Mails sofort, auch nach MAIL_MAX_ATTEMPTS Versuchen "
            "aufgegebene (z. B. nachdem der Mailserver repariert wurde).",
        )

    def handle(self, *args, all=False, **options):
        sent = failed = 0
        for message in mail.due(everything=all):
            if mail.deliver_now(message):
                sent += 1
            else:
                failed += 1
        self.stdout.write(f"E-Mails versendet: {sent}, fehlgeschlagen: {failed}")
        if failed:
            self.stdout.write("Die fehlgeschlagenen bleiben in der Warteschlange (Fehler im Log).")
