"""matchmaking/score.py on a small hand-made world: every component, its value and its
reason, the ranking, and the errors. No database."""

import math

import numpy as np
import pytest

from matchmaking import score

# Task areas: 1 Bürgerdienste › 2 Standesamt, 3 Ordnungsamt; 4 Personal
AREA_NAMES = {1: "Bürgerdienste", 2: "Standesamt", 3: "Ordnungsamt", 4: "Personal"}
AREA_PARENTS = {1: None, 2: 1, 3: 1, 4: None}

A, B, C, D, E, K = range(6)

# The rankings below reason with these weights (the hand-set ones the score had before it
# learnt its weights), not with whatever the fitted weights file holds today.
HAND_WEIGHTS = {
    "distance": 3.0,
    "border": 0.5,
    "region": 1.5,
    "size": 0.25,
    "kind": 0.1,
    "ties": 2.0,
    "experience": 0.5,
    "boerse": 1.0,
    "survey": 1.0,
}


@pytest.fixture(autouse=True)
def hand_weights(monkeypatch):
    monkeypatch.setattr(score, "DEFAULT_WEIGHTS", HAND_WEIGHTS)


def km_north(lat, km):
    return lat + km / 111.195


def make_bodies():
    # (key, name, kind, level, lat, lon, population, county, district)
    rows = [
        ("05000001", "Ahausen", "Gemeinde", 0, 51.5, 8.0, 10_000, 1, 10),
        ("05000002", "Behausen", "Gemeinde", 0, 51.5, 8.072, 12_000, 1, 10),  # ~5 km east
        ("05000003", "Cestadt", "kreisangehörige Stadt", 0, km_north(51.5, 6), 8.0, 80_000, 2, 10),
        ("05000004", "Dedorf", "Gemeinde", 0, km_north(51.5, 40), 8.0, 9_000, 3, 20),
        ("09000005", "Ferne", "Gemeinde", 0, 48.0, 11.0, 500, 4, -1),
        ("05001", "Kreis Eins", "Kreis", 1, 51.5, 8.036, 22_000, 1, 10),
    ]
    kinds = sorted({row[2] for row in rows})
    return score.Bodies(
        keys=[r[0] for r in rows],
        names=[r[1] for r in rows],
        kinds=[r[2] for r in rows],
        level=np.array([r[3] for r in rows]),
        kind_code=np.array([kinds.index(r[2]) for r in rows]),
        lat=np.radians([r[4] for r in rows]),
        lon=np.radians([r[5] for r in rows]),
        population=np.array([r[6] for r in rows], dtype=float),
        county=np.array([r[7] for r in rows]),
        district=np.array([r[8] for r in rows]),
        state=np.array([5, 5, 5, 5, 9, 5]),
        county_names={1: "Kreis Eins", 2: "Kreis Zwei", 3: "Kreis Drei", 4: "Kreis Vier"},
        district_names={10: "Arnsberg", 20: "Detmold"},
        members={K: (A, B)},
        borders={A: {B: 8.0, C: 2.0}, B: {A: 8.0}, C: {A: 2.0}},
    )


def make_snapshot(cooperations=(), entries=()):
    return score.Snapshot(
        bodies=make_bodies(),
        cooperations=tuple(cooperations),
        entries=tuple(entries),
        area_names=AREA_NAMES,
        area_parents=AREA_PARENTS,
    )


def component(scorer, name, body):
    return scorer.values[name][body], scorer.reason(name, body)


# --- components ------------------------------------------------------------------------------


def test_distance_value_and_reason():
    scorer = score.Scorer(make_snapshot(), A)
    assert scorer.distance[B] == pytest.approx(5.0, abs=0.1)
    value, reason = component(scorer, "distance", B)
    assert value == pytest.approx(math.exp(-scorer.distance[B] / score.DISTANCE_SCALE_KM))
    assert reason == "5,0 km von Ahausen entfernt (Luftlinie zwischen den Mittelpunkten)"
    assert component(scorer, "distance", E)[0] < 1e-6  # 500 km away
    assert component(scorer, "distance", K)[1].endswith(
        "(Luftlinie; Kreise: Bevölkerungsschwerpunkt ihrer Gemeinden)"
    )


