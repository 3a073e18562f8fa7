"""Admin: editors extend the search's thesaurus (search/thesaurus.py) with synonym groups."""

from wagtail.snippets.models import register_snippet

from kooperationsatlas.editorial import DatabaseSearchSnippetViewSet

from .models import SynonymGroup


class SynonymGroupViewSet(DatabaseSearchSnippetViewSet):
    model = SynonymGroup
    icon = "search"
    menu_label = "Suchsynonyme"
    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]
    ordering = ["terms"]


register_snippet(SynonymGroupViewSet)
