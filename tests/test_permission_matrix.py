"""Permission matrix: every URL pattern, six roles, who may see and do what, and what never leaks.

Every pattern the resolver knows must be classified here: either in ROUTES (one line per
pattern: URL(s) to request and the expected answer per role) or by a PREFIX_RULES entry (the
Wagtail admin, the Django admin). A new route without an entry makes
test_every_url_pattern_is_classified fail; add one line to ROUTES, e.g.

    "anleitungen/<slug:slug>/": [case("/anleitungen/{guide_slug}/", "200 200 200 200 200 200")],

Expectations are six space-separated answers in the order of ROLES:
anonymous, municipal account A (Erwitte), municipal account B (Anröchte), editor (group
Redaktion), moderator (group Moderation), admin (superuser). An answer is a status code, or
"login" (redirect to /konto/anmelden/), "alogin" (to the Wagtail admin login), "djlogin" (to
the Django admin login), "3xx" (any redirect) or "-" (not requested: the same for every
role and slow, like the full register exports).

The leak checks run over every response of the walk: the title of a never-published
profile, the title of an unpublished newer revision, a contact person who did not agree to
be shown, and Börse entries that are not approved must not appear where the role may not see
them (public pages, search and its API, feeds, sitemap, exports, the JSON API).
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.documents import get_document_model

from alerts.models import SavedSearch
from alerts.notify import unsubscribe_token
from boerse.models import BoerseEntry, EntryStatus
from cooperations.models import ContactPerson
from cooperations.taxonomy import TaskArea
from reports.forms import ParsedPartner
from reports.services import create_report

from .users import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ROLES = ("anon", "muni_a", "muni_b", "editor", "moderator", "admin")
ERWITTE, ANROECHTE = "05974016", "05974004"

# Distinctive words, so a leak is found wherever it is rendered.
# A search echoes its query and highlights matches, so each secret has a word that is
# searched for (Quokka, Okapi, Vertraulich) and one that must never appear (Geheimprojekt,
# Wombatgehege, Xaveria): a hit would show it unhighlighted.
DRAFT_TITLE = "Geheimprojekt Quokka"
DRAFT_SECRET = "Geheimprojekt"
PUBLISHED_TITLE = "Abwasserverbund Narwal"
REVISION_TITLE = "Abwasserverbund Narwal Okapi Wombatgehege"  # unpublished newer revision
REVISION_SECRET = "Wombatgehege"
REPORT_TITLE = "Gemeldete Kooperation Nashornpflege"
REPORT_SECRET = "Nashornpflege"
REPORT_CONTACT = "melderin@kommune-a.example"
PROFILE_TITLE = "Standesamtsverbund Albatros"
PRIVATE_NAME = "Xaveria Vertraulich"
PRIVATE_SECRET = "Xaveria"
PRIVATE_EMAIL = "xaveria.vertraulich@kommune-a.example"
PUBLIC_EMAIL = "otto.offen@kommune-a.example"
# Erhebung: a draft of account A and a submitted response of account B.
SURVEY_DRAFT_SECRET = "Erhebungsentwurf Tapirgehege"
SURVEY_ANSWER_SECRET = "Erhebungsantwort Gnuherde"
BOERSE = {
    "a_approved": ("Börse Angebot Biber", EntryStatus.APPROVED, "a"),
    "a_pending": ("Börse Wartend Kiwi", EntryStatus.SUBMITTED, "a"),
    "a_draft": ("Börse Entwurf Emu", EntryStatus.DRAFT, "a"),
    "b_rejected": ("Börse Abgelehnt Lemur", EntryStatus.REJECTED, "b"),
    "b_approved": ("Börse Angebot Dachs", EntryStatus.APPROVED, "b"),
}


@dataclass
class Case:
    url: str  # formatted with the world's values: "/boerse/{a_pending}/"
    expect: str  # six answers, see the module docstring
    contains: dict = field(default_factory=dict)  # role -> texts the answer must contain


def case(url, expect, **contains):
    answers = expect.split()
    assert len(answers) == len(ROLES), expect
    return Case(url, expect, {role: texts for role, texts in contains.items()})


ALL_200 = "200 200 200 200 200 200"
LOGIN_THEN_200 = "login 200 200 200 200 200"
REGISTER = "200 - - - - 200"  # the same for everyone and slow: register data, the sitemap

# One entry per URL pattern outside the admin prefixes; several cases where the object
# matters (an approved and a pending Börse entry, a live and a draft page).
ROUTES = {
    # --- public pages and the CMS pages (Wagtail's catch-all) ---------------------------
    # Wagtail's serve view (pages below the home page routed by HomePage.route)
    "^((?:[\\w\\-]+/)*)$": [
        case("/", ALL_200),
        case("{index_url}", ALL_200, anon=[PROFILE_TITLE, PUBLISHED_TITLE]),
        case("{profile_url}", ALL_200, anon=[PUBLIC_EMAIL], muni_a=[PRIVATE_EMAIL]),
        case("{published_url}", ALL_200, anon=[PUBLISHED_TITLE]),
        case("{draft_url}", "404 404 404 404 404 404"),
        case("/_util/gibt-es-nicht/", "404 404 404 404 404 404"),
    ],
    "_util/login/": [case("/_util/login/", ALL_200)],
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": [
        case("/_util/authenticate_with_password/999999/{draft_id}/", "404 404 404 404 404 404")
    ],
    "daten/": [case("/daten/", ALL_200)],
    "sitemap.xml": [case("/sitemap.xml", REGISTER, anon=["/kooperationen/"])],
    "robots.txt": [case("/robots.txt", ALL_200, anon=["Sitemap: "])],
    "dokumente/^(\\d+)/(.*)$": [case("/dokumente/{document_id}/{document_file}", ALL_200)],
    "dokumente/authenticate_with_password/<int:restriction_id>/": [
        case("/dokumente/authenticate_with_password/999999/", "404 404 404 404 404 404")
    ],
    # --- search and matchmaking ------------------------------------------------------------
    "suche/": [
        case("/suche/", ALL_200),
        case("/suche/?q=Narwal", ALL_200, anon=[PUBLISHED_TITLE]),
        case("/suche/?q=Quokka", ALL_200),
        case("/suche/?q=Okapi", ALL_200),
        case("/suche/?q=Vertraulich", ALL_200),
    ],
    "api/v1/suche/": [
        case("/api/v1/suche/?q=Narwal", ALL_200, anon=[PUBLISHED_TITLE]),
        case("/api/v1/suche/?q=Quokka", ALL_200),
        case("/api/v1/suche/?q=Okapi", ALL_200),
        case("/api/v1/suche/?q=Vertraulich", ALL_200),
    ],
    "api/openapi.json": [case("/api/openapi.json", ALL_200)],
    "api/docs": [case("/api/docs", ALL_200)],
    "api/": [case("/api/", "404 404 404 404 404 404")],
    "partnersuche/": [case("/partnersuche/", ALL_200)],
    "api/v1/partnersuche/": [case(f"/api/v1/partnersuche/?q={ERWITTE}", ALL_200)],
    "api/v1/partnersuche/orte/": [case("/api/v1/partnersuche/orte/?q=Erw", ALL_200)],
    "foerderung/check/": [case("/foerderung/check/", ALL_200)],
    # --- register ------------------------------------------------------------------------
    "gemeinden/": [case("/gemeinden/", REGISTER)],
    "gemeinden/<str:ags>/": [case(f"/gemeinden/{ERWITTE}/", ALL_200, anon=[PROFILE_TITLE])],
    "kreise/": [case("/kreise/", REGISTER)],
    "kreise/<str:key>/": [case("/kreise/05974/", ALL_200)],
    # --- Kooperationsbörse ---------------------------------------------------------------
    "boerse/": [case("/boerse/", ALL_200, anon=["Börse Angebot Biber", "Börse Angebot Dachs"])],
    "boerse/neu/": [case("/boerse/neu/", "login 200 200 403 403 403")],
    "boerse/moderation/": [
        case("/boerse/moderation/", "login 403 403 403 200 200", moderator=["Börse Wartend Kiwi"])
    ],
    "boerse/moderation/<id:pk>/": [
        case("/boerse/moderation/{a_pending}/", "login 403 403 403 200 200")
    ],
    "boerse/<id:pk>/": [
        case("/boerse/{a_approved}/", ALL_200, anon=["Börse Angebot Biber"]),
        case("/boerse/{a_pending}/", "404 200 404 404 200 200", muni_a=["Börse Wartend Kiwi"]),
        case("/boerse/{a_draft}/", "404 200 404 404 200 200"),
        case("/boerse/{b_rejected}/", "404 404 200 404 200 200"),
    ],
    "boerse/<id:pk>/bearbeiten/": [
        case("/boerse/{a_draft}/bearbeiten/", "login 200 404 403 403 403"),
        case("/boerse/{b_rejected}/bearbeiten/", "login 404 200 403 403 403"),
    ],
    "boerse/<id:pk>/einreichen/": [
        case("/boerse/{a_draft}/einreichen/", "login 405 405 405 405 405")
    ],
    "boerse/<id:pk>/zurueckziehen/": [
        case("/boerse/{a_approved}/zurueckziehen/", "login 405 405 405 405 405")
    ],
    "boerse/<id:pk>/verlaengern/": [
        case("/boerse/{a_approved}/verlaengern/", "login 200 404 403 403 403")
    ],
    "boerse/<id:pk>/interesse/": [
        case("/boerse/{a_approved}/interesse/", "login 302 302 302 302 302"),
        case("/boerse/{a_pending}/interesse/", "login 404 404 404 404 404"),
    ],
    # --- accounts and saved searches -----------------------------------------------------
    "konto/": [case("/konto/", LOGIN_THEN_200, muni_a=["Börse Wartend Kiwi"])],
    "konto/anmelden/": [case("/konto/anmelden/", ALL_200)],
    "konto/abmelden/": [case("/konto/abmelden/", "405 405 405 405 405 405")],
    # A municipal account already has its account: sent to /konto/.
    "konto/zugang-beantragen/": [case("/konto/zugang-beantragen/", "200 302 302 200 200 200")],
    "konto/zugang-beantragen/danke/": [case("/konto/zugang-beantragen/danke/", ALL_200)],
    "konto/passwort-vergessen/": [case("/konto/passwort-vergessen/", ALL_200)],
    "konto/passwort-vergessen/gesendet/": [case("/konto/passwort-vergessen/gesendet/", ALL_200)],
    # An invalid link answers with the German "ungültig" page.
    "konto/passwort-festlegen/<uidb64>/<token>/": [
        case("/konto/passwort-festlegen/MQ/ungueltig-123/", ALL_200)
    ],
    "konto/passwort-festlegen/fertig/": [case("/konto/passwort-festlegen/fertig/", ALL_200)],
    "benachrichtigungen/": [case("/benachrichtigungen/", LOGIN_THEN_200, muni_a=["Suche A"])],
    "benachrichtigungen/neu/": [case("/benachrichtigungen/neu/", LOGIN_THEN_200)],
    "benachrichtigungen/<id:pk>/bearbeiten/": [
        case("/benachrichtigungen/{search_a}/bearbeiten/", "login 200 404 404 404 404")
    ],
    "benachrichtigungen/<id:pk>/loeschen/": [
        case("/benachrichtigungen/{search_a}/loeschen/", "login 200 404 404 404 404")
    ],
    "benachrichtigungen/<id:pk>/aktiv/": [
        case("/benachrichtigungen/{search_a}/aktiv/", "login 405 405 405 405 405")
    ],
    "benachrichtigungen/abmelden/<str:token>/": [
        case("/benachrichtigungen/abmelden/{token_a}/", ALL_200),
        case("/benachrichtigungen/abmelden/gefaelscht/", "400 400 400 400 400 400"),
    ],
    # --- events, open data, feeds --------------------------------------------------------
    "veranstaltungen/kalender.ics": [case("/veranstaltungen/kalender.ics", ALL_200)],
    "veranstaltungen/<id:pk>.ics": [
        case("/veranstaltungen/{draft_id}.ics", "404 404 404 404 404 404")
    ],
    "daten/steckbriefe.csv": [case("/daten/steckbriefe.csv", ALL_200, anon=[PROFILE_TITLE])],
    "daten/steckbriefe.json": [case("/daten/steckbriefe.json", ALL_200, anon=[PROFILE_TITLE])],
    "daten/gemeinden.csv": [case("/daten/gemeinden.csv", REGISTER)],
    "daten/gemeinden.json": [case("/daten/gemeinden.json", REGISTER)],
    "daten/kreise.csv": [case("/daten/kreise.csv", REGISTER)],
    "daten/kreise.json": [case("/daten/kreise.json", REGISTER)],
    "api/v1/steckbriefe/": [case("/api/v1/steckbriefe/", ALL_200, anon=[PROFILE_TITLE])],
    "api/v1/steckbriefe/<int:id>/": [
        case("/api/v1/steckbriefe/{profile_id}/", ALL_200, anon=[PUBLIC_EMAIL]),
        case("/api/v1/steckbriefe/{published_id}/", ALL_200, anon=[PUBLISHED_TITLE]),
        case("/api/v1/steckbriefe/{draft_id}/", "404 404 404 404 404 404"),
    ],
    "api/v1/gemeinden/": [case("/api/v1/gemeinden/", REGISTER)],
    "api/v1/gemeinden/<ags>/": [case(f"/api/v1/gemeinden/{ERWITTE}/", ALL_200)],
    "api/v1/kreise/": [case("/api/v1/kreise/", REGISTER)],
    "api/v1/kreise/<key>/": [case("/api/v1/kreise/05974/", ALL_200)],
    "feeds/steckbriefe.rss": [case("/feeds/steckbriefe.rss", ALL_200, anon=[PROFILE_TITLE])],
    "feeds/steckbriefe.atom": [case("/feeds/steckbriefe.atom", ALL_200, anon=[PROFILE_TITLE])],
    # --- inventory (Bestandsaufnahme), reports (Meldungen), accessibility feedback ------
    "bestandsaufnahme/": [case("/bestandsaufnahme/", ALL_200)],
    "bestandsaufnahme/erhebung/": [case("/bestandsaufnahme/erhebung/", ALL_200)],
    "bestandsaufnahme/erhebung/<int:pk>/": [
        case("/bestandsaufnahme/erhebung/{campaign_id}/", ALL_200),
        case("/bestandsaufnahme/erhebung/{example_campaign_id}/", "404 404 404 404 404 404"),
    ],
    "bestandsaufnahme/erhebung/<int:pk>/<slug:aufgabe>/": [
        case("/bestandsaufnahme/erhebung/{campaign_id}/standesamt/", ALL_200),
        case("/bestandsaufnahme/erhebung/{campaign_id}/abwasser/", "404 404 404 404 404 404"),
    ],
    "bestandsaufnahme/potenzial/<slug:aufgabe>/": [
        case("/bestandsaufnahme/potenzial/standesamt/?kreis=05974", ALL_200),
        case("/bestandsaufnahme/potenzial/gibt-es-nicht/", "404 404 404 404 404 404"),
    ],
    "daten/erhebung-<int:pk>.csv": [
        case("/daten/erhebung-{campaign_id}.csv", ALL_200),
        case("/daten/erhebung-{example_campaign_id}.csv", "404 404 404 404 404 404"),
    ],
    "daten/erhebung-<int:pk>.json": [case("/daten/erhebung-{campaign_id}.json", ALL_200)],
    "api/v1/erhebungen/": [case("/api/v1/erhebungen/", ALL_200)],
    "api/v1/erhebungen/<int:pk>/": [
        case("/api/v1/erhebungen/{campaign_id}/", ALL_200),
        case("/api/v1/erhebungen/{example_campaign_id}/", "404 404 404 404 404 404"),
    ],
    "bestandsaufnahme/<slug:key>.csv": [
        case("/bestandsaufnahme/{figure_key}.csv", ALL_200),
        case("/bestandsaufnahme/gibt-es-nicht.csv", "404 404 404 404 404 404"),
    ],
    "konto/meldungen/": [case("/konto/meldungen/", LOGIN_THEN_200)],
    # Only verified accounts of a profile's partners (both are partners of the profile,
    # only kommune_a of the published one, which has Erwitte alone).
    "steckbriefe/<id:pk>/ergaenzen/": [
        case("/steckbriefe/{profile_id}/ergaenzen/", "login 200 200 403 403 403"),
        case("/steckbriefe/{published_id}/ergaenzen/", "login 200 403 403 403 403"),
        case("/steckbriefe/{draft_id}/ergaenzen/", "login 404 404 404 404 404"),
    ],
    "konto/meldungen/neu/": [case("/konto/meldungen/neu/", "login 200 200 403 403 403")],
    "konto/meldungen/<id:pk>/": [
        case("/konto/meldungen/{report_a}/", "login 200 404 404 404 404", muni_a=[REPORT_TITLE]),
        case("/konto/meldungen/999999/", "login 404 404 404 404 404"),
    ],
    "barrierefreiheit/rueckmeldung/": [case("/barrierefreiheit/rueckmeldung/", ALL_200)],
    "barrierefreiheit/rueckmeldung/danke/": [
        case("/barrierefreiheit/rueckmeldung/danke/", ALL_200)
    ],
    # --- Erhebungen: A has a draft, B has submitted; the admin (superuser) coordinates ---
    "erhebungen/": [case("/erhebungen/", LOGIN_THEN_200)],
    "erhebungen/<id:pk>/": [
        case(
            "/erhebungen/{campaign_id}/",
            "login 200 200 403 403 403",
            muni_a=[SURVEY_DRAFT_SECRET],
            muni_b=[SURVEY_ANSWER_SECRET],
        ),
        case("/erhebungen/{example_campaign_id}/", "login 200 200 403 403 403"),
        case("/erhebungen/999999/", "404 404 404 404 404 404"),
    ],
    "erhebungen/<id:pk>/bestaetigung/": [
        case("/erhebungen/{campaign_id}/bestaetigung/", "login 302 200 403 403 403")
    ],
    "erhebungen/einladung/<str:token>/": [
        case("/erhebungen/einladung/{invitation_token}/", ALL_200),
        case("/erhebungen/einladung/gefaelscht/", "400 400 400 400 400 400"),
    ],
    "erhebungen/<id:pk>/fortschritt/": [
        case("/erhebungen/{campaign_id}/fortschritt/", "login 403 403 403 403 200")
    ],
    "erhebungen/<id:pk>/entwuerfe-vorschlagen/": [
        case("/erhebungen/{campaign_id}/entwuerfe-vorschlagen/", "login 405 405 405 405 405")
    ],
    "erhebungen/<id:pk>/einladungen/": [
        case("/erhebungen/{campaign_id}/einladungen/", "login 403 403 403 403 200")
    ],
    "erhebungen/<id:pk>/antworten.csv": [
        case(
            "/erhebungen/{campaign_id}/antworten.csv",
            "login 403 403 403 403 200",
            admin=[SURVEY_ANSWER_SECRET],
        )
    ],
    "erhebungen/<id:pk>/antworten.xlsx": [
        case("/erhebungen/{campaign_id}/antworten.xlsx", "login 403 403 403 403 200")
    ],
}

# Whole URL trees classified by one rule (walked in full for some roles, see below).
PREFIX_RULES = {"admin/": "wagtail_admin", "django-admin/": "django_admin"}

# Admin URLs that anonymous visitors may open: login, logout, password reset, the icon
# sprite and the JavaScript translations of the login page.
ADMIN_PUBLIC = (
    "admin/login/",
    "admin/password_reset/",
    "admin/sprite/",
    "admin/jsi18n/",
    "django-admin/login/",
    "django-admin/logout/",
)
# Not requested as staff: logging out, and Wagtail's deliberate error page.
ADMIN_SKIP_FOR_STAFF = ("logout/", "login/", "failwhale/")
# Answers of a logged-in role without admin access, per admin tree.
NO_ACCESS = {"wagtail_admin": "alogin", "django_admin": "djlogin"}

# Paths where only what everyone may download is served: nothing private, for any role.
EXPORT_PREFIXES = (
    "/api/",
    "/daten/",
    "/feeds/",
    "/sitemap.xml",
    "/veranstaltungen/",
    "/bestandsaufnahme/",
)


# --- the URL patterns ------------------------------------------------------------------------


def url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def classify(route):
    if route in ROUTES:
        return "route"
    for prefix, rule in PREFIX_RULES.items():
        if route.startswith(prefix):
            return rule
    return None


SAMPLE_GROUPS = [
    (r"\(\?P<app_label>[^)]*\)", "auth"),
    (r"\(\?P<revision_id_a>[^)]*\)", "earliest"),
    (r"\(\?P<revision_id_b>[^)]*\)", "latest"),
    (r"\(\?P<\w+>\\d\+\)", "1"),
    (r"\(\?P<\w+>[^)]*\)", "x"),
    (r"\(\\d\+\)", "1"),
    (r"\(\.\*\)", "x"),
    (r"\.\*", "x"),
    (r"\\\.", "."),
    (r"<int:\w+>", "1"),
    (r"<(?:str:|slug:|path:)?\w+>", "x"),
]


def sample_url(route):
    """A concrete URL for a route (dummy values), for the admin trees."""
    url = route.replace("^", "").replace("$", "")
    for regex, value in SAMPLE_GROUPS:
        url = re.sub(regex, value, url)
    return "/" + url


def has_parameters(route):
    return "<" in route or "(" in route or ".*" in route


# --- the world -------------------------------------------------------------------------------


@pytest.fixture
def world(make_profile, site_tree):
    from cooperations.models import CooperationPage
    from search.indexing import sync_profiles

    cache.clear()  # throttle counters of earlier tests
    users = {
        "muni_a": make_user("kommune_a", ags=ERWITTE),
        "muni_b": make_user("kommune_b", ags=ANROECHTE),
        "editor": make_user("redakteurin", group="Redaktion"),
        "moderator": make_user("moderatorin", group="Moderation"),
        "admin": User.objects.create_superuser("admin", "admin@example.org", PASSWORD),
    }
    profile = make_profile(PROFILE_TITLE, partners=[(ERWITTE, "lead"), (ANROECHTE, "member")])
    profile.contacts.add(ContactPerson(name=PRIVATE_NAME, email=PRIVATE_EMAIL, phone="0 111"))
    profile.contacts.add(ContactPerson(name="Otto Offen", email=PUBLIC_EMAIL, public_display=True))
    profile.save_revision().publish()
    draft = make_profile(DRAFT_TITLE, publish=False)
    published = make_profile(PUBLISHED_TITLE)
    newer = CooperationPage.objects.get(pk=published.pk)
    newer.title = REVISION_TITLE
    newer.summary = f"Neue Fassung: {REVISION_TITLE}"
    newer.save_revision()  # a draft revision, never published
    sync_profiles(list(CooperationPage.objects.values_list("pk", flat=True)))

    area = TaskArea.objects.get(slug="personal-beihilfe")
    values = {}
    for key, (title, status, owner) in BOERSE.items():
        user = users[f"muni_{owner}"]
        entry = BoerseEntry.objects.create(
            kind="angebot",
            title=title,
            description=f"Beschreibung von {title}",
            municipality=user.municipal_account.municipality,
            created_by=user,
            expires_on=timezone.localdate() + timedelta(days=10),
            status=status,
        )
        entry.task_areas.add(area)
        values[key] = entry.pk
    saved = SavedSearch.objects.create(user=users["muni_a"], name="Suche A", text="Beihilfe")
    report = create_report(
        users["muni_a"],
        users["muni_a"].municipal_account,
        {
            "title": REPORT_TITLE,
            "summary": "Gemeldet von Kommune A.",
            "description": "Beschreibung der Meldung.",
            "task_areas": [area],
            "sources": ["https://example.org/meldung"],
            "contact_name": "Melderin",
            "contact_email": REPORT_CONTACT,
        },
        [
            ParsedPartner(
                role="lead", municipality=users["muni_a"].municipal_account.municipality
            )
        ],
    )
    document = get_document_model().objects.create(
        title="Satzung", file=ContentFile(b"Satzungstext", name="satzung.txt")
    )
    from inventory.figures import FIGURES
    from surveys.models import Invitation, Response

    from .survey_world import make_campaign

    campaign = make_campaign()
    example = make_campaign(title="Beispiel: Erhebung", is_example=True)
    for user, status, remarks in (
        (users["muni_a"], Response.Status.DRAFT, SURVEY_DRAFT_SECRET),
        (users["muni_b"], Response.Status.SUBMITTED, SURVEY_ANSWER_SECRET),
    ):
        response = Response.objects.create(
            campaign=campaign,
            municipality=user.municipal_account.municipality,
            status=status,
            remarks=remarks,
            submitted_at=timezone.now() if status == Response.Status.SUBMITTED else None,
        )
        for task_area in campaign.task_areas.all():
            response.answers.create(task_area=task_area, status="allein")
    _, invitation_token = Invitation.issue(
        campaign, users["muni_a"].municipal_account.municipality.county, "kreis@example.org"
    )

    index_url = site_tree[1].url
    values.update(
        index_url=index_url,
        profile_url=profile.url,
        profile_id=profile.pk,
        published_url=published.url,
        published_id=published.pk,
        draft_url=f"{index_url}{draft.slug}/",
        draft_id=draft.pk,
        search_a=saved.pk,
        report_a=report.pk,
        token_a=unsubscribe_token(saved),
        document_id=document.pk,
        document_file=document.file.name.rsplit("/", 1)[-1],
        figure_key=FIGURES[0].key,
        campaign_id=campaign.pk,
        example_campaign_id=example.pk,
        invitation_token=invitation_token,
    )
    return {"users": users, "values": values, "draft": draft, "published": published}


def clients(world, **client_kwargs):
    result = {"anon": Client(**client_kwargs)}
    for role, user in world["users"].items():
        result[role] = Client(**client_kwargs)
        result[role].force_login(user)
    return result


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def answer(response):
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith("/konto/anmelden/"):
            return "login"
        if location.startswith("/admin/login/"):
            return "alogin"
        if location.startswith("/django-admin/login/"):
            return "djlogin"
    return str(response.status_code)


def matches(expected, got):
    if expected == "3xx":
        return got in {"301", "302", "303", "307", "308", "login", "alogin", "djlogin"}
    return expected == got


def forbidden_texts(role, url):
    """What this role must never see at this URL."""
    texts = [DRAFT_SECRET, REVISION_SECRET]
    if role != "muni_a" or not url.startswith("/konto/meldungen/"):
        texts += [REPORT_SECRET, REPORT_CONTACT]  # a reported draft: only its reporter sees it
    export = url.startswith(EXPORT_PREFIXES)
    if role == "anon" or export:
        texts += [PRIVATE_SECRET, PRIVATE_EMAIL]
    if not (role == "muni_a" and url.startswith("/erhebungen/")):
        texts.append(SURVEY_DRAFT_SECRET)  # a draft: only its own body sees it
    own_answer = role == "muni_b" and url.startswith("/erhebungen/")
    raw_answers = role == "admin" and url.startswith("/erhebungen/") and "/antworten." in url
    if not (own_answer or raw_answers):
        texts.append(SURVEY_ANSWER_SECRET)  # only the body itself and the coordinator
    may_see = {
        "a_pending": {"muni_a", "moderator", "admin"},
        "a_draft": {"muni_a", "moderator", "admin"},
        "b_rejected": {"muni_b", "moderator", "admin"},
    }
    for key, roles in may_see.items():
        if export or role not in roles:
            texts.append(BOERSE[key][0])
    return texts


# --- the tests -------------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    routes = [route for route, _ in url_patterns()]
    unclassified = [route for route in routes if classify(route) is None]
    assert not unclassified, "Add these URL patterns to ROUTES in this file:\n" + "\n".join(
        unclassified
    )
    stale = sorted(set(ROUTES) - set(routes))
    assert stale == [], "ROUTES names patterns that no longer exist"


def test_public_and_account_routes_per_role(world):
    values = world["values"]
    by_role = clients(world)
    problems, leaks, missing = [], [], []
    for cases in ROUTES.values():
        for item in cases:
            url = item.url.format(**values)
            for role, expected in zip(ROLES, item.expect.split(), strict=True):
                if expected == "-":
                    continue
                response = by_role[role].get(url)
                got = answer(response)
                if not matches(expected, got):
                    problems.append(f"{role:9} GET {url}: expected {expected}, got {got}")
                    continue
                text = "" if 300 <= response.status_code < 400 else body(response)
                for secret in forbidden_texts(role, url):
                    if secret in text:
                        leaks.append(f"{role:9} GET {url}: shows {secret!r}")
                for wanted in item.contains.get(role, []):
                    if wanted not in text:
                        missing.append(f"{role:9} GET {url}: lacks {wanted!r}")
    assert not problems, "\n".join(problems)
    assert not leaks, "\n".join(leaks)
    assert not missing, "\n".join(missing)


def test_logged_in_roles_see_private_contacts_only_on_the_profile_page(world):
    url = world["values"]["profile_url"]
    anonymous = Client().get(url).content.decode()
    assert PRIVATE_EMAIL not in anonymous and PRIVATE_NAME not in anonymous
    for role, client in clients(world).items():
        if role != "anon":
            assert PRIVATE_EMAIL in client.get(url).content.decode(), role


def test_admin_trees_per_role(world):
    """Every admin URL: anonymous visitors and municipal accounts are sent to the login."""
    by_role = clients(world)
    problems = []
    for route, _ in url_patterns():
        rule = classify(route)
        if rule not in NO_ACCESS:
            continue
        url = sample_url(route)
        public = route.startswith(ADMIN_PUBLIC)
        for role in ("anon", "muni_a"):
            got = answer(by_role[role].get(url))
            # Signed in without admin access counts as not signed in: back to the login.
            ok = not got.startswith("5") if public else got == NO_ACCESS[rule]
            if not ok:
                problems.append(f"{role:9} GET {url} ({route}): got {got}")
        if has_parameters(route) or public or route.endswith(ADMIN_SKIP_FOR_STAFF):
            continue
        # Staff: the admin answers (no error, no login page) for every parameter-free view.
        for role in ("editor",) if rule == "wagtail_admin" else ("admin",):
            got = answer(by_role[role].get(url))
            if got.startswith("5") or got in ("alogin", "djlogin", "login"):
                problems.append(f"{role:9} GET {url} ({route}): got {got}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "url, expect",
    [
        ("/admin/", "alogin alogin alogin 200 200 200"),
        ("/admin/pages/{draft_id}/edit/", "alogin alogin alogin 200 200 200"),
        ("/admin/pages/{draft_id}/edit/preview/", "alogin alogin alogin 200 200 200"),
        ("/admin/users/", "alogin alogin alogin 3xx 3xx 200"),
        ("/admin/groups/", "alogin alogin alogin 3xx 3xx 200"),
        ("/admin/settings/kooperationsatlas/sitesettings/1/", "alogin alogin alogin 3xx 3xx 200"),
        ("/django-admin/", "djlogin djlogin djlogin djlogin djlogin 200"),
        ("/django-admin/auth/user/", "djlogin djlogin djlogin djlogin djlogin 200"),
    ],
)
def test_admin_permissions_per_role(world, url, expect):
    by_role = clients(world)
    url = url.format(**world["values"])
    got = [answer(by_role[role].get(url)) for role in ROLES]
    assert all(matches(e, g) for e, g in zip(expect.split(), got, strict=True)), got
    if got[3] == "200" and url.endswith("/edit/"):
        assert DRAFT_TITLE in body(by_role["editor"].get(url))


def test_actions_per_role(world):
    """POST actions: refused roles change nothing; the allowed role does it."""
    values = world["values"]
    by_role = clients(world)

    def status(key):
        return BoerseEntry.objects.get(pk=values[key]).status

    withdraw = f"/boerse/{values['a_approved']}/zurueckziehen/"
    for role, expected in [("anon", "login"), ("muni_b", "404"), ("editor", "403")]:
        assert answer(by_role[role].post(withdraw)) == expected, role
        assert status("a_approved") == EntryStatus.APPROVED
    edit = f"/boerse/{values['a_draft']}/bearbeiten/"
    assert by_role["muni_b"].post(edit, {"title": "Gekapert"}).status_code == 404
    assert BoerseEntry.objects.get(pk=values["a_draft"]).title == BOERSE["a_draft"][0]
    moderate = f"/boerse/moderation/{values['a_pending']}/"
    decision = {"decision": "freigeben", "note": ""}
    for role in ("muni_a", "muni_b", "editor"):
        assert by_role[role].post(moderate, decision).status_code == 403, role
        assert status("a_pending") == EntryStatus.SUBMITTED
    delete = f"/benachrichtigungen/{values['search_a']}/loeschen/"
    for role in ("muni_b", "editor", "moderator", "admin"):
        assert by_role[role].post(delete).status_code == 404, role
    assert SavedSearch.objects.filter(pk=values["search_a"]).exists()

    assert answer(by_role["muni_a"].post(withdraw)) == "302"
    assert status("a_approved") == EntryStatus.WITHDRAWN
    assert answer(by_role["moderator"].post(moderate, decision)) == "302"
    assert status("a_pending") == EntryStatus.APPROVED
    assert answer(by_role["muni_a"].post(delete)) == "302"
    assert not SavedSearch.objects.filter(pk=values["search_a"]).exists()


def csrf_refusal(response):
    """Our CSRF failure page (kooperationsatlas.errors.csrf_failure, German) or the
    refusal of Wagtail's admin API (Django REST framework: "CSRF Failed")."""
    text = body(response)
    return response.status_code == 403 and ("Sicherheitsmerkmal" in text or "CSRF" in text)


