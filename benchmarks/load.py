"""Load benchmark: the site under gunicorn, driven by wrk over a mix of page types.

Run: .venv/bin/python benchmarks/load.py [--duration 60] [--warmup 60] [--connections 32]
     [--workers N] [--threads T] [--cold-duration 60] [--cache-url redis://127.0.0.1:6379/0]
     [--alone search,profile] [--database-url postgresql://postgres@127.0.0.1:5432/load]
     [--var-dir DIR] [--fresh] [--save-json FILE]

1. A throw-away database (SQLite in --var-dir, default a folder in the system's temporary
   directory, never var/; or an existing, empty PostgreSQL database, --database-url):
   migrations, ``createcachetable``, the real register, the site tree, 10,000 synthetic
   profiles (benchmarks/synthetic.py: every one labelled "Synthetischer Steckbrief …
   (Benchmark)"), Wagtail's and the atlas' search index, ``collectstatic``. Reused on the
   next run when the same size and seed are there.
2. URL lists per page type, drawn with a popularity distribution (Zipf, --zipf) from pools
   of distinct URLs: searches with words and filters, all profiles, all municipalities and
   Kreise, partner searches; the home page.
3. gunicorn on 127.0.0.1:<free port> with the production settings (DEBUG off, a random
   SECRET_KEY, SECURE_SSL_REDIRECT=0) and the page cache in Redis (--cache-url, a key
   prefix of its own, deleted before and after; ``--cache-url ''``: local memory per
   worker). A warm-up of --warmup seconds with the same mix (not measured), then one wrk
   process per page type at the same time, the connections split by the mix (32 in all),
   for --duration seconds. The measured run continues the drawn URL sequence where the
   warm-up stopped (it does not replay the warm-up's requests).
4. Hits only (--hit-capacity seconds): all connections on the cached home page, what the
   server delivers when every request is a hit.
5. Each page type of --alone (default: search and profile, the two with a throughput
   target) on its own: a fresh server with an empty cache, all connections on that type,
   the same warm-up and measured run. The targets are checked both in the mix and alone.
6. The same warm-up and measured run with the page cache switched off
   (PAGE_CACHE_SECONDS=0): the cold baseline, so the cache's effect is a ratio.

Prints requests/s, p50/p95/p99, errors, the cache hit rate and the repeat share (requests
whose URL came before: the best hit rate possible) per page type, then
PASS/FAIL per target (search ≥ 100 requests/s, profile ≥ 200 requests/s, p99 ≤ 500 ms and
zero errors for every type, with the cache), in the mix and for the types alone. Exit
code 0 whatever the figures. The server is always stopped (its whole process group), also
on Ctrl-C.
"""

import argparse
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LUA_SCRIPT = Path(__file__).resolve().parent / "load.lua"
DEFAULT_VAR_DIR = Path(tempfile.gettempdir()) / "kooperationsatlas-load"
DEFAULT_SEED = 20261121

# Page type -> (label, share of the connections). 32 connections: 4/10/9/6/3.
MIX = {
    "home": ("Startseite", 4),
    "search": ("Suche mit Filtern", 10),
    "profile": ("Steckbrief", 9),
    "municipality": ("Gemeinde/Kreis", 6),
    "matchmaking": ("Partnersuche", 3),
}
TARGET_RPS = {"search": 100, "profile": 200}
TARGET_P99_MS = 500
# URLs drawn per type: more than warm-up and measured run request together (at 2,500
# requests/s for 120 s), so wrk never wraps around and replays the start of its list.
SEQUENCE_LENGTH = 300_000


# --- the database (worker process with Django) ---------------------------------------------


