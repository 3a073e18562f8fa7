"""Backup and restore (manage.py backup / restore) against throw-away databases.

The pytest database is not touched: every step runs `manage.py` in a subprocess with its own
DATABASE_URL (temporary SQLite files; with DATABASE_URL set to PostgreSQL also a temporary
PostgreSQL database) and its own KOOPERATIONSATLAS_VAR_DIR (media files).

Source database A: migrations, the real register, a part of the real demo profiles, plus an
image (attached to a profile), a new taxonomy term, a Börse entry, an unpublished profile
and a profile with a draft revision. After backup and restore into an empty database B, a
canonical summary of both (profiles, partners, taxonomy terms, Börse entries, images with
their bytes, …) must be identical.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_JSON = BASE_DIR / "cooperations" / "data" / "cooperations_real.json"
DEMO_PROFILES = 8  # the first real records: enough for partners, taxonomies, revisions

CREATE_EXTRAS = """
import datetime, io
from PIL import Image as PILImage
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from boerse.models import BoerseEntry, EntryKind, EntryStatus
from cooperations.models import CooperationImage, CooperationPage, TaskArea
from register.models import Municipality

buffer = io.BytesIO()
PILImage.new("RGB", (48, 32), (20, 90, 160)).save(buffer, "PNG")
image = get_image_model()(
    title="Testbild Sicherung", file=ImageFile(io.BytesIO(buffer.getvalue()), name="test.png")
)
image.save()
pages = list(CooperationPage.objects.live().order_by("pk"))
page = pages[0]
page.images.add(CooperationImage(image=image, caption="Bildunterschrift (Test)"))
page.save_revision().publish()
pages[1].unpublish()
draft = pages[2]
draft.title = draft.title + " (Entwurf)"
draft.save_revision()
parent = TaskArea.objects.filter(parent__isnull=True).order_by("pk").first()
term = TaskArea.objects.create(
    name="Testbegriff Sicherung", slug="testbegriff-sicherung", parent=parent
)
user = get_user_model().objects.create_user("sicherung-test", email="test@example.org")
entry = BoerseEntry.objects.create(
    kind=EntryKind.OFFER,
    title="Testeintrag Sicherung",
    description="Eintrag für den Sicherungstest.",
    municipality=Municipality.objects.get(ags="05974016"),
    created_by=user,
    expires_on=datetime.date.today() + datetime.timedelta(days=60),
    status=EntryStatus.APPROVED,
)
entry.task_areas.add(term)
"""

SUMMARY = """
import hashlib, json
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site
from wagtail.search.backends import get_search_backend
from boerse.models import BoerseEntry
from cooperations.models import (
    CooperationImage, CooperationModel, CooperationPage, CooperationPartner, LegalForm, Motive,
    TaskArea,
)
from register.models import County, Municipality
from search.documents import indexable_profiles
from search.models import IndexedDocument


def digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def terms(model):
    return sorted(
        [t.slug, t.name, t.description, t.sort_order, t.parent.slug if getattr(t, "parent", None)
         else None]
        for t in model.objects.all()
    )


def image_row(image):
    with image.file.open("rb") as handle:
        data = handle.read()
    return [image.title, image.file.name, image.width, image.height, image.collection.name,
            hashlib.sha256(data).hexdigest(), len(data)]


