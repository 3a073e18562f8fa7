"""Admin for the glossary: a snippet listing "Glossar" in the main menu."""

from wagtail.snippets.models import register_snippet

from kooperationsatlas.editorial import DatabaseSearchSnippetViewSet

from .models import GlossaryTerm


class GlossaryTermViewSet(DatabaseSearchSnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = "Glossar"
    menu_name = "glossar"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["term", "slug", "source_title"]
    search_fields = ["term", "slug", "definition"]
    ordering = ["term"]
    inspect_view_enabled = True
    copy_view_enabled = False  # a copy would only clash on the unique term and slug


register_snippet(GlossaryTermViewSet)
