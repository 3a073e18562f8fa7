"""Moderation may moderate Börse entries and manage municipal accounts. Idempotent."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of kooperationsatlas.editorial.MODERATORS_GROUP.
MODERATORS = "Moderation"
PERMISSIONS = [
    ("boerse", "boerseentry", "moderate_boerseentry"),
    ("accounts", "municipalaccount", "view_municipalaccount"),
    ("accounts", "municipalaccount", "add_municipalaccount"),
    ("accounts", "municipalaccount", "change_municipalaccount"),
]


def _permissions(apps):
    # Model permissions exist only after post_migrate; create them now (fresh databases).
    for label in ("boerse", "accounts"):
        create_permissions(global_apps.get_app_config(label), verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        )
        for app_label, model, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("boerse", "0001_initial"),
        ("accounts", "0001_initial"),
        ("kooperationsatlas", "0002_editorial_setup"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