def test_border_value_and_reason():
    scorer = score.Scorer(make_snapshot(), A)
    assert component(scorer, "border", B) == (
        pytest.approx(0.9),
        "grenzt an Ahausen (8,0 km gemeinsame Grenze)",
    )
    assert component(scorer, "border", C)[0] == pytest.approx(0.6)
    assert component(scorer, "border", D) == (0.0, "")
    # The Kreis Ahausen belongs to is not its neighbour.
    assert component(scorer, "border", K) == (0.0, "")


def test_border_of_a_kreis_adds_up_its_municipalities():
    scorer = score.Scorer(make_snapshot(), K)
    # Cestadt borders Ahausen (2 km); Ahausen and Behausen are inside the Kreis.
    assert component(scorer, "border", C)[1] == "grenzt an Kreis Eins (2,0 km gemeinsame Grenze)"
    assert component(scorer, "border", A)[0] == 0.0


def test_region_same_kreis_district_and_own_kreis():
    scorer = score.Scorer(make_snapshot(), A)
    assert component(scorer, "region", B) == (1.0, "ebenfalls im Kreis Eins")
    assert component(scorer, "region", C) == (0.5, "ebenfalls im Regierungsbezirk Arnsberg")
    assert component(scorer, "region", K) == (1.0, "Kreis, zu dem Ahausen gehört")
    assert component(scorer, "region", D) == (0.0, "")
    from_kreis = score.Scorer(make_snapshot(), K)
    assert component(from_kreis, "region", A) == (1.0, "gehört zum Kreis Eins")


def test_size_value_reason_and_size_class():
    scorer = score.Scorer(make_snapshot(), A)
    value, reason = component(scorer, "size", B)
    assert value == pytest.approx(1 - math.log10(1.2))
    assert reason == (
        "ähnliche Größe (12.000 / 10.000 Einw.), "
        "gleiche Größenklasse (10.000 bis unter 20.000 Einw.)"
    )
    value, reason = component(scorer, "size", C)
    assert value == pytest.approx(1 - math.log10(8))
    assert reason == "Größe (80.000 / 10.000 Einw.)"
    assert component(scorer, "size", E) == (0.0, "")  # factor 20


def test_kind():
    scorer = score.Scorer(make_snapshot(), A)
    assert component(scorer, "kind", B) == (1.0, "ebenfalls Gemeinde")
    assert component(scorer, "kind", C) == (0.0, "")


def test_ties_name_the_shared_cooperations():
    cooperations = [
        score.Cooperation(
            1, "Verbund Ahausen-Dedorf", frozenset({4}), ((A, "lead"), (D, "member"))
        ),
        score.Cooperation(2, "Bauhof West", frozenset(), ((A, "member"), (C, "member"))),
        score.Cooperation(3, "Archiv", frozenset(), ((A, "member"), (C, "member"))),
    ]
    scorer = score.Scorer(make_snapshot(cooperations), A)
    assert component(scorer, "ties", D) == (0.75, "bereits Partner im „Verbund Ahausen-Dedorf“")
    assert component(scorer, "ties", C) == (1.0, "bereits Partner in: „Bauhof West“, „Archiv“")
    assert component(scorer, "ties", B) == (0.0, "")


