"""manage.py backup [--output PATH]: database and media files in one tar.gz archive."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kooperationsatlas.backup import BackupError, write_backup


def default_output():
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"kooperationsatlas-{stamp}.tar.gz"


class Command(BaseCommand):
    help = (
        "Schreibt eine Sicherung (Datenbankinhalt und Mediendateien) als ein tar.gz-Archiv "
        "mit Manifest; wiederherstellen mit `manage.py restore PFAD` (siehe docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Zieldatei (Standard: var/backups/kooperationsatlas-<UTC-Zeit>.tar.gz)",
        )
        parser.add_argument("--database", default="default", help="Datenbank-Alias")

    def handle(self, *args, output=None, database="default", **options):
        output = output or default_output()
        try:
            manifest = write_backup(output, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung geschrieben: {output} ({rows} Datensätze in "
                f"{len(manifest['counts'])} Modellen, {len(manifest['media'])} Mediendateien)."
            )
        )
