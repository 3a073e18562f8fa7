"""The page cache (kooperationsatlas.caching): what is cached, for whom, and invalidation."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from kooperationsatlas import caching
from search.models import IndexVersion

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ERWITTE = "05974016"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def empty_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300  # on here, whatever the test settings say
    caches[caching.PAGE_ALIAS].clear()
    yield
    caches[caching.PAGE_ALIAS].clear()


def fetch(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, url
    return response


def test_second_anonymous_request_is_served_from_the_cache(
    client, make_profile, django_assert_max_num_queries
):
    page = make_profile("Standesamt Cachetest")
    first = fetch(client, page.url)
    assert first["X-Cache"] == "MISS"
    # The generation (one primary-key read): nothing of the page itself is queried again.
    with django_assert_max_num_queries(1):
        second = fetch(client, page.url)
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "Standesamt Cachetest" in second.content.decode()
    # A hit is answered before the other middlewares run: the stored response carries
    # every header they set on the miss (security headers, CSP, language, content type).
    for header in (
        "Content-Type",
        "Content-Security-Policy",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
        "Content-Language",
    ):
        assert second[header] == first[header], header
    assert "unsafe-inline" not in second["Content-Security-Policy"]


def test_a_redirect_to_https_is_never_answered_from_the_cache(client, make_profile, settings):
    """The key holds the scheme: the HTTPS entry is not served to a plain-HTTP request,
    which SecurityMiddleware (behind the cache) still redirects."""
    page = make_profile("Standesamt Schema")
    assert fetch(client, page.url, secure=True)["X-Cache"] == "MISS"
    assert fetch(client, page.url, secure=True)["X-Cache"] == "HIT"
    settings.SECURE_SSL_REDIRECT = True  # read when the middlewares are built: a new client
    response = Client().get(page.url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert "X-Cache" not in response


def test_publishing_shows_the_new_content_at_once(client, make_profile):
    page = make_profile("Alter Titel der Kooperation", summary="Eine Zusammenarbeit.")
    fetch(client, page.url)
    home = fetch(client, "/")
    assert "Neue Kooperation Cache" not in home.content.decode()
    assert fetch(client, "/")["X-Cache"] == "HIT"

    page.title = "Neuer Titel der Kooperation"
    page.save_revision().publish()
    changed = fetch(client, page.url)
    assert changed["X-Cache"] == "MISS"
    assert "Neuer Titel der Kooperation" in changed.content.decode()
    assert "Alter Titel der Kooperation" not in changed.content.decode()

    make_profile("Neue Kooperation Cache")
    assert "Neue Kooperation Cache" in fetch(client, "/").content.decode()


def test_unpublishing_removes_the_page_and_its_listing(client, make_profile):
    page = make_profile("Bald offline Cache")
    url = page.url
    fetch(client, url)
    assert fetch(client, url)["X-Cache"] == "HIT"
    assert "Bald offline Cache" in fetch(client, "/").content.decode()
    page.unpublish()
    assert "X-Cache" not in fetch(client, url, status=404)  # 404s are never cached
    assert "Bald offline Cache" not in fetch(client, "/").content.decode()
    assert "X-Cache" not in fetch(client, url, status=404)


def test_deleting_and_moving_pages_invalidate(client, make_profile, site_tree):
    page = make_profile("Wird gelöscht Cache")
    fetch(client, "/kooperationen/")
    assert fetch(client, "/kooperationen/")["X-Cache"] == "HIT"
    page.delete()
    listing = fetch(client, "/kooperationen/")
    assert listing["X-Cache"] == "MISS"
    assert "Wird gelöscht Cache" not in listing.content.decode()


def test_signed_in_users_never_get_or_fill_the_cache(client, make_profile, django_user_model):
    page = make_profile("Nur anonym gecacht")
    user = django_user_model.objects.create_user("leserin", password="x")
    client.force_login(user)
    for _ in range(2):
        response = fetch(client, page.url)
        assert "X-Cache" not in response  # neither served nor stored
        assert "Mein Konto" in response.content.decode()
    client.logout()
    client.cookies.clear()
    anonymous = fetch(client, page.url)
    assert anonymous["X-Cache"] == "MISS"  # the signed-in visits stored nothing
    assert "Mein Konto" not in anonymous.content.decode()
    # A page cached for anonymous visitors is not served to a signed-in user.
    client.force_login(user)
    signed_in = fetch(client, page.url)
    assert "X-Cache" not in signed_in
    assert "Mein Konto" in signed_in.content.decode()


def test_query_strings_are_distinct_entries(client, make_profile):
    from search.indexing import sync_profiles

    pages = [
        make_profile("Standesamt Querytest", summary="Ein gemeinsames Standesamt."),
        make_profile("Beihilfe Querytest", summary="Eine gemeinsame Beihilfestelle."),
    ]
    sync_profiles([page.pk for page in pages])  # publishing indexes only after a commit
    standesamt = fetch(client, "/suche/?q=Standesamt")
    beihilfe = fetch(client, "/suche/?q=Beihilfe")
    assert standesamt["X-Cache"] == beihilfe["X-Cache"] == "MISS"
    assert "Standesamt Querytest" in standesamt.content.decode()
    assert "Standesamt Querytest" not in beihilfe.content.decode()
    assert fetch(client, "/suche/?q=Standesamt")["X-Cache"] == "HIT"
    assert fetch(client, "/suche/?q=Standesamt&seite=1")["X-Cache"] == "MISS"
    api = fetch(client, "/api/v1/suche/?q=Beihilfe")
    assert api["X-Cache"] == "MISS"
    assert fetch(client, "/api/v1/suche/?q=Beihilfe")["X-Cache"] == "HIT"


def test_invalid_and_error_responses_are_not_cached(client, site_tree):
    for _ in range(2):
        assert "X-Cache" not in fetch(client, "/gemeinden/99999999/", status=404)
        assert "X-Cache" not in fetch(client, "/suche/?startjahr_von=abc", status=400)


def test_register_pages_are_cached_and_a_register_change_invalidates(client, site_tree):
    from register.models import Municipality

    url = f"/gemeinden/{ERWITTE}/"
    assert fetch(client, url)["X-Cache"] == "MISS"
    assert fetch(client, url)["X-Cache"] == "HIT"
    erwitte = Municipality.objects.get(ags=ERWITTE)
    erwitte.name = "Erwitte-Cachetest"
    erwitte.save()
    changed = fetch(client, url)
    assert changed["X-Cache"] == "MISS"
    assert "Erwitte-Cachetest" in changed.content.decode()


def test_a_search_index_change_in_another_process_invalidates(client, site_tree):
    """rebuild_search_index (or any index change) bumps IndexVersion, maybe in another
    process without this module's signals: that starts a new generation too."""
    fetch(client, "/suche/")
    assert fetch(client, "/suche/")["X-Cache"] == "HIT"
    IndexVersion.bump()
    assert fetch(client, "/suche/")["X-Cache"] == "MISS"


