import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from matchmaking import score
from matchmaking.data import build_snapshot
from matchmaking.evaluation import weights_document

from .evaluate_matchmaking import report


class Command(BaseCommand):
    help = (
        "Fit the score's weights on the published cooperations and write them with the "
        "cross-validated (held-out) figures to matchmaking/data/weights.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(score.WEIGHTS_FILE))

    def handle(self, *args, **options):
        snapshot = build_snapshot()
        if not snapshot.cooperations:
            raise CommandError("Keine veröffentlichten Kooperationen: nichts zu lernen.")
        found, matchmaker, baseline = report(self, snapshot)
        document = weights_document(snapshot, found, matchmaker, baseline, timezone.localdate())
        with open(options["output"], "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        shown = ", ".join(f"{name} {value:g}" for name, value in document["weights"].items())
        self.stdout.write("")
        self.stdout.write(f"Gewichte (auf allen Fällen gelernt): {shown}")
        self.stdout.write(f"geschrieben: {options['output']}")
