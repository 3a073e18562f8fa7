"""Time the register import into a fresh SQLite database, then an idempotent re-run.

Run: .venv/bin/python benchmarks/register_import.py
The database lives in a temporary folder that is removed afterwards; var/ is not touched.
Exit code 1 if a run takes 20 s or more (the target in docs/benchmarks.md).
"""

import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20


def main():
    with tempfile.TemporaryDirectory(prefix="kooperationsatlas-bench-") as var_dir:
        # Read by the settings at django.setup(): the SQLite file goes into var_dir.
        os.environ["KOOPERATIONSATLAS_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SETTINGS_MODULE"] = "kooperationsatlas.settings.dev"
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()

        from django.core.management import call_command
        from django.db import connection

        from register.importer import import_register

        call_command("migrate", verbosity=0)
        print(f"{date.today()}, Python {platform.python_version()}, {os.cpu_count()} Kerne")
        print(f"Datenbank: {connection.vendor}, {connection.settings_dict['NAME']}")

        timings = {}
        for label in ("Erstimport (leere Datenbank)", "Zweiter Lauf (idempotent)"):
            start = time.perf_counter()
            report = import_register(progress=False)
            timings[label] = time.perf_counter() - start
            print(f"\n{label}: {timings[label]:.2f} s")
            print(report.summary())
        connection.close()

    print()
    for label, seconds in timings.items():
        print(f"{label}: {seconds:.2f} s (Ziel: < {TARGET_SECONDS} s)")
    return 0 if max(timings.values()) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