def test_site_settings_change_invalidates(client, site_tree):
    from wagtail.models import Site

    from kooperationsatlas.models import SiteSettings

    fetch(client, "/")
    assert fetch(client, "/")["X-Cache"] == "HIT"
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.operator = "Betreiber Cachetest"
    settings_row.save()
    assert "Betreiber Cachetest" in fetch(client, "/").content.decode()


def test_invalidation_is_derived_from_the_project_apps(client, site_tree):
    """Any model of the project's apps (a snippet such as a glossary term, which a hand-kept
    list had missed, the register, Börse entries, a page's child rows) and Wagtail's content
    models start a new generation; a model that opts out (feedback from the public form,
    alert mails) does not, nor does a model of another app."""
    from django.apps import apps
    from django.contrib.sessions.models import Session
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction

    from alerts.models import AlertDelivery
    from boerse.models import BoerseEntry
    from cooperations.models import CooperationPartner
    from guides.models import GlossaryTerm
    from legal.models import AccessibilityFeedback
    from register.models import Region

    watched = {model for model in apps.get_models() if caching.is_watched(model)}
    assert {GlossaryTerm, Region, BoerseEntry, CooperationPartner} <= watched
    assert {get_image_model(), PageViewRestriction} <= watched
    assert not {AccessibilityFeedback, AlertDelivery, Session} & watched

    fetch(client, "/")
    assert fetch(client, "/")["X-Cache"] == "HIT"
    AccessibilityFeedback.objects.create(description="Kontrast zu schwach.")
    assert fetch(client, "/")["X-Cache"] == "HIT"
    GlossaryTerm.objects.create(term="Cachebegriff", slug="cachebegriff", definition="<p>x</p>")
    assert fetch(client, "/")["X-Cache"] == "MISS"