def test_experience_by_role_and_area():
    cooperations = [
        score.Cooperation(1, "Standesamt Süd", frozenset({2}), ((C, "provider"), (E, "member"))),
        score.Cooperation(2, "Ordnungsamt Nord", frozenset({3}), ((D, "lead"),)),
        score.Cooperation(3, "Personalservice", frozenset({4}), ((B, "provider"),)),
    ]
    scorer = score.Scorer(make_snapshot(cooperations), A, task_areas=[2])
    assert component(scorer, "experience", C) == (
        1.0,
        "Dienstleister in „Standesamt Süd“ (Standesamt)",
    )
    assert component(scorer, "experience", E) == (
        pytest.approx(0.6),
        "beteiligt an „Standesamt Süd“ (Standesamt)",
    )
    # Ordnungsamt shares the parent Bürgerdienste: a related area counts half.
    assert component(scorer, "experience", D) == (
        pytest.approx(0.5),
        "federführend in „Ordnungsamt Nord“ (Ordnungsamt)",
    )
    assert component(scorer, "experience", B) == (0.0, "")
    # The parent area includes its children.
    parent = score.Scorer(make_snapshot(cooperations), A, task_areas=[1])
    assert parent.values["experience"][C] == 1.0 and parent.values["experience"][D] == 1.0
    # No area chosen: experience anywhere counts half.
    anywhere = score.Scorer(make_snapshot(cooperations), A)
    assert anywhere.values["experience"][B] == pytest.approx(score.ANY_AREA_FACTOR)


def test_boerse_offers_and_requests_within_their_region():
    entries = [
        score.BoerseEntry(1, "gesuch", "Partner für Beihilfe gesucht", frozenset({4}), D),
        score.BoerseEntry(2, "angebot", "Beihilfestelle für alle", frozenset({4}), C),
        # Limited to 10 km around Ferne: Ahausen is not in that region.
        score.BoerseEntry(3, "angebot", "Beihilfe Süd", frozenset({4}), E, radius_km=10),
        # Limited to Kreis Eins, where Ahausen lies.
        score.BoerseEntry(4, "angebot", "Standesamt", frozenset({2}), B, counties=frozenset({1})),
    ]
    scorer = score.Scorer(make_snapshot(entries=entries), A, task_areas=[4])
    assert component(scorer, "boerse", D) == (
        1.0,
        "sucht in der Börse Partner für Personal („Partner für Beihilfe gesucht“)",
    )
    assert component(scorer, "boerse", C) == (
        1.0,
        "bietet in der Börse Personal an („Beihilfestelle für alle“)",
    )
    assert component(scorer, "boerse", E) == (0.0, "")
    assert component(scorer, "boerse", B) == (0.0, "")  # other area
    standesamt = score.Scorer(make_snapshot(entries=entries), A, task_areas=[2])
    assert standesamt.values["boerse"][B] == 1.0


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_prefers_the_near_neighbour_in_the_same_kreis():
    ranked = score.suggest(make_snapshot(), A, limit=10)
    assert [s.name for s in ranked][:2] == ["Behausen", "Kreis Eins"]
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
    assert A not in [s.body for s in ranked]  # never the query itself
    assert ranked[-1].name == "Ferne"
    first = ranked[0]
    assert first.score == pytest.approx(sum(c.points for c in first.components), abs=0.01)
    assert [c.name for c in first.components] == list(score.COMPONENT_NAMES)


def test_ties_and_experience_move_a_partner_up():
    cooperations = [
        # Partners in another task area; Cestadt also provides Personal with Dorf elsewhere.
        score.Cooperation(1, "Ordnungsverbund", frozenset({3}), ((A, "member"), (C, "member"))),
        score.Cooperation(2, "Personalverbund", frozenset({4}), ((D, "member"), (C, "provider"))),
    ]
    plain = [s.name for s in score.suggest(make_snapshot(), A, task_areas=[4])]
    tied = [s.name for s in score.suggest(make_snapshot(cooperations), A, task_areas=[4])]
    assert plain[:3] == ["Behausen", "Kreis Eins", "Cestadt"]
    # Already a partner of Ahausen (elsewhere) and a provider in the area: Cestadt moves up.
    assert tied[:3] == ["Cestadt", "Behausen", "Kreis Eins"]


