"""Daily Börse maintenance: remind owners before expiry (once) and report expired entries.

Safe to run repeatedly (e.g. from cron): an entry's reminder is sent only once per expiry
date (renewing resets it). Mails are queued and retried by the background task
(``kooperationsatlas.mail``), not here.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from boerse.models import BoerseEntry, EntryStatus
from boerse.services import reminder_days, send_mail_to, site_url


class Command(BaseCommand):
    help = "Erinnert vor dem Ablauf von Börsen-Einträgen und meldet abgelaufene Einträge."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Tage vor dem Ablauf (Standard: Einstellung BOERSE_REMINDER_DAYS, 14).",
        )

    def handle(self, *args, days=None, **options):
        days = reminder_days() if days is None else days
        if days < 0:
            raise CommandError("--days darf nicht negativ sein.")
        reminded = self.remind(days)
        expired = BoerseEntry.objects.expired().order_by("expires_on")
        self.stdout.write(f"Erinnerungen versendet: {reminded}")
        self.stdout.write(f"Abgelaufene Einträge (nicht mehr öffentlich): {expired.count()}")
        for entry in expired:
            self.stdout.write(f"  #{entry.pk} {entry.title} (abgelaufen am {entry.expires_on})")

    def remind(self, days):
        today = timezone.localdate()
        due = BoerseEntry.objects.filter(
            status=EntryStatus.APPROVED,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
            reminder_sent_at__isnull=True,
        ).select_related("created_by")
        reminded = 0
        for entry in due:
            # Claim the entry first, so two overlapping runs never both send.
            claimed = BoerseEntry.objects.filter(pk=entry.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            sent = send_mail_to(
                entry.created_by,
                f"Ihr Börsen-Eintrag läuft am {entry.expires_on:%d.%m.%Y} ab: {entry.title}",
                "boerse/email/reminder.txt",
                {"entry": entry, "url": site_url(reverse("boerse:renew", args=[entry.pk]))},
            )
            if sent:
                reminded += 1
            else:  # no address: try again on the next run
                BoerseEntry.objects.filter(pk=entry.pk).update(reminder_sent_at=None)
        return reminded