def test_excluded_paths_and_session_or_message_cookies_bypass(client, make_profile, settings):
    page = make_profile("Cookie Cachetest")
    fetch(client, page.url)
    assert fetch(client, page.url)["X-Cache"] == "HIT"
    client.cookies[settings.SESSION_COOKIE_NAME] = "irgendwas"
    assert "X-Cache" not in fetch(client, page.url)
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.cookies["messages"] = "x"
    assert "X-Cache" not in fetch(client, page.url)
    del client.cookies["messages"]
    assert "X-Cache" not in fetch(client, page.url, HTTP_AUTHORIZATION="Basic eDp5")
    assert fetch(client, page.url)["X-Cache"] == "HIT"


# --- the response policy, with the middleware around plain views ----------------------------


def run_twice(view, path="/policy-test/"):
    """The middleware around ``view``: two anonymous GET requests; returns both responses."""
    middleware = caching.PageCacheMiddleware(view)
    factory = RequestFactory()
    responses = []
    for _ in range(2):
        request = factory.get(path)
        responses.append(middleware(request))
    return responses


def test_responses_setting_cookies_are_not_cached():
    def view(request):
        response = HttpResponse("<p>mit Cookie</p>")
        response.set_cookie("merker", "1")
        return response

    first, second = run_twice(view)
    assert "X-Cache" not in first and "X-Cache" not in second
    assert second.cookies["merker"].value == "1"


def test_pages_with_a_csrf_token_are_not_cached():
    template = engines["django"].from_string(
        '<form method="post">{% csrf_token %}<button>Senden</button></form>'
    )
    calls = []

    def view(request):
        calls.append(request)
        return HttpResponse(template.render({}, request))

    first, second = run_twice(view)
    assert b"csrfmiddlewaretoken" in first.content
    assert "X-Cache" not in second
    assert len(calls) == 2

    def token_only(request):  # the token used without a form in the page
        get_token(request)
        return HttpResponse("<p>Token</p>")

    assert "X-Cache" not in run_twice(token_only)[1]


def test_private_no_store_and_vary_star_responses_are_not_cached():
    from django.views.decorators.cache import never_cache

    @never_cache
    def private(request):
        return HttpResponse("privat")

    def vary_all(request):
        response = HttpResponse("vary")
        response["Vary"] = "*"
        return response

    def public(request):
        return HttpResponse("öffentlich")

    assert "X-Cache" not in run_twice(private)[1]
    assert "X-Cache" not in run_twice(vary_all, "/vary/")[1]
    assert run_twice(public, "/public/")[1]["X-Cache"] == "HIT"


