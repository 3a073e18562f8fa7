"""manage.py setup_survey_example: the example Erhebung (a definition, no answers)."""

from django.core.management.base import BaseCommand, CommandError

from register.models import State
from surveys.demo import ensure_example_campaign


class Command(BaseCommand):
    help = (
        "Legt die Beispiel-Erhebung an (nur die Definition, keine Antworten; als Beispiel "
        "gekennzeichnet). Mehrfach ausführbar."
    )

    def handle(self, *args, **options):
        try:
            campaign, created = ensure_example_campaign()
        except State.DoesNotExist as error:
            raise CommandError(
                "Das Land Nordrhein-Westfalen fehlt im Register: zuerst "
                "„manage.py import_register“ ausführen."
            ) from error
        verb = "angelegt" if created else "vorhanden"
        self.stdout.write(self.style.SUCCESS(f"Beispiel-Erhebung {verb}: {campaign.title}"))
