"""The synthetic profile generator of the search benchmark (benchmarks/synthetic.py).

Small (N=20), so the generator cannot rot unnoticed: its pages must be real, live, labelled
profiles that the search indexes like any other.
"""

import json
import re

import pytest
from wagtail.models import Page

from benchmarks import synthetic
from cooperations.demo import DEFAULT_JSON
from cooperations.models import CooperationPage, LegalForm, TaskArea
from search.documents import build_document, indexable_profiles

N = 20
TITLE = re.compile(r"^Synthetischer Steckbrief \d{5} \(Benchmark\)$")


@pytest.fixture
def register(db):
    return synthetic.Register.load()


def test_specs_are_reproducible_and_prefix_stable(register):
    first = list(synthetic.generate_specs(register, N, seed=7))
    again = list(synthetic.generate_specs(register, N, seed=7))
    later = list(synthetic.generate_specs(register, 5, seed=7, first=11))
    other = list(synthetic.generate_specs(register, N, seed=8))
    assert first == again
    assert later == first[10:15]
    assert first != other


def test_specs_are_labelled_and_plausible(register):
    specs = list(synthetic.generate_specs(register, N))
    for spec in specs:
        assert TITLE.match(spec.title)
        assert spec.slug.startswith(synthetic.SLUG_PREFIX)
        assert "Synthetischer Benchmark-Datensatz" in spec.summary
        assert 2 <= len(spec.partners) <= 12
        municipal = [p for p in spec.partners if p.municipality_id]
        assert len(municipal) >= 2
        assert len({p.municipality_id for p in municipal}) == len(municipal)
        assert spec.task_areas and all(slug in register.task_areas for slug in spec.task_areas)
        assert spec.legal_form is None or spec.legal_form in register.legal_forms
        assert spec.start_year is None or 1975 <= spec.start_year <= 2025
    # Partners are neighbours or close by: all within one Land in nearly every profile.
    states = [
        {
            register.municipalities[p.municipality_id].state_id
            for p in s.partners
            if p.municipality_id
        }
        for s in specs
    ]
    assert sum(len(found) == 1 for found in states) >= N * 0.8


def test_pages_are_live_public_profiles(register, site_tree):
    _home, index = site_tree
    specs = list(synthetic.generate_specs(register, N))
    page_ids = synthetic.create_pages(register, specs, index=index, batch_size=8)
    assert len(page_ids) == N

    pages = list(indexable_profiles().filter(pk__in=page_ids))
    assert len(pages) == N
    assert all(page.live and TITLE.match(page.title) for page in pages)
    # The tree is consistent (treebeard paths, depth and numchild computed by the generator).
    assert all(not problems for problems in Page.find_problems())
    index.refresh_from_db()
    assert index.numchild == index.get_children().count()
    assert {page.get_parent().pk for page in pages} == {index.pk}

    page = CooperationPage.objects.get(pk=page_ids[0])
    spec = specs[0]
    assert page.url == f"/kooperationen/{spec.slug}/"
    assert page.partners.count() == len(spec.partners)
    assert set(page.task_areas.values_list("slug", flat=True)) == set(spec.task_areas)
    assert page.sources.get().document_reference == synthetic.SOURCE_LABEL
    if spec.legal_form:
        assert page.legal_form == LegalForm.objects.get(slug=spec.legal_form)
    assert TaskArea.objects.filter(slug__in=spec.task_areas).count() == len(spec.task_areas)


def test_documents_without_pages_equal_documents_of_pages(register, site_tree):
    _home, index = site_tree
    specs = list(synthetic.generate_specs(register, N))
    page_ids = synthetic.create_pages(register, specs, index=index)
    from_pages = [build_document(page) for page in indexable_profiles().filter(pk__in=page_ids)]
    without = list(
        synthetic.synthetic_documents(register, specs, first_id=page_ids[0], index=index)
    )
    assert [d["id"] for d in without] == page_ids
    for document in without + from_pages:
        # Tags come in database order (PostgreSQL returns them in any order).
        document["keywords"].sort()
    assert without == from_pages


def test_wagtail_search_index_is_filled(register, site_tree):
    _home, index = site_tree
    page_ids = synthetic.create_pages(register, synthetic.generate_specs(register, N), index=index)
    synthetic.index_wagtail_search(page_ids)
    found = CooperationPage.objects.live().search("Synthetischer")
    assert {page.pk for page in found} == set(page_ids)


def test_demo_content_has_no_synthetic_profiles():
    text = json.dumps(json.loads(DEFAULT_JSON.read_text(encoding="utf-8")), ensure_ascii=False)
    assert "Synthetisch" not in text
    assert "(Benchmark)" not in text
