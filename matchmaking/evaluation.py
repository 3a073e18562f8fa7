"""Fitting and evaluating the score's weights on the published profiles.

A case: for a cooperation and one of its register partners, hide that membership, ask for
a partner for the cooperation's lead (or, if the lead is the hidden one, its first
remaining register partner) in the cooperation's task areas, and record the hidden
partner's rank. Partners the cooperation still has are not candidates (they are partners
already). The baseline ranks the same candidates by distance alone.

The weights are fitted by a coordinate search maximising the MRR (``fit``) and evaluated
by cross-validation with folds of whole cooperations (``cross_validate``): a fold's
cooperations are removed from the profiles the weights are fitted on (neither their cases
nor their memberships are seen), and only the ranks of their held-out cases are reported.
"""

import random
from dataclasses import dataclass, field, replace

import numpy as np

from . import score

FOLDS = 5
FOLD_SEED = 20261205  # fixed: the same profiles always give the same folds
# Weights the coordinate search tries per component (the score allows 0..MAX_WEIGHT).
GRID = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0)
START_WEIGHT = 1.0  # every fitted component starts here: the fit does not depend on the file
# Scaling all weights changes no ranking, so one component sets the scale and is not
# searched: distance at 3 (the other components are fitted relative to it, and the
# hand-set weights of the components without data keep their meaning).
SCALE = ("distance", 3.0)
SEARCHED = tuple(name for name in score.FITTED_NAMES if name != SCALE[0])
MAX_PASSES = 4
TIE = 1e-9  # score differences this small count as a tie (then nearer, then key, first)


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


# --- fast ranks for many weight settings ---------------------------------------------------


@dataclass
class CaseMatrix:
    """One case as component differences: enough to rank the hidden partner for any weights.

    ``diff`` holds, per candidate that could be ranked above the hidden partner, its
    component values minus the hidden partner's (columns in ``score.COMPONENT_NAMES``);
    ``before`` says whether it comes first on a tie (nearer, then smaller key), as
    ``Scorer.order`` does. A candidate no better in any component and after it on a tie
    can never be ranked above it and is left out.
    """

    cooperation: int
    hidden: int
    diff: np.ndarray
    before: np.ndarray
    baseline_rank: int


def case_matrix(snapshot, cooperation, hidden, query, others):
    """The ``CaseMatrix`` of a case, or None if the hidden partner has no centre."""
    view = snapshot.without_membership(cooperation.id, hidden)
    scorer = score.Scorer(view, query, cooperation.task_areas, exclude=others)
    if not scorer.eligible[hidden]:
        return None
    candidates = np.flatnonzero(scorer.eligible)
    candidates = candidates[candidates != hidden]
    values = np.column_stack([scorer.values[name] for name in score.COMPONENT_NAMES])
    diff = values[candidates] - values[hidden]
    distance, keys = scorer.distance, scorer.bodies.keys
    before = np.array(
        [
            distance[c] < distance[hidden]
            or (distance[c] == distance[hidden] and keys[c] < keys[hidden])
            for c in candidates
        ],
        dtype=bool,
    )
    keep = (diff > 0).any(axis=1) | before
    baseline = _rank(scorer.order(-scorer.distance), hidden)
    return CaseMatrix(cooperation.id, hidden, diff[keep], before[keep], baseline)


def case_matrices(snapshot):
    found = [case_matrix(snapshot, *case) for case in cases(snapshot)]
    return [matrix for matrix in found if matrix is not None]


class Ranker:
    """The hidden partners' ranks of many cases for a weight setting, as one product."""

    def __init__(self, matrices):
        self.matrices = list(matrices)
        width = len(score.COMPONENT_NAMES)
        self.diff = np.vstack([m.diff for m in self.matrices] or [np.zeros((0, width))])
        self.before = np.concatenate([m.before for m in self.matrices] or [np.zeros(0, bool)])
        self.case = np.repeat(np.arange(len(self.matrices)), [len(m.diff) for m in self.matrices])

    def ranks(self, weights):
        vector = np.array([weights[name] for name in score.COMPONENT_NAMES])
        margin = self.diff @ vector
        above = (margin > TIE) | ((np.abs(margin) <= TIE) & self.before)
        counts = np.bincount(self.case, weights=above, minlength=len(self.matrices))
        return (1 + counts).astype(int)

    def mrr(self, weights):
        ranks = self.ranks(weights)
        return float(np.mean(1.0 / ranks)) if len(ranks) else 0.0


def fit(matrices, base_weights=None, names=SEARCHED, grid=GRID):
    """Weights maximising the MRR of ``matrices``: coordinate search over ``grid``.

    Starts with every searched component at START_WEIGHT, the scale component at its
    SCALE weight (the others from ``base_weights``, default: the weights file) and,
    component by component, keeps a grid value only if it raises the MRR; stops after a
    pass without change. Returns (weights, MRR).
    """
    weights = dict(score.DEFAULT_WEIGHTS if base_weights is None else base_weights)
    weights.update({name: START_WEIGHT for name in names})
    weights[SCALE[0]] = SCALE[1]
    ranker = Ranker(matrices)
    best = ranker.mrr(weights)
    for _ in range(MAX_PASSES):
        changed = False
        for name in names:
            for value in grid:
                if value == weights[name]:
                    continue
                trial = {**weights, name: value}
                found = ranker.mrr(trial)
                if found > best + TIE:
                    best, weights, changed = found, trial, True
        if not changed:
            break
    return weights, best