def test_post_and_excluded_prefixes_are_never_cached():
    middleware = caching.PageCacheMiddleware(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    for _ in range(2):
        assert "X-Cache" not in middleware(factory.post("/suche/"))
        assert "X-Cache" not in middleware(factory.get("/admin/"))
        assert "X-Cache" not in middleware(factory.get("/konto/"))
        assert "X-Cache" not in middleware(factory.get("/boerse/"))


@override_settings(PAGE_CACHE_SECONDS=0)
def test_a_timeout_of_zero_switches_the_cache_off():
    assert "X-Cache" not in run_twice(lambda request: HttpResponse("ok"))[1]


# --- across processes ------------------------------------------------------------------------


def test_invalidation_reaches_other_processes_with_their_own_local_memory(client, make_profile):
    """Two worker processes, each with its own LocMemCache: a publish handled by one makes
    the other render the new content too, because the generation lives in the database."""
    other_process = caching.PAGE_ALIAS + "-other"
    page = make_profile("Prozess Alt")
    with override_settings(
        CACHES={
            **caching.settings.CACHES,
            other_process: {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"other-{uuid.uuid4().hex}",
            },
        }
    ):
        fetch(client, page.url)  # process A fills its cache
        assert fetch(client, page.url)["X-Cache"] == "HIT"

        def in_other_process():
            original = caching.PAGE_ALIAS
            caching.PAGE_ALIAS = other_process
            try:
                return fetch(client, page.url)
            finally:
                caching.PAGE_ALIAS = original

        assert in_other_process()["X-Cache"] == "MISS"  # process B fills its own
        assert in_other_process()["X-Cache"] == "HIT"
        page.title = "Prozess Neu"
        page.save_revision().publish()  # handled by process A
        seen_by_b = in_other_process()
        assert seen_by_b["X-Cache"] == "MISS"
        assert "Prozess Neu" in seen_by_b.content.decode()
        caches[other_process].clear()


def redis_available():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not redis_available(), reason="no Redis at TEST_REDIS_URL")
def test_with_redis_the_generation_is_shared_with_a_real_second_process(
    client, make_profile, monkeypatch
):
    import redis

    prefix = f"test-caching-{uuid.uuid4().hex}"
    redis_cache = {
        "BACKEND": "kooperationsatlas.caching.RedisCache",  # what settings/base.py uses
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    page = make_profile("Redis Alt")
    script = (
        "import django; django.setup();"
        "from django.core.cache import caches;"
        "from kooperationsatlas import caching;"
        "print(caches[caching.GENERATION_ALIAS].get(caching.GENERATION_KEY))"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.test",
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
    )

    def generation_in_other_process():
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    try:
        with override_settings(
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                "pages": {**redis_cache, "KEY_PREFIX": f"{prefix}-pages"},
                "shared": {**redis_cache, "KEY_PREFIX": f"{prefix}-pages", "TIMEOUT": None},
            }
        ):
            assert fetch(client, page.url)["X-Cache"] == "MISS"
            # a hit is one round trip (MGET of generation and page) and no query
            commands = []
            execute = redis.Redis.execute_command
            monkeypatch.setattr(
                redis.Redis,
                "execute_command",
                lambda self, *args, **options: commands.append(args[0])
                or execute(self, *args, **options),
            )
            with CaptureQueriesContext(connection) as queries:
                assert fetch(client, page.url)["X-Cache"] == "HIT"
            monkeypatch.undo()
            assert commands == ["MGET"]
            assert len(queries) == 0
            before = caches["shared"].get(caching.GENERATION_KEY)
            assert before and generation_in_other_process() == before
            page.title = "Redis Neu"
            page.save_revision().publish()
            after = generation_in_other_process()
            assert after not in ("", "None", before)
            fresh = fetch(client, page.url)
            assert fresh["X-Cache"] == "MISS"
            assert "Redis Neu" in fresh.content.decode()
    finally:
        server = redis.Redis.from_url(REDIS_URL)
        keys = list(server.scan_iter(f"{prefix}*"))
        if keys:
            server.delete(*keys)
        assert not list(server.scan_iter(f"{prefix}*"))


def test_a_named_entry_is_kept_per_content_generation(settings):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    request = RequestFactory().get("/")
    assert caching.entry(request, "test-entry", compute) == 1
    assert caching.entry(request, "test-entry", compute) == 1  # kept
    assert caching.entry(request, "other-entry", compute) == 2  # another name
    # A Django cache entry, with the page cache's timeout, named by the generation:
    key = caching.entry_key(caching.generation(), "test-entry")
    assert caches[caching.PAGE_ALIAS].get(key) == 1
    caching.bump()  # e.g. a publish: every process gets a new key
    assert caching.entry(RequestFactory().get("/"), "test-entry", compute) == 3
    settings.PAGE_CACHE_SECONDS = 0  # page cache off: computed every time
    assert caching.entry(request, "test-entry", compute) == 4
    assert caching.entry(request, "test-entry", compute) == 5


