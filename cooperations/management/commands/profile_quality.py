"""manage.py profile_quality: what each profile lacks (the admin's "Steckbrief-Qualität")."""

from django.core.management.base import BaseCommand

from cooperations.models import CooperationPage
from cooperations.quality import profile_gaps


class Command(BaseCommand):
    help = "Listet jeden Steckbrief, dem etwas fehlt, mit dem, was fehlt."

    def handle(self, *args, **options):
        report = profile_gaps()
        for item in report:
            self.stdout.write(f"{item.page.title} (/{item.page.slug}/)")
            for gap in item.gaps:
                self.stdout.write(f"  - {gap}")
        self.stdout.write(
            f"{len(report)} von {CooperationPage.objects.count()} Steckbriefen fehlt etwas."
        )
