"""Security hardening: headers and CSP, login throttling, rate limits, uploads, escaping."""

import json
import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from boerse.models import BoerseEntry, EntryStatus
from cooperations.taxonomy import TaskArea
from kooperationsatlas import security, throttle

from .mails import committed
from .test_settings import run_manage
from .users import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ERWITTE, ANROECHTE = "05974016", "05974004"
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(autouse=True)
def fresh_counters():
    """Throttle counters live in the cache, which outlives a test; start and end empty."""
    cache.clear()
    yield
    cache.clear()


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def csp(response):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in response["Content-Security-Policy"].split(";")
    )


# --- headers and CSP ------------------------------------------------------------------------


def test_public_pages_send_strict_csp_and_security_headers(site_tree):
    response = Client().get("/")
    assert response.status_code == 200
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize(
    "url", ["/api/v1/suche/", "/daten/steckbriefe.csv", "/sitemap.xml", "/gibt-es-nicht/"]
)
def test_every_kind_of_response_gets_the_headers(site_tree, url):
    response = Client().get(url)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_wagtail_admin_relaxation_only_under_admin(site_tree):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = logged_in(admin)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    policy = csp(dashboard)
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'" and "unsafe-eval" not in str(policy)
    # The login page of the admin and the Django admin need no inline code: strict policy.
    for url in ("/admin/login/", "/django-admin/"):
        response = Client().get(url) if "login" in url else client.get(url)
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
    # The public site stays strict for a signed-in administrator, too.
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]


def test_wagtail_admin_really_uses_inline_scripts(make_profile):
    """Why /admin/ is relaxed: if this fails, Wagtail no longer needs it; tighten ADMIN_CSP."""
    page = make_profile("Profil für die Admin-Prüfung")
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    html = logged_in(admin).get(f"/admin/pages/{page.pk}/edit/").content.decode()
    inline = [
        body
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in attrs and "json" not in attrs and body.strip()
    ]
    assert any("Chooser" in body or "InlinePanel" in body for body in inline)


def test_preview_may_be_framed_by_the_admin_only():
    class Response(dict):
        def get(self, key, default=None):
            return super().get(key, default)

    class Request:
        path = "/admin/pages/3/edit/preview/"

    policy = security.policy_for(Request(), Response({"X-Frame-Options": "SAMEORIGIN"}))
    assert policy["frame-ancestors"] == ["'self'"]
    Request.path = "/kooperationen/x/"
    assert security.policy_for(Request(), Response())["frame-ancestors"] == ["'none'"]


INLINE_CODE = re.compile(
    r"""\sstyle\s*=|<style\b|\son[a-z]+\s*=|<script(?![^>]*\bsrc=)(?![^>]*application/json)"""
    r"""|javascript:""",
    re.I,
)


def test_templates_have_no_inline_styles_scripts_or_handlers():
    """The strict CSP would block them: every template keeps code and styles in static files."""
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if INLINE_CODE.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_production_settings_harden_cookies_and_transport():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_CONTENT_TYPE_NOSNIFF, "
        "s.X_FRAME_OPTIONS, s.TRUSTED_PROXY_COUNT, 'kooperationsatlas.security."
        "SecurityHeadersMiddleware' in s.MIDDLEWARE]))"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.production",
        SECRET_KEY="x" * 60,
    )
    assert result.returncode == 0, result.stderr
    hsts, session, csrf, httponly, redirect, nosniff, frames, proxies, headers = json.loads(
        result.stdout
    )
    assert hsts >= 31_536_000 and session and csrf and httponly and redirect and nosniff
    assert frames == "DENY" and proxies == 1 and headers


# --- login throttling -----------------------------------------------------------------------


def post_login(url, username, password, ip="192.0.2.10"):
    return Client(REMOTE_ADDR=ip).post(url, {"username": username, "password": password})


def test_login_is_throttled_after_five_failures_per_user_and_ip(site_tree):
    make_user("erwitte", ags=ERWITTE)
    for _ in range(5):
        assert post_login("/konto/anmelden/", "erwitte", "falsch").status_code == 400
    blocked = post_login("/konto/anmelden/", "erwitte", PASSWORD)  # even the right password
    assert blocked.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in blocked.client.session
    # Not a lock-out by username: the person logs in from their own address.
    own = post_login("/konto/anmelden/", "erwitte", PASSWORD, ip="198.51.100.7")
    assert own.status_code == 302 and own.url == "/konto/"
    # force_login (tests, admin tools) never authenticates and is never throttled.
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.force_login(User.objects.get(username="erwitte"))
    assert client.get("/konto/").status_code == 200


