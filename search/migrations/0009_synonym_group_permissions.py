"""Synonym groups of the search for the editorial groups, as for the taxonomies: Redaktion may
view them, Moderation may add, change and delete them (search/thesaurus.py).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copies of kooperationsatlas.editorial: a migration must not change later.
ACTIONS = {"Redaktion": ["view"], "Moderation": ["add", "change", "delete", "view"]}


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("atlas_search"), verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ACTIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="atlas_search",
                content_type__model="synonymgroup",
                codename__in=[f"{action}_synonymgroup" for action in actions],
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="atlas_search", content_type__model="synonymgroup"
    )
    for group in Group.objects.filter(name__in=ACTIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("atlas_search", "0008_meta_field_and_plain_terms"),
        ("kooperationsatlas", "0002_editorial_setup"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