def prepare_worker(args):
    """Build the throw-away database and the URL lists (runs with KOOPERATIONSATLAS_VAR_DIR
    pointing to --var-dir)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "kooperationsatlas.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ.pop("ELASTICSEARCH_URL", None)
    os.environ.pop("CACHE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import synthetic
    from cooperations.models import CooperationPage
    from kooperationsatlas.setup import ensure_site_tree
    from register.importer import import_register

    var_dir = Path(args.var_dir)
    marker = var_dir / "load-data.json"
    wanted = {"profiles": args.profiles, "seed": args.seed}
    if marker.exists() and json.loads(marker.read_text()).get("data") == wanted:
        call_command("migrate", verbosity=0)  # a data set of older code gets new migrations
        print(f"Datenbank wiederverwendet: {var_dir}", flush=True)
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        import_register(progress=False)
        ensure_site_tree()
        register = synthetic.Register.load()
        existing = CooperationPage.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).count()
        if existing < args.profiles:
            ids = synthetic.create_pages(
                register,
                synthetic.generate_specs(
                    register, args.profiles - existing, first=existing + 1, seed=args.seed
                ),
            )
            synthetic.index_wagtail_search(ids)
        call_command("rebuild_search_index", no_progress=True, verbosity=0)
        if connection.vendor == "postgresql":
            # What autovacuum does some time after a bulk load in production (it is off on
            # these machines): planner statistics and visibility maps for every table.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        marker.write_text(json.dumps({"data": wanted}))
        print(f"Datenbank aufgebaut in {time.perf_counter() - started:.0f} s: {var_dir}")
    write_url_lists(args, var_dir)


def search_pool(rng, size):
    """Distinct search URLs: words of the synthetic vocabulary, 0–2 filters, sometimes a
    place with a radius, a sort order or page 2."""
    from benchmarks import synthetic
    from register.models import Municipality

    words = [""] * 12 + [phrase for _w, phrases in synthetic.TOPICS.values() for phrase in phrases]
    filters = {
        "aufgabe": list(synthetic.TOPICS),
        "land": [f"{n:02d}" for n in range(1, 17)],
        "phase": [value for value, _weight in synthetic.PHASES],
        "rechtsform": [slug for slug, _w, _p in synthetic.LEGAL_FORMS if slug],
        "modell": [slug for slug, _w, _n in synthetic.MODELS if slug],
        "groesse": ["unter-10000", "10000-20000", "20000-50000", "50000-100000"],
    }
    places = list(Municipality.objects.filter(population__gte=20_000).values_list("ags", flat=True))
    urls = set()
    while len(urls) < size:
        params = []
        word = rng.choice(words)
        if word:
            params.append(("q", word))
        for key in rng.sample(sorted(filters), rng.choice([0, 1, 1, 2, 2])):
            params.append((key, rng.choice(filters[key])))
        if rng.random() < 0.1:
            params += [("ort", rng.choice(places)), ("umkreis", rng.choice([10, 25, 50]))]
        if rng.random() < 0.1:
            params.append(("sortierung", rng.choice(["neueste", "name", "startjahr"])))
        if rng.random() < 0.1:
            params.append(("seite", 2))
        urls.add("/suche/" + (f"?{urlencode(params)}" if params else ""))
    return sorted(urls)


def matchmaking_pool(rng, size):
    from benchmarks import synthetic
    from register.models import Municipality

    nrw = list(Municipality.objects.filter(ags__startswith="05").values_list("ags", flat=True))
    others = list(Municipality.objects.exclude(ags__startswith="05").values_list("ags", flat=True))
    areas = list(synthetic.TOPICS)
    urls = set()
    while len(urls) < size:
        params = [("q", rng.choice(nrw) if rng.random() < 0.7 else rng.choice(others))]
        for area in rng.sample(areas, rng.choice([0, 1, 1, 2])):
            params.append(("aufgabe", area))
        if rng.random() < 0.5:
            params.append(("umkreis", rng.choice([15, 30, 50])))
        urls.add("/partnersuche/?" + urlencode(params))
    return sorted(urls)


def write_url_lists(args, var_dir):
    from cooperations.models import CooperationPage
    from kooperationsatlas.setup import ensure_site_tree
    from register.models import County, Municipality

    rng = random.Random(args.seed)
    home, _index = ensure_site_tree()
    root = home.url_path  # "/home/": the site's root page
    profiles = [
        "/" + path[len(root) :]
        for path in CooperationPage.objects.live()
        .public()
        .order_by("pk")
        .values_list("url_path", flat=True)
    ]
    places = [f"/gemeinden/{ags}/" for ags in Municipality.objects.values_list("ags", flat=True)]
    places += [f"/kreise/{key}/" for key in County.objects.values_list("key", flat=True)]
    pools = {
        "home": ["/"],
        "search": search_pool(rng, args.search_pool),
        "profile": profiles,
        "municipality": places,
        "matchmaking": matchmaking_pool(rng, args.matchmaking_pool),
    }
    info = {}
    for kind, pool in pools.items():
        pool = list(pool)
        rng.shuffle(pool)  # popularity independent of id order
        weights = [1 / (rank**args.zipf) for rank in range(1, len(pool) + 1)]
        sequence = rng.choices(pool, weights=weights, k=SEQUENCE_LENGTH)
        (var_dir / f"urls-{kind}.txt").write_text("\n".join(sequence) + "\n")
        info[kind] = {"distinct": len(pool), "drawn_distinct": len(set(sequence))}
    (var_dir / "urls.json").write_text(json.dumps(info))


# --- the server --------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process group; ``stop()`` ends the whole group."""

    def __init__(self, args, *, page_cache_seconds, port=None, extra_env=None):
        self.port = port or free_port()
        self.log = Path(args.var_dir) / f"gunicorn-{page_cache_seconds}.log"
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.production",
            KOOPERATIONSATLAS_VAR_DIR=str(args.var_dir),
            SECRET_KEY=secrets.token_urlsafe(50),
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PAGE_CACHE_SECONDS=str(page_cache_seconds),
            LOG_LEVEL="WARNING",
        )
        for name in (
            "DATABASE_URL",
            "ELASTICSEARCH_URL",
            "REDIS_URL",
            "CACHE_URL",
            "DEBUG",
            "FRONTEND_CACHE_URL",
        ):
            env.pop(name, None)
        env.update(extra_env or {})
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        if args.cache_url:
            env["CACHE_URL"] = args.cache_url
            env["CACHE_KEY_PREFIX"] = f"load-bench-{secrets.token_hex(4)}"
            self.key_prefix = env["CACHE_KEY_PREFIX"]
        self.cache_url = args.cache_url
        self.delete_keys()  # a fresh prefix, but make sure: start with an empty cache
        worker_options = ["--workers", str(args.workers)]
        if args.threads > 1:
            worker_options += ["--worker-class", "gthread", "--threads", str(args.threads)]
        command = [
            str(VENV_BIN / "gunicorn"),
            "kooperationsatlas.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            *worker_options,
            "--timeout",
            "60",
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ended; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log}")

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        self.delete_keys()

    def delete_keys(self):
        if self.cache_url:  # the run's keys only
            import redis

            connection = redis.Redis.from_url(self.cache_url)
            keys = list(connection.scan_iter(f"{self.key_prefix}*"))
            if keys:
                connection.delete(*keys)


