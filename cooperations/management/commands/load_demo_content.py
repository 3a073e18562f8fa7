"""manage.py load_demo_content: the real example cooperations as published profiles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperations.demo import DEFAULT_JSON, DemoContentError, load_demo_content


class Command(BaseCommand):
    help = (
        "Legt für jede Kooperation aus cooperations_real.json einen veröffentlichten "
        "Steckbrief an. Vorhandene Steckbriefe bleiben unverändert; mehrfach ausführbar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=DEFAULT_JSON, help="JSON-Datei (Standard: %(default)s)"
        )

    def handle(self, *args, path, verbosity, **options):
        try:
            report = load_demo_content(path, stdout=self.stdout if verbosity >= 2 else None)
        except (DemoContentError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Inhalte: {len(report.created)} Steckbriefe angelegt, "
                f"{len(report.existing)} bereits vorhanden ({report.seconds:.1f} s)."
            )
        )
