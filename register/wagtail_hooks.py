"""Read-only admin for the register, and the snippet choosers for Gemeinde and Kreis.

Registering County and Municipality as snippets gives CooperationPartner's FieldPanels
a searchable chooser instead of a select with 10,000 options.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, NumberColumn
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSetGroup

from kooperationsatlas.editorial import DatabaseSearchSnippetViewSet

from .models import County, Municipality, Region, State


class ReadOnlyPermissionPolicy(BasePermissionPolicy):
    """Anyone with admin access may look; nobody, not even a superuser, may write.

    Register rows carry official keys and figures and come only from the import command.
    """

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.has_perm("wagtailadmin.access_admin")

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        access = Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        granted = Q(user_permissions__in=access) | Q(groups__permissions__in=access)
        return users.filter(Q(is_superuser=True) | granted).distinct()


# Before the viewsets are registered, or Wagtail creates its default policy for them.
register_permission_policy(County, ReadOnlyPermissionPolicy(County))
register_permission_policy(Municipality, ReadOnlyPermissionPolicy(Municipality))
register_permission_policy(Region, ReadOnlyPermissionPolicy(Region))


class ReadOnlyIndexView(IndexView):
    @cached_property
    def columns(self):
        # No bulk selection: the only bulk action is delete.
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]


# The foreign keys have no German verbose_name, so columns and filters name themselves.
STATE_COLUMN = Column("state", label="Land", sort_key="state__name")


class RegisterFilterSet(WagtailFilterSet):
    state = django_filters.ModelChoiceFilter(queryset=State.objects.all(), label="Land")

    class Meta:
        fields = ["state", "kind"]


class CountyFilterSet(RegisterFilterSet):
    class Meta(RegisterFilterSet.Meta):
        model = County


class MunicipalityFilterSet(RegisterFilterSet):
    class Meta(RegisterFilterSet.Meta):
        model = Municipality


class RegisterInspectView(InspectView):
    labels = {"county": "Kreis", "district": "Regierungsbezirk", "state": "Land"}

    def get_field_label(self, field_name, field):
        return self.labels.get(field_name) or super().get_field_label(field_name, field)


class RegisterViewSet(DatabaseSearchSnippetViewSet):
    index_view_class = ReadOnlyIndexView
    index_template_name = "wagtailadmin/generic/index.html"  # without the bulk actions footer
    inspect_view_class = RegisterInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False  # rows are bulk-imported; they reference nothing editorial

    def get_permissions_to_register(self):
        # Nothing to grant: the policy ignores Django permissions for the register.
        return Permission.objects.none()


class CountyViewSet(RegisterViewSet):
    model = County
    filterset_class = CountyFilterSet
    icon = "site"
    list_display = [
        "display_name",
        "key",
        "kind",
        STATE_COLUMN,
        NumberColumn("population", label="Einwohner", sort_key="population"),
    ]
    search_fields = ["display_name", "name", "key"]
    ordering = ["display_name"]
    inspect_view_fields = [
        "display_name",
        "name",
        "key",
        "kind",
        "state",
        "district",
        "population",
        "population_date",
        "area_km2",
    ]

    def get_queryset(self, request):
        return County.objects.select_related("state")


class MunicipalityViewSet(RegisterViewSet):
    model = Municipality
    filterset_class = MunicipalityFilterSet
    icon = "home"
    list_display = [
        "name",
        "ags",
        Column("county", label="Kreis", sort_key="county__display_name"),
        STATE_COLUMN,
        NumberColumn("population", label="Einwohner", sort_key="population"),
    ]
    search_fields = ["name", "ags"]
    ordering = ["name", "ags"]
    chooser_per_page = 20
    inspect_view_fields = [
        "name",
        "name_official",
        "ags",
        "ars",
        "kind",
        "gv_type",
        "county",
        "district",
        "state",
        "population",
        "population_date",
        "area_km2",
        "postcode",
        "latitude",
        "longitude",
    ]

    def get_queryset(self, request):
        return Municipality.objects.select_related("county", "state").defer("boundary")

    def get_chooser_queryset(self):
        return Municipality.objects.select_related("county").defer("boundary")


class RegionViewSet(RegisterViewSet):
    model = Region
    icon = "globe"
    list_display = ["name", "slug", "definition"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    inspect_view_fields = [
        "name",
        "slug",
        "aliases",
        "definition",
        "sources",
        "counties",
        "municipalities",
    ]


class RegisterViewSetGroup(SnippetViewSetGroup):
    items = (MunicipalityViewSet, CountyViewSet, RegionViewSet)
    menu_label = "Register"
    menu_name = "register"
    menu_icon = "globe"
    menu_order = 210


register_snippet(RegisterViewSetGroup)
