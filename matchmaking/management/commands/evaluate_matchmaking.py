from django.core.management.base import BaseCommand

from matchmaking.data import build_snapshot
from matchmaking.evaluation import evaluate, report_lines


class Command(BaseCommand):
    help = (
        "Leave-one-out over the published cooperations: recall@5, recall@10 and MRR of the "
        "partner suggestions and of a distance-only baseline."
    )

    def handle(self, *args, **options):
        snapshot = build_snapshot()
        matchmaker, baseline, skipped = evaluate(snapshot)
        for line in report_lines(matchmaker, baseline, skipped, len(snapshot.cooperations)):
            self.stdout.write(line)
        beats = (
            matchmaker.recall(5) > baseline.recall(5)
            and matchmaker.mrr > baseline.mrr
            and matchmaker.recall(10) >= baseline.recall(10)
        )
        self.stdout.write("")
        self.stdout.write(
            "Ergebnis: Die Partnersuche schlägt die Entfernungs-Baseline."
            if beats
            else "Ergebnis: Die Partnersuche schlägt die Entfernungs-Baseline NICHT."
        )
