"""Leave-one-out evaluation of the partner suggestions against the published profiles.

For each cooperation and each of its register partners: hide that membership, ask for a
partner for the cooperation's lead (or, if the lead is the hidden one, its first remaining
register partner) in the cooperation's task areas, and record the hidden partner's rank.
Partners the cooperation still has are not candidates (they are partners already). The
baseline ranks the same candidates by distance alone.
"""

from dataclasses import dataclass, field

import numpy as np

from . import score


@dataclass
class Result:
    name: str
    ranks: list = field(default_factory=list)

    def recall(self, k):
        return sum(1 for r in self.ranks if r <= k) / len(self.ranks) if self.ranks else 0.0

    @property
    def mrr(self):
        return sum(1 / r for r in self.ranks) / len(self.ranks) if self.ranks else 0.0


def _query_for(members, hidden):
    remaining = [(body, role) for body, role in members if body != hidden]
    for body, role in remaining:
        if role in score.PROVIDER_ROLES:
            return body
    return remaining[0][0]


def cases(snapshot):
    """(cooperation, hidden body, query body, remaining partners) for every leave-one-out case."""
    for cooperation in snapshot.cooperations:
        if len(cooperation.members) < 2:
            continue
        for hidden, _ in cooperation.members:
            query = _query_for(cooperation.members, hidden)
            others = {body for body, _ in cooperation.members if body not in (hidden, query)}
            yield cooperation, hidden, query, others


def _rank(order, hidden):
    found = np.flatnonzero(order == hidden)
    return int(found[0]) + 1 if len(found) else None


def evaluate(snapshot, weights=None):
    matchmaker, baseline = Result("Partnersuche"), Result("Nur Entfernung")
    skipped = 0
    for cooperation, hidden, query, others in cases(snapshot):
        hidden_view = snapshot.without_membership(cooperation.id, hidden)
        scorer = score.Scorer(hidden_view, query, cooperation.task_areas, weights, exclude=others)
        rank = _rank(scorer.order(), hidden)
        base = _rank(scorer.order(-scorer.distance), hidden)
        if rank is None or base is None:
            skipped += 1  # no centre coordinates: neither ranking can place it
            continue
        matchmaker.ranks.append(rank)
        baseline.ranks.append(base)
    return matchmaker, baseline, skipped


def report_lines(matchmaker, baseline, skipped, cooperations):
    lines = [
        f"Kooperationen: {cooperations}, Fälle (verborgene Partner): {len(matchmaker.ranks)}"
        + (f", übersprungen: {skipped}" if skipped else ""),
        "",
        f"{'Verfahren':<16} {'recall@5':>9} {'recall@10':>10} {'MRR':>7} {'Median-Rang':>12}",
    ]
    for result in (matchmaker, baseline):
        median = int(np.median(result.ranks)) if result.ranks else 0
        lines.append(
            f"{result.name:<16} {result.recall(5):>9.3f} {result.recall(10):>10.3f} "
            f"{result.mrr:>7.3f} {median:>12}"
        )
    return lines
