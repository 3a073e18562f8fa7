"""Backup and restore of the whole site: database content and media files in one archive.

``write_backup`` writes one ``tar.gz`` archive:

- ``manifest.json``: format name and version, creation time, Python/Django/Wagtail versions,
  the database engine, the latest applied migration per app, the number of rows per model,
  the size and SHA-256 of the data file and of every media file;
- ``data.jsonl``: the database as Django serialized data, one object per line (the
  ``dumpdata --format jsonl`` format). Primary keys are kept, so references by id (revisions,
  the reference index, tags) stay valid; foreign keys to content types and permissions are
  written as natural keys, because those rows are created by ``migrate`` and their ids differ
  between databases. Many-to-many links are written as rows of their through tables;
- ``media/…``: the uploaded files (original images, documents). Renditions are left out:
  Wagtail regenerates them on demand.

Left out of the data, because ``migrate`` or a rebuild recreates them: content types,
permissions, sessions, image renditions, Wagtail's search index entries and the embedded
search index of the atlas (rebuilt by ``restore`` with ``update_index`` and
``rebuild_search_index``), Wagtail's live editing sessions.

``restore_backup`` restores into an empty database: it checks the archive completely before
touching anything, refuses a database that holds content, runs the migrations, loads the data
and the media files in one transaction, compares the row counts with the manifest and
rebuilds the search indexes; any failure rolls everything back.

The data is streamed in both directions (querysets are iterated in chunks, the archive is
read member by member and the data line by line), so memory stays bounded at any size.
"""

import datetime
import hashlib
import io
import json
import os
import platform
import shutil
import tarfile
import tempfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import base as serializer_base
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Deserializer as JsonlDeserializer
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import (
    DEFAULT_DB_ALIAS,
    DataError,
    IntegrityError,
    connections,
    models,
    transaction,
)
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT_NAME = "kooperationsatlas-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.jsonl"
MEDIA_PREFIX = "media/"

# Derived or volatile data: recreated by migrate, regenerated on demand or rebuilt by restore.
EXCLUDED_MODELS = {
    "contenttypes.contenttype",  # created by migrate; referenced by natural key
    "auth.permission",  # created by migrate; referenced by natural key
    "sessions.session",
    "wagtailimages.rendition",  # regenerated on demand (their files are not backed up)
    "wagtailadmin.editingsession",  # who is editing a page right now
    "atlas_search.indexeddocument",  # embedded search index: rebuild_search_index
    "atlas_search.indexversion",
    "atlas_search.indexchange",  # the facet index's change log: follows the rebuild
    "atlas_search.pendingindexupdate",  # retried index updates: the rebuild covers them
}
# Wagtail's search index entries (update_index); the task queue (a restored queued mail is
# sent by retry_mail, a pending index update is covered by the rebuild).
EXCLUDED_APPS = {"wagtailsearch", "django_tasks_database"}
# Folders below MEDIA_ROOT that hold only derived files.
EXCLUDED_MEDIA_DIRS = {"images"}  # Wagtail renditions (originals are in original_images/)
# Foreign keys to these models are written as natural keys (their ids differ per database).
NATURAL_KEY_MODELS = (ContentType, Permission)

# Models a fresh `migrate` fills (seed data: groups, workflow, taxonomies, the root page …).
# Rows in any other backed-up model mean the database already holds content.
MIGRATION_SEEDED = {
    "auth.group",
    "auth.group_permissions",
    "wagtailcore.collection",
    "wagtailcore.locale",
    "wagtailcore.site",
    "wagtailcore.page",
    "wagtailcore.grouppagepermission",
    "wagtailcore.groupcollectionpermission",
    "wagtailcore.workflow",
    "wagtailcore.task",
    "wagtailcore.workflowtask",
    "wagtailcore.workflowpage",
    "wagtailcore.groupapprovaltask",
    "wagtailcore.groupapprovaltask_groups",
    "cooperations.taskarea",
    "cooperations.legalform",
    "cooperations.cooperationmodel",
    "cooperations.motive",
}
# A fresh migrate creates the root page and Wagtail's welcome page; more pages are content.
FRESH_PAGE_COUNT = 2

