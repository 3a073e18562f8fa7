"""The leave-one-out evaluation: cases, ranks, metrics and the command's report."""

from io import StringIO

import pytest
from django.core.management import call_command

from cooperations.models import TaskArea
from matchmaking.data import build_snapshot
from matchmaking.evaluation import Result, cases, evaluate

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, BAD_SASSENDORF, WARSTEIN = "05974016", "05974004", "05974008", "05974044"


def test_metrics():
    result = Result("x", ranks=[1, 3, 6, 20])
    assert result.recall(5) == 0.5
    assert result.recall(10) == 0.75
    assert result.mrr == pytest.approx((1 + 1 / 3 + 1 / 6 + 1 / 20) / 4)
    assert Result("empty").mrr == 0.0


@pytest.fixture
def profiles(make_profile):
    standesamt = TaskArea.objects.get(slug="standesamt")
    make_profile(
        "Standesamt Hellweg",
        partners=[(ERWITTE, "lead"), (ANROECHTE, "member"), (WARSTEIN, "member")],
        task_areas=[standesamt],
    )
    make_profile(
        "Bauhof-Kooperation",
        partners=[(ERWITTE, "lead"), (WARSTEIN, "member"), ("GPA", "other")],
    )
    make_profile("Nur eine Gemeinde", partners=[(BAD_SASSENDORF, "lead")])


def test_cases_hide_each_register_partner(profiles):
    snapshot = build_snapshot()
    index = snapshot.bodies.index
    found = {
        (c.title, snapshot.bodies.keys[hidden], snapshot.bodies.keys[query])
        for c, hidden, query, _ in cases(snapshot)
    }
    assert found == {
        ("Standesamt Hellweg", ERWITTE, ANROECHTE),  # the lead is hidden: first remaining
        ("Standesamt Hellweg", ANROECHTE, ERWITTE),
        ("Standesamt Hellweg", WARSTEIN, ERWITTE),
        ("Bauhof-Kooperation", ERWITTE, WARSTEIN),
        ("Bauhof-Kooperation", WARSTEIN, ERWITTE),
    }  # organisations and one-partner profiles give no case
    _, hidden, query, others = next(case for case in cases(snapshot) if case[1] == index[ANROECHTE])
    assert others == {index[WARSTEIN]}  # still a partner: not a candidate


def test_a_tie_elsewhere_lifts_the_hidden_partner(profiles):
    snapshot = build_snapshot()
    matchmaker, baseline, skipped = evaluate(snapshot)
    assert skipped == 0 and len(matchmaker.ranks) == len(baseline.ranks) == 5
    ranks = dict(
        zip(
            [(c.title, snapshot.bodies.keys[h]) for c, h, _, _ in cases(snapshot)],
            zip(matchmaker.ranks, baseline.ranks, strict=True),
            strict=True,
        )
    )
    # Warstein is 19 km from Erwitte, with nearer neighbours in between; the Bauhof
    # cooperation ties them, so the matchmaker puts Warstein first.
    ours, distance_only = ranks[("Standesamt Hellweg", WARSTEIN)]
    assert ours == 1 and distance_only > 5


def test_command_prints_both_rankings(profiles):
    out = StringIO()
    call_command("evaluate_matchmaking", stdout=out)
    text = out.getvalue()
    assert "Fälle (verborgene Partner): 5" in text
    assert "recall@5" in text and "recall@10" in text and "MRR" in text
    assert "Partnersuche" in text and "Nur Entfernung" in text


def test_command_cross_validates(profiles):
    out = StringIO()
    call_command("evaluate_matchmaking", "--folds", "2", stdout=out)
    text = out.getvalue()
    assert "Kreuzvalidierung: 2 Folds" in text
    assert "zurückgeh." in text  # the held-out MRR per fold


def test_fit_command_writes_a_weights_file_the_score_loads(profiles, tmp_path):
    import json

    from matchmaking import score

    path = tmp_path / "weights.json"
    call_command("fit_matchmaking", "--output", str(path), stdout=StringIO())
    weights = score.load_weights(path)
    assert set(weights) == set(score.COMPONENT_NAMES)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["cases"] == 5 and document["cooperations"] == 3
    assert document["held_out"]["matchmaker"]["cases"] == 5
