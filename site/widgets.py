"""The one widget for choosing several items from a long list (task areas, Kreise).

Instead of a Ctrl/Cmd multi-select list, ``GroupedCheckboxes`` renders plain checkboxes in
labelled groups (one fieldset per group, optionally folded into a details element that is
open when one of its boxes is ticked). Without JavaScript that is all, and it works; with
JavaScript (static/js/multichoice.js) a filter field above the groups hides the choices
that do not match what is typed and says how many are shown.

The field stays a normal ``ModelMultipleChoiceField``: the posted values are the same as
with ``SelectMultiple``, so views and validation do not change.
"""

from django import forms
from django.db.models import F
from django.db.models.functions import Coalesce

from cooperations.taxonomy import TaskArea
from register.models import County


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by ``group_of(obj) -> (key, heading)`` and labelled by
    ``label_of(obj)``. ``collapsible``: each group is a details element (for long lists
    such as the 400 Kreise), open when one of its boxes is ticked."""

    template_name = "kooperationsatlas/widgets/grouped_checkboxes.html"
    use_fieldset = True

    class Media:
        js = ["js/multichoice.js"]

    def __init__(self, group_of, label_of=str, *, collapsible=False, noun="Einträge", attrs=None):
        super().__init__(attrs)
        self.group_of = group_of
        self.label_of = label_of
        self.collapsible = collapsible
        self.noun = noun

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        groups = {}
        for _, options, _ in context["widget"]["optgroups"]:
            for option in options:
                instance = getattr(option["value"], "instance", None)
                if instance is None:
                    key, heading = None, ""
                else:
                    key, heading = self.group_of(instance)
                    option["label"] = self.label_of(instance)
                group = groups.setdefault(key, {"heading": heading, "options": []})
                group["options"].append(option)
        for number, group in enumerate(groups.values()):
            group["id"] = f"{context['widget']['attrs'].get('id') or name}-gruppe-{number}"
            group["selected"] = sum(1 for option in group["options"] if option["selected"])
        context["widget"].update(
            {
                "groups": list(groups.values()),
                "collapsible": self.collapsible,
                "noun": self.noun,
                "total": sum(len(group["options"]) for group in groups.values()),
            }
        )
        return context


# --- the lists the site uses ----------------------------------------------------------


def _task_area_root(area):
    root = area
    while root.parent_id is not None:
        root = root.parent
    return root


def _task_area_group(area):
    root = _task_area_root(area)
    return root.pk, root.name


def _task_area_label(area):
    """A root term reads "Innere Verwaltung (ganzer Bereich)", a term below it its path
    below the root ("Personal und Beihilfe")."""
    if area.parent_id is None:
        return f"{area.name} (ganzer Bereich)"
    names = []
    while area.parent_id is not None:
        names.append(area.name)
        area = area.parent
    return " › ".join(reversed(names))


def task_area_widget():
    """Task areas grouped under their top-level area (about 40 in 10 groups)."""
    return GroupedCheckboxes(_task_area_group, _task_area_label, noun="Aufgabenbereiche")


def task_area_queryset():
    """Task areas in the order the widget shows them: each top-level area, then the terms
    below it (the parents are loaded with them). The top-level order is computed, so it
    does not depend on where a database sorts NULLs."""
    return (
        TaskArea.objects.select_related("parent__parent")
        .annotate(
            root_order=Coalesce("parent__parent__sort_order", "parent__sort_order", "sort_order"),
            root_name=Coalesce("parent__parent__name", "parent__name", "name"),
        )
        .order_by(
            "root_order",
            "root_name",
            F("parent").asc(nulls_first=True),
            F("parent__sort_order").asc(nulls_first=True),
            "sort_order",
            "name",
        )
    )


def county_widget():
    """Kreise and kreisfreie Städte grouped by Land, each Land folded (about 400)."""
    return GroupedCheckboxes(
        lambda county: (county.state_id, county.state.name),
        lambda county: county.display_name,
        collapsible=True,
        noun="Kreise",
    )


def county_queryset():
    return County.objects.select_related("state").order_by("state__name", "display_name")
