"""Access requests, their moderation in the admin, password reset and the footer link."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AccessRequest, MunicipalAccount
from register.models import County, Municipality
from tests.mails import committed

pytestmark = pytest.mark.django_db

PASSWORD = "ein-sicheres-passwort-1"
ERWITTE = "05974016"
REQUEST = {
    "name": "Erika Muster",
    "email": "e.muster@erwitte.de",
    "body": "05974016",
    "function": "Hauptamt",
    "phone": "02943 896-0",
    "message": "Für die Börse.",
}
LINK = re.compile(r"https?://\S+/konto/passwort-festlegen/[^/\s]+/[^/\s]+/")


def moderator():
    user = User.objects.create_user("moderatorin", "mod@example.org", PASSWORD, first_name="Mona")
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit_url(access_request):
    return reverse("wagtailsnippets_accounts_accessrequest:edit", args=[access_request.pk])


def decide(client, access_request, **data):
    return client.post(edit_url(access_request), data)


# --- the request form ---------------------------------------------------------------------


def test_request_form_stores_the_request_and_tells_the_moderation(site_tree):
    mod = moderator()
    client = Client()
    page = client.get("/konto/zugang-beantragen/")
    assert page.status_code == 200
    assert "Zugang beantragen" in page.content.decode()
    with committed():
        response = client.post("/konto/zugang-beantragen/", REQUEST)
    assert response.status_code == 302
    assert response["Location"] == "/konto/zugang-beantragen/danke/"
    access_request = AccessRequest.objects.get()
    assert access_request.municipality == Municipality.objects.get(ags=ERWITTE)
    assert access_request.county is None
    assert access_request.status == AccessRequest.Status.OPEN
    assert not User.objects.filter(email="e.muster@erwitte.de").exists()  # not yet
    (message,) = mail.outbox
    assert message.to == [mod.email]
    assert "Erika Muster" in message.body and "Erwitte" in message.body
    assert f"http://testserver{edit_url(access_request)}" in message.body
    done = client.get(response["Location"]).content.decode()
    assert "e.muster@erwitte.de" in done


def test_request_for_a_kreis_by_key(site_tree):
    response = Client().post(
        "/konto/zugang-beantragen/", {**REQUEST, "body": "05974", "email": "a@kreis-soest.de"}
    )
    assert response.status_code == 302
    assert AccessRequest.objects.get().county == County.objects.get(key="05974")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"email": "erika@gmail.com"}, "dienstliche E-Mail-Adresse"),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"body": "Nirgendwo am See"}, "im Register gefunden"),
        ({"body": "Neustadt"}, "nicht eindeutig"),
        ({"name": ""}, "Bitte Ihren Namen angeben."),
    ],
)
def test_request_form_bad_input_is_a_400_with_the_reason(site_tree, change, message):
    response = Client().post("/konto/zugang-beantragen/", {**REQUEST, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Erika Muster"' in html or not REQUEST["name"] or "name" in change
    assert not AccessRequest.objects.exists()
    assert not mail.outbox


def test_request_form_is_throttled(site_tree, settings):
    settings.RATE_LIMITS = {"access-request": (2, 3600)}
    client = Client()
    for number in range(2):
        data = {**REQUEST, "email": f"person{number}@erwitte.de"}
        assert client.post("/konto/zugang-beantragen/", data).status_code == 302
    response = client.post("/konto/zugang-beantragen/", REQUEST)
    assert response.status_code == 429
    assert AccessRequest.objects.count() == 2


# --- the moderation decides in the admin ---------------------------------------------------


def test_approval_needs_the_identity_check_then_creates_a_verified_account(site_tree):
    Client().post("/konto/zugang-beantragen/", REQUEST)
    access_request = AccessRequest.objects.get()
    mail.outbox.clear()
    client = signed_in(moderator())
    assert client.get(reverse("wagtailsnippets_accounts_accessrequest:list")).status_code == 200
    assert client.get(edit_url(access_request)).status_code == 200

    refused = decide(client, access_request, status="genehmigt", note="")
    assert refused.status_code == 200  # the form again, with the reason
    assert "Vor der Genehmigung bitte prüfen" in refused.content.decode()
    assert not User.objects.filter(email="e.muster@erwitte.de").exists()

    with committed():
        response = decide(client, access_request, status="genehmigt", identity_checked="on")
    assert response.status_code == 302
    user = User.objects.get(email="e.muster@erwitte.de")
    assert user.username == "e.muster@erwitte.de" and user.is_active
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Erika", "Muster")
    account = user.municipal_account
    assert account.verified and account.municipality.ags == ERWITTE
    assert account.function == "Hauptamt"
    access_request.refresh_from_db()
    assert access_request.status == "genehmigt" and access_request.account == account
    assert access_request.decided_at is not None

    (message,) = mail.outbox
    assert message.to == ["e.muster@erwitte.de"]
    assert "freigeschaltet" in message.subject
    link = LINK.search(message.body).group(0)
    # The link sets the password; then the account signs in and may post in the Börse.
    anonymous = Client()
    form = anonymous.get(link, follow=True)
    assert "Neues Passwort festlegen" in form.content.decode()
    done = anonymous.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Hellweg-Kooperation-2026", "new_password2": "Hellweg-Kooperation-2026"},
    )
    assert done.status_code == 302
    assert anonymous.login(username="e.muster@erwitte.de", password="Hellweg-Kooperation-2026")
    assert anonymous.get("/boerse/neu/").status_code == 200

    # Saving again changes nothing and sends nothing.
    with committed():
        decide(client, access_request, status="genehmigt", identity_checked="on")
    assert len(mail.outbox) == 1 and MunicipalAccount.objects.filter(user=user).count() == 1


def test_rejection_needs_a_reason_and_tells_the_requester(site_tree):
    Client().post("/konto/zugang-beantragen/", REQUEST)
    access_request = AccessRequest.objects.get()
    mail.outbox.clear()
    client = signed_in(moderator())
    refused = decide(client, access_request, status="abgelehnt", note="")
    assert "Bitte begründen Sie die Ablehnung." in refused.content.decode()
    with committed():
        response = decide(
            client, access_request, status="abgelehnt", note="Die Zentrale kennt Sie nicht."
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["e.muster@erwitte.de"]
    assert "Die Zentrale kennt Sie nicht." in message.body
    assert not User.objects.filter(email="e.muster@erwitte.de").exists()
    # A decided request stays decided.
    again = decide(client, access_request, status="genehmigt", identity_checked="on")
    assert "bereits entschieden" in again.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == "abgelehnt"


def test_approval_of_an_address_with_an_account_for_another_body_is_refused(site_tree):
    other = User.objects.create_user("lippstadt", "e.muster@erwitte.de", PASSWORD)
    MunicipalAccount.objects.create(
        user=other, municipality=Municipality.objects.get(ags="05974028"), verified=True
    )
    Client().post("/konto/zugang-beantragen/", REQUEST)
    access_request = AccessRequest.objects.get()
    client = signed_in(moderator())
    response = decide(client, access_request, status="genehmigt", identity_checked="on")
    assert "bereits ein Konto für Lippstadt" in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == "offen" and access_request.decided_at is None


def test_municipal_accounts_cannot_open_access_requests_in_the_admin(site_tree):
    user = User.objects.create_user("kommune", "k@example.org", PASSWORD)
    MunicipalAccount.objects.create(
        user=user, municipality=Municipality.objects.get(ags=ERWITTE), verified=True
    )
    Client().post("/konto/zugang-beantragen/", REQUEST)
    response = signed_in(user).get(edit_url(AccessRequest.objects.get()))
    assert response.status_code in (302, 403)


# --- password reset -----------------------------------------------------------------------


def test_password_reset_by_mail_in_german(site_tree, settings):
    settings.SITE_BASE_URL = "https://kooperationsatlas.example.org"
    user = User.objects.create_user("erwitte", "Erika@Erwitte.de", PASSWORD, first_name="Erika")
    client = Client()
    login = client.get("/konto/anmelden/").content.decode()
    assert 'href="/konto/passwort-vergessen/"' in login
    assert 'href="/konto/zugang-beantragen/"' in login
    form = client.get("/konto/passwort-vergessen/").content.decode()
    assert "Passwort vergessen" in form and "E-Mail-Adresse" in form
    response = client.post("/konto/passwort-vergessen/", {"email": "erika@erwitte.de"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/passwort-vergessen/gesendet/"
    assert "Postfach" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.to == ["Erika@erwitte.de"]  # the domain is normalised
    assert message.subject == "Neues Passwort für den Kooperationsatlas"
    link = LINK.search(message.body).group(0)
    assert link.startswith("https://kooperationsatlas.example.org/konto/passwort-festlegen/")
    path = link.removeprefix("https://kooperationsatlas.example.org")
    page = client.get(path, follow=True)
    set_url = page.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": "Abc-123-xyz-q", "new_password2": "x"})
    assert mismatch.status_code == 400
    assert "Die beiden Passwörter stimmen nicht überein." in mismatch.content.decode()
    short = client.post(set_url, {"new_password1": "kurz", "new_password2": "kurz"})
    assert short.status_code == 400
    assert "zu kurz" in short.content.decode()  # Django's validators, in German
    ok = client.post(
        set_url, {"new_password1": "Neues-Passwort-2026", "new_password2": "Neues-Passwort-2026"}
    )
    assert ok["Location"] == "/konto/passwort-festlegen/fertig/"
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-2026")
    # The link works once.
    reused = client.get(path, follow=True).content.decode()
    assert "Dieser Link ist ungültig" in reused


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(site_tree):
    response = Client().post("/konto/passwort-vergessen/", {"email": "niemand@example.org"})
    assert response["Location"] == "/konto/passwort-vergessen/gesendet/"
    assert not mail.outbox


def test_password_reset_is_throttled_per_client_and_per_address(site_tree, settings):
    User.objects.create_user("erwitte", "erika@erwitte.de", PASSWORD)
    client = Client()
    for _ in range(3):
        assert (
            client.post("/konto/passwort-vergessen/", {"email": "erika@erwitte.de"}).status_code
            == 302
        )
    # A fourth request for the same address looks the same but sends no further mail.
    client.post("/konto/passwort-vergessen/", {"email": "erika@erwitte.de"})
    assert len(mail.outbox) == 3
    settings.RATE_LIMITS = {"password-reset": (4, 3600)}  # four requests so far
    response = client.post("/konto/passwort-vergessen/", {"email": "other@erwitte.de"})
    assert response.status_code == 429
    assert "Retry-After" in response


def test_new_account_without_password_can_use_the_reset(site_tree):
    User.objects.create_user("neu@erwitte.de", "neu@erwitte.de")  # approved, mail lost
    Client().post("/konto/passwort-vergessen/", {"email": "neu@erwitte.de"})
    assert len(mail.outbox) == 1


# --- footer link "Redaktion" ---------------------------------------------------------------


def footer(client):
    html = client.get("/konto/anmelden/").content.decode()
    return html[html.index('class="footer-links"') :]


def test_redaktion_link_only_for_those_who_may_use_the_admin(site_tree):
    editor = User.objects.create_user("redaktion", "r@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name="Redaktion"))
    municipal = User.objects.create_user("kommune", "k@example.org", PASSWORD)
    MunicipalAccount.objects.create(
        user=municipal, municipality=Municipality.objects.get(ags=ERWITTE), verified=True
    )
    assert ">Redaktion</a>" in footer(signed_in(editor))
    assert ">Redaktion</a>" in footer(signed_in(moderator()))
    municipal_footer = footer(signed_in(municipal))
    assert "/admin/" not in municipal_footer and "Redaktion" not in municipal_footer
    assert "Anmelden (Redaktion)" in footer(Client())