def test_success_resets_the_failures_and_upper_case_counts_the_same(site_tree):
    make_user("erwitte", ags=ERWITTE)
    for _ in range(4):
        post_login("/konto/anmelden/", "ERWITTE", "falsch")
    assert post_login("/konto/anmelden/", "erwitte", PASSWORD).status_code == 302
    for _ in range(4):
        assert post_login("/konto/anmelden/", "erwitte", "falsch").status_code == 400


def test_many_usernames_from_one_address_are_throttled_per_ip(site_tree):
    make_user("erwitte", ags=ERWITTE)
    for number in range(30):
        assert post_login("/konto/anmelden/", f"rate{number}", "falsch").status_code == 400
    assert post_login("/konto/anmelden/", "erwitte", PASSWORD).status_code == 429
    assert post_login("/konto/anmelden/", "erwitte", PASSWORD, ip="203.0.113.9").status_code == 302


@pytest.mark.parametrize("url", ["/admin/login/", "/django-admin/login/"])
def test_admin_logins_are_throttled_too(site_tree, url):
    User.objects.create_superuser("chefin", "chefin@example.org", PASSWORD)
    for _ in range(5):
        assert post_login(url, "chefin", "falsch").status_code == 200  # form with error
    assert post_login(url, "chefin", PASSWORD).status_code == 429


def test_backend_refuses_while_throttled_for_any_login_form(site_tree, rf):
    from django.contrib.auth import authenticate

    make_user("erwitte", ags=ERWITTE)
    request = rf.post("/irgendwo/", REMOTE_ADDR="192.0.2.44")
    for _ in range(5):
        assert authenticate(request, username="erwitte", password="falsch") is None
    assert authenticate(request, username="erwitte", password=PASSWORD) is None
    other = rf.post("/irgendwo/", REMOTE_ADDR="192.0.2.45")
    assert authenticate(other, username="erwitte", password=PASSWORD) is not None


