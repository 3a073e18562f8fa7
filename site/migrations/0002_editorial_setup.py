"""Editorial groups "Redaktion" and "Moderation" and the workflow "Redaktionelle Freigabe".

Redaktion writes drafts and submits them; Moderation approves (publishes) or requests
changes. The workflow replaces Wagtail's default "Moderators approval" on the root page;
Wagtail's default groups stay as they are. Idempotent; the reverse removes what this
created and gives the root page back to the default workflow.
"""

import swapper
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copies of kooperationsatlas.editorial: a migration must not change later.
EDITORS = "Redaktion"
MODERATORS = "Moderation"
TASK = "Freigabe durch die Moderation"
WORKFLOW = "Redaktionelle Freigabe"
DEFAULT_WORKFLOW = "Moderators approval"

TAXONOMY_MODELS = ["taskarea", "legalform", "cooperationmodel", "motive"]
MEDIA_MODELS = [("wagtailimages", "image"), ("wagtaildocs", "document")]
MEDIA_ACTIONS = ["add", "change", "choose"]

GROUPS = {
    EDITORS: {
        "page": ["add", "change"],
        "taxonomy": ["view"],
    },
    MODERATORS: {
        "page": ["add", "change", "publish", "lock", "unlock", "bulk_delete"],
        "taxonomy": ["add", "change", "delete"],
    },
}


def create_missing_permissions():
    # Django creates model permissions only after migrate (post_migrate); on a fresh
    # database they do not exist yet. Same approach as wagtailcore 0086.
    for label in ("wagtailcore", "wagtailimages", "wagtaildocs", "cooperations"):
        create_permissions(global_apps.get_app_config(label), verbosity=0)


def setup(apps, schema_editor):
    create_missing_permissions()

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    page_model_name = swapper.get_model_name("wagtailcore", "Page")
    Page = apps.get_model(page_model_name)
    page_app_label, page_model = swapper.split(page_model_name)
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    def permission(app_label, model, action):
        return Permission.objects.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()

    groups = {}
    for name, spec in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(
            access_admin,
            *(
                permission("cooperations", model, action)
                for model in TAXONOMY_MODELS
                for action in spec["taxonomy"]
            ),
        )
        if root_page is not None:
            for action in spec["page"]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=permission(page_app_label, page_model.lower(), action),
                )
        if root_collection is not None:
            for app_label, model in MEDIA_MODELS:
                for action in MEDIA_ACTIONS:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=permission(app_label, model, action),
                    )

    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK,
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
    task.groups.add(groups[MODERATORS])

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=task.pk, defaults={"sort_order": 0}
    )
    if root_page is not None:
        # A page has at most one workflow: this replaces "Moderators approval".
        WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


def teardown(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    default = Workflow.objects.filter(name=DEFAULT_WORKFLOW, active=True).first()
    for workflow in Workflow.objects.filter(name=WORKFLOW):
        if default is not None:
            WorkflowPage.objects.filter(workflow=workflow, page__depth=1).update(
                workflow=default
            )
        workflow.delete()  # with its WorkflowTask and any remaining WorkflowPage rows
    GroupApprovalTask.objects.filter(name=TASK).delete()
    # Cascades to the groups' page and collection permissions.
    Group.objects.filter(name__in=[EDITORS, MODERATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kooperationsatlas", "0001_initial"),
        ("cooperations", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(setup, teardown)]
