"""Fault: a password-protected profile appeared in partner suggestions (issue 17).

A profile with a view restriction (password, login, groups) is not public: it must not be
named or counted anywhere anonymous visitors or the open data reach."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from matchmaking import data
from search.indexing import sync_profiles

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE = "05974016", "05974004"
SECRET = "Geheimes Standesamt Hellweg"


@pytest.fixture
def profiles(make_profile):
    from cooperations.models import TaskArea

    area = TaskArea.objects.get(slug="standesamt")
    visible = make_profile(
        "Offenes Standesamt Ost", partners=[(ERWITTE, "lead")], task_areas=[area]
    )
    secret = make_profile(
        SECRET, partners=[(ERWITTE, "lead"), (ANROECHTE, "member")], task_areas=[area]
    )
    return visible, secret


def restrict(page, django_capture_on_commit_callbacks, **how):
    how.setdefault("restriction_type", PageViewRestriction.PASSWORD)
    how.setdefault("password", "geheim")
    with django_capture_on_commit_callbacks(execute=True):
        return PageViewRestriction.objects.create(page=page, **how)


PUBLIC_URLS = [
    "/partnersuche/?q=Erwitte&aufgabe=standesamt",
    "/api/v1/partnersuche/?q=Erwitte&aufgabe=standesamt&anzahl=20",
    "/suche/?q=Standesamt",
    "/api/v1/suche/?q=Standesamt",
    "/api/v1/steckbriefe/",
    "/daten/steckbriefe.json",
    "/daten/steckbriefe.csv",
    "/feeds/steckbriefe.rss",
    "/feeds/steckbriefe.atom",
    "/sitemap.xml",
    "/",
    "/kooperationen/",
    f"/gemeinden/{ERWITTE}/",
    f"/gemeinden/{ANROECHTE}/",
    "/kreise/05974/",
]


@pytest.mark.parametrize(
    "how",
    [
        {"restriction_type": PageViewRestriction.PASSWORD, "password": "geheim"},
        {"restriction_type": PageViewRestriction.LOGIN},
    ],
    ids=["password", "login"],
)
def test_a_restricted_profile_is_named_nowhere_public(
    profiles, how, django_capture_on_commit_callbacks
):
    visible, secret = profiles
    client = Client()
    # before the restriction: the partner search names it (and the snapshot is built)
    before = client.get(PUBLIC_URLS[1]).content.decode()
    assert SECRET in before
    restrict(secret, django_capture_on_commit_callbacks, **how)
    sync_profiles([secret.pk])  # what the restriction's signal does after the commit
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert SECRET not in body.decode(), url
    # the open profile still shows where the secret one disappeared
    body = client.get(PUBLIC_URLS[1]).json()
    anroechte = next(r for r in body["results"] if r["key"] == ANROECHTE)
    ties = {c["name"]: c["reason"] for c in anroechte["components"]}["ties"]
    assert ties is None  # the only tie was through the secret profile
    assert client.get(f"/api/v1/steckbriefe/{secret.pk}/").status_code == 404
    assert client.get(f"/api/v1/steckbriefe/{visible.pk}/").status_code == 200


def test_a_restriction_reaches_the_kept_snapshot_at_once(
    profiles, django_capture_on_commit_callbacks
):
    """The snapshot is kept per content generation; adding or removing a view restriction
    starts a new one."""
    _, secret = profiles
    assert secret.pk in {c.id for c in data.get_snapshot().cooperations}
    restriction = restrict(secret, django_capture_on_commit_callbacks)
    assert secret.pk not in {c.id for c in data.get_snapshot().cooperations}
    restriction.delete()
    assert secret.pk in {c.id for c in data.get_snapshot().cooperations}
