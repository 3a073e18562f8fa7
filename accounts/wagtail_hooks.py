"""Admin for municipal accounts: moderators create accounts and verify them."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import MunicipalAccount


class MunicipalAccountForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        municipality, county = cleaned.get("municipality"), cleaned.get("county")
        if bool(municipality) == bool(county):
            raise ValidationError(
                "Bitte genau eine Gemeinde oder einen Kreis wählen: ein Konto handelt "
                "für genau eine Kommune."
            )
        return cleaned


class MunicipalAccountViewSet(SnippetViewSet):
    model = MunicipalAccount
    icon = "user"
    menu_label = "Kommunale Konten"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["user__username", "user__email", "municipality__name", "county__name"]
    list_display = [
        "user",
        Column("body", label="Kommune", accessor="body"),
        "function",
        "verified",
    ]
    list_filter = ["verified"]
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("user"),
            FieldPanel("municipality"),
            FieldPanel("county"),
            FieldPanel("function"),
            FieldPanel("verified"),
        ],
        base_form_class=MunicipalAccountForm,
    )

    def get_queryset(self, request):
        return MunicipalAccount.objects.select_related("user", "municipality", "county")


register_snippet(MunicipalAccountViewSet)
