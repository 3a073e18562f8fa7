"""Guides, FAQ, glossary, the load_guides seed and the profile links to guides and funding."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperations.taxonomy import LegalForm, TaskArea
from funding.models import FundingProgrammePage
from funding.related import UNCHECKED_REASON, funding_for
from funding.seed import load_funding_programmes
from guides.models import (
    FaqPage,
    GlossaryPage,
    GlossaryTerm,
    GuideIndexPage,
    GuidePage,
    Topic,
    sort_key,
)
from guides.related import guides_for
from guides.seed import GLOSSARY, GUIDES, load_guides
from register.models import Municipality

pytestmark = pytest.mark.django_db

REQUIRED_TERMS = [
    "ags",
    "kreis",
    "kreisfreie-stadt",
    "regierungsbezirk",
    "bezirksregierung",
    "ikz",
    "dlz",
    "shared-service-center",
    "gkg-nrw",
    "oeffentlich-rechtliche-vereinbarung",
    "zweckverband",
    "gemeinsames-kommunalunternehmen",
    "anstalt-des-oeffentlichen-rechts",
    "arbeitsgemeinschaft",
    "paragraph-2b-ustg",
    "auftragsverarbeitung",
    "gemeinsame-verantwortlichkeit",
]


def counts():
    return (
        GuideIndexPage.objects.count(),
        GuidePage.objects.count(),
        FaqPage.objects.count(),
        GlossaryPage.objects.count(),
        GlossaryTerm.objects.count(),
    )


@pytest.fixture
def seeded(site_tree):
    load_guides()
    return {page.slug: page for page in GuidePage.objects.all()}


def ags_in(state_key, count):
    return list(
        Municipality.objects.filter(state__key=state_key)
        .order_by("ags")
        .values_list("ags", flat=True)[:count]
    )


def html_of(response):
    return response.content.decode()


# -- seed --------------------------------------------------------------------------------


def test_load_guides_is_idempotent_and_keeps_editor_changes(site_tree):
    out = io.StringIO()
    call_command("load_guides", stdout=out)
    assert "angelegt" in out.getvalue()
    first = counts()
    assert first == (1, len(GUIDES), 1, 1, len(GLOSSARY))

    guide = GuidePage.objects.get(slug="rechtsformen-gkg-nrw")
    guide.title = "Von der Redaktion geändert"
    guide.save_revision().publish()

    assert load_guides() == 0
    assert counts() == first
    assert GuidePage.objects.get(slug="rechtsformen-gkg-nrw").title == "Von der Redaktion geändert"


def test_seed_guides_are_published_sourced_and_related(seeded):
    for spec in GUIDES:
        page = seeded[spec["slug"]]
        assert page.live
        kinds = [block.block_type for block in page.body]
        assert "sources" in kinds, spec["slug"]
        sources = next(block.value for block in page.body if block.block_type == "sources")
        assert all(item["url"].startswith("https://") for item in sources["items"])
        assert {term.slug for term in page.legal_forms.all()} == set(spec["legal_forms"])
        assert {term.slug for term in page.task_areas.all()} == set(spec["task_areas"])
    phases = [
        block.value["name"]
        for block in seeded["vorgehensmodell-ikz-dlz"].body
        if block.block_type == "phase"
    ]
    assert phases == [
        "Initialisierung",
        "Konzeption",
        "Umsetzungsvorbereitung",
        "Umsetzung",
        "Regelbetrieb",
    ]


def test_every_required_glossary_term_is_seeded(seeded):
    assert set(REQUIRED_TERMS) <= set(GlossaryTerm.objects.values_list("slug", flat=True))


# -- rendering ---------------------------------------------------------------------------


def test_guide_index_groups_by_topic_and_links_faq_and_glossary(client, seeded):
    response = client.get("/leitfaeden/")
    assert response.status_code == 200
    html = html_of(response)
    headings = re.findall(r'<h2 id="thema-([a-z]+)">', html)
    assert headings == ["vorgehen", "recht", "steuern", "datenschutz"]
    assert 'href="/leitfaeden/haeufige-fragen/"' in html
    assert 'href="/leitfaeden/glossar/"' in html
    for slug in seeded:
        assert f'href="/leitfaeden/{slug}/"' in html


def test_guide_page_renders_its_blocks(client, seeded):
    html = html_of(client.get("/leitfaeden/vorgehensmodell-ikz-dlz/"))
    assert '<h1 id="guide-title">Vorgehensmodell für ein IKZ- oder DLZ-Projekt</h1>' in html
    assert '<h2 id="phase-initialisierung">Initialisierung</h2>' in html
    assert '<a href="#phase-regelbetrieb">Regelbetrieb</a>' in html  # table of contents
    assert "<strong>Projektbeschreibung</strong>" in html
    assert "<strong>DLZ-Konzept</strong>" in html
    assert "<strong>Umsetzungskonzept</strong>" in html
    assert html.count('class="checklist"') == 5
    assert 'class="callout callout--tipp"' in html

    html = html_of(client.get("/leitfaeden/umsatzsteuer-2b-ustg/"))
    assert 'class="legal-reference"' in html
    assert 'href="https://www.gesetze-im-internet.de/ustg_1980/__2b.html"' in html
    assert '<h2 id="quellen">Quellen</h2>' in html
    assert "callout--achtung" in html


def test_glossary_has_one_anchor_per_term_in_alphabetical_order(client, seeded):
    response = client.get("/leitfaeden/glossar/")
    assert response.status_code == 200
    html = html_of(response)
    ids = re.findall(r'<dt id="begriff-([a-z0-9-]+)">', html)
    assert len(ids) == len(set(ids)) == GlossaryTerm.objects.count()
    assert set(REQUIRED_TERMS) <= set(ids)
    terms = {term.slug: term.term for term in GlossaryTerm.objects.all()}
    keys = [sort_key(terms[slug]) for slug in ids[1:]]
    assert keys == sorted(keys)
    assert ids[0] == "paragraph-2b-ustg"  # signs and digits come first
    assert 'href="#buchstabe-z"' in html and '<h2 id="buchstabe-z">Z</h2>' in html
    assert 'href="#begriff-zweckverband"' in html


def test_glossary_letter_groups_terms():
    assert GlossaryTerm(term="Öffentlich-rechtliche Vereinbarung").letter == "O"
    assert GlossaryTerm(term="§ 2b UStG").letter == "#"
    assert sort_key("Äpfel") < sort_key("Birnen")


def test_faq_answers_link_guides_and_tools(client, seeded):
    response = client.get("/leitfaeden/haeufige-fragen/")
    assert response.status_code == 200
    html = html_of(response)
    assert '<h3 id="frage-faellt-bei-leistungen-zwischen-kommunen-umsatzsteuer-an">' in html
    for href in ("/foerderung/check/", "/suche/", "/partnersuche/", "/leitfaeden/glossar/"):
        assert f'href="{href}"' in html
    for slug in seeded:
        assert f'href="/leitfaeden/{slug}/"' in html
    questions = FaqPage.objects.get().questions()
    assert any("Kooperationsatlas" in question["question"] for question in questions)


def test_unpublished_guide_is_neither_listed_nor_served(client, seeded):
    guide = seeded["datenschutz-ikz"]
    guide.unpublish()
    assert client.get("/leitfaeden/datenschutz-ikz/").status_code == 404
    assert "/leitfaeden/datenschutz-ikz/" not in html_of(client.get("/leitfaeden/"))


# -- guides_for --------------------------------------------------------------------------


def test_guides_for_uses_legal_form_ancestors(seeded, make_profile):
    delegating = LegalForm.objects.get(slug="oeffentlich-rechtliche-vereinbarung-delegierend")
    profile = make_profile("Gemeinsame Kasse", legal_form=delegating)
    guides = guides_for(profile)
    slugs = [guide.slug for guide in guides]
    assert set(slugs) == {"rechtsformen-gkg-nrw", "umsatzsteuer-2b-ustg", "vorgehensmodell-ikz-dlz"}
    assert slugs[-1] == "vorgehensmodell-ikz-dlz"  # the general guide after the specific ones
    reasons = {guide.slug: guide.match_reasons for guide in guides}
    assert reasons["rechtsformen-gkg-nrw"] == ["Rechtsform: Öffentlich-rechtliche Vereinbarung"]
    assert reasons["vorgehensmodell-ikz-dlz"] == ["für alle Kooperationen"]


def test_guides_for_uses_task_area_ancestors(seeded, make_profile):
    profile = make_profile("Gemeinsames Archiv")
    profile.task_areas.set([TaskArea.objects.get(slug="archiv")])
    profile.save()
    slugs = {guide.slug for guide in guides_for(profile)}
    assert slugs == {"datenschutz-ikz", "vorgehensmodell-ikz-dlz"}


def test_guides_for_a_profile_without_legal_form_or_task_area(seeded, make_profile):
    profile = make_profile("Ohne Einordnung")
    assert [guide.slug for guide in guides_for(profile)] == ["vorgehensmodell-ikz-dlz"]


def test_guides_for_never_returns_unpublished_or_private_guides(seeded, make_profile):
    index = GuideIndexPage.objects.get()
    draft = GuidePage(
        title="Entwurf für alle",
        slug="entwurf-fuer-alle",
        summary="Noch nicht freigegeben.",
        topic=Topic.SONSTIGES,
        applies_to_all=True,
        live=False,
    )
    index.add_child(instance=draft)
    draft.save_revision()
    seeded["vorgehensmodell-ikz-dlz"].unpublish()
    profile = make_profile("Irgendeine Kooperation")
    assert guides_for(profile) == []


def test_guides_for_needs_a_fixed_number_of_queries(seeded, make_profile):
    area = TaskArea.objects.get(slug="archiv")
    profile = make_profile(
        "Viele Treffer",
        legal_form=LegalForm.objects.get(slug="oeffentlich-rechtliche-vereinbarung-delegierend"),
    )
    profile.task_areas.set([area])
    profile.save()
    profile = type(profile).objects.get(pk=profile.pk)
    with CaptureQueriesContext(connection) as few:
        assert len(guides_for(profile)) == 4
    index = GuideIndexPage.objects.get()
    for number in range(5):
        extra = GuidePage(
            title=f"Zusatz {number}", slug=f"zusatz-{number}", summary="x", topic=Topic.SONSTIGES
        )
        extra.task_areas.set([area])
        index.add_child(instance=extra)
        extra.save_revision().publish()
    profile = type(profile).objects.get(pk=profile.pk)
    with CaptureQueriesContext(connection) as many:
        assert len(guides_for(profile)) == 9
    assert len(many.captured_queries) == len(few.captured_queries)


# -- funding_for -------------------------------------------------------------------------


@pytest.fixture
def programmes(site_tree):
    load_funding_programmes()
    return {page.slug: page for page in FundingProgrammePage.objects.all()}


def funding_slugs(profile):
    return [(match.programme.slug, match.checked) for match in funding_for(profile)]


def test_funding_for_two_nrw_partners_gets_the_nrw_programme_first(programmes, make_profile):
    first, second = ags_in("05", 2)
    profile = make_profile("Zwei NRW-Partner", partners=[(first, "lead"), (second, "member")])
    matches = funding_for(profile)
    assert funding_slugs(profile) == [
        ("foerderrichtlinie-ikz-nrw", True),
        ("bmf-investitionsberatung-pd", False),
    ]
    assert "2 Partner in NRW" in matches[0].reason
    assert matches[1].reason == UNCHECKED_REASON


def test_funding_for_cross_border_profile(programmes, make_profile):
    (nrw,) = ags_in("05", 1)
    (hesse,) = ags_in("06", 1)
    profile = make_profile("Grenzüberschreitend", partners=[(nrw, "lead"), (hesse, "member")])
    assert ("foerderrichtlinie-ikz-nrw", True) in funding_slugs(profile)


def test_funding_for_excludes_the_nrw_programme_without_enough_nrw_partners(
    programmes, make_profile
):
    (nrw,) = ags_in("05", 1)
    first, second = ags_in("06", 2)
    one_nrw = make_profile("Ein NRW-Partner", partners=[(nrw, "lead"), ("GPA NRW", "other")])
    outside = make_profile("Hessen", partners=[(first, "lead"), (second, "member")])
    for profile in (one_nrw, outside):
        assert funding_slugs(profile) == [("bmf-investitionsberatung-pd", False)]


def test_funding_for_only_organisations_and_unpublished_programmes(programmes, make_profile):
    only_orgs = make_profile("Nur Organisationen", partners=[("Ein Verein ohne Schlüssel", "lead")])
    assert funding_for(only_orgs) == []
    programmes["bmf-investitionsberatung-pd"].unpublish()
    first, second = ags_in("05", 2)
    profile = make_profile("NRW", partners=[(first, "lead"), (second, "member")])
    assert funding_slugs(profile) == [("foerderrichtlinie-ikz-nrw", True)]


# -- profile page ------------------------------------------------------------------------


def test_profile_page_shows_related_guides_and_funding(client, seeded, programmes, make_profile):
    first, second = ags_in("05", 2)
    profile = make_profile(
        "Gemeinsamer Zweckverband",
        partners=[(first, "lead"), (second, "member")],
        legal_form=LegalForm.objects.get(slug="zweckverband"),
    )
    seeded["rechtsformen-gkg-nrw"].unpublish()
    response = client.get(profile.url)
    assert response.status_code == 200
    html = html_of(response)
    assert '<h2 id="related-guides-heading">Passende Leitfäden</h2>' in html
    assert '<h2 id="related-funding-heading">Passende Förderprogramme</h2>' in html
    assert 'href="/leitfaeden/umsatzsteuer-2b-ustg/"' in html
    assert 'href="/leitfaeden/vorgehensmodell-ikz-dlz/"' in html
    assert "/leitfaeden/rechtsformen-gkg-nrw/" not in html  # unpublished
    assert "/leitfaeden/datenschutz-ikz/" not in html  # no fitting task area
    assert 'href="/foerderung/foerderrichtlinie-ikz-nrw/"' in html
    assert f'href="/foerderung/check/?steckbrief={profile.pk}"' in html
    assert 'href="#passende-leitfaeden"' in html


def test_editorial_groups_get_glossary_permissions():
    from django.contrib.auth.models import Group

    def codenames(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="guides")
            .values_list("codename", flat=True)
        )

    assert codenames("Redaktion") == {"view_glossaryterm"}
    assert codenames("Moderation") == {
        "add_glossaryterm",
        "change_glossaryterm",
        "delete_glossaryterm",
        "view_glossaryterm",
    }


def test_guide_pages_are_in_the_wagtail_search_index(seeded):
    # "Verbandsumlage" occurs only in the body (StreamField) of the legal forms guide.
    assert [page.slug for page in GuidePage.objects.search("Verbandsumlage")] == [
        "rechtsformen-gkg-nrw"
    ]
    assert "umsatzsteuer-2b-ustg" in [page.slug for page in GuidePage.objects.search("2b")]


def test_profile_page_follows_guide_publishing_with_the_page_cache_on(
    client, seeded, make_profile, settings
):
    """The related guides are remembered per content generation: a publish shows at once."""
    settings.PAGE_CACHE_SECONDS = 300
    profile = make_profile(
        "Zweckverband mit Cache", legal_form=LegalForm.objects.get(slug="zweckverband")
    )
    guide = seeded["rechtsformen-gkg-nrw"]
    assert "/leitfaeden/rechtsformen-gkg-nrw/" in html_of(client.get(profile.url))
    guide.unpublish()
    assert "/leitfaeden/rechtsformen-gkg-nrw/" not in html_of(client.get(profile.url))
    guide.save_revision().publish()
    assert "/leitfaeden/rechtsformen-gkg-nrw/" in html_of(client.get(profile.url))


def test_gkg_references_link_the_law_and_name_the_paragraph(seeded, client):
    """The law portal's home page was the target before; now the GkG NRW itself, and the
    box says which paragraph to open (no unverifiable per-paragraph ids)."""
    html = client.get("/leitfaeden/rechtsformen-gkg-nrw/").content.decode()
    law = "https://recht.nrw.de/lmi/owa/br_bes_text?anw_nr=2&amp;gld_nr=2&amp;ugl_nr=202&amp;bes_id=3978"
    assert f'<a href="{law}" rel="noopener">§ 1 GkG NRW</a>' in html
    assert "der Link öffnet das ganze Gesetz; dort § 1 aufrufen" in html
    assert 'href="https://recht.nrw.de"' not in html


def test_a_paragraph_address_needs_no_hint():
    from guides.blocks import LegalReferenceBlock

    block = LegalReferenceBlock()
    deep = block.to_python(
        {
            "law": "GkG NRW",
            "paragraph": "§ 28",
            "url": "https://recht.nrw.de/lmi/owa/br_bes_detail?bes_id=3978&anw_nr=2"
            "&aufgehoben=N&det_id=581198",
            "note": "",
        }
    )
    assert "ganze Gesetz" not in block.render(deep)
    whole = block.to_python({**deep, "url": "https://recht.nrw.de/lmi/owa/br_bes_text?bes_id=3978"})
    assert "dort § 28 aufrufen" in block.render(whole)