CHUNK_SIZE = 2000


class BackupError(Exception):
    """A backup or restore failed; the message says what is wrong (in German, for operators)."""


# --------------------------------------------------------------------------- what is backed up


def backup_models():
    """The concrete models whose rows go into the archive, in a stable order.

    Auto-created many-to-many through models are included as models of their own."""
    result = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        if meta.label_lower in EXCLUDED_MODELS or meta.app_label in EXCLUDED_APPS:
            continue
        result.append(model)
    return result


def latest_migrations(connection):
    """{app_label: name of the latest applied migration}, from the django_migrations table."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    latest = {}
    for app_label, name in recorder.applied_migrations():
        if name > latest.get(app_label, ""):
            latest[app_label] = name
    return dict(sorted(latest.items()))


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(media_root):
    """(archive name, absolute path) of every backed-up media file, sorted."""
    media_root = Path(media_root)
    if not media_root.is_dir():
        return []
    found = []
    for directory, dirnames, filenames in os.walk(media_root):
        relative_dir = Path(directory).relative_to(media_root)
        if relative_dir == Path("."):
            dirnames[:] = [name for name in dirnames if name not in EXCLUDED_MEDIA_DIRS]
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_symlink() or not path.is_file():
                continue
            found.append(((relative_dir / filename).as_posix(), path))
    return found


# --------------------------------------------------------------------------------- serializing


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds; a backup keeps them whole."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JsonlSerializer):
    """JSON Lines; natural keys only for content types and permissions; no m2m fields (their
    through tables are written as models of their own)."""

    def start_serialization(self):
        super().start_serialization()
        self._permission_keys = {}

    def handle_fk_field(self, obj, field):
        target = field.remote_field.model
        value = getattr(obj, field.attname)
        if value is not None and issubclass(target, ContentType):
            value = list(ContentType.objects.get_for_id(value).natural_key())
        elif value is not None and issubclass(target, Permission):
            if value not in self._permission_keys:
                self._permission_keys[value] = list(Permission.objects.get(pk=value).natural_key())
            value = self._permission_keys[value]
        else:
            value = self._value_from_field(obj, field)
        self._current[field.name] = value

    def handle_m2m_field(self, obj, field):
        pass


def _dump_data(stream, connection):
    """Write every backed-up row to the text stream; return {model label: count}."""
    counts = {}
    serializer = _Serializer()
    for model in backup_models():
        label = model._meta.label_lower
        queryset = model._base_manager.using(connection.alias).order_by("pk")
        counter = _CountingIterator(queryset.iterator(chunk_size=CHUNK_SIZE))
        serializer.serialize(counter, stream=stream, cls=_Encoder)
        counts[label] = counter.count
    return counts


class _CountingIterator:
    def __init__(self, iterator):
        self.iterator = iterator
        self.count = 0

    def __iter__(self):
        for item in self.iterator:
            self.count += 1
            yield item


# ------------------------------------------------------------------------------------- backup


def write_backup(output, *, using=DEFAULT_DB_ALIAS):
    """Write the archive to ``output`` (a path); return the manifest.

    The archive is first written next to its destination and renamed when complete, so an
    interrupted backup never leaves a truncated archive under the final name."""
    import wagtail

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="atlas-backup-") as tmp:
        data_path = Path(tmp) / DATA_NAME
        # One transaction, so all tables are read from the same snapshot.
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            migrations = latest_migrations(connection)
            with open(data_path, "w", encoding="utf-8", newline="\n") as stream:
                counts = _dump_data(stream, connection)

        media = []
        for name, path in _media_files(settings.MEDIA_ROOT):
            media.append({"path": name, "size": path.stat().st_size, "sha256": _sha256_file(path)})
        manifest = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "versions": {
                "python": platform.python_version(),
                "django": django.get_version(),
                "wagtail": wagtail.__version__,
            },
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "counts": counts,
            "data": {
                "path": DATA_NAME,
                "size": data_path.stat().st_size,
                "sha256": _sha256_file(data_path),
            },
            "media": media,
        }

        partial = output.with_name(output.name + ".part")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                payload = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size = len(payload)
                info.mtime = int(datetime.datetime.now().timestamp())
                archive.addfile(info, io.BytesIO(payload))
                archive.add(data_path, arcname=DATA_NAME, recursive=False)
                media_root = Path(settings.MEDIA_ROOT)
                for entry in media:
                    archive.add(
                        media_root / entry["path"],
                        arcname=MEDIA_PREFIX + entry["path"],
                        recursive=False,
                    )
            os.replace(partial, output)
        finally:
            if partial.exists():
                partial.unlink()
    return manifest


# ------------------------------------------------------------------------------ reading archives


def _safe_media_name(name):
    """The path below MEDIA_ROOT for an archive member name, or None if it is unsafe."""
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or not relative.parts or ".." in relative.parts:
        return None
    return relative.as_posix()


def read_archive(path, workdir):
    """Unpack and verify the archive into ``workdir``; return the manifest.

    Checks that it is a gzip-compressed tar archive, that it has a manifest of this format
    and version, and that the data file and every media file are present, complete and
    unchanged (size and SHA-256). Raises BackupError naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Sicherung nicht gefunden: {path}")
    workdir = Path(workdir)
    manifest = None
    media_dir = workdir / "media"
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                name = member.name
                if name == MANIFEST_NAME:
                    if not member.isfile():
                        raise BackupError(f"{path}: {MANIFEST_NAME} ist keine Datei.")
                    manifest = _parse_manifest(path, archive.extractfile(member).read())
                elif name == DATA_NAME:
                    if not member.isfile():
                        raise BackupError(f"{path}: {DATA_NAME} ist keine Datei.")
                    _extract(archive, member, workdir / DATA_NAME)
                elif member.isdir() and (name + "/").startswith(MEDIA_PREFIX):
                    continue  # folder entries of a repacked archive: the files are what counts
                elif name.startswith(MEDIA_PREFIX):
                    relative = _safe_media_name(name)
                    if relative is None or not member.isfile():
                        raise BackupError(
                            f"{path}: unzulässiger Eintrag {name!r} (nur Dateien unter media/)."
                        )
                    _extract(archive, member, media_dir / relative)
                else:
                    raise BackupError(f"{path}: unerwarteter Eintrag {name!r} im Archiv.")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise BackupError(
            f"{path} ist kein lesbares tar.gz-Archiv oder ist beschädigt ({error})."
        ) from error
    if manifest is None:
        raise BackupError(f"{path}: {MANIFEST_NAME} fehlt – keine Sicherung des Kooperationsatlas.")
    _verify_file(path, workdir / DATA_NAME, manifest["data"], DATA_NAME)
    listed = set()
    for entry in manifest["media"]:
        relative = _safe_media_name(MEDIA_PREFIX + entry["path"])
        if relative is None:
            raise BackupError(f"{path}: unzulässiger Medienpfad {entry['path']!r} im Manifest.")
        listed.add(relative)
        _verify_file(path, media_dir / relative, entry, MEDIA_PREFIX + relative)
    if media_dir.is_dir():
        for extracted in media_dir.rglob("*"):
            if extracted.is_file() and extracted.relative_to(media_dir).as_posix() not in listed:
                raise BackupError(
                    f"{path}: Mediendatei {extracted.relative_to(media_dir)} fehlt im Manifest."
                )
    return manifest


