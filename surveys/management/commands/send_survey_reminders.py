"""manage.py send_survey_reminders: enqueue the reminders of every campaign that is due."""

from django.core.management.base import BaseCommand

from surveys.tasks import due_campaigns, send_reminders


class Command(BaseCommand):
    help = (
        "Plant die Erinnerungen vor Fristende ein: für jede laufende Erhebung, deren "
        "Erinnerungstag gekommen ist, eine Hintergrundaufgabe, die jede befragte Kommune ohne "
        "abgesendete Antwort einmal per E-Mail erinnert. Täglich ausführen; mehrfach ausführbar."
    )

    def handle(self, *args, **options):
        campaigns = due_campaigns()
        for campaign in campaigns:
            send_reminders.enqueue(campaign.pk)
            self.stdout.write(f"Erinnerungen eingeplant: {campaign.title}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(campaigns)} Erhebung(en) mit fälligen Erinnerungen.")
        )
