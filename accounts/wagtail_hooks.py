"""Admin for municipal accounts and access requests: moderators verify and decide."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services
from .models import AccessRequest, MunicipalAccount


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


class AccessRequestForm(WagtailAdminModelForm):
    """The moderation's decision: approve only after checking the identity, reject with a
    reason; a decided request stays decided."""

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        request = self.instance
        if request.decided_at is not None:
            if status != request.status:
                raise ValidationError(
                    "Über diesen Antrag ist bereits entschieden; die Entscheidung bleibt."
                )
            return cleaned
        if status == AccessRequest.Status.APPROVED:
            if not cleaned.get("identity_checked"):
                self.add_error(
                    "identity_checked",
                    "Vor der Genehmigung bitte prüfen, ob die Person für diese Kommune "
                    "arbeitet, und das hier bestätigen.",
                )
            problem = services.approval_problem(request.email, request.municipality, request.county)
            if problem:
                raise ValidationError(problem)
        if status == AccessRequest.Status.REJECTED and not cleaned.get("note", "").strip():
            self.add_error("note", "Bitte begründen Sie die Ablehnung.")
        return cleaned


class AccessRequestViewSet(SnippetViewSet):
    model = AccessRequest
    icon = "mail"
    menu_label = "Zugangsanträge"
    menu_order = 249
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["name", "email", "municipality__name", "county__name"]
    list_display = [
        "name",
        Column("body_name", label="Kommune", accessor="body_name"),
        "email",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name", read_only=True),
                    FieldPanel("email", read_only=True),
                    FieldPanel("municipality", read_only=True),
                    FieldPanel("county", read_only=True),
                    FieldPanel("function", read_only=True),
                    FieldPanel("phone", read_only=True),
                    FieldPanel("message", read_only=True),
                ],
                heading="Antrag",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("identity_checked"),
                    FieldPanel("status"),
                    FieldPanel("note"),
                ],
                heading="Prüfung und Entscheidung",
                help_text="Genehmigen legt das kommunale Konto an (bestätigt) und schickt der "
                "Person einen Link zum Festlegen des Passworts; Ablehnen schickt ihr die "
                "Begründung.",
            ),
        ],
        base_form_class=AccessRequestForm,
    )

    def get_queryset(self, request):
        return AccessRequest.objects.select_related("municipality", "county")


register_snippet(AccessRequestViewSet)


@hooks.register("after_edit_snippet")
def carry_out_access_decision(request, instance):
    """Once the moderation saved a decision: create the account and/or tell the requester."""
    if not isinstance(instance, AccessRequest):
        return None
    try:
        result = services.apply_decision(instance, request.user, request)
    except services.DecisionError as error:
        AccessRequest.objects.filter(pk=instance.pk, decided_at__isnull=True).update(
            status=AccessRequest.Status.OPEN
        )
        messages.error(request, f"Nicht genehmigt: {error}")
        return None
    if isinstance(result, MunicipalAccount):
        messages.success(
            request,
            f"Konto für {instance.name} ({instance.body_name}) angelegt und bestätigt; "
            "die Person wurde per E-Mail benachrichtigt.",
        )
    elif result is True:
        messages.success(
            request,
            f"Antrag von {instance.name} abgelehnt; die Person wurde per E-Mail benachrichtigt.",
        )
    return None