def _extract(archive, member, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    source = archive.extractfile(member)
    with open(target, "wb") as handle:
        shutil.copyfileobj(source, handle, 1 << 20)


def _parse_manifest(path, raw):
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path}: {MANIFEST_NAME} ist kein gültiges JSON ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(
            f"{path}: keine Sicherung des Kooperationsatlas "
            f"(Format {manifest.get('format') if isinstance(manifest, dict) else None!r}, "
            f"erwartet {FORMAT_NAME!r})."
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: Formatversion {manifest.get('format_version')!r} wird nicht unterstützt "
            f"(diese Version liest {FORMAT_VERSION})."
        )
    for key, kind in (
        ("migrations", dict),
        ("counts", dict),
        ("data", dict),
        ("media", list),
    ):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"{path}: {MANIFEST_NAME} ohne gültiges Feld {key!r}.")
    return manifest


def _verify_file(archive_path, path, entry, name):
    if not path.is_file():
        raise BackupError(f"{archive_path}: {name} fehlt im Archiv.")
    size = path.stat().st_size
    if size != entry.get("size"):
        raise BackupError(
            f"{archive_path}: {name} hat {size} Bytes, laut Manifest {entry.get('size')} "
            "– Archiv beschädigt."
        )
    if _sha256_file(path) != entry.get("sha256"):
        raise BackupError(f"{archive_path}: Prüfsumme von {name} stimmt nicht – Archiv beschädigt.")