def test_named_entries_compute_only_what_is_missing():
    asked = []

    def compute(missing):
        asked.append(sorted(missing))
        return {key: key * 10 for key in missing}

    request = RequestFactory().get("/")
    assert caching.entries(request, "test-each", [1, 2], compute) == {1: 10, 2: 20}
    assert caching.entries(request, "test-each", [2, 3], compute) == {2: 20, 3: 30}
    assert caching.entries(request, "other-each", [2], compute) == {2: 20}
    assert asked == [[1, 2], [3], [2]]  # 2 again only under another name
    caching.bump()
    caching.entries(RequestFactory().get("/"), "test-each", [1], compute)
    assert asked[-1] == [1]


def test_a_structure_built_in_process_follows_the_generation():
    """``in_process`` keeps what it built until the generation changes (and at most
    IN_PROCESS_SECONDS); only the newest of a kind stays."""
    built = []

    def build():
        built.append(1)
        return len(built)

    assert caching.in_process(("test-structure", 1), build) == 1
    assert caching.in_process(("test-structure", 1), build) == 1
    assert caching.in_process(("test-structure", 2), build) == 2  # e.g. the next day
    assert caching.in_process(("test-structure", 1), build) == 3  # the older one was dropped
    caching.bump()
    assert caching.in_process(("test-structure", 1), build) == 4


def test_map_boundaries_are_read_once_per_generation(client, site_tree):
    """Register pages leave the large boundary field out of their queries and take it from
    all boundaries kept per process and generation; a register change starts a new
    generation, so an edited boundary shows at once."""
    from register.models import Municipality

    municipality = Municipality.objects.get(ags=ERWITTE)
    url = municipality.get_absolute_url()
    first = client.get(url, {"a": 1}).content.decode()
    assert "<svg" in first
    # A second, different URL of the same page: a page-cache miss, boundaries kept.
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url, {"a": 2}).content.decode()
    with_boundary = [q["sql"] for q in queries if '"boundary"' in q["sql"].split("FROM")[0]]
    # only the page's own municipality row; its neighbours' boundaries are kept
    assert len(with_boundary) == 1 and f"\"ags\" = '{ERWITTE}'" in with_boundary[0]
    assert second.count("<path") == first.count("<path")
    municipality.boundary = {
        "type": "Polygon",
        "coordinates": [[[8.0, 51.5], [8.4, 51.5], [8.4, 51.7], [8.0, 51.5]]],
    }
    municipality.save()
    third = client.get(url, {"a": 3}).content.decode()
    assert third != second


def test_taxonomy_terms_and_breadcrumbs_are_read_once_per_generation(client, make_profile):
    """A profile takes its terms (with their parents) and its breadcrumbs from named cache
    entries; renaming a term or an ancestor page starts a new generation and shows at once."""
    from cooperations.models import CooperationIndexPage, LegalForm, Motive, TaskArea

    parent = TaskArea.objects.create(name="Memoverwaltung", slug="memo-verwaltung")
    area = TaskArea.objects.create(name="Memostandesamt", slug="memo-standesamt", parent=parent)
    form = LegalForm.objects.create(name="Memovereinbarung", slug="memo-vereinbarung")
    motive = Motive.objects.create(name="Memomotiv", slug="memo-motiv")
    fields = {"task_areas": [area], "motives": [motive], "legal_form": form}
    first = make_profile("Erster Memo-Steckbrief", **fields)
    second = make_profile("Zweiter Memo-Steckbrief", **fields)
    html = fetch(client, first.url).content.decode()
    assert "Memoverwaltung › Memostandesamt" in html and "Memomotiv" in html
    assert "Memovereinbarung" in html

    with CaptureQueriesContext(connection) as queries:
        html = fetch(client, second.url).content.decode()
    tables = " ".join(q["sql"].split("WHERE")[0] for q in queries)
    assert '"cooperations_legalform"' not in tables  # the term itself from the cache entry
    assert '"cooperations_taskarea"."name"' not in tables  # only the pks of the page's terms
    assert "Memoverwaltung › Memostandesamt" in html and "Memovereinbarung" in html
    assert '<a href="/kooperationen/">Kooperationen</a>' in html

    form.name = "Umbenannte Vereinbarung"
    form.save()
    index = CooperationIndexPage.objects.get()
    index.title = "Umbenannte Kooperationen"
    index.save_revision().publish()
    html = fetch(client, second.url).content.decode()
    assert "Umbenannte Vereinbarung" in html and "Memovereinbarung" not in html
    assert '<a href="/kooperationen/">Umbenannte Kooperationen</a>' in html