# --- cross-validation ----------------------------------------------------------------------


def assign_folds(cooperations, folds=FOLDS, seed=FOLD_SEED):
    """{cooperation id: fold} : whole cooperations, shuffled with a fixed seed, dealt round."""
    ordered = sorted(cooperations, key=lambda c: (c.title, c.id))
    random.Random(seed).shuffle(ordered)
    return {cooperation.id: position % folds for position, cooperation in enumerate(ordered)}


def without_cooperations(snapshot, ids):
    """The snapshot as if the cooperations ``ids`` were not published."""
    return replace(
        snapshot, cooperations=tuple(c for c in snapshot.cooperations if c.id not in ids)
    )


@dataclass
class Fold:
    number: int
    cooperations: int
    weights: dict
    training_cases: int
    training_mrr: float
    matchmaker: Result
    baseline: Result


def cross_validate(snapshot, folds=FOLDS, seed=FOLD_SEED, fitter=fit):
    """Held-out figures of fitted weights: per fold, fit on the other folds' cooperations
    only (their cases, on the profiles without this fold's cooperations) and rank this
    fold's cases on all published profiles, as the site would. Returns (folds, pooled
    matchmaker result, pooled baseline result)."""
    assignment = assign_folds(snapshot.cooperations, folds, seed)
    held_out = case_matrices(snapshot)
    found = []
    for number in range(folds):
        test_ids = {cid for cid, fold in assignment.items() if fold == number}
        training = case_matrices(without_cooperations(snapshot, test_ids))
        weights, training_mrr = fitter(training)
        tests = [m for m in held_out if m.cooperation in test_ids]
        ranks = Ranker(tests).ranks(weights)
        found.append(
            Fold(
                number=number + 1,
                cooperations=len(test_ids),
                weights=weights,
                training_cases=len(training),
                training_mrr=training_mrr,
                matchmaker=Result("Partnersuche", [int(r) for r in ranks]),
                baseline=Result("Nur Entfernung", [m.baseline_rank for m in tests]),
            )
        )
    matchmaker = Result("Partnersuche", [r for fold in found for r in fold.matchmaker.ranks])
    baseline = Result("Nur Entfernung", [r for fold in found for r in fold.baseline.ranks])
    return found, matchmaker, baseline


def figures(result):
    return {
        "recall@5": round(result.recall(5), 3),
        "recall@10": round(result.recall(10), 3),
        "MRR": round(result.mrr, 3),
        "cases": len(result.ranks),
    }


def fold_lines(found):
    lines = [
        f"{'Fold':<5} {'Koop.':>6} {'Fälle':>6} {'MRR Training':>13} {'MRR zurückgeh.':>15} "
        f"{'Nur Entf.':>10}   Gewichte"
    ]
    for fold in found:
        shown = " ".join(f"{name}={fold.weights[name]:g}" for name in SEARCHED)
        lines.append(
            f"{fold.number:<5} {fold.cooperations:>6} {len(fold.matchmaker.ranks):>6} "
            f"{fold.training_mrr:>13.3f} {fold.matchmaker.mrr:>15.3f} "
            f"{fold.baseline.mrr:>10.3f}   {shown}"
        )
    return lines


def weights_document(snapshot, found, matchmaker, baseline, day):
    """The weights file: weights fitted on every case, with the held-out figures that
    estimate how well such weights do on cooperations they were not fitted on."""
    weights, mrr = fit(case_matrices(snapshot))
    return {
        "comment": (
            "Gewichte der Partnersuche. Erzeugt mit `manage.py fit_matchmaking` "
            "(docs/matchmaking.md); nicht von Hand ändern außer bei den nicht gelernten "
            "Bestandteilen (not_fitted)."
        ),
        "date": day.isoformat(),
        "cooperations": len(snapshot.cooperations),
        "cases": len(matchmaker.ranks),
        "folds": len(found),
        "fold_seed": FOLD_SEED,
        "grid": list(GRID),
        "scale": {SCALE[0]: SCALE[1]},
        "not_fitted": [name for name in score.COMPONENT_NAMES if name not in score.FITTED_NAMES],
        "weights": weights,
        "training_mrr_all_cases": round(mrr, 3),
        "held_out": {"matchmaker": figures(matchmaker), "distance_only": figures(baseline)},
        "per_fold": [
            {
                "fold": fold.number,
                "cooperations": fold.cooperations,
                "training_cases": fold.training_cases,
                "training_mrr": round(fold.training_mrr, 3),
                "weights": fold.weights,
                "held_out": figures(fold.matchmaker),
                "held_out_distance_only": figures(fold.baseline),
            }
            for fold in found
        ],
    }