# ------------------------------------------------------------------------------------- restore


def content_rows(using=DEFAULT_DB_ALIAS):
    """{model label: rows} of the content a fresh migrate does not create; empty if none.

    A database without the migrations table has no content."""
    connection = connections[using]
    if not MigrationRecorder(connection).has_table():
        return {}
    existing_tables = set(connection.introspection.table_names())
    found = {}
    for model in backup_models():
        label = model._meta.label_lower
        if model._meta.db_table not in existing_tables:
            continue
        count = model._base_manager.using(using).count()
        if label == "wagtailcore.page":
            if count > FRESH_PAGE_COUNT:
                found[label] = count
        elif count and label not in MIGRATION_SEEDED:
            found[label] = count
    return found


def check_migrations(manifest):
    """Refuse an archive written by a newer version of the code (unknown migrations)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app_label}.{name}"
        for app_label, name in manifest["migrations"].items()
        if (app_label, name) not in loader.disk_migrations
    ]
    if unknown:
        raise BackupError(
            "Die Sicherung stammt aus einer anderen Version des Kooperationsatlas: "
            f"unbekannte Migrationen {', '.join(sorted(unknown))}. Mit dem Code-Stand "
            "wiederherstellen, der die Sicherung geschrieben hat."
        )


def restore_backup(path, *, using=DEFAULT_DB_ALIAS, stdout=None, rebuild_index=True):
    """Restore the archive into the empty database ``using``; return the manifest."""

    def say(message):
        if stdout is not None:
            stdout.write(message)

    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="atlas-restore-") as tmp:
        tmp = Path(tmp)
        say(f"Prüfe {path} …")
        manifest = read_archive(path, tmp)
        check_migrations(manifest)
        content = content_rows(using)
        if content:
            listed = ", ".join(f"{label} ({count})" for label, count in sorted(content.items()))
            raise BackupError(
                "Die Datenbank ist nicht leer – Wiederherstellung abgebrochen, nichts wurde "
                f"geändert. Vorhandene Inhalte: {listed}. Nur in eine leere Datenbank "
                "wiederherstellen (neu anlegen, dann restore)."
            )
        media_root = Path(settings.MEDIA_ROOT)
        clashes = [
            entry["path"]
            for entry in manifest["media"]
            if (media_root / entry["path"]).exists()
            and _sha256_file(media_root / entry["path"]) != entry["sha256"]
        ]
        if clashes:
            raise BackupError(
                f"In {media_root} liegen schon andere Dateien unter denselben Namen "
                f"({', '.join(clashes[:5])}{' …' if len(clashes) > 5 else ''}) – "
                "Wiederherstellung abgebrochen, nichts wurde geändert."
            )

        code_models = {model._meta.label_lower: model for model in backup_models()}
        unknown = sorted(set(manifest["counts"]) - set(code_models))
        if unknown:
            raise BackupError(
                f"Die Sicherung enthält Modelle, die es in diesem Code-Stand nicht gibt: "
                f"{', '.join(unknown)}."
            )
        # Only the models the archive has: a model newer than the archive keeps its seed rows.
        models_by_label = {label: code_models[label] for label in manifest["counts"]}
        say("Migrationen …")
        call_command("migrate", database=using, interactive=False, verbosity=0)

        copied = []
        try:
            with transaction.atomic(using=using):
                say("Lade Daten …")
                _clear_tables(connection, models_by_label.values())
                loaded = _load_data(tmp / DATA_NAME, using)
                _reset_sequences(connection, models_by_label.values())
                _check_counts(manifest, loaded, models_by_label, using)
                _check_references(models_by_label.values(), using)
                connection.check_constraints(
                    table_names=[m._meta.db_table for m in models_by_label.values()]
                )
                say(f"Stelle {len(manifest['media'])} Mediendateien wieder her …")
                for entry in manifest["media"]:
                    target = media_root / entry["path"]
                    if target.exists():
                        continue  # identical content (checked above)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    copied.append(target)
                    shutil.copyfile(tmp / "media" / entry["path"], target)
                if rebuild_index:
                    say("Baue die Suchindizes neu auf …")
                    call_command("update_index", verbosity=0)
                    call_command("rebuild_search_index", no_progress=True, stdout=io.StringIO())
        except BaseException as error:
            for target in copied:
                target.unlink(missing_ok=True)
            if isinstance(error, (IntegrityError, DataError)):
                # what _check_references cannot see (a unique or check constraint …)
                raise BackupError(
                    f"Die Datenbank lehnt die Daten der Sicherung ab ({error}). {ROLLED_BACK}"
                ) from error
            raise
    return manifest


ROLLED_BACK = "Wiederherstellung zurückgerollt, es wurden keine Daten übernommen."
REFERENCES_SHOWN = 10


def _check_references(model_list, using):
    """Every foreign key of the loaded rows points to an existing row; otherwise a
    BackupError naming the records, fields and missing targets (the database's own check
    would only say that some constraint failed, on PostgreSQL at commit)."""
    broken = []
    for model in model_list:
        rows = model._base_manager.using(using)
        for field in model._meta.concrete_fields:
            if not field.is_relation or not field.many_to_one:
                continue
            if not field.db_constraint:  # e.g. Wagtail's log entries outlive their page
                continue
            target = field.remote_field.model
            target_field = field.target_field.attname
            existing = target._base_manager.using(using).values(target_field)
            missing = (
                rows.filter(**{f"{field.attname}__isnull": False})
                .exclude(**{f"{field.attname}__in": existing})
                .order_by("pk")
                .values_list("pk", field.attname)
            )
            for pk, value in missing[: REFERENCES_SHOWN - len(broken)]:
                broken.append(
                    f"{model._meta.label_lower} #{pk}, Feld „{field.name}“ = {value!r} → "
                    f"kein {target._meta.label_lower} mit {target_field} = {value!r}"
                )
            if len(broken) >= REFERENCES_SHOWN:
                break
        if len(broken) >= REFERENCES_SHOWN:
            break
    if broken:
        raise BackupError(
            "Die Sicherung enthält Verweise auf Datensätze, die es nicht gibt: "
            + "; ".join(broken)
            + (" …" if len(broken) >= REFERENCES_SHOWN else "")
            + f". {ROLLED_BACK}"
        )


def _clear_tables(connection, model_list):
    """Remove the seed rows migrate created, so the archive's rows replace them exactly.

    Foreign keys are checked at commit (deferred), so the order does not matter."""
    with connection.cursor() as cursor:
        for model in model_list:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _load_data(data_path, using):
    loaded = Counter()
    with open(data_path, encoding="utf-8") as stream:
        try:
            for deserialized in JsonlDeserializer(stream, using=using, ignorenonexistent=False):
                obj = deserialized.object
                models.Model.save_base(obj, using=using, raw=True, force_insert=True)
                loaded[obj._meta.label_lower] += 1
        except serializer_base.DeserializationError as error:
            raise BackupError(f"{DATA_NAME}: Daten nicht lesbar ({error}).") from error
    return loaded


def _reset_sequences(connection, model_list):
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _check_counts(manifest, loaded, models_by_label, using):
    problems = []
    for label, expected in sorted(manifest["counts"].items()):
        actual = models_by_label[label]._base_manager.using(using).count()
        if actual != expected or loaded.get(label, 0) != expected:
            problems.append(f"{label}: {actual} statt {expected}")
    if problems:
        raise BackupError(
            "Nach dem Laden stimmen die Zeilenzahlen nicht mit dem Manifest überein: "
            + "; ".join(problems)
        )
