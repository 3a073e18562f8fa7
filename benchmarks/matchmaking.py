"""Partner search benchmark: server-side time of one suggestion request over the register.

Run: .venv/bin/python benchmarks/matchmaking.py [--repeat R]

Reads the database the settings point at (default: the dev database var/db.sqlite3 with
the full register and the demo profiles; set DATABASE_URL for another one); writes
nothing. Times, per request of a fixed mix of 24 (municipalities and Kreise all over
Germany, with and without task areas, with a radius and with changed weights):

* "Anfrage": the JSON operation ``/api/v1/partnersuche/`` called with a RequestFactory: form
  validation and name resolution (database), the content generation (the snapshot is kept),
  scoring all 10,751 municipalities and the Kreise, explanations of the best 20, JSON;
* "nur Bewertung": ``score.Scorer`` + explanations on the cached snapshot.

Plus the one-off cost of building the snapshot (first request of a process, and after
every change of the content generation). Prints median and p95 and PASS/FAIL for the target
(median of a request ≤ 20 ms). Exit code 0 unless the target is missed.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 20

# (q, task area slugs, extra parameters)
MIX = [
    ("05974016", [], {}),  # Erwitte
    ("05974016", ["standesamt"], {}),
    ("05974016", ["personal-beihilfe", "it-rechenzentrum"], {}),
    ("Anröchte", ["bauhof"], {}),
    ("05315000", [], {}),  # Köln
    ("05315000", ["abwasser"], {"umkreis": "50"}),
    ("05974", ["feuerwehr-leitstelle"], {}),  # Kreis Soest
    ("05966", [], {}),  # Kreis Olpe
    ("Bielefeld", ["jugendamt"], {}),
    ("05515000", ["innere-verwaltung"], {}),  # Münster
    ("09162000", [], {}),  # München
    ("09162000", ["tourismus"], {"umkreis": "100"}),
    ("11000000", [], {}),  # Berlin
    ("01001000", ["wirtschaftsfoerderung"], {}),  # Flensburg
    ("08111000", ["klimaschutz"], {}),  # Stuttgart
    ("07", [], {}),  # replaced below by a Rhineland-Palatinate village
    ("05558", ["sozialamt"], {}),  # Kreis Coesfeld
    ("05766", [], {"gewicht_entfernung": "1", "gewicht_erfahrung": "3"}),  # Kreis Lippe
    ("05170", ["archiv"], {"anzahl": "100"}),  # Kreis Wesel
    ("Warstein", ["breitband"], {"gewicht_zusammenarbeit": "0"}),
    ("05334", ["veterinaer-lebensmittelueberwachung"], {}),  # Städteregion Aachen
    ("16053000", ["schultraegerschaft"], {}),  # Jena
    ("03241001", [], {"umkreis": "25"}),  # Hannover
    ("05562", ["kasse-finanzwesen", "steuern-vollstreckung"], {}),  # Kreis Recklinghausen
]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperationsatlas.settings.dev")
    import django

    django.setup()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.test import RequestFactory
    from django.urls import resolve

    from cooperations.models import TaskArea
    from matchmaking import data, score
    from register.models import Municipality

    partner_api = resolve("/api/v1/partnersuche/").func  # the API operation's view

    village = Municipality.objects.filter(state__key="07", population__lt=1000).order_by("ags")
    mix = [(village.first().ags if q == "07" else q, a, p) for q, a, p in MIX]
    area_ids = dict(TaskArea.objects.values_list("slug", "id"))
    factory = RequestFactory()

    started = time.perf_counter()
    snapshot = data.build_snapshot()
    build_s = time.perf_counter() - started

    requests, scoring = [], []
    for round_ in range(args.repeat + 1):  # round 0 warms up
        for q, areas, extra in mix:
            params = {"q": q, "aufgabe": areas, **extra}
            request = factory.get("/api/v1/partnersuche/", params, HTTP_HOST="127.0.0.1")
            started = time.perf_counter()
            response = partner_api(request)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (params, response.content[:300])
            query = snapshot.bodies.index[json.loads(response.content)["query"]["key"]]
            started = time.perf_counter()
            scorer = score.Scorer(snapshot, query, [area_ids[a] for a in areas])
            [scorer.explain(b, r) for r, b in enumerate(scorer.top(20), 1)]
            score_ms = (time.perf_counter() - started) * 1000
            if round_:
                requests.append(elapsed)
                scoring.append(score_ms)

    bodies = snapshot.bodies
    municipalities = int((bodies.level == score.MUNICIPALITY).sum())

    def de(number):
        return f"{number:,}".replace(",", ".")

    print(
        f"Partnersuche: {de(municipalities)} Gemeinden + {len(bodies) - municipalities} Kreise, "
        f"{len(snapshot.cooperations)} Steckbriefe, {len(snapshot.entries)} Börsen-Einträge; "
        f"{connection.vendor}, Python {platform.python_version()}, "
        f"{len(mix)} Anfragen × {args.repeat}, Last {os.getloadavg()[0]:.1f}"
    )
    print(f"Snapshot aufbauen (einmal je Prozess, Inhaltsgeneration und Tag): {build_s:.2f} s")
    print(f"{'':<16}{'Median':>10}{'p95':>10}{'max':>10}")
    for label, values in (("Anfrage", requests), ("nur Bewertung", scoring)):
        print(
            f"{label:<16}{statistics.median(values):>8.1f} ms{percentile(values, 0.95):>7.1f} ms"
            f"{max(values):>7.1f} ms"
        )
    median = statistics.median(requests)
    ok = median <= TARGET_MEDIAN_MS
    print(
        f"{'PASS' if ok else 'FAIL'}  Median einer Anfrage {median:.1f} ms "
        f"(Ziel ≤ {TARGET_MEDIAN_MS} ms)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
