"""Editorial groups and the moderation workflow (data migration 0002_editorial_setup)."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from wagtail.models import (
    Collection,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cooperations.models import CooperationPage
from kooperationsatlas.editorial import (
    APPROVAL_TASK,
    EDITORS_GROUP,
    MODERATORS_GROUP,
    WORKFLOW,
)
from register.models import Municipality

pytestmark = pytest.mark.django_db

TAXONOMY = ["taskarea", "legalform", "cooperationmodel", "motive"]
MEDIA = {
    "add_image", "change_image", "choose_image",
    "add_document", "change_document", "choose_document",
}  # fmt: skip


def make_user(username, group_name):
    user = User.objects.create_user(username=username, password="geheim")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return make_user("redakteurin", EDITORS_GROUP)


@pytest.fixture
def moderator(db):
    return make_user("moderator", MODERATORS_GROUP)


def group_permissions(name):
    group = Group.objects.get(name=name)
    return {
        "model": {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()},
        "page": {(p.page_id, p.permission.codename) for p in group.page_permissions.all()},
        "collection": {
            (p.collection_id, p.permission.codename) for p in group.collection_permissions.all()
        },
    }


def test_redaktion_has_exactly_the_intended_permissions():
    root = Page.get_first_root_node()
    perms = group_permissions(EDITORS_GROUP)

    assert perms["model"] == {
        "wagtailadmin.access_admin",
        "guides.view_glossaryterm",
        "atlas_search.view_synonymgroup",
    } | {f"cooperations.view_{model}" for model in TAXONOMY}
    assert perms["page"] == {(root.pk, "add_page"), (root.pk, "change_page")}
    assert perms["collection"] == {(Collection.get_first_root_node().pk, c) for c in MEDIA}


def test_moderation_has_exactly_the_intended_permissions():
    root = Page.get_first_root_node()
    perms = group_permissions(MODERATORS_GROUP)

    assert perms["model"] == {
        "wagtailadmin.access_admin",
        # Moderation also approves Börse entries and manages municipal accounts.
        "boerse.moderate_boerseentry",
        "accounts.view_municipalaccount",
        "accounts.add_municipalaccount",
        "accounts.change_municipalaccount",
        # and decides access requests (accounts/migrations/0003).
        "accounts.view_accessrequest",
        "accounts.change_accessrequest",
        # and keeps the glossary (guides/migrations/0002).
        "guides.view_glossaryterm",
        "guides.add_glossaryterm",
        "guides.change_glossaryterm",
        "guides.delete_glossaryterm",
        # and the search's synonym groups (atlas_search/migrations/0006).
        "atlas_search.view_synonymgroup",
        "atlas_search.add_synonymgroup",
        "atlas_search.change_synonymgroup",
        "atlas_search.delete_synonymgroup",
    } | {
        f"cooperations.{action}_{model}"
        for model in TAXONOMY
        for action in ("add", "change", "delete")
    }
    assert perms["page"] == {
        (root.pk, f"{action}_page")
        for action in ("add", "change", "publish", "lock", "unlock", "bulk_delete")
    }
    assert perms["collection"] == {(Collection.get_first_root_node().pk, c) for c in MEDIA}


def test_wagtails_default_groups_are_kept():
    assert Group.objects.filter(name__in=["Editors", "Moderators"]).count() == 2


def test_redaktion_cannot_publish_but_moderation_can(make_profile, editor, moderator):
    page = make_profile("Gemeinsame Beihilfestelle", publish=False)

    assert page.permissions_for_user(editor).can_edit()
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(moderator).can_publish()


def test_the_editorial_workflow_applies_to_profiles(make_profile):
    page = make_profile("Gemeinsames Rechenzentrum", publish=False)

    workflow = page.get_workflow()
    assert workflow.name == WORKFLOW
    assert workflow.active
    tasks = [task.specific for task in workflow.tasks]
    assert [task.name for task in tasks] == [APPROVAL_TASK]
    assert [group.name for group in tasks[0].groups.all()] == [MODERATORS_GROUP]


def test_the_workflow_replaces_the_default_on_the_root_page():
    root = Page.get_first_root_node()
    assert WorkflowPage.objects.get(page=root).workflow.name == WORKFLOW
    # Wagtail's own workflow still exists; it is just no longer assigned.
    assert not Workflow.objects.get(name="Moderators approval").workflow_pages.exists()


# -- the moderation workflow through the admin ------------------------------------------


def profile_form(title, slug, **extra):
    """POST data for the CooperationPage create view, inline formsets included."""
    erwitte = Municipality.objects.get(name="Erwitte")
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": f"Kurzbeschreibung von {title}.",
            "partners": inline_formset([{"municipality": erwitte.pk, "role": "lead"}], min=1),
            "sources": inline_formset([{"url": "https://example.org/quelle"}], min=1),
            "facts": inline_formset([]),
            "funding": inline_formset([]),
            "documents": inline_formset([]),
            "images": inline_formset([]),
            "contacts": inline_formset([]),
            "figures": inline_formset([]),
            "office_contacts": inline_formset([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def create_url(index):
    return reverse("wagtailadmin_pages:add", args=("cooperations", "cooperationpage", index.pk))


def in_progress_task_state(page):
    return TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )


@pytest.fixture
def submitted(client, site_tree, editor):
    """A profile the Redaktion user created in the admin and submitted for moderation."""
    _, index = site_tree
    client.force_login(editor)
    response = client.post(
        create_url(index),
        profile_form("Interkommunales Standesamt", "standesamt-test", **{"action-submit": "1"}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return CooperationPage.objects.get(slug="standesamt-test")


def test_submitted_profile_awaits_moderation_and_is_not_public(client, submitted, editor):
    assert not submitted.live
    assert submitted.partners.get().municipality.name == "Erwitte"
    assert submitted.sources.get().url == "https://example.org/quelle"
    assert submitted.owner == editor
    assert submitted.workflow_in_progress
    assert submitted.current_workflow_task.name == APPROVAL_TASK
    assert client.get("/kooperationen/standesamt-test/").status_code == 404


def test_redaktion_cannot_publish_through_the_admin(client, site_tree, editor):
    _, index = site_tree
    client.force_login(editor)

    response = client.post(
        create_url(index),
        profile_form("Gemeinsamer Bauhof", "bauhof-test", **{"action-publish": "1"}),
    )

    assert response.status_code == 302
    page = CooperationPage.objects.get(slug="bauhof-test")
    assert not page.live  # saved as a draft instead
    assert not page.workflow_in_progress

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        profile_form("Gemeinsamer Bauhof", "bauhof-test", **{"action-publish": "1"}),
    )
    page.refresh_from_db()
    assert not page.live
    client.logout()
    assert client.get("/kooperationen/bauhof-test/").status_code == 404


def test_redaktion_cannot_approve_its_own_submission(client, submitted, editor):
    task_state = in_progress_task_state(submitted)
    client.force_login(editor)

    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=(submitted.pk, "approve", task_state.pk)
        ),
        {"comment": ""},
    )

    # Wagtail answers PermissionDenied in the admin with a redirect to the dashboard.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    submitted.refresh_from_db()
    assert not submitted.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_moderation_approves_and_the_profile_goes_live(client, submitted, moderator):
    task_state = in_progress_task_state(submitted)
    client.force_login(moderator)

    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=(submitted.pk, "approve", task_state.pk)
        ),
        {"comment": ""},
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.live
    assert not submitted.workflow_in_progress
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == moderator
    client.logout()
    response = client.get("/kooperationen/standesamt-test/")
    assert response.status_code == 200
    assert "Interkommunales Standesamt" in response.content.decode()


def test_requested_changes_keep_the_profile_unpublished(client, submitted, moderator):
    task_state = in_progress_task_state(submitted)
    client.force_login(moderator)

    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=(submitted.pk, "reject", task_state.pk)
        ),
        {"comment": "Bitte die Quelle genauer angeben."},
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert not submitted.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == "Bitte die Quelle genauer angeben."
    assert task_state.workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.logout()
    assert client.get("/kooperationen/standesamt-test/").status_code == 404


def test_approval_through_the_workflow_api(make_profile, editor, moderator):
    page = make_profile("Gemeinsame Vollstreckung", publish=False)
    page.get_workflow().start(page, editor)
    page.refresh_from_db()
    assert not page.live

    task_state = in_progress_task_state(page)
    task_state.task.specific.on_action(task_state, moderator, "approve")

    page.refresh_from_db()
    assert page.live
