"""Separate processes on one SQLite file, for the concurrency and locking tests.

Run as ``python -m tests.sqlite_worker <command> <database file> [arguments]`` with
DJANGO_SETTINGS_MODULE set; the database is the file (``DATABASE_URL``), with the options
of settings/base.py (WAL, IMMEDIATE transactions, busy timeout). Commands:

* ``setup``: the tables the commands need (created from the models, no migrations: the
  whole project's migrations take a minute), a user and three task areas;
* ``saved-searches N``: N saved searches with two task areas each through the real form;
  prints JSON {"saved": …, "failed": …};
* ``lock SECONDS``: holds the write lock (BEGIN IMMEDIATE) for SECONDS, prints "locked";
* ``reset-posts N``: N password-reset requests (test client, one client address); prints
  JSON with the status codes;
* ``login-post``: a login POST through the whole stack (test client); prints JSON with the
  status, the Retry-After header and the page.
"""

import json
import os
import sys
import time


def main(command, path, *args):
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    globals()[command.replace("-", "_")](*args)


def setup():
    from django.apps import apps
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from cooperations.models import TaskArea

    with connection.schema_editor() as editor:
        for model in apps.get_models():  # every table (with its many-to-many tables)
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)
    call_command("createcachetable", verbosity=0)
    User.objects.create_user("schreiber", "schreiber@example.org", "ein-sicheres-passwort-1")
    # bulk_create: no signals (they would read the profiles' tables, not created here)
    TaskArea.objects.bulk_create(
        TaskArea(name=f"Aufgabe {number}", slug=f"aufgabe-{number}") for number in range(3)
    )


def saved_searches(count):
    from django.contrib.auth.models import User
    from django.db import OperationalError

    from alerts.forms import SavedSearchForm
    from alerts.models import SavedSearch
    from cooperations.models import TaskArea

    user = User.objects.get(username="schreiber")
    areas = [str(pk) for pk in TaskArea.objects.order_by("pk").values_list("pk", flat=True)[:2]]
    saved = failed = 0
    for number in range(int(count)):
        form = SavedSearchForm(
            {
                "name": f"Suche {os.getpid()}-{number}",
                "task_areas": areas,
                "include_profiles": "on",
            },
            instance=SavedSearch(user=user),
        )
        assert form.is_valid(), form.errors
        try:
            form.save()
            saved += 1
        except OperationalError:
            failed += 1
    print(json.dumps({"saved": saved, "failed": failed}))


def lock(seconds):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep(float(seconds))
        cursor.execute("ROLLBACK")


def reset_posts(count):
    from django.test import Client

    client = Client(raise_request_exception=False)
    statuses = [
        client.post("/konto/passwort-vergessen/", {"email": "niemand@example.org"}).status_code
        for _ in range(int(count))
    ]
    print(json.dumps({"statuses": statuses}))


def login_post():
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.post(
        "/konto/anmelden/",
        {"username": "schreiber", "password": "falsch", "next": "/konto/"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    print(
        json.dumps(
            {
                "status": response.status_code,
                "retry_after": response.get("Retry-After"),
                "content": response.content.decode(),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
