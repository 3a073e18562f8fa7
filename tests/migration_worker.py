"""The BodyReference migrations on real rows, in a process of its own (started by
tests/test_body_reference.py).

Run as ``python -m tests.migration_worker <DATABASE_URL>`` on an empty database: migrates
accounts, Börse and reports to the state before ``register.models.BodyReference``, writes
rows with the historical models (a report whose body was emptied by the former SET_NULL
among them), runs every migration and prints JSON with what the current models see.
"""

import json
import os
import sys
from datetime import date

BEFORE = [
    ("accounts", "0003_moderation_access_requests"),
    ("boerse", "0003_interest_share_contact"),
    ("reports", "0001_initial"),
]


def main(url):
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import IntegrityError, connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    for app, name in BEFORE:
        call_command("migrate", app, name, verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps

    state = old.get_model("register", "State").objects.create(key="05", name="Nordrhein-Westfalen")
    county = old.get_model("register", "County").objects.create(
        key="05974", name="Soest", display_name="Kreis Soest", kind="Kreis", state=state
    )
    town = old.get_model("register", "Municipality").objects.create(
        ags="05974016", ars="059740016016", name="Erwitte", name_official="Erwitte, Stadt",
        kind="kreisangehörige Stadt", gv_type="Stadt", county=county, state=state,
        population=16_000, population_date=date(2024, 12, 31), area_km2=89,
    )
    User = old.get_model("auth", "User")
    owner = User.objects.create(username="erwitte", email="e@example.org")
    kreis_user = User.objects.create(username="kreis", email="k@example.org")
    old.get_model("accounts", "MunicipalAccount").objects.create(user=owner, municipality=town)
    old.get_model("accounts", "MunicipalAccount").objects.create(user=kreis_user, county=county)
    old.get_model("accounts", "AccessRequest").objects.create(
        name="Erika Muster", email="m@example.org", county=county
    )
    old.get_model("boerse", "BoerseEntry").objects.create(
        kind="angebot", title="Beihilfe", description="Text", municipality=town,
        created_by=owner, expires_on=date(2027, 1, 1),
    )
    Report = old.get_model("reports", "Report")
    Report.objects.create(reporter=owner, title="Mit Gemeinde", contact_name="A",
                          contact_email="a@example.org", municipality=town)
    Report.objects.create(reporter=kreis_user, title="Ohne Körperschaft", contact_name="B",
                          contact_email="b@example.org")

    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import User as CurrentUser

    from accounts.models import AccessRequest, MunicipalAccount
    from boerse.models import BoerseEntry
    from reports.models import Report as CurrentReport

    seen = {
        "accounts": sorted((a.user.username, a.body_name) for a in MunicipalAccount.objects.all()),
        "access_requests": [r.body_name for r in AccessRequest.objects.all()],
        "entries": [(e.title, e.body_name) for e in BoerseEntry.objects.all()],
        "reports": sorted((r.title, r.body_name) for r in CurrentReport.objects.all()),
    }
    try:
        with transaction.atomic():
            MunicipalAccount.objects.create(user=CurrentUser.objects.create(username="keins"))
        seen["constraint"] = False
    except IntegrityError:
        seen["constraint"] = True
    print(json.dumps(seen))


if __name__ == "__main__":
    main(*sys.argv[1:])