summary = {
    "pages": sorted(
        [p.pk, p.path, p.url_path, p.title, p.draft_title, p.slug, p.live,
         p.has_unpublished_changes, p.latest_revision_id, p.live_revision_id,
         p.content_type.app_label + "." + p.content_type.model, str(p.first_published_at)]
        for p in Page.objects.all()
    ),
    "profiles": sorted(
        [p.slug, p.title, p.live, p.summary, p.start_year,
         p.legal_form.slug if p.legal_form else None,
         sorted(p.task_areas.values_list("slug", flat=True)),
         digest(p.latest_revision.content) if p.latest_revision else None,
         digest(p.live_revision.content) if p.live_revision else None]
        for p in CooperationPage.objects.all()
    ),
    "revisions": sorted([r.pk, r.object_id, digest(r.content)] for r in Revision.objects.all()),
    "partners": sorted(
        [p.page.slug, p.municipality.ags if p.municipality else None,
         p.county.key if p.county else None, p.organisation, p.role, p.sort_order]
        for p in CooperationPartner.objects.select_related("page", "municipality", "county")
    ),
    "taxonomy": {
        "task_areas": terms(TaskArea), "legal_forms": terms(LegalForm),
        "models": terms(CooperationModel), "motives": terms(Motive),
    },
    "boerse": sorted(
        [e.title, e.kind, e.status, e.description, e.municipality.ags, e.created_by.username,
         str(e.expires_on), str(e.created_at), sorted(e.task_areas.values_list("slug", flat=True))]
        for e in BoerseEntry.objects.all()
    ),
    "images": sorted(image_row(image) for image in get_image_model().objects.all()),
    "profile_images": sorted(
        [i.page.slug, i.image.title, i.caption] for i in CooperationImage.objects.all()
    ),
    "users": sorted([u.username, u.email, u.password] for u in get_user_model().objects.all()),
    "sites": sorted([s.hostname, s.root_page.slug, s.is_default_site] for s in Site.objects.all()),
    "register": [Municipality.objects.count(), County.objects.count(),
                 digest(list(Municipality.objects.order_by("ags").values_list(
                     "ags", "name", "population")))],
}
checks = {
    "indexed": sorted(IndexedDocument.objects.values_list("page_id", flat=True)),
    "indexable": sorted(indexable_profiles().values_list("pk", flat=True)),
    "admin_search": len(list(get_search_backend().search("Gütersloh", Municipality))),
}
print("SUMMARY:" + json.dumps({"summary": summary, "checks": checks}, sort_keys=True,
                              default=str))
