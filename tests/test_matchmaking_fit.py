"""Fitting the score's weights by cross-validation: folds of whole cooperations, held-out
figures only, the fast ranks agree with the Scorer, the weights file. No database."""

import json
import math

import numpy as np
import pytest

from matchmaking import evaluation, score

from .test_matchmaking_score import make_snapshot as make_small_snapshot


def world(pairs=12):
    """Pairs of bodies 100 km apart along a line: a query Q, a near body N (5 km, ten times
    as many inhabitants) and a far twin F (300 km away, as many inhabitants as Q). Each
    body its own Kreis, so only distance and size tell them apart."""
    rows = []
    for i in range(pairs):
        population = 1_000 * 1.6**i
        lat = 50.0 + i * 0.9
        rows.append((f"Q{i}", 8.0, lat, population))
        rows.append((f"N{i}", 8.0, lat + 5 / 111.195, population * 10))
        rows.append((f"F{i}", 12.3, lat, population))
    n = len(rows)
    bodies = score.Bodies(
        keys=[f"{i:08d}" for i in range(n)],
        names=[r[0] for r in rows],
        kinds=["Gemeinde"] * n,
        level=np.zeros(n, dtype=int),
        kind_code=np.zeros(n, dtype=int),
        lat=np.radians([r[2] for r in rows]),
        lon=np.radians([r[1] for r in rows]),
        population=np.array([r[3] for r in rows]),
        county=np.arange(n),
        district=np.full(n, -1),
        state=np.full(n, 5),
        county_names={},
        district_names={},
    )
    return bodies


def body(bodies, name):
    return bodies.names.index(name)


def cooperations_by_fold(bodies, pairs, folds=2):
    """Cooperations of Q with its far twin in fold 0 and with its near body in fold 1."""
    placeholders = [
        score.Cooperation(i + 1, f"Kooperation {i:02d}", frozenset(), ()) for i in range(pairs)
    ]
    assignment = evaluation.assign_folds(placeholders, folds)
    cooperations = []
    for i, placeholder in enumerate(placeholders):
        partner = "F" if assignment[placeholder.id] == 0 else "N"
        members = ((body(bodies, f"Q{i}"), "lead"), (body(bodies, f"{partner}{i}"), "member"))
        cooperations.append(
            score.Cooperation(placeholder.id, placeholder.title, frozenset(), members)
        )
    return cooperations, assignment


def snapshot_of(bodies, cooperations):
    return score.Snapshot(bodies=bodies, cooperations=tuple(cooperations))


@pytest.fixture
def split_world():
    bodies = world()
    cooperations, assignment = cooperations_by_fold(bodies, 12)
    assert set(assignment.values()) == {0, 1}
    return snapshot_of(bodies, cooperations), assignment


def test_folds_hold_whole_cooperations_and_are_stable(split_world):
    snapshot, assignment = split_world
    again = evaluation.assign_folds(reversed(snapshot.cooperations), 2)
    assert again == assignment  # the order they come in does not matter
    five = evaluation.assign_folds(snapshot.cooperations, 5)
    assert set(five) == {c.id for c in snapshot.cooperations}
    sizes = [list(five.values()).count(fold) for fold in range(5)]
    assert max(sizes) - min(sizes) <= 1


def test_training_never_sees_the_test_fold(split_world, monkeypatch):
    snapshot, assignment = split_world
    seen = []
    real_case_matrices = evaluation.case_matrices

    def recording(view):
        matrices = real_case_matrices(view)
        seen.append(({c.id for c in view.cooperations}, {m.cooperation for m in matrices}))
        return matrices

    monkeypatch.setattr(evaluation, "case_matrices", recording)
    fitted_on = []

    def fitter(matrices):
        fitted_on.append({m.cooperation for m in matrices})
        return evaluation.fit(matrices)

    found, matchmaker, _ = evaluation.cross_validate(snapshot, folds=2, fitter=fitter)
    # first call: the held-out cases on all profiles; then one training set per fold
    (all_profiles, all_cases), *training = seen
    assert all_profiles == all_cases == {c.id for c in snapshot.cooperations}
    for number, (profiles, cases) in enumerate(training):
        test_ids = {cid for cid, fold in assignment.items() if fold == number}
        assert profiles.isdisjoint(test_ids) and cases.isdisjoint(test_ids)
        assert fitted_on[number] == cases
        assert found[number].cooperations == len(test_ids)
        assert len(found[number].matchmaker.ranks) == 2 * len(test_ids)  # two partners each
    assert len(matchmaker.ranks) == 2 * len(snapshot.cooperations)


