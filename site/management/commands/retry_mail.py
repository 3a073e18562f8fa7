"""Send the queued mails whose next attempt is due, now, in this process.

The background task retries a failed mail by itself where the task backend can defer
(production's database backend); this command is for the immediate backend (``make run``)
and for mails given up after MAIL_MAX_ATTEMPTS attempts (``--given-up``), e.g. after the
mail server was repaired. Safe to run repeatedly (e.g. from cron).
"""

from django.core.management.base import BaseCommand

from kooperationsatlas import mail


class Command(BaseCommand):
    help = "Versendet wartende E-Mails, deren nächster Versuch fällig ist."

    def add_arguments(self, parser):
        parser.add_argument(
            "--given-up",
            action="store_true",
            help="Auch E-Mails, die nach MAIL_MAX_ATTEMPTS Versuchen aufgegeben wurden.",
        )

    def handle(self, *args, given_up=False, **options):
        sent = failed = 0
        for message in mail.due(include_given_up=given_up):
            if mail.deliver_now(message):
                sent += 1
            else:
                failed += 1
        self.stdout.write(f"E-Mails versendet: {sent}, fehlgeschlagen: {failed}")
        if failed:
            self.stdout.write("Die fehlgeschlagenen bleiben in der Warteschlange (Fehler im Log).")