def test_profile_lists_take_their_terms_from_the_cache_entry(client, make_profile):
    """A municipality page lists its profiles with their terms from the taxonomy's cache
    entry (one query for the task areas of all of them)."""
    from cooperations.models import LegalForm, TaskArea

    first = TaskArea.objects.create(name="Listenarchiv", slug="listen-archiv", sort_order=1)
    second = TaskArea.objects.create(name="Listenbauhof", slug="listen-bauhof", sort_order=2)
    form = LegalForm.objects.create(name="Listenvereinbarung", slug="listen-vereinbarung")
    make_profile("Listenprofil Erwitte", task_areas=[second, first], legal_form=form)
    url = f"/gemeinden/{ERWITTE}/"
    fetch(client, url + "?a=1")
    with CaptureQueriesContext(connection) as queries:
        html = fetch(client, url + "?a=2").content.decode()
    assert "Listenprofil Erwitte" in html
    assert "Listenarchiv, Listenbauhof" in html  # the taxonomy's order
    assert "Listenvereinbarung" in html
    tables = " ".join(q["sql"].split("WHERE")[0] for q in queries)
    assert '"cooperations_legalform"' not in tables
    assert '"cooperations_taskarea"' not in tables


def test_list_entries_are_shared_by_the_lists_and_follow_a_publish(client, make_profile):
    """A profile's list entry is rendered once per generation and shared by every list that
    shows it (here the Kreis page after the municipality page); a publish shows at once."""
    page = make_profile("Geteilter Listeneintrag", summary="Erste Fassung der Beschreibung.")
    municipality, county = f"/gemeinden/{ERWITTE}/", "/kreise/05974/"
    assert "Erste Fassung" in fetch(client, municipality).content.decode()
    with CaptureQueriesContext(connection) as queries:
        html = fetch(client, county).content.decode()
    assert html.count("Geteilter Listeneintrag") == 1 and "Erste Fassung" in html
    entry_columns = [q["sql"] for q in queries if '"summary"' in q["sql"].split("FROM")[0]]
    assert entry_columns == []  # the profile's pk only, the entry from the cache

    page.summary = "Zweite Fassung der Beschreibung."
    page.save_revision().publish()
    for url in (municipality, county):
        html = fetch(client, url).content.decode()
        assert "Zweite Fassung" in html and "Erste Fassung" not in html


def test_a_new_view_restriction_protects_and_unlists_at_once(client, make_profile):
    """Adding a view restriction starts a new generation: the cached page is protected and
    unlisted at once (Wagtail's own restriction check and ``public()``)."""
    from wagtail.models import PageViewRestriction

    from cooperations.models import CooperationIndexPage

    page = make_profile("Bald geschützter Steckbrief")
    municipality = f"/gemeinden/{ERWITTE}/"
    assert "Bald geschützter Steckbrief" in fetch(client, page.url).content.decode()
    assert "Bald geschützter Steckbrief" in fetch(client, municipality).content.decode()
    assert fetch(client, page.url + "?anders=1")["X-Cache"] == "MISS"
    assert fetch(client, page.url)["X-Cache"] == "HIT"

    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(page.url + "?anders=1").status_code == 302
    assert "Bald geschützter Steckbrief" not in fetch(client, municipality).content.decode()

    # A restriction on an ancestor covers the pages below it.
    other = make_profile("Anderer Steckbrief unter dem Index")
    assert fetch(client, other.url).status_code == 200
    index = CooperationIndexPage.objects.get()
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(other.url).status_code == 302
    assert "Anderer Steckbrief" not in fetch(client, municipality).content.decode()