def test_partners_in_the_chosen_task_area_are_listed_apart_never_suggested():
    cooperations = [
        score.Cooperation(1, "Personalverbund", frozenset({4}), ((A, "member"), (C, "provider"))),
        score.Cooperation(2, "Standesamt Eins", frozenset({2}), ((A, "lead"), (B, "member"))),
    ]
    snapshot = make_snapshot(cooperations)
    scorer = score.Scorer(snapshot, A, task_areas=[4])
    suggested = [s.name for s in score.suggest(snapshot, A, task_areas=[4])]
    assert "Cestadt" not in suggested
    assert [(b, titles) for b, _, titles in scorer.existing_partners()] == [
        (C, ["Personalverbund"])
    ]
    # Behausen is a partner in another task area: still suggested, with its reason.
    behausen = next(s for s in score.suggest(snapshot, A, task_areas=[4]) if s.body == B)
    ties = next(c for c in behausen.components if c.name == "ties")
    assert ties.reason == "bereits Partner im „Standesamt Eins“"
    # The parent area (1 Bürgerdienste) covers the Standesamt: Behausen is listed apart.
    parent = score.Scorer(snapshot, A, task_areas=[1])
    assert [b for b, _, _ in parent.existing_partners()] == [B]
    assert B not in [s.body for s in score.suggest(snapshot, A, task_areas=[1])]
    # Without a chosen task area nobody is set apart.
    assert score.Scorer(snapshot, A).existing_partners() == []


def test_sort_by_distance_orders_the_same_suggestions_nearest_first():
    snapshot = make_snapshot()
    by_score = score.suggest(snapshot, A, limit=4)
    by_distance = score.suggest(snapshot, A, limit=4, sort=score.SORT_DISTANCE)
    assert {s.body for s in by_score} == {s.body for s in by_distance}
    distances = [s.distance_km for s in by_distance]
    assert distances == sorted(distances)
    assert [s.rank for s in by_distance] == [1, 2, 3, 4]
    with pytest.raises(score.ScoreError):
        score.Scorer(snapshot, A).top(4, sort="alphabet")


def test_weights_change_the_order():
    only_size = {name: 0.0 for name in score.COMPONENT_NAMES} | {"size": 1.0}
    ranked = score.suggest(make_snapshot(), A, weights=only_size)
    # Behausen (12,000) and Dedorf (9,000) are closest in size to Ahausen (10,000).
    assert [s.name for s in ranked[:2]] == ["Dedorf", "Behausen"]


def test_radius_and_exclude_limit_the_candidates():
    assert [s.name for s in score.suggest(make_snapshot(), A, radius_km=7)] == [
        "Behausen",
        "Kreis Eins",
        "Cestadt",
    ]
    excluded = score.suggest(make_snapshot(), A, radius_km=7, exclude={B})
    assert "Behausen" not in [s.name for s in excluded]


def test_order_with_distance_only_is_the_baseline():
    scorer = score.Scorer(make_snapshot(), A)
    order = scorer.order(-scorer.distance)
    assert list(scorer.distance[order]) == sorted(scorer.distance[order])


def test_without_membership_hides_the_tie():
    cooperations = [score.Cooperation(7, "Verbund", frozenset(), ((A, "lead"), (D, "member")))]
    snapshot = make_snapshot(cooperations)
    assert score.Scorer(snapshot, A).values["ties"][D] == 0.75
    hidden = snapshot.without_membership(7, D)
    assert score.Scorer(hidden, A).values["ties"][D] == 0.0
    assert snapshot.cooperations[0].members == ((A, "lead"), (D, "member"))  # unchanged


def test_expand_areas():
    snapshot = make_snapshot()
    assert snapshot.expand_areas({1}) == (frozenset({1, 2, 3}), frozenset())
    assert snapshot.expand_areas({2}) == (frozenset({2}), frozenset({1, 3}))


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"task_areas": [99]},
        {"weights": {"distance": -1}},
        {"weights": {"distance": score.MAX_WEIGHT + 1}},
        {"weights": {"popularity": 1}},
    ],
)
def test_bad_input_raises_score_error(kwargs):
    with pytest.raises(score.ScoreError):
        score.Scorer(make_snapshot(), A, **kwargs)