def test_client_ip_uses_only_the_trusted_proxy_entry(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttle.client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1  # the client's own "1.2.3.4" is never believed
    assert throttle.client_ip(request) == "198.51.100.1"


# --- rate limits ----------------------------------------------------------------------------


def boerse_entry(user, title="Wir bieten Beihilfebearbeitung", status=EntryStatus.APPROVED):
    account = user.municipal_account
    entry = BoerseEntry.objects.create(
        kind="angebot",
        title=title,
        description="Beschreibung",
        municipality=account.municipality,
        created_by=user,
        expires_on=timezone.localdate() + timedelta(days=60),
        status=status,
    )
    entry.task_areas.add(TaskArea.objects.get(slug="personal-beihilfe"))
    return entry


def test_interest_form_is_rate_limited_per_user(site_tree):
    entry = boerse_entry(make_user("erwitte", ags=ERWITTE))
    sender = logged_in(make_user("anroechte", ags=ANROECHTE))
    url = f"/boerse/{entry.pk}/interesse/"
    for number in range(10):
        assert sender.post(url, {"message": f"Nachricht {number}"}).status_code == 302
    refused = sender.post(url, {"message": "Noch eine"})
    assert refused.status_code == 429
    assert "Bitte versuchen Sie es" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert entry.interest_messages.count() == 10
    # Another account is counted on its own.
    other = logged_in(make_user("soest", ags="05974040"))
    assert other.post(url, {"message": "Hallo"}).status_code == 302
    # Reading the page is not limited.
    assert sender.get(f"/boerse/{entry.pk}/").status_code == 200


def test_entry_creation_is_rate_limited(site_tree):
    client = logged_in(make_user("erwitte", ags=ERWITTE))
    for _ in range(10):
        assert client.post("/boerse/neu/", {"title": ""}).status_code == 400
    assert client.post("/boerse/neu/", {"title": ""}).status_code == 429
    assert client.get("/boerse/neu/").status_code == 200


def test_rate_limit_counts_anonymous_visitors_by_address(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    @throttle.rate_limit("test-scope", 2, 60)
    def view(request):
        return HttpResponse("ok")

    def post(ip):
        request = rf.post("/", REMOTE_ADDR=ip)
        request.user = AnonymousUser()
        return view(request)

    assert [post("192.0.2.1").status_code for _ in range(3)] == [200, 200, 429]
    assert post("192.0.2.2").status_code == 200


# --- uploads --------------------------------------------------------------------------------


def png_bytes(size=(40, 30), mode="RGB"):
    buffer = BytesIO()
    PILImage.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_image(client, name, content, content_type="image/png"):
    return client.post(
        "/admin/images/add/",
        {"title": name, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


@pytest.fixture
def editor_client(site_tree):
    return logged_in(make_user("redakteurin", group="Redaktion"))


def test_editor_can_upload_a_real_image(editor_client):
    response = upload_image(editor_client, "rathaus.png", png_bytes())
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="rathaus.png").exists()


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        (
            "zeichnung.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("seite.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("tabelle.png", b"GIF89a" + b"\x00" * 64, "image/png"),
    ],
)
def test_wrong_types_are_refused(editor_client, name, content, content_type):
    response = upload_image(editor_client, name, content, content_type)
    assert response.status_code == 200  # the form again, with its error
    assert not get_image_model().objects.exists()


def test_too_large_images_are_refused(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024
    big = png_bytes((300, 300), mode="RGB")
    big = big + b"\x00" * (11 * 1024)  # a real PNG header, over the size limit
    response = upload_image(editor_client, "gross.png", big)
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_decompression_bombs_are_refused(editor_client):
    # 12,000 x 12,000 one-bit pixels: a few kilobytes of PNG, 144 million pixels decoded.
    bomb = png_bytes((12_000, 12_000), mode="1")
    assert len(bomb) < 100_000
    response = upload_image(editor_client, "bombe.png", bomb)
    assert response.status_code == 200
    assert "Pixel" in response.content.decode() or "pixels" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_pillow_limit_and_upload_settings(settings):
    assert PILImage.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 50_000_000
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert not {"html", "htm", "svg", "js", "exe"} & set(settings.WAGTAILDOCS_EXTENSIONS)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_documents_with_other_extensions_are_refused(editor_client):
    response = editor_client.post(
        "/admin/documents/add/",
        {
            "title": "Seite",
            "file": SimpleUploadedFile("seite.html", b"<script>alert(1)</script>", "text/html"),
        },
    )
    assert response.status_code == 200
    from wagtail.documents import get_document_model

    assert not get_document_model().objects.exists()


# --- escaping of what users type ------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS)
def test_boerse_input_is_escaped_everywhere(site_tree, payload):
    poster = make_user("erwitte", ags=ERWITTE)
    owner = logged_in(poster)
    response = owner.post(
        "/boerse/neu/",
        {
            "kind": "angebot",
            "title": f"Titel {payload}",
            "description": f"Beschreibung {payload}",
            "task_areas": [str(TaskArea.objects.get(slug="personal-beihilfe").pk)],
            "region_radius_km": "30",
            "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    entry = BoerseEntry.objects.get()
    assert entry.title == f"Titel {payload}"  # stored as typed, escaped on output
    moderator = logged_in(make_user("moderatorin", group="Moderation"))
    pages = {
        "detail (owner)": owner.get(f"/boerse/{entry.pk}/"),
        "account": owner.get("/konto/"),
        "moderation queue": moderator.get("/boerse/moderation/"),
        "moderation entry": moderator.get(f"/boerse/moderation/{entry.pk}/"),
    }
    entry.status = EntryStatus.APPROVED
    entry.save()
    pages["public list"] = Client().get("/boerse/")
    pages["public detail"] = Client().get(f"/boerse/{entry.pk}/")
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;")
    for name, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, name
        assert payload not in html, name
        assert escaped in html, name

    # The interest message: escaped in HTML, verbatim in the plain-text mail.
    sender = logged_in(make_user("anroechte", ags=ANROECHTE))
    mail.outbox.clear()
    with committed():
        response = sender.post(f"/boerse/{entry.pk}/interesse/", {"message": payload})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", None)
    assert payload in message.body and "\n" not in message.subject
    detail = owner.get(f"/boerse/{entry.pk}/").content.decode()
    assert payload not in detail


@pytest.mark.parametrize("payload", XSS)
def test_profile_text_is_escaped_in_pages_and_served_as_json(make_profile, payload):
    page = make_profile(f"Kooperation {payload}", summary=f"Zusammenfassung {payload}")
    html = Client().get(page.url).content.decode()
    assert payload not in html
    for url in (
        f"/api/v1/steckbriefe/{page.pk}/",
        "/api/v1/steckbriefe/",
        "/daten/steckbriefe.json",
    ):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff"
        if response.streaming:
            data = json.loads(b"".join(response.streaming_content))
        else:
            data = response.json()
        assert payload in json.dumps(data, ensure_ascii=False), url
    search = Client().get("/suche/", {"q": payload}).content.decode()
    assert payload not in search


def test_report_and_feedback_forms_are_rate_limited():
    """The decorator sits on the report and accessibility-feedback views with these limits."""
    from legal.views import feedback
    from reports.views import report_create

    assert feedback.rate_limit == ("accessibility-feedback", 5, 60 * 60)
    assert report_create.__wrapped__.rate_limit == ("report", 10, 60 * 60)


def test_feedback_form_answers_429_after_five_posts(client, site_tree):
    for _ in range(5):
        assert client.post("/barrierefreiheit/rueckmeldung/", {}).status_code in (200, 400)
    response = client.post("/barrierefreiheit/rueckmeldung/", {})
    assert response.status_code == 429
    assert "Retry-After" in response
