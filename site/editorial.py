"""Editorial roles and admin helpers shared by the wagtail_hooks modules.

The data migration ``0002_editorial_setup`` creates the groups, the task and the workflow
under these names (the group "Erhebung": ``surveys/migrations/0002_coordinator_group``);
they keep their own copies because migrations must not change.
"""

from django import forms
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

EDITORS_GROUP = "Redaktion"
MODERATORS_GROUP = "Moderation"
SURVEY_GROUP = "Erhebung"  # coordinates Erhebungen (surveys/migrations/0002_coordinator_group.py)
APPROVAL_TASK = "Freigabe durch die Moderation"
WORKFLOW = "Redaktionelle Freigabe"


class DatabaseSearchFilterForm(BaseFilterForm):
    """Chooser search with a plain database lookup on ``search_fields``."""

    search_fields = ("name",)

    q = forms.CharField(
        label="Suchbegriff",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Suchen"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class DatabaseSearchChooserViewSet(SnippetChooserViewSet):
    filter_form_class = None

    def get_common_view_kwargs(self, **kwargs):
        # construct_view only hands this to the views that have the attribute.
        return super().get_common_view_kwargs(filter_form_class=self.filter_form_class, **kwargs)


class DatabaseSearchSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose listing and chooser search the database, not the search index.

    They search short fields (names, keys), where a substring match ("Erwit" → Erwitte,
    "05974") is what editors expect, and they must not depend on the index being current:
    data migrations seed taxonomy terms without updating it.
    """

    search_backend_name = None
    search_fields = ["name"]
    chooser_viewset_class = DatabaseSearchChooserViewSet

    def get_chooser_queryset(self):
        return self.model._default_manager.all()

    @property
    def chooser_viewset(self):
        viewset = super().chooser_viewset
        viewset.get_object_list = self.get_chooser_queryset  # picked up by inject_view_methods
        viewset.filter_form_class = type(
            f"{self.model.__name__}ChooserFilterForm",
            (DatabaseSearchFilterForm,),
            {"search_fields": tuple(self.search_fields)},
        )
        return viewset
