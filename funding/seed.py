"""The seed funding programmes: only the facts the project has checked, nothing guessed.

Fields without a checked fact stay empty and are shown as "nicht bekannt"; no link is
given because no stable URL has been verified.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from .models import FundingIndexPage, FundingProgrammePage

INDEX = {
    "title": "Förderprogramme",
    "slug": "foerderung",
    "intro": (
        "<p>Förderprogramme für interkommunale Zusammenarbeit: wer fördert, wer antragsberechtigt "
        "ist, was gefördert wird, in welcher Höhe und unter welchen Voraussetzungen.</p>"
    ),
}

PROGRAMMES = [
    {
        "title": "Förderrichtlinie IKZ NRW",
        "slug": "foerderrichtlinie-ikz-nrw",
        "provider": "Land Nordrhein-Westfalen",
        "summary": (
            "Festbetragsförderung für interkommunale Zusammenarbeit in Nordrhein-Westfalen "
            "nach den Richtlinien vom 31.08.2021; interkommunale Dienstleistungszentren sind "
            "seit dem 05.06.2023 ausdrücklich förderfähig."
        ),
        "eligible_applicants": (
            "<p>Kooperationen von mindestens zwei Partnern in Nordrhein-Westfalen; "
            "grenzüberschreitende Projekte mit einem Partner in Nordrhein-Westfalen.</p>"
        ),
        "funded": (
            "<p>Interkommunale Zusammenarbeit mit einer Laufzeit von mindestens fünf Jahren. "
            "Interkommunale Dienstleistungszentren sind seit dem 05.06.2023 ausdrücklich "
            "förderfähig.</p>"
        ),
        "amounts": (
            "<ul><li>Festbetrag 175.000 EUR für zwei Partner in NRW, höchstens 90 % der "
            "förderfähigen Kosten;</li>"
            "<li>für jeden weiteren Partner zusätzlich 35.000 EUR;</li>"
            "<li>grenzüberschreitende Projekte mit einem NRW-Partner: 75.000 EUR.</li></ul>"
        ),
        "max_amount_eur": Decimal(175_000),
        "max_amount_label": "Festbetrag für zwei NRW-Partner",
        "funding_rate_max_percent": Decimal(90),
        "conditions": (
            "<ul><li>Laufzeit der Zusammenarbeit mindestens fünf Jahre;</li>"
            "<li>mindestens 15 % Einsparung oder eine wesentliche Leistungsverbesserung;</li>"
            "<li>Antrag an die Bezirksregierung vor Projektbeginn.</li></ul>"
        ),
        "deadlines": "<p>Der Antrag ist vor Projektbeginn zu stellen.</p>",
        "application_to": "Bezirksregierung",
        "link": "",
        "legal_basis": "Förderrichtlinie IKZ NRW (Richtlinien vom 31.08.2021)",
        "rules_date": datetime.date(2021, 8, 31),
        "has_check": True,
    },
    {
        "title": "Investitionsberatung des BMF durch Partnerschaften Deutschland",
        "slug": "bmf-investitionsberatung-pd",
        "provider": (
            "Bundesministerium der Finanzen (BMF); Beratung durch Partnerschaften Deutschland"
        ),
        "summary": (
            "Investitionsberatung für Kommunen durch Partnerschaften Deutschland in Stufen: "
            "Stufe 1 bis zu 2 Beratertage, Stufe 1+2 bis zu 5 Beratertage, Stufe 3 bis zu "
            "40.000 EUR."
        ),
        "eligible_applicants": "",
        "funded": ("<p>Investitionsberatung durch Partnerschaften Deutschland, in Stufen.</p>"),
        "amounts": (
            "<ul><li>Stufe 1: bis zu 2 Beratertage;</li>"
            "<li>Stufe 1+2: bis zu 5 Beratertage;</li>"
            "<li>Stufe 3: bis zu 40.000 EUR.</li></ul>"
        ),
        "max_amount_eur": Decimal(40_000),
        "max_amount_label": "Höchstbetrag Stufe 3",
        "funding_rate_max_percent": None,
        "conditions": "",
        "deadlines": "",
        "application_to": "",
        "link": "",
        "legal_basis": "",
        "rules_date": None,
        "has_check": False,
    },
]


@transaction.atomic
def load_funding_programmes():
    """Create the index and the seed programmes that are missing (by slug); publish them.

    Existing pages are left as they are, so an editor's changes are never overwritten.
    Returns the number of pages created.
    """
    from kooperationsatlas.setup import ensure_site_tree

    home, _ = ensure_site_tree()
    created = 0
    index = FundingIndexPage.objects.filter(slug=INDEX["slug"]).first()
    if index is None:
        index = home.add_child(instance=FundingIndexPage(**INDEX))
        index.save_revision().publish()
        created += 1
    for fields in PROGRAMMES:
        if FundingProgrammePage.objects.filter(slug=fields["slug"]).exists():
            continue
        page = index.add_child(instance=FundingProgrammePage(**fields))
        page.save_revision().publish()
        created += 1
    return created