def test_a_leaky_fit_gives_other_figures(split_world):
    """Fold 0 pairs far twins of equal size, fold 1 near bodies: weights learnt on one kind
    alone do badly on the other, weights that saw a fold's own cases do better. If the
    cross-validation let a fold train on itself, both would agree."""
    snapshot, _ = split_world
    everything = evaluation.case_matrices(snapshot)

    def leaky(training):
        return evaluation.fit(everything)

    honest_folds, honest, _ = evaluation.cross_validate(snapshot, folds=2)
    leaky_folds, leaked, _ = evaluation.cross_validate(snapshot, folds=2, fitter=leaky)
    assert honest.mrr < leaked.mrr
    # Near partners held out, with weights learnt on twins only: equal size outweighs
    # nearness and the near partner drops.
    assert honest_folds[1].matchmaker.mrr < leaky_folds[1].matchmaker.mrr
    assert honest_folds[1].weights["size"] > leaky_folds[1].weights["size"]
    # Each fold's training set alone is learnt perfectly.
    assert [fold.training_mrr for fold in honest_folds] == [1.0, 1.0]


def test_fit_raises_the_mrr_and_keeps_the_scale():
    bodies = world()
    twins = [
        score.Cooperation(
            i + 1,
            f"K{i}",
            frozenset(),
            ((body(bodies, f"Q{i}"), "lead"), (body(bodies, f"F{i}"), "member")),
        )
        for i in range(12)
    ]
    matrices = evaluation.case_matrices(snapshot_of(bodies, twins))
    start = dict(score.DEFAULT_WEIGHTS)
    start.update({name: evaluation.START_WEIGHT for name in evaluation.SEARCHED})
    start[evaluation.SCALE[0]] = evaluation.SCALE[1]
    weights, mrr = evaluation.fit(matrices)
    assert mrr > evaluation.Ranker(matrices).mrr(start)
    assert weights["size"] > start["size"]  # equal size is what pairs them
    assert weights[evaluation.SCALE[0]] == evaluation.SCALE[1]
    assert weights["boerse"] == score.DEFAULT_WEIGHTS["boerse"]  # not fitted
    assert all(
        value in evaluation.GRID for name, value in weights.items() if name in evaluation.SEARCHED
    )


@pytest.mark.parametrize(
    "weights",
    [None, {"distance": 0.0, "size": 0.0}, {"region": 0.0, "kind": 4.0, "ties": 0.5}],
)
def test_fast_ranks_agree_with_the_scorer(weights):
    # The small world has equal components (ties broken by distance and key) and Kreise.
    from .test_matchmaking_score import A, B, C, D, E, K

    cooperations = [
        score.Cooperation(
            1, "Standesamt", frozenset({2}), ((A, "lead"), (B, "member"), (D, "member"))
        ),
        score.Cooperation(
            2, "Bauhof", frozenset(), ((C, "provider"), (A, "member"), (E, "member"))
        ),
        score.Cooperation(3, "Kreisarchiv", frozenset({4}), ((K, "lead"), (C, "member"))),
    ]
    snapshot = make_small_snapshot(cooperations)
    full = {**score.DEFAULT_WEIGHTS, **(weights or {})}
    by_scorer, baseline, skipped = evaluation.evaluate(snapshot, full)
    matrices = evaluation.case_matrices(snapshot)
    assert skipped == 0 and len(matrices) == len(by_scorer.ranks) == 8
    assert list(evaluation.Ranker(matrices).ranks(full)) == by_scorer.ranks
    assert [m.baseline_rank for m in matrices] == baseline.ranks


# --- the weights file --------------------------------------------------------------------


def test_the_weights_file_loads_and_is_the_default():
    weights = score.load_weights()
    assert set(weights) == set(score.COMPONENT_NAMES)
    assert weights == score.DEFAULT_WEIGHTS
    document = json.loads(score.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert document["weights"][evaluation.SCALE[0]] == evaluation.SCALE[1]
    held_out = document["held_out"]
    for result in ("matchmaker", "distance_only"):
        assert set(held_out[result]) == {"recall@5", "recall@10", "MRR", "cases"}
    assert len(document["per_fold"]) == document["folds"]
    assert (
        sum(f["held_out"]["cases"] for f in document["per_fold"]) == held_out["matchmaker"]["cases"]
    )
    # the suggestions use them
    assert score.Scorer(make_small_snapshot(), 0).weights == weights


@pytest.mark.parametrize(
    "content",
    [
        "nicht json",
        json.dumps({"weights": {"distance": 1.0}}),
        json.dumps({"weights": {**{n: 1.0 for n in score.COMPONENT_NAMES}, "distance": -1}}),
        json.dumps({"weights": {**{n: 1.0 for n in score.COMPONENT_NAMES}, "size": math.inf}}),
        json.dumps({"weights": {**{n: 1.0 for n in score.COMPONENT_NAMES}, "size": "1"}}),
    ],
)
def test_a_broken_weights_file_is_refused(tmp_path, content):
    path = tmp_path / "weights.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(score.ScoreError, match="weights.json"):
        score.load_weights(path)
