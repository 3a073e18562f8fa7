"""Erhebungen in the Wagtail admin, for the group "Erhebung" (and superusers).

Bodies of a campaign with a list of its own are typed one per line (AGS, Kreisschlüssel or
exact name, resolved like the partners of a report), not picked from 10,751 options.
"""

from django import forms
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateInput
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from kooperationsatlas.widgets import task_area_queryset, task_area_widget
from reports.forms import resolve_register_bodies

from .models import COORDINATE_PERMISSION, Campaign

MAX_LISTED = 2000


def body_line(body):
    key = getattr(body, "ags", None) or body.key
    return f"{key} {body}"


class CampaignForm(WagtailAdminModelForm):
    listed_bodies = forms.CharField(
        label="Ausgewählte Gemeinden und Kreise",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Nur bei „Ausgewählte Gemeinden und Kreise“: eine Kommune pro Zeile, als "
        "Gemeindeschlüssel (AGS, 8 Ziffern), Kreisschlüssel (5 Ziffern) oder genauer Name, "
        "z. B. „05974016 Erwitte“.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_areas"].queryset = task_area_queryset()
        if self.instance.pk and not self.is_bound:
            bodies = [*self.instance.municipalities.all(), *self.instance.counties.all()]
            self.initial["listed_bodies"] = "\n".join(body_line(body) for body in bodies)

    def clean_listed_bodies(self):
        return resolve_register_bodies(self.cleaned_data["listed_bodies"], MAX_LISTED)

    def clean(self):
        cleaned = super().clean()
        listing = cleaned.get("scope") == Campaign.Scope.LIST
        if listing and not cleaned.get("listed_bodies") and not self.has_error("listed_bodies"):
            self.add_error("listed_bodies", "Bitte mindestens eine Kommune angeben.")
        return cleaned

    def save(self, commit=True):
        campaign = super().save(commit=commit)
        if commit:
            listed = self.cleaned_data.get("listed_bodies") or []
            campaign.municipalities.set([p.municipality for p in listed if p.municipality])
            campaign.counties.set([p.county for p in listed if p.county])
        return campaign


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "clipboard-list"
    menu_label = "Erhebungen"
    menu_name = "erhebungen"
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["title", "description"]
    list_display = [
        "title",
        "starts_on",
        "deadline",
        Column("scope", label="Befragt werden", accessor="get_scope_display"),
        "is_example",
    ]
    list_filter = ["is_example"]
    ordering = ["-starts_on", "title"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldRowPanel(
                [
                    FieldPanel("starts_on", widget=AdminDateInput),
                    FieldPanel("deadline", widget=AdminDateInput),
                ]
            ),
            FieldPanel("contact_email"),
            MultiFieldPanel(
                [
                    FieldPanel("scope"),
                    FieldPanel("state"),
                    FieldPanel("district"),
                    FieldPanel("county"),
                    FieldPanel("include_counties"),
                    FieldPanel("listed_bodies"),
                ],
                heading="Wer wird befragt?",
            ),
            FieldPanel("task_areas", widget=task_area_widget()),
            MultiFieldPanel(
                [
                    FieldPanel("ask_digitalisation"),
                    FieldPanel("ask_staff_shortage"),
                    FieldPanel("ask_cooperation_interest"),
                ],
                heading="Zusatzfragen",
            ),
            FieldPanel("reminder_days"),
            FieldPanel("is_example"),
        ],
        base_form_class=CampaignForm,
    )

    def get_queryset(self, request):
        return Campaign.objects.all()


register_snippet(CampaignViewSet)


class CoordinationMenuItem(MenuItem):
    """Progress, invitations and raw answers live on the site (/erhebungen/), for those who
    coordinate Erhebungen."""

    def is_shown(self, request):
        return request.user.has_perm(COORDINATE_PERMISSION)


@hooks.register("register_admin_menu_item")
def coordination_menu_item():
    return CoordinationMenuItem(
        "Erhebungen: Fortschritt", "/erhebungen/", icon_name="table", order=261
    )
