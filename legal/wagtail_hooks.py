"""Admin: accessibility feedback, read-only for the editorial groups."""

from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import AccessibilityFeedback
from .permissions import ReadOnlyPermissionPolicy

register_permission_policy(AccessibilityFeedback, ReadOnlyPermissionPolicy(AccessibilityFeedback))


class AccessibilityFeedbackViewSet(SnippetViewSet):
    model = AccessibilityFeedback
    icon = "help"
    menu_label = "Rückmeldungen Barrierefreiheit"
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["description", "page_url", "name", "email"]
    list_display = [
        Column("created_at", label="Eingegangen am", accessor="created_at"),
        "page_url",
        Column("description", label="Beschreibung", accessor="description"),
        "email",
        "forwarded_to",
    ]
    inspect_view_fields = [
        "created_at",
        "page_url",
        "description",
        "name",
        "email",
        "forwarded_to",
    ]
    ordering = ["-created_at"]


register_snippet(AccessibilityFeedbackViewSet)
