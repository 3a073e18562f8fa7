"""manage.py load_demo_content: the real example cooperations as published profiles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperations.demo import DEFAULT_JSON, DemoContentError, load_demo_content
from cooperations.enrichment import ENRICHMENT_DIR


class Command(BaseCommand):
    help = (
        "Legt für jede Kooperation aus cooperations_real.json einen veröffentlichten "
        "Steckbrief an und wendet die Anreicherungsdateien an. Steckbriefe, die eine Person "
        "bearbeitet hat, bleiben unverändert; mehrfach ausführbar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=DEFAULT_JSON, help="JSON-Datei (Standard: %(default)s)"
        )
        parser.add_argument(
            "--enrichment-dir",
            type=Path,
            default=ENRICHMENT_DIR,
            help="Ordner der Anreicherungsdateien (Standard: %(default)s)",
        )

    def handle(self, *args, path, enrichment_dir, verbosity, **options):
        try:
            report = load_demo_content(
                path,
                enrichment_dir=enrichment_dir,
                stdout=self.stdout if verbosity >= 2 else None,
            )
        except (DemoContentError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        for name in report.edited:
            self.stdout.write(
                f"nicht angereichert (von einer Person bearbeitet, bleibt unverändert): {name}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Inhalte: {len(report.created)} Steckbriefe angelegt, "
                f"{len(report.enriched)} angereichert, "
                f"{len(report.existing)} unverändert ({report.seconds:.1f} s)."
            )
        )