"""


def _env(var_dir, database_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        KOOPERATIONSATLAS_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.dev",
        ELASTICSEARCH_URL="",
        PYTHONDONTWRITEBYTECODE="1",
    )
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    return env


def manage(env, *args, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def summary(env):
    output = manage(env, "shell", "-c", SUMMARY).stdout
    line = next(line for line in output.splitlines() if line.startswith("SUMMARY:"))
    return json.loads(line[len("SUMMARY:") :])


def sqlite_env(tmp_path, name):
    var_dir = tmp_path / name
    return _env(var_dir, f"sqlite:///{var_dir / 'db.sqlite3'}")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """Database A with content, its summary and its backup archive."""
    tmp_path = tmp_path_factory.mktemp("backup")
    env = sqlite_env(tmp_path, "a")
    records = json.loads(DEMO_JSON.read_text(encoding="utf-8"))[:DEMO_PROFILES]
    demo = tmp_path / "demo.json"
    demo.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    manage(env, "migrate", "--noinput")
    manage(env, "import_register", "--no-progress")
    # Only the first profiles: the enrichment files of the others would name unknown slugs.
    no_enrichment = tmp_path / "enrichment"
    no_enrichment.mkdir()
    manage(
        env, "load_demo_content", "--path", str(demo), "--enrichment-dir", str(no_enrichment)
    )
    manage(env, "shell", "-c", CREATE_EXTRAS)
    archive = tmp_path / "sicherung.tar.gz"
    manage(env, "backup", "--output", str(archive))
    return {"env": env, "summary": summary(env), "archive": archive, "tmp": tmp_path}


def test_source_has_what_the_restore_must_find(source):
    data = source["summary"]["summary"]
    assert len(data["profiles"]) == DEMO_PROFILES
    assert {row[2] for row in data["profiles"]} == {True, False}  # live and unpublished
    assert any(row[7] != row[8] for row in data["profiles"])  # a draft newer than live
    assert data["partners"] and data["revisions"]
    assert "testbegriff-sicherung" in [row[0] for row in data["taxonomy"]["task_areas"]]
    assert [row[0] for row in data["boerse"]] == ["Testeintrag Sicherung"]
    assert [row[0] for row in data["images"]] == ["Testbild Sicherung"]
    assert data["profile_images"][0][1:] == ["Testbild Sicherung", "Bildunterschrift (Test)"]
    assert data["register"][:2] == [10751, 400]


def test_archive_has_manifest_data_and_media(source):
    with tarfile.open(source["archive"], "r:gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
    assert names[:2] == ["manifest.json", "data.jsonl"]
    assert manifest["format"] == "kooperationsatlas-backup"
    assert manifest["versions"]["django"].startswith("5.2")
    assert manifest["migrations"]["cooperations"]
    counts = manifest["counts"]
    assert counts["register.municipality"] == 10751
    assert counts["cooperations.cooperationpage"] == DEMO_PROFILES
    assert counts["boerse.boerseentry"] == 1
    # Derived and volatile data stays out; migrate and the rebuild recreate it.
    for label in (
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "wagtailsearch.indexentry",
        "atlas_search.indexeddocument",
        "wagtailimages.rendition",
    ):
        assert label not in counts
    media = [entry["path"] for entry in manifest["media"]]
    assert len(media) == 1 and media[0].startswith("original_images/")
    assert "media/" + media[0] in names
    assert not [name for name in names if name.startswith("media/images/")]


def _assert_same(source_summary, restored):
    for key, value in source_summary["summary"].items():
        assert restored["summary"][key] == value, key
    checks = restored["checks"]
    assert checks["indexed"] == checks["indexable"] and checks["indexed"]
    assert checks["admin_search"] >= 1


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(
    ON_POSTGRES,
    reason="SQLite → SQLite runs in the SQLite suite; with PostgreSQL the test below runs",
)
def test_restore_into_empty_sqlite_finds_everything_again(source):
    env = sqlite_env(source["tmp"], "b")
    result = manage(env, "restore", str(source["archive"]))
    assert "Wiederhergestellt" in result.stdout
    restored = summary(env)
    _assert_same(source["summary"], restored)

    # A second restore into the now filled database is refused and changes nothing.
    again = manage(env, "restore", str(source["archive"]), check=False)
    assert again.returncode != 0
    assert "nicht leer" in again.stderr
    assert summary(env) == restored


def _corrupt_archives(source):
    tmp = source["tmp"]
    original = source["archive"].read_bytes()
    truncated = tmp / "abgeschnitten.tar.gz"
    truncated.write_bytes(original[: len(original) // 2])
    not_gzip = tmp / "kein-archiv.tar.gz"
    not_gzip.write_text("Das ist keine Sicherung.\n")
    foreign = tmp / "fremd.tar.gz"
    readme = tmp / "README.txt"
    readme.write_text("fremdes Archiv\n")
    with tarfile.open(foreign, "w:gz") as archive:
        archive.add(readme, arcname="README.txt")
    # Same manifest, changed data: the checksum must catch it.
    tampered = tmp / "veraendert.tar.gz"
    unpacked = tmp / "unpacked"
    with tarfile.open(source["archive"], "r:gz") as archive:
        archive.extractall(unpacked, filter="data")
    data = unpacked / "data.jsonl"
    data.write_text(data.read_text(encoding="utf-8").replace("Testeintrag", "Testeintrax"))
    with tarfile.open(tampered, "w:gz") as archive:
        for name in ["manifest.json", "data.jsonl", "media"]:
            archive.add(unpacked / name, arcname=name)
    no_manifest = tmp / "ohne-manifest.tar.gz"
    with tarfile.open(no_manifest, "w:gz") as archive:
        archive.add(unpacked / "data.jsonl", arcname="data.jsonl")
    return {
        truncated: "beschädigt",
        not_gzip: "kein lesbares tar.gz-Archiv",
        foreign: "unerwarteter Eintrag 'README.txt'",
        tampered: "Prüfsumme von data.jsonl stimmt nicht",
        no_manifest: "manifest.json fehlt",
    }


def test_corrupt_or_foreign_archive_is_refused_with_the_reason(source, tmp_path):
    from kooperationsatlas.backup import BackupError, read_archive

    cases = _corrupt_archives(source)
    for archive, reason in cases.items():
        with pytest.raises(BackupError, match=re.escape(reason)):
            read_archive(archive, tmp_path / archive.stem)

    # The command: exit code 1, the reason, no traceback, and nothing changed (no tables were
    # created, no media written).
    env = sqlite_env(source["tmp"], "c")
    database = source["tmp"] / "c" / "db.sqlite3"
    truncated = next(iter(cases))
    result = manage(env, "restore", str(truncated), check=False)
    assert result.returncode == 1
    assert "ist kein lesbares tar.gz-Archiv oder ist beschädigt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists() or database.stat().st_size == 0
    assert not (source["tmp"] / "c" / "media").exists()


def _archive_with_broken_reference(source):
    """The source archive with one Börse entry pointing to a user that does not exist,
    the manifest's checksum updated (the archive is consistent, its content is not)."""
    import hashlib

    tmp = source["tmp"]
    unpacked = tmp / "unpacked-broken"
    with tarfile.open(source["archive"], "r:gz") as archive:
        archive.extractall(unpacked, filter="data")
    data = unpacked / "data.jsonl"
    lines = []
    for line in data.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["model"] == "boerse.boerseentry":
            row["fields"]["created_by"] = 987654321
            line = json.dumps(row, ensure_ascii=False)
        lines.append(line)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest_path = unpacked / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    raw = data.read_bytes()
    manifest["data"].update(size=len(raw), sha256=hashlib.sha256(raw).hexdigest())
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    broken = tmp / "verweis-ins-leere.tar.gz"
    with tarfile.open(broken, "w:gz") as archive:
        for name in ["manifest.json", "data.jsonl", "media"]:
            archive.add(unpacked / name, arcname=name)
    return broken


