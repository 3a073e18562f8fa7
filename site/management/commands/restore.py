"""manage.py restore PATH: a backup archive into an empty database (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kooperationsatlas.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Stellt eine mit `manage.py backup` geschriebene Sicherung in einer leeren Datenbank "
        "wieder her: prüft das Archiv, migriert, lädt Daten und Mediendateien in einer "
        "Transaktion, vergleicht die Zeilenzahlen mit dem Manifest und baut die Suchindizes "
        "neu auf. Eine Datenbank mit Inhalten wird abgelehnt."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Sicherungsarchiv (.tar.gz)")
        parser.add_argument("--database", default="default", help="Datenbank-Alias")

    def handle(self, *args, path, database="default", verbosity=1, **options):
        stdout = self.stdout if verbosity >= 1 else None
        try:
            manifest = restore_backup(path, using=database, stdout=stdout)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wiederhergestellt: {path} vom {manifest['created_at']} ({rows} Datensätze, "
                f"{len(manifest['media'])} Mediendateien)."
            )
        )
