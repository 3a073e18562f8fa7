"""The editors' quality list: what each profile lacks, in the admin and as a command."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from cooperations.models import CooperationPage, CooperationSource
from cooperations.quality import profile_gaps

from .users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(make_profile):
    complete = make_profile("Vollständig", publish=False, sources=())
    for name in ("occasion", "goal", "implementation", "results"):
        setattr(complete, name, "<p>Text.</p>")
        setattr(complete, f"{name}_sources", "s1")
    complete.sources = [CooperationSource(key="s1", url="https://example.org/", sort_order=0)]
    complete.last_reviewed = date.today()
    complete.save_revision().publish()
    lacking = make_profile(
        "Lückenhaft",
        occasion="<p>Ohne Quelle.</p>",
        goal="<p>Falsche Quelle.</p>",
        goal_sources="s9",
        last_reviewed=date.today() - timedelta(days=400),
    )
    return CooperationPage.objects.get(pk=complete.pk), lacking


def test_gaps_name_sections_without_source_results_and_review(profiles):
    report = {item.page.title: item.gaps for item in profile_gaps()}
    assert "Vollständig" not in report
    gaps = report["Lückenhaft"]
    assert "Anlass ohne Quelle" in gaps
    assert "Ziel nennt unbekannte Quelle „s9“" in gaps
    assert "Umsetzung fehlt" in gaps
    assert "kein Ergebnis (Ergebnisse und Kennzahlen leer)" in gaps
    assert any(gap.endswith("vor über einem Jahr") for gap in gaps)


def test_no_review_date(make_profile):
    make_profile("Ungeprüft")
    assert "kein Prüfdatum" in profile_gaps()[0].gaps


def test_command_prints_the_same_report(profiles):
    out = StringIO()
    call_command("profile_quality", stdout=out)
    text = out.getvalue()
    assert "Lückenhaft" in text and "  - Anlass ohne Quelle" in text
    assert "Vollständig" not in text
    assert "1 von 2 Steckbriefen fehlt etwas." in text


def test_admin_list_for_editors_only(client, profiles):
    response = client.get("/admin/steckbrief-qualitaet/")
    assert response.status_code == 302  # to the admin login
    client.force_login(make_user("kommunal", ags="05974016"))
    assert client.get("/admin/steckbrief-qualitaet/").status_code in (302, 403)
    client.force_login(make_user("redakteurin", group="Redaktion"))
    response = client.get("/admin/steckbrief-qualitaet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lückenhaft" in html and "Anlass ohne Quelle" in html and "Vollständig" not in html
    assert "Steckbrief-Qualität" in html
