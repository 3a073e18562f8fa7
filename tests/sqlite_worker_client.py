"""Starting tests/sqlite_worker.py in separate processes (see there)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(database, *args, env=None, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sqlite_worker", args[0], str(database), *map(str, args[1:])],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kooperationsatlas.settings.test",
            **(env or {}),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def finish(process, timeout=300):
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return out