def test_post_without_csrf_token_is_refused_everywhere(world):
    """Every URL, as anonymous and as admin: a POST without token is refused.

    Refused means: 403 from the CSRF check, 405 (the view takes no POST) or, for the
    CSRF-exempt admin API, the redirect to the login before anything is done.
    """
    values = world["values"]
    by_role = clients(world, enforce_csrf_checks=True)
    urls = set()
    for route, _ in url_patterns():
        if route in ROUTES:
            urls.update(item.url.format(**values) for item in ROUTES[route])
        else:
            urls.add(sample_url(route))
    accepted = []
    for url in sorted(urls):
        for role in ("anon", "admin"):
            response = by_role[role].post(url, {"title": "x", "message": "x"})
            refused = (
                response.status_code == 405
                or csrf_refusal(response)
                or answer(response) in ("login", "alogin", "djlogin")
            )
            if not refused:
                accepted.append(f"{role} POST {url}: {response.status_code}")
    assert not accepted, "\n".join(accepted)


def test_survey_answers_are_written_only_for_the_own_body(world):
    """Account B posting to the campaign changes B's response, never A's draft."""
    from surveys.models import Response

    values = world["values"]
    by_role = clients(world)
    campaign_url = f"/erhebungen/{values['campaign_id']}/"
    draft = Response.objects.get(remarks=SURVEY_DRAFT_SECRET)
    data = {"action": "absenden", "z-remarks": "Von B geändert"}
    for answer_ in draft.answers.all():
        data[f"a{answer_.task_area_id}-status"] = "geplant"
    for role in ("editor", "moderator", "admin"):
        assert by_role[role].post(campaign_url, data).status_code == 403, role
    assert answer(by_role["anon"].post(campaign_url, data)) == "login"
    assert by_role["muni_b"].post(campaign_url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.remarks == SURVEY_DRAFT_SECRET and draft.status == Response.Status.DRAFT
    assert not draft.answers.filter(status="geplant").exists()
    assert Response.objects.get(remarks="Von B geändert").municipality.ags == ANROECHTE
