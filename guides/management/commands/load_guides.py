from django.core.management.base import BaseCommand

from guides.seed import load_guides


class Command(BaseCommand):
    help = (
        "Legt die Leitfäden, die häufigen Fragen, das Glossar und seine Begriffe an "
        "(nur was fehlt; bestehende Seiten und Begriffe bleiben unverändert)."
    )

    def handle(self, *args, **options):
        created = load_guides()
        self.stdout.write(f"Leitfäden: {created} Seite(n) bzw. Begriff(e) angelegt.")
