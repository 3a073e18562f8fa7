"""Admin for the taxonomies: one snippet listing per vocabulary, grouped as "Taxonomien"."""

from django.db.models import Case, CharField, Count, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kooperationsatlas.editorial import DatabaseSearchSnippetViewSet

from .taxonomy import CooperationModel, LegalForm, Motive, TaskArea


class TermViewSet(DatabaseSearchSnippetViewSet):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug", "description"]
    ordering = ["sort_order", "name"]
    inspect_view_enabled = True  # lets the "view" permission (Redaktion) open a term
    copy_view_enabled = False  # a copy would only clash on the unique slug


TREE_ORDERING = [
    "tree_top_sort",
    "tree_top_name",
    "tree_mid_sort",
    "tree_mid_name",
    "tree_depth",
    "sort_order",
    "name",
]


def tree_ordered(queryset):
    """Order terms as a tree (each term below its parent), exactly for up to three levels."""
    depth = Case(
        When(parent__isnull=True, then=Value(0)),
        When(parent__parent__isnull=True, then=Value(1)),
        default=Value(2),
    )
    return queryset.annotate(
        tree_depth=depth,
        tree_top_sort=Coalesce("parent__parent__sort_order", "parent__sort_order", "sort_order"),
        tree_top_name=Coalesce("parent__parent__name", "parent__name", "name"),
        tree_mid_sort=Case(
            When(tree_depth=0, then=Value(-1)),
            When(tree_depth=1, then=F("sort_order")),
            default=F("parent__sort_order"),
            output_field=IntegerField(),
        ),
        tree_mid_name=Case(
            When(tree_depth=0, then=Value("")),
            When(tree_depth=1, then=F("name")),
            default=F("parent__name"),
            output_field=CharField(),
        ),
    ).order_by(*TREE_ORDERING)


class HierarchicalTermViewSet(TermViewSet):
    list_display = [
        "name",
        "parent",
        "slug",
        Column("children_count", label="Unterbegriffe", sort_key="children_count"),
        "sort_order",
    ]
    list_filter = ["parent"]
    ordering = TREE_ORDERING

    def get_queryset(self, request):
        queryset = self.model._default_manager.select_related("parent__parent")
        return tree_ordered(queryset.annotate(children_count=Count("children")))

    def get_chooser_queryset(self):
        return tree_ordered(self.model._default_manager.select_related("parent__parent"))


class TaskAreaViewSet(HierarchicalTermViewSet):
    model = TaskArea
    icon = "list-ul"


class LegalFormViewSet(HierarchicalTermViewSet):
    model = LegalForm
    icon = "doc-full"
    list_display = HierarchicalTermViewSet.list_display[:3] + [
        "legal_basis",
        *HierarchicalTermViewSet.list_display[3:],
    ]
    search_fields = TermViewSet.search_fields + ["legal_basis"]


class CooperationModelViewSet(TermViewSet):
    model = CooperationModel
    icon = "cogs"


class MotiveViewSet(TermViewSet):
    model = Motive
    icon = "pick"


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (TaskAreaViewSet, LegalFormViewSet, CooperationModelViewSet, MotiveViewSet)
    menu_label = "Taxonomien"
    menu_name = "taxonomien"
    menu_icon = "tag"
    menu_order = 200


register_snippet(TaxonomyViewSetGroup)


# --- "Steckbrief-Qualität": what each profile lacks (cooperations/quality.py) -------------


def quality_view(request):
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import render

    from .models import CooperationPage
    from .quality import profile_gaps

    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    return render(
        request,
        "cooperations/admin/quality.html",
        {"report": profile_gaps(), "total": CooperationPage.objects.count()},
    )


@hooks.register("register_admin_urls")
def register_quality_url():
    return [path("steckbrief-qualitaet/", quality_view, name="cooperations_quality")]


@hooks.register("register_admin_menu_item")
def register_quality_menu_item():
    return MenuItem(
        "Steckbrief-Qualität",
        reverse("cooperations_quality"),
        icon_name="warning",
        order=260,
    )
