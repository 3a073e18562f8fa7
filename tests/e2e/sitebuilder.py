"""Build the throw-away site the browser tests run against.

Run as a script in a subprocess whose environment points KOOPERATIONSATLAS_VAR_DIR and
DATABASE_URL at a temporary folder (see conftest.py): it migrates, loads the real register,
the demo profiles, the funding programmes and the events page, rebuilds the search index,
runs the optional loaders that exist, and creates one user per role. Everything runs in
one process, which saves a Django start-up per command.
"""

import os
import sys

import django

PASSWORD = "e2e-Passwort-2026"
USERS = {
    # username: (group, is_superuser)
    "admin": (None, True),
    "redaktion": ("Redaktion", False),
    "moderation": ("Moderation", False),
    "kommune": (None, False),
    "nachbar": (None, False),
    "vergessen": (None, False),
}
ACCOUNT_AGS = "05974016"  # Erwitte: the municipal account acts for it
# Further verified municipal accounts: "nachbar" (Anröchte) sends interest in the Börse,
# "vergessen" (Lippstadt) resets its password in the browser tests.
OTHER_ACCOUNTS = {"nachbar": ("05974004", "Ordnungsamt"), "vergessen": ("05974028", "Bauamt")}
BOERSE_TITLE = "Testangebot der Browser-Tests: gemeinsames Standesamt"
SURVEY_TITLE = "Testerhebung der Browser-Tests"
# One verified account per browser run of the survey journey (each body answers once).
SURVEY_ACCOUNTS = {"erhebung1": "05974020", "erhebung2": "05974036", "erhebung3": "05974008"}


def build():
    from django.core.management import call_command, get_commands

    call_command("migrate", interactive=False, verbosity=0)
    call_command("import_register", "--no-progress")
    call_command("load_demo_content")
    call_command("load_funding_programmes")
    call_command("setup_events")
    commands = get_commands()
    for optional in ("load_guides", "load_legal_pages", "setup_survey_example"):
        if optional in commands:
            call_command(optional)
    call_command("rebuild_search_index", "--no-progress")
    create_users()
    create_test_event()
    create_boerse_entry()
    create_survey_campaign()


def create_users():
    from django.contrib.auth.models import Group, User

    from accounts.models import MunicipalAccount
    from register.models import Municipality

    for username, (group, superuser) in USERS.items():
        user = User.objects.create_user(
            username,
            email=f"{username}@example.org",
            password=PASSWORD,
            first_name=username.capitalize(),
            is_superuser=superuser,
            is_staff=superuser,
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
    MunicipalAccount.objects.create(
        user=User.objects.get(username="kommune"),
        municipality=Municipality.objects.get(ags=ACCOUNT_AGS),
        function="Hauptamt",
        verified=True,
    )
    for username, (ags, function) in OTHER_ACCOUNTS.items():
        MunicipalAccount.objects.create(
            user=User.objects.get(username=username),
            municipality=Municipality.objects.get(ags=ags),
            function=function,
            verified=True,
        )


def create_boerse_entry():
    """One approved offer of "kommune" (Erwitte), for the interest journey; only in this
    throw-away site, and its title says that it is a test."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from boerse.models import BoerseEntry, EntryKind, EntryStatus
    from cooperations.taxonomy import TaskArea
    from register.models import Municipality

    now = timezone.now()
    entry = BoerseEntry.objects.create(
        kind=EntryKind.OFFER,
        title=BOERSE_TITLE,
        description="Nur ein Test der Browser-Tests, kein echtes Angebot.",
        municipality=Municipality.objects.get(ags=ACCOUNT_AGS),
        created_by=User.objects.get(username="kommune"),
        region_radius_km=30,
        expires_on=timezone.localdate() + timedelta(days=90),
        status=EntryStatus.APPROVED,
        moderated_at=now,
        published_at=now,
    )
    entry.task_areas.add(TaskArea.objects.get(slug="standesamt"))


def create_survey_campaign():
    """An open Erhebung asking Kreis Soest and its municipalities, and the accounts that
    answer it; only in this throw-away site, without answers, and its title says that it is
    a test."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from accounts.models import MunicipalAccount
    from cooperations.taxonomy import TaskArea
    from register.models import County, Municipality
    from surveys.models import Campaign

    for username, ags in SURVEY_ACCOUNTS.items():
        user = User.objects.create_user(
            username, email=f"{username}@example.org", password=PASSWORD, first_name="Test"
        )
        MunicipalAccount.objects.create(
            user=user, municipality=Municipality.objects.get(ags=ags), verified=True
        )

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title=SURVEY_TITLE,
        description="Nur ein Test der Browser-Tests, keine echte Erhebung.",
        starts_on=today - timedelta(days=1),
        deadline=today + timedelta(days=30),
        scope=Campaign.Scope.COUNTY,
        county=County.objects.get(key="05974"),
        ask_cooperation_interest=True,
    )
    campaign.task_areas.set(
        TaskArea.objects.filter(slug__in=["standesamt", "bauhof", "vergabe-beschaffung"])
    )


def create_test_event():
    """The site ships no events; the accessibility audit needs one event page. It exists
    only in this throw-away site and says that it is a test."""
    from datetime import timedelta

    from django.utils import timezone

    from events.models import EventIndexPage, EventPage

    index = EventIndexPage.objects.get()
    start = (timezone.now() + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    event = EventPage(
        title="Testveranstaltung der Browser-Tests",
        kind="webinar",
        start=start,
        end=start + timedelta(hours=2),
        online=True,
        online_info="Nur ein Test der Browser-Tests, keine echte Veranstaltung.",
        description="<p>Diese Seite gibt es nur in der Test-Site der Browser-Tests.</p>",
        live=False,
    )
    index.add_child(instance=event)
    event.save_revision().publish()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperationsatlas.settings.dev")
    django.setup()
    build()
    sys.stdout.write("site built\n")
