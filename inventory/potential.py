"""The potential map of a task area (/bestandsaufnahme/potenzial/<aufgabe>/).

For the NRW municipalities: which are partners of a published cooperation in the task area
(or a sub-area), which declared interest in the latest survey and agreed to be named, and
which have neither; groups of neighbouring municipalities that all declared interest; per
Kreis, the best partner suggestions of the matchmaker for the municipalities without a
published cooperation. Everything comes from the matchmaker's snapshot (register,
published profiles, public Börse entries, named survey interest), so nothing unpublished
is shown.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from cooperations.taxonomy import TaskArea
from matchmaking import score
from matchmaking.data import get_snapshot
from register.models import County, State, register_url

from .maps import class_map

NRW = "05"
SUGGESTIONS = 3  # partner suggestions per municipality
REASONS = 3  # reasons shown per suggestion (the components with the most points)
COLOURS = {"k": "#0b3d6b", "i": "#e8a33d", "a": "#eef2f5", "n": "#ffffff"}
LEGEND = (
    ("k", "Partner einer veröffentlichten Kooperation in diesem Aufgabenbereich"),
    ("i", "Interesse oder geplante Zusammenarbeit laut Erhebung (mit Zustimmung genannt)"),
    ("a", "keine veröffentlichte Kooperation in diesem Aufgabenbereich"),
)
NUMBER_WORDS = {2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben"}


def number_word(n):
    return NUMBER_WORDS.get(n, str(n))


def names_text(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def interest_groups(snapshot, interested):
    """Connected groups (two or more) of neighbouring municipalities among ``interested``
    (body indices), each sorted by name; largest groups first."""
    borders, seen, groups = snapshot.bodies.borders, set(), []
    for start in sorted(interested):
        if start in seen:
            continue
        group, frontier = {start}, [start]
        while frontier:
            body = frontier.pop()
            for other in borders.get(body, {}):
                if other in interested and other not in group:
                    group.add(other)
                    frontier.append(other)
        seen |= group
        if len(group) > 1:
            groups.append(sorted(group, key=lambda b: snapshot.bodies.names[b]))
    return sorted(groups, key=lambda g: (-len(g), snapshot.bodies.names[g[0]]))


def _suggestions(snapshot, body, area_id):
    scorer = score.Scorer(snapshot, body, task_areas=[area_id])
    found = []
    for rank, candidate in enumerate(scorer.top(SUGGESTIONS), start=1):
        suggestion = scorer.explain(candidate, rank)
        reasons = [
            c.reason
            for c in sorted(suggestion.components, key=lambda c: -c.points)
            if c.points > 0 and c.reason
        ][:REASONS]
        found.append({"name": suggestion.name, "key": suggestion.key, "reasons": reasons})
    return found


def _body_url(bodies, body):
    if bodies.level[body] == score.COUNTY:
        return register_url("register:county", bodies.keys[body])
    return register_url("register:municipality", bodies.keys[body])


@require_safe
def potential(request, aufgabe):
    area = get_object_or_404(TaskArea, slug=aufgabe)
    snapshot = get_snapshot(request)
    bodies = snapshot.bodies
    matched, _ = snapshot.expand_areas([area.pk])
    nrw = State.objects.get(key=NRW).pk
    municipalities = [
        i
        for i in range(len(bodies))
        if bodies.level[i] == score.MUNICIPALITY and int(bodies.state[i]) == nrw
    ]
    in_nrw = set(municipalities)
    cooperating = {}  # body -> [titles]
    for cooperation in snapshot.cooperations:
        if cooperation.task_areas & matched:
            for body, _ in cooperation.members:
                cooperating.setdefault(body, []).append(cooperation.title)
    interested = {}  # body -> SurveyInterest
    for interest in snapshot.interests:
        if interest.task_area in matched:
            interested.setdefault(interest.body, interest)
    entries = {}  # body -> public Börse entries in the area
    for entry in snapshot.entries:
        if entry.task_areas & matched:
            entries.setdefault(entry.body, []).append(entry)

    def classify_body(body):
        if body in cooperating:
            return "k"
        if body in interested:
            return "i"
        return "a"

    by_ags = {bodies.keys[i]: i for i in municipalities}
    texts = {"k": LEGEND[0][1], "i": LEGEND[1][1], "a": LEGEND[2][1]}

    def classify(ags):
        body = by_ags.get(ags)
        if body is None:
            return "n", ""
        suffix = classify_body(body)
        return suffix, texts[suffix]

    chart = class_map(
        classify,
        COLOURS,
        map_id="karte-potenzial",
        title=f"Potenzialkarte {area.name}: Gemeinden in Nordrhein-Westfalen",
        description="Dunkel: Partner einer veröffentlichten Kooperation; orange: Interesse "
        "laut Erhebung; hell: keine veröffentlichte Kooperation. Die Listen unter der Karte "
        "nennen dieselben Gemeinden.",
    )

    groups = []
    for group in interest_groups(snapshot, {b for b in interested if b in in_nrw}):
        names = [bodies.names[b] for b in group]
        campaign = interested[group[0]].campaign
        groups.append(
            {
                "text": f"Potenzial: {number_word(len(group))} benachbarte Gemeinden haben "
                f"Interesse an einer Zusammenarbeit bei „{area.name}“ angegeben: "
                f"{names_text(names)}.",
                "campaign": campaign,
                "members": [
                    {
                        "name": bodies.names[b],
                        "url": _body_url(bodies, b),
                        "entries": [
                            {"title": e.title, "url": reverse("boerse:detail", args=[e.id])}
                            for e in entries.get(b, ())
                        ],
                    }
                    for b in group
                ],
            }
        )

    counties = County.objects.filter(state__key=NRW).order_by("display_name")
    alone_by_county = {}
    for body in municipalities:
        if body not in cooperating:
            alone_by_county.setdefault(int(bodies.county[body]), []).append(body)
    county_rows = [
        {
            "key": county.key,
            "name": county.display_name,
            "alone": len(alone_by_county.get(county.pk, ())),
            "url": reverse("inventory:potential", args=[area.slug]) + f"?kreis={county.key}#kreis",
        }
        for county in counties
    ]

    chosen, chosen_rows, error = None, [], ""
    kreis = request.GET.get("kreis", "").strip()
    if kreis:
        chosen = next((c for c in counties if c.key == kreis), None)
        if chosen is None:
            error = (
                "Unbekannter Kreis: Bitte einen Kreis oder eine kreisfreie Stadt in "
                "Nordrhein-Westfalen aus der Liste wählen."
            )
        else:
            for body in sorted(
                alone_by_county.get(chosen.pk, ()), key=lambda b: bodies.names[b]
            ):
                chosen_rows.append(
                    {
                        "name": bodies.names[body],
                        "url": _body_url(bodies, body),
                        "interested": body in interested,
                        "suggestions": _suggestions(snapshot, body, area.pk),
                    }
                )

    context = {
        "area": area,
        "chart": chart,
        "legend": [(suffix, label, COLOURS[suffix]) for suffix, label in LEGEND],
        "counts": {
            "cooperating": sum(1 for b in municipalities if b in cooperating),
            "interested": sum(
                1 for b in municipalities if b in interested and b not in cooperating
            ),
            "total": len(municipalities),
        },
        "groups": groups,
        "county_rows": county_rows,
        "chosen": chosen,
        "chosen_rows": chosen_rows,
        "error": error,
        "survey_weight": score.DEFAULT_WEIGHTS["survey"],
        "boerse_create_url": reverse("boerse:create"),
        "areas": TaskArea.objects.filter(parent__isnull=True).order_by("sort_order", "name"),
    }
    return render(request, "inventory/potential.html", context, status=400 if error else 200)
