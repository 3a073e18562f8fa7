from django.core.management.base import BaseCommand, CommandError

from register.importer import DATA_DIR, RegisterImportError, import_register


class Command(BaseCommand):
    help = (
        "Importiert das Register (Länder, Regierungsbezirke, Kreise, Gemeinden, Grenzen, "
        "Nachbarschaften, Regionen) aus register/data/. Ein zweiter Lauf ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=DATA_DIR,
            help="Ordner mit den vier Dateien (Standard: %(default)s)",
        )
        parser.add_argument("--municipalities", help="Gemeinde-CSV statt der aus --data-dir")
        parser.add_argument("--boundaries", help="Grenzen-GeoJSON statt der aus --data-dir")
        parser.add_argument("--neighbours", help="Nachbarschafts-CSV statt der aus --data-dir")
        parser.add_argument("--regions", help="Regionen-JSON statt der aus --data-dir")
        parser.add_argument(
            "--no-progress", action="store_true", help="Keine Fortschrittsbalken anzeigen"
        )

    def handle(self, *args, **options):
        try:
            import_register(
                options["data_dir"],
                municipalities=options["municipalities"],
                boundaries=options["boundaries"],
                neighbours=options["neighbours"],
                regions=options["regions"],
                progress=not options["no_progress"],
                stdout=self.stdout,
            )
        except RegisterImportError as e:
            raise CommandError(str(e)) from e
