"""Server-side cost of one request, in-process: CPU time, queries and Python function calls.

    .venv/bin/python benchmarks/request_cost.py [TYPE ...] [--warm 400] [--count 300]
        [--hits] [--var-dir DIR] [--database-url URL] [--cache-url URL]

Runs on the data set of ``benchmarks/load.py`` (run that first: it builds the database and
the URL lists ``urls-<type>.txt`` in ``--var-dir``). For each page type (default: profile,
municipality, search, matchmaking) Django's test client, with the production settings and
the page cache on, requests ``--warm`` distinct URLs first (they fill the per-process
memos, as a worker's first minutes do), then ``--count`` further distinct URLs, each once:
page-cache misses in the steady state. With ``--hits`` those URLs are requested once more
before the measurement, so every measured request is a hit.

Prints per request: CPU time of the process (``time.process_time()``), on PostgreSQL the
CPU time of its server process for this connection (read from ``/proc``), queries, and the
number of Python function calls (cProfile, a second pass over other URLs). CPU time varies
with the machine's load (on the shared 2-core machine by up to a factor of two within an
hour); the call count does not, so it shows small differences between two versions of the
code that the CPU time cannot. Synthetic data (labelled "Benchmark"), never ``var/``.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("profile", "municipality", "search", "matchmaking")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("types", nargs="*", default=TYPES, metavar="TYPE")
    parser.add_argument("--warm", type=int, default=400)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--hits", action="store_true")
    parser.add_argument(
        "--var-dir", default=str(Path(tempfile.gettempdir()) / "kooperationsatlas-load")
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/0")
    return parser.parse_args(argv)


def configure(args):
    prefix = f"request-cost-{secrets.token_hex(4)}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.production",
        KOOPERATIONSATLAS_VAR_DIR=args.var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
        PAGE_CACHE_SECONDS="300",
        LOG_LEVEL="WARNING",
        CACHE_KEY_PREFIX=prefix,
    )
    for name in ("DATABASE_URL", "DEBUG", "REDIS_URL", "CACHE_URL", "ELASTICSEARCH_URL"):
        os.environ.pop(name, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if args.cache_url:
        os.environ["CACHE_URL"] = args.cache_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return prefix


def distinct_urls(var_dir, kind):
    path = Path(var_dir) / f"urls-{kind}.txt"
    if not path.exists():
        raise SystemExit(f"{path} fehlt: erst benchmarks/load.py laufen lassen")
    return list(dict.fromkeys(line.strip() for line in path.open() if line.strip()))


def database_cpu():
    """CPU seconds of this connection's PostgreSQL server process so far (None elsewhere,
    or where the server runs out of sight): on PostgreSQL a query costs the server too."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(client, urls):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    queries = 0
    database_before = database_cpu()
    started = time.process_time()
    for url in urls:
        reset_queries()  # the log keeps at most 9,000 queries: count each request from 0
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries += len(captured.captured_queries)
    cpu = (time.process_time() - started) / len(urls)
    database = None
    if database_before is not None:
        database = (database_cpu() - database_before) / len(urls)
    return cpu, database, queries / len(urls), response


def function_calls(client, urls):
    profile = cProfile.Profile()
    profile.enable()
    for url in urls:
        client.get(url)
    profile.disable()
    return pstats.Stats(profile).total_calls / len(urls)


def main(argv=None):
    args = parse_args(argv)
    prefix = configure(args)
    from django.test import Client

    try:
        print(
            f"{'Seitentyp':14} {'CPU/Anfrage':>12} {'PostgreSQL':>11} {'Abfragen':>9} "
            f"{'Aufrufe':>9}  X-Cache"
        )
        for kind in args.types:
            urls = distinct_urls(args.var_dir, kind)
            needed = args.warm + 2 * args.count
            if len(urls) < needed:
                raise SystemExit(f"{kind}: {len(urls)} URLs, {needed} nötig")
            warm = urls[: args.warm]
            timed = urls[args.warm : args.warm + args.count]
            counted = urls[args.warm + args.count : needed]
            client = Client()
            for url in warm:
                client.get(url)
            if args.hits:
                for url in timed + counted:
                    client.get(url)
            cpu, database, queries, last = measure(client, timed)
            calls = function_calls(client, counted)
            database = "–" if database is None else f"{database * 1000:.2f} ms"
            print(
                f"{kind:14} {cpu * 1000:9.2f} ms {database:>11} {queries:9.1f} {calls:9.0f}  "
                f"{last.get('X-Cache', '–')}"
            )
    finally:
        if args.cache_url:
            import redis

            server = redis.Redis.from_url(args.cache_url)
            keys = list(server.scan_iter(f"{prefix}*"))
            if keys:
                server.delete(*keys)
    return 0


if __name__ == "__main__":
    sys.exit(main())
