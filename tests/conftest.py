"""Shared fixtures.

The whole real register (10,751 municipalities, NRW boundaries and borders) is imported
once per test session into the test database; each test runs in a transaction on top of it.
"""

import pytest
from wagtail.models import Page

from register.importer import import_register


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_register(progress=False)


@pytest.fixture(autouse=True)
def clear_caches():
    """Each test starts with empty caches: throttle counters, cached pages, named cache
    entries and the structures built in this process (kooperationsatlas.caching) don't
    leak from one test into the next (the generation itself lives in the database, which
    each test rolls back)."""
    from django.core.cache import caches

    from kooperationsatlas import caching

    for alias in ("default", "pages"):
        caches[alias].clear()
    caching.forget_in_process()


@pytest.fixture
def site_tree(db):
    """The home page and the profile index, as a fresh installation has them."""
    from kooperationsatlas.setup import ensure_site_tree

    home, index = ensure_site_tree()
    return home, index


@pytest.fixture
def make_profile(site_tree):
    """Create a CooperationPage below the index: make_profile("Titel", partners=[...])."""
    from cooperations.models import CooperationPage, CooperationPartner, CooperationSource
    from register.models import County, Municipality

    _, index = site_tree

    def make(
        title, *, partners=(), publish=True, sources=("https://example.org/quelle",), **fields
    ):
        fields.setdefault("summary", f"Kurzbeschreibung von {title}.")
        page = CooperationPage(title=title, live=False, **fields)
        # sort_order as an editor's inline panel sets it: modelcluster's add() does not, and
        # rows with equal sort_order come back in any order (on PostgreSQL, not by insertion).
        for position, (key, role) in enumerate(partners or [("05974016", "lead")]):
            if len(key) == 8:
                partner = CooperationPartner(municipality=Municipality.objects.get(ags=key))
            elif len(key) == 5:
                partner = CooperationPartner(county=County.objects.get(key=key))
            else:
                partner = CooperationPartner(organisation=key)
            partner.role, partner.sort_order = role, position
            page.partners.add(partner)
        for position, url in enumerate(sources):
            page.sources.add(CooperationSource(url=url, sort_order=position))
        index.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()
