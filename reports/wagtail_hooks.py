"""Admin: the reports with their (non-public) contact, read-only for the moderation."""

from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from kooperationsatlas.editorial import MODERATORS_GROUP
from legal.permissions import ReadOnlyPermissionPolicy

from .models import Report

register_permission_policy(
    Report, ReadOnlyPermissionPolicy(Report, view_groups=(MODERATORS_GROUP,))
)


class ReportViewSet(SnippetViewSet):
    model = Report
    icon = "mail"
    menu_label = "Meldungen"
    menu_order = 255
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["title", "contact_name", "contact_email", "reporter__username"]
    list_display = [
        "title",
        Column("body", label="Kommune", accessor="body"),
        "contact_name",
        "contact_email",
        Column("created_at", label="Gemeldet am", accessor="created_at"),
        "published_notified_at",
    ]
    inspect_view_fields = [
        "title",
        "page",
        "reporter",
        "municipality",
        "county",
        "contact_name",
        "contact_email",
        "created_at",
        "published_notified_at",
    ]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Report.objects.select_related("reporter", "page", "municipality", "county")


register_snippet(ReportViewSet)