def test_a_broken_foreign_key_is_named_and_rolled_back_without_traceback(source):
    """Fault (issue 17): a restore with a broken foreign key ended in a traceback."""
    broken = _archive_with_broken_reference(source)
    env = sqlite_env(source["tmp"], "d")
    result = manage(env, "restore", str(broken), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "boerse.boerseentry #" in result.stderr
    assert "Feld „created_by“ = 987654321" in result.stderr
    assert "kein auth.user mit id = 987654321" in result.stderr
    assert "zurückgerollt" in result.stderr
    counts = manage(
        env,
        "shell",
        "-c",
        "from boerse.models import BoerseEntry; from cooperations.models import "
        "CooperationPage; print('COUNTS', BoerseEntry.objects.count(), "
        "CooperationPage.objects.count())",
    ).stdout
    assert "COUNTS 0 0" in counts  # nothing of the archive was kept


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="DATABASE_URL does not point to PostgreSQL")
def test_restore_across_sqlite_and_postgresql(source):
    import psycopg

    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"test_restore_{secrets.token_hex(4)}"
    maintenance = server._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        # SQLite → PostgreSQL
        env = _env(source["tmp"] / "pg", server._replace(path=f"/{name}").geturl())
        manage(env, "restore", str(source["archive"]))
        restored = summary(env)
        _assert_same(source["summary"], restored)
        again = manage(env, "restore", str(source["archive"]), check=False)
        assert again.returncode == 1 and "nicht leer" in again.stderr
        assert summary(env) == restored
        # PostgreSQL → SQLite
        archive = source["tmp"] / "aus-postgres.tar.gz"
        manage(env, "backup", "--output", str(archive))
        back = sqlite_env(source["tmp"], "d")
        manage(back, "restore", str(archive))
        _assert_same(source["summary"], summary(back))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_reference_check_names_record_field_and_missing_target():
    """The check the restore runs before committing, on rows with a dangling foreign key
    (foreign keys are checked at commit, which the test transaction never reaches)."""
    import datetime

    from django.contrib.auth import get_user_model

    from boerse.models import BoerseEntry, EntryKind
    from kooperationsatlas.backup import BackupError, _check_references
    from register.models import Municipality

    user = get_user_model().objects.create_user("verweis")
    entry = BoerseEntry.objects.create(
        kind=EntryKind.OFFER,
        title="Verweistest",
        description="x",
        municipality=Municipality.objects.get(ags="05974016"),
        created_by=user,
        expires_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    _check_references([BoerseEntry], "default")  # intact: no error
    BoerseEntry.objects.filter(pk=entry.pk).update(created_by_id=987654321)
    with pytest.raises(BackupError) as failed:
        _check_references([BoerseEntry], "default")
    message = str(failed.value)
    assert f"boerse.boerseentry #{entry.pk}, Feld „created_by“ = 987654321" in message
    assert "kein auth.user mit id = 987654321" in message
    assert "zurückgerollt" in message
    # mended again: the test case checks every constraint before rolling back
    BoerseEntry.objects.filter(pk=entry.pk).update(created_by_id=user.pk)