def test_unknown_body_and_missing_centre():
    with pytest.raises(score.ScoreError):
        score.Scorer(make_snapshot(), 99)
    snapshot = make_snapshot()
    snapshot.bodies.lat[D] = math.nan
    with pytest.raises(score.ScoreError, match="kein Mittelpunkt"):
        score.Scorer(snapshot, D)
    # As a candidate, a body without a centre is skipped, not ranked.
    assert D not in [s.body for s in score.suggest(snapshot, A)]


def _experience_by_definition(snapshot, matched, related, any_area):
    """The experience component straight from its definition, one cooperation at a time."""
    found = {}
    for cooperation in snapshot.cooperations:
        factor = score._matches(cooperation.task_areas, matched, related, any_area)
        for body, role in cooperation.members if factor else ():
            value = factor * (1.0 if role in score.PROVIDER_ROLES else 0.6)
            found.setdefault(body, []).append((value, role, cooperation))
    return found


@pytest.mark.parametrize("seed", range(5))
def test_experience_from_the_per_area_index_equals_the_definition(seed):
    """The per-snapshot role factors per task area give exactly the values, lists and
    reasons of the cooperation-by-cooperation definition."""
    import random

    rng = random.Random(seed)
    roles = ("lead", "provider", "member", "delegating")
    cooperations = [
        score.Cooperation(
            number,
            f"Kooperation {number}",
            frozenset(rng.sample(sorted(AREA_NAMES), rng.randint(0, 2))),
            tuple((body, rng.choice(roles)) for body in rng.sample(range(6), rng.randint(1, 4))),
        )
        for number in range(1, 30)
    ]
    snapshot = make_snapshot(cooperations)
    for areas in ([], [1], [2], [3], [4], [2, 4], [1, 3]):
        scorer = score.Scorer(snapshot, A, task_areas=areas)
        expected = _experience_by_definition(
            snapshot, scorer.matched, scorer.related, scorer.any_area
        )
        for body in range(len(snapshot.bodies)):
            items = expected.get(body, [])
            assert scorer.values["experience"][body] == max((v for v, _, _ in items), default=0)
            if items:
                assert scorer.experience[body] == items
        shown = [scorer.explain(body, rank) for rank, body in enumerate(scorer.top(5), 1)]
        assert [s.body for s in shown] == list(scorer.order()[:5])


def test_without_membership_hides_the_experience():
    cooperations = [
        score.Cooperation(7, "Verbund", frozenset({2}), ((A, "lead"), (D, "provider"))),
        score.Cooperation(8, "Archiv", frozenset({4}), ((D, "member"),)),
    ]
    snapshot = make_snapshot(cooperations)
    assert score.Scorer(snapshot, A, task_areas=[2]).values["experience"][D] == 1.0
    hidden = snapshot.without_membership(7, D)
    assert hidden.positions_by_area == snapshot.positions_by_area  # same areas, same positions
    scorer = score.Scorer(hidden, A, task_areas=[2])
    assert scorer.values["experience"][D] == 0.0
    assert score.Scorer(hidden, A).values["experience"][D] == pytest.approx(0.3)  # Archiv
    assert score.Scorer(snapshot, A, task_areas=[2]).values["experience"][D] == 1.0  # unchanged


def test_spread_markers_separates_coinciding_and_crowded_anchors():
    from matchmaking.maps import MARKER_GAP, MARKER_RADIUS, spread_markers

    anchors = [(100.0, 100.0)] * 4 + [(100.0 + i, 102.0) for i in range(6)] + [(400.0, 50.0)]
    first = spread_markers(anchors)
    assert first == spread_markers(anchors)  # deterministic
    least = 2 * MARKER_RADIUS + MARKER_GAP - 0.01
    for i, (ax, ay) in enumerate(first):
        for bx, by in first[i + 1 :]:
            assert math.hypot(ax - bx, ay - by) >= least
    # A marker far from the others stays on its anchor; the crowd stays near its own.
    assert math.hypot(first[-1][0] - 400, first[-1][1] - 50) < 0.1
    assert all(math.hypot(x - 100, y - 100) < 80 for x, y in first[:-1])
    assert spread_markers([]) == []
