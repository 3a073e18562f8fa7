"""Municipal accounts: login, "Mein Konto", account admin, contact data visibility."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from accounts.models import MunicipalAccount
from boerse.models import BoerseEntry, EntryStatus
from cooperations.models import ContactPerson
from register.models import County, Municipality

pytestmark = pytest.mark.django_db

PASSWORD = "ein-sicheres-passwort-1"
ERWITTE = "05974016"


def make_account(username="erwitte", *, verified=True):
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name="Erika", last_name="Muster"
    )
    MunicipalAccount.objects.create(
        user=user,
        municipality=Municipality.objects.get(ags=ERWITTE),
        function="Organisationsamt",
        verified=verified,
    )
    return user


def make_moderator():
    user = User.objects.create_user("moderatorin", "mod@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


def test_login_page_and_login(site_tree):
    make_account()
    client = Client()
    page = client.get("/konto/anmelden/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anmelden" in html and "Benutzername" in html and "csrfmiddlewaretoken" in html
    response = client.post("/konto/anmelden/", {"username": "erwitte", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/konto/"
    assert client.get("/konto/").status_code == 200


def test_login_with_wrong_password_shows_error_and_keeps_username():
    make_account()
    response = Client().post("/konto/anmelden/", {"username": "erwitte", "password": "falsch"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Benutzername oder Passwort sind nicht korrekt" in html
    assert 'value="erwitte"' in html


def test_login_redirects_only_to_local_next():
    make_account()
    response = Client().post(
        "/konto/anmelden/?next=https://evil.example/",
        {"username": "erwitte", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.url == "/konto/"


def test_logout_needs_post():
    client = Client()
    client.force_login(make_account())
    assert client.get("/konto/abmelden/").status_code == 405
    assert client.get("/konto/").status_code == 200
    response = client.post("/konto/abmelden/")
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/konto/").status_code == 302


def test_account_page_requires_login():
    response = Client().get("/konto/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/anmelden/?next=/konto/")


def test_account_page_shows_body_entries_and_alerts_link():
    user = make_account()
    BoerseEntry.objects.create(
        kind="gesuch",
        title="Partner für das Standesamt gesucht",
        description="…",
        municipality=user.municipal_account.municipality,
        created_by=user,
        region_radius_km=20,
        expires_on="2099-01-01",
        status=EntryStatus.SUBMITTED,
    )
    client = Client()
    client.force_login(user)
    html = client.get("/konto/").content.decode()
    assert "Erwitte" in html and "Konto bestätigt" in html
    assert "Partner für das Standesamt gesucht" in html
    assert "Zur Freigabe eingereicht" in html
    assert 'href="/benachrichtigungen/"' in html
    assert 'href="/boerse/neu/"' in html
    assert "Einträge moderieren" not in html


def test_unverified_account_page_says_so():
    client = Client()
    client.force_login(make_account(verified=False))
    html = client.get("/konto/").content.decode()
    assert "noch nicht bestätigt" in html and 'href="/boerse/neu/"' not in html


def test_moderator_account_page_links_to_the_queue():
    client = Client()
    client.force_login(make_moderator())
    html = client.get("/konto/").content.decode()
    assert "keiner Kommune zugeordnet" in html
    assert 'href="/boerse/moderation/"' in html


def test_header_shows_login_or_account_link_and_navigation_has_boerse(site_tree):
    anonymous = Client().get("/boerse/").content.decode()
    assert 'href="/konto/anmelden/">Anmelden</a>' in anonymous
    assert 'href="/boerse/" aria-current="page">Börse</a>' in anonymous
    client = Client()
    client.force_login(make_account())
    assert 'href="/konto/">Mein Konto</a>' in client.get("/").content.decode()


# --- account administration in the Wagtail admin -----------------------------------------


def admin_url(view, *args):
    return reverse(MunicipalAccount.snippet_viewset.get_url_name(view), args=args)


def test_moderators_create_and_verify_accounts_in_the_admin():
    client = Client()
    client.force_login(make_moderator())
    assert client.get(admin_url("list")).status_code == 200
    add = client.get(admin_url("add"))
    assert add.status_code == 200
    assert "Gemeinde" in add.content.decode() and "Kreis" in add.content.decode()
    new_user = User.objects.create_user("neu", "neu@example.org", PASSWORD)
    erwitte = Municipality.objects.get(ags=ERWITTE)
    response = client.post(
        admin_url("add"),
        {"user": new_user.pk, "municipality": erwitte.pk, "function": "Bauamt", "verified": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = MunicipalAccount.objects.get(user=new_user)
    assert account.municipality == erwitte and account.verified
    html = client.get(admin_url("list")).content.decode()
    assert "Erwitte" in html


def test_admin_refuses_an_account_for_two_bodies_or_none():
    client = Client()
    client.force_login(make_moderator())
    new_user = User.objects.create_user("neu", "neu@example.org", PASSWORD)
    erwitte = Municipality.objects.get(ags=ERWITTE)
    soest = County.objects.get(key="05974")
    for data in (
        {"user": new_user.pk, "municipality": erwitte.pk, "county": soest.pk},
        {"user": new_user.pk},
    ):
        response = client.post(admin_url("add"), data)
        assert response.status_code == 200
        assert "genau eine Gemeinde oder einen Kreis" in response.content.decode()
    assert not MunicipalAccount.objects.filter(user=new_user).exists()


def test_municipal_accounts_cannot_open_the_account_admin():
    client = Client()
    client.force_login(make_account())
    response = client.get(admin_url("list"))
    assert response.status_code == 302  # to the admin login: no admin access


# --- contact persons on profile pages ----------------------------------------------------


@pytest.fixture
def profile_with_contacts(make_profile):
    page = make_profile("Gemeinsame Beihilfestelle", publish=False)
    page.contacts.add(
        ContactPerson(
            name="Paula Privat",
            email="paula.privat@erwitte.example",
            phone="02943 111",
            public_display=False,
        )
    )
    page.contacts.add(
        ContactPerson(
            name="Otto Offen",
            email="otto.offen@erwitte.example",
            phone="02943 222",
            public_display=True,
        )
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_anonymous_users_never_see_private_contact_data(profile_with_contacts):
    html = Client().get(profile_with_contacts.url).content.decode()
    assert "Paula Privat" not in html
    assert "paula.privat@erwitte.example" not in html and "02943 111" not in html
    # Consented data is public.
    assert "Otto Offen" in html and "otto.offen@erwitte.example" in html
    assert "02943 222" in html


def test_logged_in_accounts_see_private_contact_data(profile_with_contacts):
    client = Client()
    client.force_login(make_account())
    html = client.get(profile_with_contacts.url).content.decode()
    assert "Paula Privat" in html and "paula.privat@erwitte.example" in html
    assert "02943 111" in html and "otto.offen@erwitte.example" in html
