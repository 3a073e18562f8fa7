"""The group "Erhebung": coordinators create and run Erhebungen in the Wagtail admin, see
their progress, invite bodies and export the raw answers. Idempotent; the reverse removes
the group."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of kooperationsatlas.editorial.SURVEY_GROUP: a migration must not change later.
GROUP = "Erhebung"
PERMISSIONS = [
    ("surveys", "campaign", ["add", "change", "delete", "view", "coordinate"]),
    ("surveys", "invitation", ["view"]),
    ("cooperations", "taskarea", ["view"]),
]


def setup(apps, schema_editor):
    # Model permissions exist only after post_migrate; on a fresh database create them now.
    for label in ("wagtailadmin", "surveys", "cooperations"):
        create_permissions(global_apps.get_app_config(label), verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename=f"{action}_{model}",
                )
            )


def teardown(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("kooperationsatlas", "0002_editorial_setup"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(setup, teardown)]
