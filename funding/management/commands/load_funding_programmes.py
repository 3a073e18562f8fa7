from django.core.management.base import BaseCommand

from funding.seed import load_funding_programmes


class Command(BaseCommand):
    help = (
        "Legt die Übersicht der Förderprogramme und die geprüften Programme an "
        "(nur was fehlt; bestehende Seiten bleiben unverändert)."
    )

    def handle(self, *args, **options):
        created = load_funding_programmes()
        self.stdout.write(f"Förderprogramme: {created} Seite(n) angelegt.")
