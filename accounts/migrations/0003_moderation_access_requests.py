"""Moderation may view and decide access requests. Idempotent."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of kooperationsatlas.editorial.MODERATORS_GROUP.
MODERATORS = "Moderation"
CODENAMES = ["view_accessrequest", "change_accessrequest"]


def _permissions(apps):
    # Model permissions exist only after post_migrate; create them now (fresh databases).
    create_permissions(global_apps.get_app_config("accounts"), verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label="accounts",
            content_type__model="accessrequest",
            codename__in=CODENAMES,
        )
    )


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
        ("accounts", "0002_access_request"),
        ("boerse", "0002_moderation_permissions"),
        ("kooperationsatlas", "0002_editorial_setup"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
