from django.core.management.base import BaseCommand

from matchmaking.data import build_snapshot
from matchmaking.evaluation import FOLDS, cross_validate, fold_lines, report_lines


def report(command, snapshot, folds=FOLDS):
    """Cross-validate, print the folds and the pooled held-out figures; return the results."""
    found, matchmaker, baseline = cross_validate(snapshot, folds)
    command.stdout.write(
        f"Kreuzvalidierung: {folds} Folds aus ganzen Kooperationen; Gewichte je Fold nur auf "
        "den anderen Folds gelernt, Zahlen nur auf den zurückgehaltenen Fällen."
    )
    command.stdout.write("")
    for line in fold_lines(found):
        command.stdout.write(line)
    command.stdout.write("")
    for line in report_lines(matchmaker, baseline, 0, len(snapshot.cooperations)):
        command.stdout.write(line)
    beats = (
        matchmaker.recall(5) > baseline.recall(5)
        and matchmaker.mrr > baseline.mrr
        and matchmaker.recall(10) >= baseline.recall(10)
    )
    command.stdout.write("")
    command.stdout.write(
        "Ergebnis: Die Partnersuche schlägt die Entfernungs-Baseline."
        if beats
        else "Ergebnis: Die Partnersuche schlägt die Entfernungs-Baseline NICHT."
    )
    return found, matchmaker, baseline


class Command(BaseCommand):
    help = (
        "Cross-validated evaluation of the partner suggestions on the published cooperations "
        "(folds of whole cooperations, weights fitted on the other folds): held-out recall@5, "
        "recall@10 and MRR, and those of a distance-only baseline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--folds", type=int, default=FOLDS)

    def handle(self, *args, **options):
        if options["folds"] < 2:
            self.stderr.write("--folds: mindestens 2")
            raise SystemExit(2)
        report(self, build_snapshot(), options["folds"])
