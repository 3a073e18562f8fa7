"""Admin smoke tests: taxonomy and register snippets, the register chooser, read-only register."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from cooperations.models import CooperationModel, LegalForm, Motive, TaskArea
from kooperationsatlas.editorial import EDITORS_GROUP, MODERATORS_GROUP
from register.models import County, Municipality

pytestmark = pytest.mark.django_db

TAXONOMIES = [TaskArea, LegalForm, CooperationModel, Motive]
REGISTER = [County, Municipality]


def make_user(username, group_name):
    user = User.objects.create_user(username=username, password="geheim")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def moderator_client(client):
    client.force_login(make_user("moderator", MODERATORS_GROUP))
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("redakteurin", EDITORS_GROUP))
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "geheim"))
    return client


def assert_denied(response):
    # The admin answers PermissionDenied with a redirect to the dashboard and a message.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def chooser_url(model, view):
    return reverse(f"{model.snippet_viewset.get_chooser_admin_url_namespace()}:{view}")


@pytest.mark.parametrize("model", TAXONOMIES)
def test_taxonomy_listing_renders_for_moderation(moderator_client, model):
    term = model.objects.order_by("pk").first()
    assert term is not None, "the seed migration provides terms"

    response = moderator_client.get(url(model, "list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert term.name in content
    assert url(model, "add") in content
    assert url(model, "edit", term.pk) in content


def test_hierarchical_listing_shows_parent_and_children_count(moderator_client):
    parent = TaskArea.objects.create(name="Testbereich", slug="testbereich", sort_order=0)
    for i in range(3):
        TaskArea.objects.create(name=f"Testaufgabe {i}", slug=f"testaufgabe-{i}", parent=parent)

    response = moderator_client.get(url(TaskArea, "list"), {"q": "Testbereich"})

    assert response.status_code == 200
    rows = response.context["object_list"]
    assert [(t.name, t.children_count) for t in rows] == [("Testbereich", 3)]

    response = moderator_client.get(url(TaskArea, "list"), {"parent": parent.pk})
    rows = response.context["object_list"]
    assert {t.name for t in rows} == {f"Testaufgabe {i}" for i in range(3)}
    assert "Übergeordneter Begriff" in response.content.decode()


def test_hierarchical_terms_are_listed_as_a_tree(moderator_client):
    top = TaskArea.objects.create(name="AAA Oben", slug="aaa-oben", sort_order=0)
    mid = TaskArea.objects.create(name="Mitte", slug="aaa-mitte", parent=top, sort_order=5)
    TaskArea.objects.create(name="Unten", slug="aaa-unten", parent=mid, sort_order=1)
    TaskArea.objects.create(name="Zweite", slug="aaa-zweite", parent=top, sort_order=9)
    TaskArea.objects.create(name="AAB Nachbar", slug="aab-nachbar", sort_order=0)

    response = moderator_client.get(url(TaskArea, "list"), {"q": "aa"})
    names = [t.name for t in response.context["object_list"]]
    assert names[:5] == ["AAA Oben", "Mitte", "Unten", "Zweite", "AAB Nachbar"]

    response = moderator_client.get(chooser_url(TaskArea, "choose_results"), {"q": "a"})
    content = response.content.decode()
    chain = ["AAA Oben", "AAA Oben › Mitte", "AAA Oben › Mitte › Unten", "AAA Oben › Zweite"]
    lines = [line.strip() for line in content.splitlines()]
    positions = [lines.index(label) for label in chain]
    assert positions == sorted(positions)


def test_taxonomy_search_finds_terms_by_name(moderator_client):
    term = LegalForm.objects.filter(parent__isnull=False).first()
    response = moderator_client.get(url(LegalForm, "list"), {"q": term.name[:6]})
    assert term in response.context["object_list"]


@pytest.mark.parametrize("model", TAXONOMIES)
def test_redaktion_sees_taxonomies_but_cannot_change_them(editor_client, model):
    term = model.objects.order_by("pk").first()

    response = editor_client.get(url(model, "list"))
    assert response.status_code == 200
    assert url(model, "add") not in response.content.decode()
    assert editor_client.get(url(model, "inspect", term.pk)).status_code == 200
    assert_denied(editor_client.get(url(model, "add")))
    assert_denied(editor_client.get(url(model, "edit", term.pk)))
    assert_denied(editor_client.post(url(model, "delete", term.pk)))
    assert model.objects.filter(pk=term.pk).exists()


@pytest.mark.parametrize("model", REGISTER)
def test_register_listing_renders_for_moderation(moderator_client, model):
    response = moderator_client.get(url(model, "list"))

    assert response.status_code == 200
    assert response.context["object_list"]


def test_register_listing_search_and_filter(moderator_client):
    response = moderator_client.get(url(Municipality, "list"), {"q": "Erwit"})
    found = list(response.context["object_list"])
    assert found[0].ags == "05974016"  # ordered by name; also Oderwitz etc.
    assert all("erwit" in m.name.lower() for m in found)
    assert "Kreis Soest" in response.content.decode()

    nrw = Municipality.objects.get(ags="05974016").state
    response = moderator_client.get(url(Municipality, "list"), {"state": nrw.pk, "q": "Soest"})
    assert {m.state_id for m in response.context["object_list"]} == {nrw.pk}

    response = moderator_client.get(url(County, "list"), {"q": "Soest"})
    assert "Kreis Soest" in [c.display_name for c in response.context["object_list"]]


def test_municipality_chooser_search_finds_erwitte(editor_client):
    response = editor_client.get(chooser_url(Municipality, "choose_results"), {"q": "Erwit"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Erwitte (Kreis Soest)" in content
    assert "Anröchte" not in content

    erwitte = Municipality.objects.get(ags="05974016")
    response = editor_client.get(
        reverse(
            f"{Municipality.snippet_viewset.get_chooser_admin_url_namespace()}:chosen",
            args=(erwitte.pk,),
        )
    )
    assert response.status_code == 200
    assert response.json()["result"]["string"] == "Erwitte (Kreis Soest)"


def test_county_chooser_search(editor_client):
    response = editor_client.get(chooser_url(County, "choose"), {"q": "Soest"})
    assert response.status_code == 200
    assert "Kreis Soest" in response.json()["html"]


def test_partner_panels_use_the_register_choosers(editor_client, site_tree):
    _, index = site_tree
    response = editor_client.get(
        reverse("wagtailadmin_pages:add", args=("cooperations", "cooperationpage", index.pk))
    )

    assert response.status_code == 200
    content = response.content.decode()
    for model in REGISTER:
        assert chooser_url(model, "choose") in content
    # No select listing the whole register.
    assert content.count("<option") < 500


@pytest.mark.parametrize("model", REGISTER)
def test_register_is_read_only_even_for_superusers(superuser_client, model):
    response = superuser_client.get(url(model, "list"))
    assert response.status_code == 200
    obj = response.context["object_list"][0]
    content = response.content.decode()
    assert url(model, "add") not in content
    assert url(model, "edit", obj.pk) not in content
    assert url(model, "delete", obj.pk) not in content
    assert url(model, "inspect", obj.pk) in content

    assert superuser_client.get(url(model, "inspect", obj.pk)).status_code == 200
    assert_denied(superuser_client.get(url(model, "add")))
    assert_denied(superuser_client.post(url(model, "add"), {"name": "Neu"}))
    assert_denied(superuser_client.get(url(model, "edit", obj.pk)))
    assert_denied(superuser_client.post(url(model, "edit", obj.pk), {"name": "Neu"}))
    assert_denied(superuser_client.post(url(model, "delete", obj.pk)))
    assert model.objects.filter(pk=obj.pk).exists()
    assert model.objects.get(pk=obj.pk).name == obj.name

    # No "Create" tab in the chooser either.
    response = superuser_client.get(chooser_url(model, "choose"))
    assert response.status_code == 200
    assert 'id="tab-create"' not in response.json()["html"]


def test_register_permissions_are_not_offered_for_groups(superuser_client):
    response = superuser_client.get(reverse("wagtailusers_groups:add"))
    assert response.status_code == 200
    offered = {
        int(pk)
        for pk in re.findall(r'name="permissions" value="(\d+)"', response.content.decode())
    }
    taxonomy = Permission.objects.filter(content_type__app_label="cooperations")
    assert set(taxonomy.filter(codename="view_taskarea").values_list("pk", flat=True)) <= offered
    register = Permission.objects.filter(content_type__app_label="register")
    assert register.exists()
    assert not offered & set(register.values_list("pk", flat=True))


def test_admin_menu_groups_taxonomies_and_register(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Taxonomien" in content
    assert "Register" in content
    for model in TAXONOMIES + REGISTER:
        assert url(model, "list") in content


def test_municipality_inspect_view_shows_the_official_figures(editor_client):
    erwitte = Municipality.objects.get(ags="05974016")

    response = editor_client.get(url(Municipality, "inspect", erwitte.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "059740016016" in content  # ARS
    assert "Kreis Soest" in content
    assert url(Municipality, "edit", erwitte.pk) not in content