# --- the load ----------------------------------------------------------------------------


def split_connections(total, alone=None):
    """Connections per page type: by the mix, or all of them on one type (``alone``)."""
    if alone:
        return {alone: total}
    shares = {kind: share for kind, (_label, share) in MIX.items()}
    scale = total / sum(shares.values())
    counts = {kind: max(1, math.floor(share * scale)) for kind, share in shares.items()}
    kinds = sorted(shares, key=lambda kind: -shares[kind])
    index = 0
    while sum(counts.values()) < total:
        counts[kinds[index % len(kinds)]] += 1
        index += 1
    return counts


def run_wrk(server, var_dir, connections, duration, start=None, alone=None):
    """One wrk per page type, all at once, each walking its URL list from start[kind];
    returns {kind: figures}. ``alone``: only that page type, on all connections."""
    processes = {}
    for kind, count in split_connections(connections, alone).items():
        command = [
            "wrk",
            "-t1",
            f"-c{count}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            server.url,
            "--",
            str(var_dir / f"urls-{kind}.txt"),
            str((start or {}).get(kind, 0)),
        ]
        processes[kind] = (
            count,
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        )
    results = {}
    for kind, (count, process) in processes.items():
        out, err = process.communicate(timeout=duration + 60)
        line = next((x for x in out.splitlines() if x.startswith("JSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk ({kind}) gave no figures:\n{out}\n{err}")
        figures = json.loads(line[5:])
        figures["connections"] = count
        figures["start"] = (start or {}).get(kind, 0)
        seconds = figures["duration_us"] / 1e6
        figures["rps"] = figures["requests"] / seconds if seconds else 0.0
        figures["errors"] = (
            figures["connect_errors"]
            + figures["read_errors"]
            + figures["write_errors"]
            + figures["timeouts"]
            + figures["not_200"]
        )
        cacheable = figures["hits"] + figures["misses"]
        figures["hit_rate"] = figures["hits"] / cacheable if cacheable else None
        requests = figures["requests"]
        figures["edge_rate"] = figures["edge_hits"] / requests if requests else None
        results[kind] = figures
    return results


def hit_capacity(server, var_dir, connections, duration):
    """All connections on the home page (always a cache hit after its first request): what
    the server delivers when every request is a hit, whatever the URL mix."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(LUA_SCRIPT), server.url, "--", str(var_dir / "urls-home.txt")]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60).stdout
    line = next((x for x in out.splitlines() if x.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk (hit capacity) gave no figures:\n{out}")
    figures = json.loads(line[5:])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


class Edge:
    """Varnish with the repository's VCL in front of the server (``--edge varnish``); the
    server marks its cacheable responses for it (FRONTEND_CACHE_URL)."""

    def __init__(self, args, *, page_cache_seconds):
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from benchmarks.edge import Varnish

        port = free_port()
        self.varnish = Varnish(Path(args.var_dir) / "varnish", port, memory="1g")
        self.server = Server(
            args,
            page_cache_seconds=page_cache_seconds,
            port=port,
            extra_env={"FRONTEND_CACHE_URL": self.varnish.url},
        )
        self.url = self.varnish.url

    def wait_ready(self):
        self.varnish.wait_ready()
        self.server.wait_ready()

    def stop(self):
        try:
            self.server.stop()
        finally:
            self.varnish.stop()


def measure(args, *, page_cache_seconds, duration, alone=None, edge=False):
    """A fresh server (empty page cache), the warm-up, then the measured run: the mix, or
    one page type ``alone`` on all connections; ``edge``: through Varnish in front."""
    var_dir = Path(args.var_dir)
    if edge:
        server = Edge(args, page_cache_seconds=page_cache_seconds)
    else:
        server = Server(args, page_cache_seconds=page_cache_seconds)
    try:
        server.wait_ready()
        start = {}
        if args.warmup:
            warm = run_wrk(server, var_dir, args.connections, args.warmup, alone=alone)
            # continue the sequence after the warm-up (+ the requests in flight at its end)
            start = {kind: f["requests"] + f["connections"] for kind, f in warm.items()}
        load_before = os.getloadavg()[0]
        results = run_wrk(server, var_dir, args.connections, duration, start, alone)
        if page_cache_seconds and args.hit_capacity and not alone:
            results["_hit_capacity"] = hit_capacity(
                server, var_dir, args.connections, args.hit_capacity
            )
        for kind, figures in run_results(results).items():
            figures["repeat_share"] = repeat_share(var_dir, kind, start.get(kind, 0), figures)
            if figures["repeat_share"] is None:
                raise RuntimeError(
                    f"{kind}: warm-up and run requested more URLs than the drawn sequence "
                    f"holds ({SEQUENCE_LENGTH:,}); wrk replayed its list, the figures are "
                    "not valid. Raise SEQUENCE_LENGTH."
                )
            if args.warmup:
                figures["warmup_requests"] = warm[kind]["requests"]
                figures["warmup_hit_rate"] = warm[kind]["hit_rate"]
        return results, {"before": load_before, "after": os.getloadavg()[0]}
    finally:
        server.stop()


def run_results(results):
    return {kind: figures for kind, figures in results.items() if kind in MIX}


def repeat_share(var_dir, kind, start, figures):
    """Share of the measured requests whose URL was requested before (in the warm-up or
    earlier in the run): the hit rate an unlimited, never-invalidated cache would reach."""
    lines = (var_dir / f"urls-{kind}.txt").read_text().split()
    end = start + figures["requests"]
    if len(set(lines)) == 1:  # the home page: replaying its list changes nothing
        return 1.0 if figures["requests"] else None
    if end > len(lines):
        return None
    seen = set(lines[:start])
    repeats = 0
    for url in lines[start:end]:
        repeats += url in seen
        seen.add(url)
    return repeats / figures["requests"] if figures["requests"] else None


# --- the report --------------------------------------------------------------------------


def ms(us):
    return f"{us / 1000:.0f} ms" if us >= 10_000 else f"{us / 1000:.1f} ms"


def print_table(title, results, baseline=None, total=True):
    print(f"\n{title}")
    header = (
        f"{'Seitentyp':<20}{'Verb.':>6}{'Anfr./s':>9}{'p50':>10}{'p95':>10}{'p99':>10}"
        f"{'Fehler':>8}{'Treffer':>9}{'Wdh.':>6}"
    )
    if baseline:
        header += f"{'× kalt':>8}"
    print(header)
    total_rps = 0.0
    for kind, (label, _share) in MIX.items():
        if kind not in results:
            continue
        f = results[kind]
        total_rps += f["rps"]
        hit = "–" if f["hit_rate"] is None else f"{f['hit_rate']:.0%}"
        repeat = "–" if f.get("repeat_share") is None else f"{f['repeat_share']:.0%}"
        line = (
            f"{label:<20}{f['connections']:>6}{f['rps']:>9.0f}{ms(f['p50_us']):>10}"
            f"{ms(f['p95_us']):>10}{ms(f['p99_us']):>10}{f['errors']:>8}{hit:>9}{repeat:>6}"
        )
        if baseline:
            cold = baseline[kind]["rps"]
            line += f"{f['rps'] / cold:>7.1f}×" if cold else f"{'–':>8}"
        print(line)
    if total:
        print(f"{'zusammen':<20}{args_total(results):>6}{total_rps:>9.0f}")


def args_total(results):
    return sum(f["connections"] for f in run_results(results).values())


def verdicts(results):
    lines = []
    for kind, target in TARGET_RPS.items():
        if kind not in results:
            continue
        rps = results[kind]["rps"]
        lines.append((rps >= target, f"{MIX[kind][0]}: {rps:.0f} Anfragen/s (Ziel ≥ {target})"))
    worst = max(run_results(results), key=lambda kind: results[kind]["p99_us"])
    p99 = results[worst]["p99_us"] / 1000
    lines.append(
        (p99 <= TARGET_P99_MS, f"p99 höchstens {p99:.0f} ms ({MIX[worst][0]}; Ziel ≤ 500 ms)")
    )
    errors = sum(f["errors"] for f in run_results(results).values())
    lines.append((errors == 0, f"{errors} Fehler (Ziel 0)"))
    return [f"{'PASS' if ok else 'FAIL'}  {text}" for ok, text in lines]


def cpu_reference():
    """CPU seconds of a fixed pure-Python loop: the speed of this (shared, virtual) machine
    at the moment, printed before and after the runs so that figures of different runs
    can be compared (on the same code it varied by a factor of two within an hour)."""
    started = time.process_time()
    total = 0
    for number in range(5_000_000):
        total += number * number
    return time.process_time() - started


def git_revision():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (cache on)")
    parser.add_argument("--cold-duration", type=int, default=60, help="0: no cold baseline")
    parser.add_argument("--warmup", type=int, default=60, help="seconds before each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/0",
        help="Redis URL for the page cache ('': local memory per worker)",
    )
    parser.add_argument(
        "--hit-capacity", type=int, default=20, help="seconds of home-page-only load (0: skip)"
    )
    parser.add_argument(
        "--alone",
        default=",".join(TARGET_RPS),
        help="page types also measured alone on all connections ('': none)",
    )
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--zipf", type=float, default=0.8, help="popularity exponent")
    parser.add_argument("--search-pool", type=int, default=3000)
    parser.add_argument("--matchmaking-pool", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default="",
        help="an existing PostgreSQL database for the data set (default: SQLite in --var-dir)",
    )
    parser.add_argument(
        "--var-dir", default="", help=f"default {DEFAULT_VAR_DIR} (with -pg for PostgreSQL)"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument(
        "--edge",
        choices=["", "varnish"],
        default="",
        help="varnish: also the mix and hits only through Varnish in front (docker/varnish)",
    )
    parser.add_argument("--save-json", default="")
    parser.add_argument("--prepare-worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.prepare_worker:
        prepare_worker(args)
        return 0
    if not shutil.which("wrk"):
        raise SystemExit("wrk fehlt: apt-get install -y wrk")
    if not args.var_dir:  # URL lists and markers of the two databases apart
        args.var_dir = str(DEFAULT_VAR_DIR) + ("-pg" if args.database_url else "")
    var_dir = Path(args.var_dir)
    if args.fresh and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, KOOPERATIONSATLAS_VAR_DIR=str(var_dir))
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    forwarded = ["--var-dir", str(var_dir), "--profiles", str(args.profiles)]
    forwarded += ["--seed", str(args.seed), "--zipf", str(args.zipf)]
    forwarded += ["--search-pool", str(args.search_pool)]
    forwarded += ["--matchmaking-pool", str(args.matchmaking_pool)]
    subprocess.run(
        [sys.executable, __file__, "--prepare-worker", *forwarded], env=env, cwd=ROOT, check=True
    )
    if not (var_dir / "static" / "staticfiles.json").exists():  # production: manifest storage
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=dict(
                env,
                DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.production",
                SECRET_KEY="collectstatic-only",
            ),
            cwd=ROOT,
            check=True,
        )
    urls = json.loads((var_dir / "urls.json").read_text())

    load = os.getloadavg()[0]
    reference_before = cpu_reference()
    print(
        f"\nLastbenchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, git {git_revision()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} Kerne, Last {load:.1f}; "
        f"gunicorn {args.workers} Worker "
        f"({f'gthread, {args.threads} Threads' if args.threads > 1 else 'sync'}), "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, "
        "Seiten-Cache "
        f"{'Redis' if args.cache_url else 'lokaler Speicher je Worker'}; "
        f"{args.profiles} synthetische Steckbriefe; wrk {args.connections} Verbindungen, "
        f"{args.duration} s (Aufwärmen {args.warmup} s)"
    )
    print(
        "URL-Pools (verschieden / davon gezogen): "
        + ", ".join(
            f"{MIX[k][0]} {v['distinct']:,}/{v['drawn_distinct']:,}".replace(",", ".")
            for k, v in urls.items()
        )
    )
    print(f"Referenzschleife (CPU-Zeit, kleiner ist schneller): {reference_before:.2f} s")
    out = {"args": vars(args), "urls": urls, "load_before": load}
    out["cached"], out["load_cached"] = measure(
        args, page_cache_seconds=300, duration=args.duration
    )
    if args.edge:
        out["edge"], out["load_edge"] = measure(
            args, page_cache_seconds=300, duration=args.duration, edge=True
        )
    out["alone"] = {}
    for kind in filter(None, args.alone.split(",")):
        if kind not in MIX:
            raise SystemExit(f"--alone: unbekannter Seitentyp {kind!r} (bekannt: {', '.join(MIX)})")
        results, load_alone = measure(
            args, page_cache_seconds=300, duration=args.duration, alone=kind
        )
        out["alone"][kind] = dict(results[kind], load=load_alone)
    if args.cold_duration:
        out["cold"], out["load_cold"] = measure(
            args, page_cache_seconds=0, duration=args.cold_duration
        )
    out["cpu_reference"] = {"before": reference_before, "after": cpu_reference()}
    print(
        "\nReferenzschleife vorher/nachher: {before:.2f} / {after:.2f} s".format(
            **out["cpu_reference"]
        )
    )
    print_table("Mit Seiten-Cache", out["cached"], out.get("cold"))
    print(
        "Treffer: Anteil X-Cache HIT der Messung (ohne Aufwärmen); Wdh.: Anteil der "
        "gemessenen Anfragen, deren URL schon vorher angefragt wurde (Obergrenze der Treffer)"
    )
    print(
        "Last (1 min) vor/nach der Messung: {before:.1f} / {after:.1f}".format(**out["load_cached"])
    )
    capacity = out["cached"].get("_hit_capacity")
    if capacity:
        print(
            f"Nur Treffer ({args.connections} Verbindungen nur auf die Startseite, "
            f"{args.hit_capacity} s): {capacity['rps']:.0f} Anfragen/s, p50 "
            f"{ms(capacity['p50_us'])}, p99 {ms(capacity['p99_us'])}, "
            f"{capacity['hits']} von {capacity['requests']} Treffer"
        )
    if "edge" in out:
        print_table("Durch Varnish davor (--edge varnish)", out["edge"], out["cached"])
        print("× kalt heißt hier: × derselbe Mix direkt an gunicorn (oben)")
        for kind, figures in run_results(out["edge"]).items():
            print(f"  {MIX[kind][0]}: {figures['edge_rate']:.0%} von Varnish beantwortet")
        print(
            "Last (1 min) vor/nach der Messung: {before:.1f} / {after:.1f}".format(
                **out["load_edge"]
            )
        )
        capacity = out["edge"].get("_hit_capacity")
        if capacity:
            print(
                f"Nur Treffer durch Varnish: {capacity['rps']:.0f} Anfragen/s, p50 "
                f"{ms(capacity['p50_us'])}, p99 {ms(capacity['p99_us'])}, "
                f"{capacity['edge_hits']} von {capacity['requests']} von Varnish"
            )
    if "cold" in out:
        print_table("Ohne Seiten-Cache (PAGE_CACHE_SECONDS=0)", out["cold"])
        print(
            "Last (1 min) vor/nach der Messung: {before:.1f} / {after:.1f}".format(
                **out["load_cold"]
            )
        )
    if out["alone"]:
        print_table(
            f"Je Seitentyp allein (alle {args.connections} Verbindungen auf diesem Typ, "
            f"eigener Server mit leerem Cache, {args.warmup} s Aufwärmen)",
            out["alone"],
            total=False,
        )
        for kind, figures in out["alone"].items():
            print(
                f"Last (1 min) vor/nach der Messung {MIX[kind][0]}: "
                "{before:.1f} / {after:.1f}".format(**figures["load"])
            )
    print("\nZiele im Mix (mit Seiten-Cache):")
    for line in verdicts(out["cached"]):
        print(f"  {line}")
    if out["alone"]:
        print("Ziele je Seitentyp allein (mit Seiten-Cache):")
        for line in verdicts(out["alone"]):
            print(f"  {line}")
    if "cold" in out:
        print("Zum Vergleich ohne Seiten-Cache:")
        for line in verdicts(out["cold"]):
            print(f"  {line}")
    if args.save_json:
        Path(args.save_json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
